//! Disclosures and privacy on collection calls: identification early, the US mini-Miranda, right-party
//! verification before any debt detail, and no debt detail to a third party (FDCPA 1692b, 1692c(b), 1692d(6),
//! 1692e(11); Reg F 1006.18(e); CONC 7.9.7R, 7.9.10R).
//!
//! These are presence and order checks, so they run only on calls that are about a debt (a `collection-context`
//! or `payment-ask` signal somewhere): a support chat is not a collection call.

use super::{item, Analysis, Window};
use crate::call::Role;
use crate::finding::Category;

/// How many agent turns identification may take to arrive.
pub const IDENTIFY_WITHIN: usize = 3;

/// Emit disclosure and privacy findings.
pub fn apply(w: &Window<'_>, out: &mut Analysis) {
    let collection =
        w.facts.iter().any(|f| f.signal("collection-context").is_some() || f.signal("payment-ask").is_some());
    let agent_turns: Vec<usize> = (0..w.call.turns.len()).filter(|&i| w.call.turns[i].role == Role::Agent).collect();
    let Some(&first) = agent_turns.first() else {
        return;
    };
    if !collection {
        return;
    }
    let (fs, fe) = w.facts[first].first_sentence;
    let early: Vec<usize> = agent_turns.iter().copied().take(IDENTIFY_WITHIN).collect();
    if let Some(rule) = w.rule("missing-identification") {
        let identified = out.credits.iter().any(|c| c.category == Category::Identification && early.contains(&c.turn));
        if !identified {
            out.findings.push(item(rule, w.call, first, fs, fe));
        }
    }
    if let Some(rule) = w.rule("missing-mini-miranda") {
        let given = out.credits.iter().any(|c| w.lex.rule(c.code).is_some_and(|r| r.name == "mini-miranda"));
        if !given {
            out.findings.push(item(rule, w.call, first, fs, fe));
        }
    }
    // A third-party disclosure is the more specific finding; the same turn is not also a verification slip.
    third_party(w, out);
    verification_first(w, out, &agent_turns);
    signposting(w, out, first, (fs, fe));
}

/// UK: a customer in difficulty should hear about free, independent debt advice (CONC 7.3.5G forbearance, and the
/// FCA's expectation that firms signpost MoneyHelper, StepChange, National Debtline, Citizens Advice), unless
/// they already have a debt adviser.
fn signposting(w: &Window<'_>, out: &mut Analysis, first: usize, (fs, fe): (usize, usize)) {
    let Some(rule) = w.rule("signposting-missing") else { return };
    let difficulty = out.cues.iter().any(|c| {
        matches!(
            c.category,
            Category::Hardship
                | Category::Health
                | Category::Distress
                | Category::Vulnerability
                | Category::Bereavement
        ) && w.call.turns[c.turn].role == Role::Customer
    });
    let signposted = out.credits.iter().any(|c| c.category == Category::Signposting);
    // A customer who already has a debt adviser (a Breathing Space is always started by one) has the advice.
    let advised = super::requests::in_breathing_space(w, out)
        || out.cues.iter().any(|c| {
            w.call.turns[c.turn].role == Role::Customer && w.lex.rule(c.code).is_some_and(|r| r.name == "debt-adviser")
        });
    if difficulty && !signposted && !advised {
        out.findings.push(item(rule, w.call, first, fs, fe));
    }
}

/// A debt detail in an agent turn before the customer has answered a verification question.
fn verification_first(w: &Window<'_>, out: &mut Analysis, agent_turns: &[usize]) {
    let Some(rule) = w.rule("verification-first") else {
        return;
    };
    let verified_by = |d: usize| {
        out.credits.iter().any(|c| {
            c.category == Category::Verification
                && c.turn < d
                && (c.turn + 1..d).any(|t| w.call.turns[t].role == Role::Customer)
        })
    };
    for &a in agent_turns {
        if let Some(s) = w.facts[a].signal("debt-detail") {
            let already = out.findings.iter().any(|f| f.turn == a && f.category == Category::Privacy);
            if !verified_by(a) && !already {
                out.findings.push(item(rule, w.call, a, s.start, s.end));
            }
            return;
        }
    }
}

/// A debt detail said after a third party came on the line (a `third-party` cue or a speaker with role
/// `other`), before verification of the right party again.
fn third_party(w: &Window<'_>, out: &mut Analysis) {
    let Some(rule) = w.rule("third-party-disclosure") else {
        return;
    };
    let mut since: Option<usize> = None;
    for (t, turn) in w.call.turns.iter().enumerate() {
        let third =
            turn.role == Role::Other || out.cues.iter().any(|c| c.turn == t && c.category == Category::ThirdParty);
        if third {
            since = Some(t);
            continue;
        }
        match turn.role {
            Role::Customer => {
                // A customer turn that follows a verification question re-establishes the right party.
                if since.is_some_and(|s| {
                    out.credits.iter().any(|c| c.category == Category::Verification && c.turn > s && c.turn < t)
                }) {
                    since = None;
                }
            }
            Role::Agent => {
                if let (Some(_), Some(s)) = (since, w.facts[t].signal("debt-detail")) {
                    out.findings.push(item(rule, w.call, t, s.start, s.end));
                    return;
                }
            }
            Role::Other => {}
        }
    }
}
