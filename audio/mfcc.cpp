#include "audio/mfcc.h"

#include <kiss_fftr.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>
#include <string>

namespace songspace::audio {

namespace {

template <typename T>
base::Status outOfRange(const base::ParameterSpec<T>& spec, T value) {
  return base::Status::failure(base::ErrorCode::InvalidArgument, spec.validate(value));
}

double hzToMel(double hz) {
  return 2595.0 * std::log10(1.0 + hz / 700.0);
}
double melToHz(double mel) {
  return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
}

struct FftrDeleter {
  void operator()(kiss_fftr_cfg cfg) const { kiss_fftr_free(cfg); }
};
using FftrPtr = std::unique_ptr<kiss_fftr_state, FftrDeleter>;

// One triangular filter stored sparsely: weights for bins [firstBin, firstBin + weights.size()).
// A dense melBands x (N/2+1) product would spend ~95% of its work multiplying zeros.
struct MelBand {
  int firstBin = 0;
  std::vector<float> weights;
};

}  // namespace

base::Status MfccParams::validate() const {
  using P = MfccParams;
  if (!P::kSampleRate.contains(sampleRate)) return outOfRange(P::kSampleRate, sampleRate);
  if (!P::kFrameSize.contains(frameSize)) return outOfRange(P::kFrameSize, frameSize);
  if (frameSize % 2 != 0) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "frame_size = " + std::to_string(frameSize) +
                                     " must be even (the real FFT needs an even length)");
  }
  if (!P::kHopSize.contains(hopSize)) return outOfRange(P::kHopSize, hopSize);
  if (hopSize > frameSize) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "hop_size = " + std::to_string(hopSize) +
                                     " must not exceed frame_size = " + std::to_string(frameSize));
  }
  if (!P::kMelBands.contains(melBands)) return outOfRange(P::kMelBands, melBands);
  if (!P::kCoefficients.contains(coefficients)) return outOfRange(P::kCoefficients, coefficients);
  if (coefficients > melBands) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "coefficients = " + std::to_string(coefficients) +
                                     " must not exceed mel_bands = " + std::to_string(melBands));
  }
  if (!P::kMinFrequency.contains(minFrequency)) return outOfRange(P::kMinFrequency, minFrequency);
  if (!P::kMaxFrequency.contains(maxFrequency)) return outOfRange(P::kMaxFrequency, maxFrequency);
  if (maxFrequency > sampleRate / 2.0) {
    std::ostringstream out;
    out << "max_frequency = " << maxFrequency
        << " must not exceed sample_rate / 2 = " << sampleRate / 2.0;
    return base::Status::failure(base::ErrorCode::InvalidArgument, out.str());
  }
  if (minFrequency >= maxFrequency) {
    std::ostringstream out;
    out << "min_frequency = " << minFrequency << " must be below max_frequency = " << maxFrequency;
    return base::Status::failure(base::ErrorCode::InvalidArgument, out.str());
  }
  if (!P::kDeltaWidth.contains(deltaWidth)) return outOfRange(P::kDeltaWidth, deltaWidth);
  // NaN fails every comparison, so contains() rejects it too.
  if (!P::kLogFloor.contains(logFloor)) return outOfRange(P::kLogFloor, logFloor);
  return base::Status::success();
}

struct MfccExtractor::Impl {
  MfccParams params;
  base::Status status;
  FrameSink sink;
  SpectrumSink spectrumSink;

  // Precomputed once per parameter set.
  FftrPtr fft;
  std::vector<float> window;
  std::vector<MelBand> bands;
  std::vector<double> dct;  // coefficients x melBands, row-major
  double deltaScale = 0.0;  // 1 / (2 * sum n^2)

  // Per-frame scratch, allocated once.
  std::vector<float> windowed;
  std::vector<kiss_fft_cpx> spectrum;
  std::vector<float> power;
  std::vector<double> logMel;
  std::vector<float> output;

  // Streaming state. `pending` holds the first `pendingCount` samples of the next frame.
  std::vector<float> pending;
  std::size_t pendingCount = 0;
  // Rings indexed by absolute frame number modulo ringSize: the static frames and Δ frames still
  // needed by the Δ / ΔΔ regressions of frames not yet emitted (3W back, W forward at most).
  std::size_t ringSize = 0;
  std::vector<float> staticRing;
  std::vector<float> deltaRing;
  std::size_t staticCount = 0;
  std::size_t deltaCount = 0;
  std::size_t emitted = 0;
  bool finished = false;

  int dim() const { return params.coefficients; }
  float* rowAt(std::vector<float>& ring, std::size_t t) { return &ring[(t % ringSize) * dim()]; }

  void setUp();
  void computeStatic(const float* frame, float* out);
  void regression(std::vector<float>& ring, std::size_t t, std::size_t last, float* out);
  void onStaticFrame();
  void emitFrame(std::size_t t, std::size_t lastDelta);
};

void MfccExtractor::Impl::setUp() {
  const int n = params.frameSize;
  const int bins = n / 2 + 1;
  fft.reset(kiss_fftr_alloc(n, 0, nullptr, nullptr));

  // Periodic Hann: the window of an n-point frame that tiles with overlap-add, as docs/design.md §4
  // says.
  window.resize(n);
  for (int i = 0; i < n; ++i) {
    window[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / n));
  }

  const int m = params.melBands;
  const double melLow = hzToMel(params.minFrequency);
  const double melStep = (hzToMel(params.maxFrequency) - melLow) / (m + 1);
  std::vector<double> edges(m + 2);
  for (int i = 0; i < m + 2; ++i) edges[i] = melToHz(melLow + i * melStep);
  bands.assign(m, {});
  for (int b = 0; b < m; ++b) {
    const double left = edges[b], centre = edges[b + 1], right = edges[b + 2];
    int first = bins, last = 0;
    std::vector<double> w(bins, 0.0);
    for (int k = 0; k < bins; ++k) {
      const double f = static_cast<double>(k) * params.sampleRate / n;
      w[k] = std::max(0.0, std::min((f - left) / (centre - left), (right - f) / (right - centre)));
      if (w[k] > 0.0) {
        first = std::min(first, k);
        last = k + 1;
      }
    }
    // A band narrower than one bin has no weights; its energy is 0 and its log is ln(floor).
    bands[b].firstBin = first < last ? first : 0;
    for (int k = first; k < last; ++k) bands[b].weights.push_back(static_cast<float>(w[k]));
  }

  const int c = params.coefficients;
  dct.resize(static_cast<std::size_t>(c) * m);
  for (int k = 0; k < c; ++k) {
    const double scale = std::sqrt((k == 0 ? 1.0 : 2.0) / m);
    for (int i = 0; i < m; ++i) {
      dct[k * m + i] = scale * std::cos(std::numbers::pi * k * (2 * i + 1) / (2.0 * m));
    }
  }

  int sumSquares = 0;
  for (int i = 1; i <= params.deltaWidth; ++i) sumSquares += i * i;
  deltaScale = 1.0 / (2.0 * sumSquares);

  windowed.resize(n);
  spectrum.resize(bins);
  power.resize(bins);
  logMel.resize(m);
  output.resize(params.featureDimension());
  pending.resize(n);
  ringSize = static_cast<std::size_t>(4 * params.deltaWidth + 1);
  staticRing.resize(ringSize * c);
  deltaRing.resize(ringSize * c);
}

void MfccExtractor::Impl::computeStatic(const float* frame, float* out) {
  const int n = params.frameSize;
  for (int i = 0; i < n; ++i) windowed[i] = frame[i] * window[i];
  kiss_fftr(fft.get(), windowed.data(), spectrum.data());
  const int bins = n / 2 + 1;
  for (int k = 0; k < bins; ++k) {
    power[k] = spectrum[k].r * spectrum[k].r + spectrum[k].i * spectrum[k].i;
  }
  const int m = params.melBands;
  for (int b = 0; b < m; ++b) {
    const float* p = &power[bands[b].firstBin];
    const std::vector<float>& w = bands[b].weights;
    double energy = 0.0;
    for (std::size_t j = 0; j < w.size(); ++j) energy += static_cast<double>(w[j]) * p[j];
    logMel[b] = std::log(energy + params.logFloor);
  }
  const int c = params.coefficients;
  for (int k = 0; k < c; ++k) {
    const double* row = &dct[static_cast<std::size_t>(k) * m];
    double sum = 0.0;
    for (int i = 0; i < m; ++i) sum += row[i] * logMel[i];
    out[k] = static_cast<float>(sum);
  }
}

// HTK regression over the frames of ring, with indices clamped to [0, last] so the edge frames
// are replicated.
void MfccExtractor::Impl::regression(std::vector<float>& ring, std::size_t t, std::size_t last,
                                     float* out) {
  const int c = dim();
  const int width = params.deltaWidth;
  for (int k = 0; k < c; ++k) {
    double sum = 0.0;
    for (int i = 1; i <= width; ++i) {
      const std::size_t ahead = std::min(t + i, last);
      const std::size_t behind = t >= static_cast<std::size_t>(i) ? t - i : 0;
      sum += i * (static_cast<double>(rowAt(ring, ahead)[k]) - rowAt(ring, behind)[k]);
    }
    out[k] = static_cast<float>(sum * deltaScale);
  }
}

// Called after static frame staticCount-1 is stored: Δ of the frame W back now has all its
// future, and ΔΔ of the frame 2W back too.
void MfccExtractor::Impl::onStaticFrame() {
  const std::size_t width = params.deltaWidth;
  const std::size_t newest = staticCount - 1;
  if (newest >= width) {
    regression(staticRing, deltaCount, newest, rowAt(deltaRing, deltaCount));
    ++deltaCount;
  }
  if (newest >= 2 * width) emitFrame(emitted, deltaCount - 1);
}

void MfccExtractor::Impl::emitFrame(std::size_t t, std::size_t lastDelta) {
  const int c = dim();
  std::copy_n(rowAt(staticRing, t), c, output.data());
  std::copy_n(rowAt(deltaRing, t), c, output.data() + c);
  regression(deltaRing, t, lastDelta, output.data() + 2 * c);
  ++emitted;
  if (sink) sink(std::span<const float>(output));
}

MfccExtractor::MfccExtractor(const MfccParams& params) : m_impl(std::make_unique<Impl>()) {
  m_impl->params = params;
  m_impl->status = params.validate();
  if (m_impl->status.ok()) m_impl->setUp();
}

MfccExtractor::~MfccExtractor() = default;

const base::Status& MfccExtractor::status() const {
  return m_impl->status;
}
const MfccParams& MfccExtractor::params() const {
  return m_impl->params;
}
void MfccExtractor::setFrameSink(FrameSink sink) {
  m_impl->sink = std::move(sink);
}
void MfccExtractor::setSpectrumSink(SpectrumSink sink) {
  m_impl->spectrumSink = std::move(sink);
}
double MfccExtractor::windowPowerSum() const {
  double sum = 0.0;
  for (const float w : m_impl->window) sum += static_cast<double>(w) * w;
  return sum;
}

void MfccExtractor::push(std::span<const float> samples) {
  Impl& d = *m_impl;
  if (!d.status.ok() || d.finished) return;
  const std::size_t n = d.params.frameSize;
  const std::size_t hop = d.params.hopSize;
  while (!samples.empty()) {
    const std::size_t take = std::min(n - d.pendingCount, samples.size());
    std::copy_n(samples.data(), take, d.pending.data() + d.pendingCount);
    d.pendingCount += take;
    samples = samples.subspan(take);
    if (d.pendingCount < n) break;
    d.computeStatic(d.pending.data(), d.rowAt(d.staticRing, d.staticCount));
    if (d.spectrumSink) d.spectrumSink(d.power, d.logMel);
    ++d.staticCount;
    d.onStaticFrame();
    // hop <= frameSize (validated), so the next frame starts inside this one.
    std::copy(d.pending.begin() + hop, d.pending.end(), d.pending.begin());
    d.pendingCount = n - hop;
  }
}

void MfccExtractor::finish() {
  Impl& d = *m_impl;
  if (!d.status.ok() || d.finished) return;
  d.finished = true;
  if (d.staticCount == 0) return;
  const std::size_t last = d.staticCount - 1;
  while (d.deltaCount < d.staticCount) {
    d.regression(d.staticRing, d.deltaCount, last, d.rowAt(d.deltaRing, d.deltaCount));
    ++d.deltaCount;
  }
  while (d.emitted < d.staticCount) d.emitFrame(d.emitted, last);
}

void MfccExtractor::reset() {
  Impl& d = *m_impl;
  d.pendingCount = 0;
  d.staticCount = 0;
  d.deltaCount = 0;
  d.emitted = 0;
  d.finished = false;
}

std::size_t MfccExtractor::framesEmitted() const {
  return m_impl->emitted;
}

void MfccExtractor::staticCoefficients(std::span<const float> frame, std::span<float> out) {
  Impl& d = *m_impl;
  const bool usable = d.status.ok() &&
                      frame.size() == static_cast<std::size_t>(d.params.frameSize) &&
                      out.size() >= static_cast<std::size_t>(d.params.coefficients);
  if (!usable) {
    // Misuse must not look like a plausible result.
    std::fill(out.begin(), out.end(), std::numeric_limits<float>::quiet_NaN());
    return;
  }
  d.computeStatic(frame.data(), out.data());
}

std::vector<std::vector<float>> MfccExtractor::melFilterbank() const {
  const Impl& d = *m_impl;
  if (!d.status.ok()) return {};
  const std::size_t bins = d.params.frameSize / 2 + 1;
  std::vector<std::vector<float>> rows(d.bands.size(), std::vector<float>(bins, 0.0f));
  for (std::size_t b = 0; b < d.bands.size(); ++b) {
    std::copy(d.bands[b].weights.begin(), d.bands[b].weights.end(),
              rows[b].begin() + d.bands[b].firstBin);
  }
  return rows;
}

}  // namespace songspace::audio
