#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <vector>

#include "audio/mfcc.h"
#include "tests/testpaths.h"

namespace base = songspace::base;

using base::ErrorCode;
using songspace::audio::MfccExtractor;
using songspace::audio::MfccParams;

namespace {

// Numerical Recipes LCG; the top 24 bits scaled to [-0.5, 0.5) are exact in float32.
struct Lcg {
  std::uint32_t state;
  double next() {
    state = 1664525u * state + 1013904223u;
    return (state >> 8) / 16777216.0 - 0.5;
  }
};

// The synthetic signals of scripts/mfcc_reference.py, same formulas, float64 rounded to float32.
// Tonal signals carry a noise floor of amplitude 1e-3: the script says why.
std::vector<float> makeSignal(const QString& name, int sampleRate, int count) {
  std::vector<float> x(count);
  const double pi = std::numbers::pi;
  Lcg noise{12345};
  Lcg dither{777};
  const double duration = static_cast<double>(count) / sampleRate;
  for (int i = 0; i < count; ++i) {
    const double t = static_cast<double>(i) / sampleRate;
    double v = 0.0;
    if (name == QLatin1String("noise")) {
      x[i] = static_cast<float>(noise.next());
      continue;
    }
    if (name == QLatin1String("sine440")) {
      v = 0.5 * std::sin(2 * pi * 440.0 * t);
    } else if (name == QLatin1String("three_sines")) {
      v = 0.6 * std::sin(2 * pi * 220.0 * t) + 0.25 * std::sin(2 * pi * 1375.0 * t) +
          0.1 * std::sin(2 * pi * 3000.0 * t);
    } else {  // chirp, short_chirp
      v = 0.5 * std::sin(2 * pi * (100.0 * t + (8000.0 - 100.0) * t * t / (2 * duration)));
    }
    x[i] = static_cast<float>(v + 1e-3 * dither.next());
  }
  return x;
}

// All frames of one song, pushed in blocks of blockSizes (cycled), flattened.
std::vector<float> analyse(const MfccParams& params, const std::vector<float>& signal,
                           const std::vector<std::size_t>& blockSizes = {1u << 30}) {
  MfccExtractor extractor(params);
  std::vector<float> frames;
  extractor.setFrameSink(
      [&frames](std::span<const float> f) { frames.insert(frames.end(), f.begin(), f.end()); });
  std::size_t pos = 0;
  for (std::size_t i = 0; pos < signal.size(); ++i) {
    const std::size_t n = std::min(blockSizes[i % blockSizes.size()], signal.size() - pos);
    extractor.push(std::span<const float>(signal).subspan(pos, n));
    pos += n;
  }
  extractor.finish();
  return frames;
}

double hzToMel(double hz) {
  return 2595.0 * std::log10(1.0 + hz / 700.0);
}
double melToHz(double mel) {
  return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
}

}  // namespace

class MfccTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void golden_data();
  void golden();
  void blockSizeIndependence();
  void emissionDelay();
  void frameCount_data();
  void frameCount();
  void silence();
  void toneBand_data();
  void toneBand();
  void gainShiftsOnlyC0_data();
  void gainShiftsOnlyC0();
  void filterbankShape();
  void invalidParams_data();
  void invalidParams();
  void throughput();
};

void MfccTest::golden_data() {
  QTest::addColumn<QString>("file");
  const QDir dir(songspace::test::testDataPath(QStringLiteral("mfcc")));
  const QStringList files = dir.entryList({QStringLiteral("*.f32")}, QDir::Files, QDir::Name);
  QVERIFY2(files.size() >= 10, "run scripts/mfcc_reference.py");
  for (const QString& f : files) QTest::newRow(qPrintable(f)) << dir.filePath(f);
}

// Tolerance: |ours - ref| <= 1e-3 * (1 + |ref|) for every static, Δ and ΔΔ value. Ours runs a
// float32 FFT; the reference is float64 throughout (same float32 input).
void MfccTest::golden() {
  QFETCH(QString, file);
  QFile in(file);
  QVERIFY(in.open(QIODevice::ReadOnly));
  const QList<QByteArray> header = in.readLine().trimmed().split(' ');
  QCOMPARE(header.value(0), QByteArray("songspace-mfcc-golden"));
  QHash<QByteArray, QByteArray> kv;
  for (const QByteArray& item : header) {
    const qsizetype eq = item.indexOf('=');
    if (eq > 0) kv.insert(item.left(eq), item.mid(eq + 1));
  }
  MfccParams p;
  p.sampleRate = kv.value("sample_rate").toInt();
  p.frameSize = kv.value("frame_size").toInt();
  p.hopSize = kv.value("hop_size").toInt();
  p.melBands = kv.value("mel_bands").toInt();
  p.coefficients = kv.value("coefficients").toInt();
  p.minFrequency = kv.value("min_frequency").toDouble();
  p.maxFrequency = kv.value("max_frequency").toDouble();
  p.deltaWidth = kv.value("delta_width").toInt();
  p.logFloor = kv.value("log_floor").toDouble();
  QVERIFY2(p.validate().ok(), p.validate().message.c_str());
  const int frames = kv.value("frames").toInt();
  const int dim = kv.value("dim").toInt();
  QCOMPARE(dim, p.featureDimension());

  const QByteArray payload = in.readAll();
  QCOMPARE(payload.size(), qsizetype(frames) * dim * 4);
  std::vector<float> ref(static_cast<std::size_t>(frames) * dim);
  std::memcpy(ref.data(), payload.data(), payload.size());  // little-endian host (x86/ARM)

  const std::vector<float> signal = makeSignal(QString::fromLatin1(kv.value("signal")),
                                               p.sampleRate, kv.value("samples").toInt());
  const std::vector<float> ours = analyse(p, signal);
  QCOMPARE(ours.size(), ref.size());

  double maxErr[3] = {0, 0, 0};  // absolute, per part: static, Δ, ΔΔ
  double worstRatio = 0;         // error / allowed, must stay <= 1
  const int c = p.coefficients;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const double err = std::abs(double(ours[i]) - ref[i]);
    const int part = static_cast<int>(i % dim) / c;
    maxErr[part] = std::max(maxErr[part], err);
    worstRatio = std::max(worstRatio, err / (1e-3 * (1.0 + std::abs(ref[i]))));
  }
  qInfo("%s: %d frames, max |err| static %.2e, delta %.2e, delta-delta %.2e (%.0f%% of tolerance)",
        qPrintable(QFileInfo(file).fileName()), frames, maxErr[0], maxErr[1], maxErr[2],
        100 * worstRatio);
  QVERIFY2(worstRatio <= 1.0, "outside 1e-3 * (1 + |ref|)");
}

void MfccTest::blockSizeIndependence() {
  MfccParams p;
  std::vector<float> signal = makeSignal(QStringLiteral("chirp"), p.sampleRate, 30011);
  const std::vector<float> noise = makeSignal(QStringLiteral("noise"), p.sampleRate, 30011);
  for (std::size_t i = 0; i < signal.size(); ++i) signal[i] += 0.1f * noise[i];

  const std::vector<float> whole = analyse(p, signal);
  QCOMPARE(whole.size(), std::size_t((30011 - 1024) / 512 + 1) * p.featureDimension());
  const std::vector<std::vector<std::size_t>> schedules = {
      {1}, {7}, {100000}, {511, 1, 513, 1024, 3}, {1023, 2049, 5}};
  for (const auto& schedule : schedules) {
    const std::vector<float> split = analyse(p, signal, schedule);
    QCOMPARE(split.size(), whole.size());
    QVERIFY(std::memcmp(split.data(), whole.data(), whole.size() * sizeof(float)) == 0);
  }

  // reset() starts a fresh song; staticCoefficients() agrees bit for bit with the stream.
  MfccExtractor extractor(p);
  std::vector<float> again;
  extractor.setFrameSink(
      [&again](std::span<const float> f) { again.insert(again.end(), f.begin(), f.end()); });
  extractor.push(std::span<const float>(noise).first(5000));
  extractor.reset();
  again.clear();
  extractor.push(signal);
  extractor.finish();
  QCOMPARE(extractor.framesEmitted(), whole.size() / p.featureDimension());
  QVERIFY(std::memcmp(again.data(), whole.data(), whole.size() * sizeof(float)) == 0);
  std::vector<float> single(p.coefficients);
  constexpr std::size_t kFrame = 7;  // the frame starting at sample 7 × 512
  extractor.staticCoefficients(std::span<const float>(signal).subspan(kFrame * 512, 1024), single);
  QVERIFY(std::memcmp(single.data(),
                      &whole[kFrame * static_cast<std::size_t>(p.featureDimension())],
                      single.size() * sizeof(float)) == 0);
}

// A frame leaves once the 2 * deltaWidth frames after it exist, not earlier and not later.
void MfccTest::emissionDelay() {
  for (int width = 1; width <= 4; ++width) {
    MfccParams p;
    p.deltaWidth = width;
    MfccExtractor extractor(p);
    const std::vector<float> x = makeSignal(QStringLiteral("noise"), p.sampleRate, 20 * 512 + 512);
    for (int frames = 1; frames <= 20; ++frames) {
      const std::size_t end = p.frameSize + (frames - 1) * p.hopSize;
      const std::size_t begin = frames == 1 ? 0 : end - p.hopSize;
      extractor.push(std::span<const float>(x).subspan(begin, end - begin));
      QCOMPARE(extractor.framesEmitted(), std::size_t(std::max(0, frames - 2 * width)));
    }
    extractor.finish();
    QCOMPARE(extractor.framesEmitted(), std::size_t(20));
    extractor.push(x);  // ignored after finish() until reset()
    extractor.finish();
    QCOMPARE(extractor.framesEmitted(), std::size_t(20));
  }
}

void MfccTest::frameCount_data() {
  QTest::addColumn<int>("samples");
  QTest::addColumn<int>("hop");
  for (int n : {0, 1, 1023, 1024, 1025, 1535, 1536, 2048, 2560, 100000}) {
    for (int hop : {512, 1024, 100}) QTest::addRow("n=%d hop=%d", n, hop) << n << hop;
  }
}

// Including songs shorter than the Δ delay (1, 2, 3 frames): finish() must emit them all.
void MfccTest::frameCount() {
  QFETCH(int, samples);
  QFETCH(int, hop);
  MfccParams p;
  p.hopSize = hop;
  const std::vector<float> x = makeSignal(QStringLiteral("noise"), p.sampleRate, samples);
  const std::vector<float> frames = analyse(p, x);
  const int expected = samples >= p.frameSize ? (samples - p.frameSize) / hop + 1 : 0;
  QCOMPARE(frames.size(), std::size_t(expected) * p.featureDimension());
  if (expected == 1) {  // a single frame replicated on both sides: Δ = ΔΔ = 0 exactly
    for (int i = p.coefficients; i < p.featureDimension(); ++i) QCOMPARE(frames[i], 0.0f);
  }
}

void MfccTest::silence() {
  for (const double floor : {1e-10, 1e-4}) {
    MfccParams p;
    p.logFloor = floor;
    const std::vector<float> frames = analyse(p, std::vector<float>(10000, 0.0f));
    QCOMPARE(frames.size(), std::size_t(18) * p.featureDimension());
    const double c0 = std::sqrt(double(p.melBands)) * std::log(floor);
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const int k = static_cast<int>(i % p.featureDimension());
      if (k == 0) {
        QVERIFY2(std::abs(frames[i] - c0) <= 1e-5 * std::abs(c0),
                 qPrintable(QString::number(frames[i])));
      } else if (k < p.coefficients) {
        QVERIFY(std::abs(frames[i]) <= 1e-5 * std::abs(c0));
      } else {
        QCOMPARE(frames[i], 0.0f);  // identical frames: the regression cancels exactly
      }
    }
  }
}

void MfccTest::toneBand_data() {
  QTest::addColumn<double>("frequency");
  for (double f : {150.0, 300.0, 1000.0, 2500.0, 4400.0, 6000.0, 9000.0}) {
    QTest::addRow("%g Hz", f) << f;
  }
}

// With coefficients == melBands the orthonormal DCT is invertible, so the log mel energies are
// recovered from the output as DCT-IIIᵀ c. Band centres come from the HTK formula directly.
void MfccTest::toneBand() {
  QFETCH(double, frequency);
  MfccParams p;
  p.coefficients = p.melBands;
  p.frameSize = 4096;
  MfccExtractor extractor(p);
  QVERIFY(extractor.status().ok());
  std::vector<float> frame(p.frameSize);
  for (int i = 0; i < p.frameSize; ++i) {
    frame[i] =
        static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * frequency * i / p.sampleRate));
  }
  std::vector<float> c(p.coefficients);
  extractor.staticCoefficients(frame, c);
  const int m = p.melBands;
  int loudest = 0, nearest = 0;
  double loudestLog = -1e300;
  const double step = (hzToMel(p.maxFrequency) - hzToMel(p.minFrequency)) / (m + 1);
  std::vector<double> centres(m);
  for (int b = 0; b < m; ++b) {
    double logMel = 0;
    for (int k = 0; k < m; ++k) {
      const double scale = std::sqrt((k == 0 ? 1.0 : 2.0) / m);
      logMel += scale * std::cos(std::numbers::pi * k * (2 * b + 1) / (2.0 * m)) * c[k];
    }
    if (logMel > loudestLog) loudestLog = logMel, loudest = b;
    centres[b] = melToHz(hzToMel(p.minFrequency) + (b + 1) * step);
    if (std::abs(centres[b] - frequency) < std::abs(centres[nearest] - frequency)) nearest = b;
  }
  QCOMPARE(loudest, nearest);
}

void MfccTest::gainShiftsOnlyC0_data() {
  QTest::addColumn<float>("gain");
  for (float a : {0.5f, 2.0f, 10.0f}) QTest::addRow("x%g", a) << a;
}

// White noise has every band far above the floor, so log(a² E + floor) = log E + 2 ln a.
void MfccTest::gainShiftsOnlyC0() {
  QFETCH(float, gain);
  MfccParams p;
  const std::vector<float> x = makeSignal(QStringLiteral("noise"), p.sampleRate, 20000);
  std::vector<float> scaled(x);
  for (float& v : scaled) v *= gain;
  const std::vector<float> a = analyse(p, x), b = analyse(p, scaled);
  QCOMPARE(a.size(), b.size());
  const double shift = 2.0 * std::log(double(gain)) * std::sqrt(double(p.melBands));
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool isC0 = i % p.featureDimension() == 0;
    const double expected = a[i] + (isC0 ? shift : 0.0);
    QVERIFY2(std::abs(b[i] - expected) <= 1e-4 * (1 + std::abs(expected)),
             qPrintable(QStringLiteral("index %1: %2 vs %3").arg(i).arg(b[i]).arg(expected)));
  }
}

// Peaks ≈ 1 at increasing centres; adjacent triangles sum to 1 between the first and last
// centre (no gap, no double weight); nothing outside [minFrequency, maxFrequency].
void MfccTest::filterbankShape() {
  MfccParams p;
  p.frameSize = 8192;
  p.minFrequency = 80;
  p.maxFrequency = 8000;
  const MfccExtractor extractor(p);
  const auto rows = extractor.melFilterbank();
  QCOMPARE(int(rows.size()), p.melBands);
  const double binHz = double(p.sampleRate) / p.frameSize;
  int previousPeak = -1;
  for (const auto& row : rows) {
    QCOMPARE(int(row.size()), p.frameSize / 2 + 1);
    const auto peak = std::max_element(row.begin(), row.end());
    QVERIFY2(*peak > 0.9f && *peak <= 1.0f, qPrintable(QString::number(*peak)));
    QVERIFY(peak - row.begin() > previousPeak);
    previousPeak = int(peak - row.begin());
  }
  const int firstPeak =
      int(std::max_element(rows.front().begin(), rows.front().end()) - rows.front().begin());
  for (int k = 0; k <= p.frameSize / 2; ++k) {
    double sum = 0;
    for (const auto& row : rows) sum += row[k];
    const double f = k * binHz;
    if (f <= p.minFrequency || f >= p.maxFrequency) QCOMPARE(sum, 0.0);
    if (k > firstPeak && k < previousPeak) QVERIFY(std::abs(sum - 1.0) < 1e-5);
  }
  // The default filterbank has no empty band.
  for (const auto& row : MfccExtractor().melFilterbank()) {
    QVERIFY(*std::max_element(row.begin(), row.end()) > 0.5f);
  }
}

void MfccTest::invalidParams_data() {
  QTest::addColumn<QString>("field");
  QTest::addColumn<double>("value");
  QTest::addColumn<QString>("named");  // must appear in the message
  const auto row = [](const char* field, double value, const char* named) {
    QTest::addRow("%s=%g", field, value)
        << QString::fromLatin1(field) << value << QString::fromLatin1(named);
  };
  row("sample_rate", 7999, "sample_rate");
  row("sample_rate", 96001, "sample_rate");
  row("frame_size", 128, "frame_size");
  row("frame_size", 16384, "frame_size");
  row("frame_size", 1023, "frame_size");  // odd
  row("hop_size", 32, "hop_size");
  row("hop_size", 2048, "hop_size");  // > frame_size
  row("mel_bands", 7, "mel_bands");
  row("mel_bands", 129, "mel_bands");
  row("mel_bands", 10, "coefficients");  // 13 coefficients > 10 bands
  row("coefficients", 1, "coefficients");
  row("coefficients", 41, "coefficients");
  row("min_frequency", -1, "min_frequency");
  row("min_frequency", 11025, "min_frequency");  // not below max_frequency
  row("max_frequency", 999, "max_frequency");
  row("max_frequency", 11026, "max_frequency");  // above sample_rate / 2
  row("delta_width", 0, "delta_width");
  row("delta_width", 5, "delta_width");
  row("log_floor", 0, "log_floor");
  row("log_floor", 1e-2, "log_floor");
  row("log_floor", std::nan(""), "log_floor");
}

void MfccTest::invalidParams() {
  QFETCH(QString, field);
  QFETCH(double, value);
  QFETCH(QString, named);
  MfccParams p;
  QVERIFY(p.validate().ok());
  const int i = static_cast<int>(value);
  if (field == QLatin1String("sample_rate")) p.sampleRate = i;
  if (field == QLatin1String("frame_size")) p.frameSize = i;
  if (field == QLatin1String("hop_size")) p.hopSize = i;
  if (field == QLatin1String("mel_bands")) p.melBands = i;
  if (field == QLatin1String("coefficients")) p.coefficients = i;
  if (field == QLatin1String("min_frequency")) p.minFrequency = value;
  if (field == QLatin1String("max_frequency")) p.maxFrequency = value;
  if (field == QLatin1String("delta_width")) p.deltaWidth = i;
  if (field == QLatin1String("log_floor")) p.logFloor = value;
  const auto status = p.validate();
  QCOMPARE(status.error, base::ErrorCode::InvalidArgument);
  const QString message = QString::fromStdString(status.message);
  QVERIFY2(message.contains(named), qPrintable(message));

  MfccExtractor extractor(p);  // refuses to run: no frames, no filterbank
  QCOMPARE(extractor.status().error, base::ErrorCode::InvalidArgument);
  std::size_t emitted = 0;
  extractor.setFrameSink([&emitted](std::span<const float>) { ++emitted; });
  extractor.push(std::vector<float>(20000, 0.25f));
  extractor.finish();
  QCOMPARE(emitted, std::size_t(0));
  QVERIFY(extractor.melFilterbank().empty());
}

// Speed figure for the report (not asserted: it depends on the build type and the machine).
void MfccTest::throughput() {
  MfccParams p;
  const std::vector<float> x = makeSignal(QStringLiteral("noise"), p.sampleRate, 60 * p.sampleRate);
  MfccExtractor extractor(p);
  float sink = 0;
  extractor.setFrameSink([&sink](std::span<const float> f) { sink += f[0]; });
  QElapsedTimer timer;
  timer.start();
  for (std::size_t pos = 0; pos < x.size(); pos += 4096) {
    extractor.push(
        std::span<const float>(x).subspan(pos, std::min<std::size_t>(4096, x.size() - pos)));
  }
  extractor.finish();
  const double seconds = std::max(timer.nsecsElapsed() * 1e-9, 1e-9);
  qInfo("%zu frames in %.3f s: %.0f frames/s, %.0fx realtime at %d Hz (checksum %g)",
        extractor.framesEmitted(), seconds, extractor.framesEmitted() / seconds, 60.0 / seconds,
        p.sampleRate, double(sink));
  QVERIFY(extractor.framesEmitted() > 0);
}

QTEST_GUILESS_MAIN(MfccTest)
#include "tst_mfcc.moc"
