#pragma once

#include <Eigen/Core>
#include <vector>

namespace songspace::core {

// How well a map keeps neighbourhoods: for each probe row i, the share of its k nearest
// neighbours in the original space (rows of `points`, n × d, squared Euclidean) that are also
// among its k nearest on the map (rows of `map`, n × 2), averaged over the probes; in [0, 1],
// 1 when every neighbourhood survives. Ties are broken by lower index in both spaces. Exact
// brute force per probe: O(|probes| · n · d); pass a sample of rows for large n. Rows out of
// range are skipped; no valid probe (or n ≤ k) gives 0.
double neighbourPreservation(const Eigen::MatrixXf& points, const Eigen::MatrixXf& map, int k,
                             const std::vector<int>& probes);

// How far apart two layouts of the same points are once position, scale, rotation and reflection
// are set aside: orthogonal Procrustes analysis as scipy.spatial.procrustes computes it (Gower,
// Psychometrika 1975). Both n × c matrices (rows matched) are centred and scaled to unit
// Frobenius norm; the disparity is the sum of squared differences after the best rotation or
// reflection and uniform scaling of b onto a, 1 − (Σ singular values of aᵀb)², in [0, 1]: 0 for
// the same shape, about 1 for unrelated ones. Returns 1 when the shapes differ, n < 2 or
// either layout has every row at one point. O(n c²).
double procrustesDisparity(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b);

// Every row of [0, n), or `count` rows spread evenly over it when count < n (deterministic).
std::vector<int> evenProbes(int n, int count);

}  // namespace songspace::core
