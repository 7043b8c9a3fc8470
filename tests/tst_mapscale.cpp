// The map at library scale, scaled down to seconds: the approximate kNN behind t-SNE's input
// affinities, the approximate method's neighbour preservation against the exact method's, the
// neighbour-preservation measure itself, and placing new points on an existing map.
#include <QtTest>
#include <set>

#include "core/base/random.h"
#include "core/map/mapplacement.h"
#include "core/map/mapquality.h"
#include "core/map/tsne.h"
#include "core/map/tsneaffinity.h"

using namespace songspace::core;
namespace base = songspace::base;

namespace {

// n points in d dimensions around `groups` centres (labels[i] = group of row i, interleaved).
Eigen::MatrixXf groupedPoints(int n, int d, int groups, std::vector<int>& labels,
                              std::uint64_t seed = 1) {
  base::Xoshiro256 rng(seed);
  Eigen::MatrixXf centres(groups, d);
  for (Eigen::Index i = 0; i < centres.size(); ++i)
    centres.data()[i] = static_cast<float>(3.0 * base::standardNormal(rng));
  Eigen::MatrixXf points(n, d);
  labels.assign(static_cast<std::size_t>(n), 0);
  for (int i = 0; i < n; ++i) {
    labels[static_cast<std::size_t>(i)] = i % groups;
    for (int c = 0; c < d; ++c)
      points(i, c) = centres(i % groups, c) + static_cast<float>(base::standardNormal(rng));
  }
  return points;
}

}  // namespace

class MapScaleTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void approximateKnnFindsTheNeighbours() {
    std::vector<int> labels;
    const Eigen::MatrixXf points = groupedPoints(10000, 24, 40, labels);
    constexpr int kK = 15;
    std::vector<int> exact, approximate;
    std::vector<float> exactDistances, approximateDistances;
    exactKnn(points, kK, exact, exactDistances);
    approximateKnn(points, kK, approximate, approximateDistances, 2);
    QCOMPARE(approximate.size(), exact.size());
    int found = 0;
    for (int i = 0; i < points.rows(); ++i) {
      const auto row = static_cast<std::size_t>(i) * kK;
      const std::set<int> truth(exact.begin() + static_cast<long>(row),
                                exact.begin() + static_cast<long>(row + kK));
      for (int r = 0; r < kK; ++r) {
        const int j = approximate[row + r];
        QVERIFY(j >= 0 && j < points.rows() && j != i);
        // Distances are the true squared distances of the neighbours returned, ascending.
        QVERIFY(std::abs(approximateDistances[row + r] -
                         (points.row(i) - points.row(j)).squaredNorm()) <
                1e-3f * (1 + approximateDistances[row + r]));
        if (r > 0) QVERIFY(approximateDistances[row + r - 1] <= approximateDistances[row + r]);
        found += truth.count(j) > 0 ? 1 : 0;
      }
    }
    const double recall = static_cast<double>(found) / (static_cast<double>(points.rows()) * kK);
    QVERIFY2(recall >= 0.95, qPrintable(QStringLiteral("kNN recall %1").arg(recall)));
  }

  void preservationMeasure() {
    std::vector<int> labels;
    const Eigen::MatrixXf points = groupedPoints(600, 2, 6, labels);
    const std::vector<int> probes = evenProbes(600, 100);
    QCOMPARE(static_cast<int>(probes.size()), 100);
    // A map that is the space itself keeps every neighbourhood; a shuffled one almost none.
    QCOMPARE(neighbourPreservation(points, points, 10, probes), 1.0);
    Eigen::MatrixXf shuffled = points;
    for (int i = 0; i < 600; ++i) shuffled.row(i) = points.row((i * 337) % 600);
    QVERIFY(neighbourPreservation(points, shuffled, 10, probes) < 0.1);
    QCOMPARE(neighbourPreservation(points, shuffled.topRows(10), 10, probes), 0.0);
  }

  // The approximate method (HNSW kNN, the large-map θ) keeps neighbourhoods within 5 % of the
  // exact method (exact kNN, θ = 0.5) on the same points and iterations. 2 000 points keep it
  // to seconds; the kNN itself is checked at 10⁴ above.
  void approximateMapKeepsNeighbours() {
    constexpr int kPoints = 2000;
    std::vector<int> labels;
    const Eigen::MatrixXf points = groupedPoints(kPoints, 16, 20, labels, 3);
    TsneParameters exact;
    exact.neighbours = TsneParameters::Neighbours::Exact;
    exact.iterations = 250;
    exact.exaggerationIterations = 100;
    TsneParameters approximate = TsneParameters::forPoints(TsneParameters::kExactKnnMaxPoints + 1);
    approximate.iterations = exact.iterations;
    approximate.exaggerationIterations = exact.exaggerationIterations;
    QCOMPARE(approximate.neighbours, TsneParameters::Neighbours::Auto);
    QCOMPARE(approximate.theta, TsneParameters::kLargeMapTheta);
    // Up to the exact-kNN limit, the declared defaults.
    const TsneParameters small = TsneParameters::forPoints(TsneParameters::kExactKnnMaxPoints);
    QCOMPARE(small.theta, TsneParameters::kTheta.defaultValue);
    QCOMPARE(small.iterations, TsneParameters::kIterations.defaultValue);
    approximate.neighbours = TsneParameters::Neighbours::Approximate;
    const TsneResult a = tsne(points, exact);
    const TsneResult b = tsne(points, approximate);
    QVERIFY2(a.status.ok(), a.status.message.c_str());
    QVERIFY2(b.status.ok(), b.status.message.c_str());
    QCOMPARE(a.embedding.rows(), points.rows());
    QCOMPARE(b.embedding.rows(), points.rows());
    QVERIFY(b.embedding.allFinite());
    const std::vector<int> probes = evenProbes(kPoints, 1000);
    const double exactKept = neighbourPreservation(points, a.embedding, 10, probes);
    const double approximateKept = neighbourPreservation(points, b.embedding, 10, probes);
    QVERIFY2(
        approximateKept >= 0.95 * exactKept,
        qPrintable(QStringLiteral("approximate %1, exact %2").arg(approximateKept).arg(exactKept)));
    // A map, not noise: a shuffled one keeps ~10 / 2 000 of each neighbourhood.
    QVERIFY2(exactKept > 0.1, qPrintable(QString::number(exactKept)));
  }

  // Above kMaxPoints t-SNE refuses at once (TooManyPoints) with no embedding: the caller keeps
  // the PCA layout.
  void tooManyPointsRefused() {
    const Eigen::MatrixXf points = Eigen::MatrixXf::Zero(TsneParameters::kMaxPoints + 1, 1);
    const TsneResult result = tsne(points, TsneParameters::forPoints(TsneParameters::kMaxPoints));
    QCOMPARE(result.status.error, songspace::base::ErrorCode::TooManyPoints);
    QCOMPARE(result.embedding.rows(), 0);
    QCOMPARE(result.iterationsRun, 0);
  }

  // Held-out points placed on the map of the others land among their own group.
  void placementLandsAmongNeighbours() {
    std::vector<int> labels;
    const Eigen::MatrixXf all = groupedPoints(1100, 12, 8, labels, 5);
    const Eigen::MatrixXf points = all.topRows(1000);
    const Eigen::MatrixXf held = all.bottomRows(100);
    TsneParameters parameters;
    parameters.iterations = 400;
    const TsneResult map = tsne(points, parameters);
    QCOMPARE(map.embedding.rows(), 1000);
    const Eigen::MatrixXf placed = placeOnMap(points, map.embedding, held);
    QCOMPARE(placed.rows(), 100);
    QCOMPARE(placed.cols(), 2);
    QVERIFY(placed.allFinite());
    int agree = 0;
    for (int i = 0; i < 100; ++i) {
      Eigen::Index nearest = 0;
      (map.embedding.rowwise() - placed.row(i)).rowwise().squaredNorm().minCoeff(&nearest);
      agree +=
          labels[static_cast<std::size_t>(nearest)] == labels[static_cast<std::size_t>(1000 + i)]
              ? 1
              : 0;
    }
    QVERIFY2(agree >= 95, qPrintable(QString::number(agree)));
  }

  void placementExactCases() {
    const Eigen::MatrixXf points = (Eigen::MatrixXf(3, 2) << 0, 0, 10, 0, 0, 10).finished();
    const Eigen::MatrixXf map = (Eigen::MatrixXf(3, 2) << 1, 1, 5, 1, 1, 5).finished();
    // A copy of an old point lands on its map position (k = 1).
    const Eigen::MatrixXf copy = placeOnMap(points, map, points.row(1), 1);
    QCOMPARE(copy(0, 0), 5.0f);
    QCOMPARE(copy(0, 1), 1.0f);
    // Midway between two old points, equally weighted: the midpoint of their positions.
    const Eigen::MatrixXf mid =
        placeOnMap(points, map, (Eigen::MatrixXf(1, 2) << 5, -1).finished(), 2);
    QVERIFY(std::abs(mid(0, 0) - 3.0f) < 1e-4f);
    QVERIFY(std::abs(mid(0, 1) - 1.0f) < 1e-4f);
    // Nothing to place against, or a dimension mismatch: the origin, never garbage.
    QCOMPARE(placeOnMap(Eigen::MatrixXf(0, 2), Eigen::MatrixXf(0, 2), points).norm(), 0.0f);
    QCOMPARE(placeOnMap(points, map, Eigen::MatrixXf::Ones(2, 3)).norm(), 0.0f);
  }
};

QTEST_GUILESS_MAIN(MapScaleTest)
#include "tst_mapscale.moc"
