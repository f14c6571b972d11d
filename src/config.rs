//! config: `callcoach.toml`, the team's settings for a QA workflow, and where each setting came from.
//!
//! A configuration is found in the current folder or the nearest parent (or given with `--config FILE`) and
//! holds: the profile, extra lexicon folders, an accepted-findings baseline, rules switched off or back on (by
//! code, name or category), severity overrides, allow lists (phrases that never flag, such as a company name
//! containing "Legal") and the score weights. The format and a complete example are in `docs/CONFIG.md`.
//!
//! Loading is two steps, so that every error can name `file:line`:
//! 1. [`Config::load`] parses the file (syntax, types, unknown keys);
//! 2. [`Config::setup`] loads the lexicons it names and resolves codes, names and categories against them.
//!
//! What the setup produces is applied without touching the rules: severity overrides are written into the
//! [`Lexicon`] before the [`Analyzer`] is built, and disabled rules and allow lists are a [`PostPass`] over each
//! finished analysis ([`Policy`]), before scoring.
//!
//! ```
//! use callcoach::config::{Config, Overrides};
//!
//! let cfg = Config::parse("callcoach.toml", "profile = \"us\"\n[rules]\ndisable = [\"conduct\"]\n").unwrap();
//! let setup = cfg.setup(&Overrides::default()).unwrap();
//! assert_eq!(setup.profile.as_ref().map(|p| p.value.as_str()), Some("us"));
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::call::Call;
use crate::contact::ContactRules;
use crate::finding::{Category, Kind, Severity};
use crate::lexicon::{expand_phrase, load_dirs, normalise_phrase, Lexicon};
use crate::rules::{Analysis, Analyzer, Decision, PostPass, PROFILES};
use crate::score::{Subscore, Weights};
use crate::tokenize::tokenize;

/// The name of the configuration file looked for in the current folder and its parents.
pub const FILE_NAME: &str = "callcoach.toml";

/// A problem in a configuration file, at `file:line`, saying what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, as found or given.
    pub file: String,
    /// The 1-based line.
    pub line: usize,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Where a setting came from, for `callcoach config check`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The built-in default.
    Default,
    /// A line of a configuration file.
    File {
        /// The file.
        file: String,
        /// The 1-based line.
        line: usize,
    },
    /// A command-line flag, e.g. `--profile`.
    Flag(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File { file, line } => write!(f, "{file}:{line}"),
            Origin::Flag(flag) => f.write_str(flag),
        }
    }
}

/// A value and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Where it was set.
    pub origin: Origin,
}

/// One allow-list entry: a phrase inside which findings are not reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allow {
    /// The phrase as written (`(a|b)` alternatives allowed, as in lexicons).
    pub phrase: String,
    /// The rules it applies to (codes, names or categories as written); empty means every rule.
    pub rules: Vec<String>,
    /// Why it is allowed, for reviewers.
    pub reason: Option<String>,
    /// Where it was declared.
    pub origin: Origin,
}

/// A parsed configuration file, not yet checked against the lexicon.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// The file it was read from (None: no configuration file).
    pub path: Option<String>,
    /// `profile = "us"`.
    pub profile: Option<Setting<String>>,
    /// `lexicons = ["dir", ...]`, resolved against the file's folder.
    pub lexicons: Vec<Setting<PathBuf>>,
    /// `baseline = "file"`, resolved against the file's folder.
    pub baseline: Option<Setting<PathBuf>>,
    /// `[rules] disable = [...]`: codes, names or categories.
    pub disable: Vec<Setting<String>>,
    /// `[rules] enable = [...]`: exceptions to `disable`.
    pub enable: Vec<Setting<String>>,
    /// `[rules.severity]`: code, name or category to severity.
    pub severity: Vec<(Setting<String>, Severity)>,
    /// `[[allow]]` entries.
    pub allow: Vec<Allow>,
    /// `[score.weights]`: subscore weights that differ from the rubric.
    pub weights: Vec<(Subscore, Setting<i32>)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    profile: Option<Spanned<String>>,
    #[serde(default)]
    lexicons: Vec<Spanned<String>>,
    baseline: Option<Spanned<String>>,
    rules: Option<RawRules>,
    #[serde(default)]
    allow: Vec<Spanned<RawAllow>>,
    score: Option<RawScore>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    enable: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    phrase: String,
    #[serde(default)]
    rules: Vec<String>,
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScore {
    #[serde(default)]
    weights: BTreeMap<Spanned<String>, Spanned<i64>>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}

/// The nearest `callcoach.toml` in `start` or its parents.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())
}

impl Config {
    /// Read the configuration: `explicit` (`--config FILE`) when given, else the nearest `callcoach.toml` from
    /// `cwd` upwards, else an empty configuration.
    ///
    /// # Errors
    /// The file cannot be read, or it is not a valid configuration; each error names `file:line`.
    pub fn load(explicit: Option<&Path>, cwd: &Path) -> Result<Config, Vec<ConfigError>> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => match discover(cwd) {
                Some(p) => p,
                None => return Ok(Config::default()),
            },
        };
        // Shown relative to the current folder when it is inside it, as people would type it.
        let name = path.strip_prefix(cwd).unwrap_or(&path).display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            vec![ConfigError { file: name.clone(), line: 1, message: format!("cannot read the configuration: {e}") }]
        })?;
        let mut cfg = Config::parse(&name, &text)?;
        // Paths in the file are relative to the file, so a configuration works from any subfolder.
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        for l in &mut cfg.lexicons {
            l.value = dir.join(&l.value);
        }
        if let Some(b) = &mut cfg.baseline {
            b.value = dir.join(&b.value);
        }
        Ok(cfg)
    }

    /// Parse configuration text; `file` names it in errors and origins. Relative paths are kept as written.
    ///
    /// # Errors
    /// Invalid TOML, an unknown key, a value of the wrong type or an unknown severity, profile or subscore.
    pub fn parse(file: &str, text: &str) -> Result<Config, Vec<ConfigError>> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            let mut message = e.message().trim().to_owned();
            if message.starts_with("unknown field") {
                message.push_str("; see docs/CONFIG.md for the keys a configuration may hold");
            }
            vec![ConfigError { file: file.to_owned(), line, message }]
        })?;
        let mut errors = Vec::new();
        let at = |s: std::ops::Range<usize>| Origin::File { file: file.to_owned(), line: line_of(text, s.start) };
        let err = |s: std::ops::Range<usize>, message: String| ConfigError {
            file: file.to_owned(),
            line: line_of(text, s.start),
            message,
        };
        let set = |s: Spanned<String>| Setting { origin: at(s.span()), value: s.into_inner() };
        let mut cfg = Config { path: Some(file.to_owned()), ..Config::default() };
        if let Some(p) = raw.profile {
            if PROFILES.contains(&p.get_ref().as_str()) {
                cfg.profile = Some(set(p));
            } else {
                errors.push(err(p.span(), format!("unknown profile {:?}; use us, uk or neutral", p.get_ref())));
            }
        }
        cfg.lexicons =
            raw.lexicons.into_iter().map(&set).map(|s| Setting { value: s.value.into(), origin: s.origin }).collect();
        cfg.baseline = raw.baseline.map(&set).map(|s| Setting { value: s.value.into(), origin: s.origin });
        if let Some(r) = raw.rules {
            cfg.disable = r.disable.into_iter().map(&set).collect();
            cfg.enable = r.enable.into_iter().map(&set).collect();
            for (k, v) in r.severity {
                match v.get_ref().parse::<Severity>() {
                    Ok(sev) => cfg.severity.push((set(k), sev)),
                    Err(m) => errors.push(err(v.span(), format!("[rules.severity] {}: {m}", k.get_ref()))),
                }
            }
        }
        for a in raw.allow {
            let origin = at(a.span());
            let span = a.span();
            let a = a.into_inner();
            let problem = if a.phrase.trim().is_empty() {
                Some("an [[allow]] phrase is empty: write the words that must never flag".to_owned())
            } else if a.phrase.contains('{') {
                Some(format!(
                    "allow phrase {:?}: slots such as {{amount}} are not supported here; write the words",
                    a.phrase
                ))
            } else {
                expand_phrase(&a.phrase).err().map(|m| format!("allow phrase {:?}: {m}", a.phrase))
            };
            match problem {
                Some(m) => errors.push(err(span, m)),
                None => cfg.allow.push(Allow { phrase: a.phrase, rules: a.rules, reason: a.reason, origin }),
            }
        }
        if let Some(s) = raw.score {
            for (k, v) in s.weights {
                let Some(sub) = Subscore::ALL.iter().copied().find(|x| x.as_str() == k.get_ref()) else {
                    let names: Vec<_> = Subscore::ALL.iter().map(|s| s.as_str()).collect();
                    errors.push(err(
                        k.span(),
                        format!("unknown subscore {:?} in [score.weights]; use {}", k.get_ref(), names.join(", ")),
                    ));
                    continue;
                };
                let w = *v.get_ref();
                if !(0..=100).contains(&w) {
                    errors.push(err(
                        v.span(),
                        format!("weight of {} is {w}; a weight is a whole number from 0 to 100", sub.as_str()),
                    ));
                    continue;
                }
                cfg.weights.push((sub, Setting { value: w as i32, origin: at(v.span()) }));
            }
            let mut w = Weights::default();
            for (s, v) in &cfg.weights {
                w.set(*s, v.value);
            }
            if w.total() == 0 {
                let line = cfg.weights.first().map(|(_, s)| s.origin.clone());
                let line = match line {
                    Some(Origin::File { line, .. }) => line,
                    _ => 1,
                };
                errors.push(ConfigError {
                    file: file.to_owned(),
                    line,
                    message: "every score weight is 0; give at least one subscore a weight".into(),
                });
            }
        }
        if errors.is_empty() {
            Ok(cfg)
        } else {
            // Tables are read in key order, not file order: report top to bottom.
            errors.sort_by_key(|e| e.line);
            Err(errors)
        }
    }

    /// Load the lexicons this configuration (and the command line) names, check every code, name and category
    /// against them, and build what the analyzer needs.
    ///
    /// # Errors
    /// Lexicon files that do not load, and configuration entries that name no rule; each with `file:line`.
    pub fn setup(&self, ov: &Overrides<'_>) -> Result<Setup, Vec<String>> {
        let mut dirs = self.lexicons.clone();
        if let Some(d) = ov.lexicons {
            dirs.push(Setting { value: d.to_path_buf(), origin: Origin::Flag("--lexicons") });
        }
        let paths: Vec<&Path> = dirs.iter().map(|d| d.value.as_path()).collect();
        let mut lex = load_dirs(&paths).map_err(|es| es.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        let file = self.path.clone().unwrap_or_else(|| FILE_NAME.to_owned());
        let mut errors = Vec::new();
        let resolve =
            |s: &Setting<String>, what: &str, errors: &mut Vec<String>| resolve_entry(&lex, &file, s, what, errors);
        // A code or name is more specific than a category: `disable = ["conduct"]` with `enable = ["CD102"]`
        // keeps CD102, and `disable = ["CD101"]` wins over a category in `enable`.
        let mut off_by_category = BTreeSet::new();
        let mut off_by_rule = BTreeSet::new();
        let mut on_by_category = BTreeSet::new();
        let mut on_by_rule = BTreeSet::new();
        // Where each code was switched off (the most specific entry), for --explain-matches.
        let mut off_at: BTreeMap<&'static str, (bool, Origin)> = BTreeMap::new();
        for d in &self.disable {
            let codes = resolve(d, "[rules] disable", &mut errors);
            let specific = !is_category(&d.value);
            for c in &codes {
                if specific || !off_at.contains_key(c) {
                    off_at.insert(c, (specific, d.origin.clone()));
                }
            }
            let into = if specific { &mut off_by_rule } else { &mut off_by_category };
            into.extend(codes);
        }
        for e in &self.enable {
            let codes = resolve(e, "[rules] enable", &mut errors);
            let into = if is_category(&e.value) { &mut on_by_category } else { &mut on_by_rule };
            into.extend(codes);
        }
        let disabled: BTreeSet<&'static str> = lex
            .rules
            .iter()
            .map(|r| r.code)
            .filter(|c| {
                off_by_rule.contains(c)
                    || (off_by_category.contains(c) && !on_by_rule.contains(c) && !on_by_category.contains(c))
            })
            .collect();
        // Severity: the most specific entry wins (a code or name over a category).
        let mut severity: BTreeMap<&'static str, (bool, Severity, Origin)> = BTreeMap::new();
        for (k, sev) in &self.severity {
            let codes = resolve(k, "[rules.severity]", &mut errors);
            let specific = !is_category(&k.value);
            for c in codes {
                let Some(rule) = lex.rule(c) else { continue };
                if rule.kind() != Kind::Finding {
                    if specific {
                        let line = match &k.origin {
                            Origin::File { line, .. } => *line,
                            _ => 1,
                        };
                        errors.push(format!(
                            "{file}:{line}: [rules.severity] {}: {c} is a {}, and only findings have a severity",
                            k.value,
                            kind_name(rule.kind())
                        ));
                    }
                    continue;
                }
                match severity.get(c) {
                    Some((true, _, _)) if !specific => {}
                    _ => {
                        severity.insert(c, (specific, *sev, k.origin.clone()));
                    }
                }
            }
        }
        let mut overrides = Vec::new();
        for r in &mut lex.rules {
            if let Some((_, sev, origin)) = severity.get(r.code) {
                overrides.push(SeverityOverride { code: r.code, from: r.severity, to: *sev, origin: origin.clone() });
                r.severity = Some(*sev);
            }
        }
        // Listed by code, whatever order the lexicon files declare rules in.
        overrides.sort_by_key(|o| o.code);
        let mut allows = Vec::new();
        for a in &self.allow {
            // None: every rule. A list naming only rules that are not loaded applies to nothing, not to everything.
            let mut codes = (!a.rules.is_empty()).then(BTreeSet::new);
            for r in &a.rules {
                let s = Setting { value: r.clone(), origin: a.origin.clone() };
                let named = resolve_entry(&lex, &file, &s, &format!("[[allow]] {:?}", a.phrase), &mut errors);
                codes.get_or_insert_with(BTreeSet::new).extend(named);
            }
            let variants: Vec<Vec<String>> = expand_phrase(&a.phrase)
                .unwrap_or_default()
                .iter()
                .map(|v| normalise_phrase(v).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect())
                .filter(|v: &Vec<String>| !v.is_empty())
                .collect();
            allows.push(CompiledAllow { entry: a.clone(), codes, variants });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut weights = Weights::default();
        for (s, w) in &self.weights {
            weights.set(*s, w.value);
        }
        let profile = match ov.profile {
            Some(p) => Some(Setting { value: p.to_owned(), origin: Origin::Flag("--profile") }),
            None => self.profile.clone(),
        };
        let baseline = match ov.baseline {
            Some(b) => Some(Setting { value: b.to_path_buf(), origin: Origin::Flag("--baseline") }),
            None => self.baseline.clone(),
        };
        Ok(Setup {
            config: self.clone(),
            lexicon: lex,
            lexicon_dirs: dirs,
            profile,
            baseline,
            weights,
            overrides,
            policy: Policy {
                disabled_at: disabled.iter().filter_map(|c| off_at.get(c).map(|(_, o)| (*c, o.clone()))).collect(),
                disabled,
                allows,
            },
        })
    }
}

fn line_in(origin: &Origin) -> usize {
    match origin {
        Origin::File { line, .. } => *line,
        _ => 1,
    }
}

/// [`select`], with an unknown entry recorded as an error at its line.
fn resolve_entry(
    lex: &Lexicon,
    file: &str,
    s: &Setting<String>,
    what: &str,
    errors: &mut Vec<String>,
) -> Vec<&'static str> {
    select(lex, &s.value).unwrap_or_else(|m| {
        errors.push(format!("{file}:{}: {what}: {m}", line_in(&s.origin)));
        Vec::new()
    })
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Finding => "finding",
        Kind::Cue => "cue",
        Kind::Credit => "credit",
    }
}

fn is_category(s: &str) -> bool {
    s.parse::<Category>().is_ok()
}

/// The codes an entry names: a rule code (`PR101`, any case), a category (`conduct`: every rule in it) or a rule
/// name (`lawsuit-threat`), tried in that order.
///
/// # Errors
/// The entry names nothing loaded; the message suggests where to look.
pub fn select(lex: &Lexicon, entry: &str) -> Result<Vec<&'static str>, String> {
    let e = entry.trim();
    if let Some(r) = lex.rule(e) {
        return Ok(vec![r.code]);
    }
    // A category before a name: `missed-empathy` is both the category and the name of ME101, and a team that
    // writes it means the whole category (the code ME101 names the single rule).
    if let Ok(c) = e.parse::<Category>() {
        return Ok(lex.rules.iter().filter(|r| r.category == c).map(|r| r.code).collect());
    }
    if let Some(r) = lex.rules.iter().find(|r| r.name == e) {
        return Ok(vec![r.code]);
    }
    let looks_like_code =
        e.len() == 5 && e[..2].chars().all(|c| c.is_ascii_alphabetic()) && e[2..].chars().all(|c| c.is_ascii_digit());
    if looks_like_code {
        Err(format!("no rule {e:?} is loaded; `callcoach rules` lists every code"))
    } else {
        Err(format!(
            "{e:?} is not a rule code, rule name or category; use a code such as PR101, a name such as \
             lawsuit-threat, or a category such as conduct (`callcoach rules` lists them)"
        ))
    }
}

/// What the command line adds to, or puts above, the configuration file.
#[derive(Clone, Copy, Debug, Default)]
pub struct Overrides<'a> {
    /// `--profile`.
    pub profile: Option<&'a str>,
    /// `--lexicons DIR`, loaded after the configuration's folders.
    pub lexicons: Option<&'a Path>,
    /// `--baseline FILE`.
    pub baseline: Option<&'a Path>,
}

/// A severity changed by the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeverityOverride {
    /// The rule.
    pub code: &'static str,
    /// The catalog's severity.
    pub from: Option<Severity>,
    /// The configured one.
    pub to: Severity,
    /// Where it was set.
    pub origin: Origin,
}

/// Everything in force for a run: the lexicon with overrides applied, the policy, weights, profile and baseline.
#[derive(Clone, Debug)]
pub struct Setup {
    /// The configuration it came from.
    pub config: Config,
    /// The lexicon, severities overridden.
    pub lexicon: Lexicon,
    /// The lexicon folders loaded after the built-in files, in order.
    pub lexicon_dirs: Vec<Setting<PathBuf>>,
    /// The profile forced for every call, if any.
    pub profile: Option<Setting<String>>,
    /// The accepted-findings baseline to apply, if any.
    pub baseline: Option<Setting<PathBuf>>,
    /// Subscore weights.
    pub weights: Weights,
    /// Severities the configuration changed.
    pub overrides: Vec<SeverityOverride>,
    /// Disabled rules and allow lists.
    pub policy: Policy,
}

impl Setup {
    /// The analyzer for this setup: lexicon compiled, weights set, and the policy applied after the rules.
    ///
    /// # Errors
    /// As [`Analyzer::new`].
    pub fn analyzer(&self) -> Result<Analyzer, String> {
        let a = Analyzer::new(self.lexicon.clone(), self.profile.as_ref().map(|p| p.value.as_str()))?
            .with_weights(self.weights);
        Ok(if self.policy.is_empty() { a } else { a.with_post_pass(Arc::new(self.policy.clone())) })
    }

    /// The contact-pattern rules in force: the cards of this setup's lexicon (severities overridden), without
    /// the ones `[rules] disable` switches off. `summary --contact` runs these, whether it analyses transcripts,
    /// reads `analyze` output or merges summaries.
    pub fn contact_rules(&self) -> ContactRules {
        let mut rules = ContactRules::from_lexicon(&self.lexicon);
        for slot in [&mut rules.frequency, &mut rules.after_conversation, &mut rules.hours] {
            if slot.as_ref().is_some_and(|r| self.policy.disabled.contains(r.code)) {
                *slot = None;
            }
        }
        rules
    }

    /// What is in force and where each setting came from, for `callcoach config check`.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        match &self.config.path {
            Some(p) => {
                let _ = writeln!(s, "configuration: {p}");
            }
            None => {
                let _ =
                    writeln!(s, "configuration: none found (looked for {FILE_NAME} here and in every parent folder)");
            }
        }
        let row = |s: &mut String, key: &str, value: &str, origin: &Origin| {
            let _ = writeln!(s, "  {key:<20} {value:<44} {origin}");
        };
        let _ = writeln!(s, "\nsettings (value, then where it was set)");
        match &self.profile {
            Some(p) => row(&mut s, "profile", &p.value, &p.origin),
            None => row(&mut s, "profile", "each call's own, else neutral", &Origin::Default),
        }
        row(
            &mut s,
            "lexicons",
            &format!("built-in ({} rules loaded in all)", self.lexicon.rules.len()),
            &Origin::Default,
        );
        for d in &self.lexicon_dirs {
            row(&mut s, "lexicons", &d.value.display().to_string(), &d.origin);
        }
        match &self.baseline {
            Some(b) => row(&mut s, "baseline", &b.value.display().to_string(), &b.origin),
            None => row(&mut s, "baseline", "none", &Origin::Default),
        }
        for sub in Subscore::ALL {
            let set = self.config.weights.iter().find(|(x, _)| *x == sub);
            let origin = set.map(|(_, w)| w.origin.clone()).unwrap_or(Origin::Default);
            row(&mut s, &format!("weight {}", sub.as_str()), &self.weights.get(sub).to_string(), &origin);
        }
        let _ = writeln!(s, "\nrules switched off ({} of {})", self.policy.disabled.len(), self.lexicon.rules.len());
        if self.config.disable.is_empty() {
            let _ = writeln!(s, "  none");
        }
        for d in &self.config.disable {
            let codes: Vec<_> = select(&self.lexicon, &d.value).unwrap_or_default();
            let off: Vec<_> = codes.iter().filter(|c| self.policy.disabled.contains(*c)).copied().collect();
            let kept = codes.len() - off.len();
            let extra = if kept > 0 { format!(" ({kept} kept by enable)") } else { String::new() };
            row(&mut s, &d.value, &format!("off: {}{extra}", list(&off)), &d.origin);
        }
        for e in &self.config.enable {
            let codes: Vec<_> = select(&self.lexicon, &e.value).unwrap_or_default();
            let on: Vec<_> = codes.iter().filter(|c| !self.policy.disabled.contains(*c)).copied().collect();
            row(&mut s, &e.value, &format!("on: {}", list(&on)), &e.origin);
        }
        let _ = writeln!(s, "\nseverity overrides ({})", self.overrides.len());
        if self.overrides.is_empty() {
            let _ = writeln!(s, "  none");
        }
        for o in &self.overrides {
            let change = match o.from {
                Some(from) if from == o.to => format!("{from} (as in the catalog)"),
                Some(from) => format!("{from} -> {}", o.to),
                None => format!("- -> {}", o.to),
            };
            row(&mut s, o.code, &change, &o.origin);
        }
        let _ = writeln!(s, "\nallowed phrases ({})", self.policy.allows.len());
        if self.policy.allows.is_empty() {
            let _ = writeln!(s, "  none");
        }
        for a in &self.policy.allows {
            let scope = match &a.codes {
                None => "every rule".to_owned(),
                Some(c) if c.is_empty() => format!("{}: no such rules loaded", a.entry.rules.join(", ")),
                Some(c) => c.iter().copied().collect::<Vec<_>>().join(", "),
            };
            let reason = a.entry.reason.as_deref().map(|r| format!("; {r}")).unwrap_or_default();
            let _ = writeln!(s, "  {:?} ({scope}{reason})  {}", a.entry.phrase, a.entry.origin);
        }
        s
    }
}

fn list(codes: &[&str]) -> String {
    if codes.is_empty() {
        "(no rules loaded)".to_owned()
    } else {
        codes.join(", ")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct CompiledAllow {
    entry: Allow,
    /// Codes it applies to; None for every rule.
    codes: Option<BTreeSet<&'static str>>,
    /// Each variant as normalised words.
    variants: Vec<Vec<String>>,
}

/// Bytes of a turn covered by an allow phrase, and which phrase (index into the policy's allow list).
type AllowedRange = (usize, usize, usize);

/// Disabled rules and allow lists, applied to each analysis after the rules and before scoring.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// Codes switched off: their items are not reported.
    pub disabled: BTreeSet<&'static str>,
    /// Where each disabled code was switched off.
    disabled_at: BTreeMap<&'static str, Origin>,
    allows: Vec<CompiledAllow>,
}

impl Policy {
    /// Whether the policy changes nothing.
    pub fn is_empty(&self) -> bool {
        self.disabled.is_empty() && self.allows.is_empty()
    }

    /// Byte ranges of `text` covered by allow phrases: `(start, end, index into allows)`. A turn is tokenized
    /// once, whichever rules' findings are then checked against it.
    fn allowed_ranges(&self, text: &str) -> Vec<AllowedRange> {
        let tt = tokenize(text);
        let words: Vec<&str> = tt.tokens.iter().map(|t| tt.norm(t)).collect();
        let mut out = Vec::new();
        for (ai, a) in self.allows.iter().enumerate() {
            for v in a.variants.iter().filter(|v| v.len() <= words.len()) {
                for i in 0..=words.len() - v.len() {
                    if words[i..i + v.len()].iter().zip(v).all(|(w, p)| w == p) {
                        out.push((tt.tokens[i].start, tt.tokens[i + v.len() - 1].end, ai));
                    }
                }
            }
        }
        out
    }
}

impl PostPass for Policy {
    fn apply(&self, call: &Call, a: &mut Analysis) {
        if !self.disabled.is_empty() {
            let mut dropped = Vec::new();
            for list in [&mut a.findings, &mut a.cues, &mut a.credits] {
                list.retain(|i| {
                    let off = self.disabled.contains(i.code);
                    if off {
                        let at = self.disabled_at.get(i.code).map(ToString::to_string).unwrap_or_default();
                        dropped.push(Decision {
                            code: i.code,
                            turn: i.turn,
                            text: i.text.clone(),
                            context: "rule switched off".into(),
                            outcome: format!("dropped: disabled by {at}"),
                        });
                    }
                    !off
                });
            }
            a.decisions.extend(dropped);
        }
        if self.allows.is_empty() {
            return;
        }
        // Findings only: an allowed phrase never flags, but it may still earn a credit or signal a cue.
        let mut cache: HashMap<usize, Vec<AllowedRange>> = HashMap::new();
        let mut decisions = Vec::new();
        a.findings.retain(|f| {
            let Some(turn) = call.turns.get(f.turn) else {
                return true;
            };
            let ranges = cache.entry(f.turn).or_insert_with(|| self.allowed_ranges(&turn.text));
            // The finding must lie inside the allowed words: a disclosure finding anchored on a whole sentence
            // that merely mentions the company name is still reported.
            let inside = ranges.iter().find(|(s, e, ai)| {
                let codes = &self.allows[*ai].codes;
                codes.as_ref().is_none_or(|c| c.contains(f.code)) && *s <= f.start && f.end <= *e && f.end > f.start
            });
            match inside.map(|(_, _, ai)| &self.allows[*ai].entry.origin) {
                Some(origin) => {
                    decisions.push(Decision {
                        code: f.code,
                        turn: f.turn,
                        text: f.text.clone(),
                        context: "inside an allowed phrase".into(),
                        outcome: format!("dropped: allowed by {origin}"),
                    });
                    false
                }
                None => true,
            }
        });
        a.decisions.extend(decisions);
    }
}
