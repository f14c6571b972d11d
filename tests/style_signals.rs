//! The `style-` politeness strategies (lexicons/signals.toml), table-driven on the built-in lexicons: which
//! strategies a one-turn agent request shows, and the traps each must not fire on.

use callcoach::call::{Call, Role, Turn};
use callcoach::lexicon::SIGNALS;
use callcoach::rules::Analyzer;

fn signals(analyzer: &Analyzer, text: &str) -> Vec<&'static str> {
    let call = Call { id: "t".into(), turns: vec![Turn::new("agent", Role::Agent, text)], ..Call::default() };
    let a = analyzer.analyze(&call);
    a.agent_signals.iter().map(|(_, i)| SIGNALS[*i as usize]).collect()
}

/// A case: the signal, the request, and whether the signal must be present.
type Case<'a> = (&'a str, &'a str, bool);

#[test]
fn style_signal_table() {
    let analyzer = Analyzer::builtin(None).expect("built-in lexicons load");
    let cases: &[Case<'_>] = &[
        ("style-greeting", "Hi, could you resend the statement?", true),
        ("style-greeting", "Good afternoon. Is the plan still suitable for you?", true),
        ("style-greeting", "Dear Ms Lee, we have received your letter.", true),
        ("style-greeting", "I said hi to your colleague earlier.", false),
        ("style-greeting", "The payment goes out on Monday morning.", false),
        ("style-pointed", "What exactly is this call about?", true),
        ("style-pointed", "What is the point of calling me every day?", true),
        ("style-pointed", "What does my sister have to do with this?", true),
        ("style-pointed", "Do you really think that will work?", true),
        ("style-pointed", "Did you even read my letter?", true),
        ("style-pointed", "Is this homework?", true),
        ("style-pointed", "From my point of view the plan works.", false),
        ("style-pointed", "What is the best number to reach you on?", false),
        ("style-pointed", "Has the debt been assigned to us?", false),
        ("style-pointed", "Why did you send it to my old address?", true),
        ("style-pointed", "Why is the balance higher than last month?", false),
        ("style-positive", "That was a thoughtful and sensible plan.", true),
        ("style-positive", "It looks like the letter went out.", false),
        ("style-negative", "That was a careless and unfair thing to say.", true),
        ("style-negative", "Is the error still on the statement?", false),
        ("style-suggestion", "Have you tried calling the helpline?", true),
        ("style-suggestion", "Maybe you might want to glance over the letter first.", true),
        ("style-suggestion", "Is there a better time to call?", true),
        ("style-suggestion", "We can spread it over six months if you like.", true),
        ("style-suggestion", "There is a balance of two hundred pounds.", false),
        ("style-suggestion", "You tried to pay yesterday.", false),
        ("style-concrete", "Could you check the date on the form?", true),
        ("style-concrete", "The error message says the card was declined.", true),
        ("style-concrete", "Why are you always like this?", false),
        ("style-concrete", "I wanted to ask how you are getting on.", false),
    ];
    let mut failed = Vec::new();
    for &(name, text, want) in cases {
        assert!(SIGNALS.contains(&name), "{name} is not a signal");
        let got = signals(&analyzer, text).contains(&name);
        if got != want {
            failed.push(format!("{name} on {text:?}: expected {want}, got {got}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
