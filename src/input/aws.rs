//! Amazon Transcribe (standard batch jobs) and Transcribe Call Analytics / Amazon Connect Contact Lens.
//!
//! Standard jobs: times are strings of seconds (`"0.94"`). Turns come from `results.audio_segments` when the job
//! has them (already speaker turns), else are rebuilt from `results.items` (punctuation items have no times and
//! attach to the word before) with the speaker from `item.speaker_label` or, in older outputs, from
//! `results.speaker_labels.segments[].items[]` matched on `start_time`. With channel identification
//! (`results.channel_labels`), each channel is one party and the two streams are interleaved by time
//! (`turns::by_channel`), so talking over shows as overlap.
//!
//! Call Analytics and Contact Lens: `Transcript[]` entries carry `ParticipantRole` (`AGENT`/`CUSTOMER`) or a
//! `ParticipantId` resolved through `Participants[]`; the role is authoritative. Times are integer milliseconds.
//! Sentiment, loudness and issues are kept per turn in `Turn::extra`, and the vendor's interruptions are attached
//! to the turn of the participant who interrupted.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::fields::{Ctx, Path};
use super::turns::{by_channel, new_call, scalar_metadata, sequential, Piece, UNKNOWN};
use super::{roles, InputError, ReadOptions};
use crate::call::{Call, Role, Source, Turn};

/// Read an Amazon Transcribe standard job output.
///
/// # Errors
/// `results` missing, or an item or segment with a field of the wrong type.
pub fn read_transcribe(v: &Value, source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    let cx = Ctx { source, format: "aws-transcribe" };
    let doc = Path::doc();
    let root = cx.root(v)?;
    let rp = doc.key("results");
    let results = cx.object(cx.req(root, &doc, "results")?, &rp)?;
    let segments = cx.opt_array(results, &rp, "audio_segments")?;
    let channels = match results.get("channel_labels") {
        Some(c @ Value::Object(_)) => {
            let cp = rp.key("channel_labels");
            cx.opt_array(cx.object(c, &cp)?, &cp, "channels")?
        }
        _ => &[],
    };
    let mut turns = if !segments.is_empty() {
        from_audio_segments(&cx, segments, &rp.key("audio_segments"))?
    } else if !channels.is_empty() {
        from_channels(&cx, channels, &rp.key("channel_labels").key("channels"))?
    } else {
        from_items(&cx, results, &rp)?
    };
    if turns.is_empty() {
        // A job with no items still has its transcript text.
        let tp = rp.key("transcripts");
        let text = cx
            .opt_array(results, &rp, "transcripts")?
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.get("transcript").map(|s| cx.string(s, &tp.idx(i).key("transcript"))))
            .collect::<Result<Vec<_>, _>>()?
            .join(" ");
        turns = sequential([Piece::new(UNKNOWN, text, None, None)]);
    }
    // With channel identification, channel 0 is the agent leg in most contact-centre set-ups: it wins a tie.
    let tie = (!channels.is_empty() && segments.is_empty()).then_some(("ch_0", "channel ch_0 (the usual agent leg)"));
    let role_note = roles::assign_with_tie(&mut turns, opts, tie);
    let mut call = new_call(source, cx.format, turns, scalar_metadata(root));
    call.role_note = role_note;
    Ok(call)
}

fn from_audio_segments(cx: &Ctx<'_>, segments: &[Value], at: &Path<'_>) -> Result<Vec<Turn>, InputError> {
    let mut pieces = Vec::with_capacity(segments.len());
    let mut channel = false;
    for (i, s) in segments.iter().enumerate() {
        let p = at.idx(i);
        let o = cx.object(s, &p)?;
        let text = cx.string(cx.req(o, &p, "transcript")?, &p.key("transcript"))?;
        let speaker = match cx.opt_label(o, &p, "speaker_label")? {
            Some(s) => s,
            None => {
                let c = cx.opt_label(o, &p, "channel_label")?;
                channel |= c.is_some();
                c.unwrap_or_else(|| UNKNOWN.to_owned())
            }
        };
        let start = cx.opt_secs(o, &p, "start_time")?;
        let end = cx.opt_secs(o, &p, "end_time")?;
        pieces.push(Piece::new(speaker, text, start, end));
    }
    Ok(if channel { by_channel(pieces) } else { sequential(pieces) })
}

/// One item as a piece: its first alternative's content, its times, and whether it is punctuation.
fn item_piece(cx: &Ctx<'_>, item: &Value, p: &Path<'_>, speaker: String) -> Result<Piece, InputError> {
    let o = cx.object(item, p)?;
    let ap = p.key("alternatives");
    let alts = cx.array(cx.req(o, p, "alternatives")?, &ap)?;
    let content = match alts.first() {
        Some(a) => {
            let a0 = ap.idx(0);
            let a = cx.object(a, &a0)?;
            cx.string(cx.req(a, &a0, "content")?, &a0.key("content"))?.to_owned()
        }
        None => String::new(),
    };
    let punct = o.get("type").and_then(Value::as_str) == Some("punctuation");
    let mut piece = Piece::new(speaker, content, cx.opt_secs(o, p, "start_time")?, cx.opt_secs(o, p, "end_time")?);
    piece.punct = punct;
    Ok(piece)
}

fn from_channels(cx: &Ctx<'_>, channels: &[Value], at: &Path<'_>) -> Result<Vec<Turn>, InputError> {
    let mut pieces = Vec::new();
    for (c, ch) in channels.iter().enumerate() {
        let p = at.idx(c);
        let o = cx.object(ch, &p)?;
        let label = cx.opt_label(o, &p, "channel_label")?.unwrap_or_else(|| format!("ch_{c}"));
        let ip = p.key("items");
        let mut last_start = None;
        for (i, item) in cx.opt_array(o, &p, "items")?.iter().enumerate() {
            let mut piece = item_piece(cx, item, &ip.idx(i), label.clone())?;
            // Punctuation has no time: it takes its word's, so that sorting by time keeps it in place.
            if piece.start_ms.is_none() {
                piece.start_ms = last_start;
            }
            last_start = piece.start_ms;
            pieces.push(piece);
        }
    }
    // Interleave the channels by time; each channel's punctuation stays right after its word.
    pieces.sort_by_key(|p| p.start_ms.unwrap_or(0));
    Ok(by_channel(pieces))
}

fn from_items(cx: &Ctx<'_>, results: &Map<String, Value>, rp: &Path<'_>) -> Result<Vec<Turn>, InputError> {
    // Older outputs give the speaker only in speaker_labels.segments[].items[], keyed by start_time.
    let mut by_start: HashMap<String, String> = HashMap::new();
    if let Some(sl) = results.get("speaker_labels").filter(|v| !v.is_null()) {
        let sp = rp.key("speaker_labels");
        let sl = cx.object(sl, &sp)?;
        let segp = sp.key("segments");
        for (i, seg) in cx.opt_array(sl, &sp, "segments")?.iter().enumerate() {
            let p = segp.idx(i);
            let so = cx.object(seg, &p)?;
            let seg_speaker = cx.opt_label(so, &p, "speaker_label")?;
            let ip = p.key("items");
            for (j, it) in cx.opt_array(so, &p, "items")?.iter().enumerate() {
                let q = ip.idx(j);
                let io = cx.object(it, &q)?;
                let Some(speaker) = cx.opt_label(io, &q, "speaker_label")?.or_else(|| seg_speaker.clone()) else {
                    continue;
                };
                if let Some(Value::String(s)) = io.get("start_time") {
                    by_start.insert(s.clone(), speaker);
                }
            }
        }
    }
    let ip = rp.key("items");
    let mut pieces = Vec::new();
    let mut speaker = UNKNOWN.to_owned();
    for (i, item) in cx.opt_array(results, rp, "items")?.iter().enumerate() {
        let p = ip.idx(i);
        if let Some(o) = item.as_object() {
            if let Some(s) = cx.opt_label(o, &p, "speaker_label")? {
                speaker = s;
            } else if let Some(s) = o.get("start_time").and_then(Value::as_str).and_then(|t| by_start.get(t)) {
                speaker.clone_from(s);
            }
        }
        pieces.push(item_piece(cx, item, &p, speaker.clone())?);
    }
    Ok(sequential(pieces))
}

/// Read a Transcribe Call Analytics or Contact Lens output.
///
/// # Errors
/// `Transcript` missing, an entry with no role or participant, or a field of the wrong type.
pub fn read_call_analytics(v: &Value, source: &Source, _opts: &ReadOptions) -> Result<Call, InputError> {
    let cx = Ctx { source, format: "aws-call-analytics" };
    let doc = Path::doc();
    let root = cx.root(v)?;
    let mut roles_by_id: HashMap<String, String> = HashMap::new();
    let pp = doc.key("Participants");
    for (i, p) in cx.opt_array(root, &doc, "Participants")?.iter().enumerate() {
        let at = pp.idx(i);
        let o = cx.object(p, &at)?;
        if let (Some(id), Some(role)) =
            (cx.opt_label(o, &at, "ParticipantId")?, cx.opt_label(o, &at, "ParticipantRole")?)
        {
            roles_by_id.insert(id, role);
        }
    }
    let tp = doc.key("Transcript");
    let entries = cx.array(cx.req(root, &doc, "Transcript")?, &tp)?;
    let mut turns = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let at = tp.idx(i);
        let o = cx.object(e, &at)?;
        let text = cx.string(cx.req(o, &at, "Content")?, &at.key("Content"))?;
        let role_label = match (cx.opt_label(o, &at, "ParticipantRole")?, cx.opt_label(o, &at, "ParticipantId")?) {
            (Some(r), _) => r,
            (None, Some(id)) => roles_by_id.get(&id).cloned().unwrap_or(id),
            (None, None) => return Err(cx.err(&at, "missing \"ParticipantRole\" (or \"ParticipantId\")")),
        };
        let mut t = Turn::new(role_label.clone(), Role::from_label(&role_label), text.trim());
        t.start_ms = cx.opt_millis(o, &at, "BeginOffsetMillis")?;
        t.end_ms = cx.opt_millis(o, &at, "EndOffsetMillis")?;
        let extra: Map<String, Value> = ["Id", "Sentiment", "LoudnessScores", "LoudnessScore", "IssuesDetected"]
            .iter()
            .filter_map(|k| o.get(*k).filter(|v| !v.is_null()).map(|v| ((*k).to_owned(), v.clone())))
            .collect();
        t.extra = (!extra.is_empty()).then_some(extra);
        turns.push(t);
    }
    attach_interruptions(root, &mut turns);
    let mut metadata = scalar_metadata(root);
    for k in ["ConversationCharacteristics", "Categories", "CustomerMetadata", "ContentMetadata"] {
        if let Some(v) = root.get(k).filter(|v| v.is_object()) {
            metadata.insert(k.to_owned(), v.clone());
        }
    }
    Ok(new_call(source, cx.format, turns, metadata))
}

/// Copy each interruption of `ConversationCharacteristics.Interruptions.InterruptionsByInterrupter` to the turn
/// of the interrupting participant during which it began (`extra.Interruptions`).
fn attach_interruptions(root: &Map<String, Value>, turns: &mut [Turn]) {
    let Some(by) = root
        .get("ConversationCharacteristics")
        .and_then(|c| c.get("Interruptions"))
        .and_then(|i| i.get("InterruptionsByInterrupter"))
        .and_then(Value::as_object)
    else {
        return;
    };
    for (who, list) in by {
        for it in list.as_array().map(Vec::as_slice).unwrap_or_default() {
            let Some(begin) = it.get("BeginOffsetMillis").and_then(Value::as_u64) else {
                continue;
            };
            let turn = turns.iter_mut().find(|t| {
                t.speaker.eq_ignore_ascii_case(who)
                    && t.start_ms.is_some_and(|s| s <= begin)
                    && t.end_ms.is_some_and(|e| e >= begin)
            });
            if let Some(t) = turn {
                let extra = t.extra.get_or_insert_with(Map::new);
                let entry = extra.entry("Interruptions").or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(a) = entry {
                    a.push(it.clone());
                }
            }
        }
    }
}
