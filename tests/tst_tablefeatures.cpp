#include <Eigen/Cholesky>
#include <QtTest>
#include <cmath>
#include <random>

#include "core/eval/tablefeatures.h"

using namespace songspace::core;

namespace {

Eigen::MatrixXd gaussianData(int rows, int cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0.0, 1.0);
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = 3.0 * n(rng) + 1.0;
  return m;
}

std::vector<int> range(int begin, int end) {
  std::vector<int> r;
  for (int i = begin; i < end; ++i) r.push_back(i);
  return r;
}

}  // namespace

class TableFeaturesTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void rbfKernelKnownValues() {
    Eigen::MatrixXd a(2, 2), b(1, 2);
    a << 0, 0, 1, 2;
    b << 1, 0;
    const Eigen::MatrixXd k = rbfKernel(a, b, 0.5);
    QCOMPARE(k.rows(), Eigen::Index(2));
    QCOMPARE(k.cols(), Eigen::Index(1));
    QVERIFY(std::abs(k(0, 0) - std::exp(-0.5)) < 1e-12);  // ‖(0,0) − (1,0)‖² = 1
    QVERIFY(std::abs(k(1, 0) - std::exp(-2.0)) < 1e-12);  // ‖(1,2) − (1,0)‖² = 4
    QVERIFY(std::abs(rbfKernel(a, a, 0.5).diagonal().sum() - 2.0) < 1e-12);
  }

  // With every training row a landmark, φ(x)·φ(y) = K U Λ⁻¹ Uᵀ K = K on those rows.
  void nystroemReproducesKernelOnLandmarks() {
    const Eigen::MatrixXd data = gaussianData(40, 5, 1);
    const std::vector<int> train = range(0, 30);
    TableExpansionOptions o;
    o.kernelMap = KernelMap::Nystroem;
    o.gamma = 0.3;
    o.eigenvalueFloor = 1e-12;
    const TableExpansion e = TableExpansion::fit(data, train, o, 7);
    QCOMPARE(e.kernelDimension(), 30);  // a well-conditioned K keeps every direction
    QCOMPARE(e.dimension(), 35);
    const Eigen::MatrixXd phi = e.kernelFeatures(data, train);
    const Eigen::MatrixXd x = e.standardised(data, train);
    const double err = (phi * phi.transpose() - rbfKernel(x, x, o.gamma)).cwiseAbs().maxCoeff();
    QVERIFY2(err < 1e-8, qPrintable(QString::number(err)));

    // Off the landmarks φ(x)·φ(y) = k(x, L) K⁻¹ k(L, y) (the Nyström formula, here by a direct
    // solve), and as a projection in feature space ‖φ(x)‖² ≤ k(x, x) = 1.
    const std::vector<int> held = range(30, 40);
    const Eigen::MatrixXd test = e.kernelFeatures(data, held);
    const Eigen::MatrixXd kxl = rbfKernel(e.standardised(data, held), x, o.gamma);
    const Eigen::MatrixXd direct = kxl * rbfKernel(x, x, o.gamma).ldlt().solve(kxl.transpose());
    QVERIFY((test * test.transpose() - direct).cwiseAbs().maxCoeff() < 1e-6);
    QVERIFY(test.rowwise().squaredNorm().maxCoeff() <= 1.0 + 1e-9);
    QVERIFY(test.rowwise().squaredNorm().maxCoeff() > 1e-3);  // not all zero
  }

  // The relative floor drops near-null directions of a singular K (duplicate rows).
  void nystroemDropsNullDirections() {
    Eigen::MatrixXd data = gaussianData(20, 3, 2);
    for (int r = 10; r < 20; ++r) data.row(r) = data.row(r - 10);  // every row twice
    TableExpansionOptions o;
    o.kernelMap = KernelMap::Nystroem;
    o.gamma = 0.5;
    const TableExpansion e = TableExpansion::fit(data, range(0, 20), o, 1);
    QCOMPARE(e.kernelDimension(), 10);
    const Eigen::MatrixXd phi = e.kernelFeatures(data, range(0, 20));
    QVERIFY(phi.allFinite());
    const Eigen::MatrixXd x = e.standardised(data, range(0, 20));
    QVERIFY((phi * phi.transpose() - rbfKernel(x, x, o.gamma)).cwiseAbs().maxCoeff() < 1e-4);
  }

  // Fitting looks at the training rows only: changing the other rows changes nothing.
  void fitUsesTrainingRowsOnly() {
    const Eigen::MatrixXd data = gaussianData(30, 4, 3);
    Eigen::MatrixXd changed = data;
    changed.bottomRows(10).setConstant(1000.0);
    const std::vector<int> train = range(0, 20);
    for (KernelMap map : {KernelMap::Nystroem, KernelMap::Fourier}) {
      TableExpansionOptions o;
      o.kernelMap = map;
      o.fourierFeatures = 50;
      const TableExpansion a = TableExpansion::fit(data, train, o, 9);
      const TableExpansion b = TableExpansion::fit(changed, train, o, 9);
      QCOMPARE(a.kernelDimension(), b.kernelDimension());
      QCOMPARE(Eigen::MatrixXf(a.transform(data, train)),
               Eigen::MatrixXf(b.transform(changed, train)));
    }
  }

  // More training rows than landmarks: a seeded subset, the same for the same seed.
  void nystroemLandmarkSubsetIsSeeded() {
    const Eigen::MatrixXd data = gaussianData(50, 4, 4);
    TableExpansionOptions o;
    o.kernelMap = KernelMap::Nystroem;
    o.landmarks = 12;
    o.gamma = 0.2;
    const std::vector<int> train = range(0, 50);
    const TableExpansion a = TableExpansion::fit(data, train, o, 11);
    const TableExpansion b = TableExpansion::fit(data, train, o, 11);
    const TableExpansion c = TableExpansion::fit(data, train, o, 12);
    QCOMPARE(a.kernelDimension(), 12);
    const Eigen::MatrixXd fa = a.kernelFeatures(data, train), fc = c.kernelFeatures(data, train);
    QCOMPARE(fa, b.kernelFeatures(data, train));
    // Different landmarks give a different basis but the same kind of approximation:
    // Gram matrices differ slightly, both bounded by k(x, x) = 1.
    QVERIFY((fa * fa.transpose() - fc * fc.transpose()).cwiseAbs().maxCoeff() > 1e-6);
    QVERIFY(fa.rowwise().squaredNorm().maxCoeff() <= 1.0 + 1e-9);
  }

  // Random Fourier features approximate the kernel in expectation: error ~ 1/√D.
  void fourierApproximatesKernel() {
    const Eigen::MatrixXd data = gaussianData(10, 3, 5);
    TableExpansionOptions o;
    o.kernelMap = KernelMap::Fourier;
    o.fourierFeatures = 20000;
    o.gamma = 0.3;
    const std::vector<int> rows = range(0, 10);
    const TableExpansion e = TableExpansion::fit(data, rows, o, 3);
    QCOMPARE(e.dimension(), 3 + 20000);
    const Eigen::MatrixXd phi = e.kernelFeatures(data, rows);
    const Eigen::MatrixXd x = e.standardised(data, rows);
    const double err = (phi * phi.transpose() - rbfKernel(x, x, o.gamma)).cwiseAbs().maxCoeff();
    QVERIFY2(err < 0.05, qPrintable(QString::number(err)));
  }

  // transform = [x·denseWeight/√F, φ·kernelWeight]; KernelMap::None keeps the first block.
  void transformWeightsTheBlocks() {
    const Eigen::MatrixXd data = gaussianData(12, 4, 6);
    const std::vector<int> rows = range(0, 12);
    TableExpansionOptions o;
    o.kernelMap = KernelMap::Nystroem;
    o.denseWeight = 3.0;
    o.kernelWeight = 0.5;
    const TableExpansion e = TableExpansion::fit(data, rows, o, 1);
    const Eigen::MatrixXf t(e.transform(data, rows));
    QCOMPARE(t.cols(), Eigen::Index(e.dimension()));
    const Eigen::MatrixXf dense = (e.standardised(data, rows) * 1.5).cast<float>();
    QVERIFY((t.leftCols(4) - dense).cwiseAbs().maxCoeff() < 1e-5f);
    const Eigen::MatrixXf kernel = (e.kernelFeatures(data, rows) * 0.5).cast<float>();
    QVERIFY((t.rightCols(t.cols() - 4) - kernel).cwiseAbs().maxCoeff() < 1e-5f);

    o.kernelMap = KernelMap::None;
    const TableExpansion none = TableExpansion::fit(data, rows, o, 1);
    QCOMPARE(none.dimension(), 4);
    QCOMPARE(Eigen::MatrixXf(none.transform(data, rows)).cols(), Eigen::Index(4));
  }
};

QTEST_GUILESS_MAIN(TableFeaturesTest)
#include "tst_tablefeatures.moc"
