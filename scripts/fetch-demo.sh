#!/usr/bin/env bash
# Builds the demo library: real music with real tags from Debian packages (see shared DATA.md),
# fetched with `apt-get download` and unpacked with `dpkg -x` into a cache folder — nothing is
# installed and no audio is committed. Album cover images (albumcover.png, cover.*, folder.jpg) are
# kept beside their songs. Idempotent: packages already unpacked are skipped.
#   scripts/fetch-demo.sh [DEST]        default DEST: ${XDG_CACHE_HOME:-~/.cache}/songspace/demo
# Prints the library folder on the last line.
set -euo pipefail
dest="${1:-${SONGSPACE_DEMO_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/songspace/demo}}"
packages=(${SONGSPACE_DEMO_PACKAGES:-wesnoth-1.16-music singularity-music hyperrogue-music asc-music warzone2100-music fretsonfire-songs-muldjord})
mkdir -p "$dest/debs" "$dest/library"
updated=0
for pkg in "${packages[@]}"; do
  # .v2: the album cover images are kept too (a library unpacked before lacks them: unpacked again,
  # the files keep the package's times, so a rescan sees nothing changed).
  if [[ -f "$dest/library/.$pkg.v2.done" ]]; then continue; fi
  if ! ls "$dest/debs/${pkg}"_*.deb >/dev/null 2>&1; then
    if ((updated == 0)) && ! apt-cache show "$pkg" >/dev/null 2>&1; then
      if [[ $(id -u) -eq 0 ]]; then apt-get update -qq; else sudo apt-get update -qq; fi
      updated=1
    fi
    (cd "$dest/debs" && apt-get download -q "$pkg" >&2)
  fi
  tmp="$dest/unpack-$pkg"
  rm -rf "$tmp"
  dpkg -x "$dest/debs/${pkg}"_*.deb "$tmp"
  # Keep only the audio files, under library/<package>/ with their folder structure below
  # usr/share/games/... flattened to the part after the package's data folder.
  mkdir -p "$dest/library/$pkg"
  while IFS= read -r -d '' f; do
    rel="${f#"$tmp"/usr/share/}"
    rel="${rel#games/}"
    mkdir -p "$dest/library/$pkg/$(dirname "$rel")"
    mv "$f" "$dest/library/$pkg/$rel"
  done < <(find "$tmp" -type f \( -iname '*.ogg' -o -iname '*.opus' -o -iname '*.mp3' -o -iname '*.flac' -o -iname '*.m3u' -o -iname '*.m3u8' \
    -o -iname 'albumcover.png' -o -iname 'cover.jpg' -o -iname 'cover.png' -o -iname 'folder.jpg' \) -print0)
  rm -rf "$tmp"
  touch "$dest/library/.$pkg.v2.done"
  echo "fetch-demo: $pkg unpacked" >&2
done
echo "fetch-demo: $(find "$dest/library" -type f ! -name '.*' | wc -l) files in $dest/library" >&2
echo "$dest/library"
