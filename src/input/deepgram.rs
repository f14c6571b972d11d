//! Deepgram pre-recorded responses (`/v1/listen`).
//!
//! Times are float seconds. With `utterances=true`, `results.utterances[]` already gives speaker turns
//! (`speaker` is an integer with `diarize=true`). Otherwise turns are rebuilt from
//! `results.channels[].alternatives[0].words[]` (`punctuated_word` when present, else `word`). With
//! `multichannel=true` each channel is one leg of the call: speakers are labelled `ch0`, `ch1` (or `ch0:1` when a
//! channel is also diarized) and the legs are interleaved by time so that talking over shows as overlap.

use serde_json::Value;

use super::fields::{Ctx, Path};
use super::turns::{by_channel, new_call, scalar_metadata, sequential, Piece, UNKNOWN};
use super::{roles, InputError, ReadOptions};
use crate::call::{Call, Source};

fn label(speaker: Option<String>, channel: Option<String>, multichannel: bool) -> String {
    match (speaker, channel, multichannel) {
        (Some(s), Some(c), true) => format!("ch{c}:{s}"),
        (None, Some(c), true) => format!("ch{c}"),
        (Some(s), _, _) => s,
        (None, _, _) => UNKNOWN.to_owned(),
    }
}

/// Read a Deepgram response.
///
/// # Errors
/// `results` missing, or an utterance or word with a field of the wrong type
/// (`deepgram: results.utterances[3].speaker: expected a speaker label ...`).
pub fn read(v: &Value, source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    let cx = Ctx { source, format: "deepgram" };
    let doc = Path::doc();
    let root = cx.root(v)?;
    let rp = doc.key("results");
    let results = cx.object(cx.req(root, &doc, "results")?, &rp)?;
    let chp = rp.key("channels");
    let channels = cx.opt_array(results, &rp, "channels")?;
    let declared = root.get("metadata").and_then(|m| m.get("channels")).and_then(Value::as_u64).unwrap_or(0);
    let multichannel = channels.len() > 1 || declared > 1;
    let up = rp.key("utterances");
    let utterances = cx.opt_array(results, &rp, "utterances")?;
    let mut pieces = Vec::new();
    if !utterances.is_empty() {
        for (i, u) in utterances.iter().enumerate() {
            let p = up.idx(i);
            let o = cx.object(u, &p)?;
            let text = cx.string(cx.req(o, &p, "transcript")?, &p.key("transcript"))?;
            let speaker = label(cx.opt_label(o, &p, "speaker")?, cx.opt_label(o, &p, "channel")?, multichannel);
            pieces.push(Piece::new(speaker, text, cx.opt_secs(o, &p, "start")?, cx.opt_secs(o, &p, "end")?));
        }
    } else {
        for (c, ch) in channels.iter().enumerate() {
            let p = chp.idx(c);
            let o = cx.object(ch, &p)?;
            let ap = p.key("alternatives");
            let Some(alt) = cx.opt_array(o, &p, "alternatives")?.first() else {
                continue;
            };
            let a0 = ap.idx(0);
            let alt = cx.object(alt, &a0)?;
            let wp = a0.key("words");
            let words = cx.opt_array(alt, &a0, "words")?;
            if words.is_empty() {
                // No word timings: the channel's transcript is one stretch.
                if let Some(t) = cx.opt_text(alt, &a0, "transcript")? {
                    pieces.push(Piece::new(label(None, Some(c.to_string()), multichannel), t, None, None));
                }
            }
            for (j, w) in words.iter().enumerate() {
                let q = wp.idx(j);
                let wo = cx.object(w, &q)?;
                let text = match wo.get("punctuated_word").filter(|x| !x.is_null()) {
                    Some(t) => cx.string(t, &q.key("punctuated_word"))?,
                    None => cx.string(cx.req(wo, &q, "word")?, &q.key("word"))?,
                };
                let speaker = label(cx.opt_label(wo, &q, "speaker")?, Some(c.to_string()), multichannel);
                pieces.push(Piece::new(speaker, text, cx.opt_secs(wo, &q, "start")?, cx.opt_secs(wo, &q, "end")?));
            }
        }
        if multichannel {
            pieces.sort_by_key(|p| p.start_ms.unwrap_or(0));
        }
    }
    let mut turns = if multichannel { by_channel(pieces) } else { sequential(pieces) };
    let role_note = roles::assign(&mut turns, opts);
    let metadata = match root.get("metadata").and_then(Value::as_object) {
        Some(m) => scalar_metadata(m),
        None => scalar_metadata(root),
    };
    let mut call = new_call(source, cx.format, turns, metadata);
    call.role_note = role_note;
    Ok(call)
}
