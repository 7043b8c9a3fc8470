#include "core/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace songspace::core {

std::vector<int> rankByScore(std::span<const float> scores) {
  std::vector<int> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] > scores[b]; });
  return order;
}

double precisionAtK(std::span<const int> ranking, std::span<const char> relevant, int k) {
  if (k <= 0) return 0;
  const int n = std::min<int>(k, static_cast<int>(ranking.size()));
  int hits = 0;
  for (int i = 0; i < n; ++i) hits += relevant[ranking[i]] ? 1 : 0;
  return static_cast<double>(hits) / k;
}

double averagePrecision(std::span<const int> ranking, std::span<const char> relevant) {
  int hits = 0;
  double sum = 0;
  for (std::size_t i = 0; i < ranking.size(); ++i) {
    if (!relevant[ranking[i]]) continue;
    ++hits;
    sum += static_cast<double>(hits) / static_cast<double>(i + 1);
  }
  return hits == 0 ? 0.0 : sum / hits;
}

double rocAuc(std::span<const float> scores, std::span<const char> relevant) {
  const std::size_t n = scores.size();
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] < scores[b]; });
  // Sum of the (1-based, tie-averaged) ascending ranks of the relevant items.
  double rankSum = 0;
  double positives = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[order[j]] == scores[order[i]]) ++j;
    const double midRank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t t = i; t < j; ++t) {
      if (relevant[order[t]]) {
        rankSum += midRank;
        positives += 1;
      }
    }
    i = j;
  }
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0) return 0.5;
  const double u = rankSum - positives * (positives + 1) / 2.0;
  return u / (positives * negatives);
}

bool scoreQuery(std::span<const float> scores, std::span<const char> relevant, QueryMetrics& out) {
  if (std::none_of(relevant.begin(), relevant.end(), [](char r) { return r != 0; })) return false;
  const std::vector<int> ranking = rankByScore(scores);
  out.p1 = precisionAtK(ranking, relevant, 1);
  out.p5 = precisionAtK(ranking, relevant, 5);
  out.p10 = precisionAtK(ranking, relevant, 10);
  out.averagePrecision = averagePrecision(ranking, relevant);
  out.auc = rocAuc(scores, relevant);
  return true;
}

void RankingAccumulator::add(const QueryMetrics& query) {
  m_p1 += query.p1;
  m_p5 += query.p5;
  m_p10 += query.p10;
  m_ap += query.averagePrecision;
  m_auc += query.auc;
  ++m_queries;
}

bool RankingAccumulator::addQuery(std::span<const float> scores, std::span<const char> relevant) {
  QueryMetrics query;
  if (!scoreQuery(scores, relevant, query)) return false;
  add(query);
  return true;
}

void RankingAccumulator::merge(const RankingAccumulator& other) {
  m_p1 += other.m_p1;
  m_p5 += other.m_p5;
  m_p10 += other.m_p10;
  m_ap += other.m_ap;
  m_auc += other.m_auc;
  m_queries += other.m_queries;
}

RankingAccumulator RankingAccumulator::fromResult(const RankingMetrics& means) {
  RankingAccumulator acc;
  const double n = means.queries;
  acc.m_p1 = means.p1 * n;
  acc.m_p5 = means.p5 * n;
  acc.m_p10 = means.p10 * n;
  acc.m_ap = means.map * n;
  acc.m_auc = means.auc * n;
  acc.m_queries = means.queries;
  return acc;
}

RankingMetrics RankingAccumulator::result() const {
  RankingMetrics r;
  r.queries = m_queries;
  if (m_queries == 0) return r;
  const double n = m_queries;
  r.p1 = m_p1 / n;
  r.p5 = m_p5 / n;
  r.p10 = m_p10 / n;
  r.map = m_ap / n;
  r.auc = m_auc / n;
  return r;
}

std::vector<ReliabilityBin> reliabilityBins(std::span<const float> probabilities,
                                            std::span<const char> outcomes, int bins) {
  if (probabilities.size() != outcomes.size() || bins < 1) return {};
  std::vector<ReliabilityBin> out(static_cast<std::size_t>(bins));
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const double p = std::clamp(static_cast<double>(probabilities[i]), 0.0, 1.0);
    ReliabilityBin& bin =
        out[static_cast<std::size_t>(std::min(static_cast<int>(p * bins), bins - 1))];
    ++bin.count;
    bin.sumProbability += p;
    bin.sumOutcome += outcomes[i] ? 1 : 0;
  }
  return out;
}

double expectedCalibrationError(std::span<const ReliabilityBin> bins) {
  double n = 0, gap = 0;
  for (const ReliabilityBin& bin : bins) {
    n += bin.count;
    gap += std::abs(bin.sumOutcome - bin.sumProbability);
  }
  return n > 0 ? gap / n : 0.0;
}

double expectedCalibrationError(std::span<const float> probabilities,
                                std::span<const char> outcomes, int bins) {
  return expectedCalibrationError(reliabilityBins(probabilities, outcomes, bins));
}

double brierScore(std::span<const float> probabilities, std::span<const char> outcomes) {
  if (probabilities.empty() || probabilities.size() != outcomes.size()) return 0;
  double sum = 0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const double d = static_cast<double>(probabilities[i]) - (outcomes[i] ? 1.0 : 0.0);
    sum += d * d;
  }
  return sum / static_cast<double>(probabilities.size());
}

}  // namespace songspace::core
