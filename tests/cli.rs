//! The command line end to end: exit statuses, errors that name the file and line, and a batch that goes on
//! past bad input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_callcoach"))
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut c = bin();
    c.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn callcoach");
    if let Some(data) = stdin {
        child.stdin.take().expect("stdin").write_all(data).expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("wait")
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("callcoach-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p.display().to_string()
}

fn stdout_lines(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {e}: {l}")))
        .collect()
}

const GOOD: &str = r#"{"id": "good-1", "turns": [{"speaker": "agent", "text": "Pay today or you will be arrested."}, {"speaker": "customer", "text": "What?"}]}"#;

#[test]
fn a_bad_jsonl_line_is_reported_with_its_line_and_the_rest_analysed() {
    let input = format!("{GOOD}\n{{\"id\": \"broken\", \"turns\": [\n{}\n", GOOD.replace("good-1", "good-3"));
    let o = run(&["analyze", "--format", "jsonl", "--input-format", "jsonl", "-"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(2), "exit 2 when an input fails");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("-:2:"), "the error names the line: {err}");
    let ids: Vec<_> = stdout_lines(&o).iter().map(|v| v["id"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(ids, ["good-1", "good-3"], "the other lines are analysed, in order");
}

#[test]
fn bad_files_each_get_an_error_and_good_files_still_run() {
    let d = tmpdir("bad");
    write(&d, "a-good.json", GOOD.as_bytes());
    let empty = write(&d, "b-empty.json", b"");
    let binary = write(&d, "c-binary.json", &[0xff, 0xfe, 0x00, 0x12, 0x80, 0x81]);
    let truncated = write(&d, "d-truncated.json", br#"{"id": "t", "turns": [{"speaker": "agent", "te"#);
    let typed = write(&d, "e-typed.json", br#"{"id": "t", "turns": [{"speaker": "agent", "text": 42}]}"#);
    let no_turns = write(&d, "f-noturns.json", br#"{"id": "t"}"#);
    write(&d, "g-good.jsonl", format!("{}\n", GOOD.replace("good-1", "good-2")).as_bytes());
    let o = run(&["analyze", "--format", "jsonl", d.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    for (file, what) in [
        (&empty, "empty input"),
        (&binary, "not valid UTF-8"),
        (&truncated, "truncated JSON"),
        (&typed, "turns[0].text: expected a string, found a number"),
        (&no_turns, "missing \"turns\""),
    ] {
        assert!(
            err.contains(file.as_str()) && err.contains(what),
            "expected an error for {file} saying {what:?}:\n{err}"
        );
    }
    let ids: Vec<_> = stdout_lines(&o).iter().map(|v| v["id"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(ids, ["good-1", "good-2"]);
}

#[test]
fn output_keeps_the_contract() {
    let o = run(&["analyze", "--format", "jsonl", "-"], Some(GOOD.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = &stdout_lines(&o)[0];
    assert_eq!(v["id"], "good-1");
    assert_eq!(v["source"], "-");
    assert_eq!(v["turns"], 2);
    assert_eq!(v["roles"], serde_json::json!(["agent", "customer"]));
    for k in ["overall", "respect", "honesty", "empathy", "collaboration", "compliance"] {
        let s = v["score"][k].as_i64().unwrap_or(-1);
        assert!((0..=100).contains(&s), "score.{k} = {s}");
    }
    let f = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["category"] == "misleading"))
        .expect("a misleading finding");
    assert_eq!(f["turn"], 0);
    assert_eq!(f["speaker"], "agent");
    let text = "Pay today or you will be arrested.";
    let (s, e) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
    assert_eq!(&text[s..e], f["text"].as_str().unwrap(), "offsets slice the turn text");
    assert!(f["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(f["tip"].as_str().is_some_and(|m| !m.is_empty()));
}

#[test]
fn fail_under_exits_one() {
    let o = run(&["analyze", "--format", "jsonl", "--fail-under", "90", "-"], Some(GOOD.as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["analyze", "--format", "jsonl", "--fail-under", "0", "-"], Some(GOOD.as_bytes()));
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn explain_and_rules_print_the_catalog() {
    let o = run(&["explain", "ME101"], None);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    for section in ["What it flags", "Why it matters", "Regulation", "Coaching tip", "Not flagged (traps)"] {
        assert!(out.contains(section), "explain has {section}:\n{out}");
    }
    let o = run(&["explain", "XX999"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["rules", "--format", "json"], None);
    let cards: serde_json::Value = serde_json::from_slice(&o.stdout).expect("rules --format json is JSON");
    assert!(cards.as_array().is_some_and(|a| a.len() >= 40));
}

#[test]
fn lexicons_check_reports_file_and_line() {
    let d = tmpdir("lex");
    write(
        &d,
        "mine.toml",
        b"[[rule]]\ncode = \"ZZ101\"\nname = \"my-rule\"\ncategory = \"pressure\"\nseverity = \"high\"\nsummary = \"x\"\nphrases = [\"pay now\"]\n\n[[rule]]\ncode = \"ZZ102\"\nname = \"other\"\ncategory = \"presure\"\nseverity = \"high\"\nsummary = \"y\"\nphrases = [\"b\"]\n",
    );
    let o = run(&["lexicons", "check", d.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("mine.toml:9: rule ZZ102: unknown category \"presure\""), "{err}");
    let d2 = tmpdir("lex2");
    write(&d2, "mine.toml", b"[[rule]]\ncode = \"ZZ101\"\nname = \"my-rule\"\ncategory = \"pressure\"\nseverity = \"high\"\nsummary = \"x\"\nwhy = \"w\"\nregulation = [\"r\"]\ntip = \"t\"\nphrases = [\"pay now\"]\n");
    let o = run(&["lexicons", "check", d2.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("mine.toml:1: rule ZZ101: no trap"), "{err}");
    let o = run(&["lexicons", "check"], None);
    assert_eq!(o.status.code(), Some(0), "built-in lexicons pass: {}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn user_lexicons_extend_the_builtin_ones() {
    let d = tmpdir("extend");
    write(
        &d,
        "house.toml",
        br#"[[rule]]
code = "ZZ101"
name = "house-threat"
category = "pressure"
severity = "high"
summary = "House-specific threat"
why = "w"
regulation = ["x"]
tip = "t"
phrases = ["the boys will visit"]
"#,
    );
    let call = r#"{"id": "x", "turns": [{"speaker": "agent", "text": "Pay or the boys will visit."}]}"#;
    let o = run(&["analyze", "--format", "jsonl", "--lexicons", d.to_str().unwrap(), "-"], Some(call.as_bytes()));
    let v = &stdout_lines(&o)[0];
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["code"] == "ZZ101"), "{v}");
}
