//! lexicon: the rule catalog and phrase lists, loaded from TOML (built in, or a user's folder) and validated.
//!
//! The files are the single registry of rules: `callcoach rules`, `callcoach explain`, `docs/RULES.md` and the
//! example tests all read what is loaded here. Format: `docs/LEXICONS.md`.

mod card;
mod expand;
mod load;

pub use card::{card, explain, explain_feature, markdown, sorted, table, CardOut};
pub use expand::{expand_phrase, groups, normalise_phrase, variant_count, MAX_VARIANTS};
pub use load::{
    lint, load_builtin, load_builtin_checked, load_dir, load_dirs, load_with, parse_example_turn, parse_expect,
    LexiconError, ENGINES, TEMPLATE_ENGINES,
};

use std::collections::HashMap;
use std::sync::OnceLock;

use foldhash::fast::FixedState;

use crate::call::{Account, Role};
use crate::finding::{Category, Kind, Severity};

/// The built-in lexicon files: (file name, contents).
pub mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// What happens to an agent finding whose phrase is negated ("nobody is going to arrest you").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Negated {
    /// The hit is dropped.
    Drop,
    /// The hit stays a finding (the phrase is harmful even when negated).
    Keep,
    /// The hit becomes a reassurance credit (`GP318`): the agent ruled the consequence out.
    Reassure,
}

/// One tested example of a rule: a short call and the items it must produce.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// `role: text` lines.
    pub turns: Vec<String>,
    /// `CODE@turn` items that must be produced; the rule's own code exactly at these turns.
    pub expect: Vec<String>,
    /// Which trap or case it shows.
    pub note: Option<String>,
    /// The profile to run it under.
    pub profile: Option<String>,
    /// Account facts for the example call.
    pub account: Account,
    /// Per turn `[start_ms, end_ms]`, for the timing rules; empty when the example has no timings.
    pub times: Vec<[u64; 2]>,
}

/// One rule of the catalog, with its card and its matching data.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Stable code, e.g. `PR101`.
    pub code: &'static str,
    /// Kebab-case name, e.g. `lawsuit-threat`.
    pub name: String,
    /// Contract category; decides the kind of item.
    pub category: Category,
    /// Severity of findings (None for cues and credits).
    pub severity: Option<Severity>,
    /// One line: the message in reports.
    pub summary: String,
    /// Why it matters.
    pub why: String,
    /// The regulations it relates to.
    pub regulation: Vec<String>,
    /// The coaching tip.
    pub tip: String,
    /// A better phrasing.
    pub better: String,
    /// Profiles the rule runs in; empty means every profile.
    pub profiles: Vec<String>,
    /// Whose turns the phrases are matched in.
    pub speaker: Role,
    /// Phrases as written (before expansion).
    pub phrases: Vec<String>,
    /// Regexes over the normalised text.
    pub patterns: Vec<String>,
    /// Negation policy (agent findings).
    pub negated: Negated,
    /// Whether a customer reporting these words gives an allegation cue.
    pub allege: bool,
    /// For window rules: the code that emits this rule.
    pub engine: Option<String>,
    /// Points an item of this rule adds to (credits) or takes from (findings) its subscore, when the card sets
    /// them; otherwise the rubric's default for the category or severity (`docs/SCORING.md`).
    pub points: Option<i32>,
    /// A framing rule (an ultimatum): its finding is dropped when a stronger finding stands in the same sentence.
    pub weak: bool,
    /// Tested examples.
    pub examples: Vec<Example>,
    /// Where the rule was declared (`pressure.toml:12`).
    pub origin: String,
}

impl Rule {
    /// Finding, cue or credit.
    pub fn kind(&self) -> Kind {
        self.category.kind()
    }

    /// Whether the rule runs under `profile` (`neutral` runs only rules without a profile list).
    pub fn in_profile(&self, profile: &str) -> bool {
        self.profiles.is_empty() || self.profiles.iter().any(|p| p == profile)
    }

    /// Whether the rule's phrases can give an item in a turn of `role`: in the rule's speaker's own turns; a
    /// finding's also in the customer's, when the rule may be alleged ("he said he'd have me arrested"); a
    /// third-party cue's also in a turn of a speaker the reader could not place. The matcher does not look for a
    /// rule's phrases in other turns, so a phrase that cannot count there never hides one that can.
    pub fn applies_in(&self, role: Role) -> bool {
        role == self.speaker
            || match self.kind() {
                Kind::Finding => role == Role::Customer && self.allege,
                Kind::Cue | Kind::Credit => self.category == Category::ThirdParty && role == Role::Other,
            }
    }
}

/// The names of the signals the conversation rules read.
///
/// The `style-` signals are the politeness strategies of the literature (gratitude, hedges, deference, indirect
/// requests against direct imperatives...): features of the linear scorer (`lexicons/weights.toml`), never reported.
pub const SIGNALS: &[&str] = &[
    "payment-ask",
    "filler",
    "debt-detail",
    "no-decision",
    "collection-context",
    "plan-agreed",
    "breathing-space",
    "collection-paused",
    "data-use",
    "style-please-start",
    "style-direct-start",
    "style-direct-question",
    "style-you-start",
    "style-i-start",
    "style-counterfactual",
    "style-indicative",
    "style-hedge",
    "style-deference",
    "style-factuality",
    "style-positive",
    "style-negative",
    "style-imperative",
    "style-obligation",
    "style-indirect",
    "style-we",
    "style-challenge",
    "style-why",
    "style-negation",
    "style-yes-no",
    "style-help",
    "style-i",
    "style-you",
    "style-gratitude",
    "style-apology",
    "style-by-the-way",
    "style-what-question",
    "style-opinion",
    "style-greeting",
    "style-pointed",
    "style-suggestion",
    "style-concrete",
    "style-marks",
];

/// The signal found from punctuation, not from phrases: repeated question or exclamation marks ("??", "!!", "?!").
pub const MARKS_SIGNAL: &str = "style-marks";

/// The index of a signal in [`SIGNALS`], by name: what signal hits carry.
pub fn signal_index(name: &str) -> Option<u8> {
    SIGNALS.iter().position(|n| *n == name).map(|i| i as u8)
}

/// One weight of the linear scorer: a feature (a rule code or a signal name) and the points it moves a subscore
/// when it is present in every agent turn (a feature in half the agent turns moves it half as much).
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureWeight {
    /// The subscore it moves (`respect`).
    pub score: String,
    /// A rule code (`GP314`) or a signal name (`style-hedge`).
    pub feature: String,
    /// Points at a rate of one.
    pub weight: f64,
    /// Where it was declared.
    pub origin: String,
}

/// A named phrase list read by the conversation rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signal {
    /// One of [`SIGNALS`].
    pub name: String,
    /// Phrases as written.
    pub phrases: Vec<String>,
    /// Where it was declared.
    pub origin: String,
}

/// The words that decide context (see `lexicons/context.toml`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContextWords {
    /// How many words before a hit a negator may stand.
    pub negation_window: usize,
    /// Single-word negators.
    pub negators: Vec<String>,
    /// Words that carry a negation forward.
    pub negation_bridge: Vec<String>,
    /// Reporting frames in customer turns.
    pub reporters: Vec<String>,
    /// Echo frames in agent turns.
    pub agent_echo: Vec<String>,
    /// Hedge words.
    pub hedges: Vec<String>,
    /// Question openers for unpunctuated text.
    pub question_openers: Vec<String>,
    /// Phrases whose negator does not negate what follows ("why don't you", "not only").
    pub pseudo_negations: Vec<String>,
}

/// Everything loaded from lexicon files.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lexicon {
    /// Rules in file order (files sorted by name).
    pub rules: Vec<Rule>,
    /// Signals.
    pub signals: Vec<Signal>,
    /// Context words.
    pub context: ContextWords,
    /// The linear scorer's weights (`lexicons/weights.toml`).
    pub weights: Vec<FeatureWeight>,
    /// Where each rule code stands in `rules`, built on the first look-up: the report and the scorer look a rule
    /// up for every item of every call, and a scan of the rules was a tenth of writing a call's JSON.
    pub(crate) by_code: CodeIndex,
}

/// A cache of where each rule code stands; not part of a lexicon's value (two lexicons with the same rules are
/// equal whether or not either has looked a rule up yet).
#[derive(Clone, Default)]
pub(crate) struct CodeIndex(OnceLock<HashMap<String, usize, FixedState>>);

impl PartialEq for CodeIndex {
    fn eq(&self, _: &CodeIndex) -> bool {
        true
    }
}

impl std::fmt::Debug for CodeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeIndex")
    }
}

impl Lexicon {
    /// The rule with this code.
    pub fn rule(&self, code: &str) -> Option<&Rule> {
        let by_code = self.by_code.0.get_or_init(|| {
            let mut m = HashMap::with_capacity_and_hasher(self.rules.len(), FixedState::default());
            for (i, r) in self.rules.iter().enumerate() {
                m.entry(r.code.to_ascii_uppercase()).or_insert(i);
            }
            m
        });
        // The fields are public, so the rules may have changed since the index was built: an index entry is only
        // trusted when it still names the code, and anything else falls back to the scan.
        let fast = by_code.get(code).or_else(|| by_code.get(&code.to_ascii_uppercase()));
        match fast.and_then(|&i| self.rules.get(i)) {
            Some(r) if r.code.eq_ignore_ascii_case(code) => Some(r),
            _ => self.rules.iter().find(|r| r.code.eq_ignore_ascii_case(code)),
        }
    }

    /// The weights on a feature (a rule code or a signal name), one per subscore it moves.
    pub fn weights_of<'a>(&'a self, feature: &'a str) -> impl Iterator<Item = &'a FeatureWeight> + 'a {
        self.weights.iter().filter(move |w| w.feature.eq_ignore_ascii_case(feature))
    }
}
