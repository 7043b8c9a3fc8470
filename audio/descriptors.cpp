#include "audio/descriptors.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace songspace::audio {

namespace {

constexpr std::array<std::string_view, kDescriptorCount> kNames = {
    "centroid_mean",    "centroid_dev",     "bandwidth_mean", "bandwidth_dev",  "rolloff85_mean",
    "rolloff85_dev",    "rolloff99_mean",   "rolloff99_dev",  "flatness_mean",  "flatness_dev",
    "flux_mean",        "flux_dev",         "level_p10",      "level_p50",      "level_p90",
    "level_dev",        "contrast0_mean",   "contrast1_mean", "contrast2_mean", "contrast3_mean",
    "contrast4_mean",   "contrast5_mean",   "contrast6_mean", "contrast0_dev",  "contrast1_dev",
    "contrast2_dev",    "contrast3_dev",    "contrast4_dev",  "contrast5_dev",  "contrast6_dev",
    "high4k_log_share", "high8k_log_share", "tempo_log2_bpm", "tempo_clarity",  "tempo_mean_ac"};

constexpr double kLevelLowDb = -130.0;
constexpr double kLevelStepDb = 0.1;
constexpr double kPowerFloor = 1e-10;
constexpr double kShareFloor = 1e-12;

}  // namespace

std::string_view descriptorName(int index) {
  return index >= 0 && index < kDescriptorCount ? kNames[static_cast<std::size_t>(index)]
                                                : std::string_view{};
}

void DescriptorAccumulator::Moments::add(double x) {
  ++n;
  const double delta = x - mean;
  mean += delta / static_cast<double>(n);
  m2 += delta * (x - mean);
}

double DescriptorAccumulator::Moments::deviation() const {
  return n > 1 ? std::sqrt(m2 / static_cast<double>(n)) : 0.0;
}

DescriptorAccumulator::DescriptorAccumulator(int sampleRate, int frameSize, int hopSize,
                                             double windowPowerSum)
    : m_sampleRate(sampleRate),
      m_frameSize(frameSize),
      m_hopSize(hopSize),
      // One-sided Parseval: Σ_{k≤N/2} |X_k|² ≈ (N/2) Σ (x w)², and Σ (x w)² ≈ mean(x²) Σ w².
      // A full-scale sine has mean square 1/2, so level = 10 log10(power · 4 / (N Σ w²)).
      m_levelScale(4.0 / (static_cast<double>(frameSize) * windowPowerSum)),
      m_binHz(static_cast<double>(sampleRate) / frameSize),
      m_levelHistogram(static_cast<std::size_t>(kLevelBins), 0u) {
  const int bins = frameSize / 2 + 1;
  const double nyquist = sampleRate / 2.0;
  const std::array<double, kBands + 1> edges = {0, 200, 400, 800, 1600, 3200, 6400, nyquist};
  const auto binAt = [&](double hz) {
    return std::clamp(static_cast<int>(std::ceil(hz / m_binHz)), 0, bins);
  };
  for (int b = 0; b < kBands; ++b) {
    int first = binAt(std::min(edges[static_cast<std::size_t>(b)], nyquist));
    int last =
        b + 1 == kBands ? bins : binAt(std::min(edges[static_cast<std::size_t>(b) + 1], nyquist));
    if (last <= first) last = std::min(bins, first + 1);  // tiny frames: at least one bin
    m_bandBins[static_cast<std::size_t>(b)] = {std::min(first, bins - 1), last};
  }
  m_bin4k = binAt(4000.0);
  m_bin8k = binAt(8000.0);
  m_scratch.reserve(static_cast<std::size_t>(bins));
  m_binFrequency = Eigen::ArrayXf::LinSpaced(bins, 0.0f, static_cast<float>((bins - 1) * m_binHz));
  m_magnitude = Eigen::ArrayXf::Zero(bins);
  m_previousMagnitude = Eigen::ArrayXf::Zero(bins);
  const double framesPerSecond = static_cast<double>(sampleRate) / hopSize;
  m_onset.reserve(static_cast<std::size_t>(kTempoSeconds * framesPerSecond) + 1);
}

void DescriptorAccumulator::addFrame(std::span<const float> power, std::span<const double> logMel) {
  ++m_frames;
  const std::size_t bins = static_cast<std::size_t>(m_frameSize / 2 + 1);
  if (power.size() != bins) return;

  // Onset envelope: the summed rise of the log mel energies, over every frame (silence included,
  // so the envelope keeps the stream's time base).
  const double framesPerSecond = static_cast<double>(m_sampleRate) / m_hopSize;
  if (static_cast<double>(m_onset.size()) < kTempoSeconds * framesPerSecond) {
    double rise = 0.0;
    if (m_previousLogMel.size() == logMel.size()) {
      for (std::size_t i = 0; i < logMel.size(); ++i) {
        rise += std::max(0.0, logMel[i] - m_previousLogMel[i]);
      }
    }
    m_onset.push_back(static_cast<float>(rise));
  }
  m_previousLogMel.assign(logMel.begin(), logMel.end());

  // Per-bin sums as Eigen array expressions, which vectorise (float sums over ≤ 4097 bins are
  // accurate to about 1e-6 relative, far below what the descriptors resolve).
  const Eigen::Map<const Eigen::ArrayXf> p(power.data(), static_cast<Eigen::Index>(bins));
  const double total = p.sum();
  const double levelDb = 10.0 * std::log10(std::max(total * m_levelScale, 1e-30));
  if (levelDb < kSilenceDb) {
    m_havePrevious = false;
    return;
  }
  ++m_sounding;
  m_level.add(levelDb);
  const int levelBin = std::clamp(
      static_cast<int>(std::floor((levelDb - kLevelLowDb) / kLevelStepDb)), 0, kLevelBins - 1);
  ++m_levelHistogram[static_cast<std::size_t>(levelBin)];

  const double centroid = (p * m_binFrequency).sum() / total;
  const double spread = (p * (m_binFrequency - static_cast<float>(centroid)).square()).sum();
  const double logSum = (p + static_cast<float>(kShareFloor)).log().sum();
  double cumulative = 0.0, rolloff85 = -1.0, rolloff99 = -1.0;
  for (std::size_t k = 0; k < bins && rolloff99 < 0; ++k) {
    cumulative += power[k];
    if (rolloff85 < 0 && cumulative >= 0.85 * total) rolloff85 = m_binFrequency[k];
    if (cumulative >= 0.99 * total) rolloff99 = m_binFrequency[k];
  }
  const double meanPower = total / static_cast<double>(bins) + kShareFloor;
  m_stats[Centroid].add(centroid);
  m_stats[Bandwidth].add(std::sqrt(spread / total));
  m_stats[Rolloff85].add(std::max(rolloff85, 0.0));
  m_stats[Rolloff99].add(std::max(rolloff99, 0.0));
  m_stats[Flatness].add(std::exp(logSum / static_cast<double>(bins)) / meanPower);

  // Flux between consecutive sounding frames, on magnitude spectra normalised to sum 1.
  m_magnitude = p.sqrt();
  const float magnitudeSum = m_magnitude.sum();
  if (magnitudeSum > 0) m_magnitude /= magnitudeSum;
  const double flux = (m_magnitude - m_previousMagnitude).max(0.0f).square().sum();
  m_previousMagnitude.swap(m_magnitude);
  if (m_havePrevious) m_stats[Flux].add(std::sqrt(flux));
  m_havePrevious = true;

  const auto n = static_cast<Eigen::Index>(bins);
  const double high4 = p.tail(n - m_bin4k).sum(), high8 = p.tail(n - m_bin8k).sum();
  m_high4 += std::log(high4 / total + kShareFloor);
  m_high8 += std::log(high8 / total + kShareFloor);

  // Contrast needs two selections per band: the costliest descriptor. Its mean and deviation over
  // a song are estimated from every kContrastStride-th sounding frame.
  if ((m_sounding - 1) % kContrastStride != 0) return;
  for (int b = 0; b < kBands; ++b) {
    const auto [first, last] = m_bandBins[static_cast<std::size_t>(b)];
    m_scratch.assign(power.begin() + first, power.begin() + last);
    const auto count = static_cast<std::ptrdiff_t>(m_scratch.size());
    const std::ptrdiff_t tail = std::max<std::ptrdiff_t>(1, count / 5);
    std::nth_element(m_scratch.begin(), m_scratch.begin() + tail - 1, m_scratch.end());
    const double low = std::accumulate(m_scratch.begin(), m_scratch.begin() + tail, 0.0);
    // The lowest fifth is now in front; the loudest fifth is selected from the rest (from all of
    // a one-bin band, where the two coincide).
    std::nth_element(m_scratch.begin() + std::min(tail, count - tail), m_scratch.end() - tail,
                     m_scratch.end());
    const double high = std::accumulate(m_scratch.end() - tail, m_scratch.end(), 0.0);
    const auto tailBins = static_cast<double>(tail);
    m_contrast[static_cast<std::size_t>(b)].add(std::log(high / tailBins + kPowerFloor) -
                                                std::log(low / tailBins + kPowerFloor));
  }
}

std::vector<float> DescriptorAccumulator::finish() const {
  std::vector<float> out(static_cast<std::size_t>(kDescriptorCount), 0.0f);
  if (m_sounding == 0) return out;
  std::size_t i = 0;
  const auto put = [&](double v) { out[i++] = static_cast<float>(v); };
  for (const Moments& m : m_stats) {
    put(m.mean);
    put(m.deviation());
  }
  for (const double q : {0.10, 0.50, 0.90}) {
    const double target = q * static_cast<double>(m_sounding);
    double cumulative = 0.0;
    int bin = kLevelBins - 1;
    for (int b = 0; b < kLevelBins; ++b) {
      cumulative += m_levelHistogram[static_cast<std::size_t>(b)];
      if (cumulative >= target) {
        bin = b;
        break;
      }
    }
    put(kLevelLowDb + (bin + 0.5) * kLevelStepDb);
  }
  put(m_level.deviation());
  for (const Moments& m : m_contrast) put(m.mean);
  for (const Moments& m : m_contrast) put(m.deviation());
  const auto sounding = static_cast<double>(m_sounding);
  put(m_high4 / sounding);
  put(m_high8 / sounding);

  // Tempo: the autocorrelation of the mean-removed onset envelope at the lags of 50–220 BPM.
  const double framesPerSecond = static_cast<double>(m_sampleRate) / m_hopSize;
  const auto minLag = static_cast<std::size_t>(std::ceil(60.0 * framesPerSecond / kMaxBpm));
  const auto maxLag = static_cast<std::size_t>(std::floor(60.0 * framesPerSecond / kMinBpm));
  double bestBpm = 120.0, best = 0.0, meanAc = 0.0;
  if (m_onset.size() > maxLag + 1 && minLag >= 1 && maxLag >= minLag) {
    const double mean =
        std::accumulate(m_onset.begin(), m_onset.end(), 0.0) / static_cast<double>(m_onset.size());
    std::vector<double> e(m_onset.size());
    for (std::size_t t = 0; t < e.size(); ++t) e[t] = m_onset[t] - mean;
    const double zero = std::inner_product(e.begin(), e.end(), e.begin(), 0.0);
    if (zero > 0) {
      best = -2.0;
      for (std::size_t lag = minLag; lag <= maxLag; ++lag) {
        const double ac = std::inner_product(e.begin() + static_cast<std::ptrdiff_t>(lag), e.end(),
                                             e.begin(), 0.0) /
                          zero;
        meanAc += ac;
        if (ac > best) {
          best = ac;
          bestBpm = 60.0 * framesPerSecond / static_cast<double>(lag);
        }
      }
      meanAc /= static_cast<double>(maxLag - minLag + 1);
    }
  }
  put(std::log2(bestBpm));
  put(best);
  put(meanAc);
  return out;
}

}  // namespace songspace::audio
