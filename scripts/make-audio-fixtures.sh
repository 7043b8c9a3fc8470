#!/usr/bin/env bash
# Regenerates the tiny decoder fixtures in tests/data/audio/ from synthetic sine tones.
# Deterministic: -bitexact everywhere, no metadata, fixed tone parameters. The lavfi "sine"
# source has an amplitude of 1/8 full scale, which the tests rely on.
# Sizes are kept small on purpose (the whole folder stays < 400 KB): lossy files at low
# bitrates, uncompressed WAV only where it is short or low-rate; longer PCM cases are written
# by tests/tst_decoder.cpp itself at run time.
set -euo pipefail

out="$(cd "$(dirname "$0")/.." && pwd)/tests/data/audio"
mkdir -p "$out"
ff=(ffmpeg -hide_banner -loglevel error -y -nostdin)
common=(-map_metadata -1 -fflags +bitexact -flags:a +bitexact -flags:v +bitexact)

tone() {  # tone <rate> <seconds>
  echo "sine=frequency=440:sample_rate=$1:duration=$2"
}

# Lossy codecs, mono 44.1 kHz (Opus always runs at 48 kHz), 2.0 s.
"${ff[@]}" -f lavfi -i "$(tone 44100 2)" "${common[@]}" -c:a libmp3lame -b:a 32k "$out/sine440.mp3"
"${ff[@]}" -f lavfi -i "$(tone 44100 2)" "${common[@]}" -c:a libvorbis -q:a 0 "$out/sine440.ogg"
"${ff[@]}" -f lavfi -i "$(tone 48000 2)" "${common[@]}" -c:a libopus -b:a 24k "$out/sine440.opus"
"${ff[@]}" -f lavfi -i "$(tone 44100 2)" "${common[@]}" -c:a aac -b:a 32k "$out/sine440.m4a"

# Lossless: FLAC at 44.1 and 48 kHz, 2.0 s, and a 6-channel (5.1) FLAC at 8 kHz whose channels
# all carry the same tone (so their mean is the tone itself).
"${ff[@]}" -f lavfi -i "$(tone 44100 2)" "${common[@]}" -c:a flac -sample_fmt s16 "$out/sine440.flac"
"${ff[@]}" -f lavfi -i "$(tone 48000 2)" "${common[@]}" -c:a flac -sample_fmt s16 "$out/sine440_48k.flac"
"${ff[@]}" -f lavfi -i "$(tone 8000 2)" "${common[@]}" \
  -af "pan=5.1|FL=c0|FR=c0|FC=c0|LFE=c0|BL=c0|BR=c0" -c:a flac -sample_fmt s16 \
  "$out/sine440_6ch_8k.flac"

# WAV: s16 stereo 44.1 kHz with identical channels (1.0 s to stay small) and s16 mono 8 kHz.
"${ff[@]}" -f lavfi -i "$(tone 44100 1)" "${common[@]}" -af "pan=stereo|FL=c0|FR=c0" \
  -c:a pcm_s16le "$out/sine440_stereo_1s.wav"
"${ff[@]}" -f lavfi -i "$(tone 8000 2)" "${common[@]}" -c:a pcm_s16le "$out/sine440_8k.wav"

# No audio stream: a 16x16 PNG image and a one-second video-only Matroska file.
"${ff[@]}" -f lavfi -i "color=c=blue:s=16x16" "${common[@]}" -frames:v 1 "$out/image.png"
"${ff[@]}" -f lavfi -i "testsrc=size=32x32:rate=5:duration=1" "${common[@]}" -c:v mpeg4 \
  -q:v 31 "$out/video_only.mkv"

ls -l "$out"
du -sh "$out"
