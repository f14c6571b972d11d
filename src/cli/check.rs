//! `callcoach check`: one call from the agent's side, on one screen. The score, up to three things done well and
//! three to work on, each with the exact words, why it matters in one line and, for what to work on, a better
//! phrasing. Plain words; rule codes only with `--codes`.

use std::io::{self, BufWriter, IsTerminal, Read, Write};

use callcoach::call::{Call, Role, Source};
use callcoach::finding::{Category, Item, Severity};
use callcoach::input;
use callcoach::lexicon::Lexicon;
use callcoach::rules::Analysis;

use super::broken_pipe_ok;

/// How many things done well, and how many to work on, one screen holds.
const SHOWN: usize = 3;

/// Options of `callcoach check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The call to check: a file, or `-` (the default) for standard input.
    #[arg(value_name = "FILE", default_value = "-")]
    pub path: String,
    /// Show rule codes (e.g. PR101) next to each point, to look them up with `callcoach explain`.
    #[arg(long)]
    pub codes: bool,
    /// How to read the transcripts and which rules to apply (as in `analyze`).
    #[command(flatten)]
    pub read: super::ReadArgs,
    /// The configuration and baseline (as in `analyze`): an agent sees what QA's reports show.
    #[command(flatten)]
    pub config: super::ConfigArgs,
}

/// Check every call in the input; returns the exit status (0, or 2 when the input could not be read).
pub fn run(args: &CheckArgs) -> u8 {
    let Ok(run) = super::config::analyze_setup(&args.read, &args.config, None) else { return 2 };
    let analyzer = run.analyzer;
    let mut bytes = Vec::new();
    let read = if args.path == "-" {
        io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(&args.path).and_then(|mut f| f.read_to_end(&mut bytes)).map(|_| ())
    };
    if let Err(e) = read {
        eprintln!("callcoach: {}: cannot read: {e}", args.path);
        return 2;
    }
    let opts = args.read.read_options();
    let stdout = io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = BufWriter::new(stdout.lock());
    let mut status = 0;
    let mut first = true;
    for call in input::read(&bytes, &Source::file(args.path.as_str()), &opts) {
        let call = match call {
            Ok(c) => c,
            Err(e) => {
                eprintln!("callcoach: {e}");
                status = 2;
                continue;
            }
        };
        let analysis = analyzer.analyze(&call);
        let sheet = Sheet { call: &call, analysis: &analysis, lex: analyzer.lexicon(), codes: args.codes, color };
        let res = (if first { Ok(()) } else { writeln!(out) }).and_then(|()| sheet.write(&mut out));
        first = false;
        if let Err(code) = broken_pipe_ok(res) {
            return code;
        }
    }
    if let Err(code) = broken_pipe_ok(out.flush()) {
        return code;
    }
    status
}

/// One call's check sheet.
struct Sheet<'a> {
    call: &'a Call,
    analysis: &'a Analysis,
    lex: &'a Lexicon,
    codes: bool,
    color: bool,
}

/// Every occurrence of one rule in the call, shown once with its clearest example.
struct Point<'a> {
    /// The occurrence shown: the most serious, then the earliest.
    shown: &'a Item,
    /// Every turn it occurred in.
    turns: Vec<usize>,
}

/// Group items by rule code, in order of first occurrence.
fn points<'a>(items: impl Iterator<Item = &'a Item>) -> Vec<Point<'a>> {
    let mut out: Vec<Point<'a>> = Vec::new();
    for i in items {
        match out.iter_mut().find(|p| p.shown.code == i.code) {
            Some(p) => {
                if !p.turns.contains(&i.turn) {
                    p.turns.push(i.turn);
                }
                if i.severity > p.shown.severity {
                    p.shown = i;
                }
            }
            None => out.push(Point { shown: i, turns: vec![i.turn] }),
        }
    }
    out
}

/// Which good practice to show first: what helps the customer most, courtesy last.
fn credit_rank(c: Category) -> usize {
    use Category::*;
    [Empathy, Affordability, Options, Signposting, Rights, Reassurance, Verification, Identification, Recap, Courtesy]
        .iter()
        .position(|x| *x == c)
        .unwrap_or(usize::MAX)
}

/// The first sentence of a card's `why`: the one line an agent reads.
fn first_sentence(s: &str) -> &str {
    let s = s.trim();
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if !matches!(c, b'.' | b'!' | b'?') || b.get(i + 1) != Some(&b' ') {
            continue;
        }
        let next_upper = s[i + 2..].chars().next().is_some_and(|n| n.is_uppercase() || n == '"');
        let word = s[..i].rsplit(' ').next().unwrap_or("");
        // "e.g. The", "Mr. Lee", "U.S. Code": a full stop after an abbreviation does not end the sentence.
        let abbreviation = word.contains('.') || matches!(word, "Mr" | "Mrs" | "Ms" | "Dr" | "St" | "No" | "vs");
        if next_upper && !abbreviation {
            return &s[..=i];
        }
    }
    s
}

fn turns_label(turns: &[usize]) -> String {
    let list: Vec<String> = turns.iter().map(ToString::to_string).collect();
    if turns.len() == 1 {
        format!("turn {}", list[0])
    } else {
        format!("turns {}", list.join(", "))
    }
}

impl Sheet<'_> {
    fn bold(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    fn code(&self, i: &Item) -> String {
        if self.codes {
            format!(" [{}]", i.code)
        } else {
            String::new()
        }
    }

    fn write(&self, w: &mut dyn Write) -> io::Result<()> {
        let a = self.analysis;
        let s = &a.score;
        writeln!(w, "{}", self.bold(&format!("{}: score {}/100", self.call.id, s.overall)))?;
        writeln!(
            w,
            "  respect {}  honesty {}  empathy {}  collaboration {}  compliance {}",
            s.respect, s.honesty, s.empathy, s.collaboration, s.compliance
        )?;
        if !self.call.turns.iter().any(|t| t.role == Role::Agent) {
            writeln!(
                w,
                "\nNo agent turns in this call: nothing to check. (Is the agent labelled? See --agent-speaker.)"
            )?;
            return Ok(());
        }

        let mut good = points(a.credits.iter());
        good.sort_by_key(|p| (credit_rank(p.shown.category), p.turns[0]));
        // One of each kind first, so three courtesy credits do not crowd out an offer of options.
        let mut shown: Vec<&Point<'_>> = Vec::new();
        for p in &good {
            if !shown.iter().any(|q| q.shown.category == p.shown.category) {
                shown.push(p);
            }
        }
        for p in &good {
            if !shown.iter().any(|q| std::ptr::eq(*q, p)) {
                shown.push(p);
            }
        }
        shown.truncate(SHOWN);
        writeln!(w, "\n{}", self.bold("What went well"))?;
        if shown.is_empty() {
            writeln!(w, "  Nothing stood out this time; the points below are a good place to start.")?;
        }
        for p in &shown {
            let i = p.shown;
            writeln!(w, "  + {}{} ({}): \"{}\"", i.message, self.code(i), turns_label(&p.turns), i.text)?;
            if let Some(why) = self.lex.rule(i.code).map(|r| first_sentence(&r.why)).filter(|s| !s.is_empty()) {
                writeln!(w, "    why it matters: {why}")?;
            }
        }

        let mut work = points(a.findings.iter().filter(|f| !f.accepted));
        work.sort_by_key(|p| (std::cmp::Reverse(p.shown.severity), p.turns[0]));
        // Named in the heading rather than on a line of its own, so three points and their advice fit one screen.
        let more = if work.len() > SHOWN {
            format!(" (the {SHOWN} most serious of {}; `callcoach analyze` shows them all)", work.len())
        } else {
            String::new()
        };
        writeln!(w, "\n{}{more}", self.bold("What to work on"))?;
        if work.is_empty() {
            writeln!(w, "  Nothing flagged on this call. Well done.")?;
        }
        for (n, p) in work.iter().take(SHOWN).enumerate() {
            let i = p.shown;
            let sev = match i.severity {
                Some(Severity::Critical) => ", serious",
                _ => "",
            };
            writeln!(w, "  {}. {}{} ({}{sev})", n + 1, i.message, self.code(i), turns_label(&p.turns))?;
            if !i.text.is_empty() {
                // A missing disclosure is anchored on the call's opening words: quote them as such.
                let who = match (i.speaker, i.category) {
                    (Role::Agent, Category::Disclosure) => "you opened with",
                    (Role::Agent, _) => "you said",
                    _ => "they said",
                };
                writeln!(w, "     {who}: \"{}\"", i.text)?;
            }
            if let Some(r) = self.lex.rule(i.code) {
                let why = first_sentence(&r.why);
                if !why.is_empty() {
                    writeln!(w, "     why it matters: {why}")?;
                }
                if !r.better.is_empty() {
                    writeln!(w, "     try: \"{}\"", r.better)?;
                } else if !r.tip.is_empty() {
                    writeln!(w, "     tip: {}", r.tip)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn first_sentence_stops_at_the_end_of_a_sentence_not_an_abbreviation() {
        assert_eq!(first_sentence("One thing. Another."), "One thing.");
        assert_eq!(first_sentence("See e.g. The Act. More."), "See e.g. The Act.");
        assert_eq!(first_sentence("Talk to Mr. Lee first. Then pay."), "Talk to Mr. Lee first.");
        assert_eq!(first_sentence("No full stop at all"), "No full stop at all");
        assert_eq!(
            first_sentence("\"I understand, but pay.\" Says it all."),
            "\"I understand, but pay.\" Says it all."
        );
        assert_eq!(first_sentence(""), "");
    }
}
