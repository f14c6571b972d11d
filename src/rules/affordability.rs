//! Affordability before a plan (UK): an arrangement agreed with a customer in difficulty should rest on what they
//! can afford, found out by an income and expenditure check (the Standard Financial Statement) before the amount
//! is set (FCA CONC 7.3.4R forbearance and due consideration, CONC 7.3.10R no pressure to pay unreasonably large
//! amounts, Consumer Duty PRIN 2A.6).
//!
//! The plan is the first agent turn with a `plan-agreed` signal (a plan or amount set up or confirmed, not an
//! option offered); the check is an affordability credit (`GP305`) earlier in the call, or earlier in that turn.
//! A plan with a check before it is credited (`GP340`); the first plan without one, after a difficulty cue, is a
//! finding (`DI104`) on the plan's words. In a Breathing Space no plan should be set at all: that is `IR105`
//! (see [`super::requests`]), so `DI104` stays silent there.

use super::{item, Analysis, Window};
use crate::call::Role;
use crate::finding::Category;

/// Cue categories that mean the customer is in, or close to, financial difficulty.
fn difficulty(c: Category) -> bool {
    matches!(
        c,
        Category::Hardship | Category::Health | Category::Bereavement | Category::Distress | Category::Vulnerability
    )
}

/// Credit a plan agreed after an affordability check; flag the first plan agreed without one with a customer who
/// has said they are in difficulty.
pub fn apply(w: &Window<'_>, out: &mut Analysis) {
    let mut flag = w.rule("affordability-before-plan");
    // Known before the turn only, so that live mode never alerts a finding the rest of the call withdraws.
    let breathing_from = if w.call.account.breathing_space == Some(true) {
        Some(0)
    } else {
        super::requests::breathing_space_cue(w, out)
    };
    let mut credit = w.rule("affordability-checked-first");
    for t in (0..w.call.turns.len()).filter(|&t| w.call.turns[t].role == Role::Agent) {
        if flag.is_none() && credit.is_none() {
            return;
        }
        let Some(plan) = w.facts[t].signal("plan-agreed") else { continue };
        let in_breathing_space = breathing_from.is_some_and(|b| b <= t);
        let check = out.credits.iter().find(|c| {
            w.lex.rule(c.code).is_some_and(|r| r.name == "affordability")
                && (c.turn < t || (c.turn == t && c.end <= plan.start))
        });
        if let Some(c) = check {
            // Each is reported once: `take` leaves None behind.
            if let Some(rule) = credit.take() {
                let mut it = item(rule, w.call, t, plan.start, plan.end);
                it.note = Some(format!("affordability checked at turn {}", c.turn));
                out.credits.push(it);
            }
            continue;
        }
        let cue = out
            .cues
            .iter()
            .find(|q| q.turn < t && difficulty(q.category) && w.call.turns[q.turn].role == Role::Customer);
        if let (Some(q), Some(rule), false) = (cue, flag, in_breathing_space) {
            let mut it = item(rule, w.call, t, plan.start, plan.end);
            it.note = Some(format!(
                "{} cue at turn {}; no income and expenditure or affordability question before the plan",
                q.category, q.turn
            ));
            out.findings.push(it);
            flag = None;
        }
    }
}
