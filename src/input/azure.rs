//! Azure AI Speech: batch transcription result files, the fast transcription API, and a real-time SDK result.
//!
//! - Batch: `recognizedPhrases[]` with `speaker` (with diarization) or `channel` (two-channel audio), text in
//!   `nBest[0].display`, times in `offsetMilliseconds`/`durationMilliseconds` (newer API), else
//!   `offsetInTicks`/`durationInTicks` (100-ns ticks), else `offset`/`duration` (ISO 8601, `PT1.23S`). Phrases
//!   whose `recognitionStatus` is not `Success` carry no speech and are skipped.
//! - Fast transcription: `phrases[]` with `offsetMilliseconds`, `durationMilliseconds`, `text`, `speaker`.
//! - Real-time SDK detailed result: `Offset`/`Duration` in ticks, `DisplayText` or `NBest[0].Display`,
//!   `SpeakerId` (`Guest-1`).
//!
//! Azure gives a start and a duration; the end is their sum.

use serde_json::{Map, Value};

use super::fields::{iso_duration, Ctx, Path};
use super::turns::{by_channel, new_call, scalar_metadata, sequential, Piece, UNKNOWN};
use super::{roles, InputError, ReadOptions};
use crate::call::{Call, Source};

/// A time in one of Azure's units, trying the keys in order: milliseconds, ticks, ISO duration.
fn time(
    cx: &Ctx<'_>,
    o: &Map<String, Value>,
    p: &Path<'_>,
    ms: &str,
    ticks: &str,
    iso: &str,
) -> Result<Option<u64>, InputError> {
    if let Some(v) = cx.opt_millis(o, p, ms)? {
        return Ok(Some(v));
    }
    match o.get(ticks) {
        None | Some(Value::Null) => {}
        Some(v) => return cx.millis(v, &p.key(ticks)).map(|t| Some(t / 10_000)),
    }
    match o.get(iso) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => iso_duration(s).map(Some).ok_or_else(|| {
            cx.err(&p.key(iso), format!("expected an ISO 8601 duration such as \"PT1.23S\", found {s:?}"))
        }),
        // The real-time SDK writes Offset and Duration as numbers of ticks.
        Some(v) => cx.millis(v, &p.key(iso)).map(|t| Some(t / 10_000)),
    }
}

/// The text of a phrase: `text`/`DisplayText`, else the first n-best `display` (or `lexical`).
fn phrase_text(cx: &Ctx<'_>, o: &Map<String, Value>, p: &Path<'_>) -> Result<String, InputError> {
    for k in ["text", "DisplayText"] {
        if let Some(t) = cx.opt_text(o, p, k)? {
            return Ok(t);
        }
    }
    for k in ["nBest", "NBest"] {
        let np = p.key(k);
        if let Some(best) = cx.opt_array(o, p, k)?.first() {
            let b0 = np.idx(0);
            let b = cx.object(best, &b0)?;
            for f in ["display", "Display", "itn", "lexical", "Lexical"] {
                if let Some(t) = cx.opt_text(b, &b0, f)? {
                    return Ok(t);
                }
            }
            return Err(cx.err(&b0, "missing \"display\""));
        }
    }
    Err(cx.err(p, "missing \"nBest\" (or \"text\")"))
}

fn phrase(cx: &Ctx<'_>, v: &Value, p: &Path<'_>) -> Result<Option<(Piece, Option<String>)>, InputError> {
    let o = cx.object(v, p)?;
    if let Some(status) = o.get("recognitionStatus").or_else(|| o.get("RecognitionStatus")).and_then(Value::as_str) {
        if status != "Success" {
            return Ok(None);
        }
    }
    let text = phrase_text(cx, o, p)?;
    let start = time(cx, o, p, "offsetMilliseconds", "offsetInTicks", "offset")?;
    let start = match start {
        Some(s) => Some(s),
        None => time(cx, o, p, "OffsetMilliseconds", "OffsetInTicks", "Offset")?,
    };
    let dur = match time(cx, o, p, "durationMilliseconds", "durationInTicks", "duration")? {
        Some(d) => Some(d),
        None => time(cx, o, p, "DurationMilliseconds", "DurationInTicks", "Duration")?,
    };
    let speaker = match cx.opt_label(o, p, "speaker")? {
        Some(s) => Some(s),
        None => cx.opt_label(o, p, "SpeakerId")?,
    };
    let channel = match cx.opt_label(o, p, "channel")? {
        Some(c) => Some(c),
        None => cx.opt_label(o, p, "Channel")?,
    };
    let end = start.zip(dur).map(|(s, d)| s.saturating_add(d));
    let label = match (speaker, &channel) {
        (Some(s), _) if !s.is_empty() && s != "Unknown" => s,
        _ => UNKNOWN.to_owned(),
    };
    Ok(Some((Piece::new(label, text, start, end), channel)))
}

/// Read an Azure Speech result.
///
/// # Errors
/// No `recognizedPhrases`, `phrases` or `NBest`, or a phrase with a field of the wrong type.
pub fn read(v: &Value, source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    let cx = Ctx { source, format: "azure" };
    let doc = Path::doc();
    let root = cx.root(v)?;
    let key = ["recognizedPhrases", "phrases"].into_iter().find(|k| root.get(*k).is_some_and(|v| !v.is_null()));
    let mut found: Vec<(Piece, Option<String>)> = Vec::new();
    match key {
        Some(k) => {
            let lp = doc.key(k);
            for (i, p) in cx.opt_array(root, &doc, k)?.iter().enumerate() {
                if let Some(x) = phrase(&cx, p, &lp.idx(i))? {
                    found.push(x);
                }
            }
        }
        None if root.contains_key("NBest") || root.contains_key("DisplayText") => {
            if let Some(x) = phrase(&cx, v, &doc)? {
                found.push(x);
            }
        }
        None => {
            return Err(cx.err(&doc.key("recognizedPhrases"), "missing (expected recognizedPhrases[] or phrases[])"))
        }
    }
    let mut channels: Vec<&str> = found.iter().filter_map(|(_, c)| c.as_deref()).collect();
    channels.sort_unstable();
    channels.dedup();
    let two_channel = channels.len() > 1;
    let diarized = found.iter().any(|(p, _)| p.speaker != UNKNOWN);
    let mut pieces: Vec<Piece> = Vec::with_capacity(found.len());
    for (mut p, c) in found {
        if two_channel && !diarized {
            p.speaker = format!("ch{}", c.unwrap_or_default());
        }
        pieces.push(p);
    }
    pieces.sort_by_key(|p| p.start_ms.unwrap_or(0));
    let mut turns = if two_channel && !diarized { by_channel(pieces) } else { sequential(pieces) };
    let role_note = roles::assign(&mut turns, opts);
    let mut call = new_call(source, cx.format, turns, scalar_metadata(root));
    call.role_note = role_note;
    Ok(call)
}
