#!/usr/bin/env bash
# Installs the Debian packages Songspace needs to build, test and run. Idempotent: installs only
# what is missing, and runs `apt-get update` only when something is missing.
#   scripts/install-deps.sh            build + run + test dependencies
#   scripts/install-deps.sh --tools    also the tools that regenerate fixtures/golden data and run
#                                      the Python baselines in bench/ (numpy, scipy, sklearn)
set -euo pipefail

packages=(
  # toolchain
  cmake g++ ninja-build pkg-config ccache clang-format clang-tidy git
  # fuzzing (scripts/fuzz.sh): clang, and its libFuzzer and sanitizer runtimes (only recommended)
  clang libclang-rt-14-dev
  # libraries (the fixed choices of docs/design.md §6)
  qt6-base-dev qt6-base-dev-tools qt6-multimedia-dev qt6-svg-dev
  libavformat-dev libavcodec-dev libswresample-dev libavutil-dev
  libtag1-dev libkissfft-dev libeigen3-dev libsqlite3-dev libhnswlib-dev zlib1g-dev
  # runtime: audio playback backend for Qt Multimedia, a display server for headless runs
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav
  xvfb xauth fonts-dejavu-core
  # demo library fetch (apt-get download + dpkg -x)
  dpkg apt
  # tests: independent tag readers and fixture makers (tests/tagtool.py, tst_tagcarry; sox makes
  # tst_scanjob's VBR MP3 whose first seconds are silent)
  python3 python3-mutagen ffmpeg sox
  # tests: speech, a sound unlike any music library (tst_endtoend's "I don't know" case)
  espeak-ng
  # tests: a private D-Bus daemon for MPRIS (tst_playerbar starts dbus-daemon itself)
  dbus
  # tests: Qt Test's watchdog prints the stacks of a hung test function through gdb
  gdb
)
if [[ "${1:-}" == "--tools" ]]; then
  packages+=(python3-numpy python3-scipy python3-sklearn python3-pandas)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
