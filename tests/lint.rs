//! `callcoach lint`: templates are read as agent speech, findings point at the template's own line and column,
//! emails and texts without an opt-out statement are flagged (DI110, whose flagged examples live here because the
//! rule never runs on calls), and the exit status works in CI: 0 clean, 1 findings, 2 unreadable input.
//!
//! Runs from tests/fixtures/config, whose callcoach.toml applies (profile us, conduct off, the company name
//! allowed), unless a test says --no-config.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config")
}

fn lint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callcoach"))
        .current_dir(fixtures())
        .arg("lint")
        .args(args)
        .output()
        .expect("callcoach runs")
}

fn out(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stdout).lines().map(str::to_owned).collect()
}

/// The 1-based line and column of `needle` in a fixture file (the `n`th occurrence).
fn position(file: &str, needle: &str, n: usize) -> (usize, usize) {
    let text = std::fs::read_to_string(fixtures().join(file)).expect("fixture");
    let mut seen = 0;
    for (i, line) in text.lines().enumerate() {
        for (at, _) in line.match_indices(needle) {
            if seen == n {
                return (i + 1, line[..at].chars().count() + 1);
            }
            seen += 1;
        }
    }
    panic!("{needle:?} not in {file}")
}

#[test]
fn an_sms_without_an_opt_out_is_flagged_and_exits_1() {
    let o = lint(&["templates/callback.sms.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        out(&o),
        vec!["templates/callback.sms.txt:1:1: DI110 An email or text template has no opt-out statement"]
    );
}

#[test]
fn an_opt_out_statement_satisfies_the_rule_and_exits_0() {
    let o = lint(&["templates/callback-opt-out.sms.txt", "templates/notice-letter.md", "templates/opening.script.txt"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", out(&o));
    assert!(out(&o).is_empty());
}

#[test]
fn the_opt_out_check_follows_the_kind() {
    // A letter needs no opt-out; the same text declared an email or a text message does.
    let letter = lint(&["templates/notice-letter.md"]);
    assert_eq!(letter.status.code(), Some(0));
    for kind in ["sms", "email"] {
        let o = lint(&["--kind", kind, "templates/notice-letter.md"]);
        assert_eq!(o.status.code(), Some(1), "--kind {kind}");
        assert!(out(&o).iter().any(|l| l.contains(" DI110 ")), "--kind {kind}: {:?}", out(&o));
    }
    // Regulation F is a US rule: the UK profile does not ask for it.
    assert_eq!(lint(&["--profile", "uk", "templates/callback.sms.txt"]).status.code(), Some(0));
    // A disabled rule is not applied.
    let dir = std::env::temp_dir().join(format!("callcoach-lint-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp");
    let cfg = dir.join("off.toml");
    std::fs::write(&cfg, "[rules]\ndisable = [\"missing-opt-out\"]\n").expect("write");
    let o = lint(&["--config", cfg.to_str().expect("utf-8"), "templates/callback.sms.txt"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", out(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn findings_point_at_the_template_line_and_column() {
    let o = lint(&["templates/update.md"]);
    assert_eq!(o.status.code(), Some(1));
    let (l1, c1) = position("templates/update.md", "release", 0);
    let (l2, c2) = position("templates/update.md", "legal eagles", 0);
    assert_eq!(
        out(&o),
        vec![
            // A threat wrapped over two lines is still found, at the line where it starts.
            format!("templates/update.md:{l1}:{c1}: TX101 Fixture threat: releasing the hounds"),
            // After the list marker "- ".
            format!("templates/update.md:{l2}:{c2}: TX102 Fixture: legal eagles"),
        ],
        "the heading's company name is allowed by the configuration; the comment is not read; the email has an \
         unsubscribe sentence"
    );
}

#[test]
fn front_matter_suppressions_and_no_config() {
    // Without the configuration, conduct is on, but the template's front matter suppresses TX103, and the
    // company name in the heading is flagged again.
    let o = lint(&["--no-config", "--lexicons", "lexicons", "templates/update.md"]);
    let lines = out(&o);
    assert!(!lines.iter().any(|l| l.contains("TX103")), "{lines:?}");
    let (l, c) = position("templates/update.md", "Legal Eagles", 0);
    assert!(lines.contains(&format!("templates/update.md:{l}:{c}: TX102 Fixture: legal eagles")), "{lines:?}");
    let json = lint(&["--no-config", "--lexicons", "lexicons", "--format", "json", "templates/update.md"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let items = v.as_array().expect("array");
    let tx103 = items.iter().find(|i| i["code"] == "TX103").expect("reported in JSON, as accepted");
    assert_eq!(tx103["accepted"], true);
    assert_eq!(tx103["kind"], "email");
    assert!(items.iter().all(|i| i["line"].as_u64().is_some_and(|l| l >= 1) && i["file"] == "templates/update.md"));
}

#[test]
fn unreadable_templates_exit_2_and_the_rest_are_still_checked() {
    let dir = std::env::temp_dir().join(format!("callcoach-lint-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp");
    let bin = dir.join("latin1.sms.txt");
    std::fs::write(&bin, b"Caf\xe9 \xff\xfe").expect("write");
    let o = lint(&[bin.to_str().expect("utf-8"), "templates/callback.sms.txt", "templates/missing.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not valid UTF-8") && err.contains("missing.txt: cannot read"), "{err}");
    assert!(out(&o).iter().any(|l| l.starts_with("templates/callback.sms.txt:1:1: DI110")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn empty_and_odd_templates_do_not_panic() {
    let dir = std::env::temp_dir().join(format!("callcoach-lint-odd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp");
    let cases: &[&str] =
        &["", "---\n", "---\nkind: sms\n", "#\n-\n>\n1.\n", "```\nrelease the hounds\n", "\u{feff}é ü\r\n\r\n"];
    for (i, text) in cases.iter().enumerate() {
        let p = dir.join(format!("case{i}.sms.txt"));
        std::fs::write(&p, text).expect("write");
        let o = lint(&[p.to_str().expect("utf-8")]);
        assert!(matches!(o.status.code(), Some(0 | 1)), "case {i}: {}", String::from_utf8_lossy(&o.stderr));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn folders_are_walked_for_template_files() {
    let o = lint(&["templates"]);
    assert_eq!(o.status.code(), Some(1));
    let lines = out(&o);
    assert!(lines.iter().any(|l| l.starts_with("templates/callback.sms.txt:1:1: DI110")), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("templates/update.md:")), "{lines:?}");
    assert!(!lines.iter().any(|l| l.contains("callback-opt-out")), "{lines:?}");
}
