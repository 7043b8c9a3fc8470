#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "core/base/parameter.h"
#include "core/model/jointmodel.h"  // Scored

namespace songspace::core {

// Top-k maximum-inner-product search over the embedded songs of a library (the "similar songs"
// and "songs for an artist" rankings): the answer of the exact scan topK(songs^T query, k,
// exclude) while reading about a sixth of its memory, for large libraries.
//
// How: every song column x_j is stored as 4-bit codes with its own scale (x̃_j = s_j c_j,
// c ∈ [-7, 7]); the query is rounded to 8 bits (q̃). One pass scores all songs approximately
// and keeps the best rescore_cap of them (the shortlist); those are re-scored in float and the
// best k returned, with exact float scores, ordered like topK(): descending score, ties by lower
// index. The worst-case quantisation error of an approximate score is
//     E = ‖q‖ · max_j ‖x_j − x̃_j‖ + ‖q − q̃‖ · max_j ‖x̃_j‖      (Cauchy–Schwarz).
// Guarantee: when the shortlist's last approximate score is below S − E (S the k-th best exact
// score among the shortlist's leaders), no song outside it can reach the answer, and the result
// IS the exact top-k (SearchStats::certified; then only the songs within E of S are re-scored).
// Otherwise (data where many songs are nearly equidistant from the query, e.g. isotropic random
// vectors) the result is the best of the shortlist: recall@10 against the exact scan measured
// 1.0 at 10⁴–10⁶ songs (docs/experiments.md §3.5, bench_query; tests/tst_songsearch.cpp asserts
// ≥ 0.99 at 10⁴).
//
// Libraries below kExactBelow songs, or k above kMaxApproximateK, use the exact float scan:
// there it is as fast or faster.
//
// Shapes: songs is d × N (ModelSession::songEmbeddings()); query has d rows. Memory: N·(⌈d/32⌉·16
// + 4) bytes beside the float matrix (84 MB at N = 10⁶, d = 160). Build: one pass, O(N d).
// Thread rules: build once (the constructor), then search() is const and may run on any number
// of threads at once; each call allocates only its shortlist.
// The float matrix passed to search() must be the one the index was built from (checked by
// shape only; the index keeps no pointer to it, so a moved or copied owner stays valid).
class SongSearchIndex {
 public:
  // Measured crossover (bench_query, d = 160): at 2·10⁴ songs the exact scan is still faster
  // (its matrix stays in cache), at 5·10⁴ the index is twice as fast.
  static constexpr int kExactBelow = 50000;
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
