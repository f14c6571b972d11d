//! summary: what a QA lead reads about an archive: per agent and per team, score averages and distributions, the
//! rules that fire most, calls under a threshold, the lowest-scoring calls, error counts, and contact patterns.
//!
//! A [`Summary`] stores only sums, counts and histograms (integers), never averages, so summaries of shards
//! [`merge`](Summary::merge) into exactly the figures of one run over the whole: scores are integers 0-100, so a
//! 101-bucket histogram is the exact distribution and medians and percentiles come out the same too. Derived
//! figures (mean, median, p10, p90) are recomputed by [`Summary::finish`] and ignored when a summary is read back.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::call::Call;
use crate::contact::{self, Contact, ContactFinding, ContactRules, Extract};
use crate::finding::{Category, Kind};
use crate::rules::Analysis;
use crate::score::Subscore;

/// The format tag written in every summary; `merge` refuses anything else.
pub const FORMAT: &str = "callcoach-summary/1";

/// How many lowest-scoring calls each group keeps.
pub const LOWEST: usize = 5;

/// The group name for calls without the field.
pub const NONE: &str = "(none)";

/// The score names, overall first, in the order of [`CallStats::scores`].
pub const SCORES: [&str; 6] = ["overall", "respect", "honesty", "empathy", "collaboration", "compliance"];

/// The distribution of one integer score 0-100: its sum and a sparse histogram (score -> calls).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dist {
    /// Sum of the scores.
    pub sum: u64,
    /// Calls per score value; values with no calls are left out.
    pub hist: BTreeMap<u8, u64>,
    /// Mean, one decimal, rounded half up (derived).
    #[serde(default, skip_deserializing)]
    pub mean: f64,
    /// Lower median (derived).
    #[serde(default, skip_deserializing)]
    pub median: u8,
    /// 10th percentile, nearest rank (derived).
    #[serde(default, skip_deserializing)]
    pub p10: u8,
    /// 90th percentile, nearest rank (derived).
    #[serde(default, skip_deserializing)]
    pub p90: u8,
}

impl Dist {
    fn add(&mut self, v: i32) {
        let v = v.clamp(0, 100) as u8;
        self.sum += u64::from(v);
        *self.hist.entry(v).or_default() += 1;
    }

    fn merge(&mut self, o: &Dist) {
        self.sum += o.sum;
        for (k, v) in &o.hist {
            *self.hist.entry(*k).or_default() += v;
        }
    }

    /// How many calls.
    pub fn count(&self) -> u64 {
        self.hist.values().sum()
    }

    /// The mean in tenths, rounded half up, by integer maths (0 for no calls).
    pub fn mean_tenths(&self) -> u64 {
        let n = self.count();
        if n == 0 {
            0
        } else {
            (self.sum * 20 + n) / (2 * n)
        }
    }

    /// The nearest-rank percentile `pct` (1-100): the smallest score with at least pct% of calls at or below it.
    pub fn percentile(&self, pct: u64) -> u8 {
        let n = self.count();
        let rank = (n * pct).div_ceil(100).max(1);
        let mut seen = 0;
        for (k, v) in &self.hist {
            seen += v;
            if seen >= rank {
                return *k;
            }
        }
        0
    }

    fn finish(&mut self) {
        self.mean = self.mean_tenths() as f64 / 10.0;
        self.median = self.percentile(50);
        self.p10 = self.percentile(10);
        self.p90 = self.percentile(90);
    }

    /// Calls per band of ten (0-9, ..., 90-99, 100).
    pub fn bands(&self) -> [u64; 11] {
        let mut b = [0; 11];
        for (k, v) in &self.hist {
            // Keys come from files too (`--merge`): anything over 100 counts as 100 rather than panicking.
            b[usize::from(*k / 10).min(10)] += v;
        }
        b
    }
}

/// One of the lowest-scoring calls of a group.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Low {
    /// The overall score (first, so lows sort worst first).
    pub overall: i32,
    /// The call id.
    pub id: String,
    /// Where it was read.
    pub source: String,
}

/// The figures of one group of calls (an agent, a team, or all).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Calls analysed.
    pub calls: u64,
    /// Calls whose overall score is under the summary's threshold.
    pub under_threshold: u64,
    /// Distributions of the overall score and each subscore, by name.
    pub scores: BTreeMap<String, Dist>,
    /// Findings that count (not accepted by a suppression).
    pub findings: u64,
    /// Customer cues.
    pub cues: u64,
    /// Credits.
    pub credits: u64,
    /// Findings per category.
    pub categories: BTreeMap<String, u64>,
    /// Findings per rule code.
    pub rules: BTreeMap<String, u64>,
    /// The lowest-scoring calls, worst first (ties by id, then source, so the choice is deterministic).
    pub lowest: Vec<Low>,
}

impl Group {
    fn add(&mut self, s: &CallStats, threshold: i32) {
        self.calls += 1;
        if s.scores[0] < threshold {
            self.under_threshold += 1;
        }
        for (name, v) in SCORES.iter().zip(s.scores) {
            self.scores.entry((*name).to_owned()).or_default().add(v);
        }
        self.findings += s.codes.len() as u64;
        self.cues += s.cues;
        self.credits += s.credits;
        for (code, cat) in &s.codes {
            *self.categories.entry(cat.clone()).or_default() += 1;
            *self.rules.entry(code.clone()).or_default() += 1;
        }
        self.push_low(Low { overall: s.scores[0], id: s.id.clone(), source: s.source.clone() });
    }

    fn push_low(&mut self, l: Low) {
        // Keeping the k smallest of each shard keeps the k smallest of the whole: merging is exact.
        let at = self.lowest.partition_point(|x| *x <= l);
        if at < LOWEST {
            self.lowest.insert(at, l);
            self.lowest.truncate(LOWEST);
        }
    }

    fn merge(&mut self, o: &Group) {
        self.calls += o.calls;
        self.under_threshold += o.under_threshold;
        for (k, d) in &o.scores {
            self.scores.entry(k.clone()).or_default().merge(d);
        }
        self.findings += o.findings;
        self.cues += o.cues;
        self.credits += o.credits;
        for (k, v) in &o.categories {
            *self.categories.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.rules {
            *self.rules.entry(k.clone()).or_default() += v;
        }
        for l in &o.lowest {
            self.push_low(l.clone());
        }
    }

    /// The rule codes that fired most, most first (ties by code).
    pub fn top_rules(&self, n: usize) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self.rules.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.truncate(n);
        v
    }

    fn finish(&mut self) {
        for d in self.scores.values_mut() {
            d.finish();
        }
    }

    /// The overall score's distribution (empty when there are no calls).
    pub fn overall(&self) -> Dist {
        self.scores.get("overall").cloned().unwrap_or_default()
    }
}

/// Contact-pattern data of a summary: every call with an account and a time (the raw material, so merges stay
/// exact), and the findings derived from them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Contacts {
    /// Calls with an `account_id` but no usable `started_at` (not checked).
    pub without_time: u64,
    /// Each account's calls, sorted by time.
    pub accounts: BTreeMap<String, Vec<Contact>>,
    /// Findings per rule code (derived).
    #[serde(default, skip_deserializing)]
    pub by_code: BTreeMap<String, u64>,
    /// Accounts with at least one finding (derived).
    #[serde(default, skip_deserializing)]
    pub flagged_accounts: u64,
    /// Every finding, in account order then time order (derived).
    #[serde(default, skip_deserializing)]
    pub findings: Vec<ContactFinding>,
}

/// The summary of a set of calls.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Always [`FORMAT`].
    pub format: String,
    /// The overall score under which a call counts in `under_threshold`.
    pub threshold: i32,
    /// The metadata field of `teams`, when grouped (`--group-by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<String>,
    /// Every call.
    pub total: Group,
    /// Per `agent_id` ([`NONE`] for calls without one).
    pub agents: BTreeMap<String, Group>,
    /// Per value of `group_by`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub teams: BTreeMap<String, Group>,
    /// Inputs or records that could not be read.
    pub errors: u64,
    /// Errors per file.
    pub errors_by_file: BTreeMap<String, u64>,
    /// Contact-pattern data, when the checks were asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contacts>,
}

/// What the summary keeps of one analysed call, computed on the batch workers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallStats {
    /// The call id.
    pub id: String,
    /// `file:line`.
    pub source: String,
    /// The agent.
    pub agent_id: Option<String>,
    /// The value of the `group_by` field.
    pub team: Option<String>,
    /// Overall, then the subscores in [`SCORES`] order.
    pub scores: [i32; 6],
    /// (code, category) of each counted finding.
    pub codes: Vec<(String, String)>,
    /// How many cues.
    pub cues: u64,
    /// How many credits.
    pub credits: u64,
    /// The contact record, when contact checks are on.
    pub contact: Option<Extract>,
}

fn value_str(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        v => Some(v.to_string()),
    }
}

/// The value of a `--group-by` field on a call: `agent_id`, `account_id`, `profile`, or a metadata field.
pub fn field_of(call: &Call, field: &str) -> Option<String> {
    match field {
        "agent_id" => call.agent_id.clone(),
        "account_id" => call.account_id.clone(),
        "profile" => call.profile.clone(),
        "started_at" => call.started_at.clone(),
        f => call.metadata.get(f).and_then(value_str),
    }
}

impl CallStats {
    /// The statistics of one analysed call.
    pub fn new(call: &Call, a: &Analysis, group_by: Option<&str>, contacts: bool) -> CallStats {
        let s = &a.score;
        CallStats {
            id: call.id.clone(),
            source: call.source.as_ref().map(ToString::to_string).unwrap_or_default(),
            agent_id: call.agent_id.clone(),
            team: group_by.and_then(|f| field_of(call, f)),
            scores: [s.overall, s.respect, s.honesty, s.empathy, s.collaboration, s.compliance],
            codes: a
                .findings
                .iter()
                .filter(|f| !f.accepted)
                .map(|f| (f.code.to_owned(), f.category.as_str().to_owned()))
                .collect(),
            cues: a.cues.len() as u64,
            credits: a.credits.len() as u64,
            contact: contacts.then(|| contact::extract(call)),
        }
    }

    /// The statistics of one line of `callcoach analyze --format jsonl` output. `contact` data is read when the
    /// line carries `account_id` and `started_at` (and `direction`, `outcome` when present).
    ///
    /// # Errors
    /// A message when the line is not an analysis result.
    pub fn from_jsonl(line: &[u8], group_by: Option<&str>, contacts: bool) -> Result<CallStats, String> {
        let v: serde_json::Value = serde_json::from_slice(line).map_err(|e| format!("invalid JSON: {e}"))?;
        let o = v.as_object().ok_or("expected a JSON object (a line of `callcoach analyze --format jsonl`)")?;
        let str_of = |k: &str| o.get(k).and_then(value_str);
        let id = str_of("id").ok_or("missing \"id\": not a line of `callcoach analyze --format jsonl`")?;
        let score = o.get("score").and_then(|s| s.as_object()).ok_or("missing \"score\": not an analysis result")?;
        let mut scores = [0; 6];
        for (slot, name) in scores.iter_mut().zip(SCORES) {
            let v = score
                .get(name)
                .and_then(serde_json::Value::as_i64)
                .ok_or(format!("score.{name}: expected an integer"))?;
            *slot = v.clamp(0, 100) as i32;
        }
        let items = |k: &str| o.get(k).and_then(|v| v.as_array()).map(Vec::as_slice).unwrap_or_default();
        let codes = items("findings")
            .iter()
            .filter(|f| f.get("accepted").and_then(serde_json::Value::as_bool) != Some(true))
            .map(|f| {
                let g = |k: &str| f.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_owned();
                (g("code"), g("category"))
            })
            .collect();
        let contact = contacts.then(|| {
            let Some(account) = str_of("account_id") else {
                return Extract::NoAccount;
            };
            let started_at = str_of("started_at");
            let Some((at, local_secs)) = started_at.as_deref().and_then(contact::parse_rfc3339) else {
                return Extract::NoTime;
            };
            // `conversation` is written by analyze for calls with an account; output without it (from an older
            // version) falls back to the outcome, then to whether any turn was the customer's.
            let spoke = items("roles").iter().any(|r| r.as_str() == Some("customer"));
            let conversation = o.get("conversation").and_then(serde_json::Value::as_bool);
            let c = Contact {
                at,
                id: id.clone(),
                source: str_of("source").unwrap_or_default(),
                started_at: started_at.unwrap_or_default(),
                local_secs,
                attempt: !contact::is_inbound(str_of("direction").as_deref()),
                conversation: conversation
                    .or_else(|| contact::outcome_is_conversation(str_of("outcome").as_deref()))
                    .unwrap_or(spoke),
                agent_id: str_of("agent_id"),
            };
            Extract::Contact(Box::new((account, c)))
        });
        Ok(CallStats {
            source: str_of("source").unwrap_or_default(),
            agent_id: str_of("agent_id"),
            team: group_by.and_then(str_of),
            scores,
            codes,
            cues: items("cues").len() as u64,
            credits: items("credits").len() as u64,
            contact,
            id,
        })
    }
}

impl Summary {
    /// An empty summary.
    pub fn new(threshold: i32, group_by: Option<String>, contacts: bool) -> Summary {
        Summary {
            format: FORMAT.to_owned(),
            threshold,
            group_by,
            total: Group::default(),
            agents: BTreeMap::new(),
            teams: BTreeMap::new(),
            errors: 0,
            errors_by_file: BTreeMap::new(),
            contact: contacts.then(Contacts::default),
        }
    }

    /// Count one call.
    pub fn add(&mut self, s: CallStats) {
        let t = self.threshold;
        self.total.add(&s, t);
        self.agents.entry(s.agent_id.clone().unwrap_or_else(|| NONE.to_owned())).or_default().add(&s, t);
        if self.group_by.is_some() {
            self.teams.entry(s.team.clone().unwrap_or_else(|| NONE.to_owned())).or_default().add(&s, t);
        }
        if let (Some(c), Some(x)) = (&mut self.contact, s.contact) {
            match x {
                Extract::NoAccount => {}
                Extract::NoTime => c.without_time += 1,
                Extract::Contact(b) => {
                    let (account, contact) = *b;
                    c.accounts.entry(account).or_default().push(contact);
                }
            }
        }
    }

    /// Count one input or record that could not be read.
    pub fn add_error(&mut self, file: &str) {
        self.errors += 1;
        *self.errors_by_file.entry(file.to_owned()).or_default() += 1;
    }

    /// Add another summary's figures.
    ///
    /// # Errors
    /// The summaries were made with different thresholds, groupings or contact settings, or `o` is not a
    /// summary of this version.
    pub fn merge(&mut self, o: &Summary) -> Result<(), String> {
        if o.format != FORMAT {
            return Err(format!("not a {FORMAT} summary (format {:?})", o.format));
        }
        if o.threshold != self.threshold {
            return Err(format!(
                "threshold {} differs from {}: summarise every shard with the same --threshold",
                o.threshold, self.threshold
            ));
        }
        if o.group_by != self.group_by {
            return Err(format!(
                "grouped by {:?}, not {:?}: summarise every shard with the same --group-by",
                o.group_by.as_deref().unwrap_or("agent only"),
                self.group_by.as_deref().unwrap_or("agent only")
            ));
        }
        if o.contact.is_some() != self.contact.is_some() {
            return Err("some shards have contact checks and some do not: use --contact on every shard".into());
        }
        self.total.merge(&o.total);
        for (k, g) in &o.agents {
            self.agents.entry(k.clone()).or_default().merge(g);
        }
        for (k, g) in &o.teams {
            self.teams.entry(k.clone()).or_default().merge(g);
        }
        self.errors += o.errors;
        for (k, v) in &o.errors_by_file {
            *self.errors_by_file.entry(k.clone()).or_default() += v;
        }
        if let (Some(c), Some(oc)) = (&mut self.contact, &o.contact) {
            c.without_time += oc.without_time;
            for (k, v) in &oc.accounts {
                c.accounts.entry(k.clone()).or_default().extend(v.iter().cloned());
            }
        }
        Ok(())
    }

    /// Compute the derived figures and run the contact checks. Call before writing.
    pub fn finish(&mut self, rules: &ContactRules) {
        for g in std::iter::once(&mut self.total).chain(self.agents.values_mut()).chain(self.teams.values_mut()) {
            g.finish();
        }
        if let Some(c) = &mut self.contact {
            c.findings.clear();
            c.by_code.clear();
            c.flagged_accounts = 0;
            for (account, list) in &mut c.accounts {
                list.sort();
                list.dedup();
                let f = contact::check_account(rules, account, list);
                if !f.is_empty() {
                    c.flagged_accounts += 1;
                }
                for x in &f {
                    *c.by_code.entry(x.code.clone()).or_default() += 1;
                }
                c.findings.extend(f);
            }
        }
    }

    /// The summary as a table for people.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let t = &self.total;
        let _ = writeln!(
            s,
            "{} calls, {} under {}, {} input error(s)",
            t.calls, t.under_threshold, self.threshold, self.errors
        );
        let _ = writeln!(s);
        table(&mut s, "AGENT", &self.agents, t);
        if let Some(f) = &self.group_by {
            let _ = writeln!(s);
            table(&mut s, &f.to_uppercase(), &self.teams, t);
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "Overall score distribution (all calls):");
        let bands = t.overall().bands();
        let max = bands.iter().copied().max().unwrap_or(0).max(1);
        for (i, n) in bands.iter().enumerate() {
            let label = if i == 10 { "100".to_owned() } else { format!("{}-{}", i * 10, i * 10 + 9) };
            let bar = "#".repeat(((n * 40).div_ceil(max)) as usize);
            let _ = writeln!(s, "  {label:>6} | {bar:<40} {n}");
        }
        if !t.categories.is_empty() {
            let _ = writeln!(s);
            let cats: Vec<String> = Category::ALL
                .iter()
                .filter(|c| c.kind() == Kind::Finding)
                .filter_map(|c| t.categories.get(c.as_str()).map(|n| format!("{} {n}", c.as_str())))
                .collect();
            let _ = writeln!(s, "Findings by category: {}", cats.join(", "));
        }
        if !t.lowest.is_empty() {
            let _ = writeln!(s);
            let _ = writeln!(s, "Lowest-scoring calls:");
            for l in &t.lowest {
                let _ = writeln!(s, "  {:>3}  {}  ({})", l.overall, l.id, l.source);
            }
        }
        if self.errors > 0 {
            let _ = writeln!(s);
            let _ = writeln!(s, "Input errors by file:");
            for (f, n) in &self.errors_by_file {
                let _ = writeln!(s, "  {n:>6}  {f}");
            }
        }
        if let Some(c) = &self.contact {
            let _ = writeln!(s);
            let codes: Vec<String> = c.by_code.iter().map(|(k, v)| format!("{k} {v}")).collect();
            let _ = writeln!(
                s,
                "Contact patterns: {} account(s), {} flagged; findings: {}{}",
                c.accounts.len(),
                c.flagged_accounts,
                if codes.is_empty() { "none".to_owned() } else { codes.join(", ") },
                if c.without_time > 0 {
                    format!(" ({} call(s) with an account but no usable started_at)", c.without_time)
                } else {
                    String::new()
                }
            );
            let mut per: BTreeMap<&str, Vec<&ContactFinding>> = BTreeMap::new();
            for f in &c.findings {
                per.entry(f.account_id.as_str()).or_default().push(f);
            }
            for (acc, fs) in per.iter().take(20) {
                let _ = writeln!(s, "  {acc}:");
                for f in fs.iter().take(5) {
                    let _ = writeln!(s, "    {} {} {}: {}", f.code, f.started_at, f.call_id, f.message);
                }
                if fs.len() > 5 {
                    let _ = writeln!(s, "    ... {} more", fs.len() - 5);
                }
            }
            if per.len() > 20 {
                let _ = writeln!(s, "  ... {} more account(s): see --contact-report", per.len() - 20);
            }
        }
        s
    }
}

fn tenths(d: &Dist) -> String {
    let t = d.mean_tenths();
    format!("{}.{}", t / 10, t % 10)
}

fn table(s: &mut String, name: &str, groups: &BTreeMap<String, Group>, total: &Group) {
    let width = groups.keys().map(|k| k.chars().count()).max().unwrap_or(0).max(name.len()).clamp(5, 40);
    let _ = write!(
        s,
        "{name:<width$}  {:>7}  {:>5}  {:>4}  {:>4}  {:>4}  {:>6}",
        "CALLS", "MEAN", "P10", "MED", "P90", "UNDER"
    );
    for sub in Subscore::ALL {
        let _ = write!(s, "  {:>5}", &sub.as_str()[..5.min(sub.as_str().len())].to_uppercase());
    }
    let _ = writeln!(s, "  TOP RULES");
    let row = |s: &mut String, label: &str, g: &Group| {
        let o = g.overall();
        let label: String = label.chars().take(width).collect();
        let _ = write!(
            s,
            "{label:<width$}  {:>7}  {:>5}  {:>4}  {:>4}  {:>4}  {:>6}",
            g.calls,
            tenths(&o),
            o.percentile(10),
            o.percentile(50),
            o.percentile(90),
            g.under_threshold
        );
        for sub in Subscore::ALL {
            let d = g.scores.get(sub.as_str()).cloned().unwrap_or_default();
            let _ = write!(s, "  {:>5}", tenths(&d));
        }
        let top: Vec<String> = g.top_rules(3).iter().map(|(c, n)| format!("{c} x{n}")).collect();
        let _ = writeln!(s, "  {}", top.join(", "));
    };
    for (k, g) in groups {
        row(s, k, g);
    }
    row(s, "TOTAL", total);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(id: &str, agent: &str, overall: i32, codes: &[&str]) -> CallStats {
        CallStats {
            id: id.into(),
            source: format!("x.jsonl:{id}"),
            agent_id: Some(agent.into()),
            team: None,
            scores: [overall, 80, 90, 70, 60, 100],
            codes: codes.iter().map(|c| ((*c).to_owned(), "pressure".to_owned())).collect(),
            cues: 1,
            credits: 2,
            contact: None,
        }
    }

    #[test]
    fn merge_of_shards_equals_the_whole() {
        let calls: Vec<CallStats> = (0..40)
            .map(|i| {
                stats(
                    &format!("c{i:02}"),
                    ["A", "B", "C"][i % 3],
                    ((i * 37) % 101) as i32,
                    &["PR101", "PR102"][..i % 3],
                )
            })
            .collect();
        let mut whole = Summary::new(60, None, false);
        let mut parts = [Summary::new(60, None, false), Summary::new(60, None, false), Summary::new(60, None, false)];
        for (i, c) in calls.into_iter().enumerate() {
            whole.add(c.clone());
            parts[i % 3].add(c);
        }
        whole.add_error("bad.jsonl");
        parts[1].add_error("bad.jsonl");
        let mut merged = Summary::new(60, None, false);
        for p in &parts {
            merged.merge(p).expect("same settings");
        }
        let rules = ContactRules::default();
        whole.finish(&rules);
        merged.finish(&rules);
        assert_eq!(merged, whole);
        assert_eq!(whole.total.lowest[0].overall, 0);
        assert_eq!(whole.total.lowest.len(), LOWEST);
        assert!(Summary::new(50, None, false).merge(&parts[0]).is_err(), "different thresholds do not merge");
    }

    #[test]
    fn percentiles_and_means_are_integer_exact() {
        let mut d = Dist::default();
        for v in [10, 20, 30, 40] {
            d.add(v);
        }
        assert_eq!(d.mean_tenths(), 250);
        assert_eq!(d.percentile(50), 20);
        assert_eq!(d.percentile(10), 10);
        assert_eq!(d.percentile(90), 40);
        d.add(1);
        assert_eq!(d.mean_tenths(), 202, "101/5 = 20.2");
    }
}
