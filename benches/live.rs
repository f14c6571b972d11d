//! Per-turn latency of `callcoach live`: how long reading one more turn takes, alerts included.
//!
//! The session re-analyses the call read so far after every turn, so the cost of a turn grows with the call:
//! `typical` feeds a whole sample call (mean per turn = time / turns), `turn-at/N` times the N-th turn of a long
//! call built from the samples, the worst case. Target: under a millisecond a turn.
//!
//! `cargo bench --bench live -- --warm-up-time 1 --measurement-time 3`

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};

use callcoach::call::{Call, Source, Turn};
use callcoach::input::{self, ReadOptions};
use callcoach::live::Session;
use callcoach::rules::Analyzer;

/// Every sample call, in file order.
fn samples() -> Vec<Call> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("samples/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .flat_map(|p| {
            let bytes = std::fs::read(p).expect("read sample");
            input::read(&bytes, &Source::file(p.display().to_string()), &ReadOptions::default())
        })
        .filter_map(Result::ok)
        .collect()
}

fn feed<'a>(analyzer: &'a Analyzer, turns: &[Turn]) -> Session<'a> {
    let mut s = Session::new(analyzer, Call { id: "bench".into(), ..Call::default() }, 3);
    for t in turns {
        let _ = s.push(t.clone());
    }
    s
}

fn live(c: &mut Criterion) {
    let analyzer = Analyzer::builtin(Some("us")).expect("built-in lexicons load");
    let calls = samples();
    let typical = calls.iter().max_by_key(|c| c.turns.len()).expect("a sample call");
    let long: Vec<Turn> = calls.iter().flat_map(|c| c.turns.iter().cloned()).collect();

    let mut g = c.benchmark_group("live");
    g.throughput(Throughput::Elements(typical.turns.len() as u64));
    g.bench_function(BenchmarkId::new("typical", format!("{}-turns", typical.turns.len())), |b| {
        // The session is set up outside the timing: what is timed is reading the turns.
        b.iter_batched(
            || feed(&analyzer, &[]),
            |mut s| {
                for t in &typical.turns {
                    let _ = s.push(t.clone());
                }
                s
            },
            BatchSize::SmallInput,
        );
    });
    g.throughput(Throughput::Elements(1));
    for n in [25, 100, 200].into_iter().filter(|&n| n <= long.len()) {
        g.bench_function(BenchmarkId::new("turn-at", n), |b| {
            b.iter_batched(
                || feed(&analyzer, &long[..n - 1]),
                |mut s| s.push(long[n - 1].clone()),
                BatchSize::LargeInput,
            );
        });
    }
    g.finish();
}

criterion_group!(benches, live);
criterion_main!(benches);
