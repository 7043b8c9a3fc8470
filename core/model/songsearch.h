#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "core/base/parameter.h"
#include "core/model/jointmodel.h"  // Scored

namespace songspace::core {

// Top-k maximum-inner-product search over the embedded songs of a library (the "similar songs"
// and "songs for an artist" rankings), returning the same answer as the exact scan
// topK(songs^T query, k, exclude) but reading about a sixth of its memory for large libraries.
//
// How: every song column x_j is stored as 4-bit codes with its own scale (x̃_j = s_j c_j,
// c ∈ [-7, 7]); the query is rounded to 8 bits (q̃). One pass scores all songs approximately,
// the best few are re-scored in float to find a lower bound S on the k-th best exact score, and
// every song whose approximate score lies within the worst-case quantisation error
//     E = ‖q‖ · max_j ‖x_j − x̃_j‖ + ‖q − q̃‖ · max_j ‖x̃_j‖      (Cauchy–Schwarz)
// of S is re-scored in float. No song left out can beat the k-th answer, so the result is the
// exact top-k (recall@k = 1), with exact float scores, ordered like topK(): descending score,
// ties by lower index. Only the cost depends on the data (how many songs fall within E of S).
// Measured (docs/experiments.md, "Similarity search at scale"; bench_query): d = 160, 10⁶ songs.
//
// Libraries below kExactBelow songs, or k above kMaxApproximateK, use the exact float scan:
// there it is as fast or faster (crossover measured in the same bench).
//
// Shapes: songs is d × N (ModelSession::songEmbeddings()); query has d rows. Memory: N·(⌈d/32⌉·16
// + 4) bytes beside the float matrix (84 MB at N = 10⁶, d = 160).
// Thread rules: build once (the constructor), then search() is const and may run on any number
// of threads at once; each call allocates its own scratch (4·N bytes).
// The float matrix passed to search() must be the one the index was built from (same shape;
// the index keeps no pointer to it, so a moved or copied owner stays valid).
class SongSearchIndex {
 public:
  // Measured crossover (bench_query, d = 160): at 10⁴ songs the exact scan wins or ties.
  static constexpr int kExactBelow = 20000;
  // Past this k the over-fetch and re-score cost approach the exact scan's.
  static constexpr int kMaxApproximateK = 1000;
  static constexpr base::ParameterSpec<int> kRescoreCap{
      "rescore_cap", 1000, kMaxApproximateK, 1000000,
      "most songs re-scored in float per query; past it the answer is the best by approximate "
      "score (recall@10 measured)"};

  struct Options {
    bool forceQuantised = false;  // quantise even below kExactBelow (tests, the bench)
    int rescoreCap = kRescoreCap.defaultValue;
    bool portableKernel = false;  // plain C++ scoring even where AVX2 exists (tests compare both)
  };

  SongSearchIndex() = default;
  // Quantises the columns of songs (d × N); O(N d). Below kExactBelow songs (unless
  // forceQuantised) stores nothing and search() scans exactly; likewise when an embedding is not
  // finite. An out-of-range rescoreCap is clamped into kRescoreCap's range.
  explicit SongSearchIndex(const Eigen::MatrixXf& songs, const Options& options);
  explicit SongSearchIndex(const Eigen::MatrixXf& songs) : SongSearchIndex(songs, Options{}) {}

  // The k best songs for query (d), skipping song `exclude` (-1: none). Returns fewer than k
  // only when the library has fewer songs; empty when the query's size is not d or k <= 0.
  struct SearchStats {
    int rescored = 0;       // songs scored in float (N for the exact scan)
    bool certified = true;  // the bound proved the answer exact
  };
  std::vector<Scored> search(const Eigen::MatrixXf& songs, const Eigen::VectorXf& query, int k,
                             int exclude = -1, SearchStats* stats = nullptr) const;

  bool quantised() const { return m_songCount > 0; }

 private:
  int m_rescoreCap = kRescoreCap.defaultValue;
  bool m_portableKernel = false;
  int m_dimension = 0;
  int m_paddedDimension = 0;          // d rounded up to a multiple of 32
  int m_songCount = 0;                // 0 when the index is not quantised
  std::vector<std::uint8_t> m_codes;  // N × paddedDimension / 2 nibbles (c + 8)
  std::vector<float> m_scales;        // s_j
  float m_maxResidual = 0;            // max_j ‖x_j − x̃_j‖
  float m_maxCodedNorm = 0;           // max_j ‖x̃_j‖
};

}  // namespace songspace::core
