#include "audio/sourceprobe.h"

#include <kiss_fftr.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace songspace::audio {

namespace {

constexpr std::array<std::string_view, SourceStatistics::kCount> kNames = {
    "stereo_width", "log_share_above_12k", "log_share_above_16k", "log_share_above_19k"};

// −70 dB re a full-scale sine (mean square 0.5), as the song descriptors' silence threshold.
constexpr double kSoundingMeanSquare = 0.5e-7;
constexpr double kShareFloor = 1e-8;
constexpr double kWidthMin = 1e-6, kWidthMax = 100.0;

}  // namespace

std::string_view sourceStatisticName(int index) {
  return index >= 0 && index < SourceStatistics::kCount ? kNames[static_cast<std::size_t>(index)]
                                                        : std::string_view();
}

struct SourceProbe::Fft {
  explicit Fft(int n) : cfg(kiss_fftr_alloc(n, 0, nullptr, nullptr)), out(n / 2 + 1) {}
  ~Fft() { kiss_fftr_free(cfg); }
  Fft(const Fft&) = delete;
  Fft& operator=(const Fft&) = delete;
  kiss_fftr_cfg cfg;
  std::vector<kiss_fft_cpx> out;
  std::vector<float> in = std::vector<float>(kWindow);
};

SourceProbe::SourceProbe(int sampleRate, double everySeconds)
    : m_sampleRate(std::max(1, sampleRate)),
      m_hop(std::max<std::int64_t>(kWindow, std::llround(everySeconds * std::max(1, sampleRate)))),
      m_fft(std::make_unique<Fft>(kWindow)),
      m_hann(kWindow) {
  m_mid.reserve(kWindow);
  m_side.reserve(kWindow);
  for (int i = 0; i < kWindow; ++i)
    m_hann[static_cast<std::size_t>(i)] =
        static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / kWindow));
}

SourceProbe::~SourceProbe() = default;

bool SourceProbe::skip(std::size_t n) {
  const auto count = static_cast<std::int64_t>(n);
  if (m_toSkip < count) return false;
  m_toSkip -= count;
  return true;
}

void SourceProbe::add(std::span<const float> midSide) {
  std::size_t i = 0;
  const std::size_t pairs = midSide.size() / 2;
  while (i < pairs) {
    if (m_toSkip > 0) {
      const auto passed = std::min<std::int64_t>(m_toSkip, static_cast<std::int64_t>(pairs - i));
      m_toSkip -= passed;
      i += static_cast<std::size_t>(passed);
      continue;
    }
    const std::size_t take = std::min(pairs - i, static_cast<std::size_t>(kWindow) - m_mid.size());
    for (std::size_t j = 0; j < take; ++j) {
      m_mid.push_back(midSide[2 * (i + j)]);
      m_side.push_back(midSide[2 * (i + j) + 1]);
    }
    i += take;
    if (m_mid.size() == static_cast<std::size_t>(kWindow)) {
      measureWindow();
      m_mid.clear();
      m_side.clear();
      m_toSkip = m_hop - kWindow;
    }
  }
}

void SourceProbe::measureWindow() {
  double mid = 0, side = 0;
  for (int i = 0; i < kWindow; ++i) {
    mid += double(m_mid[static_cast<std::size_t>(i)]) * m_mid[static_cast<std::size_t>(i)];
    side += double(m_side[static_cast<std::size_t>(i)]) * m_side[static_cast<std::size_t>(i)];
  }
  if (mid / kWindow < kSoundingMeanSquare) return;
  m_midEnergy += mid;
  m_sideEnergy += side;
  for (int i = 0; i < kWindow; ++i)
    m_fft->in[static_cast<std::size_t>(i)] =
        m_mid[static_cast<std::size_t>(i)] * m_hann[static_cast<std::size_t>(i)];
  kiss_fftr(m_fft->cfg, m_fft->in.data(), m_fft->out.data());
  // Power per bin (DC left out), summed from the top so each edge reads its tail sum.
  const double binHz = double(m_sampleRate) / kWindow;
  double total = 0;
  std::array<double, SourceStatistics::kShareEdgesHz.size()> above{};
  for (int k = kWindow / 2; k >= 1; --k) {
    const kiss_fft_cpx c = m_fft->out[static_cast<std::size_t>(k)];
    const double power = double(c.r) * c.r + double(c.i) * c.i;
    total += power;
    for (std::size_t e = 0; e < above.size(); ++e)
      if (k * binHz >= SourceStatistics::kShareEdgesHz[e]) above[e] += power;
  }
  for (std::size_t e = 0; e < above.size(); ++e)
    m_logShareSum[e] += std::log(std::max(kShareFloor, total > 0 ? above[e] / total : 0.0));
  ++m_windows;
}

SourceStatistics SourceProbe::result() const {
  SourceStatistics out;
  out.windows = m_windows;
  if (m_windows == 0) return out;
  const double width = std::clamp(m_sideEnergy / m_midEnergy, kWidthMin, kWidthMax);
  out.values[0] = static_cast<float>(std::log(width));
  for (std::size_t e = 0; e < m_logShareSum.size(); ++e)
    out.values[e + 1] = static_cast<float>(m_logShareSum[e] / m_windows);
  return out;
}

}  // namespace songspace::audio
