#include "audio/songanalyzer.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "audio/descriptors.h"
#include "core/base/fnv1a.h"
#include "core/base/random.h"

namespace songspace::audio {

bool summaryIsSilent(std::span<const float> summary, const MfccParams& mfcc) {
  const std::size_t first = 2 * static_cast<std::size_t>(mfcc.featureDimension());
  if (summary.size() < first + kDescriptorCount) return false;
  const auto descriptors = summary.subspan(first, kDescriptorCount);
  return std::all_of(descriptors.begin(), descriptors.end(), [](float v) { return v == 0.0f; });
}

namespace {

std::uint64_t fnv1a64(const std::string& bytes) {
  base::Fnv1a64 hash;
  hash.add(bytes.data(), bytes.size());
  return hash.value();
}

// Welford accumulation of mean and variance per feature dimension, in double.
class RunningMoments {
 public:
  explicit RunningMoments(int dimension) : m_mean(dimension, 0.0), m_m2(dimension, 0.0) {}
  void add(std::span<const float> x) {
    ++m_count;
    const double n = static_cast<double>(m_count);
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double delta = x[i] - m_mean[i];
      m_mean[i] += delta / n;
      m_m2[i] += delta * (x[i] - m_mean[i]);
    }
  }
  std::vector<float> meanThenDeviation() const {
    std::vector<float> out(2 * m_mean.size(), 0.0f);
    for (std::size_t i = 0; i < m_mean.size(); ++i) {
      out[i] = static_cast<float>(m_mean[i]);
      out[m_mean.size() + i] =
          m_count > 1 ? static_cast<float>(std::sqrt(m_m2[i] / static_cast<double>(m_count)))
                      : 0.0f;
    }
    return out;
  }

 private:
  std::uint64_t m_count = 0;
  std::vector<double> m_mean;
  std::vector<double> m_m2;
};

// Algorithm R reservoir that keeps the selected frames in stream order at the end.
class FrameReservoir {
 public:
  FrameReservoir(int capacity, int dimension, std::uint64_t seed)
      : m_capacity(capacity), m_dimension(dimension), m_rng(seed) {
    m_frames.resize(static_cast<std::size_t>(capacity) * static_cast<std::size_t>(dimension));
    m_positions.resize(static_cast<std::size_t>(capacity));
  }
  void add(std::span<const float> frame) {
    const std::uint64_t index = m_seen++;
    std::int64_t slot = -1;
    if (index < static_cast<std::uint64_t>(m_capacity)) {
      slot = static_cast<std::int64_t>(index);
    } else {
      const std::uint64_t r = m_rng() % (index + 1);  // bias negligible for 64-bit draws
      if (r < static_cast<std::uint64_t>(m_capacity)) slot = static_cast<std::int64_t>(r);
    }
    if (slot < 0) return;
    std::copy(frame.begin(), frame.end(),
              m_frames.begin() + slot * static_cast<std::int64_t>(m_dimension));
    m_positions[static_cast<std::size_t>(slot)] = index;
  }
  FrameMatrix take() const {
    const int rows = static_cast<int>(std::min<std::uint64_t>(m_seen, m_capacity));
    std::vector<int> order(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) order[static_cast<std::size_t>(i)] = i;
    std::sort(order.begin(), order.end(), [this](int a, int b) {
      return m_positions[static_cast<std::size_t>(a)] < m_positions[static_cast<std::size_t>(b)];
    });
    FrameMatrix out(rows, m_dimension);
    for (int r = 0; r < rows; ++r) {
      const float* src =
          m_frames.data() + static_cast<std::size_t>(order[static_cast<std::size_t>(r)]) *
                                static_cast<std::size_t>(m_dimension);
      std::copy(src, src + m_dimension, out.row(r).data());
    }
    return out;
  }

 private:
  int m_capacity;
  int m_dimension;
  base::Xoshiro256 m_rng;
  std::uint64_t m_seen = 0;
  std::vector<float> m_frames;
  std::vector<std::uint64_t> m_positions;
};

}  // namespace

base::Status AnalyzerParams::validate() const {
  if (base::Status status = mfcc.validate(); !status.ok()) return status;
  if (!kFrameSampleSize.contains(frameSampleSize)) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 kFrameSampleSize.validate(frameSampleSize));
  }
  if (!kMinSeconds.contains(minSeconds)) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 kMinSeconds.validate(minSeconds));
  }
  if (mfcc.sampleRate != kAnalysisSampleRate) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "the analysis runs at " + std::to_string(kAnalysisSampleRate) +
                                     " Hz; mfcc.sample_rate must match");
  }
  return base::Status::success();
}

SongAnalyzer::SongAnalyzer(const AnalyzerParams& params, const Codebook* codebook)
    : m_params(params), m_codebook(codebook) {}

base::Status SongAnalyzer::analyze(const std::filesystem::path& file, SongAnalysis& out,
                                   const std::atomic<bool>* cancel) const {
  out = SongAnalysis{};
  if (base::Status status = m_params.validate(); !status.ok()) return status;
  const int dimension = m_params.mfcc.featureDimension();
  if (m_codebook != nullptr && !m_codebook->empty() && m_codebook->dimension() != dimension) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "codebook dimension does not match the frame features");
  }

  MfccExtractor extractor(m_params.mfcc);
  RunningMoments moments(dimension);
  FrameReservoir reservoir(m_params.frameSampleSize, dimension, fnv1a64(file.native()));
  std::optional<BagOfWords> words;
  if (m_codebook != nullptr && !m_codebook->empty()) words.emplace(*m_codebook);

  DescriptorAccumulator descriptors(m_params.mfcc.sampleRate, m_params.mfcc.frameSize,
                                    m_params.mfcc.hopSize, extractor.windowPowerSum());
  extractor.setSpectrumSink([&](std::span<const float> power, std::span<const double> logMel) {
    descriptors.addFrame(power, logMel);
  });
  extractor.setFrameSink([&](std::span<const float> frame) {
    moments.add(frame);
    reservoir.add(frame);
    if (words) words->add(frame);
    ++out.frameCount;
  });

  DecodeOptions decodeOptions;
  decodeOptions.sampleRate = m_params.mfcc.sampleRate;
  decodeOptions.minSeconds = m_params.minSeconds;
  decodeOptions.cancel = cancel;
  decodeOptions.measureSource = true;
  base::Status status = decodeAudio(
      file,
      [&](std::span<const float> block) {
        extractor.push(block);
        return true;
      },
      &out.decode, decodeOptions);
  if (!status.ok()) {
    // No half-analysed song on failure: only the decoder's report (it says where it stopped).
    DecodeReport report = std::move(out.decode);
    out = SongAnalysis{};
    out.decode = std::move(report);
    return status;
  }
  extractor.finish();
  if (out.frameCount == 0) {
    return base::Status::failure(base::ErrorCode::TooShort, "shorter than one analysis frame");
  }
  out.summary = moments.meanThenDeviation();
  const std::vector<float> songDescriptors = descriptors.finish();
  out.summary.insert(out.summary.end(), songDescriptors.begin(), songDescriptors.end());
  out.summary.insert(out.summary.end(), out.decode.source.values.begin(),
                     out.decode.source.values.end());
  out.frameSample = reservoir.take();
  if (words) out.codewordCounts = words->histogram();
  return base::Status::success();
}

}  // namespace songspace::audio
