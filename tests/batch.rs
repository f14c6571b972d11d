//! The batch command line: archives of many files, broken records, gzip, standard input, CSV, ordering across
//! threads, summaries that merge exactly, and contact-pattern checks.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_callcoach"));
    c.env("NO_COLOR", "1");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("callcoach runs")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child =
        bin().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("callcoach-batch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tmp dir");
    d
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

const TEXTS: &[&str] = &[
    "Good morning, this is Sam from Northfield Recovery. This is an attempt to collect a debt.",
    "If you don't pay today we will take you to court.",
    "I'm so sorry to hear that. We can set up a payment plan that fits what you can afford.",
    "The balance on the account is 1,200 dollars.",
];
const CUSTOMER: &[&str] = &["I lost my job last month.", "Okay.", "Please stop calling me.", "I see."];

/// A native call as one JSON line, its content varied by `i`.
fn call(i: usize, extra: &str) -> String {
    let turns: Vec<String> = (0..1 + i % 5)
        .flat_map(|k| {
            [
                format!(r#"{{"speaker":"agent","text":{:?}}}"#, TEXTS[(i + k) % TEXTS.len()]),
                format!(r#"{{"speaker":"customer","text":{:?}}}"#, CUSTOMER[(i * 3 + k) % CUSTOMER.len()]),
            ]
        })
        .collect();
    format!(
        r#"{{"id":"c{i:04}","agent_id":"A{}","team":"{}"{extra},"turns":[{}]}}"#,
        i % 3,
        ["north", "south"][i % 2],
        turns.join(",")
    )
}

fn archive(n: usize) -> String {
    (0..n).map(|i| call(i, "") + "\n").collect()
}

fn ids_of_jsonl(out: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line")["id"].as_str().expect("id").to_owned())
        .collect()
}

#[test]
fn a_broken_line_and_a_binary_file_do_not_stop_the_batch() {
    let d = tmpdir("broken");
    let mut text = archive(3);
    text.insert_str(text.find('\n').expect("lines") + 1, "{\"id\": \"broken\", \"turns\": [\n");
    std::fs::write(d.join("calls.jsonl"), text).expect("write");
    std::fs::write(d.join("noise.txt"), b"\x00\x01\x02\x03PK").expect("write");
    std::fs::create_dir_all(d.join("sub")).expect("mkdir");
    std::fs::write(d.join("sub/more.jsonl"), call(7, "") + "\n").expect("write");
    std::fs::write(d.join("sub/ignored.csv"), "not,a,transcript\n").expect("write");
    let out = run(&["analyze", s(&d), "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(2), "an unreadable input gives status 2");
    assert_eq!(ids_of_jsonl(&out.stdout), ["c0000", "c0001", "c0002", "c0007"], "every good call, in order");
    let err = String::from_utf8_lossy(&out.stderr);
    let calls = d.join("calls.jsonl");
    assert!(err.contains(&format!("{}:2: ", calls.display())), "the error names file:line: {err}");
    assert!(err.contains(&format!("{}: skipped: ", d.join("noise.txt").display())), "{err}");
    assert!(err.contains("a binary file (NUL bytes near the start)"), "{err}");
    assert!(!err.contains("ignored.csv"), "files of other extensions are not read when walking: {err}");
    // --ext narrows the walk to the JSONL files.
    let out = run(&["analyze", s(&d), "--format", "jsonl", "--ext", "jsonl"]);
    assert_eq!(out.status.code(), Some(2), "the broken line still counts");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("noise.txt"));
}

#[test]
fn gzip_files_read_like_plain_ones() {
    let d = tmpdir("gz");
    let text = archive(40);
    let plain = d.join("a.jsonl");
    std::fs::write(&plain, &text).expect("write");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).expect("gzip");
    let gzp = d.join("b.jsonl.gz");
    std::fs::write(&gzp, gz.finish().expect("gzip")).expect("write");
    let a = run(&["analyze", s(&plain), "--format", "jsonl"]);
    let b = run(&["analyze", s(&gzp), "--format", "jsonl"]);
    assert_eq!(b.status.code(), Some(0), "{}", String::from_utf8_lossy(&b.stderr));
    let strip = |o: &[u8], name: &str| String::from_utf8_lossy(o).replace(name, "FILE");
    assert_eq!(strip(&a.stdout, s(&plain)), strip(&b.stdout, s(&gzp)));
    assert_eq!(ids_of_jsonl(&b.stdout).len(), 40);
}

#[test]
fn order_is_input_order_with_two_threads() {
    let d = tmpdir("order");
    let p = d.join("many.jsonl");
    std::fs::write(&p, archive(1500)).expect("write");
    let one = run(&["analyze", s(&p), "--format", "jsonl", "--threads", "1"]);
    let two = run(&["analyze", s(&p), "--format", "jsonl", "--threads", "2"]);
    assert_eq!(one.status.code(), Some(0));
    let want: Vec<String> = (0..1500).map(|i| format!("c{i:04}")).collect();
    assert_eq!(ids_of_jsonl(&two.stdout), want);
    assert_eq!(one.stdout, two.stdout, "the thread count changes nothing in the output");
    assert!(
        two.stderr.is_empty(),
        "no progress bar when stderr is not a terminal: {}",
        String::from_utf8_lossy(&two.stderr)
    );
}

#[test]
fn standard_input_streams_jsonl_and_json_is_one_array() {
    let text = archive(5);
    let out = run_stdin(&["analyze", "-", "--format", "jsonl"], text.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[2]["source"], "-:3");
    let out = run_stdin(&["analyze", "--format", "json"], text.as_bytes());
    let arr: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(arr.as_array().map(Vec::len), Some(5));
    assert_eq!(&arr[2], &lines[2], "the array holds the same objects as the JSONL");
    let one = run_stdin(&["analyze", "--format", "json"], (call(1, "") + "\n").as_bytes());
    let v: Value = serde_json::from_slice(&one.stdout).expect("json");
    assert_eq!(v["id"], "c0001", "one call is an object, not an array");
    // A broken first line costs only itself: standard input starting with `{` is JSONL.
    let broken = format!("{{\"id\": 1, \"turns\": [\n{}", archive(2));
    let out = run_stdin(&["analyze", "--format", "jsonl"], broken.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(ids_of_jsonl(&out.stdout), ["c0000", "c0001"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("-:1: "), "{}", String::from_utf8_lossy(&out.stderr));
    // A pretty-printed document is still one call.
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&call(2, "")).expect("json")).expect("pretty");
    let out = run_stdin(&["analyze", "--format", "jsonl"], pretty.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(ids_of_jsonl(&out.stdout), ["c0002"]);
}

#[test]
fn csv_rows_are_quoted_and_defused() {
    let d = tmpdir("csv");
    let p = d.join("x.jsonl");
    let tricky = call(1, "").replace(r#""id":"c0001""#, r#""id":"=HYPERLINK(\"http://x\",\"a, b\")""#);
    std::fs::write(&p, format!("{}\n{tricky}\n", call(0, ""))).expect("write");
    let out = run(&["analyze", s(&p), "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let rows: Vec<&str> = text.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(rows.len(), 3, "a header and one row per call: {text}");
    assert!(rows[0].starts_with("id,source,agent_id,account_id,profile,turns,overall,respect,"), "{}", rows[0]);
    assert!(rows[0].ends_with(",top_rules"));
    let want = r#""'=HYPERLINK(""http://x"",""a, b"")","#;
    assert!(rows[2].starts_with(want), "quoted, quotes doubled, formula defused: {}", rows[2]);
    // Every row has as many cells as the header once quoted fields are taken into account.
    let cells = |r: &str| {
        let (mut n, mut q) = (1, false);
        for c in r.chars() {
            match c {
                '"' => q = !q,
                ',' if !q => n += 1,
                _ => {}
            }
        }
        n
    };
    assert_eq!(cells(rows[1]), cells(rows[0]));
    assert_eq!(cells(rows[2]), cells(rows[0]));
}

fn summary_json(args: &[&str]) -> Value {
    let out = run(args);
    assert!(out.status.code().is_some_and(|c| c != 101), "no panic: {}", String::from_utf8_lossy(&out.stderr));
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("summary JSON: {e}\n{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    // Sources name the shard files; the figures must match.
    strip_sources(&mut v);
    v
}

fn strip_sources(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "source" || k == "errors_by_file" {
                    *x = Value::Null;
                } else {
                    strip_sources(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_sources),
        _ => {}
    }
}

#[test]
fn shard_summaries_merge_into_the_whole() {
    let d = tmpdir("merge");
    let lines: Vec<String> = (0..90)
        .map(|i| {
            let t = format!(
                r#","account_id":"ACC{}","started_at":"2026-03-{:02}T{:02}:15:00-05:00""#,
                i % 4,
                1 + i % 9,
                6 + i % 16
            );
            call(i, &t)
        })
        .collect();
    let whole = d.join("whole.jsonl");
    std::fs::write(&whole, lines.join("\n") + "\n{oops\n").expect("write");
    let (a, b) = (d.join("a.jsonl"), d.join("b.jsonl"));
    std::fs::write(&a, lines[..37].join("\n") + "\n{oops\n").expect("write");
    std::fs::write(&b, lines[37..].join("\n") + "\n").expect("write");
    let common = ["--format", "json", "--group-by", "team", "--contact", "--threshold", "70"];
    let w = summary_json(&[&["summary", s(&whole)][..], &common].concat());
    let (sa, sb) = (d.join("a.json"), d.join("b.json"));
    for (inp, outp) in [(&a, &sa), (&b, &sb)] {
        let o = run(&[&["summary", s(inp), "--out", s(outp)][..], &common].concat());
        assert!(o.status.code().is_some_and(|c| c == 0 || c == 2), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let m = summary_json(&["summary", "--merge", s(&sa), s(&sb), "--format", "json"]);
    assert_eq!(m, w, "the merged figures are the whole run's");
    assert_eq!(w["total"]["calls"], 90);
    assert_eq!(w["errors"], 1);
    assert!(w["contact"]["findings"].as_array().is_some_and(|f| !f.is_empty()), "the archive has contact findings");
    // Summaries concatenated in one file (as Spark writes them) merge the same.
    let both = d.join("both.json");
    let text = std::fs::read_to_string(&sa).expect("read") + &std::fs::read_to_string(&sb).expect("read");
    std::fs::write(&both, text).expect("write");
    assert_eq!(summary_json(&["summary", "--merge", s(&both), "--format", "json"]), w);
    // Summarising analyze output gives the same score figures as analysing here.
    let jsonl = d.join("out.jsonl");
    let o = run(&["analyze", s(&whole), "--format", "jsonl", "--out", s(&jsonl)]);
    assert_eq!(o.status.code(), Some(2));
    let from = summary_json(&["summary", "--from-jsonl", s(&jsonl), "--format", "json", "--group-by", "account_id"]);
    let direct = summary_json(&["summary", s(&whole), "--format", "json", "--group-by", "account_id"]);
    assert_eq!(from["total"], direct["total"]);
    assert_eq!(from["agents"], direct["agents"]);
    assert_eq!(from["teams"], direct["teams"]);
    // Different settings refuse to merge.
    let other = d.join("other.json");
    let o = run(&["summary", s(&b), "--format", "json", "--out", s(&other)]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["summary", "--merge", s(&sa), s(&other)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("threshold"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn summary_text_and_fail_under() {
    let d = tmpdir("text");
    let p = d.join("x.jsonl");
    std::fs::write(&p, archive(12)).expect("write");
    let out = run(&["summary", s(&p), "--group-by", "team"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("12 calls, "), "{text}");
    for needle in ["AGENT", "TEAM", "A0 ", "north", "south", "TOTAL", "Overall score distribution", "Lowest-scoring"] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    assert_eq!(run(&["summary", s(&p), "--fail-under", "101"]).status.code(), Some(1));
    assert_eq!(run(&["analyze", s(&p), "--fail-under", "101", "--quiet"]).status.code(), Some(1));
    assert_eq!(run(&["analyze", s(&p), "--fail-under", "0"]).status.code(), Some(0));
}

fn contact_call(id: &str, account: &str, at: &str, direction: &str, outcome: &str) -> String {
    format!(
        r#"{{"id":"{id}","agent_id":"A1","account_id":"{account}","started_at":"{at}","direction":"{direction}","outcome":"{outcome}","turns":[{{"speaker":"agent","text":"Hello, this is Sam from Northfield Recovery."}}]}}"#
    )
}

#[test]
fn contact_patterns_per_account() {
    let d = tmpdir("contact");
    let mut lines = Vec::new();
    // ACC-F: eight outbound attempts in six days, none answered: the eighth is one too many.
    for k in 0..8 {
        lines.push(contact_call(
            &format!("f{k}"),
            "ACC-F",
            &format!("2026-03-{:02}T10:00:00-05:00", 2 + k * 6 / 7),
            "outbound",
            "no-answer",
        ));
    }
    // ACC-C: a conversation (inbound), then an outbound attempt three days later, then one eight days later.
    lines.push(contact_call("c0", "ACC-C", "2026-03-02T12:00:00-06:00", "inbound", "conversation"));
    lines.push(contact_call("c1", "ACC-C", "2026-03-05T12:00:00-06:00", "outbound", "voicemail"));
    lines.push(contact_call("c2", "ACC-C", "2026-03-10T12:00:00-06:00", "outbound", "voicemail"));
    // ACC-H: 7:45 and 21:30 local are out of hours; 20:59 local is fine, whatever the UTC time.
    lines.push(contact_call("h0", "ACC-H", "2026-03-02T07:45:00-08:00", "outbound", "no-answer"));
    lines.push(contact_call("h1", "ACC-H", "2026-03-12T21:30:00+01:00", "outbound", "no-answer"));
    lines.push(contact_call("h2", "ACC-H", "2026-03-20T20:59:00-10:00", "outbound", "no-answer"));
    // No offset: not checked, counted.
    lines.push(contact_call("n0", "ACC-N", "2026-03-02T03:00:00", "outbound", "no-answer"));
    // Shuffled input: the checks sort each account's calls by time.
    lines.reverse();
    let p = d.join("contacts.jsonl");
    std::fs::write(&p, lines.join("\n") + "\n").expect("write");
    let report = d.join("contact.jsonl");
    let out = run(&["summary", s(&p), "--contact-report", s(&report), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let found: Vec<(String, String, String)> = std::fs::read_to_string(&report)
        .expect("report written")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("json line");
            assert_eq!(v["category"], "conduct");
            (
                v["account_id"].as_str().unwrap_or("").into(),
                v["code"].as_str().unwrap_or("").into(),
                v["call_id"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    let mut want = vec![
        ("ACC-C".to_owned(), "CT102".to_owned(), "c1".to_owned()),
        ("ACC-F".into(), "CT101".into(), "f7".into()),
        ("ACC-H".into(), "CT103".into(), "h0".into()),
        ("ACC-H".into(), "CT103".into(), "h1".into()),
    ];
    want.sort();
    let mut got = found.clone();
    got.sort();
    assert_eq!(got, want);
    let v: Value = serde_json::from_slice(&out.stdout).expect("summary");
    assert_eq!(v["contact"]["without_time"], 1);
    assert_eq!(v["contact"]["flagged_accounts"], 3);
}

/// `summary` run on standard input (`-`) with `args`.
fn pipe_json(args: &[&str], input: &[u8]) -> Value {
    let out = run_stdin(args, input);
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("summary JSON")
}

#[test]
fn contact_findings_from_analyze_output_and_shards_equal_the_transcripts() {
    let d = tmpdir("contact-jsonl");
    let mut lines = Vec::new();
    for k in 0..8 {
        let at = format!("2026-03-{:02}T10:00:00-05:00", 2 + k * 6 / 7);
        lines.push(contact_call(&format!("f{k}"), "ACC-F", &at, "outbound", "no-answer"));
    }
    lines.push(contact_call("c0", "ACC-C", "2026-03-02T12:00:00-06:00", "inbound", "conversation"));
    lines.push(contact_call("c1", "ACC-C", "2026-03-05T12:00:00-06:00", "outbound", "voicemail"));
    lines.push(contact_call("h0", "ACC-H", "2026-03-02T07:45:00-08:00", "outbound", "no-answer"));
    // No outcome: a conversation only if the customer said something. In s0 the customer turn holds no words (a
    // diarizer's empty segment), so s1 two days later is not a call after a conversation; in t0 the customer
    // spoke, so t1 is.
    let silent = r#"{"speaker":"customer","text":"..."}"#;
    let spoke = r#"{"speaker":"customer","text":"Yes, speaking."}"#;
    for (id, account, day, customer) in [("s0", "ACC-S", 2, silent), ("t0", "ACC-T", 2, spoke)] {
        lines.push(format!(
            r#"{{"id":"{id}","agent_id":"A2","account_id":"{account}","started_at":"2026-03-{day:02}T11:00:00-05:00","direction":"outbound","turns":[{{"speaker":"agent","text":"Hello, this is Sam from Northfield Recovery."}},{customer}]}}"#
        ));
    }
    lines.push(contact_call("s1", "ACC-S", "2026-03-04T11:00:00-05:00", "outbound", "no-answer"));
    lines.push(contact_call("t1", "ACC-T", "2026-03-04T11:00:00-05:00", "outbound", "no-answer"));
    // Ordinary calls around them, some without account or time.
    for i in 0..30 {
        let extra = if i % 3 == 0 {
            String::new()
        } else {
            format!(
                r#","account_id":"ACC{}","started_at":"2026-03-{:02}T{:02}:15:00-05:00""#,
                i % 4,
                1 + i % 9,
                6 + i % 16
            )
        };
        lines.push(call(i, &extra));
    }
    let p = d.join("calls.jsonl");
    std::fs::write(&p, lines.join("\n") + "\n").expect("write");
    let args = ["--format", "json", "--contact", "--group-by", "account_id", "--threshold", "70"];
    let whole = summary_json(&[&["summary", s(&p)][..], &args].concat());
    let findings: Vec<(String, String)> = whole["contact"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["code"].as_str().unwrap_or("").to_owned(), f["call_id"].as_str().unwrap_or("").to_owned()))
        .collect();
    for want in [("CT101", "f7"), ("CT102", "c1"), ("CT103", "h0"), ("CT102", "t1")] {
        assert!(findings.contains(&(want.0.to_owned(), want.1.to_owned())), "{want:?} missing from {findings:?}");
    }
    assert!(!findings.iter().any(|f| f.1 == "s1"), "no words from the customer, no conversation: {findings:?}");

    // analyze's JSONL carries what the checks read.
    let analyzed = run(&["analyze", s(&p), "--format", "jsonl"]);
    assert_eq!(analyzed.status.code(), Some(0));
    let first: Value =
        serde_json::from_slice(analyzed.stdout.split(|b| *b == b'\n').next().expect("a line")).expect("json");
    assert_eq!(first["started_at"], "2026-03-02T10:00:00-05:00");
    assert_eq!((first["direction"].as_str(), first["outcome"].as_str()), (Some("outbound"), Some("no-answer")));
    assert_eq!(first["conversation"], false);

    // Summarising that output gives the same summary, contact findings included.
    let results = d.join("results.jsonl");
    std::fs::write(&results, &analyzed.stdout).expect("write");
    let from = summary_json(&[&["summary", "--from-jsonl", s(&results)][..], &args].concat());
    assert_eq!(from, whole, "--from-jsonl equals a summary of the transcripts");
    // A metadata field analyze does not write cannot group: said on standard error, not silently.
    let o = run(&["summary", "--from-jsonl", s(&results), "--group-by", "team"]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no line of the analyze output has \"team\""), "{err}");
    let o = run(&["summary", "--from-jsonl", s(&results), "--group-by", "direction"]);
    assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("outbound"), "grouped by direction");

    // The Spark path: each shard through `analyze -` and `summary --from-jsonl -`, then `--merge`.
    let shards = d.join("shards.json");
    let mut text = String::new();
    for part in [&lines[..7], &lines[7..20], &lines[20..]] {
        let input = part.join("\n") + "\n";
        let out = run_stdin(&["analyze", "-", "--format", "jsonl", "--threads", "1"], input.as_bytes());
        assert_eq!(out.status.code(), Some(0));
        let shard = pipe_json(&[&["summary", "--from-jsonl", "-"][..], &args].concat(), &out.stdout);
        text.push_str(&serde_json::to_string(&shard).expect("json"));
        text.push('\n');
    }
    std::fs::write(&shards, text).expect("write");
    let merged = summary_json(&["summary", "--merge", s(&shards), "--format", "json"]);
    assert_eq!(merged, whole, "the merged shards are exactly one run over the transcripts");
}
