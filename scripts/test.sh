#!/usr/bin/env bash
# The test command: installs what is missing, builds with warnings as errors, checks formatting,
# and runs the whole Qt Test suite through CTest. `.ci/run` calls exactly this.
#   scripts/test.sh            optimised build (build/ci) + tests
#   scripts/test.sh --asan     the same under AddressSanitizer + UndefinedBehaviorSanitizer (build/asan)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=ci
if [[ "${1:-}" == "--asan" ]]; then preset=asan; fi

bash scripts/install-deps.sh
bash scripts/check-format.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset"
