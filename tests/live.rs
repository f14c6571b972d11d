//! `callcoach live` driven through a pipe, one turn at a time, as a streaming transcriber would feed it.
//!
//! After each line the test waits (with a timeout, so a hang fails) for exactly the alerts that turn should raise,
//! then checks that nothing else arrives: an alert that comes early, late or twice fails at the turn it belongs
//! to. The calls run on a small lexicon in `tests/fixtures/lexicons` so that what is tested is the live
//! mechanism, not the evolving built-in catalog.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use serde_json::Value;

/// How long an expected alert may take: generous, for a loaded CI machine.
const WAIT: Duration = Duration::from_secs(20);
/// How long to listen for an alert that must not come.
const QUIET: Duration = Duration::from_millis(150);

struct Live {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: thread::JoinHandle<String>,
    turn: usize,
}

impl Live {
    fn start(args: &[&str]) -> Live {
        let mut child = Command::new(env!("CARGO_BIN_EXE_callcoach"))
            .arg("live")
            .args(["--lexicons", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lexicons")])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("callcoach starts");
        let stdout = child.stdout.take().expect("stdout piped");
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut err = child.stderr.take().expect("stderr piped");
        let stderr = thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        Live { stdin: child.stdin.take(), child, lines, stderr, turn: 0 }
    }

    /// Write one line (a turn) and flush it, as a transcriber does.
    fn say(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}").expect("write a turn");
        stdin.flush().expect("flush the turn");
    }

    /// Write one turn and return the alerts it raises, checking that exactly `n` arrive.
    fn turn(&mut self, line: &str, n: usize) -> Vec<Value> {
        self.say(line);
        let at = self.turn;
        self.turn += 1;
        let alerts = self.expect(n, &format!("turn {at} ({line:?})"));
        for a in &alerts {
            assert_eq!(a["at_turn"], at, "alert raised at the turn just read: {a}");
        }
        alerts
    }

    /// Wait for `n` alerts, then check that no other one follows.
    fn expect(&mut self, n: usize, when: &str) -> Vec<Value> {
        let mut got = Vec::new();
        for _ in 0..n {
            match self.lines.recv_timeout(WAIT) {
                Ok(l) => got
                    .push(serde_json::from_str::<Value>(&l).unwrap_or_else(|e| panic!("{when}: not JSON: {l:?}: {e}"))),
                Err(e) => panic!("{when}: expected {n} alert(s), got {} ({e:?}): {got:?}", got.len()),
            }
        }
        match self.lines.recv_timeout(QUIET) {
            Ok(l) => panic!("{when}: unexpected alert {l}"),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
        }
        got
    }

    /// Close standard input (the call ended); returns the alerts released at the end, stderr and the status.
    fn end(mut self) -> (Vec<Value>, String, i32) {
        drop(self.stdin.take());
        let mut rest = Vec::new();
        while let Ok(l) = self.lines.recv_timeout(WAIT) {
            rest.push(serde_json::from_str::<Value>(&l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}")));
        }
        let status = self.child.wait().expect("callcoach exits");
        let stderr = self.stderr.join().expect("stderr read");
        (rest, stderr, status.code().unwrap_or(-1))
    }
}

fn codes(alerts: &[Value]) -> Vec<(String, u64)> {
    alerts
        .iter()
        .map(|a| (a["code"].as_str().unwrap_or("").to_owned(), a["turn"].as_u64().unwrap_or(u64::MAX)))
        .collect()
}

fn pair(code: &str, turn: u64) -> (String, u64) {
    (code.to_owned(), turn)
}

const INTRO: &str = r#"{"speaker":"agent","text":"My name is Sam, calling from Northfield Recovery. This is an attempt to collect a debt."}"#;

#[test]
fn pressure_is_alerted_at_the_turn_it_is_said_with_the_contract_fields() {
    let mut live = Live::start(&["--format", "jsonl"]);
    live.turn(INTRO, 0);
    live.turn(r#"{"speaker":"customer","text":"Okay, what is this about?"}"#, 0);
    let text = "Pay it today, or we will take you to court.";
    let alerts = live.turn(&format!(r#"{{"speaker":"agent","text":"{text}"}}"#), 1);
    let a = &alerts[0];
    for field in ["code", "category", "severity", "turn", "speaker", "start", "end", "text", "message", "tip"] {
        assert!(a.get(field).is_some_and(|v| !v.is_null()), "field {field} missing: {a}");
    }
    assert_eq!(
        (a["code"].as_str(), a["category"].as_str(), a["severity"].as_str()),
        (Some("PR101"), Some("pressure"), Some("high"))
    );
    assert_eq!((a["turn"].as_u64(), a["speaker"].as_str()), (Some(2), Some("agent")));
    let (s, e) = (a["start"].as_u64().unwrap() as usize, a["end"].as_u64().unwrap() as usize);
    assert_eq!(&text[s..e], "take you to court");
    assert_eq!(a["text"], "take you to court");
    // Negated, the same words are no threat.
    live.turn(r#"{"speaker":"agent","text":"Nobody is going to take you to court over this."}"#, 0);
    let (rest, stderr, status) = live.end();
    assert!(rest.is_empty(), "{rest:?}");
    assert_eq!((stderr.as_str(), status), ("", 0));
}

#[test]
fn an_unacknowledged_cue_is_alerted_after_the_agents_next_turn_not_before() {
    let mut live = Live::start(&["--format", "jsonl"]);
    live.turn(INTRO, 0);
    live.turn("Customer: I lost my job last month.", 0);
    // A filler keeps the window open: the next agent turn may still acknowledge the cue.
    live.turn("Agent: Okay, one moment.", 0);
    let alerts = live.turn("Agent: Let me pull up the file.", 1);
    assert_eq!(codes(&alerts), [pair("ME101", 1)], "the alert is about the cue's turn");
    assert_eq!(alerts[0]["speaker"], "customer");
    assert_eq!(alerts[0]["text"], "lost my job");
    // The same cue is not alerted again, whatever follows.
    live.turn("Customer: Okay.", 0);
    live.turn("Agent: Right.", 0);
    let (rest, _, status) = live.end();
    assert!(rest.is_empty(), "{rest:?}");
    assert_eq!(status, 0);
}

#[test]
fn an_acknowledged_cue_raises_no_alert() {
    let mut live = Live::start(&["--format", "jsonl"]);
    live.turn(INTRO, 0);
    live.turn("Customer: I cannot afford anything, I lost my job.", 0);
    live.turn("Agent: I'm so sorry to hear that. We can look at a payment plan.", 0);
    let (rest, _, status) = live.end();
    assert!(rest.is_empty(), "{rest:?}");
    assert_eq!(status, 0);
}

#[test]
fn a_demand_after_a_cue_is_alerted_with_the_demand() {
    let mut live = Live::start(&["--format", "jsonl"]);
    live.turn(INTRO, 0);
    live.turn("Customer: I lost my job last month.", 0);
    let alerts = live.turn("Agent: Can you pay today? This is your last chance.", 2);
    assert_eq!(codes(&alerts), [pair("ME103", 1), pair("PR102", 2)], "in turn order");
    live.end();
}

#[test]
fn a_missing_disclosure_waits_for_n_agent_turns() {
    let mut live = Live::start(&["--format", "jsonl", "--disclosure-after", "2"]);
    live.turn("Agent: Hi, is this Jordan? I'm calling about your account.", 0);
    live.turn("Customer: Yes, speaking.", 0);
    let alerts = live.turn("Agent: Thanks. It's about the balance.", 2);
    assert_eq!(codes(&alerts), [pair("DI101", 0), pair("DI102", 0)], "reported on the first agent turn");
    live.turn("Agent: My name is Sam, calling from Northfield Recovery.", 0);
    let (rest, _, _) = live.end();
    assert!(rest.is_empty(), "{rest:?}");
}

#[test]
fn the_default_disclosure_window_is_three_agent_turns_and_a_given_disclosure_is_never_alerted() {
    let mut live = Live::start(&["--format", "jsonl"]);
    live.turn("Agent: Hi, is this Jordan? I'm calling about your account.", 0);
    live.turn("Customer: Yes.", 0);
    live.turn("Agent: My name is Sam, calling from Northfield Recovery.", 0);
    live.turn("Customer: Okay.", 0);
    let alerts = live.turn("Agent: It's about the balance.", 1);
    assert_eq!(codes(&alerts), [pair("DI102", 0)], "identification was given; the mini-Miranda was not");
    live.end();
}

#[test]
fn a_short_call_that_ends_without_a_disclosure_is_alerted_at_the_end() {
    let mut live = Live::start(&["--format", "jsonl"]);
    live.turn("Agent: Hi Jordan, it's about your account.", 0);
    live.turn("Customer: I lost my job.", 0);
    live.turn("Agent: Okay.", 0);
    let (rest, _, status) = live.end();
    // The call ended: the filler was the whole reply, and the disclosures never came.
    assert_eq!(codes(&rest), [pair("DI101", 0), pair("DI102", 0), pair("ME101", 1)]);
    assert!(rest.iter().all(|a| a["at_turn"] == 2));
    assert_eq!(status, 0);
}

#[test]
fn pressure_after_a_stop_calling_request_is_alerted_once() {
    let mut live = Live::start(&["--format", "jsonl"]);
    live.turn(INTRO, 0);
    live.turn("Customer: Please stop calling me.", 0);
    let alerts = live.turn("Agent: Can you pay today?", 1);
    assert_eq!(codes(&alerts), [pair("IR101", 2)]);
    assert_eq!(alerts[0]["category"], "ignored-request");
    live.turn("Agent: Can you make a payment now?", 0);
    live.end();
}

#[test]
fn a_malformed_line_is_reported_with_its_number_and_the_call_goes_on() {
    let mut live = Live::start(&["--format", "jsonl"]);
    live.turn(INTRO, 0);
    live.say("this line has no speaker");
    live.expect(0, "the bad line");
    live.say(r#"{"speaker": "agent", "text": 42}"#);
    live.expect(0, "the bad JSON turn");
    live.say("");
    {
        let stdin = live.stdin.as_mut().expect("stdin open");
        stdin.write_all(b"Agent: caf\xe9\n").expect("write a latin-1 line");
        stdin.flush().expect("flush");
    }
    live.expect(0, "the line that is not UTF-8");
    let alerts = live.turn("Agent: We will take you to court.", 1);
    assert_eq!(codes(&alerts), [pair("PR101", 1)], "bad and blank lines are not turns");
    let (_, stderr, status) = live.end();
    assert!(stderr.contains("-:2: expected `Speaker: text`"), "{stderr}");
    assert!(stderr.contains("-:3: expected a JSON turn"), "{stderr}");
    assert!(stderr.contains("-:5: not valid UTF-8 (byte 10)"), "{stderr}");
    assert_eq!(status, 2);
}

#[test]
fn text_alerts_quote_the_words_and_a_better_phrasing() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callcoach"))
        .args(["live", "--lexicons", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lexicons"), "--codes"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("callcoach starts");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "[00:00:01] Agent: My name is Sam, calling from Northfield Recovery.").unwrap();
    writeln!(stdin, "[00:00:05] Agent: You could be arrested.").unwrap();
    drop(stdin);
    let out = child.wait_with_output().expect("callcoach exits");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("! turn 1 critical: Said the customer could be arrested over the debt [MS101]\n"),
        "{text}"
    );
    assert!(text.contains("\n    you said: \"You could be arrested\"\n"), "{text}");
    assert!(
        text.contains("\n    try: \"Nothing like that will happen. Let's look at what you can manage.\"\n"),
        "{text}"
    );
    assert!(text.contains("call ended: score"), "{text}");
}

#[test]
fn the_built_in_lexicons_alert_a_missing_identification() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callcoach"))
        .args(["live", "--format", "jsonl", "--disclosure-after", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("callcoach starts");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "Agent: Hi, I'm calling about your overdue balance. Can you pay today?").unwrap();
    drop(stdin);
    let out = child.wait_with_output().expect("callcoach exits");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.contains(r#""code":"DI101""#) && l.contains(r#""turn":0"#)), "{text}");
}

/// Turn by turn, a session ends with the same analysis as the whole call analysed at once, and every finding of
/// that analysis was alerted exactly once.
#[test]
fn a_session_agrees_with_the_analysis_of_the_whole_call() {
    use callcoach::call::{Call, Source};
    use callcoach::input::{self, ReadOptions};
    use callcoach::live::Session;
    use callcoach::rules::Analyzer;

    let analyzer = Analyzer::builtin(None).expect("built-in lexicons load");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
    let mut calls = 0;
    for entry in std::fs::read_dir(dir).expect("samples") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read sample");
        for call in input::read(&bytes, &Source::file(path.display().to_string()), &ReadOptions::default()) {
            let call = call.expect("sample reads");
            calls += 1;
            let mut live = Session::new(&analyzer, Call { turns: Vec::new(), ..call.clone() }, 3);
            let mut alerted = Vec::new();
            for t in &call.turns {
                alerted.extend(live.push(t.clone()));
            }
            alerted.extend(live.finish());
            let whole = analyzer.analyze(&call);
            let key = |i: &callcoach::finding::Item| format!("{}@{}:{}", i.code, i.turn, i.start);
            let keys = |v: &[callcoach::finding::Item]| v.iter().map(key).collect::<Vec<_>>();
            assert_eq!(keys(&live.analysis().findings), keys(&whole.findings), "{}", path.display());
            assert_eq!(keys(&live.analysis().cues), keys(&whole.cues), "{}", path.display());
            assert_eq!(keys(&live.analysis().credits), keys(&whole.credits), "{}", path.display());
            assert_eq!(live.analysis().score.overall, whole.score.overall, "{}", path.display());
            let mut once = keys(&alerted);
            once.sort();
            let n = once.len();
            once.dedup();
            assert_eq!(n, once.len(), "an alert repeated in {}", path.display());
            for f in whole.findings.iter().filter(|f| !f.accepted) {
                assert!(once.contains(&key(f)), "{} never alerted in {}", key(f), path.display());
            }
        }
    }
    assert!(calls >= 20, "the samples were read: {calls}");
}
