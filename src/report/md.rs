//! The Markdown report: the same content as the HTML page, for tickets and chats. Score and worst moment first,
//! then every finding with its tip, better phrasing and regulation, the customer cues and credits, and the
//! transcript with flagged spans in bold.
//!
//! Transcript text is untrusted: Markdown punctuation is backslash-escaped and `<`, `>` and `&` become entities,
//! so a transcript can neither format the report nor inject HTML into a renderer that allows it.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::html::{clock, severity_icon, worst_moment};
use super::Report;
use crate::finding::{Item, Kind, Severity};
use crate::score::Subscore;

/// Escape text for Markdown: backslash before punctuation Markdown gives meaning to, entities for HTML
/// characters, and line breaks folded into spaces so one turn stays one paragraph.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Only what formats mid-line: every escaped text sits after our own prefix, never at a line start,
            // so `#`, `-`, `+` and `1.` cannot start a heading or list; fewer backslashes read better in chats.
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Transcript text for Markdown: escaped, with redaction placeholders set in code spans so they read as
/// placeholders, not words (escaping turned `[card]` into `\[card\]`).
fn text(s: &str) -> String {
    let mut out = esc(s);
    if out.contains("\\[") {
        for k in crate::redact::Kind::ALL {
            let ph = k.placeholder();
            let escaped = format!("\\[{}\\]", &ph[1..ph.len() - 1]);
            if out.contains(&escaped) {
                out = out.replace(&escaped, &format!("`{ph}`"));
            }
        }
    }
    out
}

fn sev(s: Option<Severity>) -> String {
    format!("{} {}", severity_icon(s), s.map(Severity::as_str).unwrap_or("info"))
}

/// Write one call's Markdown report.
///
/// # Errors
/// Writing failed.
pub fn write(w: &mut dyn Write, r: &Report<'_>) -> io::Result<()> {
    let mut p = String::with_capacity(8 * 1024);
    render(&mut p, r);
    w.write_all(p.as_bytes())
}

fn render(p: &mut String, r: &Report<'_>) {
    let call = r.call;
    let a = r.analysis;
    let s = &a.score;
    let _ = writeln!(p, "## Call {} \u{2014} {}/100\n", esc(&call.id), s.overall);
    let mut meta = Vec::new();
    if let Some(x) = &call.agent_id {
        meta.push(format!("agent **{}**", esc(x)));
    }
    if let Some(x) = &call.started_at {
        meta.push(format!("started {}", esc(x)));
    }
    meta.push(format!("profile {}", esc(&a.profile)));
    if let Some(src) = &call.source {
        meta.push(format!("source {}", esc(&src.to_string())));
    }
    meta.push(format!("{} turns", call.turns.len()));
    let _ = writeln!(p, "{}\n", meta.join(" \u{b7} "));
    p.push_str(
        "| overall | respect | honesty | empathy | collaboration | compliance |\n|---:|---:|---:|---:|---:|---:|\n",
    );
    let _ = write!(p, "| **{}** ", s.overall);
    for k in Subscore::ALL {
        let _ = write!(p, "| {} ", s.get(k));
    }
    p.push_str("|\n\n");
    match worst_moment(&a.findings) {
        Some(f) => {
            let when =
                call.turns.get(f.turn).and_then(|t| t.start_ms).map(|m| format!(", {}", clock(m))).unwrap_or_default();
            let _ = writeln!(
                p,
                "> **Worst moment** (turn {}{when}): {} `{}` {}: {}",
                f.turn,
                sev(f.severity),
                f.code,
                f.category,
                esc(&f.message)
            );
            if !f.text.is_empty() {
                let _ = writeln!(p, ">\n> \u{201c}{}\u{201d}", esc(&f.text));
            }
            p.push('\n');
        }
        None => p.push_str("> **Worst moment:** none \u{2014} no findings in this call.\n\n"),
    }
    findings(p, r);
    if !a.cues.is_empty() {
        let _ = writeln!(p, "### Customer cues ({})\n", a.cues.len());
        for c in &a.cues {
            let ack = match (c.acknowledged, c.acknowledged_at) {
                (Some(true), Some(t)) => format!("\u{2713} acknowledged at turn {t}"),
                (Some(true), None) => "\u{2713} acknowledged".to_owned(),
                (Some(false), _) => "\u{2717} **not acknowledged**".to_owned(),
                (None, _) => String::new(),
            };
            let _ =
                writeln!(p, "- turn {}: `{}` {} \u{201c}{}\u{201d} {ack}", c.turn, c.code, c.category, esc(&c.text));
        }
        p.push('\n');
    }
    if !a.credits.is_empty() {
        let _ = writeln!(p, "### Credits ({})\n", a.credits.len());
        for c in &a.credits {
            let _ =
                writeln!(p, "- turn {}: \u{2713} `{}` {} \u{201c}{}\u{201d}", c.turn, c.code, c.category, esc(&c.text));
        }
        p.push('\n');
    }
    transcript(p, r);
    p.push_str("_Flags are coaching prompts for review with the agent, never legal verdicts._\n\n---\n\n");
}

fn findings(p: &mut String, r: &Report<'_>) {
    let a = r.analysis;
    if a.findings.is_empty() {
        return;
    }
    let mut order: Vec<&Item> = a.findings.iter().collect();
    order.sort_by_key(|f| (f.accepted, std::cmp::Reverse(f.severity), f.turn));
    let _ = writeln!(p, "### Findings ({})\n", a.findings.len());
    for f in order {
        let accepted = if f.accepted { " _(accepted: not scored)_" } else { "" };
        let _ = writeln!(
            p,
            "- **{}** `{}` {}, turn {}: {}{accepted}",
            sev(f.severity),
            f.code,
            f.category,
            f.turn,
            esc(&f.message)
        );
        if !f.text.is_empty() {
            let _ = writeln!(p, "  - said: \u{201c}{}\u{201d}", esc(&f.text));
        }
        if let Some(rule) = r.lex.rule(f.code) {
            if !rule.tip.is_empty() {
                let _ = writeln!(p, "  - tip: {}", esc(&rule.tip));
            }
            if !rule.better.is_empty() {
                let _ = writeln!(p, "  - try: _\u{201c}{}\u{201d}_", esc(&rule.better));
            }
            if !rule.regulation.is_empty() {
                let _ = writeln!(p, "  - regulation: {}", esc(&rule.regulation.join("; ")));
            }
        }
        if let Some(n) = &f.note {
            let _ = writeln!(p, "  - note: {}", esc(n));
        }
    }
    p.push('\n');
}

/// The transcript: one line per turn, finding spans in bold with the code after them.
fn transcript(p: &mut String, r: &Report<'_>) {
    p.push_str("### Transcript\n\n");
    for (ti, t) in r.call.turns.iter().enumerate() {
        let spans: Vec<&Item> = r
            .analysis
            .findings
            .iter()
            .filter(|f| f.turn == ti && f.kind() == Kind::Finding)
            .filter(|f| f.start < f.end && f.end <= t.text.len())
            .filter(|f| t.text.is_char_boundary(f.start) && t.text.is_char_boundary(f.end))
            .collect();
        let mut sorted = spans.clone();
        sorted.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
        let mut body = String::with_capacity(t.text.len() + 32);
        let mut at = 0;
        for f in sorted {
            // Overlapping findings: the first one marks the text, later ones only add their code.
            if f.start < at {
                let _ = write!(body, " `{}`", f.code);
                continue;
            }
            body.push_str(&text(&t.text[at..f.start]));
            let _ = write!(body, "**{}** `{}`", text(&t.text[f.start..f.end]), f.code);
            at = f.end;
        }
        body.push_str(&text(&t.text[at.min(t.text.len())..]));
        let when = t.start_ms.map(|m| format!(" {}", clock(m))).unwrap_or_default();
        let speaker = if t.speaker.eq_ignore_ascii_case(t.role.as_str()) {
            String::new()
        } else {
            format!(" ({})", esc(&t.speaker))
        };
        let flag = if spans.is_empty() { "" } else { " \u{26a0}" };
        let _ = writeln!(p, "**[{ti}] {}**{speaker}{when}{flag}: {}\n", t.role, body.trim());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_and_html() {
        assert_eq!(esc("*hi* <b>[x](y)</b>"), "\\*hi\\* &lt;b&gt;\\[x\\](y)&lt;/b&gt;");
        assert_eq!(esc("a\nb|c"), "a b\\|c");
        assert_eq!(text("my card is [card], [x]"), "my card is `[card]`, \\[x\\]");
    }
}
