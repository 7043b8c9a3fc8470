// SongSearchIndex: the quantised first pass with exact re-scoring returns the exact top-k (the
// certified answers identically, the rest with recall@10 ≥ 0.99) at 10⁴ songs, with both the
// vector and the portable kernel, for dimensions that exercise every code layout.
#include <QtTest>
#include <set>

#include "core/base/random.h"
#include "core/model/jointmodel.h"
#include "core/model/songsearch.h"

using namespace songspace::core;
namespace base = songspace::base;

namespace {

Eigen::MatrixXf gaussianColumns(int d, int n, base::Xoshiro256& rng) {
  Eigen::MatrixXf m(d, n);
  for (Eigen::Index i = 0; i < m.size(); ++i)
    m.data()[i] = static_cast<float>(base::standardNormal(rng));
  m.colwise().normalize();
  return m;
}

// Songs around 100 artist centres with norms in [0.5, 1]: many near neighbours per query.
Eigen::MatrixXf plantedColumns(int d, int n, base::Xoshiro256& rng) {
  const Eigen::MatrixXf centres = gaussianColumns(d, 100, rng);
  Eigen::MatrixXf m(d, n);
  for (int j = 0; j < n; ++j) {
    Eigen::VectorXf x = centres.col(static_cast<int>(base::uniformBelow(rng, 100)));
    for (int r = 0; r < d; ++r)
      x[r] += static_cast<float>(base::standardNormal(rng) / std::sqrt(3.0 * d));
    m.col(j) = x / x.norm() * static_cast<float>(0.5 + 0.5 * base::uniform01(rng));
  }
  return m;
}

std::vector<Scored> exactTop(const Eigen::MatrixXf& songs, const Eigen::VectorXf& q, int k,
                             int exclude) {
  const Eigen::VectorXf scores = songs.transpose() * q;
  return topK(scores, k, exclude);
}

int overlap(const std::vector<Scored>& a, const std::vector<Scored>& b) {
  std::set<int> indices;
  for (const Scored& s : a) indices.insert(s.index);
  int common = 0;
  for (const Scored& s : b) common += indices.count(s.index) > 0 ? 1 : 0;
  return common;
}

}  // namespace

class TestSongSearch : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void recallAgainstExact_data() {
    QTest::addColumn<bool>("planted");
    QTest::addColumn<int>("dimension");
    QTest::addColumn<bool>("portable");
    // 160: two full 64-dimension blocks and a 32-dimension tail (the default model); 64 and 32:
    // blocks only / tail only; 70: padded dimensions.
    for (const bool planted : {false, true})
      for (const int d : {160, 64, 32, 70})
        for (const bool portable : {false, true}) {
          const QByteArray name = QByteArray(planted ? "planted" : "gaussian") +
                                  " d=" + QByteArray::number(d) +
                                  (portable ? " portable" : " auto");
          QTest::newRow(name.constData()) << planted << d << portable;
        }
  }
  void recallAgainstExact() {
    QFETCH(bool, planted);
    QFETCH(int, dimension);
    QFETCH(bool, portable);
    constexpr int kSongs = 10000, kQueries = 60, kK = 10;
    base::Xoshiro256 rng(7);
    const Eigen::MatrixXf songs =
        planted ? plantedColumns(dimension, kSongs, rng) : gaussianColumns(dimension, kSongs, rng);
    const SongSearchIndex index(songs, {.forceQuantised = true, .portableKernel = portable});
    QVERIFY(index.quantised());
    int found = 0, certified = 0;
    for (int q = 0; q < kQueries; ++q) {
      const int song = static_cast<int>(base::uniformBelow(rng, kSongs));
      const Eigen::VectorXf query = songs.col(song);
      const std::vector<Scored> exact = exactTop(songs, query, kK, song);
      SongSearchIndex::SearchStats stats;
      const std::vector<Scored> result = index.search(songs, query, kK, song, &stats);
      QCOMPARE(static_cast<int>(result.size()), kK);
      QVERIFY(stats.rescored < kSongs);  // the point of the index: most songs never in float
      for (std::size_t i = 0; i < result.size(); ++i) {
        QVERIFY(result[i].index != song);
        // Scores are the exact inner products of the songs returned, best first.
        QVERIFY(std::abs(result[i].score - songs.col(result[i].index).dot(query)) < 1e-5f);
        if (i > 0) QVERIFY(result[i - 1].score >= result[i].score);
      }
      if (stats.certified) {
        ++certified;
        QCOMPARE(overlap(exact, result), kK);
      }
      found += overlap(exact, result);
    }
    const double recall = static_cast<double>(found) / (kQueries * kK);
    QVERIFY2(recall >= 0.99, qPrintable(QStringLiteral("recall@10 %1").arg(recall)));
    // The planted library has close neighbours, and the bound proves most answers exact.
    if (planted && dimension == 160) QVERIFY(certified > kQueries / 2);
  }

  void kernelsAgree() {
    base::Xoshiro256 rng(3);
    const Eigen::MatrixXf songs = plantedColumns(96, 4000, rng);
    const SongSearchIndex vector(songs, {.forceQuantised = true});
    const SongSearchIndex portable(songs, {.forceQuantised = true, .portableKernel = true});
    for (int q = 0; q < 20; ++q) {
      const Eigen::VectorXf query = songs.col(q * 97);
      SongSearchIndex::SearchStats a, b;
      const auto ra = vector.search(songs, query, 25, -1, &a);
      const auto rb = portable.search(songs, query, 25, -1, &b);
      QCOMPARE(a.rescored, b.rescored);  // same approximate scores, same shortlist
      QCOMPARE(a.certified, b.certified);
      QCOMPARE(ra.size(), rb.size());
      for (std::size_t i = 0; i < ra.size(); ++i) QCOMPARE(ra[i].index, rb[i].index);
    }
  }

  void tiesByLowerIndex() {
    // Three copies of one song: equal scores come back in index order, as topK orders them.
    base::Xoshiro256 rng(5);
    Eigen::MatrixXf songs = gaussianColumns(48, 3000, rng);
    songs.col(2500) = songs.col(10);
    songs.col(1200) = songs.col(10);
    const SongSearchIndex index(songs, {.forceQuantised = true});
    const auto result = index.search(songs, songs.col(10), 3);
    QCOMPARE(static_cast<int>(result.size()), 3);
    QCOMPARE(result[0].index, 10);
    QCOMPARE(result[1].index, 1200);
    QCOMPARE(result[2].index, 2500);
  }

  void smallLibraryScansExactly() {
    base::Xoshiro256 rng(9);
    const Eigen::MatrixXf songs = gaussianColumns(20, 500, rng);
    const SongSearchIndex index(songs);
    QVERIFY(!index.quantised());  // below kExactBelow
    const Eigen::VectorXf query = songs.col(3);
    const auto expected = exactTop(songs, query, 7, 3);
    const auto result = index.search(songs, query, 7, 3);
    QCOMPARE(result.size(), expected.size());
    for (std::size_t i = 0; i < result.size(); ++i) QCOMPARE(result[i].index, expected[i].index);
  }

  void edgeCases() {
    base::Xoshiro256 rng(11);
    const Eigen::MatrixXf songs = gaussianColumns(40, 1500, rng);
    const SongSearchIndex index(songs, {.forceQuantised = true});
    QVERIFY(index.search(songs, Eigen::VectorXf::Ones(39), 5).empty());  // wrong dimension
    QVERIFY(index.search(songs, songs.col(0), 0).empty());
    // More answers than songs: every other song once.
    const auto all = index.search(songs, songs.col(0), 5000, 0);
    QCOMPARE(static_cast<int>(all.size()), 1499);
    // A zero query scores every song 0: the lowest indices win.
    const auto zero = index.search(songs, Eigen::VectorXf::Zero(40), 3);
    QCOMPARE(static_cast<int>(zero.size()), 3);
    QCOMPARE(zero[0].index, 0);
    QCOMPARE(zero[2].index, 2);
    // A non-finite song disables quantisation rather than corrupt the bound.
    Eigen::MatrixXf broken = songs;
    broken(3, 7) = std::numeric_limits<float>::infinity();
    QVERIFY(!SongSearchIndex(broken, {.forceQuantised = true}).quantised());
  }
};

QTEST_APPLESS_MAIN(TestSongSearch)
#include "tst_songsearch.moc"
