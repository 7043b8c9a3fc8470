#include "core/map/mapquality.h"

#include <Eigen/SVD>
#include <algorithm>
#include <utility>

namespace songspace::core {

namespace {

// The k rows nearest to `row` (itself excluded), by squared distance then index.
std::vector<int> nearestRows(const Eigen::MatrixXf& points, int row, int k) {
  const Eigen::VectorXf distances = (points.rowwise() - points.row(row)).rowwise().squaredNorm();
  std::vector<std::pair<float, int>> order;
  order.reserve(static_cast<std::size_t>(points.rows()));
  for (int j = 0; j < points.rows(); ++j)
    if (j != row) order.emplace_back(distances[j], j);
  std::partial_sort(order.begin(), order.begin() + k, order.end());
  std::vector<int> rows;
  rows.reserve(static_cast<std::size_t>(k));
  for (int r = 0; r < k; ++r) rows.push_back(order[static_cast<std::size_t>(r)].second);
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace

double neighbourPreservation(const Eigen::MatrixXf& points, const Eigen::MatrixXf& map, int k,
                             const std::vector<int>& probes) {
  const auto n = static_cast<int>(points.rows());
  if (k <= 0 || n <= k || map.rows() != n) return 0;
  double sum = 0;
  int counted = 0;
  for (const int i : probes) {
    if (i < 0 || i >= n) continue;
    const std::vector<int> inSpace = nearestRows(points, i, k);
    const std::vector<int> onMap = nearestRows(map, i, k);
    std::vector<int> common;
    std::set_intersection(inSpace.begin(), inSpace.end(), onMap.begin(), onMap.end(),
                          std::back_inserter(common));
    sum += static_cast<double>(common.size()) / k;
    ++counted;
  }
  return counted > 0 ? sum / counted : 0;
}

double procrustesDisparity(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols() || a.rows() < 2) return 1;
  // Doubles: the centred sums of a large float map lose digits that the disparity needs.
  Eigen::MatrixXd x = a.cast<double>();
  Eigen::MatrixXd y = b.cast<double>();
  x.rowwise() -= x.colwise().mean();
  y.rowwise() -= y.colwise().mean();
  const double normX = x.norm();
  const double normY = y.norm();
  if (normX == 0 || normY == 0) return 1;
  x /= normX;
  y /= normY;
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(x.transpose() * y);
  const double traced = svd.singularValues().sum();
  return std::clamp(1 - traced * traced, 0.0, 1.0);
}

std::vector<int> evenProbes(int n, int count) {
  std::vector<int> probes;
  if (n <= 0 || count <= 0) return probes;
  if (count >= n) {
    for (int i = 0; i < n; ++i) probes.push_back(i);
    return probes;
  }
  for (int p = 0; p < count; ++p)
    probes.push_back(static_cast<int>(static_cast<long long>(p) * n / count));
  return probes;
}

}  // namespace songspace::core
