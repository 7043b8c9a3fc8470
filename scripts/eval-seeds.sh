#!/usr/bin/env bash
# Mean of `songspace-cli eval` over seeds 1..N (the demo library is small: one seed is noisy).
#   scripts/eval-seeds.sh DB [N] [extra eval options...]
set -euo pipefail
cd "$(dirname "$0")/.."
db="$1"; n="${2:-10}"; shift $(( $# >= 2 ? 2 : 1 ))
cli="${SONGSPACE_CLI:-build/release/app/songspace-cli}"
for seed in $(seq 1 "$n"); do "$cli" eval --db "$db" --seed "$seed" --json "$@"; done |
  /usr/bin/python3 -c '
import json, sys
text = sys.stdin.read()
decoder, pos, runs = json.JSONDecoder(), 0, []
while pos < len(text):
    text_rest = text[pos:].lstrip()
    if not text_rest: break
    obj, used = decoder.raw_decode(text_rest)
    runs.append(obj["tasks"]); pos = len(text) - len(text_rest) + used
print("| task | method | p@1 | p@5 | p@10 | MAP | AUC |")
print("|---|---|---|---|---|---|---|")
for task in ["artist", "similar_songs", "songs_for_artist", "similar_artists", "tags"]:
    for method in ["model", "knn", "popularity", "random"]:
        rows = [r[task][method] for r in runs if task in r and method in r[task]]
        if not rows: continue
        mean = lambda k: sum(x[k] for x in rows) / len(rows)
        name = "**model**" if method == "model" else method
        print(f"| {task} | {name} | " + " | ".join(f"{mean(k):.3f}" for k in ["p@1", "p@5", "p@10", "map", "auc"]) + " |")
# Paired over seeds (same split, same queries): model minus kNN, mean and standard error.
print()
print("| task | model − knn p@1 | model − knn MAP | seeds |")
print("|---|---|---|---|")
for task in ["artist", "similar_songs", "songs_for_artist", "similar_artists", "tags"]:
    pairs = [(r[task]["model"], r[task]["knn"]) for r in runs if task in r and "knn" in r[task]]
    if len(pairs) < 2: continue
    def paired(k):
        d = [m[k] - b[k] for m, b in pairs]
        mu = sum(d) / len(d)
        se = (sum((x - mu) ** 2 for x in d) / (len(d) - 1) / len(d)) ** 0.5
        return f"{mu:+.3f} ± {se:.3f}"
    p1, ap = paired("p@1"), paired("map")
    print(f"| {task} | {p1} | {ap} | {len(pairs)} |")
'
