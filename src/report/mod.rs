//! report: render an analysed call. Wire types of the contract live in [`schema`]; each output format is one
//! module with one function. Reporters never decide anything: they print what the rules produced.

pub mod csv;
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
    /// One row per call (scores, counts per category, top rules) for spreadsheets; RFC 4180.
    Csv,
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
    let mut line = Vec::with_capacity(8 * 1024);
    jsonl_line(r, &mut line);
    w.write_all(&line)
}

/// Append one call's JSON line, newline included.
fn jsonl_line(r: &Report<'_>, out: &mut Vec<u8>) {
    // One allocation of about the right size instead of a doubling series of copies: a finding with its rule
    // card writes about 700 bytes, a cue or credit about 250, a trace line about 100.
    let a = r.analysis;
    out.reserve(
        512 + 12 * r.call.turns.len()
            + 700 * a.findings.len()
            + 250 * (a.cues.len() + a.credits.len())
            + 100 * a.score.trace.len(),
    );
    schema::CallOut::new(r).write_compact(out);
    out.push(b'\n');
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

/// How calls are rendered, beyond the format.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colour in the text report.
    pub color: bool,
    /// The text report lists, per call, every hit that context changed and why.
    pub explain_matches: bool,
}

/// Render one call in `format` into `out` (nothing for formats that are not [`Format::renders_per_call`]).
/// Runs on the batch workers, so formatting parallelises; the
/// [`Framing`] then only stitches the pieces together in input order. A new format adds one arm here (and, if it
/// needs a header or a closing, one in [`Framing`]).
///
/// # Errors
/// Serialisation failed.
pub fn render(format: Format, r: &Report<'_>, opts: &RenderOptions, out: &mut Vec<u8>) -> io::Result<()> {
    match format {
        Format::Text => {
            text::write(out, r, opts.color)?;
            if opts.explain_matches {
                for d in &r.analysis.decisions {
                    writeln!(out, "    ~ {} turn {} \"{}\" [{}]: {}", d.code, d.turn, d.text, d.context, d.outcome)?;
                }
            }
            Ok(())
        }
        Format::Jsonl => {
            jsonl_line(r, out);
            Ok(())
        }
        // The framing adds the array around several calls.
        Format::Json => serde_json::to_writer_pretty(&mut *out, &schema::CallOut::new(r)).map_err(io::Error::from),
        Format::Csv => csv::write(out, r),
        Format::Lines => lines::write(out, r),
        // Formats with state across calls (one SARIF document; HTML and Markdown pages with an index) are
        // written by their own writers on the output side, from the call and its analysis.
        Format::Sarif | Format::Html | Format::Md => Ok(()),
    }
}

impl Format {
    /// Whether [`render`] renders this format on the workers; the others need their writer's state.
    pub fn renders_per_call(self) -> bool {
        !matches!(self, Format::Sarif | Format::Html | Format::Md)
    }
}

/// Stitches rendered calls into one output: what comes before the first call, between calls and after the last.
#[derive(Debug)]
pub struct Framing {
    format: Format,
    calls: u64,
    /// `--format json` holds the first call until it knows whether an array is needed.
    held: Option<Vec<u8>>,
}

impl Framing {
    /// A framing for `format`.
    pub fn new(format: Format) -> Framing {
        Framing { format, calls: 0, held: None }
    }

    /// Write what precedes the first call (the CSV header).
    ///
    /// # Errors
    /// Writing failed.
    pub fn begin(&mut self, w: &mut dyn Write) -> io::Result<()> {
        match self.format {
            Format::Csv => csv::write_header(w),
            _ => Ok(()),
        }
    }

    /// Write one call rendered by [`render`].
    ///
    /// # Errors
    /// Writing failed.
    pub fn call(&mut self, w: &mut dyn Write, rendered: &[u8]) -> io::Result<()> {
        self.calls += 1;
        if self.format != Format::Json {
            return w.write_all(rendered);
        }
        // Byte for byte what serde's pretty printer writes for an array: elements indented two spaces.
        match (self.calls, self.held.take()) {
            (1, _) => {
                self.held = Some(rendered.to_vec());
                Ok(())
            }
            (2, Some(first)) => {
                w.write_all(b"[\n")?;
                write_indented(w, &first)?;
                w.write_all(b",\n")?;
                write_indented(w, rendered)
            }
            _ => {
                w.write_all(b",\n")?;
                write_indented(w, rendered)
            }
        }
    }

    /// Write what follows the last call.
    ///
    /// # Errors
    /// Writing failed.
    pub fn end(&mut self, w: &mut dyn Write) -> io::Result<()> {
        if self.format != Format::Json {
            return Ok(());
        }
        match (self.calls, self.held.take()) {
            (0, _) => w.write_all(b"[]\n"),
            (1, Some(one)) => {
                w.write_all(&one)?;
                w.write_all(b"\n")
            }
            _ => w.write_all(b"\n]\n"),
        }
    }
}

fn write_indented(w: &mut dyn Write, json: &[u8]) -> io::Result<()> {
    w.write_all(b"  ")?;
    // JSON strings never hold a raw newline, so every newline byte is a line break of the printer.
    for (i, part) in json.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            w.write_all(b"\n  ")?;
        }
        w.write_all(part)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Format, Framing};

    fn framed(n: usize) -> String {
        let v = serde_json::json!({"a": 1, "b": [1, {"c": "x\ny"}], "d": {}});
        let mut out = Vec::new();
        let mut f = Framing::new(Format::Json);
        f.begin(&mut out).expect("write");
        for _ in 0..n {
            let one = serde_json::to_vec_pretty(&v).expect("json");
            f.call(&mut out, &one).expect("write");
        }
        f.end(&mut out).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn json_framing_is_what_serde_prints_for_the_whole() {
        let v = serde_json::json!({"a": 1, "b": [1, {"c": "x\ny"}], "d": {}});
        let empty: Vec<serde_json::Value> = Vec::new();
        assert_eq!(framed(0), serde_json::to_string_pretty(&empty).expect("json") + "\n");
        assert_eq!(framed(1), serde_json::to_string_pretty(&v).expect("json") + "\n");
        for n in [2, 3, 7] {
            assert_eq!(framed(n), serde_json::to_string_pretty(&vec![v.clone(); n]).expect("json") + "\n");
        }
    }
}
