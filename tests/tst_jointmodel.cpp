#include <QtTest>
#include <algorithm>
#include <cstring>
#include <fstream>

#include "core/base/crc32.h"
#include "core/model/jointmodel.h"
#include "core/model/trainer_plan.h"

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

    // A format-1 file (before calibration): the same payload without the calibration marker.
    m.calibration.reset();
    QVERIFY(m.save(path("v2.ssm")).ok());
    std::vector<char> bytes = readAll(path("v2.ssm"));
    QCOMPARE(bytes[bytes.size() - 5], char(0));  // "no calibration", just before the checksum
    bytes.erase(bytes.end() - 5);
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
    putU32(bytes, 8, 3);  // a future format version
    writeAll(bad, bytes);
    QVERIFY2(loadError(bad).find("version 3") != std::string::npos, loadError(bad).c_str());
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
};

QTEST_GUILESS_MAIN(JointModelTest)
#include "tst_jointmodel.moc"
