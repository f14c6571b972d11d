//! The Spark example (examples/spark/callcoach_spark.py) in Spark's local mode: callcoach as a streaming mapper
//! under RDD.pipe, shard summaries merged, compared with one local run. Skipped, with a note, when pyspark or
//! Java is not installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn available() -> Result<(), String> {
    let py = Command::new("python3").args(["-c", "import pyspark"]).output();
    if !py.is_ok_and(|o| o.status.success()) {
        return Err("pyspark is not installed (pip install pyspark)".into());
    }
    let java = Command::new("java").arg("-version").output();
    if !java.is_ok_and(|o| o.status.success()) {
        return Err("Java is not installed".into());
    }
    Ok(())
}

fn strip(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                // Sources differ by design (`-:N` within a partition, `file:N` locally); errors_by_file too.
                if k == "source" || k == "errors_by_file" {
                    *x = Value::Null;
                } else {
                    strip(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}

fn call(i: usize) -> String {
    let agent = [
        "Good morning, this is Sam from Northfield Recovery. This is an attempt to collect a debt.",
        "If you don't pay today we will take you to court.",
        "I'm so sorry to hear that. We can set up a payment plan.",
    ][i % 3];
    let customer = ["I lost my job last month.", "Okay.", "Please stop calling me."][i % 3];
    format!(
        r#"{{"id":"s{i:04}","agent_id":"A{}","team":"{}","account_id":"ACC{}","started_at":"2026-03-{:02}T{:02}:00:00-05:00","direction":"outbound","outcome":"conversation","turns":[{{"speaker":"agent","text":"{agent}"}},{{"speaker":"customer","text":"{customer}"}}]}}"#,
        i % 4,
        ["north", "south", "east"][i % 3],
        i % 7,
        1 + i % 20,
        7 + i % 15
    )
}

#[test]
fn spark_local_mode_matches_a_single_run() {
    if let Err(why) = available() {
        println!("note: skipping the Spark test: {why}");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_callcoach");
    let dir = std::env::temp_dir().join(format!("callcoach-spark-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tmp");
    let archive = dir.join("archive.jsonl");
    let mut text: String = (0..300).map(|i| call(i) + "\n").collect();
    text.push_str("{broken\n");
    std::fs::write(&archive, text).expect("write");
    let out = dir.join("out");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/spark/callcoach_spark.py");
    let run = Command::new("python3")
        .arg(&script)
        .arg(&archive)
        .arg(&out)
        .args(["--bin", bin, "--partitions", "3", "--group-by", "team", "--contact"])
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "the broken line is counted, as locally: {stderr}");

    let mut spark: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("merged summary"))
            .expect("json");
    let local = Command::new(bin)
        .args(["summary", "--format", "json", "--group-by", "team", "--contact", "--quiet"])
        .arg(&archive)
        .output()
        .expect("local run");
    let mut local: Value = serde_json::from_slice(&local.stdout).expect("json");
    strip(&mut spark);
    strip(&mut local);
    assert_eq!(spark, local, "Spark's merged summary equals one local run");
    assert_eq!(local["total"]["calls"], 300);
    assert_eq!(local["errors"], 1);
    assert!(local["contact"]["findings"].as_array().is_some_and(|f| !f.is_empty()));
    let local_summary = local;

    // Per-call results: the same objects as a local analyze, keyed by id.
    let mut spark_calls: Vec<Value> = Vec::new();
    let results: PathBuf = out.join("results");
    let mut parts: Vec<PathBuf> = Vec::new();
    for e in std::fs::read_dir(&results).expect("results folder") {
        let p = e.expect("entry").path();
        if p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("part-")) {
            for l in std::fs::read_to_string(&p).expect("read").lines() {
                spark_calls.push(serde_json::from_str(l).expect("a JSON line"));
            }
            parts.push(p);
        }
    }

    // The results partitions summarised without analysing again (`summary --from-jsonl --contact` per part, then
    // `--merge`): the same scores and the same contact findings as the local run. (Input errors are not in the
    // results, only on the mappers' standard error, so they are not compared here.)
    let shards = dir.join("from-results.json");
    let mut text = String::new();
    for p in &parts {
        let o = Command::new(bin)
            .args(["summary", "--from-jsonl", "--contact", "--format", "json", "--quiet"])
            .arg(p)
            .output()
            .expect("summary of a part");
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        text.push_str(&String::from_utf8_lossy(&o.stdout));
    }
    std::fs::write(&shards, text).expect("write");
    let merged = Command::new(bin).args(["summary", "--merge", "--format", "json"]).arg(&shards).output().expect("run");
    let mut merged: Value = serde_json::from_slice(&merged.stdout).expect("json");
    strip(&mut merged);
    assert_eq!(merged["total"], local_summary["total"]);
    assert_eq!(merged["agents"], local_summary["agents"]);
    assert_eq!(merged["contact"], local_summary["contact"], "the same contact findings as one local run");
    let local =
        Command::new(bin).args(["analyze", "--format", "jsonl", "--quiet"]).arg(&archive).output().expect("run");
    let mut local_calls: Vec<Value> =
        String::from_utf8_lossy(&local.stdout).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    for v in spark_calls.iter_mut().chain(local_calls.iter_mut()) {
        strip(v);
    }
    let key = |v: &Value| v["id"].as_str().unwrap_or_default().to_owned();
    spark_calls.sort_by_key(key);
    local_calls.sort_by_key(key);
    assert_eq!(spark_calls.len(), 300);
    assert_eq!(spark_calls, local_calls);
    let _ = std::fs::remove_dir_all(&dir);
}
