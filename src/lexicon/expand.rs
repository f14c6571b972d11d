//! Phrase expansion: `(a|b|)` alternatives into variants, each normalised like transcript text.

use crate::tokenize::tokenize;

/// The most variants [`expand_phrase`] writes out. The matcher takes phrases of any size; the check that no two
/// categories share a phrase compares variants, and skips phrases larger than this.
pub const MAX_VARIANTS: usize = 10_000;

/// Where the phrase's `(a|b)` groups stand: the byte range of each, parentheses included, in order. The one
/// parser of the group syntax: expansion, variant counting and the matcher all start from it.
///
/// # Errors
/// An unbalanced or nested parenthesis, with a message saying which.
pub fn groups(phrase: &str) -> Result<Vec<std::ops::Range<usize>>, String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = phrase[from..].find('(').map(|i| from + i) {
        let close = match phrase[open + 1..].find([')', '(']).map(|i| open + 1 + i) {
            Some(c) if phrase.as_bytes()[c] == b')' => c,
            Some(_) => return Err(format!("nested parentheses in {phrase:?}: write the alternatives out flat")),
            None => return Err(format!("unclosed '(' in {phrase:?}")),
        };
        if phrase[from..open].contains(')') {
            return Err(format!("unmatched ')' in {phrase:?}"));
        }
        out.push(open..close + 1);
        from = close + 1;
    }
    if phrase[from..].contains(')') {
        return Err(format!("unmatched ')' in {phrase:?}"));
    }
    Ok(out)
}

/// A phrase cut at its groups: each piece of literal text with the options of the group that follows it (none
/// after the last piece).
fn pieces(phrase: &str) -> Result<Vec<(&str, Vec<&str>)>, String> {
    let mut out = Vec::new();
    let mut from = 0;
    for g in groups(phrase)? {
        out.push((&phrase[from..g.start], phrase[g.start + 1..g.end - 1].split('|').collect()));
        from = g.end;
    }
    out.push((&phrase[from..], Vec::new()));
    Ok(out)
}

/// How many variants a phrase stands for, without expanding it (saturating at `usize::MAX`).
///
/// # Errors
/// As [`expand_phrase`], for a badly formed group.
pub fn variant_count(phrase: &str) -> Result<usize, String> {
    Ok(pieces(phrase)?.iter().fold(1usize, |n, (_, opts)| n.saturating_mul(opts.len().max(1))))
}

/// Expand `(a|b|c)` groups (not nested) into every combination.
///
/// The matcher never does this (it matches groups as they are); the lexicon checks and the tools that list
/// phrases do, so the number of variants is bounded.
///
/// # Errors
/// An unbalanced or nested parenthesis, or more than [`MAX_VARIANTS`] variants, with a message saying which.
pub fn expand_phrase(phrase: &str) -> Result<Vec<String>, String> {
    let pieces = pieces(phrase)?;
    if variant_count(phrase)? > MAX_VARIANTS {
        return Err(format!("{phrase:?} expands to more than {MAX_VARIANTS} variants: split it"));
    }
    let mut variants = vec![String::new()];
    for (literal, options) in pieces {
        if options.is_empty() {
            for v in &mut variants {
                v.push_str(literal);
            }
            continue;
        }
        variants = variants.iter().flat_map(|v| options.iter().map(move |o| format!("{v}{literal}{o}"))).collect();
    }
    Ok(variants)
}

/// Normalise one variant as transcript text is: the tokens' normal forms joined by single spaces.
///
/// Slots (`{amount}`, `{time}`) are kept as they are.
pub fn normalise_phrase(variant: &str) -> String {
    let mut out = String::new();
    let mut rest = variant;
    loop {
        let (lit, slot, tail) = match rest.find('{') {
            Some(i) => match rest[i..].find('}') {
                Some(j) => (&rest[..i], Some(&rest[i..i + j + 1]), &rest[i + j + 1..]),
                None => (rest, None, ""),
            },
            None => (rest, None, ""),
        };
        // Word boundaries always fall at white space, so each chunk can be normalised alone; most chunks are
        // plain lower-case words, which skip the Unicode segmenter (lexicons expand to hundreds of thousands
        // of variants, and this runs once per variant at start-up).
        for chunk in lit.split_whitespace() {
            if let Some(words) = simple_word(chunk) {
                for w in words {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(w);
                }
                continue;
            }
            let tt = tokenize(chunk);
            for t in &tt.tokens {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(tt.norm(t));
            }
        }
        match slot {
            Some(s) => {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(s);
                rest = tail;
            }
            None => break,
        }
    }
    out
}

/// The normal form of a chunk made only of lower-case ASCII letters and digits (with an internal apostrophe),
/// or None when it needs the full tokenizer. Must agree with [`tokenize`]: a test checks it does.
fn simple_word(chunk: &str) -> Option<Vec<&str>> {
    let b = chunk.as_bytes();
    let plain = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if b.is_empty() || !plain(&b[0]) || !plain(&b[b.len() - 1]) || !b.iter().all(|c| plain(c) || *c == b'\'') {
        return None;
    }
    if b.windows(2).any(|w| w == b"''") {
        return None;
    }
    Some(crate::tokenize::normal_forms(chunk).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_groups_and_optional_parts() {
        let v = expand_phrase("(we will|we're going to) sue you( today|)").unwrap();
        assert_eq!(
            v,
            ["we will sue you today", "we will sue you", "we're going to sue you today", "we're going to sue you"]
        );
    }

    #[test]
    fn counts_variants_without_expanding() {
        assert_eq!(variant_count("(a|b) c (d|e|)").unwrap(), 6);
        assert_eq!(variant_count("plain words").unwrap(), 1);
        let huge = "(a|b|c|d|e|f|g|h|i|j) ".repeat(6);
        assert_eq!(variant_count(&huge).unwrap(), 1_000_000);
        assert!(expand_phrase(&huge).unwrap_err().contains("more than"));
        assert!(variant_count("(a|(b))").is_err());
    }

    #[test]
    fn rejects_bad_groups() {
        assert!(expand_phrase("(a|(b))").is_err());
        assert!(expand_phrase("(a|b").is_err());
        assert!(expand_phrase("a|b)").is_err());
    }

    #[test]
    fn fast_path_agrees_with_the_tokenizer() {
        for w in ["won't", "gonna", "im", "sue", "1200", "5pm", "john's", "couldn't", "y'all", "o'clock", "ok"] {
            let tt = tokenize(w);
            let slow: Vec<String> = tt.tokens.iter().map(|t| tt.norm(t).to_owned()).collect();
            assert_eq!(simple_word(w).unwrap(), slow, "{w}");
        }
    }

    #[test]
    fn normalises_like_transcripts() {
        assert_eq!(normalise_phrase("We'll SUE you!"), "we will sue you");
        assert_eq!(normalise_phrase("pay {amount} by {time}"), "pay {amount} by {time}");
    }
}
