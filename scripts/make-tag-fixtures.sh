#!/usr/bin/env bash
# Regenerates the tiny tagged fixtures in tests/data/tags/ (1 s, 440 Hz, mono, 22050 Hz).
# -bitexact keeps the outputs reproducible across runs of the same ffmpeg build; the tests
# assert what TagLib really reads from these files (ffmpeg decides how each field is stored,
# e.g. "mood" in MP3 becomes TXXX:mood and in M4A a freeform ----:com.apple.iTunes:mood atom).
set -euo pipefail

out="$(cd "$(dirname "$0")/.." && pwd)/tests/data/tags"
mkdir -p "$out"

src=(-f lavfi -i "sine=f=440:d=1" -ac 1 -ar 22050)
common=(-map_metadata -1 -fflags +bitexact -flags:a +bitexact -y -loglevel error)
meta=(
  -metadata "title=Ærø – 東京"
  -metadata "artist=Test Artist"
  -metadata "album_artist=Various Artists"
  -metadata "album=Test Album"
  -metadata "genre=Rock;Pop"
  -metadata "date=2021"
  -metadata "track=7"
  -metadata "comment=A comment"
  -metadata "mood=Calm"
  -metadata "grouping=Evening"
  -metadata "tags=chill; night"
)

ffmpeg "${src[@]}" -c:a libmp3lame -b:a 32k "${meta[@]}" "${common[@]}" "$out/tagged-v24.mp3"
ffmpeg "${src[@]}" -c:a libmp3lame -b:a 32k -id3v2_version 3 "${meta[@]}" "${common[@]}" \
  "$out/tagged-v23.mp3"
ffmpeg "${src[@]}" -c:a libvorbis -b:a 32k "${meta[@]}" "${common[@]}" "$out/tagged.ogg"
ffmpeg "${src[@]}" -ar 48000 -c:a libopus -b:a 32k "${meta[@]}" "${common[@]}" "$out/tagged.opus"
ffmpeg "${src[@]}" -c:a flac "${meta[@]}" "${common[@]}" "$out/tagged.flac"
ffmpeg "${src[@]}" -c:a aac -b:a 32k "${meta[@]}" "${common[@]}" "$out/tagged.m4a"
ffmpeg "${src[@]}" -c:a pcm_s16le "${meta[@]}" "${common[@]}" "$out/tagged.wav"
# No tags at all: -write_xing 0 and -id3v2_version 0 keep ffmpeg from writing an ID3v2 header.
ffmpeg "${src[@]}" -c:a libmp3lame -b:a 32k -id3v2_version 0 -write_xing 0 "${common[@]}" \
  "$out/untagged.mp3"
ffmpeg "${src[@]}" -c:a flac "${common[@]}" "$out/untagged.flac"

du -ch "$out"/* | tail -1
