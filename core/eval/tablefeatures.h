#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "core/eval/tabledata.h"
#include "core/model/trainingset.h"

namespace songspace::core {

// How the RBF kernel k(x, y) = exp(−γ‖x − y‖²) on the standardised columns becomes explicit
// features for the (linear) joint model.
enum class KernelMap {
  None,      // only the standardised block
  Fourier,   // random Fourier features (Rahimi & Recht 2007), seeded
  Nystroem,  // Nyström features on landmark training rows (Williams & Seeger 2001)
};

// How a table's dense numeric columns become the joint model's song features: the standardised
// columns, followed by an explicit map of the RBF kernel so that the linear model behaves like a
// kernel machine (a linear map on the columns alone reaches only logistic-regression accuracy).
// Nyström features φ(x) = Λ^{-1/2} Uᵀ k(L, x), with K(L, L) = U Λ Uᵀ on landmark rows L of the
// training fold, reproduce the kernel exactly on the landmarks, so with the fold's own rows as
// landmarks they approximate it better than random features of the same or larger dimension
// (docs/experiments.md §4.2).
struct TableExpansionOptions {
  KernelMap kernelMap = KernelMap::Nystroem;
  // Fourier: D random features; [0, kMaxFourierFeatures].
  int fourierFeatures = 2000;
  static constexpr int kMaxFourierFeatures = 100000;
  // Nyström: at most this many training rows (a seeded subset if there are more) are the
  // landmarks; [1, kMaxLandmarks]. The eigendecomposition costs O(m³).
  int landmarks = 1000;
  static constexpr int kMaxLandmarks = 10000;
  // Nyström: eigenvalues of K(L, L) below this fraction of the largest are dropped (their
  // directions are numerically noise and Λ^{-1/2} would blow them up); [0, 1).
  double eigenvalueFloor = 1e-6;
  // γ of the RBF kernel, on standardised columns. 0.04: the best of a sweep on GTZAN
  // (docs/experiments.md §4.2).
  double gamma = 0.04;
  // L2 norm of the kernel block relative to the standardised block's typical norm √F; the
  // kernel block alone has norm ≈ √k(x, x) = 1. 2: docs/experiments.md §4.3.
  double kernelWeight = 2.0;
  // Weight of the standardised dense block, scaled by 1/√F so its norm is ≈ denseWeight. 2:
  // docs/experiments.md §4.3.
  double denseWeight = 2.0;
};

// Fitted on the training rows only: standardisation statistics and the Nyström landmarks and
// eigendecomposition; the Fourier projection depends only on the seed, which also picks the
// Nyström landmark subset when there are more training rows than landmarks.
class TableExpansion {
 public:
  static TableExpansion fit(const Eigen::MatrixXd& data, const std::vector<int>& trainRows,
                            const TableExpansionOptions& options, std::uint64_t seed);
  // One row per entry of `rows`.
  SparseRows transform(const Eigen::MatrixXd& data, const std::vector<int>& rows) const;
  // The kernel block alone (unweighted): φ(x) per row, so φ(x)·φ(y) ≈ k(x, y).
  Eigen::MatrixXd kernelFeatures(const Eigen::MatrixXd& data, const std::vector<int>& rows) const;
  // Standardised columns only (for the kNN baseline on the raw features).
  Eigen::MatrixXd standardised(const Eigen::MatrixXd& data, const std::vector<int>& rows) const {
    return m_standardiser.apply(data, rows);
  }
  int dimension() const;
  // Columns of the kernel block (Nyström: landmarks minus dropped eigenvalues).
  int kernelDimension() const { return static_cast<int>(m_fit.projection.cols()); }

  // The fitted kernel map.
  struct Fit {
    // Fourier: F × D frequencies. Nyström: m × r, U Λ^{-1/2}. None: F × 0.
    Eigen::MatrixXd projection;
    Eigen::VectorXd phase;      // Fourier: D phases
    Eigen::MatrixXd landmarks;  // Nyström: m × F standardised landmark rows
  };

 private:
  Standardiser m_standardiser;
  Fit m_fit;
  TableExpansionOptions m_options;
};

// exp(−γ‖a_i − b_j‖²) for all row pairs (a.rows() × b.rows()).
Eigen::MatrixXd rbfKernel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, double gamma);

}  // namespace songspace::core
