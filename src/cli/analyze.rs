//! `callcoach analyze`.

use std::io::{self, BufWriter, IsTerminal, Write};

use callcoach::batch::{analyze_all, collect_inputs, read_calls};
use callcoach::input::ReadOptions;
use callcoach::redact::redact_calls;
use callcoach::report::{self, Format, Report};

use super::pages::Pages;
use super::{broken_pipe_ok, AnalyzeArgs};

/// Run the analysis; returns the exit status (0 ok, 1 under --fail-under, 2 an input failed).
pub fn run(args: &AnalyzeArgs) -> u8 {
    // Configuration, lexicons, profile, policy and baseline (src/cli/config.rs).
    let Ok(run) = super::config::analyze_setup(args) else { return 2 };
    let analyzer = &run.analyzer;
    if let Some(n) = args.threads {
        // Only fails when a global pool exists already, which cannot happen this early in a run.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
    let opts = ReadOptions { format: args.input_format, agent_speakers: args.agent_speaker.clone() };
    let stdout = io::stdout();
    let color = args.out.is_none() && stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut sink: Box<dyn Write> = match &args.out {
        Some(p) if !Pages::handles(args.format) => match std::fs::File::create(p) {
            Ok(f) => Box::new(BufWriter::new(f)),
            Err(e) => {
                eprintln!("callcoach: cannot create {}: {e}", p.display());
                return 2;
            }
        },
        _ => Box::new(BufWriter::new(stdout.lock())),
    };
    let mut pages = Pages::new(args.format, args.out.as_deref());
    let mut errors = 0usize;
    let mut under = 0usize;
    let mut json_buffer = Vec::new();
    let mut baseline_out = args.write_baseline.as_ref().map(|_| callcoach::baseline::Writer::new());
    let mut sarif_out = None;
    if args.format == Format::Sarif {
        // SARIF is one document: its head is written now, each call's results as they come, its tail at the end.
        match super::config::SarifOut::begin(&mut sink, &run) {
            Ok(s) => sarif_out = Some(s),
            Err(e) => return broken_pipe_ok(Err(e)).err().unwrap_or(2),
        }
    }
    for input in collect_inputs(&args.paths) {
        let input = match input {
            Ok(i) => i,
            Err(e) => {
                eprintln!("callcoach: {e}");
                errors += 1;
                continue;
            }
        };
        let mut calls = read_calls(&input, &opts);
        // Before analysis, so every offset in every report points into the redacted text.
        if !args.no_redact {
            redact_calls(&mut calls);
        }
        let results = analyze_all(analyzer, calls);
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
            if let Some(w) = &mut baseline_out {
                w.add(&call, &analysis);
            }
            let rep = Report { call: &call, analysis: &analysis, lex: analyzer.lexicon() };
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
                Format::Lines => report::lines::write(&mut sink, &rep),
                Format::Sarif => sarif_out.as_mut().map_or(Ok(()), |s| s.call(&mut sink, &rep)),
                Format::Json => {
                    json_buffer.push((call, analysis));
                    Ok(())
                }
                Format::Html | Format::Md => match pages.write(&rep, &mut sink) {
                    Ok(()) => Ok(()),
                    Err(code) => return code,
                },
            };
            if let Err(code) = broken_pipe_ok(res) {
                return code;
            }
        }
    }
    if args.format == Format::Json {
        let reps: Vec<Report<'_>> =
            json_buffer.iter().map(|(c, a)| Report { call: c, analysis: a, lex: analyzer.lexicon() }).collect();
        if let Err(code) = broken_pipe_ok(report::write_json(&mut sink, &reps)) {
            return code;
        }
    }
    if let Some(s) = sarif_out {
        if let Err(code) = broken_pipe_ok(s.end(&mut sink)) {
            return code;
        }
    }
    if let Err(code) = pages.finish() {
        return code;
    }
    if let Err(code) = broken_pipe_ok(sink.flush()) {
        return code;
    }
    if let Err(code) = super::config::finish(&run, baseline_out.as_ref(), args) {
        return code;
    }
    if errors > 0 {
        if !args.quiet {
            eprintln!("callcoach: {errors} input(s) could not be read; every other call was analysed");
        }
        2
    } else if under > 0 {
        if !args.quiet {
            eprintln!("callcoach: {under} call(s) scored under {}", args.fail_under.unwrap_or(0));
        }
        1
    } else {
        0
    }
}
