#pragma once

#include <Eigen/Core>
#include <vector>

namespace songspace::core {

// The symmetric, normalised input affinities P of t-SNE as a sparse matrix in CSR form:
// row i holds (columns[k], values[k]) for k in [rowStart[i], rowStart[i + 1]); sum of values = 1.
struct SparseAffinities {
  std::vector<int> rowStart;
  std::vector<int> columns;
  std::vector<double> values;
};

// Exact k nearest neighbours (squared Euclidean, ascending distance, ties by lower index) of every
// row, excluding the row itself, computed with blocked dot products: O(n^2 d) time, O(block · n)
// memory. Output: n × k indices and squared distances, row-major.
void exactKnn(const Eigen::MatrixXf& points, int k, std::vector<int>& indices,
              std::vector<float>& squaredDistances);

// Conditional probabilities p_j|i calibrated by binary search to the given perplexity over the
// k nearest neighbours, then symmetrised p_ij = (p_j|i + p_i|j) / 2n.
SparseAffinities perplexityAffinities(const Eigen::MatrixXf& points, double perplexity, int k);

}  // namespace songspace::core
