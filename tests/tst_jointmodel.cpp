#include <QtTest>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <tuple>

#include "core/base/crc32.h"
#include "core/model/jointmodel.h"
#include "core/model/trainer_plan.h"
#include "tests/fuzz/fuzzfiles.h"
#include "tests/fuzz/fuzzinputs.h"

using namespace songspace::core;
namespace base = songspace::base;
namespace fs = std::filesystem;

namespace {

Eigen::MatrixXf randomMatrix(int rows, int cols, base::Xoshiro256& rng) {
  Eigen::MatrixXf m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i)
    m.data()[i] = static_cast<float>(base::standardNormal(rng));
  return m;
}

JointModel randomModel(std::uint64_t seed) {
  base::Xoshiro256 rng(seed);
  JointModel m;
  const int d = 6, codewords = 8, summary = 2;
  m.V = randomMatrix(d, codewords + summary, rng) * 0.5f;
  m.A = randomMatrix(d, 7, rng) * 0.3f;
  m.T = randomMatrix(d, 5, rng) * 0.3f;
  m.maxNorm = 1.5f;
  for (int i = 0; i < 7; ++i) m.artistNames.push_back("artist " + std::to_string(i));
  m.tagNames = {"rock", "jazz", "", "ambient drone", "\xc3\xa9lectro"};  // empty and UTF-8 names
  m.features.codewords = codewords;
  m.features.idf = Eigen::VectorXf::LinSpaced(codewords, 1.0f, 3.0f);
  // Filled element-wise: GCC 12 at -O2 misreports assigning a fixed-size Vector2f here
  // (-Warray-bounds inside Eigen's SSE load).
  m.features.summaryMean.resize(summary);
  m.features.summaryMean << 0.25f, -4.0f;
  m.features.summaryInvStd.resize(summary);
  m.features.summaryInvStd << 2.0f, 1e6f;
  m.features.summaryWeight = 0.75f;
  m.codebook = {0, 1, 2, 255, 128, 7};
  m.info = {{"loss", "warp"}, {"created", "2024-01-01T00:00:00Z"}};
  return m;
}

SparseRows randomSongs(int n, int features, base::Xoshiro256& rng) {
  std::vector<Eigen::Triplet<float>> triplets;
  for (int s = 0; s < n; ++s)
    for (int k = 0; k < features; ++k)
      if (base::uniform01(rng) < 0.5)
        triplets.emplace_back(s, k, static_cast<float>(base::standardNormal(rng)));
  SparseRows rows(n, features);
  rows.setFromTriplets(triplets.begin(), triplets.end());
  return rows;
}

// The reference ranking: score every candidate, sort by (score desc, index asc), drop `exclude`.
std::vector<Scored> bruteForce(const std::vector<float>& scores, int k, int exclude = -1) {
  std::vector<Scored> all;
  for (int i = 0; i < int(scores.size()); ++i)
    if (i != exclude) all.push_back({i, scores[static_cast<std::size_t>(i)]});
  std::stable_sort(all.begin(), all.end(),
                   [](const Scored& a, const Scored& b) { return a.score > b.score; });
  all.resize(std::min<std::size_t>(all.size(), static_cast<std::size_t>(std::max(k, 0))));
  return all;
}

float dot(const Eigen::VectorXf& a, const Eigen::VectorXf& b) {
  double sum = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) sum += double(a[i]) * b[i];
  return float(sum);
}

void compareRankings(const std::vector<Scored>& got, const std::vector<Scored>& want) {
  QCOMPARE(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    QCOMPARE(got[i].index, want[i].index);
    QVERIFY(std::abs(got[i].score - want[i].score) < 1e-5f);
  }
}

bool sameBits(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(float) * std::size_t(a.size())) == 0;
}

std::vector<char> readAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void writeAll(const fs::path& file, const std::vector<char>& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

void putU32(std::vector<char>& bytes, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes[at + std::size_t(i)] = char((v >> (8 * i)) & 0xFF);
}

// Reseal a modified payload with a valid checksum, so only the parser can catch the damage.
void reseal(std::vector<char>& bytes) {
  const std::size_t header = 20;
  putU32(bytes, bytes.size() - 4, base::crc32(bytes.data() + header, bytes.size() - header - 4));
}

// A format-6 file without stored song novelty (its last u32 before the checksum is a count of
// 0) rewritten as the format-5 file of the same model.
// A format-8 file without per-artist lengths as format 7: the payload without its last u32 and
// f32 (their count and the artist-carrying songs' length, both 0).
// A format-7 file without per-tag lengths as format 6: the payload without its last u32 (their
// count, 0).
void toFormat7(std::vector<char>& bytes) {
  QCOMPARE(std::vector<char>(bytes.end() - 12, bytes.end() - 4), std::vector<char>(8, 0));
  bytes.erase(bytes.end() - 12, bytes.end() - 4);
  putU32(bytes, 8, 7);
  putU32(bytes, 12, std::uint32_t(bytes.size() - 24));
  reseal(bytes);
}

void toFormat6(std::vector<char>& bytes) {
  toFormat7(bytes);
  QCOMPARE(std::vector<char>(bytes.end() - 8, bytes.end() - 4), std::vector<char>(4, 0));
  bytes.erase(bytes.end() - 8, bytes.end() - 4);
  putU32(bytes, 8, 6);
  putU32(bytes, 12, std::uint32_t(bytes.size() - 24));
  reseal(bytes);
}

void toFormat5(std::vector<char>& bytes) {
  toFormat6(bytes);
  QCOMPARE(std::vector<char>(bytes.end() - 8, bytes.end() - 4), std::vector<char>(4, 0));
  bytes.erase(bytes.end() - 8, bytes.end() - 4);
  putU32(bytes, 8, 5);
  putU32(bytes, 12, std::uint32_t(bytes.size() - 24));
  reseal(bytes);
}

std::string loadError(const fs::path& file) {
  JointModel m;
  const auto status = JointModel::load(file, m);
  if (status.ok()) return "loaded";
  return status.message;
}

}  // namespace

class JointModelTest : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  fs::path path(const char* name) const { return fs::path(m_dir.path().toStdString()) / name; }

 private Q_SLOTS:
  void topKOrderTiesExclude() {
    Eigen::VectorXf s(6);
    s << 0.5f, 2.0f, 2.0f, -1.0f, 2.0f, 0.5f;
    auto top = topK(s, 4);
    QCOMPARE(int(top.size()), 4);
    QCOMPARE(top[0].index, 1);  // ties by lower index
    QCOMPARE(top[1].index, 2);
    QCOMPARE(top[2].index, 4);
    QCOMPARE(top[3].index, 0);
    QCOMPARE(top[3].score, 0.5f);
    top = topK(s, 2, 1);
    QCOMPARE(top[0].index, 2);
    QCOMPARE(top[1].index, 4);
    top = topK(s, 100, 3);  // k > n: everything but the excluded, sorted
    QCOMPARE(int(top.size()), 5);
    QCOMPARE(top.back().index, 5);
    QVERIFY(topK(s, 0).empty());
    QVERIFY(topK(s, -3).empty());
    QVERIFY(topK(Eigen::VectorXf(), 5).empty());
    base::Xoshiro256 rng(5);  // and against a brute-force sort on many ties
    std::vector<float> values(500);
    for (float& v : values) v = float(base::uniformBelow(rng, 20));
    const Eigen::VectorXf big = Eigen::Map<Eigen::VectorXf>(values.data(), 500);
    for (int k : {1, 7, 64, 499, 500, 501})
      compareRankings(topK(big, k, 42), bruteForce(values, k, 42));
  }

  void embeddingIsProjected() {
    const JointModel m = randomModel(1);
    Eigen::SparseVector<float> x(m.V.cols());
    x.insert(0) = 0.01f;
    x.insert(9) = -0.02f;
    const Eigen::VectorXf small = m.embedSong(x);
    QVERIFY((small - (0.01f * m.V.col(0) - 0.02f * m.V.col(9))).norm() < 1e-7f);
    x.coeffRef(0) = 100.0f;
    QVERIFY(std::abs(m.embedSong(x).norm() - m.maxNorm) < 1e-5f);
    base::Xoshiro256 rng(2);
    const SparseRows songs = randomSongs(9, int(m.V.cols()), rng);
    const Eigen::MatrixXf all = m.embedSongs(songs);
    QCOMPARE(all.cols(), Eigen::Index(9));
    for (int s = 0; s < 9; ++s) {
      const Eigen::SparseVector<float> row = songs.row(s);
      QVERIFY((all.col(s) - m.embedSong(row)).norm() < 1e-6f);
      QVERIFY(all.col(s).norm() <= m.maxNorm * (1 + 1e-6f));
    }
  }

  void rankingsMatchBruteForce() {
    const JointModel m = randomModel(3);
    base::Xoshiro256 rng(4);
    const SparseRows songs = randomSongs(11, int(m.V.cols()), rng);
    const Eigen::MatrixXf e = m.embedSongs(songs);
    const Eigen::VectorXf q = e.col(3);
    std::vector<float> tags, artists, similar, forArtist, simArtists;
    for (int t = 0; t < m.T.cols(); ++t) tags.push_back(dot(m.T.col(t), q));
    for (int a = 0; a < m.A.cols(); ++a) artists.push_back(dot(m.A.col(a), q));
    for (int s = 0; s < e.cols(); ++s) similar.push_back(dot(e.col(s), q));
    for (int s = 0; s < e.cols(); ++s) forArtist.push_back(dot(e.col(s), m.A.col(2)));
    for (int a = 0; a < m.A.cols(); ++a) simArtists.push_back(dot(m.A.col(a), m.A.col(2)));
    compareRankings(m.predictTags(q, 3), bruteForce(tags, 3));
    compareRankings(m.predictArtists(q, 10), bruteForce(artists, 10));
    compareRankings(m.similarSongs(e, q, 4, 3), bruteForce(similar, 4, 3));
    compareRankings(m.similarSongs(e, q, 4), bruteForce(similar, 4));
    compareRankings(m.songsForArtist(e, 2, 5), bruteForce(forArtist, 5));
    compareRankings(m.similarArtists(2, 6), bruteForce(simArtists, 6, 2));
    QCOMPARE(m.similarSongs(e, q, 1).front().index, 3);  // a song is nearest to itself
    QVERIFY(m.similarArtists(-1, 3).empty());
    QVERIFY(m.similarArtists(7, 3).empty());
    QVERIFY(m.songsForArtist(e, 99, 3).empty());
  }

  void nameLookups() {
    const JointModel m = randomModel(1);
    QCOMPARE(m.artistIndex("artist 4"), 4);
    QCOMPARE(m.artistIndex("nobody"), -1);
    QCOMPARE(m.tagIndex("ambient drone"), 3);
    QCOMPARE(m.tagIndex("\xc3\xa9lectro"), 4);
    QCOMPARE(m.tagIndex("Rock"), -1);  // exact, case-sensitive
    const auto index = nameIndex(m.tagNames);
    QCOMPARE(index.at("jazz"), 1);
    QCOMPARE(int(index.size()), 5);
  }

  void saveLoadRoundTrip() {
    const JointModel m = randomModel(9);
    {
      const auto saved = m.save(path("model.ssm"));
      QVERIFY2(saved.ok(), saved.message.c_str());
    }
    JointModel back;
    {
      const auto loaded = JointModel::load(path("model.ssm"), back);
      QVERIFY2(loaded.ok(), loaded.message.c_str());
    }
    QVERIFY(sameBits(back.V, m.V));
    QVERIFY(sameBits(back.A, m.A));
    QVERIFY(sameBits(back.T, m.T));
    QCOMPARE(back.maxNorm, m.maxNorm);
    QCOMPARE(back.artistNames, m.artistNames);
    QCOMPARE(back.tagNames, m.tagNames);
    QCOMPARE(back.info, m.info);
    QCOMPARE(back.codebook, m.codebook);
    QCOMPARE(back.features.codewords, m.features.codewords);
    QCOMPARE(back.features.summaryWeight, m.features.summaryWeight);
    QVERIFY(sameBits(back.features.idf, m.features.idf));
    QVERIFY(sameBits(back.features.summaryMean, m.features.summaryMean));
    QVERIFY(sameBits(back.features.summaryInvStd, m.features.summaryInvStd));
    // Saving the loaded model again gives the same bytes: nothing is lost or reordered.
    QVERIFY(back.save(path("again.ssm")).ok());
    QCOMPARE(readAll(path("again.ssm")), readAll(path("model.ssm")));
    JointModel empty;  // an untrained, nameless model round-trips too
    QVERIFY(empty.save(path("empty.ssm")).ok());
    {
      const auto loaded = JointModel::load(path("empty.ssm"), back);
      QVERIFY2(loaded.ok(), loaded.message.c_str());
    }
    QCOMPARE(back.V.size(), Eigen::Index(0));
  }

  void calibrationRoundTripAndOldFiles() {
    JointModel m = randomModel(4);
    Calibration c;
    for (int t = 0; t < 5; ++t) c.tags.push_back({1.5f + 0.25f * t, -2.0f + 0.5f * t});
    c.pooledTags = {1.75f, -1.5f};
    c.artistTemperature = 0.625f;
    c.pairs = {3.0f, -4.5f};
    c.autoTagThreshold = 0.72f;
    c.targetPrecision = 0.9f;
    c.expectedPrecision = 0.93f;
    c.songs = 134;
    c.folds = 5;
    c.precisionCurve = {{0.5f, 0.8125f, 64}, {0.75f, 0.9375f, 16}, {0.875f, 1.0f, 3}};
    m.calibration = c;
    QVERIFY(m.save(path("calibrated.ssm")).ok());
    JointModel back;
    QVERIFY(JointModel::load(path("calibrated.ssm"), back).ok());
    QVERIFY(back.calibration.has_value());
    const Calibration& b = *back.calibration;
    QCOMPARE(int(b.tags.size()), 5);
    for (std::size_t t = 0; t < 5; ++t) {
      QCOMPARE(b.tags[t].slope, c.tags[t].slope);
      QCOMPARE(b.tags[t].intercept, c.tags[t].intercept);
    }
    QCOMPARE(b.pooledTags.intercept, c.pooledTags.intercept);
    QCOMPARE(b.artistTemperature, c.artistTemperature);
    QCOMPARE(b.pairs.slope, c.pairs.slope);
    QCOMPARE(b.autoTagThreshold, c.autoTagThreshold);
    QCOMPARE(b.expectedPrecision, c.expectedPrecision);
    QCOMPARE(b.songs, 134);
    QCOMPARE(b.folds, 5);
    QCOMPARE(b.tagProbability(1, 2.0f), c.tags[1].probability(2.0f));
    QCOMPARE(b.tagProbability(7, 2.0f), 0.0f);  // no such tag
    QCOMPARE(int(b.precisionCurve.size()), 3);
    for (std::size_t i = 0; i < 3; ++i) {
      QCOMPARE(b.precisionCurve[i].threshold, c.precisionCurve[i].threshold);
      QCOMPARE(b.precisionCurve[i].precision, c.precisionCurve[i].precision);
      QCOMPARE(b.precisionCurve[i].proposals, c.precisionCurve[i].proposals);
    }

    // Format-4, 3 and 2 files (before the tagged songs' novelty, the precision curve, and
    // novelty): the same payload without the tagged songs' novelty marker and the two lengths
    // (the last 9 bytes before the checksum), then without the curve (u32 count + 3 points of 12
    // bytes), and without the novelty marker before it. They load calibrated; formats 3 and 2 with
    // an empty curve.
    {
      std::vector<char> old = readAll(path("calibrated.ssm"));
      toFormat5(old);
      QCOMPARE(old[old.size() - 13], char(0));  // "no tagged songs' novelty"
      old.erase(old.end() - 13, old.end() - 4);
      putU32(old, 8, 4);
      putU32(old, 12, std::uint32_t(old.size() - 24));
      reseal(old);
      writeAll(path("format4.ssm"), old);
      {
        JointModel loaded;
        const auto status = JointModel::load(path("format4.ssm"), loaded);
        QVERIFY2(status.ok(), status.message.c_str());
        QVERIFY(loaded.calibration.has_value());
        QCOMPARE(int(loaded.calibration->precisionCurve.size()), 3);
        QVERIFY(!loaded.tagNovelty.has_value());
      }
      // The same bytes read as format 5 run out of data where the marker should be.
      std::vector<char> short5 = old;
      putU32(short5, 8, 5);
      reseal(short5);
      writeAll(path("format5-short.ssm"), short5);
      QVERIFY(!loadError(path("format5-short.ssm")).empty());
      old.erase(old.end() - 4 - (4 + 3 * 12), old.end() - 4);
      putU32(old, 8, 3);
      putU32(old, 12, std::uint32_t(old.size() - 24));
      reseal(old);
      writeAll(path("format3.ssm"), old);
      // The same bytes read as format 4 run out of data where the curve should be.
      std::vector<char> short4 = old;
      putU32(short4, 8, 4);
      reseal(short4);
      writeAll(path("format4-short.ssm"), short4);
      QVERIFY(!loadError(path("format4-short.ssm")).empty());
      QCOMPARE(old[old.size() - 5], char(0));  // "no novelty"
      std::vector<char> v2 = old;
      v2.erase(v2.end() - 5);
      putU32(v2, 8, 2);
      putU32(v2, 12, std::uint32_t(v2.size() - 24));
      reseal(v2);
      writeAll(path("format2.ssm"), v2);
      for (const char* name : {"format3.ssm", "format2.ssm"}) {
        JointModel loaded;
        const auto status = JointModel::load(path(name), loaded);
        QVERIFY2(status.ok(), status.message.c_str());
        QVERIFY(loaded.calibration.has_value());
        QVERIFY(loaded.calibration->precisionCurve.empty());
        QCOMPARE(loaded.calibration->autoTagThreshold, c.autoTagThreshold);
        QCOMPARE(loaded.calibration->folds, 5);
      }
    }
    // A curve whose thresholds do not ascend is refused.
    {
      JointModel unordered = m;
      std::swap(unordered.calibration->precisionCurve[0], unordered.calibration->precisionCurve[1]);
      QVERIFY(unordered.save(path("unordered.ssm")).ok());
      QVERIFY(loadError(path("unordered.ssm")).find("calibration") != std::string::npos);
    }

    // A format-1 file (before calibration): the same payload without the calibration and novelty
    // markers.
    m.calibration.reset();
    QVERIFY(m.save(path("v2.ssm")).ok());
    std::vector<char> bytes = readAll(path("v2.ssm"));
    toFormat5(bytes);
    QCOMPARE(bytes[bytes.size() - 19], char(0));  // "no calibration",
    QCOMPARE(bytes[bytes.size() - 18], char(0));  // "no novelty",
    QCOMPARE(bytes[bytes.size() - 17], char(0));  // an empty curve,
    QCOMPARE(bytes[bytes.size() - 13], char(0));  // "no tagged songs' novelty", two lengths
    bytes.erase(bytes.end() - 19, bytes.end() - 4);
    putU32(bytes, 8, 1);
    putU32(bytes, 12, std::uint32_t(bytes.size() - 24));  // payload size (u64, high half 0)
    reseal(bytes);
    writeAll(path("v1.ssm"), bytes);
    back.calibration = c;
    const auto loaded = JointModel::load(path("v1.ssm"), back);
    QVERIFY2(loaded.ok(), loaded.message.c_str());
    QVERIFY(!back.calibration.has_value());  // uncalibrated, not invented
    QVERIFY(sameBits(back.T, m.T));

    // A calibration that does not match the tags is refused.
    m.calibration = c;
    m.calibration->tags.pop_back();
    QVERIFY(m.save(path("mismatch.ssm")).ok());
    QVERIFY(loadError(path("mismatch.ssm")).find("inconsistent") != std::string::npos);
    m.calibration = c;
    m.calibration->artistTemperature = -1.0f;
    QVERIFY(m.save(path("negative.ssm")).ok());
    QVERIFY(loadError(path("negative.ssm")).find("calibration") != std::string::npos);
  }

  // Known answers: the threshold rule's order statistic, and leave-one-out on a line.
  void noveltyThresholdGolden() {
    std::vector<float> values;
    for (int i = 1; i <= 1000; ++i) values.push_back(float(1001 - i));  // 1000 … 1, unsorted
    QCOMPARE(percentileThreshold(values, 99.0), 990.0f);  // 10 of 1 000 lie above: 1 %
    QCOMPARE(percentileThreshold(values, 50.0), 500.0f);
    QCOMPARE(percentileThreshold(values, 100.0), 1000.0f);
    values.resize(30);  // 1000 … 971: below 100 values, p = 99 is the largest
    QCOMPARE(percentileThreshold(values, 99.0), 1000.0f);
    QCOMPARE(percentileThreshold({}, 99.0), 0.0f);
    QCOMPARE(kthSmallest({5, 1, 4, 2, 3}, 2), 2.0f);
    QCOMPARE(kthSmallest({5, 1, 4}, 9), 5.0f);  // k clamped

    // Ten songs at 0, 1, …, 9 on one axis, in both spaces; k = 2. Leave one out, the second
    // neighbour is 2 away for the ends and 1 away for the others: at p = 99 the threshold is 2.
    std::vector<Eigen::Triplet<float>> triplets;
    Eigen::MatrixXf embeddings(1, 10);
    for (int i = 0; i < 10; ++i) {
      if (i > 0) triplets.emplace_back(i, 0, float(i));
      embeddings(0, i) = float(i) / 10;
    }
    SparseRows songs(10, 1);
    songs.setFromTriplets(triplets.begin(), triplets.end());
    NoveltyOptions options;
    options.neighbours = 2;
    options.margin = 0.5;
    QCOMPARE(NoveltyDetector::fit(songs, embeddings, options)->featureThreshold(), 3.0f);
    // Lengths: the (100 − p)-th percentile over 1 + margin; unknown lengths (0) do not count.
    // 10 songs at p = 99: the shortest known one, 60 s, over 1.5.
    const std::vector<float> lengths{0, 60, 90, 120, 150, 180, 210, 240, 270, 300};
    const auto timed = NoveltyDetector::fit(songs, embeddings, options, {}, lengths);
    QCOMPARE(timed->shortestSeconds(), 40.0f);
    QCOMPARE(NoveltyDetector::fit(songs, embeddings, options)->shortestSeconds(), 0.0f);
    QCOMPARE(shortestFamiliarSeconds(lengths, options), 40.0f);     // the rule the fit uses
    QCOMPARE(shortestFamiliarSeconds({0, 60, 90}, options), 0.0f);  // k + 1 known or fewer

    // Per tag, the same rule on the lengths of the songs that carried it, with the tag margin
    // (here 0.5 as well): tag 0 on ten songs of 60–300 s (the shortest over 1.5), tag 1 on the
    // same and a 6 s jingle (the shortest is then the jingle: the 1st percentile of 11), tag 2 on
    // three songs (too few: no test), tag 3 on none; a tag index outside [0, tags) is ignored.
    {
      std::vector<std::vector<int>> songTags(12);
      std::vector<float> durations(12, 0.0f);
      for (int i = 0; i < 10; ++i) {
        songTags[std::size_t(i)] = {0, 1};
        durations[std::size_t(i)] = 60.0f + 30.0f * float(i);
      }
      songTags[0].push_back(2);
      songTags[1].push_back(2);
      songTags[2].push_back(2);
      songTags[10] = {1, 7, -1};
      durations[10] = 6.0f;
      songTags[11] = {1};  // its length unknown: not counted
      options.tagLengthMargin = 0.5;
      const std::vector<float> shortest = fitTagShortestSeconds(songTags, 4, durations, options);
      QCOMPARE(shortest, (std::vector<float>{40.0f, 4.0f, 0.0f, 0.0f}));
      options.tagLengthMargin = 3;  // a quarter: the default
      QCOMPARE(fitTagShortestSeconds(songTags, 4, durations, options)[0], 15.0f);
      options.margin = 0;  // the library's margin does not enter the tags'
      QCOMPARE(fitTagShortestSeconds(songTags, 4, durations, options)[0], 15.0f);
      options.margin = 0.5;
      QVERIFY(fitTagShortestSeconds(songTags, 4, std::vector<float>(3, 60.0f), options).empty());
      QVERIFY(fitTagShortestSeconds(songTags, 0, durations, options).empty());
      QCOMPARE(tagLengthReason("game", 40.0f, 5.0f),
               std::string("a guess: it is 5.00 s long, shorter than the songs tagged game make "
                           "familiar (at least 40.00 s)"));
      QVERIFY(tagLengthReason("game", 40.0f, 40.0f).empty());
      QVERIFY(tagLengthReason("game", 0.0f, 5.0f).empty());
      // Per artist the same rule and margin (tag 0's songs as artist 0's, the jingle alone as
      // artist 1's: too few), and over every song that carried an artist the library's margin
      // (0.5 here): the shortest of the 11 with a known length (the 6 s jingle) over 1.5.
      std::vector<int> songArtist(12, 0);
      songArtist[10] = 1;
      songArtist[11] = -1;
      QCOMPARE(fitArtistShortestSeconds(songArtist, 3, durations, options),
               (std::vector<float>{15.0f, 0.0f, 0.0f}));
      QCOMPARE(fitArtistSongsShortestSeconds(songArtist, durations, options), 4.0f);
      songArtist[10] = -1;  // without the jingle: the 60 s song over 1.5
      QCOMPARE(fitArtistSongsShortestSeconds(songArtist, durations, options), 40.0f);
      QCOMPARE(fitArtistSongsShortestSeconds(std::vector<int>(12, -1), durations, options), 0.0f);
      QCOMPARE(fitArtistSongsShortestSeconds(songArtist, std::vector<float>(3, 60.0f), options),
               0.0f);
      QVERIFY(
          fitArtistShortestSeconds(songArtist, 3, std::vector<float>(3, 60.0f), options).empty());
      // The reason names the test that decides.
      QCOMPARE(artistLengthReason("Muldjord", 45.0f, 4.0f, 2.0f),
               std::string("a guess: it is 2.00 s long, shorter than the songs by Muldjord make "
                           "familiar (at least 45.00 s)"));
      QCOMPARE(artistLengthReason("Muldjord", 0.0f, 4.24f, 1.96f),
               std::string("a guess: it is 1.96 s long, shorter than the songs your artists were "
                           "learned from make familiar (at least 4.24 s)"));
      QVERIFY(artistLengthReason("Muldjord", 0.0f, 4.24f, 4.24f).empty());
      QVERIFY(artistLengthReason("Muldjord", 45.0f, 4.0f, 0.0f).empty());  // unknown length
      QVERIFY(artistLengthReason("Muldjord", 0.0f, 0.0f, 1.0f).empty());   // no test
      QVERIFY(tagLengthReason("game", 40.0f, -1.0f).empty());
    }
    {
      Eigen::SparseVector<float> x(1);
      x.insert(0) = 4.0f;
      const Eigen::VectorXf e = Eigen::VectorXf::Constant(1, 0.4f);
      const Novelty clip = timed->check(x, e, 1.5f);  // in the middle of the songs, 1.5 s long
      QVERIFY(clip.tooShort && !clip.featureNovel && !clip.jointNovel && clip.novel());
      QCOMPARE(clip.reason(), std::string("unlike your library: it is 1.50 s long, shorter than "
                                          "your songs' lengths make familiar (at least 40.00 s)"));
      QVERIFY(!timed->check(x, e, 41.0f).novel());
      QVERIFY(!timed->check(x, e, 0.0f).novel());  // unknown length: no verdict
      QVERIFY(!NoveltyDetector::fit(songs, embeddings, options)->check(x, e, 1.5f).novel());
      // checkAll takes the lengths per row, and none without them.
      const auto all = timed->checkAll(songs, embeddings, std::vector<float>(10, 2.0f));
      QVERIFY(std::all_of(all.begin(), all.end(), [](const Novelty& n) { return n.tooShort; }));
      const auto untimed = timed->checkAll(songs, embeddings);
      QVERIFY(
          std::none_of(untimed.begin(), untimed.end(), [](const Novelty& n) { return n.novel(); }));
    }
    options.margin = 0;
    const auto detector = NoveltyDetector::fit(songs, embeddings, options);
    QVERIFY(detector.has_value());
    QCOMPARE(detector->featureThreshold(), 2.0f);
    QCOMPARE(detector->jointThreshold(), 0.2f);
    QCOMPARE(detector->reference().rows(), Eigen::Index(10));
    const auto at = [&](float feature, float joint) {
      Eigen::SparseVector<float> x(1);
      x.insert(0) = feature;
      return detector->check(x, Eigen::VectorXf::Constant(1, joint));
    };
    const Novelty inside = at(4.5f, 0.45f);  // second neighbour 0.5 away (4 and 5)
    QVERIFY(inside.available);
    QVERIFY(!inside.novel());
    QCOMPARE(inside.featureDistance, 0.5f);
    QVERIFY(inside.reason().empty());
    const Novelty far = at(12.0f, 0.45f);  // 8 is the second neighbour: 4 > 2, sound only
    QVERIFY(far.featureNovel && !far.jointNovel);
    QCOMPARE(far.featureDistance, 4.0f);
    QCOMPARE(far.reason(),
             std::string("unlike your library: its sound is farther from its 2 nearest training "
                         "songs than 99 % of your songs are (sound distance 4.00, at most 2.00 "
                         "in your library)"));
    const Novelty both = at(-5.0f, -1.0f);
    QVERIFY(both.featureNovel && both.jointNovel);
    QVERIFY(both.reason().find("its sound and its place") != std::string::npos);
    // Too few songs to say what is typical: no fit.
    QVERIFY(!NoveltyDetector::fit(songs.topRows(3), embeddings.leftCols(3), options));
  }

  // Three clusters in 12 dimensions: fresh members of each are familiar, a point far from all
  // three is not, and at most 1 % of the library's own songs lie above the thresholds.
  void noveltyClustersAndOutlier() {
    base::Xoshiro256 rng(17);
    const int features = 12;
    JointModel m;
    m.V = randomMatrix(4, features, rng) * 0.3f;
    m.maxNorm = 10.0f;
    const Eigen::MatrixXf centres = randomMatrix(features, 3, rng) * 3.0f;
    const auto clusterSongs = [&](int n) {
      std::vector<Eigen::Triplet<float>> triplets;
      for (int s = 0; s < n; ++s)
        for (int f = 0; f < features; ++f)
          triplets.emplace_back(s, f, centres(f, s % 3) + 0.3f * float(base::standardNormal(rng)));
      SparseRows rows(n, features);
      rows.setFromTriplets(triplets.begin(), triplets.end());
      return rows;
    };
    const SparseRows library = clusterSongs(600);
    NoveltyOptions options;
    options.maxReferenceSongs = 400;  // a subsample of the 600, drawn by the seed
    options.margin = 0;               // the percentile alone: its false-flag rate
    const auto detector = NoveltyDetector::fit(library, m.embedSongs(library), options);
    QVERIFY(detector.has_value());
    QCOMPARE(detector->reference().rows(), Eigen::Index(400));
    QCOMPARE(detector->songs(), 600);
    const auto again = NoveltyDetector::fit(library, m.embedSongs(library), options);
    QCOMPARE(again->featureThreshold(), detector->featureThreshold());  // seeded: reproducible

    const std::vector<Novelty> own = detector->checkAll(library, m.embedSongs(library));
    const auto flagged =
        std::count_if(own.begin(), own.end(), [](const Novelty& n) { return n.novel(); });
    QVERIFY2(flagged <= 12, std::to_string(flagged).c_str());  // ≤ 1 % per space of 600
    // Fresh songs of the same clusters are flagged about as often as the library's own (≤ 2 %
    // expected; 4 % allows for the sampling spread of 300 songs).
    const SparseRows fresh = clusterSongs(300);
    const std::vector<Novelty> freshNovelty = detector->checkAll(fresh, m.embedSongs(fresh));
    const auto freshFlagged = std::count_if(freshNovelty.begin(), freshNovelty.end(),
                                            [](const Novelty& n) { return n.novel(); });
    qInfo() << "flagged: own" << flagged << "of 600, fresh" << freshFlagged << "of 300";
    QVERIFY2(freshFlagged <= 12, std::to_string(freshFlagged).c_str());
    // With the default margin, none of them.
    options.margin = NoveltyOptions::kMargin.defaultValue;
    const auto withMargin = NoveltyDetector::fit(library, m.embedSongs(library), options);
    for (const Novelty& n : withMargin->checkAll(fresh, m.embedSongs(fresh))) QVERIFY(!n.novel());

    Eigen::SparseVector<float> outlier(features);
    for (int f = 0; f < features; ++f) outlier.insert(f) = -centres(f, 0) - centres(f, 1);
    const Novelty n = detector->check(outlier, m.embedSong(outlier));
    QVERIFY(n.featureNovel);
    QVERIFY(n.featureDistance > 2 * n.featureThreshold);
    // check() and checkAll() agree.
    QCOMPARE(
        detector->check(fresh.row(0), m.embedSong(fresh.row(0))).featureDistance,
        detector->checkAll(fresh.topRows(1), m.embedSongs(fresh.topRows(1)))[0].featureDistance);

    // Fitted among the songs of clusters 0 and 1 only (as JointModel::tagNovelty is among the
    // tagged songs): the third cluster, familiar to the whole library, is unlike them, and the
    // governing judgement names that scope; members of the first two stay familiar.
    std::vector<int> among;
    for (int s = 0; s < 600; ++s) {
      if (s % 3 != 2) among.push_back(s);
    }
    const auto partial = NoveltyDetector::fit(library, m.embedSongs(library), options, among);
    QVERIFY(partial.has_value());
    QCOMPARE(partial->songs(), 400);
    QCOMPARE(partial->reference().rows(), Eigen::Index(400));
    int thirdFlagged = 0;
    const std::vector<Novelty> libraryChecks = withMargin->checkAll(fresh, m.embedSongs(fresh));
    const std::vector<Novelty> partialChecks = partial->checkAll(fresh, m.embedSongs(fresh));
    for (int s = 0; s < 300; ++s) {
      const Novelty governing =
          governingNovelty(libraryChecks[std::size_t(s)], partialChecks[std::size_t(s)]);
      if (s % 3 == 2) {
        thirdFlagged += governing.novel() ? 1 : 0;
        QCOMPARE(governing.scope, NoveltyScope::TaggedSongs);
        QVERIFY(governing.reason().rfind("unlike your tagged songs: ", 0) == 0);
      } else {
        QVERIFY(!governing.novel());
        QCOMPARE(governing.scope, NoveltyScope::Library);
      }
    }
    QCOMPARE(thirdFlagged, 100);
    // The library's own judgement wins when it finds the song novel.
    const Novelty outlierGoverning =
        governingNovelty(n, partial->check(outlier, m.embedSong(outlier)));
    QCOMPARE(outlierGoverning.scope, NoveltyScope::Library);
    QVERIFY(outlierGoverning.novel());
    // A population out of range or too small: no fit.
    QVERIFY(!NoveltyDetector::fit(library, m.embedSongs(library), options, {0, 600}));
    QVERIFY(!NoveltyDetector::fit(library, m.embedSongs(library), options, {1, 2, 3}));
  }

  void noveltyRoundTripAndOldFiles() {
    JointModel m = randomModel(5);
    base::Xoshiro256 rng(3);
    const SparseRows songs = randomSongs(40, int(m.V.cols()), rng);
    NoveltyOptions options;
    options.maxReferenceSongs = 30;
    m.novelty = NoveltyDetector::fit(songs, m.embedSongs(songs), options);
    QVERIFY(m.novelty.has_value());
    QVERIFY(m.save(path("novelty.ssm")).ok());
    JointModel back;
    {
      const auto loaded = JointModel::load(path("novelty.ssm"), back);
      QVERIFY2(loaded.ok(), loaded.message.c_str());
    }
    QVERIFY(back.novelty.has_value());
    QCOMPARE(back.novelty->neighbours(), m.novelty->neighbours());
    QCOMPARE(back.novelty->percentile(), m.novelty->percentile());
    QCOMPARE(back.novelty->featureThreshold(), m.novelty->featureThreshold());
    QCOMPARE(back.novelty->jointThreshold(), m.novelty->jointThreshold());
    QCOMPARE(back.novelty->songs(), 40);
    QVERIFY(back.novelty->reference().isApprox(m.novelty->reference()));
    QVERIFY(sameBits(back.novelty->referenceEmbeddings(), m.novelty->referenceEmbeddings()));
    const Eigen::SparseVector<float> probe = songs.row(7);
    QCOMPARE(back.novelty->check(probe, back.embedSong(probe)).jointDistance,
             m.novelty->check(probe, m.embedSong(probe)).jointDistance);

    // The tagged songs' fit (format 5) round-trips beside the library's, independently of it.
    m.tagNovelty =
        NoveltyDetector::fit(songs.topRows(20), m.embedSongs(songs.topRows(20)), options);
    QVERIFY(m.tagNovelty.has_value());
    m.novelty->setShortestSeconds(2.5f);
    m.tagNovelty->setShortestSeconds(31.25f);
    QVERIFY(m.save(path("tagnovelty.ssm")).ok());
    {
      JointModel withTags;
      const auto loaded = JointModel::load(path("tagnovelty.ssm"), withTags);
      QVERIFY2(loaded.ok(), loaded.message.c_str());
      QVERIFY(withTags.tagNovelty.has_value());
      QCOMPARE(withTags.tagNovelty->songs(), 20);
      QCOMPARE(withTags.tagNovelty->featureThreshold(), m.tagNovelty->featureThreshold());
      QVERIFY(withTags.tagNovelty->reference().isApprox(m.tagNovelty->reference()));
      QCOMPARE(withTags.novelty->songs(), 40);
      QCOMPARE(withTags.novelty->shortestSeconds(), 2.5f);
      QCOMPARE(withTags.tagNovelty->shortestSeconds(), 31.25f);
    }
    {  // a negative length is refused
      JointModel negative = m;
      negative.tagNovelty->setShortestSeconds(-1.0f);
      QVERIFY(negative.save(path("negative.ssm")).ok());
      QVERIFY(loadError(path("negative.ssm")).find("length") != std::string::npos);
    }
    // The training songs' distances (format 6) round-trip bit for bit, and judged again they say
    // what checkAll says; an input that changed hashes differently.
    {
      const Eigen::MatrixXf embedded = m.embedSongs(songs);
      const std::vector<NoveltyDistances> library = m.novelty->distances(songs, embedded);
      const std::vector<NoveltyDistances> tagged = m.tagNovelty->distances(songs, embedded);
      QCOMPARE(int(library.size()), 40);
      QCOMPARE(int(tagged.size()), 40);
      std::vector<float> lengths(40, 10.0f);
      lengths[5] = 1.0f;  // too short for the library's fit (2.5 s)
      const std::vector<Novelty> checked = m.novelty->checkAll(songs, embedded, lengths);
      const std::vector<Novelty> checkedTagged = m.tagNovelty->checkAll(songs, embedded, lengths);
      JointModel stored = m;
      int novel = 0;
      for (int i = 0; i < 40; ++i) {
        const auto row = static_cast<std::size_t>(i);
        stored.songNovelty.push_back(
            {100 + i, noveltyInputHash(songs, i), library[row], tagged[row]});
        for (const auto& [fit, d, expected] :
             {std::tuple{&*m.novelty, library[row], checked[row]},
              std::tuple{&*m.tagNovelty, tagged[row], checkedTagged[row]}}) {
          const Novelty again = fit->judge(d, lengths[row]);
          QCOMPARE(again.featureDistance, expected.featureDistance);
          QCOMPARE(again.jointDistance, expected.jointDistance);
          QCOMPARE(again.novel(), expected.novel());
          QCOMPARE(again.reason(), expected.reason());
          novel += again.novel() ? 1 : 0;
        }
      }
      QVERIFY(novel >= 40);  // every song is too short for the tagged fit (31.25 s), one for both
      QVERIFY(checked[5].tooShort);
      QVERIFY(stored.save(path("songnovelty.ssm")).ok());
      JointModel read;
      const auto loaded = JointModel::load(path("songnovelty.ssm"), read);
      QVERIFY2(loaded.ok(), loaded.message.c_str());
      QCOMPARE(int(read.songNovelty.size()), 40);
      for (std::size_t i = 0; i < 40; ++i) {
        const JointModel::SongNovelty& a = read.songNovelty[i];
        const JointModel::SongNovelty& b = stored.songNovelty[i];
        QCOMPARE(a.fileId, b.fileId);
        QCOMPARE(a.inputHash, b.inputHash);
        QCOMPARE(a.library.feature, b.library.feature);
        QCOMPARE(a.library.joint, b.library.joint);
        QCOMPARE(a.tagged.feature, b.tagged.feature);
        QCOMPARE(a.tagged.joint, b.tagged.joint);
      }
      SparseRows changed = songs;
      const SparseRows::InnerIterator first(changed, 3);
      changed.coeffRef(3, first.index()) += 1e-3f;
      QVERIFY(noveltyInputHash(changed, 3) != noveltyInputHash(songs, 3));
      QCOMPARE(noveltyInputHash(changed, 4), noveltyInputHash(songs, 4));
      // A negative or not finite distance is refused.
      for (const float bad : {-1.0f, std::numeric_limits<float>::quiet_NaN()}) {
        JointModel damaged = stored;
        damaged.songNovelty[7].tagged.joint = bad;
        QVERIFY(damaged.save(path("badnovelty.ssm")).ok());
        QVERIFY2(loadError(path("badnovelty.ssm")).find("song novelty") != std::string::npos,
                 loadError(path("badnovelty.ssm")).c_str());
      }
    }
    // The per-tag duration test (format 7) round-trips and says which predictions are guesses;
    // a format-6 file (the payload without its count) loads without it; a negative or not finite
    // length, or a count other than the tag count, is refused.
    {
      JointModel stored = m;
      stored.tagShortestSeconds = {0.0f, 91.5f, 0.0f, 2.75f, 0.0f};
      QVERIFY(stored.save(path("taglengths.ssm")).ok());
      JointModel read;
      const auto loaded = JointModel::load(path("taglengths.ssm"), read);
      QVERIFY2(loaded.ok(), loaded.message.c_str());
      QCOMPARE(read.tagShortestSeconds, stored.tagShortestSeconds);
      QCOMPARE(read.tagGuessReason(1, 3.6f),
               std::string("a guess: it is 3.60 s long, shorter than the songs tagged jazz make "
                           "familiar (at least 91.50 s)"));
      QVERIFY(read.tagGuessReason(1, 91.5f).empty());  // as long as the shortest familiar
      QVERIFY(read.tagGuessReason(1, 0.0f).empty());   // unknown length
      QVERIFY(read.tagGuessReason(0, 3.6f).empty());   // no test for that tag
      QVERIFY(read.tagGuessReason(3, 1.0f).find("ambient drone") != std::string::npos);
      QVERIFY(read.tagGuessReason(5, 1.0f).empty());  // no such tag
      QVERIFY(read.tagGuessReason(-1, 1.0f).empty());
      for (const float bad : {-1.0f, std::numeric_limits<float>::infinity()}) {
        JointModel damaged = stored;
        damaged.tagShortestSeconds[2] = bad;
        QVERIFY(damaged.save(path("badtaglength.ssm")).ok());
        QVERIFY2(loadError(path("badtaglength.ssm")).find("tag length") != std::string::npos,
                 loadError(path("badtaglength.ssm")).c_str());
      }
      JointModel mismatched = stored;
      mismatched.tagShortestSeconds.pop_back();
      QVERIFY(mismatched.save(path("fewtaglengths.ssm")).ok());
      QVERIFY2(loadError(path("fewtaglengths.ssm")).find("inconsistent") != std::string::npos,
               loadError(path("fewtaglengths.ssm")).c_str());
      QVERIFY(m.save(path("format7.ssm")).ok());
      std::vector<char> bytes = readAll(path("format7.ssm"));
      toFormat6(bytes);
      writeAll(path("format6.ssm"), bytes);
      JointModel old;
      old.tagShortestSeconds = {1.0f};
      const auto six = JointModel::load(path("format6.ssm"), old);
      QVERIFY2(six.ok(), six.message.c_str());
      QVERIFY(old.tagShortestSeconds.empty());
      QVERIFY(old.tagGuessReason(1, 0.5f).empty());
      QVERIFY(old.novelty.has_value());
      // The same bytes read as format 7 run out of data where the count should be.
      putU32(bytes, 8, 7);
      reseal(bytes);
      writeAll(path("short7.ssm"), bytes);
      QVERIFY(loadError(path("short7.ssm")) != "loaded");
    }
    // The per-artist duration test (format 8) round-trips; a format-7 file loads without it; a
    // negative or not finite length, or a count other than the artist count, is refused.
    {
      JointModel stored = m;
      stored.artistShortestSeconds.assign(static_cast<std::size_t>(m.A.cols()), 0.0f);
      stored.artistShortestSeconds[1] = 45.0f;
      stored.artistSongsShortestSeconds = 4.25f;
      QVERIFY(stored.save(path("artistlengths.ssm")).ok());
      JointModel read;
      const auto loaded = JointModel::load(path("artistlengths.ssm"), read);
      QVERIFY2(loaded.ok(), loaded.message.c_str());
      QCOMPARE(read.artistShortestSeconds, stored.artistShortestSeconds);
      QCOMPARE(read.artistSongsShortestSeconds, 4.25f);
      const std::string second = read.artistNames[1];
      QCOMPARE(read.artistGuessReason(1, 30.0f),
               "a guess: it is 30.00 s long, shorter than the songs by " + second +
                   " make familiar (at least 45.00 s)");
      QVERIFY(read.artistGuessReason(0, 30.0f).empty());               // long enough for the others
      QVERIFY(!read.artistGuessReason(0, 4.0f).empty());               // not for any artist
      QVERIFY(read.artistGuessReason(0, 0.0f).empty());                // unknown length
      QVERIFY(read.artistGuessReason(int(m.A.cols()), 1.0f).empty());  // no such artist
      QVERIFY(read.artistGuessReason(-1, 1.0f).empty());
      for (const float bad : {-1.0f, std::numeric_limits<float>::quiet_NaN()}) {
        JointModel damaged = stored;
        damaged.artistShortestSeconds[0] = bad;
        QVERIFY(damaged.save(path("badartistlength.ssm")).ok());
        QVERIFY2(loadError(path("badartistlength.ssm")).find("artist length") != std::string::npos,
                 loadError(path("badartistlength.ssm")).c_str());
        damaged = stored;
        damaged.artistSongsShortestSeconds = bad;
        QVERIFY(damaged.save(path("badartistsongs.ssm")).ok());
        QVERIFY2(loadError(path("badartistsongs.ssm")).find("artist songs") != std::string::npos,
                 loadError(path("badartistsongs.ssm")).c_str());
      }
      JointModel mismatched = stored;
      mismatched.artistShortestSeconds.pop_back();
      QVERIFY(mismatched.save(path("fewartistlengths.ssm")).ok());
      QVERIFY2(loadError(path("fewartistlengths.ssm")).find("inconsistent") != std::string::npos,
               loadError(path("fewartistlengths.ssm")).c_str());
      QVERIFY(m.save(path("format8.ssm")).ok());
      std::vector<char> bytes = readAll(path("format8.ssm"));
      toFormat7(bytes);
      writeAll(path("format7only.ssm"), bytes);
      JointModel old;
      old.artistShortestSeconds = {1.0f};
      old.artistSongsShortestSeconds = 1.0f;
      const auto seven = JointModel::load(path("format7only.ssm"), old);
      QVERIFY2(seven.ok(), seven.message.c_str());
      QVERIFY(old.artistShortestSeconds.empty());
      QCOMPARE(old.artistSongsShortestSeconds, 0.0f);
      QVERIFY(old.artistGuessReason(1, 0.5f).empty());
      // The same bytes read as format 8 run out of data where the count should be.
      putU32(bytes, 8, 8);
      reseal(bytes);
      writeAll(path("short8.ssm"), bytes);
      QVERIFY(loadError(path("short8.ssm")) != "loaded");
    }
    m.tagNovelty.reset();
    m.novelty->setShortestSeconds(0);

    // A format-2 file (before novelty): the payload without the novelty marker (and without the
    // empty precision curve of format 4 and the tagged songs' marker of format 5) loads, with no
    // novelty fit, and then never calls a song novel.
    m.novelty.reset();
    QVERIFY(m.save(path("v3.ssm")).ok());
    std::vector<char> bytes = readAll(path("v3.ssm"));
    toFormat5(bytes);
    // "no novelty", an empty curve (u32 0), "no tagged songs' novelty", two lengths of 0
    QCOMPARE(bytes[bytes.size() - 18], char(0));
    bytes.erase(bytes.end() - 18, bytes.end() - 4);
    putU32(bytes, 8, 2);
    putU32(bytes, 12, std::uint32_t(bytes.size() - 24));
    reseal(bytes);
    writeAll(path("v2.ssm"), bytes);
    back = JointModel{};
    back.novelty = NoveltyDetector::fit(songs, m.embedSongs(songs), options);
    const auto loaded = JointModel::load(path("v2.ssm"), back);
    QVERIFY2(loaded.ok(), loaded.message.c_str());
    QVERIFY(!back.novelty.has_value());

    // A reference whose width disagrees with V is refused.
    SparseRows narrow = songs.leftCols(m.V.cols() - 1);
    m.novelty = NoveltyDetector::fit(narrow, m.embedSongs(songs), options);
    QVERIFY(m.save(path("narrow.ssm")).ok());
    QVERIFY(loadError(path("narrow.ssm")).find("novelty") != std::string::npos);
  }

  void corruptFilesAreRejected() {
    const JointModel m = randomModel(9);
    QVERIFY(m.save(path("good.ssm")).ok());
    const std::vector<char> good = readAll(path("good.ssm"));
    const fs::path bad = path("bad.ssm");

    for (std::size_t size :
         {std::size_t(0), std::size_t(5), std::size_t(8), std::size_t(12), std::size_t(19),
          std::size_t(20), std::size_t(64), good.size() / 2, good.size() - 1}) {
      writeAll(bad, std::vector<char>(good.begin(), good.begin() + std::ptrdiff_t(size)));
      const std::string e = loadError(bad);
      QVERIFY2(e.find(size < 8 ? "magic" : "truncated") != std::string::npos, e.c_str());
    }
    std::vector<char> bytes = good;
    bytes[good.size() / 2] ^= 0x10;
    writeAll(bad, bytes);
    QVERIFY2(loadError(bad).find("checksum") != std::string::npos, loadError(bad).c_str());
    bytes = good;
    bytes[0] = 'X';
    writeAll(bad, bytes);
    QVERIFY(loadError(bad).find("magic") != std::string::npos);
    bytes = good;
    putU32(bytes, 8, 99);  // a future format version
    writeAll(bad, bytes);
    QVERIFY2(loadError(bad).find("version 99") != std::string::npos, loadError(bad).c_str());
    bytes = good;
    putU32(bytes, 24, 0x7FFFFFFF);  // V's row count, resealed: rows × cols × 4 ≫ the file
    putU32(bytes, 28, 0x7FFFFFFF);
    reseal(bytes);
    writeAll(bad, bytes);
    QVERIFY2(loadError(bad).find("implausible size for V") != std::string::npos,
             loadError(bad).c_str());
    bytes = good;
    putU32(bytes, 24, 5);  // V 5 × 10 instead of 6 × 10: the sections no longer line up
    reseal(bytes);
    writeAll(bad, bytes);
    QVERIFY(loadError(bad) != "loaded");
    bytes = good;
    bytes.push_back(0);
    writeAll(bad, bytes);
    QVERIFY(loadError(bad) != "loaded");
    QVERIFY(loadError(path("missing.ssm")).find("cannot open") != std::string::npos);
    JointModel untouched = randomModel(1);  // a failed load leaves the output as it was
    QVERIFY(!JointModel::load(bad, untouched).ok());
    QVERIFY(sameBits(untouched.V, randomModel(1).V));
  }

  void writeIsAtomic() {
    const fs::path target = path("atomic.ssm");
    writeAll(target, {'o', 'l', 'd'});
    const JointModel m = randomModel(2);
    QVERIFY(m.save(target).ok());
    JointModel back;
    QVERIFY(JointModel::load(target, back).ok());
    QVERIFY(sameBits(back.V, m.V));
    // Failures leave what was there and no temporary behind: the target is a directory (rename
    // fails after a complete write), or the directory does not exist (nothing can be written).
    const fs::path directory = path("occupied.ssm");
    fs::create_directory(directory);
    fs::path other = directory / "inside";
    writeAll(other, {'k', 'e', 'e', 'p'});
    const auto occupied = m.save(directory);
    QCOMPARE(occupied.error, songspace::base::ErrorCode::Io);
    QVERIFY(!occupied.message.empty());
    QVERIFY(fs::is_directory(directory));
    QCOMPARE(readAll(other), (std::vector<char>{'k', 'e', 'e', 'p'}));
    const auto nowhere = m.save(path("no-such-dir") / "x.ssm");
    QVERIFY(!nowhere.ok());
    QVERIFY2(nowhere.message.find("cannot create") != std::string::npos, nowhere.message.c_str());
    for (const auto& entry : fs::directory_iterator(m_dir.path().toStdString()))
      QVERIFY2(entry.path().filename().string().find(".tmp-") == std::string::npos,
               entry.path().c_str());
  }

  // The fuzz seeds (format-5 and format-6 files with and without calibration and novelty fits,
  // the full format-6 one with stored training-song novelty distances, as is and with the framing
  // for the entry to repair) load through the harness's entry, and what fuzzing found
  // (tests/fuzz/regressions/modelfile) is refused without a crash or a loaded model that does not
  // save and load again (the entry aborts on those).
  void fuzzInputs() {
    const std::vector<songspace::fuzz::FuzzFile> seeds =
        songspace::fuzz::fuzzFiles(QStringLiteral("corpus/modelfile"));
    QVERIFY(seeds.size() >= 8);
    bool storedDistances = false;
    for (const songspace::fuzz::FuzzFile& seed : seeds) {
      const base::Status status = songspace::fuzz::modelFileInput(seed.input());
      QVERIFY2(status.ok(), qPrintable(seed.name + QStringLiteral(": ") +
                                       QString::fromStdString(status.message)));
      if (seed.name.endsWith(QStringLiteral("-asis"))) {
        writeAll(path("seed.ssm"), std::vector<char>(seed.bytes.begin() + 1, seed.bytes.end()));
        JointModel m;
        QVERIFY(JointModel::load(path("seed.ssm"), m).ok());
        storedDistances = storedDistances || !m.songNovelty.empty();
      }
    }
    QVERIFY(storedDistances);  // a format-6 seed reaches the song-novelty reader
    for (const songspace::fuzz::FuzzFile& input :
         songspace::fuzz::fuzzFiles(QStringLiteral("regressions/modelfile"))) {
      QVERIFY2(!songspace::fuzz::modelFileInput(input.input()).ok(), qPrintable(input.name));
    }
  }
};

QTEST_GUILESS_MAIN(JointModelTest)
#include "tst_jointmodel.moc"
