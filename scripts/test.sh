#!/usr/bin/env bash
# The test command: installs what is missing, checks formatting, builds with warnings as errors
# and runs the whole Qt Test suite through CTest — once optimised (build/ci) and once under
# AddressSanitizer + UndefinedBehaviorSanitizer (build/asan). `.ci/run` calls exactly this.
#   scripts/test.sh            both builds
#   scripts/test.sh --quick    the optimised build only
set -euo pipefail
cd "$(dirname "$0")/.."
presets=(ci asan)
if [[ "${1:-}" == "--quick" ]]; then presets=(ci); fi

bash scripts/install-deps.sh
bash scripts/check-format.sh
for preset in "${presets[@]}"; do
  echo "== $preset build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
  ctest --preset "$preset"
done
