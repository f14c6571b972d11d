//! What the rules produce: findings (things to coach), cues (what the customer signalled) and credits (what the
//! agent did well). Categories are the contract's; each code belongs to exactly one category.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::call::Role;

/// Whether an item is something to coach, something the customer signalled, or something done well.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An agent risk or a process failure.
    Finding,
    /// A customer signal that calls for a response.
    Cue,
    /// Good practice by the agent.
    Credit,
}

macro_rules! categories {
    ($( $kind:ident : $( $var:ident = $name:literal ),* ;)*) => {
        /// A category of the contract. The kind of item follows from it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Category { $( $( #[doc = $name] $var, )* )* }

        impl Category {
            /// Every category, findings first, then cues, then credits.
            pub const ALL: &'static [Category] = &[ $( $( Category::$var, )* )* ];

            /// The contract name, e.g. `missed-empathy`.
            pub fn as_str(self) -> &'static str {
                match self { $( $( Category::$var => $name, )* )* }
            }

            /// Whether items of this category are findings, cues or credits.
            pub fn kind(self) -> Kind {
                match self { $( $( Category::$var => Kind::$kind, )* )* }
            }
        }

        impl FromStr for Category {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $( $( $name => Ok(Category::$var), )* )*
                    _ => Err(format!("unknown category {s:?}; expected one of: {}",
                        Category::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "))),
                }
            }
        }
    };
}

categories! {
    Finding: Pressure = "pressure", Abuse = "abuse", Misleading = "misleading", MissedEmpathy = "missed-empathy",
        IgnoredRequest = "ignored-request", Disclosure = "disclosure", Privacy = "privacy", Conduct = "conduct";
    Cue: Hardship = "hardship", Health = "health", Bereavement = "bereavement", Distress = "distress",
        Vulnerability = "vulnerability", Dispute = "dispute", CeaseRequest = "cease-request", Attorney = "attorney",
        ValidationRequest = "validation-request", ThirdParty = "third-party", Anger = "anger",
        Confusion = "confusion", Allegation = "allegation";
    Credit: Empathy = "empathy", Options = "options", Affordability = "affordability", Signposting = "signposting",
        Identification = "identification", Verification = "verification", Rights = "rights", Recap = "recap",
        Reassurance = "reassurance", Courtesy = "courtesy";
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Category {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Category {
    /// Cues that call for an acknowledgement of feeling (missed empathy when none comes).
    pub fn wants_empathy(self) -> bool {
        matches!(
            self,
            Category::Hardship
                | Category::Health
                | Category::Bereavement
                | Category::Distress
                | Category::Vulnerability
                | Category::Anger
        )
    }

    /// Cues that are requests the agent must honour (ignored request when pressed past).
    pub fn is_request(self) -> bool {
        matches!(self, Category::CeaseRequest | Category::Attorney | Category::Dispute | Category::ValidationRequest)
    }
}

/// How serious a finding is. Points deducted by severity are in `docs/SCORING.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Tone and style; a small deduction.
    Info,
    /// Worth a word in coaching.
    Low,
    /// A real risk to the customer or the firm.
    Medium,
    /// Likely harm or a likely breach.
    High,
    /// A compliance knock-out: threats of arrest, false authority, pressing on after a risk-to-life cue.
    Critical,
}

impl Severity {
    /// The lower-case name used in the output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// One step less serious (hedged wording), never below `info`.
    pub fn lower(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(format!("unknown severity {s:?}; expected info, low, medium, high or critical")),
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One item of a call's analysis: a finding, a cue or a credit (its [`Category`] says which).
///
/// `start`/`end` are byte offsets into the text of turn `turn`; `text` is that slice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The rule code, e.g. `PR101`.
    pub code: &'static str,
    /// The contract category.
    pub category: Category,
    /// Severity (findings only; cues and credits carry `None`).
    pub severity: Option<Severity>,
    /// 0-based index of the turn the item is about.
    pub turn: usize,
    /// The role of that turn's speaker.
    pub speaker: Role,
    /// Byte offset of the evidence in the turn text.
    pub start: usize,
    /// Byte offset one past the evidence.
    pub end: usize,
    /// The evidence, as said.
    pub text: String,
    /// What the item says, in plain words (a rule's summary, or a window rule's explanation).
    pub message: String,
    /// For cues: whether the agent acknowledged or honoured it.
    pub acknowledged: Option<bool>,
    /// For cues: the turn where the agent acknowledged it.
    pub acknowledged_at: Option<usize>,
    /// Why context changed the item (e.g. "hedged: severity lowered"), for `--explain-matches` and reports.
    pub note: Option<String>,
    /// Whether the item is accepted by a suppression or baseline and does not count towards the score.
    pub accepted: bool,
}

impl Item {
    /// Whether this item is a finding, a cue or a credit.
    pub fn kind(&self) -> Kind {
        self.category.kind()
    }
}
