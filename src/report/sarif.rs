//! `--format sarif`: SARIF 2.1.0, the format code-scanning viewers and CI dashboards read.
//!
//! One log, one run, one result per finding, with the rule metadata of the catalog in `tool.driver.rules` (summary,
//! why it matters, the coaching tip, a better phrasing, the regulations). Each result has a physical location: the
//! source file and a region (the line of the JSON record, and the columns of the evidence when the turn's text
//! can be found in the file; see [`SourceIndex`]). The call id, turn, speaker and byte offsets of the contract are
//! in the result's `properties`.
//!
//! Accepted findings are kept, with a SARIF `suppressions` entry (`inSource` for a call's own `suppress`,
//! `external` for a baseline), so viewers show them as suppressed rather than losing them. When a baseline is in
//! use every result also has a `baselineState`. `partialFingerprints` carries the baseline key, hashed, so viewers
//! track a finding across runs the same way the baseline does.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{json, Map, Value};

use super::Report;
use crate::baseline;
use crate::finding::{Item, Kind, Severity};
use crate::lexicon::{sorted, Lexicon, Rule};

/// Source files up to this size are read again to find columns for SARIF regions.
pub const MAX_INDEXED_BYTES: u64 = 64 * 1024 * 1024;

/// The schema URI written into the log.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where a finding is in a file: 1-based line and character columns, when known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Region {
    /// The 1-based line.
    pub line: Option<usize>,
    /// The 1-based column of the evidence's first character.
    pub column: Option<usize>,
    /// The 1-based column one past the evidence's last character.
    pub end_column: Option<usize>,
}

/// The SARIF level of a severity: critical and high are errors, medium a warning, low and info notes.
pub fn level(sev: Option<Severity>) -> &'static str {
    match sev {
        Some(Severity::Critical | Severity::High) => "error",
        Some(Severity::Medium) => "warning",
        _ => "note",
    }
}

/// A path as a SARIF URI reference: forward slashes, reserved characters escaped, absolute paths as `file://`.
pub fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let mut out = String::with_capacity(p.len());
    for c in p.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    if out.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

fn rule_descriptor(r: &Rule) -> Value {
    let mut help = r.tip.clone();
    let mut md = format!("**{}** ({})\n\n{}", r.summary, r.code, r.why);
    if !r.tip.is_empty() {
        md.push_str(&format!("\n\n**Coaching tip:** {}", r.tip));
    }
    if !r.better.is_empty() {
        help.push_str(&format!(" Try: \"{}\"", r.better));
        md.push_str(&format!("\n\n**Try:** \"{}\"", r.better));
    }
    if !r.regulation.is_empty() {
        md.push_str(&format!("\n\n**See:** {}", r.regulation.join("; ")));
    }
    if help.trim().is_empty() {
        help = r.summary.clone();
    }
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": if r.why.is_empty() { &r.summary } else { &r.why }},
        "help": {"text": help.trim(), "markdown": md},
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {
            "category": r.category.as_str(),
            "severity": r.severity.map(Severity::as_str),
            "regulation": r.regulation,
            "tags": ["callcoach", r.category.as_str()],
        },
    })
}

/// A stable 64-bit FNV-1a hash, as 16 hex digits: the same key gives the same fingerprint on every build.
fn fingerprint(key: &baseline::Entry) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [key.call.as_str(), key.code.as_str(), key.text.as_str(), &key.occurrence.to_string()] {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Options of the SARIF log.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// A baseline is in use: every result gets a `baselineState` (`unchanged` when accepted by it, else `new`).
    pub baseline: bool,
}

/// The catalog's finding rules, in code order, and each code's index among them (`ruleIndex`).
fn driver_rules(lex: &Lexicon) -> (Vec<&Rule>, HashMap<&'static str, usize>) {
    let rules: Vec<&Rule> = sorted(lex).into_iter().filter(|r| r.kind() == Kind::Finding).collect();
    let index = rules.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
    (rules, index)
}

/// `tool` of the run: callcoach and the rule cards.
fn tool(rules: &[&Rule]) -> Value {
    json!({"driver": {
        "name": "callcoach",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
    }})
}

/// The results of one call, one per finding.
fn results(
    r: &Report<'_>,
    index: &HashMap<&'static str, usize>,
    opts: Options,
    locate: &mut dyn FnMut(&Report<'_>, &Item) -> (String, Region),
) -> Vec<Value> {
    let keys = baseline::keys(r.call, r.analysis);
    let mut out = Vec::with_capacity(r.analysis.findings.len());
    for (fi, f) in r.analysis.findings.iter().enumerate() {
        let (path, region) = locate(r, f);
        let mut physical = Map::new();
        physical.insert("artifactLocation".into(), json!({"uri": uri(&path)}));
        if let Some(line) = region.line {
            let mut reg = Map::new();
            reg.insert("startLine".into(), json!(line.max(1)));
            if let Some(c) = region.column {
                reg.insert("startColumn".into(), json!(c.max(1)));
            }
            if let Some(c) = region.end_column {
                reg.insert("endColumn".into(), json!(c.max(1)));
            }
            if !f.text.is_empty() {
                reg.insert("snippet".into(), json!({"text": f.text}));
            }
            physical.insert("region".into(), Value::Object(reg));
        }
        let mut res = Map::new();
        res.insert("ruleId".into(), json!(f.code));
        if let Some(i) = index.get(f.code) {
            res.insert("ruleIndex".into(), json!(i));
        }
        res.insert("level".into(), json!(level(f.severity)));
        let said = if f.text.is_empty() { String::new() } else { format!(": \"{}\"", f.text) };
        res.insert("message".into(), json!({"text": format!("{}{said}", f.message)}));
        res.insert(
            "locations".into(),
            json!([{
                "physicalLocation": physical,
                "logicalLocations": [{"name": format!("turn {}", f.turn), "fullyQualifiedName": format!("{}/turn/{}", r.call.id, f.turn), "kind": "element"}],
            }]),
        );
        if let Some((_, key)) = keys.get(fi) {
            res.insert("partialFingerprints".into(), json!({"callcoachKey/v1": fingerprint(key)}));
        }
        if f.accepted {
            let in_call = r.call.suppress.iter().any(|c| c.eq_ignore_ascii_case(f.code));
            let kind = if in_call { "inSource" } else { "external" };
            let why = f.note.clone().unwrap_or_else(|| "accepted".into());
            res.insert("suppressions".into(), json!([{"kind": kind, "justification": why}]));
        }
        if opts.baseline {
            let state = if f.accepted && !r.call.suppress.iter().any(|c| c.eq_ignore_ascii_case(f.code)) {
                "unchanged"
            } else {
                "new"
            };
            res.insert("baselineState".into(), json!(state));
        }
        let mut props = Map::new();
        props.insert("callId".into(), json!(r.call.id));
        props.insert("source".into(), json!(r.call.source.as_ref().map(ToString::to_string).unwrap_or_default()));
        props.insert("turn".into(), json!(f.turn));
        props.insert("speaker".into(), json!(f.speaker.as_str()));
        props.insert("start".into(), json!(f.start));
        props.insert("end".into(), json!(f.end));
        props.insert("category".into(), json!(f.category.as_str()));
        props.insert("severity".into(), json!(f.severity.map(Severity::as_str)));
        if let Some(n) = &f.note {
            props.insert("note".into(), json!(n));
        }
        res.insert("properties".into(), Value::Object(props));
        out.push(Value::Object(res));
    }
    out
}

/// Build the whole SARIF log for these reports. `locate` gives each finding's file (as a path) and region.
pub fn log(
    reports: &[Report<'_>],
    lex: &Lexicon,
    opts: Options,
    locate: &mut dyn FnMut(&Report<'_>, &Item) -> (String, Region),
) -> Value {
    let (rules, index) = driver_rules(lex);
    let results: Vec<Value> = reports.iter().flat_map(|r| results(r, &index, opts, locate)).collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": tool(&rules), "columnKind": "unicodeCodePoints", "results": results}],
    })
}

/// Write the SARIF log, pretty-printed.
///
/// # Errors
/// Writing failed.
pub fn write(
    w: &mut dyn Write,
    reports: &[Report<'_>],
    lex: &Lexicon,
    opts: Options,
    locate: &mut dyn FnMut(&Report<'_>, &Item) -> (String, Region),
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &log(reports, lex, opts, locate))?;
    w.write_all(b"\n")
}

/// A SARIF log written call by call, so a large batch is never held in memory: [`Stream::begin`] writes the
/// log up to the results, [`Stream::call`] each call's results as soon as it is analysed, [`Stream::end`] closes
/// the log. One result per line.
#[derive(Debug)]
pub struct Stream {
    index: HashMap<&'static str, usize>,
    opts: Options,
    first: bool,
}

impl Stream {
    /// Write the start of the log: the tool with the catalog's rule cards.
    ///
    /// # Errors
    /// Writing failed.
    pub fn begin(w: &mut dyn Write, lex: &Lexicon, opts: Options) -> io::Result<Stream> {
        let (rules, index) = driver_rules(lex);
        // Written by hand so that `results` comes last whatever order a JSON map keeps its keys in.
        write!(
            w,
            "{{\"$schema\": {}, \"version\": \"2.1.0\", \"runs\": [{{\"tool\": {}, \"columnKind\": \"unicodeCodePoints\", \"results\": [",
            Value::from(SCHEMA),
            tool(&rules)
        )?;
        Ok(Stream { index, opts, first: true })
    }

    /// Write one call's results.
    ///
    /// # Errors
    /// Writing failed.
    pub fn call(
        &mut self,
        w: &mut dyn Write,
        r: &Report<'_>,
        locate: &mut dyn FnMut(&Report<'_>, &Item) -> (String, Region),
    ) -> io::Result<()> {
        for res in results(r, &self.index, self.opts, locate) {
            w.write_all(if self.first { b"\n" } else { b",\n" })?;
            self.first = false;
            serde_json::to_writer(&mut *w, &res)?;
        }
        Ok(())
    }

    /// Close the log.
    ///
    /// # Errors
    /// Writing failed.
    pub fn end(self, w: &mut dyn Write) -> io::Result<()> {
        w.write_all(b"\n]}]}\n")
    }
}

/// Finds where a call's turns are in its source file, so results point at a line and columns, not just a file.
///
/// A JSON or JSONL source holds each turn's text as a JSON string; the index reads each source file once and looks
/// for that string (on the record's own line for JSONL). Standard input and files that cannot be read again give
/// the record's line when known, and no region otherwise.
#[derive(Debug, Default)]
pub struct SourceIndex {
    files: HashMap<String, Option<Vec<String>>>,
}

impl SourceIndex {
    /// An empty index.
    pub fn new() -> SourceIndex {
        SourceIndex::default()
    }

    fn lines(&mut self, path: &str) -> Option<&Vec<String>> {
        self.files
            .entry(path.to_owned())
            .or_insert_with(|| {
                if path == "-" {
                    return None;
                }
                // Large archives are not held in memory: their results get the record's line without columns.
                let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_INDEXED_BYTES);
                if !small {
                    return None;
                }
                std::fs::read_to_string(Path::new(path)).ok().map(|t| t.lines().map(str::to_owned).collect())
            })
            .as_ref()
    }

    /// The file and region of a finding.
    pub fn locate(&mut self, r: &Report<'_>, f: &Item) -> (String, Region) {
        let Some(src) = &r.call.source else {
            return (r.call.id.clone(), Region::default());
        };
        let path = src.path.to_string();
        let mut region = Region { line: src.line, ..Region::default() };
        let Some(turn) = r.call.turns.get(f.turn) else {
            return (path, region);
        };
        let quoted = serde_json::to_string(&turn.text).unwrap_or_default();
        if let Some(lines) = self.lines(&path) {
            let candidates: Box<dyn Iterator<Item = (usize, &String)>> = match src.line {
                Some(n) => Box::new(lines.iter().enumerate().skip(n.saturating_sub(1)).take(1)),
                None => Box::new(lines.iter().enumerate()),
            };
            for (i, l) in candidates {
                if let Some(at) = l.find(&quoted) {
                    // Columns count characters of the line as written: the escaped prefix of the turn's text
                    // measures how far into the JSON string the evidence starts.
                    let start = f.start.min(turn.text.len());
                    let end = f.end.clamp(start, turn.text.len());
                    let before = escaped_chars(turn.text.get(..start).unwrap_or(""));
                    let inside = escaped_chars(turn.text.get(start..end).unwrap_or(""));
                    let col = l[..at].chars().count() + 1 + 1 + before;
                    region = Region { line: Some(i + 1), column: Some(col), end_column: Some(col + inside) };
                    break;
                }
            }
        }
        (path, region)
    }
}

/// Characters of `s` once escaped inside a JSON string.
fn escaped_chars(s: &str) -> usize {
    serde_json::to_string(s).map(|q| q.chars().count().saturating_sub(2)).unwrap_or(0)
}
