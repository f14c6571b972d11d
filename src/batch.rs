//! batch: find the inputs, read them, analyse calls in parallel, and hand results back in input order.
//!
//! Errors never stop a batch: each bad input or record becomes an [`InputError`] in its place in the order, and
//! the caller reports it and carries on.

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::call::{Call, Source};
use crate::input::{self, InputError, ReadOptions};
use crate::rules::{Analysis, Analyzer};

/// File extensions read when walking a folder.
pub const EXTENSIONS: &[&str] = &["json", "jsonl", "ndjson", "txt", "vtt", "srt", "gz"];

/// One input: a file, or standard input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// The name used in sources and messages.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_owned(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

/// Expand the command line's paths: files as given, folders walked recursively (sorted, only [`EXTENSIONS`]),
/// `-` for standard input. Paths that do not exist come back as errors in their place.
pub fn collect_inputs(paths: &[String]) -> Vec<Result<Input, InputError>> {
    let mut out = Vec::new();
    if paths.is_empty() {
        out.push(Ok(Input::Stdin));
    }
    for p in paths {
        if p == "-" {
            out.push(Ok(Input::Stdin));
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            walk(path, &mut out);
        } else if path.exists() {
            out.push(Ok(Input::File(path.to_path_buf())));
        } else {
            out.push(Err(InputError::new(Source::file(p.as_str()), "no such file or folder")));
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<Result<Input, InputError>>) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(e) => {
            out.push(Err(InputError::new(Source::file(dir.display().to_string()), format!("cannot read folder: {e}"))));
            return;
        }
    };
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
        {
            out.push(Ok(Input::File(p)));
        }
    }
}

/// Read all bytes of an input.
///
/// # Errors
/// The file cannot be opened or read.
pub fn read_input(input: &Input) -> Result<Vec<u8>, InputError> {
    let mut buf = Vec::new();
    let res = match input {
        Input::Stdin => std::io::stdin().lock().read_to_end(&mut buf).map(|_| ()),
        Input::File(p) => std::fs::File::open(p).and_then(|mut f| f.read_to_end(&mut buf)).map(|_| ()),
    };
    res.map_err(|e| InputError::new(Source::file(input.name()), format!("cannot read: {e}")))?;
    Ok(buf)
}

/// Read every call of one input (one result per call or bad record).
pub fn read_calls(input: &Input, opts: &ReadOptions) -> Vec<Result<Call, InputError>> {
    match read_input(input) {
        Ok(bytes) => input::read(&bytes, &Source::file(input.name()), opts),
        Err(e) => vec![Err(e)],
    }
}

/// Analyse calls in parallel; results keep the order of `calls`.
pub fn analyze_all(
    analyzer: &Analyzer,
    calls: Vec<Result<Call, InputError>>,
) -> Vec<Result<(Call, Analysis), InputError>> {
    calls
        .into_par_iter()
        .map(|c| {
            c.map(|call| {
                let a = analyzer.analyze(&call);
                (call, a)
            })
        })
        .collect()
}
