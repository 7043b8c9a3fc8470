#include "core/map/tsneaffinity.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>
#include <tuple>
#include <utility>

// hnswlib's SSE path prefetches one link past the end of each neighbour list (hnswalg.h,
// searchBaseLayer), a heap over-read AddressSanitizer reports; without it the library falls back to
// scalar distances, so SquaredL2 below supplies its own vectorised one.
#define NO_MANUAL_VECTORIZATION
#include <hnswlib/hnswlib.h>

#include "core/base/parallelranges.h"

namespace songspace::core {

namespace {

// Rows per dot-product block: 128 × n floats stays near the size of the L2/L3 caches for n in
// the tens of thousands while keeping GEMM efficient.
constexpr Eigen::Index kKnnBlockRows = 128;
constexpr int kBinarySearchSteps = 100;
constexpr std::size_t kHnswLinks = 16;          // M: links per node (hnswlib's default)
constexpr std::size_t kHnswConstruction = 100;  // efConstruction
constexpr int kHnswSearchFactor = 2;            // ef = 2k at query time
constexpr std::size_t kHnswSeed = 100;
constexpr double kEntropyTolerance = 1e-5;

// Squared Euclidean distance between two rows of `dimension` floats, vectorised by Eigen.
class SquaredL2 final : public hnswlib::SpaceInterface<float> {
 public:
  explicit SquaredL2(std::size_t dimension) : dimension_(dimension) {}
  std::size_t get_data_size() override { return dimension_ * sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return &distance; }
  void* get_dist_func_param() override { return &dimension_; }

 private:
  static float distance(const void* a, const void* b, const void* dimension) {
    const auto d = static_cast<Eigen::Index>(*static_cast<const std::size_t*>(dimension));
    const Eigen::Map<const Eigen::VectorXf> x(static_cast<const float*>(a), d);
    const Eigen::Map<const Eigen::VectorXf> y(static_cast<const float*>(b), d);
    return (x - y).squaredNorm();
  }
  std::size_t dimension_;
};

// body(begin, end) over [0, n) on up to `threads` threads, at least 1 024 rows each.
template <typename Body>
void runRows(int n, int threads, const Body& body) {
  base::parallelRanges(n, threads, 1024, body);
}

}  // namespace

void calibrateAffinities(const float* distances, int k, double perplexity, double* probabilities) {
  const double targetEntropy = std::log(perplexity);
  // Shifting by the smallest distance leaves the normalised row unchanged but avoids underflow.
  const double shift = distances[0];
  double beta = 1.0;
  double low = 0.0;
  double high = std::numeric_limits<double>::infinity();
  for (int step = 0; step < kBinarySearchSteps; ++step) {
    double sum = 0;
    double weighted = 0;
    for (int j = 0; j < k; ++j) {
      const double d = distances[j] - shift;
      probabilities[j] = std::exp(-beta * d);
      sum += probabilities[j];
      weighted += d * probabilities[j];
    }
    const double entropy = std::log(sum) + beta * weighted / sum;
    for (int j = 0; j < k; ++j) probabilities[j] /= sum;
    const double error = entropy - targetEntropy;
    if (std::abs(error) < kEntropyTolerance) break;
    if (error > 0) {  // too flat: sharpen
      low = beta;
      beta = std::isinf(high) ? beta * 2 : (beta + high) / 2;
    } else {
      high = beta;
      beta = (beta + low) / 2;
    }
  }
}

void exactKnn(const Eigen::MatrixXf& points, int k, std::vector<int>& indices,
              std::vector<float>& squaredDistances) {
  const Eigen::Index n = points.rows();
  indices.assign(static_cast<size_t>(n) * k, -1);
  squaredDistances.assign(static_cast<size_t>(n) * k, 0.0f);
  if (n == 0 || k <= 0) return;
  const Eigen::VectorXf norms = points.rowwise().squaredNorm();
  std::vector<std::pair<float, int>> candidates;
  candidates.reserve(static_cast<size_t>(n));
  for (Eigen::Index begin = 0; begin < n; begin += kKnnBlockRows) {
    const Eigen::Index rows = std::min(kKnnBlockRows, n - begin);
    const Eigen::MatrixXf dots = points.middleRows(begin, rows) * points.transpose();
    for (Eigen::Index r = 0; r < rows; ++r) {
      const Eigen::Index i = begin + r;
      candidates.clear();
      for (Eigen::Index j = 0; j < n; ++j) {
        if (j == i) continue;
        const float d = std::max(0.0f, norms(i) + norms(j) - 2.0f * dots(r, j));
        candidates.emplace_back(d, static_cast<int>(j));
      }
      const auto kth = candidates.begin() + std::min<Eigen::Index>(k, n - 1);
      std::partial_sort(candidates.begin(), kth, candidates.end());
      for (int j = 0; j < k && j < n - 1; ++j) {
        indices[static_cast<size_t>(i) * k + j] = candidates[j].second;
        squaredDistances[static_cast<size_t>(i) * k + j] = candidates[j].first;
      }
    }
  }
}

void approximateKnn(const Eigen::MatrixXf& points, int k, std::vector<int>& indices,
                    std::vector<float>& squaredDistances, int threads) {
  const auto n = static_cast<int>(points.rows());
  const auto d = static_cast<std::size_t>(points.cols());
  indices.assign(static_cast<size_t>(n) * static_cast<size_t>(std::max(k, 0)), -1);
  squaredDistances.assign(indices.size(), 0.0f);
  if (n == 0 || k <= 0) return;
  k = std::min(k, n - 1);
  // hnswlib reads each point as d contiguous floats: rows of a column-major matrix are not.
  const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = points;
  SquaredL2 space(d);
  hnswlib::HierarchicalNSW<float> graph(&space, static_cast<std::size_t>(n), kHnswLinks,
                                        kHnswConstruction, kHnswSeed);
  threads = std::clamp(threads, 1, std::max(1, n / 1024));
  {
    // hnswlib's addPoint locks the links it changes, so threads may insert side by side (as its
    // Python binding's add_items does). The first point goes in alone: it is the entry point.
    graph.addPoint(rows.row(0).data(), 0);
    std::atomic<int> next{1};
    auto insert = [&] {
      constexpr int kBatch = 256;  // points claimed at once: few atomic operations, even load
      for (int begin = next.fetch_add(kBatch); begin < n; begin = next.fetch_add(kBatch)) {
        for (int i = begin; i < std::min(n, begin + kBatch); ++i)
          graph.addPoint(rows.row(i).data(), static_cast<std::size_t>(i));
      }
    };
    std::vector<std::jthread> inserters;
    for (int t = 1; t < threads; ++t) inserters.emplace_back(insert);
    insert();
  }
  graph.setEf(static_cast<std::size_t>(std::max(kHnswSearchFactor * k, k + 1)));

  const int stride = static_cast<int>(indices.size() / static_cast<size_t>(n));
  auto queryRows = [&](int begin, int end) {
    std::vector<std::pair<float, int>> found;
    for (int i = begin; i < end; ++i) {
      auto result = graph.searchKnn(rows.row(i).data(), static_cast<std::size_t>(k) + 1);
      found.clear();
      while (!result.empty()) {
        const auto label = static_cast<int>(result.top().second);
        if (label != i) found.emplace_back(result.top().first, label);
        result.pop();
      }
      std::sort(found.begin(), found.end());
      if (static_cast<int>(found.size()) < k) {  // a sparse graph corner: scan this row exactly
        found.clear();
        for (int j = 0; j < n; ++j)
          if (j != i) found.emplace_back((rows.row(i) - rows.row(j)).squaredNorm(), j);
        std::partial_sort(found.begin(), found.begin() + k, found.end());
      }
      for (int r = 0; r < k; ++r) {
        indices[static_cast<size_t>(i) * stride + r] = found[static_cast<size_t>(r)].second;
        squaredDistances[static_cast<size_t>(i) * stride + r] = found[static_cast<size_t>(r)].first;
      }
    }
  };
  runRows(n, threads, queryRows);
}

SparseAffinities perplexityAffinities(const Eigen::MatrixXf& points, double perplexity, int k,
                                      KnnMethod method, int threads) {
  const int n = static_cast<int>(points.rows());
  SparseAffinities result;
  result.rowStart.assign(static_cast<size_t>(n) + 1, 0);
  if (n < 2 || k <= 0) return result;
  k = std::min(k, n - 1);
  std::vector<int> neighbours;
  std::vector<float> distances;
  if (method == KnnMethod::Approximate)
    approximateKnn(points, k, neighbours, distances, threads);
  else
    exactKnn(points, k, neighbours, distances);

  // Conditional P, row by row (independent rows: split across the threads).
  std::vector<double> conditional(static_cast<size_t>(n) * k);
  runRows(n, threads, [&](int begin, int end) {
    for (int i = begin; i < end; ++i) {
      calibrateAffinities(&distances[static_cast<size_t>(i) * k], k, perplexity,
                          &conditional[static_cast<size_t>(i) * k]);
    }
  });
  // P + P^T in compressed rows: row i holds its own k entries and one per row that lists i, so
  // count, place, then sort each row by column and add the pairs that occur both ways.
  std::vector<int> start(static_cast<size_t>(n) + 1, 0);
  for (int i = 0; i < n; ++i) {
    start[i + 1] += k;
    for (int j = 0; j < k; ++j) ++start[neighbours[static_cast<size_t>(i) * k + j] + 1];
  }
  for (int i = 0; i < n; ++i) start[i + 1] += start[i];
  std::vector<std::pair<int, double>> entries(static_cast<size_t>(start[n]));
  {
    std::vector<int> fill(start.begin(), start.end() - 1);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < k; ++j) {
        const auto e = static_cast<size_t>(i) * k + j;
        entries[static_cast<size_t>(fill[i]++)] = {neighbours[e], conditional[e]};
        entries[static_cast<size_t>(fill[neighbours[e]]++)] = {i, conditional[e]};
      }
    }
  }
  // Each row sorted and merged in place; its distinct entries counted.
  std::vector<int> kept(static_cast<size_t>(n), 0);
  runRows(n, threads, [&](int begin, int end) {
    for (int i = begin; i < end; ++i) {
      const auto first = entries.begin() + start[i];
      const auto last = entries.begin() + start[i + 1];
      std::sort(first, last, [](const auto& a, const auto& b) { return a.first < b.first; });
      auto out = first;
      for (auto it = first; it != last; ++it) {
        if (out != first && std::prev(out)->first == it->first)
          std::prev(out)->second += it->second;  // two terms: the same sum in either order
        else
          *out++ = *it;
      }
      kept[static_cast<size_t>(i)] = static_cast<int>(out - first);
    }
  });
  for (int i = 0; i < n; ++i) result.rowStart[i + 1] = result.rowStart[i] + kept[i];
  result.columns.resize(static_cast<size_t>(result.rowStart[n]));
  result.values.resize(result.columns.size());
  double total = 0;
  for (int i = 0; i < n; ++i) {
    const auto from = static_cast<size_t>(start[i]);
    const auto to = static_cast<size_t>(result.rowStart[i]);
    for (size_t e = 0; e < static_cast<size_t>(kept[i]); ++e) {
      const auto& [column, value] = entries[from + e];
      result.columns[to + e] = column;
      result.values[to + e] = value;
      total += value;
    }
  }
  for (double& value : result.values) value /= total;
  return result;
}

}  // namespace songspace::core
