// SourceProbe on synthetic (mid, side) signals with known answers: stereo width from known
// energies, the share of energy above 12/16/19 kHz for tones on either side of the edges, silence,
// the window schedule, and independence from how the stream is cut into frames.
#include <QtTest>
#include <cmath>
#include <numbers>
#include <vector>

#include "audio/sourceprobe.h"

using namespace songspace::audio;

namespace {

constexpr int kRate = 44100;

// Interleaved (mid, side) pairs: mid a sine of `midHz` at `midAmp`, side one of `sideHz`.
std::vector<float> midSide(double seconds, double midHz, double midAmp, double sideHz,
                           double sideAmp, int rate = kRate) {
  const auto n = static_cast<std::size_t>(seconds * rate);
  std::vector<float> out(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = double(i) / rate;
    out[2 * i] = float(midAmp * std::sin(2 * std::numbers::pi * midHz * t));
    out[2 * i + 1] = float(sideAmp * std::sin(2 * std::numbers::pi * sideHz * t + 0.3));
  }
  return out;
}

// The decoder's protocol: per frame of `frame` samples, skip() first, add() only when needed.
SourceStatistics feed(const std::vector<float>& pairs, std::size_t frame, int rate = kRate) {
  SourceProbe probe(rate);
  const std::size_t n = pairs.size() / 2;
  for (std::size_t at = 0; at < n; at += frame) {
    const std::size_t count = std::min(frame, n - at);
    if (probe.skip(count)) continue;
    probe.add(std::span<const float>(pairs.data() + 2 * at, 2 * count));
  }
  return probe.result();
}

const double kFloor = std::log(1e-8);

}  // namespace

class SourceProbeTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void names() {
    QCOMPARE(sourceStatisticName(0), std::string_view("stereo_width"));
    QCOMPARE(sourceStatisticName(3), std::string_view("log_share_above_19k"));
    QCOMPARE(sourceStatisticName(SourceStatistics::kCount), std::string_view());
    QCOMPARE(sourceStatisticName(-1), std::string_view());
  }

  void stereoWidthIsEnergyRatio_data() {
    QTest::addColumn<double>("sideAmp");
    QTest::newRow("side at -20 dB") << 0.05;
    QTest::newRow("side at -6 dB") << 0.25;
    QTest::newRow("side as loud as mid") << 0.5;
  }
  void stereoWidthIsEnergyRatio() {
    QFETCH(double, sideAmp);
    // Sines of equal length: the energy ratio is the squared amplitude ratio.
    const SourceStatistics s = feed(midSide(10, 1000, 0.5, 700, sideAmp), 1024);
    const double expected = std::log((sideAmp * sideAmp) / (0.5 * 0.5));
    QVERIFY2(std::abs(s.values[0] - expected) < 0.02,
             qPrintable(QStringLiteral("%1 vs %2").arg(s.values[0]).arg(expected)));
  }

  void monoSitsAtTheWidthFloor() {
    const SourceStatistics s = feed(midSide(5, 1000, 0.5, 0, 0), 4096);
    QVERIFY(s.windows > 0);
    QCOMPARE(s.values[0], float(std::log(1e-6)));
  }

  void highFrequencyShares_data() {
    QTest::addColumn<double>("toneHz");
    QTest::addColumn<int>("above");  // how many of the 12/16/19 kHz edges lie below the tone
    QTest::newRow("1 kHz") << 1000.0 << 0;
    QTest::newRow("14 kHz") << 14000.0 << 1;
    QTest::newRow("17.5 kHz") << 17500.0 << 2;
    QTest::newRow("20.5 kHz") << 20500.0 << 3;
  }
  void highFrequencyShares() {
    QFETCH(double, toneHz);
    QFETCH(int, above);
    const SourceStatistics s = feed(midSide(5, toneHz, 0.5, 0, 0), 1024);
    for (int e = 0; e < 3; ++e) {
      const float v = s.values[static_cast<std::size_t>(e + 1)];
      // Below the tone: (almost) all the energy, ln share ≈ 0. Above it: the Hann window's
      // leakage 1.5 kHz (≥ 70 bins) away is far below the 1e-8 floor.
      if (e < above) {
        QVERIFY2(v > -0.01f, qPrintable(QStringLiteral("edge %1: %2").arg(e).arg(v)));
      } else {
        QVERIFY2(std::abs(v - kFloor) < 0.01,
                 qPrintable(QStringLiteral("edge %1: %2").arg(e).arg(v)));
      }
    }
  }

  void halfTheEnergyAboveAnEdge() {
    // Two equal tones, 5 and 15 kHz: half the energy lies above 12 kHz.
    const auto n = static_cast<std::size_t>(5 * kRate);
    std::vector<float> pairs(2 * n, 0.0f);
    for (std::size_t i = 0; i < n; ++i) {
      const double t = double(i) / kRate;
      pairs[2 * i] = float(0.3 * std::sin(2 * std::numbers::pi * 5000 * t) +
                           0.3 * std::sin(2 * std::numbers::pi * 15000 * t));
    }
    const SourceStatistics s = feed(pairs, 512);
    QVERIFY2(std::abs(s.values[1] - std::log(0.5)) < 0.01,
             qPrintable(QString::number(s.values[1])));
  }

  void aSourceAt22kHzHasNothingAbove12kHz() {
    // Nyquist 11.025 kHz: every share sits at its floor, whatever the content.
    const SourceStatistics s = feed(midSide(5, 10000, 0.5, 0, 0, 22050), 1024, 22050);
    QVERIFY(s.windows > 0);
    for (int e = 1; e < SourceStatistics::kCount; ++e)
      QVERIFY(std::abs(s.values[static_cast<std::size_t>(e)] - kFloor) < 1e-5);
  }

  void silenceMeasuresNothing() {
    const SourceStatistics s = feed(std::vector<float>(2 * 5 * kRate, 0.0f), 1024);
    QCOMPARE(s.windows, 0);
    for (const float v : s.values) QCOMPARE(v, 0.0f);
    // Below −70 dB counts as silence too.
    const SourceStatistics quiet = feed(midSide(5, 1000, 1e-4, 0, 0), 1024);
    QCOMPARE(quiet.windows, 0);
  }

  void oneWindowEveryHalfSecond() {
    // 10 s at 44.1 kHz, hop 22050: windows start at 0, 22050, …, 396900 (the last that fits).
    const SourceStatistics s = feed(midSide(10, 1000, 0.5, 300, 0.1), 1000);
    QCOMPARE(s.windows, (10 * kRate - SourceProbe::kWindow) / (kRate / 2) + 1);
    SourceProbe dense(kRate, 0.01);  // a hop shorter than a window: windows back to back
    const std::vector<float> pairs = midSide(1, 1000, 0.5, 300, 0.1);
    dense.add(pairs);
    QCOMPARE(dense.result().windows, kRate / SourceProbe::kWindow);
  }

  void frameSizeDoesNotMatter() {
    const std::vector<float> pairs = midSide(6, 3000, 0.4, 13000, 0.1);
    const SourceStatistics a = feed(pairs, 1);
    for (const std::size_t frame : {std::size_t(37), std::size_t(1152), std::size_t(100000)}) {
      const SourceStatistics b = feed(pairs, frame);
      QCOMPARE(b.windows, a.windows);
      for (int i = 0; i < SourceStatistics::kCount; ++i)
        QCOMPARE(b.values[static_cast<std::size_t>(i)], a.values[static_cast<std::size_t>(i)]);
    }
  }
};

QTEST_APPLESS_MAIN(SourceProbeTest)
#include "tst_sourceprobe.moc"
