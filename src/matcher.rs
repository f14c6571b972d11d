//! match: every lexicon phrase compiled into a word-level index, matched on whole tokens of a turn; regexes only
//! for explicit `patterns` in a user's lexicons (the built-in rules have none).
//!
//! A phrase such as `(we will|we're going to) sue you( today|)` is not expanded into every variant: it is kept as
//! a short list of *parts* (a word, or a group of alternative word runs) and each run of its *anchor* part (one
//! that cannot be left out, whose words are rarest in speech: "sue", not "you") is indexed under its rarest word.
//! Scanning a turn looks each token up once in the vocabulary; each index entry for that word first checks a
//! 64-bit filter on the neighbouring words, then its run, then the parts to its right and to its left. Start-up
//! is proportional to the number of phrases written in the lexicons, not to the hundreds of thousands of
//! variants they stand for.
//!
//! Matching is overlapping and exhaustive: every span any variant of a phrase would cover is reported ("sue you"
//! and "sue you today"), because the context stage needs the reporting frame ("they threatened to") *and* the
//! threat inside it, and the rules stage picks the longest of overlapping phrases itself. A phrase never runs
//! across a sentence end.

use std::collections::{HashMap, HashSet};

use foldhash::fast::FixedState;

use regex::Regex;

use crate::call::Role;
use crate::lexicon::{expand_phrase, groups, normalise_phrase, signal_index, Lexicon, Rule};
use crate::tokenize::{Token, TurnTokens};

/// What a pattern stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A rule, by index into `Lexicon::rules`.
    Rule(u32),
    /// A signal, by index into [`SIGNALS`](crate::lexicon::SIGNALS).
    Signal(u8),
    /// A reporting frame (customer turns).
    Reporter,
    /// An echo frame (agent turns).
    Echo,
    /// A hedge word.
    Hedge,
    /// A question opener.
    QuestionOpener,
    /// A phrase whose negator does not negate ("why don't you", "not only", "no doubt").
    PseudoNegation,
}

/// One match of a pattern in a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// What matched.
    pub target: Target,
    /// First token of the match.
    pub tok_start: usize,
    /// One past the last token.
    pub tok_end: usize,
    /// Byte offset in the turn text.
    pub start: usize,
    /// Byte offset one past the match in the turn text.
    pub end: usize,
}

/// A word index meaning "not in the vocabulary".
const NONE: u32 = u32::MAX;

/// One position of a compiled phrase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Item {
    /// A word, by index into the vocabulary.
    Word(u32),
    /// A whole number or decimal as `{amount}` takes it: `1200`, `1,200.50`.
    Number,
    /// One or two digits: the hour of a `{time}`.
    Hour,
    /// Exactly two digits: the minutes of a `{time}` ("3 30").
    Minutes,
    /// An hour with am or pm written on: `5pm`.
    HourAmPm,
    /// Any one word (`{word}`): a token that starts with a letter (numbers are `{amount}`).
    Any,
    /// A name or other content word (`{name}`): as `{word}`, but not one of the commonest words of speech, so
    /// "I'm Sam with Northfield" has one and "I'm right with you" has none.
    Name,
    /// The start of a sentence (`{start}`): covers no word, only the place before a sentence's first word.
    Start,
}

/// One part of a phrase: alternative runs of items. An empty run makes the part optional.
///
/// A group may hold hundreds of runs ("(owe|owed|...)"), so each part also indexes its runs by their first and by
/// their last word: checking the part at a place looks at the runs that can start (or end) with the word there,
/// plus the few that start (or end) with a slot, or are empty.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Part {
    alts: Vec<Vec<Item>>,
    /// (first word, run), sorted.
    by_first: Vec<(u32, u32)>,
    /// (last word, run), sorted.
    by_last: Vec<(u32, u32)>,
    /// Runs that do not start with a word.
    loose_first: Vec<u32>,
    /// Runs that do not end with a word.
    loose_last: Vec<u32>,
    /// The word, when the part is one word and nothing else (most parts are): checked by one comparison.
    single: Option<u32>,
}

impl Part {
    fn new(alts: Vec<Vec<Item>>) -> Part {
        let single = match alts.as_slice() {
            [run] => match run.as_slice() {
                [Item::Word(w)] => Some(*w),
                _ => None,
            },
            _ => None,
        };
        let mut p = Part {
            alts,
            by_first: Vec::new(),
            by_last: Vec::new(),
            loose_first: Vec::new(),
            loose_last: Vec::new(),
            single,
        };
        for (i, run) in p.alts.iter().enumerate() {
            let i = i as u32;
            match run.first() {
                Some(Item::Word(w)) => p.by_first.push((*w, i)),
                _ => p.loose_first.push(i),
            }
            match run.last() {
                Some(Item::Word(w)) => p.by_last.push((*w, i)),
                _ => p.loose_last.push(i),
            }
        }
        p.by_first.sort_unstable();
        p.by_last.sort_unstable();
        p
    }

    fn optional(&self) -> bool {
        self.alts.iter().any(Vec::is_empty)
    }

    /// The runs that may match with word `w` at their first (or, `leftwards`, their last) place.
    fn runs_with(&self, w: u32, leftwards: bool) -> impl Iterator<Item = &[Item]> {
        let (keyed, loose) =
            if leftwards { (&self.by_last, &self.loose_last) } else { (&self.by_first, &self.loose_first) };
        // Most parts are one word: a scan of a few entries beats a binary search.
        let (from, to) = if keyed.len() <= 8 {
            let from = keyed.iter().position(|&(k, _)| k == w).unwrap_or(keyed.len());
            (from, from + keyed[from..].iter().take_while(|&&(k, _)| k == w).count())
        } else {
            let from = keyed.partition_point(|&(k, _)| k < w);
            (from, from + keyed[from..].partition_point(|&(k, _)| k == w))
        };
        keyed[from..to].iter().map(|&(_, i)| i).chain(loose.iter().copied()).map(|i| self.alts[i as usize].as_slice())
    }
}

/// A compiled phrase: its parts and the one it is indexed under.
#[derive(Clone, Debug)]
struct Phrase {
    parts: Vec<Part>,
    anchor: usize,
    target: Target,
}

/// Where to look for a phrase when a key turns up: which run of its anchor part, and how many tokens before the
/// key that run starts.
#[derive(Clone, Copy, Debug)]
struct Entry {
    phrase: u32,
    run: u16,
    offset: u16,
    /// Tokens the run covers.
    len: u16,
    /// The roles whose turns the phrase is looked for in, one bit each ([`role_bit`]).
    roles: u8,
    /// A filter on the word just after the run: bit `id % 64` is set for each word the next part can start with
    /// (all bits when that part is optional or starts with a slot). Most tries end here, on one comparison,
    /// without touching the phrase.
    next: u64,
    /// The same for the word just before the run, and the part before it.
    prev: u64,
}

/// The filter bits of the words a part's runs start (or, `last`, end) with; all bits when any run does not.
fn edge_mask(part: Option<&Part>, last: bool) -> u64 {
    let Some(part) = part else { return u64::MAX };
    let mut mask = 0u64;
    for run in &part.alts {
        match if last { run.last() } else { run.first() } {
            Some(Item::Word(w)) => mask |= 1 << (w % 64),
            _ => return u64::MAX,
        }
    }
    mask
}

/// The entries filed under one key, most of them under a *guard*: a word that must stand at a fixed distance
/// from the key for the entry to have any chance ("sue" in "will sue you" needs "will" just before it). A key
/// such as "you" has dozens of entries, but at a given place only the few whose guard word is there are tried.
#[derive(Clone, Debug, Default)]
struct KeyIndex {
    /// (distance from the key, first and one past the last of its entries in `guarded`, a filter with bit
    /// `word % 64` set for each of their guard words), one per distance. Two searches in three find no guard
    /// word in place; the filter ends most of them before the entries are read.
    distances: Vec<(i32, u32, u32, u64)>,
    /// (guard word, entry), sorted by distance, then word.
    guarded: Vec<(u32, Entry)>,
    /// Entries with no word at a fixed distance (their neighbours are slots or optional parts).
    loose: Vec<Entry>,
}

impl KeyIndex {
    fn is_empty(&self) -> bool {
        self.guarded.is_empty() && self.loose.is_empty()
    }
}

/// A [`KeyIndex`] being filled: guarded entries with their distance, in any order.
#[derive(Clone, Default)]
struct KeyIndexBuilder {
    guarded: Vec<(i32, u32, Entry)>,
    loose: Vec<Entry>,
}

impl KeyIndexBuilder {
    fn add(&mut self, guard: Option<(i32, Vec<u32>)>, e: Entry) {
        match guard {
            Some((d, words)) => self.guarded.extend(words.into_iter().map(|x| (d, x, e))),
            None => self.loose.push(e),
        }
    }

    /// Sort the guarded entries and note where each distance begins.
    fn build(mut self) -> KeyIndex {
        self.guarded.sort_by_key(|&(d, x, e)| (d, x, e.phrase, e.run));
        let mut index = KeyIndex { loose: self.loose, ..KeyIndex::default() };
        for (i, &(d, x, e)) in self.guarded.iter().enumerate() {
            match index.distances.last_mut() {
                Some(last) if last.0 == d => {
                    last.2 = i as u32 + 1;
                    last.3 |= 1 << (x % 64);
                }
                _ => index.distances.push((d, i as u32, i as u32 + 1, 1 << (x % 64))),
            }
            index.guarded.push((x, e));
        }
        index
    }
}

/// The guard of an entry: the distance from its key and the words that must stand there, choosing the smallest
/// set among the run's own neighbours of the key and the edges of the parts on each side. `None` when no place
/// next to the run is certain to hold a word.
fn guard(ph: &Phrase, run: &[Item], offset: u32, len: u32) -> Option<(i32, Vec<u32>)> {
    let tokens: Vec<Item> = run.iter().copied().filter(|i| *i != Item::Start).collect();
    let mut options: Vec<(i32, Vec<u32>)> = Vec::new();
    let k = offset as usize;
    if let Some(Item::Word(x)) = tokens.get(k + 1) {
        options.push((1, vec![*x]));
    }
    if let Some(Item::Word(x)) = k.checked_sub(1).and_then(|i| tokens.get(i)) {
        options.push((-1, vec![*x]));
    }
    let edge = |part: Option<&Part>, last: bool| -> Option<Vec<u32>> {
        let part = part?;
        let mut words = Vec::new();
        for run in &part.alts {
            match if last { run.last() } else { run.first() } {
                Some(Item::Word(w)) => words.push(*w),
                _ => return None,
            }
        }
        words.sort_unstable();
        words.dedup();
        Some(words)
    };
    if let Some(words) = edge(ph.parts.get(ph.anchor + 1), false) {
        options.push((len as i32 - offset as i32, words));
    }
    if let Some(words) = edge(ph.anchor.checked_sub(1).and_then(|a| ph.parts.get(a)), true) {
        options.push((-(offset as i32) - 1, words));
    }
    options.into_iter().min_by_key(|(_, w)| w.len())
}

/// What an anchor part's first item is keyed on when scanning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    Word(u32),
    Digit,
    Any,
    Start,
}

/// `{amount}` and `{time}` written in the phrase syntax itself, over the number items above.
const AMOUNT: &str = "{number}( dollars| dollar| pounds| pound| quid| bucks| pence| cents| usd| gbp| grand|)";
const TIME: &[&str] = &[
    "{hour}( {minutes}|)( am| pm| a m| p m| o'clock| oclock|)",
    "{houram}",
    "(today|tonight|tomorrow|noon|midday|midnight|monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
    "(this|tomorrow) (morning|afternoon|evening)",
    "(the |)end of (the |)(day|week|month)",
    "close of business",
];

/// Words so common in speech that a phrase is better indexed under any other of its parts. Only the index
/// uses this list: it changes how fast a phrase is found, never whether it is.
const COMMON: &[&str] = &[
    "a", "about", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "but", "by", "can",
    "could", "did", "do", "does", "for", "from", "get", "go", "going", "got", "had", "has", "have", "he", "her",
    "here", "him", "his", "how", "i", "if", "in", "is", "it", "just", "know", "like", "me", "my", "no", "not", "now",
    "of", "oh", "ok", "okay", "on", "one", "or", "our", "out", "right", "say", "see", "she", "so", "some", "that",
    "the", "their", "them", "then", "there", "they", "this", "to", "uh", "um", "up", "us", "was", "we", "well", "what",
    "when", "which", "who", "will", "with", "would", "yeah", "yes", "you", "your",
];

/// The vocabulary indexes of [`COMMON`]'s words.
type Common = HashSet<u32, FixedState>;

/// The vocabulary being built: every word of every phrase, numbered.
#[derive(Default)]
struct Vocab {
    ids: HashMap<String, u32, FixedState>,
    words: Vec<String>,
}

impl Vocab {
    fn id(&mut self, w: &str) -> u32 {
        if let Some(&i) = self.ids.get(w) {
            return i;
        }
        let i = self.words.len() as u32;
        self.words.push(w.to_owned());
        self.ids.insert(w.to_owned(), i);
        i
    }

    /// Every run of items `text` stands for: its `(a|b)` groups expanded, its words normalised and numbered, its
    /// slots replaced by what they match.
    fn runs(&mut self, text: &str) -> Result<Vec<Vec<Item>>, String> {
        let mut out = Vec::new();
        for v in expand_phrase(text)? {
            let mut runs: Vec<Vec<Item>> = vec![Vec::new()];
            for w in normalise_phrase(&v).split(' ').filter(|w| !w.is_empty()) {
                let choices: Vec<Vec<Item>> = match w {
                    "{amount}" => self.runs(AMOUNT)?,
                    "{time}" => {
                        let mut all = Vec::new();
                        for t in TIME {
                            all.extend(self.runs(t)?);
                        }
                        all
                    }
                    "{start}" => vec![vec![Item::Start]],
                    "{word}" => vec![vec![Item::Any]],
                    "{name}" => vec![vec![Item::Name]],
                    "{number}" => vec![vec![Item::Number]],
                    "{hour}" => vec![vec![Item::Hour]],
                    "{minutes}" => vec![vec![Item::Minutes]],
                    "{houram}" => vec![vec![Item::HourAmPm]],
                    w if w.starts_with('{') => return Err(format!("unknown slot {w} in {text:?}")),
                    w => vec![vec![Item::Word(self.id(w))]],
                };
                runs = runs
                    .iter()
                    .flat_map(|r| choices.iter().map(move |c| r.iter().chain(c).copied().collect::<Vec<Item>>()))
                    .collect();
            }
            out.extend(runs);
        }
        let mut seen: HashSet<Vec<Item>, FixedState> = HashSet::default();
        out.retain(|r| seen.insert(r.clone()));
        Ok(out)
    }

    /// The parts of a phrase: each plain word its own part, each white-space-free stretch with a group one part.
    fn parts(&mut self, phrase: &str) -> Result<Vec<Part>, String> {
        let mut parts = Vec::new();
        for seg in segments(phrase) {
            if seg.contains(['(', ')', '{']) {
                parts.push(Part::new(self.runs(seg).map_err(|e| format!("{e} (in {phrase:?})"))?));
            } else {
                for w in normalise_phrase(seg).split(' ').filter(|w| !w.is_empty()) {
                    parts.push(Part::new(vec![vec![Item::Word(self.id(w))]]));
                }
            }
        }
        Ok(parts)
    }
}

/// The phrase split into the stretches that become parts: at white space outside parentheses, and around a
/// group whose alternatives all begin (or all end) with a space, since that space is a word boundary too.
/// "(we will|we'll) sue you( today|)" gives "(we will|we'll)", "sue", "you" and "( today|)";
/// "(a |my |)(sick|fit) note" gives "(a |my |)", "(sick|fit)" and "note". A stretch with a group still inside a
/// word ("threat(en|ened)") stays whole and is expanded on its own.
fn segments(phrase: &str) -> Vec<&str> {
    // A badly formed group: leave the phrase whole for the expander to report.
    let Ok(groups) = groups(phrase) else { return vec![phrase] };
    let mut groups = groups.into_iter().peekable();
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < phrase.len() {
        if let Some(g) = groups.next_if(|g| g.start == i) {
            let alts: Vec<&str> = phrase[g.start + 1..g.end - 1].split('|').filter(|a| !a.is_empty()).collect();
            let spaced = |f: fn(&str) -> Option<char>| {
                !alts.is_empty() && alts.iter().all(|a| f(a).is_some_and(char::is_whitespace))
            };
            if spaced(|a| a.chars().next()) {
                if let Some(s) = start.take() {
                    out.push(&phrase[s..i]);
                }
            }
            let s = *start.get_or_insert(i);
            i = g.end;
            if spaced(|a| a.chars().next_back()) {
                out.push(&phrase[s..i]);
                start = None;
            }
            continue;
        }
        let c = phrase[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push(&phrase[s..i]);
            }
        } else {
            start.get_or_insert(i);
        }
        i += c.len_utf8();
    }
    if let Some(s) = start {
        out.push(&phrase[s..]);
    }
    out
}

/// How often, roughly, a key turns up per token of speech: the index puts each phrase under its rarest part.
fn key_cost(k: Key, common: &Common) -> u32 {
    match k {
        Key::Word(w) if common.contains(&w) => 300,
        Key::Word(_) => 1,
        Key::Digit => 10,
        Key::Start => 500,
        Key::Any => 10_000,
    }
}

/// The item a run is found by, as a key and the number of tokens before it in the run: the rarest of its items
/// that stand for a token, or a sentence start for a run that covers no token.
fn run_key(run: &[Item], common: &Common) -> (Key, u32) {
    let mut best = (Key::Start, 0);
    let mut offset = 0;
    for item in run {
        let key = match item {
            Item::Start => continue,
            Item::Word(w) => Key::Word(*w),
            Item::Any | Item::Name => Key::Any,
            _ => Key::Digit,
        };
        if best.0 == Key::Start || key_cost(key, common) < key_cost(best.0, common) {
            best = (key, offset);
        }
        offset += 1;
    }
    best
}

/// What finding a part costs: the keys of all its runs.
fn part_cost(part: &Part, common: &Common) -> u32 {
    part.alts.iter().map(|r| key_cost(run_key(r, common).0, common)).sum()
}

/// The phrases `parts` stands for, each with an anchor: a part that cannot be left out. A phrase made only of
/// optional parts is split in two at its first optional part (left out, and required) until every piece has one.
fn anchored(parts: Vec<Part>, target: Target, common: &Common, out: &mut Vec<Phrase>) {
    let best = (0..parts.len()).filter(|&i| !parts[i].optional()).min_by_key(|&i| part_cost(&parts[i], common));
    if let Some(anchor) = best {
        out.push(Phrase { parts, anchor, target });
        return;
    }
    let Some(i) = parts.iter().position(Part::optional) else { return };
    let mut without = parts.clone();
    without.remove(i);
    let mut with = parts;
    with[i] = Part::new(with[i].alts.iter().filter(|a| !a.is_empty()).cloned().collect());
    if !with[i].alts.is_empty() {
        anchored(with, target, common, out);
    }
    anchored(without, target, common, out);
}

/// The compiled matcher for one lexicon. Build once, share read-only across threads.
#[derive(Clone, Debug)]
pub struct Scanner {
    /// The vocabulary: a token's word index. A hash lookup with a fast, fixed hasher costs a fifth of the
    /// instructions of an anchored Aho-Corasick search for the same word (callgrind), and a token is always
    /// looked up whole.
    vocab: HashMap<Box<str>, u32, FixedState>,
    phrases: Vec<Phrase>,
    /// Where to look when a word turns up, indexed by word.
    by_word: Vec<KeyIndex>,
    /// Where to look when a number turns up.
    by_digit: Vec<Entry>,
    /// Where to look at each sentence start.
    by_start: KeyIndex,
    /// Where to look at every token: phrases made only of `{word}` or `{name}` slots and optional parts.
    by_any: Vec<Entry>,
    /// The vocabulary indexes of the commonest words, sorted.
    common: Vec<u32>,
    /// The explicit patterns, with their target and the roles they are looked for in.
    regexes: Vec<(Regex, Target, u8)>,
    negators: HashSet<String>,
    bridge: HashSet<String>,
    /// How many words before a hit a negator may stand.
    pub negation_window: usize,
}

/// A role's bit in [`Entry::roles`].
fn role_bit(role: Role) -> u8 {
    match role {
        Role::Agent => 1,
        Role::Customer => 2,
        Role::Other => 4,
    }
}

/// The bits of the roles whose turns a rule's phrases are looked for in.
fn roles_of(rule: &Rule) -> u8 {
    [Role::Agent, Role::Customer, Role::Other]
        .into_iter()
        .filter(|&r| rule.applies_in(r))
        .fold(0, |m, r| m | role_bit(r))
}

/// Marks the start of each sentence in the text the explicit patterns run over.
const SENTENCE_START: &str = "\u{b6}";

impl Scanner {
    /// Compile the phrases of every rule, the signals and the context frames. One scanner serves every profile:
    /// the rules stage skips hits of rules that do not run in the call's profile.
    ///
    /// # Errors
    /// A message when a phrase, a pattern or the vocabulary cannot be compiled (the lexicon loader has already
    /// rejected bad phrases and patterns, so this is not expected with a validated lexicon).
    pub fn new(lex: &Lexicon) -> Result<Scanner, String> {
        let mut vocab = Vocab::default();
        let mut pending: Vec<(Vec<Part>, Target)> = Vec::new();
        let mut regexes = Vec::new();
        for (i, r) in lex.rules.iter().enumerate() {
            let t = Target::Rule(i as u32);
            for p in &r.phrases {
                pending.push((vocab.parts(p)?, t));
            }
            for p in &r.patterns {
                regexes.push((Regex::new(p).map_err(|e| e.to_string())?, t, roles_of(r)));
            }
        }
        for s in &lex.signals {
            if let Some(i) = signal_index(&s.name) {
                for p in &s.phrases {
                    pending.push((vocab.parts(p)?, Target::Signal(i)));
                }
            }
        }
        let c = &lex.context;
        for (list, t) in [
            (&c.reporters, Target::Reporter),
            (&c.agent_echo, Target::Echo),
            (&c.hedges, Target::Hedge),
            (&c.question_openers, Target::QuestionOpener),
            (&c.pseudo_negations, Target::PseudoNegation),
        ] {
            for p in list {
                pending.push((vocab.parts(p)?, t));
            }
        }
        // Every common word gets an index, so `{name}` can tell it from a name even when no phrase uses it.
        let common: Common = COMMON.iter().map(|w| vocab.id(w)).collect();
        let mut common_ids: Vec<u32> = common.iter().copied().collect();
        common_ids.sort_unstable();
        let mut phrases = Vec::with_capacity(pending.len());
        for (parts, t) in pending {
            anchored(parts, t, &common, &mut phrases);
        }
        let mut by_word = vec![KeyIndexBuilder::default(); vocab.words.len()];
        let mut by_start = KeyIndexBuilder::default();
        let (mut by_digit, mut by_any) = (Vec::new(), Vec::new());
        for (i, ph) in phrases.iter().enumerate() {
            let next = edge_mask(ph.parts.get(ph.anchor + 1), false);
            let prev = edge_mask(ph.anchor.checked_sub(1).and_then(|a| ph.parts.get(a)), true);
            for (r, run) in ph.parts[ph.anchor].alts.iter().enumerate() {
                let (key, offset) = run_key(run, &common);
                let len = run.iter().filter(|i| **i != Item::Start).count();
                let too_long = |_| format!("a phrase of {} alternatives or words is too long to index", run.len());
                let e = Entry {
                    phrase: i as u32,
                    run: u16::try_from(r).map_err(too_long)?,
                    offset: u16::try_from(offset).map_err(too_long)?,
                    len: u16::try_from(len).map_err(too_long)?,
                    roles: match ph.target {
                        Target::Rule(ri) => roles_of(&lex.rules[ri as usize]),
                        _ => u8::MAX,
                    },
                    next,
                    prev,
                };
                let index = match key {
                    Key::Word(w) => &mut by_word[w as usize],
                    Key::Start => &mut by_start,
                    Key::Digit => {
                        by_digit.push(e);
                        continue;
                    }
                    Key::Any => {
                        by_any.push(e);
                        continue;
                    }
                };
                index.add(guard(ph, run, offset, len as u32), e);
            }
        }
        let by_word: Vec<KeyIndex> = by_word.into_iter().map(KeyIndexBuilder::build).collect();
        let by_start = by_start.build();
        let vocab = vocab.words.into_iter().enumerate().map(|(i, w)| (w.into_boxed_str(), i as u32)).collect();
        Ok(Scanner {
            vocab,
            phrases,
            by_word,
            by_digit,
            by_start,
            by_any,
            common: common_ids,
            regexes,
            negators: c.negators.iter().map(|s| s.to_lowercase()).collect(),
            bridge: c.negation_bridge.iter().map(|s| s.to_lowercase()).collect(),
            negation_window: c.negation_window,
        })
    }

    /// Whether a normalised word is a negator.
    pub fn is_negator(&self, w: &str) -> bool {
        self.negators.contains(w)
    }

    /// Whether a normalised word carries a negation forward.
    pub fn is_bridge(&self, w: &str) -> bool {
        self.bridge.contains(w)
    }

    /// A token's index in the vocabulary, or [`NONE`].
    fn word_id(&self, w: &str) -> u32 {
        self.vocab.get(w).copied().unwrap_or(NONE)
    }

    /// Every match in a tokenized turn of a speaker in `role`, in order of start, within one sentence each. A
    /// rule's phrases are looked for only in the turns where they can count ([`Rule::applies_in`]); signals and
    /// context frames in every turn.
    pub fn scan(&self, tt: &TurnTokens, role: Role) -> Vec<Hit> {
        let toks = &tt.tokens;
        if toks.is_empty() {
            return Vec::new();
        }
        // Room for a hit every other token, about what speech gives (one per 1.9 tokens in the generated archive,
        // one per 2.4 in support dialogues): most turns allocate once instead of growing from empty.
        let mut hits = Vec::with_capacity(toks.len() / 2 + 4);
        let words: Vec<u32> = toks.iter().map(|t| self.word_id(tt.norm(t))).collect();
        let mut m = Matching {
            tt,
            toks,
            words: &words,
            common: &self.common,
            lo: 0,
            hi: 0,
            ends: Vec::new(),
            starts: Vec::new(),
            tmp: Vec::new(),
            role: role_bit(role),
        };
        while m.lo < toks.len() {
            let sentence = toks[m.lo].sentence;
            m.hi = m.lo + toks[m.lo..].iter().take_while(|t| t.sentence == sentence).count();
            for pos in m.lo..m.hi {
                if pos == m.lo {
                    m.try_index(&self.by_start, &self.phrases, pos, &mut hits);
                }
                if let Some(index) = self.by_word.get(words[pos] as usize) {
                    if !index.is_empty() {
                        m.try_index(index, &self.phrases, pos, &mut hits);
                    }
                }
                if tt.norm(&toks[pos]).as_bytes().first().is_some_and(u8::is_ascii_digit) {
                    for e in &self.by_digit {
                        m.try_entry(&self.phrases[e.phrase as usize], e, pos, &mut hits);
                    }
                }
                for e in &self.by_any {
                    m.try_entry(&self.phrases[e.phrase as usize], e, pos, &mut hits);
                }
            }
            m.lo = m.hi;
        }
        if !self.regexes.is_empty() {
            self.scan_patterns(tt, role_bit(role), &mut hits);
        }
        hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.target));
        hits.dedup();
        hits
    }

    /// The explicit patterns, run over the tokens' normal forms joined by spaces, with a mark at each sentence
    /// start; a match counts when it starts and ends on token boundaries within one sentence.
    fn scan_patterns(&self, tt: &TurnTokens, role: u8, hits: &mut Vec<Hit>) {
        let toks = &tt.tokens;
        let mut norm = String::with_capacity(toks.iter().map(|t| tt.norm(t).len() + 1).sum::<usize>() + 1);
        let mut pos = Vec::with_capacity(toks.len());
        norm.push(' ');
        let mut sentence = u32::MAX;
        for t in toks {
            if t.sentence != sentence {
                norm.push_str(SENTENCE_START);
                norm.push(' ');
                sentence = t.sentence;
            }
            pos.push(norm.len());
            norm.push_str(tt.norm(t));
            norm.push(' ');
        }
        // Token index whose text starts at byte `b` of `norm` (or the first token after `b`).
        let tok_at = |b: usize| pos.partition_point(|&p| p < b);
        for (re, t, _) in self.regexes.iter().filter(|(_, _, roles)| roles & role != 0) {
            for m in re.find_iter(&norm) {
                let s = m.start() + usize::from(norm.as_bytes().get(m.start()) == Some(&b' '));
                let e =
                    if m.end() > s && norm.as_bytes().get(m.end() - 1) == Some(&b' ') { m.end() - 1 } else { m.end() };
                let (first, last_excl) = (tok_at(s), tok_at(e));
                if first >= last_excl || last_excl > toks.len() || toks[first].sentence != toks[last_excl - 1].sentence
                {
                    continue;
                }
                hits.push(Hit {
                    target: *t,
                    tok_start: first,
                    tok_end: last_excl,
                    start: toks[first].start,
                    end: toks[last_excl - 1].end,
                });
            }
        }
    }
}

/// The state of matching one sentence: its bounds and scratch space reused from phrase to phrase.
struct Matching<'a> {
    tt: &'a TurnTokens,
    toks: &'a [Token],
    words: &'a [u32],
    /// The commonest words of speech, sorted (`{name}` is none of them).
    common: &'a [u32],
    /// The sentence's first token.
    lo: usize,
    /// One past its last token.
    hi: usize,
    ends: Vec<usize>,
    starts: Vec<usize>,
    tmp: Vec<usize>,
    /// The turn's speaker, as a [`role_bit`].
    role: u8,
}

impl Matching<'_> {
    fn item_at(&self, item: Item, pos: usize) -> bool {
        // A word is compared by its index; only slots look at the token's text.
        if let Item::Word(id) = item {
            return self.words[pos] == id;
        }
        let norm = self.tt.norm(&self.toks[pos]);
        let w = norm.as_bytes();
        let all_digits = |b: &[u8]| !b.is_empty() && b.iter().all(u8::is_ascii_digit);
        match item {
            Item::Word(_) | Item::Start => false,
            Item::Number => is_number(w),
            Item::Hour => w.len() <= 2 && all_digits(w),
            Item::Minutes => w.len() == 2 && all_digits(w),
            Item::HourAmPm => {
                (3..=4).contains(&w.len())
                    && (w.ends_with(b"am") || w.ends_with(b"pm"))
                    && all_digits(&w[..w.len() - 2])
            }
            Item::Any => norm.chars().next().is_some_and(char::is_alphabetic),
            Item::Name => {
                norm.chars().next().is_some_and(char::is_alphabetic)
                    && self.common.binary_search(&self.words[pos]).is_err()
            }
        }
    }

    /// Where a run that starts at `pos` ends, if it matches there.
    fn forward(&self, run: &[Item], mut pos: usize) -> Option<usize> {
        for &item in run {
            if item == Item::Start {
                if pos != self.lo {
                    return None;
                }
            } else if pos < self.hi && self.item_at(item, pos) {
                pos += 1;
            } else {
                return None;
            }
        }
        Some(pos)
    }

    /// Where a run that ends just before `pos` starts, if it matches there.
    fn backward(&self, run: &[Item], mut pos: usize) -> Option<usize> {
        for &item in run.iter().rev() {
            if item == Item::Start {
                if pos != self.lo {
                    return None;
                }
            } else if pos > self.lo && self.item_at(item, pos - 1) {
                pos -= 1;
            } else {
                return None;
            }
        }
        Some(pos)
    }

    /// The entries of a key found at `pos`: the loose ones, and the guarded ones whose guard word is in place.
    fn try_index(&mut self, index: &KeyIndex, phrases: &[Phrase], pos: usize, hits: &mut Vec<Hit>) {
        for &(d, from, to, mask) in &index.distances {
            let at = pos as isize + d as isize;
            if at < self.lo as isize || at >= self.hi as isize {
                continue;
            }
            let x = self.words[at as usize];
            if mask & (1 << (x % 64)) == 0 {
                continue;
            }
            let group = &index.guarded[from as usize..to as usize];
            let first = group.partition_point(|&(w, _)| w < x);
            for (_, e) in group[first..].iter().take_while(|&&(w, _)| w == x) {
                self.try_entry(&phrases[e.phrase as usize], e, pos, hits);
            }
        }
        for e in &index.loose {
            self.try_entry(&phrases[e.phrase as usize], e, pos, hits);
        }
    }

    /// A hit on tokens `s..e`.
    fn hit(&self, target: Target, s: usize, e: usize) -> Hit {
        Hit { target, tok_start: s, tok_end: e, start: self.toks[s].start, end: self.toks[e - 1].end }
    }

    /// Every span of `ph` in which run `e.run` of its anchor part has its key at `pos`.
    fn try_entry(&mut self, ph: &Phrase, e: &Entry, pos: usize, hits: &mut Vec<Hit>) {
        if e.roles & self.role == 0 {
            return;
        }
        let Some(start) = pos.checked_sub(e.offset as usize).filter(|&s| s >= self.lo) else { return };
        let bit = |at: usize| 1u64 << (self.words[at] % 64);
        if e.next != u64::MAX {
            let after = start + e.len as usize;
            if after >= self.hi || e.next & bit(after) == 0 {
                return;
            }
        }
        if e.prev != u64::MAX && (start == self.lo || e.prev & bit(start - 1) == 0) {
            return;
        }
        let Some(end) = self.forward(&ph.parts[ph.anchor].alts[e.run as usize], start) else { return };
        if ph.parts.len() == 1 {
            // The anchor is the whole phrase: one span, without the sets of places the other parts need.
            if end > start {
                hits.push(self.hit(ph.target, start, end));
            }
            return;
        }
        let (mut ends, mut starts, mut tmp) =
            (std::mem::take(&mut self.ends), std::mem::take(&mut self.starts), std::mem::take(&mut self.tmp));
        if self.reach(&ph.parts[ph.anchor + 1..], false, end, &mut ends, &mut tmp)
            && self.reach(&ph.parts[..ph.anchor], true, start, &mut starts, &mut tmp)
        {
            for &s in &starts {
                for &e in ends.iter().filter(|&&e| e > s) {
                    hits.push(self.hit(ph.target, s, e));
                }
            }
        }
        (self.ends, self.starts, self.tmp) = (ends, starts, tmp);
    }

    /// The places `parts` can reach from `pos`, rightwards (where the last part can end) or leftwards (where the
    /// first part can start), into `set`; false when the parts do not match at all.
    fn reach(&self, parts: &[Part], leftwards: bool, pos: usize, set: &mut Vec<usize>, tmp: &mut Vec<usize>) -> bool {
        set.clear();
        set.push(pos);
        for i in 0..parts.len() {
            let part = if leftwards { &parts[parts.len() - 1 - i] } else { &parts[i] };
            tmp.clear();
            if let Some(w) = part.single {
                // One word: each place moves one token on when that word is there.
                for &at in set.iter() {
                    let next = if leftwards {
                        at.checked_sub(1).filter(|&i| i >= self.lo && self.words[i] == w)
                    } else {
                        Some(at + 1).filter(|_| at < self.hi && self.words[at] == w)
                    };
                    if let Some(n) = next.filter(|n| !tmp.contains(n)) {
                        tmp.push(n);
                    }
                }
                std::mem::swap(set, tmp);
                if set.is_empty() {
                    return false;
                }
                continue;
            }
            for &at in set.iter() {
                let w = if leftwards { at.checked_sub(1) } else { Some(at) };
                let w = w.filter(|&i| i >= self.lo && i < self.hi).map_or(NONE, |i| self.words[i]);
                for run in part.runs_with(w, leftwards) {
                    let next = if leftwards { self.backward(run, at) } else { self.forward(run, at) };
                    if let Some(n) = next.filter(|n| !tmp.contains(n)) {
                        tmp.push(n);
                    }
                }
            }
            std::mem::swap(set, tmp);
            if set.is_empty() {
                return false;
            }
        }
        true
    }
}

/// `\d[\d,]*(\.\d+)?`, the whole token: what `{amount}` takes as a number.
fn is_number(w: &[u8]) -> bool {
    let (int, frac) = match w.iter().position(|&c| c == b'.') {
        Some(i) => (&w[..i], Some(&w[i + 1..])),
        None => (w, None),
    };
    int.first().is_some_and(u8::is_ascii_digit)
        && int.iter().all(|c| c.is_ascii_digit() || *c == b',')
        && frac.is_none_or(|f| !f.is_empty() && f.iter().all(u8::is_ascii_digit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Kind;
    use crate::lexicon::{ContextWords, Signal};
    use crate::tokenize::tokenize;

    fn scanner(phrases: &[&str]) -> Scanner {
        let lex = Lexicon {
            signals: vec![Signal {
                name: "filler".into(),
                phrases: phrases.iter().map(|p| p.to_string()).collect(),
                origin: "test".into(),
            }],
            context: ContextWords::default(),
            ..Lexicon::default()
        };
        Scanner::new(&lex).unwrap()
    }

    #[test]
    fn a_rule_s_phrases_are_looked_for_only_in_turns_where_they_can_count() {
        let lex = crate::lexicon::load_builtin().expect("built-in lexicons");
        let sc = Scanner::new(&lex).expect("compiles");
        let found = |text: &str, role: Role| -> Vec<(Kind, &str)> {
            sc.scan(&tokenize(text), role)
                .iter()
                .filter_map(|h| match h.target {
                    Target::Rule(i) => Some((lex.rules[i as usize].kind(), lex.rules[i as usize].category.as_str())),
                    _ => None,
                })
                .collect()
        };
        // An empathy credit is the agent's: in the customer's mouth the phrase is not looked for.
        let sorry = "I am so sorry to hear that.";
        assert!(found(sorry, Role::Agent).contains(&(Kind::Credit, "empathy")));
        assert!(!found(sorry, Role::Customer).iter().any(|(k, _)| *k == Kind::Credit));
        // A hardship cue is the customer's.
        let job = "I lost my job last month.";
        assert!(found(job, Role::Customer).contains(&(Kind::Cue, "hardship")));
        assert!(!found(job, Role::Agent).iter().any(|(k, _)| *k == Kind::Cue));
        // A threat the customer may allege is looked for in both turns.
        let court = "We will take you to court.";
        assert!(found(court, Role::Agent).contains(&(Kind::Finding, "pressure")));
        assert!(found(court, Role::Customer).contains(&(Kind::Finding, "pressure")));
        // The customer's reported speech and questions about a threat are still found in the customer's turn,
        // for the rules stage to turn into an allegation or a question cue.
        for said in ["Your colleague said you would take me to court.", "Are you going to take me to court?"] {
            assert!(found(said, Role::Customer).contains(&(Kind::Finding, "pressure")), "{said}");
        }
        // An empathy credit the customer denies ("nobody said sorry to hear that") is not looked for either.
        assert!(!found("Nobody ever said sorry to hear that.", Role::Customer).iter().any(|(k, _)| *k == Kind::Credit));
        // A third party on the line may be a speaker the reader could not place.
        let away = "She is not here at the moment.";
        assert!(found(away, Role::Other).contains(&(Kind::Cue, "third-party")));
        assert!(!found(away, Role::Agent).iter().any(|(k, _)| *k == Kind::Cue));
    }

    /// The matched spans as the words they cover.
    fn spans(sc: &Scanner, text: &str) -> Vec<String> {
        let tt = tokenize(text);
        sc.scan(&tt, Role::Agent).iter().map(|h| text[h.start..h.end].to_string()).collect()
    }

    /// The spans the phrases' expanded variants cover, found by brute force: what the scanner must agree with.
    fn reference(phrases: &[&str], text: &str) -> Vec<(usize, usize)> {
        let tt = tokenize(text);
        let toks = &tt.tokens;
        let mut out = Vec::new();
        for p in phrases {
            for v in expand_phrase(p).unwrap() {
                let words: Vec<String> =
                    normalise_phrase(&v).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
                if words.is_empty() {
                    continue;
                }
                for s in 0..toks.len() {
                    let e = s + words.len();
                    if e <= toks.len()
                        && toks[s..e].iter().zip(&words).all(|(t, w)| tt.norm(t) == w)
                        && toks[s].sentence == toks[e - 1].sentence
                    {
                        out.push((toks[s].start, toks[e - 1].end));
                    }
                }
            }
        }
        out.sort_by_key(|&(s, e)| (s, std::cmp::Reverse(e)));
        out.dedup();
        out
    }

    #[test]
    fn finds_every_variant_of_a_phrase_without_expanding_it() {
        let sc = scanner(&["(we will|we're going to) sue you( today|)"]);
        assert_eq!(
            spans(&sc, "Pay now or we're going to sue you today."),
            ["we're going to sue you today", "we're going to sue you"]
        );
        assert_eq!(spans(&sc, "We will sue you"), ["We will sue you"]);
        assert!(spans(&sc, "we will pursue you").is_empty(), "words match whole");
        assert!(spans(&sc, "we will. Sue you").is_empty(), "never across a sentence end");
    }

    #[test]
    fn groups_inside_words_and_contractions() {
        let sc = scanner(&["threat(en|ened|ening) to (sue|arrest)", "(can't|won't) help"]);
        assert_eq!(spans(&sc, "they threatened to arrest me"), ["threatened to arrest"]);
        assert_eq!(spans(&sc, "I cannot help"), ["cannot help"], "the text's contraction is expanded as the phrase's");
        assert_eq!(spans(&sc, "I can not help"), ["can not help"]);
        assert!(spans(&sc, "I could not help").is_empty());
        assert_eq!(spans(&sc, "we won't help"), ["won't help"]);
    }

    #[test]
    fn a_phrase_of_optional_parts_still_matches_each_way() {
        let sc = scanner(&["(please|) (kindly|)", "(right|) now"]);
        assert_eq!(spans(&sc, "please kindly"), ["please kindly", "please", "kindly"]);
        assert_eq!(spans(&sc, "right now"), ["right now", "now"]);
    }

    #[test]
    fn slots_match_amounts_times_and_sentence_starts() {
        let sc = scanner(&["pay {amount} by {time}", "{start} you need to"]);
        assert_eq!(spans(&sc, "You must pay 1,200.50 dollars by 5pm."), ["pay 1,200.50 dollars by 5pm"]);
        assert_eq!(spans(&sc, "pay 300 by 3 30 pm"), ["pay 300 by 3 30 pm", "pay 300 by 3 30", "pay 300 by 3"]);
        assert_eq!(spans(&sc, "pay 300 by the end of the week"), ["pay 300 by the end of the week"]);
        assert!(spans(&sc, "pay 3x by friday").is_empty());
        assert_eq!(spans(&sc, "OK. You need to call"), ["You need to"]);
        assert!(spans(&sc, "so you need to call").is_empty(), "{{start}} only at a sentence start");
    }

    #[test]
    fn a_word_slot_takes_any_one_word_but_not_a_number() {
        let sc = scanner(&["this is {word}( {word}|) calling from", "if you do not {word}( {word}|) we will"]);
        assert_eq!(spans(&sc, "Hi, this is Ana Silva calling from Crestline"), ["this is Ana Silva calling from"]);
        assert_eq!(spans(&sc, "this is Ana calling from"), ["this is Ana calling from"]);
        assert!(spans(&sc, "this is 26 calling from").is_empty());
        assert!(spans(&sc, "this is calling from").is_empty(), "the slot needs a word");
        assert_eq!(spans(&sc, "if you do not pay today we will"), ["if you do not pay today we will"]);
        let sc = scanner(&["i am {name}( {name}|) with {name}"]);
        assert_eq!(spans(&sc, "Hi, I'm Sam Okafor with Northfield"), ["I'm Sam Okafor with Northfield"]);
        assert!(spans(&sc, "I'm right with you").is_empty(), "common words are not names");
        assert!(spans(&sc, "I am fine with that").is_empty());
    }

    #[test]
    fn odd_tokens_do_not_panic() {
        let sc = scanner(&["{amount}", "{time}", "sue"]);
        for text in ["'", "''' 5", "1.", ".5", "12am 99 pm", "\u{b6} sue \u{b6}", ""] {
            let _ = spans(&sc, text);
        }
        assert_eq!(spans(&sc, "1,000 pounds"), ["1,000 pounds", "1,000"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        /// The built-in lexicons over text made of their own awkward corners: slots, contractions, lone
        /// apostrophes, numbers, sentence ends. Every hit lies on whole tokens of one sentence.
        #[test]
        fn builtin_hits_stay_inside_one_sentence(
            words in proptest::collection::vec(
                proptest::sample::select(vec!["you", "will", "be", "sued", "arrested", "'", "''", "n't", "won't",
                    "5pm", "1,200.50", "dollars", "by", "friday", "this", "is", "Ana", "calling", "from", ".", "?",
                    "if", "do", "not", "pay", "we", "i", "am", "sorry", "to", "hear", "that", "\u{b6}", "3", "30",
                    "pm", "end", "of", "the", "week", "my", "lawyer", "\u{2019}s"]),
                0..40,
            )
        ) {
            static BUILTIN: std::sync::OnceLock<Scanner> = std::sync::OnceLock::new();
            let sc = BUILTIN.get_or_init(|| Scanner::new(&crate::lexicon::load_builtin().unwrap()).unwrap());
            let text = words.join(" ");
            let tt = tokenize(&text);
            for h in sc.scan(&tt, Role::Agent) {
                proptest::prop_assert!(h.tok_start < h.tok_end && h.tok_end <= tt.tokens.len());
                proptest::prop_assert_eq!(tt.tokens[h.tok_start].sentence, tt.tokens[h.tok_end - 1].sentence);
                proptest::prop_assert_eq!((h.start, h.end), (tt.tokens[h.tok_start].start, tt.tokens[h.tok_end - 1].end));
            }
        }

        #[test]
        fn agrees_with_expanding_every_variant(
            words in proptest::collection::vec(
                proptest::sample::select(vec!["we", "will", "won't", "sue", "you", "today", "are", "going", "to",
                    "not", "pay", "now", ".", "please", "right", "threaten", "threatened", "?"]),
                0..24,
            )
        ) {
            let phrases = [
                "(we will|we're going to|we are going to) sue you( today|)",
                "(you|) (will|won't) (pay|sue)",
                "threat(en|ened) to sue",
                "(please|) pay (right|) now",
                "to (not|) pay",
            ];
            let text = words.join(" ");
            let sc = scanner(&phrases);
            let tt = tokenize(&text);
            let mut got: Vec<(usize, usize)> = sc.scan(&tt, Role::Agent).iter().map(|h| (h.start, h.end)).collect();
            got.dedup();
            proptest::prop_assert_eq!(got, reference(&phrases, &text));
        }
    }
}
