//! `callcoach config check`, and the configuration and baseline plumbing `analyze` and `lint` share.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use callcoach::baseline::{Baseline, Writer};
use callcoach::config::{Config, Overrides, Setup};
use callcoach::contact::ContactRules;
use callcoach::report::{sarif, Report};
use callcoach::rules::Analyzer;

use super::{broken_pipe_ok, AnalyzeArgs, ConfigArgs, ReadArgs};

/// What an analysis run needs beyond its arguments.
pub struct Run {
    /// The analyzer, configured.
    pub analyzer: Analyzer,
    /// The baseline in use, if any.
    pub baseline: Option<Arc<Baseline>>,
    /// The contact-pattern rules in force (severities overridden, disabled ones left out).
    pub contact: ContactRules,
}

/// Read the configuration (unless `no_config`) and set it up with the command line's overrides; errors are
/// printed, each with `file:line`.
pub fn load_setup(config: Option<&Path>, no_config: bool, ov: &Overrides<'_>) -> Result<Setup, ()> {
    let cfg = if no_config {
        Config::default()
    } else {
        let cwd = std::env::current_dir().unwrap_or_default();
        match Config::load(config, &cwd) {
            Ok(c) => c,
            Err(es) => {
                for e in es {
                    eprintln!("callcoach: {e}");
                }
                eprintln!("callcoach: fix the configuration above (`callcoach config check` shows what is in force)");
                return Err(());
            }
        }
    };
    cfg.setup(ov).map_err(|es| {
        for e in es {
            eprintln!("callcoach: {e}");
        }
        eprintln!("callcoach: fix the files above (`callcoach config check` and `callcoach lexicons check DIR` list every problem)");
    })
}

/// Read the configuration (`--config`, else the nearest callcoach.toml, unless `--no-config`) with the command
/// line's `--profile`, `--lexicons` and `--baseline` over it: what `analyze` and `summary` both start from.
pub fn setup(read: &ReadArgs, cfg: &ConfigArgs) -> Result<Setup, ()> {
    let ov = Overrides {
        profile: read.profile.as_deref(),
        lexicons: read.lexicons.as_deref(),
        baseline: cfg.baseline.as_deref(),
    };
    load_setup(cfg.config.as_deref(), cfg.no_config, &ov)
}

/// The analyzer for `analyze` and `summary`: configuration, lexicons, profile, weights, policy and baseline.
/// `write_baseline` is `analyze --write-baseline`: a configured baseline that is its target may not exist yet.
pub fn analyze_setup(read: &ReadArgs, cfg: &ConfigArgs, write_baseline: Option<&Path>) -> Result<Run, ()> {
    let setup = setup(read, cfg)?;
    let mut analyzer = setup.analyzer().map_err(|e| eprintln!("callcoach: {e}"))?;
    let mut baseline = None;
    if let Some(b) = &setup.baseline {
        match Baseline::load(&b.value) {
            Ok(bl) => {
                let bl = Arc::new(bl);
                analyzer = analyzer.with_post_pass(bl.clone());
                baseline = Some(bl);
            }
            // Writing a first baseline to the configured path must not fail because it is not there yet.
            Err(_) if !b.value.exists() && write_baseline == Some(b.value.as_path()) => {}
            Err(e) => {
                eprintln!("callcoach: {e}");
                eprintln!("callcoach: (baseline set by {})", b.origin);
                return Err(());
            }
        }
    }
    Ok(Run { contact: setup.contact_rules(), analyzer, baseline })
}

/// `--format sarif` for `analyze`: the log streamed call by call, regions found in the source files.
pub struct SarifOut {
    stream: sarif::Stream,
    index: sarif::SourceIndex,
}

impl SarifOut {
    /// Start the log.
    pub fn begin(w: &mut dyn Write, run: &Run) -> std::io::Result<SarifOut> {
        let opts = sarif::Options { baseline: run.baseline.is_some() };
        let stream = sarif::Stream::begin(w, run.analyzer.lexicon(), opts)?;
        Ok(SarifOut { stream, index: sarif::SourceIndex::new() })
    }

    /// One call's results.
    pub fn call(&mut self, w: &mut dyn Write, rep: &Report<'_>) -> std::io::Result<()> {
        let index = &mut self.index;
        self.stream.call(w, rep, &mut |r, f| index.locate(r, f))
    }

    /// Close the log.
    pub fn end(self, w: &mut dyn Write) -> std::io::Result<()> {
        self.stream.end(w)
    }
}

/// After the report: write the baseline file, and say which baseline entries no longer match.
pub fn finish(run: &Run, writer: Option<&Writer>, args: &AnalyzeArgs) -> Result<(), u8> {
    if let (Some(w), Some(path)) = (writer, &args.write_baseline) {
        if let Err(e) = w.write(path, run.baseline.as_deref()) {
            eprintln!("callcoach: cannot write the baseline {}: {e}", path.display());
            return Err(2);
        }
        if !args.quiet {
            eprintln!("callcoach: wrote {} finding(s) to the baseline {}", w.len(), path.display());
        }
    }
    if let Some(b) = &run.baseline {
        let stale = b.unmatched();
        if !stale.is_empty() && !args.quiet && args.write_baseline.is_none() {
            eprintln!(
                "callcoach: {} of {} baseline entries matched no finding (fixed, or their call was not analysed); \
                 refresh the file with --write-baseline when the whole set was analysed",
                stale.len(),
                b.len()
            );
        }
    }
    Ok(())
}

/// `callcoach config check`: 0 when the configuration is valid (and print what is in force), 1 when not.
pub fn check(config: Option<&Path>, profile: Option<&str>, lexicons: Option<&Path>, baseline: Option<&Path>) -> u8 {
    let ov = Overrides { profile, lexicons, baseline };
    let Ok(setup) = load_setup(config, false, &ov) else {
        return 1;
    };
    if let Some(b) = &setup.baseline {
        match Baseline::load(&b.value) {
            Ok(bl) => {
                let s = format!("\nbaseline: {} accepted finding(s) in {}\n", bl.len(), b.value.display());
                if let Err(c) = broken_pipe_ok(std::io::stdout().lock().write_all(setup.describe().as_bytes())) {
                    return c;
                }
                return match broken_pipe_ok(std::io::stdout().lock().write_all(s.as_bytes())) {
                    Ok(()) => 0,
                    Err(c) => c,
                };
            }
            Err(e) => {
                eprintln!("callcoach: {e}");
                return 1;
            }
        }
    }
    match broken_pipe_ok(std::io::stdout().lock().write_all(setup.describe().as_bytes())) {
        Ok(()) => 0,
        Err(c) => c,
    }
}
