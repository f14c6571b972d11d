//! Conduct rules that need turn timings: interrupting the customer, dominating the talk time, long monologues
//! and long silences (cards CD103-CD106 in `lexicons/timing.toml`).
//!
//! They read only `Turn::start_ms`/`end_ms`. A turn without both times is skipped, and a call without timings
//! (plain text, native JSON without times) produces none of these findings: silence about timing is not evidence.
//! The thresholds are constants here, documented in `docs/FORMATS.md` and on the rule cards.

use super::{item, Analysis, Window};
use crate::call::{Role, Turn};

/// An agent turn that starts more than this many ms before the customer's turn ended interrupts it. Below it,
/// the overlap is the normal jitter of turn-taking and of diarization.
pub const INTERRUPT_OVERLAP_MS: u64 = 300;

/// An overlapping agent turn shorter than this many words is a backchannel ("mm-hmm, right"), not an interruption.
pub const INTERRUPT_MIN_WORDS: usize = 3;

/// The agent's share of the talk time above which the call is flagged (percent). Sales scorecards often use 60-70%,
/// but a collection call carries scripted speech (mini-Miranda, rights, options, a recap): a well-run first
/// contact can reach three quarters agent talk, so the limit sits above that.
pub const TALK_SHARE_LIMIT_PCT: u64 = 80;

/// Talk-time share is judged only on calls longer than this (ms): short calls are dominated by the opening script.
pub const TALK_SHARE_MIN_CALL_MS: u64 = 120_000;

/// An agent stretch of speech longer than this (ms) is a monologue.
pub const MONOLOGUE_MS: u64 = 60_000;

/// Within a monologue, the agent's pauses are shorter than this (ms); a longer one ends it (a hold is not speech).
pub const MONOLOGUE_MAX_PAUSE_MS: u64 = 5_000;

/// A gap with nobody speaking longer than this (ms) is a long silence.
pub const SILENCE_MS: u64 = 20_000;

/// Start and end of a turn, when it has both (and they are in order).
fn span(t: &Turn) -> Option<(u64, u64)> {
    match (t.start_ms, t.end_ms) {
        (Some(s), Some(e)) if e >= s => Some((s, e)),
        _ => None,
    }
}

/// Milliseconds as seconds with one decimal, rounded half up.
fn secs(ms: u64) -> String {
    let tenths = ms.saturating_add(50) / 100;
    format!("{}.{} s", tenths / 10, tenths % 10)
}

/// Emit the timing findings.
pub fn apply(w: &Window<'_>, out: &mut Analysis) {
    if !w.call.turns.iter().any(|t| span(t).is_some()) {
        return;
    }
    interruptions(w, out);
    talk_time(w, out);
    monologues(w, out);
    silences(w, out);
}

/// An agent turn that begins while the customer's latest turn is still going.
fn interruptions(w: &Window<'_>, out: &mut Analysis) {
    let Some(rule) = w.rule("interruption") else {
        return;
    };
    let turns = &w.call.turns;
    let mut last_customer: Option<(u64, u64)> = None;
    for (i, t) in turns.iter().enumerate() {
        let Some((start, _)) = span(t) else { continue };
        match t.role {
            Role::Customer => last_customer = Some((start, span(t).map_or(start, |s| s.1))),
            Role::Agent => {
                let Some((cs, ce)) = last_customer else {
                    continue;
                };
                let facts = w.facts.get(i);
                let words = facts.map_or(0, |f| f.words);
                let filler = facts.is_some_and(|f| f.is_filler());
                if start >= cs
                    && ce > start.saturating_add(INTERRUPT_OVERLAP_MS)
                    && words >= INTERRUPT_MIN_WORDS
                    && !filler
                {
                    let (fs, fe) = facts.map_or((0, t.text.len()), |f| f.first_sentence);
                    let mut it = item(rule, w.call, i, fs, fe);
                    it.message = format!("{} ({} before the customer finished)", rule.summary, secs(ce - start));
                    out.findings.push(it);
                    // One interruption per customer turn: the rest of the overlap is the same event.
                    last_customer = None;
                }
            }
            Role::Other => {}
        }
    }
}

/// The agent's share of all speech, on calls long enough for it to mean something.
fn talk_time(w: &Window<'_>, out: &mut Analysis) {
    let Some(rule) = w.rule("talk-time") else {
        return;
    };
    let spans: Vec<(Role, u64, u64)> =
        w.call.turns.iter().filter_map(|t| span(t).map(|(s, e)| (t.role, s, e))).collect();
    let (Some(first), Some(last)) = (spans.iter().map(|x| x.1).min(), spans.iter().map(|x| x.2).max()) else {
        return;
    };
    if last - first <= TALK_SHARE_MIN_CALL_MS {
        return;
    }
    // Sums in u128: times come from the input, and absurd ones must not overflow.
    let of = |r: Role| spans.iter().filter(|x| x.0 == r).map(|x| u128::from(x.2 - x.1)).sum::<u128>();
    let (agent, customer) = (of(Role::Agent), of(Role::Customer));
    let total = agent + customer + of(Role::Other);
    if customer == 0 || total == 0 {
        return;
    }
    let pct = agent * 100 / total;
    if pct <= u128::from(TALK_SHARE_LIMIT_PCT) {
        return;
    }
    let Some(i) = w.call.turns.iter().position(|t| t.role == Role::Agent) else {
        return;
    };
    let (fs, fe) = w.facts.get(i).map_or((0, 0), |f| f.first_sentence);
    let mut it = item(rule, w.call, i, fs, fe);
    it.message = format!("{}: the agent spoke {pct}% of the talk time (over {TALK_SHARE_LIMIT_PCT}%)", rule.summary);
    out.findings.push(it);
}

/// Runs of agent speech longer than [`MONOLOGUE_MS`]; a customer filler ("mm-hmm") does not end a run.
fn monologues(w: &Window<'_>, out: &mut Analysis) {
    let Some(rule) = w.rule("monologue") else {
        return;
    };
    let mut run: Option<(usize, u64, u64)> = None;
    let flush = |run: Option<(usize, u64, u64)>, out: &mut Analysis| {
        if let Some((i, s, e)) = run {
            if e - s > MONOLOGUE_MS {
                let (fs, fe) = w.facts.get(i).map_or((0, 0), |f| f.first_sentence);
                let mut it = item(rule, w.call, i, fs, fe);
                it.message = format!("{}: about {} without a break", rule.summary, secs(e - s));
                out.findings.push(it);
            }
        }
    };
    for (i, t) in w.call.turns.iter().enumerate() {
        let backchannel = t.role != Role::Agent && w.facts.get(i).is_some_and(|f| f.is_filler());
        if backchannel {
            continue;
        }
        let Some((s, e)) = span(t).filter(|_| t.role == Role::Agent) else {
            flush(run.take(), out);
            continue;
        };
        run = match run {
            Some((first, rs, re)) if s <= re.saturating_add(MONOLOGUE_MAX_PAUSE_MS) => Some((first, rs, re.max(e))),
            other => {
                flush(other, out);
                Some((i, s, e))
            }
        };
    }
    flush(run, out);
}

/// Gaps longer than [`SILENCE_MS`] with nobody speaking, reported on the turn that ends them.
fn silences(w: &Window<'_>, out: &mut Analysis) {
    let Some(rule) = w.rule("silence") else {
        return;
    };
    let mut spoken_until: Option<u64> = None;
    for (i, t) in w.call.turns.iter().enumerate() {
        let Some((s, e)) = span(t) else { continue };
        if let Some(until) = spoken_until {
            if s > until.saturating_add(SILENCE_MS) {
                let (fs, fe) = w.facts.get(i).map_or((0, 0), |f| f.first_sentence);
                let mut it = item(rule, w.call, i, fs, fe);
                it.message = format!("{}: {} of silence before this turn", rule.summary, secs(s - until));
                out.findings.push(it);
            }
        }
        spoken_until = Some(spoken_until.map_or(e, |u| u.max(e)));
    }
}

#[cfg(test)]
mod tests {
    use crate::call::{Call, Role, Turn};
    use crate::rules::Analyzer;

    /// A turn: role, text and optional (start, end) in ms.
    type Spec<'a> = (Role, &'a str, Option<(u64, u64)>);

    fn call(turns: &[Spec<'_>]) -> Call {
        let turns = turns
            .iter()
            .map(|(role, text, times)| {
                let mut t = Turn::new(role.as_str(), *role, *text);
                t.start_ms = times.map(|x| x.0);
                t.end_ms = times.map(|x| x.1);
                t
            })
            .collect();
        Call { id: "t".into(), turns, ..Call::default() }
    }

    /// The timing findings: (code, turn, message).
    fn timing(c: &Call) -> Vec<(&'static str, usize, String)> {
        // Built once: compiling the built-in lexicons is the slow part of a debug test run.
        static ANALYZER: std::sync::LazyLock<Analyzer> =
            std::sync::LazyLock::new(|| Analyzer::builtin(None).unwrap_or_else(|e| panic!("{e}")));
        let a = ANALYZER.analyze(c);
        a.findings
            .into_iter()
            .filter(|f| matches!(f.code, "CD103" | "CD104" | "CD105" | "CD106"))
            .map(|f| (f.code, f.turn, f.message))
            .collect()
    }

    const C: Role = Role::Customer;
    const A: Role = Role::Agent;

    #[test]
    fn interruption_needs_real_overlap_and_real_words() {
        let talk = "I was trying to say my hours were cut";
        let over = "Right, but I need a payment today.";
        let got = timing(&call(&[(C, talk, Some((0, 6000))), (A, over, Some((4000, 8000)))]));
        assert_eq!(got.iter().map(|x| (x.0, x.1)).collect::<Vec<_>>(), vec![("CD103", 1)]);
        assert!(got[0].2.ends_with("(2.0 s before the customer finished)"), "{got:?}");
        // 200 ms of overlap is turn-taking, not interrupting.
        assert!(timing(&call(&[(C, talk, Some((0, 6000))), (A, over, Some((5800, 8000)))])).is_empty());
        // A backchannel is listening.
        assert!(timing(&call(&[(C, talk, Some((0, 6000))), (A, "Mm-hmm.", Some((3000, 3400)))])).is_empty());
        // No times, no timing findings.
        assert!(timing(&call(&[(C, talk, None), (A, over, None)])).is_empty());
    }

    #[test]
    fn talk_time_share_on_long_calls_only() {
        let share = |a1: (u64, u64), c: (u64, u64), a2: (u64, u64)| {
            timing(&call(&[(A, "Hello there.", Some(a1)), (C, "Okay.", Some(c)), (A, "So, the balance.", Some(a2))]))
                .into_iter()
                .filter(|x| x.0 == "CD104")
                .collect::<Vec<_>>()
        };
        let got = share((0, 50_000), (50_000, 55_000), (55_000, 150_000));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1, 0);
        assert!(got[0].2.ends_with("the agent spoke 96% of the talk time (over 80%)"), "{got:?}");
        assert!(share((0, 50_000), (50_000, 55_000), (55_000, 100_000)).is_empty(), "a 100 s call");
        assert!(share((0, 40_000), (40_000, 100_000), (100_000, 150_000)).is_empty(), "60% agent");
    }

    #[test]
    fn monologues_survive_backchannels_but_not_holds() {
        let codes = |c: &Call| timing(c).into_iter().filter(|x| x.0 == "CD105").map(|x| x.1).collect::<Vec<_>>();
        assert_eq!(
            codes(&call(&[(A, "Let me explain.", Some((0, 75_000))), (C, "Okay.", Some((76_000, 77_000)))])),
            vec![0]
        );
        assert!(codes(&call(&[(A, "Let me explain.", Some((0, 45_000)))])).is_empty());
        let with_mm = call(&[
            (A, "Let me explain.", Some((0, 40_000))),
            (C, "Mm-hmm.", Some((40_000, 40_500))),
            (A, "Then the fees.", Some((40_500, 80_000))),
        ]);
        assert_eq!(codes(&with_mm), vec![0]);
        let with_hold =
            call(&[(A, "Let me check.", Some((0, 40_000))), (A, "Thanks for holding.", Some((50_000, 90_000)))]);
        assert!(codes(&with_hold).is_empty(), "a 10 s hold ends the stretch");
        let with_question = call(&[
            (A, "Let me explain.", Some((0, 40_000))),
            (C, "What does that mean for me?", Some((40_000, 42_000))),
            (A, "It means this.", Some((42_000, 80_000))),
        ]);
        assert!(codes(&with_question).is_empty(), "a real customer turn ends the stretch");
    }

    #[test]
    fn silences_are_measured_from_the_latest_end() {
        let codes = |c: &Call| timing(c).into_iter().filter(|x| x.0 == "CD106").map(|x| (x.1, x.2)).collect::<Vec<_>>();
        let got =
            codes(&call(&[(A, "Let me check.", Some((0, 3000))), (A, "Thanks for waiting.", Some((28_000, 30_000)))]));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 1);
        assert!(got[0].1.ends_with("25.0 s of silence before this turn"), "{got:?}");
        assert!(
            codes(&call(&[(A, "Let me check.", Some((0, 3000))), (A, "Thanks.", Some((13_000, 15_000)))])).is_empty()
        );
        // A long turn overlapping a short one: the gap counts from the later end.
        let overlapped = call(&[
            (C, "A long story.", Some((0, 30_000))),
            (A, "Mm-hmm.", Some((1000, 1500))),
            (C, "And so on.", Some((35_000, 36_000))),
        ]);
        assert!(codes(&overlapped).is_empty());
    }
}
