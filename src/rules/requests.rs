//! Ignored requests: the agent presses for payment after the customer asked to stop calling, said they have an
//! attorney or adviser, disputed the debt or asked for validation (FDCPA 1692c, 1692g(b); Reg F 1006.14(h);
//! CONC 7.9.4R, 7.14). Reported on the agent turn that pressed on, once per kind of request.

use super::{item, Analysis, Window};
use crate::call::Role;
use crate::finding::Category;

fn engine_for(c: Category) -> Option<&'static str> {
    Some(match c {
        Category::CeaseRequest => "ignored-cease-request",
        Category::Attorney => "ignored-attorney",
        Category::Dispute => "ignored-dispute",
        Category::ValidationRequest => "ignored-validation-request",
        _ => return None,
    })
}

/// Emit one ignored-request finding per kind of request that the agent pressed past.
pub fn apply(w: &Window<'_>, out: &mut Analysis) {
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
        let Some(rule) = engine_for(category).and_then(|e| w.rule(e)) else {
            continue;
        };
        let after: Vec<usize> = if turn == usize::MAX {
            (0..w.call.turns.len()).filter(|&i| w.call.turns[i].role == Role::Agent).collect()
        } else {
            w.agent_turns_after(turn).collect()
        };
        for a in after {
            let pressure =
                out.findings.iter().find(|f| f.turn == a && f.category == Category::Pressure).map(|f| (f.start, f.end));
            let ask = w.facts[a].signal("payment-ask").map(|s| (s.start, s.end));
            if let Some((s, e)) = pressure.or(ask) {
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
