#include "core/map/tsneaffinity.h"

#include <algorithm>
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
  for (int i = 0; i < n; ++i) graph.addPoint(rows.row(i).data(), static_cast<std::size_t>(i));
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
  threads = std::clamp(threads, 1, std::max(1, n / 1024));
  std::vector<std::jthread> workers;
  const int chunk = (n + threads - 1) / threads;
  for (int t = 1; t < threads; ++t)
    workers.emplace_back(queryRows, std::min(n, t * chunk), std::min(n, (t + 1) * chunk));
  queryRows(0, std::min(n, chunk));
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

  // Conditional P, then P + P^T through a sorted triplet list (duplicates are the symmetric pairs).
  std::vector<std::tuple<int, int, double>> triplets;
  triplets.reserve(static_cast<size_t>(n) * k * 2);
  std::vector<double> row(static_cast<size_t>(k));
  for (int i = 0; i < n; ++i) {
    calibrateAffinities(&distances[static_cast<size_t>(i) * k], k, perplexity, row.data());
    for (int j = 0; j < k; ++j) {
      const int other = neighbours[static_cast<size_t>(i) * k + j];
      triplets.emplace_back(i, other, row[j]);
      triplets.emplace_back(other, i, row[j]);
    }
  }
  std::sort(triplets.begin(), triplets.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  double total = 0;
  int lastRow = -1;
  int lastColumn = -1;
  for (const auto& [i, j, p] : triplets) {
    if (i == lastRow && j == lastColumn) {
      result.values.back() += p;
    } else {
      result.columns.push_back(j);
      result.values.push_back(p);
      lastRow = i;
      lastColumn = j;
    }
    result.rowStart[i + 1] = static_cast<int>(result.columns.size());
    total += p;
  }
  // Rows with no entries inherit the previous row end (prefix maximum).
  for (int i = 0; i < n; ++i)
    result.rowStart[i + 1] = std::max(result.rowStart[i + 1], result.rowStart[i]);
  for (double& value : result.values) value /= total;
  return result;
}

}  // namespace songspace::core
