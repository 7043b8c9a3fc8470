#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "audio/codebook.h"
#include "audio/decoder.h"
#include "audio/descriptors.h"
#include "audio/mfcc.h"
#include "core/base/parameter.h"
#include "core/base/status.h"

namespace songspace::audio {

struct AnalyzerParams {
  static constexpr base::ParameterSpec<int> kFrameSampleSize{
      "frame_sample_size", 128, 0, 100000,
      "frames kept per song (uniform reservoir) so the codebook can be re-learned without "
      "decoding"};

  MfccParams mfcc;
  int frameSampleSize = kFrameSampleSize.defaultValue;
  static constexpr base::ParameterSpec<double> kMinSeconds{
      "min_seconds", 0.5, 0.05, 60.0, "shorter decoded audio is rejected as too short"};
  double minSeconds = kMinSeconds.defaultValue;

  base::Status validate() const;
};

// Bumped whenever the analysis of a file would change for the same file and codebook
// (decoder, MFCC definition, summary block, sampling). Part of the catalog's cache key.
// 2: song descriptors appended to the summary; 3: their contrast on every 4th frame, float sums;
// 4: source statistics (stereo width, energy above 12/16/19 kHz) appended.
inline constexpr int kAnalyzerVersion = 4;

// Everything one pass over a file produces.
struct SongAnalysis {
  std::vector<std::pair<std::uint32_t, float>> codewordCounts;  // empty without a codebook
  // Per frame feature: mean, then standard deviation; then the kDescriptorCount song
  // descriptors (audio/descriptors.h); then the SourceStatistics::kCount source statistics
  // (audio/sourceprobe.h).
  std::vector<float> summary;
  FrameMatrix frameSample;  // up to frameSampleSize frames, in stream order
  std::uint64_t frameCount = 0;
  DecodeReport decode;
};

// Whether a song's summary (SongAnalysis::summary, laid out for `mfcc`) says that no frame was
// louder than DescriptorAccumulator::kSilenceDb: its song descriptors are then all zero
// (DescriptorAccumulator::finish), which no sounding frame leaves (its centroid and roll-offs are
// positive). False for a summary too short to hold them.
bool summaryIsSilent(std::span<const float> summary, const MfccParams& mfcc = {});

// Decode → MFCC (+Δ, ΔΔ) → codeword histogram + summary statistics (MFCC moments and song
// descriptors from the same spectra) + a uniform frame sample, in
// one streaming pass with bounded memory. The frame sample is a seeded reservoir (seed derived
// from the file path), so the result of a file does not depend on which thread analyses it or in
// which order. Thread-safe: one analyzer may be used by many threads at once (it holds only
// immutable parameters and a shared read-only codebook).
class SongAnalyzer {
 public:
  // codebook may be null (no histogram) and must outlive the analyzer.
  SongAnalyzer(const AnalyzerParams& params, const Codebook* codebook);

  base::Status analyze(const std::filesystem::path& file, SongAnalysis& out,
                       const std::atomic<bool>* cancel = nullptr) const;

  const AnalyzerParams& params() const { return m_params; }
  int summaryDimension() const {
    return 2 * m_params.mfcc.featureDimension() + kDescriptorCount + SourceStatistics::kCount;
  }

 private:
  AnalyzerParams m_params;
  const Codebook* m_codebook;
};

}  // namespace songspace::audio
