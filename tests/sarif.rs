//! `--format sarif` and `--format lines`: the SARIF log validates against the SARIF 2.1.0 schema the project
//! ships (tests/schemas/sarif-2.1.0.json, checked with the `jsonschema` crate), and its content matches what the
//! JSON output says: one result per finding, rule metadata from the catalog, the file and line of each call.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callcoach")).current_dir(dir).args(args).output().expect("callcoach runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn schema_errors(log: &Value) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0.json"))
        .expect("the SARIF schema is shipped");
    let mut schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    // The published 2.1.0 schema has one malformed regex (the `language` properties: an unbalanced `]`), which a
    // strict validator refuses when it checks the schema itself; later SARIF errata fix it to this pattern.
    // callcoach never writes `language`, so the fix changes nothing about what is checked here.
    let fixed = fix_pattern(&mut schema, "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$", "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
    assert!(fixed > 0, "the schema file is the published one");
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    validator.iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

fn fix_pattern(v: &mut Value, from: &str, to: &str) -> usize {
    match v {
        Value::String(s) if s == from => {
            *s = to.to_owned();
            1
        }
        Value::Array(a) => a.iter_mut().map(|x| fix_pattern(x, from, to)).sum(),
        Value::Object(o) => o.values_mut().map(|x| fix_pattern(x, from, to)).sum(),
        _ => 0,
    }
}

fn sarif(dir: &Path, args: &[&str]) -> Value {
    let o = run(dir, args);
    assert!(o.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("--format sarif writes JSON")
}

#[test]
fn the_validator_rejects_a_broken_log() {
    // Guards the tests below: a validator that accepted anything would prove nothing.
    let broken = serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]});
    assert!(!schema_errors(&broken).is_empty(), "a run without a tool must fail the schema");
    let bad_level = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
        "results": [{"message": {"text": "m"}, "level": "critical"}]}]});
    assert!(!schema_errors(&bad_level).is_empty(), "level must be none, note, warning or error");
}

#[test]
fn analyze_sarif_is_valid_and_matches_the_json_output() {
    let dir = fixtures();
    let log = sarif(&dir, &["analyze", "calls.jsonl", "--format", "sarif"]);
    let errors = schema_errors(&log);
    assert!(errors.is_empty(), "SARIF schema violations:\n{}", errors.join("\n"));

    let jsonl = stdout(&run(&dir, &["analyze", "calls.jsonl", "--format", "jsonl"]));
    let calls: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).expect("jsonl")).collect();
    let findings: Vec<&Value> = calls.iter().flat_map(|c| c["findings"].as_array().into_iter().flatten()).collect();

    assert_eq!(log["version"], "2.1.0");
    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run0["results"].as_array().expect("results");
    assert_eq!(results.len(), findings.len(), "one result per finding");
    for (res, f) in results.iter().zip(&findings) {
        assert_eq!(res["ruleId"], f["code"]);
        let idx = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], f["code"], "ruleIndex points at the rule");
        assert_eq!(res["properties"]["turn"], f["turn"]);
        assert_eq!(res["properties"]["start"], f["start"]);
        assert_eq!(res["properties"]["end"], f["end"]);
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "calls.jsonl");
    }
    // Rule metadata comes from the catalog, with the configuration's severity override (TX101 -> critical).
    let tx101 = rules.iter().find(|r| r["id"] == "TX101").expect("TX101 in the driver's rules");
    assert_eq!(tx101["name"], "fixture-hounds-threat");
    assert_eq!(tx101["shortDescription"]["text"], "Fixture threat: releasing the hounds");
    assert!(tx101["help"]["text"].as_str().is_some_and(|t| t.contains("Say what will really happen next.")));
    assert_eq!(tx101["defaultConfiguration"]["level"], "error");

    // The second call is line 2 of the JSONL file; its threats are at the columns of the words on that line.
    let c2: Vec<&Value> = results.iter().filter(|r| r["properties"]["callId"] == "c2").collect();
    let line2 = std::fs::read_to_string(dir.join("calls.jsonl")).expect("fixture").lines().nth(1).map(str::to_owned);
    let line2 = line2.expect("two calls");
    for r in c2.iter().filter(|r| r["ruleId"] == "TX101") {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], 2);
        let col = region["startColumn"].as_u64().expect("column") as usize;
        let end = region["endColumn"].as_u64().expect("end column") as usize;
        let said: String = line2.chars().skip(col - 1).take(end - col).collect();
        assert_eq!(said, "release the hounds", "the region covers the evidence in the file");
    }
    // Accepted by the call's own "suppress": kept, marked as an in-source suppression.
    let suppressed: Vec<&&Value> = c2.iter().filter(|r| r["ruleId"] == "TX103").collect();
    assert!(suppressed.is_empty(), "TX103 is in a disabled category in this configuration");
}

#[test]
fn sarif_marks_suppressed_and_baseline_findings() {
    let dir = fixtures();
    let tmp = std::env::temp_dir().join(format!("callcoach-sarif-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let bl = tmp.join("baseline.json");
    let bl_s = bl.to_str().expect("utf-8 path");
    // --no-config: TX103 (conduct) is on, and c2 suppresses it itself.
    let o = run(&dir, &["analyze", "calls.jsonl", "--no-config", "--lexicons", "lexicons", "--write-baseline", bl_s]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let log = sarif(
        &dir,
        &["analyze", "calls.jsonl", "--no-config", "--lexicons", "lexicons", "--baseline", bl_s, "--format", "sarif"],
    );
    let errors = schema_errors(&log);
    assert!(errors.is_empty(), "SARIF schema violations:\n{}", errors.join("\n"));
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let kind = r["suppressions"][0]["kind"].as_str();
        if r["properties"]["callId"] == "c2" && r["ruleId"] == "TX103" {
            assert_eq!(kind, Some("inSource"), "suppressed in the call itself");
            assert_eq!(r["baselineState"], "new");
        } else {
            assert_eq!(kind, Some("external"), "accepted in the baseline: {r}");
            assert_eq!(r["baselineState"], "unchanged");
        }
        assert!(r["partialFingerprints"]["callcoachKey/v1"].as_str().is_some_and(|f| f.len() == 16));
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn lines_format_is_file_turn_col_code_message() {
    let dir = fixtures();
    let out = stdout(&run(&dir, &["analyze", "calls.jsonl", "--format", "lines"]));
    // c2 is line 2 of the file; "release the hounds" starts at character 25 of its turn 0.
    assert!(out.lines().any(|l| l == "calls.jsonl:2:0:25: TX101 Fixture threat: releasing the hounds"), "{out}");
    // c1 turn 0 is the allowed company name: no TX102 there; turn 2 is still flagged.
    assert!(!out.lines().any(|l| l.starts_with("calls.jsonl:1:0:") && l.contains("TX102")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("calls.jsonl:1:2:") && l.contains(" TX102 ")), "{out}");
    for l in out.lines() {
        let mut parts = l.splitn(5, ':');
        let (_, _, turn, col) = (parts.next(), parts.next(), parts.next(), parts.next());
        assert!(turn.is_some_and(|t| t.parse::<usize>().is_ok()), "{l}");
        assert!(col.is_some_and(|c| c.parse::<usize>().is_ok_and(|c| c >= 1)), "{l}");
    }
}

#[test]
fn lint_sarif_is_valid_and_points_at_template_lines() {
    let dir = fixtures();
    let log = sarif(&dir, &["lint", "templates/update.md", "templates/callback.sms.txt", "--format", "sarif"]);
    let errors = schema_errors(&log);
    assert!(errors.is_empty(), "SARIF schema violations:\n{}", errors.join("\n"));
    let results = log["runs"][0]["results"].as_array().expect("results");
    let di110 = results.iter().find(|r| r["ruleId"] == "DI110").expect("the SMS has no opt-out");
    let loc = &di110["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "templates/callback.sms.txt");
    assert_eq!(loc["region"]["startLine"], 1);
    let tx101 = results.iter().find(|r| r["ruleId"] == "TX101").expect("the threat");
    assert_eq!(tx101["locations"][0]["physicalLocation"]["region"]["startLine"], 9);
}

#[test]
fn sarif_regions_point_into_a_pretty_printed_json_call() {
    let dir = std::env::temp_dir().join(format!("callcoach-sarif-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let call = "{\n  \"id\": \"p1\",\n  \"turns\": [\n    {\"speaker\": \"customer\", \"text\": \"Hi.\"},\n    \
                {\"speaker\": \"agent\", \"text\": \"Well, \\\"friend\\\", we release the hounds.\"}\n  ]\n}\n";
    std::fs::write(dir.join("call one.json"), call).expect("write");
    let lex = fixtures().join("lexicons");
    let log = sarif(
        &dir,
        &["analyze", "call one.json", "--no-config", "--lexicons", lex.to_str().expect("utf-8"), "--format", "sarif"],
    );
    assert!(schema_errors(&log).is_empty());
    let r = log["runs"][0]["results"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["ruleId"] == "TX101"))
        .expect("the threat")
        .clone();
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "call%20one.json", "a URI reference, space escaped");
    let region = &loc["region"];
    assert_eq!(region["startLine"], 5);
    let line = call.lines().nth(4).expect("line 5");
    let (col, end) =
        (region["startColumn"].as_u64().unwrap_or(0) as usize, region["endColumn"].as_u64().unwrap_or(0) as usize);
    let said: String = line.chars().skip(col - 1).take(end - col).collect();
    assert_eq!(said, "release the hounds", "columns count the escaped quotes before the evidence");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_run_with_no_calls_is_still_a_valid_log() {
    let dir = std::env::temp_dir().join(format!("callcoach-sarif-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("bad.jsonl"), "{\"id\": \"x\"}\nnot json\n").expect("write");
    let o = run(&dir, &["analyze", "bad.jsonl", "--no-config", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(2), "bad records are input errors");
    let log: Value = serde_json::from_slice(&o.stdout).expect("a complete log even so");
    assert!(schema_errors(&log).is_empty());
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
