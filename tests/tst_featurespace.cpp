#include <QtTest>
#include <cmath>

#include "core/model/featurespace.h"
#include "core/model/trainer_plan.h"

using songspace::core::FeatureSpace;
using songspace::core::RawSongFeatures;

namespace {

// Three songs over four codewords, values checked by hand (df = [2, 2, 1, 0], N = 3).
std::vector<RawSongFeatures> tinyCorpus() {
  return {
      {{{0, 2.0f}, {1, 1.0f}}, {1.0f, 10.0f}},
      {{{0, 1.0f}, {2, 3.0f}}, {2.0f, 10.0f}},
      {{{1, 1.0f}}, {3.0f, 10.0f}},
  };
}

float valueAt(const Eigen::SparseVector<float>& v, int index) {
  return v.coeff(index);
}

}  // namespace

class FeatureSpaceTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void smoothIdfGoldenValues() {
    const FeatureSpace space = FeatureSpace::fit(tinyCorpus(), 4);
    QCOMPARE(space.codewords, 4);
    QCOMPARE(space.dimension(), 6);
    // idf = ln((1 + N) / (1 + df)) + 1
    const double expected[] = {1.2876820725, 1.2876820725, 1.6931471806, 2.3862943611};
    for (int k = 0; k < 4; ++k) QVERIFY(std::abs(space.idf[k] - expected[k]) < 1e-6);
  }

  void tfIdfIsL2Normalised() {
    const auto corpus = tinyCorpus();
    const FeatureSpace space = FeatureSpace::fit(corpus, 4);
    const Eigen::SparseVector<float> a = space.transform(corpus[0]);
    const Eigen::SparseVector<float> b = space.transform(corpus[1]);
    const Eigen::SparseVector<float> c = space.transform(corpus[2]);
    QVERIFY(std::abs(valueAt(a, 0) - 0.8944271910f) < 1e-6f);  // 2/sqrt(5): same idf cancels
    QVERIFY(std::abs(valueAt(a, 1) - 0.4472135955f) < 1e-6f);
    QVERIFY(std::abs(valueAt(b, 0) - 0.2457352534f) < 1e-6f);
    QVERIFY(std::abs(valueAt(b, 2) - 0.9693369823f) < 1e-6f);
    QCOMPARE(valueAt(c, 1), 1.0f);
    QCOMPARE(valueAt(a, 2), 0.0f);
    // Codeword block first (only its nonzeros), then the whole summary block at 4, 5.
    QCOMPARE(a.nonZeros(), 4);
    QCOMPARE(a.size(), 6);
  }

  void summaryIsStandardisedAndScaled() {
    const auto corpus = tinyCorpus();
    const FeatureSpace space = FeatureSpace::fit(corpus, 4, 0.5f);
    QVERIFY(std::abs(space.summaryMean[0] - 2.0f) < 1e-6f);
    QVERIFY(std::abs(space.summaryMean[1] - 10.0f) < 1e-6f);
    QVERIFY(std::abs(space.summaryInvStd[0] - 1.0f / std::sqrt(2.0f / 3.0f)) < 1e-5f);
    QCOMPARE(space.summaryInvStd[1], 1e6f);  // constant feature: std floored at 1e-6
    const Eigen::SparseVector<float> a = space.transform(corpus[0]);
    // (1 − 2) / sqrt(2/3) · 0.5 / sqrt(2)
    QVERIFY(std::abs(valueAt(a, 4) - (-0.4330127019f)) < 1e-6f);
    QCOMPARE(valueAt(a, 5), 0.0f);
  }

  void summaryNormIsAboutTheWeight() {
    songspace::base::Xoshiro256 rng(3);
    std::vector<RawSongFeatures> songs(2000);
    for (auto& song : songs) {
      song.codewordCounts = {{0, 1.0f}};
      for (int i = 0; i < 20; ++i)
        song.summary.push_back(
            static_cast<float>(100.0 * i + (i + 1) * songspace::base::standardNormal(rng)));
    }
    const float weight = 0.7f;
    const FeatureSpace space = FeatureSpace::fit(songs, 1, weight);
    double meanSquaredNorm = 0;
    for (const auto& song : songs) {
      const Eigen::SparseVector<float> x = space.transform(song);
      double squared = 0;
      for (int i = 1; i < x.size(); ++i) squared += double(x.coeff(i)) * x.coeff(i);
      meanSquaredNorm += squared / songs.size();
    }
    // Standardised with the population std: E‖z‖² = dim exactly, scaled by weight²/dim.
    QVERIFY2(std::abs(meanSquaredNorm - weight * weight) < 1e-3,
             qPrintable(QString::number(meanSquaredNorm)));
  }

  void oddInputs() {
    const FeatureSpace space = FeatureSpace::fit(tinyCorpus(), 4);
    // Out-of-range codewords are ignored, unsorted input is sorted, a missing summary sits at the
    // mean (0), an empty histogram stays empty (no division by zero).
    RawSongFeatures odd{{{2, 1.0f}, {9, 5.0f}, {0, 1.0f}}, {}};
    const Eigen::SparseVector<float> x = space.transform(odd);
    QCOMPARE(x.size(), 6);
    QVERIFY(std::abs(Eigen::Vector4f(x.coeff(0), x.coeff(1), x.coeff(2), x.coeff(3)).norm() - 1) <
            1e-6f);
    QCOMPARE(x.coeff(4), 0.0f);
    const Eigen::SparseVector<float> empty = space.transform(RawSongFeatures{});
    QCOMPARE(empty.size(), 6);
    for (int i = 0; i < empty.size(); ++i) QCOMPARE(empty.coeff(i), 0.0f);
    const FeatureSpace none = FeatureSpace::fit({}, 3);
    QCOMPARE(none.dimension(), 3);
    QVERIFY(std::abs(none.idf[0] - 1.0f) < 1e-7f);  // ln(1/1) + 1
  }
};

QTEST_GUILESS_MAIN(FeatureSpaceTest)
#include "tst_featurespace.moc"
