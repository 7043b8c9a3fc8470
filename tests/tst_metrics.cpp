#include <QtTest>
#include <cmath>
#include <random>
#include <vector>

#include "core/eval/metrics.h"

using namespace songspace::core;

namespace {

// O(n²) definition of AUC, the reference for the O(n log n) implementation.
double bruteAuc(const std::vector<float>& s, const std::vector<char>& rel) {
  double good = 0, pairs = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!rel[i]) continue;
    for (std::size_t j = 0; j < s.size(); ++j) {
      if (rel[j]) continue;
      pairs += 1;
      good += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
    }
  }
  return good / pairs;
}

}  // namespace

class MetricsTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void calibrationErrorHandComputed() {
    // Bins of width 0.1: {0.05, 0.08} in bin 0 (mean p 0.065, mean y 0.5), {0.95, 1.0} in bin 9
    // (mean p 0.975, mean y 1), 0.45 alone in bin 4 (y 0).
    const std::vector<float> p{0.05f, 0.08f, 0.95f, 1.0f, 0.45f};
    const std::vector<char> y{0, 1, 1, 1, 0};
    const double ece = (2 * std::abs(0.5 - 0.065) + 2 * std::abs(1.0 - 0.975) + 0.45) / 5;
    QVERIFY(std::abs(expectedCalibrationError(p, y) - ece) < 1e-6);
    const double brier =
        (0.05 * 0.05 + 0.92 * 0.92 + 0.05 * 0.05 + 0.0 + 0.45 * 0.45) / 5;  // mean (p − y)²
    QVERIFY(std::abs(brierScore(p, y) - brier) < 1e-6);
    const auto bins = reliabilityBins(p, y);
    QCOMPARE(int(bins.size()), 10);
    QCOMPARE(bins[0].count, 2);
    QCOMPARE(bins[9].count, 2);  // p = 1 belongs to the last bin
    QCOMPARE(bins[4].count, 1);
    QCOMPARE(bins[5].count, 0);
    // Perfectly calibrated and perfectly sharp predictions: both 0. Empty input: 0.
    const std::vector<float> sure{0.0f, 1.0f, 1.0f};
    const std::vector<char> right{0, 1, 1};
    QCOMPARE(expectedCalibrationError(sure, right), 0.0);
    QCOMPARE(brierScore(sure, right), 0.0);
    QCOMPARE(expectedCalibrationError({}, {}), 0.0);
    // Always saying 0.5 to a fair coin is calibrated (ECE 0) but not sharp (Brier 0.25).
    const std::vector<float> half(4, 0.5f);
    const std::vector<char> coin{0, 1, 1, 0};
    QCOMPARE(expectedCalibrationError(half, coin), 0.0);
    QCOMPARE(brierScore(half, coin), 0.25);
  }

  void handComputedQuery() {
    // Ranking 0..5; relevant at ranks 1, 3, 6.
    const std::vector<float> scores{0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f};
    const std::vector<char> rel{1, 0, 1, 0, 0, 1};
    QueryMetrics m;
    QVERIFY(scoreQuery(scores, rel, m));
    QCOMPARE(m.p1, 1.0);
    QCOMPARE(m.p5, 0.4);
    QCOMPARE(m.p10, 0.3);  // fewer than 10 items: still divided by 10
    QVERIFY(qAbs(m.averagePrecision - (1.0 + 2.0 / 3.0 + 3.0 / 6.0) / 3.0) < 1e-12);
    QVERIFY(qAbs(m.auc - 5.0 / 9.0) < 1e-12);  // 3 + 2 + 0 of 9 pairs
  }

  void unsortedScores() {
    // Same query with the items permuted: the metrics only depend on scores.
    const std::vector<float> scores{0.4f, 0.6f, 0.9f, 0.5f, 0.7f, 0.8f};
    const std::vector<char> rel{1, 0, 1, 0, 1, 0};
    const auto ranking = rankByScore(scores);
    QCOMPARE(ranking, (std::vector<int>{2, 5, 4, 1, 3, 0}));
    QCOMPARE(precisionAtK(ranking, rel, 1), 1.0);
    QVERIFY(qAbs(averagePrecision(ranking, rel) - (1.0 + 2.0 / 3.0 + 0.5) / 3.0) < 1e-12);
    QVERIFY(qAbs(rocAuc(scores, rel) - 5.0 / 9.0) < 1e-12);
  }

  void ties() {
    // A tie between the relevant item and an irrelevant one counts 1/2.
    QCOMPARE(rocAuc(std::vector<float>{1, 1, 0}, std::vector<char>{1, 0, 0}), 0.75);
    QCOMPARE(rocAuc(std::vector<float>{1, 1, 0}, std::vector<char>{0, 1, 0}), 0.75);
    // All tied: chance level.
    QCOMPARE(rocAuc(std::vector<float>{2, 2, 2, 2}, std::vector<char>{1, 0, 1, 0}), 0.5);
    // Ranking breaks ties by lower index.
    const std::vector<float> tied{1, 1, 0};
    QCOMPARE(rankByScore(tied), (std::vector<int>{0, 1, 2}));
    QCOMPARE(precisionAtK(rankByScore(tied), std::vector<char>{0, 1, 0}, 1), 0.0);
  }

  void fewerThanK() {
    const std::vector<float> scores{3, 2, 1};
    const std::vector<char> rel{1, 1, 1};
    const auto ranking = rankByScore(scores);
    QCOMPARE(precisionAtK(ranking, rel, 5), 0.6);
    QCOMPARE(averagePrecision(ranking, rel), 1.0);
    QCOMPARE(rocAuc(scores, rel), 0.5);  // no irrelevant item: no pairs
  }

  void noRelevantIsSkipped() {
    RankingAccumulator acc;
    QVERIFY(!acc.addQuery(std::vector<float>{1, 2}, std::vector<char>{0, 0}));
    QCOMPARE(acc.queries(), 0);
    QVERIFY(acc.addQuery(std::vector<float>{1, 2}, std::vector<char>{1, 0}));  // worst case
    QVERIFY(acc.addQuery(std::vector<float>{1, 2}, std::vector<char>{0, 1}));  // best case
    const RankingMetrics r = acc.result();
    QCOMPARE(r.queries, 2);
    QCOMPARE(r.p1, 0.5);
    QCOMPARE(r.map, (0.5 + 1.0) / 2.0);
    QCOMPARE(r.auc, 0.5);
    QCOMPARE(r.p5, (0.2 + 0.2) / 2.0);
  }

  void mergeEqualsSequential() {
    RankingAccumulator a, b, all;
    const std::vector<float> s1{0.1f, 0.9f, 0.5f}, s2{0.3f, 0.2f, 0.1f};
    const std::vector<char> r1{1, 0, 0}, r2{0, 1, 1};
    a.addQuery(s1, r1);
    b.addQuery(s2, r2);
    all.addQuery(s1, r1);
    all.addQuery(s2, r2);
    // Results of separate runs pool as their accumulators would (fromResult), weighted by queries.
    RankingAccumulator c = b;
    c.addQuery(s1, r1);
    RankingAccumulator fromResults = RankingAccumulator::fromResult(all.result());
    fromResults.merge(RankingAccumulator::fromResult(c.result()));
    a.merge(b);
    QCOMPARE(a.result().map, all.result().map);
    QCOMPARE(a.result().queries, 2);
    a.merge(c);
    QCOMPARE(fromResults.result().queries, 4);
    QVERIFY(std::abs(fromResults.result().map - a.result().map) < 1e-12);
    QVERIFY(std::abs(fromResults.result().p1 - a.result().p1) < 1e-12);
    QVERIFY(std::abs(fromResults.result().auc - a.result().auc) < 1e-12);
  }

  void aucMatchesBruteForce() {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> level(0, 5);  // few levels: many ties
    for (int trial = 0; trial < 50; ++trial) {
      const int n = 2 + trial;
      std::vector<float> s(n);
      std::vector<char> rel(n);
      for (int i = 0; i < n; ++i) {
        s[i] = static_cast<float>(level(rng));
        rel[i] = static_cast<char>(level(rng) < 2);
      }
      rel[0] = 1;
      rel[1] = 0;
      QVERIFY(qAbs(rocAuc(s, rel) - bruteAuc(s, rel)) < 1e-12);
    }
  }
};

QTEST_GUILESS_MAIN(MetricsTest)
#include "tst_metrics.moc"
