//! Print what the matcher looks for, one pattern per line, for comparing callcoach with a plain multi-pattern
//! search (docs/PERFORMANCE.md):
//!
//! ```text
//! cargo run --release --example phrases [LEXICON_DIR] > phrases.txt            # every variant, expanded
//! cargo run --release --example phrases -- --regex [LEXICON_DIR] > phrases.re  # one regex per phrase
//! ```
//!
//! The first form expands each phrase's `(a|b)` groups and normalises every variant (slots left out): the list
//! for `rg -F -f phrases.txt`, which the full rule set makes too large for ripgrep to compile. The second keeps
//! each phrase whole as a regex, the groups as alternations, for `rg -f phrases.re`.
//!
//! With a folder, its lexicons are loaded on top of the built-in ones (as `--lexicons DIR`).

use std::collections::BTreeSet;

use callcoach::lexicon::{expand_phrase, load_with, normalise_phrase};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let regex = args.iter().position(|a| a == "--regex").map(|i| args.remove(i)).is_some();
    let dir = args.first().map(std::path::PathBuf::from);
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
        if regex {
            out.insert(as_regex(p));
            continue;
        }
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

/// A phrase as a case-insensitive regex over raw text: groups become alternations, white space any white space,
/// slots a loose stand-in, the whole on word boundaries.
fn as_regex(phrase: &str) -> String {
    let mut re = String::from(r"(?i)\b");
    let mut rest = phrase.trim();
    while let Some(c) = rest.chars().next() {
        let step = match c {
            '(' => {
                re.push_str("(?:");
                1
            }
            ')' | '|' => {
                re.push(c);
                1
            }
            '{' => {
                let end = rest.find('}').map_or(rest.len(), |i| i + 1);
                match &rest[..end] {
                    "{amount}" => re.push_str(r"[0-9][0-9,.]*"),
                    "{time}" | "{word}" | "{name}" => re.push_str(r"\w+"),
                    // A sentence start covers no text: drop the space after it too, or the regex would have to
                    // match that space before the first word.
                    _ => {}
                }
                if &rest[..end] == "{start}" {
                    end + (rest[end..].len() - rest[end..].trim_start().len())
                } else {
                    end
                }
            }
            c if c.is_whitespace() => {
                re.push_str(r"\s+");
                rest.len() - rest.trim_start().len()
            }
            c => {
                re.push_str(&regex::escape(&rest[..c.len_utf8()]));
                c.len_utf8()
            }
        };
        rest = &rest[step..];
    }
    re.push_str(r"\b");
    re
}
