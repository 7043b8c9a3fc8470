#pragma once

// The inputs of the libFuzzer harnesses (tests/fuzz/harness.cpp, run by scripts/fuzz.sh) and of the
// regression tests that replay what they found (tests/fuzz/regressions/<target>/): each entry
// hands arbitrary bytes to one reader of bytes a user did not write, through the same call the
// app makes, and returns that reader's status. A crash, a sanitizer report or a broken output
// contract (checked here; the entry then prints what broke and aborts) is a bug in that reader.
//
// Inputs that must be files are written to one folder per process under
// std::filesystem::temp_directory_path() (scripts/fuzz.sh points TMPDIR at a tmpfs), removed at
// exit. Not thread-safe: one input at a time per process.

#include <cstdint>
#include <span>
#include <string_view>

#include "core/base/status.h"

namespace songspace::fuzz {

using Input = std::span<const std::uint8_t>;

// A whole file through audio::decodeAudio with the options the scan's SongAnalyzer passes
// (analysis sample rate, minimum duration, source statistics), stopped after
// kMaxDecodedSeconds of output so that one input cannot run long. The first byte picks the
// file's extension from library::audioExtensions() (modulo their count): FFmpeg's probe, and
// its guess for weak matches, see the name the scan would. Checks every sample is in [-1, 1] and
// no block exceeds DecodeOptions::blockSamples.
inline constexpr double kMaxDecodedSeconds = 30.0;
base::Status decoderInput(Input bytes);

// A whole file through audio::readMetadata (TagLib and our merging of its tag types), the
// extension picked by the first byte as for decoderInput (TagLib chooses its reader by it).
// Checks the contract of audio::TrackMetadata: strings are valid UTF-8, multi-valued fields hold
// no empty values.
base::Status metadataInput(Input bytes);

// The bytes as a playlist file "input.m3u8" through library::readPlaylistFile, then through
// library::parsePlaylist as M3U (legacy decoding), PLS and XSPF. Checks the PlaylistFile
// contract: every string valid UTF-8, every entry numbered, Local entries absolute and lexically
// normal, at most kMaxPlaylistEntries. Returns the M3U8 read's status (Corrupt for binary data).
base::Status playlistInput(Input bytes);

// A model file through core::JointModel::load. First byte odd: the rest is the file with its
// framing repaired — magic and format version as given, then the payload size and its CRC-32
// computed — so mutations reach the payload parser instead of dying at the checksum; even: the
// rest is the file as is. A model that loads must save and load again.
base::Status modelFileInput(Input bytes);

// Bytes through audio::Codebook::deserialize (the codebook blob of catalogs and model files).
// First byte odd: the CRC-32 of the rest is appended first (see modelFileInput); even: the rest
// as is. A codebook that loads must serialize to the same bytes and label a frame with a
// centroid index in [0, size()).
base::Status codebookInput(Input bytes);

namespace detail {
// Writes `bytes` to `name` in the process's input folder and returns its path.
std::string writeInputFile(std::string_view name, Input bytes);
// The first byte's choice among library::audioExtensions() (".mp3" for no byte), and the rest.
std::string_view extensionFor(Input bytes);
Input afterSelector(Input bytes);
// Prints "fuzz contract broken: <what>" to stderr and aborts: libFuzzer keeps the input.
[[noreturn]] void contractBroken(std::string_view what);
}  // namespace detail

}  // namespace songspace::fuzz
