//! score: the 0-100 scorecard, every point traced to an item. The rubric is written down in `docs/SCORING.md`;
//! the constants here are that rubric, and a test keeps the two in step.

use serde::Serialize;

use crate::finding::{Category, Item, Severity};
use crate::lexicon::{signal_index, FeatureWeight, Lexicon, SIGNALS};
use crate::rules::Analysis;

/// The five subscores of the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Subscore {
    /// Courtesy up, pressure, abuse and blunt tone down.
    Respect,
    /// Misleading statements down, reassurance up.
    Honesty,
    /// Acknowledged cues up, missed empathy down.
    Empathy,
    /// Options, affordability, signposting and recaps up; ignored requests down.
    Collaboration,
    /// Disclosures, privacy, and the compliance knock-outs.
    Compliance,
}

impl Subscore {
    /// All five, in output order.
    pub const ALL: [Subscore; 5] =
        [Subscore::Respect, Subscore::Honesty, Subscore::Empathy, Subscore::Collaboration, Subscore::Compliance];

    /// Where a subscore starts before any item: a call with no evidence either way.
    pub fn base(self) -> i32 {
        match self {
            Subscore::Respect => 85,
            Subscore::Honesty => 95,
            Subscore::Empathy => 80,
            Subscore::Collaboration => 80,
            Subscore::Compliance => 100,
        }
    }

    /// The weight of the subscore in the overall score, in percent.
    pub fn weight(self) -> i32 {
        match self {
            Subscore::Respect => 25,
            Subscore::Honesty => 20,
            Subscore::Empathy => 20,
            Subscore::Collaboration => 15,
            Subscore::Compliance => 20,
        }
    }

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Subscore::Respect => "respect",
            Subscore::Honesty => "honesty",
            Subscore::Empathy => "empathy",
            Subscore::Collaboration => "collaboration",
            Subscore::Compliance => "compliance",
        }
    }
}

/// The weight of each subscore in the overall score (`[score.weights]` in `callcoach.toml`). The default is the
/// rubric of `docs/SCORING.md`; weights are relative (the overall score divides by their sum), so a team can
/// stress compliance without the other four having to change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Weights {
    /// Percent weight of each subscore, in [`Subscore::ALL`] order.
    pub of: [i32; 5],
}

impl Default for Weights {
    fn default() -> Weights {
        Weights { of: Subscore::ALL.map(Subscore::weight) }
    }
}

impl Weights {
    /// The weight of one subscore.
    pub fn get(&self, s: Subscore) -> i32 {
        Subscore::ALL.iter().position(|x| *x == s).map(|i| self.of[i]).unwrap_or(0)
    }

    /// Set the weight of one subscore.
    pub fn set(&mut self, s: Subscore, w: i32) {
        if let Some(i) = Subscore::ALL.iter().position(|x| *x == s) {
            self.of[i] = w;
        }
    }

    /// The sum of the weights (positive for any weights the configuration accepts).
    pub fn total(&self) -> i32 {
        self.of.iter().sum()
    }
}

/// Points a finding of each severity takes from its subscore.
pub fn deduction(sev: Severity) -> i32 {
    match sev {
        Severity::Info => 3,
        Severity::Low => 5,
        Severity::Medium => 10,
        Severity::High => 20,
        Severity::Critical => 35,
    }
}

/// The subscores a finding category deducts from. Threats and deception are also compliance knock-outs.
fn finding_targets(c: Category, sev: Severity) -> &'static [Subscore] {
    use Subscore::*;
    match c {
        Category::Pressure | Category::Abuse if sev >= Severity::High => &[Respect, Compliance],
        Category::Pressure | Category::Abuse | Category::Conduct => &[Respect],
        Category::Misleading => &[Honesty, Compliance],
        Category::MissedEmpathy => &[Empathy],
        Category::IgnoredRequest => &[Collaboration, Compliance],
        Category::Disclosure | Category::Privacy => &[Compliance],
        _ => &[],
    }
}

/// What a credit of each category adds, to which subscore, and the most that category can add in one call.
pub fn credit_value(c: Category) -> Option<(Subscore, i32, i32)> {
    use Subscore::*;
    Some(match c {
        Category::Courtesy => (Respect, 4, 15),
        Category::Empathy => (Empathy, 6, 20),
        Category::Reassurance => (Honesty, 3, 5),
        Category::Options | Category::Affordability | Category::Signposting | Category::Recap => (Collaboration, 5, 20),
        Category::Rights => (Collaboration, 3, 6),
        _ => return None,
    })
}

/// The most the overall score can be with a finding of this severity (compliance knock-outs).
pub fn cap(sev: Severity) -> Option<i32> {
    match sev {
        Severity::Critical => Some(40),
        Severity::High => Some(70),
        _ => None,
    }
}

/// One line of the trace: which item moved which score by how much.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// The score moved (`overall` for caps).
    pub score: &'static str,
    /// Points added (positive) or taken (negative); for a cap, the cap.
    pub points: i32,
    /// The item's code.
    pub code: &'static str,
    /// The item's turn.
    pub turn: usize,
    /// What moved it.
    pub reason: String,
}

/// The call's score: overall, the five subscores, and the trace of every change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Scorecard {
    /// Weighted mean of the subscores, capped by the worst finding.
    pub overall: i32,
    /// Respect.
    pub respect: i32,
    /// Honesty.
    pub honesty: i32,
    /// Empathy.
    pub empathy: i32,
    /// Collaboration.
    pub collaboration: i32,
    /// Compliance.
    pub compliance: i32,
    /// Every change, in order.
    #[serde(skip)]
    pub trace: Vec<Trace>,
}

impl Scorecard {
    /// A subscore's value.
    pub fn get(&self, s: Subscore) -> i32 {
        match s {
            Subscore::Respect => self.respect,
            Subscore::Honesty => self.honesty,
            Subscore::Empathy => self.empathy,
            Subscore::Collaboration => self.collaboration,
            Subscore::Compliance => self.compliance,
        }
    }
}

fn counts(i: &Item) -> bool {
    !i.accepted
}

/// One weighed feature present in a call: (subscore, exact points, code, first turn, the weight, the number of
/// agent turns with it for a signal).
type Share<'a> = (usize, f64, &'static str, usize, &'a FeatureWeight, Option<usize>);

/// One weight of the linear scorer with what it weighs resolved: (subscore, its signal when the feature is one,
/// the weight).
type Feature<'a> = (usize, Option<u8>, &'a FeatureWeight);

/// The linear scorer (`lexicons/weights.toml`): each weighed feature moves its subscore by its weight. A rule
/// code counts in full when its item stands anywhere in the call, as a credit does in the rubric; a signal (the
/// `style-` politeness strategies) counts by the share of agent turns in which it appears, since in a long call
/// every strategy turns up somewhere. In a one-turn request, the case the weights were fitted on, both are simply
/// present or not. Each subscore's linear total is rounded once, and its whole points are shared out over the
/// features present by the largest-remainder method, so no fraction is lost to rounding each feature alone and
/// the trace still adds up.
fn linear(a: &Analysis, features: &[Feature<'_>], sub: &mut [i32; 5], trace: &mut Vec<Trace>) {
    if a.agent_turns == 0 {
        return;
    }
    // Per signal, the agent turns it is in and the first of them (`agent_signals` holds each signal once per
    // turn, in turn order); the call's counted items by (code, turn), sorted once, so each weight on a rule code
    // finds its turns by a binary search rather than a pass over the whole call.
    let mut per_signal = [(0usize, usize::MAX); SIGNALS.len()];
    for &(t, x) in &a.agent_signals {
        if let Some((n, first)) = per_signal.get_mut(usize::from(x)) {
            *n += 1;
            *first = (*first).min(t);
        }
    }
    let mut items: Vec<(&'static str, usize)> =
        a.findings.iter().chain(&a.credits).filter(|i| counts(i)).map(|i| (i.code, i.turn)).collect();
    items.sort_unstable();
    // In the order of the weights.
    let mut parts: Vec<Share<'_>> = Vec::new();
    let mut turns: Vec<usize> = Vec::new();
    for &(s, signal, w) in features {
        let (code, n, first) = if let Some(i) = signal {
            let (n, first) = per_signal[usize::from(i)];
            (SIGNALS[usize::from(i)], n, first)
        } else {
            turns.clear();
            let from = items.partition_point(|&(c, _)| c < w.feature.as_str());
            let mut code = "";
            for &(c, t) in items[from..].iter().take_while(|&&(c, _)| c == w.feature) {
                code = c;
                turns.push(t);
            }
            turns.sort_unstable();
            turns.dedup();
            (code, turns.len(), turns.first().copied().unwrap_or(usize::MAX))
        };
        if n == 0 {
            continue;
        }
        let n = n.min(a.agent_turns);
        let signal = signal.is_some();
        let share = if signal { n as f64 / a.agent_turns as f64 } else { 1.0 };
        parts.push((s, w.weight * share, code, first, w, signal.then_some(n)));
    }
    for (s, subscore) in Subscore::ALL.iter().enumerate() {
        let mine: Vec<usize> = (0..parts.len()).filter(|&i| parts[i].0 == s).collect();
        if mine.is_empty() {
            continue;
        }
        let total = mine.iter().map(|&i| parts[i].1).sum::<f64>().round() as i64;
        let mut points: Vec<i64> = mine.iter().map(|&i| parts[i].1.floor() as i64).collect();
        // The points still owed go one each to the largest remainders (ties: the earlier weight).
        let owed = (total - points.iter().sum::<i64>()).clamp(0, points.len() as i64) as usize;
        let mut order: Vec<usize> = (0..mine.len()).collect();
        order.sort_by(|&x, &y| {
            let (rx, ry) = (parts[mine[x]].1 - parts[mine[x]].1.floor(), parts[mine[y]].1 - parts[mine[y]].1.floor());
            ry.total_cmp(&rx).then(x.cmp(&y))
        });
        for &k in order.iter().take(owed) {
            points[k] += 1;
        }
        for (k, &i) in mine.iter().enumerate() {
            let p = points[k] as i32;
            if p == 0 {
                continue;
            }
            let (_, _, code, turn, w, signal_turns) = parts[i];
            // Written only for a feature that moves the score: most calls have several that round to nothing.
            let reason = match signal_turns {
                Some(n) => format!("{} in {n} of {} agent turns, weight {:+}", w.feature, a.agent_turns, w.weight),
                None => format!("{}, weight {:+}", w.feature, w.weight),
            };
            sub[s] += p;
            trace.push(Trace { score: subscore.as_str(), points: p, code, turn, reason });
        }
    }
}

/// Score an analysis by the rubric.
pub fn score(a: &Analysis, lex: &Lexicon) -> Scorecard {
    score_with(a, lex, &Weights::default())
}

/// Score an analysis by the rubric with these subscore weights.
pub fn score_with(a: &Analysis, lex: &Lexicon, weights: &Weights) -> Scorecard {
    let card_points = |code: &str| lex.rule(code).and_then(|r| r.points);
    let idx = |s: Subscore| Subscore::ALL.iter().position(|x| *x == s).unwrap_or(0);
    // What each weight weighs, resolved once for the linear scorer and the credits below.
    let features: Vec<Feature<'_>> = lex
        .weights
        .iter()
        .filter_map(|w| Some((Subscore::ALL.iter().position(|s| s.as_str() == w.score)?, signal_index(&w.feature), w)))
        .collect();
    // A credit the linear scorer weighs on a subscore moves that subscore through its weight only.
    let weighed = |code: &str, s: Subscore| {
        features.iter().any(|&(f, signal, w)| signal.is_none() && f == idx(s) && w.feature.eq_ignore_ascii_case(code))
    };
    let mut trace = Vec::new();
    let mut sub = Subscore::ALL.map(Subscore::base);
    linear(a, &features, &mut sub, &mut trace);
    for f in a.findings.iter().filter(|i| counts(i)) {
        let sev = f.severity.unwrap_or(Severity::Low);
        for &s in finding_targets(f.category, sev) {
            let p = card_points(f.code).map(i32::abs).unwrap_or_else(|| deduction(sev));
            sub[idx(s)] -= p;
            trace.push(Trace {
                score: s.as_str(),
                points: -p,
                code: f.code,
                turn: f.turn,
                reason: format!("{} {}", sev, f.category),
            });
        }
    }
    let mut used: Vec<(Category, i32)> = Vec::new();
    for c in a.credits.iter().filter(|i| counts(i)) {
        let Some((s, p, max)) = credit_value(c.category) else {
            continue;
        };
        if weighed(c.code, s) {
            continue;
        }
        let p = card_points(c.code).unwrap_or(p);
        let so_far = used.iter().filter(|(k, _)| *k == c.category).map(|(_, v)| v).sum::<i32>();
        let p = p.min(max - so_far);
        if p <= 0 {
            continue;
        }
        used.push((c.category, p));
        sub[idx(s)] += p;
        trace.push(Trace {
            score: s.as_str(),
            points: p,
            code: c.code,
            turn: c.turn,
            reason: format!("{} credit", c.category),
        });
    }
    let sub = sub.map(|v| v.clamp(0, 100));
    let weighted: i32 = Subscore::ALL.iter().map(|s| sub[idx(*s)] * weights.get(*s)).sum();
    // Rounded to the nearest point; with the default weights (sum 100) this is the rubric's formula exactly.
    let total = weights.total().max(1);
    let mut overall = (weighted + total / 2) / total;
    if let Some(worst) = a.findings.iter().filter(|i| counts(i)).max_by_key(|f| f.severity) {
        if let Some(c) = worst.severity.and_then(cap) {
            if overall > c {
                trace.push(Trace {
                    score: "overall",
                    points: c,
                    code: worst.code,
                    turn: worst.turn,
                    reason: format!(
                        "capped at {c} by a {} finding",
                        worst.severity.map(Severity::as_str).unwrap_or("")
                    ),
                });
                overall = c;
            }
        }
    }
    Scorecard {
        overall: overall.clamp(0, 100),
        respect: sub[0],
        honesty: sub[1],
        empathy: sub[2],
        collaboration: sub[3],
        compliance: sub[4],
        trace,
    }
}
