#pragma once

#include <Eigen/Core>
#include <span>

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

// The same analysis of points given as the columns of one or more d × nᵢ blocks, in order (the
// first block's columns are the first points): pca(P) where P's rows are those columns, without
// building P or its centred copy (at 10⁵ songs and d = 160 each is 70 MB of fresh memory, most of
// a PCA map's time: docs/experiments.md §3.11). The covariance is summed in double over slices of
// 4 096 columns, so results equal pca()'s to float rounding. Blocks without columns are skipped;
// the others must all have d rows, else the result is n = 0's (0 × components), as for no block.
// covarianceSample > 0 and below n: the covariance (hence the components, variances and
// totalVariance) is estimated from every ⌈n / covarianceSample⌉-th point only, counted across the
// blocks in order; the mean and the projection still use every point. The covariance costs n·d²
// (0.5 s at 1.1·10⁵ points and d = 160 here), the sample a fraction of it, and the first two
// principal axes of 2·10⁴ evenly spread points differ from all points' by float noise for
// clouds like a library's (tst_projection columnsAgreeWithRows bounds the difference).
PcaResult pcaOfColumns(std::span<const Eigen::MatrixXf* const> blocks, int components = 2,
                       Eigen::Index covarianceSample = 0);

// The projected coordinates only (n × components).
Eigen::MatrixXf pcaProject(const Eigen::MatrixXf& points /* n × d */, int components = 2);

}  // namespace songspace::core
