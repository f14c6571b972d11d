use std::fmt;

use crate::call::Source;

/// An input that could not be read: where, and what was wrong, in words that say what to fix.
///
/// Displayed as `calls.jsonl:17: expected "turns" to be an array`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The file (and line) the error is about.
    pub source: Source,
    /// What was wrong.
    pub message: String,
}

impl InputError {
    /// An error at `source`.
    pub fn new(source: Source, message: impl Into<String>) -> InputError {
        InputError { source, message: message.into() }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

impl std::error::Error for InputError {}
