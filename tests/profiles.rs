//! The UK sequence rules on whole calls: affordability before a plan (DI104, GP340), Breathing Space (IR105,
//! GP341) and the TEXAS explain step (GP342). The samples' labels check findings and cues exactly and credits
//! as a floor; here the credits that must be absent, the severities, and the account fact are checked too.

use std::path::Path;

use callcoach::call::{Account, Call, Role, Source, Turn};
use callcoach::finding::Severity;
use callcoach::input::{self, ReadOptions};
use callcoach::rules::{Analysis, Analyzer};

fn sample(name: &str) -> Call {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(name);
    let bytes = std::fs::read(&path).expect("read sample");
    let mut calls = input::read(&bytes, &Source::file(name), &ReadOptions::default());
    calls.remove(0).expect("sample reads")
}

fn codes(a: &Analysis) -> Vec<String> {
    a.findings.iter().chain(&a.cues).chain(&a.credits).map(|i| format!("{}@{}", i.code, i.turn)).collect()
}

use Role::{Agent as A, Customer as C};

fn call(turns: &[(Role, &str)], account: Account) -> Call {
    Call {
        id: "p".into(),
        turns: turns.iter().map(|(r, t)| Turn::new(r.as_str(), *r, *t)).collect(),
        profile: Some("uk".into()),
        account,
        ..Call::default()
    }
}

#[test]
fn each_sample_has_its_sequence_items_and_not_the_opposite() {
    let analyzer = Analyzer::builtin(None).expect("lexicons");
    // (sample, must have, must not have)
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("29-uk-plan-without-affordability.json", &["DI104@8"], &["GP340"]),
        ("30-uk-affordability-first.json", &["GP340@12", "GP305@6"], &["DI104"]),
        ("31-uk-breathing-space-ignored.json", &["IR105@6"], &["GP341", "IR102", "DI103", "DI104"]),
        ("32-uk-breathing-space-honoured.json", &["GP341@4"], &["IR105", "DI103"]),
        ("33-uk-breathing-space-on-file.json", &["IR105@4"], &["GP341"]),
        ("34-us-texas-explain.json", &["GP342@6", "GP303@6"], &[]),
        ("35-uk-texas-no-explanation.json", &["GP303@6"], &["GP342"]),
        ("02-uk-exemplary-mental-health.json", &["GP342@6", "GP319@6"], &["DI104", "IR105"]),
        ("17-uk-risk-to-life.json", &["DI104@10"], &["GP340"]),
        ("23-uk-trap-nothing-decided.json", &["GP340@12"], &["DI104"]),
    ];
    for (name, want, not) in cases {
        let got = codes(&analyzer.analyze(&sample(name)));
        for w in *want {
            assert!(got.iter().any(|g| g == w), "{name}: {w} missing from {got:?}");
        }
        for n in *not {
            assert!(!got.iter().any(|g| g.starts_with(&format!("{n}@"))), "{name}: {n} must not be in {got:?}");
        }
    }
}

#[test]
fn breathing_space_on_the_account_is_critical_and_said_is_high() {
    let analyzer = Analyzer::builtin(None).expect("lexicons");
    let severity = |a: &Analysis| a.findings.iter().find(|f| f.code == "IR105").and_then(|f| f.severity);
    let on_file = call(
        &[(A, "Hi, it's Sam from Northfield Recovery."), (C, "Hello."), (A, "Can you make a payment today?")],
        Account { breathing_space: Some(true), ..Account::default() },
    );
    assert_eq!(severity(&analyzer.analyze(&on_file)), Some(Severity::Critical));
    let said =
        call(&[(C, "I'm in breathing space at the moment."), (A, "Can you make a payment today?")], Account::default());
    assert_eq!(severity(&analyzer.analyze(&said)), Some(Severity::High));
    let neither =
        call(&[(C, "I just need some breathing space."), (A, "Can you make a payment today?")], Account::default());
    assert_eq!(severity(&analyzer.analyze(&neither)), None);
    // The US profile has no Breathing Space: the scheme is England and Wales only.
    let us = Call { profile: Some("us".into()), ..on_file };
    assert_eq!(severity(&analyzer.analyze(&us)), None);
}

#[test]
fn the_affordability_check_must_come_before_the_plan_even_within_a_turn() {
    let analyzer = Analyzer::builtin(None).expect("lexicons");
    let got =
        |agent: &str| codes(&analyzer.analyze(&call(&[(C, "I've lost my job."), (A, agent)], Account::default())));
    let before = got("I'm sorry. Looking at your income and outgoings, I'll set up a plan of 20 pounds a month.");
    assert!(before.contains(&"GP340@1".to_owned()) && !before.iter().any(|c| c.starts_with("DI104")), "{before:?}");
    let after =
        got("I'm sorry. I'll set up a plan of 20 pounds a month, then we can look at your income and outgoings.");
    assert!(after.contains(&"DI104@1".to_owned()) && !after.iter().any(|c| c.starts_with("GP340")), "{after:?}");
}

#[test]
fn the_explain_credit_needs_a_disclosure_before_it() {
    let analyzer = Analyzer::builtin(None).expect("lexicons");
    let explain = "If I note it, it will only be seen by our specialist team.";
    let after = codes(&analyzer.analyze(&call(&[(C, "I've got depression."), (A, explain)], Account::default())));
    assert!(after.contains(&"GP342@1".to_owned()), "{after:?}");
    let before = codes(&analyzer.analyze(&call(&[(A, explain), (C, "I've got depression.")], Account::default())));
    assert!(!before.iter().any(|c| c.starts_with("GP342")), "{before:?}");
}

#[test]
fn a_breathing_space_disclosed_after_the_plan_does_not_withdraw_the_affordability_finding() {
    let analyzer = Analyzer::builtin(None).expect("lexicons");
    let turns: &[(Role, &str)] = &[
        (C, "I've lost my job."),
        (A, "Okay. I'll set up a plan of 90 pounds a month."),
        (C, "Actually, my adviser put me in breathing space yesterday."),
        (A, "Thank you for telling me. I'll put the account on hold."),
    ];
    let got = codes(&analyzer.analyze(&call(turns, Account::default())));
    for want in ["DI104@1", "GP341@3"] {
        assert!(got.contains(&want.to_owned()), "{want} missing from {got:?}");
    }
    assert!(!got.iter().any(|c| c.starts_with("IR105")), "{got:?}");
}
