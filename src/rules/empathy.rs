//! Missed empathy: a customer cue that calls for acknowledgement and gets none in the agent's next turn (or the
//! next two, when the first is only a filler such as "okay, one moment").
//!
//! Three codes, one per way it goes wrong, each reported on the customer's cue turn as the contract says:
//! `missed-empathy` (no acknowledgement), `empathy-then-pressure` (a formula such as "I understand, but..."
//! run straight into a demand), `demand-after-cue` (the answer to distress was a demand for payment).

use super::{item, Analysis, Window};
use crate::call::Role;
use crate::finding::{Category, Kind};

/// The agent turns that count as the response to a cue at turn `t`: the next one, and the one after when the
/// first is a filler.
pub fn response_turns(w: &Window<'_>, t: usize) -> Vec<usize> {
    let mut it = w.agent_turns_after(t);
    let Some(a1) = it.next() else {
        return Vec::new();
    };
    // A customer may speak twice in a row; the agent's next turn answers both.
    if w.facts[a1].is_filler() {
        match it.next() {
            Some(a2) => vec![a1, a2],
            None => vec![a1],
        }
    } else {
        vec![a1]
    }
}

/// Which credit categories acknowledge a cue of this category.
fn acknowledges(cue: Category, credit: Category) -> bool {
    use Category::*;
    match cue {
        Hardship | Health | Bereavement | Distress | Vulnerability | Anger => {
            matches!(credit, Empathy | Reassurance)
        }
        CeaseRequest | Attorney | Dispute | ValidationRequest => {
            matches!(credit, Rights | Reassurance | Empathy)
        }
        Confusion => matches!(credit, Identification | Rights | Reassurance | Recap | Empathy),
        Allegation => matches!(credit, Empathy | Courtesy | Rights | Reassurance),
        ThirdParty => matches!(credit, Courtesy | Verification | Identification | Rights),
        _ => false,
    }
}

/// Agreement ("yes, absolutely") affirms the customer only when it opens the agent's reply to something the
/// customer said: not an answer to their question, not a "yes" later in the turn, not a preface to a question
/// ("yes. how are you managing?") or to advice ("yes, you should..."), not a run-up to a demand.
pub fn agreement(w: &Window<'_>, out: &mut Analysis) {
    let keep = |c: &crate::finding::Item| {
        if w.lex.rule(c.code).is_none_or(|r| r.name != "agreement") {
            return true;
        }
        let Some(prev) = c.turn.checked_sub(1) else { return false };
        let said = &w.call.turns[prev];
        let ends_in_question =
            |text: &str| text.trim_end_matches(|ch: char| !ch.is_alphanumeric() && ch != '?').ends_with('?');
        // Any question in the customer's turn ("could we do it by email? I'd rather...") is what a "yes" answers.
        let question = said.text.contains('?') || ends_in_question(&w.call.turns[c.turn].text);
        let facts = &w.facts[c.turn];
        let demand_after = facts.signal("payment-ask").is_some_and(|s| s.start >= c.end)
            || out.findings.iter().any(|f| {
                f.turn == c.turn && f.start >= c.end && matches!(f.category, Category::Pressure | Category::Abuse)
            });
        // "Yes, you should..." agrees only to lead into advice.
        let advice_after = ["style-obligation", "style-imperative", "style-suggestion"]
            .iter()
            .any(|name| facts.signals_named(name).any(|s| s.start >= c.end));
        said.role == Role::Customer
            && !question
            && !advice_after
            && c.start < facts.first_sentence.1
            && !demand_after
            && facts.voided_empathy.is_empty()
    };
    let credits = std::mem::take(&mut out.credits);
    out.credits = credits.into_iter().filter(|c| keep(c)).collect();
}

/// An apology that answers a customer's difficulty is sympathy ("I'm so sorry" after "my mum died"), not an
/// apology for a mistake: credit it as empathy too. Runs before acknowledgement is decided.
pub fn sympathy(w: &Window<'_>, out: &mut Analysis) {
    let Some(rule) = w.rule("sympathy") else { return };
    let mut add = Vec::new();
    for c in out.credits.iter().filter(|c| c.category == Category::Courtesy) {
        if w.lex.rule(c.code).is_none_or(|r| r.name != "apology") {
            continue;
        }
        let Some(prev) = (0..c.turn).rev().find(|&t| w.call.turns[t].role != Role::Agent) else { continue };
        let difficulty = out.cues.iter().any(|q| q.turn == prev && q.category.wants_empathy());
        let already = out.credits.iter().any(|x| x.turn == c.turn && x.category == Category::Empathy);
        // "Sorry, but you need to pay today" is a run-up to a demand, as formulaic empathy is.
        let demand_after = out.findings.iter().any(|f| {
            f.turn == c.turn && f.start >= c.end && matches!(f.category, Category::Pressure | Category::Abuse)
        }) || w.facts[c.turn].signal("payment-ask").is_some_and(|s| s.start >= c.end);
        if difficulty && !already && !demand_after && w.facts[c.turn].voided_empathy.is_empty() {
            let mut it = item(rule, w.call, c.turn, c.start, c.end);
            it.note = Some(format!("apology answering a {} cue at turn {prev}", cue_category(out, prev)));
            add.push(it);
        }
    }
    out.credits.extend(add);
}

fn cue_category(out: &Analysis, turn: usize) -> String {
    out.cues
        .iter()
        .find(|q| q.turn == turn && q.category.wants_empathy())
        .map(|q| q.category.to_string())
        .unwrap_or_default()
}

/// Mark each cue acknowledged or not, and emit missed-empathy findings.
pub fn apply(w: &Window<'_>, out: &mut Analysis) {
    let mut missed_turns: Vec<usize> = Vec::new();
    for ci in 0..out.cues.len() {
        let (turn, category) = (out.cues[ci].turn, out.cues[ci].category);
        let resp = response_turns(w, turn);
        // Voided empathy credits are not in `out.credits`, so a formula run into a demand never acknowledges.
        let ack = resp
            .iter()
            .copied()
            .find(|&a| out.credits.iter().any(|c| c.turn == a && acknowledges(category, c.category)));
        out.cues[ci].acknowledged = Some(ack.is_some());
        out.cues[ci].acknowledged_at = ack;
        if ack.is_some() || !category.wants_empathy() || resp.is_empty() || missed_turns.contains(&turn) {
            continue;
        }
        if w.call.turns[turn].role != Role::Customer {
            continue;
        }
        // A formula run into a demand: voided empathy, or "I'm sorry about that, but I need a payment".
        let voided = resp.iter().any(|&a| {
            !w.facts[a].voided_empathy.is_empty()
                || out.credits.iter().any(|c| {
                    c.turn == a
                        && w.lex.rule(c.code).is_some_and(|r| r.name == "apology")
                        && (w.facts[a].signal("payment-ask").is_some_and(|s| s.start >= c.end)
                            || out
                                .findings
                                .iter()
                                .any(|f| f.turn == a && f.start >= c.end && f.category == Category::Pressure))
                })
        });
        let demand = resp.iter().any(|&a| {
            w.facts[a].signal("payment-ask").is_some()
                || out.findings.iter().any(|f| {
                    f.turn == a
                        && f.kind() == Kind::Finding
                        && matches!(f.category, Category::Pressure | Category::Abuse)
                })
        });
        let engine = if voided {
            "empathy-then-pressure"
        } else if demand {
            "demand-after-cue"
        } else {
            "missed-empathy"
        };
        let Some(rule) = w.rule(engine) else { continue };
        let cue = &out.cues[ci];
        let mut f = item(rule, w.call, turn, cue.start, cue.end);
        f.note = Some(format!("{} cue; agent's response at turn {}", category, resp[0]));
        out.findings.push(f);
        missed_turns.push(turn);
    }
}
