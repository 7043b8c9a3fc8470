#include <Eigen/QR>
#include <QtTest>
#include <array>
#include <random>

#include "core/map/projection.h"

using songspace::core::pca;
using songspace::core::pcaOfColumns;
using songspace::core::pcaProject;

namespace {

Eigen::MatrixXf gaussian(int rows, int cols, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Eigen::MatrixXf m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m(i, j) = normal(rng);
  return m;
}

}  // namespace

class ProjectionTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // pcaOfColumns on blocks of columns is pca() of the points stacked as rows: a large offset
  // (the case the double accumulation is for), blocks of more and fewer columns than one slice
  // of 4 096, an empty block of another height skipped; other heights refused.
  void columnsAgreeWithRows() {
    const Eigen::MatrixXf a = (gaussian(12, 5000, 21) * 2.0f).array() + 40.0f;
    const Eigen::MatrixXf b = gaussian(12, 300, 22).array() + 40.0f;
    const Eigen::MatrixXf c = gaussian(12, 9000, 23).array() * 0.5f + 40.0f;
    const Eigen::MatrixXf none;  // 0 × 0, as a model without artists
    Eigen::MatrixXf rows(a.cols() + b.cols() + c.cols(), 12);
    rows << a.transpose(), b.transpose(), c.transpose();
    const auto expected = pca(rows, 3);
    const std::array<const Eigen::MatrixXf*, 4> blocks{&a, &none, &b, &c};
    const auto got = pcaOfColumns(blocks, 3);
    QCOMPARE(got.projected.rows(), rows.rows());
    QCOMPARE(got.projected.cols(), 3);
    QVERIFY((got.mean - expected.mean).cwiseAbs().maxCoeff() < 1e-4f);
    QVERIFY((got.components - expected.components).cwiseAbs().maxCoeff() < 1e-4f);
    QVERIFY((got.variances - expected.variances).cwiseAbs().maxCoeff() <
            1e-4f * expected.variances(0));
    QVERIFY((got.projected - expected.projected).cwiseAbs().maxCoeff() < 1e-3f);
    QVERIFY(std::abs(got.totalVariance - expected.totalVariance) < 1e-4 * expected.totalVariance);
    QVERIFY(std::abs(got.explainedVarianceRatio - expected.explainedVarianceRatio) < 1e-5);

    // Sampled: the covariance from every 3rd of the 14 300 points (a sample of 5 000); mean and
    // projection from all of them. The cloud's axes have distinct spreads (4, 2, 1, ... in a
    // rotated basis), so the sample finds the same first two axes up to sampling noise.
    {
      const Eigen::MatrixXf basis = gaussian(12, 12, 25).householderQr().householderQ();
      Eigen::VectorXf spread = Eigen::VectorXf::Constant(12, 0.5f);
      spread.head(3) << 4, 2, 1;
      const Eigen::MatrixXf cloud =
          (basis * spread.asDiagonal() * gaussian(12, 14300, 26)).array() + 40.0f;
      const std::array<const Eigen::MatrixXf*, 1> one{&cloud};
      const auto all = pcaOfColumns(one, 2);
      const auto sampled = pcaOfColumns(one, 2, 5000);
      QVERIFY((sampled.mean - all.mean).cwiseAbs().maxCoeff() < 1e-5f);  // every point
      for (int axis = 0; axis < 2; ++axis) {
        const float cosine = sampled.components.col(axis).dot(all.components.col(axis));
        qInfo("axis %d: cosine %.6f, variance %.4f / %.4f", axis, cosine, sampled.variances(axis),
              all.variances(axis));
        QVERIFY(cosine > 0.999f);  // same sign rule, same axis
        QVERIFY(std::abs(sampled.variances(axis) / all.variances(axis) - 1) < 0.05f);
      }
      // The projection of every point, on nearly the same axes.
      const float scale = std::sqrt(all.variances(0));
      QVERIFY((sampled.projected - all.projected).cwiseAbs().maxCoeff() < 0.15f * scale);
      // A sample as large as the cloud is the exact analysis.
      QVERIFY((pcaOfColumns(one, 2, 14300).components - all.components).cwiseAbs().maxCoeff() ==
              0.0f);
    }

    const Eigen::MatrixXf other = gaussian(5, 10, 24);
    const std::array<const Eigen::MatrixXf*, 2> mixed{&a, &other};
    QCOMPARE(pcaOfColumns(mixed, 2).projected.rows(), 0);
    QCOMPARE(pcaOfColumns({}, 2).projected.rows(), 0);
  }

  // Points on a 2-D plane in 10-D: two components explain all variance, the plane is recovered
  // (the component basis spans the same subspace) and distances inside the plane are preserved.
  void planeIn10dRecovered() {
    const Eigen::MatrixXf basis =
        gaussian(10, 2, 7).householderQr().householderQ() * Eigen::MatrixXf::Identity(10, 2);
    const Eigen::MatrixXf coefficients = gaussian(400, 2, 8) * Eigen::Vector2f(5, 1).asDiagonal();
    const Eigen::RowVectorXf offset = Eigen::RowVectorXf::Constant(10, 3.0f);
    const Eigen::MatrixXf points = (coefficients * basis.transpose()).rowwise() + offset;

    const auto result = pca(points, 2);
    QVERIFY(std::abs(result.explainedVarianceRatio - 1.0) < 1e-4);
    QCOMPARE(result.projected.rows(), 400);
    QCOMPARE(result.projected.cols(), 2);
    // Projection onto span(components) reproduces the original basis.
    const Eigen::MatrixXf projector = result.components * result.components.transpose();
    QVERIFY((projector * basis - basis).norm() < 1e-3f);
    // Isometry within the plane: pairwise distances survive.
    for (int i = 0; i < 50; ++i) {
      const float original = (points.row(i) - points.row(i + 50)).norm();
      const float mapped = (result.projected.row(i) - result.projected.row(i + 50)).norm();
      QVERIFY(std::abs(original - mapped) < 1e-3f * std::max(1.0f, original));
    }
    QVERIFY(result.variances(0) > result.variances(1));
  }

  // A cloud stretched along a known direction: the first component is that direction.
  void principalAxisRecovered() {
    Eigen::VectorXf axis = Eigen::VectorXf::Zero(6);
    axis << 1, -2, 0.5, 0, 3, -1;
    axis.normalize();
    Eigen::MatrixXf points = 0.05f * gaussian(1000, 6, 3);
    const Eigen::MatrixXf t = 4.0f * gaussian(1000, 1, 4);
    points += t * axis.transpose();
    const auto result = pca(points, 2);
    const float alignment = std::abs(result.components.col(0).dot(axis));
    QVERIFY2(alignment > 0.999f, qPrintable(QString::number(alignment)));
    // Sign convention: the largest-|loading| entry (index 4, value +3) is positive.
    QVERIFY(result.components(4, 0) > 0);
    QVERIFY(result.explainedVarianceRatio > 0.99);
  }

  // Flipping the data's sign or reordering the rows must not flip the picture.
  void signDeterministic() {
    const Eigen::MatrixXf points =
        gaussian(200, 5, 11) * Eigen::VectorXf::LinSpaced(5, 5, 1).asDiagonal();
    const auto a = pca(points, 3);
    const auto b = pca(-points, 3);
    for (int c = 0; c < 3; ++c) {
      Eigen::Index strongest = 0;
      a.components.col(c).cwiseAbs().maxCoeff(&strongest);
      QVERIFY(a.components(strongest, c) > 0);
      QVERIFY((a.components.col(c) - b.components.col(c)).norm() < 1e-4f);
    }
    // Negated data gives negated coordinates in the same basis.
    QVERIFY((a.projected + b.projected).norm() < 1e-3f);
    const Eigen::MatrixXf again = pcaProject(points, 3);
    QCOMPARE(again, a.projected);
  }

  void degenerateInputs() {
    QCOMPARE(pcaProject(Eigen::MatrixXf(0, 4), 2).rows(), 0);
    QCOMPARE(pcaProject(Eigen::MatrixXf(0, 4), 2).cols(), 2);
    const Eigen::MatrixXf one = Eigen::MatrixXf::Ones(1, 4);
    QCOMPARE(pcaProject(one, 2), Eigen::MatrixXf::Zero(1, 2).eval());
    // More components than dimensions: the extra columns are zero, the first is the data.
    Eigen::MatrixXf line(3, 1);
    line << -1, 0, 1;
    const auto r = pca(line, 2);
    QCOMPARE(r.projected.cols(), 2);
    QVERIFY(r.projected.col(1).isZero());
    QVERIFY(std::abs(std::abs(r.projected(2, 0)) - 1.0f) < 1e-6f);
    // Constant data: nothing varies, nothing is lost.
    const auto flat = pca(Eigen::MatrixXf::Constant(10, 3, 2.0f), 2);
    QVERIFY(flat.projected.isZero());
    QCOMPARE(flat.explainedVarianceRatio, 1.0);
  }
};

QTEST_GUILESS_MAIN(ProjectionTest)
#include "tst_projection.moc"
