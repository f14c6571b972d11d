//! `callcoach lint`: the agent-side rules over call scripts and email, SMS and letter templates.
//!
//! A template is Markdown or plain text in which every line is agent speech. Each paragraph, heading and list
//! item becomes one agent turn of a synthetic call (so a sentence wrapped over two lines still matches), and every
//! finding is mapped back to the line and column of the file. Only the rules that make sense for one-sided text
//! run: pressure, abuse, misleading wording, tone and missing disclosures (the missed-empathy, ignored-request,
//! privacy and timing rules need a customer or a conversation). Written messages are not expected to open with "my name is ... calling
//! from" (the letterhead or sender identifies the firm), so `missing-identification` applies to scripts only.
//! Emails and texts must also carry an opt-out statement (Reg F 1006.6(e), rule `missing-opt-out`).

use std::io::Write;
use std::path::{Path, PathBuf};

use callcoach::call::{Call, Role, Source, Turn};
use callcoach::config::Overrides;
use callcoach::finding::{Category, Item};
use callcoach::report::{lines::one_line, sarif, Report};
use callcoach::rules::{item, Analysis, Analyzer};

use super::broken_pipe_ok;

/// What a template is, which decides the checks that apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TemplateKind {
    /// An email: opt-out statement required.
    Email,
    /// A text message: opt-out statement required.
    Sms,
    /// A letter.
    Letter,
    /// A call script (also the default).
    Script,
}

impl TemplateKind {
    fn as_str(self) -> &'static str {
        match self {
            TemplateKind::Email => "email",
            TemplateKind::Sms => "sms",
            TemplateKind::Letter => "letter",
            TemplateKind::Script => "script",
        }
    }

    fn parse(s: &str) -> Option<TemplateKind> {
        match s.trim().trim_matches(['"', '\'']).to_ascii_lowercase().as_str() {
            "email" | "e-mail" => Some(TemplateKind::Email),
            "sms" | "text" => Some(TemplateKind::Sms),
            "letter" => Some(TemplateKind::Letter),
            "script" => Some(TemplateKind::Script),
            _ => None,
        }
    }

    fn electronic(self) -> bool {
        matches!(self, TemplateKind::Email | TemplateKind::Sms)
    }
}

/// How `lint` prints what it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    /// `file:line:col: CODE message`, one finding per line.
    Lines,
    /// A JSON array of findings with file, kind, line and column.
    Json,
    /// SARIF 2.1.0 with the template's line and columns as the region.
    Sarif,
}

/// Options of `callcoach lint`.
#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Template files (Markdown or plain text, every line agent speech), or folders: walked recursively for
    /// `.md`, `.markdown`, `.txt`, `.eml` and `.sms` files.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// What the files are. Without it: front matter `kind:`, then the file name (`.eml`, `.sms`,
    /// `*.email.md`, `*.sms.txt`, `*.letter.md`, `*.script.txt`), else script.
    #[arg(long, value_enum)]
    pub kind: Option<TemplateKind>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Lines)]
    pub format: LintFormat,
    /// Compliance profile (default: the configuration's, else front matter `profile:`, else us).
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// A folder of lexicon files on top of the built-in ones (and the configuration's).
    #[arg(long, value_name = "DIR")]
    pub lexicons: Option<PathBuf>,
    /// Read settings from this file instead of the nearest callcoach.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any callcoach.toml.
    #[arg(long)]
    pub no_config: bool,
}

/// Where one piece of a turn's text is in the file.
#[derive(Clone, Copy, Debug)]
struct Segment {
    /// Byte offset in the turn text where this line's text starts.
    at: usize,
    /// The 1-based line in the file.
    line: usize,
    /// Characters of markup stripped before the text on that line (`# `, `- `, `> `).
    prefix: usize,
}

/// A template read into turns, with the way back to lines and columns.
#[derive(Debug)]
struct Template {
    kind: TemplateKind,
    profile: Option<String>,
    suppress: Vec<String>,
    turns: Vec<(String, Vec<Segment>)>,
}

/// Strip Markdown block markup from the start of a line: (characters stripped, whether it starts a new block).
fn markup(line: &str) -> (usize, bool) {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let hashes = trimmed.bytes().take_while(|b| *b == b'#').count();
    if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with(' ') {
        return (indent + hashes + 1, true);
    }
    for bullet in ["- ", "* ", "+ ", "> "] {
        if let Some(rest) = trimmed.strip_prefix(bullet) {
            let extra = rest.len() - rest.trim_start().len();
            return (indent + 2 + extra, bullet != "> ");
        }
    }
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && (trimmed[digits..].starts_with(". ") || trimmed[digits..].starts_with(") ")) {
        return (indent + digits + 2, true);
    }
    (indent, false)
}

/// An RFC 5322 header line: `Name: value` with no space in the name.
fn is_header(line: &str) -> bool {
    line.split_once(':')
        .is_some_and(|(k, _)| !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

fn detect_kind(path: &Path, front: Option<TemplateKind>) -> TemplateKind {
    if let Some(k) = front {
        return k;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
    // `reminder.sms.txt`, `notice.eml`, and words of the stem: `final-notice-letter.md`, `payment_email.md`.
    let parts: Vec<&str> = name.split(['.', '-', '_', ' ']).collect();
    for p in parts.iter().rev() {
        match *p {
            "eml" | "email" => return TemplateKind::Email,
            "sms" | "text" => return TemplateKind::Sms,
            "letter" => return TemplateKind::Letter,
            "script" => return TemplateKind::Script,
            _ => {}
        }
    }
    TemplateKind::Script
}

/// Read a template: front matter (`kind:`, `profile:`, `suppress:`), then blocks of text as turns.
fn parse_template(path: &Path, text: &str, forced: Option<TemplateKind>) -> Template {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut front_kind = None;
    let mut profile = None;
    let mut suppress = Vec::new();
    let mut first = 0;
    if lines.first().is_some_and(|l| l.trim() == "---") {
        if let Some(end) = lines.iter().skip(1).position(|l| l.trim() == "---" || l.trim() == "...") {
            for l in &lines[1..=end] {
                let Some((k, v)) = l.split_once(':') else {
                    continue;
                };
                match k.trim() {
                    "kind" | "channel" => front_kind = TemplateKind::parse(v),
                    "profile" => profile = Some(v.trim().trim_matches(['"', '\'']).to_owned()),
                    "suppress" => suppress.extend(
                        v.split([',', '[', ']', ' '])
                            .map(|c| c.trim().trim_matches(['"', '\'']))
                            .filter(|c| !c.is_empty())
                            .map(str::to_owned),
                    ),
                    _ => {}
                }
            }
            first = end + 2;
        }
    }
    // A saved email (`.eml`) starts with its headers (From:, Subject:): they are not what the customer reads.
    let is_eml = path.extension().is_some_and(|x| x.eq_ignore_ascii_case("eml"));
    if is_eml && first == 0 && lines.first().is_some_and(|l| is_header(l)) {
        first = lines.iter().position(|l| l.trim().is_empty()).map_or(lines.len(), |i| i + 1);
    }
    let mut turns: Vec<(String, Vec<Segment>)> = Vec::new();
    let mut open = false;
    let mut in_fence = false;
    let mut in_comment = false;
    for (i, raw) in lines.iter().enumerate().skip(first) {
        let t = raw.trim();
        // Comments and fences are for the template's authors, not the customer.
        if in_comment {
            in_comment = !t.contains("-->");
            open = false;
            continue;
        }
        if t.starts_with("<!--") {
            in_comment = !t.contains("-->");
            open = false;
            continue;
        }
        if t.starts_with("```") {
            in_fence = !in_fence;
            open = false;
            continue;
        }
        if t.is_empty() || in_fence || t.chars().all(|c| matches!(c, '-' | '=' | '*' | '_')) {
            open = false;
            continue;
        }
        let (strip, new_block) = markup(raw);
        let strip = strip.min(raw.len());
        let body = &raw[strip..];
        let heading = raw.trim_start().starts_with('#');
        if !open || new_block {
            turns.push((String::new(), Vec::new()));
        }
        if let Some((text, segs)) = turns.last_mut() {
            if !text.is_empty() {
                text.push('\n');
            }
            segs.push(Segment { at: text.len(), line: i + 1, prefix: raw[..strip].chars().count() });
            text.push_str(body.trim_end());
        }
        // A heading is a block of its own: the next line starts a new turn.
        open = !heading;
    }
    Template { kind: detect_kind(path, forced.or(front_kind)), profile, suppress, turns }
}

impl Template {
    /// The 1-based line and column of byte offset `at` in turn `turn`.
    fn position(&self, turn: usize, at: usize) -> (usize, usize) {
        let Some((text, segs)) = self.turns.get(turn) else {
            return (1, 1);
        };
        let Some(seg) = segs.iter().rev().find(|s| s.at <= at).or(segs.first()) else {
            return (1, 1);
        };
        let start = seg.at.min(text.len());
        let mut end = at.clamp(start, text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        (seg.line, seg.prefix + text[start..end].chars().count() + 1)
    }

    fn call(&self, path: &Path) -> Call {
        let name = path.display().to_string();
        Call {
            id: name.clone(),
            source: Some(Source::file(name)),
            turns: self.turns.iter().map(|(t, _)| Turn::new("agent", Role::Agent, t.as_str())).collect(),
            profile: Some(self.profile.clone().unwrap_or_else(|| "us".to_owned())),
            suppress: self.suppress.clone(),
            ..Call::default()
        }
    }
}

/// Whether a finding belongs in a template check.
fn applies(analyzer: &Analyzer, kind: TemplateKind, f: &Item) -> bool {
    let engine = analyzer.lexicon().rule(f.code).and_then(|r| r.engine.as_deref());
    match f.category {
        Category::Pressure | Category::Abuse | Category::Misleading => true,
        // Tone (blunt wording) applies to writing too; the timing rules of the category need a conversation.
        Category::Conduct => engine.is_none(),
        Category::Disclosure => kind == TemplateKind::Script || engine != Some("missing-identification"),
        _ => false,
    }
}

/// The opt-out check (rule engine `missing-opt-out`): an email or text with no opt-out statement credit.
fn opt_out(analyzer: &Analyzer, disabled: &dyn Fn(&str) -> bool, call: &Call, a: &mut Analysis) {
    let profile = analyzer.profile_for(call).to_owned();
    let lex = analyzer.lexicon();
    let Some(rule) = lex.rules.iter().find(|r| r.engine.as_deref() == Some("missing-opt-out")) else {
        return;
    };
    if !rule.in_profile(&profile) || disabled(rule.code) || call.turns.is_empty() {
        return;
    }
    let offered = a.credits.iter().any(|c| lex.rule(c.code).is_some_and(|r| r.name == "opt-out-statement"));
    if !offered {
        let first = &call.turns[0].text;
        let end = first.find('\n').unwrap_or(first.len());
        let mut f = item(rule, call, 0, 0, end);
        if call.suppress.iter().any(|c| c.eq_ignore_ascii_case(rule.code)) {
            f.accepted = true;
            f.note = Some("suppressed in the template's front matter".into());
        }
        a.findings.insert(0, f);
    }
}

/// File extensions read when a folder is given.
const TEMPLATE_EXTENSIONS: &[&str] = &["md", "markdown", "txt", "eml", "sms"];

/// The files to check: files as given, folders walked recursively in name order.
fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
            // Reported when read, like any unreadable file.
            Err(_) => return out.push(dir.to_path_buf()),
        };
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| TEMPLATE_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out);
        } else {
            out.push(p.clone());
        }
    }
    out
}

struct Linted {
    path: PathBuf,
    template: Template,
    call: Call,
    analysis: Analysis,
}

/// Run `callcoach lint`: 0 nothing found, 1 findings, 2 a file could not be read or the setup failed.
pub fn run(args: &LintArgs) -> u8 {
    let ov = Overrides { profile: args.profile.as_deref(), lexicons: args.lexicons.as_deref(), baseline: None };
    let Ok(setup) = super::config::load_setup(args.config.as_deref(), args.no_config, &ov) else {
        return 2;
    };
    let analyzer = match setup.analyzer() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("callcoach: {e}");
            return 2;
        }
    };
    let disabled = |code: &str| setup.policy.disabled.contains(code);
    let mut errors = 0;
    let mut done = Vec::new();
    for path in &expand(&args.files) {
        let text = match std::fs::read(path) {
            Ok(b) => match String::from_utf8(b) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!(
                        "callcoach: {}: not valid UTF-8 (byte {}); save the template as UTF-8",
                        path.display(),
                        e.utf8_error().valid_up_to()
                    );
                    errors += 1;
                    continue;
                }
            },
            Err(e) => {
                eprintln!("callcoach: {}: cannot read: {e}", path.display());
                errors += 1;
                continue;
            }
        };
        let template = parse_template(path, &text, args.kind);
        let call = template.call(path);
        let mut analysis = analyzer.analyze(&call);
        analysis.findings.retain(|f| applies(&analyzer, template.kind, f));
        if template.kind.electronic() {
            opt_out(&analyzer, &disabled, &call, &mut analysis);
        }
        done.push(Linted { path: path.clone(), template, call, analysis });
    }
    let found: usize = done.iter().map(|l| l.analysis.findings.iter().filter(|f| !f.accepted).count()).sum();
    let out = match args.format {
        LintFormat::Lines => {
            let mut s = String::new();
            for l in &done {
                for f in l.analysis.findings.iter().filter(|f| !f.accepted) {
                    let (line, col) = l.template.position(f.turn, f.start);
                    s.push_str(&format!("{}:{line}:{col}: {} {}\n", l.path.display(), f.code, one_line(&f.message)));
                }
            }
            s
        }
        LintFormat::Json => {
            let analyzer = &analyzer;
            let items: Vec<serde_json::Value> = done
                .iter()
                .flat_map(|l| {
                    l.analysis.findings.iter().map(move |f| {
                        let (line, column) = l.template.position(f.turn, f.start);
                        let rule = analyzer.lexicon().rule(f.code);
                        serde_json::json!({
                            "file": l.path.display().to_string(), "kind": l.template.kind.as_str(),
                            "line": line, "column": column, "code": f.code, "category": f.category.as_str(),
                            "severity": f.severity.map(|s| s.as_str()), "message": f.message, "text": f.text,
                            "tip": rule.map(|r| r.tip.as_str()), "accepted": f.accepted,
                        })
                    })
                })
                .collect();
            serde_json::to_string_pretty(&items).unwrap_or_default() + "\n"
        }
        LintFormat::Sarif => {
            let reps: Vec<Report<'_>> =
                done.iter().map(|l| Report { call: &l.call, analysis: &l.analysis, lex: analyzer.lexicon() }).collect();
            let mut locate = |r: &Report<'_>, f: &Item| {
                let l = done.iter().find(|l| std::ptr::eq(&l.call, r.call));
                let (line, col, end) = match l {
                    Some(l) => {
                        let (line, col) = l.template.position(f.turn, f.start);
                        let (end_line, end_col) = l.template.position(f.turn, f.end);
                        (line, col, (end_line == line).then_some(end_col))
                    }
                    None => (1, 1, None),
                };
                (r.call.id.clone(), sarif::Region { line: Some(line), column: Some(col), end_column: end })
            };
            let log = sarif::log(&reps, analyzer.lexicon(), sarif::Options::default(), &mut locate);
            serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
        }
    };
    if let Err(c) = broken_pipe_ok(std::io::stdout().lock().write_all(out.as_bytes())) {
        return c;
    }
    if errors > 0 {
        2
    } else if found > 0 {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_positions() {
        let text = "---\nkind: sms\nsuppress: [PR101]\n---\n# Reminder\n\nHi {{name}}, your balance\nis overdue.\n\n- Pay today\n- Or call us\n";
        let t = parse_template(Path::new("x.md"), text, None);
        assert_eq!(t.kind, TemplateKind::Sms);
        assert_eq!(t.suppress, vec!["PR101".to_owned()]);
        let texts: Vec<&str> = t.turns.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(texts, vec!["Reminder", "Hi {{name}}, your balance\nis overdue.", "Pay today", "Or call us"]);
        // "is" is on file line 8, column 1; "Pay" on line 10 after "- ".
        let at = texts[1].find("is overdue").unwrap_or(0);
        assert_eq!(t.position(1, at), (8, 1));
        assert_eq!(t.position(2, 0), (10, 3));
        assert_eq!(t.position(0, 0), (5, 3));
    }

    #[test]
    fn kind_from_name_and_comments_skipped() {
        assert_eq!(detect_kind(Path::new("a/reminder.email.md"), None), TemplateKind::Email);
        assert_eq!(detect_kind(Path::new("r.sms"), None), TemplateKind::Sms);
        assert_eq!(detect_kind(Path::new("r.eml"), None), TemplateKind::Email);
        assert_eq!(detect_kind(Path::new("notice.md"), None), TemplateKind::Script);
        assert_eq!(detect_kind(Path::new("final-notice-letter.md"), None), TemplateKind::Letter);
        assert_eq!(detect_kind(Path::new("x.sms.md"), Some(TemplateKind::Email)), TemplateKind::Email);
        let eml = parse_template(Path::new("n.eml"), "From: a@b.c\nSubject: Hi\n\nHello there.\n", None);
        assert_eq!(eml.kind, TemplateKind::Email);
        assert_eq!(eml.turns.len(), 1);
        assert_eq!(eml.position(0, 0), (4, 1));
        let t = parse_template(Path::new("x.txt"), "<!-- note\nstill -->\nHello.\n```\ncode\n```\n", None);
        assert_eq!(t.turns.len(), 1);
        assert_eq!(t.position(0, 0), (3, 1));
    }

    #[test]
    fn odd_input_does_not_panic() {
        for text in ["", "---", "---\n", "#", "# \n-", "1.", "\u{feff}é\n\n\n", "---\nkind\n---\n- \n"] {
            let t = parse_template(Path::new("x"), text, None);
            for (i, (s, _)) in t.turns.iter().enumerate() {
                for at in 0..=s.len() + 2 {
                    let _ = t.position(i, at);
                }
            }
        }
    }
}
