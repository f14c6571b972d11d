//! Rebuilding turns from what transcribers give: words or segments, each with a speaker and times.
//!
//! Two ways, because audio comes two ways:
//! - [`sequential`]: one stream (mono audio with diarization). Consecutive pieces by the same speaker form a turn;
//!   a pause longer than [`PAUSE_SPLIT_MS`] starts a new one so the silence rule can see it.
//! - [`by_channel`]: one stream per speaker (two-channel call audio, where both parties can talk at once). Each
//!   speaker's pieces are grouped into utterances on their own, then ordered by start time, so an agent who talks
//!   over the customer shows as an agent turn starting before the customer turn ended, instead of as word-by-word
//!   ping-pong.

use std::path::Path as FsPath;

use serde_json::{Map, Value};

use crate::call::{Call, Role, Source, Turn};

/// The speaker label used when a format carries no speaker at all.
pub const UNKNOWN: &str = "unknown";

/// A pause longer than this (ms) between two pieces by the same speaker starts a new turn.
pub const PAUSE_SPLIT_MS: u64 = 5_000;

/// In two-channel audio, a pause longer than this (ms) ends one speaker's utterance before ordering.
pub const CHANNEL_UTTERANCE_GAP_MS: u64 = 1_000;

/// A word or a segment of speech.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Piece {
    /// The speaker label.
    pub speaker: String,
    /// What was said.
    pub text: String,
    /// Start in ms.
    pub start_ms: Option<u64>,
    /// End in ms.
    pub end_ms: Option<u64>,
    /// Punctuation that attaches to the previous piece without a space.
    pub punct: bool,
}

impl Piece {
    /// A piece of text by `speaker`.
    pub fn new(
        speaker: impl Into<String>,
        text: impl Into<String>,
        start_ms: Option<u64>,
        end_ms: Option<u64>,
    ) -> Piece {
        Piece { speaker: speaker.into(), text: text.into(), start_ms, end_ms, punct: false }
    }
}

fn push_text(into: &mut String, piece: &str, punct: bool) {
    let piece = piece.trim();
    if piece.is_empty() {
        return;
    }
    // Punctuation tokens (Amazon "punctuation" items, Whisper words such as "," ) attach to the word before.
    let attaches = punct || (piece.chars().all(|c| c.is_ascii_punctuation()) && !piece.starts_with(['(', '[', '"']));
    if !into.is_empty() && !attaches {
        into.push(' ');
    }
    into.push_str(piece);
}

fn start_turn(p: &Piece) -> Turn {
    let mut t = Turn::new(p.speaker.clone(), Role::Other, String::new());
    t.start_ms = p.start_ms;
    t.end_ms = p.end_ms;
    push_text(&mut t.text, &p.text, false);
    t
}

fn extend_turn(t: &mut Turn, p: &Piece) {
    push_text(&mut t.text, &p.text, p.punct);
    if t.start_ms.is_none() {
        t.start_ms = p.start_ms;
    }
    if let Some(e) = p.end_ms {
        t.end_ms = Some(t.end_ms.map_or(e, |x| x.max(e)));
    }
}

/// Whether `p` continues turn `t`: same speaker, and no long pause between them.
fn continues(t: &Turn, p: &Piece, gap_ms: u64) -> bool {
    if t.speaker != p.speaker {
        return false;
    }
    match (t.end_ms, p.start_ms) {
        (Some(e), Some(s)) => s.saturating_sub(e) <= gap_ms,
        _ => true,
    }
}

/// Merge consecutive pieces by the same speaker into turns (mono audio). Empty turns are dropped.
pub fn sequential(pieces: impl IntoIterator<Item = Piece>) -> Vec<Turn> {
    let mut turns: Vec<Turn> = Vec::new();
    for p in pieces {
        match turns.last_mut() {
            Some(t) if p.punct || continues(t, &p, PAUSE_SPLIT_MS) => extend_turn(t, &p),
            _ => turns.push(start_turn(&p)),
        }
    }
    turns.retain(|t| !t.text.is_empty());
    turns
}

/// Group each speaker's pieces into utterances, order them by start time, then merge neighbours by the same
/// speaker (two-channel audio).
pub fn by_channel(pieces: impl IntoIterator<Item = Piece>) -> Vec<Turn> {
    let mut open: Vec<Turn> = Vec::new();
    let mut done: Vec<Turn> = Vec::new();
    for p in pieces {
        match open.iter_mut().position(|t| t.speaker == p.speaker) {
            Some(i) if p.punct || continues(&open[i], &p, CHANNEL_UTTERANCE_GAP_MS) => extend_turn(&mut open[i], &p),
            Some(i) => {
                let t = std::mem::replace(&mut open[i], start_turn(&p));
                done.push(t);
            }
            None => open.push(start_turn(&p)),
        }
    }
    done.extend(open);
    done.retain(|t| !t.text.is_empty());
    // Stable: utterances without times keep their reading order.
    done.sort_by_key(|t| t.start_ms.unwrap_or(0));
    let mut turns: Vec<Turn> = Vec::with_capacity(done.len());
    for t in done {
        match turns.last_mut() {
            Some(prev) if prev.speaker == t.speaker && continues(prev, &as_piece(&t), PAUSE_SPLIT_MS) => {
                extend_turn(prev, &as_piece(&t));
            }
            _ => turns.push(t),
        }
    }
    turns
}

fn as_piece(t: &Turn) -> Piece {
    Piece { speaker: t.speaker.clone(), text: t.text.clone(), start_ms: t.start_ms, end_ms: t.end_ms, punct: false }
}

/// The call id of a file in a vendor format: the file name without its extension (`stdin` for `-`), with the
/// line for JSONL records.
pub fn call_id(source: &Source) -> String {
    let stem = if &*source.path == "-" {
        "stdin".to_owned()
    } else {
        FsPath::new(&*source.path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| source.path.to_string())
    };
    match source.line {
        Some(n) => format!("{stem}-{n}"),
        None => stem,
    }
}

/// A call read from a vendor format: id from the file name, the input format recorded in the metadata.
pub fn new_call(source: &Source, format: &str, turns: Vec<Turn>, mut metadata: Map<String, Value>) -> Call {
    metadata.insert("input_format".into(), Value::from(format));
    Call { id: call_id(source), source: Some(source.clone()), turns, metadata, ..Call::default() }
}

/// The top-level scalar fields of a vendor document (job names, ids, durations), kept as call metadata; the
/// transcript itself (`text`, `transcript`) and large nested blocks are left out.
pub fn scalar_metadata(obj: &Map<String, Value>) -> Map<String, Value> {
    obj.iter()
        .filter(|(k, v)| {
            !matches!(v, Value::Array(_) | Value::Object(_) | Value::Null)
                && !matches!(k.as_str(), "text" | "transcript")
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str, t: &str, a: u64, b: u64) -> Piece {
        Piece::new(s, t, Some(a), Some(b))
    }

    #[test]
    fn sequential_merges_and_splits_on_pauses() {
        let turns = sequential(vec![
            w("a", "Hello", 0, 500),
            Piece { punct: true, ..Piece::new("a", ",", None, None) },
            w("a", "there", 600, 900),
            w("b", "Hi", 1000, 1200),
            w("b", "again", 9000, 9500),
        ]);
        let got: Vec<_> = turns.iter().map(|t| (t.speaker.as_str(), t.text.as_str(), t.start_ms, t.end_ms)).collect();
        assert_eq!(
            got,
            vec![
                ("a", "Hello, there", Some(0), Some(900)),
                ("b", "Hi", Some(1000), Some(1200)),
                ("b", "again", Some(9000), Some(9500))
            ]
        );
    }

    #[test]
    fn channels_overlap_as_whole_utterances() {
        let turns = by_channel(vec![
            w("ch_0", "I", 0, 200),
            w("ch_0", "cannot", 200, 600),
            w("ch_1", "Listen", 500, 800),
            w("ch_0", "pay", 650, 900),
            w("ch_1", "to", 850, 1000),
            w("ch_1", "me", 1000, 1200),
        ]);
        let got: Vec<_> = turns.iter().map(|t| (t.speaker.as_str(), t.text.as_str(), t.start_ms, t.end_ms)).collect();
        assert_eq!(
            got,
            vec![("ch_0", "I cannot pay", Some(0), Some(900)), ("ch_1", "Listen to me", Some(500), Some(1200))]
        );
    }

    #[test]
    fn ids_from_file_names() {
        assert_eq!(call_id(&Source::file("/x/call-17.json")), "call-17");
        assert_eq!(call_id(&Source::file("-")), "stdin");
        assert_eq!(call_id(&Source::file("a.jsonl").at_line(3)), "a-3");
    }
}
