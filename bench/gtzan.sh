#!/bin/sh
# GTZAN genre classification: songspace-cli eval-table (joint model's tag task + baselines)
# beside sklearn references (logistic regression, RBF SVM, kNN), same k = 10 stratified folds.
# The partitions are not identical (ours: seeded stratified dealing; sklearn: StratifiedKFold
# with shuffle), only the number of folds, the stratification and the seed value match.
#
# usage: bench/gtzan.sh [CSV] [CLI]    (run from the repository root)
#   CSV defaults to ../shared/data/gtzan/features_30_sec.csv, CLI to build/release/app/songspace-cli (cmake --preset release)
#   environment: FOLDS (10), SEED (1), PYTHON (/usr/bin/python3: Debian's python3-sklearn)
set -eu
csv=${1:-../shared/data/gtzan/features_30_sec.csv}
cli=${2:-build/release/app/songspace-cli}
folds=${FOLDS:-10}
seed=${SEED:-1}
python=${PYTHON:-/usr/bin/python3}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

start=$(date +%s)
"$cli" eval-table "$csv" --label label --folds "$folds" --seed "$seed" --json > "$tmp/ours.json"
mid=$(date +%s)
"$python" "$here/gtzan_baselines.py" "$csv" --folds "$folds" --seed "$seed" > "$tmp/sk.json"
end=$(date +%s)

"$python" - "$tmp/ours.json" "$tmp/sk.json" "$((mid - start))" "$((end - mid))" <<'PY'
import json, sys
ours, sk = (json.load(open(p)) for p in sys.argv[1:3])
print(f"GTZAN, {ours['folds']} stratified folds (accuracy = p@1)")
print(f"{'method':<14}{'p@1':>8}{'p@5':>8}{'map':>8}{'auc':>8}   source")
for name, m in ours["methods"].items():
    print(f"{name:<14}{m['p@1']:>8.4f}{m['p@5']:>8.4f}{m['map']:>8.4f}{m['auc']:>8.4f}   songspace-cli")
for name, m in sk["methods"].items():
    print(f"{name:<14}{m['p@1']:>8.4f}{'':>8}{'':>8}{'':>8}   sklearn")
print(f"time: songspace-cli {sys.argv[3]} s, sklearn {sys.argv[4]} s")
PY
