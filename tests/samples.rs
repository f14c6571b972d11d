//! The bundled samples are labelled calls: every sample's findings and cues must match its expectation file
//! exactly and its labelled credits must be present; the text and JSON reports of several are snapshots.

use std::path::{Path, PathBuf};

use callcoach::call::{Call, Source};
use callcoach::expect::{compare, expectation_path, table, Comparison, Expectation};
use callcoach::input::{self, ReadOptions};
use callcoach::report::{self, Report};
use callcoach::rules::Analyzer;

fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("samples/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    v.sort();
    v
}

fn read(path: &Path) -> Call {
    let bytes = std::fs::read(path).expect("read sample");
    let name = format!("samples/{}", path.file_name().and_then(|n| n.to_str()).unwrap_or_default());
    let mut calls = input::read(&bytes, &Source::file(name), &ReadOptions::default());
    assert_eq!(calls.len(), 1, "{}: one call per sample", path.display());
    calls.remove(0).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_sample_matches_its_labels() {
    let analyzer = Analyzer::builtin(None).expect("lexicons");
    let files = samples();
    assert!(files.len() >= 24, "at least 24 samples, found {}", files.len());
    let mut total = Comparison::default();
    let mut failures = Vec::new();
    for f in &files {
        let exp_path = expectation_path(f);
        let exp = Expectation::load(&exp_path).unwrap_or_else(|e| panic!("every sample has labels: {e}"));
        let call = read(f);
        let a = analyzer.analyze(&call);
        let cmp = compare(&exp, &a, analyzer.lexicon());
        if !cmp.passes() {
            failures.push(format!("{}: missing {:?}, unexpected {:?}", f.display(), cmp.missing, cmp.unexpected));
        }
        total.absorb(&cmp);
        // Every reported span slices its own turn.
        for i in a.findings.iter().chain(&a.cues).chain(&a.credits) {
            assert_eq!(&call.turns[i.turn].text[i.start..i.end], i.text, "{} {} span", f.display(), i.code);
        }
    }
    println!("{}", table(&total));
    assert!(failures.is_empty(), "{} samples differ from their labels:\n{}", failures.len(), failures.join("\n"));
}

fn render(name: &str) -> (String, String) {
    let analyzer = Analyzer::builtin(None).expect("lexicons");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(name);
    let call = read(&path);
    let a = analyzer.analyze(&call);
    let r = Report { call: &call, analysis: &a, lex: analyzer.lexicon() };
    let mut text = Vec::new();
    report::text::write(&mut text, &r, false).expect("text");
    let mut json = Vec::new();
    report::write_json(&mut json, &[r]).expect("json");
    (String::from_utf8(text).expect("utf8"), String::from_utf8(json).expect("utf8"))
}

macro_rules! snapshot {
    ($test:ident, $file:literal) => {
        #[test]
        fn $test() {
            let (text, json) = render($file);
            insta::assert_snapshot!(concat!(stringify!($test), "_text"), text);
            insta::assert_snapshot!(concat!(stringify!($test), "_json"), json);
        }
    };
}

snapshot!(us_exemplary, "01-us-exemplary-hardship.json");
snapshot!(uk_exemplary, "02-uk-exemplary-mental-health.json");
snapshot!(us_arrest_threat, "03-us-arrest-threat.json");
snapshot!(us_stop_calling_ignored, "11-us-stop-calling-ignored.json");
