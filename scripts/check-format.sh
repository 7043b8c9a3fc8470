#!/usr/bin/env bash
# Fails when any C++ source is not formatted as .clang-format says (clang-format --dry-run -Werror).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -- '*.cpp' '*.h' 2>/dev/null || find app core audio ui tests bench -name '*.cpp' -o -name '*.h')
if ((${#files[@]} == 0)); then exit 0; fi
if ! clang-format --dry-run -Werror "${files[@]}"; then
  echo "check-format: run  clang-format -i \$(git ls-files '*.cpp' '*.h')  to fix" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
