#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <random>

#include "audio/songanalyzer.h"
#include "testaudio.h"

using namespace songspace;
namespace fs = std::filesystem;

namespace {

// The frames MfccExtractor produces for a file, by running decoder and extractor directly.
std::vector<std::vector<float>> framesOf(const fs::path& file) {
  std::vector<std::vector<float>> frames;
  audio::MfccExtractor extractor;
  extractor.setFrameSink(
      [&](std::span<const float> f) { frames.emplace_back(f.begin(), f.end()); });
  const auto decoded = audio::decodeAudio(file, [&](std::span<const float> block) {
    extractor.push(block);
    return true;
  });
  if (!decoded.ok()) qWarning("%s", decoded.message.c_str());  // the comparisons then fail
  extractor.finish();
  return frames;
}

}  // namespace

class SongAnalyzerTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir m_temp;
  fs::path m_song;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_temp.isValid());
    m_song = fs::path(m_temp.path().toStdString()) / "song.wav";
    QVERIFY(testaudio::writeWav(m_song, testaudio::synthesize(testaudio::Style::LowDrone, 4, 3.0),
                                22050));
  }

  void summaryIsMeanAndDeviationOfFrames() {
    const auto frames = framesOf(m_song);
    QVERIFY(frames.size() > 100);
    const audio::SongAnalyzer analyzer(audio::AnalyzerParams{}, nullptr);
    audio::SongAnalysis analysis;
    QVERIFY(analyzer.analyze(m_song, analysis).ok());
    QCOMPARE(analysis.frameCount, frames.size());
    const std::size_t d = frames[0].size();
    QCOMPARE(analysis.summary.size(),
             2 * d + audio::kDescriptorCount + audio::SourceStatistics::kCount);
    QCOMPARE(static_cast<int>(analysis.summary.size()), analyzer.summaryDimension());
    QVERIFY(analysis.codewordCounts.empty());
    QCOMPARE(analysis.decode.decodedSeconds, 3.0);
    for (std::size_t j = 0; j < d; ++j) {
      double sum = 0, sq = 0;
      for (const auto& f : frames) sum += f[j];
      const double mean = sum / static_cast<double>(frames.size());
      for (const auto& f : frames) sq += (f[j] - mean) * (f[j] - mean);
      const double sd = std::sqrt(sq / static_cast<double>(frames.size()));
      QVERIFY2(std::abs(analysis.summary[j] - mean) <= 1e-4 * (1 + std::abs(mean)),
               qPrintable(
                   QStringLiteral("mean %1: %2 vs %3").arg(j).arg(analysis.summary[j]).arg(mean)));
      QVERIFY2(std::abs(analysis.summary[d + j] - sd) <= 1e-4 * (1 + sd),
               qPrintable(
                   QStringLiteral("sd %1: %2 vs %3").arg(j).arg(analysis.summary[d + j]).arg(sd)));
    }
  }

  // A file whose every frame is below the -70 dB gate is silent; a tone is not, nor is the same
  // quiet hiss with one frame's worth of a tone at -40 dB in it, nor a summary too short.
  void silenceIsTheGatesVerdict() {
    const audio::SongAnalyzer analyzer(audio::AnalyzerParams{}, nullptr);
    const auto analysed = [&](const std::vector<float>& samples, const char* name) {
      const fs::path file = fs::path(m_temp.path().toStdString()) / name;
      audio::SongAnalysis analysis;
      if (!testaudio::writeWav(file, samples, 22050) || !analyzer.analyze(file, analysis).ok())
        return std::vector<float>{};
      return analysis.summary;
    };
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> uni(-1e-4f, 1e-4f);  // about -85 dB
    std::vector<float> hiss(std::size_t{3} * 22050);
    for (float& x : hiss) x = uni(rng);
    const std::vector<float> quiet = analysed(hiss, "hiss.wav");
    QVERIFY(!quiet.empty());
    QVERIFY(audio::summaryIsSilent(quiet));
    for (std::size_t i = 0; i < 2048; ++i)
      hiss[22050 + i] += 0.01f * std::sin(0.2f * static_cast<float>(i));
    const std::vector<float> blip = analysed(hiss, "blip.wav");
    QVERIFY(!blip.empty());
    QVERIFY(!audio::summaryIsSilent(blip));
    audio::SongAnalysis tone;
    QVERIFY(analyzer.analyze(m_song, tone).ok());
    QVERIFY(!audio::summaryIsSilent(tone.summary));
    QVERIFY(!audio::summaryIsSilent(std::vector<float>(10, 0.0f)));
  }

  void reservoirDeterministicAndOrdered() {
    const auto frames = framesOf(m_song);
    audio::AnalyzerParams params;
    params.frameSampleSize = 40;
    const audio::SongAnalyzer analyzer(params, nullptr);
    audio::SongAnalysis a, b;
    QVERIFY(analyzer.analyze(m_song, a).ok());
    QVERIFY(analyzer.analyze(m_song, b).ok());
    QCOMPARE(a.frameSample.rows(), 40);
    QCOMPARE(static_cast<std::size_t>(a.frameSample.cols()), frames[0].size());
    QVERIFY(a.frameSample == b.frameSample);
    // Every kept row is a frame of the song, and they come in stream order.
    long previous = -1;
    bool spread = false;
    for (Eigen::Index r = 0; r < a.frameSample.rows(); ++r) {
      long found = -1;
      for (std::size_t i = static_cast<std::size_t>(previous + 1); i < frames.size(); ++i) {
        if (std::equal(frames[i].begin(), frames[i].end(), a.frameSample.row(r).data())) {
          found = static_cast<long>(i);
          break;
        }
      }
      QVERIFY2(found > previous, qPrintable(QStringLiteral("row %1 not in order").arg(r)));
      previous = found;
      if (found > static_cast<long>(frames.size()) / 2) spread = true;
    }
    QVERIFY(spread);  // a uniform sample, not the first 40 frames

    // Another path, same bytes: same summary, another (still deterministic) sample.
    const fs::path copy = m_song.parent_path() / "copy.wav";
    QVERIFY(testaudio::copyFile(m_song, copy));
    audio::SongAnalysis c;
    QVERIFY(analyzer.analyze(copy, c).ok());
    QVERIFY(c.summary == a.summary);
    QVERIFY(!(c.frameSample == a.frameSample));

    // A song shorter than the reservoir keeps every frame.
    params.frameSampleSize = 100000;
    audio::SongAnalysis all;
    QVERIFY(audio::SongAnalyzer(params, nullptr).analyze(m_song, all).ok());
    QCOMPARE(static_cast<std::size_t>(all.frameSample.rows()), frames.size());
  }

  void histogramCountsEveryFrame() {
    const auto frames = framesOf(m_song);
    audio::FrameMatrix matrix(static_cast<Eigen::Index>(frames.size()),
                              static_cast<Eigen::Index>(frames[0].size()));
    for (std::size_t i = 0; i < frames.size(); ++i)
      std::copy(frames[i].begin(), frames[i].end(),
                matrix.row(static_cast<Eigen::Index>(i)).data());
    audio::KMeansParams kmeans;
    kmeans.clusters = 8;
    audio::Codebook codebook;
    QVERIFY(audio::Codebook::train(matrix, kmeans, codebook).ok());
    const audio::SongAnalyzer analyzer(audio::AnalyzerParams{}, &codebook);
    audio::SongAnalysis analysis;
    QVERIFY(analyzer.analyze(m_song, analysis).ok());
    double total = 0;
    std::uint32_t last = 0;
    bool first = true;
    for (const auto& [index, count] : analysis.codewordCounts) {
      QVERIFY(index < 8u);
      QVERIFY(first || index > last);
      QVERIFY(count > 0);
      first = false;
      last = index;
      total += count;
    }
    QCOMPARE(total, static_cast<double>(analysis.frameCount));
    // The histogram is the codebook's assignment of the frames.
    std::vector<int> labels;
    codebook.assign(matrix, labels);
    std::vector<float> expected(8, 0.0f);
    for (const int l : labels) expected[static_cast<std::size_t>(l)] += 1;
    for (const auto& [index, count] : analysis.codewordCounts) QCOMPARE(count, expected[index]);
  }

  void failuresPropagate() {
    const fs::path dir = m_song.parent_path();
    testaudio::writeWav(dir / "short.wav",
                        testaudio::synthesize(testaudio::Style::LowDrone, 1, 0.3), 22050);
    testaudio::writeBytes(dir / "text.mp3", "hello, this is text and not audio at all\n");
    const audio::SongAnalyzer analyzer(audio::AnalyzerParams{}, nullptr);
    audio::SongAnalysis out;
    QCOMPARE(analyzer.analyze(dir / "short.wav", out).error, base::ErrorCode::TooShort);
    QCOMPARE(out.frameCount, std::uint64_t(0));
    QVERIFY(out.summary.empty());
    QCOMPARE(analyzer.analyze(dir / "text.mp3", out).error, base::ErrorCode::NotAudio);
    QCOMPARE(analyzer.analyze(dir / "absent.wav", out).error, base::ErrorCode::NotFound);
    audio::AnalyzerParams shortOk;
    shortOk.minSeconds = 0.1;
    QVERIFY(audio::SongAnalyzer(shortOk, nullptr).analyze(dir / "short.wav", out).ok());
    // A codebook of the wrong dimension is refused, not silently ignored.
    audio::FrameMatrix small = audio::FrameMatrix::Random(50, 3);
    audio::KMeansParams kmeans;
    kmeans.clusters = 2;
    audio::Codebook wrong;
    QVERIFY(audio::Codebook::train(small, kmeans, wrong).ok());
    QCOMPARE(audio::SongAnalyzer(audio::AnalyzerParams{}, &wrong).analyze(m_song, out).error,
             base::ErrorCode::InvalidArgument);
    audio::AnalyzerParams bad;
    bad.frameSampleSize = -1;
    QCOMPARE(audio::SongAnalyzer(bad, nullptr).analyze(m_song, out).error,
             base::ErrorCode::InvalidArgument);
  }

  void cancelStops() {
    std::atomic<bool> cancel{true};
    audio::SongAnalysis out;
    QCOMPARE(
        audio::SongAnalyzer(audio::AnalyzerParams{}, nullptr).analyze(m_song, out, &cancel).error,
        base::ErrorCode::Cancelled);
  }
};

QTEST_GUILESS_MAIN(SongAnalyzerTest)
#include "tst_songanalyzer.moc"
