//! Benchmarks: start-up (load the built-in lexicons, compile the matcher), each stage alone (tokenize, scan,
//! analyse one call) and the whole batch pipeline on a generated archive, with one and two worker threads.
//! Method and figures: docs/PERFORMANCE.md.
//!
//! ```text
//! cargo bench --bench pipeline -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use callcoach::batch::{self, BatchConfig, Flow, Input, Outcome, Progress};
use callcoach::input::{read_record, ReadOptions};
use callcoach::matcher::Scanner;
use callcoach::rules::Analyzer;
use callcoach::tokenize::tokenize;

#[path = "../examples/gen-archive.rs"]
#[allow(dead_code)]
mod gen;

/// The generated archive, written once per run into the target folder.
fn archive(n: u64) -> (PathBuf, Vec<u8>) {
    let mut bytes = Vec::new();
    gen::write_archive(&mut bytes, n, 42).expect("generate");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let p = dir.join(format!("bench-archive-{n}.jsonl"));
    std::fs::write(&p, &bytes).expect("write archive");
    (p, bytes)
}

/// What every command pays before its first call: `check` on one call is this plus one `analyze one call`.
fn startup(c: &mut Criterion) {
    let mut g = c.benchmark_group("startup");
    g.sample_size(20);
    g.bench_function("load built-in lexicons", |b| b.iter(|| black_box(callcoach::lexicon::load_builtin())));
    let lex = callcoach::lexicon::load_builtin().expect("built-in lexicons");
    g.bench_function("compile the matcher", |b| b.iter(|| black_box(Scanner::new(black_box(&lex)))));
    g.bench_function("build the analyzer (both)", |b| b.iter(|| black_box(Analyzer::builtin(None))));
    g.finish();
}

fn stages(c: &mut Criterion) {
    let analyzer = Analyzer::builtin(None).expect("built-in lexicons");
    let lex = callcoach::lexicon::load_builtin().expect("built-in lexicons");
    let scanner = Scanner::new(&lex).expect("scanner");
    let (_, bytes) = archive(200);
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
    let opts = ReadOptions::default();
    let src = callcoach::call::Source::file("bench.jsonl");
    let calls: Vec<_> = lines.iter().map(|l| read_record(l, &src, &opts).expect("generated calls parse")).collect();
    let turns: Vec<&str> = calls.iter().flat_map(|c| c.turns.iter().map(|t| t.text.as_str())).collect();
    let roles: Vec<_> = calls.iter().flat_map(|c| c.turns.iter().map(|t| t.role)).collect();
    let text_bytes: usize = turns.iter().map(|t| t.len()).sum();

    let mut g = c.benchmark_group("stage");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(text_bytes as u64));
    g.bench_function("tokenize (200 calls' turns)", |b| {
        b.iter(|| {
            for t in &turns {
                black_box(tokenize(black_box(t)));
            }
        })
    });
    let toks: Vec<_> = turns.iter().map(|t| tokenize(t)).collect();
    g.bench_function("scan (200 calls' turns)", |b| {
        b.iter(|| {
            for (t, &role) in toks.iter().zip(&roles) {
                black_box(scanner.scan(black_box(t), role));
            }
        })
    });
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("parse (200 JSONL lines)", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(read_record(black_box(l), &src, &opts).ok());
            }
        })
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("analyze one call", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % calls.len();
            black_box(analyzer.analyze(black_box(&calls[i])))
        })
    });
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let analyzer = Analyzer::builtin(None).expect("built-in lexicons");
    let n = 2000;
    let (path, bytes) = archive(n);
    let mut g = c.benchmark_group("end-to-end");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    for threads in [1usize, 2] {
        g.bench_with_input(
            BenchmarkId::new("analyze jsonl", format!("{n} calls, {threads} thread(s)")),
            &threads,
            |b, &t| {
                b.iter(|| {
                    let mut out = 0usize;
                    batch::run(
                        vec![Ok(Input::File(path.clone()))],
                        &analyzer,
                        &ReadOptions::default(),
                        &BatchConfig::new(Some(t)),
                        &Progress::default(),
                        |call, a| {
                            let rep = callcoach::report::Report { call, analysis: a, lex: analyzer.lexicon() };
                            let mut buf = Vec::new();
                            callcoach::report::write_jsonl(&mut buf, &rep).ok();
                            buf.len()
                        },
                        |o| {
                            if let Outcome::Call(len) = o {
                                out += len;
                            }
                            Flow::Continue
                        },
                    )
                    .expect("runs");
                    black_box(out)
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, startup, stages, end_to_end);
criterion_main!(benches);
