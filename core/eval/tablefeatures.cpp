#include "core/eval/tablefeatures.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "core/base/random.h"

namespace songspace::core {

namespace {

void fitFourier(TableExpansion::Fit& e, Eigen::Index columns, const TableExpansionOptions& options,
                std::uint64_t seed) {
  const int d =
      std::clamp(options.fourierFeatures, TableExpansionOptions::kFourierFeatures.minValue,
                 TableExpansionOptions::kFourierFeatures.maxValue);
  base::Xoshiro256 rng(seed);
  // ω ~ N(0, 2γ I) gives E[cos(ωᵀx + b) cos(ωᵀy + b)]·2 = exp(−γ‖x − y‖²).
  const double scale = std::sqrt(2.0 * options.gamma);
  e.projection.resize(columns, d);
  for (Eigen::Index i = 0; i < e.projection.size(); ++i) {
    e.projection.data()[i] = base::standardNormal(rng) * scale;
  }
  e.phase.resize(d);
  for (int j = 0; j < d; ++j) e.phase[j] = base::uniform01(rng) * 2.0 * std::numbers::pi;
}

void fitNystroem(TableExpansion::Fit& e, const Eigen::MatrixXd& train,
                 const TableExpansionOptions& options, std::uint64_t seed) {
  std::vector<int> chosen(static_cast<std::size_t>(train.rows()));
  std::iota(chosen.begin(), chosen.end(), 0);
  const auto m = static_cast<std::size_t>(std::clamp(options.landmarks,
                                                     TableExpansionOptions::kLandmarks.minValue,
                                                     TableExpansionOptions::kLandmarks.maxValue));
  if (chosen.size() > m) {
    seededShuffle(chosen, seed);
    chosen.resize(m);
    std::sort(chosen.begin(), chosen.end());
  }
  e.landmarks.resize(static_cast<Eigen::Index>(chosen.size()), train.cols());
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    e.landmarks.row(static_cast<Eigen::Index>(i)) = train.row(chosen[i]);
  }
  if (e.landmarks.rows() == 0) return;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(
      rbfKernel(e.landmarks, e.landmarks, options.gamma));
  // Eigenvalues come ascending; keep the tail above the floor.
  const Eigen::VectorXd& lambda = eig.eigenvalues();
  const double floor = std::max(options.eigenvalueFloor, 0.0) * lambda.maxCoeff();
  Eigen::Index first = 0;
  while (first < lambda.size() && !(lambda[first] > floor && lambda[first] > 0)) ++first;
  const Eigen::Index r = lambda.size() - first;
  e.projection =
      eig.eigenvectors().rightCols(r) * lambda.tail(r).cwiseSqrt().cwiseInverse().asDiagonal();
}

}  // namespace

Eigen::MatrixXd rbfKernel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, double gamma) {
  const Eigen::VectorXd a2 = a.rowwise().squaredNorm(), b2 = b.rowwise().squaredNorm();
  Eigen::MatrixXd d = -2.0 * a * b.transpose();
  d.colwise() += a2;
  d.rowwise() += b2.transpose();
  return (-gamma * d.array().max(0.0)).exp().matrix();
}

TableExpansion TableExpansion::fit(const Eigen::MatrixXd& data, const std::vector<int>& trainRows,
                                   const TableExpansionOptions& options, std::uint64_t seed) {
  TableExpansion e;
  e.m_options = options;
  e.m_standardiser = Standardiser::fit(data, trainRows);
  switch (options.kernelMap) {
    case KernelMap::None:
      e.m_fit.projection.resize(data.cols(), 0);
      break;
    case KernelMap::Fourier:
      fitFourier(e.m_fit, data.cols(), options, seed);
      break;
    case KernelMap::Nystroem:
      fitNystroem(e.m_fit, e.m_standardiser.apply(data, trainRows), options, seed);
      break;
  }
  return e;
}

int TableExpansion::dimension() const {
  return static_cast<int>(m_standardiser.mean.size()) + kernelDimension();
}

Eigen::MatrixXd TableExpansion::kernelFeatures(const Eigen::MatrixXd& data,
                                               const std::vector<int>& rows) const {
  const Eigen::MatrixXd x = m_standardiser.apply(data, rows);
  const Eigen::Index d = m_fit.projection.cols();
  if (d == 0) return Eigen::MatrixXd(x.rows(), 0);
  if (m_options.kernelMap == KernelMap::Nystroem) {
    return rbfKernel(x, m_fit.landmarks, m_options.gamma) * m_fit.projection;
  }
  const Eigen::MatrixXd z = (x * m_fit.projection).rowwise() + m_fit.phase.transpose();
  return z.array().cos().matrix() * std::sqrt(2.0 / static_cast<double>(d));
}

SparseRows TableExpansion::transform(const Eigen::MatrixXd& data,
                                     const std::vector<int>& rows) const {
  const Eigen::MatrixXd x = m_standardiser.apply(data, rows);
  const Eigen::MatrixXd k = kernelFeatures(data, rows);
  const Eigen::Index f = x.cols();
  Eigen::MatrixXd dense(x.rows(), f + k.cols());
  dense.leftCols(f) = x * (m_options.denseWeight / std::sqrt(static_cast<double>(f)));
  dense.rightCols(k.cols()) = k * m_options.kernelWeight;
  return dense.cast<float>().sparseView();
}

}  // namespace songspace::core
