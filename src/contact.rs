//! contact: contact-pattern checks across an archive, from each call's metadata rather than its words.
//!
//! A single transcript cannot show that an account was called nine times in a week; the archive can. Each call
//! with an `account_id` and a `started_at` (RFC 3339 with its UTC offset) becomes a [`Contact`]; the checks run
//! per account once every call has been seen:
//!
//! - `contact-frequency`: more than 7 call attempts within 7 consecutive days (Regulation F 1006.14(b)(2)(i)(A)).
//! - `contact-after-conversation`: a call attempt within 7 days after a telephone conversation
//!   (Regulation F 1006.14(b)(2)(i)(B)).
//! - `contact-hours`: a call attempt before 8am or after 9pm at the consumer's local time (FDCPA 1692c(a)(1)).
//!
//! The rule cards (summary, why, regulation, tip) live in `lexicons/contact.toml` with those engine names; a
//! check whose card is not loaded does not run, as with the window rules.
//!
//! What counts: a call is an *attempt* unless its `direction` metadata says it was inbound (`inbound`, `in`,
//! `incoming`); it is a *conversation* when its `outcome` metadata says so (`conversation`, `connected`,
//! `answered`, `completed`, `rpc`, `right-party-contact`), or, with no `outcome`, when the customer spoke in it.
//! The local time is the clock time written in `started_at`: record the consumer's offset there.
//! Windows are rolling: 7 days is 7 x 24 hours.

use serde::{Deserialize, Serialize};

use crate::call::{Call, Role};
use crate::finding::Category;
use crate::lexicon::{Lexicon, Rule};

/// Seconds in the 7-day windows of Regulation F.
pub const WEEK: i64 = 7 * 24 * 3600;

/// The most call attempts allowed within [`WEEK`] before `contact-frequency` fires.
pub const MAX_ATTEMPTS: usize = 7;

/// One call as the contact checks see it. Compact, because a summary keeps one per call with an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Contact {
    /// Seconds since 1970-01-01T00:00:00Z (first, so contacts sort by time).
    pub at: i64,
    /// The call id.
    pub id: String,
    /// Where the call was read (`file:line`).
    pub source: String,
    /// `started_at` as written.
    pub started_at: String,
    /// Seconds since the local midnight of `started_at`.
    pub local_secs: u32,
    /// A call placed by the collector (not inbound).
    pub attempt: bool,
    /// The consumer was spoken to.
    pub conversation: bool,
    /// The agent, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
}

/// Parse RFC 3339 (`2026-03-02T14:05:00-05:00`, `...Z`, fractions allowed, `T` or a space): the UTC instant in
/// seconds and the seconds since local midnight. `None` without an offset (local time would be a guess) or when
/// malformed.
pub fn parse_rfc3339(s: &str) -> Option<(i64, u32)> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let d = b.get(r)?;
        if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(d.iter().fold(0i64, |n, c| n * 10 + i64::from(c - b'0')))
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d, h, mi, sec) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        i += digits;
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') => {
            let rest = &b[i + 1..];
            let (oh, om) = match rest.len() {
                5 if rest[2] == b':' => (num(i + 1..i + 3)?, num(i + 4..i + 6)?),
                4 => (num(i + 1..i + 3)?, num(i + 3..i + 5)?),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let local_secs = (h * 3600 + mi * 60 + sec.min(59)) as u32;
    let local = days_from_civil(y, mo, d) * 86400 + i64::from(local_secs);
    Some((local - offset, local_secs))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn meta_str<'a>(call: &'a Call, key: &str) -> Option<&'a str> {
    call.metadata.get(key).and_then(serde_json::Value::as_str)
}

/// The call's `direction` metadata, when it is a string.
pub fn direction(call: &Call) -> Option<&str> {
    meta_str(call, "direction")
}

/// The call's `outcome` metadata, when it is a string.
pub fn outcome(call: &Call) -> Option<&str> {
    meta_str(call, "outcome")
}

/// Whether the contact checks count the call as a conversation with the consumer: its `outcome` says so, or, with
/// no outcome, the customer said something (a customer turn with a letter or digit in it).
pub fn is_conversation(call: &Call) -> bool {
    outcome_is_conversation(outcome(call)).unwrap_or_else(|| {
        call.turns.iter().any(|t| t.role == Role::Customer && t.text.chars().any(char::is_alphanumeric))
    })
}

/// Whether a `direction` value says the consumer called in.
pub fn is_inbound(direction: Option<&str>) -> bool {
    direction.is_some_and(|d| matches!(d.trim().to_ascii_lowercase().as_str(), "inbound" | "in" | "incoming"))
}

/// Whether an `outcome` value says the consumer was spoken to; `None` when there is no outcome to go by.
pub fn outcome_is_conversation(outcome: Option<&str>) -> Option<bool> {
    let o = outcome?.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    Some(matches!(o.as_str(), "conversation" | "connected" | "answered" | "completed" | "rpc" | "right-party-contact"))
}

/// What a call contributes to the contact checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Extract {
    /// No `account_id`: the call is not part of any account's history.
    NoAccount,
    /// An account but no usable `started_at` (missing, malformed or without an offset).
    NoTime,
    /// The call's contact record.
    Contact(Box<(String, Contact)>),
}

/// Read a call's contact record from its metadata.
pub fn extract(call: &Call) -> Extract {
    let Some(account) = call.account_id.clone() else {
        return Extract::NoAccount;
    };
    let Some((at, local_secs)) = call.started_at.as_deref().and_then(parse_rfc3339) else {
        return Extract::NoTime;
    };
    let c = Contact {
        at,
        id: call.id.clone(),
        source: call.source.as_ref().map(ToString::to_string).unwrap_or_default(),
        started_at: call.started_at.clone().unwrap_or_default(),
        local_secs,
        attempt: !is_inbound(direction(call)),
        conversation: is_conversation(call),
        agent_id: call.agent_id.clone(),
    };
    Extract::Contact(Box::new((account, c)))
}

/// One contact-pattern finding: the call attempt it is about, and the calls that make it one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFinding {
    /// Rule code from `lexicons/contact.toml`.
    pub code: String,
    /// Always `conduct`.
    pub category: String,
    /// From the rule card.
    pub severity: String,
    /// The account.
    pub account_id: String,
    /// The call attempt that crossed the line.
    pub call_id: String,
    /// Where it was read.
    pub source: String,
    /// When it started, as written.
    pub started_at: String,
    /// The agent who placed it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    /// What happened, with the numbers.
    pub message: String,
    /// The coaching tip from the card.
    pub tip: String,
    /// The regulations from the card.
    pub regulation: Vec<String>,
    /// The other calls involved (earlier attempts in the window, or the conversation), by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
}

/// The contact rule cards found in a lexicon, by engine.
#[derive(Clone, Debug, Default)]
pub struct ContactRules {
    /// `contact-frequency`.
    pub frequency: Option<Rule>,
    /// `contact-after-conversation`.
    pub after_conversation: Option<Rule>,
    /// `contact-hours`.
    pub hours: Option<Rule>,
}

impl ContactRules {
    /// Find the cards in a loaded lexicon.
    pub fn from_lexicon(lex: &Lexicon) -> ContactRules {
        let find = |e: &str| lex.rules.iter().find(|r| r.engine.as_deref() == Some(e)).cloned();
        ContactRules {
            frequency: find("contact-frequency"),
            after_conversation: find("contact-after-conversation"),
            hours: find("contact-hours"),
        }
    }
}

fn finding(rule: &Rule, account: &str, c: &Contact, message: String, related: Vec<String>) -> ContactFinding {
    debug_assert_eq!(rule.category, Category::Conduct);
    ContactFinding {
        code: rule.code.to_owned(),
        category: rule.category.as_str().to_owned(),
        severity: rule.severity.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        account_id: account.to_owned(),
        call_id: c.id.clone(),
        source: c.source.clone(),
        started_at: c.started_at.clone(),
        agent_id: c.agent_id.clone(),
        message,
        tip: rule.tip.clone(),
        regulation: rule.regulation.clone(),
        related,
    }
}

fn clock(secs: u32) -> String {
    format!("{:02}:{:02}", secs / 3600, secs / 60 % 60)
}

/// Run every check on one account's contacts, which must be sorted (by time first). Findings come in time order.
pub fn check_account(rules: &ContactRules, account: &str, contacts: &[Contact]) -> Vec<ContactFinding> {
    let mut out = Vec::new();
    let attempts: Vec<&Contact> = contacts.iter().filter(|c| c.attempt).collect();
    if let Some(rule) = &rules.frequency {
        // Two pointers over the attempts: `lo` is the first attempt less than a week before attempt `i`.
        let mut lo = 0;
        for (i, c) in attempts.iter().enumerate() {
            while c.at - attempts[lo].at >= WEEK {
                lo += 1;
            }
            let n = i - lo + 1;
            if n > MAX_ATTEMPTS {
                let related = attempts[lo..i].iter().map(|x| x.id.clone()).collect();
                let msg = format!(
                    "{}: call attempt {n} to this account within 7 days (since {})",
                    rule.summary, attempts[lo].started_at
                );
                out.push(finding(rule, account, c, msg, related));
            }
        }
    }
    if let Some(rule) = &rules.after_conversation {
        let mut last_conv: Option<&Contact> = None;
        for c in contacts {
            if c.attempt {
                if let Some(conv) = last_conv.filter(|v| c.at > v.at && c.at - v.at < WEEK) {
                    let hours = (c.at - conv.at) / 3600;
                    let msg = format!(
                        "{}: {hours} h after the conversation in call {} ({})",
                        rule.summary, conv.id, conv.started_at
                    );
                    out.push(finding(rule, account, c, msg, vec![conv.id.clone()]));
                }
            }
            if c.conversation {
                last_conv = Some(c);
            }
        }
    }
    if let Some(rule) = &rules.hours {
        for c in &attempts {
            if c.local_secs < 8 * 3600 || c.local_secs > 21 * 3600 {
                let msg = format!("{}: placed at {} local time", rule.summary, clock(c.local_secs));
                out.push(finding(rule, account, c, msg, Vec::new()));
            }
        }
    }
    out.sort_by(|a, b| (&a.started_at, &a.call_id, &a.code).cmp(&(&b.started_at, &b.call_id, &b.code)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(parse_rfc3339("2026-03-02T14:05:00-05:00"), Some((1_772_478_300, 14 * 3600 + 5 * 60)));
        assert_eq!(parse_rfc3339("2026-03-02 19:05:00.123+0000"), Some((1_772_478_300, 19 * 3600 + 5 * 60)));
        assert_eq!(parse_rfc3339("2024-02-29T00:00:00+01:00").map(|x| x.1), Some(0));
        assert_eq!(parse_rfc3339("2026-03-02T14:05:00"), None, "no offset, no local time");
        assert_eq!(parse_rfc3339("2025-02-29T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("garbage"), None);
        assert_eq!(parse_rfc3339("2026-03-02T14:05:00+05:00junk"), None);
        assert_eq!(parse_rfc3339("2026-03-02T14:05:00é"), None);
    }

    fn contact(id: &str, at: i64, attempt: bool, conversation: bool) -> Contact {
        Contact {
            at,
            id: id.into(),
            source: String::new(),
            started_at: format!("t{at:012}"),
            local_secs: 12 * 3600,
            attempt,
            conversation,
            agent_id: None,
        }
    }

    fn rules() -> ContactRules {
        let lex = crate::lexicon::load_builtin().expect("builtin");
        let r = ContactRules::from_lexicon(&lex);
        assert!(r.frequency.is_some() && r.after_conversation.is_some() && r.hours.is_some());
        r
    }

    #[test]
    fn eight_attempts_in_a_week_fire_once_seven_do_not() {
        let r = ContactRules { after_conversation: None, hours: None, ..rules() };
        let day = 86_400;
        let seven: Vec<_> = (0..7).map(|i| contact(&format!("c{i}"), i * day, true, false)).collect();
        assert!(check_account(&r, "A", &seven).is_empty());
        let mut eight = seven.clone();
        eight.push(contact("c7", 6 * day + 3600, true, false));
        let f = check_account(&r, "A", &eight);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].call_id, "c7");
        assert_eq!(f[0].related.len(), 7);
        // The eighth a full week after the first: the window has moved on.
        let mut late = seven;
        late.push(contact("c7", 7 * day, true, false));
        assert!(check_account(&r, "A", &late).is_empty());
    }

    #[test]
    fn inbound_calls_are_not_attempts_but_conversations_count() {
        let r = ContactRules { frequency: None, hours: None, ..rules() };
        let day = 86_400;
        let cs = vec![
            contact("in", 0, false, true),
            contact("next", 2 * day, true, false),
            contact("later", 8 * day, true, false),
        ];
        let f = check_account(&r, "A", &cs);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].call_id.as_str(), f[0].related[0].as_str()), ("next", "in"));
    }

    #[test]
    fn hours_are_local() {
        let r = ContactRules { frequency: None, after_conversation: None, ..rules() };
        let mut early = contact("early", 0, true, false);
        early.local_secs = 7 * 3600 + 59 * 60;
        let mut nine = contact("nine", 10, true, false);
        nine.local_secs = 21 * 3600;
        let mut late = contact("late", 20, true, false);
        late.local_secs = 21 * 3600 + 60;
        let f = check_account(&r, "A", &[early, nine, late]);
        let ids: Vec<_> = f.iter().map(|x| x.call_id.as_str()).collect();
        assert_eq!(ids, ["early", "late"]);
    }
}
