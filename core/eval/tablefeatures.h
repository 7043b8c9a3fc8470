#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "core/base/parameter.h"
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
  static constexpr base::EnumSpec<KernelMap, 3> kKernelMap{
      "kernel",
      KernelMap::Nystroem,
      {{{KernelMap::Nystroem, "nystroem"},
        {KernelMap::Fourier, "fourier"},
        {KernelMap::None, "none"}}},
      "RBF kernel map (Nystroem: exact on the landmarks, fewer columns than Fourier)"};
  KernelMap kernelMap = kKernelMap.defaultValue;
  static constexpr base::ParameterSpec<int> kFourierFeatures{
      "fourier_features", 2000, 0, 100000, "Fourier: D random features (0: none)"};
  int fourierFeatures = kFourierFeatures.defaultValue;
  // The eigendecomposition costs O(m³) in the landmarks m.
  static constexpr base::ParameterSpec<int> kLandmarks{
      "landmarks", 1000, 1, 10000,
      "Nystroem: at most this many training rows (a seeded subset if there are more) are the "
      "landmarks"};
  int landmarks = kLandmarks.defaultValue;
  // Nyström: eigenvalues of K(L, L) below this fraction of the largest are dropped (their
  // directions are numerically noise and Λ^{-1/2} would blow them up).
  static constexpr base::ParameterSpec<double> kEigenvalueFloor{
      "eigenvalue_floor",
      1e-6,
      0.0,
      1.0,
      "Nystroem: eigenvalues below this fraction of the largest are dropped",
      "",
      base::Bound::Closed,
      base::Bound::Open};
  double eigenvalueFloor = kEigenvalueFloor.defaultValue;
  // γ of the RBF kernel, on standardised columns. 0.04: the best of a sweep on GTZAN
  // (docs/experiments.md §4.2).
  static constexpr base::ParameterSpec<double> kGamma{
      "gamma", 0.04, 1e-9, 1e6, "gamma of the RBF kernel on standardised columns"};
  double gamma = kGamma.defaultValue;
  // L2 norm of the kernel block relative to the standardised block's typical norm √F; the
  // kernel block alone has norm ≈ √k(x, x) = 1. 2: docs/experiments.md §4.3.
  static constexpr base::ParameterSpec<double> kKernelWeight{
      "kernel_weight", 2.0, 0.0, 1e6, "norm of the kernel block relative to the standardised one"};
  double kernelWeight = kKernelWeight.defaultValue;
  // Weight of the standardised dense block, scaled by 1/√F so its norm is ≈ denseWeight. 2:
  // docs/experiments.md §4.3.
  static constexpr base::ParameterSpec<double> kDenseWeight{"dense_weight", 2.0, 0.0, 1e6,
                                                            "norm of the standardised block"};
  double denseWeight = kDenseWeight.defaultValue;
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
