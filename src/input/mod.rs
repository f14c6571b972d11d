//! read: turn bytes in one of the supported transcript formats into [`Call`]s.
//!
//! Each format has its own reader module with one entry point, `read(&[u8], &Source, &ReadOptions)`;
//! [`detect`] recognises a format from the content (and the file name as a hint), and [`read`] dispatches.
//! JSONL archives are not read here as a whole: the batch layer streams them line by line through
//! [`read_record`], so a bad line costs only itself.

mod error;
pub mod native;

pub use error::InputError;

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
    /// One native JSON call per line.
    Jsonl,
}

impl InputFormat {
    /// The name used on the command line and in error messages.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Text => "text",
            InputFormat::Json => "json",
            InputFormat::Jsonl => "jsonl",
        }
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
pub fn detect(bytes: &[u8], path: &str) -> InputFormat {
    let first = bytes.iter().copied().find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    let lower = path.to_ascii_lowercase();
    match first {
        Some(b'{') => {
            if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") || looks_like_jsonl(bytes) {
                InputFormat::Jsonl
            } else {
                InputFormat::Json
            }
        }
        Some(b'[') => InputFormat::Json,
        _ => InputFormat::Text,
    }
}

/// Several JSON objects, one per line: the first line is a complete object and another follows.
fn looks_like_jsonl(bytes: &[u8]) -> bool {
    let mut lines = bytes.split(|b| *b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace));
    match (lines.next(), lines.next()) {
        (Some(a), Some(b)) => {
            serde_json::from_slice::<serde_json::Value>(a).is_ok()
                && b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{')
        }
        _ => false,
    }
}

/// Read every call in one input. A file in a line-oriented format yields one result per record, so one bad record
/// does not hide the others.
pub fn read(bytes: &[u8], source: &Source, opts: &ReadOptions) -> Vec<Result<Call, InputError>> {
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
        InputFormat::Auto => detect(bytes, &source.path),
        f => f,
    };
    match format {
        InputFormat::Jsonl => read_jsonl(bytes, source, opts),
        InputFormat::Json | InputFormat::Auto => native::read(bytes, source, opts),
        InputFormat::Text => vec![Err(InputError::new(
            source.clone(),
            "plain-text transcripts are not supported by this build; give the call as native JSON",
        ))],
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

/// Read one JSONL record (one line) as a native call.
pub fn read_record(line: &[u8], source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    native::read_one(line, source, opts)
}
