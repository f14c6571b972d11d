//! batch: find the inputs, stream them, analyse calls in parallel, and hand results back in input order.
//!
//! The pipeline never holds an archive. Three stages are joined by bounded queues:
//!
//! ```text
//! reader thread --chunks--> dispatcher --rayon tasks--> workers --results--> caller's sink (reorders by seq)
//!        ^                                                                          |
//!        +------------------------- permits (the reorder window) -------------------+
//! ```
//!
//! - The reader opens each input (gzip by magic bytes, transparently), recognises JSONL and cuts it into chunks
//!   of whole lines (about [`CHUNK_BYTES`] each); other formats are read whole, one chunk per file.
//! - A chunk may only be read once a permit is free; there are [`BatchConfig::window`] permits, and one returns
//!   when the sink has consumed a chunk. So at most `window` chunks exist at any time (being read, analysed, or
//!   waiting to be written in order): memory is bounded by the window, not the archive.
//! - Workers parse each record, analyse it, and run the caller's `render` on it (formatting output is work too,
//!   and it parallelises); the sink receives rendered results strictly in input order.
//!
//! Errors never stop a batch: a file that cannot be read, a binary file, or a bad record becomes an
//! [`InputError`] in its place in the order, naming file and line, and the caller reports it and carries on.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_channel::{bounded, Receiver, Sender};

use crate::call::{Call, Source};
use crate::input::{self, InputError, InputFormat, ReadOptions};
use crate::rules::{Analysis, Analyzer};

/// File extensions read when walking a folder (unless the caller gives its own list).
pub const EXTENSIONS: &[&str] = &["json", "jsonl", "ndjson", "txt", "vtt", "srt", "gz"];

/// Target size of one chunk of JSONL lines. Big enough that queue traffic is negligible next to analysis, small
/// enough that a window of them is a few megabytes.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// The longest JSONL line (one call) accepted; a longer line is reported and skipped without being held.
pub const MAX_LINE: usize = 64 * 1024 * 1024;

/// The largest non-JSONL file read whole (a JSON array of calls is one document and cannot be streamed).
pub const MAX_DOCUMENT: u64 = 1024 * 1024 * 1024;

/// How many leading bytes are checked for NUL bytes to recognise a binary file.
const SNIFF: usize = 8 * 1024;

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

    /// The size in bytes, when it is a regular file (for the progress bar).
    pub fn size(&self) -> Option<u64> {
        match self {
            Input::Stdin => None,
            Input::File(p) => std::fs::metadata(p).ok().filter(|m| m.is_file()).map(|m| m.len()),
        }
    }
}

/// Expand the command line's paths with the default [`EXTENSIONS`]; see [`collect_inputs_with`].
pub fn collect_inputs(paths: &[String]) -> Vec<Result<Input, InputError>> {
    collect_inputs_with(paths, &[])
}

/// Expand the command line's paths: files as given (whatever their extension), folders walked recursively in
/// sorted order keeping only files whose extension is in `exts` (lower case, no dot; empty means
/// [`EXTENSIONS`]; `x.jsonl.gz` matches both `gz` and `jsonl`), `-` for standard input, nothing for standard
/// input. Paths that do not exist and folders that cannot be listed come back as errors in their place.
pub fn collect_inputs_with(paths: &[String], exts: &[String]) -> Vec<Result<Input, InputError>> {
    walk_inputs(paths, exts).collect()
}

/// [`collect_inputs_with`] as a lazy iterator: folders are listed as the walk reaches them, so an archive of
/// millions of files is never held as one list (only the sorted listing of each folder on the current path).
pub fn walk_inputs(paths: &[String], exts: &[String]) -> Walk {
    let exts: Vec<String> = if exts.is_empty() {
        EXTENSIONS.iter().map(|s| (*s).to_owned()).collect()
    } else {
        exts.iter().map(|e| e.trim_start_matches('.').to_ascii_lowercase()).collect()
    };
    let paths = if paths.is_empty() { vec!["-".to_owned()] } else { paths.to_vec() };
    Walk { paths: paths.into_iter(), exts, stack: Vec::new() }
}

/// The iterator of [`walk_inputs`].
#[derive(Debug)]
pub struct Walk {
    paths: std::vec::IntoIter<String>,
    exts: Vec<String>,
    /// The sorted entries still to visit in each folder of the current path, innermost last.
    stack: Vec<std::vec::IntoIter<PathBuf>>,
}

impl Iterator for Walk {
    type Item = Result<Input, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(top) = self.stack.last_mut() {
                match top.next() {
                    None => {
                        self.stack.pop();
                    }
                    Some(p) if p.is_dir() => {
                        if let Err(e) = self.enter(&p) {
                            return Some(Err(e));
                        }
                    }
                    Some(p) if wanted(&p, &self.exts) => return Some(Ok(Input::File(p))),
                    Some(_) => {}
                }
                continue;
            }
            let p = self.paths.next()?;
            if p == "-" {
                return Some(Ok(Input::Stdin));
            }
            let path = Path::new(&p);
            if path.is_dir() {
                if let Err(e) = self.enter(path) {
                    return Some(Err(e));
                }
            } else if path.exists() {
                return Some(Ok(Input::File(path.to_path_buf())));
            } else {
                return Some(Err(InputError::new(Source::file(p.as_str()), "no such file or folder")));
            }
        }
    }
}

impl Walk {
    fn enter(&mut self, dir: &Path) -> Result<(), InputError> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| InputError::new(Source::file(dir.display().to_string()), format!("cannot read folder: {e}")))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        self.stack.push(entries.into_iter());
        Ok(())
    }
}

fn wanted(p: &Path, exts: &[String]) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
    let inner = name.strip_suffix(".gz").unwrap_or(&name);
    let ext_of = |s: &str| s.rsplit_once('.').map(|(_, e)| e.to_owned());
    [ext_of(&name), ext_of(inner)].into_iter().flatten().any(|e| exts.contains(&e))
}

/// Counts the bytes read from the underlying file, so progress is measured in file bytes even under gzip.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Open an input for reading: a buffered reader over its content, gunzipped when it starts with the gzip magic.
///
/// # Errors
/// The file cannot be opened.
pub fn open(input: &Input, progress: Arc<AtomicU64>) -> Result<Box<dyn BufRead + Send>, InputError> {
    let raw: Box<dyn Read + Send> = match input {
        Input::Stdin => Box::new(io::stdin()),
        Input::File(p) => Box::new(
            std::fs::File::open(p)
                .map_err(|e| InputError::new(Source::file(input.name()), format!("cannot open: {e}")))?,
        ),
    };
    let mut buffered = BufReader::with_capacity(128 * 1024, Counting { inner: raw, read: progress });
    let gz = match buffered.fill_buf() {
        Ok(b) => b.starts_with(&[0x1f, 0x8b]),
        Err(e) => return Err(InputError::new(Source::file(input.name()), format!("cannot read: {e}"))),
    };
    if gz {
        // MultiGzDecoder: `cat a.gz b.gz` is a valid gzip stream of both, as gzip(1) reads it.
        Ok(Box::new(BufReader::with_capacity(256 * 1024, flate2::bufread::MultiGzDecoder::new(buffered))))
    } else {
        Ok(Box::new(buffered))
    }
}

/// Read all bytes of an input (gunzipped when compressed).
///
/// # Errors
/// The file cannot be opened or read.
pub fn read_input(input: &Input) -> Result<Vec<u8>, InputError> {
    let mut r = open(input, Arc::default())?;
    let mut buf = Vec::new();
    r.read_to_end(&mut buf).map_err(|e| InputError::new(Source::file(input.name()), format!("cannot read: {e}")))?;
    Ok(buf)
}

/// Read every call of one input (one result per call or bad record). Holds the whole input: for archives use
/// [`run`].
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
    use rayon::prelude::*;
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

/// How the pipeline runs.
#[derive(Clone, Debug)]
pub struct BatchConfig {
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Chunks that may exist at once (read, in analysis, or waiting to be written in order).
    pub window: usize,
    /// Target bytes per chunk of JSONL lines.
    pub chunk_bytes: usize,
    /// Redact personal data in each call before it is analysed ([`crate::redact::redact_call`]), so every
    /// offset in every report points into the redacted text.
    pub redact: bool,
}

impl BatchConfig {
    /// `threads` workers (0 or `None`: one per core) with a window of four chunks per worker; no redaction.
    pub fn new(threads: Option<usize>) -> BatchConfig {
        let threads = threads
            .filter(|n| *n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
        BatchConfig { threads, window: threads * 4 + 2, chunk_bytes: CHUNK_BYTES, redact: false }
    }
}

/// What the sink receives, in input order: one per call or per input that failed.
#[derive(Debug)]
pub enum Outcome<R> {
    /// A call was analysed; `R` is what the caller's `render` made of it.
    Call(R),
    /// A file or record could not be read; the batch goes on.
    Error(InputError),
}

/// What the sink tells the pipeline after each outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Carry on.
    Continue,
    /// Stop reading (the output has gone away); the pipeline winds down cleanly.
    Stop,
}

/// Counters the reader updates, for a progress bar.
#[derive(Debug, Default)]
pub struct Progress {
    /// File bytes read so far (compressed bytes for gzip files).
    pub bytes: Arc<AtomicU64>,
}

enum Body {
    /// JSONL lines: a buffer of whole lines and, per line, its number and byte range.
    Lines { buf: Vec<u8>, lines: Vec<(usize, usize, usize)> },
    /// A whole document in a non-line format.
    Whole(Vec<u8>),
    /// An input or line that failed before parsing.
    Failed(InputError),
}

struct Chunk {
    seq: u64,
    source: Source,
    body: Body,
}

/// Stream every input through the analyzer on `cfg.threads` workers, calling `sink` with each outcome in input
/// order. `render` runs on the workers and turns an analysed call into what the sink needs (rendered output,
/// statistics), so the sink's thread does as little as possible.
///
/// Returns when every input has been read and every outcome delivered, or when the sink returned
/// [`Flow::Stop`].
///
/// # Errors
/// Only when the worker pool cannot be built (the OS refuses threads).
pub fn run<I, R, F, S>(
    inputs: I,
    analyzer: &Analyzer,
    opts: &ReadOptions,
    cfg: &BatchConfig,
    progress: &Progress,
    render: F,
    mut sink: S,
) -> Result<(), String>
where
    I: IntoIterator<Item = Result<Input, InputError>>,
    I::IntoIter: Send,
    R: Send,
    F: Fn(&Call, &Analysis) -> R + Sync,
    S: FnMut(Outcome<R>) -> Flow,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads.max(1))
        .thread_name(|i| format!("callcoach-worker-{i}"))
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let window = cfg.window.max(2);
    let redact = cfg.redact;
    // Permits bound the chunks alive; the reader takes one per chunk, the sink gives it back once written.
    let (permit_tx, permit_rx) = bounded::<()>(window);
    for _ in 0..window {
        let _ = permit_tx.send(());
    }
    let (chunk_tx, chunk_rx) = bounded::<Chunk>(window);
    let (done_tx, done_rx) = bounded::<(u64, Vec<Outcome<R>>)>(window);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let render = &render;
    std::thread::scope(|scope| {
        let reader_stop = stop.clone();
        let bytes = progress.bytes.clone();
        let chunk_bytes = cfg.chunk_bytes.max(1);
        let read_opts = opts.clone();
        let inputs = inputs.into_iter();
        // Named threads, so a profile shows what each stage costs.
        let reader = std::thread::Builder::new().name("callcoach-reader".into());
        let spawned = reader.spawn_scoped(scope, move || {
            read_all(inputs, &read_opts, chunk_bytes, &bytes, &permit_rx, &chunk_tx, &reader_stop)
        });
        if let Err(e) = spawned {
            return Err(format!("cannot start the reader thread: {e}"));
        }
        // The dispatcher hands each chunk to the pool; `in_place_scope` keeps borrowed state (the analyzer, the
        // render function) valid without 'static bounds, and its thread waits for the pool at the end.
        let dispatch_opts = opts.clone();
        let dispatcher = std::thread::Builder::new().name("callcoach-dispatch".into());
        let spawned = dispatcher.spawn_scoped(scope, move || {
            pool.in_place_scope(|s| {
                for chunk in chunk_rx.iter() {
                    let done_tx = done_tx.clone();
                    let o = &dispatch_opts;
                    s.spawn(move |_| {
                        let seq = chunk.seq;
                        let out = process(chunk, analyzer, o, redact, render);
                        let _ = done_tx.send((seq, out));
                    });
                }
            });
            drop(done_tx);
        });
        if let Err(e) = spawned {
            // The reader stops at its next chunk: nobody will take it.
            stop.store(true, Ordering::Relaxed);
            return Err(format!("cannot start the dispatcher thread: {e}"));
        }
        // The sink runs here, on the caller's thread: a reorder buffer of at most `window` chunks.
        let mut pending: BTreeMap<u64, Vec<Outcome<R>>> = BTreeMap::new();
        let mut next = 0u64;
        let mut stopped = false;
        for (seq, out) in done_rx.iter() {
            pending.insert(seq, out);
            while let Some(out) = pending.remove(&next) {
                next += 1;
                if !stopped {
                    for o in out {
                        if sink(o) == Flow::Stop {
                            stopped = true;
                            stop.store(true, Ordering::Relaxed);
                            break;
                        }
                    }
                }
                let _ = permit_tx.send(());
            }
        }
        Ok(())
    })
}

/// Parse, analyse and render one chunk on a worker.
fn process<R, F>(chunk: Chunk, analyzer: &Analyzer, opts: &ReadOptions, redact: bool, render: &F) -> Vec<Outcome<R>>
where
    F: Fn(&Call, &Analysis) -> R,
{
    let chunk_source = chunk.source.clone();
    let one = |r: Result<Call, InputError>| match r {
        Ok(mut call) => {
            // A bug that panics on one call must not stop the batch: the call is reported as an error (exit
            // status 2) and the others go on. Without this the missing result would hold the output's order
            // back for ever.
            let analysed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                if redact {
                    crate::redact::redact_call(&mut call);
                }
                let a = analyzer.analyze(&call);
                render(&call, &a)
            }));
            match analysed {
                Ok(r) => Outcome::Call(r),
                Err(panic) => {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    Outcome::Error(InputError::new(
                        call.source.clone().unwrap_or_else(|| chunk_source.clone()),
                        format!(
                            "call {:?}: internal error while analysing it ({what}); the rest of the batch was \
                             analysed; please report this call",
                            call.id
                        ),
                    ))
                }
            }
        }
        Err(e) => Outcome::Error(e),
    };
    match chunk.body {
        Body::Failed(e) => vec![Outcome::Error(e)],
        Body::Whole(bytes) => input::read(&bytes, &chunk.source, opts).into_iter().map(one).collect(),
        Body::Lines { buf, lines } => {
            lines.iter().map(|&(n, s, e)| one(input::read_record(&buf[s..e], &chunk.source.at_line(n), opts))).collect()
        }
    }
}

/// The reader: every input in order, cut into chunks, each sent only with a permit in hand.
fn read_all(
    inputs: impl Iterator<Item = Result<Input, InputError>>,
    opts: &ReadOptions,
    chunk_bytes: usize,
    bytes: &Arc<AtomicU64>,
    permits: &Receiver<()>,
    out: &Sender<Chunk>,
    stop: &std::sync::atomic::AtomicBool,
) {
    let mut seq = 0u64;
    // Returns false when the pipeline is shutting down.
    let mut send = |source: &Source, body: Body| -> bool {
        if stop.load(Ordering::Relaxed) || permits.recv().is_err() {
            return false;
        }
        let c = Chunk { seq, source: source.clone(), body };
        seq += 1;
        out.send(c).is_ok()
    };
    for input in inputs {
        let input = match input {
            Ok(i) => i,
            Err(e) => {
                let src = e.source.clone();
                if !send(&src, Body::Failed(e)) {
                    return;
                }
                continue;
            }
        };
        let source = Source::file(input.name());
        if !read_one(&input, &source, opts, chunk_bytes, bytes, &mut send) {
            return;
        }
    }
}

/// Whether the input should be streamed as JSONL: asked for, named so, or it starts with two objects on two
/// lines.
fn is_jsonl(name: &str, head: &[u8], opts: &ReadOptions) -> bool {
    match opts.format {
        InputFormat::Jsonl => return true,
        InputFormat::Auto => {}
        _ => return false,
    }
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_suffix(".gz").unwrap_or(&lower);
    if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
        return true;
    }
    // Without a name to go by, the content decides, from what the buffer already holds.
    if input::detect(head, lower) == InputFormat::Jsonl && head.contains(&b'\n') {
        return true;
    }
    // Standard input has no name: `-` whose first byte is `{` is JSONL when a second line starts with `{` too,
    // even if the first line is broken (it then costs only itself). A single line stays one document (source
    // `-`), and so does a pretty-printed one, whose first line is a lone `{`.
    name == "-" && {
        let mut lines = head.split(|b| *b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace));
        let starts = |l: &[u8]| l.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        match (lines.next(), lines.next()) {
            (Some(a), Some(b)) => starts(a) && a.iter().filter(|b| !b.is_ascii_whitespace()).count() > 1 && starts(b),
            _ => false,
        }
    }
}

fn read_one(
    input: &Input,
    source: &Source,
    opts: &ReadOptions,
    chunk_bytes: usize,
    bytes: &Arc<AtomicU64>,
    send: &mut dyn FnMut(&Source, Body) -> bool,
) -> bool {
    let mut r = match open(input, bytes.clone()) {
        Ok(r) => r,
        Err(e) => return send(source, Body::Failed(e)),
    };
    let head = match r.fill_buf() {
        Ok(h) => h,
        Err(e) => return send(source, Body::Failed(InputError::new(source.clone(), format!("cannot read: {e}")))),
    };
    if head.is_empty() && *input == Input::Stdin {
        // An empty stream is no calls, not an error: a mapper under Spark's RDD.pipe gets one per empty partition.
        return true;
    }
    let sniff = &head[..head.len().min(SNIFF)];
    if sniff.contains(&0) {
        // Say what is wrong in the words the readers use: most binaries are not UTF-8 at all.
        let utf8 = match std::str::from_utf8(sniff) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none(), // only cut mid-character at the end of the sniffed bytes
        };
        let what = if utf8 {
            "skipped: a binary file (NUL bytes near the start), not a transcript"
        } else {
            "skipped: not valid UTF-8 text (a binary file: NUL bytes near the start)"
        };
        let e = InputError::new(source.clone(), what);
        return send(source, Body::Failed(e));
    }
    if !is_jsonl(&source.path, head, opts) {
        let mut doc = Vec::new();
        return match r.take(MAX_DOCUMENT + 1).read_to_end(&mut doc) {
            Ok(_) if doc.len() as u64 > MAX_DOCUMENT => send(
                source,
                Body::Failed(InputError::new(
                    source.clone(),
                    format!("larger than {} MiB: split it, or convert it to JSONL to stream it", MAX_DOCUMENT >> 20),
                )),
            ),
            Ok(_) => send(source, Body::Whole(doc)),
            Err(e) => send(source, Body::Failed(InputError::new(source.clone(), format!("cannot read: {e}")))),
        };
    }
    let mut line_no = 0usize;
    let mut buf: Vec<u8> = Vec::with_capacity(chunk_bytes + 4096);
    let mut lines: Vec<(usize, usize, usize)> = Vec::new();
    loop {
        line_no += 1;
        let start = buf.len();
        // `take` bounds one line: a file with no newlines cannot make us hold more than MAX_LINE.
        let res = (&mut r).take(MAX_LINE as u64 + 1).read_until(b'\n', &mut buf);
        let n = match res {
            Ok(n) => n,
            Err(e) => {
                buf.truncate(start);
                let msg = if e.kind() == io::ErrorKind::InvalidInput || e.kind() == io::ErrorKind::InvalidData {
                    format!("cannot read (corrupt compressed data?): {e}")
                } else {
                    format!("cannot read: {e}")
                };
                let failed = Body::Failed(InputError::new(source.at_line(line_no), msg));
                return flush(source, &mut buf, &mut lines, send) && send(source, failed);
            }
        };
        if n == 0 {
            break;
        }
        let complete = buf.last() == Some(&b'\n');
        if !complete && n > MAX_LINE {
            buf.truncate(start);
            // Skip the rest of the over-long line without keeping it.
            let mut sink = Vec::new();
            loop {
                sink.clear();
                match (&mut r).take(1 << 20).read_until(b'\n', &mut sink) {
                    Ok(0) => break,
                    Ok(_) if sink.last() == Some(&b'\n') => break,
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
            let e =
                InputError::new(source.at_line(line_no), format!("line longer than {} MiB: skipped", MAX_LINE >> 20));
            if !(flush(source, &mut buf, &mut lines, send) && send(source, Body::Failed(e))) {
                return false;
            }
            continue;
        }
        let line = &buf[start..];
        if line.iter().all(u8::is_ascii_whitespace) {
            buf.truncate(start);
        } else {
            lines.push((line_no, start, buf.len()));
        }
        if buf.len() >= chunk_bytes && !flush(source, &mut buf, &mut lines, send) {
            return false;
        }
    }
    flush(source, &mut buf, &mut lines, send)
}

fn flush(
    source: &Source,
    buf: &mut Vec<u8>,
    lines: &mut Vec<(usize, usize, usize)>,
    send: &mut dyn FnMut(&Source, Body) -> bool,
) -> bool {
    if lines.is_empty() {
        buf.clear();
        return true;
    }
    let cap = buf.capacity();
    let body = Body::Lines { buf: std::mem::replace(buf, Vec::with_capacity(cap)), lines: std::mem::take(lines) };
    send(source, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls_jsonl(n: usize) -> String {
        (0..n)
            .map(|i| {
                format!("{{\"id\":\"c{i}\",\"turns\":[{{\"speaker\":\"agent\",\"text\":\"Hello number {i}.\"}}]}}\n")
            })
            .collect()
    }

    fn run_ids(path: &Path, threads: usize, chunk_bytes: usize) -> Vec<String> {
        let cfg = BatchConfig { threads, window: 3, chunk_bytes, redact: false };
        run_rendered(path, &cfg, |c, _| c.id.clone())
    }

    /// Each outcome of a batch over `path`: what `render` made of a call, or `error ...`.
    fn run_rendered(path: &Path, cfg: &BatchConfig, render: impl Fn(&Call, &Analysis) -> String + Sync) -> Vec<String> {
        let analyzer = Analyzer::builtin(None).expect("builtin");
        let mut out = Vec::new();
        run(
            vec![Ok(Input::File(path.to_path_buf()))],
            &analyzer,
            &ReadOptions::default(),
            cfg,
            &Progress::default(),
            render,
            |o| {
                out.push(match o {
                    Outcome::Call(id) => id,
                    Outcome::Error(e) => format!("error {e}"),
                });
                Flow::Continue
            },
        )
        .expect("runs");
        out
    }

    #[test]
    fn a_panic_on_one_call_is_that_call_s_error_and_the_batch_goes_on() {
        let dir = std::env::temp_dir().join(format!("callcoach-batch-panic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmp");
        let p = dir.join("a.jsonl");
        std::fs::write(&p, calls_jsonl(50)).expect("write");
        for threads in [1, 2] {
            let cfg = BatchConfig { threads, window: 2, chunk_bytes: 64, redact: true };
            let got = run_rendered(&p, &cfg, |c, _| {
                assert!(c.id != "c7", "a bug on this call");
                c.id.clone()
            });
            assert_eq!(got.len(), 50, "{got:?}");
            assert!(
                got[7].starts_with("error ") && got[7].contains("internal error") && got[7].contains(":8:"),
                "{}",
                got[7]
            );
            assert_eq!(got[8], "c8");
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn order_is_kept_with_tiny_chunks_and_a_small_window() {
        let dir = std::env::temp_dir().join(format!("callcoach-batch-order-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmp");
        let p = dir.join("a.jsonl");
        std::fs::write(&p, calls_jsonl(200)).expect("write");
        let want: Vec<String> = (0..200).map(|i| format!("c{i}")).collect();
        assert_eq!(run_ids(&p, 2, 1), want);
        assert_eq!(run_ids(&p, 1, 4096), want);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn gzip_and_bad_lines_and_binary() {
        use std::io::Write;
        let dir = std::env::temp_dir().join(format!("callcoach-batch-gz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmp");
        let p = dir.join("a.jsonl.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(calls_jsonl(2).as_bytes()).expect("gz");
        gz.write_all(b"\n{not json\n").expect("gz");
        gz.write_all(calls_jsonl(1).as_bytes()).expect("gz");
        std::fs::write(&p, gz.finish().expect("gz")).expect("write");
        let got = run_ids(&p, 2, 16);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(&got[..2], &["c0".to_owned(), "c1".to_owned()]);
        assert!(got[2].starts_with(&format!("error {}:4: invalid JSON", p.display())), "{}", got[2]);
        assert_eq!(got[3], "c0");
        let b = dir.join("b.txt");
        std::fs::write(&b, b"\x00\x01binary").expect("write");
        let got = run_ids(&b, 1, 16);
        assert_eq!(got.len(), 1);
        assert!(got[0].contains("binary"), "{}", got[0]);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn the_walk_is_depth_first_in_sorted_order() {
        let dir = std::env::temp_dir().join(format!("callcoach-batch-walk-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("b/d")).expect("tmp");
        for f in ["c.jsonl", "a.jsonl", "b/x.json", "b/d/y.jsonl.gz", "b/skip.csv"] {
            std::fs::write(dir.join(f), "").expect("write");
        }
        let root = dir.display().to_string();
        let got: Vec<String> = walk_inputs(&[root.clone(), "-".into(), format!("{root}/missing")], &[])
            .map(|r| match r {
                Ok(i) => i.name().replace(&root, ""),
                Err(e) => format!("error {}", e.message),
            })
            .collect();
        assert_eq!(got, ["/a.jsonl", "/b/d/y.jsonl.gz", "/b/x.json", "/c.jsonl", "-", "error no such file or folder"]);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn extension_filter_matches_inner_extension_of_gz() {
        let exts = vec!["jsonl".to_owned()];
        assert!(wanted(Path::new("x/a.jsonl.gz"), &exts));
        assert!(wanted(Path::new("x/A.JSONL"), &exts));
        assert!(!wanted(Path::new("x/a.json"), &exts));
        assert!(!wanted(Path::new("x/README"), &exts));
    }
}
