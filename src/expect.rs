//! Expectations: hand-labelled items for a call (`NAME.expect.toml` beside `NAME.json`), compared with what
//! callcoach finds, and precision and recall per category over a folder of labelled calls.
//!
//! This is how the bundled samples are tested, and how a QA team can keep its own labelled calls as a regression
//! suite (`callcoach verify DIR`). Findings and cues must match exactly; credits listed must be present (a call
//! earns many small courtesy credits that nobody labels one by one).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::finding::{Category, Kind};
use crate::lexicon::{parse_expect, Lexicon};
use crate::rules::Analysis;

/// The labels of one call.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// `CODE@turn` findings, exactly.
    #[serde(default)]
    pub findings: Vec<String>,
    /// `CODE@turn` cues, exactly.
    #[serde(default)]
    pub cues: Vec<String>,
    /// `CODE@turn` credits that must be present.
    #[serde(default)]
    pub credits: Vec<String>,
    /// What the call tests.
    #[serde(default)]
    pub note: String,
}

impl Expectation {
    /// Read `path`.
    ///
    /// # Errors
    /// The file cannot be read or is not valid expectation TOML; the message names the file and line.
    pub fn load(path: &Path) -> Result<Expectation, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1).unwrap_or(1);
            format!("{}:{line}: {}", path.display(), e.message().trim())
        })
    }
}

/// The expectation file of a transcript: `x.json` -> `x.expect.toml`.
pub fn expectation_path(call: &Path) -> PathBuf {
    let stem = call.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    call.with_file_name(format!("{stem}.expect.toml"))
}

/// Counts for one category.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Labelled and found.
    pub tp: usize,
    /// Found, not labelled.
    pub fp: usize,
    /// Labelled, not found.
    pub fn_: usize,
}

impl Counts {
    /// tp / (tp + fp), or 1 when nothing was found.
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }

    /// tp / (tp + fn), or 1 when nothing was labelled.
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

/// How one call compares with its labels.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Labelled items not found.
    pub missing: Vec<String>,
    /// Findings and cues found but not labelled (credits are not listed: labels need not name every credit).
    pub unexpected: Vec<String>,
    /// Per category.
    pub counts: BTreeMap<String, Counts>,
}

impl Comparison {
    /// Whether the call passes: nothing missing, no unexpected finding or cue.
    pub fn passes(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty()
    }

    /// Add another comparison's counts to this one's.
    pub fn absorb(&mut self, other: &Comparison) {
        for (k, c) in &other.counts {
            let e = self.counts.entry(k.clone()).or_default();
            e.tp += c.tp;
            e.fp += c.fp;
            e.fn_ += c.fn_;
        }
    }
}

fn category_of(lex: &Lexicon, item: &str) -> String {
    parse_expect(item)
        .and_then(|(code, _)| lex.rule(code))
        .map(|r| r.category.as_str().to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Compare an analysis with its labels.
pub fn compare(exp: &Expectation, a: &Analysis, lex: &Lexicon) -> Comparison {
    let mut cmp = Comparison::default();
    let label = |v: &[String]| v.iter().map(|s| s.replace(' ', "")).collect::<BTreeSet<_>>();
    let found = |kind: Kind| {
        a.findings
            .iter()
            .chain(&a.cues)
            .chain(&a.credits)
            .filter(|i| i.kind() == kind && !i.accepted)
            .map(|i| format!("{}@{}", i.code, i.turn))
            .collect::<BTreeSet<_>>()
    };
    for (kind, want) in
        [(Kind::Finding, label(&exp.findings)), (Kind::Cue, label(&exp.cues)), (Kind::Credit, label(&exp.credits))]
    {
        let got = found(kind);
        for x in want.intersection(&got) {
            cmp.counts.entry(category_of(lex, x)).or_default().tp += 1;
        }
        for x in want.difference(&got) {
            cmp.counts.entry(category_of(lex, x)).or_default().fn_ += 1;
            cmp.missing.push(x.clone());
        }
        for x in got.difference(&want) {
            cmp.counts.entry(category_of(lex, x)).or_default().fp += 1;
            if kind != Kind::Credit {
                cmp.unexpected.push(x.clone());
            }
        }
    }
    cmp
}

/// A table of precision and recall per category, findings first.
pub fn table(total: &Comparison) -> String {
    let mut s = format!("{:<20} {:>4} {:>4} {:>4} {:>9} {:>7}\n", "category", "tp", "fp", "fn", "precision", "recall");
    let mut cats: Vec<_> = total.counts.iter().collect();
    let order = |name: &str| {
        name.parse::<Category>().map(|c| Category::ALL.iter().position(|x| *x == c).unwrap_or(99)).unwrap_or(99)
    };
    cats.sort_by_key(|(k, _)| (order(k), (*k).clone()));
    for (k, c) in cats {
        s.push_str(&format!(
            "{k:<20} {:>4} {:>4} {:>4} {:>9.2} {:>7.2}\n",
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        ));
    }
    s
}
