#!/usr/bin/env bash
# Runs a test executable again and again and catches hangs: a run silent for longer than the limit
# gets every thread's stack written by gdb (HUNG line, then <out>/hang-N.bt) and is killed.
#   scripts/hunt-hangs.sh [--runs N] [--limit SECONDS] [--out DIR] EXECUTABLE [TEST ARGS...]
# Prints one line per run: its number, exit status, and the first FAIL line if any. Run several at
# once (each with its own --out) to add the load a CI machine has.
set -euo pipefail
runs=10 limit=120 out=$(mktemp -d /tmp/hunt-hangs.XXXXXX)
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --limit) limit=$2; shift 2 ;;
    --out) out=$2; mkdir -p "$out"; shift 2 ;;
    -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
(($#)) || { echo "hunt-hangs.sh: name a test executable" >&2; exit 2; }
command -v gdb >/dev/null || { echo "hunt-hangs.sh: needs gdb (scripts/install-deps.sh)" >&2; exit 2; }
hangs=0
for ((i = 1; i <= runs; ++i)); do
  log=$out/run-$i.log
  QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} "$@" >"$log" 2>&1 &
  pid=$!
  for ((t = 0; t < limit * 2; ++t)); do
    sleep 0.5
    kill -0 "$pid" 2>/dev/null || break
  done
  if kill -0 "$pid" 2>/dev/null; then
    gdb -batch -ex "thread apply all bt" -p "$pid" >"$out/hang-$i.bt" 2>&1 || true
    kill -9 "$pid"
    echo "HUNG run $i: stacks in $out/hang-$i.bt"
    hangs=$((hangs + 1))
  fi
  status=0
  wait "$pid" || status=$?
  echo "run $i: exit $status $(grep -m1 '^FAIL' "$log" || true)"
done
echo "hunt-hangs: $hangs hang(s) in $runs runs; logs in $out"
