//! The rule catalog tests itself: the registry's invariants, every rule's examples run through the whole
//! pipeline (flagged phrasing and traps alike), and docs/RULES.md generated from it is current.

use std::collections::BTreeSet;

use callcoach::call::{Call, Turn};
use callcoach::lexicon::{self, lint, load_builtin, parse_example_turn, parse_expect, Example, Rule};
use callcoach::rules::Analyzer;

fn example_call(rule: &Rule, ex: &Example) -> Call {
    let turns = ex
        .turns
        .iter()
        .map(|line| {
            let (role, text) =
                parse_example_turn(line).unwrap_or_else(|| panic!("{}: bad example turn {line:?}", rule.code));
            Turn::new(role.as_str(), role, text)
        })
        .zip(ex.times.iter().map(Some).chain(std::iter::repeat(None)))
        .map(|(mut t, times)| {
            if let Some([start, end]) = times {
                t.start_ms = Some(*start);
                t.end_ms = Some(*end);
            }
            t
        })
        .collect();
    Call {
        id: format!("{}-example", rule.code),
        turns,
        profile: ex.profile.clone().or_else(|| rule.profiles.first().cloned()),
        account: ex.account.clone(),
        ..Call::default()
    }
}

#[test]
fn builtin_lexicons_load_and_pass_lint() {
    let lex = load_builtin()
        .unwrap_or_else(|es| panic!("{}", es.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")));
    let problems = lint(&lex);
    assert!(problems.is_empty(), "{}", problems.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"));
    assert!(lex.rules.len() >= 40, "the catalog has {} rules; at least 40 expected", lex.rules.len());
    let codes: BTreeSet<_> = lex.rules.iter().map(|r| r.code).collect();
    assert_eq!(codes.len(), lex.rules.len(), "codes are unique");
}

#[test]
fn every_example_of_every_rule() {
    let lex = load_builtin().expect("lexicons load");
    let analyzer = Analyzer::new(lex.clone(), None).expect("compiles");
    let mut failures = Vec::new();
    let mut ran = 0;
    for rule in &lex.rules {
        for ex in &rule.examples {
            ran += 1;
            let call = example_call(rule, ex);
            let a = analyzer.analyze(&call);
            let got: BTreeSet<String> =
                a.findings.iter().chain(&a.cues).chain(&a.credits).map(|i| format!("{}@{}", i.code, i.turn)).collect();
            let want: BTreeSet<String> = ex.expect.iter().map(|s| s.replace(' ', "")).collect();
            let missing: Vec<_> = want.difference(&got).cloned().collect();
            let own_got: BTreeSet<_> =
                got.iter().filter(|s| s.starts_with(&format!("{}@", rule.code))).cloned().collect();
            let own_want: BTreeSet<_> =
                want.iter().filter(|s| parse_expect(s).is_some_and(|(c, _)| c == rule.code)).cloned().collect();
            if !missing.is_empty() || own_got != own_want {
                let why: Vec<_> = a
                    .decisions
                    .iter()
                    .map(|d| format!("{} turn {} {:?} [{}]: {}", d.code, d.turn, d.text, d.context, d.outcome))
                    .collect();
                failures.push(format!(
                    "{} ({}) example{}: {}\n  expected {:?}\n  got      {:?}\n  context: {}",
                    rule.code,
                    rule.origin,
                    ex.note.as_deref().map(|n| format!(" [{n}]")).unwrap_or_default(),
                    ex.turns.join(" / "),
                    want,
                    got,
                    why.join("; ")
                ));
            }
        }
    }
    assert!(ran > 0);
    assert!(failures.is_empty(), "{} of {ran} examples failed:\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn rules_md_is_current() {
    let lex = load_builtin().expect("lexicons load");
    let want = lexicon::markdown(&lex);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/RULES.md");
    let have = std::fs::read_to_string(path).unwrap_or_default();
    if have != want {
        if std::env::var_os("CALLCOACH_BLESS").is_some() {
            std::fs::write(path, &want).expect("write docs/RULES.md");
        } else {
            panic!("docs/RULES.md is stale: run `CALLCOACH_BLESS=1 cargo test --test catalog` or `callcoach rules --format markdown > docs/RULES.md`");
        }
    }
}
