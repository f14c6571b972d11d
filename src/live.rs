//! live: coach a call while it is happening, one turn at a time.
//!
//! A [`Session`] keeps the call read so far and, after each turn, analyses it again with the same [`Analyzer`]
//! that `callcoach analyze` uses, so an alert during the call and the report after it never disagree. The new
//! analysis is compared with what was already alerted (key: code, turn, start) and only new findings come back,
//! each exactly once.
//!
//! Re-analysis gives window rules their timing for free: a missed-empathy finding on a customer's cue turn
//! appears only once the agent's reply has been read. Two kinds of finding need holding back, because a prefix
//! of a call is not a whole call:
//!
//! - absences (no identification, no mini-Miranda): every call lacks them before the agent has said them, so
//!   they wait until the agent has spoken `disclosure_after` turns, or the call ends;
//! - missed empathy when the agent's only reply so far is a filler ("okay, one moment"): the empathy rule also
//!   gives the agent's next turn a chance, so the finding waits for that turn, or the call's end.
//!
//! ```
//! use callcoach::call::{Call, Role, Turn};
//! use callcoach::live::Session;
//! use callcoach::rules::Analyzer;
//!
//! let analyzer = Analyzer::builtin(None).expect("built-in lexicons load");
//! let mut live = Session::new(&analyzer, Call::default(), 3);
//! let alerts = live.push(Turn::new("agent", Role::Agent, "Hello, how can I help you today?"));
//! assert!(alerts.is_empty());
//! let alerts = live.finish();
//! assert!(alerts.is_empty(), "a call that is not about a debt needs no disclosure");
//! ```

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use crate::call::{Call, Role, Turn};
use crate::finding::{Category, Item, Kind};
use crate::input::ReadOptions;
use crate::lexicon::{ContextWords, Lexicon};
use crate::matcher::{Scanner, Target};
use crate::rules::{Analysis, Analyzer, SignalHit, TurnFacts};
use crate::tokenize::tokenize;

/// How many agent turns a required disclosure may take before live mode alerts that it is missing.
pub const DISCLOSURE_AFTER: usize = 3;

/// Engines that report something the agent has not said yet: true of every call's first turns.
const ABSENCE_ENGINES: &[&str] = &["missing-identification", "missing-mini-miranda", "missing-collector-disclosure"];

/// Engines that judge the call as a whole (talk time, signposting by the end): only final when the call ends.
const WHOLE_CALL_ENGINES: &[&str] = &["signposting-missing", "talk-time"];

/// When a finding may be alerted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hold {
    /// After `disclosure_after` agent turns.
    Disclosure,
    /// At the end of the call.
    EndOfCall,
}

/// One call being coached as it happens. See the [module docs](self).
pub struct Session<'a> {
    analyzer: &'a Analyzer,
    call: Call,
    /// The lexical stage of each turn read, kept so that a new turn costs one turn's scan.
    facts: Vec<TurnFacts>,
    items: Vec<Analysis>,
    analysis: Analysis,
    alerted: HashSet<(&'static str, usize, usize)>,
    holds: HashMap<&'static str, Hold>,
    disclosure_after: usize,
    agent_turns: usize,
    /// Per turn: whether it is an agent filler, which keeps an empathy window open for one more agent turn.
    filler: Vec<bool>,
    filler_scanner: Option<Scanner>,
}

impl<'a> Session<'a> {
    /// Start coaching a call. `call` carries what is known before the first turn (id, profile, account facts);
    /// any turns it has are dropped: [`push`](Session::push) them. `disclosure_after` is how many agent turns a
    /// required disclosure may take before it is alerted as missing.
    pub fn new(analyzer: &'a Analyzer, mut call: Call, disclosure_after: usize) -> Session<'a> {
        let lex = analyzer.lexicon();
        let holds = lex
            .rules
            .iter()
            .filter_map(|r| {
                let e = r.engine.as_deref()?;
                if ABSENCE_ENGINES.contains(&e) {
                    Some((r.code, Hold::Disclosure))
                } else if WHOLE_CALL_ENGINES.contains(&e) {
                    Some((r.code, Hold::EndOfCall))
                } else {
                    None
                }
            })
            .collect();
        // Only the filler phrases: compiling them alone costs microseconds, and the analyzer does not expose its
        // per-turn signals.
        let fillers = Lexicon {
            signals: lex.signals.iter().filter(|s| s.name == "filler").cloned().collect(),
            context: ContextWords::default(),
            ..Lexicon::default()
        };
        let filler_scanner = Scanner::new(&fillers).ok();
        call.turns.clear();
        Session {
            analyzer,
            call,
            facts: Vec::new(),
            items: Vec::new(),
            analysis: Analysis::default(),
            alerted: HashSet::new(),
            holds,
            disclosure_after,
            agent_turns: 0,
            filler: Vec::new(),
            filler_scanner,
        }
    }

    /// The call read so far.
    pub fn call(&self) -> &Call {
        &self.call
    }

    /// The analysis of the call read so far (everything, alerted or held).
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// Read one more turn; returns the findings that became due with it, in turn order, each only once.
    pub fn push(&mut self, turn: Turn) -> Vec<Item> {
        if turn.role == Role::Agent {
            self.agent_turns += 1;
        }
        let filler = turn.role == Role::Agent && self.is_filler(&turn.text);
        self.filler.push(filler);
        self.call.turns.push(turn);
        let (facts, items) = self.analyzer.analyze_turn(&self.call, self.call.turns.len() - 1);
        self.facts.push(facts);
        self.items.push(items);
        self.analysis = self.analyzer.conclude(&self.call, &self.facts, self.items.iter().cloned());
        self.due(false)
    }

    /// The call has ended: returns every finding still held (missing disclosures, a cue answered only by a
    /// filler) that the whole call confirms.
    pub fn finish(&mut self) -> Vec<Item> {
        self.due(true)
    }

    fn due(&mut self, ended: bool) -> Vec<Item> {
        let mut out = Vec::new();
        for f in &self.analysis.findings {
            if f.kind() != Kind::Finding || f.accepted || self.alerted.contains(&(f.code, f.turn, f.start)) {
                continue;
            }
            if !ended && !self.ready(f) {
                continue;
            }
            self.alerted.insert((f.code, f.turn, f.start));
            out.push(f.clone());
        }
        out
    }

    /// Whether a finding on the call so far is final before the call ends.
    fn ready(&self, f: &Item) -> bool {
        match self.holds.get(f.code) {
            Some(Hold::Disclosure) => self.agent_turns >= self.disclosure_after,
            Some(Hold::EndOfCall) => false,
            None if f.category == Category::MissedEmpathy => self.window_closed(f.turn),
            None => true,
        }
    }

    /// Whether the agent's response window to a cue at turn `t` has closed: a first reply that is not a filler,
    /// or a second reply.
    fn window_closed(&self, t: usize) -> bool {
        let mut replies = (t + 1..self.call.turns.len()).filter(|&i| self.call.turns[i].role == Role::Agent);
        match (replies.next(), replies.next()) {
            (Some(a1), second) => !self.filler[a1] || second.is_some(),
            (None, _) => false,
        }
    }

    fn is_filler(&self, text: &str) -> bool {
        let Some(scanner) = &self.filler_scanner else {
            return false;
        };
        let tt = tokenize(text);
        let signals = scanner
            .scan(&tt, Role::Agent)
            .into_iter()
            .filter_map(|h| match h.target {
                Target::Signal(s) => Some(SignalHit {
                    signal: s,
                    start: h.start,
                    end: h.end,
                    tok_start: h.tok_start,
                    tok_end: h.tok_end,
                }),
                _ => None,
            })
            .collect();
        TurnFacts { role: Some(Role::Agent), signals, words: tt.tokens.len(), ..TurnFacts::default() }.is_filler()
    }
}

/// One turn as a streaming transcriber writes it: `{"speaker": "agent", "text": "..."}`.
#[derive(Deserialize)]
struct LineTurn {
    speaker: String,
    text: String,
    #[serde(default)]
    start_ms: Option<u64>,
    #[serde(default)]
    end_ms: Option<u64>,
}

/// Parse one line of a live feed: a JSON turn (`{"speaker": "agent", "text": "..."}`) or a speaker-labelled
/// line (`Agent: ...`, `[00:01:02] Customer: ...`). Returns `Ok(None)` for a blank line.
///
/// # Errors
/// A message saying what the line should look like.
pub fn parse_line(line: &str, opts: &ReadOptions) -> Result<Option<Turn>, String> {
    let line = line.trim_start_matches('\u{feff}').trim();
    if line.is_empty() {
        return Ok(None);
    }
    if line.starts_with('{') {
        let t: LineTurn = serde_json::from_str(line)
            .map_err(|e| format!("expected a JSON turn like {{\"speaker\": \"agent\", \"text\": \"...\"}}: {e}"))?;
        let role = opts.role_of(&t.speaker);
        return Ok(Some(Turn { start_ms: t.start_ms, end_ms: t.end_ms, ..Turn::new(t.speaker, role, t.text) }));
    }
    // An optional timestamp in brackets, as transcribers print it: "[00:01:02] Agent: ...".
    let rest = match line.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((_, r)) => r.trim_start(),
        None => line,
    };
    let labelled = rest.split_once(':').filter(|(label, _)| {
        let l = label.trim();
        !l.is_empty()
            && l.chars().count() <= 40
            && l.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.' | '\''))
    });
    match labelled {
        Some((label, text)) => {
            let label = label.trim();
            Ok(Some(Turn::new(label, opts.role_of(label), text.trim())))
        }
        None => Err("expected `Speaker: text` (e.g. `Agent: Hello`) or a JSON turn like {\"speaker\": \"agent\", \"text\": \"...\"}".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_line;
    use crate::call::Role;
    use crate::input::ReadOptions;

    fn parse(line: &str) -> Result<Option<(String, Role, String)>, String> {
        parse_line(line, &ReadOptions::default()).map(|t| t.map(|t| (t.speaker, t.role, t.text)))
    }

    fn turn(speaker: &str, role: Role, text: &str) -> Result<Option<(String, Role, String)>, String> {
        Ok(Some((speaker.to_owned(), role, text.to_owned())))
    }

    #[test]
    fn lines_of_a_live_feed() {
        let cases = [
            ("labelled", "Agent: Hello there.", turn("Agent", Role::Agent, "Hello there.")),
            ("timestamp", "[00:01:02] Customer:  Who is this? ", turn("Customer", Role::Customer, "Who is this?")),
            (
                "colon in the text",
                "Agent: It's due at 10:30: today.",
                turn("Agent", Role::Agent, "It's due at 10:30: today."),
            ),
            ("json", r#"{"speaker":"customer","text":"Hi.","start_ms":5}"#, turn("customer", Role::Customer, "Hi.")),
            ("windows line end", "Agent: Hi.\r\n", turn("Agent", Role::Agent, "Hi.")),
            ("named speaker", "Sam: Hi.", turn("Sam", Role::Other, "Hi.")),
            ("blank", "   \n", Ok(None)),
        ];
        for (name, line, want) in cases {
            assert_eq!(parse(line), want, "{name}");
        }
    }

    #[test]
    fn bad_lines_say_what_a_line_should_look_like() {
        for line in [
            "no speaker here",
            "a very long sentence, with a comma: then a colon",
            r#"{"speaker":"agent"}"#,
            "{not json",
        ] {
            let e = parse(line).expect_err(line);
            assert!(e.starts_with("expected"), "{line}: {e}");
        }
    }

    fn analyzer() -> &'static crate::rules::Analyzer {
        static A: std::sync::OnceLock<crate::rules::Analyzer> = std::sync::OnceLock::new();
        A.get_or_init(|| crate::rules::Analyzer::builtin(None).expect("built-in lexicons load"))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Whatever a feed sends, a line is a turn, blank or an error, and a session never alerts twice.
        #[test]
        fn any_feed_is_read_without_a_panic_and_alerts_once(lines in proptest::collection::vec(".{0,80}", 0..12)) {
            let mut live = super::Session::new(analyzer(), crate::call::Call::default(), 1);
            let mut seen = std::collections::HashSet::new();
            let opts = ReadOptions::default();
            for (i, line) in lines.iter().enumerate() {
                // Every other line as a labelled turn, so that sessions get turns as well as odd lines.
                let line = if i % 2 == 0 { format!("Agent: {line}") } else { line.clone() };
                if let Ok(Some(turn)) = parse_line(&line, &opts) {
                    for a in live.push(turn) {
                        proptest::prop_assert!(seen.insert((a.code, a.turn, a.start)), "alerted twice: {a:?}");
                    }
                }
            }
            for a in live.finish() {
                proptest::prop_assert!(seen.insert((a.code, a.turn, a.start)), "alerted twice: {a:?}");
            }
        }
    }

    #[test]
    fn agent_speaker_labels_map_the_other_speakers_to_the_customer() {
        let opts = ReadOptions { agent_speakers: vec!["Sam".into()], ..ReadOptions::default() };
        let roles: Vec<Role> =
            ["Sam: Hello.", "Jordan: Hi."].iter().map(|l| parse_line(l, &opts).unwrap().unwrap().role).collect();
        assert_eq!(roles, [Role::Agent, Role::Customer]);
    }
}
