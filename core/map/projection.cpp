#include "core/map/projection.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

namespace songspace::core {

PcaResult pca(const Eigen::MatrixXf& points, int components) {
  PcaResult result;
  const Eigen::Index n = points.rows();
  const Eigen::Index d = points.cols();
  const Eigen::Index k = std::max(0, components);
  result.projected = Eigen::MatrixXf::Zero(n, k);
  result.components = Eigen::MatrixXf::Zero(d, k);
  result.variances = Eigen::VectorXf::Zero(k);
  result.mean = Eigen::RowVectorXf::Zero(d);
  if (n == 0 || d == 0 || k == 0) return result;

  // Accumulate in double: the covariance of float data with a large mean loses digits otherwise.
  result.mean = points.colwise().mean();
  const Eigen::MatrixXf centred = points.rowwise() - result.mean;
  const Eigen::MatrixXd covariance =
      (centred.transpose() * centred).cast<double>() / std::max<double>(1.0, double(n - 1));
  result.totalVariance = covariance.trace();

  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
  if (solver.info() != Eigen::Success) return result;
  // Eigenvalues come in ascending order; a rank-deficient cloud (n - 1 < d) has only n - 1
  // meaningful directions, the rest are numerical noise and stay zero columns.
  const Eigen::Index usable = std::min<Eigen::Index>({k, d, std::max<Eigen::Index>(0, n - 1)});
  double explained = 0;
  for (Eigen::Index c = 0; c < usable; ++c) {
    const Eigen::Index source = d - 1 - c;
    Eigen::VectorXd axis = solver.eigenvectors().col(source);
    Eigen::Index strongest = 0;
    for (Eigen::Index i = 1; i < d; ++i) {
      // Strictly greater, so ties resolve to the lower index.
      if (std::abs(axis(i)) > std::abs(axis(strongest)) + 1e-12) strongest = i;
    }
    if (axis(strongest) < 0) axis = -axis;
    const double variance = std::max(0.0, solver.eigenvalues()(source));
    result.components.col(c) = axis.cast<float>();
    result.variances(c) = static_cast<float>(variance);
    explained += variance;
  }
  result.projected = centred * result.components;
  result.explainedVarianceRatio =
      result.totalVariance > 0 ? std::min(1.0, explained / result.totalVariance) : 1.0;
  return result;
}

Eigen::MatrixXf pcaProject(const Eigen::MatrixXf& points, int components) {
  return pca(points, components).projected;
}

}  // namespace songspace::core
