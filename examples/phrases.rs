//! Print every phrase the matcher looks for (each variant expanded and normalised, slots left out), one per
//! line: the pattern list for comparing callcoach with a plain multi-pattern search such as
//! `rg -j1 -o -i -F -f phrases.txt archive.jsonl` (docs/PERFORMANCE.md).
//!
//! ```text
//! cargo run --release --example phrases [LEXICON_DIR] > phrases.txt
//! ```
//!
//! With a folder, its lexicons are loaded on top of the built-in ones (as `--lexicons DIR`).

use std::collections::BTreeSet;

use callcoach::lexicon::{expand_phrase, load_with, normalise_phrase};

fn main() {
    let dir = std::env::args_os().nth(1).map(std::path::PathBuf::from);
    let lex = match load_with(dir.as_deref()) {
        Ok(l) => l,
        Err(es) => {
            for e in es {
                eprintln!("{e}");
            }
            std::process::exit(2);
        }
    };
    let c = &lex.context;
    let lists = lex
        .rules
        .iter()
        .flat_map(|r| r.phrases.iter())
        .chain(lex.signals.iter().flat_map(|s| s.phrases.iter()))
        .chain(c.reporters.iter().chain(&c.agent_echo).chain(&c.hedges).chain(&c.question_openers));
    let mut out = BTreeSet::new();
    for p in lists {
        for v in expand_phrase(p).unwrap_or_default() {
            let n = normalise_phrase(&v);
            if !n.is_empty() && !n.contains('{') {
                out.insert(n);
            }
        }
    }
    for p in out {
        println!("{p}");
    }
}
