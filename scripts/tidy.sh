#!/usr/bin/env bash
# clang-tidy with the repository's .clang-tidy on our C++ sources, through the ci build's
# compile_commands.json (cmake --preset ci exports it; the tests' generated .moc files exist once
# the ci build has run). Fails on any finding.
#   scripts/tidy.sh            the .cpp files changed since main's merge-base, committed or not
#                              (a changed header brings the .cpp beside it); on main itself, the
#                              files of the last commit. scripts/test.sh runs this.
#   scripts/tidy.sh --all      every .cpp of app, audio, core, ui, tests and bench
#   scripts/tidy.sh FILE...    those files
# SONGSPACE_TIDY_BASE=<rev> compares against another revision.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/ci
database="$build/compile_commands.json"
if [[ ! -f "$database" ]]; then
  echo "tidy: $database is missing: run  cmake --preset ci  first" >&2
  exit 2
fi

changed_files() {
  local base="${SONGSPACE_TIDY_BASE:-}"
  if [[ -z "$base" ]]; then
    base=$(git merge-base HEAD main 2>/dev/null || git rev-parse HEAD)
    if [[ "$base" == "$(git rev-parse HEAD)" ]]; then base="HEAD~1"; fi
  fi
  { git diff --name-only --diff-filter=d "$base" -- '*.cpp' '*.h'; git ls-files --others --exclude-standard -- '*.cpp' '*.h'; } |
    sed -e 's/\.h$/.cpp/' | sort -u
}

candidates=()
if [[ "${1:-}" == "--all" ]]; then
  mapfile -t candidates < <(git ls-files -- 'app/*.cpp' 'audio/*.cpp' 'core/*.cpp' 'ui/*.cpp' 'tests/*.cpp' 'bench/*.cpp')
elif (($# > 0)); then
  candidates=("$@")
else
  mapfile -t candidates < <(changed_files)
fi

# Only translation units the build knows (a header without a .cpp beside it is checked through
# the files that include it, as .clang-tidy's HeaderFilterRegex says).
files=()
for file in "${candidates[@]}"; do
  [[ -f "$file" ]] && grep -qF "\"file\": \"$PWD/$file\"" "$database" && files+=("$file")
done
if ((${#files[@]} == 0)); then
  echo "tidy: no changed C++ translation units to check"
  exit 0
fi

start=$SECONDS
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
printf '%s\n' "${files[@]}" |
  xargs -P "$(nproc)" -n 1 clang-tidy -p "$build" --quiet --warnings-as-errors='*' >"$log" 2>&1 ||
  status=$?
# clang-tidy prints "N warnings generated." for the (suppressed) system-header noise: drop it.
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$' "$log" || true
echo "tidy: ${#files[@]} files in $((SECONDS - start)) s"
if ((status != 0)); then
  echo "tidy: findings above (fix them, or drop the check in .clang-tidy with a one-line reason)" >&2
  exit 1
fi
