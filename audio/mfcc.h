#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "audio/analysisrate.h"
#include "core/base/parameter.h"
#include "core/base/status.h"

namespace songspace::audio {

// Frame features of docs/design.md §4: periodic Hann window, |FFT|², HTK-mel triangular filterbank
// (peak 1, no area normalisation), natural log with a floor, orthonormal DCT-II; then Δ and ΔΔ by
// the HTK regression formula with edge frames replicated. Frames start at sample 0 and advance by
// hopSize; a trailing partial frame is dropped. Every parameter is declared here, once.
struct MfccParams {
  static constexpr base::ParameterSpec<int> kSampleRate{"sample_rate", kAnalysisSampleRate, 8000,
                                                        96000,         "input sample rate", "Hz"};
  static constexpr base::ParameterSpec<int> kFrameSize{"frame_size", 1024, 256, 8192,
                                                       "FFT length in samples, even"};
  static constexpr base::ParameterSpec<int> kHopSize{"hop_size", 512, 64, 8192,
                                                     "samples between frames"};
  static constexpr base::ParameterSpec<int> kMelBands{"mel_bands", 40, 8, 128,
                                                      "triangular mel filters"};
  static constexpr base::ParameterSpec<int> kCoefficients{
      "coefficients", 13, 2, 40, "cepstral coefficients kept, c0 included"};
  static constexpr base::ParameterSpec<double> kMinFrequency{"min_frequency", 0.0, 0.0, 20000.0,
                                                             "lowest filter edge, Hz"};
  static constexpr base::ParameterSpec<double> kMaxFrequency{
      "max_frequency",
      kAnalysisSampleRate / 2.0,
      1000.0,
      48000.0,
      "highest filter edge (<= sample_rate / 2); by default the analysis rate's Nyquist frequency",
      "Hz"};
  static constexpr base::ParameterSpec<int> kDeltaWidth{"delta_width", 2, 1, 4,
                                                        "frames each side in the Δ regression"};
  static constexpr base::ParameterSpec<double> kLogFloor{"log_floor", 1e-10, 1e-20, 1e-3,
                                                         "added to mel energies before the log"};

  int sampleRate = kSampleRate.defaultValue;
  int frameSize = kFrameSize.defaultValue;
  int hopSize = kHopSize.defaultValue;
  int melBands = kMelBands.defaultValue;
  int coefficients = kCoefficients.defaultValue;
  double minFrequency = kMinFrequency.defaultValue;
  double maxFrequency = kMaxFrequency.defaultValue;
  int deltaWidth = kDeltaWidth.defaultValue;
  double logFloor = kLogFloor.defaultValue;

  // InvalidArgument naming the first parameter outside its range (or inconsistent with another).
  base::Status validate() const;
  // Static coefficients + Δ + ΔΔ.
  int featureDimension() const { return 3 * coefficients; }
};

// Streaming MFCC extractor. Feed blocks of any size with push(); every complete frame is emitted
// to the sink as featureDimension() floats [c_0..c_{n-1}, Δ..., ΔΔ...]. Because Δ needs future
// frames, frames are emitted with a delay of 2*deltaWidth frames; finish() emits the rest.
// Not thread-safe; one extractor per song. Memory is O(frameSize + deltaWidth * coefficients).
class MfccExtractor {
 public:
  using FrameSink = std::function<void(std::span<const float> frame)>;

  // params must validate(); otherwise the extractor emits nothing and status() says why.
  explicit MfccExtractor(const MfccParams& params = {});
  ~MfccExtractor();
  MfccExtractor(const MfccExtractor&) = delete;
  MfccExtractor& operator=(const MfccExtractor&) = delete;

  // Every frame's |FFT|² (frameSize/2 + 1 bins) and natural-log mel energies, in stream order,
  // as push() computes them (before the Δ delay). Song-level descriptors read the spectrum here
  // instead of transforming the audio a second time.
  using SpectrumSink =
      std::function<void(std::span<const float> power, std::span<const double> logMel)>;

  const base::Status& status() const;
  const MfccParams& params() const;
  void setFrameSink(FrameSink sink);
  void setSpectrumSink(SpectrumSink sink);
  // Σ w[n]² of the analysis window (turns Σ|X|² into a mean square); 0 when params are invalid.
  double windowPowerSum() const;

  void push(std::span<const float> samples);
  // Emits the delayed frames (Δ/ΔΔ replicate the last frame). Later push()/finish() calls are
  // ignored until reset(); framesEmitted() keeps the song's total.
  void finish();
  // Forgets all buffered samples and frames so the extractor can start another song.
  void reset();
  std::size_t framesEmitted() const;

  // The static part of one frame (exactly frameSize samples) -> coefficients values. For tests.
  // Wrong sizes or invalid params fill out with NaN.
  void staticCoefficients(std::span<const float> frame, std::span<float> out);
  // The mel filterbank as melBands rows of (frameSize/2 + 1) weights. For tests.
  std::vector<std::vector<float>> melFilterbank() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace songspace::audio
