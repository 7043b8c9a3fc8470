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

// p_j|i over one row of k squared distances (ascending), calibrated by binary search on the
// Gaussian's precision so that exp(entropy) equals the perplexity; written to probabilities[k],
// which sum to 1.
void calibrateAffinities(const float* squaredDistances, int k, double perplexity,
                         double* probabilities);

// Approximate k nearest neighbours of every row (squared Euclidean, ascending, the row itself
// excluded), same output layout as exactKnn, from an HNSW graph (Malkov & Yashunin 2018, through
// Debian's hnswlib; M = 16, efConstruction = 100, ef = 2k). The graph is built and queried by up
// to `threads` threads; with more than one, its links depend on the order the threads happen to
// insert points in, so two runs may differ in a few neighbours (with 1 thread the result is
// deterministic). Recall of the k neighbours against exactKnn is not guaranteed (tests/tst_mapscale
// requires ≥ 0.95 on grouped points; the effect on the map: docs/experiments.md §3.7); a row the
// graph returns fewer than k neighbours for is filled from the exact scan of that row.
// O(n log n · d) time, O(n (d + 32)) memory.
void approximateKnn(const Eigen::MatrixXf& points, int k, std::vector<int>& indices,
                    std::vector<float>& squaredDistances, int threads);

enum class KnnMethod { Exact, Approximate };

// Conditional probabilities p_j|i calibrated by binary search to the given perplexity over the
// k nearest neighbours, then symmetrised p_ij = (p_j|i + p_i|j) / 2n.
SparseAffinities perplexityAffinities(const Eigen::MatrixXf& points, double perplexity, int k,
                                      KnnMethod method = KnnMethod::Exact, int threads = 1);

}  // namespace songspace::core
