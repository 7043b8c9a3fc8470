#pragma once

#include <Eigen/Core>

namespace songspace::core {

// Principal component analysis of a point cloud (rows are points). The covariance is d × d, so
// this is meant for d up to a few hundred; n may be large (one pass of X^T X).
struct PcaResult {
  Eigen::MatrixXf projected;          // n × components: centred points in the component basis
  Eigen::MatrixXf components;         // d × components, orthonormal columns, strongest first
  Eigen::VectorXf variances;          // per component (eigenvalues of the covariance)
  Eigen::RowVectorXf mean;            // 1 × d
  double totalVariance = 0;           // trace of the covariance
  double explainedVarianceRatio = 0;  // sum(variances) / totalVariance (1 when nothing varies)
};

// Guarantees: deterministic — each component's largest-|loading| entry is positive (ties by the
// lower index), so the same input always gives the same picture. When components exceeds d or
// n - 1 the extra columns are zero; the result always has `components` columns so a caller
// asking for 2-D always gets 2-D. n = 0 gives a 0 × components matrix.
PcaResult pca(const Eigen::MatrixXf& points, int components = 2);

// The projected coordinates only (n × components).
Eigen::MatrixXf pcaProject(const Eigen::MatrixXf& points /* n × d */, int components = 2);

}  // namespace songspace::core
