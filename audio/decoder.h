#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "audio/analysisrate.h"
#include "audio/sourceprobe.h"
#include "core/base/parameter.h"
#include "core/base/status.h"

namespace songspace::audio {

struct DecodeOptions {
  static constexpr base::ParameterSpec<int> kSampleRate{
      "sample_rate", kAnalysisSampleRate, 4000, 192000, "output sample rate (mono)", "Hz"};
  static constexpr base::ParameterSpec<std::size_t> kBlockSamples{
      "block_samples",
      16384,
      1,
      std::size_t{1} << 24,
      "largest block handed to the sink (bounds its buffer)",
      "samples"};
  static constexpr base::ParameterSpec<double> kMinSeconds{
      "min_seconds", 1.0, 0.0, 86400.0, "shorter output fails with base::ErrorCode::TooShort", "s"};

  int sampleRate = kSampleRate.defaultValue;
  std::size_t blockSamples = kBlockSamples.defaultValue;
  double minSeconds = kMinSeconds.defaultValue;
  const std::atomic<bool>* cancel = nullptr;  // polled between packets
  bool measureSource = false;                 // fill DecodeReport::source (audio/sourceprobe.h)
  // How FFmpeg's log lines name the file (empty: its path), e.g. the user's file when a
  // temporary copy of it is decoded, so that no line names a file the user never had.
  std::string logName;
};

// How far a duration someone claims for a file may differ from the decoded one without a warning:
// codec delay, padding and the resampler's edges cost milliseconds; a VBR MP3 without a
// Xing/Info header (its duration a bitrate estimate), a cut file, concatenated streams or a
// damaged stream cost more.
inline constexpr double kDurationToleranceSeconds = 1.0;

// Who claims a duration: the container's declaration, the container's estimate from the bitrate,
// or the tags reader (TagLib's audio properties, what TagLib-based players show).
enum class DurationClaim { Declared, Estimated, TagReader };

// The one duration warning of a file read to its end, empty when `claimedSeconds` is unknown
// (<= 0) or within kDurationToleranceSeconds of `decodedSeconds`:
// Declared and longer: "truncated: decoded X s of declared Y s";
// Estimated: "duration: the header estimates Y s from the bitrate, the audio decodes to X s";
// Declared and shorter: "duration: the header declares Y s, the audio decodes to X s";
// TagReader: "duration: the tags reader says Y s, the audio decodes to X s".
std::string durationWarning(double claimedSeconds, double decodedSeconds, DurationClaim claim);

// What the decoder learned about a file, filled even when decoding fails part-way.
struct DecodeReport {
  std::string formatName;  // container, e.g. "ogg", "mp3", "flac"
  std::string codecName;   // e.g. "vorbis", "mp3float", "opus"
  int sourceSampleRate = 0;
  int sourceChannels = 0;
  double declaredSeconds = 0;  // from the container (or its bitrate estimate), 0 when unknown
  double decodedSeconds = 0;   // output samples / sampleRate
  // The stream was read to its end (not stopped by the sink, not cancelled, not given up on after
  // unreadable data): decodedSeconds is then the file's true duration, what a player plays.
  bool complete = false;
  // warnings holds the durationWarning() of the container's declaration (or its truncation).
  bool durationWarned = false;
  int corruptPackets = 0;             // packets the codec rejected and that were skipped
  std::vector<std::string> warnings;  // e.g. "3 corrupt packets skipped near 12.4 s"
  SourceStatistics source;            // with DecodeOptions::measureSource, else zero
};

// Receives consecutive blocks of mono float samples in [-1, 1] at DecodeOptions::sampleRate.
// Return false to stop decoding early (decodeAudio then returns success with what was decoded).
using SampleSink = std::function<bool(std::span<const float>)>;

// Streams a file through FFmpeg (libavformat, libavcodec, libswresample) to `sink` in blocks of
// at most blockSamples: memory stays bounded whatever the file's length. Never throws.
// Mono is the arithmetic mean of all channels (LFE included); the resampler is flushed, so a
// lossless 2.0 s file yields 2.0 s (lossy codecs may add up to one codec frame of padding).
// Error messages never contain the path; Corrupt messages say where ("at 1.18 s").
//
// Partial-decode rule, applied when the whole file has been read (not when the sink stopped):
// - a packet the demuxer or codec rejects is skipped and counted in corruptPackets;
// - no packet decoded at all: NotAudio if packets were rejected or FFmpeg only guessed the format
//   (low probe score, e.g. from the extension), Corrupt if truncated (below), otherwise TooShort;
// - rejected packets >= 10% of all packets: Corrupt "N of M packets corrupt, first at X s"
//   (NotAudio when the format was only guessed);
// - truncated = the container declares a reliable duration (not a bitrate estimate) and the
//   decoded duration is < 90% of it;
// - decoded < minSeconds: Corrupt "truncated: decoded X s of declared Y s" when truncated, else
//   TooShort;
// - otherwise success, with a warning in report->warnings for skipped packets
//   ("N of M packets corrupt, first at X s") and one for the duration: when the stream was read
//   to its end, durationWarning() of the declared duration (Estimated when FFmpeg guessed it from
//   the bitrate), else the truncation above.
// Unsupported "cannot convert this sample format or layout" when the decoded audio has no
// channels or more than 64, or a sample rate below 1 kHz or above 3 MHz (a damaged header's
// claim: a resampler for it would take seconds to build, or hundreds of MB to run). Memory does
// not grow with a frame's declared size: the resampler's output is taken in bounded pieces.
// A file that fails to open is NotAudio unless its first bytes are recognised as a media format,
// in which case its header is damaged or cut: Corrupt "... at 0.00 s". A zero-byte file is
// TooShort "empty file".
base::Status decodeAudio(const std::filesystem::path& file, const SampleSink& sink,
                         DecodeReport* report = nullptr, const DecodeOptions& options = {});

}  // namespace songspace::audio
