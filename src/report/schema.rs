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

/// The compact JSON of [`CallOut`], byte for byte what `serde_json::to_writer` writes for it, written directly.
///
/// An archive run spends more time writing results than reading calls: a result is about 2.3 times the size
/// of its call, and serde's writer checks every byte of every key and value for characters to escape, one byte
/// at a time. Here keys are literals and a string is copied whole unless a 16-byte-block scan finds something
/// to escape. The derive above stays the definition of the format (pretty JSON, the schema docs); the test
/// `compact_is_serde_json` holds this writer to it.
impl CallOut<'_> {
    /// Append the call as one line of compact JSON (without the newline).
    pub fn write_compact(&self, out: &mut Vec<u8>) {
        field(out, b"{\"id\":", self.id);
        field(out, b",\"source\":", self.source.as_str());
        field(out, b",\"turns\":", self.turns);
        out.extend_from_slice(b",\"roles\":");
        list(out, &self.roles, |out, r| r.as_str().write(out));
        field(out, b",\"profile\":", self.profile);
        optional(out, b",\"agent_id\":", self.agent_id);
        optional(out, b",\"account_id\":", self.account_id);
        optional(out, b",\"started_at\":", self.started_at);
        optional(out, b",\"direction\":", self.direction);
        optional(out, b",\"outcome\":", self.outcome);
        optional(out, b",\"conversation\":", self.conversation);
        optional(out, b",\"role_note\":", self.role_note);
        let s = self.score;
        field(out, b",\"score\":{\"overall\":", s.overall);
        field(out, b",\"respect\":", s.respect);
        field(out, b",\"honesty\":", s.honesty);
        field(out, b",\"empathy\":", s.empathy);
        field(out, b",\"collaboration\":", s.collaboration);
        field(out, b",\"compliance\":", s.compliance);
        out.extend_from_slice(b"},\"findings\":");
        list(out, &self.findings, |out, i| i.write_compact(out));
        out.extend_from_slice(b",\"cues\":");
        list(out, &self.cues, |out, i| i.write_compact(out));
        out.extend_from_slice(b",\"credits\":");
        list(out, &self.credits, |out, i| i.write_compact(out));
        out.extend_from_slice(b",\"trace\":");
        list(out, self.trace, |out, t| {
            field(out, b"{\"score\":", t.score);
            field(out, b",\"points\":", t.points);
            field(out, b",\"code\":", t.code);
            field(out, b",\"turn\":", t.turn);
            field(out, b",\"reason\":", t.reason.as_str());
            out.push(b'}');
        });
        out.push(b'}');
    }
}

impl ItemOut<'_> {
    fn write_compact(&self, out: &mut Vec<u8>) {
        field(out, b"{\"code\":", self.code);
        field(out, b",\"category\":", self.category);
        optional(out, b",\"severity\":", self.severity);
        field(out, b",\"turn\":", self.turn);
        field(out, b",\"speaker\":", self.speaker.as_str());
        field(out, b",\"start\":", self.start);
        field(out, b",\"end\":", self.end);
        field(out, b",\"text\":", self.text);
        optional(out, b",\"message\":", self.message);
        optional(out, b",\"tip\":", self.tip);
        optional(out, b",\"better\":", self.better);
        if let Some(regs) = self.regulation {
            out.extend_from_slice(b",\"regulation\":");
            list(out, regs, |out, r| r.as_str().write(out));
        }
        optional(out, b",\"acknowledged\":", self.acknowledged);
        optional(out, b",\"acknowledged_at\":", self.acknowledged_at);
        optional(out, b",\"note\":", self.note);
        if self.accepted {
            out.extend_from_slice(b",\"accepted\":true");
        }
        out.push(b'}');
    }
}

/// A scalar of the output, written as JSON.
trait Scalar {
    fn write(self, out: &mut Vec<u8>);
}

impl Scalar for &str {
    /// A JSON string with serde_json's escapes: `\"`, `\\`, the short forms `\b \t \n \f \r`, and `\u00XX`
    /// (lower-case hex) for the other control characters; everything else, non-ASCII included, as it is.
    fn write(self, out: &mut Vec<u8>) {
        out.push(b'"');
        let bytes = self.as_bytes();
        if needs_escape(bytes) {
            escaped(out, bytes);
        } else {
            out.extend_from_slice(bytes);
        }
        out.push(b'"');
    }
}

impl Scalar for bool {
    fn write(self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self { b"true" } else { b"false" });
    }
}

impl Scalar for usize {
    fn write(self, out: &mut Vec<u8>) {
        out.extend_from_slice(itoa::Buffer::new().format(self).as_bytes());
    }
}

impl Scalar for i32 {
    fn write(self, out: &mut Vec<u8>) {
        out.extend_from_slice(itoa::Buffer::new().format(self).as_bytes());
    }
}

/// `key` (with the comma or brace before it, the quotes and the colon) and the value.
fn field(out: &mut Vec<u8>, key: &[u8], value: impl Scalar) {
    out.extend_from_slice(key);
    value.write(out);
}

/// A field serde skips when it is `None`.
fn optional(out: &mut Vec<u8>, key: &[u8], value: Option<impl Scalar>) {
    if let Some(v) = value {
        field(out, key, v);
    }
}

fn list<T>(out: &mut Vec<u8>, xs: &[T], mut each: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, x);
    }
    out.push(b']');
}

fn escapes(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Whether any byte needs an escape. Whole 16-byte blocks are tested without an early exit, which the compiler
/// turns into a few vector instructions per block; text rarely needs escapes, so the early exit would rarely pay.
fn needs_escape(bytes: &[u8]) -> bool {
    let mut blocks = bytes.chunks_exact(16);
    for block in &mut blocks {
        if block.iter().fold(false, |acc, &b| acc | escapes(b)) {
            return true;
        }
    }
    blocks.remainder().iter().any(|&b| escapes(b))
}

fn escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !escapes(b) {
            continue;
        }
        out.extend_from_slice(&bytes[from..i]);
        from = i + 1;
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]),
        }
    }
    out.extend_from_slice(&bytes[from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_escape_finds_each_byte_in_every_lane() {
        for b in 0u8..0x80 {
            for len in [1, 7, 8, 9, 16, 17, 24] {
                for at in 0..len {
                    let mut s = vec![b'a'; len];
                    s[at] = b;
                    assert_eq!(needs_escape(&s), escapes(b), "byte {b:#x} at {at} of {len}");
                }
            }
        }
        // Non-ASCII text (every byte at or above 0x80) and the bytes around the escapes need none.
        assert!(!needs_escape("é€😀 déjà vu, naïve café".as_bytes()));
        assert!(!needs_escape(b"!#$%&'()*+,-./[]^_`{|}~ \x7f"));
    }
}
