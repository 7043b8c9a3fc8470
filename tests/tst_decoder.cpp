// The streaming decoder on real files: every common format, PCM variants written here, the
// channel mean, block bounds, every failure class, cancellation, and a one-hour file.
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>

#include "audio/decoder.h"
#include "tests/fuzz/fuzzfiles.h"
#include "tests/fuzz/fuzzinputs.h"
#include "tests/testpaths.h"

namespace base = songspace::base;

using namespace songspace::audio;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(songspace::base::ErrorCode)

namespace {

constexpr double kToneHz = 440.0;
constexpr double kFixtureRms = 0.125 / std::numbers::sqrt2;  // lavfi sine: 1/8 of full scale

fs::path fixture(const char* name) {
  return songspace::test::testDataDir() / "audio" / name;
}

struct Decoded {
  base::Status status;
  DecodeReport report;
  std::vector<float> samples;
  std::size_t maxBlock = 0;
  int blocks = 0;
  double wallSeconds = 0;
};

Decoded decode(const fs::path& file, const DecodeOptions& options = {}) {
  Decoded d;
  QElapsedTimer timer;
  timer.start();
  d.status = decodeAudio(
      file,
      [&](std::span<const float> block) {
        d.samples.insert(d.samples.end(), block.begin(), block.end());
        d.maxBlock = std::max(d.maxBlock, block.size());
        ++d.blocks;
        return true;
      },
      &d.report, options);
  d.wallSeconds = timer.nsecsElapsed() * 1e-9;
  return d;
}

// Frequency from interpolated upward zero crossings, away from the edges (codec ramps).
double toneFrequency(const std::vector<float>& x, int rate) {
  const std::size_t margin = std::size_t(rate / 10);
  double first = -1;
  double last = -1;
  int crossings = 0;
  for (std::size_t i = margin + 1; i + margin < x.size(); ++i) {
    if (x[i - 1] < 0 && x[i] >= 0) {
      const double t = double(i - 1) + x[i - 1] / (x[i - 1] - x[i]);
      if (first < 0) first = t;
      last = t;
      ++crossings;
    }
  }
  return crossings < 2 ? 0.0 : (crossings - 1) * rate / (last - first);
}

double rms(const std::vector<float>& x, int rate) {
  const std::size_t margin = std::size_t(rate / 10);
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t i = margin; i + margin < x.size(); ++i, ++n) sum += double(x[i]) * x[i];
  return n ? std::sqrt(sum / n) : 0.0;
}

enum class Pcm { U8, S16, S24, S32, F32 };

// A canonical RIFF/WAVE file; `value(frame, channel)` in [-1, 1]. Written in chunks so even the
// one-hour file never sits in memory.
void writeWav(const fs::path& path, int rate, int channels, Pcm pcm, std::int64_t frames,
              const std::function<double(std::int64_t, int)>& value) {
  const int bytes = pcm == Pcm::U8 ? 1 : pcm == Pcm::S16 ? 2 : pcm == Pcm::S24 ? 3 : 4;
  const std::uint32_t dataSize = std::uint32_t(frames * channels * bytes);
  std::ofstream out(path, std::ios::binary);
  auto u32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  out.write("RIFF", 4);
  u32(36 + dataSize);
  out.write("WAVEfmt ", 8);
  u32(16);
  u16(pcm == Pcm::F32 ? 3 : 1);  // 3 = IEEE float
  u16(std::uint16_t(channels));
  u32(std::uint32_t(rate));
  u32(std::uint32_t(rate * channels * bytes));
  u16(std::uint16_t(channels * bytes));
  u16(std::uint16_t(bytes * 8));
  out.write("data", 4);
  u32(dataSize);
  std::vector<char> chunk;
  for (std::int64_t f = 0; f < frames; ++f) {
    for (int c = 0; c < channels; ++c) {
      const double v = std::clamp(value(f, c), -1.0, 1.0);
      char b[4];
      if (pcm == Pcm::U8) {
        b[0] = char(std::lround(v * 127.0) + 128);
      } else if (pcm == Pcm::F32) {
        const float fv = float(v);
        std::memcpy(b, &fv, 4);
      } else {
        const std::int32_t iv = std::int32_t(std::lround(v * ((1LL << (bytes * 8 - 1)) - 1)));
        std::memcpy(b, &iv, std::size_t(bytes));  // little-endian host
      }
      chunk.insert(chunk.end(), b, b + bytes);
    }
    if (chunk.size() >= (1 << 20)) {
      out.write(chunk.data(), std::streamsize(chunk.size()));
      chunk.clear();
    }
  }
  out.write(chunk.data(), std::streamsize(chunk.size()));
}

double sine(std::int64_t frame, int rate, double amplitude = 0.5) {
  return amplitude * std::sin(2 * std::numbers::pi * kToneHz * double(frame) / rate);
}

void copyPrefix(const fs::path& from, const fs::path& to, double fraction) {
  std::ifstream in(from, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(to, std::ios::binary)
      .write(bytes.data(), std::streamsize(double(bytes.size()) * fraction));
}

long maxRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

class DecoderTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { QVERIFY(m_dir.isValid()); }

  void formats_data();
  void formats();
  void pcmWav_data();
  void pcmWav();
  void monoIsChannelMean();
  void stereoIdenticalEqualsMono();
  void sourceStatistics();
  void blockSizes_data();
  void blockSizes();
  void sinkStopsEarly();
  void badInputs_data();
  void badInputs();
  void truncated_data();
  void truncated();
  void durationWarningRule();
  void corruptPackets();
  void permissionDenied();
  void unusualNames();
  void cancellation();
  void invalidOptions();
  void implausibleSampleRate();
  void implausiblyLowSampleRate();
  void largeRatioConvertsInPieces();
  void tooShort();
  void longFileStreams();
  void fuzzInputs();

 private:
  fs::path temp(const char* name) const { return fs::path(m_dir.path().toStdString()) / name; }
  QTemporaryDir m_dir;
};

void DecoderTest::formats_data() {
  QTest::addColumn<QString>("file");
  QTest::addColumn<int>("sourceRate");
  QTest::addColumn<int>("channels");
  QTest::addColumn<QString>("format");
  QTest::addColumn<QString>("codec");
  QTest::addColumn<double>("seconds");
  QTest::addColumn<double>("tolerance");  // lossless: 1 ms; lossy: encoder padding
  QTest::newRow("mp3") << "sine440.mp3" << 44100 << 1 << "mp3"
                       << "mp3float" << 2.0 << 0.03;
  QTest::newRow("vorbis") << "sine440.ogg" << 44100 << 1 << "ogg"
                          << "vorbis" << 2.0 << 0.03;
  QTest::newRow("opus") << "sine440.opus" << 48000 << 1 << "ogg"
                        << "opus" << 2.0 << 0.03;
  QTest::newRow("aac") << "sine440.m4a" << 44100 << 1 << "mov,mp4,m4a,3gp,3g2,mj2"
                       << "aac" << 2.0 << 0.03;
  QTest::newRow("flac 44.1k") << "sine440.flac" << 44100 << 1 << "flac"
                              << "flac" << 2.0 << 0.001;
  QTest::newRow("flac 48k") << "sine440_48k.flac" << 48000 << 1 << "flac"
                            << "flac" << 2.0 << 0.001;
  QTest::newRow("flac 6ch 8k") << "sine440_6ch_8k.flac" << 8000 << 6 << "flac"
                               << "flac" << 2.0 << 0.001;
  QTest::newRow("wav 8k") << "sine440_8k.wav" << 8000 << 1 << "wav"
                          << "pcm_s16le" << 2.0 << 0.001;
  QTest::newRow("wav stereo 44.1k") << "sine440_stereo_1s.wav" << 44100 << 2 << "wav"
                                    << "pcm_s16le" << 1.0 << 0.001;
}

void DecoderTest::formats() {
  QFETCH(QString, file);
  QFETCH(int, sourceRate);
  QFETCH(int, channels);
  QFETCH(QString, format);
  QFETCH(QString, codec);
  QFETCH(double, seconds);
  QFETCH(double, tolerance);
  const Decoded d = decode(fixture(file.toUtf8().constData()));
  QVERIFY2(d.status.ok(), d.status.message.c_str());
  QCOMPARE(QString::fromStdString(d.report.formatName), format);
  QCOMPARE(QString::fromStdString(d.report.codecName), codec);
  QCOMPARE(d.report.sourceSampleRate, sourceRate);
  QCOMPARE(d.report.sourceChannels, channels);
  QVERIFY2(std::abs(d.report.declaredSeconds - seconds) < 0.05,
           qPrintable(QString::number(d.report.declaredSeconds)));
  QVERIFY2(std::abs(d.report.decodedSeconds - seconds) <= tolerance,
           qPrintable(QString::number(d.report.decodedSeconds, 'f', 5)));
  QCOMPARE(double(d.samples.size()), d.report.decodedSeconds * kAnalysisSampleRate);
  QCOMPARE(d.report.corruptPackets, 0);
  QVERIFY(d.report.warnings.empty());
  QVERIFY(d.maxBlock <= DecodeOptions{}.blockSamples);
  QVERIFY(std::all_of(d.samples.begin(), d.samples.end(),
                      [](float v) { return v >= -1.0f && v <= 1.0f; }));
  const double hz = toneFrequency(d.samples, kAnalysisSampleRate);
  QVERIFY2(std::abs(hz - kToneHz) < 2.0, qPrintable(QString::number(hz)));
  const double level = rms(d.samples, kAnalysisSampleRate);
  QVERIFY2(std::abs(level - kFixtureRms) < 0.2 * kFixtureRms, qPrintable(QString::number(level)));
  qInfo("%s: %.0fx realtime (%.2f ms, includes open)", qPrintable(file),
        d.report.decodedSeconds / d.wallSeconds, d.wallSeconds * 1e3);
}

void DecoderTest::pcmWav_data() {
  QTest::addColumn<int>("rate");
  QTest::addColumn<int>("channels");
  QTest::addColumn<int>("pcm");
  QTest::newRow("s16 stereo 44.1k") << 44100 << 2 << int(Pcm::S16);
  QTest::newRow("s24 mono 48k") << 48000 << 1 << int(Pcm::S24);
  QTest::newRow("u8 mono 8k") << 8000 << 1 << int(Pcm::U8);
  QTest::newRow("s32 mono 11.025k") << 11025 << 1 << int(Pcm::S32);
  QTest::newRow("f32 stereo 96k") << 96000 << 2 << int(Pcm::F32);
  QTest::newRow("f32 mono 22.05k") << 22050 << 1 << int(Pcm::F32);
}

void DecoderTest::pcmWav() {
  QFETCH(int, rate);
  QFETCH(int, channels);
  QFETCH(int, pcm);
  const fs::path path = temp("pcm.wav");
  writeWav(path, rate, channels, Pcm(pcm), std::int64_t{2} * rate,
           [&](std::int64_t f, int) { return sine(f, rate); });
  const Decoded d = decode(path);
  QVERIFY2(d.status.ok(), d.status.message.c_str());
  QCOMPARE(d.report.sourceSampleRate, rate);
  QCOMPARE(d.report.sourceChannels, channels);
  QVERIFY2(std::abs(d.report.decodedSeconds - 2.0) <= 0.001,
           qPrintable(QString::number(d.report.decodedSeconds, 'f', 5)));
  QVERIFY(std::abs(toneFrequency(d.samples, kAnalysisSampleRate) - kToneHz) < 1.0);
  QVERIFY(std::abs(rms(d.samples, kAnalysisSampleRate) - 0.5 / std::numbers::sqrt2) < 0.01);
}

void DecoderTest::monoIsChannelMean() {
  // One live channel among N: the mean is 1/N of it, whatever the channel's role (LFE too).
  for (const int channels : {2, 6}) {
    const int live = channels == 6 ? 3 : 0;  // 5.1: channel 3 is the LFE
    const fs::path path = temp("mean.wav");
    writeWav(path, 44100, channels, Pcm::S16, std::int64_t{44100} * 2,
             [&](std::int64_t f, int c) { return c == live ? sine(f, 44100) : 0.0; });
    const Decoded d = decode(path);
    QVERIFY2(d.status.ok(), d.status.message.c_str());
    const double expected = 0.5 / std::numbers::sqrt2 / channels;
    const double level = rms(d.samples, kAnalysisSampleRate);
    QVERIFY2(std::abs(level - expected) < 0.02 * expected, qPrintable(QString::number(level)));
  }
}

void DecoderTest::stereoIdenticalEqualsMono() {
  // Written here: the same tone as a mono and as a stereo file with identical channels.
  const fs::path mono = temp("mono.wav");
  const fs::path stereo = temp("stereo.wav");
  auto tone = [](std::int64_t f, int) { return sine(f, 48000, 0.7); };
  writeWav(mono, 48000, 1, Pcm::S16, 96000, tone);
  writeWav(stereo, 48000, 2, Pcm::S16, 96000, tone);
  const Decoded a = decode(mono);
  const Decoded b = decode(stereo);
  QVERIFY(a.status.ok() && b.status.ok());
  QCOMPARE(a.samples.size(), b.samples.size());
  for (std::size_t i = 0; i < a.samples.size(); ++i) {
    QVERIFY(std::abs(a.samples[i] - b.samples[i]) < 1e-6f);
  }
  // The committed fixtures: stereo WAV (1 s) against mono FLAC (2 s) of the same lavfi tone.
  // The resampler looks ahead, so compare up to 50 ms before the shorter file's end.
  const Decoded s = decode(fixture("sine440_stereo_1s.wav"));
  const Decoded m = decode(fixture("sine440.flac"));
  QVERIFY(s.status.ok() && m.status.ok());
  const std::size_t n = s.samples.size() - kAnalysisSampleRate / 20;
  float worst = 0;
  for (std::size_t i = 0; i < n; ++i)
    worst = std::max(worst, std::abs(s.samples[i] - m.samples[i]));
  QVERIFY2(worst < 1e-6f, qPrintable(QString::number(worst)));
}

void DecoderTest::sourceStatistics() {
  // L = m + d, R = m − d at 44.1 kHz: the probe sees mid m and side d before the downmix to
  // 22.05 kHz. m: equal tones at 1 and 15 kHz (half its energy above 12 kHz, none above 16 kHz);
  // d: a 500 Hz tone at a third of their amplitude, so E_side / E_mid = 0.1² / (2 · 0.3²).
  const fs::path path = temp("midside.wav");
  writeWav(path, 44100, 2, Pcm::S16, std::int64_t{44100} * 4, [](std::int64_t f, int c) {
    const double t = double(f) / 44100;
    const double m = 0.3 * std::sin(2 * std::numbers::pi * 1000 * t) +
                     0.3 * std::sin(2 * std::numbers::pi * 15000 * t);
    const double d = 0.1 * std::sin(2 * std::numbers::pi * 500 * t);
    return c == 0 ? m + d : m - d;
  });
  DecodeOptions options;
  options.measureSource = true;
  const Decoded d = decode(path, options);
  QVERIFY2(d.status.ok(), d.status.message.c_str());
  const SourceStatistics& s = d.report.source;
  QCOMPARE(s.windows, (4 * 44100 - SourceProbe::kWindow) / 22050 + 1);
  const auto near = [](float value, double expected, double tolerance) {
    return std::abs(value - expected) < tolerance;
  };
  QVERIFY2(near(s.values[0], std::log(0.01 / 0.18), 0.05),
           qPrintable(QString::number(s.values[0])));
  QVERIFY2(near(s.values[1], std::log(0.5), 0.02), qPrintable(QString::number(s.values[1])));
  QVERIFY2(s.values[2] < -15, qPrintable(QString::number(s.values[2])));
  // The analysed mono is unchanged by the measurement.
  const Decoded plain = decode(path);
  QCOMPARE(plain.report.source.windows, 0);
  QCOMPARE(plain.samples, d.samples);

  // Identical channels, and 5.1 with the same tone everywhere: no side at all.
  for (const char* name : {"sine440_stereo_1s.wav", "sine440_6ch_8k.flac", "sine440.flac"}) {
    const Decoded f = decode(fixture(name), options);
    QVERIFY2(f.status.ok(), name);
    QVERIFY2(f.report.source.windows > 0, name);
    QVERIFY2(near(f.report.source.values[0], std::log(1e-6), 1e-4), name);
  }
}

void DecoderTest::blockSizes_data() {
  QTest::addColumn<int>("blockSamples");
  QTest::newRow("1") << 1;
  QTest::newRow("1000") << 1000;
  QTest::newRow("4096") << 4096;
  QTest::newRow("larger than the file") << 100000;
}

void DecoderTest::blockSizes() {
  QFETCH(int, blockSamples);
  DecodeOptions options;
  options.blockSamples = std::size_t(blockSamples);
  const Decoded d = decode(fixture("sine440_48k.flac"), options);
  QVERIFY(d.status.ok());
  QVERIFY(d.maxBlock <= std::size_t(blockSamples));
  QCOMPARE(d.samples.size(), std::size_t(2 * kAnalysisSampleRate));
  QCOMPARE(d.blocks, int((d.samples.size() + options.blockSamples - 1) / options.blockSamples));
}

void DecoderTest::sinkStopsEarly() {
  DecodeOptions options;
  options.blockSamples = 1000;
  int blocks = 0;
  DecodeReport report;
  const base::Status status = decodeAudio(
      fixture("sine440.mp3"), [&](std::span<const float>) { return ++blocks < 3; }, &report,
      options);
  QVERIFY2(status.ok(), status.message.c_str());
  QCOMPARE(blocks, 3);
  QCOMPARE(report.decodedSeconds, 3000.0 / kAnalysisSampleRate);
}

void DecoderTest::badInputs_data() {
  QTest::addColumn<QString>("name");
  QTest::addColumn<base::ErrorCode>("error");
  QTest::addColumn<QString>("reason");
  QTest::newRow("missing") << "missing.mp3" << base::ErrorCode::NotFound << "no such file";
  QTest::newRow("zero bytes") << "empty.mp3" << base::ErrorCode::TooShort << "empty file";
  QTest::newRow("random bytes .mp3")
      << "random.mp3" << base::ErrorCode::NotAudio << "not a recognised";
  QTest::newRow("text .flac") << "text.flac" << base::ErrorCode::NotAudio << "not a recognised";
  QTest::newRow("directory") << "folder.ogg" << base::ErrorCode::NotAudio << "directory";
  QTest::newRow("png image") << "image.png" << base::ErrorCode::NoAudioStream << "no audio stream";
  QTest::newRow("video only") << "video_only.mkv" << base::ErrorCode::NoAudioStream
                              << "no audio stream";
}

void DecoderTest::badInputs() {
  QFETCH(QString, name);
  QFETCH(base::ErrorCode, error);
  QFETCH(QString, reason);
  fs::path path = temp(name.toUtf8().constData());
  { const std::ofstream create(temp("empty.mp3")); }  // a zero-byte file
  std::ofstream(temp("text.flac")) << "This is a text file, not FLAC.\nSecond line.\n";
  fs::create_directories(temp("folder.ogg"));
  {
    std::ofstream random(temp("random.mp3"), std::ios::binary);
    QRandomGenerator generator(42);
    for (int i = 0; i < 65536 / 4; ++i) {
      const quint32 word = generator.generate();
      random.write(reinterpret_cast<const char*>(&word), 4);
    }
  }
  if (name == QLatin1String("image.png") || name == QLatin1String("video_only.mkv")) {
    path = fixture(name.toUtf8().constData());
  }
  const Decoded d = decode(path);
  QCOMPARE(d.status.error, error);
  QVERIFY2(QString::fromStdString(d.status.message).contains(reason), d.status.message.c_str());
  QVERIFY(d.status.message.find(path.filename().string()) == std::string::npos);
  QVERIFY(d.samples.empty());
}

void DecoderTest::truncated_data() {
  QTest::addColumn<QString>("file");
  QTest::addColumn<double>("fraction");
  QTest::addColumn<base::ErrorCode>("error");
  QTest::addColumn<QString>("reason");  // in the message on failure, in a warning on success
  QTest::addColumn<double>("minDecoded");
  QTest::addColumn<double>("maxDecoded");
  // MP3 declares 2.04 s in its Xing header, so a cut is seen as truncation.
  QTest::newRow("mp3 2%") << "sine440.mp3" << 0.02 << base::ErrorCode::NotAudio
                          << "not a recognised" << 0.0 << 0.0;
  QTest::newRow("mp3 10%") << "sine440.mp3" << 0.10 << base::ErrorCode::Corrupt
                           << "truncated: decoded 0.1" << 0.1 << 0.25;
  QTest::newRow("mp3 30%") << "sine440.mp3" << 0.30 << base::ErrorCode::Corrupt
                           << "truncated: decoded 0.5" << 0.5 << 0.65;
  QTest::newRow("mp3 60%") << "sine440.mp3" << 0.60 << base::ErrorCode::None
                           << "truncated: decoded 1.1" << 1.1 << 1.25;
  QTest::newRow("mp3 95%") << "sine440.mp3" << 0.95 << base::ErrorCode::None << "" << 1.85 << 1.95;
  // Ogg Vorbis: the first ~4 KB are codec headers; the declared duration comes from the last
  // page, so a cut after the headers is just a shorter file.
  QTest::newRow("ogg 10%") << "sine440.ogg" << 0.10 << base::ErrorCode::Corrupt << "header" << 0.0
                           << 0.0;
  QTest::newRow("ogg 40%") << "sine440.ogg" << 0.40 << base::ErrorCode::Corrupt << "header" << 0.0
                           << 0.0;
  QTest::newRow("ogg 70%") << "sine440.ogg" << 0.70 << base::ErrorCode::Corrupt << "header" << 0.0
                           << 0.0;
  QTest::newRow("ogg 90%") << "sine440.ogg" << 0.90 << base::ErrorCode::None << "" << 1.0 << 1.1;
}

// One rule for every claimed duration (issue 12 §3): a second of tolerance, then a warning that
// says who claimed what.
void DecoderTest::durationWarningRule() {
  QCOMPARE(durationWarning(0, 30.04, DurationClaim::Estimated), std::string());
  QCOMPARE(durationWarning(30.9, 30.04, DurationClaim::Declared), std::string());
  QCOMPARE(durationWarning(29.1, 30.04, DurationClaim::TagReader), std::string());
  QCOMPARE(durationWarning(133.03, 30.04, DurationClaim::Estimated),
           std::string("duration: the header estimates 133.03 s from the bitrate, the audio "
                       "decodes to 30.04 s"));
  QCOMPARE(durationWarning(2.04, 0.9, DurationClaim::Declared),
           std::string("truncated: decoded 0.900 s of declared 2.040 s"));
  QCOMPARE(durationWarning(2.04, 4.07, DurationClaim::Declared),
           std::string("duration: the header declares 2.040 s, the audio decodes to 4.070 s"));
  QCOMPARE(durationWarning(2.04, 4.07, DurationClaim::TagReader),
           std::string("duration: the tags reader says 2.040 s, the audio decodes to 4.070 s"));
}

void DecoderTest::truncated() {
  QFETCH(QString, file);
  QFETCH(double, fraction);
  QFETCH(base::ErrorCode, error);
  QFETCH(QString, reason);
  QFETCH(double, minDecoded);
  QFETCH(double, maxDecoded);
  const fs::path path = temp("cut") += fs::path(file.toStdString()).extension();
  copyPrefix(fixture(file.toUtf8().constData()), path, fraction);
  const Decoded d = decode(path);
  QCOMPARE(d.status.error, error);
  QVERIFY2(d.report.decodedSeconds >= minDecoded && d.report.decodedSeconds <= maxDecoded,
           qPrintable(QString::number(d.report.decodedSeconds)));
  QCOMPARE(double(d.samples.size()), d.report.decodedSeconds * kAnalysisSampleRate);
  QString text = QString::fromStdString(d.status.message);
  for (const std::string& warning : d.report.warnings) text += QString::fromStdString(warning);
  QVERIFY2(text.contains(reason), qPrintable(text));
  if (error == base::ErrorCode::None && reason.isEmpty()) QVERIFY(d.report.warnings.empty());
  if (d.report.decodedSeconds > 0) {  // the report is filled on failure too
    QVERIFY(!d.report.formatName.empty() && !d.report.codecName.empty());
    QVERIFY(d.report.declaredSeconds > 0 && d.report.sourceSampleRate == 44100);
  }
}

namespace {
// A copy of `from` with bytes [begin, end) (fractions of its size) replaced by seeded noise.
void damage(const fs::path& from, const fs::path& to, double begin, double end) {
  std::ifstream in(from, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  QRandomGenerator generator(7);
  const auto n = double(bytes.size());
  for (auto i = std::size_t(n * begin); i < std::size_t(n * end); ++i) {
    bytes[i] = char(generator.bounded(256));
  }
  std::ofstream(to, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

double firstBadSeconds(const std::string& text) {
  const QRegularExpressionMatch match = QRegularExpression(QStringLiteral("first at ([0-9.]+) s"))
                                            .match(QString::fromStdString(text));
  return match.hasMatch() ? match.captured(1).toDouble() : -1.0;
}
}  // namespace

void DecoderTest::corruptPackets() {
  // A few damaged frames in the middle: skipped, counted, accepted with a warning saying where.
  const fs::path light = temp("light.mp3");
  damage(fixture("sine440.mp3"), light, 0.50, 0.52);
  Decoded d = decode(light);
  QVERIFY2(d.status.ok(), d.status.message.c_str());
  QVERIFY(d.report.corruptPackets >= 1);
  QCOMPARE(d.report.warnings.size(), std::size_t(1));
  double at = firstBadSeconds(d.report.warnings.front());
  QVERIFY2(at > 0.8 && at < 1.2, d.report.warnings.front().c_str());
  QVERIFY(d.report.decodedSeconds > 1.8);

  // Most of the file damaged: Corrupt, and the message says where the damage starts.
  const fs::path heavy = temp("heavy.mp3");
  damage(fixture("sine440.mp3"), heavy, 0.30, 0.90);
  d = decode(heavy);
  QCOMPARE(d.status.error, base::ErrorCode::Corrupt);
  at = firstBadSeconds(d.status.message);
  QVERIFY2(at > 0.4 && at < 0.8, d.status.message.c_str());
  QVERIFY(d.report.corruptPackets >= 1);
  QCOMPARE(d.report.codecName, std::string("mp3float"));

  // A damaged MP4 index (the moov atom sits at the end): recognised, so Corrupt, not NotAudio.
  const fs::path index = temp("index.m4a");
  damage(fixture("sine440.m4a"), index, 0.80, 1.0);
  d = decode(index);
  QCOMPARE(d.status.error, base::ErrorCode::Corrupt);
  QVERIFY2(QString::fromStdString(d.status.message).contains(QLatin1String("at 0.00 s")),
           d.status.message.c_str());
}

void DecoderTest::permissionDenied() {
  const fs::path path = temp("locked.flac");
  fs::copy_file(fixture("sine440.flac"), path, fs::copy_options::overwrite_existing);
  QCOMPARE(::chmod(path.c_str(), 0), 0);
  base::ErrorCode error = base::ErrorCode::None;
  if (::geteuid() == 0) {
    // Root reads anything: drop to "nobody" in a child and pass the error back as exit status.
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
      if (::setuid(65534) != 0) ::_exit(100);
      const base::Status status = decodeAudio(path, [](std::span<const float>) { return true; });
      ::_exit(int(status.error));
    }
    int wstatus = 0;
    QCOMPARE(::waitpid(child, &wstatus, 0), child);
    QVERIFY(WIFEXITED(wstatus));
    QVERIFY(WEXITSTATUS(wstatus) != 100);
    error = base::ErrorCode(WEXITSTATUS(wstatus));
  } else {
    error = decodeAudio(path, [](std::span<const float>) { return true; }).error;
  }
  ::chmod(path.c_str(), 0644);
  QCOMPARE(error, base::ErrorCode::PermissionDenied);
}

void DecoderTest::unusualNames() {
  // Latin-1 "é" alone (byte 0xE9) is not valid UTF-8; a colon must not be read as a protocol.
  for (const std::string& name : {std::string("sine\xE9.flac"), std::string("Artist: Title.flac"),
                                  std::string("-dash %d.flac")}) {
    const fs::path path = fs::path(m_dir.path().toStdString()) / fs::path(name);
    fs::copy_file(fixture("sine440.flac"), path, fs::copy_options::overwrite_existing);
    const Decoded d = decode(path);
    QVERIFY2(d.status.ok(), d.status.message.c_str());
    QVERIFY(std::abs(d.report.decodedSeconds - 2.0) <= 0.001);
    fs::remove(path);  // QTemporaryDir cannot delete a name that is not valid UTF-8
  }
}

void DecoderTest::cancellation() {
  std::atomic<bool> cancel{true};
  DecodeOptions options;
  options.cancel = &cancel;
  Decoded d = decode(fixture("sine440.ogg"), options);
  QCOMPARE(d.status.error, base::ErrorCode::Cancelled);
  QVERIFY(d.samples.empty());

  // Cancelled from inside the sink, i.e. while decoding: stops at the next packet.
  cancel = false;
  options.blockSamples = 2048;
  int blocks = 0;
  DecodeReport report;
  const base::Status status = decodeAudio(
      fixture("sine440.flac"),
      [&](std::span<const float>) {
        cancel = ++blocks == 2;
        return true;
      },
      &report, options);
  QCOMPARE(status.error, base::ErrorCode::Cancelled);
  QVERIFY(QString::fromStdString(status.message).contains(QLatin1String("cancelled")));
  QVERIFY(blocks >= 2 && report.decodedSeconds < 1.0);
}

// A header claiming 200 MHz (found by fuzzing at 33 MHz: tests/fuzz/regressions/decoder) is
// refused before the resampler is built (6 s of swr_init for a 372-byte one before).
void DecoderTest::implausibleSampleRate() {
  const fs::path path = temp("200mhz.wav");
  writeWav(path, 200'000'000, 1, Pcm::U8, 4000, [](std::int64_t, int) { return 0.25; });
  QElapsedTimer timer;
  timer.start();
  const base::Status status = decodeAudio(path, [](std::span<const float>) { return true; });
  QCOMPARE(status.error, base::ErrorCode::Unsupported);
  QVERIFY2(timer.elapsed() < qint64{1000} * SONGSPACE_TEST_TIMEOUT_SCALE,
           qPrintable(QString::number(timer.elapsed())));
}

// The other end: a header claiming 1 Hz (found by fuzzing: tests/fuzz/regressions/decoder/
// wav-1hz-rate) asked the resampler for 22 050 output samples per input sample, 300 MB for one
// frame of a 3.5 KB file; rates below 1 kHz are refused.
void DecoderTest::implausiblyLowSampleRate() {
  for (const int rate : {1, 999}) {
    const fs::path path = temp(rate == 1 ? "1hz.wav" : "999hz.wav");
    writeWav(path, rate, 1, Pcm::U8, 4000, [](std::int64_t, int) { return 0.25; });
    const base::Status status = decodeAudio(path, [](std::span<const float>) { return true; });
    QCOMPARE(status.error, base::ErrorCode::Unsupported);
  }
}

// A legitimate large ratio (1 kHz to 192 kHz: a 4 096-sample WAV packet becomes 786 432 output
// samples) is taken out of the resampler in bounded pieces: nothing lost, doubled or flushed early.
void DecoderTest::largeRatioConvertsInPieces() {
  const fs::path path = temp("1khz.wav");
  constexpr int kRate = 1000;
  constexpr double kSeconds = 10.0;
  writeWav(path, kRate, 1, Pcm::U8, std::int64_t(kRate * kSeconds), [](std::int64_t f, int) {
    return 0.5 * std::sin(2 * std::numbers::pi * 50.0 * double(f) / kRate);
  });
  DecodeOptions options;
  options.sampleRate = 192000;
  const Decoded d = decode(path, options);
  QVERIFY2(d.status.ok(), d.status.message.c_str());
  const double expected = kSeconds * options.sampleRate;
  QVERIFY2(std::abs(double(d.samples.size()) - expected) < 0.001 * expected,
           qPrintable(QString::number(d.samples.size())));
  QVERIFY2(std::abs(toneFrequency(d.samples, options.sampleRate) - 50.0) < 0.05,
           qPrintable(QString::number(toneFrequency(d.samples, options.sampleRate))));
  QVERIFY(std::abs(rms(d.samples, options.sampleRate) - 0.5 / std::sqrt(2.0)) < 0.02);
}

void DecoderTest::invalidOptions() {
  const auto sink = [](std::span<const float>) { return true; };
  DecodeOptions options;
  options.sampleRate = 0;
  QCOMPARE(decodeAudio(fixture("sine440.flac"), sink, nullptr, options).error,
           base::ErrorCode::InvalidArgument);
  options = {};
  options.blockSamples = 0;
  QCOMPARE(decodeAudio(fixture("sine440.flac"), sink, nullptr, options).error,
           base::ErrorCode::InvalidArgument);
  QCOMPARE(decodeAudio(fixture("sine440.flac"), SampleSink{}).error,
           base::ErrorCode::InvalidArgument);
  // A different output rate is honoured exactly.
  options = {};
  options.sampleRate = 16000;
  std::size_t samples = 0;
  QVERIFY(decodeAudio(
              fixture("sine440.flac"),
              [&](std::span<const float> b) {
                samples += b.size();
                return true;
              },
              nullptr, options)
              .ok());
  QCOMPARE(samples, std::size_t(32000));
}

void DecoderTest::tooShort() {
  const fs::path path = temp("short.wav");
  writeWav(path, 44100, 1, Pcm::S16, 22050, [](std::int64_t f, int) { return sine(f, 44100); });
  Decoded d = decode(path);
  QCOMPARE(d.status.error, base::ErrorCode::TooShort);
  QCOMPARE(d.status.message, std::string("0.500 s of audio, less than the minimum 1.000 s"));
  QVERIFY(std::abs(d.report.decodedSeconds - 0.5) <= 0.001);
  DecodeOptions options;
  options.minSeconds = 0.4;
  d = decode(path, options);
  QVERIFY2(d.status.ok(), d.status.message.c_str());
}

void DecoderTest::longFileStreams() {
  // One hour of 8 kHz 16-bit mono (57.6 MB): memory must not grow with the file's length.
  constexpr int kRate = 8000;
  constexpr std::int64_t kFrames = std::int64_t(kRate) * 3600;
  std::array<double, 20> period{};  // 400 Hz at 8 kHz repeats every 20 samples
  for (std::size_t i = 0; i < period.size(); ++i) {
    period[i] = 0.5 * std::sin(2 * std::numbers::pi * double(i) / double(period.size()));
  }
  const fs::path path = temp("hour.wav");
  writeWav(path, kRate, 1, Pcm::S16, kFrames, [&](std::int64_t f, int) { return period[f % 20]; });

  const long before = maxRssKb();
  std::int64_t samples = 0;
  double energy = 0;
  std::size_t maxBlock = 0;
  DecodeReport report;
  QElapsedTimer timer;
  timer.start();
  const base::Status status = decodeAudio(
      path,
      [&](std::span<const float> block) {
        samples += std::int64_t(block.size());
        maxBlock = std::max(maxBlock, block.size());
        for (const float v : block) energy += double(v) * v;
        return true;
      },
      &report);
  const double wall = timer.nsecsElapsed() * 1e-9;
  const long growthKb = maxRssKb() - before;
  fs::remove(path);
  QVERIFY2(status.ok(), status.message.c_str());
#if !defined(__SANITIZE_ADDRESS__)  // ASan's quarantine keeps freed blocks: RSS says nothing
  QVERIFY2(growthKb < 40L * 1024, qPrintable(QString::number(growthKb)));
#endif
  QVERIFY(std::abs(report.declaredSeconds - 3600.0) < 0.001);
  QVERIFY(std::abs(report.decodedSeconds - 3600.0) < 0.001);
  QCOMPARE(samples, std::int64_t(3600) * kAnalysisSampleRate);
  QVERIFY(maxBlock <= DecodeOptions{}.blockSamples);
  QVERIFY(std::abs(std::sqrt(energy / double(samples)) - 0.5 / std::numbers::sqrt2) < 0.005);
  qInfo("1 h 8 kHz WAV: %.0fx realtime (%.2f s), peak RSS growth %ld KB", 3600.0 / wall, wall,
        growthKb);
}

// The fuzz seeds decode through the harness's entry (the scan's options, a byte choosing the
// extension), and what fuzzing found (tests/fuzz/regressions/decoder) is refused without a crash
// or a sample outside [-1, 1] (the entry aborts on those).
void DecoderTest::fuzzInputs() {
  const std::vector<songspace::fuzz::FuzzFile> seeds =
      songspace::fuzz::fuzzFiles(QStringLiteral("corpus/audio"));
  QVERIFY(seeds.size() >= 8);
  for (const songspace::fuzz::FuzzFile& seed : seeds) {
    const base::Status status = songspace::fuzz::decoderInput(seed.input());
    QVERIFY2(status.ok(),
             qPrintable(seed.name + QStringLiteral(": ") + QString::fromStdString(status.message)));
  }
  for (const songspace::fuzz::FuzzFile& input :
       songspace::fuzz::fuzzFiles(QStringLiteral("regressions/decoder"))) {
    const base::Status status = songspace::fuzz::decoderInput(input.input());
    QVERIFY2(!status.ok(), qPrintable(input.name));
  }
}

QTEST_GUILESS_MAIN(DecoderTest)
#include "tst_decoder.moc"
