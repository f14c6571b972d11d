//! context: judge each rule hit in its surroundings: negated, reported, echoed, a question, quoted, hedged.
//!
//! The decision is data ([`Context`]), not a silent drop: the rules stage acts on it and `--explain-matches`
//! shows it, so "why was this (not) flagged?" always has an answer.

use crate::matcher::{Hit, Scanner, Target};
use crate::tokenize::TurnTokens;

/// How a hit stands in its turn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// A negator governs the hit ("nobody is going to arrest you").
    pub negated: bool,
    /// A reporting frame precedes it in the sentence ("they said you'd take my house").
    pub reported: bool,
    /// An agent echo frame precedes it ("you're saying someone told you you'd be arrested?").
    pub echoed: bool,
    /// Its sentence is a question.
    pub question: bool,
    /// It stands inside quotation marks.
    pub quoted: bool,
    /// A hedge precedes it in its clause ("the creditor may take legal action").
    pub hedged: bool,
}

impl Context {
    /// A short description of the decisions, for notes and debugging (`negated, hedged`).
    pub fn describe(&self) -> String {
        let mut v = Vec::new();
        for (flag, name) in [
            (self.negated, "negated"),
            (self.reported, "reported speech"),
            (self.echoed, "agent echo"),
            (self.question, "question"),
            (self.quoted, "quoted"),
            (self.hedged, "hedged"),
        ] {
            if flag {
                v.push(name);
            }
        }
        v.join(", ")
    }
}

/// Judge one hit of a tokenized turn, given all the hits of that turn (frames are hits too).
pub fn judge(scanner: &Scanner, tt: &TurnTokens, hits: &[Hit], hit: &Hit) -> Context {
    let toks = &tt.tokens;
    let Some(first) = toks.get(hit.tok_start) else {
        return Context::default();
    };
    let sentence = first.sentence;
    let clause = first.clause;

    let mut negated = false;
    // A negator reaches across "or"/"nor" to the next item of a list: "won't go without food or miss your rent"
    // negates both. Past the conjunction, up to COORDINATED content words may stand between.
    const COORDINATED: usize = 4;
    let mut spare = 0;
    let lo = hit.tok_start.saturating_sub(scanner.negation_window + COORDINATED);
    for k in (lo..hit.tok_start).rev() {
        let t = &toks[k];
        if t.sentence != sentence || t.clause != clause {
            break;
        }
        if hit.tok_start - k > scanner.negation_window + spare {
            break;
        }
        // Not "don't ignore this or we'll sue you": an "or" before a new subject is "otherwise", a consequence.
        let next = toks.get(k + 1).map(|n| tt.norm(n)).unwrap_or("");
        let new_subject = matches!(next, "i" | "we" | "you" | "they" | "he" | "she" | "it" | "there" | "else" | "this");
        if matches!(tt.norm(t), "or" | "nor") && spare == 0 && !new_subject {
            spare = COORDINATED;
            continue;
        }
        // "no we will sue you" in unpunctuated speech: a "no" before a subject answers what came before (an
        // interjection); it negates nothing after it. "no one", "no plans to", "no way" stay negators.
        if tt.norm(t) == "no"
            && matches!(next, "i" | "we" | "you" | "they" | "he" | "she" | "it" | "that" | "this" | "your")
        {
            break;
        }
        if scanner.is_negator(tt.norm(t)) {
            // "why don't you", "not only": the negator belongs to a fixed phrase and negates nothing after it.
            let pseudo = hits.iter().any(|h| h.target == Target::PseudoNegation && h.tok_start <= k && k < h.tok_end);
            if !pseudo {
                negated = true;
                break;
            }
            continue;
        }
        if !scanner.is_bridge(tt.norm(t)) {
            if spare > 0 && hit.tok_start - k <= scanner.negation_window + spare {
                continue;
            }
            break;
        }
    }

    let before = |target: Target, same_clause: bool| {
        hits.iter().any(|h| {
            h.target == target
                && h.tok_start < hit.tok_start
                && h.tok_end <= hit.tok_end
                && toks[h.tok_start].sentence == sentence
                && (!same_clause || toks[h.tok_start].clause == clause)
        })
    };
    let reported = before(Target::Reporter, false);
    let echoed = before(Target::Echo, false);
    let hedged = before(Target::Hedge, true);

    let question = tt.questions.get(sentence as usize).copied().unwrap_or(false)
        || (!tt.punctuated
            && hits.iter().any(|h| {
                h.target == Target::QuestionOpener
                    && toks[h.tok_start].sentence == sentence
                    // At the start of the sentence, or after a word or two of filler ("okay um am I...").
                    && sentence_start(toks, h.tok_start) + 3 > h.tok_start
            }));
    let quoted = tt.quoted.iter().any(|&(a, b)| hit.start >= a && hit.end <= b);
    Context { negated, reported, echoed, question, quoted, hedged }
}

/// The index of the first token of the sentence holding token `k`.
fn sentence_start(toks: &[crate::tokenize::Token], k: usize) -> usize {
    let s = toks[k].sentence;
    let mut i = k;
    while i > 0 && toks[i - 1].sentence == s {
        i -= 1;
    }
    i
}
