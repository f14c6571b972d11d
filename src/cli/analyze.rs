//! `callcoach analyze`: stream the inputs through the batch pipeline and write each call as it comes, in order.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use callcoach::batch::{self, walk_inputs, BatchConfig, Flow, Input, Outcome, Progress};
use callcoach::input::InputError;
use callcoach::report::{self, Format, Framing, RenderOptions, Report};

use callcoach::call::Call;
use callcoach::rules::Analysis;

use super::pages::Pages;
use super::{broken_pipe_ok, AnalyzeArgs};

/// Open the output: a file, or standard output; both buffered.
pub(crate) fn open_out(out: Option<&Path>) -> Result<Box<dyn Write>, u8> {
    match out {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Ok(Box::new(BufWriter::with_capacity(256 * 1024, f))),
            Err(e) => {
                eprintln!("callcoach: cannot create {}: {e}", p.display());
                Err(2)
            }
        },
        None => Ok(Box::new(BufWriter::with_capacity(256 * 1024, io::stdout().lock()))),
    }
}

/// The inputs of a run, as the walk yields them.
pub(crate) type Inputs = Box<dyn Iterator<Item = Result<Input, InputError>> + Send>;

/// A progress bar on standard error (calls per second and time left), drawn only when standard error is a
/// terminal and not `--quiet`; otherwise hidden, and every call on it costs nothing.
pub(crate) struct Bar {
    bar: ProgressBar,
    started: Instant,
    calls: u64,
}

impl Bar {
    /// Whether a bar would be drawn at all.
    pub(crate) fn visible(quiet: bool) -> bool {
        !quiet && io::stderr().is_terminal()
    }

    /// The inputs to run, and a bar for them. With a bar, the walk is listed first so the bar knows the total
    /// size; without one, it stays lazy, so millions of files are never held as one list.
    pub(crate) fn with_inputs(paths: &[String], exts: &[String], quiet: bool) -> (Inputs, Bar) {
        let walk = walk_inputs(paths, exts);
        if !Bar::visible(quiet) {
            return (Box::new(walk), Bar { bar: ProgressBar::hidden(), started: Instant::now(), calls: 0 });
        }
        let inputs: Vec<_> = walk.collect();
        // With only files, their total size gives a real bar and a time left; standard input has no size.
        let sizes: Option<u64> = inputs.iter().map(|i| i.as_ref().ok().and_then(Input::size)).sum();
        let (bar, template) = match sizes {
            Some(total) => (ProgressBar::new(total), "{bar:30.cyan/blue} {bytes}/{total_bytes}  {msg}  {eta} left"),
            None => (ProgressBar::new_spinner(), "{spinner} {bytes} read  {msg}"),
        };
        bar.set_style(ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()));
        bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
        bar.enable_steady_tick(Duration::from_millis(250));
        (Box::new(inputs.into_iter()), Bar { bar, started: Instant::now(), calls: 0 })
    }

    /// One more call done; the display is refreshed every 64 calls.
    pub(crate) fn tick(&mut self, progress: &Progress) {
        self.calls += 1;
        if self.calls.is_multiple_of(64) && !self.bar.is_hidden() {
            self.bar.set_position(progress.bytes.load(Ordering::Relaxed));
            let rate = self.calls as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
            self.bar.set_message(format!("{} calls, {rate:.0} calls/s", self.calls));
        }
    }

    /// Print a line on standard error without tearing the bar.
    pub(crate) fn eprintln(&self, msg: &str) {
        self.bar.suspend(|| eprintln!("callcoach: {msg}"));
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// What a worker hands the writer for one call: the call rendered, or (for formats written with state across
/// calls, and for `--write-baseline`) the call and its analysis themselves.
struct Done {
    rendered: Result<Vec<u8>, String>,
    overall: i32,
    kept: Option<Box<(Call, Analysis)>>,
}

/// Run the analysis; returns the exit status (0 ok, 1 under --fail-under, 2 an input failed).
pub fn run(args: &AnalyzeArgs) -> u8 {
    // Configuration, lexicons, profile, policy and baseline (src/cli/config.rs).
    let Ok(run) = super::config::analyze_setup(&args.read, &args.config, args.write_baseline.as_deref()) else {
        return 2;
    };
    let analyzer = &run.analyzer;
    let opts = args.read.read_options();
    let color = args.out.is_none() && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let format: Format = args.format;
    let mut sink = match open_out(args.out.as_deref().filter(|_| !Pages::handles(format))) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut pages = Pages::new(format, args.out.as_deref());
    let mut baseline_out = args.write_baseline.as_ref().map(|_| callcoach::baseline::Writer::new());
    let mut sarif_out = None;
    if format == Format::Sarif {
        // SARIF is one document: its head is written now, each call's results as they come, its tail at the end.
        match super::config::SarifOut::begin(&mut sink, &run) {
            Ok(s) => sarif_out = Some(s),
            Err(e) => return broken_pipe_ok(Err(e)).err().unwrap_or(2),
        }
    }
    let (inputs, mut bar) = Bar::with_inputs(&args.paths, &args.ext, args.quiet);
    let progress = Progress::default();
    let render_opts = RenderOptions { color, explain_matches: args.explain_matches };
    let mut framing = Framing::new(format);
    if let Err(code) = broken_pipe_ok(framing.begin(&mut sink)) {
        return code;
    }
    let keep = !format.renders_per_call() || baseline_out.is_some();
    let (mut errors, mut under) = (0usize, 0usize);
    let mut exit: Option<u8> = None;
    let render = |call: &Call, a: &Analysis| {
        let mut buf = Vec::new();
        let rep = Report { call, analysis: a, lex: analyzer.lexicon() };
        let rendered = report::render(format, &rep, &render_opts, &mut buf).map(|()| buf);
        Done {
            rendered: rendered.map_err(|e| format!("{}: cannot render: {e}", rep.call.id)),
            overall: a.score.overall,
            kept: keep.then(|| Box::new((call.clone(), a.clone()))),
        }
    };
    let mut cfg = BatchConfig::new(args.threads);
    cfg.redact = !args.no_redact;
    let res = batch::run(inputs, analyzer, &opts, &cfg, &progress, render, |o| {
        let done = match o {
            Outcome::Error(e) => {
                bar.eprintln(&e.to_string());
                errors += 1;
                return Flow::Continue;
            }
            Outcome::Call(d) => d,
        };
        bar.tick(&progress);
        if args.fail_under.is_some_and(|s| done.overall < s) {
            under += 1;
        }
        let bytes = match done.rendered {
            Ok(b) => b,
            Err(e) => {
                bar.eprintln(&e);
                errors += 1;
                return Flow::Continue;
            }
        };
        let mut res = framing.call(&mut sink, &bytes);
        if let Some((call, analysis)) = done.kept.as_deref() {
            if let Some(w) = &mut baseline_out {
                w.add(call, analysis);
            }
            let rep = Report { call, analysis, lex: analyzer.lexicon() };
            match format {
                Format::Sarif => {
                    res = res.and_then(|()| sarif_out.as_mut().map_or(Ok(()), |s| s.call(&mut sink, &rep)));
                }
                Format::Html | Format::Md => {
                    if let Err(code) = pages.write(&rep, &mut sink) {
                        exit = Some(code);
                        return Flow::Stop;
                    }
                }
                _ => {}
            }
        }
        match broken_pipe_ok(res) {
            Ok(()) => Flow::Continue,
            Err(code) => {
                exit = Some(code);
                Flow::Stop
            }
        }
    });
    bar.finish();
    if let Err(e) = res {
        eprintln!("callcoach: {e}");
        return 2;
    }
    if let Some(code) = exit {
        return code;
    }
    if let Err(code) = broken_pipe_ok(framing.end(&mut sink)) {
        return code;
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
