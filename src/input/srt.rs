//! SubRip (`.srt`) subtitles: numbered blocks, `00:00:01,000 --> 00:00:04,000`, text lines.
//!
//! SRT has no speaker field: speakers come from text prefixes (`Agent: `, `[SPEAKER_00]: ` as WhisperX writes
//! them, `<v Name>` from some converters); a line without one continues the previous speaker, and a leading
//! `- ` (a dialogue dash) or `>> ` (broadcast captions) is dropped. The cue logic is shared with WebVTT.

use super::text::decode;
use super::{vtt, InputError, ReadOptions};
use crate::call::{Call, Source};

/// Read an SRT file as one call.
///
/// # Errors
/// Not UTF-8, a timing line that cannot be read, or no cues.
pub fn read(bytes: &[u8], source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    let text = decode(bytes, source, "srt")?;
    vtt::read_cues(text, source, opts, "srt")
}
