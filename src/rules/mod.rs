//! rules: from hits in context to findings, cues and credits; then the conversation rules over the turns.
//!
//! Two families: lexical rules (declared by phrases in `lexicons/`, judged here by speaker and
//! [`Context`](crate::context::Context)) and window rules (declared in `lexicons/window.toml` with
//! `engine = "..."`, their logic in the modules below: [`empathy`], [`requests`], [`vulnerability`], [`disclosure`],
//! [`affordability`], [`conduct`], [`shouting`]). Both produce [`Item`]s with a code from the catalog.

pub mod affordability;
pub mod conduct;
pub mod disclosure;
pub mod empathy;
pub mod requests;
pub mod shouting;
pub mod vulnerability;

use std::collections::HashMap;
use std::sync::Arc;

use crate::call::{Call, Role};
use crate::context::judge;
use crate::finding::{Category, Item, Kind, Severity};
use crate::lexicon::{signal_index, Lexicon, Negated, Rule, MARKS_SIGNAL};
use crate::matcher::{Hit, Scanner, Target};
use crate::score::{score_with, Scorecard, Weights};
use crate::tokenize::{tokenize, TurnTokens};

/// The profiles callcoach knows: `neutral` runs the rules both jurisdictions share.
pub const PROFILES: &[&str] = &["neutral", "us", "uk"];

/// A signal seen in a turn: which one and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignalHit {
    /// Index into [`SIGNALS`](crate::lexicon::SIGNALS).
    pub signal: u8,
    /// Byte offset in the turn.
    pub start: usize,
    /// Byte offset one past.
    pub end: usize,
    /// Token range.
    pub tok_start: usize,
    /// One past the last token.
    pub tok_end: usize,
}

/// What the window rules read about each turn besides its items.
#[derive(Clone, Debug, Default)]
pub struct TurnFacts {
    /// The speaker's role.
    pub role: Option<Role>,
    /// Signals in the turn.
    pub signals: Vec<SignalHit>,
    /// How many words.
    pub words: usize,
    /// Byte range of the first sentence, for call-level findings anchored on a turn.
    pub first_sentence: (usize, usize),
    /// Empathy credits voided in this turn because pressure followed them.
    pub voided_empathy: Vec<Item>,
}

impl TurnFacts {
    /// The first hit of a named signal.
    pub fn signal(&self, name: &str) -> Option<&SignalHit> {
        let i = signal_index(name)?;
        self.signals.iter().find(|s| s.signal == i)
    }

    /// Every hit of a named signal, in order.
    pub fn signals_named<'s>(&'s self, name: &str) -> impl Iterator<Item = &'s SignalHit> + 's {
        let i = signal_index(name);
        self.signals.iter().filter(move |s| Some(s.signal) == i)
    }

    /// Whether the turn is only a filler ("okay", "mm-hmm, one moment").
    pub fn is_filler(&self) -> bool {
        let Some(i) = signal_index("filler") else {
            return false;
        };
        if self.words == 0 {
            return true;
        }
        if self.words > 4 {
            return false;
        }
        let covered: usize = self.signals.iter().filter(|s| s.signal == i).map(|s| s.tok_end - s.tok_start).sum();
        covered >= self.words
    }
}

/// Everything the window rules need: the call, its items so far, and per-turn facts.
pub struct Window<'a> {
    /// The call.
    pub call: &'a Call,
    /// The lexicon (for rule cards).
    pub lex: &'a Lexicon,
    /// The profile in force.
    pub profile: &'a str,
    /// Per-turn facts.
    pub facts: &'a [TurnFacts],
    /// Index of rules by engine name.
    pub engines: &'a HashMap<String, usize>,
}

impl Window<'_> {
    /// The rule implementing `engine`, if it is loaded and runs in this profile.
    pub fn rule(&self, engine: &str) -> Option<&Rule> {
        let r = &self.lex.rules[*self.engines.get(engine)?];
        r.in_profile(self.profile).then_some(r)
    }

    /// Indices of agent turns after `t`.
    pub fn agent_turns_after(&self, t: usize) -> impl Iterator<Item = usize> + '_ {
        (t + 1..self.call.turns.len()).filter(|&i| self.call.turns[i].role == Role::Agent)
    }
}

/// Build an item from a rule card at a place in a turn.
pub fn item(rule: &Rule, call: &Call, turn: usize, start: usize, end: usize) -> Item {
    let t = &call.turns[turn];
    let (start, end) = clamp_span(&t.text, start, end);
    Item {
        code: rule.code,
        category: rule.category,
        severity: rule.severity,
        turn,
        speaker: t.role,
        start,
        end,
        text: t.text[start..end].to_owned(),
        message: rule.summary.clone(),
        acknowledged: None,
        acknowledged_at: None,
        note: None,
        accepted: false,
    }
}

fn clamp_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let mut s = start.min(text.len());
    let mut e = end.clamp(s, text.len());
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    while !text.is_char_boundary(e) {
        e += 1;
    }
    (s, e)
}

/// The result of analysing one call: its items and its score.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// The profile the call was analysed under.
    pub profile: String,
    /// Things to coach, in turn order.
    pub findings: Vec<Item>,
    /// What the customer signalled, in turn order.
    pub cues: Vec<Item>,
    /// What the agent did well, in turn order.
    pub credits: Vec<Item>,
    /// The score and its trace.
    pub score: Scorecard,
    /// Hits that context suppressed or changed, with the reason (for `--explain-matches`).
    pub decisions: Vec<Decision>,
    /// The signals of each agent turn, once per turn: `(turn, index into SIGNALS)`, for the linear scorer.
    pub agent_signals: Vec<(usize, u8)>,
    /// How many agent turns have words: the linear scorer's features are rates over them.
    pub agent_turns: usize,
}

/// A hit that context changed, recorded so that "why was this (not) flagged?" has an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The rule whose phrase matched.
    pub code: &'static str,
    /// The turn.
    pub turn: usize,
    /// The matched text.
    pub text: String,
    /// What context found.
    pub context: String,
    /// What was done.
    pub outcome: String,
}

/// A pass over a finished analysis, run after the rules and before scoring: the configuration's disabled rules
/// and allow lists ([`crate::config::Policy`]) and accepted-findings baselines ([`crate::baseline::Baseline`]).
/// Keeping them out of the rules means a rule never has to know whether its output will be shown.
pub trait PostPass: std::fmt::Debug + Send + Sync {
    /// Drop or accept items of `analysis`; the score is computed afterwards.
    fn apply(&self, call: &Call, analysis: &mut Analysis);
}

/// The analyzer: a lexicon compiled for every profile. Build once; `analyze` is `&self` and thread-safe.
#[derive(Clone, Debug)]
pub struct Analyzer {
    lex: Arc<Lexicon>,
    scanner: Scanner,
    engines: HashMap<String, usize>,
    profile: Option<String>,
    weights: Weights,
    post: Vec<Arc<dyn PostPass>>,
}

impl Analyzer {
    /// Prepare `lex` for analysis. `profile` forces one for every call (`--profile`); otherwise a call's own
    /// `profile` field decides, and `neutral` applies when it has none.
    ///
    /// A forced profile is compiled here; the others are compiled when a call first needs them. The loader has
    /// already checked every phrase and pattern, so a later compile can fail only on a resource limit; the calls
    /// of that profile are then analysed by the conversation rules alone.
    ///
    /// # Errors
    /// An unknown profile name, or a lexicon the matcher cannot compile for the forced profile.
    pub fn new(lex: Lexicon, profile: Option<&str>) -> Result<Analyzer, String> {
        if let Some(p) = profile {
            if !PROFILES.contains(&p) {
                return Err(format!("unknown profile {p:?}; expected us, uk or neutral"));
            }
        }
        let scanner = Scanner::new(&lex)?;
        let engines = lex.rules.iter().enumerate().filter_map(|(i, r)| r.engine.clone().map(|e| (e, i))).collect();
        Ok(Analyzer {
            lex: Arc::new(lex),
            scanner,
            engines,
            profile: profile.map(str::to_owned),
            weights: Weights::default(),
            post: Vec::new(),
        })
    }

    /// Score with these subscore weights instead of the rubric's defaults.
    pub fn with_weights(mut self, weights: Weights) -> Analyzer {
        self.weights = weights;
        self
    }

    /// Run `pass` on every analysis, after the passes added before it and before scoring.
    pub fn with_post_pass(mut self, pass: Arc<dyn PostPass>) -> Analyzer {
        self.post.push(pass);
        self
    }

    /// The built-in lexicons, compiled.
    ///
    /// # Errors
    /// As [`Analyzer::new`], or the built-in lexicons failing to load (prevented by the test suite).
    pub fn builtin(profile: Option<&str>) -> Result<Analyzer, String> {
        let lex = crate::lexicon::load_builtin()
            .map_err(|es| es.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))?;
        Analyzer::new(lex, profile)
    }

    /// The lexicon in use.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lex
    }

    /// The profile a call is analysed under.
    pub fn profile_for<'a>(&'a self, call: &'a Call) -> &'a str {
        let p = self.profile.as_deref().or(call.profile.as_deref()).unwrap_or("neutral");
        PROFILES.iter().find(|x| x.eq_ignore_ascii_case(p)).copied().unwrap_or("neutral")
    }

    fn engine(&self, name: &str, profile: &str) -> Option<&Rule> {
        let r = &self.lex.rules[*self.engines.get(name)?];
        r.in_profile(profile).then_some(r)
    }

    /// Analyse one call.
    pub fn analyze(&self, call: &Call) -> Analysis {
        let (facts, items): (Vec<TurnFacts>, Vec<Analysis>) =
            (0..call.turns.len()).map(|ti| self.analyze_turn(call, ti)).unzip();
        self.conclude(call, &facts, items)
    }

    /// The lexical stage of turn `ti` alone: the turn's facts for the window rules, and its findings, cues,
    /// credits and decisions. It depends on that turn (and the call's profile and account) only, so live mode
    /// computes it once per turn instead of once per turn read.
    ///
    /// # Panics
    /// When `ti` is not a turn of `call`.
    pub fn analyze_turn(&self, call: &Call, ti: usize) -> (TurnFacts, Analysis) {
        let profile = self.profile_for(call);
        let scanner = &self.scanner;
        let mut items = Analysis::default();
        let tt = tokenize(&call.turns[ti].text);
        let hits = scanner.scan(&tt, call.turns[ti].role);
        let facts = self.lexical(call, ti, &tt, &hits, scanner, profile, &mut items);
        (facts, items)
    }

    /// The conversation rules, per-call suppressions and the score, over the lexical stage of every turn of
    /// `call` in order (`facts[i]` and the `i`-th of `items` from [`Analyzer::analyze_turn`] on turn `i`).
    pub fn conclude(&self, call: &Call, facts: &[TurnFacts], items: impl IntoIterator<Item = Analysis>) -> Analysis {
        let profile = self.profile_for(call);
        let mut out = Analysis { profile: profile.to_owned(), ..Analysis::default() };
        for t in items {
            out.findings.extend(t.findings);
            out.cues.extend(t.cues);
            out.credits.extend(t.credits);
            out.decisions.extend(t.decisions);
        }
        let marks_signal = signal_index(MARKS_SIGNAL);
        for (ti, f) in facts.iter().enumerate() {
            if f.role == Some(Role::Agent) && f.words > 0 {
                out.agent_turns += 1;
                let mut seen: Vec<u8> = f.signals.iter().map(|s| s.signal).collect();
                let text = call.turns[ti].text.as_bytes();
                let marks = text.windows(2).any(|w| matches!(w[0], b'?' | b'!') && matches!(w[1], b'?' | b'!'));
                if let (true, Some(i)) = (marks, marks_signal) {
                    seen.push(i);
                }
                seen.sort_unstable();
                seen.dedup();
                out.agent_signals.extend(seen.into_iter().map(|s| (ti, s)));
            }
        }
        let w = Window { call, lex: &self.lex, profile, facts, engines: &self.engines };
        empathy::agreement(&w, &mut out);
        empathy::sympathy(&w, &mut out);
        empathy::apply(&w, &mut out);
        requests::apply(&w, &mut out);
        vulnerability::apply(&w, &mut out);
        disclosure::apply(&w, &mut out);
        affordability::apply(&w, &mut out);
        conduct::apply(&w, &mut out);
        shouting::apply(&w, &mut out);
        for list in [&mut out.findings, &mut out.cues, &mut out.credits] {
            list.sort_by_key(|i| (i.turn, i.start, i.end, i.code));
            for i in list.iter_mut() {
                if call.suppress.iter().any(|c| c.eq_ignore_ascii_case(i.code)) {
                    i.accepted = true;
                    i.note = Some("suppressed for this call".into());
                }
            }
        }
        for pass in &self.post {
            pass.apply(call, &mut out);
        }
        out.score = score_with(&out, &self.lex, &self.weights);
        out
    }

    /// The lexical stage for one turn: judge each rule hit and emit items; collect the turn's signals.
    #[allow(clippy::too_many_arguments)]
    fn lexical(
        &self,
        call: &Call,
        ti: usize,
        tt: &TurnTokens,
        hits: &[Hit],
        scanner: &Scanner,
        profile: &str,
        out: &mut Analysis,
    ) -> TurnFacts {
        let turn = &call.turns[ti];
        let signals = Vec::with_capacity(hits.iter().filter(|h| matches!(h.target, Target::Signal(_))).count());
        let mut facts = TurnFacts { role: Some(turn.role), signals, words: tt.tokens.len(), ..TurnFacts::default() };
        if let Some(first) = tt.tokens.first() {
            let last = tt.tokens.iter().take_while(|t| t.sentence == first.sentence).last().unwrap_or(first);
            facts.first_sentence = (first.start, last.end);
        }
        for h in hits {
            if let Target::Signal(s) = h.target {
                facts.signals.push(SignalHit {
                    signal: s,
                    start: h.start,
                    end: h.end,
                    tok_start: h.tok_start,
                    tok_end: h.tok_end,
                });
            }
        }
        let no_decision = facts.signal("no-decision").is_some();
        let rule_hits = longest_per_kind(&self.lex, hits);
        let mut turn_items: Vec<Item> = Vec::new();
        for h in rule_hits {
            let Target::Rule(ri) = h.target else { continue };
            let rule = &self.lex.rules[ri as usize];
            if !rule.in_profile(profile) {
                continue;
            }
            let ctx = judge(scanner, tt, hits, &h);
            let decide = |outcome: &str, out: &mut Analysis| {
                out.decisions.push(Decision {
                    code: rule.code,
                    turn: ti,
                    text: turn.text[h.start..h.end].to_owned(),
                    context: ctx.describe(),
                    outcome: outcome.to_owned(),
                });
            };
            match rule.kind() {
                Kind::Finding if turn.role == rule.speaker => {
                    if ctx.echoed || ctx.quoted {
                        decide("dropped: the agent is repeating or quoting, not saying it", out);
                        continue;
                    }
                    if ctx.negated {
                        match rule.negated {
                            Negated::Keep => {}
                            Negated::Drop => {
                                decide("dropped: negated", out);
                                continue;
                            }
                            Negated::Reassure => {
                                decide("negated: credited as reassurance", out);
                                if let Some(r) = self.engine("negated-threat", profile) {
                                    let mut it = item(r, call, ti, h.start, h.end);
                                    it.note = Some(format!("rules out: {}", rule.summary));
                                    turn_items.push(it);
                                }
                                continue;
                            }
                        }
                    }
                    let mut it = item(rule, call, ti, h.start, h.end);
                    if let Some(n) = self.account_adjust(call, rule, &mut it) {
                        decide(&n, out);
                        if it.severity.is_none() {
                            continue;
                        }
                    }
                    if ctx.hedged {
                        if no_decision && matches!(rule.category, Category::Pressure | Category::Misleading) {
                            decide("dropped: hedged, and the agent said nothing has been decided", out);
                            continue;
                        }
                        it.severity = it.severity.map(Severity::lower);
                        it.note = Some("hedged wording: severity lowered one step".into());
                    }
                    turn_items.push(it);
                }
                Kind::Finding if turn.role == Role::Customer && rule.allege && !ctx.negated => {
                    // A question about a consequence ("am I going to jail?") is about threats and deception; an
                    // abusive phrase in a customer's mouth is the customer's anger, not a question about it.
                    let engine = if ctx.reported {
                        "allegation"
                    } else if ctx.question && rule.category != Category::Abuse {
                        "consequence-question"
                    } else if rule.category == Category::Abuse
                        && (!ctx.question || rule.negated == Negated::Keep || !about_words(tt, &h))
                    {
                        // Swearing (rules whose negation keeps them) is anger even inside a question, and so is an
                        // insult put as a question ("are you stupid?"); asking about the agent's words ("are you
                        // calling me stupid?") is not.
                        "customer-anger"
                    } else {
                        decide("not an agent turn: ignored", out);
                        continue;
                    };
                    decide(&format!("customer turn: {engine} cue"), out);
                    if let Some(r) = self.engine(engine, profile) {
                        let mut it = item(r, call, ti, h.start, h.end);
                        it.note = Some(format!("about: {}", rule.summary));
                        turn_items.push(it);
                    }
                }
                Kind::Finding => {}
                Kind::Cue | Kind::Credit
                    if turn.role == rule.speaker
                        || (rule.category == Category::ThirdParty && turn.role == Role::Other) =>
                {
                    if ctx.negated {
                        decide("dropped: negated", out);
                        continue;
                    }
                    if rule.kind() == Kind::Credit
                        && matches!(rule.category, Category::Empathy | Category::Reassurance)
                        && ctx.question
                        && asked(tt, &h)
                    {
                        decide("dropped: asked about, not said (\"do you feel...?\")", out);
                        continue;
                    }
                    turn_items.push(item(rule, call, ti, h.start, h.end));
                }
                Kind::Cue | Kind::Credit => {}
            }
        }
        // Formulaic empathy immediately followed by pressure earns no credit: the words were a run-up to a demand.
        let has_options = turn_items
            .iter()
            .any(|i| matches!(i.category, Category::Options | Category::Affordability | Category::Signposting));
        // Swearing that is not aimed at anyone ("I feel the same, it's shit") is coached on its own; it is not a
        // demand, so it leaves the empathy before it standing.
        let swearing = |i: &Item| self.lex.rule(i.code).is_some_and(|r| r.name == "swearing");
        let payment_ask = signal_index("payment-ask");
        let pressure_after = |pos: usize| {
            turn_items.iter().any(|i| {
                i.start >= pos
                    && matches!(i.category, Category::Pressure | Category::Abuse)
                    && i.severity > Some(Severity::Info)
                    && !swearing(i)
            }) || (!has_options && facts.signals.iter().any(|s| s.start >= pos && Some(s.signal) == payment_ask))
        };
        let void: Vec<bool> = turn_items
            .iter()
            .map(|i| {
                // Soft words run into a demand: empathy, reassurance and an impact question are all hollow then.
                let soft = matches!(i.category, Category::Empathy | Category::Reassurance)
                    || self.lex.rule(i.code).is_some_and(|r| r.name == "impact-question");
                soft && turn.role == Role::Agent && pressure_after(i.end)
            })
            .collect();
        let mut voided = Vec::new();
        let mut kept = Vec::new();
        for (it, v) in turn_items.into_iter().zip(void) {
            if v {
                voided.push(it);
            } else {
                kept.push(it);
            }
        }
        for v in &voided {
            out.decisions.push(Decision {
                code: v.code,
                turn: ti,
                text: v.text.clone(),
                context: "followed by pressure in the same turn".into(),
                outcome: "no credit: formulaic empathy before a demand".into(),
            });
        }
        facts.voided_empathy = voided;
        let kept = self.settle_overlaps(tt, kept);
        for it in kept {
            match it.kind() {
                Kind::Finding => out.findings.push(it),
                Kind::Cue => out.cues.push(it),
                Kind::Credit => out.credits.push(it),
            }
        }
        facts
    }

    /// Two cleanups within one turn: overlapping cues of one category are one cue (an allegation found both by
    /// its own phrase and by the threat it reports is kept once, as the reported threat, which names what was
    /// alleged); and a `weak` rule's finding (framing such as an ultimatum) is dropped when a stronger finding
    /// stands in the same sentence, so one threat is not counted twice.
    fn settle_overlaps(&self, tt: &TurnTokens, items: Vec<Item>) -> Vec<Item> {
        let sentence_of = |byte: usize| {
            tt.tokens.iter().find(|t| t.start <= byte && byte < t.end.max(t.start + 1)).map(|t| t.sentence)
        };
        let engine = |i: &Item| self.lex.rule(i.code).is_some_and(|r| r.engine.is_some());
        let weak = |i: &Item| self.lex.rule(i.code).is_some_and(|r| r.weak);
        let mut keep = vec![true; items.len()];
        for (a, x) in items.iter().enumerate() {
            for (b, y) in items.iter().enumerate() {
                if a == b || !keep[b] || !keep[a] {
                    continue;
                }
                let overlap = x.start < y.end && y.start < x.end;
                if x.kind() == Kind::Cue && x.category == y.category && overlap {
                    // Drop x in favour of y when y is engine-made and x is not, or neither is and y came first.
                    if (engine(y) && !engine(x)) || (engine(y) == engine(x) && b < a) {
                        keep[a] = false;
                    }
                }
                if x.kind() == Kind::Finding
                    && weak(x)
                    && y.kind() == Kind::Finding
                    && !weak(y)
                    && matches!(y.category, Category::Pressure | Category::Misleading | Category::Abuse)
                    && sentence_of(x.start) == sentence_of(y.start)
                {
                    keep[a] = false;
                }
            }
        }
        items.into_iter().zip(keep).filter_map(|(i, k)| k.then_some(i)).collect()
    }

    /// Account facts change what talk of legal action means. Returns a note when they did; sets severity to
    /// None when the finding should be dropped.
    fn account_adjust(&self, call: &Call, rule: &Rule, it: &mut Item) -> Option<String> {
        let legal = matches!(rule.name.as_str(), "lawsuit-threat" | "false-legal-status");
        if !legal {
            return None;
        }
        if call.account.time_barred == Some(true) && rule.name == "lawsuit-threat" {
            it.severity = Some(Severity::Critical);
            it.message = format!("{} (the debt is time-barred: no suit may be threatened)", rule.summary);
            return Some("time-barred account: severity critical".into());
        }
        match call.account.suit_filed {
            Some(true) => {
                it.severity = None;
                Some("dropped: a suit has really been filed (account.suit_filed)".into())
            }
            // Without the account's facts the words may still be true: say so, as a prompt to check.
            None => {
                it.note = Some("verify before saying: the account does not record whether a suit was filed".into());
                Some("no account.suit_filed: marked verify before saying".into())
            }
            Some(false) => None,
        }
    }
}

/// Whether a question asks about someone's words: "are you calling me...", "did you just say...", "what do you
/// mean...", before the hit in its sentence.
fn about_words(tt: &TurnTokens, h: &Hit) -> bool {
    let toks = &tt.tokens;
    let Some(first) = toks.get(h.tok_start) else { return false };
    toks[..h.tok_start].iter().rev().take_while(|t| t.sentence == first.sentence).any(|t| {
        matches!(tt.norm(t), "call" | "calling" | "called" | "say" | "saying" | "said" | "mean" | "meant" | "think")
    })
}

/// Whether a hit in a question is what the question asks about rather than something the speaker says: its
/// clause opens with an auxiliary or a question word ("is there something you need to talk about?"), or the word
/// before it, in its sentence, is one ("do you feel like...?", "what makes you feel that...?", "do you think
/// things will improve?"). A reflection asked back ("you feel let down?") opens its own sentence and is kept, and
/// so is the speaker's own view ("I think you can do it, what worries you?").
fn asked(tt: &TurnTokens, h: &Hit) -> bool {
    let toks = &tt.tokens;
    let (Some(first), Some(prev)) = (toks.get(h.tok_start), h.tok_start.checked_sub(1).and_then(|k| toks.get(k)))
    else {
        return false;
    };
    // "I think you can do it, what worries you?": the speaker's own view, not what the question asks about.
    let own_view = matches!(tt.norm(prev), "think" | "reckon")
        && h.tok_start.checked_sub(2).and_then(|k| toks.get(k)).is_some_and(|t| matches!(tt.norm(t), "i" | "we"));
    if own_view {
        return false;
    }
    // "Is there something you need to get off your chest?", "what part of it has you worried?": a clause opened by an
    // auxiliary or a question word asks about everything after it ("what a week you've had?" exclaims).
    let clause_start = toks[..h.tok_start]
        .iter()
        .rposition(|t| t.clause != first.clause || t.sentence != first.sentence)
        .map_or(0, |k| k + 1);
    let opener = toks.get(clause_start).is_some_and(|t| {
        matches!(
            tt.norm(t),
            "is" | "are"
                | "am"
                | "was"
                | "were"
                | "do"
                | "does"
                | "did"
                | "would"
                | "will"
                | "could"
                | "can"
                | "should"
                | "have"
                | "has"
                | "what"
                | "how"
                | "why"
                | "when"
                | "where"
                | "who"
                | "which"
        )
    }) && toks.get(clause_start + 1).is_none_or(|t| !matches!(tt.norm(t), "a" | "an"));
    if clause_start < h.tok_start && opener {
        return true;
    }
    prev.sentence == first.sentence
        && matches!(
            tt.norm(prev),
            "do" | "does"
                | "did"
                | "would"
                | "will"
                | "could"
                | "makes"
                | "make"
                | "made"
                | "why"
                | "how"
                | "what"
                | "when"
                | "think"
                | "reckon"
                | "if"
                | "whether"
        )
}

/// Keep, per kind, the hits not contained in a longer hit of the same kind; one hit per rule per span.
fn longest_per_kind(lex: &Lexicon, hits: &[Hit]) -> Vec<Hit> {
    let rule_hits: Vec<(Hit, Kind)> = hits
        .iter()
        .filter_map(|h| match h.target {
            Target::Rule(i) => Some((*h, lex.rules[i as usize].kind())),
            _ => None,
        })
        .collect();
    let mut kept: Vec<Hit> = Vec::new();
    for (i, (h, k)) in rule_hits.iter().enumerate() {
        let inside = rule_hits.iter().enumerate().any(|(j, (o, ok))| {
            j != i
                && ok == k
                && o.tok_start <= h.tok_start
                && o.tok_end >= h.tok_end
                && (o.tok_end - o.tok_start > h.tok_end - h.tok_start
                    || (o.tok_start, o.tok_end) == (h.tok_start, h.tok_end) && j < i)
        });
        let overlaps_same_rule =
            kept.iter().any(|o| o.target == h.target && o.tok_end > h.tok_start && h.tok_end > o.tok_start);
        if !inside && !overlaps_same_rule {
            kept.push(*h);
        }
    }
    kept
}
