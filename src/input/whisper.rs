//! OpenAI Whisper / faster-whisper JSON, WhisperX JSON, and whisper.cpp JSON.
//!
//! The OpenAI API's `verbose_json` (with `task`, `duration`) is the same shape; with only word timestamps it has a
//! top-level `words[]` instead of `segments[]`.
//!
//! Whisper: `segments[]` with `start`/`end` in float seconds and `text` (with a leading space); no speakers, so the
//! turns are by an unknown speaker (see `roles`). WhisperX adds `speaker` per segment and per word
//! (`SPEAKER_00`); when words carry speakers the turns are rebuilt from the words, because one segment can span a
//! change of speaker. Words that could not be aligned have no times and take those of the word before; a segment
//! or word with no speaker (no diarization turn overlapped it) belongs to the speaker before it.
//!
//! whisper.cpp (`-oj`): `transcription[]` with `offsets.from`/`to` in milliseconds (or `timestamps` as SRT
//! clocks). With tinydiarize (`-tdrz`) a segment's `speaker_turn_next: true` means the next segment is the other
//! speaker (labels `speaker 0` and `speaker 1`); with `--diarize` the text starts with `(speaker 1)`.

use serde_json::Value;

use super::fields::{clock_ms, Ctx, Path};
use super::turns::{new_call, scalar_metadata, sequential, Piece, UNKNOWN};
use super::{roles, InputError, InputFormat, ReadOptions};
use crate::call::{Call, Source};

/// Fill gaps in a list of speakers: a missing one takes the speaker before it (the first ones, the first known).
fn fill_speakers(speakers: &mut [Option<String>]) -> bool {
    let Some(first) = speakers.iter().flatten().next().cloned() else {
        return false;
    };
    let mut last = first;
    for s in speakers.iter_mut() {
        match s {
            Some(x) => last.clone_from(x),
            None => *s = Some(last.clone()),
        }
    }
    true
}

/// Read Whisper, faster-whisper or WhisperX JSON.
///
/// # Errors
/// No `segments` (or `word_segments`), or a field of the wrong type.
pub fn read(format: InputFormat, v: &Value, source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    let cx = Ctx { source, format: format.name() };
    let doc = Path::doc();
    let root = cx.root(v)?;
    let sp = doc.key("segments");
    let segments = cx.opt_array(root, &doc, "segments")?;
    let mut seg_pieces = Vec::with_capacity(segments.len());
    let mut seg_speakers = Vec::with_capacity(segments.len());
    let mut words: Vec<(Piece, Option<String>)> = Vec::new();
    for (i, s) in segments.iter().enumerate() {
        let p = sp.idx(i);
        let o = cx.object(s, &p)?;
        let text = match o.get("text") {
            None | Some(Value::Null) => "",
            Some(t) => cx.string(t, &p.key("text"))?,
        };
        let speaker = cx.opt_label(o, &p, "speaker")?;
        seg_pieces.push(Piece::new("", text, cx.opt_secs(o, &p, "start")?, cx.opt_secs(o, &p, "end")?));
        seg_speakers.push(speaker.clone());
        let wp = p.key("words");
        for (j, w) in cx.opt_array(o, &p, "words")?.iter().enumerate() {
            let (piece, sp) = word(&cx, w, &wp.idx(j))?;
            words.push((piece, sp.or_else(|| speaker.clone())));
        }
    }
    if segments.is_empty() {
        // WhisperX `word_segments`, or the OpenAI API's verbose_json with word timestamps only (`words`).
        let key = if root.contains_key("word_segments") { "word_segments" } else { "words" };
        let wsp = doc.key(key);
        for (j, w) in cx.opt_array(root, &doc, key)?.iter().enumerate() {
            words.push(word(&cx, w, &wsp.idx(j))?);
        }
    }
    let word_level = words.iter().any(|(_, s)| s.is_some()) || (segments.is_empty() && !words.is_empty());
    let pieces: Vec<Piece> = if word_level {
        let mut speakers: Vec<Option<String>> = words.iter().map(|(_, s)| s.clone()).collect();
        fill_speakers(&mut speakers);
        let mut last_end = None;
        words
            .into_iter()
            .zip(speakers)
            .map(|((mut p, _), s)| {
                p.speaker = s.unwrap_or_else(|| UNKNOWN.to_owned());
                // An unaligned word sits where the word before ended.
                if p.start_ms.is_none() {
                    p.start_ms = last_end;
                    p.end_ms = p.end_ms.or(last_end);
                }
                last_end = p.end_ms.or(last_end);
                p
            })
            .collect()
    } else {
        let diarized = fill_speakers(&mut seg_speakers);
        seg_pieces
            .into_iter()
            .zip(seg_speakers)
            .map(|(mut p, s)| {
                p.speaker = if diarized { s.unwrap_or_default() } else { UNKNOWN.to_owned() };
                p
            })
            .collect()
    };
    let mut turns = sequential(pieces);
    if turns.is_empty() {
        if let Some(text) = cx.opt_text(root, &doc, "text")? {
            turns = sequential([Piece::new(UNKNOWN, text, None, None)]);
        }
    }
    if turns.is_empty() && !["segments", "word_segments", "words"].iter().any(|k| root.contains_key(*k)) {
        return Err(cx.err(&sp, "missing (expected segments[] with start, end and text)"));
    }
    let role_note = roles::assign(&mut turns, opts);
    let mut call = new_call(source, cx.format, turns, scalar_metadata(root));
    call.role_note = role_note;
    Ok(call)
}

/// A Whisper word: `word` (or `text`), optional `start`/`end` seconds, optional `speaker`.
fn word(cx: &Ctx<'_>, w: &Value, p: &Path<'_>) -> Result<(Piece, Option<String>), InputError> {
    let o = cx.object(w, p)?;
    let text = match (o.get("word"), o.get("text")) {
        (Some(t), _) => cx.string(t, &p.key("word"))?,
        (None, Some(t)) => cx.string(t, &p.key("text"))?,
        (None, None) => return Err(cx.err(p, "missing \"word\"")),
    };
    let piece = Piece::new("", text, cx.opt_secs(o, p, "start")?, cx.opt_secs(o, p, "end")?);
    Ok((piece, cx.opt_label(o, p, "speaker")?))
}

/// `(speaker 1) text` as whisper.cpp `--diarize` writes it: the label and the rest.
fn speaker_marker(text: &str) -> Option<(String, &str)> {
    let t = text.trim_start();
    let inner_end = t.find(')')?;
    let inner = t.strip_prefix('(')?.get(..inner_end.checked_sub(1)?)?;
    let n = inner.strip_prefix("speaker")?.trim();
    (!n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit() || b == b'?'))
        .then(|| (format!("speaker {n}"), &t[inner_end + 1..]))
}

/// Read whisper.cpp JSON (`-oj` or `-ojf`).
///
/// # Errors
/// No `transcription`, or a segment with a field of the wrong type.
pub fn read_cpp(v: &Value, source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    let cx = Ctx { source, format: "whisper-cpp" };
    let doc = Path::doc();
    let root = cx.root(v)?;
    let tp = doc.key("transcription");
    let segs = cx.array(cx.req(root, &doc, "transcription")?, &tp)?;
    let tdrz = segs.iter().any(|s| s.get("speaker_turn_next").is_some());
    let mut turn_no = 0u8;
    let mut last_marker: Option<String> = None;
    let mut pieces = Vec::with_capacity(segs.len());
    for (i, s) in segs.iter().enumerate() {
        let p = tp.idx(i);
        let o = cx.object(s, &p)?;
        let text = match o.get("text") {
            None | Some(Value::Null) => "",
            Some(t) => cx.string(t, &p.key("text"))?,
        };
        let (start, end) = match o.get("offsets").and_then(Value::as_object) {
            Some(off) => {
                let op = p.key("offsets");
                (cx.opt_millis(off, &op, "from")?, cx.opt_millis(off, &op, "to")?)
            }
            None => match o.get("timestamps").and_then(Value::as_object) {
                Some(ts) => {
                    let clock = |k: &str| -> Result<Option<u64>, InputError> {
                        match ts.get(k) {
                            None | Some(Value::Null) => Ok(None),
                            Some(Value::String(s)) => clock_ms(s).map(Some).ok_or_else(|| {
                                cx.err(&p.key("timestamps").key(k), format!("expected \"00:00:01,000\", found {s:?}"))
                            }),
                            Some(v) => Err(cx.wrong(&p.key("timestamps").key(k), "a time string", v)),
                        }
                    };
                    (clock("from")?, clock("to")?)
                }
                None => (None, None),
            },
        };
        let (speaker, text) = match speaker_marker(text) {
            Some((label, rest)) => {
                last_marker = Some(label.clone());
                (label, rest)
            }
            None if tdrz => (format!("speaker {turn_no}"), text),
            None => (last_marker.clone().unwrap_or_else(|| UNKNOWN.to_owned()), text),
        };
        let text = text.replace("[SPEAKER_TURN]", "");
        pieces.push(Piece::new(speaker, text, start, end));
        if o.get("speaker_turn_next").and_then(Value::as_bool) == Some(true) {
            turn_no = 1 - turn_no;
        }
    }
    let mut turns = sequential(pieces);
    let role_note = roles::assign(&mut turns, opts);
    let mut metadata = scalar_metadata(root);
    if let Some(lang) = root.get("result").and_then(|r| r.get("language")) {
        metadata.insert("language".into(), lang.clone());
    }
    let mut call = new_call(source, cx.format, turns, metadata);
    call.role_note = role_note;
    Ok(call)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(speaker_marker(" (speaker 1) Hello"), Some(("speaker 1".into(), " Hello")));
        assert_eq!(speaker_marker("(speaker ?) Hm"), Some(("speaker ?".into(), " Hm")));
        assert_eq!(speaker_marker("(laughs) ok"), None);
        assert_eq!(speaker_marker("(speaker"), None);
        assert_eq!(speaker_marker(")("), None);
    }
}
