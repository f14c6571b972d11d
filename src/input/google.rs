//! Google Cloud Speech-to-Text (v1 `recognize`/`longrunningrecognize` REST JSON, and v2).
//!
//! `results[].alternatives[0]` holds `transcript` and `words[]`. Word times are protobuf durations: `"1.300s"`,
//! `{"seconds": "2", "nanos": 200000000}` as client libraries write them, or v2's `startOffset`/`endOffset`.
//! Speakers: v1 `speakerTag` (an integer from 1), v2 `speakerLabel` (a string). In v1 diarized output the
//! **last** result repeats every word of the call with its tag, so when it holds at least as many words as the
//! earlier tagged results it is read alone; reading all of them would say everything twice. A long-running
//! operation's envelope (`{"name", "done", "response": {"results"}}`) is unwrapped.

use serde_json::{Map, Value};

use super::fields::{google_duration, Ctx, Path};
use super::turns::{by_channel, new_call, scalar_metadata, sequential, Piece, UNKNOWN};
use super::{roles, InputError, ReadOptions};
use crate::call::{Call, Source};

fn duration(cx: &Ctx<'_>, o: &Map<String, Value>, p: &Path<'_>, keys: [&str; 2]) -> Result<Option<u64>, InputError> {
    for k in keys {
        match o.get(k) {
            None | Some(Value::Null) => continue,
            Some(v) => {
                return google_duration(v)
                    .map(Some)
                    .ok_or_else(|| cx.err(&p.key(k), format!("expected a duration such as \"1.300s\", found {v}")))
            }
        }
    }
    Ok(None)
}

/// One result: its channel, its end time, its transcript, and its words with their speakers.
type ResultParts = (Option<String>, Option<u64>, String, Vec<(Piece, Option<String>)>);

/// Read a Google Speech-to-Text response.
///
/// # Errors
/// `results` missing, or a word with a field of the wrong type.
pub fn read(v: &Value, source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    let cx = Ctx { source, format: "google" };
    let doc = Path::doc();
    let outer = cx.root(v)?;
    let (root, rp_name) = match outer.get("response").and_then(Value::as_object) {
        Some(r) if !outer.contains_key("results") => (r, "response"),
        _ => (outer, ""),
    };
    let base = if rp_name.is_empty() { doc } else { doc.key(rp_name) };
    let rp = base.key("results");
    let results = cx.array(cx.req(root, &base, "results")?, &rp)?;
    // Per result: its channel, its transcript, and its words (piece, speaker).
    let mut per_result: Vec<ResultParts> = Vec::new();
    for (i, r) in results.iter().enumerate() {
        let p = rp.idx(i);
        let o = cx.object(r, &p)?;
        let channel = cx.opt_label(o, &p, "channelTag")?;
        let end = duration(&cx, o, &p, ["resultEndTime", "resultEndOffset"])?;
        let ap = p.key("alternatives");
        let Some(alt) = cx.opt_array(o, &p, "alternatives")?.first() else {
            continue;
        };
        let a0 = ap.idx(0);
        let alt = cx.object(alt, &a0)?;
        let transcript = cx.opt_text(alt, &a0, "transcript")?.unwrap_or_default();
        let wp = a0.key("words");
        let mut words = Vec::new();
        for (j, w) in cx.opt_array(alt, &a0, "words")?.iter().enumerate() {
            let q = wp.idx(j);
            let wo = cx.object(w, &q)?;
            let text = cx.string(cx.req(wo, &q, "word")?, &q.key("word"))?;
            let speaker = match cx.opt_label(wo, &q, "speakerLabel")? {
                Some(s) if !s.is_empty() => Some(s),
                _ => cx.opt_label(wo, &q, "speakerTag")?.filter(|t| t != "0"),
            };
            let start = duration(&cx, wo, &q, ["startTime", "startOffset"])?;
            let stop = duration(&cx, wo, &q, ["endTime", "endOffset"])?;
            words.push((Piece::new("", text, start, stop), speaker));
        }
        per_result.push((channel, end, transcript, words));
    }
    let tagged: Vec<usize> =
        (0..per_result.len()).filter(|&i| per_result[i].3.iter().any(|(_, s)| s.is_some())).collect();
    let channels = {
        let mut c: Vec<&String> = per_result.iter().filter_map(|r| r.0.as_ref()).collect();
        c.sort();
        c.dedup();
        c.len()
    };
    let mut pieces = Vec::new();
    if let Some((&last, earlier)) = tagged.split_last() {
        let earlier_words: usize = earlier.iter().map(|&i| per_result[i].3.len()).sum();
        let use_results: Vec<usize> =
            if per_result[last].3.len() >= earlier_words { vec![last] } else { tagged.clone() };
        for i in use_results {
            for (mut piece, s) in std::mem::take(&mut per_result[i].3) {
                piece.speaker = s.unwrap_or_else(|| UNKNOWN.to_owned());
                pieces.push(piece);
            }
        }
    } else {
        for (channel, end, transcript, words) in per_result {
            let speaker = match channel {
                Some(c) if channels > 1 => format!("ch{c}"),
                _ => UNKNOWN.to_owned(),
            };
            let start = words.first().and_then(|(w, _)| w.start_ms);
            let stop = words.last().and_then(|(w, _)| w.end_ms).or(end);
            pieces.push(Piece::new(speaker, transcript, start, stop));
        }
    }
    // Untagged results from two channels are two legs of the call: interleave them by time.
    let mut turns = if tagged.is_empty() && channels > 1 {
        pieces.sort_by_key(|p| p.start_ms.unwrap_or(0));
        by_channel(pieces)
    } else {
        sequential(pieces)
    };
    let role_note = roles::assign(&mut turns, opts);
    let mut call = new_call(source, cx.format, turns, scalar_metadata(outer));
    call.role_note = role_note;
    Ok(call)
}
