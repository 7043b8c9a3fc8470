#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <numbers>
#include <random>

#include "audio/descriptors.h"
#include "audio/mfcc.h"
#include "audio/songanalyzer.h"
#include "testaudio.h"

using namespace songspace;

namespace {

constexpr int kRate = 22050;
constexpr double kBinHz = kRate / 1024.0;

enum Index {
  CentroidMean = 0,
  BandwidthMean = 2,
  Rolloff85Mean = 4,
  Rolloff99Mean = 6,
  FlatnessMean = 8,
  FluxMean = 10,
  LevelP10 = 12,
  LevelP50 = 13,
  LevelP90 = 14,
  LevelDev = 15,
  Contrast0Mean = 16,
  High4k = 30,
  High8k = 31,
  TempoLog2Bpm = 32,
  TempoClarity = 33,
};

// Runs samples through the MFCC front end (default parameters) into a DescriptorAccumulator,
// exactly as SongAnalyzer wires them.
std::vector<float> describe(const std::vector<float>& samples, std::uint64_t* sounding = nullptr) {
  audio::MfccExtractor extractor;
  audio::DescriptorAccumulator acc(kRate, extractor.params().frameSize, extractor.params().hopSize,
                                   extractor.windowPowerSum());
  extractor.setSpectrumSink([&](std::span<const float> power, std::span<const double> logMel) {
    acc.addFrame(power, logMel);
  });
  extractor.push(samples);
  extractor.finish();
  if (sounding) *sounding = acc.framesSounding();
  return acc.finish();
}

std::vector<float> sine(double hz, double amplitude, double seconds) {
  std::vector<float> x(static_cast<std::size_t>(seconds * kRate));
  for (std::size_t n = 0; n < x.size(); ++n) {
    x[n] = static_cast<float>(amplitude *
                              std::sin(2 * std::numbers::pi * hz * static_cast<double>(n) / kRate));
  }
  return x;
}

std::vector<float> whiteNoise(double amplitude, double seconds, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> gauss(0.0, amplitude);
  std::vector<float> x(static_cast<std::size_t>(seconds * kRate));
  for (float& v : x) v = static_cast<float>(gauss(rng));
  return x;
}

}  // namespace

class TestDescriptors : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void namesCoverEveryIndex() {
    for (int i = 0; i < audio::kDescriptorCount; ++i) QVERIFY(!audio::descriptorName(i).empty());
    QVERIFY(audio::descriptorName(audio::kDescriptorCount).empty());
    QVERIFY(audio::descriptorName(-1).empty());
    QCOMPARE(audio::descriptorName(TempoLog2Bpm), std::string_view("tempo_log2_bpm"));
  }

  // A bin-centred full-scale sine: the Hann window spreads it symmetrically over three bins, so
  // the centroid is the tone itself, the spread is under one bin, and the level is 0 dB.
  void pureToneHasKnownShapeAndLevel() {
    const double hz = 93 * kBinHz;  // 2002.6 Hz, exactly bin 93
    const auto d = describe(sine(hz, 1.0, 3.0));
    QVERIFY2(std::abs(d[CentroidMean] - hz) < 0.5, qPrintable(QString::number(d[CentroidMean])));
    QVERIFY2(d[BandwidthMean] < kBinHz, qPrintable(QString::number(d[BandwidthMean])));
    QVERIFY(std::abs(d[Rolloff85Mean] - hz) <= kBinHz + 1e-3);
    QVERIFY(std::abs(d[Rolloff99Mean] - hz) <= kBinHz + 1e-3);
    QVERIFY2(std::abs(d[LevelP50]) < 0.15, qPrintable(QString::number(d[LevelP50])));
    QVERIFY(d[LevelDev] < 0.05);
    QVERIFY2(d[FlatnessMean] < 1e-3, qPrintable(QString::number(d[FlatnessMean])));
    QVERIFY(d[FluxMean] < 1e-3);  // a steady tone does not change
    QVERIFY(d[High4k] < -10);     // practically nothing above 4 kHz
  }

  // Level follows amplitude: 20 log10(0.1) = -20 dB; a quieter second half moves p10 but not p90.
  void levelTracksAmplitude() {
    const auto quiet = describe(sine(1000, 0.1, 2.0));
    QVERIFY2(std::abs(quiet[LevelP50] + 20) < 0.15, qPrintable(QString::number(quiet[LevelP50])));
    auto x = sine(1000, 1.0, 2.0);
    const auto tail = sine(1000, 0.01, 2.0);
    x.insert(x.end(), tail.begin(), tail.end());
    const auto d = describe(x);
    QVERIFY2(std::abs(d[LevelP10] + 40) < 0.5, qPrintable(QString::number(d[LevelP10])));
    QVERIFY2(std::abs(d[LevelP90]) < 0.5, qPrintable(QString::number(d[LevelP90])));
    QVERIFY(d[LevelDev] > 15);
  }

  // Gaussian white noise: flat spectrum, so centroid ≈ Nyquist/2, 85 % roll-off ≈ 0.85 Nyquist,
  // the power above 4 kHz is a share of 7025/11025, flatness ≈ e^-γ (mean log of an exponential
  // variable), and each band's contrast is about log((1+ln 5)/0.107) ≈ 3.2, far below a tone's.
  void whiteNoiseIsFlat() {
    const auto d = describe(whiteNoise(0.1, 5.0, 7));
    const double nyquist = kRate / 2.0;
    QVERIFY2(std::abs(d[CentroidMean] / (nyquist / 2) - 1) < 0.02,
             qPrintable(QString::number(d[CentroidMean])));
    QVERIFY2(std::abs(d[Rolloff85Mean] / (0.85 * nyquist) - 1) < 0.02,
             qPrintable(QString::number(d[Rolloff85Mean])));
    QVERIFY2(std::abs(d[High4k] - std::log(7025.0 / nyquist)) < 0.05,
             qPrintable(QString::number(d[High4k])));
    QVERIFY2(std::abs(d[High8k] - std::log(3025.0 / nyquist)) < 0.05,
             qPrintable(QString::number(d[High8k])));
    QVERIFY2(std::abs(d[FlatnessMean] - std::exp(-0.5772)) < 0.05,
             qPrintable(QString::number(d[FlatnessMean])));
    for (int b = 1; b < 7; ++b) {  // band 0 (0–200 Hz) holds only 10 bins: too few for the law
      const double c = d[static_cast<std::size_t>(Contrast0Mean + b)];
      QVERIFY2(std::abs(c - 3.2) < 0.5, qPrintable(QStringLiteral("band %1: %2").arg(b).arg(c)));
    }
    const auto tone = describe(sine(93 * kBinHz, 0.5, 2.0));
    QVERIFY(tone[Contrast0Mean + 4] > 10);  // the 1600–3200 Hz band holds the tone
  }

  // Clicks every 20 hops (10240 samples): the onset envelope is periodic with lag 20 frames,
  // i.e. 60 · 22050/512 / 20 = 129.2 BPM, with a clear autocorrelation peak.
  void clickTrainTempo() {
    std::vector<float> x(static_cast<std::size_t>(60 * kRate), 0.0f);
    std::mt19937 rng(3);
    std::normal_distribution<double> gauss(0.0, 0.5);
    for (std::size_t start = 0; start + 2000 < x.size(); start += 10240) {
      for (std::size_t n = 0; n < 2000; ++n) {
        x[start + n] = static_cast<float>(gauss(rng) * std::exp(-static_cast<double>(n) / 300.0));
      }
    }
    const auto d = describe(x);
    const double expected = std::log2(60.0 * kRate / 512.0 / 20.0);
    QVERIFY2(std::abs(d[TempoLog2Bpm] - expected) < 1e-4,
             qPrintable(QStringLiteral("%1 BPM").arg(std::exp2(d[TempoLog2Bpm]))));
    QVERIFY2(d[TempoClarity] > 0.5, qPrintable(QString::number(d[TempoClarity])));
    // Steady noise has no pulse.
    const auto noise = describe(whiteNoise(0.1, 20.0, 9));
    QVERIFY2(noise[TempoClarity] < 0.2, qPrintable(QString::number(noise[TempoClarity])));
  }

  // Silence is skipped: a tone with silence around it describes like the tone alone, and pure
  // silence gives zeros, not NaN.
  void silenceIsSkipped() {
    const auto tone = sine(93 * kBinHz, 0.5, 2.0);
    std::vector<float> padded(static_cast<std::size_t>(3 * kRate), 0.0f);
    padded.insert(padded.end(), tone.begin(), tone.end());
    padded.resize(padded.size() + static_cast<std::size_t>(3 * kRate), 0.0f);
    std::uint64_t soundingTone = 0, soundingPadded = 0;
    const auto a = describe(tone, &soundingTone);
    const auto b = describe(padded, &soundingPadded);
    // Frames that straddle the tone's edges (two per edge at 50 % overlap) also sound.
    QVERIFY2(soundingPadded >= soundingTone && soundingPadded <= soundingTone + 4,
             qPrintable(QStringLiteral("%1 vs %2").arg(soundingPadded).arg(soundingTone)));
    QVERIFY(std::abs(a[CentroidMean] - b[CentroidMean]) < 1.0);
    QVERIFY(std::abs(a[LevelP50] - b[LevelP50]) < 0.2);
    std::uint64_t sounding = 1;
    const auto zero =
        describe(std::vector<float>(static_cast<std::size_t>(kRate), 0.0f), &sounding);
    QCOMPARE(sounding, std::uint64_t{0});
    for (const float v : zero) QCOMPARE(v, 0.0f);
  }

  // The wrong number of bins is ignored rather than read out of bounds.
  void wrongSpectrumSizeIgnored() {
    audio::DescriptorAccumulator acc(kRate, 1024, 512, 384.0);
    const std::vector<float> shortSpectrum(100, 1.0f);
    acc.addFrame(shortSpectrum, {});
    QCOMPARE(acc.framesSeen(), std::uint64_t{1});
    QCOMPARE(acc.framesSounding(), std::uint64_t{0});
  }

  // A 16-point FFT squeezes several octave bands into one bin each: every value stays finite.
  void tinyFramesStayFinite() {
    audio::DescriptorAccumulator acc(kRate, 16, 8, 6.0);
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> power(0.5f, 2.0f);
    std::vector<float> spectrum(9);
    const std::vector<double> logMel(4, 0.0);
    for (int frame = 0; frame < 20; ++frame) {
      for (float& p : spectrum) p = power(rng);
      acc.addFrame(spectrum, logMel);
    }
    QCOMPARE(acc.framesSounding(), std::uint64_t{20});
    for (const float v : acc.finish()) QVERIFY(std::isfinite(v));
  }

  // SongAnalyzer appends the descriptors after the MFCC moments, from the same decode.
  void analyzerAppendsDescriptors() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto file = std::filesystem::path(dir.path().toStdString()) / "tone.wav";
    const double hz = 93 * kBinHz;
    QVERIFY(testaudio::writeWav(file, sine(hz, 0.5, 3.0), kRate));
    const audio::SongAnalyzer analyzer(audio::AnalyzerParams{}, nullptr);
    audio::SongAnalysis analysis;
    QVERIFY(analyzer.analyze(file, analysis).ok());
    QCOMPARE(static_cast<int>(analysis.summary.size()), analyzer.summaryDimension());
    const std::size_t offset = 2 * static_cast<std::size_t>(audio::MfccParams{}.featureDimension());
    QVERIFY2(std::abs(analysis.summary[offset + CentroidMean] - hz) < 2.0,
             qPrintable(QString::number(analysis.summary[offset + CentroidMean])));
    // 16-bit quantisation of a -6 dB sine.
    QVERIFY(std::abs(analysis.summary[offset + LevelP50] + 6.02) < 0.2);
  }
};

QTEST_GUILESS_MAIN(TestDescriptors)
#include "tst_descriptors.moc"
