//! The text report: the transcript with flagged spans marked, and under each turn its findings with message, tip
//! and a better phrasing. Colour only when asked (the CLI asks when stdout is a terminal); without colour, spans
//! are marked «like this» so the report reads the same in a log file.

use std::io::{self, Write};

use super::Report;
use crate::finding::{Item, Kind, Severity};

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn severity(&self, sev: Option<Severity>) -> &'static str {
        match sev {
            Some(Severity::Critical) => "1;31",
            Some(Severity::High) => "31",
            Some(Severity::Medium) => "33",
            _ => "36",
        }
    }
}

/// Write one call's text report.
///
/// # Errors
/// Writing failed.
pub fn write(w: &mut dyn Write, r: &Report<'_>, color: bool) -> io::Result<()> {
    let st = Style { color };
    let a = r.analysis;
    let s = &a.score;
    let src = r.call.source.as_ref().map(ToString::to_string).unwrap_or_default();
    writeln!(w, "{}  {}  (profile {})", st.paint("1", &r.call.id), src, a.profile)?;
    if let Some(note) = &r.call.role_note {
        writeln!(w, "role_note: {note}")?;
    }
    writeln!(
        w,
        "score {}/100  respect {}  honesty {}  empathy {}  collaboration {}  compliance {}",
        st.paint("1", &s.overall.to_string()),
        s.respect,
        s.honesty,
        s.empathy,
        s.collaboration,
        s.compliance
    )?;
    let counted = a.findings.iter().filter(|f| !f.accepted).count();
    if let Some(worst) =
        a.findings.iter().filter(|f| !f.accepted).max_by_key(|f| (f.severity, std::cmp::Reverse(f.turn)))
    {
        writeln!(
            w,
            "worst moment: turn {} ({} {}): {}",
            worst.turn,
            worst.severity.map(Severity::as_str).unwrap_or(""),
            worst.code,
            worst.message
        )?;
    }
    writeln!(w, "{} findings, {} customer cues, {} credits", counted, a.cues.len(), a.credits.len())?;
    for (ti, turn) in r.call.turns.iter().enumerate() {
        let items: Vec<&Item> =
            a.findings.iter().chain(a.cues.iter()).chain(a.credits.iter()).filter(|i| i.turn == ti).collect();
        writeln!(w)?;
        let marked = mark(&turn.text, &items, &st);
        let who = format!("[{ti}] {}", turn.role);
        let speaker = if turn.speaker.eq_ignore_ascii_case(turn.role.as_str()) {
            String::new()
        } else {
            format!(" ({})", turn.speaker)
        };
        writeln!(w, "{}{speaker}: {marked}", st.paint("2", &who))?;
        for i in items {
            let rule = r.lex.rule(i.code);
            match i.kind() {
                Kind::Finding => {
                    let sev = i.severity.map(Severity::as_str).unwrap_or("");
                    let head = format!("! {} {sev} {}", i.code, i.category);
                    let accepted = if i.accepted { " (accepted)" } else { "" };
                    writeln!(w, "    {}: {}{accepted}", st.paint(st.severity(i.severity), &head), i.message)?;
                    if !i.text.is_empty() {
                        writeln!(w, "      said: \"{}\"", i.text)?;
                    }
                    if let Some(r) = rule {
                        if !r.tip.is_empty() {
                            writeln!(w, "      tip: {}", r.tip)?;
                        }
                        if !r.better.is_empty() {
                            writeln!(w, "      try: \"{}\"", r.better)?;
                        }
                        if !r.regulation.is_empty() {
                            writeln!(w, "      see: {}", r.regulation.join("; "))?;
                        }
                    }
                    if let Some(n) = &i.note {
                        writeln!(w, "      note: {n}")?;
                    }
                }
                Kind::Cue => {
                    let ack = match (i.acknowledged, i.acknowledged_at) {
                        (Some(true), Some(t)) => format!("acknowledged at turn {t}"),
                        (Some(false), _) => "not acknowledged".to_owned(),
                        _ => String::new(),
                    };
                    let head = format!("? {} {}", i.code, i.category);
                    writeln!(w, "    {}: \"{}\" {ack}", st.paint("35", &head), i.text)?;
                }
                Kind::Credit => {
                    let head = format!("+ {} {}", i.code, i.category);
                    writeln!(w, "    {}: \"{}\"", st.paint("32", &head), i.text)?;
                }
            }
        }
    }
    writeln!(w)?;
    Ok(())
}

/// The turn text with finding spans marked (credits and cues are listed under the turn, not marked).
fn mark(text: &str, items: &[&Item], st: &Style) -> String {
    let mut spans: Vec<(usize, usize, Option<Severity>)> = items
        .iter()
        .filter(|i| i.kind() == Kind::Finding && i.end > i.start && i.end <= text.len())
        .map(|i| (i.start, i.end, i.severity))
        .collect();
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for (s, e, sev) in spans {
        if s < at || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        out.push_str(&text[at..s]);
        if st.color {
            out.push_str(&st.paint(&format!("4;{}", st.severity(sev)), &text[s..e]));
        } else {
            out.push('«');
            out.push_str(&text[s..e]);
            out.push('»');
        }
        at = e;
    }
    out.push_str(&text[at..]);
    out
}
