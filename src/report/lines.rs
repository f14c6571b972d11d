//! `--format lines`: one finding per line, `file:turn:col: CODE message`, for editors, grep and CI logs.
//!
//! `file` is the call's source as everywhere else (`calls.jsonl:17` for a JSONL record, so the fields there are
//! file, record line, turn, column); `turn` is the 0-based turn index of the JSON output; `col` is the 1-based
//! character column of the evidence in that turn's text. Accepted findings (suppressed or in a baseline) are not
//! printed: they are reviewed already.

use std::io::{self, Write};

use super::Report;
use crate::finding::Item;

/// The 1-based character column of byte offset `at` in `text`.
pub fn column(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text[..at].chars().count() + 1
}

/// One finding as a line (without the newline).
pub fn line(r: &Report<'_>, f: &Item) -> String {
    let src = r.call.source.as_ref().map(ToString::to_string).unwrap_or_else(|| r.call.id.clone());
    let col = r.call.turns.get(f.turn).map(|t| column(&t.text, f.start)).unwrap_or(1);
    format!("{src}:{}:{col}: {} {}", f.turn, f.code, one_line(&f.message))
}

/// A message on one line (whitespace runs collapsed), whatever a lexicon author wrote.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Write every counted finding of one call.
///
/// # Errors
/// Writing failed.
pub fn write(w: &mut dyn Write, r: &Report<'_>) -> io::Result<()> {
    for f in r.analysis.findings.iter().filter(|f| !f.accepted) {
        writeln!(w, "{}", line(r, f))?;
    }
    Ok(())
}
