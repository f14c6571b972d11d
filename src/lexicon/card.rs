//! Rule cards rendered for people: the `rules` table, `explain CODE`, the JSON catalog and `docs/RULES.md`.
//! All four come from the loaded lexicon, so the docs cannot drift from the rules (a test compares them).

use std::fmt::Write as _;

use serde::Serialize;

use super::{Lexicon, Rule};

/// One rule's card as JSON.
#[derive(Serialize)]
pub struct CardOut<'a> {
    code: &'a str,
    name: &'a str,
    category: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'static str>,
    summary: &'a str,
    why: &'a str,
    regulation: &'a [String],
    tip: &'a str,
    better: &'a str,
    profiles: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    engine: Option<&'a str>,
    phrases: usize,
    examples: Vec<ExampleOut<'a>>,
}

#[derive(Serialize)]
struct ExampleOut<'a> {
    turns: &'a [String],
    expect: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

fn kind_name(r: &Rule) -> &'static str {
    match r.kind() {
        crate::finding::Kind::Finding => "finding",
        crate::finding::Kind::Cue => "cue",
        crate::finding::Kind::Credit => "credit",
    }
}

/// The JSON card of a rule.
pub fn card(r: &Rule) -> CardOut<'_> {
    CardOut {
        code: r.code,
        name: &r.name,
        category: r.category.as_str(),
        kind: kind_name(r),
        severity: r.severity.map(|s| s.as_str()),
        summary: &r.summary,
        why: &r.why,
        regulation: &r.regulation,
        tip: &r.tip,
        better: &r.better,
        profiles: &r.profiles,
        engine: r.engine.as_deref(),
        phrases: r.phrases.len() + r.patterns.len(),
        examples: r
            .examples
            .iter()
            .map(|e| ExampleOut { turns: &e.turns, expect: &e.expect, note: e.note.as_deref() })
            .collect(),
    }
}

/// Rules sorted by code.
pub fn sorted(lex: &Lexicon) -> Vec<&Rule> {
    let mut v: Vec<&Rule> = lex.rules.iter().collect();
    v.sort_by_key(|r| r.code);
    v
}

/// The catalog as a plain table.
pub fn table(lex: &Lexicon) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{:<6} {:<16} {:<9} {:<30} summary", "code", "category", "severity", "name");
    for r in sorted(lex) {
        let sev = r.severity.map(|s| s.as_str()).unwrap_or(kind_name(r));
        let _ = writeln!(s, "{:<6} {:<16} {:<9} {:<30} {}", r.code, r.category.as_str(), sev, r.name, r.summary);
    }
    s
}

fn profiles(r: &Rule) -> String {
    if r.profiles.is_empty() {
        "all".to_owned()
    } else {
        r.profiles.join(", ")
    }
}

/// The linear scorer's weights on one feature (a rule code or a signal), for `callcoach explain`; empty when the
/// feature has none.
pub fn explain_feature(lex: &super::Lexicon, feature: &str) -> String {
    let mut s = String::new();
    for w in lex.weights_of(feature) {
        let _ = writeln!(
            s,
            "\nWeight\n  {:+} {} points when present in every agent turn, in proportion otherwise; the call's \
             weighed points are rounded once, in total ({})",
            w.weight, w.score, w.origin
        );
    }
    if let Some(sig) = lex.signals.iter().find(|x| x.name == feature) {
        let _ = writeln!(s, "\nPhrases\n  {}", sig.phrases.join("\n  "));
    }
    s
}

/// One rule explained, in the sections ruff and clippy use.
pub fn explain(r: &Rule) -> String {
    let mut s = String::new();
    let sev = r.severity.map(|s| format!(", severity {s}")).unwrap_or_default();
    let _ = writeln!(s, "{} {} ({} {}{sev}; profiles: {})", r.code, r.name, r.category, kind_name(r), profiles(r));
    let _ = writeln!(s, "\nWhat it flags\n  {}", r.summary);
    if !r.why.is_empty() {
        let _ = writeln!(s, "\nWhy it matters\n  {}", r.why);
    }
    if !r.regulation.is_empty() {
        let _ = writeln!(s, "\nRegulation\n  {}", r.regulation.join("\n  "));
    }
    if let Some(p) = r.points {
        let _ = writeln!(s, "\nScore\n  {p:+} points per item (set on the rule card; see docs/SCORING.md)");
    }
    if !r.tip.is_empty() {
        let _ = writeln!(s, "\nCoaching tip\n  {}", r.tip);
    }
    if !r.better.is_empty() {
        let _ = writeln!(s, "\nBetter\n  \"{}\"", r.better);
    }
    let (flagged, traps): (Vec<_>, Vec<_>) =
        r.examples.iter().partition(|e| e.expect.iter().any(|x| x.starts_with(r.code)));
    for (title, list) in [("Flagged", flagged), ("Not flagged (traps)", traps)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{title}");
        for e in list {
            let note = e.note.as_deref().map(|n| format!(" [{n}]")).unwrap_or_default();
            let _ = writeln!(s, "  -{note} {}", e.turns.join(" / "));
            if !e.expect.is_empty() {
                let _ = writeln!(s, "      -> {}", e.expect.join(", "));
            }
        }
    }
    if let Some(e) = &r.engine {
        let what = if super::TEMPLATE_ENGINES.contains(&e.as_str()) {
            "run by `callcoach lint` on email and SMS templates"
        } else {
            "a conversation rule in src/rules/"
        };
        let _ = writeln!(s, "\nEngine\n  {e} ({what})");
    } else {
        let _ =
            writeln!(s, "\nPhrases\n  {} phrases and {} patterns in {}", r.phrases.len(), r.patterns.len(), r.origin);
    }
    s
}

/// `docs/RULES.md`.
pub fn markdown(lex: &Lexicon) -> String {
    let mut s = String::from(
        "# Rule catalog\n\nGenerated by `callcoach rules --format markdown` from `lexicons/`; do not edit by hand \
         (a test checks that this file is current).\n\nFlags are coaching prompts for review, never legal verdicts.\n\n\
         | code | name | category | severity | profiles | summary |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    let rules = sorted(lex);
    for r in &rules {
        let sev = r.severity.map(|s| s.as_str()).unwrap_or(kind_name(r));
        let _ = writeln!(
            s,
            "| [{}](#{}) | {} | {} | {} | {} | {} |",
            r.code,
            r.code.to_lowercase(),
            r.name,
            r.category,
            sev,
            profiles(r),
            r.summary.replace('|', "\\|")
        );
    }
    for r in &rules {
        let _ = writeln!(s, "\n## {}\n\n```text\n{}```", r.code, explain(r));
    }
    s
}
