//! Phrase expansion: `(a|b|)` alternatives into variants, each normalised like transcript text.

use crate::tokenize::tokenize;

/// The most variants one phrase may expand to; more is almost always a mistake in the phrase.
pub const MAX_VARIANTS: usize = 10_000;

/// Expand `(a|b|c)` groups (not nested) into every combination.
///
/// # Errors
/// An unbalanced or nested parenthesis, or more than [`MAX_VARIANTS`] variants, with a message saying which.
pub fn expand_phrase(phrase: &str) -> Result<Vec<String>, String> {
    let mut variants = vec![String::new()];
    let mut rest = phrase;
    while let Some(open) = rest.find('(') {
        let close = match rest[open + 1..].find([')', '(']) {
            Some(i) if rest.as_bytes()[open + 1 + i] == b')' => open + 1 + i,
            Some(_) => return Err(format!("nested parentheses in {phrase:?}: write the alternatives out flat")),
            None => return Err(format!("unclosed '(' in {phrase:?}")),
        };
        let literal = &rest[..open];
        if literal.contains(')') {
            return Err(format!("unmatched ')' in {phrase:?}"));
        }
        let options: Vec<&str> = rest[open + 1..close].split('|').collect();
        let mut next = Vec::with_capacity(variants.len() * options.len());
        for v in &variants {
            for o in &options {
                next.push(format!("{v}{literal}{o}"));
            }
        }
        if next.len() > MAX_VARIANTS {
            return Err(format!("{phrase:?} expands to more than {MAX_VARIANTS} variants: split it"));
        }
        variants = next;
        rest = &rest[close + 1..];
    }
    if rest.contains(')') {
        return Err(format!("unmatched ')' in {phrase:?}"));
    }
    for v in &mut variants {
        v.push_str(rest);
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
            for t in tokenize(chunk).tokens {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&t.norm);
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
    Some(crate::tokenize::normal_forms(chunk))
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
    fn rejects_bad_groups() {
        assert!(expand_phrase("(a|(b))").is_err());
        assert!(expand_phrase("(a|b").is_err());
        assert!(expand_phrase("a|b)").is_err());
    }

    #[test]
    fn fast_path_agrees_with_the_tokenizer() {
        for w in ["won't", "gonna", "im", "sue", "1200", "5pm", "john's", "couldn't", "y'all", "o'clock", "ok"] {
            let slow: Vec<String> = tokenize(w).tokens.into_iter().map(|t| t.norm).collect();
            assert_eq!(simple_word(w).unwrap(), slow, "{w}");
        }
    }

    #[test]
    fn normalises_like_transcripts() {
        assert_eq!(normalise_phrase("We'll SUE you!"), "we will sue you");
        assert_eq!(normalise_phrase("pay {amount} by {time}"), "pay {amount} by {time}");
    }
}
