#pragma once

#include <span>
#include <string>
#include <vector>

namespace songspace::core {

// Ranking quality of one query (docs/design.md §3). Items are ranked by descending score;
// equal scores are ordered by lower item index, so callers that want ties broken fairly shuffle
// the candidate order first (see evaluation.cpp).
struct QueryMetrics {
  double p1 = 0;
  double p5 = 0;
  double p10 = 0;
  double averagePrecision = 0;
  double auc = 0;
};

// The positions of `scores` from best to worst (descending score, ties by lower index).
std::vector<int> rankByScore(std::span<const float> scores);

// Fraction of the first k ranked items that are relevant. When fewer than k items exist the
// count is still divided by k (the TREC convention), so a query with 3 candidates cannot reach
// p@5 = 1: the value says "how many of the k slots a user sees are useful".
double precisionAtK(std::span<const int> ranking, std::span<const char> relevant, int k);

// Mean over the relevant items of the precision at their rank; 0 when none is relevant.
double averagePrecision(std::span<const int> ranking, std::span<const char> relevant);

// Fraction of (relevant, irrelevant) pairs where the relevant item scores higher; ties count 1/2.
// Computed from ranks of the sorted scores (Mann–Whitney U), O(n log n). 0.5 when either side is
// empty.
double rocAuc(std::span<const float> scores, std::span<const char> relevant);

// All metrics of one query. Returns false (query skipped) when no candidate is relevant, since
// p@k, AP and AUC say nothing about such a query.
bool scoreQuery(std::span<const float> scores, std::span<const char> relevant, QueryMetrics& out);

// Calibration of probabilities p_i ∈ [0, 1] against binary outcomes y_i ∈ {0, 1} (same sizes).
// Expected calibration error (Naeini et al. 2015; Guo et al. 2017, eq. 3): the probabilities in
// `bins` equal-width bins of [0, 1] (p = 1 in the last), and Σ_b (n_b / n) |mean y − mean p| over
// the bins. Brier score (Brier 1950): mean (p_i − y_i)². Both 0 for empty input.
double expectedCalibrationError(std::span<const float> probabilities,
                                std::span<const char> outcomes, int bins = 10);
// The bins behind it (a reliability diagram): bin b holds the probabilities in [b/bins,
// (b+1)/bins) (the last also 1), with their count and sums. ECE from bins pooled over several
// runs is expectedCalibrationError(bins) below. Empty input or bins < 1: all zero / empty.
struct ReliabilityBin {
  int count = 0;
  double sumProbability = 0;
  double sumOutcome = 0;
};
std::vector<ReliabilityBin> reliabilityBins(std::span<const float> probabilities,
                                            std::span<const char> outcomes, int bins = 10);
double expectedCalibrationError(std::span<const ReliabilityBin> bins);
double brierScore(std::span<const float> probabilities, std::span<const char> outcomes);

// Means over the queries added so far.
struct RankingMetrics {
  double p1 = 0;
  double p5 = 0;
  double p10 = 0;
  double map = 0;
  double auc = 0;
  int queries = 0;
};

// One method's metrics in a comparison ("model", "knn", "popularity", "random").
struct MethodMetrics {
  std::string method;
  RankingMetrics metrics;
};

class RankingAccumulator {
 public:
  void add(const QueryMetrics& query);
  // Scores one query and adds it unless it has no relevant candidate; returns whether it counted.
  bool addQuery(std::span<const float> scores, std::span<const char> relevant);
  void merge(const RankingAccumulator& other);
  // The accumulator whose result() is `means` (its sums restored as means × queries), to pool the
  // results of separate runs with merge().
  static RankingAccumulator fromResult(const RankingMetrics& means);
  RankingMetrics result() const;
  int queries() const { return m_queries; }

 private:
  double m_p1 = 0, m_p5 = 0, m_p10 = 0, m_ap = 0, m_auc = 0;
  int m_queries = 0;
};

}  // namespace songspace::core
