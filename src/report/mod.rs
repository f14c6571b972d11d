//! report: render an analysed call. Wire types of the contract live in [`schema`]; each output format is one
//! module with one function. Reporters never decide anything: they print what the rules produced.

pub mod html;
pub mod lines;
pub mod md;
pub mod sarif;
pub mod schema;
pub mod text;

use std::io::{self, Write};

use crate::call::Call;
use crate::lexicon::Lexicon;
use crate::rules::Analysis;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// The transcript with flagged spans marked and each finding's message and tip.
    #[default]
    Text,
    /// One pretty-printed JSON object per call (an array when there are several).
    Json,
    /// One JSON object per call, one per line, in input order.
    Jsonl,
    /// SARIF 2.1.0 for code-scanning viewers: one result per finding, rule metadata from the catalog.
    Sarif,
    /// One line per finding, `file:turn:col: CODE message`, for editors and grep.
    Lines,
    /// A self-contained HTML page per call (with `--out DIR`, one file per call and an `index.html`).
    Html,
    /// The report as Markdown, for tickets and chats.
    Md,
}

/// Everything a reporter needs about one call.
#[derive(Clone, Copy)]
pub struct Report<'a> {
    /// The call as read.
    pub call: &'a Call,
    /// What the rules found.
    pub analysis: &'a Analysis,
    /// The lexicon (for rule cards: tips, regulations).
    pub lex: &'a Lexicon,
}

/// Write one call as a single JSON line.
///
/// # Errors
/// Writing failed.
pub fn write_jsonl(w: &mut dyn Write, r: &Report<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *w, &schema::CallOut::new(r))?;
    w.write_all(b"\n")
}

/// Write calls as pretty JSON: one object for one call, an array for several.
///
/// # Errors
/// Writing failed.
pub fn write_json(w: &mut dyn Write, reports: &[Report<'_>]) -> io::Result<()> {
    let outs: Vec<_> = reports.iter().map(schema::CallOut::new).collect();
    if outs.len() == 1 {
        serde_json::to_writer_pretty(&mut *w, &outs[0])?;
    } else {
        serde_json::to_writer_pretty(&mut *w, &outs)?;
    }
    w.write_all(b"\n")
}
