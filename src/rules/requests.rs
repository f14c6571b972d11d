//! Ignored requests: the agent presses for payment after the customer asked to stop calling, said they have an
//! attorney or adviser, disputed the debt or asked for validation (FDCPA 1692c, 1692g(b); Reg F 1006.14(h);
//! CONC 7.9.4R, 7.14). Reported on the agent turn that pressed on, once per kind of request.
//!
//! Breathing Space (UK) is a request with the force of law: once the customer says the debt is in a moratorium,
//! or the account records one, contact seeking payment must stop (The Debt Respite Scheme (Breathing Space
//! Moratorium and Mental Health Crisis Moratorium) (England and Wales) Regulations 2020). Collection after it is
//! `IR105`; the agent acknowledging it and saying collection pauses, with no collection after, is credited
//! (`GP341`).

use super::{item, Analysis, Window};
use crate::call::Role;
use crate::finding::{Category, Severity};

fn engine_for(c: Category) -> Option<&'static str> {
    Some(match c {
        Category::CeaseRequest => "ignored-cease-request",
        Category::Attorney => "ignored-attorney",
        Category::Dispute => "ignored-dispute",
        Category::ValidationRequest => "ignored-validation-request",
        _ => return None,
    })
}

/// Where collection shows in agent turn `a`: a pressure finding, a payment ask, or (with `plans`) a plan set up.
fn collection_in(w: &Window<'_>, out: &Analysis, a: usize, plans: bool) -> Option<(usize, usize)> {
    let pressure =
        out.findings.iter().find(|f| f.turn == a && f.category == Category::Pressure).map(|f| (f.start, f.end));
    let ask = || w.facts[a].signal("payment-ask").map(|s| (s.start, s.end));
    let plan = || w.facts[a].signal("plan-agreed").filter(|_| plans).map(|s| (s.start, s.end));
    pressure.or_else(ask).or_else(plan)
}

/// Whether the debt is in Breathing Space: the account records it or the customer said so.
pub fn in_breathing_space(w: &Window<'_>, out: &Analysis) -> bool {
    w.call.account.breathing_space == Some(true) || breathing_space_cue(w, out).is_some()
}

/// The customer turn where the customer says the debt is in Breathing Space: an insolvency cue over words that
/// name the scheme ("I'm in breathing space", not "I need a bit of breathing space").
pub fn breathing_space_cue(w: &Window<'_>, out: &Analysis) -> Option<usize> {
    out.cues
        .iter()
        .filter(|c| c.category == Category::Vulnerability && w.call.turns[c.turn].role == Role::Customer)
        .find(|c| w.facts[c.turn].signals_named("breathing-space").any(|s| s.start < c.end && c.start < s.end))
        .map(|c| c.turn)
}

/// Breathing Space: flag the first collection after the customer said so (or from the start, when the account
/// records it), or credit the agent who said collection pauses. Returns the customer turn of the disclosure when
/// collection after it was flagged.
fn breathing_space(w: &Window<'_>, out: &mut Analysis) -> Option<usize> {
    let said = breathing_space_cue(w, out);
    let on_file = w.call.account.breathing_space == Some(true);
    if said.is_none() && !on_file {
        return None;
    }
    let after: Vec<usize> = match said {
        Some(t) if !on_file => w.agent_turns_after(t).collect(),
        _ => (0..w.call.turns.len()).filter(|&i| w.call.turns[i].role == Role::Agent).collect(),
    };
    if let Some(rule) = w.rule("breathing-space") {
        if let Some((a, (s, e))) = after.iter().find_map(|&a| collection_in(w, out, a, true).map(|x| (a, x))) {
            let mut f = item(rule, w.call, a, s, e);
            if on_file {
                // The creditor has been notified: contact seeking payment now breaches the moratorium outright.
                f.severity = Some(Severity::Critical);
                f.message = format!("{} (the account records a Breathing Space)", rule.summary);
                f.note = Some("Breathing Space on file for this account: severity critical".into());
            } else {
                f.note = Some(format!("Breathing Space disclosed at turn {}", said.unwrap_or_default()));
            }
            out.findings.push(f);
            return said;
        }
    }
    // Not flagged: collection paused, or nothing was asked for.
    if let Some(rule) = w.rule("breathing-space-honoured") {
        if let Some((a, s)) = after.iter().find_map(|&a| w.facts[a].signal("collection-paused").map(|s| (a, *s))) {
            let mut c = item(rule, w.call, a, s.start, s.end);
            c.note = Some(match said {
                Some(t) => format!("Breathing Space disclosed at turn {t}"),
                None => "Breathing Space on file for this account".into(),
            });
            out.credits.push(c);
        }
    }
    None
}

/// Emit one ignored-request finding per kind of request that the agent pressed past.
pub fn apply(w: &Window<'_>, out: &mut Analysis) {
    let breathing = breathing_space(w, out);
    let mut done: Vec<Category> = Vec::new();
    let requests: Vec<(usize, Category)> = out
        .cues
        .iter()
        .filter(|c| c.category.is_request() && w.call.turns[c.turn].role == Role::Customer)
        .map(|c| (c.turn, c.category))
        .collect();
    // Facts on the account are standing requests from before the call: an attorney on file (FDCPA 1692c(a)(2))
    // or a written cease (1692c(c)) make any collection on this call pressing past a request.
    let mut requests = requests;
    if w.call.account.attorney_on_file == Some(true) {
        requests.insert(0, (usize::MAX, Category::Attorney));
    }
    if w.call.account.cease_on_file == Some(true) {
        requests.insert(0, (usize::MAX, Category::CeaseRequest));
    }
    for (turn, category) in requests {
        if done.contains(&category) {
            continue;
        }
        // "My adviser put me in breathing space" is one request: the Breathing Space finding is the specific one.
        if category == Category::Attorney && breathing == Some(turn) {
            continue;
        }
        let Some(rule) = engine_for(category).and_then(|e| w.rule(e)) else {
            continue;
        };
        let after: Vec<usize> = if turn == usize::MAX {
            (0..w.call.turns.len()).filter(|&i| w.call.turns[i].role == Role::Agent).collect()
        } else {
            w.agent_turns_after(turn).collect()
        };
        for a in after {
            if let Some((s, e)) = collection_in(w, out, a, false) {
                let mut f = item(rule, w.call, a, s, e);
                f.note = Some(if turn == usize::MAX {
                    format!("{category} on file for this account")
                } else {
                    format!("{category} at turn {turn}")
                });
                out.findings.push(f);
                done.push(category);
                break;
            }
        }
    }
}
