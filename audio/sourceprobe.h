#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace songspace::audio {

// What a mono analysis at kAnalysisSampleRate cannot see, measured on the source's own rate and
// channels before the downmix: how wide the stereo image is and how much energy sits above
// 11 kHz (cymbals and "air", and the low-pass of the encoder that made the file: both tell
// productions and sources apart). On a 22.05 kHz or mono source the values sit at their floors.
struct SourceStatistics {
  // Order of values(): stereo width ln(E_side / E_mid) with side = (L − R)/2 and mid the mean of
  // all channels, clamped to [ln 1e-6, ln 100]; then the mean over sounding windows of ln(share of
  // the energy above 12, 16 and 19 kHz), each share floored at 1e-8.
  static constexpr std::array<double, 3> kShareEdgesHz{12000.0, 16000.0, 19000.0};
  static constexpr int kCount = 1 + static_cast<int>(kShareEdgesHz.size());
  std::array<float, kCount> values{};  // all zero when no window was sounding
  int windows = 0;                     // sounding windows measured
};

std::string_view sourceStatisticName(int index);  // "" out of range

// Measures SourceStatistics on one window of kWindow samples every `everySeconds` of the source.
// The decoder asks skip(n) for each decoded frame; only when it returns false does it convert the
// frame to interleaved (mid, side) pairs and hand them to add(). So the cost is one 2048-point FFT
// per half second, whatever the file.
class SourceProbe {
 public:
  static constexpr int kWindow = 2048;

  explicit SourceProbe(int sampleRate, double everySeconds = 0.5);
  ~SourceProbe();
  SourceProbe(const SourceProbe&) = delete;
  SourceProbe& operator=(const SourceProbe&) = delete;

  int sampleRate() const { return m_sampleRate; }
  // True when the next n source samples are not needed (they are counted as skipped).
  bool skip(std::size_t n);
  // The next source samples as interleaved (mid, side) pairs, right after the ones skip() passed.
  void add(std::span<const float> midSide);
  SourceStatistics result() const;

 private:
  void measureWindow();

  struct Fft;
  int m_sampleRate;
  std::int64_t m_hop;         // source samples from one window's start to the next
  std::int64_t m_toSkip = 0;  // samples still to pass over before the next window
  std::vector<float> m_mid, m_side;
  std::unique_ptr<Fft> m_fft;
  std::vector<float> m_hann;
  double m_sideEnergy = 0, m_midEnergy = 0;
  std::array<double, SourceStatistics::kShareEdgesHz.size()> m_logShareSum{};
  int m_windows = 0;
};

}  // namespace songspace::audio
