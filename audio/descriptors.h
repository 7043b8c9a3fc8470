#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace songspace::audio {

// Song-level descriptors computed from the same power spectra as the MFCCs (docs/design.md §4,
// the summary block): spectral shape, loudness distribution, octave-band spectral contrast,
// high-frequency energy and tempo. MFCC statistics describe timbre; these add what they miss —
// how bright, how dense, how loud and how dynamic a recording is, and how fast it pulses. What
// they did to each task on the demo library: docs/experiments.md §2.2.
//
// Order of the values, kDescriptorCount of them:
//   0–1   spectral centroid, Hz: mean, standard deviation over sounding frames
//   2–3   spectral bandwidth (spread about the centroid), Hz: mean, deviation
//   4–5   85 % roll-off frequency, Hz: mean, deviation
//   6–7   99 % roll-off frequency, Hz: mean, deviation
//   8–9   spectral flatness (geometric / arithmetic mean of the power): mean, deviation
//   10–11 spectral flux (rise of the L1-normalised magnitude spectrum): mean, deviation
//   12–15 frame level, dB relative to a full-scale sine: 10th, 50th, 90th percentile, deviation
//   16–22 spectral contrast of the octave bands 0–200–400–800–1600–3200–6400–Nyquist Hz: mean
//         log ratio of the loudest to the quietest fifth of each band's bins
//   23–29 the same seven contrasts: deviation (both over every 4th sounding frame)
//   30–31 log share of the power above 4 kHz and above 8 kHz: mean
//   32    tempo, log2(BPM) of the strongest onset-envelope autocorrelation lag in 50–220 BPM
//   33    that autocorrelation peak (pulse clarity, 1 = perfectly periodic)
//   34    mean autocorrelation over the 50–220 BPM lags
// Frames quieter than kSilenceDb are skipped by the spectral statistics (and by the level
// percentiles), so silence between tracks or at the end does not pull the means to zero.
inline constexpr int kDescriptorCount = 35;
std::string_view descriptorName(int index);  // "centroid_mean", ...; "" outside the range

class DescriptorAccumulator {
 public:
  static constexpr double kSilenceDb = -70.0;
  static constexpr double kMinBpm = 50.0;
  static constexpr double kMaxBpm = 220.0;
  static constexpr double kTempoSeconds = 120.0;  // onset envelope kept for the tempo estimate

  // frameSize: FFT length of the power spectra (bins = frameSize/2 + 1); hopSize: samples
  // between frames; windowPowerSum: Σ w[n]² of the analysis window, which turns Σ|X|² into the
  // frame's mean square (Parseval).
  DescriptorAccumulator(int sampleRate, int frameSize, int hopSize, double windowPowerSum);

  // One frame: its |FFT|² (frameSize/2 + 1 bins) and its log mel energies (for the onset
  // envelope). Frames must come in stream order.
  void addFrame(std::span<const float> power, std::span<const double> logMel);
  // kDescriptorCount values; all zero when no frame was sounding.
  std::vector<float> finish() const;

  std::uint64_t framesSeen() const { return m_frames; }
  std::uint64_t framesSounding() const { return m_sounding; }

 private:
  struct Moments {
    double mean = 0, m2 = 0;
    std::uint64_t n = 0;
    void add(double x);
    double deviation() const;
  };
  enum Stat { Centroid, Bandwidth, Rolloff85, Rolloff99, Flatness, Flux, kStats };
  static constexpr int kBands = 7;
  static constexpr std::uint64_t kContrastStride = 4;
  static constexpr int kLevelBins = 1400;  // 0.1 dB from -130 dB to +10 dB

  int m_sampleRate;
  int m_frameSize;
  int m_hopSize;
  double m_levelScale;  // power sum -> mean square relative to a full-scale sine
  double m_binHz;
  std::array<Moments, kStats> m_stats{};
  std::array<Moments, kBands> m_contrast{};
  std::array<std::pair<int, int>, kBands> m_bandBins{};  // [first, last) bins
  double m_high4 = 0, m_high8 = 0;
  int m_bin4k = 0, m_bin8k = 0;
  Moments m_level;
  std::vector<std::uint32_t> m_levelHistogram;
  Eigen::ArrayXf m_binFrequency;  // Hz of each bin
  Eigen::ArrayXf m_magnitude;     // this frame's normalised magnitude spectrum (scratch)
  Eigen::ArrayXf m_previousMagnitude;
  bool m_havePrevious = false;
  std::vector<double> m_previousLogMel;
  std::vector<float> m_onset;  // onset envelope of the first kTempoSeconds
  std::vector<float> m_scratch;
  std::uint64_t m_frames = 0;
  std::uint64_t m_sounding = 0;
};

}  // namespace songspace::audio
