#include "core/eval/baselines.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/base/random.h"

namespace songspace::core {

namespace {

// Indices of the k largest entries of row q (unordered), k clamped to the row length.
std::vector<int> topIndices(const Eigen::MatrixXf& similarity, int q, int k) {
  std::vector<int> idx(static_cast<std::size_t>(similarity.cols()));
  std::iota(idx.begin(), idx.end(), 0);
  k = std::clamp(k, 0, static_cast<int>(idx.size()));
  std::nth_element(idx.begin(), idx.begin() + k, idx.end(), [&](int a, int b) {
    const float sa = similarity(q, a), sb = similarity(q, b);
    return sa > sb || (sa == sb && a < b);
  });
  idx.resize(static_cast<std::size_t>(k));
  return idx;
}

}  // namespace

SparseRows normalizeRows(const SparseRows& rows) {
  SparseRows out = rows;
  for (int r = 0; r < out.outerSize(); ++r) {
    double sq = 0;
    for (SparseRows::InnerIterator it(out, r); it; ++it) sq += double(it.value()) * it.value();
    if (sq <= 0) continue;
    const float inv = static_cast<float>(1.0 / std::sqrt(sq));
    for (SparseRows::InnerIterator it(out, r); it; ++it) it.valueRef() *= inv;
  }
  return out;
}

Eigen::MatrixXf cosineSimilarity(const SparseRows& queries, const SparseRows& references) {
  // Sparse × dense in blocks of query rows keeps the temporary small for large libraries.
  constexpr int kBlock = 512;
  Eigen::MatrixXf out(queries.rows(), references.rows());
  for (int start = 0; start < queries.rows(); start += kBlock) {
    const int n = std::min<int>(kBlock, static_cast<int>(queries.rows()) - start);
    const Eigen::MatrixXf block = Eigen::MatrixXf(queries.middleRows(start, n)).transpose();
    out.middleRows(start, n) = (references * block).transpose();
  }
  return out;
}

Eigen::MatrixXf randomScores(int rows, int cols, std::uint64_t seed) {
  Eigen::MatrixXf out(rows, cols);
  std::uint64_t state = seed;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      out(r, c) = static_cast<float>(base::splitMix64(state) >> 40) * (1.0f / 16777216.0f);
    }
  }
  return out;
}

Eigen::VectorXf labelFrequency(const std::vector<std::vector<int>>& labels, int numLabels) {
  Eigen::VectorXf freq = Eigen::VectorXf::Zero(numLabels);
  for (const auto& item : labels) {
    for (int l : item) {
      if (l >= 0 && l < numLabels) freq[l] += 1;
    }
  }
  return freq;
}

Eigen::VectorXf labelFrequency(const std::vector<int>& labels, int numLabels) {
  Eigen::VectorXf freq = Eigen::VectorXf::Zero(numLabels);
  for (int l : labels) {
    if (l >= 0 && l < numLabels) freq[l] += 1;
  }
  return freq;
}

Eigen::MatrixXf knnLabelVotes(const Eigen::MatrixXf& similarity,
                              const std::vector<std::vector<int>>& referenceLabels, int numLabels,
                              int neighbours) {
  Eigen::MatrixXf scores = Eigen::MatrixXf::Zero(similarity.rows(), numLabels);
  for (int q = 0; q < similarity.rows(); ++q) {
    for (int j : topIndices(similarity, q, neighbours)) {
      for (int l : referenceLabels[static_cast<std::size_t>(j)]) {
        if (l >= 0 && l < numLabels) scores(q, l) += similarity(q, j);
      }
    }
  }
  return scores;
}

Eigen::MatrixXf knnLabelVotes(const Eigen::MatrixXf& similarity,
                              const std::vector<int>& referenceLabels, int numLabels,
                              int neighbours) {
  std::vector<std::vector<int>> lists(referenceLabels.size());
  for (std::size_t i = 0; i < lists.size(); ++i) lists[i] = {referenceLabels[i]};
  return knnLabelVotes(similarity, lists, numLabels, neighbours);
}

Eigen::MatrixXf knnArtistSongScores(const Eigen::MatrixXf& similarity,
                                    const std::vector<int>& referenceArtist, int numArtists,
                                    int topSongs) {
  topSongs = std::max(1, topSongs);
  const float lowest = -std::numeric_limits<float>::infinity();
  Eigen::MatrixXf scores = Eigen::MatrixXf::Zero(similarity.rows(), numArtists);
  std::vector<float> best(static_cast<std::size_t>(numArtists) * topSongs);
  for (int q = 0; q < similarity.rows(); ++q) {
    std::fill(best.begin(), best.end(), lowest);
    for (int j = 0; j < similarity.cols(); ++j) {
      const int a = referenceArtist[static_cast<std::size_t>(j)];
      if (a < 0 || a >= numArtists) continue;
      // Insert into the artist's small descending list.
      float v = similarity(q, j);
      float* slot = &best[static_cast<std::size_t>(a) * topSongs];
      for (int t = 0; t < topSongs; ++t) {
        if (v > slot[t]) std::swap(v, slot[t]);
      }
    }
    for (int a = 0; a < numArtists; ++a) {
      const float* slot = &best[static_cast<std::size_t>(a) * topSongs];
      double sum = 0;
      int count = 0;
      for (int t = 0; t < topSongs && slot[t] != lowest; ++t, ++count) sum += slot[t];
      scores(q, a) = count == 0 ? 0.0f : static_cast<float>(sum / count);
    }
  }
  return scores;
}

Eigen::MatrixXf artistMeanCosine(const SparseRows& normalisedSongs,
                                 const std::vector<int>& songArtist, int numArtists) {
  Eigen::MatrixXf means = Eigen::MatrixXf::Zero(normalisedSongs.cols(), numArtists);
  for (int s = 0; s < normalisedSongs.outerSize(); ++s) {
    const int a = songArtist[static_cast<std::size_t>(s)];
    if (a < 0 || a >= numArtists) continue;
    for (SparseRows::InnerIterator it(normalisedSongs, s); it; ++it) {
      means(it.col(), a) += it.value();
    }
  }
  for (int a = 0; a < numArtists; ++a) {
    const float n = means.col(a).norm();
    if (n > 0) means.col(a) /= n;
  }
  return means.transpose() * means;
}

}  // namespace songspace::core
