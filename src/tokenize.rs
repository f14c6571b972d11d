//! tokenize: split a turn into words with byte offsets, normalised for matching.
//!
//! Normalisation is what lets one lexicon phrase match the many ways people say it: lower case, curly apostrophes
//! made straight, contractions expanded (`won't` becomes the two tokens `will not`, both pointing at the bytes of
//! `won't`), and speech-to-text spellings without apostrophes (`dont`, `im`) treated like their written forms.
//! Punctuation is not a token, but it decides sentence ends, clause breaks and questions, which the context stage
//! reads from [`Token`].

use std::collections::HashMap;
use std::sync::LazyLock;

use foldhash::fast::FixedState;
use unicode_segmentation::UnicodeSegmentation;

/// One normalised word of a turn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the word in the turn text (shared by the parts of an expanded contraction).
    pub start: usize,
    /// Byte offset one past the word.
    pub end: usize,
    /// Where the normalised form (lower case, straight apostrophes, one word of an expansion) stands in the
    /// turn's [`TurnTokens::norm`] text: every token's form shares one buffer per turn rather than owning a
    /// `String`, which was a tenth of tokenizing.
    norm: (u32, u32),
    /// The sentence the word belongs to (0-based within the turn).
    pub sentence: u32,
    /// The clause within the turn: it changes at commas, semicolons, dashes and sentence ends.
    pub clause: u32,
}

/// A tokenized turn: its tokens, and for each sentence whether it is a question.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TurnTokens {
    /// The tokens in order.
    pub tokens: Vec<Token>,
    /// `questions[s]` is true when sentence `s` ends with a question mark.
    pub questions: Vec<bool>,
    /// Byte ranges of text inside quotation marks.
    pub quoted: Vec<(usize, usize)>,
    /// Whether the text has any sentence-ending punctuation (speech-to-text output often has none).
    pub punctuated: bool,
    /// The tokens' normal forms, one after another.
    norms: String,
}

impl TurnTokens {
    /// The normal form of one of this turn's tokens: lower case, straight apostrophes, one word of an expansion.
    pub fn norm(&self, t: &Token) -> &str {
        &self.norms[t.norm.0 as usize..t.norm.1 as usize]
    }

    /// Add a token whose normal form is `norm`.
    fn push(&mut self, mut t: Token, norm: &str) {
        let from = self.norms.len() as u32;
        self.norms.push_str(norm);
        t.norm = (from, self.norms.len() as u32);
        self.tokens.push(t);
    }
}

/// Contractions and informal spellings, and the words they stand for.
static EXPANSIONS: &[(&[&str], &[&str])] = &[
    (&["won't", "wont"], &["will", "not"]),
    (&["can't", "cant", "cannot"], &["can", "not"]),
    (&["shan't"], &["shall", "not"]),
    (&["ain't", "aint"], &["is", "not"]),
    (&["don't", "dont"], &["do", "not"]),
    (&["doesn't", "doesnt"], &["does", "not"]),
    (&["didn't", "didnt"], &["did", "not"]),
    (&["isn't", "isnt"], &["is", "not"]),
    (&["aren't", "arent"], &["are", "not"]),
    (&["wasn't", "wasnt"], &["was", "not"]),
    (&["weren't", "werent"], &["were", "not"]),
    (&["haven't", "havent"], &["have", "not"]),
    (&["hasn't", "hasnt"], &["has", "not"]),
    (&["hadn't", "hadnt"], &["had", "not"]),
    (&["couldn't", "couldnt"], &["could", "not"]),
    (&["wouldn't", "wouldnt"], &["would", "not"]),
    (&["shouldn't", "shouldnt"], &["should", "not"]),
    (&["mustn't", "mustnt"], &["must", "not"]),
    (&["needn't"], &["need", "not"]),
    (&["mightn't"], &["might", "not"]),
    (&["i'm", "im"], &["i", "am"]),
    (&["i've", "ive"], &["i", "have"]),
    (&["i'll"], &["i", "will"]),
    (&["i'd"], &["i", "would"]),
    (&["you're", "youre"], &["you", "are"]),
    (&["you've", "youve"], &["you", "have"]),
    (&["you'll", "youll"], &["you", "will"]),
    (&["you'd", "youd"], &["you", "would"]),
    (&["we're"], &["we", "are"]),
    (&["we've", "weve"], &["we", "have"]),
    (&["we'll"], &["we", "will"]),
    (&["we'd"], &["we", "would"]),
    (&["they're", "theyre"], &["they", "are"]),
    (&["they've", "theyve"], &["they", "have"]),
    (&["they'll", "theyll"], &["they", "will"]),
    (&["they'd", "theyd"], &["they", "would"]),
    (&["he's"], &["he", "is"]),
    (&["he'll"], &["he", "will"]),
    (&["he'd"], &["he", "would"]),
    (&["she's"], &["she", "is"]),
    (&["she'll"], &["she", "will"]),
    (&["she'd"], &["she", "would"]),
    (&["it's"], &["it", "is"]),
    (&["it'll"], &["it", "will"]),
    (&["that's", "thats"], &["that", "is"]),
    (&["that'll"], &["that", "will"]),
    (&["there's", "theres"], &["there", "is"]),
    (&["there'll"], &["there", "will"]),
    (&["here's"], &["here", "is"]),
    (&["what's", "whats"], &["what", "is"]),
    (&["who's"], &["who", "is"]),
    (&["where's"], &["where", "is"]),
    (&["how's"], &["how", "is"]),
    (&["let's", "lets"], &["let", "us"]),
    (&["y'all"], &["you", "all"]),
    (&["gonna"], &["going", "to"]),
    (&["wanna"], &["want", "to"]),
    (&["gotta"], &["got", "to"]),
    (&["hafta"], &["have", "to"]),
    (&["gotcha"], &["got", "you"]),
    (&["lemme"], &["let", "me"]),
    (&["gimme"], &["give", "me"]),
    (&["kinda"], &["kind", "of"]),
    (&["sorta"], &["sort", "of"]),
    (&["dunno"], &["do", "not", "know"]),
    (&["outta"], &["out", "of"]),
    (&["lotta"], &["lot", "of"]),
    // Dropped g's, written "goin'" (the apostrophe is trimmed) or "goin".
    (&["goin"], &["going"]),
    (&["comin"], &["coming"]),
    (&["gettin"], &["getting"]),
    (&["doin"], &["doing"]),
    (&["sayin"], &["saying"]),
    (&["tellin"], &["telling"]),
    (&["talkin"], &["talking"]),
    (&["callin"], &["calling"]),
    (&["askin"], &["asking"]),
    (&["lookin"], &["looking"]),
    (&["messin"], &["messing"]),
    (&["playin"], &["playing"]),
    (&["kiddin"], &["kidding"]),
    (&["jokin"], &["joking"]),
    (&["tryin"], &["trying"]),
    (&["thinkin"], &["thinking"]),
    (&["takin"], &["taking"]),
    (&["makin"], &["making"]),
    (&["givin"], &["giving"]),
    (&["leavin"], &["leaving"]),
    (&["payin"], &["paying"]),
    (&["workin"], &["working"]),
    (&["hollerin"], &["hollering"]),
    (&["cryin"], &["crying"]),
    (&["lyin"], &["lying"]),
    (&["killin"], &["killing"]),
    (&["fuckin"], &["fucking"]),
    (&["nothin"], &["nothing"]),
    (&["somethin"], &["something"]),
    (&["anythin"], &["anything"]),
    (&["everythin"], &["everything"]),
    (&["imma", "ima"], &["i", "am", "going", "to"]),
    (&["cuz", "'cause", "coz"], &["because"]),
    (&["ya"], &["you"]),
    (&["u"], &["you"]),
    (&["ur"], &["your"]),
    (&["pls", "plz"], &["please"]),
    (&["thx"], &["thanks"]),
    (&["ok", "okey"], &["okay"]),
    (&["mum", "mom", "mam"], &["mum"]),
    (&["mum's", "mom's", "mam's"], &["mum", "is"]),
    (&["must've", "mustve"], &["must", "have"]),
    (&["should've", "shouldve"], &["should", "have"]),
    (&["could've", "couldve"], &["could", "have"]),
    (&["would've", "wouldve"], &["would", "have"]),
    (&["might've"], &["might", "have"]),
];

/// The expansion of a contraction or informal spelling, if the word is one.
fn expand(word: &str) -> Option<&'static [&'static str]> {
    // Most words are not contractions: a bit per (first byte, length) of every spelling turns nearly all of them
    // away before the hash look-up.
    static FIRST_AND_LEN: LazyLock<[u32; 256]> = LazyLock::new(|| {
        let mut t = [0u32; 256];
        for s in EXPANSIONS.iter().flat_map(|(spellings, _)| spellings.iter()) {
            t[usize::from(s.as_bytes()[0])] |= 1 << s.len().min(31);
        }
        t
    });
    static MAP: LazyLock<HashMap<&'static str, &'static [&'static str], FixedState>> = LazyLock::new(|| {
        EXPANSIONS.iter().flat_map(|(spellings, parts)| spellings.iter().map(|s| (*s, *parts))).collect()
    });
    let first = *word.as_bytes().first()?;
    if FIRST_AND_LEN[usize::from(first)] & (1 << word.len().min(31)) == 0 {
        return None;
    }
    MAP.get(word).copied()
}

/// The normal forms of one already lower-case, straight-apostrophe word: its expansion, or a stem and `not`
/// for any other `n't`, or the word itself.
pub fn normal_forms(word: &str) -> impl Iterator<Item = &str> {
    let trimmed = word.trim_end_matches('\'');
    // A borrowed head (the word, or the stem before n't) and a static tail; no allocation per word.
    let (head, tail): (Option<&str>, &'static [&'static str]) = if let Some(parts) = expand(trimmed) {
        (None, parts)
    } else if let Some(stem) = trimmed.strip_suffix("n't") {
        (Some(stem), &["not"])
    } else {
        (Some(trimmed), &[])
    };
    head.into_iter().chain(tail.iter().copied())
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}')
}

/// Normalise one word: lower case and straight apostrophes; generic `n't` handled by [`expand`] or kept.
fn normalise_word(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        // The common case, without per-char Unicode case tables: the same result for ASCII input.
        out.extend(word.bytes().map(|b| if b == b'`' { '\'' } else { char::from(b.to_ascii_lowercase()) }));
        return;
    }
    for c in word.chars() {
        if is_apostrophe(c) {
            out.push('\'');
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// Where a word segment is two words joined by a full stop typed without its space ("anxiety.you", "fine.but"):
/// `dot`, the byte offset of its first full stop, when it is one. Only when letters of at least two characters
/// come before it and a common sentence opener after it, so abbreviations ("e.g"), numbers ("1.5"), domains
/// ("example.com") and addresses keep their one token.
fn run_on_stop(seg: &str, dot: usize) -> Option<usize> {
    let (head, tail) = (&seg[..dot], &seg[dot + 1..]);
    if head.len() < 2 || !head.chars().all(char::is_alphabetic) || tail.contains('.') || tail.contains('@') {
        return None;
    }
    if !tail.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    let mut norm = String::new();
    normalise_word(tail, &mut norm);
    let opener = normal_forms(&norm).next().is_some_and(|w| {
        matches!(
            w,
            "i" | "you"
                | "he"
                | "she"
                | "it"
                | "we"
                | "they"
                | "that"
                | "this"
                | "there"
                | "but"
                | "and"
                | "so"
                | "then"
                | "also"
                | "yes"
                | "no"
                | "okay"
                | "well"
                | "what"
                | "how"
                | "why"
                | "do"
                | "did"
                | "are"
                | "is"
                | "my"
                | "your"
                | "please"
                | "thank"
                | "thanks"
                | "sorry"
                | "just"
                | "maybe"
                | "hope"
        )
    });
    opener.then_some(dot)
}

/// What a non-word segment does to the text around it.
#[derive(Default)]
struct Marks {
    /// It ends a sentence (`.`, `!`, `?`, `…`).
    end: bool,
    /// It makes the sentence a question.
    question: bool,
    /// It breaks a clause (`,`, `;`, `:`, dashes, parentheses).
    clause: bool,
    /// It holds a double quotation mark.
    quote: bool,
}

/// The marks of a non-word segment, in one pass over its characters (most are one byte long).
fn marks(seg: &str) -> Marks {
    let mut m = Marks::default();
    for c in seg.chars() {
        match c {
            '?' => {
                m.question = true;
                m.end = true;
            }
            '.' | '!' | '\u{2026}' => m.end = true,
            ',' | ';' | ':' | '\u{2014}' | '\u{2013}' | '(' | ')' => m.clause = true,
            '"' | '\u{201C}' | '\u{201D}' => m.quote = true,
            _ => {}
        }
    }
    m
}

/// Split `text` into normalised tokens with byte offsets, sentences and clauses.
pub fn tokenize(text: &str) -> TurnTokens {
    let mut out = TurnTokens {
        tokens: Vec::with_capacity(text.len() / 5 + 1),
        questions: vec![false],
        quoted: Vec::new(),
        punctuated: false,
        norms: String::with_capacity(text.len() + 16),
    };
    // Word boundaries (UAX #29): an ASCII turn takes the table-free path, which yields the same segments.
    if text.is_ascii() {
        segment(AsciiWordBounds::new(text), &mut out);
    } else {
        segment(text.split_word_bound_indices(), &mut out);
    }
    out
}

/// Tokens, sentences, clauses and quotations from a turn's word-boundary segments, into `out`. Generic rather
/// than over a boxed iterator, so the ASCII segmenter inlines into this loop.
fn segment<'a>(segments: impl Iterator<Item = (usize, &'a str)>, out: &mut TurnTokens) {
    let mut sentence = 0u32;
    let mut clause = 0u32;
    let mut pending_end = false;
    let mut norm = String::new();
    let mut quote_open: Option<usize> = None;
    for (start, seg) in segments {
        let first = match seg.chars().next() {
            Some(c) => c,
            None => continue,
        };
        if first.is_alphanumeric() || (is_apostrophe(first) && seg.chars().nth(1).is_some_and(char::is_alphanumeric)) {
            if pending_end {
                sentence += 1;
                clause += 1;
                out.questions.push(false);
                pending_end = false;
            }
            // "anxiety.you are not alone": a full stop typed without its space is two sentences.
            // The byte loop stays here, inline: this runs on every word, and nearly all have no full stop.
            let stop = seg.bytes().position(|b| b == b'.').and_then(|dot| run_on_stop(seg, dot));
            let (seg, rest) = match stop {
                Some(dot) => (&seg[..dot], Some((start + dot + 1, &seg[dot + 1..]))),
                None => (seg, None),
            };
            let word = seg.trim_start_matches(is_apostrophe);
            // Most words are already in normal form (lower-case letters and digits): no copy for them.
            let word = if word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
                word
            } else {
                normalise_word(word, &mut norm);
                norm.as_str()
            };
            // A trailing possessive or quote apostrophe is not part of the word.
            let end = start + seg.len();
            for p in normal_forms(word) {
                out.push(Token { start, end, norm: (0, 0), sentence, clause }, p);
            }
            if let Some((start, seg)) = rest {
                out.punctuated = true;
                sentence += 1;
                clause += 1;
                out.questions.push(false);
                normalise_word(seg, &mut norm);
                for p in normal_forms(&norm) {
                    out.push(Token { start, end: start + seg.len(), norm: (0, 0), sentence, clause }, p);
                }
            }
            continue;
        }
        if seg.trim().is_empty() {
            continue;
        }
        let m = marks(seg);
        if m.quote {
            match quote_open.take() {
                Some(open) => out.quoted.push((open, start)),
                None => quote_open = Some(start + seg.len()),
            }
        }
        if m.end {
            out.punctuated = true;
            if m.question {
                if let Some(last) = out.questions.last_mut() {
                    *last = true;
                }
            }
            pending_end = true;
        } else if m.clause {
            clause += 1;
        }
    }
}

/// Word-boundary classes of ASCII characters in UAX #29 (ASCII has no Extend, Format, ZWJ, Katakana, Hebrew or
/// regional-indicator characters, so only these matter).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wb {
    Cr,
    Lf,
    Newline,
    Space,
    Letter,
    Numeric,
    MidLetter,
    MidNumLet,
    SingleQuote,
    MidNum,
    ExtendNumLet,
    Other,
}

const fn wb_of(b: u8) -> Wb {
    match b {
        b'\r' => Wb::Cr,
        b'\n' => Wb::Lf,
        0x0B | 0x0C => Wb::Newline,
        b' ' => Wb::Space,
        b'a'..=b'z' | b'A'..=b'Z' => Wb::Letter,
        b'0'..=b'9' => Wb::Numeric,
        b':' => Wb::MidLetter,
        b'.' => Wb::MidNumLet,
        b'\'' => Wb::SingleQuote,
        b',' | b';' => Wb::MidNum,
        b'_' => Wb::ExtendNumLet,
        _ => Wb::Other,
    }
}

/// [`wb_of`] for every byte, computed at compile time: one load per character on the hot path.
static WB: [Wb; 256] = {
    let mut t = [Wb::Other; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = wb_of(i as u8);
        i += 1;
    }
    t
};

fn wb(b: u8) -> Wb {
    WB[usize::from(b)]
}

/// UAX #29 word boundaries over ASCII text: the segments `split_word_bound_indices` yields, without its
/// per-character table lookups, which were a sixth of the analysis time. Tested against it below.
struct AsciiWordBounds<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> AsciiWordBounds<'a> {
    fn new(text: &'a str) -> Self {
        debug_assert!(text.is_ascii());
        AsciiWordBounds { text, pos: 0 }
    }
}

/// Whether a word of letters and digits always ends before this byte: it neither joins letters or digits
/// (`'`, `.`, `:`, `,`, `;`) nor extends a word (`_`).
fn plain(b: u8) -> bool {
    matches!(wb(b), Wb::Cr | Wb::Lf | Wb::Newline | Wb::Space | Wb::Other)
}

/// Whether there is a word boundary before byte `i` (0 < i < len).
fn ascii_break(b: &[u8], i: usize) -> bool {
    use Wb::*;
    let prev = wb(b[i - 1]);
    let cur = wb(b[i]);
    let mid_letter = |c: Wb| matches!(c, MidLetter | MidNumLet | SingleQuote);
    let mid_num = |c: Wb| matches!(c, MidNum | MidNumLet | SingleQuote);
    let next = || b.get(i + 1).map(|&x| wb(x));
    let prev2 = || if i >= 2 { Some(wb(b[i - 2])) } else { None };
    match (prev, cur) {
        (Cr, Lf) => false,                                                   // WB3
        (Cr | Lf | Newline, _) | (_, Cr | Lf | Newline) => true,             // WB3a, WB3b
        (Space, Space) => false,                                             // WB3d
        (Letter, Letter) => false,                                           // WB5
        (Letter, c) if mid_letter(c) && next() == Some(Letter) => false,     // WB6
        (c, Letter) if mid_letter(c) && prev2() == Some(Letter) => false,    // WB7
        (Numeric, Numeric) | (Letter, Numeric) | (Numeric, Letter) => false, // WB8, WB9, WB10
        (c, Numeric) if mid_num(c) && prev2() == Some(Numeric) => false,     // WB11
        (Numeric, c) if mid_num(c) && next() == Some(Numeric) => false,      // WB12
        (Letter | Numeric | ExtendNumLet, ExtendNumLet) => false,            // WB13a
        (ExtendNumLet, Letter | Numeric) => false,                           // WB13b
        _ => true,                                                           // WB999
    }
}

impl<'a> Iterator for AsciiWordBounds<'a> {
    type Item = (usize, &'a str);

    #[inline]
    fn next(&mut self) -> Option<(usize, &'a str)> {
        let b = self.text.as_bytes();
        let start = self.pos;
        if start >= b.len() {
            return None;
        }
        let mut i = start + 1;
        let alnum = |x: u8| x.is_ascii_alphanumeric();
        // The common segments without the rule table: a word of letters and digits that ends at a space or plain
        // punctuation, a run of spaces, and any other single character except CR (CR LF) and `_` (which joins).
        let word_end = |i: usize| b.get(i).is_none_or(|&x| !matches!(wb(x), Wb::Letter | Wb::Numeric) && plain(x));
        match wb(b[start]) {
            Wb::Letter | Wb::Numeric => {
                while i < b.len() && alnum(b[i]) {
                    i += 1;
                }
                if word_end(i) {
                    self.pos = i;
                    return Some((start, &self.text[start..i]));
                }
            }
            Wb::Space => {
                while i < b.len() && b[i] == b' ' {
                    i += 1;
                }
                self.pos = i;
                return Some((start, &self.text[start..i]));
            }
            Wb::Cr | Wb::ExtendNumLet => {}
            _ => {
                self.pos = i;
                return Some((start, &self.text[start..i]));
            }
        }
        // Runs of letters and digits never break (WB5, WB8-WB10): skip them without the full rule table.
        while i < b.len() {
            if alnum(b[i - 1]) && alnum(b[i]) {
                i += 1;
                continue;
            }
            if ascii_break(b, i) {
                break;
            }
            i += 1;
        }
        self.pos = i;
        Some((start, &self.text[start..i]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_word_bounds_equal_unicode_segmentation() {
        // Every string up to four characters over an alphabet with one of each boundary class, then long
        // pseudo-random ones: the fast path must cut exactly where the Unicode tables do.
        let alphabet: Vec<char> = "aZ09:.',;_ \r\n\t\"?!-$`\x0b".chars().collect();
        let check = |s: &str| {
            let fast: Vec<_> = AsciiWordBounds::new(s).collect();
            let slow: Vec<_> = s.split_word_bound_indices().collect();
            assert_eq!(fast, slow, "segments of {s:?}");
        };
        let mut buf = String::new();
        let n = alphabet.len();
        for len in 1..=4u32 {
            for mut k in 0..n.pow(len) {
                buf.clear();
                for _ in 0..len {
                    buf.push(alphabet[k % n]);
                    k /= n;
                }
                check(&buf);
            }
        }
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..2000 {
            buf.clear();
            for _ in 0..40 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                buf.push(alphabet[(x % n as u64) as usize]);
            }
            check(&buf);
        }
        check("We can't, won't: e.g. 1,200.50 at 5:30pm on 3.5.2026 -- isn't it? I_am 'ok' \"quoted\"");
    }

    fn norms(t: &str) -> Vec<String> {
        let tt = tokenize(t);
        tt.tokens.iter().map(|t| tt.norm(t).to_owned()).collect()
    }

    #[test]
    fn contractions_expand_and_keep_offsets() {
        let text = "We won\u{2019}t SUE you";
        let tt = tokenize(text);
        let n: Vec<_> = tt.tokens.iter().map(|t| tt.norm(t)).collect();
        assert_eq!(n, ["we", "will", "not", "sue", "you"]);
        assert_eq!(&text[tt.tokens[1].start..tt.tokens[1].end], "won\u{2019}t");
        assert_eq!(&text[tt.tokens[2].start..tt.tokens[2].end], "won\u{2019}t");
    }

    #[test]
    fn speech_to_text_spellings() {
        assert_eq!(norms("im gonna call u"), ["i", "am", "going", "to", "call", "you"]);
        assert_eq!(norms("you couldnt pay"), ["you", "could", "not", "pay"]);
        assert_eq!(norms("Mustn't"), ["must", "not"]);
        assert_eq!(norms("must've"), ["must", "have"]);
        assert_eq!(norms("Mom's"), ["mum", "is"]);
    }

    #[test]
    fn dropped_gs_and_run_together_words() {
        assert_eq!(norms("you're goin' nowhere"), ["you", "are", "going", "nowhere"]);
        assert_eq!(norms("stop messin with me"), ["stop", "messing", "with", "me"]);
        assert_eq!(norms("get outta here"), ["get", "out", "of", "here"]);
    }

    #[test]
    fn sentences_questions_and_clauses() {
        let tt = tokenize("Am I going to jail? No, you are not.");
        assert_eq!(tt.questions, [true, false]);
        let s: Vec<_> = tt.tokens.iter().map(|t| t.sentence).collect();
        assert_eq!(s, [0, 0, 0, 0, 0, 1, 1, 1, 1]);
        assert_ne!(tt.tokens[5].clause, tt.tokens[6].clause, "the comma after 'No' breaks the clause");
    }

    #[test]
    fn numbers_stay_whole_and_quotes_are_found() {
        assert_eq!(norms("$1,200.50 by 5pm"), ["1,200.50", "by", "5pm"]);
        let text = "the letter says \"legal action\" here";
        let tt = tokenize(text);
        assert_eq!(tt.quoted.len(), 1);
        let (a, b) = tt.quoted[0];
        assert_eq!(&text[a..b], "legal action");
    }

    #[test]
    fn a_full_stop_without_its_space_splits_the_sentence() {
        let text = "That was scary.You're doing fine";
        let tt = tokenize(text);
        let n: Vec<_> = tt.tokens.iter().map(|t| tt.norm(t)).collect();
        assert_eq!(n, ["that", "was", "scary", "you", "are", "doing", "fine"]);
        assert_eq!(&text[tt.tokens[2].start..tt.tokens[2].end], "scary");
        assert_eq!(&text[tt.tokens[3].start..tt.tokens[3].end], "You're");
        assert_eq!(tt.tokens[2].sentence + 1, tt.tokens[3].sentence);
        assert!(tt.punctuated);
        assert_eq!(tt.questions.len(), 2);
        // Abbreviations, numbers, domains and addresses stay whole.
        assert_eq!(
            norms("e.g. it costs 1.5 at example.com or jo.smith@mail.org"),
            ["e.g", "it", "costs", "1.5", "at", "example.com", "or", "jo.smith", "mail.org"]
        );
    }

    #[test]
    fn possessives_and_stray_apostrophes() {
        assert_eq!(norms("John's 'account'"), ["john's", "account"]);
    }
}
