//! Shared helpers of the vendor JSON readers: field access that names the exact field on error, and the time
//! units the vendors use (seconds as strings or floats, milliseconds, protobuf durations, 100-ns ticks, ISO 8601).
//!
//! Paths are built on the stack ([`Path`]) and only formatted when an error is reported, so walking a file of
//! ten thousand words costs no allocation per field.

use std::fmt;

use serde_json::{Map, Value};

use super::InputError;
use crate::call::Source;

/// One step of a JSON path: an object key or an array index.
#[derive(Clone, Copy, Debug)]
enum Seg<'a> {
    Key(&'a str),
    Idx(usize),
}

/// A JSON path such as `results.utterances[3].speaker`, displayed only when an error needs it.
#[derive(Clone, Copy, Debug)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

impl<'a> Path<'a> {
    /// The whole document: keys below it print without a leading dot.
    pub fn doc() -> Path<'static> {
        Path { parent: None, seg: Seg::Key("") }
    }

    fn is_doc(&self) -> bool {
        self.parent.is_none() && matches!(self.seg, Seg::Key(""))
    }

    /// A top-level key.
    pub fn root(key: &'a str) -> Path<'a> {
        Path { parent: None, seg: Seg::Key(key) }
    }

    /// A key below this path.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path { parent: Some(self), seg: Seg::Key(key) }
    }

    /// An array element below this path.
    pub fn idx(&'a self, i: usize) -> Path<'a> {
        Path { parent: Some(self), seg: Seg::Idx(i) }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_doc() {
            return f.write_str("(document)");
        }
        let parent = self.parent.filter(|p| !p.is_doc());
        if let Some(p) = parent {
            p.fmt(f)?;
        }
        match self.seg {
            Seg::Key(k) if parent.is_some() => write!(f, ".{k}"),
            Seg::Key(k) => f.write_str(k),
            Seg::Idx(i) => write!(f, "[{i}]"),
        }
    }
}

/// What a JSON value is, for messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The file and the format being read: every error names both.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The file (and line, for JSONL records).
    pub source: &'a Source,
    /// The format name as on the command line (`deepgram`).
    pub format: &'static str,
}

impl<'a> Ctx<'a> {
    /// An error about a field: `file: deepgram: results.utterances[3].speaker: message`.
    pub fn err(&self, path: &Path<'_>, message: impl fmt::Display) -> InputError {
        InputError::new(self.source.clone(), format!("{}: {path}: {message}", self.format))
    }

    /// An error about the whole document.
    pub fn doc_err(&self, message: impl fmt::Display) -> InputError {
        InputError::new(self.source.clone(), format!("{}: {message}", self.format))
    }

    /// A field of the wrong type.
    pub fn wrong(&self, path: &Path<'_>, expected: &str, found: &Value) -> InputError {
        self.err(path, format!("expected {expected}, found {}", type_name(found)))
    }

    /// The document as an object.
    pub fn root<'v>(&self, v: &'v Value) -> Result<&'v Map<String, Value>, InputError> {
        v.as_object().ok_or_else(|| self.doc_err(format!("expected a JSON object, found {}", type_name(v))))
    }

    /// The value as an object.
    pub fn object<'v>(&self, v: &'v Value, path: &Path<'_>) -> Result<&'v Map<String, Value>, InputError> {
        v.as_object().ok_or_else(|| self.wrong(path, "an object", v))
    }

    /// A required field of an object (null counts as missing).
    pub fn req<'v>(&self, obj: &'v Map<String, Value>, path: &Path<'_>, key: &str) -> Result<&'v Value, InputError> {
        match obj.get(key) {
            Some(Value::Null) | None => Err(self.err(&path.key(key), "missing")),
            Some(v) => Ok(v),
        }
    }

    /// The value as an array.
    pub fn array<'v>(&self, v: &'v Value, path: &Path<'_>) -> Result<&'v [Value], InputError> {
        v.as_array().map(Vec::as_slice).ok_or_else(|| self.wrong(path, "an array", v))
    }

    /// An optional array field: missing or null is empty.
    pub fn opt_array<'v>(
        &self,
        obj: &'v Map<String, Value>,
        path: &Path<'_>,
        key: &str,
    ) -> Result<&'v [Value], InputError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(v) => self.array(v, &path.key(key)),
        }
    }

    /// The value as a string.
    pub fn string<'v>(&self, v: &'v Value, path: &Path<'_>) -> Result<&'v str, InputError> {
        v.as_str().ok_or_else(|| self.wrong(path, "a string", v))
    }

    /// An optional string field (a number is accepted and written out).
    pub fn opt_text(&self, obj: &Map<String, Value>, path: &Path<'_>, key: &str) -> Result<Option<String>, InputError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(self.wrong(&path.key(key), "a string", v)),
        }
    }

    /// A speaker label given as a string or an integer (`"spk_0"`, `"A"`, `1`).
    pub fn label(&self, v: &Value, path: &Path<'_>) -> Result<String, InputError> {
        match v {
            Value::String(s) => Ok(s.trim().to_owned()),
            Value::Number(n) if n.is_u64() || n.is_i64() => Ok(n.to_string()),
            v => Err(self.wrong(path, "a speaker label (a string or an integer)", v)),
        }
    }

    /// An optional speaker label field.
    pub fn opt_label(
        &self,
        obj: &Map<String, Value>,
        path: &Path<'_>,
        key: &str,
    ) -> Result<Option<String>, InputError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.label(v, &path.key(key)).map(Some),
        }
    }

    /// Seconds given as a number or a numeric string (`0.94`, `"0.94"`), in milliseconds.
    pub fn secs(&self, v: &Value, path: &Path<'_>) -> Result<u64, InputError> {
        let f = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => return Err(self.wrong(path, "seconds (a number)", v)),
        };
        f.and_then(secs_to_ms).ok_or_else(|| self.err(path, format!("expected seconds >= 0, found {v}")))
    }

    /// An optional time in seconds.
    pub fn opt_secs(&self, obj: &Map<String, Value>, path: &Path<'_>, key: &str) -> Result<Option<u64>, InputError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.secs(v, &path.key(key)).map(Some),
        }
    }

    /// Milliseconds given as a number (or a numeric string).
    pub fn millis(&self, v: &Value, path: &Path<'_>) -> Result<u64, InputError> {
        let f = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => return Err(self.wrong(path, "milliseconds (a number)", v)),
        };
        f.and_then(|f| secs_to_ms(f / 1000.0))
            .ok_or_else(|| self.err(path, format!("expected milliseconds >= 0, found {v}")))
    }

    /// An optional time in milliseconds.
    pub fn opt_millis(&self, obj: &Map<String, Value>, path: &Path<'_>, key: &str) -> Result<Option<u64>, InputError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.millis(v, &path.key(key)).map(Some),
        }
    }
}

/// The longest time accepted, in seconds (about 31 years): larger values are corrupt, and capping them keeps
/// the arithmetic on turn times from overflowing.
pub const MAX_SECS: f64 = 1.0e9;

/// Seconds to whole milliseconds; `None` for negative, infinite or absurd values.
pub fn secs_to_ms(s: f64) -> Option<u64> {
    if s.is_finite() && (0.0..=MAX_SECS).contains(&s) {
        Some((s * 1000.0).round() as u64)
    } else {
        None
    }
}

/// A clock time: `HH:MM:SS.mmm`, `HH:MM:SS,mmm` (SRT), `MM:SS.mmm`, `H:MM:SS` or `SS.mmm`, in milliseconds.
pub fn clock_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    let mut parts = s.split(':');
    let mut fields: Vec<&str> = Vec::with_capacity(3);
    for p in parts.by_ref() {
        fields.push(p);
        if fields.len() > 3 {
            return None;
        }
    }
    let (whole, frac) = {
        let last = fields.pop()?;
        match last.split_once(['.', ',']) {
            Some((w, f)) => (w, Some(f)),
            None => (last, None),
        }
    };
    let digits = |x: &str| !x.is_empty() && x.len() <= 6 && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !fields.iter().all(|f| digits(f)) {
        return None;
    }
    let mut acc: u64 = 0;
    for f in &fields {
        acc = acc.checked_mul(60)?.checked_add(f.parse().ok()?)?;
    }
    let secs = if fields.is_empty() {
        whole.parse::<u64>().ok()?
    } else if whole.len() > 2 {
        return None;
    } else {
        acc.checked_mul(60)?.checked_add(whole.parse().ok()?)?
    };
    let ms = match frac {
        None => 0,
        Some(f) if digits(f) => {
            // Pad or cut to three digits: ".5" is 500 ms, ".1234" is 123 ms.
            let mut d: String = f.chars().take(3).collect();
            while d.len() < 3 {
                d.push('0');
            }
            d.parse::<u64>().ok()?
        }
        Some(_) => return None,
    };
    secs.checked_mul(1000)?.checked_add(ms)
}

/// A protobuf duration as Google writes it: `"1.300s"`, `{"seconds": "2", "nanos": 200000000}`, or a number of
/// seconds, in milliseconds.
pub fn google_duration(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => secs_to_ms(s.trim().strip_suffix('s')?.parse().ok()?),
        Value::Number(n) => secs_to_ms(n.as_f64()?),
        Value::Object(o) => {
            let secs = match o.get("seconds") {
                None | Some(Value::Null) => 0.0,
                Some(Value::String(s)) => s.parse::<f64>().ok()?,
                Some(Value::Number(n)) => n.as_f64()?,
                Some(_) => return None,
            };
            let nanos = match o.get("nanos") {
                None | Some(Value::Null) => 0.0,
                Some(Value::Number(n)) => n.as_f64()?,
                Some(_) => return None,
            };
            secs_to_ms(secs + nanos / 1e9)
        }
        _ => None,
    }
}

/// An ISO 8601 duration as Azure writes it (`PT1M2.5S`, `PT0.3S`, `P0DT1H`), in milliseconds.
pub fn iso_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    let rest = s.strip_prefix('P')?;
    let mut total = 0.0f64;
    let mut num = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' | '.' | ',' => num.push(if c == ',' { '.' } else { c }),
            'D' | 'H' | 'M' | 'S' | 'W' => {
                let n: f64 = num.parse().ok()?;
                num.clear();
                total += n * match (c, in_time) {
                    ('W', false) => 604_800.0,
                    ('D', false) => 86_400.0,
                    ('H', true) => 3_600.0,
                    ('M', true) => 60.0,
                    ('S', true) => 1.0,
                    _ => return None,
                };
            }
            _ => return None,
        }
    }
    if !num.is_empty() {
        return None;
    }
    secs_to_ms(total)
}

/// A time the user gave as text in a transcript line: a clock (`00:01:23.450`) or seconds with a unit (`7.92s`).
pub fn text_time(s: &str) -> Option<u64> {
    let s = s.trim();
    match s.strip_suffix('s') {
        Some(n) if !n.contains(':') => secs_to_ms(n.trim().parse().ok()?),
        _ => clock_ms(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        assert_eq!(clock_ms("00:01:23.450"), Some(83_450));
        assert_eq!(clock_ms("00:00:01,000"), Some(1_000));
        assert_eq!(clock_ms("01:23"), Some(83_000));
        assert_eq!(clock_ms("1:02:03"), Some(3_723_000));
        assert_eq!(clock_ms("00:11.5"), Some(11_500));
        assert_eq!(clock_ms("7.92"), Some(7_920));
        assert_eq!(clock_ms("ab:cd"), None);
        assert_eq!(clock_ms("1:2:3:4"), None);
        assert_eq!(clock_ms(""), None);
        assert_eq!(clock_ms("99999999999:00:00"), None);
    }

    #[test]
    fn paths() {
        let d = Path::doc();
        let r = d.key("results");
        let u = r.key("utterances");
        let i = u.idx(3);
        assert_eq!(i.key("speaker").to_string(), "results.utterances[3].speaker");
        assert_eq!(d.to_string(), "(document)");
    }

    #[test]
    fn durations() {
        assert_eq!(google_duration(&Value::from("1.300s")), Some(1_300));
        assert_eq!(google_duration(&serde_json::json!({"seconds": "2", "nanos": 200_000_000})), Some(2_200));
        assert_eq!(google_duration(&serde_json::json!({"nanos": 500_000_000})), Some(500));
        assert_eq!(iso_duration("PT1M2.5S"), Some(62_500));
        assert_eq!(iso_duration("PT0.3S"), Some(300));
        assert_eq!(iso_duration("PT1H"), Some(3_600_000));
        assert_eq!(iso_duration("1S"), None);
        assert_eq!(text_time("7.92s"), Some(7_920));
        assert_eq!(secs_to_ms(-1.0), None);
        assert_eq!(secs_to_ms(f64::NAN), None);
    }
}
