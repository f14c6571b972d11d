//! The transcript readers: every format's fixture is recognised from its content and read into the turns its
//! snapshot shows; errors name the file, the format and the field; speaker roles follow `--agent-speaker` or the
//! documented heuristic; the timing rules fire on timed transcripts only; and no input makes a reader panic.
//!
//! Fixtures in `tests/fixtures/formats/` are written for this project from the vendors' documented schemas.
//! Update snapshots with `INSTA_UPDATE=always cargo test --test readers` (or `cargo insta review`).

use callcoach::call::{Call, Role, Source};
use callcoach::input::{self, detect, detect_value, InputFormat, ReadOptions};
use callcoach::rules::Analyzer;
use proptest::prelude::*;
use serde_json::{json, Value};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/formats/");

/// Every fixture and the format its content must be recognised as.
const FIXTURES: &[(&str, InputFormat)] = &[
    ("text-roles.txt", InputFormat::Text),
    ("text-dash.txt", InputFormat::Text),
    ("text-speakers.txt", InputFormat::Text),
    ("text-names.txt", InputFormat::Text),
    ("text-whisper-console.txt", InputFormat::Text),
    ("vtt-voices.vtt", InputFormat::Vtt),
    ("vtt-prefix.vtt", InputFormat::Vtt),
    ("srt-whisperx.srt", InputFormat::Srt),
    ("aws-transcribe-speakers.json", InputFormat::AwsTranscribe),
    ("aws-transcribe-channels.json", InputFormat::AwsTranscribe),
    ("aws-transcribe-segments.json", InputFormat::AwsTranscribe),
    ("aws-call-analytics.json", InputFormat::AwsCallAnalytics),
    ("contact-lens.json", InputFormat::AwsCallAnalytics),
    ("whisper.json", InputFormat::Whisper),
    ("whisper-api-words.json", InputFormat::Whisper),
    ("whisperx.json", InputFormat::Whisperx),
    ("whisper-cpp.json", InputFormat::WhisperCpp),
    ("deepgram-utterances.json", InputFormat::Deepgram),
    ("deepgram-words.json", InputFormat::Deepgram),
    ("deepgram-multichannel.json", InputFormat::Deepgram),
    ("assemblyai.json", InputFormat::Assemblyai),
    ("google-v1.json", InputFormat::Google),
    ("google-v2.json", InputFormat::Google),
    ("azure-batch.json", InputFormat::Azure),
    ("azure-fast.json", InputFormat::Azure),
];

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// Sources are relative so snapshots and messages do not depend on where the repository is checked out.
fn source(name: &str) -> Source {
    Source::file(format!("tests/fixtures/formats/{name}"))
}

fn read_with(name: &str, opts: &ReadOptions) -> Vec<Result<Call, input::InputError>> {
    input::read(&bytes(name), &source(name), opts)
}

fn read_one(name: &str, opts: &ReadOptions) -> Call {
    let mut calls = read_with(name, opts);
    assert_eq!(calls.len(), 1, "{name}: one call expected");
    calls.remove(0).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn error_of(name: &str, bytes: &[u8], format: InputFormat) -> String {
    let opts = ReadOptions { format, ..ReadOptions::default() };
    match input::read(bytes, &source(name), &opts).into_iter().next() {
        Some(Err(e)) => e.to_string(),
        other => panic!("{name}: expected an error, got {other:?}"),
    }
}

/// What a snapshot shows of a call: its id, format, role decision and turns.
fn summary(call: &Call) -> Value {
    json!({
        "id": call.id,
        "format": call.metadata.get("input_format"),
        "role_note": call.role_note,
        "turns": call.turns.iter().map(|t| {
            let mut v = json!({
                "speaker": t.speaker,
                "role": t.role.as_str(),
                "start_ms": t.start_ms,
                "end_ms": t.end_ms,
                "text": t.text,
            });
            if let (Some(extra), Some(o)) = (&t.extra, v.as_object_mut()) {
                o.insert("extra".into(), Value::Object(extra.clone()));
            }
            v
        }).collect::<Vec<_>>(),
    })
}

#[test]
fn every_fixture_is_recognised_from_its_content() {
    for (name, want) in FIXTURES {
        // A neutral file name: recognition must not depend on the extension.
        assert_eq!(detect(&bytes(name), "upload.dat"), *want, "{name}");
    }
}

#[test]
fn every_fixture_reads_into_the_turns_of_its_snapshot() {
    for (name, format) in FIXTURES {
        let call = read_one(name, &ReadOptions::default());
        assert!(!call.turns.is_empty(), "{name}: no turns");
        assert_eq!(call.metadata.get("input_format").and_then(Value::as_str), Some(format.name()), "{name}");
        // Forcing the format gives the same call as recognising it.
        let forced = read_one(name, &ReadOptions { format: *format, ..ReadOptions::default() });
        assert_eq!(forced, call, "{name}: --input-format {} differs from auto", format.name());
        insta::assert_json_snapshot!(name.replace('.', "_"), summary(&call));
    }
}

#[test]
fn jsonl_lines_may_be_any_json_format() {
    let calls: Vec<Call> = read_with("mixed.jsonl", &ReadOptions::default())
        .into_iter()
        .map(|c| c.unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].id, "native-1");
    assert_eq!(calls[1].id, "mixed-2");
    assert_eq!(calls[1].metadata.get("input_format").and_then(Value::as_str), Some("assemblyai"));
    assert_eq!(calls[1].roles(), vec![Role::Agent, Role::Customer]);
}

#[test]
fn errors_name_the_file_the_format_and_the_field() {
    let e = error_of("assemblyai.json", &bytes("assemblyai.json"), InputFormat::Deepgram);
    assert_eq!(e, "tests/fixtures/formats/assemblyai.json: deepgram: results: missing");

    let mut dg: Value = serde_json::from_slice(&bytes("deepgram-utterances.json")).unwrap_or_default();
    dg["results"]["utterances"][1]["speaker"] = json!({"id": 1});
    let e = error_of("dg.json", dg.to_string().as_bytes(), InputFormat::Auto);
    assert!(e.starts_with("tests/fixtures/formats/dg.json: deepgram: results.utterances[1].speaker: expected"), "{e}");
    assert!(e.ends_with("found an object"), "{e}");

    let mut aws: Value = serde_json::from_slice(&bytes("aws-transcribe-speakers.json")).unwrap_or_default();
    aws["results"]["items"][0]["start_time"] = json!("soon");
    let e = error_of("aws.json", aws.to_string().as_bytes(), InputFormat::Auto);
    assert!(e.contains("aws-transcribe: results.items[0].start_time: expected seconds >= 0"), "{e}");

    let e = error_of("ca.json", br#"{"Transcript": [{"Content": "Hello"}]}"#, InputFormat::Auto);
    assert!(
        e.ends_with("aws-call-analytics: Transcript[0]: missing \"ParticipantRole\" (or \"ParticipantId\")"),
        "{e}"
    );

    let e = error_of(
        "g.json",
        br#"{"results": [{"alternatives": [{"words": [{"word": "hi", "startTime": "soon"}]}]}]}"#,
        InputFormat::Auto,
    );
    assert!(e.contains("google: results[0].alternatives[0].words[0].startTime: expected a duration"), "{e}");

    let e = error_of("a.json", br#"{"recognizedPhrases": [{"offset": "PT1S"}]}"#, InputFormat::Auto);
    assert!(e.contains("azure: recognizedPhrases[0]: missing \"nBest\""), "{e}");

    let e = error_of("w.json", b"{\"segments\": [", InputFormat::Whisper);
    assert!(e.starts_with("tests/fixtures/formats/w.json:1: whisper: truncated JSON"), "{e}");

    let e = error_of("c.vtt", b"WEBVTT\n\n00:01.000 --> later\nHello\n", InputFormat::Auto);
    assert_eq!(e, "tests/fixtures/formats/c.vtt:3: vtt: cue timing \"00:01.000 --> later\": expected \"00:00:01.000 --> 00:00:04.000\"");

    let e = error_of("t.txt", b"[00:00:01]\n", InputFormat::Text);
    assert!(e.contains("text: no speech found"), "{e}");
}

#[test]
fn agent_speaker_overrides_the_heuristic() {
    let auto = read_one("deepgram-words.json", &ReadOptions::default());
    assert_eq!(auto.roles(), vec![Role::Customer, Role::Agent, Role::Customer]);
    assert_eq!(
        auto.role_note.as_deref(),
        Some("speaker \"0\" taken as the agent: said \"calling from\" (override with --agent-speaker)")
    );
    let opts = ReadOptions { agent_speakers: vec!["1".into()], ..ReadOptions::default() };
    let forced = read_one("deepgram-words.json", &opts);
    assert_eq!(forced.roles(), vec![Role::Agent, Role::Customer, Role::Agent]);
    assert_eq!(forced.role_note, None);
}

#[test]
fn roles_from_the_input_are_kept() {
    let ca = read_one("aws-call-analytics.json", &ReadOptions::default());
    assert_eq!(ca.roles(), vec![Role::Agent, Role::Customer, Role::Agent]);
    assert_eq!(ca.role_note, None, "Call Analytics roles need no note");
    // --agent-speaker does not override a role the contact centre recorded.
    let opts = ReadOptions { agent_speakers: vec!["CUSTOMER".into()], ..ReadOptions::default() };
    assert_eq!(read_one("aws-call-analytics.json", &opts).roles(), ca.roles());
    let text = read_one("text-roles.txt", &ReadOptions::default());
    assert_eq!(text.roles(), vec![Role::Agent, Role::Customer, Role::Agent, Role::Customer]);
}

/// Built once: compiling the built-in lexicons is the slow part of a debug test run.
static ANALYZER: std::sync::LazyLock<Analyzer> =
    std::sync::LazyLock::new(|| Analyzer::builtin(None).unwrap_or_else(|e| panic!("{e}")));

fn codes(call: &Call) -> Vec<(String, usize)> {
    ANALYZER.analyze(call).findings.iter().map(|f| (f.code.to_owned(), f.turn)).collect()
}

#[test]
fn timing_rules_fire_on_timed_transcripts() {
    // Two-channel audio: the agent starts 2 s before the customer's sentence ends.
    let call = read_one("aws-transcribe-channels.json", &ReadOptions::default());
    assert_eq!(
        call.turns.iter().map(|t| t.role).collect::<Vec<_>>(),
        vec![Role::Customer, Role::Agent, Role::Customer]
    );
    assert!(codes(&call).contains(&("CD103".into(), 1)), "{:?}", codes(&call));
    // Contact-centre timings: the same rule from Call Analytics offsets.
    let ca = read_one("aws-call-analytics.json", &ReadOptions::default());
    assert!(codes(&ca).contains(&("CD103".into(), 2)), "{:?}", codes(&ca));
    // The same kind of call as plain text has no timings, so no timing rule can fire.
    let text = read_one("text-roles.txt", &ReadOptions::default());
    assert!(codes(&text).iter().all(|(c, _)| !c.starts_with("CD10")), "{:?}", codes(&text));
}

#[test]
fn interruption_message_says_by_how_much() {
    let call = read_one("aws-transcribe-channels.json", &ReadOptions::default());
    let a = ANALYZER.analyze(&call);
    let f = a.findings.iter().find(|f| f.code == "CD103").map(|f| f.message.clone()).unwrap_or_default();
    assert!(f.ends_with("(2.0 s before the customer finished)"), "{f}");
}

// ---- No input panics a reader.

const ALL: &[InputFormat] = &[
    InputFormat::Auto,
    InputFormat::Text,
    InputFormat::Json,
    InputFormat::Jsonl,
    InputFormat::Vtt,
    InputFormat::Srt,
    InputFormat::AwsTranscribe,
    InputFormat::AwsCallAnalytics,
    InputFormat::Whisper,
    InputFormat::Whisperx,
    InputFormat::WhisperCpp,
    InputFormat::Deepgram,
    InputFormat::Assemblyai,
    InputFormat::Google,
    InputFormat::Azure,
];

fn read_all_formats(bytes: &[u8]) {
    for f in ALL {
        let opts = ReadOptions { format: *f, ..ReadOptions::default() };
        let _ = input::read(bytes, &Source::file("fuzz.bin"), &opts);
    }
    let opts = ReadOptions { agent_speakers: vec!["spk_0".into()], ..ReadOptions::default() };
    let _ = input::read(bytes, &Source::file("fuzz.bin"), &opts);
}

/// Field names the readers look for, so random documents reach deep into them.
const KEYS: &[&str] = &[
    "results",
    "items",
    "speaker_labels",
    "segments",
    "speaker_label",
    "start_time",
    "end_time",
    "alternatives",
    "content",
    "type",
    "audio_segments",
    "transcript",
    "channel_labels",
    "channels",
    "channel_label",
    "jobName",
    "Transcript",
    "ParticipantRole",
    "ParticipantId",
    "Participants",
    "Content",
    "BeginOffsetMillis",
    "EndOffsetMillis",
    "ConversationCharacteristics",
    "Interruptions",
    "InterruptionsByInterrupter",
    "text",
    "start",
    "end",
    "speaker",
    "words",
    "word",
    "word_segments",
    "transcription",
    "offsets",
    "timestamps",
    "from",
    "to",
    "speaker_turn_next",
    "metadata",
    "request_id",
    "utterances",
    "punctuated_word",
    "channel",
    "audio_duration",
    "status",
    "startTime",
    "endTime",
    "speakerTag",
    "speakerLabel",
    "startOffset",
    "endOffset",
    "seconds",
    "nanos",
    "channelTag",
    "resultEndTime",
    "response",
    "recognizedPhrases",
    "phrases",
    "nBest",
    "NBest",
    "display",
    "offset",
    "duration",
    "offsetInTicks",
    "durationInTicks",
    "offsetMilliseconds",
    "durationMilliseconds",
    "recognitionStatus",
    "DisplayText",
    "Offset",
    "Duration",
    "SpeakerId",
    "id",
    "turns",
    "start_ms",
    "end_ms",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        (0u64..100_000).prop_map(Value::from),
        (0.0f64..10_000.0).prop_map(Value::from),
        prop::sample::select(vec![
            "0.94",
            "1.300s",
            "PT1M2.5S",
            "00:00:01,000",
            "spk_0",
            "AGENT",
            "CUSTOMER",
            "A",
            "Success",
            "",
            "-1",
            "punctuation",
            "pronunciation",
            "(speaker 1) hi",
            "NaN",
            "1e400",
            "calling from",
            ".",
            "\u{feff}",
        ])
        .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ]
}

fn json_doc() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8)
                .prop_map(|kv| { Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()) }),
        ]
    })
}

/// Lines shaped like transcript lines: timestamps, labels, separators, cue timings.
fn text_doc() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "(\\[[0-9:.,s >-]{0,16}\\] ?){0,3}([A-Za-z_ 0-9'-]{0,14}(:| - | \u{2013} ))?[ -~]{0,30}",
        "[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?([.,][0-9]{1,4})? --> [0-9:.,]{0,12}( align:start)?",
        "<v[ .][A-Za-z .]{0,10}>[ -~]{0,20}(</v>)?",
        "[0-9]{0,8}\t[0-9]{0,8}\t[ -~]{0,10}",
        "(WEBVTT|NOTE|STYLE|[0-9]{1,3}|)",
        "\\PC{0,20}",
    ];
    prop::collection::vec(line, 0..12).prop_map(|ls| ls.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..600)) {
        read_all_formats(&data);
    }

    #[test]
    fn random_json_never_panics(doc in json_doc()) {
        let _ = detect_value(&doc);
        read_all_formats(doc.to_string().as_bytes());
        // Wrapped as a vendor root too, so the readers get past their first field.
        for key in ["results", "Transcript", "segments", "transcription", "utterances", "recognizedPhrases", "phrases", "words"] {
            read_all_formats(json!({ key: doc.clone() }).to_string().as_bytes());
        }
    }

    #[test]
    fn random_transcript_text_never_panics(text in text_doc()) {
        read_all_formats(text.as_bytes());
        read_all_formats(format!("WEBVTT\n\n{text}").as_bytes());
        read_all_formats(format!("1\n00:00:01,000 --> 00:00:02,000\n{text}").as_bytes());
    }

    #[test]
    fn timed_calls_never_panic_the_timing_rules(
        turns in prop::collection::vec((0u8..3, any::<Option<u64>>(), any::<Option<u64>>(), "[a-z ]{0,20}"), 0..12)
    ) {
        let call = Call {
            id: "fuzz".into(),
            turns: turns.into_iter().map(|(r, s, e, text)| {
                let role = [Role::Agent, Role::Customer, Role::Other][usize::from(r % 3)];
                let mut t = callcoach::call::Turn::new(role.as_str(), role, text);
                t.start_ms = s;
                t.end_ms = e;
                t
            }).collect(),
            ..Call::default()
        };
        let _ = ANALYZER.analyze(&call);
    }
}

#[test]
fn gzipped_inputs_are_read_like_the_plain_ones() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bytes("deepgram-words.json")).expect("compress in memory");
    let packed = gz.finish().expect("compress in memory");
    let calls = input::read(&packed, &source("deepgram-words.json"), &ReadOptions::default());
    let plain = read_one("deepgram-words.json", &ReadOptions::default());
    assert_eq!(calls.into_iter().next().and_then(Result::ok), Some(plain));
    let e = error_of("x.gz", &[0x1f, 0x8b, 0, 1, 2], InputFormat::Auto);
    assert!(e.starts_with("tests/fixtures/formats/x.gz: gzip: cannot decompress"), "{e}");
}

#[test]
fn an_unknown_json_document_says_what_was_expected() {
    let e = error_of("rev.json", br#"{"monologues": [], "speakers": 2}"#, InputFormat::Auto);
    assert!(e.starts_with("tests/fixtures/formats/rev.json: json: not a transcript format callcoach recognises (top-level fields: monologues, speakers); expected a native call"), "{e}");
    assert!(e.ends_with("use --input-format to force one"), "{e}");
    // A native call keeps the native reader's own messages.
    let e = error_of("n.json", br#"{"id": "x"}"#, InputFormat::Auto);
    assert!(e.contains("missing \"turns\""), "{e}");
}

#[test]
fn google_channels_are_two_legs_of_the_call() {
    let doc = json!({"results": [
        {"channelTag": 1, "alternatives": [{"transcript": "This is Sam calling from Northfield Recovery.",
            "words": [{"word": "This", "startTime": "0.2s", "endTime": "0.4s"}, {"word": "Recovery.", "startTime": "2s", "endTime": "2.6s"}]}]},
        {"channelTag": 2, "alternatives": [{"transcript": "Hello?",
            "words": [{"word": "Hello?", "startTime": "0s", "endTime": "0.5s"}]}]}
    ]});
    let call = input::read(doc.to_string().as_bytes(), &source("g.json"), &ReadOptions::default())
        .into_iter()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default();
    let got: Vec<_> = call.turns.iter().map(|t| (t.speaker.as_str(), t.role, t.start_ms, t.end_ms)).collect();
    assert_eq!(got, vec![("ch2", Role::Customer, Some(0), Some(500)), ("ch1", Role::Agent, Some(200), Some(2600))]);
}

/// Run the binary on fixtures: the flags and names the README documents.
fn cli(args: &[&str]) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_callcoach"))
        .args(args)
        .current_dir(DIR)
        .output()
        .expect("run callcoach");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_line_takes_every_format_name_and_reports_role_note() {
    // Every format's command-line name parses back to it (the binary is run below on a few of them only: each
    // run compiles the lexicons, which is slow in a debug build).
    for (_, format) in FIXTURES {
        assert_eq!(<InputFormat as clap::ValueEnum>::from_str(format.name(), false), Ok(*format));
    }
    let (_, out, _) = cli(&["analyze", "--format", "json", "--input-format", "contact-lens", "contact-lens.json"]);
    assert!(out.contains("\"roles\""), "{out}");
    let (_, out, _) = cli(&["analyze", "--format", "json", "whisperx.json"]);
    assert!(out.contains("\"role_note\": \"speaker \\\"SPEAKER_01\\\" taken as the agent"), "{out}");
    let (_, out, _) = cli(&["analyze", "text-speakers.txt"]);
    assert!(out.contains("role_note: speaker \"Speaker 2\" taken as the agent"), "{out}");
    let (_, out, _) = cli(&["analyze", "--format", "json", "--agent-speaker", "Speaker 1", "text-speakers.txt"]);
    assert!(!out.contains("role_note"), "{out}");
    assert!(out.contains("\"roles\": [\n    \"agent\",\n    \"customer\""), "{out}");
    let (code, _, err) = cli(&["analyze", "--input-format", "deepgram", "assemblyai.json"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("assemblyai.json: deepgram: results: missing"), "{err}");
}
