//! WebVTT captions (and, through [`read_cues`], SRT): cues with times, speakers from voice tags or prefixes.
//!
//! The speaker of a cue line is, in order: a voice span `<v Name>` (also `<v.loud Name>`), a prefix such as
//! `Name: `, `Agent: ` or `[SPEAKER_00]: ` (WhisperX writes these), or else the speaker of the line before.
//! Other tags (`<i>`, `<c.x>`, `<00:00:01.000>`) are stripped and `&amp;`-style entities decoded. `NOTE`,
//! `STYLE` and `REGION` blocks are skipped. Captions cut speech into short cues, so consecutive cues by the
//! same speaker are merged into one turn (a pause over `PAUSE_SPLIT_MS` still starts a new one).

use super::fields::clock_ms;
use super::text::{decode, label_counts, speaker_of, split_line, Line};
use super::turns::{new_call, sequential, Piece, UNKNOWN};
use super::{roles, InputError, ReadOptions};
use crate::call::{Call, Source};

/// Read a WebVTT file as one call.
///
/// # Errors
/// Not UTF-8, a cue timing that cannot be read, or no cues.
pub fn read(bytes: &[u8], source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    // A missing `WEBVTT` header is forgiven: some exporters drop it, and the cues are what matter.
    let text = decode(bytes, source, "vtt")?;
    read_cues(text, source, opts, "vtt")
}

/// One cue: its times and its payload lines.
struct Cue<'a> {
    start_ms: u64,
    end_ms: u64,
    lines: Vec<&'a str>,
}

/// Split caption text into cues (shared by WebVTT and SRT: a block is an optional identifier, a timing line
/// `start --> end [settings]`, and text lines).
fn cues<'a>(text: &'a str, source: &Source, format: &str) -> Result<Vec<Cue<'a>>, InputError> {
    let mut out = Vec::new();
    let mut block: Vec<(usize, &str)> = Vec::new();
    let lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let mut flush = |block: &mut Vec<(usize, &'a str)>| -> Result<(), InputError> {
        let taken = std::mem::take(block);
        let Some(ti) = taken.iter().position(|(_, l)| l.contains("-->")) else {
            return Ok(());
        };
        let first = taken.first().map(|(_, l)| l.trim()).unwrap_or_default();
        if ti > 0 && ["NOTE", "STYLE", "REGION"].iter().any(|k| first.starts_with(k)) {
            return Ok(());
        }
        let (n, timing) = taken[ti];
        let (a, b) = timing.split_once("-->").unwrap_or((timing, ""));
        let end_tok = b.split_whitespace().next().unwrap_or_default();
        let (Some(start_ms), Some(end_ms)) = (clock_ms(a.trim()), clock_ms(end_tok)) else {
            return Err(InputError::new(
                source.at_line(n),
                format!("{format}: cue timing {:?}: expected \"00:00:01.000 --> 00:00:04.000\"", timing.trim()),
            ));
        };
        out.push(Cue { start_ms, end_ms, lines: taken[ti + 1..].iter().map(|(_, l)| *l).collect() });
        Ok(())
    };
    for (n, l) in lines {
        if l.trim().is_empty() {
            flush(&mut block)?;
        } else {
            block.push((n, l));
        }
    }
    flush(&mut block)?;
    Ok(out)
}

/// Decode the few entities captions use.
fn entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&lrm;", "")
        .replace("&rlm;", "")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The voice of a line (`<v Name>` or `<v.class Name>`) and its text with every tag removed.
fn voice_and_text(line: &str) -> (Option<String>, String) {
    let mut voice = None;
    let mut text = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            // A lone '<' is text.
            text.push('<');
            rest = after;
            continue;
        };
        let tag = &after[..close];
        if voice.is_none() && (tag.starts_with("v ") || tag.starts_with("v.") || tag.starts_with("v\t")) {
            let name = tag.split_once([' ', '\t']).map(|(_, n)| n.trim()).unwrap_or_default();
            if !name.is_empty() {
                voice = Some(entities(name));
            }
        }
        rest = &after[close + 1..];
    }
    text.push_str(rest);
    (voice, entities(text.trim()))
}

/// Read caption cues (WebVTT or SRT) as one call.
///
/// # Errors
/// A cue timing that cannot be read, or no cues with text.
pub fn read_cues(text: &str, source: &Source, opts: &ReadOptions, format: &'static str) -> Result<Call, InputError> {
    let cues = cues(text, source, format)?;
    // First pass: each payload line's voice and text; prefixes are counted so that names must recur.
    let mut parsed: Vec<(u64, u64, Option<String>, String)> = Vec::new();
    for c in &cues {
        for l in &c.lines {
            let (voice, text) = voice_and_text(l);
            let text = text.strip_prefix(">>").map(str::trim_start).unwrap_or(&text).to_owned();
            if !text.is_empty() {
                parsed.push((c.start_ms, c.end_ms, voice, text));
            }
        }
    }
    let split: Vec<Line<'_>> = parsed.iter().map(|(_, _, _, t)| split_line(t)).collect();
    let counts = label_counts(split.iter().zip(&parsed).filter(|(_, p)| p.2.is_none()).map(|(l, _)| l));
    let mut pieces = Vec::with_capacity(parsed.len());
    let mut speaker = UNKNOWN.to_owned();
    for ((start, end, voice, text), line) in parsed.iter().zip(&split) {
        let body = match (voice, speaker_of(line, &counts)) {
            (Some(v), _) => {
                speaker = v.clone();
                text.as_str()
            }
            (None, Some(s)) => {
                speaker = s;
                line.text
            }
            (None, None) => text.strip_prefix("- ").unwrap_or(text),
        };
        pieces.push(Piece::new(speaker.clone(), body, Some(*start), Some(*end)));
    }
    let mut turns = sequential(pieces);
    if turns.is_empty() {
        return Err(InputError::new(
            source.clone(),
            format!(
                "{format}: no cues with text (expected cues such as \"00:00:01.000 --> 00:00:04.000\" and a text line)"
            ),
        ));
    }
    let role_note = roles::assign(&mut turns, opts);
    let mut call = new_call(source, format, turns, serde_json::Map::new());
    call.role_note = role_note;
    Ok(call)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voices_and_tags() {
        assert_eq!(voice_and_text("<v.loud Roger B>Hi <i>there</i>"), (Some("Roger B".into()), "Hi there".into()));
        assert_eq!(voice_and_text("<v Neil><i>Laughs</i></v>"), (Some("Neil".into()), "Laughs".into()));
        assert_eq!(voice_and_text("a < b &amp; c"), (None, "a < b & c".into()));
        assert_eq!(voice_and_text("<00:00:01.000>word"), (None, "word".into()));
    }
}
