//! read: turn bytes in one of the supported transcript formats into [`Call`]s.
//!
//! Each format has its own reader module with one entry point, `read(&[u8], &Source, &ReadOptions)`;
//! [`detect`] recognises a format from the content (and the file name as a hint), and [`read`] dispatches.
//! JSONL archives are not read here as a whole: the batch layer streams them line by line through
//! [`read_record`], so a bad line costs only itself.

pub mod assemblyai;
pub mod aws;
pub mod azure;
pub mod deepgram;
mod error;
pub mod fields;
pub mod google;
pub mod native;
pub mod roles;
pub mod srt;
pub mod text;
pub mod turns;
pub mod vtt;
pub mod whisper;

pub use error::InputError;

use serde_json::Value;

use crate::call::{Call, Role, Source};

/// A transcript format callcoach reads. `Auto` recognises the format from the content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
#[value(rename_all = "kebab-case")]
pub enum InputFormat {
    /// Recognise the format from the content (and the file name as a hint).
    #[default]
    Auto,
    /// Speaker-labelled plain text (`Agent: ...`, `[00:01:23] Customer: ...`, `Speaker 1: ...`).
    Text,
    /// The native JSON call (one object, or an array of them).
    Json,
    /// One JSON call per line (native, or any vendor JSON format, recognised per line).
    Jsonl,
    /// WebVTT captions with `<v Name>` voice tags or `Name:` prefixes.
    Vtt,
    /// SubRip subtitles with `Name:` or `[SPEAKER_00]:` prefixes.
    Srt,
    /// Amazon Transcribe batch output (speaker_labels, channel_labels or audio_segments).
    AwsTranscribe,
    /// Amazon Transcribe Call Analytics or Amazon Connect Contact Lens output (roles AGENT and CUSTOMER).
    #[value(alias = "contact-lens")]
    AwsCallAnalytics,
    /// OpenAI Whisper or faster-whisper JSON (`segments`).
    Whisper,
    /// WhisperX JSON (`segments` and `words` with `speaker`).
    Whisperx,
    /// whisper.cpp JSON (`whisper-cli -oj`: `transcription[]` with `offsets`).
    WhisperCpp,
    /// Deepgram pre-recorded response (`results.utterances`, or words with `speaker`).
    Deepgram,
    /// AssemblyAI transcript (`utterances`, or `words` with `speaker`).
    Assemblyai,
    /// Google Cloud Speech-to-Text (`results[].alternatives[].words` with `speakerTag` or `speakerLabel`).
    Google,
    /// Azure AI Speech batch or fast transcription (`recognizedPhrases` or `phrases` with `speaker`).
    Azure,
}

impl InputFormat {
    /// The name used on the command line and in error messages.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Text => "text",
            InputFormat::Json => "json",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Vtt => "vtt",
            InputFormat::Srt => "srt",
            InputFormat::AwsTranscribe => "aws-transcribe",
            InputFormat::AwsCallAnalytics => "aws-call-analytics",
            InputFormat::Whisper => "whisper",
            InputFormat::Whisperx => "whisperx",
            InputFormat::WhisperCpp => "whisper-cpp",
            InputFormat::Deepgram => "deepgram",
            InputFormat::Assemblyai => "assemblyai",
            InputFormat::Google => "google",
            InputFormat::Azure => "azure",
        }
    }

    /// Whether the format is a JSON document read through [`read_value`].
    pub fn is_vendor_json(self) -> bool {
        matches!(
            self,
            InputFormat::AwsTranscribe
                | InputFormat::AwsCallAnalytics
                | InputFormat::Whisper
                | InputFormat::Whisperx
                | InputFormat::WhisperCpp
                | InputFormat::Deepgram
                | InputFormat::Assemblyai
                | InputFormat::Google
                | InputFormat::Azure
        )
    }
}

/// How to read: the format, and how to map speaker labels to roles.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// The format to read, or `Auto`.
    pub format: InputFormat,
    /// Speaker labels that are the agent (`--agent-speaker`), compared case-insensitively.
    pub agent_speakers: Vec<String>,
}

impl ReadOptions {
    /// The role for a speaker label: `--agent-speaker` first, then the label's own meaning.
    pub fn role_of(&self, label: &str) -> Role {
        let l = label.trim();
        if self.agent_speakers.iter().any(|a| a.trim().eq_ignore_ascii_case(l)) {
            return Role::Agent;
        }
        match Role::from_label(l) {
            // With an explicit agent label, the other speakers of a two-party recording are the customer.
            Role::Other if !self.agent_speakers.is_empty() => Role::Customer,
            role => role,
        }
    }
}

/// Recognise the format of `bytes` (the path is a hint only, used when the content is ambiguous).
///
/// Text formats are recognised by their first lines (`WEBVTT`; an SRT index and `-->` timing line); JSON
/// documents by their fields (see [`detect_value`]). A JSON document that matches no vendor is native JSON, so
/// its errors are the native reader's.
pub fn detect(bytes: &[u8], path: &str) -> InputFormat {
    match detect_shape(bytes, path) {
        InputFormat::Auto => match serde_json::from_slice::<Value>(strip_bom(bytes)) {
            Ok(v) => detect_value(&v),
            Err(_) => InputFormat::Json,
        },
        f => f,
    }
}

/// The format as far as it shows without parsing JSON: `Auto` for a single JSON object, whose fields decide.
fn detect_shape(bytes: &[u8], path: &str) -> InputFormat {
    let lower = path.to_ascii_lowercase();
    match first_byte(bytes) {
        Some(b'{') => {
            if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") || looks_like_jsonl(bytes) {
                InputFormat::Jsonl
            } else {
                InputFormat::Auto
            }
        }
        // `[00:00:01] Agent:` and `[0.00s -> 3.40s]` open plain-text lines too: JSON only if it parses as JSON
        // or the first line does not look like a transcript line.
        Some(b'[') if serde_json::from_slice::<Value>(strip_bom(bytes)).is_err() && first_line_is_transcript(bytes) => {
            InputFormat::Text
        }
        Some(b'[') => InputFormat::Json,
        _ => detect_text(bytes, &lower),
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes)
}

fn first_byte(bytes: &[u8]) -> Option<u8> {
    strip_bom(bytes).iter().copied().find(|b| !b.is_ascii_whitespace())
}

fn first_line_is_transcript(bytes: &[u8]) -> bool {
    let body = strip_bom(bytes);
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]);
    let first = head.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    let line = text::split_line(first);
    line.start_ms.is_some() || line.label.is_some()
}

/// WebVTT, SRT or plain text, from the first non-blank lines; the extension decides only when both could apply.
fn detect_text(bytes: &[u8], lower_path: &str) -> InputFormat {
    let body = strip_bom(bytes);
    let head = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    let mut lines = head.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or_default();
    if first.starts_with("WEBVTT") {
        return InputFormat::Vtt;
    }
    let second = lines.next().unwrap_or_default();
    let timing = |l: &str| l.contains("-->") && !l.starts_with('[');
    if (first.bytes().all(|b| b.is_ascii_digit()) && timing(second)) || (timing(first) && first.contains(',')) {
        return InputFormat::Srt;
    }
    if timing(first) && lower_path.ends_with(".vtt") {
        return InputFormat::Vtt;
    }
    InputFormat::Text
}

/// Recognise a vendor JSON format from its fields (formats.md order: the most specific shapes first).
pub fn detect_value(v: &Value) -> InputFormat {
    let Some(o) = v.as_object() else {
        return InputFormat::Json;
    };
    let has = |k: &str| o.get(k).is_some_and(|x| !x.is_null());
    let arr = |k: &str| o.get(k).and_then(Value::as_array);
    let first_of = |k: &str| arr(k).and_then(|a| a.first()).and_then(Value::as_object);
    if has("turns") {
        return InputFormat::Json;
    }
    let results = o.get("results");
    if let Some(r) = results.and_then(Value::as_object) {
        if ["speaker_labels", "channel_labels", "audio_segments", "transcripts"].iter().any(|k| r.contains_key(*k))
            || (r.contains_key("items") && has("jobName"))
        {
            return InputFormat::AwsTranscribe;
        }
        if r.contains_key("channels") || r.contains_key("utterances") {
            return InputFormat::Deepgram;
        }
    }
    if let Some(t) = first_of("Transcript") {
        if t.contains_key("ParticipantRole") || t.contains_key("ParticipantId") || t.contains_key("Content") {
            return InputFormat::AwsCallAnalytics;
        }
    }
    if has("Participants") && has("Transcript") {
        return InputFormat::AwsCallAnalytics;
    }
    if has("audio_duration") || (has("utterances") && has("words")) || (has("words") && has("text") && has("status")) {
        return InputFormat::Assemblyai;
    }
    if has("recognizedPhrases")
        || has("combinedRecognizedPhrases")
        || (has("phrases") && (has("durationMilliseconds") || has("combinedPhrases")))
        || has("NBest")
    {
        return InputFormat::Azure;
    }
    let google_results = |r: Option<&Value>| {
        r.and_then(Value::as_array).is_some_and(|a| a.iter().any(|x| x.get("alternatives").is_some()))
    };
    if google_results(results) || google_results(o.get("response").and_then(|r| r.get("results"))) {
        return InputFormat::Google;
    }
    if first_of("transcription").is_some_and(|t| t.contains_key("offsets") || t.contains_key("timestamps")) {
        return InputFormat::WhisperCpp;
    }
    if has("word_segments")
        || arr("segments").is_some_and(|a| {
            a.iter().any(|s| {
                s.get("speaker").is_some()
                    || s.get("words")
                        .and_then(Value::as_array)
                        .is_some_and(|w| w.iter().any(|w| w.get("speaker").is_some()))
            })
        })
    {
        return InputFormat::Whisperx;
    }
    // The OpenAI API's verbose_json: `task` and `duration`, with `segments` or only `words`.
    if arr("segments").is_some() || (has("task") && has("duration")) {
        return InputFormat::Whisper;
    }
    InputFormat::Json
}

/// Several JSON objects, one per line: the first line is a complete object and another follows.
fn looks_like_jsonl(bytes: &[u8]) -> bool {
    let mut lines = bytes.split(|b| *b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace));
    match (lines.next(), lines.next()) {
        (Some(a), Some(b)) => {
            serde_json::from_slice::<Value>(strip_bom(a)).is_ok()
                && b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{')
        }
        _ => false,
    }
}

/// Read every call in one input. A file in a line-oriented format yields one result per record, so one bad record
/// does not hide the others.
pub fn read(bytes: &[u8], source: &Source, opts: &ReadOptions) -> Vec<Result<Call, InputError>> {
    // Archived exports are often gzipped (`calls.jsonl.gz`): any format may come compressed.
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return match gunzip(bytes) {
            Ok(plain) => read(&plain, source, opts),
            Err(message) => vec![Err(InputError::new(source.clone(), message))],
        };
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return vec![Err(InputError::new(source.clone(), "empty input: expected a transcript"))];
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        return vec![Err(InputError::new(
            source.at_line(line),
            "not valid UTF-8 text (a binary file?); transcripts must be saved as UTF-8",
        ))];
    }
    let format = match opts.format {
        InputFormat::Auto => detect_shape(bytes, &source.path),
        f => f,
    };
    match format {
        // One JSON document, format unknown: parse it once, then recognise it from its fields.
        InputFormat::Auto => {
            vec![native::parse(bytes, source).and_then(|v| match detect_value(&v) {
                InputFormat::Json => unrecognised(&v, source).map_or_else(|| native::from_value(v, source, opts), Err),
                f => read_value(f, &v, source, opts),
            })]
        }
        InputFormat::Jsonl => read_jsonl(bytes, source, opts),
        InputFormat::Json => native::read(bytes, source, opts),
        InputFormat::Text => vec![text::read(bytes, source, opts)],
        InputFormat::Vtt => vec![vtt::read(bytes, source, opts)],
        InputFormat::Srt => vec![srt::read(bytes, source, opts)],
        f => vec![native::parse(bytes, source)
            .map_err(|e| InputError::new(e.source, format!("{}: {}", f.name(), e.message)))
            .and_then(|v| read_value(f, &v, source, opts))],
    }
}

/// The most a gzipped input may expand to: a guard against decompression bombs, far above any real transcript.
pub const MAX_GUNZIPPED_BYTES: u64 = 1 << 30;

fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(MAX_GUNZIPPED_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("gzip: cannot decompress: {e}"))?;
    if out.len() as u64 > MAX_GUNZIPPED_BYTES {
        return Err(format!("gzip: expands to more than {} MiB; split the archive", MAX_GUNZIPPED_BYTES >> 20));
    }
    if out.starts_with(&[0x1f, 0x8b]) {
        return Err("gzip: compressed twice; decompress it once first".into());
    }
    Ok(out)
}

/// Read a parsed JSON document in a vendor format (or native JSON, for `Json`).
///
/// # Errors
/// The field that is missing or wrong, named with the format: `deepgram: results.utterances[3].speaker: ...`.
pub fn read_value(format: InputFormat, v: &Value, source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    match format {
        InputFormat::AwsTranscribe => aws::read_transcribe(v, source, opts),
        InputFormat::AwsCallAnalytics => aws::read_call_analytics(v, source, opts),
        InputFormat::Whisper | InputFormat::Whisperx => whisper::read(format, v, source, opts),
        InputFormat::WhisperCpp => whisper::read_cpp(v, source, opts),
        InputFormat::Deepgram => deepgram::read(v, source, opts),
        InputFormat::Assemblyai => assemblyai::read(v, source, opts),
        InputFormat::Google => google::read(v, source, opts),
        InputFormat::Azure => azure::read(v, source, opts),
        _ => native::from_value(v.clone(), source, opts),
    }
}

/// Read a whole JSONL buffer, one call per non-blank line.
pub fn read_jsonl(bytes: &[u8], source: &Source, opts: &ReadOptions) -> Vec<Result<Call, InputError>> {
    bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .map(|(i, line)| read_record(line, &source.at_line(i + 1), opts))
        .collect()
}

/// Read one JSONL record (one line): a native call, or any vendor JSON document, recognised per line.
pub fn read_record(line: &[u8], source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    if !opts.format.is_vendor_json() {
        if let Some(call) = native::text_of(line, source).ok().and_then(|t| native::read_fast(t, source, opts)) {
            return Ok(call);
        }
    }
    let v = native::parse(line, source)?;
    let format = match opts.format {
        f if f.is_vendor_json() => f,
        _ => detect_value(&v),
    };
    match format {
        InputFormat::Json if opts.format != InputFormat::Json => {
            unrecognised(&v, source).map_or_else(|| native::from_value(v, source, opts), Err)
        }
        InputFormat::Json => native::from_value(v, source, opts),
        f => read_value(f, &v, source, opts),
    }
}

/// The formats a JSON document may be in, for messages.
const JSON_FORMATS: &str = "a native call {\"id\", \"turns\"}, aws-transcribe, aws-call-analytics, whisper, whisperx, \
                            whisper-cpp, deepgram, assemblyai, google or azure";

/// An object that is neither a native call (no `id`, no `turns`) nor any vendor format: say so, with its fields,
/// rather than report the native reader's missing `id`.
fn unrecognised(v: &Value, source: &Source) -> Option<InputError> {
    let o = v.as_object()?;
    if o.is_empty() || o.contains_key("id") || o.contains_key("turns") {
        return None;
    }
    let mut keys: Vec<&str> = o.keys().map(String::as_str).take(8).collect();
    if o.len() > keys.len() {
        keys.push("...");
    }
    Some(InputError::new(
        source.clone(),
        format!(
            "json: not a transcript format callcoach recognises (top-level fields: {}); expected {JSON_FORMATS}; \
             use --input-format to force one",
            keys.join(", ")
        ),
    ))
}
