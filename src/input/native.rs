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

/// The text of a JSON document: valid UTF-8, without a byte-order mark, not blank.
pub(crate) fn text_of<'a>(bytes: &'a [u8], source: &Source) -> Result<&'a str, InputError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        InputError::new(source.clone(), format!("not valid UTF-8 (byte {}); save the file as UTF-8", e.valid_up_to()))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(InputError::new(source.clone(), "empty input: expected a JSON call object"));
    }
    Ok(text)
}

/// Parse a JSON document, with errors that say where and how it is broken.
pub(crate) fn parse(bytes: &[u8], source: &Source) -> Result<Value, InputError> {
    parse_text(text_of(bytes, source)?, source)
}

fn parse_text(text: &str, source: &Source) -> Result<Value, InputError> {
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
    Ok(finish(
        Fields { id, turns, agent_id, account_id, started_at, profile, account, suppress, metadata: obj },
        source,
        opts,
    ))
}

/// A native call's fields, read and checked.
struct Fields {
    id: String,
    turns: Vec<Turn>,
    agent_id: Option<String>,
    account_id: Option<String>,
    started_at: Option<String>,
    profile: Option<String>,
    account: Account,
    suppress: Vec<String>,
    metadata: Map<String, Value>,
}

/// The call from its fields: roles decided for labels that name none.
fn finish(f: Fields, source: &Source, opts: &ReadOptions) -> Call {
    let mut turns = f.turns;
    // Labels that name no role (`spk_0`, `Sam`) get the same heuristic as the other formats.
    let role_note =
        if opts.agent_speakers.is_empty() && !turns.is_empty() && turns.iter().all(|t| t.role == Role::Other) {
            super::roles::assign(&mut turns, opts)
        } else {
            None
        };
    Call {
        id: f.id,
        source: Some(source.clone()),
        turns,
        agent_id: f.agent_id,
        account_id: f.account_id,
        started_at: f.started_at,
        profile: f.profile,
        account: f.account,
        suppress: f.suppress,
        metadata: f.metadata,
        role_note,
    }
}

/// Read a native call straight from its JSON text, without building a [`Value`] for every object: the common,
/// well-formed case of a JSONL archive, about half the work of the general reader. `None` when anything is out
/// of the ordinary (a field of another type, an empty id, a repeated or escaped key, no `turns` array): the
/// caller then reads the text through [`from_value`], which accepts the same calls and names what is wrong
/// with the others.
pub(crate) fn read_fast(text: &str, source: &Source, opts: &ReadOptions) -> Option<Call> {
    let raw: fast::RawCall = serde_json::from_str(text).ok()?;
    let turns = raw
        .turns
        .into_iter()
        .map(|t| Turn {
            role: opts.role_of(&t.speaker),
            speaker: t.speaker,
            text: t.text,
            start_ms: t.start_ms,
            end_ms: t.end_ms,
            extra: (!t.extra.is_empty()).then_some(t.extra),
        })
        .collect();
    let account = match raw.account {
        None | Some(Value::Null) => Account::default(),
        Some(v @ Value::Object(_)) => serde_json::from_value(v).ok()?,
        Some(_) => return None,
    };
    let fields = Fields {
        id: raw.id,
        turns,
        agent_id: raw.agent_id,
        account_id: raw.account_id,
        started_at: raw.started_at,
        profile: raw.profile,
        account,
        suppress: raw.suppress.unwrap_or_default(),
        metadata: raw.metadata,
    };
    Some(finish(fields, source, opts))
}

/// The shapes [`read_fast`] reads, with hand-written visitors: each takes only the common form of a field and
/// fails on anything else, so that the general reader decides.
mod fast {
    use std::fmt;

    use serde::de::{self, Deserializer, MapAccess, Visitor};
    use serde::Deserialize;
    use serde_json::{Map, Value};

    pub struct RawCall {
        pub id: String,
        pub turns: Vec<RawTurn>,
        pub agent_id: Option<String>,
        pub account_id: Option<String>,
        pub started_at: Option<String>,
        pub profile: Option<String>,
        pub account: Option<Value>,
        pub suppress: Option<Vec<String>>,
        pub metadata: Map<String, Value>,
    }

    pub struct RawTurn {
        pub speaker: String,
        pub text: String,
        pub start_ms: Option<u64>,
        pub end_ms: Option<u64>,
        pub extra: Map<String, Value>,
    }

    /// Set a field once: a repeated key is left to the general reader.
    fn once<T, E: de::Error>(slot: &mut Option<T>, v: T) -> Result<(), E> {
        if slot.replace(v).is_some() {
            return Err(E::custom("repeated key"));
        }
        Ok(())
    }

    /// Milliseconds as the general reader takes them: a number >= 0, rounded; `null` is none.
    fn ms<E: de::Error>(v: Option<f64>) -> Result<Option<u64>, E> {
        match v {
            None => Ok(None),
            Some(f) if f >= 0.0 && f.is_finite() => Ok(Some(f.round() as u64)),
            Some(_) => Err(E::custom("negative milliseconds")),
        }
    }

    impl<'de> Deserialize<'de> for RawCall {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = RawCall;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a native call object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawCall, A::Error> {
                    let (mut id, mut turns, mut agent_id, mut account_id, mut started_at, mut profile) =
                        (None, None, None, None, None, None);
                    let (mut account, mut suppress) = (None, None);
                    let mut metadata = Map::new();
                    while let Some(key) = map.next_key::<&'de str>()? {
                        match key {
                            "id" => once(&mut id, map.next_value::<String>()?)?,
                            "turns" => once(&mut turns, map.next_value::<Vec<RawTurn>>()?)?,
                            "agent_id" => once(&mut agent_id, map.next_value::<Option<String>>()?)?,
                            "account_id" => once(&mut account_id, map.next_value::<Option<String>>()?)?,
                            "started_at" => once(&mut started_at, map.next_value::<Option<String>>()?)?,
                            "profile" => once(&mut profile, map.next_value::<Option<String>>()?)?,
                            "account" => once(&mut account, map.next_value::<Value>()?)?,
                            "suppress" => once(&mut suppress, map.next_value::<Option<Vec<String>>>()?)?,
                            _ => {
                                if metadata.insert(key.to_owned(), map.next_value::<Value>()?).is_some() {
                                    return Err(de::Error::custom("repeated key"));
                                }
                            }
                        }
                    }
                    let id: String = id.ok_or_else(|| de::Error::custom("no id"))?;
                    if id.is_empty() {
                        return Err(de::Error::custom("empty id"));
                    }
                    Ok(RawCall {
                        id,
                        turns: turns.ok_or_else(|| de::Error::custom("no turns"))?,
                        agent_id: agent_id.flatten(),
                        account_id: account_id.flatten(),
                        started_at: started_at.flatten(),
                        profile: profile.flatten(),
                        account,
                        suppress: suppress.flatten(),
                        metadata,
                    })
                }
            }
            d.deserialize_map(V)
        }
    }

    impl<'de> Deserialize<'de> for RawTurn {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = RawTurn;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a turn object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawTurn, A::Error> {
                    let (mut speaker, mut text, mut start_ms, mut end_ms) = (None, None, None, None);
                    let mut extra = Map::new();
                    while let Some(key) = map.next_key::<&'de str>()? {
                        match key {
                            "speaker" => once(&mut speaker, map.next_value::<String>()?)?,
                            "text" => once(&mut text, map.next_value::<Option<String>>()?)?,
                            "start_ms" => once(&mut start_ms, ms(map.next_value::<Option<f64>>()?)?)?,
                            "end_ms" => once(&mut end_ms, ms(map.next_value::<Option<f64>>()?)?)?,
                            _ => {
                                if extra.insert(key.to_owned(), map.next_value::<Value>()?).is_some() {
                                    return Err(de::Error::custom("repeated key"));
                                }
                            }
                        }
                    }
                    Ok(RawTurn {
                        speaker: speaker.ok_or_else(|| de::Error::custom("no speaker"))?,
                        text: text.ok_or_else(|| de::Error::custom("no text"))?.unwrap_or_default(),
                        start_ms: start_ms.flatten(),
                        end_ms: end_ms.flatten(),
                        extra,
                    })
                }
            }
            d.deserialize_map(V)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read through the general reader only.
    fn general(text: &str, opts: &ReadOptions) -> Result<Call, InputError> {
        let source = Source::file("t.jsonl").at_line(1);
        from_value(parse(text.as_bytes(), &source)?, &source, opts)
    }

    fn fast(text: &str, opts: &ReadOptions) -> Option<Call> {
        read_fast(text, &Source::file("t.jsonl").at_line(1), opts)
    }

    #[test]
    fn the_fast_reader_reads_ordinary_calls_as_the_general_one_does() {
        let opts = ReadOptions::default();
        for text in [
            r#"{"id":"c1","turns":[{"speaker":"agent","text":"Hello."},{"speaker":"customer","text":"Hi"}]}"#,
            r#"{"id":"c2","agent_id":"A7","account_id":null,"team":"west","started_at":"2026-04-21T10:16:02-05:00",
                "direction":"outbound","turns":[{"speaker":"agent","text":"Caf\u00e9 \"quoted\"","start_ms":0,
                "end_ms":1500.6,"sentiment":-0.4},{"speaker":"customer","text":null,"start_ms":null}]}"#,
            r#"{"turns":[{"speaker":"spk_0","text":"this is Sam from Northfield"},{"speaker":"spk_1","text":"ok"}],
                "id":"c3","profile":"uk","suppress":["TN203"],"account":{"attorney_on_file":true},"meta":{"a":[1,2]}}"#,
            r#"{"id":"c4","turns":[]}"#,
        ] {
            let slow = general(text, &opts).unwrap();
            assert_eq!(fast(text, &opts).as_ref(), Some(&slow), "{text}");
        }
    }

    #[test]
    fn anything_unusual_is_left_to_the_general_reader() {
        let opts = ReadOptions::default();
        for text in [
            r#"{"id":7,"turns":[{"speaker":"agent","text":"Hello."}]}"#,
            r#"{"id":"","turns":[]}"#,
            r#"{"id":"c","turns":[{"speaker":3,"text":"Hello."}]}"#,
            r#"{"id":"c","turns":[{"speaker":"agent","text":5}]}"#,
            r#"{"id":"c","turns":[{"speaker":"agent","text":"a","start_ms":-4}]}"#,
            r#"{"id":"c","turns":[{"speaker":"agent"}]}"#,
            r#"{"id":"c","id":"d","turns":[]}"#,
            r#"{"id":"c","x":1,"x":2,"turns":[]}"#,
            r#"{"id":"c","t\u0075rns":[]}"#,
            r#"{"id":"c","turns":null}"#,
            r#"{"id":"c","turns":[],"agent_id":12}"#,
            r#"{"id":"c","turns":[],"account":[true]}"#,
            r#"{"id":"c","turns":[],"suppress":[1]}"#,
            r#"[{"id":"c","turns":[]}]"#,
        ] {
            assert_eq!(fast(text, &opts), None, "{text}");
            // Where the general reader accepts the call, reading the line as a record still gives its call.
            let source = Source::file("t.jsonl").at_line(1);
            if let Ok(call) = general(text, &opts) {
                assert_eq!(super::super::read_record(text.as_bytes(), &source, &opts).unwrap(), call, "{text}");
            }
        }
    }
}
