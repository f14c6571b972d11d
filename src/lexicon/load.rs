//! Loading lexicon files: TOML with line numbers kept, so every error names `file:line`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::expand::{expand_phrase, normalise_phrase, variant_count, MAX_VARIANTS};
use super::{embedded, ContextWords, Example, FeatureWeight, Lexicon, Negated, Rule, Signal, SIGNALS};
use crate::call::{Account, Role};
use crate::finding::{Category, Kind, Severity};

/// A problem in a lexicon file, at `file:line`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexiconError {
    /// The file name (or path, for a user's folder).
    pub file: String,
    /// The 1-based line.
    pub line: usize,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for LexiconError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    #[serde(rename = "replace")]
    _replace: bool,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
    #[serde(default)]
    signal: Vec<Spanned<RawSignal>>,
    context: Option<Spanned<RawContext>>,
    /// `[weights.respect]`: feature name to points.
    #[serde(default)]
    weights: std::collections::BTreeMap<String, Spanned<std::collections::BTreeMap<String, f64>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    code: String,
    name: String,
    category: String,
    severity: Option<String>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    why: String,
    #[serde(default)]
    regulation: Vec<String>,
    #[serde(default)]
    tip: String,
    #[serde(default)]
    better: String,
    #[serde(default)]
    profiles: Vec<String>,
    speaker: Option<String>,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
    negated: Option<String>,
    allege: Option<bool>,
    engine: Option<String>,
    points: Option<i32>,
    #[serde(default)]
    weak: bool,
    #[serde(default)]
    example: Vec<RawExample>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExample {
    turns: Vec<String>,
    #[serde(default)]
    expect: Vec<String>,
    note: Option<String>,
    profile: Option<String>,
    #[serde(default)]
    account: Account,
    #[serde(default)]
    times: Vec<[u64; 2]>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignal {
    name: String,
    phrases: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawContext {
    negation_window: Option<usize>,
    #[serde(default)]
    negators: Vec<String>,
    #[serde(default)]
    negation_bridge: Vec<String>,
    #[serde(default)]
    reporters: Vec<String>,
    #[serde(default)]
    agent_echo: Vec<String>,
    #[serde(default)]
    hedges: Vec<String>,
    #[serde(default)]
    question_openers: Vec<String>,
    #[serde(default)]
    pseudo_negations: Vec<String>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}

/// The engines (window rules written in code) a rule may name.
pub const ENGINES: &[&str] = &[
    "negated-threat",
    "allegation",
    "consequence-question",
    "customer-anger",
    "sympathy",
    "missed-empathy",
    "empathy-then-pressure",
    "demand-after-cue",
    "ignored-cease-request",
    "ignored-attorney",
    "ignored-dispute",
    "ignored-validation-request",
    "missing-identification",
    "missing-mini-miranda",
    "missing-collector-disclosure",
    "verification-first",
    "third-party-disclosure",
    "risk-to-life",
    "signposting-missing",
    "affordability-before-plan",
    "affordability-checked-first",
    "breathing-space",
    "breathing-space-honoured",
    "texas-explain",
    "time-barred-threat",
    "unverified-legal-threat",
    "interruption",
    "talk-time",
    "monologue",
    "silence",
    "shouting",
    "contact-frequency",
    "contact-after-conversation",
    "contact-hours",
    "missing-opt-out",
];

/// Engines that run only in `callcoach lint` (templates of letters, emails and texts), never on a call: their
/// flagged examples are templates, tested in `tests/lint.rs`, so their cards carry only call traps.
pub const TEMPLATE_ENGINES: &[&str] = &["missing-opt-out"];

struct Parsed {
    rules: Vec<Rule>,
    signals: Vec<Signal>,
    context: Option<ContextWords>,
    weights: Vec<FeatureWeight>,
}

fn parse_file(file: &str, text: &str, errors: &mut Vec<LexiconError>) -> Option<Parsed> {
    let raw: RawFile = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            errors.push(LexiconError { file: file.to_owned(), line, message: e.message().trim().to_owned() });
            return None;
        }
    };
    let mut rules = Vec::new();
    for spanned in raw.rule {
        let line = line_of(text, spanned.span().start);
        let raw = spanned.into_inner();
        let mut err = |message: String| errors.push(LexiconError { file: file.to_owned(), line, message });
        let code = raw.code.trim().to_owned();
        let who = format!("rule {code}");
        let category: Category = match raw.category.parse() {
            Ok(c) => c,
            Err(e) => {
                err(format!("{who}: {e}"));
                continue;
            }
        };
        let severity = match (&raw.severity, category.kind()) {
            (Some(s), Kind::Finding) => match s.parse::<Severity>() {
                Ok(s) => Some(s),
                Err(e) => {
                    err(format!("{who}: {e}"));
                    continue;
                }
            },
            (None, Kind::Finding) => {
                err(format!("{who}: a finding needs a severity (info, low, medium, high or critical)"));
                continue;
            }
            (Some(_), _) => {
                err(format!("{who}: only findings have a severity; remove it from this {category} rule"));
                continue;
            }
            (None, _) => None,
        };
        let speaker = match raw.speaker.as_deref() {
            None if category.kind() == Kind::Cue => Role::Customer,
            None => Role::Agent,
            Some("agent") => Role::Agent,
            Some("customer") => Role::Customer,
            Some("other") => Role::Other,
            Some(s) => {
                err(format!("{who}: unknown speaker {s:?}; expected agent, customer or other"));
                continue;
            }
        };
        let negated = match raw.negated.as_deref() {
            None if category.kind() == Kind::Finding => Negated::Reassure,
            None => Negated::Drop,
            Some("drop") => Negated::Drop,
            Some("keep") => Negated::Keep,
            Some("reassure") => Negated::Reassure,
            Some(s) => {
                err(format!("{who}: unknown negated policy {s:?}; expected drop, keep or reassure"));
                continue;
            }
        };
        if let Some(e) = &raw.engine {
            if !ENGINES.contains(&e.as_str()) {
                err(format!("{who}: unknown engine {e:?}; known engines: {}", ENGINES.join(", ")));
                continue;
            }
        }
        let allege =
            raw.allege.unwrap_or(matches!(category, Category::Pressure | Category::Abuse | Category::Misleading));
        let examples = raw
            .example
            .into_iter()
            .map(|e| Example {
                turns: e.turns,
                expect: e.expect,
                note: e.note,
                profile: e.profile,
                account: e.account,
                times: e.times,
            })
            .collect();
        rules.push(Rule {
            // Codes live as long as the process: lexicons are loaded once, and items borrow the code cheaply.
            code: Box::leak(code.into_boxed_str()),
            name: raw.name,
            category,
            severity,
            summary: raw.summary,
            why: raw.why,
            regulation: raw.regulation,
            tip: raw.tip,
            better: raw.better,
            profiles: raw.profiles,
            speaker,
            phrases: raw.phrases,
            patterns: raw.patterns,
            negated,
            allege,
            engine: raw.engine,
            points: raw.points,
            weak: raw.weak,
            examples,
            origin: format!("{file}:{line}"),
        });
    }
    let signals = raw
        .signal
        .into_iter()
        .map(|s| {
            let origin = format!("{file}:{}", line_of(text, s.span().start));
            let s = s.into_inner();
            Signal { name: s.name, phrases: s.phrases, origin }
        })
        .collect();
    let context = raw.context.map(|c| {
        let c = c.into_inner();
        ContextWords {
            negation_window: c.negation_window.unwrap_or(0),
            negators: c.negators,
            negation_bridge: c.negation_bridge,
            reporters: c.reporters,
            agent_echo: c.agent_echo,
            hedges: c.hedges,
            question_openers: c.question_openers,
            pseudo_negations: c.pseudo_negations,
        }
    });
    let mut weights = Vec::new();
    for (score, table) in raw.weights {
        let origin = format!("{file}:{}", line_of(text, table.span().start));
        for (feature, weight) in table.into_inner() {
            weights.push(FeatureWeight { score: score.clone(), feature, weight, origin: origin.clone() });
        }
    }
    Some(Parsed { rules, signals, context, weights })
}

fn merge_context(into: &mut ContextWords, add: ContextWords) {
    if add.negation_window > 0 {
        into.negation_window = add.negation_window;
    }
    into.negators.extend(add.negators);
    into.negation_bridge.extend(add.negation_bridge);
    into.reporters.extend(add.reporters);
    into.agent_echo.extend(add.agent_echo);
    into.hedges.extend(add.hedges);
    into.question_openers.extend(add.question_openers);
    into.pseudo_negations.extend(add.pseudo_negations);
}

/// Merge files in order: a later rule with an existing code replaces it; signals and context words add up.
/// `check` runs the phrase-level validation (expansion, duplicates), which costs as much as compiling them.
fn merge(files: Vec<(String, String)>, errors: &mut Vec<LexiconError>, check: bool) -> Lexicon {
    let mut lex = Lexicon::default();
    for (name, text) in files {
        let Some(p) = parse_file(&name, &text, errors) else {
            continue;
        };
        for r in p.rules {
            match lex.rules.iter_mut().find(|x| x.code == r.code) {
                Some(slot) if slot.origin.split(':').next() != Some(name.as_str()) => *slot = r,
                Some(_) => errors.push(LexiconError {
                    file: name.clone(),
                    line: r.origin.rsplit(':').next().and_then(|l| l.parse().ok()).unwrap_or(1),
                    message: format!("rule {}: code declared twice in this file", r.code),
                }),
                None => lex.rules.push(r),
            }
        }
        lex.signals.extend(p.signals);
        for w in p.weights {
            // A later file's weight on the same feature replaces the earlier one.
            lex.weights.retain(|x| !(x.score == w.score && x.feature == w.feature));
            lex.weights.push(w);
        }
        if let Some(c) = p.context {
            merge_context(&mut lex.context, c);
        }
    }
    if lex.context.negation_window == 0 {
        lex.context.negation_window = 6;
    }
    validate(&lex, errors, check);
    lex
}

fn err_at(origin: &str, message: String) -> LexiconError {
    let (file, line) = origin.rsplit_once(':').unwrap_or((origin, "1"));
    LexiconError { file: file.to_owned(), line: line.parse().unwrap_or(1), message }
}

/// Structural checks every loaded lexicon must pass (the analyzer refuses to run otherwise).
fn validate(lex: &Lexicon, errors: &mut Vec<LexiconError>, phrases: bool) {
    let mut names = HashSet::new();
    // A phrase may be in a finding (agent turns) and a cue (customer turns): they never compete for a turn. Two
    // rules of the same category may share a phrase (the first declared takes the hit; the score is the same);
    // across categories a shared phrase would make the meaning of a hit ambiguous, so it is an error.
    let mut phrase_owner: HashMap<(String, Kind, Role), (&str, Category)> = HashMap::new();
    for r in &lex.rules {
        let e = |m: String| err_at(&r.origin, format!("rule {}: {m}", r.code));
        let c = r.code.as_bytes();
        if !(c.len() == 5 && c[..2].iter().all(u8::is_ascii_uppercase) && c[2..].iter().all(u8::is_ascii_digit)) {
            errors.push(e("code must be two capital letters and three digits, like PR101".into()));
        }
        if r.name.is_empty() || !r.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            errors.push(e(format!("name {:?} must be kebab-case (lower case, digits, '-')", r.name)));
        }
        if !names.insert(r.name.as_str()) {
            errors.push(e(format!("name {:?} is used by another rule", r.name)));
        }
        if r.summary.trim().is_empty() {
            errors.push(e("summary is empty: write the one-line message reports show".into()));
        }
        match (&r.engine, r.phrases.is_empty() && r.patterns.is_empty()) {
            (Some(_), false) => errors.push(e("a rule with an engine has no phrases or patterns".into())),
            (None, true) => errors.push(e("no phrases, patterns or engine: the rule can never fire".into())),
            _ => {}
        }
        for p in r.phrases.iter().filter(|_| phrases) {
            if let Some(slot) = unknown_slot(p) {
                errors.push(e(format!(
                    "unknown slot {slot} in {p:?}; slots are {{amount}}, {{time}}, {{start}}, {{word}} and {{name}}"
                )));
            }
            match variant_count(p) {
                Err(m) => errors.push(e(m)),
                // Too many variants to compare one by one with every other rule's; the matcher takes it as it is.
                Ok(n) if n > MAX_VARIANTS => {}
                Ok(_) => {
                    for v in expand_phrase(p).unwrap_or_default() {
                        let n = normalise_phrase(&v);
                        if n.is_empty() {
                            errors.push(e(format!("phrase {p:?} has a variant with no words")));
                            continue;
                        }
                        let key = (n, r.kind(), r.speaker);
                        match phrase_owner.get(&key) {
                            Some((owner, cat)) if *owner != r.code && *cat != r.category => errors.push(e(format!(
                                "phrase {:?} is also in rule {owner} ({cat}); a phrase belongs to one category",
                                key.0
                            ))),
                            Some(_) => {}
                            None => {
                                phrase_owner.insert(key, (r.code, r.category));
                            }
                        }
                    }
                }
            }
        }
        for p in &r.patterns {
            if let Err(m) = regex::Regex::new(p) {
                errors.push(e(format!("pattern {p:?} is not a valid regex: {m}")));
            }
        }
    }
    let c = &lex.context;
    for p in
        c.reporters.iter().chain(&c.agent_echo).chain(&c.hedges).chain(&c.question_openers).chain(&c.pseudo_negations)
    {
        if let Err(m) = variant_count(p) {
            errors.push(LexiconError { file: "context.toml".into(), line: 1, message: format!("context: {m}") });
        }
    }
    for w in &lex.weights {
        if !matches!(w.score.as_str(), "respect" | "honesty" | "empathy" | "collaboration" | "compliance") {
            errors.push(err_at(&w.origin, format!("weights: unknown subscore {:?}", w.score)));
        }
        match lex.rules.iter().find(|r| r.code == w.feature) {
            Some(r) if r.kind() != Kind::Credit => errors.push(err_at(
                &w.origin,
                format!("weights: {} is not a credit; findings deduct by severity and cues score nothing", w.feature),
            )),
            None if !SIGNALS.contains(&w.feature.as_str()) => errors
                .push(err_at(&w.origin, format!("weights: {:?} is neither a credit's code nor a signal", w.feature))),
            _ => {}
        }
        if !w.weight.is_finite() || w.weight.abs() > 50.0 {
            errors.push(err_at(&w.origin, format!("weights: {} must be between -50 and 50", w.feature)));
        }
    }
    for s in &lex.signals {
        if !SIGNALS.contains(&s.name.as_str()) {
            errors.push(err_at(&s.origin, format!("unknown signal {:?}; signals are {}", s.name, SIGNALS.join(", "))));
        }
        for p in &s.phrases {
            if let Err(m) = variant_count(p) {
                errors.push(err_at(&s.origin, format!("signal {}: {m}", s.name)));
            }
        }
    }
}

/// The first `{...}` in a phrase that is not one of the slots the matcher knows.
fn unknown_slot(phrase: &str) -> Option<&str> {
    let mut rest = phrase;
    while let Some(i) = rest.find('{') {
        let end = rest[i..].find('}').map_or(rest.len(), |j| i + j + 1);
        let slot = &rest[i..end];
        if !["{amount}", "{time}", "{start}", "{word}", "{name}"].contains(&slot) {
            return Some(slot);
        }
        rest = &rest[end..];
    }
    None
}

/// Checks of the catalog's completeness that `callcoach lexicons check` and the registry test apply on top of
/// `validate`: every rule has a full card, a flagged example and a trap, and examples are well formed.
pub fn lint(lex: &Lexicon) -> Vec<LexiconError> {
    let mut errors = Vec::new();
    for r in &lex.rules {
        let e = |m: String| err_at(&r.origin, format!("rule {}: {m}", r.code));
        if r.why.trim().is_empty() {
            errors.push(e("why is empty: say why it matters".into()));
        }
        if r.kind() == Kind::Finding {
            if r.regulation.is_empty() {
                errors.push(e("regulation is empty: cite the FDCPA, Regulation F or CONC section".into()));
            }
            if r.tip.trim().is_empty() {
                errors.push(e("tip is empty: give the agent a coaching tip".into()));
            }
        }
        let mut flagged = false;
        let mut trap = false;
        for x in &r.examples {
            if x.turns.is_empty() {
                errors.push(e("an example has no turns".into()));
            }
            for t in &x.turns {
                if parse_example_turn(t).is_none() {
                    errors.push(e(format!("example turn {t:?} must start with 'agent:', 'customer:' or 'other:'")));
                }
            }
            if !x.times.is_empty() && x.times.len() != x.turns.len() {
                errors.push(e(format!(
                    "times has {} entries for {} turns: give [start_ms, end_ms] per turn",
                    x.times.len(),
                    x.turns.len()
                )));
            }
            let mut own = false;
            for item in &x.expect {
                match parse_expect(item) {
                    Some((code, turn)) if turn < x.turns.len() => own |= code == r.code,
                    Some(_) => errors.push(e(format!("expect {item:?} names a turn the example does not have"))),
                    None => errors.push(e(format!("expect {item:?} must be CODE@turn, like PR101@0"))),
                }
            }
            if own {
                flagged = true;
            } else {
                trap = true;
            }
        }
        // A template-only rule cannot fire on a call example (see TEMPLATE_ENGINES).
        let template_only = r.engine.as_deref().is_some_and(|e| TEMPLATE_ENGINES.contains(&e));
        // Contact-pattern rules judge an account's calls across an archive (src/contact.rs, tested there), so
        // no single-call example can fire them; their examples are traps only.
        let archive_rule = r.engine.as_deref().is_some_and(|e| e.starts_with("contact-"));
        if !flagged && !template_only && !archive_rule {
            errors.push(e("no example where the rule fires: add one with its code in expect".into()));
        }
        if !trap {
            errors.push(e(
                "no trap: add an example where the rule must not fire (negation, reported speech, a question)".into(),
            ));
        }
    }
    errors
}

/// Split an example turn `role: text`.
pub fn parse_example_turn(line: &str) -> Option<(Role, &str)> {
    let (role, text) = line.split_once(':')?;
    let role = match role.trim() {
        "agent" => Role::Agent,
        "customer" => Role::Customer,
        "other" => Role::Other,
        _ => return None,
    };
    Some((role, text.trim_start()))
}

/// Split an expectation `CODE@turn`.
pub fn parse_expect(item: &str) -> Option<(&str, usize)> {
    let (code, turn) = item.split_once('@')?;
    Some((code.trim(), turn.trim().parse().ok()?))
}

/// Load the built-in lexicons.
///
/// # Errors
/// Every problem found, with file and line. The built-in files are checked by the test suite, so this fails only
/// in a build whose lexicons were edited without running the tests.
pub fn load_builtin() -> Result<Lexicon, Vec<LexiconError>> {
    load_with(None)
}

/// Load the built-in lexicons with every phrase validated too (for `lexicons check` and the test suite; the
/// analyzer skips this because the tests guarantee it for the built-in files).
///
/// # Errors
/// Every problem found, with file and line.
pub fn load_builtin_checked() -> Result<Lexicon, Vec<LexiconError>> {
    let mut errors = Vec::new();
    let files = embedded::EMBEDDED.iter().map(|(n, t)| ((*n).to_owned(), (*t).to_owned())).collect();
    let lex = merge(files, &mut errors, true);
    if errors.is_empty() {
        Ok(lex)
    } else {
        Err(errors)
    }
}

fn read_dir_files(dir: &Path, errors: &mut Vec<LexiconError>) -> Vec<(String, String)> {
    let mut paths: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => {
            rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect()
        }
        Err(e) => {
            errors.push(LexiconError {
                file: dir.display().to_string(),
                line: 1,
                message: format!("cannot read the lexicon folder: {e}"),
            });
            return Vec::new();
        }
    };
    paths.sort();
    let mut files = Vec::new();
    for p in paths {
        match std::fs::read_to_string(&p) {
            Ok(t) => files.push((p.display().to_string(), t)),
            Err(e) => errors.push(LexiconError {
                file: p.display().to_string(),
                line: 1,
                message: format!("cannot read: {e}"),
            }),
        }
    }
    files
}

/// Load only the files of `dir` (for `callcoach lexicons check DIR`).
///
/// # Errors
/// Every problem found, with file and line.
pub fn load_dir(dir: &Path) -> Result<Lexicon, Vec<LexiconError>> {
    let mut errors = Vec::new();
    let files = read_dir_files(dir, &mut errors);
    let lex = merge(files, &mut errors, true);
    if errors.is_empty() {
        Ok(lex)
    } else {
        Err(errors)
    }
}

/// Load the built-in lexicons, then a user's folder on top (`--lexicons DIR`). A file in DIR with
/// `replace = true` means the built-in files are not loaded at all.
///
/// # Errors
/// Every problem found, with file and line.
pub fn load_with(user_dir: Option<&Path>) -> Result<Lexicon, Vec<LexiconError>> {
    load_dirs(user_dir.as_slice())
}

/// Load the built-in lexicons, then each user folder in order (the configuration's `lexicons`, then
/// `--lexicons`): a later folder's rule replaces an earlier one with the same code. `replace = true` in any of
/// them means the built-in files are not loaded.
///
/// # Errors
/// Every problem found, with file and line.
pub fn load_dirs(user_dirs: &[&Path]) -> Result<Lexicon, Vec<LexiconError>> {
    let mut errors = Vec::new();
    let user: Vec<(String, String)> = user_dirs.iter().flat_map(|d| read_dir_files(d, &mut errors)).collect();
    let replace = user.iter().any(|(_, t)| {
        toml::from_str::<toml::Table>(t).ok().and_then(|t| t.get("replace").and_then(toml::Value::as_bool))
            == Some(true)
    });
    let mut files: Vec<(String, String)> = if replace {
        Vec::new()
    } else {
        embedded::EMBEDDED.iter().map(|(n, t)| ((*n).to_owned(), (*t).to_owned())).collect()
    };
    // A user's folder is checked in full: its phrases have never been through the test suite.
    let check = !user.is_empty();
    files.extend(user);
    let lex = merge(files, &mut errors, check);
    if errors.is_empty() {
        Ok(lex)
    } else {
        Err(errors)
    }
}
