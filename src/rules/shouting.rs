//! Shouting: an agent sentence written wholly in capitals and ended by `!` or `?` (card `AB108` in
//! `lexicons/tone.toml`).
//!
//! Capitals are a choice only where the rest of the call is written in mixed case: a transcript in capitals
//! throughout (some speech-to-text systems write that way) says nothing about the voice, so a call with fewer
//! lower-case letters than half its capitals gives no finding. Titles and acronyms ("the ACME PLUS card.") end with a full stop or run on inside a sentence, so only
//! a sentence of two or more capitalised words that ends in `!` or `?` counts. One finding per turn, on the first
//! shouted sentence.

use super::{item, Analysis, Window};
use crate::call::Role;

/// Fewest words of two or more letters a shouted sentence holds ("LET GO!" has two).
const MIN_WORDS: usize = 2;

/// Fewest letters a shouted sentence holds, so that "OK GO!" is not shouting.
const MIN_LETTERS: usize = 5;

/// Flag the first shouted sentence of each agent turn, in a call written in mixed case.
pub fn apply(w: &Window<'_>, out: &mut Analysis) {
    let Some(rule) = w.rule("shouting") else { return };
    let shouted: Vec<(usize, (usize, usize))> = w
        .call
        .turns
        .iter()
        .enumerate()
        .filter(|(_, t)| t.role == Role::Agent && t.role == rule.speaker)
        .filter_map(|(ti, t)| shouted_sentence(&t.text).map(|span| (ti, span)))
        .collect();
    // The case of the whole call is only counted when there is a shouted sentence to judge: nearly every call
    // has none, and counting is a pass over every character.
    if shouted.is_empty() {
        return;
    }
    let (mut lower, mut upper) = (0usize, 0usize);
    for t in &w.call.turns {
        for c in t.text.chars() {
            lower += usize::from(c.is_lowercase());
            upper += usize::from(c.is_uppercase());
        }
    }
    if lower * 2 < upper {
        return;
    }
    for (ti, (s, e)) in shouted {
        out.findings.push(item(rule, w.call, ti, s, e));
    }
}

/// The byte span of the first sentence of `text` written in capitals and ended by `!` or `?`.
pub fn shouted_sentence(text: &str) -> Option<(usize, usize)> {
    // Cheap refusals first, since this runs on every agent turn: no loud end mark, or (in ASCII text) too few
    // capitals for any shouted sentence.
    if !text.contains(['!', '?']) {
        return None;
    }
    if text.is_ascii() && text.bytes().map(|b| usize::from(b.is_ascii_uppercase())).sum::<usize>() < MIN_LETTERS {
        return None;
    }
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?' | '\u{2026}') {
            continue;
        }
        // The sentence ends after the whole run of end marks ("?!", "!!!").
        let mut end = i + c.len_utf8();
        let mut loud = matches!(c, '!' | '?');
        while let Some(&(j, d)) = chars.peek() {
            if !matches!(d, '.' | '!' | '?' | '\u{2026}') {
                break;
            }
            loud |= matches!(d, '!' | '?');
            end = j + d.len_utf8();
            chars.next();
        }
        if loud && in_capitals(&text[start..i]) {
            let lead = text[start..i].len() - text[start..i].trim_start().len();
            return Some((start + lead, end));
        }
        start = end;
    }
    None
}

/// Whether a sentence's words are all in capitals, with enough words and letters to be more than an acronym.
fn in_capitals(sentence: &str) -> bool {
    if sentence.chars().any(char::is_lowercase) {
        return false;
    }
    let letters = sentence.chars().filter(|c| c.is_alphabetic()).count();
    let words = sentence
        .split(|c: char| !(c.is_alphabetic() || c == '\''))
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .count();
    words >= MIN_WORDS && letters >= MIN_LETTERS
}

#[cfg(test)]
mod tests {
    use super::shouted_sentence;

    #[test]
    fn a_sentence_in_capitals_with_an_exclamation() {
        let t = "I told you twice. PAY IT TODAY! Thanks.";
        let (s, e) = shouted_sentence(t).unwrap();
        assert_eq!(&t[s..e], "PAY IT TODAY!");
    }

    #[test]
    fn run_of_marks_and_a_question() {
        let t = "WHAT DO YOU WANT FROM ME?!";
        assert_eq!(shouted_sentence(t), Some((0, t.len())));
    }

    #[test]
    fn not_titles_acronyms_or_single_words() {
        assert_eq!(shouted_sentence("Your ACME PLUS card is overdue."), None);
        assert_eq!(shouted_sentence("Did you get the FCA leaflet?"), None);
        assert_eq!(shouted_sentence("STOP! Let me check."), None);
        assert_eq!(shouted_sentence("OK GO!"), None);
        assert_eq!(shouted_sentence("I paid the BALANCE IN FULL today."), None);
    }
}
