#!/usr/bin/env bash
# Fuzzes the readers of bytes a user did not write (tests/fuzz/fuzzinputs.h: decoder, metadata,
# playlist, model file, codebook) with libFuzzer under AddressSanitizer + UndefinedBehaviorSanitizer.
# Builds the fuzz preset (clang, build/fuzz: the harnesses and the libraries they need, nothing
# else), then runs each target for N executions on a copy of its seed corpus
# tests/fuzz/corpus/<corpus>/ in a temporary folder (the committed corpus never grows), one target
# after the other, and prints per target the executions, seconds and crashes. Exits non-zero on
# any crash, leak, timeout or out-of-memory, naming the input libFuzzer kept (copied to
# build/fuzz/crashes/<target>/) and the command that replays it.
#   scripts/fuzz.sh [--runs N] [TARGET...]   N executions per target (default 1000000);
#                                            TARGETs: codebook decoder metadata modelfile playlist
#                                            (default: all)
# CI (scripts/test.sh) runs it with a small N so the harnesses keep building and the seeds keep
# passing; a crash found becomes a regression input in tests/fuzz/regressions/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

runs=1000000
all=(codebook decoder metadata modelfile playlist)
targets=()
while (($#)); do
  case $1 in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) runs=${1#--runs=}; shift ;;
    -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ "$runs" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: --runs takes a whole number, not '$runs'" >&2; exit 2; }
((${#targets[@]})) || targets=("${all[@]}")
for target in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $target "* ]] || { echo "fuzz.sh: unknown target $target (${all[*]})" >&2; exit 2; }
done

# Per target: its seed folder under tests/fuzz/corpus/ and the largest input libFuzzer may build
# (a few times the largest seed: the audio seeds are whole files of 1-6 KB).
corpus_of() { case $1 in decoder | metadata) echo audio ;; *) echo "$1" ;; esac; }
max_len_of() { case $1 in decoder | metadata) echo 16384 ;; modelfile | playlist) echo 4096 ;; *) echo 1024 ;; esac; }
# Per input: libFuzzer's limit in seconds. decoderInput stops after 30 s of output, which takes
# well under a second even under ASan; an input that takes this long is a hang.
per_input_timeout=20
# FFmpeg allocates what a damaged header declares (a 2 KB WavPack file asked for 1.7 GB for its
# tag): harmless without ASan (the pages are never touched), seconds of shadow poisoning with it.
# Allocations above this fail instead (allocator_may_return_null), as they may on a user's
# machine, and the readers must cope with that.
max_allocation_mb=256

cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

shm=/dev/shm
[[ -d $shm && -w $shm ]] || shm=${TMPDIR:-/tmp}
work=$(mktemp -d "$shm/songspace-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

failed=()
printf '%-10s %12s %9s %9s %8s\n' target executions seconds 'exec/s' crashes
for target in "${targets[@]}"; do
  dir=$work/$target
  mkdir -p "$dir/corpus" "$dir/tmp" "$dir/artifacts"
  cp "tests/fuzz/corpus/$(corpus_of "$target")"/* "$dir/corpus/"
  start=$EPOCHREALTIME
  status=0
  TMPDIR=$dir/tmp \
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:max_allocation_size_mb=$max_allocation_mb \
    LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build/fuzz/tests/fuzz/fuzz_$target" -runs="$runs" -max_len="$(max_len_of "$target")" \
    -timeout="$per_input_timeout" -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$dir/log" 2>&1 || status=$?
  seconds=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  # Executions: libFuzzer's final statistics, or its last progress line when it stopped early.
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$dir/log" | tail -1)
  [[ -n "$execs" ]] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$dir/log" | tail -1)
  execs=${execs:-0}
  # What libFuzzer keeps for a failure (not the slow-unit-* it also writes for slow inputs).
  shopt -s nullglob
  found=("$dir"/artifacts/{crash,leak,timeout,oom}-*)
  shopt -u nullglob
  rate=$(awk -v n="$execs" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
  printf '%-10s %12s %9s %9s %8s\n' "$target" "$execs" "$seconds" "$rate" "${#found[@]}"
  if ((status != 0 || ${#found[@]} > 0)); then
    kept=build/fuzz/crashes/$target
    mkdir -p "$kept"
    cp "$dir/log" "$kept/log"
    for input in "${found[@]}"; do
      cp "$input" "$kept/"
      echo "  $target: $(basename "$input") kept as $kept/$(basename "$input");" \
        "replay: build/fuzz/tests/fuzz/fuzz_$target $kept/$(basename "$input")"
    done
    ((${#found[@]})) || echo "  $target: libFuzzer exited with $status without an input; log: $kept/log"
    grep -m 3 -E 'ERROR: |runtime error: |fuzz contract broken' "$dir/log" | sed 's/^/  /' || true
    failed+=("$target")
  fi
done
if ((${#failed[@]})); then
  echo "fuzz.sh: crashes in ${failed[*]}" >&2
  exit 1
fi
