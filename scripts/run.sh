#!/usr/bin/env bash
# The main job: install what is missing, build (release), fetch the demo library when no music
# folder is given, scan it, train the joint space, evaluate it, and open the explorer. Without a
# display it says so and writes a screenshot of the main window instead.
#   scripts/run.sh [MUSIC_FOLDER ...]
# Environment: SONGSPACE_DB (catalog file; default build/release/demo.sqlite for the demo,
# the platform's application-data folder for your own folders), SONGSPACE_SCREENSHOT (PNG path).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
bin="$root/build/release/app"

if (($# == 0)); then
  library=$(bash scripts/fetch-demo.sh | tail -n 1)
  set -- "$library"
  db="${SONGSPACE_DB:-$root/build/release/demo.sqlite}"
else
  db="${SONGSPACE_DB:-}"
fi
dbargs=()
if [[ -n "$db" ]]; then dbargs=(--db "$db"); fi

echo "== scan: $*"
"$bin/songspace-cli" scan "$@" "${dbargs[@]}"
echo "== train"
"$bin/songspace-cli" train "${dbargs[@]}"
echo "== evaluate (held-out songs, model beside baselines)"
"$bin/songspace-cli" eval "${dbargs[@]}" || true

if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  echo "== opening Songspace"
  exec "$bin/songspace" "${dbargs[@]}"
fi
shot="${SONGSPACE_SCREENSHOT:-$root/build/release/songspace-screenshot.png}"
echo "== no display (DISPLAY/WAYLAND_DISPLAY unset): writing a screenshot of the main window instead"
QT_QPA_PLATFORM=offscreen "$bin/songspace" "${dbargs[@]}" --screenshot "$shot"
echo "screenshot: $shot"
