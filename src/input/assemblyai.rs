//! AssemblyAI transcripts (`/v2/transcript`).
//!
//! Times are integer milliseconds. With `speaker_labels=true`, `utterances[]` gives speaker turns (speakers
//! `"A"`, `"B"`; with `dual_channel`, channel numbers). Otherwise turns are rebuilt from `words[]` when they carry
//! a `speaker`, and the whole `text` is one stretch by an unknown speaker when nothing else is there.

use serde_json::Value;

use super::fields::{Ctx, Path};
use super::turns::{new_call, scalar_metadata, sequential, Piece, UNKNOWN};
use super::{roles, InputError, ReadOptions};
use crate::call::{Call, Source};

/// Read an AssemblyAI transcript.
///
/// # Errors
/// An utterance or word with a field of the wrong type, or neither `utterances`, `words` nor `text`.
pub fn read(v: &Value, source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    let cx = Ctx { source, format: "assemblyai" };
    let doc = Path::doc();
    let root = cx.root(v)?;
    let up = doc.key("utterances");
    let utterances = cx.opt_array(root, &doc, "utterances")?;
    let mut pieces = Vec::new();
    if !utterances.is_empty() {
        for (i, u) in utterances.iter().enumerate() {
            let p = up.idx(i);
            let o = cx.object(u, &p)?;
            let text = cx.string(cx.req(o, &p, "text")?, &p.key("text"))?;
            let speaker = cx.opt_label(o, &p, "speaker")?.unwrap_or_else(|| UNKNOWN.to_owned());
            pieces.push(Piece::new(speaker, text, cx.opt_millis(o, &p, "start")?, cx.opt_millis(o, &p, "end")?));
        }
    } else {
        let wp = doc.key("words");
        for (i, w) in cx.opt_array(root, &doc, "words")?.iter().enumerate() {
            let p = wp.idx(i);
            let o = cx.object(w, &p)?;
            let text = cx.string(cx.req(o, &p, "text")?, &p.key("text"))?;
            let speaker = cx.opt_label(o, &p, "speaker")?.unwrap_or_else(|| UNKNOWN.to_owned());
            pieces.push(Piece::new(speaker, text, cx.opt_millis(o, &p, "start")?, cx.opt_millis(o, &p, "end")?));
        }
    }
    if pieces.is_empty() {
        match cx.opt_text(root, &doc, "text")? {
            Some(t) => pieces.push(Piece::new(UNKNOWN, t, None, None)),
            None if root.contains_key("utterances") || root.contains_key("words") => {}
            None => return Err(cx.err(&up, "missing (expected utterances[] or words[] with speaker, start, end)")),
        }
    }
    let mut turns = sequential(pieces);
    let role_note = roles::assign(&mut turns, opts);
    let mut call = new_call(source, cx.format, turns, scalar_metadata(root));
    call.role_note = role_note;
    Ok(call)
}
