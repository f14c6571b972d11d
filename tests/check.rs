//! `callcoach check`: the agent's one-screen view of a call, snapshotted on a fixture call and a small fixture
//! lexicon (`tests/fixtures/lexicons`), so a change to the wording or the selection shows up as a snapshot diff.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const LEXICONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lexicons");
const CALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/check/call.json");

fn check(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callcoach"))
        .arg("check")
        .args(args)
        .args(["--lexicons", LEXICONS])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("callcoach starts");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("callcoach exits")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn one_screen_for_the_agent() {
    let out = check(&[CALL], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    assert!(text.lines().count() <= 24, "fits one screen:\n{text}");
    assert!(!text.contains("PR101"), "no codes unless asked");
    insta::assert_snapshot!(text);
}

#[test]
fn codes_on_request() {
    let text = stdout(&check(&[CALL, "--codes"], None));
    assert!(text.contains("Said the customer could be arrested over the debt [MS101] (turn 6, serious)"), "{text}");
    assert!(text.contains("You acknowledged what the customer is going through [GP301] (turn 8)"), "{text}");
}

#[test]
fn a_clean_call_from_standard_input() {
    let call = r#"{"id": "clean", "turns": [
        {"speaker": "agent", "text": "My name is Sam, calling from Northfield Recovery. This is an attempt to collect a debt."},
        {"speaker": "customer", "text": "I lost my job."},
        {"speaker": "agent", "text": "I'm sorry to hear that. Thank you for telling me."}]}"#;
    let out = check(&["-"], Some(call));
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(text.starts_with("clean: score "), "{text}");
    assert!(text.contains("\nWhat to work on\n  Nothing flagged on this call. Well done.\n"), "{text}");
    // Empathy first, and one of each kind before a second of any.
    let well: Vec<&str> = text.lines().filter(|l| l.starts_with("  + ")).collect();
    assert_eq!(well.len(), 3, "{text}");
    assert!(well[0].starts_with("  + You acknowledged"), "{text}");
}

#[test]
fn an_unreadable_call_is_an_error_naming_the_input() {
    let out = check(&["-"], Some("{\"id\": \"x\", \"turns\": [}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("callcoach: -:1: "), "{err}");
}

/// Profiles are compiled when a call first needs them: the result must not depend on which were compiled when.
#[test]
fn lazily_compiled_profiles_analyse_like_forced_ones() {
    use callcoach::input::{self, ReadOptions};
    use callcoach::lexicon::load_builtin;
    use callcoach::rules::Analyzer;

    let lex = load_builtin().expect("built-in lexicons load");
    let lazy = Analyzer::new(lex.clone(), None).expect("analyzer");
    let shared = lazy.clone();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
    let mut seen = std::collections::BTreeSet::new();
    let mut forced = std::collections::HashMap::new();
    for entry in std::fs::read_dir(dir).expect("samples") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read sample");
        let source = callcoach::call::Source::file(path.display().to_string());
        for call in input::read(&bytes, &source, &ReadOptions::default()) {
            let call = call.expect("sample reads");
            let profile = lazy.profile_for(&call).to_owned();
            seen.insert(profile.clone());
            // One forced analyzer per profile: compiling a large lexicon once per call would dominate the test.
            let forced = forced
                .entry(profile.clone())
                .or_insert_with(|| Analyzer::new(lex.clone(), Some(&profile)).expect("analyzer"));
            let key = |a: &callcoach::rules::Analysis| {
                a.findings
                    .iter()
                    .chain(&a.cues)
                    .chain(&a.credits)
                    .map(|i| format!("{}@{}", i.code, i.turn))
                    .collect::<Vec<_>>()
            };
            let (a, b, c) = (lazy.analyze(&call), forced.analyze(&call), shared.analyze(&call));
            assert_eq!(key(&a), key(&b), "{}", path.display());
            assert_eq!(key(&a), key(&c), "a clone shares the compiled profiles: {}", path.display());
            assert_eq!(a.score.overall, b.score.overall, "{}", path.display());
        }
    }
    assert!(seen.len() >= 2, "the samples cover several profiles: {seen:?}");
}
