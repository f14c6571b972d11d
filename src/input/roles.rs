//! Which speaker is the agent, when the transcript does not say.
//!
//! Most transcribers label speakers by position (`spk_0`, `SPEAKER_01`, `A`, `Guest-1`), which says nothing about
//! who is the collector. The order of decision:
//!
//! 1. `--agent-speaker LABEL`: the user knows; every other speaker is the customer.
//! 2. Labels that name a role on their own (`Agent`, `Customer`, `Collector`, `Caller`; see
//!    [`Role::from_label`]). With two speakers and one of them named, the other takes the other role.
//! 3. The heuristic: each speaker's first [`OPENING_TURNS`] turns are scored for what agents say when a call
//!    opens ([`AGENT_PHRASES`]: "calling from", "on a recorded line", the mini-Miranda, "how can I help"). The
//!    best-scoring speaker is the agent and the others are the customer; on a tie the first speaker is the agent.
//!
//! Whenever 2 or 3 decided, the decision is written to `Call::role_note` so a reviewer can check and override it.

use crate::call::{Role, Turn};

use super::turns::UNKNOWN;
use super::ReadOptions;

/// How many turns of each speaker the heuristic reads: the identification comes at the start of a call.
pub const OPENING_TURNS: usize = 5;

/// What agents say when a call opens, with a weight: strong signs (the mini-Miranda, "calling from") outweigh
/// phrases a customer might also say ("my name is"). Written as said: matching normalises case and apostrophes.
pub const AGENT_PHRASES: &[(&str, u32)] = &[
    ("calling from", 3),
    ("calling on behalf of", 3),
    ("on behalf of", 2),
    ("on a recorded line", 3),
    ("this call may be recorded", 3),
    ("this call is being recorded", 3),
    ("this call is recorded", 3),
    ("calls are recorded", 3),
    ("may be monitored", 2),
    ("attempt to collect a debt", 4),
    ("debt collector", 3),
    ("collection agency", 2),
    ("how can I help", 2),
    ("how may I help", 2),
    ("how can I assist", 2),
    ("thank you for calling", 2),
    ("thanks for calling", 2),
    ("am I speaking with", 2),
    ("am I speaking to", 2),
    ("can I speak to", 1),
    ("could you confirm your", 1),
    ("confirm your date of birth", 2),
    ("my name is", 1),
    ("you're through to", 2),
    ("you are through to", 2),
];

/// How the note describes an introduction with a company: "this is Sam from Northfield Recovery".
const NAMES_COMPANY: &str = "this is ... from";

/// An introduction naming the caller's firm is as strong a sign as "calling from".
const NAMES_COMPANY_WEIGHT: u32 = 3;

/// "this is Sam from ...", "it's Sam Patel from ...", "I'm Sam from ...": the speaker introduces themself with
/// a firm (normalised text, so "it's" reads "its" and "I'm" reads "im").
fn names_company(norm: &str) -> bool {
    let words: Vec<&str> = norm.split_whitespace().collect();
    let opener = |i: usize| match (words.get(i), words.get(i + 1)) {
        (Some(&"this"), Some(&"is")) => Some(i + 2),
        (Some(&"its"), _) | (Some(&"im"), _) => Some(i + 1),
        (Some(&"it"), Some(&"is")) | (Some(&"i"), Some(&"am")) => Some(i + 2),
        _ => None,
    };
    // Words that are not names ("this is the letter from", "it's not from") nor firms ("from you").
    const NOT_NAMES: &[&str] = &[
        "the",
        "a",
        "an",
        "my",
        "your",
        "his",
        "her",
        "their",
        "our",
        "this",
        "that",
        "it",
        "its",
        "not",
        "just",
        "all",
        "about",
        "what",
        "why",
        "how",
        "me",
        "you",
        "him",
        "them",
        "us",
        "what",
        "really",
        "still",
        "only",
        "calling",
        "from",
        "no",
        "so",
        "very",
        "also",
        "here",
        "there",
        "one",
        "someone",
        "something",
    ];
    let is_name =
        |w: Option<&&str>| w.is_some_and(|w| !NOT_NAMES.contains(w) && !w.bytes().all(|b| b.is_ascii_digit()));
    (0..words.len()).filter_map(opener).any(|name| {
        // One or two words of name, then "from" and the firm.
        [1, 2].iter().any(|&n| {
            (0..n).all(|k| is_name(words.get(name + k)))
                && words.get(name + n) == Some(&"from")
                && is_name(words.get(name + n + 1))
        })
    })
}

/// Lower-case words separated by single spaces, padded with a space at both ends so that a phrase search is a
/// whole-word search.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    let mut space = true;
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if c == '\'' || c == '\u{2019}' {
            // "I'm" and "I’m" read the same; the apostrophe is dropped, not a word break.
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if !space {
        out.push(' ');
    }
    out
}

/// The role a label names: a role word (`Agent`), also numbered (`Agent 2`, `customer_1`).
pub fn named_role(label: &str) -> Role {
    match Role::from_label(label) {
        Role::Other => {
            let base = label.trim().trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches([' ', '_', '-']);
            if base.len() < label.trim().len() {
                Role::from_label(base)
            } else {
                Role::Other
            }
        }
        r => r,
    }
}

/// Distinct speaker labels in order of first appearance.
pub fn speakers(turns: &[Turn]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for t in turns {
        if !out.contains(&t.speaker.as_str()) {
            out.push(&t.speaker);
        }
    }
    out
}

/// Set every turn's role and return the note explaining a decision the reader made (None when the input or the
/// user decided).
pub fn assign(turns: &mut [Turn], opts: &ReadOptions) -> Option<String> {
    assign_with_tie(turns, opts, None)
}

/// As [`assign`], with the speaker the heuristic picks on a tie instead of the first one (Amazon's `ch_0`, the
/// agent leg in most contact-centre recordings), with the reason to print.
pub fn assign_with_tie(turns: &mut [Turn], opts: &ReadOptions, tie: Option<(&str, &str)>) -> Option<String> {
    let labels: Vec<String> = speakers(turns).into_iter().map(str::to_owned).collect();
    if labels.is_empty() {
        return None;
    }
    if !opts.agent_speakers.is_empty() {
        for t in turns.iter_mut() {
            t.role = opts.role_of(&t.speaker);
        }
        if turns.iter().any(|t| t.role == Role::Agent) {
            return None;
        }
        return Some(format!(
            "no speaker matched --agent-speaker {}; the speakers are {}",
            opts.agent_speakers.join(", "),
            quoted(&labels)
        ));
    }
    // `A:` and `C:` together are the agent/customer shorthand of some contact-centre exports.
    let ac = labels.len() == 2 && labels.iter().all(|l| l.eq_ignore_ascii_case("a") || l.eq_ignore_ascii_case("c"));
    let role_of = |l: &str| match l {
        _ if !ac => named_role(l),
        "a" | "A" => Role::Agent,
        _ => Role::Customer,
    };
    let named: Vec<Role> = labels.iter().map(|l| role_of(l)).collect();
    if named.iter().any(|r| *r != Role::Other) {
        for t in turns.iter_mut() {
            t.role = role_of(&t.speaker);
        }
        // "Agent" and "Sarah": in a two-party call the unnamed speaker has the other role.
        if let ([a, b], [ra, rb]) = (labels.as_slice(), named.as_slice()) {
            let (other, role) = match (ra, rb) {
                (Role::Other, r) => (a, complement(*r)),
                (r, Role::Other) => (b, complement(*r)),
                _ => return None,
            };
            for t in turns.iter_mut().filter(|t| &t.speaker == other) {
                t.role = role;
            }
            return Some(format!(
                "speaker \"{other}\" taken as the {role}: the other speaker is labelled {} (override with --agent-speaker)",
                complement(role)
            ));
        }
        return None;
    }
    if labels.len() == 1 && labels[0] == UNKNOWN {
        for t in turns.iter_mut() {
            t.role = Role::Other;
        }
        return Some(
            "no speaker labels in the input: every turn is role \"other\", so agent and customer rules cannot apply \
             (use a transcript with speaker diarization, or --agent-speaker unknown to read it all as the agent)"
                .into(),
        );
    }
    let (mut agent, said) = pick_agent(turns, &labels);
    let mut tie_reason = None;
    if let Some((label, reason)) = tie.filter(|(l, _)| said.is_empty() && labels.iter().any(|x| x == l)) {
        agent = label.to_owned();
        tie_reason = Some(reason);
    }
    for t in turns.iter_mut() {
        t.role = if t.speaker == agent { Role::Agent } else { Role::Customer };
    }
    let why = if let Some(reason) = tie_reason {
        format!("no agent phrases found, so {reason}")
    } else if said.is_empty() {
        "no agent phrases found, so the first speaker".to_owned()
    } else {
        format!("said {}", said.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", "))
    };
    Some(format!("speaker \"{agent}\" taken as the agent: {why} (override with --agent-speaker)"))
}

fn complement(r: Role) -> Role {
    match r {
        Role::Agent => Role::Customer,
        _ => Role::Agent,
    }
}

fn quoted(labels: &[String]) -> String {
    labels.iter().map(|l| format!("\"{l}\"")).collect::<Vec<_>>().join(", ")
}

/// The best-scoring speaker and the phrases that scored; the first speaker on a tie.
fn pick_agent(turns: &[Turn], labels: &[String]) -> (String, Vec<&'static str>) {
    let mut best: Option<(u32, &String, Vec<&'static str>)> = None;
    for label in labels {
        let mut score = 0;
        let mut said = Vec::new();
        for t in turns.iter().filter(|t| &t.speaker == label).take(OPENING_TURNS) {
            let text = normalise(&t.text);
            for (p, w) in AGENT_PHRASES {
                // Phrases are written as said; normalised the same way as the turn, they match whole words.
                if !said.contains(p) && text.contains(&normalise(p)) {
                    score += w;
                    said.push(*p);
                }
            }
            if !said.contains(&NAMES_COMPANY) && names_company(&text) {
                score += NAMES_COMPANY_WEIGHT;
                said.push(NAMES_COMPANY);
            }
        }
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, label, said));
        }
    }
    match best {
        Some((_, l, said)) => (l.clone(), said),
        None => (labels.first().cloned().unwrap_or_default(), Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str, text: &str) -> Turn {
        Turn::new(s, Role::Other, text)
    }

    #[test]
    fn the_speaker_calling_from_a_company_is_the_agent() {
        let mut turns = vec![
            t("spk_0", "Hello?"),
            t("spk_1", "Hi, this is Sam calling from Northfield Recovery."),
            t("spk_0", "Oh."),
        ];
        let note = assign(&mut turns, &ReadOptions::default()).unwrap_or_default();
        assert_eq!(turns.iter().map(|t| t.role).collect::<Vec<_>>(), vec![Role::Customer, Role::Agent, Role::Customer]);
        assert!(note.contains("\"spk_1\" taken as the agent: said \"calling from\""), "{note}");
    }

    #[test]
    fn an_introduction_with_a_firm_marks_the_agent() {
        assert!(names_company(&normalise("Hello, it's Alex from Northfield Recovery.")));
        assert!(names_company(&normalise("Hi, this is Sam Patel from Northfield.")));
        assert!(!names_company(&normalise("This is the letter from you.")));
        assert!(!names_company(&normalise("I got a letter from Northfield.")));
        assert!(!names_company(&normalise("this is from")));
        assert!(!names_company(&normalise("It's not from me, it's my brother's.")));
        assert!(!names_company(&normalise("I'm still from the old address.")));
        let mut turns = vec![t("spk_0", "Hello?"), t("spk_1", "Hi, it's Alex from Northfield Recovery.")];
        let note = assign(&mut turns, &ReadOptions::default()).unwrap_or_default();
        assert_eq!(turns[1].role, Role::Agent);
        assert!(note.contains("said \"this is ... from\""), "{note}");
    }

    #[test]
    fn a_tie_makes_the_first_speaker_the_agent() {
        let mut turns = vec![t("A", "Hello."), t("B", "Hi.")];
        let note = assign(&mut turns, &ReadOptions::default()).unwrap_or_default();
        assert_eq!(turns[0].role, Role::Agent);
        assert!(note.contains("first speaker"), "{note}");
    }

    #[test]
    fn the_user_overrides() {
        let mut turns = vec![t("spk_0", "Calling from Northfield."), t("spk_1", "Yes.")];
        let opts = ReadOptions { agent_speakers: vec!["SPK_1".into()], ..ReadOptions::default() };
        assert_eq!(assign(&mut turns, &opts), None);
        assert_eq!(turns[1].role, Role::Agent);
        assert_eq!(turns[0].role, Role::Customer);
        let opts = ReadOptions { agent_speakers: vec!["nobody".into()], ..ReadOptions::default() };
        assert!(assign(&mut turns, &opts).unwrap_or_default().contains("no speaker matched"));
    }

    #[test]
    fn numbered_roles_and_the_a_c_shorthand() {
        let mut turns = vec![t("Agent 2", "Hello."), t("Customer 1", "Hi.")];
        assert_eq!(assign(&mut turns, &ReadOptions::default()), None);
        assert_eq!(turns[0].role, Role::Agent);
        assert_eq!(turns[1].role, Role::Customer);
        let mut turns = vec![t("C", "Hello?"), t("A", "Hi, it's Sam.")];
        assert_eq!(assign(&mut turns, &ReadOptions::default()), None);
        assert_eq!(turns[1].role, Role::Agent);
        assert_eq!(named_role("spk_0"), Role::Other);
        assert_eq!(named_role("42"), Role::Other);
    }

    #[test]
    fn a_named_role_decides_the_other() {
        let mut turns = vec![t("Agent", "Hello."), t("Sarah Jones", "Hi.")];
        let note = assign(&mut turns, &ReadOptions::default()).unwrap_or_default();
        assert_eq!(turns[1].role, Role::Customer);
        assert!(note.contains("\"Sarah Jones\" taken as the customer"), "{note}");
    }
}
