//! Context decisions, table-driven, on a minimal lexicon so that phrase-list edits cannot move them:
//! negation, reported speech, agent echo, customer questions, quotes, hedges, and the empathy window.

use callcoach::call::{Call, Role, Turn};
use callcoach::lexicon::load_with;
use callcoach::rules::Analyzer;

fn analyzer() -> Analyzer {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");
    let lex = load_with(Some(std::path::Path::new(dir))).expect("mini lexicon loads");
    Analyzer::new(lex, None).expect("compiles")
}

fn items(turns: &[(Role, &str)]) -> Vec<String> {
    let call = Call {
        id: "t".into(),
        turns: turns.iter().map(|(r, t)| Turn::new(r.as_str(), *r, *t)).collect(),
        ..Call::default()
    };
    let a = analyzer().analyze(&call);
    let mut v: Vec<String> =
        a.findings.iter().chain(&a.cues).chain(&a.credits).map(|i| format!("{}@{}", i.code, i.turn)).collect();
    v.sort();
    v
}

use Role::{Agent as A, Customer as C};

/// A named case: the turns and the items they must produce.
type Case<'a> = (&'a str, &'a [(Role, &'a str)], &'a [&'a str]);

#[test]
fn context_table() {
    let cases: &[Case<'_>] = &[
        ("plain threat", &[(A, "Pay or we will arrest you.")], &["ZZ101@0"]),
        ("negation becomes reassurance", &[(A, "Nobody is going to arrest you.")], &["ZZ302@0"]),
        ("contracted negation", &[(A, "You won't be arrested.")], &["ZZ302@0"]),
        ("negation blocked by a clause break", &[(A, "No, we will arrest you.")], &["ZZ101@0"]),
        ("negator too far, non-bridge word between", &[(A, "If you do not pay we will arrest you.")], &["ZZ101@0"]),
        ("customer reported speech", &[(C, "Your colleague said you'd take your house.")], &["ZZ303@0"]),
        ("customer question", &[(C, "Are you going to arrest me? Will I be arrested?")], &["ZZ304@0"]),
        ("unpunctuated customer question", &[(C, "will i be arrested")], &["ZZ304@0"]),
        ("customer plain statement is not an agent finding", &[(C, "I think I will be arrested.")], &[]),
        ("agent echo", &[(A, "Are you saying you were told you'd be arrested?")], &[]),
        ("agent quoting", &[(A, "The old letter said \"we will arrest you\", which was wrong.")], &[]),
        ("cue only in customer turns", &[(A, "Have you lost my job?")], &[]),
        ("negated cue", &[(C, "I have not lost my job.")], &[]),
        ("missed empathy", &[(C, "I lost my job."), (A, "The balance is 400.")], &["ZZ201@0", "ZZ401@0"]),
        (
            "acknowledged after a filler",
            &[(C, "I lost my job."), (A, "Okay."), (A, "I'm sorry to hear that.")],
            &["ZZ201@0", "ZZ301@2"],
        ),
        (
            "formulaic empathy then a demand",
            &[(C, "I lost my job."), (A, "Sorry to hear that, but you must pay today.")],
            &["ZZ201@0", "ZZ402@0"],
        ),
    ];
    let mut failures = Vec::new();
    for (name, turns, want) in cases {
        let got = items(turns);
        let want: Vec<String> = want.iter().map(|s| (*s).to_owned()).collect();
        if got != want {
            failures.push(format!("{name}: expected {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn hedged_threat_is_one_step_less_severe() {
    let call = Call { id: "h".into(), turns: vec![Turn::new("agent", A, "You might be arrested.")], ..Call::default() };
    let a = analyzer().analyze(&call);
    assert_eq!(a.findings.len(), 1);
    assert_eq!(a.findings[0].severity.map(|s| s.as_str()), Some("high"));
}

#[test]
fn pressure_after_a_vulnerability_disclosure_is_high_severity() {
    let analyzer = Analyzer::builtin(None).expect("lexicons");
    let call = |turns: Vec<Turn>| Call { id: "v".into(), turns, ..Call::default() };
    let offer = "This offer is only good while we're on the phone.";
    let before = analyzer.analyze(&call(vec![Turn::new("agent", A, offer)]));
    let after = analyzer.analyze(&call(vec![
        Turn::new("customer", C, "My husband died last month and I can't cope."),
        Turn::new("agent", A, offer),
    ]));
    let sev = |a: &callcoach::rules::Analysis| {
        a.findings.iter().find(|f| f.category.as_str() == "pressure").and_then(|f| f.severity).map(|s| s.as_str())
    };
    assert_eq!(sev(&before), Some("medium"), "{:?}", before.findings);
    assert_eq!(sev(&after), Some("high"), "{:?}", after.findings);
}

#[test]
fn threats_of_suit_depend_on_the_account_facts() {
    use callcoach::call::Account;
    let analyzer = Analyzer::builtin(None).expect("lexicons");
    let call = |account: Account| Call {
        id: "s".into(),
        turns: vec![Turn::new("agent", A, "If you don't pay we'll take you to court.")],
        account,
        ..Call::default()
    };
    let suit = |a: &callcoach::rules::Analysis| a.findings.iter().find(|f| f.code == "PR101").cloned();
    let unknown = suit(&analyzer.analyze(&call(Account::default()))).expect("flagged without facts");
    assert!(unknown.note.as_deref().is_some_and(|n| n.contains("verify before saying")), "{unknown:?}");
    let barred = suit(&analyzer.analyze(&call(Account { time_barred: Some(true), ..Account::default() })));
    assert_eq!(barred.and_then(|f| f.severity).map(|s| s.as_str()), Some("critical"));
    let filed = suit(&analyzer.analyze(&call(Account { suit_filed: Some(true), ..Account::default() })));
    assert!(filed.is_none(), "a suit that was really filed is not a threat");
}

#[test]
fn an_attorney_or_cease_on_file_is_a_standing_request() {
    use callcoach::call::Account;
    let analyzer = Analyzer::builtin(None).expect("lexicons");
    let call = |account: Account| Call {
        id: "r".into(),
        turns: vec![
            Turn::new("agent", A, "Hi, this is Sam from Northfield Recovery."),
            Turn::new("customer", C, "Yes?"),
            Turn::new("agent", A, "Can you make a payment today?"),
        ],
        account,
        ..Call::default()
    };
    let codes = |a: Account| {
        analyzer.analyze(&call(a)).findings.iter().map(|f| format!("{}@{}", f.code, f.turn)).collect::<Vec<_>>()
    };
    assert!(!codes(Account::default()).iter().any(|c| c.starts_with("IR1")));
    assert!(codes(Account { attorney_on_file: Some(true), ..Account::default() }).contains(&"IR102@2".to_owned()));
    assert!(codes(Account { cease_on_file: Some(true), ..Account::default() }).contains(&"IR101@2".to_owned()));
}
