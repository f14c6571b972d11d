//! callcoach.toml and baselines: errors name file:line, settings resolve by code, name and category with the
//! specific entry winning, the policy and weights change what is reported and scored, `config check` shows each
//! setting's origin, and baseline keys survive edits elsewhere in the call.
//!
//! The rules used here come from tests/fixtures/config/lexicons (codes TX1xx), so these tests do not depend on the
//! built-in catalog's phrases.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use callcoach::baseline::{self, Baseline, Writer};
use callcoach::call::{Call, Role, Turn};
use callcoach::config::{Config, Origin, Overrides};
use callcoach::finding::Severity;
use callcoach::rules::Analysis;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config")
}

/// A configuration whose lexicons are the fixture rules, plus `body`.
fn config(body: &str) -> Config {
    let lex = fixtures().join("lexicons");
    let text = format!("lexicons = [{:?}]\n{body}", lex.display().to_string());
    Config::parse("callcoach.toml", &text).unwrap_or_else(|e| panic!("{e:?}"))
}

fn errors(text: &str) -> Vec<String> {
    match Config::parse("team.toml", text) {
        Ok(_) => Vec::new(),
        Err(es) => es.iter().map(ToString::to_string).collect(),
    }
}

fn agent_call(id: &str, lines: &[&str]) -> Call {
    Call {
        id: id.into(),
        turns: lines.iter().map(|t| Turn::new("agent", Role::Agent, *t)).collect(),
        ..Call::default()
    }
}

fn codes(a: &Analysis) -> Vec<&'static str> {
    a.findings.iter().filter(|f| f.code.starts_with("TX")).map(|f| f.code).collect()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callcoach")).current_dir(dir).args(args).output().expect("callcoach runs")
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("callcoach-config-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn parse_errors_name_the_line_and_say_what_to_do() {
    let e = errors("profile = \"us\"\n\n[rules]\ndisabled = [\"PR101\"]\n");
    assert!(e[0].starts_with("team.toml:4: unknown field `disabled`"), "{e:?}");
    assert!(e[0].contains("docs/CONFIG.md"), "{e:?}");

    let e = errors("[rules.severity]\nPR101 = \"severe\"\n");
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("team.toml:2:") && e[0].contains("expected info, low, medium, high or critical"), "{e:?}");

    let e = errors("profile = \"ca\"\n");
    assert!(e[0].starts_with("team.toml:1:") && e[0].contains("use us, uk or neutral"), "{e:?}");

    let e = errors("[score.weights]\nrespect = 10\nkindness = 5\ncompliance = 300\n");
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].starts_with("team.toml:3: unknown subscore \"kindness\""), "{e:?}");
    assert!(e[1].starts_with("team.toml:4: weight of compliance is 300"), "{e:?}");

    let e = errors("[score.weights]\nrespect = 0\nhonesty = 0\nempathy = 0\ncollaboration = 0\ncompliance = 0\n");
    assert!(e[0].contains("every score weight is 0"), "{e:?}");

    let e = errors("[[allow]]\nphrase = \"\"\n\n[[allow]]\nphrase = \"pay {amount} now\"\n");
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].starts_with("team.toml:1:") && e[1].starts_with("team.toml:4:"), "{e:?}");

    let e = errors("profile = \"us\"\nlexicons = \"dir\"\n");
    assert!(e[0].starts_with("team.toml:2:"), "a string where a list is expected: {e:?}");

    let e = errors("[rules\n");
    assert!(e[0].starts_with("team.toml:1:"), "{e:?}");
}

#[test]
fn unknown_codes_and_misplaced_severities_are_errors_at_their_line() {
    let cfg = config(
        "[rules]\ndisable = [\"TX101\", \"ZZ999\"]\nenable = [\"no-such-rule\"]\n[rules.severity]\nGP390 = \"high\"\n",
    );
    let e = cfg.setup(&Overrides::default()).expect_err("unknown entries");
    assert!(e.iter().any(|m| m.starts_with("callcoach.toml:3: [rules] disable: no rule \"ZZ999\"")), "{e:?}");
    assert!(
        e.iter().any(|m| m.starts_with("callcoach.toml:4: [rules] enable: \"no-such-rule\" is not a rule code")),
        "{e:?}"
    );
    assert!(
        e.iter().any(|m| m.starts_with("callcoach.toml:6:") && m.contains("only findings have a severity")),
        "{e:?}"
    );
}

#[test]
fn specific_entries_win_over_categories() {
    let cfg = config(
        "[rules]\ndisable = [\"pressure\", \"fixture-legal-word\"]\nenable = [\"TX101\"]\n\
         [rules.severity]\nmisleading = \"low\"\nconduct = \"high\"\nfixture-blunt = \"info\"\n",
    );
    let setup = cfg.setup(&Overrides::default()).expect("valid");
    assert!(!setup.policy.disabled.contains("TX101"), "enabled by code inside a disabled category");
    assert!(setup.policy.disabled.contains("TX102"), "disabled by name");
    assert_eq!(setup.lexicon.rule("TX102").and_then(|r| r.severity), Some(Severity::Low));
    assert_eq!(
        setup.lexicon.rule("TX103").and_then(|r| r.severity),
        Some(Severity::Info),
        "the name beats the category"
    );
    let described = setup.describe();
    assert!(described.contains("TX103") && described.contains("low -> info"), "{described}");
}

#[test]
fn disabled_rules_and_allowed_phrases_are_not_reported_and_do_not_score() {
    let call = agent_call(
        "c",
        &[
            "Hi, this is Alex from Meridian Legal Eagles Recovery.",
            "Fixture blunt words. Our legal eagles will release the hounds.",
        ],
    );
    let plain = config("").setup(&Overrides::default()).expect("valid").analyzer().expect("compiles").analyze(&call);
    assert_eq!(codes(&plain), vec!["TX102", "TX103", "TX102", "TX101"]);

    let cfg = config(
        "[rules]\ndisable = [\"conduct\"]\n\n[[allow]]\nphrase = \"Meridian Legal Eagles Recovery\"\nreason = \"our name\"\n\n\
         [[allow]]\nphrase = \"hounds\"\nrules = [\"TX101\"]\n",
    );
    let a = cfg.setup(&Overrides::default()).expect("valid").analyzer().expect("compiles").analyze(&call);
    // Turn 0: inside the company name, dropped. Turn 1: "legal eagles" is flagged; "release the hounds" is longer
    // than the allowed word "hounds", so it is not inside it and stays.
    assert_eq!(codes(&a), vec!["TX102", "TX101"]);
    assert!(a.findings.iter().filter(|f| f.code == "TX102").all(|f| f.turn == 1));
    assert!(a.decisions.iter().any(|d| d.code == "TX102" && d.outcome == "dropped: allowed by callcoach.toml:5"));
    assert!(a.decisions.iter().any(|d| d.code == "TX103" && d.outcome == "dropped: disabled by callcoach.toml:3"));
    assert!(a.score.respect > plain.score.respect, "the disabled conduct finding no longer costs points");
    assert!(a.score.honesty > plain.score.honesty, "nor does the allowed one");
    assert!(a.score.trace.iter().all(|t| t.code != "TX103"));
}

#[test]
fn weights_change_the_overall_score_and_defaults_are_the_rubric() {
    let call = agent_call("c", &["Pay now or we release the hounds."]);
    let setup = config("").setup(&Overrides::default()).expect("valid");
    let a = setup.analyzer().expect("compiles").analyze(&call);
    assert_eq!(callcoach::score::score(&a, &setup.lexicon), a.score, "no [score.weights]: the rubric exactly");

    // A call with nothing to flag, so no cap applies: the overall score is the weighted mean of the subscores.
    let quiet = agent_call("q", &["Okay."]);
    let heavy = config("[score.weights]\nrespect = 90\nhonesty = 10\nempathy = 0\ncollaboration = 0\ncompliance = 0\n");
    let b = heavy.setup(&Overrides::default()).expect("valid").analyzer().expect("compiles").analyze(&quiet);
    let d = setup.analyzer().expect("compiles").analyze(&quiet);
    assert_eq!(b.score.respect, d.score.respect, "weights do not change subscores");
    let s = &b.score;
    assert_eq!(s.overall, (s.respect * 90 + s.honesty * 10 + 50) / 100);
    let s = &d.score;
    let rubric =
        (s.respect * 25 + s.honesty * 20 + s.empathy * 20 + s.collaboration * 15 + s.compliance * 20 + 50) / 100;
    assert_eq!(s.overall, rubric);
}

#[test]
fn command_line_wins_and_config_check_shows_origins() {
    let dir = fixtures();
    let o = run(&dir, &["config", "check"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("configuration: callcoach.toml"), "{out}");
    let line = |key: &str| out.lines().find(|l| l.trim_start().starts_with(key)).unwrap_or_default().to_owned();
    assert!(line("profile").ends_with("callcoach.toml:2"), "{out}");
    assert!(
        line("weight compliance").contains("40") && line("weight compliance").ends_with("callcoach.toml:17"),
        "{out}"
    );
    assert!(line("weight honesty").ends_with("default"), "{out}");
    assert!(line("TX101").contains("high -> critical") && line("TX101").ends_with("callcoach.toml:10"), "{out}");
    assert!(line("conduct").contains("off: ") && line("conduct").contains("TX103"), "{out}");
    assert!(
        out.contains("\"Meridian Legal Eagles Recovery\" (every rule; our company name)  callcoach.toml:12"),
        "{out}"
    );

    let o = run(&dir, &["config", "check", "--profile", "uk"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.lines().any(|l| l.contains("profile") && l.contains("uk") && l.ends_with("--profile")), "{out}");
}

#[test]
fn config_is_found_in_a_parent_folder_and_paths_are_relative_to_it() {
    let root = temp("discover");
    let sub = root.join("team/calls");
    std::fs::create_dir_all(&sub).expect("sub");
    let lex = root.join("team-lexicons");
    std::fs::create_dir_all(&lex).expect("lexicons");
    std::fs::copy(fixtures().join("lexicons/fixture-rules.toml"), lex.join("rules.toml")).expect("copy");
    std::fs::write(root.join("callcoach.toml"), "lexicons = [\"team-lexicons\"]\n[rules]\ndisable = [\"TX101\"]\n")
        .expect("write");
    let cfg = Config::load(None, &sub).expect("found");
    assert_eq!(cfg.path.as_deref(), Some(root.join("callcoach.toml").display().to_string().as_str()));
    assert_eq!(cfg.lexicons[0].value, root.join("team-lexicons"));
    assert_eq!(
        cfg.disable[0].origin,
        Origin::File { file: root.join("callcoach.toml").display().to_string(), line: 3 }
    );
    let setup = cfg.setup(&Overrides::default()).expect("valid");
    assert!(setup.policy.disabled.contains("TX101"));

    // The command line: from the subfolder, the parent's configuration applies; --no-config ignores it.
    let call = r#"{"id": "x", "turns": [{"speaker": "agent", "text": "Pay or we release the hounds."}]}"#;
    std::fs::write(sub.join("call.json"), call).expect("call");
    let lexs = lex.to_str().expect("utf-8");
    let on = run(&sub, &["analyze", "call.json", "--format", "lines"]);
    assert!(!String::from_utf8_lossy(&on.stdout).contains("TX101"), "disabled by the parent's configuration");
    let off = run(&sub, &["analyze", "call.json", "--format", "lines", "--no-config", "--lexicons", lexs]);
    assert!(
        String::from_utf8_lossy(&off.stdout).contains("call.json:0:11: TX101"),
        "{}",
        String::from_utf8_lossy(&off.stdout)
    );

    // A broken configuration stops the run with file:line and status 2; `config check` says so with status 1.
    std::fs::write(root.join("callcoach.toml"), "[rules]\ndisable = [\"TX101\"\n").expect("write");
    let bad = run(&sub, &["analyze", "call.json"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("callcoach.toml:") && err.contains("callcoach config check"), "{err}");
    assert_eq!(run(&sub, &["config", "check"]).status.code(), Some(1));
    let missing = run(&sub, &["analyze", "call.json", "--config", "nowhere.toml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nowhere.toml:1: cannot read the configuration"));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn baseline_keys_survive_edits_elsewhere_in_the_call() {
    let setup = config("").setup(&Overrides::default()).expect("valid");
    let analyzer = setup.analyzer().expect("compiles");
    let before = agent_call("c7", &["Hello.", "We release the hounds today, and we release the hounds tomorrow."]);
    let a = analyzer.analyze(&before);
    let mut w = Writer::new();
    w.add(&before, &a);
    let json = w.to_json();
    assert!(json.contains(r#"{"call":"c7","code":"TX101","text":"release the hounds","occurrence":1}"#), "{json}");

    let dir = temp("baseline");
    let path = dir.join("baseline.json");
    w.write(&path, None).expect("write");
    let bl = std::sync::Arc::new(Baseline::load(&path).expect("read back"));
    let with = setup.analyzer().expect("compiles").with_post_pass(bl.clone());

    // A turn inserted before, different wording around the evidence, different case and punctuation.
    let after = agent_call(
        "c7",
        &[
            "Good morning.",
            "Hello there!",
            "Right: we RELEASE THE HOUNDS today... and, sadly, we release the hounds tomorrow.",
        ],
    );
    let b = with.analyze(&after);
    let tx: Vec<_> = b.findings.iter().filter(|f| f.code == "TX101").collect();
    assert_eq!(tx.len(), 2);
    assert!(tx.iter().all(|f| f.accepted && f.note.as_deref().is_some_and(|n| n.contains("accepted in baseline"))));
    assert!(b.score.trace.iter().all(|t| t.code != "TX101"), "accepted findings do not count");
    assert!(bl.unmatched().is_empty());

    // A third occurrence is new; the same words in another call are new.
    let more = agent_call("c7", &["We release the hounds, we release the hounds, we release the hounds."]);
    let c = with.analyze(&more);
    let accepted: Vec<bool> = c.findings.iter().filter(|f| f.code == "TX101").map(|f| f.accepted).collect();
    assert_eq!(accepted, vec![true, true, false]);
    let other = with.analyze(&agent_call("c8", &["We release the hounds."]));
    assert!(other.findings.iter().all(|f| !f.accepted));
    assert_eq!(baseline::normalise("We’ll RELEASE  the hounds!"), "we will release the hounds");

    // Rewriting the baseline keeps a reviewer's note on entries that are still there.
    let noted = std::fs::read_to_string(&path).expect("read").replacen(
        r#""occurrence":0}"#,
        r#""occurrence":0,"note":"reviewed by QA, ticket 12"}"#,
        1,
    );
    std::fs::write(&path, noted).expect("write");
    let reviewed = Baseline::load(&path).expect("read back");
    let mut w2 = Writer::new();
    w2.add(&before, &a);
    assert!(w2.to_json_keeping(Some(&reviewed)).contains(r#""note":"reviewed by QA, ticket 12""#));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_baseline_files_are_reported_with_their_line() {
    let dir = temp("badbaseline");
    let p = dir.join("b.json");
    std::fs::write(&p, "{\"version\": 1,\n \"accepted\": [\n {\"call\": 3}\n]}\n").expect("write");
    let e = Baseline::load(&p).expect_err("not a baseline").to_string();
    assert!(e.contains("b.json:3:") && e.contains("--write-baseline"), "{e}");
    std::fs::write(&p, "{\"version\": 9, \"accepted\": []}").expect("write");
    assert!(Baseline::load(&p).expect_err("future version").to_string().contains("version 9"));
    let o = run(&fixtures(), &["analyze", "calls.jsonl", "--baseline", p.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

mod no_panics {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_parses_or_errors_with_a_line(text in "\\PC{0,200}") {
            if let Err(es) = callcoach::config::Config::parse("f.toml", &text) {
                for e in es {
                    prop_assert!(e.line >= 1 && e.line <= text.lines().count().max(1) + 1);
                }
            }
        }

        #[test]
        fn config_like_text_never_panics(
            key in prop::sample::select(vec!["profile", "lexicons", "baseline", "rules", "allow", "score"]),
            value in prop::sample::select(vec!["\"us\"", "[]", "[\"x\"]", "1", "{}", "\"\"", "[[]]"]),
        ) {
            let text = format!("{key} = {value}\n[rules.severity]\n");
            let _ = callcoach::config::Config::parse("f.toml", &text);
        }
    }
}

#[test]
fn the_example_in_docs_config_md_is_valid() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/CONFIG.md")).expect("docs");
    let start = doc.find("## A complete example").expect("section");
    let body = &doc[start..];
    let open = body.find("```toml\n").expect("toml block") + "```toml\n".len();
    let close = body[open..].find("```").expect("closed") + open;
    let mut cfg = Config::parse("callcoach.toml", &body[open..close]).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(cfg.profile.as_ref().map(|p| p.value.as_str()), Some("us"));
    assert!(!cfg.allow.is_empty() && !cfg.disable.is_empty() && !cfg.severity.is_empty() && !cfg.weights.is_empty());
    // Its folders are the reader's own; everything else must resolve against the built-in catalog.
    cfg.lexicons.clear();
    cfg.baseline = None;
    let setup = cfg.setup(&Overrides::default()).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(setup.describe().contains("our company name"));
}

#[test]
fn an_allow_entry_for_rules_that_are_not_loaded_applies_to_nothing() {
    let cfg = config("[[allow]]\nphrase = \"release the hounds\"\nrules = [\"abuse\"]\n");
    let setup = cfg.setup(&Overrides::default()).expect("valid");
    let call = agent_call("c", &["We release the hounds."]);
    let a = setup.analyzer().expect("compiles").analyze(&call);
    assert_eq!(codes(&a), vec!["TX101"], "the entry is for abuse rules only");
    assert!(
        setup.describe().contains("abuse: no such rules loaded")
            || setup.lexicon.rules.iter().any(|r| r.category.as_str() == "abuse")
    );
}

#[test]
fn no_configuration_analyses_exactly_as_before() {
    // The configured path (no file, no flags) must give what the plain analyzer gives, score and all.
    let plain = callcoach::rules::Analyzer::builtin(None).expect("built-in lexicons");
    let configured = Config::default().setup(&Overrides::default()).expect("valid").analyzer().expect("compiles");
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&samples)
        .expect("samples")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    let opts = callcoach::input::ReadOptions::default();
    for p in paths {
        let bytes = std::fs::read(&p).expect("read");
        let source = callcoach::call::Source::file(p.display().to_string());
        for call in callcoach::input::read(&bytes, &source, &opts).into_iter().flatten() {
            let (a, b) = (plain.analyze(&call), configured.analyze(&call));
            assert_eq!(a.findings, b.findings, "{}", p.display());
            assert_eq!(a.cues, b.cues, "{}", p.display());
            assert_eq!(a.credits, b.credits, "{}", p.display());
            assert_eq!(a.score, b.score, "{}", p.display());
        }
    }
}

#[test]
fn a_category_that_is_also_a_rule_name_means_the_category() {
    let cfg = config("[rules]\ndisable = [\"missed-empathy\"]\n");
    let setup = cfg.setup(&Overrides::default()).expect("valid");
    let want: Vec<&str> =
        setup.lexicon.rules.iter().filter(|r| r.category.as_str() == "missed-empathy").map(|r| r.code).collect();
    assert!(want.len() > 1, "the built-in catalog has several missed-empathy rules");
    assert!(want.iter().all(|c| setup.policy.disabled.contains(c)), "{want:?}");
}

/// The figures `summary` gives for `args` (run in `dir`), as JSON.
fn summary_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = run(dir, &[&["summary", "--format", "json"][..], args].concat());
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("summary JSON")
}

/// The overall scores and the counted findings per code of `analyze --format jsonl` (run in `dir`).
fn analyze_figures(dir: &Path, args: &[&str]) -> (u64, std::collections::BTreeMap<String, u64>) {
    let out = run(dir, &[&["analyze", "--format", "jsonl"][..], args].concat());
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&out.stderr));
    let (mut sum, mut rules) = (0, std::collections::BTreeMap::new());
    for l in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
        sum += v["score"]["overall"].as_u64().expect("overall");
        for f in v["findings"].as_array().expect("findings") {
            if f["accepted"] != true {
                *rules.entry(f["code"].as_str().expect("code").to_owned()).or_insert(0) += 1;
            }
        }
    }
    (sum, rules)
}

fn summary_figures(v: &serde_json::Value) -> (u64, std::collections::BTreeMap<String, u64>) {
    let rules = serde_json::from_value(v["total"]["rules"].clone()).expect("rules");
    (v["total"]["scores"]["overall"]["sum"].as_u64().expect("sum"), rules)
}

#[test]
fn summary_applies_the_configuration_exactly_as_analyze_does() {
    let root = temp("summary");
    let sub = root.join("qa/today");
    std::fs::create_dir_all(&sub).expect("sub");
    std::fs::create_dir_all(root.join("lexicons")).expect("lexicons");
    std::fs::copy(fixtures().join("lexicons/fixture-rules.toml"), root.join("lexicons/rules.toml")).expect("copy");
    // The fixture configuration: profile, lexicon folder, disabled category (conduct, which holds the contact
    // rules too), severity override, allow list and weights.
    std::fs::copy(fixtures().join("callcoach.toml"), root.join("callcoach.toml")).expect("copy");
    let mut calls = std::fs::read_to_string(fixtures().join("calls.jsonl")).expect("calls");
    // An out-of-hours attempt (07:00 local): CT103 unless the configuration switches conduct off.
    calls.push_str(
        r#"{"id": "c3", "agent_id": "A2", "account_id": "ACC-1", "started_at": "2026-03-02T07:00:00-05:00", "turns": [{"speaker": "agent", "text": "Fixture blunt words, and we release the hounds."}]}"#,
    );
    calls.push('\n');
    std::fs::write(sub.join("calls.jsonl"), calls).expect("calls");

    // Found from a subfolder, as analyze finds it.
    let with = summary_json(&sub, &["calls.jsonl", "--contact"]);
    let want = analyze_figures(&sub, &["calls.jsonl"]);
    assert_eq!(summary_figures(&with), want, "summary counts and scores what analyze reports");
    assert!(want.1.contains_key("TX101"), "the configuration's lexicon folder is loaded: {want:?}");
    assert_eq!(with["contact"]["findings"], serde_json::json!([]), "conduct is disabled, contact rules too");
    // --from-jsonl over analyze's output gives the same figures.
    let results = sub.join("results.jsonl");
    assert_eq!(
        run(&sub, &["analyze", "calls.jsonl", "--format", "jsonl", "--out", "results.jsonl"]).status.code(),
        Some(0)
    );
    let from = summary_json(&sub, &["--from-jsonl", results.to_str().expect("utf-8"), "--contact"]);
    assert_eq!(from["total"], with["total"]);
    assert_eq!(from["contact"], with["contact"]);

    // Without the configuration both change, the same way.
    let without = summary_json(&sub, &["calls.jsonl", "--contact", "--no-config"]);
    let want_without = analyze_figures(&sub, &["calls.jsonl", "--no-config"]);
    assert_eq!(summary_figures(&without), want_without);
    assert_ne!(want_without, want, "the configuration changes the figures");
    let codes: Vec<&str> = without["contact"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert_eq!(codes, ["CT103"]);

    // --config FILE from elsewhere is the same file.
    let elsewhere = temp("summary-elsewhere");
    std::fs::copy(sub.join("calls.jsonl"), elsewhere.join("calls.jsonl")).expect("copy");
    let cfg = root.join("callcoach.toml");
    let explicit = summary_json(&elsewhere, &["calls.jsonl", "--contact", "--config", cfg.to_str().expect("utf-8")]);
    assert_eq!(explicit["total"], with["total"]);

    // A weight in the file moves summary's scores as it moves analyze's.
    std::fs::write(
        root.join("callcoach.toml"),
        "lexicons = [\"lexicons\"]\n[score.weights]\ncompliance = 100\nrespect = 0\n",
    )
    .expect("write");
    let weighted = summary_json(&sub, &["calls.jsonl"]);
    let want_weighted = analyze_figures(&sub, &["calls.jsonl"]);
    assert_eq!(summary_figures(&weighted), want_weighted);
    assert_ne!(want_weighted.0, want.0);

    // A baseline accepts findings: they no longer count in either command.
    assert_eq!(
        run(&sub, &["analyze", "calls.jsonl", "--write-baseline", "base.json", "--quiet"]).status.code(),
        Some(0)
    );
    let based = summary_json(&sub, &["calls.jsonl", "--baseline", "base.json"]);
    assert_eq!(summary_figures(&based), analyze_figures(&sub, &["calls.jsonl", "--baseline", "base.json"]));
    assert_eq!(based["total"]["findings"], 0, "every finding was accepted");

    // A broken configuration stops summary as it stops analyze.
    std::fs::write(root.join("callcoach.toml"), "[rules]\ndisable = [\"TX999\"]\n").expect("write");
    let bad = run(&sub, &["summary", "calls.jsonl"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("callcoach.toml:2:"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&elsewhere);
}

#[test]
fn check_and_live_read_the_configuration_as_analyze_does() {
    let root = temp("check-live");
    std::fs::create_dir_all(root.join("lexicons")).expect("lexicons");
    std::fs::copy(fixtures().join("lexicons/fixture-rules.toml"), root.join("lexicons/rules.toml")).expect("copy");
    std::fs::copy(fixtures().join("callcoach.toml"), root.join("callcoach.toml")).expect("copy");
    std::fs::copy(fixtures().join("calls.jsonl"), root.join("calls.jsonl")).expect("copy");
    let stdout = |o: &Output| String::from_utf8_lossy(&o.stdout).into_owned();

    // check: the configuration's lexicon folder and severity override apply; --no-config drops both.
    let with = run(&root, &["check", "calls.jsonl", "--codes"]);
    assert_eq!(with.status.code(), Some(0), "{}", String::from_utf8_lossy(&with.stderr));
    assert!(stdout(&with).contains("TX101"), "{}", stdout(&with));
    let without = run(&root, &["check", "calls.jsonl", "--codes", "--no-config"]);
    assert!(!stdout(&without).contains("TX101"), "{}", stdout(&without));

    // live: the same rule alerts at the turn that says it, only with the configuration.
    let live = |extra: &[&str]| {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_callcoach"))
            .current_dir(&root)
            .args(["live", "--format", "jsonl"])
            .args(extra)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("live runs");
        child.stdin.take().expect("stdin").write_all(b"Agent: Pay today or we release the hounds.\n").expect("write");
        let out = child.wait_with_output().expect("live ends");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("jsonl alert"))
            .collect::<Vec<_>>()
    };
    let alerts = live(&[]);
    let hounds: Vec<_> = alerts.iter().filter(|a| a["code"] == "TX101").collect();
    assert_eq!(hounds.len(), 1, "{alerts:?}");
    assert_eq!(hounds[0]["severity"], "critical", "the configuration's severity override applies");
    assert_eq!(hounds[0]["at_turn"], 0);
    assert!(live(&["--no-config"]).iter().all(|a| a["code"] != "TX101"));
    let _ = std::fs::remove_dir_all(&root);
}
