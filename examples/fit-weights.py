#!/usr/bin/env python3
"""Fit the linear scorer's respect weights (lexicons/weights.toml) by ridge regression.

    python3 examples/fit-weights.py CALLS.jsonl GOLD.jsonl [--bin target/release/callcoach] [--write]

CALLS.jsonl holds one-turn requests in callcoach's JSONL input format, GOLD.jsonl their human politeness scores
(`{"id": ..., "politeness": ...}`). Only data whose licence allows fitting may be used: the Stanford politeness
corpus's dev split (Apache-2.0) and the project's own samples. Python standard library only.

Method, in four steps:
1. Run callcoach with every candidate feature at weight 10 (a temporary `--lexicons` folder holding only a
   weights file), so the score trace names every feature present in each request.
2. Ridge regression (lambda = RIDGE) of the politeness score on the 0/1 features, with an intercept.
3. Scale the coefficients to points: the scale K (points per politeness unit) is the one, on a coarse grid, whose
   rounded, clamped respect scores rank the requests best (Spearman), or the smallest within TIE of the best;
   the base of 85 is kept. As in the scorer,
   the features' total is rounded once, not each feature on its own.
4. Print the weights with their Spearman; `--write` rewrites lexicons/weights.toml, each weight under a comment
   saying what the feature is (a signal's first comment line, a rule card's summary).
"""
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RIDGE = 20.0
TIE = 0.002
BASE = 85
# Rule codes that are features: the courtesy credits. Signals named style-* are added from the signals file;
# style-marks is found from punctuation. Findings stay outside: each deducts its severity's points wherever it
# stands, so a sarcastic remark costs the same in a long call as in a short one.
RULES = ["GP313", "GP314", "GP315", "GP316", "GP317", "GP333", "GP334", "GP335", "style-marks"]


def style_signals():
    names = []
    for line in open(os.path.join(ROOT, "lexicons", "signals.toml"), encoding="utf-8"):
        line = line.strip()
        if line.startswith("name = \"style-"):
            names.append(line.split("\"")[1])
    return names


def describe():
    """A one-line comment per feature for the weights file: a signal's first comment line in signals.toml, a rule's
    summary from its card."""
    notes = {"style-marks": "Repeated question or exclamation marks (\"??\", \"!!\", \"?!\"), found from punctuation."}
    lex = os.path.join(ROOT, "lexicons")
    name = None
    for line in open(os.path.join(lex, "signals.toml"), encoding="utf-8"):
        line = line.strip()
        if line.startswith("name = "):
            name = line.split("\"")[1]
        elif name and line.startswith("# "):
            notes[name] = notes[name] + "\n# " + line[2:] if name in notes else line[2:]
        else:
            name = None
    for fn in sorted(os.listdir(lex)):
        if not fn.endswith(".toml"):
            continue
        code = None
        for line in open(os.path.join(lex, fn), encoding="utf-8"):
            if line.startswith("code = "):
                code = line.split("\"")[1]
            elif code and line.startswith("summary = ") and code in RULES:
                notes[code] = code + ": " + line.split("\"", 1)[1].rsplit("\"", 1)[0].replace("\\\"", "'") + "."
                code = None
    return notes


def rust_round(x):
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2.0
        i = j + 1
    return r


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = math.sqrt(sum((x - ma) ** 2 for x in ra))
    vb = math.sqrt(sum((y - mb) ** 2 for y in rb))
    return cov / (va * vb) if va and vb else 0.0


def solve(a, b):
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[c][c]:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] if m[i][i] else 0.0 for i in range(n)]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    binary = os.path.join(ROOT, "target", "release", "callcoach")
    if "--bin" in sys.argv:
        binary = sys.argv[sys.argv.index("--bin") + 1]
        args.remove(binary)
    calls_path, gold_path = args[:2]
    feats = RULES + style_signals()
    gold = {}
    for line in open(gold_path, encoding="utf-8"):
        g = json.loads(line)
        gold[g["id"]] = g["politeness"]
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "weights.toml"), "w", encoding="utf-8") as f:
            f.write("[weights.respect]\n" + "".join(f'"{x}" = 10.0\n' for x in feats))
        with open(calls_path, "rb") as f:
            out = subprocess.run([binary, "analyze", "--format", "jsonl", "--input-format", "jsonl", "--lexicons",
                                  tmp, "-"], stdin=f, capture_output=True, check=False).stdout
    rows, ys, rest = [], [], []
    for line in out.decode().splitlines():
        r = json.loads(line)
        if r["id"] not in gold:
            continue
        present = {t["code"] for t in r["trace"] if t["score"] == "respect" and t["code"] in feats}
        other = sum(t["points"] for t in r["trace"] if t["score"] == "respect" and t["code"] not in feats)
        rows.append([1.0] + [1.0 if x in present else 0.0 for x in feats])
        ys.append(gold[r["id"]])
        rest.append(other)
    k = len(feats) + 1
    xtx = [[sum(row[i] * row[j] for row in rows) + (RIDGE if i == j and i > 0 else 0.0) for j in range(k)]
           for i in range(k)]
    xty = [sum(row[i] * y for row, y in zip(rows, ys)) for i in range(k)]
    full = solve(xtx, xty)
    coef = full[1:]
    cont = [sum(c * x for c, x in zip(full, row)) for row in rows]
    print(f"continuous prediction (no rounding, no clamp): spearman {spearman(cont, ys):.3f}", file=sys.stderr)
    fits = []
    for scale in (4, 6, 8, 10, 12, 15, 18, 22, 26, 30):
        w = [round(c * scale, 1) for c in coef]
        # As the scorer does: the features' total is rounded once (and shared out by largest remainder).
        pred = [min(100, max(0, BASE + o + rust_round(sum(wi for wi, xi in zip(w, row[1:]) if xi))))
                for row, o in zip(rows, rest)]
        rho = spearman(pred, ys)
        print(f"scale {scale:>3}: spearman {rho:.3f}", file=sys.stderr)
        fits.append((rho, scale, w))
    # The smallest scale within TIE of the best: larger weights rank requests no better, but would let a call's
    # courtesy buy back more of its findings.
    top = max(f[0] for f in fits)
    rho, scale, w = next(f for f in fits if f[0] >= top - TIE)
    notes = describe()
    lines = [f'# {notes.get(x, x)}\n"{x}" = {wi}' for x, wi in zip(feats, w)]
    print(f"n = {len(rows)}, ridge {RIDGE}, scale {scale}: spearman {rho:.3f}", file=sys.stderr)
    print("\n".join(lines))
    if "--write" in sys.argv:
        path = os.path.join(ROOT, "lexicons", "weights.toml")
        head = open(path, encoding="utf-8").read().split("[weights.respect]")[0]
        with open(path, "w", encoding="utf-8") as f:
            f.write(head + "[weights.respect]\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
