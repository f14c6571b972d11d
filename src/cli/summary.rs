//! `callcoach summary`: figures per agent and per team over an archive, from transcripts (analysed here), from
//! `analyze --format jsonl` output (`--from-jsonl`), or from shard summaries (`--merge`).

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;

use callcoach::batch::{self, collect_inputs_with, walk_inputs, BatchConfig, Flow, Outcome, Progress};
use callcoach::input::InputError;
use callcoach::summary::{CallStats, Summary};

use super::analyze::{open_out, Bar};
use super::broken_pipe_ok;

/// How the summary is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SummaryFormat {
    /// Tables for people.
    #[default]
    Text,
    /// One JSON object on one line: sums, counts and histograms (mergeable with `--merge`) plus derived figures.
    Json,
}

/// Options of `callcoach summary`.
#[derive(clap::Args, Debug)]
pub struct SummaryArgs {
    /// Transcripts to analyse (files, folders, `-`); with --from-jsonl, `analyze --format jsonl` output; with
    /// --merge, summaries written by `summary --format json`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// The PATHs are the output of `callcoach analyze --format jsonl`: summarise it without analysing again.
    #[arg(long, conflicts_with = "merge")]
    pub from_jsonl: bool,
    /// The PATHs are summaries (`summary --format json`, one or more per file): add them up.
    #[arg(long)]
    pub merge: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
    /// Write the summary to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also group calls by this field (a call's metadata field such as `team`, or `account_id`, `profile`).
    /// Calls are always grouped by `agent_id`.
    #[arg(long, value_name = "FIELD")]
    pub group_by: Option<String>,
    /// Count calls whose overall score is under SCORE, per group.
    #[arg(long, value_name = "SCORE", default_value_t = 60)]
    pub threshold: i32,
    /// Run the contact-pattern checks across the archive (needs account_id and started_at on the calls).
    #[arg(long)]
    pub contact: bool,
    /// Write every contact-pattern finding to FILE as JSONL (implies --contact).
    #[arg(long, value_name = "FILE")]
    pub contact_report: Option<PathBuf>,
    /// Exit with status 1 when any call scores under SCORE.
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<i32>,
    /// How to read the transcripts and which rules to apply (as in `analyze`).
    #[command(flatten)]
    pub read: super::ReadArgs,
    /// The configuration file and baseline (as in `analyze`).
    #[command(flatten)]
    pub config: super::ConfigArgs,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// When walking folders, read only files with these extensions (comma-separated, e.g. `jsonl,gz`).
    #[arg(long, value_name = "EXT", value_delimiter = ',')]
    pub ext: Vec<String>,
    /// Print nothing on standard error but errors.
    #[arg(long)]
    pub quiet: bool,
    /// Analyse the text as it is, without redacting personal data first (as in `analyze`).
    #[arg(long)]
    pub no_redact: bool,
}

/// Run `callcoach summary`; returns the exit status (0 ok, 1 under --fail-under, 2 an input failed).
pub fn run(args: &SummaryArgs) -> u8 {
    let contact = args.contact || args.contact_report.is_some();
    let mut summary = Summary::new(args.threshold, args.group_by.clone(), contact);
    let rules;
    if args.merge || args.from_jsonl {
        // Scores and findings were decided when the calls were analysed; the configuration still decides which
        // contact rules run, and their severities, exactly as when summary analyses the transcripts.
        let Ok(setup) = super::config::setup(&args.read, &args.config) else { return 2 };
        rules = setup.contact_rules();
        if args.merge {
            match merge(&args.paths) {
                Ok(Some(s)) => summary = s,
                Ok(None) => {
                    eprintln!("callcoach: no summaries to merge");
                    return 2;
                }
                Err(code) => return code,
            }
        } else {
            from_jsonl(args, contact, &mut summary);
            if let Some(field) = args.group_by.as_deref().filter(|_| !args.quiet) {
                let none = summary.teams.get(callcoach::summary::NONE).map_or(0, |g| g.calls);
                if summary.total.calls > 0 && none == summary.total.calls {
                    eprintln!(
                        "callcoach: no line of the analyze output has {field:?}, so every call is in {}: --from-jsonl \
                         groups only by fields analyze writes (agent_id, account_id, profile, started_at, direction, \
                         outcome); summarise the transcripts to group by other metadata",
                        callcoach::summary::NONE
                    );
                }
            }
        }
    } else {
        // The same setup as `analyze`: callcoach.toml (or --config), profile, lexicons, disabled rules, allow
        // lists, severities, weights and baseline.
        let Ok(run) = super::config::analyze_setup(&args.read, &args.config, None) else { return 2 };
        rules = run.contact;
        let analyzer = run.analyzer;
        let opts = args.read.read_options();
        let (inputs, mut bar) = Bar::with_inputs(&args.paths, &args.ext, args.quiet);
        let progress = Progress::default();
        let group_by = args.group_by.as_deref();
        let res = batch::run(
            inputs,
            &analyzer,
            &opts,
            &BatchConfig { redact: !args.no_redact, ..BatchConfig::new(args.threads) },
            &progress,
            |call, a| CallStats::new(call, a, group_by, contact),
            |o| {
                match o {
                    Outcome::Call(s) => {
                        bar.tick(&progress);
                        summary.add(s);
                    }
                    Outcome::Error(e) => {
                        bar.eprintln(&e.to_string());
                        summary.add_error(&e.source.path);
                    }
                }
                Flow::Continue
            },
        );
        bar.finish();
        if let Err(e) = res {
            eprintln!("callcoach: {e}");
            return 2;
        }
    }
    summary.finish(&rules);
    if let Some(p) = &args.contact_report {
        if let Err(code) = write_contact_report(p, &summary) {
            return code;
        }
    }
    let mut out = match open_out(args.out.as_deref()) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let written = match args.format {
        SummaryFormat::Text => out.write_all(summary.text().as_bytes()),
        SummaryFormat::Json => {
            serde_json::to_writer(&mut out, &summary).map_err(std::io::Error::from).and_then(|()| out.write_all(b"\n"))
        }
    };
    if let Err(code) = broken_pipe_ok(written.and_then(|()| out.flush())) {
        return code;
    }
    let min = summary.total.overall().hist.keys().next().copied().map(i32::from);
    if summary.errors > 0 {
        if !args.quiet {
            eprintln!("callcoach: {} input(s) could not be read; every other call was counted", summary.errors);
        }
        2
    } else if args.fail_under.zip(min).is_some_and(|(f, m)| m < f) {
        1
    } else {
        0
    }
}

fn write_contact_report(path: &std::path::Path, s: &Summary) -> Result<(), u8> {
    let mut w = open_out(Some(path))?;
    let res = s
        .contact
        .iter()
        .flat_map(|c| &c.findings)
        .try_for_each(|f| {
            serde_json::to_writer(&mut w, f).map_err(std::io::Error::from).and_then(|()| w.write_all(b"\n"))
        })
        .and_then(|()| w.flush());
    res.map_err(|e| {
        eprintln!("callcoach: cannot write {}: {e}", path.display());
        2
    })
}

/// Summarise `analyze --format jsonl` output, streamed line by line; bad lines are counted with file and line.
fn from_jsonl(args: &SummaryArgs, contact: bool, summary: &mut Summary) {
    for input in walk_inputs(&args.paths, &args.ext) {
        let input = match input {
            Ok(i) => i,
            Err(e) => {
                eprintln!("callcoach: {e}");
                summary.add_error(&e.source.path);
                continue;
            }
        };
        let name = input.name();
        let mut r = match batch::open(&input, Default::default()) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("callcoach: {e}");
                summary.add_error(&name);
                continue;
            }
        };
        let mut line = Vec::new();
        let mut n = 0usize;
        loop {
            line.clear();
            n += 1;
            match (&mut r).take(batch::MAX_LINE as u64).read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) if line.iter().all(u8::is_ascii_whitespace) => continue,
                Ok(_) => match CallStats::from_jsonl(&line, args.group_by.as_deref(), contact) {
                    Ok(s) => summary.add(s),
                    Err(m) => {
                        eprintln!("callcoach: {name}:{n}: {m}");
                        summary.add_error(&name);
                    }
                },
                Err(e) => {
                    eprintln!("callcoach: {name}:{n}: cannot read: {e}");
                    summary.add_error(&name);
                    break;
                }
            }
        }
    }
}

/// Add up every summary in the files (each file may hold several, one after the other, as Spark writes them).
fn merge(paths: &[String]) -> Result<Option<Summary>, u8> {
    let mut total: Option<Summary> = None;
    for input in collect_inputs_with(paths, &["json".to_owned(), "jsonl".to_owned()]) {
        let input = input.map_err(|e: InputError| {
            eprintln!("callcoach: {e}");
            2
        })?;
        let name = input.name();
        let mut text = String::new();
        batch::open(&input, Default::default())
            .map_err(|e| e.to_string())
            .and_then(|mut r| r.read_to_string(&mut text).map_err(|e| format!("{name}: cannot read: {e}")))
            .map_err(|m| {
                eprintln!("callcoach: {m}");
                2
            })?;
        for (i, s) in serde_json::Deserializer::from_str(&text).into_iter::<Summary>().enumerate() {
            let s = s.map_err(|e| {
                eprintln!(
                    "callcoach: {name}:{}: not a summary (write them with `summary --format json`): {e}",
                    e.line()
                );
                2
            })?;
            match &mut total {
                None => total = Some(s),
                Some(t) => t.merge(&s).map_err(|m| {
                    eprintln!("callcoach: {name}: summary {}: {m}", i + 1);
                    2
                })?,
            }
        }
    }
    Ok(total)
}
