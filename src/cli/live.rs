//! `callcoach live`: read turns from standard input as they are said and print an alert the moment one is due.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;

use serde::Serialize;

use callcoach::call::{Call, Role};
use callcoach::finding::{Category, Item, Severity};
use callcoach::input::ReadOptions;
use callcoach::lexicon::Lexicon;
use callcoach::live::{parse_line, Session};
use callcoach::report::schema::ItemOut;

use super::broken_pipe_ok;

/// How alerts are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LiveFormat {
    /// Short lines for a person: what was said, and what to say instead.
    #[default]
    Text,
    /// One JSON object per alert, per line, for a desktop or softphone integration.
    Jsonl,
}

/// Options of `callcoach live`.
#[derive(clap::Args, Debug)]
pub struct LiveArgs {
    /// `text` for a person, `jsonl` (one JSON object per alert) for an integration.
    #[arg(long, value_enum, default_value_t = LiveFormat::Text)]
    pub format: LiveFormat,
    /// Alert a missing identification or mini-Miranda once the agent has spoken this many turns without it.
    #[arg(long, value_name = "N", default_value_t = callcoach::live::DISCLOSURE_AFTER)]
    pub disclosure_after: usize,
    /// Compliance profile: `us`, `uk` or `neutral` (the default: the rules both share).
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// A folder of lexicon files that extend (or replace) the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub lexicons: Option<PathBuf>,
    /// A speaker label that is the agent (repeatable); other speakers become the customer.
    #[arg(long, value_name = "LABEL")]
    pub agent_speaker: Vec<String>,
    /// Show rule codes (e.g. PR101) in text alerts.
    #[arg(long)]
    pub codes: bool,
    /// The call's id.
    #[arg(long, value_name = "ID", default_value = "live")]
    pub id: String,
    /// The configuration and baseline (as in `analyze`): live alerts agree with the reports after the call.
    #[command(flatten)]
    pub config: super::ConfigArgs,
}

/// One alert on the wire: the fields of a finding, and the turn whose reading raised it.
#[derive(Serialize)]
struct AlertOut<'a> {
    #[serde(flatten)]
    item: ItemOut<'a>,
    /// The 0-based index of the last turn read when the alert was raised (`turn` is the turn it is about).
    at_turn: usize,
}

/// Run a live session over standard input; returns the exit status (0, or 2 when the lexicons do not load or a
/// line could not be read).
pub fn run(args: &LiveArgs) -> u8 {
    let read = super::ReadArgs {
        profile: args.profile.clone(),
        lexicons: args.lexicons.clone(),
        input_format: callcoach::input::InputFormat::Auto,
        agent_speaker: args.agent_speaker.clone(),
    };
    let Ok(analyzer) = super::config::analyze_setup(&read, &args.config, None).map(|r| r.analyzer) else {
        return 2;
    };
    let opts = ReadOptions { agent_speakers: args.agent_speaker.clone(), ..ReadOptions::default() };
    let call = Call { id: args.id.clone(), ..Call::default() };
    let mut session = Session::new(&analyzer, call, args.disclosure_after);
    let stdout = io::stdout();
    let color = args.format == LiveFormat::Text && stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = stdout.lock();
    let lex = analyzer.lexicon();
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    let mut bad_lines = 0usize;
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("callcoach: cannot read standard input: {e}");
                return 2;
            }
        }
        line_no += 1;
        let turn = std::str::from_utf8(&buf)
            .map_err(|e| format!("not valid UTF-8 (byte {})", e.valid_up_to()))
            .and_then(|text| parse_line(text, &opts));
        let turn = match turn {
            Ok(Some(t)) => t,
            Ok(None) => continue,
            Err(e) => {
                // A bad line costs only itself: the call goes on with the next one.
                eprintln!("callcoach: -:{line_no}: {e}");
                bad_lines += 1;
                continue;
            }
        };
        let alerts = session.push(turn);
        if let Err(code) = broken_pipe_ok(emit(&mut out, &alerts, &session, lex, args, color)) {
            return code;
        }
    }
    let alerts = session.finish();
    let res = emit(&mut out, &alerts, &session, lex, args, color).and_then(|()| {
        if args.format == LiveFormat::Text && !session.call().turns.is_empty() {
            let s = &session.analysis().score;
            writeln!(out, "call ended: score {}/100 (`callcoach check` shows the whole call)", s.overall)?;
            out.flush()?;
        }
        Ok(())
    });
    if let Err(code) = broken_pipe_ok(res) {
        return code;
    }
    if bad_lines > 0 {
        eprintln!("callcoach: {bad_lines} line(s) could not be read; every other turn was coached");
        2
    } else {
        0
    }
}

/// Write the alerts one by one, flushing after each: a softphone reading the pipe sees an alert as soon as it is
/// written, not when a buffer fills.
fn emit(
    out: &mut impl Write,
    alerts: &[Item],
    session: &Session<'_>,
    lex: &Lexicon,
    args: &LiveArgs,
    color: bool,
) -> io::Result<()> {
    let at_turn = session.call().turns.len().saturating_sub(1);
    for a in alerts {
        let rule = lex.rule(a.code);
        match args.format {
            LiveFormat::Jsonl => {
                let item = ItemOut {
                    code: a.code,
                    category: a.category.as_str(),
                    severity: a.severity.map(Severity::as_str),
                    turn: a.turn,
                    speaker: a.speaker,
                    start: a.start,
                    end: a.end,
                    text: &a.text,
                    message: Some(&a.message),
                    tip: rule.map(|r| r.tip.as_str()).filter(|s| !s.is_empty()),
                    better: rule.map(|r| r.better.as_str()).filter(|s| !s.is_empty()),
                    regulation: rule.map(|r| r.regulation.as_slice()).filter(|r| !r.is_empty()),
                    acknowledged: None,
                    acknowledged_at: None,
                    note: a.note.as_deref(),
                    accepted: false,
                };
                serde_json::to_writer(&mut *out, &AlertOut { item, at_turn })?;
                writeln!(out)?;
            }
            LiveFormat::Text => {
                let sev = a.severity.map(Severity::as_str).unwrap_or("");
                let code = if args.codes { format!(" [{}]", a.code) } else { String::new() };
                let head = format!("! turn {} {sev}: {}{code}", a.turn, a.message);
                let head = if color { format!("\x1b[1;31m{head}\x1b[0m") } else { head };
                writeln!(out, "{head}")?;
                if !a.text.is_empty() {
                    // A missing disclosure is anchored on the call's opening words: quote them as such.
                    let who = match (a.speaker, a.category) {
                        (Role::Agent, Category::Disclosure) => "you opened with",
                        (Role::Agent, _) => "you said",
                        _ => "they said",
                    };
                    writeln!(out, "    {who}: \"{}\"", a.text)?;
                }
                if let Some(r) = rule {
                    if !r.better.is_empty() {
                        writeln!(out, "    try: \"{}\"", r.better)?;
                    } else if !r.tip.is_empty() {
                        writeln!(out, "    tip: {}", r.tip)?;
                    }
                }
            }
        }
        out.flush()?;
    }
    Ok(())
}
