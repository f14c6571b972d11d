//! Plain-text transcripts: one speaker label per turn, optional timestamps, continuation lines.
//!
//! Accepted, case-insensitively:
//! - labels: `Agent: ...`, `AGENT - ...`, `Customer: ...`, `Speaker 1: ...`, `SPEAKER_00: ...`, `spk_0: ...`,
//!   `Guest-1: ...`, `[SPEAKER_00]: ...`, and names (`Sarah Jones: ...`);
//! - timestamps before the label or after it: `[00:01:23] Agent: ...`, `[00:01:23.450]`, `00:01:23 Agent:`,
//!   `(01:23)`, `Agent (00:01:23): ...`, ranges `[0.00s -> 7.92s]` and `[00:00:00.000 --> 00:00:07.600]`,
//!   and `[seg_0][spk_0][00:00:15] text`;
//! - Whisper's `.tsv` (`start<TAB>end<TAB>text`, milliseconds);
//! - lines without a label continue the previous turn.
//!
//! A name-like label (`Sarah Jones:`) counts only when it labels at least [`NAME_MIN_LINES`] lines, so that a
//! sentence such as `Note: the balance changed` inside a turn is not read as a new speaker. Role words
//! (`Agent`, `Customer`) and diarization labels (`Speaker 1`, `spk_0`) always count.

use std::collections::HashMap;

use super::fields::{clock_ms, text_time};
use super::turns::{new_call, UNKNOWN};
use super::{roles, InputError, ReadOptions};
use crate::call::{Call, Role, Source, Turn};

/// How many lines a name-like label must start before it is taken as a speaker.
pub const NAME_MIN_LINES: usize = 2;

/// The key under which [`label_counts`] counts every one-letter label together (not a possible label itself).
const SINGLE_LETTERS: &str = "\u{0}single-letter";

/// The longest label taken as a speaker, in bytes.
const MAX_LABEL: usize = 40;

/// One line taken apart: times, a candidate label and the text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line<'a> {
    /// A start time given on the line.
    pub start_ms: Option<u64>,
    /// An end time given on the line (ranges only).
    pub end_ms: Option<u64>,
    /// The label before `:` or ` - `, if the line has the shape of one.
    pub label: Option<&'a str>,
    /// The label came in brackets (`[SPEAKER_00]`), which is never prose.
    pub bracketed: bool,
    /// The separator was a dash (`AGENT - text`) rather than a colon.
    pub dash: bool,
    /// What was said, after the label.
    pub text: &'a str,
    /// The line after its timestamps, label included: the text when the label does not count.
    pub whole: &'a str,
}

/// What kind of speaker label a string is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelKind {
    /// A role word (`Agent`, `Customer`, `Collector`).
    Role,
    /// A diarization label (`Speaker 1`, `SPEAKER_00`, `spk_0`, `Guest-1`).
    Generic,
    /// Something that could be a name (`Sarah Jones`, `A`): taken only when it recurs.
    Name,
}

/// Classify a candidate label, or `None` when it cannot be one.
pub fn label_kind(label: &str) -> Option<LabelKind> {
    let l = label.trim();
    if l.is_empty() || l.len() > MAX_LABEL || l.split_whitespace().count() > 4 {
        return None;
    }
    if !l.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.' | '\'')) {
        return None;
    }
    if roles::named_role(l) != Role::Other {
        return Some(LabelKind::Role);
    }
    let lower = l.to_ascii_lowercase();
    for prefix in ["speaker", "spkr", "spk", "guest", "participant", "person", "voice", "channel", "ch"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let rest = rest.trim_start_matches([' ', '_', '-']);
            // `Speaker 1`, `spk_0`, `Speaker A`; not `Chris` or `Personal`.
            let numbered = !rest.is_empty() && rest.len() <= 3 && rest.bytes().all(|c| c.is_ascii_digit());
            if numbered
                || (rest.len() == 1 && rest.bytes().all(|c| c.is_ascii_alphabetic()) && l.len() > prefix.len() + 1)
            {
                return Some(LabelKind::Generic);
            }
        }
    }
    let words_capitalised = l.split_whitespace().all(|w| {
        w.chars().next().is_some_and(|c| c.is_uppercase())
            && w.chars().all(|c| c.is_alphabetic() || matches!(c, '\'' | '-' | '.'))
    });
    (words_capitalised && l.split_whitespace().count() <= 3).then_some(LabelKind::Name)
}

fn is_time_range(inner: &str) -> Option<(u64, u64)> {
    let (a, b) = inner.split_once("-->").or_else(|| inner.split_once("->"))?;
    Some((text_time(a)?, text_time(b)?))
}

/// Take a line apart. Labels are candidates only; [`read`] decides which count.
pub fn split_line(line: &str) -> Line<'_> {
    let mut out = Line::default();
    let mut s = line.trim();
    // Whisper .tsv: `start<TAB>end<TAB>text` in milliseconds.
    let mut tabs = s.splitn(3, '\t');
    if let (Some(a), Some(b), Some(rest)) = (tabs.next(), tabs.next(), tabs.next()) {
        if let (Ok(a), Ok(b)) = (a.trim().parse::<u64>(), b.trim().parse::<u64>()) {
            s = rest.trim();
            out.start_ms = Some(a);
            out.end_ms = Some(b);
        }
    }
    // Leading groups: `[00:01:23]`, `[0.00s -> 7.92s]`, `[seg_0]`, `[spk_0]`, `(01:23)`.
    loop {
        let close = match s.as_bytes().first() {
            Some(b'[') => ']',
            Some(b'(') => ')',
            _ => break,
        };
        let Some(end) = s.find(close) else { break };
        let inner = s[1..end].trim();
        if let Some((a, b)) = is_time_range(inner) {
            out.start_ms = Some(a);
            out.end_ms = Some(b);
        } else if let Some(t) = text_time(inner).filter(|_| inner.contains(':') || inner.ends_with('s')) {
            out.start_ms.get_or_insert(t);
        } else if close == ']'
            && inner.to_ascii_lowercase().starts_with("seg")
            && inner[3..].trim_start_matches(['_', '-']).parse::<u64>().is_ok()
        {
            // a segment number, not a speaker
        } else if close == ']'
            && out.label.is_none()
            && matches!(label_kind(inner), Some(LabelKind::Role | LabelKind::Generic))
        {
            out.label = Some(inner);
            out.bracketed = true;
        } else {
            break;
        }
        s = s[end + 1..].trim_start();
    }
    if out.bracketed {
        out.text = s.strip_prefix(':').unwrap_or(s).trim_start();
        out.whole = out.text;
        return out;
    }
    // A bare clock at the start: `00:01:23 Agent: ...`.
    if let Some((first, rest)) = s.split_once(char::is_whitespace) {
        // Only a full `HH:MM:SS` clock: a line that opens with "10:30 works for me" is speech.
        if first.matches(':').count() == 2 {
            if let Some(t) = clock_ms(first.trim_end_matches(':')) {
                out.start_ms.get_or_insert(t);
                s = rest.trim_start();
            }
        }
    }
    out.text = s;
    out.whole = s;
    // The label ends at the first ':' (outside brackets: `Agent (00:01:23):`) or ' - ' within reach.
    let window = &s[..floor_boundary(s, MAX_LABEL + 16)];
    let mut depth = 0i32;
    let colon = window
        .char_indices()
        .find(|(_, c)| {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                _ => {}
            }
            *c == ':' && depth <= 0
        })
        .map(|(i, _)| (i, 1, false));
    let dash = ["\u{2014}", "\u{2013}", "-"]
        .iter()
        .filter_map(|d| window.find(&format!(" {d}")).map(|i| (i, d.len() + 1, true)))
        .filter(|(i, len, _)| s[i + len..].starts_with(char::is_whitespace) || s.len() == i + len)
        .min();
    let Some((at, len, is_dash)) = [colon, dash].into_iter().flatten().min() else {
        return out;
    };
    let mut label = s[..at].trim();
    let text = s[at + len..].trim_start();
    // `5:30 pm` is a time, not a label.
    if !is_dash && label.ends_with(|c: char| c.is_ascii_digit()) && text.starts_with(|c: char| c.is_ascii_digit()) {
        return out;
    }
    // `Agent (00:01:23): text`
    if let Some(open) = label.rfind(['(', '[']) {
        let inner = label[open + 1..].trim_end_matches([')', ']']);
        if let Some(t) = clock_ms(inner) {
            out.start_ms.get_or_insert(t);
            label = label[..open].trim();
        }
    }
    if label_kind(label).is_some() {
        out.label = Some(label);
        out.dash = is_dash;
        out.text = text;
    }
    out
}

fn floor_boundary(s: &str, at: usize) -> usize {
    let mut i = at.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether a candidate label counts, given how many lines it starts.
fn accepted(line: &Line<'_>, counts: &HashMap<String, usize>) -> bool {
    let Some(label) = line.label else {
        return false;
    };
    if line.bracketed {
        return true;
    }
    // Single letters (`A:`, `C:`, `B:`) recur as a set: a reply by `C` may come only once.
    let count = |k: &str| counts.get(k).copied().unwrap_or(0);
    let recurs = count(&label.to_lowercase()) >= NAME_MIN_LINES
        || (label.chars().count() == 1 && count(SINGLE_LETTERS) >= NAME_MIN_LINES);
    match label_kind(label) {
        Some(LabelKind::Role | LabelKind::Generic) => true,
        Some(LabelKind::Name) if line.dash => recurs && !label.chars().any(char::is_lowercase),
        Some(LabelKind::Name) => recurs,
        None => false,
    }
}

/// Count the lines each candidate label starts (case-insensitively).
pub fn label_counts<'a>(lines: impl IntoIterator<Item = &'a Line<'a>>) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for l in lines {
        if let Some(label) = l.label {
            *counts.entry(label.to_lowercase()).or_insert(0) += 1;
            if label.chars().count() == 1 {
                *counts.entry(SINGLE_LETTERS.to_owned()).or_insert(0) += 1;
            }
        }
    }
    counts
}

/// The speaker of an accepted line, if it has one.
pub fn speaker_of(line: &Line<'_>, counts: &HashMap<String, usize>) -> Option<String> {
    accepted(line, counts).then(|| line.label.unwrap_or_default().to_owned())
}

/// Decode UTF-8 (with or without a byte-order mark), or say where it is not.
pub fn decode<'a>(bytes: &'a [u8], source: &Source, format: &str) -> Result<&'a str, InputError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        InputError::new(
            source.clone(),
            format!("{format}: not valid UTF-8 (byte {}); save the file as UTF-8", e.valid_up_to()),
        )
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Read a plain-text transcript as one call.
///
/// # Errors
/// Not UTF-8, or no speech at all.
pub fn read(bytes: &[u8], source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    let text = decode(bytes, source, "text")?;
    let lines: Vec<Line<'_>> = text.lines().map(split_line).collect();
    let counts = label_counts(&lines);
    let labelled = lines.iter().any(|l| accepted(l, &counts));
    let mut turns: Vec<Turn> = Vec::new();
    let mut preamble: Vec<&str> = Vec::new();
    let mut blank = true;
    for l in &lines {
        if let Some(speaker) = speaker_of(l, &counts) {
            push_turn(&mut turns, speaker, l, true);
        } else if l.start_ms.is_some() {
            // A timed line with no label is a new segment by the same speaker (Whisper console output).
            let speaker = turns.last().map_or_else(|| UNKNOWN.to_owned(), |t| t.speaker.clone());
            push_turn(&mut turns, speaker, l, false);
        } else if l.whole.is_empty() {
            blank = true;
            continue;
        } else if let Some(t) = turns.last_mut().filter(|_| labelled || !blank) {
            if !t.text.is_empty() {
                t.text.push(' ');
            }
            t.text.push_str(l.whole);
        } else if labelled {
            preamble.push(l.whole);
        } else {
            // No labels anywhere: each paragraph is a turn by an unknown speaker.
            push_turn(&mut turns, UNKNOWN.to_owned(), l, false);
        }
        blank = false;
    }
    turns.retain(|t| !t.text.trim().is_empty());
    if turns.is_empty() {
        return Err(InputError::new(
            source.clone(),
            "text: no speech found: expected lines such as \"Agent: ...\" or \"[00:01:23] Customer: ...\"",
        ));
    }
    let role_note = roles::assign(&mut turns, opts);
    let mut metadata = serde_json::Map::new();
    if !preamble.is_empty() {
        metadata.insert("preamble".into(), preamble.join("\n").into());
    }
    let mut call = new_call(source, "text", turns, metadata);
    call.role_note = role_note;
    Ok(call)
}

fn push_turn(turns: &mut Vec<Turn>, speaker: String, l: &Line<'_>, labelled: bool) {
    let text = if labelled { l.text } else { l.whole };
    let mut t = Turn::new(speaker, Role::Other, text.trim());
    t.start_ms = l.start_ms;
    t.end_ms = l.end_ms;
    turns.push(t);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(line: &str) -> (Option<u64>, Option<u64>, Option<&str>, &str) {
        let l = split_line(line);
        (l.start_ms, l.end_ms, l.label, l.text)
    }

    #[test]
    fn line_shapes() {
        assert_eq!(parts("Agent: Hello"), (None, None, Some("Agent"), "Hello"));
        assert_eq!(parts("AGENT - Hello"), (None, None, Some("AGENT"), "Hello"));
        assert_eq!(parts("[00:01:23] Customer: Hi"), (Some(83_000), None, Some("Customer"), "Hi"));
        assert_eq!(parts("00:01:23 Speaker 1: Hi"), (Some(83_000), None, Some("Speaker 1"), "Hi"));
        assert_eq!(parts("Agent (00:01:23): Hi"), (Some(83_000), None, Some("Agent"), "Hi"));
        assert_eq!(parts("(01:23) Sarah Jones: Hi"), (Some(83_000), None, Some("Sarah Jones"), "Hi"));
        assert_eq!(parts("[0.00s -> 7.92s]  Hello there"), (Some(0), Some(7_920), None, "Hello there"));
        assert_eq!(parts("[00:00:00.000 --> 00:00:07.600]   Hi"), (Some(0), Some(7_600), None, "Hi"));
        assert_eq!(parts("[seg_0][spk_0][00:00:15] Hi"), (Some(15_000), None, Some("spk_0"), "Hi"));
        assert_eq!(parts("[SPEAKER_00]: Hi"), (None, None, Some("SPEAKER_00"), "Hi"));
        assert_eq!(parts("1500\t3200\tHi there"), (Some(1_500), Some(3_200), None, "Hi there"));
        assert_eq!(parts("We can meet at 5:30 pm"), (None, None, None, "We can meet at 5:30 pm"));
        assert_eq!(parts("[inaudible] yes"), (None, None, None, "[inaudible] yes"));
        assert_eq!(parts("well - I think so").2, None);
    }

    #[test]
    fn one_letter_labels_recur_as_a_set() {
        let call = read(
            b"A: Hi, this is Sam.\nC: Hello.\nA: About your account.",
            &Source::file("ac.txt"),
            &ReadOptions::default(),
        )
        .unwrap_or_default();
        assert_eq!(call.roles(), vec![Role::Agent, Role::Customer, Role::Agent]);
        assert_eq!(call.role_note, None);
    }

    #[test]
    fn names_need_to_recur() {
        let src = Source::file("t.txt");
        let call = read(
            b"Sam: Hi, calling from Northfield.\nNote: not a label\nJo: Hi.\nSam: Ok.\nJo: Bye.",
            &src,
            &ReadOptions::default(),
        )
        .unwrap_or_default();
        let got: Vec<_> = call.turns.iter().map(|t| (t.speaker.as_str(), t.role, t.text.as_str())).collect();
        assert_eq!(
            got,
            vec![
                ("Sam", Role::Agent, "Hi, calling from Northfield. Note: not a label"),
                ("Jo", Role::Customer, "Hi."),
                ("Sam", Role::Agent, "Ok."),
                ("Jo", Role::Customer, "Bye."),
            ]
        );
    }
}
