#include <cmath>
#include <string>

#include "audio/decoder.h"
#include "audio/songanalyzer.h"
#include "tests/fuzz/fuzzinputs.h"

namespace songspace::fuzz {

base::Status decoderInput(Input bytes) {
  const std::string file = detail::writeInputFile(
      "input" + std::string(detail::extensionFor(bytes)), detail::afterSelector(bytes));
  const audio::AnalyzerParams analysis;  // what the scan decodes with (audio/songanalyzer.cpp)
  audio::DecodeOptions options;
  options.sampleRate = analysis.mfcc.sampleRate;
  options.minSeconds = analysis.minSeconds;
  options.measureSource = true;
  const auto cap = static_cast<std::size_t>(kMaxDecodedSeconds * options.sampleRate);
  std::size_t decoded = 0;
  audio::DecodeReport report;
  base::Status status = audio::decodeAudio(
      file,
      [&](std::span<const float> block) {
        if (block.size() > options.blockSamples) detail::contractBroken("block over blockSamples");
        for (const float sample : block) {
          if (!(sample >= -1.0f && sample <= 1.0f)) {
            detail::contractBroken("sample " + std::to_string(sample) + " outside [-1, 1]");
          }
        }
        decoded += block.size();
        return decoded < cap;
      },
      &report, options);
  if (!std::isfinite(report.decodedSeconds) || report.decodedSeconds < 0 ||
      report.corruptPackets < 0) {
    detail::contractBroken("implausible DecodeReport");
  }
  return status;
}

}  // namespace songspace::fuzz
