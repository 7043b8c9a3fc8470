#include <QtTest>
#include <vector>

#include "core/eval/baselines.h"

using namespace songspace::core;

namespace {

SparseRows rowsFrom(const std::vector<std::vector<float>>& dense) {
  SparseRows m(static_cast<int>(dense.size()), static_cast<int>(dense.front().size()));
  std::vector<Eigen::Triplet<float>> t;
  for (int r = 0; r < static_cast<int>(dense.size()); ++r) {
    for (int c = 0; c < static_cast<int>(dense[r].size()); ++c) {
      if (dense[r][c] != 0) t.emplace_back(r, c, dense[r][c]);
    }
  }
  m.setFromTriplets(t.begin(), t.end());
  return m;
}

}  // namespace

class BaselinesTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void normalisedCosine() {
    const SparseRows a = normalizeRows(rowsFrom({{3, 4, 0}, {0, 0, 0}, {0, 0, 2}}));
    const Eigen::MatrixXf s = cosineSimilarity(a, a);
    QVERIFY(qAbs(s(0, 0) - 1.0f) < 1e-6f);
    QCOMPARE(s(1, 1), 0.0f);  // zero row stays zero, no NaN
    QCOMPARE(s(0, 2), 0.0f);
    QVERIFY(qAbs(a.coeff(0, 0) - 0.6f) < 1e-6f);
  }

  void knnFindsObviousNeighbour() {
    // References: two clusters along x and y; tags 0 (x) and 1 (y). Query near x.
    const SparseRows refs = normalizeRows(
        rowsFrom({{1, 0.1f, 0}, {1, 0, 0.1f}, {0.1f, 1, 0}, {0, 1, 0.1f}, {0, 0.1f, 1}}));
    const SparseRows queries = normalizeRows(rowsFrom({{1, 0.05f, 0}, {0, 0.2f, 1}}));
    const Eigen::MatrixXf sim = cosineSimilarity(queries, refs);
    Eigen::Index best;
    sim.row(0).maxCoeff(&best);
    QCOMPARE(int(best), 0);
    const std::vector<std::vector<int>> tags{{0}, {0}, {1}, {1}, {2}};
    const Eigen::MatrixXf votes = knnLabelVotes(sim, tags, 3, 2);
    QVERIFY(votes(0, 0) > 1.9f);  // both x neighbours vote with cosine ≈ 1
    QCOMPARE(votes(0, 1), 0.0f);  // k = 2: the y songs do not vote
    Eigen::Index tag;
    votes.row(1).maxCoeff(&tag);
    QCOMPARE(int(tag), 2);
    // Single-label overload agrees.
    const Eigen::MatrixXf single = knnLabelVotes(sim, std::vector<int>{0, 0, 1, 1, 2}, 3, 2);
    QVERIFY(single.isApprox(votes));
  }

  void artistSongScoresMeanOfTop() {
    Eigen::MatrixXf sim(1, 5);
    sim << 0.9f, 0.5f, 0.1f, 0.8f, 0.7f;
    const std::vector<int> artist{0, 0, 0, 1, -1};
    const Eigen::MatrixXf s2 = knnArtistSongScores(sim, artist, 3, 2);
    QVERIFY(qAbs(s2(0, 0) - 0.7f) < 1e-6f);  // mean of 0.9, 0.5
    QVERIFY(qAbs(s2(0, 1) - 0.8f) < 1e-6f);  // only one song
    QCOMPARE(s2(0, 2), 0.0f);                // no songs
    const Eigen::MatrixXf s1 = knnArtistSongScores(sim, artist, 3, 1);
    QVERIFY(qAbs(s1(0, 0) - 0.9f) < 1e-6f);  // max
  }

  void popularityRanksFrequentFirst() {
    const std::vector<std::vector<int>> tags{{2}, {2, 0}, {2}, {1}, {}};
    const Eigen::VectorXf f = labelFrequency(tags, 3);
    QCOMPARE(f[2], 3.0f);
    QCOMPARE(f[0], 1.0f);
    Eigen::Index top;
    f.maxCoeff(&top);
    QCOMPARE(int(top), 2);
    QCOMPARE(labelFrequency(std::vector<int>{1, 1, -1, 0}, 2)[1], 2.0f);
  }

  void artistMeans() {
    const SparseRows songs = normalizeRows(rowsFrom({{1, 0}, {1, 0.2f}, {0, 1}, {0.1f, 1}}));
    const Eigen::MatrixXf c = artistMeanCosine(songs, {0, 0, 1, 2}, 4);
    QVERIFY(qAbs(c(0, 0) - 1.0f) < 1e-5f);
    QVERIFY(c(1, 2) > 0.9f);  // both along y
    QVERIFY(c(0, 1) < 0.3f);  // x versus y
    QCOMPARE(c(3, 0), 0.0f);  // artist without songs
  }

  void randomIsSeeded() {
    const Eigen::MatrixXf a = randomScores(3, 4, 5), b = randomScores(3, 4, 5),
                          c = randomScores(3, 4, 6);
    QVERIFY(a == b);
    QVERIFY(a != c);
    QVERIFY(a.minCoeff() >= 0.0f && a.maxCoeff() < 1.0f);
  }
};

QTEST_GUILESS_MAIN(BaselinesTest)
#include "tst_baselines.moc"
