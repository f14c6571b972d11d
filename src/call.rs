//! The call as every reader produces it: an id, where it came from, its turns and its metadata.
//!
//! Readers (see [`crate::input`]) build a [`Call`]; nothing after them changes it except speaker-role mapping.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// Who spoke a turn, after speaker mapping. Agent risks count only in agent turns; cues only in customer turns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The collector or contact-centre agent.
    Agent,
    /// The consumer, debtor or account holder.
    Customer,
    /// Anyone else: a third party, an interpreter, an unknown speaker.
    Other,
}

impl Role {
    /// The role a speaker label names on its own, without `--agent-speaker`.
    ///
    /// Only unambiguous role words map; names and numbered speakers are `Other` until a reader's role
    /// heuristic or the user decides.
    pub fn from_label(label: &str) -> Role {
        const AGENT: &[&str] = &[
            "agent",
            "collector",
            "rep",
            "representative",
            "advisor",
            "adviser",
            "operator",
            "csr",
            "associate",
            "staff",
        ];
        const CUSTOMER: &[&str] =
            &["customer", "consumer", "debtor", "client", "account holder", "borrower", "caller", "cust"];
        // Compared in any case without a lower-cased copy: every turn's label comes through here.
        let l = label.trim();
        if AGENT.iter().any(|w| w.eq_ignore_ascii_case(l)) {
            Role::Agent
        } else if CUSTOMER.iter().any(|w| w.eq_ignore_ascii_case(l)) {
            Role::Customer
        } else {
            Role::Other
        }
    }

    /// The lower-case name used in the output.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Customer => "customer",
            Role::Other => "other",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a call came from: a file (or `-`) and, for line-oriented inputs, the 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The path as the user gave it, `-` for standard input.
    pub path: Arc<str>,
    /// The 1-based line, for JSONL records and errors that know it.
    pub line: Option<usize>,
}

impl Source {
    /// A whole file.
    pub fn file(path: impl Into<Arc<str>>) -> Source {
        Source { path: path.into(), line: None }
    }

    /// One line of a file.
    pub fn at_line(&self, line: usize) -> Source {
        Source { path: self.path.clone(), line: Some(line) }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(n) => write!(f, "{}:{}", self.path, n),
            None => f.write_str(&self.path),
        }
    }
}

/// One stretch of speech by one speaker.
#[derive(Clone, Debug, PartialEq)]
pub struct Turn {
    /// The speaker label as the input gave it (`agent`, `spk_0`, `Sam`).
    pub speaker: String,
    /// The role the label was mapped to.
    pub role: Role,
    /// What was said. Finding offsets are byte offsets into this string.
    pub text: String,
    /// Start time in milliseconds from the start of the call, when the input has timings.
    pub start_ms: Option<u64>,
    /// End time in milliseconds, when the input has timings.
    pub end_ms: Option<u64>,
    /// Signals some contact-centre formats carry per turn (sentiment, loudness); kept, not interpreted.
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Turn {
    /// A turn with no timings.
    pub fn new(speaker: impl Into<String>, role: Role, text: impl Into<String>) -> Turn {
        Turn { speaker: speaker.into(), role, text: text.into(), start_ms: None, end_ms: None, extra: None }
    }
}

/// Facts about the account that sharpen rules (a threat of suit on a time-barred debt is critical).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The statute of limitations has run: any threat of suit is prohibited (Reg F 1006.26(b); CONC 7.15).
    pub time_barred: Option<bool>,
    /// A lawsuit has really been filed, so talk of the suit can be accurate.
    pub suit_filed: Option<bool>,
    /// An attorney is on file for this debt (FDCPA 1692c(a)(2)).
    pub attorney_on_file: Option<bool>,
    /// A written cease request is on file (FDCPA 1692c(c)).
    pub cease_on_file: Option<bool>,
    /// This is the first contact with the consumer (full mini-Miranda expected rather than the short form).
    pub first_contact: Option<bool>,
    /// The debt is in a Breathing Space (England and Wales Debt Respite Scheme): standard or mental health crisis
    /// moratorium. The creditor has been notified, so any contact seeking payment breaches the moratorium.
    pub breathing_space: Option<bool>,
}

/// A transcript of one call, as read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Call {
    /// The call's id (required in native JSON; derived from the file name elsewhere).
    pub id: String,
    /// Where the call was read from, printed as `file` or `file:line`.
    pub source: Option<Source>,
    /// The turns in spoken order.
    pub turns: Vec<Turn>,
    /// The agent who handled the call, for per-agent summaries.
    pub agent_id: Option<String>,
    /// The account the call is about, for contact-pattern checks.
    pub account_id: Option<String>,
    /// When the call started, RFC 3339 with its offset.
    pub started_at: Option<String>,
    /// The compliance profile the call asks for (`us`, `uk`), used when `--profile` is not given.
    pub profile: Option<String>,
    /// Account facts.
    pub account: Account,
    /// Rule codes suppressed for this call.
    pub suppress: Vec<String>,
    /// Every other top-level field of the input, kept for `--group-by` and reports.
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// How speaker labels were mapped to roles, when a reader had to decide.
    pub role_note: Option<String>,
}

impl Call {
    /// The roles of the turns, in order.
    pub fn roles(&self) -> Vec<Role> {
        self.turns.iter().map(|t| t.role).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_words_map_in_any_case_and_anything_else_is_other() {
        for l in ["agent", "AGENT", " Collector ", "CSR", "Account Holder", "customer", "Cust", "caller"] {
            assert_ne!(Role::from_label(l), Role::Other, "{l}");
        }
        assert_eq!(Role::from_label("Rep"), Role::Agent);
        assert_eq!(Role::from_label("DEBTOR"), Role::Customer);
        for l in ["spk_0", "Speaker 1", "Priya", "", "agents", "account"] {
            assert_eq!(Role::from_label(l), Role::Other, "{l}");
        }
    }
}
