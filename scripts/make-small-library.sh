#!/usr/bin/env bash
# Builds the README's 13-song library from the demo library (scripts/fetch-demo.sh): what a new
# user with a handful of files sees. 5 Wesnoth pieces tagged Romantic Classical, 4 HyperRogue
# pieces tagged Game (all four titled "Living Caves" by their tags), Muldjord's "Chaos God" tagged
# Death Metal (the only song of its tag, so the tag is not learned), and 3 without a genre: a
# Singularity piece, ASC's "Machine Wars" and HyperRogue's 2-second effect `bull.ogg`. The files
# are copied (tags and all) into OUT/library, under their packages' folders.
#   scripts/make-small-library.sh OUT       then: songspace-cli scan OUT/library --db OUT/small.sqlite
# Prints the library folder on the last line.
set -euo pipefail
out="${1:?usage: scripts/make-small-library.sh OUT}"
demo="$(bash "$(dirname "$0")/fetch-demo.sh" | tail -n 1)"
files=(
  wesnoth-1.16-music/wesnoth/1.16/data/core/music/battle.ogg
  wesnoth-1.16-music/wesnoth/1.16/data/core/music/battle-epic.ogg
  wesnoth-1.16-music/wesnoth/1.16/data/core/music/breaking_the_chains.ogg
  wesnoth-1.16-music/wesnoth/1.16/data/core/music/casualties_of_war.ogg
  wesnoth-1.16-music/wesnoth/1.16/data/core/music/defeat.ogg
  hyperrogue-music/hyperrogue/music/hr3-caves.ogg
  hyperrogue-music/hyperrogue/music/hr3-crossroads.ogg
  hyperrogue-music/hyperrogue/music/hr3-desert.ogg
  hyperrogue-music/hyperrogue/music/hr3-graveyard.ogg
  fretsonfire-songs-muldjord/fretsonfire/data/songs/muldjord/chaos_god/song.ogg
  "singularity-music/singularity/music/A New Journey.ogg"
  asc-music/asc/music/machine_wars.mp3
  hyperrogue-music/hyperrogue/sounds/bull.ogg
)
for f in "${files[@]}"; do
  mkdir -p "$out/library/$(dirname "$f")"
  cp -p "$demo/$f" "$out/library/$f"
done
echo "make-small-library: ${#files[@]} files" >&2
echo "$out/library"
