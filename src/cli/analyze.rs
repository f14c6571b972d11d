//! `callcoach analyze`.

use std::io::{self, BufWriter, IsTerminal, Write};

use callcoach::batch::{analyze_all, collect_inputs, read_calls};
use callcoach::input::ReadOptions;
use callcoach::lexicon::load_with;
use callcoach::report::{self, Format, Report};
use callcoach::rules::Analyzer;

use super::{broken_pipe_ok, AnalyzeArgs};

/// Run the analysis; returns the exit status (0 ok, 1 under --fail-under, 2 an input failed).
pub fn run(args: &AnalyzeArgs) -> u8 {
    let lex = match load_with(args.lexicons.as_deref()) {
        Ok(l) => l,
        Err(es) => {
            for e in es {
                eprintln!("callcoach: {e}");
            }
            eprintln!("callcoach: fix the lexicon files above (`callcoach lexicons check DIR` lists them all)");
            return 2;
        }
    };
    let analyzer = match Analyzer::new(lex, args.profile.as_deref()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("callcoach: {e}");
            return 2;
        }
    };
    if let Some(n) = args.threads {
        // Only fails when a global pool exists already, which cannot happen this early in a run.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let opts = ReadOptions {
        format: args.input_format,
        agent_speakers: args.agent_speaker.clone(),
    };
    let stdout = io::stdout();
    let color =
        args.out.is_none() && stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut sink: Box<dyn Write> = match &args.out {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(BufWriter::new(f)),
            Err(e) => {
                eprintln!("callcoach: cannot create {}: {e}", p.display());
                return 2;
            }
        },
        None => Box::new(BufWriter::new(stdout.lock())),
    };
    let mut errors = 0usize;
    let mut under = 0usize;
    let mut json_buffer = Vec::new();
    for input in collect_inputs(&args.paths) {
        let input = match input {
            Ok(i) => i,
            Err(e) => {
                eprintln!("callcoach: {e}");
                errors += 1;
                continue;
            }
        };
        let results = analyze_all(&analyzer, read_calls(&input, &opts));
        for r in results {
            let (call, analysis) = match r {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("callcoach: {e}");
                    errors += 1;
                    continue;
                }
            };
            if args.fail_under.is_some_and(|s| analysis.score.overall < s) {
                under += 1;
            }
            let rep = Report {
                call: &call,
                analysis: &analysis,
                lex: analyzer.lexicon(),
            };
            let res = match args.format {
                Format::Text => report::text::write(&mut sink, &rep, color).and_then(|()| {
                    if args.explain_matches {
                        for d in &analysis.decisions {
                            writeln!(
                                sink,
                                "    ~ {} turn {} \"{}\" [{}]: {}",
                                d.code, d.turn, d.text, d.context, d.outcome
                            )?;
                        }
                    }
                    Ok(())
                }),
                Format::Jsonl => report::write_jsonl(&mut sink, &rep),
                Format::Json => {
                    json_buffer.push((call, analysis));
                    Ok(())
                }
            };
            if let Err(code) = broken_pipe_ok(res) {
                return code;
            }
        }
    }
    if args.format == Format::Json {
        let reps: Vec<Report<'_>> = json_buffer
            .iter()
            .map(|(c, a)| Report {
                call: c,
                analysis: a,
                lex: analyzer.lexicon(),
            })
            .collect();
        if let Err(code) = broken_pipe_ok(report::write_json(&mut sink, &reps)) {
            return code;
        }
    }
    if let Err(code) = broken_pipe_ok(sink.flush()) {
        return code;
    }
    if errors > 0 {
        if !args.quiet {
            eprintln!(
                "callcoach: {errors} input(s) could not be read; every other call was analysed"
            );
        }
        2
    } else if under > 0 {
        if !args.quiet {
            eprintln!(
                "callcoach: {under} call(s) scored under {}",
                args.fail_under.unwrap_or(0)
            );
        }
        1
    } else {
        0
    }
}
