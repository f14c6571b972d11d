//! The HTML and Markdown reports and redaction, end to end: fixture calls under `tests/fixtures/report/` are read,
//! redacted, analysed with the small fixture lexicon (so these snapshots change when reports change, not when the
//! built-in phrase lists grow) and rendered.

use std::path::{Path, PathBuf};
use std::process::Command;

use callcoach::call::{Call, Source};
use callcoach::input::{self, ReadOptions};
use callcoach::lexicon::load_with;
use callcoach::redact::{redact, redact_call};
use callcoach::report::{html, md, Report};
use callcoach::rules::{Analysis, Analyzer};

const FIXTURES: &[&str] = &["timed", "injection", "pii", "quiet"];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report")
}

fn analyzer() -> Analyzer {
    let lex = load_with(Some(&dir().join("lexicons"))).expect("fixture lexicon loads");
    Analyzer::new(lex, None).expect("fixture lexicon compiles")
}

fn read(name: &str) -> Call {
    let bytes = std::fs::read(dir().join(format!("{name}.json"))).expect("fixture exists");
    // A relative source keeps snapshots the same on every machine.
    let src = Source::file(format!("tests/fixtures/report/{name}.json"));
    let mut calls = input::read(&bytes, &src, &ReadOptions::default());
    assert_eq!(calls.len(), 1, "{name}: one call per fixture");
    calls.remove(0).expect("fixture parses")
}

fn analysed(name: &str, az: &Analyzer) -> (Call, Analysis) {
    let mut call = read(name);
    redact_call(&mut call);
    let a = az.analyze(&call);
    (call, a)
}

fn render(name: &str, az: &Analyzer, f: fn(&mut dyn std::io::Write, &Report<'_>) -> std::io::Result<()>) -> String {
    let (call, a) = analysed(name, az);
    let mut buf = Vec::new();
    f(&mut buf, &Report { call: &call, analysis: &a, lex: az.lexicon() }).expect("renders");
    String::from_utf8(buf).expect("utf-8")
}

fn page(name: &str, az: &Analyzer) -> String {
    render(name, az, html::write)
}

/// The page without its stylesheet, so snapshots show content and structure.
fn body(page: &str) -> &str {
    &page[page.find("<body>").expect("a body")..]
}

#[test]
fn html_snapshots() {
    let az = analyzer();
    for name in FIXTURES {
        insta::assert_snapshot!(format!("report_html_{name}"), body(&page(name, &az)));
    }
}

#[test]
fn markdown_snapshots() {
    let az = analyzer();
    for name in FIXTURES {
        insta::assert_snapshot!(format!("report_md_{name}"), render(name, &az, md::write));
    }
}

#[test]
fn index_snapshot() {
    let az = analyzer();
    let summaries: Vec<html::Summary> = FIXTURES
        .iter()
        .map(|name| {
            let (call, a) = analysed(name, &az);
            let r = Report { call: &call, analysis: &a, lex: az.lexicon() };
            html::Summary::new(&r, &format!("{}.html", html::slug(&call.id)))
        })
        .collect();
    let mut buf = Vec::new();
    html::write_index(&mut buf, &summaries).expect("renders");
    let page = String::from_utf8(buf).expect("utf-8");
    assert!(page.contains(&format!("content=\"{}\"", html::CSP_INDEX)));
    insta::assert_snapshot!("report_html_index", body(&page));
}

/// Every start tag in a page: its name and attribute names. Attribute values in our pages never contain `"`, `<`
/// or `>` (they are escaped), so this small scanner is exact for them.
fn tags(page: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = rest.find('>').expect("every tag closes");
        let tag = &rest[..end];
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let mut attrs = Vec::new();
        let mut a = &tag[name.len()..];
        loop {
            a = a.trim_start_matches([' ', '/', '\n']);
            if a.is_empty() {
                break;
            }
            let n: String = a.chars().take_while(|c| *c != '=' && *c != ' ' && *c != '/').collect();
            a = &a[n.len()..];
            if let Some(v) = a.strip_prefix("=\"") {
                let close = v.find('"').expect("quoted attribute closes");
                a = &v[close + 1..];
            }
            attrs.push(n);
        }
        out.push((name.to_ascii_lowercase(), attrs));
        rest = &rest[end..];
    }
    out
}

const TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section", "div", "p", "span", "b",
    "i", "q", "a", "h1", "h2", "table", "thead", "tbody", "tr", "th", "td", "ol", "ul", "li", "mark", "svg", "text",
    "rect", "line", "polygon", "circle", "desc", "code", "br", "abbr", "button",
];

#[test]
fn transcript_markup_is_escaped_everywhere() {
    let az = analyzer();
    for name in FIXTURES {
        let p = page(name, &az);
        assert!(p.contains(&format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">", html::CSP_PAGE)));
        for (tag, attrs) in tags(&p) {
            assert!(TAGS.contains(&tag.as_str()), "{name}: unexpected <{tag}> element");
            for a in attrs {
                assert!(!a.to_ascii_lowercase().starts_with("on"), "{name}: event handler attribute {a} in <{tag}>");
                assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{name}: odd attribute {a:?}");
            }
        }
    }
    let p = page("injection", &az);
    assert!(p.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;&lt;img src=x onerror="));
    assert!(p.contains("<title>x&quot;&gt;&lt;script&gt;document.title=&#39;pwned-id&#39;&lt;/script&gt;"));
    assert!(p.contains("A9&quot; onmouseover=&quot;alert(1)"));
    assert!(!p.to_ascii_lowercase().contains("<script"), "a call page carries no script at all");
}

#[test]
fn markdown_escapes_markup() {
    let az = analyzer();
    let m = render("injection", &az, md::write);
    assert!(!m.contains("<script") && !m.contains("<img") && !m.contains("<i>"));
    assert!(m.contains("&lt;script&gt;"));
    assert!(m.contains("\\*\\*broke\\*\\* \\[click\\](javascript:alert(1))"));
    assert!(m.contains("\\|table\\| \\`code\\` \\_em\\_"));
}

#[test]
fn flagged_spans_are_highlighted_with_their_category() {
    let az = analyzer();
    let p = page("timed", &az);
    assert!(p.contains("<mark class=\"f cat-pressure m-high\""));
    assert!(p.contains(">take you to court</mark>"));
    assert!(p.contains("<mark class=\"cue\""));
    assert!(p.contains("<mark class=\"credit\""));
    // The worst moment links to its turn, and the turn has that id.
    let worst = p.find("Worst moment").expect("worst moment panel");
    let go = p[worst..].find("href=\"#t-6\"").expect("a link to turn 6");
    assert!(go < p[worst..].find("Findings at a glance").expect("glance"));
    assert!(p.contains("<li class=\"turn agent\" id=\"t-6\">"));
    // Timings give a timeline strip; the untimed call has none.
    assert!(p.contains("<h2 id=\"tl-h\">Timeline</h2>"));
    assert!(!page("pii", &az).contains("tl-h"));
    // A cue that was acknowledged says where, and the acknowledging turn says so too.
    assert!(p.contains("Acknowledged</span> at <a href=\"#t-4\">turn 4</a>"));
    assert!(p.contains("<b>acknowledges</b> the hardship cue"));
    assert!(p.contains("Not acknowledged"));
}

#[test]
fn offsets_stay_right_after_redaction() {
    let az = analyzer();
    for name in FIXTURES {
        let (call, a) = analysed(name, &az);
        for i in a.findings.iter().chain(&a.cues).chain(&a.credits) {
            let t = &call.turns[i.turn].text;
            assert_eq!(&t[i.start..i.end], i.text, "{name}: {} at turn {}", i.code, i.turn);
        }
    }
    // A finding after a redacted phone number, and one after a redacted card number, in the same turn.
    let (call, a) = analysed("pii", &az);
    let t = &call.turns[2].text;
    let f = a.findings.iter().find(|f| f.code == "PR101").expect("PR101 in pii");
    assert_eq!((f.turn, &t[f.start..f.end]), (2, "take you to court"));
    assert!(t.find("[phone]").expect("phone redacted") < f.start);
    let (call, a) = analysed("timed", &az);
    let t = &call.turns[7].text;
    let f = a.findings.iter().find(|f| f.turn == 7).expect("a finding at turn 7");
    assert_eq!(&t[f.start..f.end], "freaking out");
    assert!(t.find("[card]").expect("card redacted") < f.start);
    // And the page highlights exactly that text.
    assert!(page("timed", &az).contains("my card is <span class=\"redacted\""));
}

#[test]
fn redaction_placeholders() {
    let (mut call, _) = (read("pii"), ());
    redact_call(&mut call);
    let all: String = call.turns.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join("\n");
    for secret in ["AB 12 34 56 C", "20-00-00", "12345678", "0161 496 0000", "jo.bloggs", "gmail", "seven seven zero"] {
        assert!(!all.contains(secret), "{secret} survived redaction");
    }
    for p in ["[nino]", "[sort-code]", "[acct]", "[phone]", "[email]"] {
        assert!(all.contains(p), "{p} missing");
    }
    assert_eq!(redact("no personal data here, 1,460 dollars"), "no personal data here, 1,460 dollars");
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_callcoach"))
}

fn fixture_lexicons() -> String {
    dir().join("lexicons").display().to_string()
}

/// A fresh, empty folder under the system temp dir.
fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("callcoach-report-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn redaction_applies_to_every_format_and_no_redact_turns_it_off() {
    let pii = dir().join("pii.json");
    for format in ["text", "json", "jsonl", "html", "md"] {
        let out = bin()
            .args(["analyze", "--format", format, "--lexicons", &fixture_lexicons()])
            .arg(&pii)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        let s = String::from_utf8_lossy(&out.stdout);
        for secret in ["12345678", "0161 496 0000", "jo.bloggs", "AB 12 34 56 C"] {
            assert!(!s.contains(secret), "{format}: {secret} leaked");
        }
        // JSON carries only the items' own text; the others print the whole transcript.
        if !format.starts_with("json") {
            assert!(s.contains("[phone]"), "{format}: placeholder missing");
        }
    }
    let out = bin().args(["analyze", "--no-redact", "--format", "md"]).arg(&pii).output().expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("0161 496 0000"));
}

#[test]
fn out_dir_writes_a_page_per_call_and_an_index() {
    let d = scratch("dir");
    let out_arg = format!("{}/", d.join("pages").display());
    let out = bin()
        .args(["analyze", "--format", "html", "--lexicons", &fixture_lexicons(), "--out", &out_arg])
        .arg(dir())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pages = d.join("pages");
    let index = std::fs::read_to_string(pages.join("index.html")).expect("index.html");
    for f in [
        "us-timed-arrest-threat.html",
        "uk-pii-redaction.html",
        "quiet-courteous-call.html",
        "x-script-document-title-pwned-id-script.html",
    ] {
        assert!(pages.join(f).is_file(), "{f} missing");
        assert!(index.contains(&format!("href=\"{f}\"")), "index does not link {f}");
    }
    assert!(index.contains("<h2 id=\"dist-h\">Score distribution</h2>"));
    assert!(
        index.contains("data-key=\"score\"")
            && index.contains("data-key=\"agent\"")
            && index.contains("data-key=\"date\"")
    );

    // --out FILE with one call: that file; with several: the path becomes a folder.
    let one = d.join("one.html");
    let st = bin()
        .args(["analyze", "--format", "html", "--out"])
        .arg(&one)
        .arg(dir().join("quiet.json"))
        .status()
        .expect("runs");
    assert!(st.success() && std::fs::read_to_string(&one).expect("page").starts_with("<!DOCTYPE html>"));
    let many = d.join("many");
    let st = bin()
        .args(["analyze", "--format", "html", "--out"])
        .arg(&many)
        .arg(dir().join("quiet.json"))
        .arg(dir().join("pii.json"))
        .status()
        .expect("runs");
    assert!(st.success() && many.join("index.html").is_file() && many.join("uk-pii-redaction.html").is_file());

    // Markdown to one file: every call, one after the other.
    let md_file = d.join("calls.md");
    let st = bin()
        .args(["analyze", "--format", "md", "--out"])
        .arg(&md_file)
        .arg(dir().join("quiet.json"))
        .arg(dir().join("pii.json"))
        .status()
        .expect("runs");
    let text = std::fs::read_to_string(&md_file).expect("md file");
    assert!(st.success() && text.matches("\n## Call ").count() + usize::from(text.starts_with("## Call ")) == 2);

    // Several calls to standard output cannot make one page: say so and fail.
    let out = bin()
        .args(["analyze", "--format", "html"])
        .arg(dir().join("quiet.json"))
        .arg(dir().join("pii.json"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out DIR"));
    let _ = std::fs::remove_dir_all(&d);
}

mod props {
    use super::*;
    use callcoach::call::{Role, Turn};
    use proptest::prelude::*;

    fn builtin() -> &'static Analyzer {
        static AZ: std::sync::OnceLock<Analyzer> = std::sync::OnceLock::new();
        AZ.get_or_init(|| Analyzer::builtin(None).expect("built-in lexicons"))
    }

    /// The JSONL writer against serde's serialisation of the same wire type: every byte the same.
    fn assert_compact_is_serde(r: &Report<'_>) -> Result<(), TestCaseError> {
        let mut fast = Vec::new();
        callcoach::report::write_jsonl(&mut fast, r).unwrap();
        let mut reference = serde_json::to_vec(&callcoach::report::schema::CallOut::new(r)).unwrap();
        reference.push(b'\n');
        prop_assert_eq!(String::from_utf8(fast).unwrap(), String::from_utf8(reference).unwrap());
        Ok(())
    }

    #[test]
    fn compact_is_serde_json_on_every_escape() {
        let every: String = (0u8..0x20).map(char::from).chain("\"\\/\u{7f}\u{2028}é€😀 plain".chars()).collect();
        let mut call = Call { id: every.clone(), role_note: Some(every.clone()), ..Call::default() };
        call.turns.push(Turn::new(
            "agent",
            Role::Agent,
            format!("{every} If you do not pay today we will take you to court."),
        ));
        call.turns.push(Turn::new("customer", Role::Customer, format!("I lost my job{every}")));
        let a = builtin().analyze(&call);
        assert!(!a.findings.is_empty(), "the threat is found, so items with escapes are written");
        assert_compact_is_serde(&Report { call: &call, analysis: &a, lex: builtin().lexicon() }).unwrap();
    }

    #[test]
    fn compact_is_serde_json_on_every_sample() {
        let az = builtin();
        let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut n = 0;
        for e in std::fs::read_dir(&samples).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            for call in input::read(&bytes, &Source::file(p.display().to_string()), &ReadOptions::default()) {
                let mut call = call.expect("sample parses");
                redact_call(&mut call);
                let a = az.analyze(&call);
                assert_compact_is_serde(&Report { call: &call, analysis: &a, lex: az.lexicon() }).unwrap();
                n += 1;
            }
        }
        assert!(n >= 30, "only {n} samples read");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_text_redacts_and_renders(
            texts in proptest::collection::vec(
                ("(\\PC|[0-9 @.<>&\"'-]|take you to court|lost my job|sorry to hear){0,80}", any::<Option<u64>>(), any::<Option<u64>>()),
                1..5,
            ),
        ) {
            let az = analyzer();
            let mut call = Call { id: "p".into(), ..Call::default() };
            for (i, (t, start, end)) in texts.iter().enumerate() {
                let role = if i % 2 == 0 { Role::Agent } else { Role::Customer };
                let mut turn = Turn::new(role.as_str(), role, t.clone());
                (turn.start_ms, turn.end_ms) = (*start, *end);
                call.turns.push(turn);
            }
            redact_call(&mut call);
            let a = az.analyze(&call);
            let r = Report { call: &call, analysis: &a, lex: az.lexicon() };
            let mut buf = Vec::new();
            html::write(&mut buf, &r).unwrap();
            md::write(&mut buf, &r).unwrap();
            let page = String::from_utf8(buf).unwrap();
            prop_assert!(!page.contains("<script"));
        }

        #[test]
        fn compact_is_serde_json_on_any_text(
            id in "(\\PC|[\u{0}-\u{1f}\"\\\\/\u{7f}\u{2028}]){0,12}",
            texts in proptest::collection::vec(
                "(\\PC|[\u{0}-\u{1f}\"\\\\\u{7f}\u{2028}]|we will take you to court|I lost my job|sorry to hear|thank you){0,40}",
                1..6,
            ),
        ) {
            let az = builtin();
            let mut call = Call { id, agent_id: Some("A\"1\\".into()), ..Call::default() };
            for (i, t) in texts.iter().enumerate() {
                let role = if i % 2 == 0 { Role::Agent } else { Role::Customer };
                call.turns.push(Turn::new(role.as_str(), role, t.clone()));
            }
            redact_call(&mut call);
            let a = az.analyze(&call);
            assert_compact_is_serde(&Report { call: &call, analysis: &a, lex: az.lexicon() })?;
        }

        #[test]
        fn redaction_is_idempotent(s in "([0-9]{1,5}|[ -.()+@]|one|oh|seven|double|at|dot|com|sort code|social|[a-zA-Z]{1,4}|\\PC){0,40}") {
            let once = redact(&s).into_owned();
            prop_assert_eq!(redact(&once).into_owned(), once);
        }
    }
}
