//! `callcoach verify`: labelled calls as a regression suite, with precision and recall per category.

use std::path::{Path, PathBuf};

use callcoach::call::Source;
use callcoach::expect::{compare, expectation_path, table, Comparison, Expectation};
use callcoach::input::{self, ReadOptions};

fn labelled(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let defaults = [PathBuf::from("samples")];
    let paths = if paths.is_empty() { &defaults[..] } else { paths };
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
                .unwrap_or_default();
            v.sort();
            out.extend(
                v.into_iter().filter(|f| f.extension().is_some_and(|x| x == "json") && expectation_path(f).exists()),
            );
        } else {
            out.push(p.clone());
        }
    }
    out
}

pub fn run(paths: &[PathBuf], lexicons: Option<&Path>) -> u8 {
    // Labels are a regression suite: they hold whatever callcoach.toml the folder has, so none is read.
    let ov = callcoach::config::Overrides { profile: None, lexicons, baseline: None };
    let Ok(setup) = super::config::load_setup(None, true, &ov) else { return 2 };
    let analyzer = match setup.analyzer() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("callcoach: {e}");
            return 2;
        }
    };
    let mut total = Comparison::default();
    let mut failed = 0;
    let mut status = 0;
    let files = labelled(paths);
    for f in &files {
        let exp = match Expectation::load(&expectation_path(f)) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("callcoach: {e}");
                status = 2;
                continue;
            }
        };
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("callcoach: {}: cannot read: {e}", f.display());
                status = 2;
                continue;
            }
        };
        for call in input::read(&bytes, &Source::file(f.display().to_string()), &ReadOptions::default()) {
            let call = match call {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("callcoach: {e}");
                    status = 2;
                    continue;
                }
            };
            let a = analyzer.analyze(&call);
            let cmp = compare(&exp, &a, analyzer.lexicon());
            if cmp.passes() {
                println!("ok    {}", f.display());
            } else {
                failed += 1;
                println!("FAIL  {}", f.display());
                if !cmp.missing.is_empty() {
                    println!("      missing:    {}", cmp.missing.join(", "));
                }
                if !cmp.unexpected.is_empty() {
                    println!("      unexpected: {}", cmp.unexpected.join(", "));
                }
            }
            total.absorb(&cmp);
        }
    }
    println!("\n{}", table(&total));
    println!("{} labelled calls, {} differ from their labels", files.len(), failed);
    if status != 0 {
        status
    } else {
        u8::from(failed > 0)
    }
}
