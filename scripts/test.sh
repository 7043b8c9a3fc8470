#!/usr/bin/env bash
# The test command: installs what is missing, checks formatting, builds with warnings as errors
# and runs the Qt Test suite through CTest — once optimised (build/ci, then clang-tidy on the
# changed files: scripts/tidy.sh), once under AddressSanitizer + UndefinedBehaviorSanitizer with
# leak detection (build/asan), then a short libFuzzer run of every reader of untrusted bytes
# (scripts/fuzz.sh, build/fuzz) so the harnesses keep building and their seeds keep passing.
# `.ci/run` calls exactly this. Each step prints its wall time, the run its total.
#   scripts/test.sh            ci (+ tidy), asan and fuzz
#   scripts/test.sh --quick    ci (+ tidy) only
#   scripts/test.sh --tsan     ci (+ tidy), asan, fuzz and the concurrent cases (label `threads`) under
#                              ThreadSanitizer (build/tsan): not in CI, whose 30-minute budget the
#                              ci and asan suites already use most of
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache keys on paths relative to the checkout, so a fresh clone in another folder reuses the
# objects of an earlier build (CI runs in a new clone each time).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
presets=(ci asan)
# Executions per fuzz target in CI: enough to keep every harness building and its seeds and
# first mutations passing. The decoder harness, the slowest, runs ~200 a second on an idle core,
# so the runs take ~70 s and the step ~2 minutes with a warm ccache (docs/experiments.md §9).
fuzz_runs=10000
case "${1:-}" in
  --quick) presets=(ci) ;;
  --tsan) presets=(ci asan tsan) ;;
esac

step() {  # step NAME COMMAND...: runs the command and prints how long it took
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "== $name: $((SECONDS - start)) s"
}

bash scripts/install-deps.sh
step format bash scripts/check-format.sh
for preset in "${presets[@]}"; do
  cmake --preset "$preset" >/dev/null
  step "$preset build" cmake --build --preset "$preset" -j "$(nproc)"
  if [[ "$preset" == ci ]]; then step tidy bash scripts/tidy.sh; fi
  step "$preset tests" ctest --preset "$preset"
  if [[ "$preset" == asan ]]; then step fuzz bash scripts/fuzz.sh --runs "$fuzz_runs"; fi
done
echo "== scripts/test.sh ${*}: $SECONDS s"
