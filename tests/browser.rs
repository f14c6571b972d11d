//! Render reports in a real browser (headless Chromium) and check the DOM it builds: the flagged text is there,
//! markup injected through a transcript did not run, and the index's sorting script works.
//!
//! Skips with a note when no Chromium is installed (CI installs the Debian `chromium` package).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report")
}

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("callcoach-browser-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// The DOM Chromium builds for `url` after running the page (scripts included), serialised.
fn dump_dom(chrome: &Path, url: &str, profile: &Path) -> String {
    let mut child = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    // A browser that hangs must not hang the test suite.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        match child.try_wait().expect("wait for chromium") {
            Some(_) => break,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                panic!("chromium did not finish within 90 s for {url}");
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    let out = child.wait_with_output().expect("chromium output");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The inside of every start tag in a serialised DOM, `<` and `>` excluded.
fn tags(dom: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = dom;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let end = rest.find('>').unwrap_or(rest.len());
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

/// The attribute names of one start tag (`name a="x" b`); quoted values are skipped whole, so words inside a
/// `title` are not mistaken for attributes. Serialised DOM escapes `"` inside values.
fn attribute_names(tag: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
    let mut rest = &tag[name_end..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return names;
        }
        let end = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        names.push(&rest[..end]);
        rest = &rest[end..];
        if let Some(v) = rest.strip_prefix("=\"") {
            rest = v.find('"').map_or("", |q| &v[q + 1..]);
        } else if let Some(v) = rest.strip_prefix('=') {
            rest = v.find(char::is_whitespace).map_or("", |q| &v[q..]);
        }
    }
}

#[test]
fn attribute_names_skip_values() {
    assert_eq!(attribute_names("mark class=\"f\" title=\"said on a call onx=1\""), ["class", "title"]);
    assert_eq!(attribute_names("img src=x onerror=\"y\""), ["src", "onerror"]);
}

#[test]
fn pages_render_safely_in_chromium() {
    let Some(chrome) = chromium() else {
        println!("note: chromium not found; skipping the browser test (apt-get install -y chromium)");
        return;
    };
    let d = scratch("pages");
    let out = d.join("pages");
    let st = Command::new(env!("CARGO_BIN_EXE_callcoach"))
        .args(["analyze", "--format", "html", "--lexicons"])
        .arg(fixtures().join("lexicons"))
        .arg("--out")
        .arg(&out)
        .arg(fixtures().join("injection.json"))
        .arg(fixtures().join("timed.json"))
        .arg(fixtures().join("quiet.json"))
        .status()
        .expect("callcoach runs");
    assert!(st.success());
    let profile = d.join("profile");

    // The injection call: every piece of markup in it must show as text, none may become an element or run.
    let page = out.join("x-script-document-title-pwned-id-script.html");
    let dom = dump_dom(&chrome, &format!("file://{}", page.display()), &profile);
    assert!(dom.contains("<body>"), "chromium produced no DOM: {dom:?}");
    assert!(!dom.contains("<script"), "a script element reached the DOM");
    assert!(!dom.contains("<img"), "an img element reached the DOM");
    // In the serialised DOM, text is escaped, so every `<` opens a real element: none may carry a handler.
    for tag in tags(&dom) {
        for a in attribute_names(tag) {
            assert!(!a.to_ascii_lowercase().starts_with("on"), "event handler {a} in <{tag}>");
        }
    }
    assert!(!dom.contains("<title>pwned"), "the title was changed by injected script");
    assert!(dom.contains("<title>x\"&gt;&lt;script&gt;document.title='pwned-id'&lt;/script&gt;"), "title: {dom:.400}");
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;&lt;img src=x onerror="));
    // The flagged text is there, highlighted, and the worst moment links to its turn.
    assert!(dom.contains(">People like you</mark>"));
    assert!(dom.contains("<a class=\"go\" href=\"#t-0\">"));
    assert!(dom.contains("id=\"t-0\""));

    // A timed call has its timeline; links in the SVG point at turns.
    let dom = dump_dom(&chrome, &format!("file://{}", out.join("us-timed-arrest-threat.html").display()), &profile);
    assert!(dom.contains(">take you to court</mark>"));
    assert!(dom.contains("<svg viewBox=\"0 0 1000 112\""));
    assert!(dom.contains("<a href=\"#t-6\"><title>"));

    // The index: its script ran and sorted rows by score, descending, as the fragment asks.
    let dom = dump_dom(&chrome, &format!("file://{}#sort=-score", out.join("index.html").display()), &profile);
    assert!(dom.contains("aria-sort=\"descending\""), "the sort script did not run");
    let quiet = dom.find("data-id=\"quiet-courteous-call\"").expect("quiet row");
    let timed = dom.find("data-id=\"us-timed-arrest-threat\"").expect("timed row");
    assert!(quiet < timed, "rows are not sorted by score, highest first");
    let dom = dump_dom(&chrome, &format!("file://{}#sort=agent", out.join("index.html").display()), &profile);
    let a17 = dom.find("data-agent=\"A17\"").expect("A17 row");
    let a9 = dom.find("data-agent=\"A9").expect("A9 row");
    assert!(a17 < a9, "rows are not sorted by agent");
    let _ = std::fs::remove_dir_all(&d);
}
