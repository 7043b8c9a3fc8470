#include "core/tablefeatures.h"

#include <cmath>
#include <numbers>

#include "core/splitmix.h"

namespace songspace::core {

namespace {

double uniform01(std::uint64_t& state) {
  return (static_cast<double>(splitMix64(state) >> 11) + 0.5) * 0x1.0p-53;
}

// Box–Muller: portable, unlike std::normal_distribution.
double standardNormal(std::uint64_t& state) {
  const double u1 = uniform01(state), u2 = uniform01(state);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace

TableExpansion TableExpansion::fit(const Eigen::MatrixXd& data, const std::vector<int>& trainRows,
                                   const TableExpansionOptions& options, std::uint64_t seed) {
  TableExpansion e;
  e.m_options = options;
  e.m_standardiser = Standardiser::fit(data, trainRows);
  const int d = std::max(0, options.fourierFeatures);
  std::uint64_t state = seed;
  // ω ~ N(0, 2γ I) gives E[cos(ωᵀx + b) cos(ωᵀy + b)]·2 = exp(−γ‖x − y‖²).
  const double scale = std::sqrt(2.0 * options.gamma);
  e.m_projection.resize(data.cols(), d);
  for (Eigen::Index i = 0; i < e.m_projection.size(); ++i) {
    e.m_projection.data()[i] = standardNormal(state) * scale;
  }
  e.m_phase.resize(d);
  for (int j = 0; j < d; ++j) e.m_phase[j] = uniform01(state) * 2.0 * std::numbers::pi;
  return e;
}

int TableExpansion::dimension() const {
  return static_cast<int>(m_projection.rows() + m_projection.cols());
}

SparseRows TableExpansion::transform(const Eigen::MatrixXd& data,
                                     const std::vector<int>& rows) const {
  const Eigen::MatrixXd x = m_standardiser.apply(data, rows);
  const Eigen::Index f = x.cols(), d = m_projection.cols();
  const double denseScale = m_options.denseWeight / std::sqrt(static_cast<double>(f));
  const double fourierScale =
      d > 0 ? m_options.fourierWeight * std::sqrt(2.0 / static_cast<double>(d)) : 0.0;
  Eigen::MatrixXd dense(x.rows(), f + d);
  dense.leftCols(f) = x * denseScale;
  if (d > 0) {
    const Eigen::MatrixXd z = (x * m_projection).rowwise() + m_phase.transpose();
    dense.rightCols(d) = z.array().cos().matrix() * fourierScale;
  }
  return dense.cast<float>().sparseView();
}

}  // namespace songspace::core
