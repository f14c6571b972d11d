#!/usr/bin/env python3
"""Run callcoach over a JSONL archive on Apache Spark, one callcoach process per partition.

callcoach is a streaming mapper (JSONL calls in, JSONL results out), so Spark's RDD.pipe runs it as it is:
no bindings, no JVM code. Two passes over the same partitions:

  1. per-call results:  rdd.pipe("callcoach analyze - --format jsonl")  -> OUT/results/part-*
  2. per-shard summaries: rdd.pipe("callcoach summary - --format json") -> one JSON line per partition,
     merged on the driver by `callcoach summary --merge` into exactly the figures of one run over the whole
     (summaries store sums, counts and histograms, not averages).

Contact-pattern checks (--contact) are exact across partitions too: each shard summary carries its calls'
contact records and the merge runs the checks over all of them.

Usage:
  spark-submit examples/spark/callcoach_spark.py ARCHIVE.jsonl OUT_DIR [--bin PATH] [--partitions N]
               [--group-by FIELD] [--contact] [--threshold SCORE]
  (or plain `python3` with pyspark installed: it starts Spark in local mode)

The callcoach binary must exist at the same path on every worker (or be shipped with --files and referenced
as ./callcoach). Record sources read `-:N`, N counting lines within the partition: the call id is the key.
"""

import argparse
import os
import shlex
import subprocess
import sys


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("archive", help="JSONL archive (a file, a folder or a glob Spark understands; .gz is fine)")
    ap.add_argument("out", help="output folder (created; must not exist)")
    ap.add_argument("--bin", default="callcoach", help="path to the callcoach binary on the workers")
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--group-by", default=None)
    ap.add_argument("--contact", action="store_true")
    ap.add_argument("--threshold", type=int, default=60)
    ap.add_argument("--master", default=os.environ.get("SPARK_MASTER", "local[2]"))
    args = ap.parse_args(argv)

    from pyspark import SparkConf, SparkContext

    conf = SparkConf().setAppName("callcoach").setMaster(args.master)
    # Keep local runs quiet and small; a cluster's spark-submit settings take precedence.
    conf.set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
    sc = SparkContext.getOrCreate(conf)
    sc.setLogLevel("ERROR")
    try:
        lines = sc.textFile(args.archive, minPartitions=args.partitions).filter(lambda l: l.strip() != "")
        lines = lines.cache()

        # --threads 1: Spark already runs one task per core; callcoach inside each task should not compete.
        base = [args.bin]
        analyze = base + ["analyze", "-", "--format", "jsonl", "--quiet", "--threads", "1"]
        results = lines.pipe(" ".join(shlex.quote(a) for a in analyze))
        results.saveAsTextFile(os.path.join(args.out, "results"))

        summary = base + ["summary", "-", "--format", "json", "--quiet", "--threads", "1",
                          "--threshold", str(args.threshold)]
        if args.group_by:
            summary += ["--group-by", args.group_by]
        if args.contact:
            summary += ["--contact"]
        shards = lines.pipe(" ".join(shlex.quote(a) for a in summary)).collect()
    finally:
        sc.stop()

    shard_file = os.path.join(args.out, "shards.json")
    with open(shard_file, "w", encoding="utf-8") as f:
        for s in shards:
            f.write(s + "\n")
    merged = os.path.join(args.out, "summary.json")
    cmd = [args.bin, "summary", "--merge", shard_file, "--format", "json", "--out", merged]
    if args.contact:
        cmd += ["--contact-report", os.path.join(args.out, "contact.jsonl")]
    code = subprocess.call(cmd)
    subprocess.call([args.bin, "summary", "--merge", shard_file, "--quiet"])
    print(f"{len(shards)} shard summaries merged into {merged}", file=sys.stderr)
    # 2 means some records could not be read (they are counted in the summary), as for a local run.
    return code


if __name__ == "__main__":
    sys.exit(main())
