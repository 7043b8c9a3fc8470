#include "core/model/featurespace.h"

#include <algorithm>
#include <cmath>

namespace songspace::core {

namespace {

// Below this a summary feature is treated as constant: standardising it would only amplify noise.
constexpr double kStdFloor = 1e-6;

}  // namespace

FeatureSpace FeatureSpace::fit(const std::vector<RawSongFeatures>& songs, int codewords,
                               float summaryWeight) {
  FeatureSpace space;
  space.codewords = std::max(0, codewords);
  space.summaryWeight = summaryWeight;

  // Smooth idf (as scikit-learn): idf = ln((1 + N) / (1 + df)) + 1, never zero, never infinite.
  std::vector<int> documentFrequency(static_cast<std::size_t>(space.codewords), 0);
  for (const RawSongFeatures& song : songs) {
    for (const auto& [codeword, count] : song.codewordCounts) {
      if (codeword < static_cast<std::uint32_t>(space.codewords) && count > 0)
        ++documentFrequency[codeword];
    }
  }
  const double n = static_cast<double>(songs.size());
  space.idf.resize(space.codewords);
  for (int k = 0; k < space.codewords; ++k)
    space.idf[k] = static_cast<float>(std::log((1.0 + n) / (1.0 + documentFrequency[k])) + 1.0);

  // The summary dimension is the first song's; songs that disagree are left out of the statistics
  // (transform() treats their block as missing).
  const std::size_t summaryDim = songs.empty() ? 0 : songs.front().summary.size();
  std::vector<double> sum(summaryDim, 0.0), sumSquares(summaryDim, 0.0);
  std::size_t counted = 0;
  for (const RawSongFeatures& song : songs) {
    if (song.summary.size() != summaryDim) continue;
    ++counted;
    for (std::size_t i = 0; i < summaryDim; ++i) {
      sum[i] += song.summary[i];
      sumSquares[i] += static_cast<double>(song.summary[i]) * song.summary[i];
    }
  }
  space.summaryMean.resize(static_cast<Eigen::Index>(summaryDim));
  space.summaryInvStd.resize(static_cast<Eigen::Index>(summaryDim));
  for (std::size_t i = 0; i < summaryDim; ++i) {
    const double mean = counted ? sum[i] / counted : 0.0;
    const double variance = counted ? std::max(0.0, sumSquares[i] / counted - mean * mean) : 0.0;
    const auto idx = static_cast<Eigen::Index>(i);
    space.summaryMean[idx] = static_cast<float>(mean);
    space.summaryInvStd[idx] = static_cast<float>(1.0 / std::max(std::sqrt(variance), kStdFloor));
  }
  return space;
}

Eigen::SparseVector<float> FeatureSpace::transform(const RawSongFeatures& song) const {
  std::vector<int> columns;
  std::vector<float> values;
  transformInto(song, columns, values);
  Eigen::SparseVector<float> out(dimension());
  out.reserve(static_cast<Eigen::Index>(columns.size()));
  for (std::size_t i = 0; i < columns.size(); ++i) out.insertBack(columns[i]) = values[i];
  return out;
}

int FeatureSpace::transformInto(const RawSongFeatures& song, std::vector<int>& columns,
                                std::vector<float>& values) const {
  const std::size_t first = columns.size();
  std::vector<std::pair<std::uint32_t, float>> counts = song.codewordCounts;
  std::sort(counts.begin(), counts.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  const int summaryDim = summaryDimension();
  // tf (raw count) · idf, then L2-normalised so loud/long songs weigh the same as short ones.
  double squaredNorm = 0.0;
  std::uint32_t previous = 0;
  for (const auto& [codeword, count] : counts) {
    if (codeword >= static_cast<std::uint32_t>(codewords) || !(count > 0)) continue;
    const float value = count * idf[static_cast<Eigen::Index>(codeword)];
    if (columns.size() > first && codeword == previous) {
      values.back() += value;  // duplicate entries are summed, not dropped
    } else {
      columns.push_back(static_cast<int>(codeword));
      values.push_back(value);
    }
    previous = codeword;
  }
  for (std::size_t i = first; i < values.size(); ++i)
    squaredNorm += static_cast<double>(values[i]) * values[i];
  const double invNorm = squaredNorm > 0 ? 1.0 / std::sqrt(squaredNorm) : 0.0;
  for (std::size_t i = first; i < values.size(); ++i)
    values[i] = static_cast<float>(values[i] * invNorm);

  // Standardised summary, scaled by summaryWeight / sqrt(dim) so that its expected L2 norm is about
  // summaryWeight whatever the block's size. A missing or mismatched block sits at the mean (0).
  if (summaryDim > 0) {
    const bool present = static_cast<int>(song.summary.size()) == summaryDim;
    const float scale = summaryWeight / std::sqrt(static_cast<float>(summaryDim));
    for (int i = 0; i < summaryDim; ++i) {
      const float z =
          present ? (song.summary[static_cast<std::size_t>(i)] - summaryMean[i]) * summaryInvStd[i]
                  : 0.0f;
      columns.push_back(codewords + i);
      values.push_back(z * scale);
    }
  }
  return static_cast<int>(columns.size() - first);
}

}  // namespace songspace::core
