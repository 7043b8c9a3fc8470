#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cstdint>
#include <utility>
#include <vector>

namespace songspace::core {

// What the catalog stores per analysed song: raw codeword counts and a dense summary block.
struct RawSongFeatures {
  std::vector<std::pair<std::uint32_t, float>> codewordCounts;  // sorted by codeword
  std::vector<float> summary;  // means/deviations of frame features and other descriptors
};

// The map from raw features to the model's input space: tf-idf weighted, L2-normalised codeword
// histogram, followed by the standardised summary block scaled so its L2 norm is about
// summaryWeight. Fitted on the training songs, stored in the model file.
struct FeatureSpace {
  int codewords = 0;
  Eigen::VectorXf idf;            // codewords
  Eigen::VectorXf summaryMean;    // summary dimension
  Eigen::VectorXf summaryInvStd;  // summary dimension
  float summaryWeight = 0.5f;

  int summaryDimension() const { return static_cast<int>(summaryMean.size()); }
  int dimension() const { return codewords + summaryDimension(); }

  static FeatureSpace fit(const std::vector<RawSongFeatures>& songs, int codewords,
                          float summaryWeight = 0.5f);
  Eigen::SparseVector<float> transform(const RawSongFeatures& song) const;
  // transform() appended to `columns` / `values` (ascending columns, the same values), for
  // building many songs' rows without a vector per song; returns the entries appended.
  int transformInto(const RawSongFeatures& song, std::vector<int>& columns,
                    std::vector<float>& values) const;
};

}  // namespace songspace::core
