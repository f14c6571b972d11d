//! The wire types of the output contract (`--format json` and `jsonl`). Only this module decides field names.

use serde::Serialize;

use super::Report;
use crate::call::Role;
use crate::contact;
use crate::finding::{Item, Kind};
use crate::score::{Scorecard, Trace};

/// One call in the output.
#[derive(Serialize)]
pub struct CallOut<'a> {
    /// The call's id.
    pub id: &'a str,
    /// `file` or `file:line`.
    pub source: String,
    /// How many turns.
    pub turns: usize,
    /// The role of each turn.
    pub roles: Vec<Role>,
    /// The profile applied.
    pub profile: &'a str,
    /// The agent, when the input names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<&'a str>,
    /// The account, when the input names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<&'a str>,
    /// When the call started, as the input wrote it (RFC 3339 with the consumer's offset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<&'a str>,
    /// The input's `direction` (`inbound`, `outbound`, ...), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<&'a str>,
    /// The input's `outcome` (`conversation`, `voicemail`, ...), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<&'a str>,
    /// Calls with an `account_id` only: whether the contact-pattern checks count the call as a conversation with
    /// the consumer (from `outcome`, or, without one, whether the customer spoke), so `summary --from-jsonl
    /// --contact` decides exactly as a summary of the transcripts does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation: Option<bool>,
    /// How speaker labels were mapped, when a reader decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_note: Option<&'a str>,
    /// The score.
    pub score: &'a Scorecard,
    /// Things to coach.
    pub findings: Vec<ItemOut<'a>>,
    /// What the customer signalled.
    pub cues: Vec<ItemOut<'a>>,
    /// What the agent did well.
    pub credits: Vec<ItemOut<'a>>,
    /// Every change to the score, each naming the item behind it.
    pub trace: &'a [Trace],
}

/// One finding, cue or credit in the output.
#[derive(Serialize)]
pub struct ItemOut<'a> {
    /// Rule code.
    pub code: &'a str,
    /// Contract category.
    pub category: &'a str,
    /// Findings only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<&'a str>,
    /// 0-based turn index.
    pub turn: usize,
    /// Role of that turn.
    pub speaker: Role,
    /// Byte offset into the turn text.
    pub start: usize,
    /// Byte offset one past.
    pub end: usize,
    /// The evidence.
    pub text: &'a str,
    /// Findings: what it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
    /// Findings: the coaching tip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tip: Option<&'a str>,
    /// Findings: a better phrasing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub better: Option<&'a str>,
    /// Findings: the regulations the rule relates to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regulation: Option<&'a [String]>,
    /// Cues: whether the agent acknowledged or honoured it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<bool>,
    /// Cues: the agent turn that acknowledged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<usize>,
    /// What context changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
    /// Accepted by a suppression or baseline; does not count towards the score.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub accepted: bool,
}

impl<'a> ItemOut<'a> {
    fn new(i: &'a Item, r: &Report<'a>) -> ItemOut<'a> {
        let rule = r.lex.rule(i.code);
        let finding = i.kind() == Kind::Finding;
        ItemOut {
            code: i.code,
            category: i.category.as_str(),
            severity: i.severity.map(|s| s.as_str()),
            turn: i.turn,
            speaker: i.speaker,
            start: i.start,
            end: i.end,
            text: &i.text,
            message: finding.then_some(i.message.as_str()),
            tip: rule.filter(|_| finding).map(|r| r.tip.as_str()).filter(|s| !s.is_empty()),
            better: rule.filter(|_| finding).map(|r| r.better.as_str()).filter(|s| !s.is_empty()),
            regulation: rule.filter(|r| finding && !r.regulation.is_empty()).map(|r| r.regulation.as_slice()),
            acknowledged: i.acknowledged,
            acknowledged_at: i.acknowledged_at,
            note: i.note.as_deref(),
            accepted: i.accepted,
        }
    }
}

impl<'a> CallOut<'a> {
    /// The wire form of one report.
    pub fn new(r: &Report<'a>) -> CallOut<'a> {
        let a = r.analysis;
        CallOut {
            id: &r.call.id,
            source: r.call.source.as_ref().map(ToString::to_string).unwrap_or_default(),
            turns: r.call.turns.len(),
            roles: r.call.roles(),
            profile: &a.profile,
            agent_id: r.call.agent_id.as_deref(),
            account_id: r.call.account_id.as_deref(),
            started_at: r.call.started_at.as_deref(),
            direction: contact::direction(r.call),
            outcome: contact::outcome(r.call),
            conversation: r.call.account_id.is_some().then(|| contact::is_conversation(r.call)),
            role_note: r.call.role_note.as_deref(),
            score: &a.score,
            findings: a.findings.iter().map(|i| ItemOut::new(i, r)).collect(),
            cues: a.cues.iter().map(|i| ItemOut::new(i, r)).collect(),
            credits: a.credits.iter().map(|i| ItemOut::new(i, r)).collect(),
            trace: &a.score.trace,
        }
    }
}
