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
            Some(_) => {
                return Err(format!(
                    "nested parentheses in {phrase:?}: write the alternatives out flat"
                ))
            }
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
            return Err(format!(
                "{phrase:?} expands to more than {MAX_VARIANTS} variants: split it"
            ));
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
        for t in tokenize(lit).tokens {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&t.norm);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_groups_and_optional_parts() {
        let v = expand_phrase("(we will|we're going to) sue you( today|)").unwrap();
        assert_eq!(
            v,
            [
                "we will sue you today",
                "we will sue you",
                "we're going to sue you today",
                "we're going to sue you"
            ]
        );
    }

    #[test]
    fn rejects_bad_groups() {
        assert!(expand_phrase("(a|(b))").is_err());
        assert!(expand_phrase("(a|b").is_err());
        assert!(expand_phrase("a|b)").is_err());
    }

    #[test]
    fn normalises_like_transcripts() {
        assert_eq!(normalise_phrase("We'll SUE you!"), "we will sue you");
        assert_eq!(
            normalise_phrase("pay {amount} by {time}"),
            "pay {amount} by {time}"
        );
    }
}
