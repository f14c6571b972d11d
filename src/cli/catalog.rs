//! `callcoach rules`, `callcoach explain`, `callcoach lexicons check`.

use std::io::Write;
use std::path::Path;

use callcoach::lexicon::{self, Lexicon};

use super::broken_pipe_ok;

/// How `callcoach rules` prints the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CatalogFormat {
    /// A table: code, category, severity, name, summary.
    Text,
    /// Every rule card with its examples, as a JSON array.
    Json,
    /// The Markdown of docs/RULES.md.
    Markdown,
}

fn load(dir: Option<&Path>) -> Result<Lexicon, u8> {
    lexicon::load_with(dir).map_err(|es| {
        for e in es {
            eprintln!("callcoach: {e}");
        }
        2
    })
}

fn print(s: &str) -> u8 {
    match broken_pipe_ok(std::io::stdout().lock().write_all(s.as_bytes())) {
        Ok(()) => 0,
        Err(c) => c,
    }
}

pub fn rules(format: CatalogFormat, dir: Option<&Path>) -> u8 {
    let lex = match load(dir) {
        Ok(l) => l,
        Err(c) => return c,
    };
    match format {
        CatalogFormat::Text => print(&lexicon::table(&lex)),
        CatalogFormat::Markdown => print(&lexicon::markdown(&lex)),
        CatalogFormat::Json => {
            let cards: Vec<_> = lexicon::sorted(&lex).into_iter().map(lexicon::card).collect();
            match serde_json::to_string_pretty(&cards) {
                Ok(s) => print(&(s + "\n")),
                Err(e) => {
                    eprintln!("callcoach: {e}");
                    2
                }
            }
        }
    }
}

pub fn explain(code: &str, dir: Option<&Path>) -> u8 {
    let lex = match load(dir) {
        Ok(l) => l,
        Err(c) => return c,
    };
    match lex.rule(code) {
        Some(r) => print(&format!("{}{}", lexicon::explain(r), lexicon::explain_feature(&lex, r.code))),
        None if lex.weights_of(code).next().is_some() => print(&format!(
            "{code} (a feature of the linear scorer; never reported){}",
            lexicon::explain_feature(&lex, code)
        )),
        None => {
            eprintln!("callcoach: no rule {code:?}; `callcoach rules` lists every code");
            2
        }
    }
}

pub fn check(dir: Option<&Path>) -> u8 {
    let loaded = match dir {
        Some(d) => lexicon::load_dir(d),
        None => lexicon::load_builtin_checked(),
    };
    let errors = match loaded {
        Ok(lex) => {
            let errs = lexicon::lint(&lex);
            if errs.is_empty() {
                let phrases: usize = lex.rules.iter().map(|r| r.phrases.len()).sum();
                println!("ok: {} rules, {} phrases, {} signals", lex.rules.len(), phrases, lex.signals.len());
                return 0;
            }
            errs
        }
        Err(es) => es,
    };
    for e in &errors {
        eprintln!("{e}");
    }
    eprintln!("{} problem(s)", errors.len());
    1
}
