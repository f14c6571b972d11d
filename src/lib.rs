//! callcoach: an offline coaching analyzer for debt-collection call transcripts.
//!
//! The pipeline, one module per stage, data flowing one way:
//!
//! ```text
//! input (read) -> tokenize -> matcher (scan) -> context -> rules -> score -> report
//!   Call           TurnTokens   Hit               Context    Item      Scorecard   bytes
//! ```
//!
//! - [`input`] reads native JSON, JSONL and other transcript formats into [`call::Call`]s.
//! - [`redact`] replaces personal data in turn texts with placeholders right after reading (on by default), so
//!   every later offset points into the redacted text.
//! - [`tokenize`] splits each turn into normalised words with byte offsets.
//! - [`matcher`] finds every lexicon phrase on word boundaries with one Aho-Corasick automaton per profile.
//! - [`context`] decides whether a hit is negated, reported, a question, quoted or hedged.
//! - [`rules`] turns hits into findings, cues and credits, then runs the conversation rules.
//! - [`score`] computes the 0-100 scorecard, each point traced to an item.
//! - [`report`] renders the result; [`batch`] runs many calls in parallel in input order.
//! - [`config`] reads `callcoach.toml` (rules off, severities, allow lists, weights) and [`baseline`] marks
//!   findings already reviewed as accepted.
//! - [`live`] coaches a call while it happens, one turn at a time.
//!
//! ```
//! use callcoach::call::{Call, Role, Turn};
//! use callcoach::rules::Analyzer;
//!
//! let analyzer = Analyzer::builtin(None).expect("built-in lexicons load");
//! let call = Call {
//!     id: "demo".into(),
//!     turns: vec![Turn::new("agent", Role::Agent, "Pay today or we'll have you arrested.")],
//!     ..Call::default()
//! };
//! let analysis = analyzer.analyze(&call);
//! assert!(analysis.findings.iter().any(|f| f.category.as_str() == "misleading"));
//! ```

pub mod baseline;
pub mod batch;
pub mod call;
pub mod config;
pub mod contact;
pub mod context;
pub mod expect;
pub mod finding;
pub mod input;
pub mod lexicon;
pub mod live;
pub mod matcher;
pub mod redact;
pub mod report;
pub mod rules;
pub mod score;
pub mod summary;
pub mod tokenize;
