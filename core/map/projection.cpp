#include "core/map/projection.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

namespace songspace::core {

namespace {

// The components, variances and explained share of `result` from its covariance (d × d); the
// shared part of pca() and pcaOfColumns().
void fillComponents(const Eigen::MatrixXd& covariance, Eigen::Index n, PcaResult& result) {
  const Eigen::Index d = covariance.rows();
  const Eigen::Index k = result.components.cols();
  result.totalVariance = covariance.trace();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
  if (solver.info() != Eigen::Success) return;
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
  result.explainedVarianceRatio =
      result.totalVariance > 0 ? std::min(1.0, explained / result.totalVariance) : 1.0;
}

PcaResult emptyResult(Eigen::Index n, Eigen::Index d, Eigen::Index k) {
  PcaResult result;
  result.projected = Eigen::MatrixXf::Zero(n, k);
  result.components = Eigen::MatrixXf::Zero(d, k);
  result.variances = Eigen::VectorXf::Zero(k);
  result.mean = Eigen::RowVectorXf::Zero(d);
  return result;
}

}  // namespace

PcaResult pca(const Eigen::MatrixXf& points, int components) {
  const Eigen::Index n = points.rows();
  const Eigen::Index d = points.cols();
  const Eigen::Index k = std::max(0, components);
  PcaResult result = emptyResult(n, d, k);
  if (n == 0 || d == 0 || k == 0) return result;

  // Accumulate in double: the covariance of float data with a large mean loses digits otherwise.
  result.mean = points.colwise().mean();
  const Eigen::MatrixXf centred = points.rowwise() - result.mean;
  const Eigen::MatrixXd covariance =
      (centred.transpose() * centred).cast<double>() / std::max<double>(1.0, double(n - 1));
  fillComponents(covariance, n, result);
  result.projected = centred * result.components;
  return result;
}

PcaResult pcaOfColumns(std::span<const Eigen::MatrixXf* const> blocks, int components,
                       Eigen::Index covarianceSample) {
  Eigen::Index n = 0, d = -1;
  for (const Eigen::MatrixXf* block : blocks) {
    if (block->cols() == 0) continue;  // whatever its height, as stackJointSpace skips it
    if (d < 0) d = block->rows();
    if (block->rows() != d) return emptyResult(0, d, std::max(0, components));
    n += block->cols();
  }
  d = std::max<Eigen::Index>(d, 0);
  const Eigen::Index k = std::max(0, components);
  PcaResult result = emptyResult(n, d, k);
  if (n == 0 || d == 0 || k == 0) return result;

  Eigen::VectorXd sum = Eigen::VectorXd::Zero(d);
  for (const Eigen::MatrixXf* block : blocks) {
    if (block->cols() > 0) sum += block->rowwise().sum().cast<double>();
  }
  const Eigen::VectorXf mean = (sum / static_cast<double>(n)).cast<float>();
  result.mean = mean.transpose();
  // The covariance a slice of columns at a time, centred into one reused buffer and added in
  // double: no n × d copy (70 MB of fresh memory at 10⁵ songs and d = 160). With a sample, only
  // every stride-th point (counted over all blocks) enters it.
  const Eigen::Index stride = covarianceSample > 0 && n > covarianceSample
                                  ? (n + covarianceSample - 1) / covarianceSample
                                  : 1;
  constexpr Eigen::Index kSlice = 4096;
  Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(d, d);
  Eigen::MatrixXf slice(d, kSlice);
  Eigen::MatrixXf product(d, d);
  Eigen::Index width = 0, counted = 0, index = 0;
  const auto addSlice = [&] {
    if (width == 0) return;
    const auto centred = slice.leftCols(width);
    product.noalias() = centred * centred.transpose();
    covariance += product.cast<double>();
    counted += width;
    width = 0;
  };
  for (const Eigen::MatrixXf* block : blocks) {
    for (Eigen::Index j = 0; j < block->cols(); ++j, ++index) {
      if (index % stride != 0) continue;
      slice.col(width++) = block->col(j) - mean;
      if (width == kSlice) addSlice();
    }
  }
  addSlice();
  covariance /= std::max<double>(1.0, double(counted - 1));
  fillComponents(covariance, n, result);
  // Projected as axesᵀ (x − mean) = axesᵀ x − axesᵀ mean: one k × d by d × nᵢ product over the
  // block where it is (the centred block as an expression made Eigen evaluate it slowly, 0.35 s
  // at 1.1·10⁵ points).
  const Eigen::MatrixXf axes = result.components.transpose();
  const Eigen::VectorXf offset = axes * mean;
  Eigen::MatrixXf projected;
  Eigen::Index row = 0;
  for (const Eigen::MatrixXf* block : blocks) {
    if (block->cols() == 0) continue;
    projected.noalias() = axes * (*block);
    projected.colwise() -= offset;
    result.projected.middleRows(row, block->cols()) = projected.transpose();
    row += block->cols();
  }
  return result;
}

Eigen::MatrixXf pcaProject(const Eigen::MatrixXf& points, int components) {
  return pca(points, components).projected;
}

}  // namespace songspace::core
