#include "core/map/mapplacement.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/map/tsneaffinity.h"

namespace songspace::core {

namespace {
// New points per dot-product block: 64 × n floats (25 MB at 10⁵ kept points).
constexpr Eigen::Index kBlockRows = 64;
}  // namespace

Eigen::MatrixXf placeOnMap(const Eigen::MatrixXf& points, const Eigen::MatrixXf& map,
                           const Eigen::MatrixXf& newPoints, int k) {
  const Eigen::Index n = points.rows();
  const Eigen::Index m = newPoints.rows();
  Eigen::MatrixXf placed = Eigen::MatrixXf::Zero(m, 2);
  if (n == 0 || map.rows() != n || map.cols() != 2 || newPoints.cols() != points.cols())
    return placed;
  k = static_cast<int>(std::clamp<Eigen::Index>(k, 1, n));
  const Eigen::VectorXf norms = points.rowwise().squaredNorm();
  const double perplexity = std::max(1.0, k / 3.0);
  std::vector<std::pair<float, int>> order(static_cast<std::size_t>(n));
  std::vector<float> distances(static_cast<std::size_t>(k));
  std::vector<double> weights(static_cast<std::size_t>(k));
  for (Eigen::Index begin = 0; begin < m; begin += kBlockRows) {
    const Eigen::Index rows = std::min(kBlockRows, m - begin);
    const Eigen::MatrixXf dots = newPoints.middleRows(begin, rows) * points.transpose();
    for (Eigen::Index r = 0; r < rows; ++r) {
      const float self = newPoints.row(begin + r).squaredNorm();
      for (Eigen::Index j = 0; j < n; ++j)
        order[static_cast<std::size_t>(j)] = {std::max(0.0f, self + norms[j] - 2 * dots(r, j)),
                                              static_cast<int>(j)};
      std::partial_sort(order.begin(), order.begin() + k, order.end());
      for (int j = 0; j < k; ++j)
        distances[static_cast<std::size_t>(j)] = order[static_cast<std::size_t>(j)].first;
      calibrateAffinities(distances.data(), k, perplexity, weights.data());
      double x = 0, y = 0;
      for (int j = 0; j < k; ++j) {
        const int old = order[static_cast<std::size_t>(j)].second;
        x += weights[static_cast<std::size_t>(j)] * map(old, 0);
        y += weights[static_cast<std::size_t>(j)] * map(old, 1);
      }
      placed(begin + r, 0) = static_cast<float>(x);
      placed(begin + r, 1) = static_cast<float>(y);
    }
  }
  return placed;
}

Eigen::MatrixXf carryOverMap(const Eigen::MatrixXf& points, const Eigen::MatrixXf& previous,
                             const std::vector<bool>& kept, int k) {
  const Eigen::Index n = points.rows();
  Eigen::MatrixXf layout = Eigen::MatrixXf::Zero(n, 2);
  if (previous.rows() != n || previous.cols() != 2 || static_cast<Eigen::Index>(kept.size()) != n)
    return layout;
  std::vector<Eigen::Index> keptRows, placedRows;
  for (Eigen::Index i = 0; i < n; ++i)
    (kept[static_cast<std::size_t>(i)] ? keptRows : placedRows).push_back(i);
  if (keptRows.empty()) return layout;
  Eigen::MatrixXf keptPoints(static_cast<Eigen::Index>(keptRows.size()), points.cols());
  Eigen::MatrixXf keptMap(static_cast<Eigen::Index>(keptRows.size()), 2);
  for (std::size_t r = 0; r < keptRows.size(); ++r) {
    keptPoints.row(static_cast<Eigen::Index>(r)) = points.row(keptRows[r]);
    keptMap.row(static_cast<Eigen::Index>(r)) = previous.row(keptRows[r]);
    layout.row(keptRows[r]) = previous.row(keptRows[r]);
  }
  Eigen::MatrixXf newPoints(static_cast<Eigen::Index>(placedRows.size()), points.cols());
  for (std::size_t r = 0; r < placedRows.size(); ++r)
    newPoints.row(static_cast<Eigen::Index>(r)) = points.row(placedRows[r]);
  const Eigen::MatrixXf placed = placeOnMap(keptPoints, keptMap, newPoints, k);
  for (std::size_t r = 0; r < placedRows.size(); ++r)
    layout.row(placedRows[r]) = placed.row(static_cast<Eigen::Index>(r));
  return layout;
}

}  // namespace songspace::core
