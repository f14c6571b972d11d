//! The command line: argument definitions (documented where they are defined) and dispatch. Policy lives here:
//! what to print, where, and which exit status; the library never prints or exits.

mod analyze;
mod catalog;
mod check;
mod config;
mod lint;
mod live;
mod pages;
mod summary;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use callcoach::input::InputFormat;
use callcoach::report::Format;

/// Coach debt-collection calls: flags pressure, misleading statements, missed empathy, ignored requests and
/// missing disclosures turn by turn, credits good practice, and scores respectful practice 0-100.
///
/// Flags are coaching prompts for review, never legal verdicts.
#[derive(Parser, Debug)]
#[command(name = "callcoach", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Analyse transcripts: files, folders (walked recursively) or `-` for standard input.
    Analyze(AnalyzeArgs),
    /// Summarise an archive per agent and per team: score averages and distributions, top rules, calls under a
    /// threshold, errors, contact patterns. Shard summaries merge exactly (`--merge`).
    Summary(summary::SummaryArgs),
    /// Print the rule catalog: code, category, severity, summary.
    Rules {
        /// `text` (a table), `json` (every card with its examples) or `markdown` (docs/RULES.md).
        #[arg(long, value_enum, default_value_t = catalog::CatalogFormat::Text)]
        format: catalog::CatalogFormat,
        /// Use these lexicons on top of the built-in ones.
        #[arg(long, value_name = "DIR")]
        lexicons: Option<PathBuf>,
    },
    /// Explain one rule: what it flags, why it matters, the regulation, the coaching tip and examples.
    Explain {
        /// The rule code, e.g. PR101.
        code: String,
        /// Use these lexicons on top of the built-in ones.
        #[arg(long, value_name = "DIR")]
        lexicons: Option<PathBuf>,
    },
    /// Compare calls with their hand labels (`NAME.expect.toml` beside `NAME.json`) and print precision and
    /// recall per category. Exit 1 when a call's findings or cues differ from its labels.
    Verify {
        /// Labelled calls, or folders of them (default: samples).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Use these lexicons on top of the built-in ones.
        #[arg(long, value_name = "DIR")]
        lexicons: Option<PathBuf>,
    },
    /// One call from the agent's side, on one screen: the score, what went well, what to work on.
    Check(check::CheckArgs),
    /// Coach a call as it happens: read turns from standard input, print an alert the moment one is due.
    Live(live::LiveArgs),
    /// Work with lexicon files.
    Lexicons {
        #[command(subcommand)]
        cmd: LexiconsCmd,
    },
    /// Work with the configuration file (callcoach.toml).
    Config {
        #[command(subcommand)]
        cmd: ConfigCmd,
    },
    /// Check call scripts and email, SMS and letter templates before they reach a customer: every line is agent
    /// speech. Prints `file:line:col: CODE message`; exits 1 when anything is found (for CI).
    Lint(lint::LintArgs),
}

#[derive(Subcommand, Debug)]
enum ConfigCmd {
    /// Validate the configuration and show every setting in force and where it came from.
    Check {
        /// Read this file instead of the nearest callcoach.toml.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// As `analyze --profile`, to see what a run with it would use.
        #[arg(long, value_name = "PROFILE")]
        profile: Option<String>,
        /// As `analyze --lexicons`.
        #[arg(long, value_name = "DIR")]
        lexicons: Option<PathBuf>,
        /// As `analyze --baseline`.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum LexiconsCmd {
    /// Validate lexicon files and print every problem as file:line: message. Without DIR, the built-in ones.
    Check {
        /// A folder of *.toml lexicon files.
        dir: Option<PathBuf>,
    },
}

/// How to read transcripts and which rules apply: the options `analyze`, `summary` and `check` share.
#[derive(clap::Args, Debug, Clone)]
pub struct ReadArgs {
    /// Compliance profile for every call: `us` (FDCPA, Regulation F), `uk` (FCA CONC 7) or `neutral` (the rules
    /// both share). Without it, a call's own "profile" field decides, and neutral applies when it has none.
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// A folder of lexicon files that extend (or, with `replace = true`, replace) the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub lexicons: Option<PathBuf>,
    /// The input format; `auto` recognises it from the content.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// A speaker label that is the agent (repeatable); other speakers become the customer.
    #[arg(long, value_name = "LABEL")]
    pub agent_speaker: Vec<String>,
}

impl ReadArgs {
    /// The reader's options.
    pub fn read_options(&self) -> callcoach::input::ReadOptions {
        callcoach::input::ReadOptions { format: self.input_format, agent_speakers: self.agent_speaker.clone() }
    }
}

/// Which configuration file and baseline apply: the options `analyze` and `summary` share, read by the same setup
/// (`config::analyze_setup`), so both commands see the same settings.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ConfigArgs {
    /// Read settings from this file instead of the nearest callcoach.toml (current folder, then parents).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any callcoach.toml.
    #[arg(long)]
    pub no_config: bool,
    /// Findings listed in this baseline file are shown as accepted and do not count (overrides the config's).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

/// Options of `callcoach analyze`.
#[derive(clap::Args, Debug)]
pub struct AnalyzeArgs {
    /// Files or folders to read; `-` (or nothing) reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to this file instead of standard output. With `--format html`, a folder (an existing one,
    /// a path ending in `/`, or any path when there are several calls) gets one page per call and an index.html.
    #[arg(long, value_name = "FILE_OR_DIR")]
    pub out: Option<PathBuf>,
    /// How to read the transcripts and which rules to apply.
    #[command(flatten)]
    pub read: ReadArgs,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// When walking folders, read only files with these extensions (comma-separated, e.g. `jsonl,gz`; default
    /// json, jsonl, ndjson, txt, vtt, srt, gz). Files named on the command line are always read.
    #[arg(long, value_name = "EXT", value_delimiter = ',')]
    pub ext: Vec<String>,
    /// Exit with status 1 when any call scores under SCORE.
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<i32>,
    /// Show personal data instead of redacting it. By default card numbers, SSNs, National Insurance numbers,
    /// sort codes with account numbers, emails and phone numbers are replaced by placeholders such as `[card]`
    /// before analysis, in every output format.
    #[arg(long)]
    pub no_redact: bool,
    /// Print nothing on standard error but errors.
    #[arg(long)]
    pub quiet: bool,
    /// Also print, per call, every hit that context changed and why (text format), to answer "why was this
    /// (not) flagged?".
    #[arg(long)]
    pub explain_matches: bool,
    /// The configuration file and baseline.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Write every finding of this run to FILE as an accepted-findings baseline.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

/// Parse the command line, run, and map the outcome to an exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.cmd {
        Cmd::Analyze(a) => analyze::run(&a),
        Cmd::Summary(s) => summary::run(&s),
        Cmd::Rules { format, lexicons } => catalog::rules(format, lexicons.as_deref()),
        Cmd::Explain { code, lexicons } => catalog::explain(&code, lexicons.as_deref()),
        Cmd::Lexicons { cmd: LexiconsCmd::Check { dir } } => catalog::check(dir.as_deref()),
        Cmd::Verify { paths, lexicons } => verify::run(&paths, lexicons.as_deref()),
        Cmd::Config { cmd: ConfigCmd::Check { config, profile, lexicons, baseline } } => {
            config::check(config.as_deref(), profile.as_deref(), lexicons.as_deref(), baseline.as_deref())
        }
        Cmd::Lint(a) => lint::run(&a),
        Cmd::Check(a) => check::run(&a),
        Cmd::Live(a) => live::run(&a),
    };
    ExitCode::from(code)
}

/// Write to stdout, ending quietly when the reader has gone away (`callcoach ... | head`).
pub(crate) fn broken_pipe_ok(r: std::io::Result<()>) -> Result<(), u8> {
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(0),
        Err(e) => {
            eprintln!("callcoach: cannot write output: {e}");
            Err(2)
        }
    }
}
