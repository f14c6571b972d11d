//! Where the page formats (`html`, `md`) go: standard output, one file, or a folder with one page per call.
//!
//! HTML is one document per call, so several calls cannot share standard output or one file: with `--out DIR`
//! (an existing folder or a path ending in `/`), or with `--out FILE` and more than one call, every call gets its
//! own page named by a slug of its id, and `index.html` lists them. The index is built from small per-call
//! summaries, so memory does not grow with the transcripts. Markdown concatenates, so it only uses a folder when
//! asked for one.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use callcoach::report::{html, md, Format, Report};

/// The state of the page output.
enum Mode {
    /// No `--out`: write to standard output.
    Stdout,
    /// `--out FILE`: the first page waits here until we know whether a second call follows.
    Pending { path: PathBuf, first: Option<Box<(Vec<u8>, String, html::Summary)>> },
    /// One file per call in this folder.
    Dir(PathBuf),
    /// Markdown to one file, every call after the other; opened with the first call.
    MdFile { path: PathBuf, file: Option<BufWriter<File>> },
}

/// Writes html and md reports, one call at a time.
pub(crate) struct Pages {
    format: Format,
    mode: Mode,
    summaries: Vec<html::Summary>,
    used: HashSet<String>,
    written: usize,
}

impl Pages {
    /// Whether this sink, rather than the ordinary output file, handles `format`.
    pub(crate) fn handles(format: Format) -> bool {
        matches!(format, Format::Html | Format::Md)
    }

    /// A sink for `format` writing to `out` (see the module doc).
    pub(crate) fn new(format: Format, out: Option<&Path>) -> Pages {
        let mode = match out {
            None => Mode::Stdout,
            Some(p) if is_dir_target(p) => Mode::Dir(p.to_path_buf()),
            // Nothing is created until the first call is rendered, so a run with no calls leaves no file behind.
            Some(p) if format == Format::Md => Mode::MdFile { path: p.to_path_buf(), file: None },
            Some(p) => Mode::Pending { path: p.to_path_buf(), first: None },
        };
        Pages { format, mode, summaries: Vec::new(), used: HashSet::new(), written: 0 }
    }

    fn ext(&self) -> &'static str {
        if self.format == Format::Html {
            "html"
        } else {
            "md"
        }
    }

    fn render(&self, r: &Report<'_>) -> std::io::Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(32 * 1024);
        match self.format {
            Format::Html => html::write(&mut buf, r)?,
            _ => md::write(&mut buf, r)?,
        }
        Ok(buf)
    }

    /// A unique file name for a call's page.
    fn file_name(&mut self, id: &str) -> String {
        let base = html::slug(id);
        let mut name = format!("{base}.{}", self.ext());
        let mut n = 2;
        while !self.used.insert(name.clone()) {
            name = format!("{base}-{n}.{}", self.ext());
            n += 1;
        }
        name
    }

    /// Write one call. `stdout` is used when there is no `--out`.
    ///
    /// Returns the exit status to stop with on failure (the message is already printed).
    pub(crate) fn write(&mut self, r: &Report<'_>, stdout: &mut dyn Write) -> Result<(), u8> {
        let page = self.render(r).map_err(|e| fail(&format!("cannot render the report: {e}")))?;
        self.written += 1;
        let name = self.file_name(&r.call.id);
        // What the index keeps of the call (used for HTML only): a few strings and numbers, not the transcript.
        let summary = html::Summary::new(r, &name);
        match &mut self.mode {
            Mode::Stdout => {
                if self.format == Format::Html && self.written > 1 {
                    return Err(fail("--format html writes one page per call; give --out DIR for several calls"));
                }
                super::broken_pipe_ok(stdout.write_all(&page))?;
            }
            Mode::MdFile { path, file } => {
                if file.is_none() {
                    let f =
                        File::create(&*path).map_err(|e| fail(&format!("cannot create {}: {e}", path.display())))?;
                    *file = Some(BufWriter::new(f));
                }
                if let Some(f) = file {
                    f.write_all(&page).map_err(|e| fail(&format!("cannot write {}: {e}", path.display())))?;
                }
            }
            Mode::Pending { path, first } => {
                match first.take() {
                    None => *first = Some(Box::new((page, name, summary))),
                    Some(b) => {
                        let (p0, n0, s0) = *b;
                        // A second call: the path becomes a folder of pages.
                        let dir = path.clone();
                        self.mode = Mode::Dir(dir.clone());
                        make_dir(&dir)?;
                        write_file(&dir.join(&n0), &p0)?;
                        self.summaries.push(s0);
                        write_file(&dir.join(&name), &page)?;
                        self.summaries.push(summary);
                    }
                }
            }
            Mode::Dir(dir) => {
                if self.written == 1 {
                    make_dir(dir)?;
                }
                write_file(&dir.join(&name), &page)?;
                if self.format == Format::Html {
                    self.summaries.push(summary);
                }
            }
        }
        Ok(())
    }

    /// Finish: write a waiting single page, or the index of a folder of HTML pages.
    pub(crate) fn finish(self) -> Result<(), u8> {
        match self.mode {
            Mode::Stdout | Mode::MdFile { file: None, .. } => Ok(()),
            Mode::MdFile { path, file: Some(mut f) } => {
                f.flush().map_err(|e| fail(&format!("cannot write {}: {e}", path.display())))
            }
            Mode::Pending { path, first } => match first {
                Some(b) => write_file(&path, &b.0),
                None => Ok(()),
            },
            Mode::Dir(dir) => {
                if self.format != Format::Html {
                    return Ok(());
                }
                if self.written == 0 {
                    make_dir(&dir)?;
                }
                let mut buf = Vec::with_capacity(8 * 1024 + self.summaries.len() * 600);
                html::write_index(&mut buf, &self.summaries)
                    .map_err(|e| fail(&format!("cannot render the index: {e}")))?;
                write_file(&dir.join("index.html"), &buf)
            }
        }
    }
}

/// `--out` names a folder: it is one already, or its name ends in a path separator.
fn is_dir_target(p: &Path) -> bool {
    p.is_dir() || p.as_os_str().to_string_lossy().ends_with(['/', std::path::MAIN_SEPARATOR])
}

fn fail(msg: &str) -> u8 {
    eprintln!("callcoach: {msg}");
    2
}

fn make_dir(dir: &Path) -> Result<(), u8> {
    std::fs::create_dir_all(dir).map_err(|e| fail(&format!("cannot create folder {}: {e}", dir.display())))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), u8> {
    std::fs::write(path, bytes).map_err(|e| fail(&format!("cannot write {}: {e}", path.display())))
}
