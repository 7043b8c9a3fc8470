#!/usr/bin/env bash
# Calibration of `songspace-cli eval` over seeds FIRST..LAST: per seed the ECE and Brier score of
# tags and artist, tag p@1 of the model against popularity, auto-tag precision and coverage; then
# the ECE of every task with the seeds' reliability bins pooled.
#   scripts/eval-calibration.sh DB [FIRST] [LAST] [extra eval options...]
set -euo pipefail
cd "$(dirname "$0")/.."
db="$1"; first="${2:-1}"; last="${3:-20}"; shift $(( $# >= 3 ? 3 : $# ))
cli="${SONGSPACE_CLI:-build/release/app/songspace-cli}"
summary=$(cat <<'PY'
import json, sys
text = sys.stdin.read()
decoder, pos, runs = json.JSONDecoder(), 0, []
while pos < len(text):
    rest = text[pos:].lstrip()
    if not rest: break
    obj, used = decoder.raw_decode(rest)
    runs.append(obj["tasks"]); pos = len(text) - len(rest) + used
first = int(sys.argv[1])
def f(d, k):
    return "%.3f" % d[k] if k in d else "-"
print("| seed | tags ECE | tags Brier | artist ECE | artist Brier | tags p@1 | popularity p@1 | auto-tag precision | coverage |")
print("|---|---|---|---|---|---|---|---|---|")
for i, r in enumerate(runs):
    t, a = r.get("tags", {}), r.get("artist", {})
    tc, ac, at = t.get("calibration", {}), a.get("calibration", {}), t.get("auto_tag", {})
    print("| %d | %s | %s | %s | %s | %.3f | %.3f | %s | %s |" % (first + i, f(tc, "ece"), f(tc, "brier"),
          f(ac, "ece"), f(ac, "brier"), t["model"]["p@1"], t["popularity"]["p@1"], f(at, "precision"), f(at, "coverage")))
print()
print("| task | pooled ECE | mean ECE | mean Brier | outcomes | seeds |")
print("|---|---|---|---|---|---|")
for task in ["tags", "artist", "similar_songs", "similar_artists"]:
    cs = [r[task]["calibration"] for r in runs if task in r and "calibration" in r[task]]
    if not cs: continue
    n = sum(c["outcomes"] for c in cs)
    gap = sum(abs(sum(c["bins"][b][2] for c in cs) - sum(c["bins"][b][1] for c in cs)) for b in range(10))
    print("| %s | %.3f | %.3f | %.3f | %d | %d |" % (task, gap / n, sum(c["ece"] for c in cs) / len(cs),
          sum(c["brier"] for c in cs) / len(cs), n, len(cs)))
ats = [r["tags"]["auto_tag"] for r in runs if "auto_tag" in r.get("tags", {})]
if ats:
    proposals = sum(a["proposals"] for a in ats)
    right = sum(a["precision"] * a["proposals"] for a in ats)
    print()
    print("auto-tag pooled: precision %.3f of %d proposals, mean coverage %.3f" % (
          right / max(proposals, 1), proposals, sum(a["coverage"] for a in ats) / len(ats)))
below = [first + i for i, r in enumerate(runs) if r["tags"]["model"]["p@1"] < r["tags"]["popularity"]["p@1"]]
print("tag p@1 below popularity on seeds:", below if below else "none")
PY
)
for seed in $(seq "$first" "$last"); do "$cli" eval --db "$db" --seed "$seed" --json "$@"; done |
  /usr/bin/python3 -c "$summary" "$first"
