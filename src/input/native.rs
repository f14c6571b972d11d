//! The native JSON call of the contract: `{"id": ..., "turns": [{"speaker": ..., "text": ...}], ...}`.
//!
//! Parsed through `serde_json::Value` rather than derived structs so that every error can name the field that is
//! wrong (`turns[3].text: expected a string, found a number`) instead of serde's generic message.

use serde_json::{Map, Value};

use super::fields::type_name;
use super::{InputError, ReadOptions};
use crate::call::{Account, Call, Role, Source, Turn};

/// Read a JSON document holding one call or an array of calls.
pub fn read(bytes: &[u8], source: &Source, opts: &ReadOptions) -> Vec<Result<Call, InputError>> {
    let value = match parse(bytes, source) {
        Ok(v) => v,
        Err(e) => return vec![Err(e)],
    };
    match value {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| from_value(v, source, opts).map_err(|e| prefix(e, &format!("[{i}]"))))
            .collect(),
        v => vec![from_value(v, source, opts)],
    }
}

/// Read one JSON object (one JSONL line) as a call.
pub fn read_one(bytes: &[u8], source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    from_value(parse(bytes, source)?, source, opts)
}

fn prefix(mut e: InputError, at: &str) -> InputError {
    e.message = format!("call {at}: {}", e.message);
    e
}

/// Parse a JSON document, with errors that say where and how it is broken.
pub(crate) fn parse(bytes: &[u8], source: &Source) -> Result<Value, InputError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        InputError::new(source.clone(), format!("not valid UTF-8 (byte {}); save the file as UTF-8", e.valid_up_to()))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(InputError::new(source.clone(), "empty input: expected a JSON call object"));
    }
    serde_json::from_str(text).map_err(|e| {
        // A JSONL record already knows its line; within a JSON file the parser's line is the useful one.
        let at = match source.line {
            Some(_) => source.clone(),
            None => source.at_line(e.line()),
        };
        let what = match e.classify() {
            serde_json::error::Category::Eof => "truncated JSON (the input ends inside a value)",
            serde_json::error::Category::Syntax => "invalid JSON",
            _ => "invalid JSON",
        };
        InputError::new(at, format!("{what}: {e}"))
    })
}

fn wrong(source: &Source, field: &str, expected: &str, found: &Value) -> InputError {
    InputError::new(source.clone(), format!("{field}: expected {expected}, found {}", type_name(found)))
}

fn opt_string(obj: &mut Map<String, Value>, key: &str, source: &Source) -> Result<Option<String>, InputError> {
    match obj.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(v) => Err(wrong(source, key, "a string", &v)),
    }
}

fn opt_ms(
    obj: &mut Map<String, Value>,
    key: &str,
    source: &Source,
    at: impl Fn() -> String,
) -> Result<Option<u64>, InputError> {
    match obj.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f >= 0.0 && f.is_finite() => Ok(Some(f.round() as u64)),
            _ => Err(InputError::new(source.clone(), format!("{}.{key}: expected milliseconds >= 0, found {n}", at()))),
        },
        Some(v) => Err(wrong(source, &format!("{}.{key}", at()), "a number of milliseconds", &v)),
    }
}

/// Build a call from a parsed JSON value, checking every field the contract defines.
pub fn from_value(value: Value, source: &Source, opts: &ReadOptions) -> Result<Call, InputError> {
    let mut obj = match value {
        Value::Object(o) => o,
        v => return Err(wrong(source, "call", "a JSON object with \"id\" and \"turns\"", &v)),
    };
    let id = match obj.remove("id") {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(_)) => return Err(InputError::new(source.clone(), "\"id\" is empty")),
        Some(v) => return Err(wrong(source, "id", "a string", &v)),
        None => return Err(InputError::new(source.clone(), "missing \"id\": every call needs an id")),
    };
    let err_src = |s: &Source| s.clone();
    let raw_turns = match obj.remove("turns") {
        Some(Value::Array(a)) => a,
        Some(v) => return Err(wrong(&err_src(source), "turns", "an array of turns", &v)),
        None => {
            return Err(InputError::new(
                source.clone(),
                format!("call {id:?}: missing \"turns\": expected an array of {{\"speaker\", \"text\"}} objects"),
            ))
        }
    };
    let mut turns = Vec::with_capacity(raw_turns.len());
    for (i, t) in raw_turns.into_iter().enumerate() {
        // The field path is only written out for an error message: most calls have none.
        let at = || format!("turns[{i}]");
        let mut t = match t {
            Value::Object(o) => o,
            v => return Err(wrong(source, &at(), "an object with \"speaker\" and \"text\"", &v)),
        };
        let speaker = match t.remove("speaker") {
            Some(Value::String(s)) => s,
            Some(Value::Number(n)) => n.to_string(),
            Some(v) => return Err(wrong(source, &format!("{}.speaker", at()), "a string", &v)),
            None => return Err(InputError::new(source.clone(), format!("{}: missing \"speaker\"", at()))),
        };
        let text = match t.remove("text") {
            Some(Value::String(s)) => s,
            Some(Value::Null) => String::new(),
            Some(v) => return Err(wrong(source, &format!("{}.text", at()), "a string", &v)),
            None => return Err(InputError::new(source.clone(), format!("{}: missing \"text\"", at()))),
        };
        let start_ms = opt_ms(&mut t, "start_ms", source, at)?;
        let end_ms = opt_ms(&mut t, "end_ms", source, at)?;
        let role = opts.role_of(&speaker);
        let extra = if t.is_empty() { None } else { Some(t) };
        turns.push(Turn { role, speaker, text, start_ms, end_ms, extra });
    }
    let agent_id = opt_string(&mut obj, "agent_id", source)?;
    let account_id = opt_string(&mut obj, "account_id", source)?;
    let started_at = opt_string(&mut obj, "started_at", source)?;
    let profile = opt_string(&mut obj, "profile", source)?;
    let account = match obj.remove("account") {
        None | Some(Value::Null) => Account::default(),
        Some(v @ Value::Object(_)) => {
            serde_json::from_value(v).map_err(|e| InputError::new(source.clone(), format!("account: {e}")))?
        }
        Some(v) => return Err(wrong(source, "account", "an object of account facts", &v)),
    };
    let suppress = match obj.remove("suppress") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .into_iter()
            .map(|c| match c {
                Value::String(s) => Ok(s),
                v => Err(wrong(source, "suppress[]", "a rule code string", &v)),
            })
            .collect::<Result<_, _>>()?,
        Some(v) => return Err(wrong(source, "suppress", "an array of rule codes", &v)),
    };
    // Labels that name no role (`spk_0`, `Sam`) get the same heuristic as the other formats.
    let role_note =
        if opts.agent_speakers.is_empty() && !turns.is_empty() && turns.iter().all(|t| t.role == Role::Other) {
            super::roles::assign(&mut turns, opts)
        } else {
            None
        };
    Ok(Call {
        id,
        source: Some(source.clone()),
        turns,
        agent_id,
        account_id,
        started_at,
        profile,
        account,
        suppress,
        metadata: obj,
        role_note,
    })
}
