#!/usr/bin/env bash
# Writes a library of N short tagged FLAC files for an end-to-end scan at scale (issue 16):
#   scripts/make-scale-library.sh N DIR [SECONDS]
# Planted structure, so a model trained on the scan has something to learn: N / 50 artists, each
# with its own timbre (waveform, fundamental, overtone and noise colour), in 20 genres (an
# artist's genre is artist mod 20; one song in ten also carries its genre's neighbour), 10 songs
# an album. Each file is SECONDS long (default 4) with ARTIST, ALBUM, TITLE, TRACKNUMBER and GENRE
# Vorbis comments; DIR/<genre>/<artist>/<album>/<n>.flac. Files already there are kept, so an
# interrupted run resumes. Needs sox (scripts/install-deps.sh installs it); uses every core.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 N DIR [SECONDS]" >&2
  exit 2
fi
count=$1
dir=$2
seconds=${3:-4}
if ! [[ $count =~ ^[0-9]+$ && $count -ge 1 ]]; then
  echo "$0: N must be a positive integer, not '$count'" >&2
  exit 2
fi
command -v sox >/dev/null || {
  echo "$0: sox is missing (run scripts/install-deps.sh)" >&2
  exit 1
}
mkdir -p "$dir"
artists=$(((count + 49) / 50))

make_one() {
  local i=$1 dir=$2 artists=$3 seconds=$4
  local artist=$((i % artists))
  local genre=$((artist % 20))
  local album=$((i / artists / 10))  # the artist's songs in order, 10 an album
  local waves=(sine square triangle sawtooth)
  local noises=(whitenoise pinknoise brownnoise)
  local wave=${waves[$((artist % 4))]}
  local noise=${noises[$((artist / 4 % 3))]}
  # The artist's fundamental, 110-880 Hz, and a song's own offset of a few per cent.
  local base=$((110 + (artist * 7919 % 771)))
  local freq=$((base + (i * 31 % (base / 20 + 1))))
  local overtone=$((freq * (2 + artist % 3)))
  local out="$dir/genre-$genre/artist-$artist/album-$album/$i.flac"
  [[ -s $out ]] && return 0
  mkdir -p "${out%/*}"
  local genres="Genre $genre"
  if ((i % 10 == 0)); then genres="Genre $genre;Genre $(((genre + 1) % 20))"; fi
  sox -q -n -r 22050 -c 1 -b 16 \
    --comment "ARTIST=Artist $artist" --add-comment "ALBUM=Album $album of Artist $artist" \
    --add-comment "TITLE=Song $i" --add-comment "TRACKNUMBER=$((i / artists % 10 + 1))" \
    --add-comment "GENRE=$genres" -t flac "$out.tmp" \
    synth "$seconds" "$wave" "$freq" synth "$seconds" sine mix "$overtone" \
    synth "$seconds" "$noise" mix gain -n -3
  mv "$out.tmp" "$out"
}
export -f make_one

seq 0 $((count - 1)) | xargs -P "$(nproc)" -I{} bash -c 'make_one "$@"' _ {} "$dir" "$artists" "$seconds"
echo "$count files of $seconds s by $artists artists in $dir"
