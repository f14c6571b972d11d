//! match: every lexicon phrase of a profile compiled into one Aho-Corasick automaton, matched on token boundaries
//! over a turn's normalised text; regexes only for phrases with slots and for explicit patterns.
//!
//! The normalised text is the turn's tokens joined by single spaces with a space at each end, and every pattern is
//! `" " + phrase + " "`, so a match always starts and ends on a word boundary ("sue" never matches in "pursue").
//! Matching is overlapping: the context stage needs the reporting frame ("they threatened to") *and* the threat
//! inside it, and the rules stage picks the longest of overlapping phrases itself.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::Regex;

use crate::lexicon::{expand_phrase, normalise_phrase, Lexicon, SIGNALS};
use crate::tokenize::TurnTokens;

/// What a pattern stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A rule, by index into `Lexicon::rules`.
    Rule(u32),
    /// A signal, by index into [`SIGNALS`].
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

/// The compiled matcher for one lexicon and profile. Build once, share read-only across threads.
#[derive(Clone, Debug)]
pub struct Scanner {
    ac: AhoCorasick,
    targets: Vec<Target>,
    regexes: Vec<(Regex, Target)>,
    negators: HashSet<String>,
    bridge: HashSet<String>,
    /// How many words before a hit a negator may stand.
    pub negation_window: usize,
}

/// Marks the start of each sentence in the normalised text.
const SENTENCE_START: &str = "\u{b6}";

const AMOUNT: &str = r"\d[\d,]*(?:\.\d+)?(?: (?:dollars|dollar|pounds|pound|quid|bucks|pence|cents|usd|gbp|grand))?";
const TIME: &str = r"(?:\d{1,2}(?: \d\d)?(?: (?:am|pm|a m|p m|o'clock|oclock))?|\d{1,2}(?:am|pm)|today|tonight|tomorrow|(?:this|tomorrow) (?:morning|afternoon|evening)|monday|tuesday|wednesday|thursday|friday|saturday|sunday|(?:the )?end of (?:the )?(?:day|week|month)|close of business|noon|midday|midnight)";

fn slot_regex(norm: &str) -> String {
    let mut re = String::from(r"(?:^| )");
    for (i, w) in norm.split(' ').enumerate() {
        if i > 0 {
            re.push(' ');
        }
        match w {
            "{amount}" => re.push_str(AMOUNT),
            "{time}" => re.push_str(TIME),
            "{start}" => re.push_str(SENTENCE_START),
            w => re.push_str(&regex::escape(w)),
        }
    }
    re.push_str(r"(?: |$)");
    re
}

/// The largest phrase list (in bytes, all variants) compiled as a full DFA: about 8 MB of tables per profile.
const DFA_MAX_PATTERN_BYTES: usize = 50_000;

impl Scanner {
    /// Compile the phrases of every rule, the signals and the context frames. One automaton serves every
    /// profile: the rules stage skips hits of rules that do not run in the call's profile, which costs far less
    /// than compiling hundreds of thousands of phrases once per profile.
    ///
    /// # Errors
    /// A message when the automaton or a regex cannot be built (the lexicon loader has already rejected bad
    /// phrases and patterns, so this is not expected with a validated lexicon).
    pub fn new(lex: &Lexicon) -> Result<Scanner, String> {
        // Duplicate patterns are fine: each keeps its own target, and `scan` removes duplicate hits. Not
        // deduplicating here saves hashing hundreds of thousands of strings at start-up.
        let mut patterns: Vec<String> = Vec::new();
        let mut targets: Vec<Target> = Vec::new();
        let mut regexes = Vec::new();
        let mut add = |phrase: &str, t: Target, regexes: &mut Vec<(Regex, Target)>| -> Result<(), String> {
            for v in expand_phrase(phrase)? {
                let n = normalise_phrase(&v);
                if n.is_empty() {
                    continue;
                }
                if n.contains('{') {
                    let re = Regex::new(&slot_regex(&n)).map_err(|e| e.to_string())?;
                    regexes.push((re, t));
                    continue;
                }
                patterns.push(format!(" {n} "));
                targets.push(t);
            }
            Ok(())
        };
        for (i, r) in lex.rules.iter().enumerate() {
            let t = Target::Rule(i as u32);
            for p in &r.phrases {
                add(p, t, &mut regexes)?;
            }
            for p in &r.patterns {
                regexes.push((Regex::new(p).map_err(|e| e.to_string())?, t));
            }
        }
        for s in &lex.signals {
            if let Some(i) = SIGNALS.iter().position(|n| *n == s.name) {
                for p in &s.phrases {
                    add(p, Target::Signal(i as u8), &mut regexes)?;
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
                add(p, t, &mut regexes)?;
            }
        }
        // A full DFA makes the overlapping search one table lookup per byte (with the tokenizer it dominated the
        // profile), but its size grows with states x byte classes: about 160 bytes per pattern byte here. Small
        // lexicons get the DFA; large ones a noncontiguous NFA, quick to build and compact. Either way the
        // matches are the same.
        let pattern_bytes: usize = patterns.iter().map(String::len).sum();
        let kind = if pattern_bytes <= DFA_MAX_PATTERN_BYTES {
            AhoCorasickKind::DFA
        } else {
            AhoCorasickKind::NoncontiguousNFA
        };
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(kind))
            .build(&patterns)
            .map_err(|e| e.to_string())?;
        Ok(Scanner {
            ac,
            targets,
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

    /// Every match in a tokenized turn, in order of start, within one sentence each.
    pub fn scan(&self, tt: &TurnTokens) -> Vec<Hit> {
        let toks = &tt.tokens;
        let mut hits = Vec::new();
        if toks.is_empty() {
            return hits;
        }
        let mut norm = String::with_capacity(toks.iter().map(|t| t.norm.len() + 1).sum::<usize>() + 1);
        let mut pos = Vec::with_capacity(toks.len());
        norm.push(' ');
        let mut sentence = u32::MAX;
        for t in toks {
            if t.sentence != sentence {
                // A sentence-start mark that is not a token: `{start}` in a phrase matches it, and no literal
                // phrase can contain it, so phrases never run across a sentence end.
                norm.push_str(SENTENCE_START);
                norm.push(' ');
                sentence = t.sentence;
            }
            pos.push(norm.len());
            norm.push_str(&t.norm);
            norm.push(' ');
        }
        // Token index whose text starts at byte `b` of `norm` (or the first token after `b`).
        let tok_at = |b: usize| pos.partition_point(|&p| p < b);
        let mut push = |s: usize, e: usize, t: Target| {
            let first = tok_at(s);
            let last_excl = tok_at(e);
            if first >= last_excl || last_excl > toks.len() {
                return;
            }
            if toks[first].sentence != toks[last_excl - 1].sentence {
                return;
            }
            hits.push(Hit {
                target: t,
                tok_start: first,
                tok_end: last_excl,
                start: toks[first].start,
                end: toks[last_excl - 1].end,
            });
        };
        for m in self.ac.find_overlapping_iter(&norm) {
            // The pattern's spaces: the match covers " phrase ", so its words run from start+1 to end-1.
            push(m.start() + 1, m.end() - 1, self.targets[m.pattern().as_usize()]);
        }
        for (re, t) in &self.regexes {
            for m in re.find_iter(&norm) {
                let s = m.start() + usize::from(norm.as_bytes().get(m.start()) == Some(&b' '));
                let e =
                    if m.end() > s && norm.as_bytes().get(m.end() - 1) == Some(&b' ') { m.end() - 1 } else { m.end() };
                push(s, e, *t);
            }
        }
        hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.target));
        hits.dedup();
        hits
    }
}
