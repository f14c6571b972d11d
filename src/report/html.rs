//! The HTML report: one self-contained page per call for trainers reviewing a call with the agent, and an index
//! page over many calls.
//!
//! A call page shows, top to bottom: the score with its five subscores as a small chart; a "worst moment" panel
//! linking to the turn; every finding at a glance; a timeline strip (when turns have timings) showing where the
//! problems fall; and the transcript as a conversation, flagged spans highlighted by category, each turn followed
//! by its findings (message, regulation, tip, better phrasing), customer cues (acknowledged or not, and where) and
//! credits.
//!
//! Pages are self-contained and load nothing: inline CSS, inline SVG, no script on call pages and a few lines of
//! plain script on the index (sorting). Every piece of input text is HTML-escaped, in text and in attributes,
//! and a Content-Security-Policy meta tag forbids any outside load, so a transcript cannot run or fetch anything.
//! Severity is always shown as text and a shape as well as a colour.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::Report;
use crate::call::Role;
use crate::finding::{Category, Item, Kind, Severity};
use crate::score::Subscore;

/// The page's Content-Security-Policy for call pages: nothing may be loaded or run; inline styles and `data:`
/// images only.
pub const CSP_PAGE: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// The index page's Content-Security-Policy: as [`CSP_PAGE`], plus the inline sorting script.
pub const CSP_INDEX: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/// Escape text for HTML text content and quoted attribute values alike.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than whitespace are not allowed in HTML text; show them as U+FFFD.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The finding to look at first: the most severe counted finding, earliest on ties.
pub fn worst_moment(findings: &[Item]) -> Option<&Item> {
    findings.iter().filter(|f| !f.accepted).max_by_key(|f| (f.severity, std::cmp::Reverse(f.turn)))
}

/// A shape for each severity, so severity never rests on colour alone.
pub fn severity_icon(s: Option<Severity>) -> &'static str {
    match s {
        Some(Severity::Critical) => "\u{25a0}",
        Some(Severity::High) => "\u{25b2}",
        Some(Severity::Medium) => "\u{25c6}",
        Some(Severity::Low) => "\u{25cf}",
        _ => "\u{25cb}",
    }
}

/// `m:ss` (or `h:mm:ss`) for a time in milliseconds.
pub fn clock(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// A word for a score band, shown beside the colour.
pub fn band(score: i32) -> &'static str {
    match score {
        80.. => "good",
        60..=79 => "needs work",
        _ => "poor",
    }
}

fn band_class(score: i32) -> &'static str {
    match score {
        80.. => "good",
        60..=79 => "fair",
        _ => "poor",
    }
}

fn sev_str(s: Option<Severity>) -> &'static str {
    s.map(Severity::as_str).unwrap_or("info")
}

const STYLE: &str = r#"
:root{--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--agent:#eef3f8;--cust:#f6f8fa;--good:#1a7f37;--fair:#9a6700;--poor:#b42318}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#fff}
main{max-width:1080px;margin:0 auto;padding:16px 20px 40px}
h1{font-size:1.35rem;margin:0 0 4px;word-break:break-word}h2{font-size:1.1rem;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
a{color:#0b57d0}
.meta{color:var(--muted);margin:0;font-size:.9rem}.meta span{margin-right:14px}
.top{display:grid;grid-template-columns:1fr auto;gap:20px;align-items:start}
.overall{text-align:center;border:2px solid currentColor;border-radius:12px;padding:6px 16px;min-width:120px}
.overall b{display:block;font-size:2.4rem;line-height:1.1}
.good{color:var(--good)}.fair{color:var(--fair)}.poor{color:var(--poor)}
.scores{display:flex;gap:24px;align-items:center;flex-wrap:wrap;margin-top:10px}
.worst{margin-top:16px;border:2px solid #b42318;border-left-width:8px;border-radius:8px;padding:10px 14px;background:#fff5f5}
.worst.none{border-color:var(--good);background:#f0fff4}
.worst h2{border:0;margin:0 0 4px;padding:0;font-size:1rem;text-transform:uppercase;letter-spacing:.04em}
.worst .go{font-weight:700}.worst p{margin:4px 0}.lbl{color:var(--muted);font-weight:600}
.glance{width:100%;border-collapse:collapse;font-size:.92rem}.glance th,.glance td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
.sev{display:inline-block;border-radius:4px;padding:0 6px;font-size:.8rem;font-weight:700;white-space:nowrap}
.sev-critical{background:#4a0000;color:#fff}.sev-high{background:#b42318;color:#fff}.sev-medium{background:#ffc36b;color:#3b2300}
.sev-low{background:#fff1a8;color:#3b3300}.sev-info{background:#e6e8eb;color:#24292f}
.cat-pressure{--c:#c62828;--bg:#fde8e8}.cat-abuse{--c:#ad1457;--bg:#fce4ef}.cat-misleading{--c:#6a1b9a;--bg:#f1e5f8}
.cat-missed-empathy{--c:#c45100;--bg:#fff0e0}.cat-ignored-request{--c:#7a4f01;--bg:#fbefd5}.cat-disclosure{--c:#1555b0;--bg:#e3eefc}
.cat-privacy{--c:#00695c;--bg:#dff4f1}.cat-conduct{--c:#4a5a65;--bg:#e9eef1}
.chip{display:inline-block;border-left:4px solid var(--c,#888);padding:0 6px;font-size:.8rem;background:var(--bg,#eee);border-radius:3px}
.legend{display:flex;flex-wrap:wrap;gap:6px 12px;font-size:.85rem;margin:6px 0}
.timeline svg{width:100%;height:auto;display:block}
.transcript{list-style:none;padding:0;margin:0}
.turn{margin:10px 0;max-width:82%;scroll-margin-top:12px}
.turn.agent{margin-right:auto}.turn.customer{margin-left:auto}.turn.other{margin:10px auto}
.bubble{border:1px solid var(--line);border-radius:10px;padding:8px 12px;white-space:pre-wrap;word-wrap:break-word}
.agent .bubble{background:var(--agent)}.customer .bubble{background:var(--cust)}.other .bubble{background:#fffbe6}
.who{font-size:.8rem;color:var(--muted);margin:0 4px 2px}.who b{color:var(--ink)}
.turn:target .bubble{outline:3px solid #0b57d0;outline-offset:2px}
.flag{color:#fff;background:#b42318;border-radius:3px;padding:0 5px;font-weight:700}
mark{color:inherit;border-radius:2px;padding:0 1px}
mark.f{background:var(--bg);border-bottom:3px solid var(--c)}mark.m-critical,mark.m-high{border-bottom-width:4px;font-weight:600}mark.m-low,mark.m-info{border-bottom-style:dotted}
mark.cue{background:#ecebff;border-bottom:2px dashed #4527a0}
mark.credit{background:#e4f6e8;border-bottom:2px solid #1a7f37}
.tag{font-size:.7rem;vertical-align:super;color:var(--muted);text-decoration:none;margin-left:3px}
.items{list-style:none;margin:4px 0 0;padding:0}
.item{border:1px solid var(--line);border-left:6px solid var(--c,#888);border-radius:6px;padding:6px 10px;margin:6px 0;background:#fff;font-size:.92rem}
.item p{margin:2px 0}
.item.cue{border-left:6px dashed #4527a0}.item.credit{border-left-color:#1a7f37;background:#f6fff8;font-size:.85rem;padding:3px 10px}
.gp{color:#1a7f37}
.item.accepted{opacity:.7}
.better{font-style:italic}
.ack-yes{color:var(--good);font-weight:700}.ack-no{color:var(--poor);font-weight:700}
.trace{font-size:.85rem;border-collapse:collapse}.trace td,.trace th{padding:2px 8px;border-bottom:1px solid var(--line);text-align:left}
.redacted{font-family:ui-monospace,monospace;font-size:.85em;background:#e6e8eb;color:#24292f;border-radius:3px;padding:0 3px}
.plus{color:var(--good)}.minus{color:var(--poor)}
footer{color:var(--muted);font-size:.8rem;margin-top:30px;border-top:1px solid var(--line);padding-top:8px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media print{
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 body{font-size:10pt}main{max-width:none;padding:0}
 a{color:inherit;text-decoration:none}.tag{display:none}
 .turn{max-width:none;margin:6px 0;break-inside:avoid}.turn.customer{margin-left:10%}.turn.agent{margin-right:10%}
 .item,.worst,tr{break-inside:avoid}h2{break-after:avoid}
 .turn:target .bubble{outline:none}
}
"#;

fn head(w: &mut dyn Write, title: &str, csp: &str, extra_style: &str) -> io::Result<()> {
    write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n<title>{}</title>\n<style>{STYLE}{extra_style}</style>\n</head>\n",
        esc(title)
    )
}

/// Write one call's page.
///
/// # Errors
/// Writing failed.
pub fn write(w: &mut dyn Write, r: &Report<'_>) -> io::Result<()> {
    let mut p = String::with_capacity(16 * 1024);
    page(&mut p, r);
    head(w, &format!("{} \u{2013} {}/100 \u{2013} callcoach", r.call.id, r.analysis.score.overall), CSP_PAGE, "")?;
    w.write_all(p.as_bytes())?;
    w.write_all(b"</html>\n")
}

fn page(p: &mut String, r: &Report<'_>) {
    let call = r.call;
    let a = r.analysis;
    let s = &a.score;
    p.push_str("<body>\n<main>\n<header class=\"top\">\n<div>\n");
    let _ = writeln!(p, "<h1>Call {}</h1>", esc(&call.id));
    p.push_str("<p class=\"meta\">");
    if let Some(ag) = &call.agent_id {
        let _ = write!(p, "<span>Agent <b>{}</b></span>", esc(ag));
    }
    if let Some(d) = &call.started_at {
        let _ = write!(p, "<span>Started <b>{}</b></span>", esc(d));
    }
    if let Some(acc) = &call.account_id {
        let _ = write!(p, "<span>Account <b>{}</b></span>", esc(acc));
    }
    let _ = write!(p, "<span>Profile <b>{}</b></span>", esc(&a.profile));
    if let Some(src) = &call.source {
        let _ = write!(p, "<span>Source <b>{}</b></span>", esc(&src.to_string()));
    }
    if let Some(last) = duration(r) {
        let _ = write!(p, "<span>Length <b>{}</b></span>", clock(last));
    }
    p.push_str("</p>\n");
    let counted = a.findings.iter().filter(|f| !f.accepted).count();
    let missed = a.cues.iter().filter(|c| c.acknowledged == Some(false)).count();
    let _ = writeln!(
        p,
        "<p class=\"meta\"><span><b>{counted}</b> finding{}</span><span><b>{}</b> customer cue{} ({missed} not acknowledged)</span><span><b>{}</b> credit{}</span><span>{} turn{}</span></p>",
        plural(counted),
        a.cues.len(),
        plural(a.cues.len()),
        a.credits.len(),
        plural(a.credits.len()),
        call.turns.len(),
        plural(call.turns.len())
    );
    p.push_str("<div class=\"scores\">");
    subscore_chart(p, s);
    p.push_str("</div>\n</div>\n");
    let _ = writeln!(
        p,
        "<div class=\"overall {}\" role=\"img\" aria-label=\"Overall score {} out of 100, {}\"><b>{}</b>/100<br>{}</div>",
        band_class(s.overall),
        s.overall,
        band(s.overall),
        s.overall,
        band(s.overall)
    );
    p.push_str("</header>\n");
    worst_panel(p, r);
    glance(p, r);
    timeline(p, r);
    transcript(p, r);
    trace(p, r);
    p.push_str(
        "<footer>Made by callcoach. Flags are coaching prompts for review with the agent, never legal verdicts. \
         Personal data in the transcript is redacted unless the report was made with <code>--no-redact</code>.</footer>\n",
    );
    p.push_str("</main>\n</body>\n");
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The call's length: the latest end (or start) time of any turn.
fn duration(r: &Report<'_>) -> Option<u64> {
    r.call.turns.iter().filter_map(|t| t.end_ms.or(t.start_ms)).max().filter(|&m| m > 0)
}

fn subscore_chart(p: &mut String, s: &crate::score::Scorecard) {
    let label: Vec<String> = Subscore::ALL.iter().map(|k| format!("{} {}", k.as_str(), s.get(*k))).collect();
    let _ = write!(
        p,
        "<svg class=\"subs\" viewBox=\"0 0 340 132\" width=\"340\" height=\"132\" role=\"img\" aria-label=\"Subscores: {}\">",
        label.join(", ")
    );
    for (i, k) in Subscore::ALL.iter().enumerate() {
        let v = s.get(*k).clamp(0, 100);
        let y = 4 + i as i32 * 26;
        let colour = match band_class(v) {
            "good" => "#1a7f37",
            "fair" => "#bf8700",
            _ => "#b42318",
        };
        let _ = write!(
            p,
            "<text x=\"104\" y=\"{}\" text-anchor=\"end\" font-size=\"13\" fill=\"#1b1f24\">{}</text>\
             <rect x=\"110\" y=\"{y}\" width=\"180\" height=\"18\" rx=\"3\" fill=\"#eaeef2\"/>\
             <rect x=\"110\" y=\"{y}\" width=\"{}\" height=\"18\" rx=\"3\" fill=\"{colour}\"/>\
             <text x=\"298\" y=\"{}\" font-size=\"13\" font-weight=\"700\" fill=\"#1b1f24\">{v}</text>",
            y + 14,
            k.as_str(),
            v * 180 / 100,
            y + 14
        );
    }
    p.push_str("</svg>");
}

fn worst_panel(p: &mut String, r: &Report<'_>) {
    match worst_moment(&r.analysis.findings) {
        Some(f) => {
            let t = r.call.turns.get(f.turn);
            let when = t.and_then(|t| t.start_ms).map(|ms| format!(" at {}", clock(ms))).unwrap_or_default();
            let _ = writeln!(
                p,
                "<section class=\"worst cat-{}\" aria-labelledby=\"worst-h\">\n<h2 id=\"worst-h\">Worst moment</h2>\n\
                 <p><span class=\"sev sev-{}\">{} {}</span> <span class=\"chip\">{}</span> <b>{}</b> &mdash; {}</p>",
                f.category,
                sev_str(f.severity),
                severity_icon(f.severity),
                sev_str(f.severity),
                f.category,
                f.code,
                esc(&f.message)
            );
            if !f.text.is_empty() {
                let _ = writeln!(p, "<p>{} said: <q>{}</q></p>", speaker_word(f.speaker), esc(&f.text));
            }
            if let Some(rule) = r.lex.rule(f.code) {
                if !rule.tip.is_empty() {
                    let _ = writeln!(p, "<p><span class=\"lbl\">Coaching tip:</span> {}</p>", esc(&rule.tip));
                }
                if !rule.better.is_empty() {
                    let _ = writeln!(
                        p,
                        "<p><span class=\"lbl\">Try instead:</span> <q class=\"better\">{}</q></p>",
                        esc(&rule.better)
                    );
                }
            }
            let _ = writeln!(
                p,
                "<p><a class=\"go\" href=\"#t-{}\">Go to turn {}{when} &rarr;</a></p>\n</section>",
                f.turn, f.turn
            );
        }
        None => {
            p.push_str(
                "<section class=\"worst none\" aria-labelledby=\"worst-h\">\n<h2 id=\"worst-h\">Worst moment</h2>\n\
                 <p>Nothing to coach: no findings in this call.</p>\n</section>\n",
            );
        }
    }
}

fn speaker_word(r: Role) -> &'static str {
    match r {
        Role::Agent => "The agent",
        Role::Customer => "The customer",
        Role::Other => "The speaker",
    }
}

/// Every finding in one table, most severe first, each linking to its turn.
fn glance(p: &mut String, r: &Report<'_>) {
    let a = r.analysis;
    if a.findings.is_empty() {
        return;
    }
    let mut order: Vec<(usize, &Item)> = a.findings.iter().enumerate().collect();
    order.sort_by_key(|(i, f)| (f.accepted, std::cmp::Reverse(f.severity), f.turn, *i));
    p.push_str(
        "<section aria-labelledby=\"glance-h\">\n<h2 id=\"glance-h\">Findings at a glance</h2>\n<table class=\"glance\">\n\
         <thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Turn</th><th scope=\"col\">Rule</th><th scope=\"col\">Category</th><th scope=\"col\">What happened</th></tr></thead>\n<tbody>\n",
    );
    for (i, f) in order {
        let accepted = if f.accepted { " <i>(accepted: not scored)</i>" } else { "" };
        let _ = writeln!(
            p,
            "<tr><td><span class=\"sev sev-{}\">{} {}</span></td><td><a href=\"#t-{}\">{}</a></td><td><a href=\"#i-f{i}\">{}</a></td>\
             <td><span class=\"chip cat-{}\">{}</span></td><td>{}{accepted}</td></tr>",
            sev_str(f.severity),
            severity_icon(f.severity),
            sev_str(f.severity),
            f.turn,
            f.turn,
            f.code,
            f.category,
            f.category,
            esc(&f.message)
        );
    }
    p.push_str("</tbody>\n</table>\n</section>\n");
}

/// The time of a byte position inside a turn, interpolated over the turn's span.
fn time_at(r: &Report<'_>, turn: usize, byte: usize) -> Option<u64> {
    let t = r.call.turns.get(turn)?;
    let s = t.start_ms?;
    let e = t.end_ms.unwrap_or(s).max(s);
    let len = t.text.len().max(1) as u128;
    // u128: timings are untrusted, and (e - s) * byte must not overflow for any of them.
    let off = u128::from(e - s) * byte.min(t.text.len()) as u128 / len;
    Some(s.saturating_add(u64::try_from(off).unwrap_or(u64::MAX)))
}

fn timeline(p: &mut String, r: &Report<'_>) {
    let Some(total) = duration(r) else { return };
    if !r.call.turns.iter().any(|t| t.start_ms.is_some()) {
        return;
    }
    const W: u64 = 1000;
    const X0: u64 = 70;
    // Never overflows: the product is at most `total * 920`, computed in u128, and the result is under W.
    let x = |ms: u64| X0 + (u128::from(ms.min(total)) * u128::from(W - X0 - 10) / u128::from(total)) as u64;
    let a = r.analysis;
    p.push_str(
        "<section class=\"timeline\" aria-labelledby=\"tl-h\">\n<h2 id=\"tl-h\">Timeline</h2>\n\
         <svg viewBox=\"0 0 1000 112\" role=\"img\" aria-labelledby=\"tl-desc\">",
    );
    let _ = write!(
        p,
        "<desc id=\"tl-desc\">Who spoke when over {} of call, with findings, customer cues and credits placed where they happened. Each mark links to its turn.</desc>",
        clock(total)
    );
    p.push_str(
        "<text x=\"0\" y=\"20\" font-size=\"12\" fill=\"#57606a\">agent</text>\
         <text x=\"0\" y=\"42\" font-size=\"12\" fill=\"#57606a\">customer</text>\
         <text x=\"0\" y=\"68\" font-size=\"12\" fill=\"#57606a\">findings</text>\
         <text x=\"0\" y=\"90\" font-size=\"12\" fill=\"#57606a\">cues/credits</text>",
    );
    let _ = write!(p, "<line x1=\"{X0}\" y1=\"100\" x2=\"{}\" y2=\"100\" stroke=\"#d0d7de\"/>", W - 10);
    for (ti, t) in r.call.turns.iter().enumerate() {
        let Some(s) = t.start_ms else { continue };
        let e = t.end_ms.unwrap_or(s).max(s);
        let (y, fill) = match t.role {
            Role::Agent => (8, "#8fa9c4"),
            Role::Customer => (30, "#b9c2cc"),
            Role::Other => (30, "#e0c86b"),
        };
        let x1 = x(s);
        let wdt = (x(e).saturating_sub(x1)).max(2);
        let _ = write!(
            p,
            "<a href=\"#t-{ti}\"><title>turn {ti} {} {}\u{2013}{}</title><rect x=\"{x1}\" y=\"{y}\" width=\"{wdt}\" height=\"16\" fill=\"{fill}\"/></a>",
            t.role,
            clock(s),
            clock(e)
        );
    }
    for f in &a.findings {
        let Some(ms) = time_at(r, f.turn, f.start) else {
            continue;
        };
        let cx = x(ms);
        let colour = cat_colour(f.category);
        let shape = match f.severity {
            Some(Severity::Critical) | Some(Severity::High) => {
                format!(
                    "<polygon points=\"{},54 {},72 {},72\" fill=\"{colour}\" stroke=\"#1b1f24\" stroke-width=\"1\"/>",
                    cx,
                    cx - 9,
                    cx + 9
                )
            }
            _ => format!(
                "<circle cx=\"{cx}\" cy=\"64\" r=\"6\" fill=\"{colour}\" stroke=\"#1b1f24\" stroke-width=\"1\"/>"
            ),
        };
        let _ = write!(
            p,
            "<a href=\"#t-{}\"><title>{} {} {} at {}: {}</title>{shape}</a>",
            f.turn,
            f.code,
            sev_str(f.severity),
            f.category,
            clock(ms),
            esc(&f.message)
        );
    }
    for c in a.cues.iter().chain(a.credits.iter()) {
        let Some(ms) = time_at(r, c.turn, c.start) else {
            continue;
        };
        let cx = x(ms);
        let shape = if c.kind() == Kind::Cue {
            let fill = if c.acknowledged == Some(false) { "#ffffff" } else { "#4527a0" };
            format!("<rect x=\"{}\" y=\"80\" width=\"9\" height=\"9\" transform=\"rotate(45 {cx} 84)\" fill=\"{fill}\" stroke=\"#4527a0\" stroke-width=\"2\"/>", cx - 4)
        } else {
            format!("<rect x=\"{}\" y=\"79\" width=\"4\" height=\"12\" fill=\"#1a7f37\"/>", cx - 2)
        };
        let what = match (c.kind(), c.acknowledged) {
            (Kind::Cue, Some(false)) => "cue, not acknowledged",
            (Kind::Cue, _) => "cue",
            _ => "credit",
        };
        let _ = write!(
            p,
            "<a href=\"#t-{}\"><title>{} {} {what} at {}</title>{shape}</a>",
            c.turn,
            c.code,
            c.category,
            clock(ms)
        );
    }
    let _ = write!(
        p,
        "<text x=\"{X0}\" y=\"111\" font-size=\"11\" fill=\"#57606a\">0:00</text><text x=\"{}\" y=\"111\" font-size=\"11\" text-anchor=\"end\" fill=\"#57606a\">{}</text>",
        W - 10,
        clock(total)
    );
    p.push_str("</svg>\n");
    p.push_str(
        "<p class=\"legend\"><span>&#9650; high or critical finding</span><span>&#9679; other finding</span>\
         <span>&#9670; customer cue (hollow: not acknowledged)</span><span>&#10073; credit</span></p>\n</section>\n",
    );
}

fn cat_colour(c: Category) -> &'static str {
    match c {
        Category::Pressure => "#c62828",
        Category::Abuse => "#ad1457",
        Category::Misleading => "#6a1b9a",
        Category::MissedEmpathy => "#c45100",
        Category::IgnoredRequest => "#7a4f01",
        Category::Disclosure => "#1555b0",
        Category::Privacy => "#00695c",
        _ => "#4a5a65",
    }
}

/// Which item shows in a highlighted stretch of text: findings over cues over credits, more severe first.
fn rank(i: &Item) -> (u8, Option<Severity>) {
    let k = match i.kind() {
        Kind::Finding => 3,
        Kind::Cue => 2,
        Kind::Credit => 1,
    };
    (k, i.severity)
}

/// An item with its anchor id (`f3`, `c0`, `g2`: finding, cue, credit and its index in its list).
struct Placed<'a> {
    item: &'a Item,
    anchor: String,
}

/// The turn text, escaped, with item spans wrapped in `<mark>`. Overlapping spans are split at every boundary and
/// each piece shows its highest-ranked item, so the markup always nests properly.
fn marked(text: &str, items: &[&Placed<'_>]) -> String {
    let valid: Vec<&Placed<'_>> = items
        .iter()
        .copied()
        .filter(|p| {
            let i = p.item;
            i.start < i.end && i.end <= text.len() && text.is_char_boundary(i.start) && text.is_char_boundary(i.end)
        })
        .collect();
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for p in &valid {
        cuts.push(p.item.start);
        cuts.push(p.item.end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    // Each piece with the index (into `valid`) of the item it shows.
    let mut pieces: Vec<(usize, usize, Option<usize>)> = Vec::new();
    for win in cuts.windows(2) {
        let (s, e) = (win[0], win[1]);
        let top = valid
            .iter()
            .enumerate()
            .filter(|(_, p)| p.item.start <= s && p.item.end >= e)
            .max_by_key(|(i, p)| (rank(p.item), std::cmp::Reverse(*i)))
            .map(|(i, _)| i);
        match pieces.last_mut() {
            // Pieces showing the same item join, unless another item ends between them and needs its tag there.
            Some(last) if last.2 == top && !valid.iter().any(|p| p.item.end == s && p.item.kind() != Kind::Credit) => {
                last.1 = e
            }
            _ => pieces.push((s, e, top)),
        }
    }
    let mut out = String::with_capacity(text.len() * 2);
    for (s, e, top) in pieces {
        let seg = show_redactions(esc(&text[s..e]));
        let Some(ix) = top else {
            out.push_str(&seg);
            continue;
        };
        let pl = valid[ix];
        let i = pl.item;
        let (class, title) = match i.kind() {
            Kind::Finding => (
                format!("f cat-{} m-{}", i.category, sev_str(i.severity)),
                format!("{} {} {}: {}", i.code, sev_str(i.severity), i.category, i.message),
            ),
            Kind::Cue => ("cue".to_owned(), format!("{} customer cue: {}", i.code, i.category)),
            Kind::Credit => ("credit".to_owned(), format!("{} credit: {}", i.code, i.category)),
        };
        let _ = write!(out, "<mark class=\"{class}\" title=\"{}\">{seg}</mark>", esc(&title));
        // A tag after the last piece of every finding and cue ending here, also one a more serious item covers.
        for p in valid.iter().filter(|p| p.item.end == e && p.item.kind() != Kind::Credit) {
            let tag = if p.item.kind() == Kind::Cue { "cue" } else { p.item.code };
            let _ = write!(out, "<a class=\"tag\" href=\"#i-{}\">{}</a>", p.anchor, esc(tag));
        }
    }
    out
}

/// Set redaction placeholders (`[card]`) apart from speech, so nobody reads them as words said on the call. The
/// placeholders contain nothing that escaping changes, so they can be found in escaped text.
fn show_redactions(escaped: String) -> String {
    if !escaped.contains('[') {
        return escaped;
    }
    let mut out = escaped;
    for k in crate::redact::Kind::ALL {
        let ph = k.placeholder();
        if out.contains(ph) {
            out = out.replace(ph, &format!("<span class=\"redacted\" title=\"redacted\">{ph}</span>"));
        }
    }
    out
}

fn transcript(p: &mut String, r: &Report<'_>) {
    let a = r.analysis;
    let worst_turn = worst_moment(&a.findings).map(|f| f.turn);
    p.push_str("<section aria-labelledby=\"tr-h\">\n<h2 id=\"tr-h\">Transcript</h2>\n");
    p.push_str(
        "<p class=\"legend\" aria-label=\"Highlight colours\"><span class=\"chip cat-pressure\">pressure</span><span class=\"chip cat-abuse\">abuse</span>\
         <span class=\"chip cat-misleading\">misleading</span><span class=\"chip cat-missed-empathy\">missed empathy</span>\
         <span class=\"chip cat-ignored-request\">ignored request</span><span class=\"chip cat-disclosure\">disclosure</span>\
         <span class=\"chip cat-privacy\">privacy</span><span class=\"chip cat-conduct\">conduct</span>\
         <span><mark class=\"cue\">customer cue</mark></span><span><mark class=\"credit\">credit</mark></span></p>\n",
    );
    let placed: Vec<Placed<'_>> = a
        .findings
        .iter()
        .enumerate()
        .map(|(i, it)| Placed { item: it, anchor: format!("f{i}") })
        .chain(a.cues.iter().enumerate().map(|(i, it)| Placed { item: it, anchor: format!("c{i}") }))
        .chain(a.credits.iter().enumerate().map(|(i, it)| Placed { item: it, anchor: format!("g{i}") }))
        .collect();
    p.push_str("<ol class=\"transcript\" start=\"0\">\n");
    for (ti, t) in r.call.turns.iter().enumerate() {
        let here: Vec<&Placed<'_>> = placed.iter().filter(|x| x.item.turn == ti).collect();
        let role = t.role.as_str();
        let _ = write!(p, "<li class=\"turn {role}\" id=\"t-{ti}\">\n<p class=\"who\"><b>{}</b>", role_title(t.role));
        if !t.speaker.eq_ignore_ascii_case(role) {
            let _ = write!(p, " ({})", esc(&t.speaker));
        }
        let _ = write!(p, " &middot; turn {ti}");
        if let Some(s) = t.start_ms {
            let _ = write!(p, " &middot; {}", clock(s));
        }
        if worst_turn == Some(ti) {
            p.push_str(" <span class=\"flag\">&#9873; worst moment</span>");
        }
        p.push_str("</p>\n<div class=\"bubble\">");
        if t.text.trim().is_empty() {
            p.push_str("<i>(no words)</i>");
        } else {
            p.push_str(&marked(&t.text, &here));
        }
        p.push_str("</div>\n");
        // Cues this agent turn acknowledged, so the trainer sees the answer as well as the question.
        let acks: Vec<(usize, &Item)> =
            a.cues.iter().enumerate().filter(|(_, c)| c.acknowledged_at == Some(ti) && c.turn != ti).collect();
        if !here.is_empty() || !acks.is_empty() {
            p.push_str("<ul class=\"items\">\n");
            let mut sorted = here.clone();
            sorted.sort_by_key(|x| std::cmp::Reverse(rank(x.item)));
            for x in sorted.iter().filter(|x| x.item.kind() != Kind::Credit) {
                item_card(p, r, x);
            }
            // Credits and acknowledgements on one compact line: good practice should be seen, not crowd out the
            // findings.
            let credits: Vec<&&Placed<'_>> = sorted.iter().filter(|x| x.item.kind() == Kind::Credit).collect();
            if !credits.is_empty() || !acks.is_empty() {
                p.push_str("<li class=\"item credit\"><p>");
                let mut first = true;
                for x in credits {
                    let i = x.item;
                    let what = r.lex.rule(i.code).map(|r| r.summary.as_str()).unwrap_or("");
                    if !first {
                        p.push_str(" <span aria-hidden=\"true\">&middot;</span> ");
                    }
                    first = false;
                    let _ = write!(
                        p,
                        "<span class=\"gp\" id=\"i-{}\" title=\"{}\">&#10003; <b>{}</b> {} <q>{}</q></span>",
                        x.anchor,
                        esc(what),
                        i.code,
                        i.category,
                        esc(&i.text)
                    );
                }
                for (ci, c) in acks {
                    if !first {
                        p.push_str(" <span aria-hidden=\"true\">&middot;</span> ");
                    }
                    first = false;
                    let _ = write!(
                        p,
                        "<span class=\"gp\">&#10003; <b>acknowledges</b> the {} cue at <a href=\"#i-c{ci}\">turn {}</a> <q>{}</q></span>",
                        c.category,
                        c.turn,
                        esc(&c.text)
                    );
                }
                p.push_str("</p></li>\n");
            }
            p.push_str("</ul>\n");
        }
        p.push_str("</li>\n");
    }
    p.push_str("</ol>\n</section>\n");
}

fn role_title(r: Role) -> &'static str {
    match r {
        Role::Agent => "Agent",
        Role::Customer => "Customer",
        Role::Other => "Other speaker",
    }
}

fn item_card(p: &mut String, r: &Report<'_>, x: &Placed<'_>) {
    let i = x.item;
    let rule = r.lex.rule(i.code);
    match i.kind() {
        Kind::Finding => {
            let accepted = if i.accepted { " accepted" } else { "" };
            let _ = writeln!(
                p,
                "<li class=\"item finding cat-{}{accepted}\" id=\"i-{}\"><p><span class=\"sev sev-{}\">{} {}</span> \
                 <span class=\"chip\">{}</span> <b>{}</b> {}{}</p>",
                i.category,
                x.anchor,
                sev_str(i.severity),
                severity_icon(i.severity),
                sev_str(i.severity),
                i.category,
                i.code,
                esc(&i.message),
                if i.accepted { " <i>(accepted: not scored)</i>" } else { "" }
            );
            if !i.text.is_empty() {
                let _ = writeln!(p, "<p><span class=\"lbl\">Said:</span> <q>{}</q></p>", esc(&i.text));
            }
            if let Some(rule) = rule {
                if !rule.tip.is_empty() {
                    let _ = writeln!(p, "<p><span class=\"lbl\">Coaching tip:</span> {}</p>", esc(&rule.tip));
                }
                if !rule.better.is_empty() {
                    let _ = writeln!(
                        p,
                        "<p><span class=\"lbl\">Try instead:</span> <q class=\"better\">{}</q></p>",
                        esc(&rule.better)
                    );
                }
                if !rule.regulation.is_empty() {
                    let _ = writeln!(
                        p,
                        "<p><span class=\"lbl\">Regulation:</span> {}</p>",
                        esc(&rule.regulation.join("; "))
                    );
                }
            }
            if let Some(n) = &i.note {
                let _ = writeln!(p, "<p><span class=\"lbl\">Note:</span> {}</p>", esc(n));
            }
            p.push_str("</li>\n");
        }
        Kind::Cue => {
            let ack = match (i.acknowledged, i.acknowledged_at) {
                (Some(true), Some(t)) => {
                    format!("<span class=\"ack-yes\">&#10003; Acknowledged</span> at <a href=\"#t-{t}\">turn {t}</a>")
                }
                (Some(true), None) => "<span class=\"ack-yes\">&#10003; Acknowledged</span>".to_owned(),
                (Some(false), _) => "<span class=\"ack-no\">&#10007; Not acknowledged</span>".to_owned(),
                (None, _) => String::new(),
            };
            let _ = writeln!(
                p,
                "<li class=\"item cue\" id=\"i-{}\"><p>&#9670; <b>Customer cue</b> <span class=\"chip\">{}</span> <b>{}</b> <q>{}</q> {ack}</p>",
                x.anchor,
                i.category,
                i.code,
                esc(&i.text)
            );
            if let Some(n) = &i.note {
                let _ = writeln!(p, "<p><span class=\"lbl\">Note:</span> {}</p>", esc(n));
            }
            p.push_str("</li>\n");
        }
        // Credits are rendered together on one line by `transcript`.
        Kind::Credit => {}
    }
}

fn trace(p: &mut String, r: &Report<'_>) {
    let t = &r.analysis.score.trace;
    if t.is_empty() {
        return;
    }
    p.push_str(
        "<section aria-labelledby=\"sc-h\">\n<h2 id=\"sc-h\">How the score was reached</h2>\n<table class=\"trace\">\n\
         <thead><tr><th scope=\"col\">Score</th><th scope=\"col\">Points</th><th scope=\"col\">Rule</th><th scope=\"col\">Turn</th><th scope=\"col\">Why</th></tr></thead>\n<tbody>\n",
    );
    for x in t {
        let (class, pts) = if x.score == "overall" {
            ("minus", format!("cap {}", x.points))
        } else if x.points >= 0 {
            ("plus", format!("+{}", x.points))
        } else {
            ("minus", format!("\u{2212}{}", -x.points))
        };
        let _ = writeln!(
            p,
            "<tr><td>{}</td><td class=\"{class}\">{pts}</td><td>{}</td><td><a href=\"#t-{}\">{}</a></td><td>{}</td></tr>",
            x.score,
            x.code,
            x.turn,
            x.turn,
            esc(&x.reason)
        );
    }
    p.push_str("</tbody>\n</table>\n</section>\n");
}

/// What the index page keeps about one call: a few numbers and strings, never the transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The call's id.
    pub id: String,
    /// The page's file name, relative to the index.
    pub file: String,
    /// The agent, when known.
    pub agent: Option<String>,
    /// When the call started, as given.
    pub started_at: Option<String>,
    /// Overall score, then the five subscores in [`Subscore::ALL`] order.
    pub scores: [i32; 6],
    /// Counted findings.
    pub findings: usize,
    /// Cues the agent did not acknowledge.
    pub missed_cues: usize,
    /// The worst finding, if any.
    pub worst: Option<Worst>,
}

/// The worst finding of a call, as the index shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Worst {
    /// Its severity.
    pub severity: Option<Severity>,
    /// Its rule code.
    pub code: &'static str,
    /// Its message.
    pub message: String,
    /// The turn it is on, for a link straight to it.
    pub turn: usize,
}

impl Summary {
    /// Summarise one call whose page is written to `file`.
    pub fn new(r: &Report<'_>, file: &str) -> Summary {
        let s = &r.analysis.score;
        Summary {
            id: r.call.id.clone(),
            file: file.to_owned(),
            agent: r.call.agent_id.clone(),
            started_at: r.call.started_at.clone(),
            scores: [s.overall, s.respect, s.honesty, s.empathy, s.collaboration, s.compliance],
            findings: r.analysis.findings.iter().filter(|f| !f.accepted).count(),
            missed_cues: r.analysis.cues.iter().filter(|c| c.acknowledged == Some(false)).count(),
            worst: worst_moment(&r.analysis.findings).map(|f| Worst {
                severity: f.severity,
                code: f.code,
                message: f.message.clone(),
                turn: f.turn,
            }),
        }
    }
}

const INDEX_STYLE: &str = r#"
.wide{max-width:1280px}.scroll{overflow-x:auto}
.calls{width:100%;border-collapse:collapse;font-size:.85rem}.calls td:first-child{word-break:break-word;min-width:12em;max-width:22em}
.calls td.worst-f{min-width:18em}.calls td.d{white-space:nowrap}.calls abbr{text-decoration:none}.calls th,.calls td{border-bottom:1px solid var(--line);padding:5px 6px;text-align:left;vertical-align:top}
.calls td.n{text-align:right;font-variant-numeric:tabular-nums}
.calls th button{font:inherit;font-weight:700;border:1px solid var(--line);background:#f6f8fa;border-radius:4px;padding:1px 6px;cursor:pointer}
.calls th[aria-sort=ascending] button::after{content:" \25B2"}.calls th[aria-sort=descending] button::after{content:" \25BC"}
.dist svg{width:100%;max-width:640px;height:auto}
@media print{.calls th button{border:0;background:none;padding:0}}
"#;

// Sorting without a framework: rows carry their sort keys in data attributes (escaped like all text); a `#sort=KEY`
// or `#sort=-KEY` fragment picks the initial order, so a sorted view can be linked to.
const INDEX_SCRIPT: &str = r#"
(function(){
var t=document.getElementById('calls');if(!t)return;var b=t.tBodies[0];
function sortBy(k,dir){var rows=Array.prototype.slice.call(b.rows);
rows.sort(function(x,y){var a=x.getAttribute('data-'+k)||'',c=y.getAttribute('data-'+k)||'';
var r=(k==='score')?(Number(a)-Number(c)):(a<c?-1:(a>c?1:0));
return dir*r||(Number(x.getAttribute('data-order'))-Number(y.getAttribute('data-order')));});
rows.forEach(function(r){b.appendChild(r);});
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th){var bt=th.querySelector('button');
if(!bt)return;th.setAttribute('aria-sort',bt.getAttribute('data-key')===k?(dir>0?'ascending':'descending'):'none');});}
Array.prototype.forEach.call(t.querySelectorAll('th button'),function(bt){bt.addEventListener('click',function(){
var k=bt.getAttribute('data-key');var th=bt.parentNode;sortBy(k,th.getAttribute('aria-sort')==='ascending'?-1:1);});});
var m=/^#sort=(-?)(score|agent|date|id)$/.exec(location.hash);if(m)sortBy(m[2],m[1]?-1:1);
})();
"#;

/// Write the index page over many calls: a score distribution chart and a table of calls that sorts by score,
/// agent or date.
///
/// # Errors
/// Writing failed.
pub fn write_index(w: &mut dyn Write, calls: &[Summary]) -> io::Result<()> {
    let mut p = String::with_capacity(4096 + calls.len() * 512);
    p.push_str("<body>\n<main class=\"wide\">\n<h1>Call reports</h1>\n");
    let n = calls.len();
    let mean = if n == 0 { 0 } else { calls.iter().map(|c| i64::from(c.scores[0])).sum::<i64>() / n as i64 };
    let poor = calls.iter().filter(|c| c.scores[0] < 60).count();
    let _ = writeln!(
        p,
        "<p class=\"meta\"><span><b>{n}</b> call{}</span><span>mean score <b>{mean}</b></span><span><b>{poor}</b> under 60</span>\
         <span><b>{}</b> findings</span></p>",
        plural(n),
        calls.iter().map(|c| c.findings).sum::<usize>()
    );
    histogram(&mut p, calls);
    p.push_str(
        "<section aria-labelledby=\"calls-h\">\n<h2 id=\"calls-h\">Calls</h2>\n<div class=\"scroll\">\n<table class=\"calls\" id=\"calls\">\n<thead><tr>\
         <th scope=\"col\" aria-sort=\"none\"><button type=\"button\" data-key=\"id\">Call</button></th>\
         <th scope=\"col\" aria-sort=\"none\"><button type=\"button\" data-key=\"agent\">Agent</button></th>\
         <th scope=\"col\" aria-sort=\"none\"><button type=\"button\" data-key=\"date\">Started</button></th>\
         <th scope=\"col\" aria-sort=\"none\"><button type=\"button\" data-key=\"score\">Score</button></th>",
    );
    for k in Subscore::ALL {
        let short = match k {
            Subscore::Respect => "resp.",
            Subscore::Honesty => "hon.",
            Subscore::Empathy => "emp.",
            Subscore::Collaboration => "collab.",
            Subscore::Compliance => "compl.",
        };
        let _ = write!(p, "<th scope=\"col\"><abbr title=\"{}\">{short}</abbr></th>", k.as_str());
    }
    p.push_str("<th scope=\"col\">Findings</th><th scope=\"col\"><abbr title=\"customer cues not acknowledged\">Missed cues</abbr></th><th scope=\"col\">Worst finding</th></tr></thead>\n<tbody>\n");
    for (i, c) in calls.iter().enumerate() {
        let agent = c.agent.as_deref().unwrap_or("");
        let date = c.started_at.as_deref().unwrap_or("");
        let _ = write!(
            p,
            "<tr data-order=\"{i}\" data-id=\"{}\" data-agent=\"{}\" data-date=\"{}\" data-score=\"{}\">\
             <td><a href=\"{}\">{}</a></td><td>{}</td><td class=\"d\">{}</td>\
             <td class=\"n {}\"><b>{}</b> <span class=\"sr\">{}</span></td>",
            esc(&c.id),
            esc(agent),
            esc(date),
            c.scores[0],
            esc(&href(&c.file)),
            esc(&c.id),
            esc(agent),
            esc(&show_date(date)),
            band_class(c.scores[0]),
            c.scores[0],
            band(c.scores[0])
        );
        for v in &c.scores[1..] {
            let _ = write!(p, "<td class=\"n\">{v}</td>");
        }
        let _ = write!(
            p,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"worst-f\">",
            c.findings, c.missed_cues
        );
        if let Some(w) = &c.worst {
            let _ = write!(
                p,
                "<span class=\"sev sev-{}\">{} {}</span> <a href=\"{}#t-{}\">{} at turn {}</a> {}",
                sev_str(w.severity),
                severity_icon(w.severity),
                sev_str(w.severity),
                esc(&href(&c.file)),
                w.turn,
                w.code,
                w.turn,
                esc(&w.message)
            );
        }
        p.push_str("</td></tr>\n");
    }
    p.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    p.push_str("<footer>Made by callcoach. Flags are coaching prompts for review with the agent, never legal verdicts.</footer>\n</main>\n");
    let _ = write!(p, "<script>{INDEX_SCRIPT}</script>\n</body>\n");
    head(w, "Call reports \u{2013} callcoach", CSP_INDEX, INDEX_STYLE)?;
    w.write_all(p.as_bytes())?;
    w.write_all(b"</html>\n")
}

/// An RFC 3339 time as `2026-03-02 14:05` for reading; anything else as given. Sorting uses the raw value.
fn show_date(d: &str) -> String {
    let b = d.as_bytes();
    if b.len() >= 16
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'T' || b[10] == b' ')
        && b[13] == b':'
        && d.is_char_boundary(16)
    {
        format!("{} {}", &d[..10], &d[11..16])
    } else {
        d.to_owned()
    }
}

/// A file name as a relative URL: percent-encode anything outside a conservative set.
fn href(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for b in file.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn histogram(p: &mut String, calls: &[Summary]) {
    let mut bins = [0usize; 10];
    for c in calls {
        bins[(c.scores[0].clamp(0, 100) as usize / 10).min(9)] += 1;
    }
    let max = bins.iter().copied().max().unwrap_or(0).max(1);
    let desc: Vec<String> = bins
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{}-{}: {n}", i * 10, if i == 9 { 100 } else { i * 10 + 9 }))
        .collect();
    let _ = write!(
        p,
        "<section class=\"dist\" aria-labelledby=\"dist-h\">\n<h2 id=\"dist-h\">Score distribution</h2>\n\
         <svg viewBox=\"0 0 640 200\" role=\"img\" aria-label=\"Calls per score band: {}\">",
        desc.join(", ")
    );
    let _ = write!(p, "<line x1=\"30\" y1=\"170\" x2=\"630\" y2=\"170\" stroke=\"#8c959f\"/>");
    for (i, n) in bins.iter().enumerate() {
        let h = n * 140 / max;
        let x = 34 + i * 60;
        let colour = match i {
            8 | 9 => "#1a7f37",
            6 | 7 => "#bf8700",
            _ => "#b42318",
        };
        let _ = write!(
            p,
            "<rect x=\"{x}\" y=\"{}\" width=\"52\" height=\"{h}\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1b1f24\">{n}</text>\
             <text x=\"{}\" y=\"186\" font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\">{}</text>",
            170 - h,
            x + 26,
            165 - h,
            x + 26,
            if i == 9 { "90-100".to_owned() } else { format!("{}-{}", i * 10, i * 10 + 9) }
        );
    }
    p.push_str("<text x=\"330\" y=\"199\" font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\">overall score</text></svg>\n</section>\n");
}

/// A file name for a call's page: the id in lower case with anything but letters, digits, `-` and `_` turned
/// into `-`, at most 80 bytes, never empty and never `index`. The caller makes names unique.
pub fn slug(id: &str) -> String {
    let mut s = String::with_capacity(id.len().min(80));
    for c in id.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '_' {
            s.push(c);
        } else if !s.ends_with('-') {
            s.push('-');
        }
        if s.len() >= 80 {
            break;
        }
    }
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() || s == "index" {
        format!("call-{s}").trim_end_matches('-').to_owned()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(
            esc("<a href=\"x\" onclick='y'>&</a>"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(esc("a\u{0}b"), "a\u{fffd}b");
    }

    #[test]
    fn slugs_are_safe() {
        assert_eq!(slug("us-03-Arrest threat"), "us-03-arrest-threat");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug(""), "call");
        assert_eq!(slug("///"), "call");
        assert_eq!(slug("INDEX"), "call-index");
        assert_eq!(slug("ça va"), "a-va");
        assert!(slug(&"x".repeat(500)).len() <= 80);
    }

    #[test]
    fn clock_formats() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(61_500), "1:01");
        assert_eq!(clock(3_725_000), "1:02:05");
    }

    #[test]
    fn extreme_timings_do_not_overflow() {
        use crate::call::{Call, Role, Turn};
        let mut t = Turn::new("agent", Role::Agent, "take you to court");
        t.start_ms = Some(0);
        t.end_ms = Some(u64::MAX);
        let mut t2 = Turn::new("customer", Role::Customer, "x");
        t2.start_ms = Some(u64::MAX);
        t2.end_ms = Some(3);
        let call = Call { id: "t".into(), turns: vec![t, t2], ..Call::default() };
        let lex = crate::lexicon::Lexicon::default();
        let item = Item {
            code: "PR101",
            category: Category::Pressure,
            severity: Some(Severity::High),
            turn: 0,
            speaker: Role::Agent,
            start: 9,
            end: 17,
            text: "to court".into(),
            message: "m".into(),
            acknowledged: None,
            acknowledged_at: None,
            note: None,
            accepted: false,
        };
        let a = crate::rules::Analysis { findings: vec![item], ..Default::default() };
        let mut buf = Vec::new();
        write(&mut buf, &Report { call: &call, analysis: &a, lex: &lex }).expect("renders");
        let page = String::from_utf8(buf).expect("utf-8");
        assert!(page.contains("Timeline") && page.contains(">to court</mark>"));
    }

    #[test]
    fn href_encodes() {
        assert_eq!(href("a b\"c.html"), "a%20b%22c.html");
    }
}
