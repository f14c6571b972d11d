//! redact: replace personal data in turn texts with same-kind placeholders before anything else reads them.
//!
//! Redaction runs on the [`Call`] right after it is read and before analysis, so every byte offset that the later
//! stages produce (tokens, hits, findings, cues, credits) is an offset into the *redacted* text. Reports can then
//! slice and highlight the text they print without any offset mapping, and no report format can leak what a
//! reporter forgot to redact.
//!
//! What is redacted, and the placeholder it becomes:
//!
//! | kind | placeholder | how it is recognised |
//! | --- | --- | --- |
//! | payment card number | `[card]` | 13-19 digits (spaces or dashes allowed between groups) passing the Luhn check |
//! | US Social Security number | `[ssn]` | `AAA-GG-SSSS` (dashes or spaces), or 9 digits after "social"/"SSN"; never-issued numbers (area 000, 666, 9xx; group 00; serial 0000) are left alone |
//! | UK National Insurance number | `[nino]` | two prefix letters, six digits, a suffix letter A-D (spaces allowed), prefixes that are never issued excluded |
//! | UK sort code and account number | `[sort-code]`, `[acct]` | a `NN-NN-NN` sort code with a 7-8 digit account number within a few words (either order), or a sort code named as one |
//! | email address | `[email]` | `name@domain.tld`, and the spoken form "name at domain dot com" |
//! | phone number | `[phone]` | 10-11 digits in a phone grouping (US `(555) 123-4567`, UK `07700 900123`), `+` international numbers, and `555-1234` |
//!
//! Speech-to-text often writes digits as words ("four one one one ..."). Runs of spoken digit words ("zero"/"oh"
//! to "nine"), mixed with numerals or not, are read as digit sequences too; a spoken run of 7 or more digits that
//! none of the rules above claims becomes `[number]`, because nobody reads out an amount digit by digit.
//!
//! The placeholders are chosen so that the words inside them ("card", "acct") match no lexicon phrase that a
//! longer phrase ("card number", "your account") would, and none is a negator ("no"): redaction must not change
//! what the rules find.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use crate::call::Call;

/// The kinds of personal data redacted, each with its placeholder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A payment card number (Luhn-valid).
    Card,
    /// A US Social Security number.
    Ssn,
    /// A UK National Insurance number.
    Nino,
    /// A UK bank sort code.
    SortCode,
    /// A bank account number next to a sort code.
    Account,
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// A long run of spoken digits none of the other kinds claims.
    Number,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 8] =
        [Kind::Card, Kind::Ssn, Kind::Nino, Kind::SortCode, Kind::Account, Kind::Email, Kind::Phone, Kind::Number];

    /// The text that replaces a match, e.g. `[card]`.
    pub fn placeholder(self) -> &'static str {
        match self {
            Kind::Card => "[card]",
            Kind::Ssn => "[ssn]",
            Kind::Nino => "[nino]",
            Kind::SortCode => "[sort-code]",
            Kind::Account => "[acct]",
            Kind::Email => "[email]",
            Kind::Phone => "[phone]",
            Kind::Number => "[number]",
        }
    }
}

/// Redact every turn of a call in place. Call ids, agent and account ids are identifiers the user chose and are
/// left alone; turn texts are the only free text a caller speaks into.
pub fn redact_call(call: &mut Call) {
    for t in &mut call.turns {
        if let Cow::Owned(s) = redact(&t.text) {
            t.text = s;
        }
    }
}

/// Redact every call read, in parallel; records that failed to read are left as they are.
pub fn redact_calls<E: Send>(calls: &mut [Result<Call, E>]) {
    use rayon::prelude::*;
    calls.par_iter_mut().for_each(|c| {
        if let Ok(c) = c {
            redact_call(c);
        }
    });
}

/// Redact one text. Borrows when nothing was found (the common case costs no allocation).
pub fn redact(text: &str) -> Cow<'_, str> {
    let spans = find(text);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (s, e, k) in spans {
        out.push_str(&text[at..s]);
        out.push_str(k.placeholder());
        at = e;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Every span of personal data in `text`: sorted, non-overlapping `(start, end, kind)` byte ranges on char
/// boundaries.
pub fn find(text: &str) -> Vec<(usize, usize, Kind)> {
    let mut spans: Vec<(usize, usize, Kind)> = Vec::new();
    // Cheap byte checks first: most turns hold no personal data, and each regex skipped is time saved.
    let digits = text.bytes().map(|b| usize::from(b.is_ascii_digit())).sum::<usize>();
    if text.contains('@') {
        spans.extend(EMAIL.find_iter(text).map(|m| (m.start(), m.end(), Kind::Email)));
    }
    if text.len() > 12 && contains_ignore_case(text, b"dot") && SPOKEN_EMAIL_HINT.is_match(text) {
        spans.extend(SPOKEN_EMAIL.find_iter(text).map(|m| (m.start(), m.end(), Kind::Email)));
    }
    if digits >= 6 {
        spans.extend(NINO.find_iter(text).filter(|m| nino_ok(m.as_str())).map(|m| (m.start(), m.end(), Kind::Nino)));
    }
    // Digit runs last: an email or NI number that contains digits is already claimed as a whole.
    let runs = runs(text);
    classify(text, &runs, &mut spans);
    spans.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
    let mut out: Vec<(usize, usize, Kind)> = Vec::with_capacity(spans.len());
    for sp in spans {
        if out.last().is_some_and(|l| sp.0 < l.1) {
            continue;
        }
        out.push(sp);
    }
    out
}

/// Whether `text` contains the ASCII `needle` (of letters) in any case. It runs on every turn: a vectorised
/// search for the first letter in either case, then a comparison where it is found.
fn contains_ignore_case(text: &str, needle: &[u8]) -> bool {
    let (b, n) = (text.as_bytes(), needle.len());
    let Some(&first) = needle.first() else { return true };
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), b)
        .any(|i| b.get(i..i + n).is_some_and(|w| w.eq_ignore_ascii_case(needle)))
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}").expect("valid regex")
});

static SPOKEN_EMAIL_HINT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)at(?-u:\b).*(?-u:\b)dot(?-u:\b)").expect("valid regex"));

// "john dot smith at gmail dot com": a spoken address must end in a common top-level domain, so "I'm at home dot"
// or "look at this dot" never match.
static SPOKEN_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b[a-z0-9_+\-]+(?:(?:\s+dot\s+|\.)[a-z0-9_+\-]+)*\s+at\s+[a-z0-9\-]+(?:\s+dot\s+[a-z0-9\-]+)*\s+dot\s+(?:com|net|org|edu|gov|io|co|uk|us|info|me)\b(?:\s+dot\s+(?:uk|us|au|ca|ie))?",
    )
    .expect("valid regex")
});

// National Insurance number: prefix letters exclude D, F, I, Q, U, V (and O as the second letter); the suffix is
// A-D. Case-insensitive because speech-to-text often writes lower case.
static NINO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b")
        .expect("valid regex")
});

fn nino_ok(s: &str) -> bool {
    let p: String = s.chars().take(2).collect::<String>().to_ascii_uppercase();
    !matches!(p.as_str(), "BG" | "GB" | "NK" | "KN" | "TN" | "NT" | "ZZ")
}

// One unit of a digit run: a group of numerals or one spoken digit word. A bare "o" is not a digit here: it
// would make the regex stop at every letter o, and speech-to-text writes "oh" or "0".
// ASCII word boundaries: they keep the fast regex engines in play on any text, and digit words are ASCII.
// "double seven" and "triple oh" are how people read out repeated digits.
static UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[0-9]+|(?-u:\b)(?:(?:double|triple)[ -])?(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)(?-u:\b)",
    )
    .expect("valid regex")
});

/// A maximal run of digit groups and spoken digits joined by short separators.
#[derive(Debug)]
struct Run {
    start: usize,
    end: usize,
    /// The digits of each unit (a spoken word is one digit).
    groups: Vec<String>,
    /// The separator before each group after the first.
    seps: Vec<String>,
    /// Whether any unit was a spoken word.
    spoken: bool,
    /// Whether any unit was numerals.
    numerals: bool,
    /// A `+` directly before the run (international phone number).
    plus: bool,
}

impl Run {
    fn digits(&self) -> String {
        self.groups.concat()
    }
    fn shape(&self) -> Vec<usize> {
        self.groups.iter().map(String::len).collect()
    }
}

/// The digits a spoken unit stands for: "seven" is `7`, "double seven" `77`, "triple oh" `000`.
fn spoken_digits(w: &str) -> Option<String> {
    let w = w.to_ascii_lowercase();
    let (times, word) = match w.split_once([' ', '-']) {
        Some(("double", d)) => (2, d.to_owned()),
        Some(("triple", d)) => (3, d.to_owned()),
        _ => (1, w),
    };
    spoken_digit(&word).map(|c| std::iter::repeat_n(c, times).collect())
}

fn spoken_digit(w: &str) -> Option<char> {
    Some(match w {
        "zero" | "oh" => '0',
        "one" => '1',
        "two" => '2',
        "three" => '3',
        "four" => '4',
        "five" => '5',
        "six" => '6',
        "seven" => '7',
        "eight" => '8',
        "nine" => '9',
        _ => return None,
    })
}

/// Whether the text between two units may join them into one number: a few spaces, dashes, dots, commas or
/// parentheses, nothing else.
fn joins(gap: &str) -> bool {
    gap.len() <= 3 && gap.bytes().all(|b| matches!(b, b' ' | b'-' | b'.' | b',' | b'(' | b')' | b'/'))
}

fn runs(text: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut cur: Option<Run> = None;
    for m in UNIT.find_iter(text) {
        let s = m.as_str();
        // Numerals are the common case: no lower-casing needed to know they are not words.
        let (digits, spoken) = if s.as_bytes()[0].is_ascii_digit() {
            (s.to_owned(), false)
        } else {
            match spoken_digits(s) {
                Some(d) => (d, true),
                None => continue,
            }
        };
        // A numeral glued to letters ("A22", "1st", "2nd") is a label or an ordinal, not part of a number.
        if !spoken {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            if before.is_some_and(char::is_alphabetic) || after.is_some_and(char::is_alphabetic) {
                if let Some(r) = cur.take() {
                    out.push(r);
                }
                continue;
            }
        }
        if let Some(r) = cur.as_mut() {
            let gap = &text[r.end..m.start()];
            if joins(gap) {
                r.groups.push(digits);
                r.seps.push(gap.to_owned());
                r.end = m.end();
                r.spoken |= spoken;
                r.numerals |= !spoken;
                continue;
            }
            if let Some(r) = cur.take() {
                out.push(r);
            }
        }
        let (start, plus) = open_prefix(text, m.start());
        cur =
            Some(Run { start, end: m.end(), groups: vec![digits], seps: Vec::new(), spoken, numerals: !spoken, plus });
    }
    if let Some(r) = cur {
        out.push(r);
    }
    out
}

/// Where a run starting at `at` really starts (a directly preceding `+` or `(` is part of a phone number), and
/// whether it has a `+`.
fn open_prefix(text: &str, at: usize) -> (usize, bool) {
    let b = text.as_bytes();
    if at >= 1 && b[at - 1] == b'+' {
        return (at - 1, true);
    }
    if at >= 1 && b[at - 1] == b'(' {
        if at >= 2 && b[at - 2] == b'+' {
            return (at - 2, true);
        }
        return (at - 1, false);
    }
    (at, false)
}

fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

fn ssn_ok(d: &str) -> bool {
    if d.len() != 9 {
        return false;
    }
    let (area, group, serial) = (&d[0..3], &d[3..5], &d[5..9]);
    area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000"
}

/// Whether a word naming `what` stands within `window` bytes before `at`.
fn named_before(text: &str, at: usize, window: usize, words: &[&str]) -> bool {
    let mut from = at.saturating_sub(window);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text[from..at].to_ascii_lowercase();
    words.iter().any(|w| before.contains(w))
}

fn sort_code_shape(r: &Run) -> bool {
    r.numerals && !r.spoken && r.shape() == [2, 2, 2] && r.seps.iter().all(|s| s == "-" || s == " ")
}

fn account_shape(r: &Run) -> bool {
    !r.spoken && (r.groups.len() == 1 && (7..=8).contains(&r.groups[0].len()) || r.shape() == [4, 4])
}

fn classify(text: &str, runs: &[Run], spans: &mut Vec<(usize, usize, Kind)>) {
    // Sort code and account pairs first: they need the neighbouring run.
    let mut claimed = vec![false; runs.len()];
    for (i, r) in runs.iter().enumerate() {
        if !sort_code_shape(r) {
            continue;
        }
        let near = |j: usize| -> bool {
            let (a, b) = if j > i { (r.end, runs[j].start) } else { (runs[j].end, r.start) };
            b.saturating_sub(a) <= 40 && account_shape(&runs[j])
        };
        let partner = [i.wrapping_sub(1), i + 1].into_iter().filter(|&j| j < runs.len()).find(|&j| near(j));
        if let Some(j) = partner {
            spans.push((r.start, r.end, Kind::SortCode));
            spans.push((runs[j].start, runs[j].end, Kind::Account));
            claimed[i] = true;
            claimed[j] = true;
        } else if named_before(text, r.start, 30, &["sort code", "sort-code", "sortcode"]) {
            spans.push((r.start, r.end, Kind::SortCode));
            claimed[i] = true;
        }
    }
    for (i, r) in runs.iter().enumerate() {
        if claimed[i] {
            continue;
        }
        // A sort code and its account read as one run: "12-34-56 12345678".
        let shape = r.shape();
        if !r.spoken && shape.len() == 4 && shape[..3] == [2, 2, 2] && (7..=8).contains(&shape[3]) {
            let acct_start = r.end - r.groups[3].len();
            let code_end = acct_start - r.seps[2].len();
            spans.push((r.start, code_end, Kind::SortCode));
            spans.push((acct_start, r.end, Kind::Account));
            continue;
        }
        if let Some(k) = kind_of(text, r) {
            spans.push((r.start, r.end, k));
        }
    }
}

fn kind_of(text: &str, r: &Run) -> Option<Kind> {
    let digits = r.digits();
    let n = digits.len();
    let shape = r.shape();
    if (13..=19).contains(&n) && luhn(&digits) && !r.plus {
        return Some(Kind::Card);
    }
    let ssn_named = || named_before(text, r.start, 40, &["social", "ssn", "s.s.n"]);
    if !r.spoken && shape == [3, 2, 4] && r.seps.iter().all(|s| s == "-" || s == " ") && ssn_ok(&digits) {
        return Some(Kind::Ssn);
    }
    if n == 9 && ssn_ok(&digits) && ssn_named() {
        return Some(Kind::Ssn);
    }
    if phone(r, &digits, &shape) {
        return Some(Kind::Phone);
    }
    if r.spoken && n >= 7 {
        return Some(Kind::Number);
    }
    None
}

fn phone(r: &Run, digits: &str, shape: &[usize]) -> bool {
    let n = digits.len();
    if r.plus {
        return (8..=15).contains(&n);
    }
    if r.spoken {
        return (10..=11).contains(&n);
    }
    let plain_seps = r.seps.iter().all(|s| matches!(s.as_str(), "-" | " " | "." | ") " | ")" | ")-" | " ("));
    if !plain_seps {
        return false;
    }
    match n {
        // US: 555-123-4567, (555) 123-4567, 5551234567, 555 123 4567; UK: 020 7946 0958, 07700 900123.
        10 => shape == [3, 3, 4] || shape == [10] || digits.starts_with('0') && shape.len() <= 3 && shape[0] >= 3,
        // US with country code 1-555-123-4567; UK 11 digits starting 0 (07700 900123, 0161 496 0000).
        11 => {
            (digits.starts_with('1') && shape == [1, 3, 3, 4])
                || digits.starts_with('0') && shape.len() <= 3 && shape[0] >= 3
        }
        // Local US number with a dash or dot: 555-1234.
        7 => shape == [3, 4] && r.seps.iter().all(|s| s == "-" || s == "."),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> String {
        redact(s).into_owned()
    }

    #[test]
    fn cards_need_luhn() {
        assert_eq!(r("card is 4111 1111 1111 1111 ok"), "card is [card] ok");
        assert_eq!(r("card is 4111-1111-1111-1111."), "card is [card].");
        assert_eq!(r("4111111111111111"), "[card]");
        // One digit off: not a card (and not anything else).
        assert_eq!(r("ref 4111 1111 1111 1112 ok"), "ref 4111 1111 1111 1112 ok");
        assert_eq!(r("amex 3782 822463 10005"), "amex [card]");
    }

    #[test]
    fn spoken_digits() {
        let s = "it's four one one one one one one one one one one one one one one one";
        assert_eq!(r(s), "it's [card]");
        assert_eq!(r("call me on oh seven seven zero zero nine zero zero one two three"), "call me on [phone]");
        assert_eq!(r("one moment, two minutes"), "one moment, two minutes");
        assert_eq!(r("my social is one two three four five six seven eight nine"), "my social is [ssn]");
        assert_eq!(r("four one 1 1 one one one one one one one one one one one one"), "[card]");
        assert_eq!(r("it's oh seven double seven oh nine double oh one two three"), "it's [phone]");
        assert_eq!(r("a double-one triple-two"), "a double-one triple-two");
    }

    #[test]
    fn redaction_is_idempotent_and_total() {
        let samples = [
            "card 4111 1111 1111 1111, ssn 123-45-6789, ni AB123456C, jo@x.io, (555) 123-4567",
            "sort code 20-00-00 account 12345678 and four one one one one one one one one one one one one one one one",
            "éé 4111111111111111 ü\u{0}\u{202e} ١٢٣٤٥٦٧٨٩ +",
            "",
            "+",
            "(",
            "o o o o o o o o o o",
        ];
        for s in samples {
            let once = r(s);
            assert_eq!(r(&once), once, "{s:?}");
        }
    }

    #[test]
    fn ssn() {
        assert_eq!(r("ssn 123-45-6789."), "ssn [ssn].");
        assert_eq!(r("it's 123 45 6789"), "it's [ssn]");
        assert_eq!(r("my social is 123456789"), "my social is [ssn]");
        assert_eq!(r("order 123456789"), "order 123456789");
        assert_eq!(r("666-45-6789"), "666-45-6789");
    }

    #[test]
    fn nino() {
        assert_eq!(r("NI number QQ 12 34 56 C"), "NI number QQ 12 34 56 C", "QQ prefix: Q is never a first letter");
        assert_eq!(r("it's AB123456C thanks"), "it's [nino] thanks");
        assert_eq!(r("it's jk 12 34 56 a"), "it's [nino]");
        assert_eq!(r("GB123456A"), "GB123456A");
    }

    #[test]
    fn sort_code_pairs() {
        assert_eq!(r("sort code 20-00-00 account 12345678"), "sort code [sort-code] account [acct]");
        assert_eq!(r("account 12345678 and sort code 20 00 00"), "account [acct] and sort code [sort-code]");
        assert_eq!(r("12-34-56 12345678"), "[sort-code] [acct]");
        assert_eq!(r("the sort code is 40-11-62"), "the sort code is [sort-code]");
        // A date is not a sort code.
        assert_eq!(r("on 12-03-26 we spoke"), "on 12-03-26 we spoke");
    }

    #[test]
    fn emails() {
        assert_eq!(r("mail jo.smith+x@example.co.uk, thanks"), "mail [email], thanks");
        assert_eq!(r("it's jo dot smith at gmail dot com ok"), "it's [email] ok");
        assert_eq!(r("look at this dot here"), "look at this dot here");
    }

    #[test]
    fn phones() {
        assert_eq!(r("call (555) 123-4567 now"), "call [phone] now");
        assert_eq!(r("call 555-123-4567"), "call [phone]");
        assert_eq!(r("call 1-555-123-4567"), "call [phone]");
        assert_eq!(r("ring 07700 900123"), "ring [phone]");
        assert_eq!(r("ring 020 7946 0958"), "ring [phone]");
        assert_eq!(r("ring +44 20 7946 0958"), "ring [phone]");
        assert_eq!(r("or 555-1234"), "or [phone]");
    }

    #[test]
    fn leaves_ordinary_numbers() {
        for s in [
            "the balance is $2,418.60 and $1,900 a month",
            "June 14th, 1988, and the last four are 2291.",
            "starting 2026-03-02 at 14:05",
            "agent A22 on account ACC-1188",
            "pay 300 by the 1st",
        ] {
            assert_eq!(r(s), s);
        }
    }

    #[test]
    fn spans_are_char_boundaries() {
        let s = "é 4111 1111 1111 1111 ü jo@x.io";
        for (a, b, _) in find(s) {
            assert!(s.is_char_boundary(a) && s.is_char_boundary(b));
        }
        assert_eq!(r(s), "é [card] ü [email]");
    }
}
