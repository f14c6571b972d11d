//! baseline: findings a reviewer has already accepted, kept in a file, shown as accepted and not counted again.
//!
//! `callcoach analyze ... --write-baseline FILE` writes every current finding; `--baseline FILE` (or `baseline =`
//! in `callcoach.toml`) marks the findings it lists as accepted on later runs, so only new findings count.
//!
//! A finding is keyed by what does not move when the call is edited elsewhere: the call id, the rule code, the
//! evidence text normalised as the matcher sees it (case, apostrophes and punctuation do not matter), and the
//! occurrence index among findings with the same code and evidence in that call. Turn indexes and byte offsets
//! are deliberately not in the key: inserting a turn, or fixing a typo earlier in the turn, would invalidate
//! every entry after it.
//!
//! The file is JSON, sorted, one entry per accepted finding, so that review changes show as small diffs:
//!
//! ```json
//! {"version": 1, "accepted": [
//!   {"call": "call-0001", "code": "PR101", "text": "take you to court", "occurrence": 0}
//! ]}
//! ```

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::call::Call;
use crate::finding::Item;
use crate::rules::{Analysis, PostPass};
use crate::tokenize::tokenize;

/// The version of the baseline file format this build reads and writes.
pub const VERSION: u32 = 1;

/// One accepted finding: the key that survives small edits elsewhere in the call.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The call id.
    pub call: String,
    /// The rule code.
    pub code: String,
    /// The evidence, normalised (lower case, contractions expanded, punctuation dropped, single spaces).
    pub text: String,
    /// 0-based index among the call's findings with the same code and normalised evidence.
    pub occurrence: usize,
    /// A reviewer's note (kept when the file is read; written as empty by `--write-baseline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Entry {
    fn key(&self) -> (&str, &str, &str, usize) {
        (&self.call, &self.code, &self.text, self.occurrence)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOut {
    version: u32,
    accepted: Vec<Entry>,
}

/// A baseline file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaselineError {
    /// The file.
    pub file: String,
    /// The 1-based line, when known.
    pub line: usize,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for BaselineError {}

/// The evidence as the key holds it: the matcher's normal form of the words.
pub fn normalise(text: &str) -> String {
    let tt = tokenize(text);
    let mut out = String::with_capacity(text.len());
    for t in &tt.tokens {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(tt.norm(t));
    }
    out
}

/// The key of every finding of an analysis, in finding order: `(index into findings, entry)`.
pub fn keys(call: &Call, a: &Analysis) -> Vec<(usize, Entry)> {
    let mut seen: HashMap<(&'static str, String), usize> = HashMap::new();
    a.findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let text = normalise(&f.text);
            let n = seen.entry((f.code, text.clone())).or_insert(0);
            let occurrence = *n;
            *n += 1;
            (i, Entry { call: call.id.clone(), code: f.code.to_owned(), text, occurrence, note: None })
        })
        .collect()
}

/// Accepted findings read from a file; a [`PostPass`] that marks them accepted.
#[derive(Debug, Default)]
pub struct Baseline {
    /// The file, for notes on accepted findings.
    pub file: String,
    entries: Vec<Entry>,
    index: HashMap<(String, String, String, usize), usize>,
    /// Which entries matched a finding in this run (for [`Baseline::unmatched`]).
    matched: Mutex<BTreeSet<usize>>,
}

impl Baseline {
    /// Build from entries (later duplicates are ignored).
    pub fn new(file: impl Into<String>, entries: Vec<Entry>) -> Baseline {
        let mut index = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            let (c, k, t, o) = e.key();
            index.entry((c.to_owned(), k.to_owned(), t.to_owned(), o)).or_insert(i);
        }
        Baseline { file: file.into(), entries, index, matched: Mutex::new(BTreeSet::new()) }
    }

    /// Read a baseline file.
    ///
    /// # Errors
    /// The file cannot be read, is not JSON, or is not a baseline of this format version.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let file = path.display().to_string();
        let err = |line: usize, message: String| BaselineError { file: file.clone(), line, message };
        let text = std::fs::read_to_string(path).map_err(|e| err(1, format!("cannot read the baseline: {e}")))?;
        let parsed: FileOut = serde_json::from_str(&text).map_err(|e| {
            err(
                e.line().max(1),
                format!("not a callcoach baseline: {e}; write a fresh one with `callcoach analyze ... --write-baseline FILE`"),
            )
        })?;
        if parsed.version != VERSION {
            return Err(err(
                1,
                format!("baseline format version {} is not supported (this build reads {VERSION}); write it again with --write-baseline", parsed.version),
            ));
        }
        Ok(Baseline::new(file, parsed.accepted))
    }

    /// How many entries the baseline holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the baseline holds no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries that matched no finding so far in this run: fixed, or their call was not analysed.
    pub fn unmatched(&self) -> Vec<&Entry> {
        let matched = self.matched.lock().map(|m| m.clone()).unwrap_or_default();
        self.entries.iter().enumerate().filter(|(i, _)| !matched.contains(i)).map(|(_, e)| e).collect()
    }

    fn find(&self, e: &Entry) -> Option<usize> {
        self.index.get(&(e.call.clone(), e.code.clone(), e.text.clone(), e.occurrence)).copied()
    }
}

impl PostPass for Baseline {
    fn apply(&self, call: &Call, a: &mut Analysis) {
        let mut hits = Vec::new();
        for (i, key) in keys(call, a) {
            if let Some(at) = self.find(&key) {
                hits.push(at);
                let f: &mut Item = &mut a.findings[i];
                if !f.accepted {
                    f.accepted = true;
                    let why = self.entries[at].note.as_deref().map(|n| format!(": {n}")).unwrap_or_default();
                    f.note = Some(format!("accepted in baseline {}{why}", self.file));
                }
            }
        }
        if !hits.is_empty() {
            if let Ok(mut m) = self.matched.lock() {
                m.extend(hits);
            }
        }
    }
}

/// Collects the findings of a run for `--write-baseline`.
#[derive(Debug, Default)]
pub struct Writer {
    entries: BTreeSet<Entry>,
}

impl Writer {
    /// A writer with no entries.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// Add every finding of one analysed call, except those the call suppresses itself (they are accepted in
    /// the call already, and stay so without the baseline).
    pub fn add(&mut self, call: &Call, a: &Analysis) {
        for (i, e) in keys(call, a) {
            let code = a.findings[i].code;
            if call.suppress.iter().any(|c| c.eq_ignore_ascii_case(code)) {
                continue;
            }
            self.entries.insert(e);
        }
    }

    /// How many findings were collected.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The baseline as JSON: sorted entries, one per line, so reviews diff well.
    pub fn to_json(&self) -> String {
        self.to_json_keeping(None)
    }

    /// The baseline as JSON, keeping the reviewers' notes of the entries `previous` already had.
    pub fn to_json_keeping(&self, previous: Option<&Baseline>) -> String {
        let mut s = format!("{{\"version\": {VERSION}, \"accepted\": [\n");
        let n = self.entries.len();
        for (i, e) in self.entries.iter().enumerate() {
            let mut e = e.clone();
            if let Some(at) = previous.and_then(|b| b.find(&e)) {
                e.note.clone_from(&previous.map(|b| &b.entries[at]).and_then(|p| p.note.clone()));
            }
            s.push_str("  ");
            s.push_str(&serde_json::to_string(&e).unwrap_or_default());
            s.push_str(if i + 1 < n { ",\n" } else { "\n" });
        }
        s.push_str("]}\n");
        s
    }

    /// Write the baseline file, keeping the notes of `previous` (the baseline this run applied, if any).
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write(&self, path: &Path, previous: Option<&Baseline>) -> std::io::Result<()> {
        std::fs::write(path, self.to_json_keeping(previous))
    }
}
