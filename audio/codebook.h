#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/base/parameter.h"
#include "core/base/status.h"

namespace songspace::audio {

struct KMeansParams {
  static constexpr base::ParameterSpec<int> kClusters{"clusters", 1000, 2, 65536, "codewords K"};
  static constexpr base::ParameterSpec<int> kIterations{"iterations", 25, 1, 1000,
                                                        "Lloyd / mini-batch passes"};
  static constexpr base::ParameterSpec<int> kBatchSize{"batch_size", 0, 0, 1 << 24,
                                                       "mini-batch size, 0 = full Lloyd"};
  static constexpr base::ParameterSpec<double> kTolerance{
      "tolerance", 1e-4, 0.0, 1.0, "stop when inertia improves less (relative)"};

  int clusters = kClusters.defaultValue;
  int iterations = kIterations.defaultValue;
  int batchSize = kBatchSize.defaultValue;
  double tolerance = kTolerance.defaultValue;
  std::uint64_t seed = base::kSeedSpec.defaultValue;
  // Threads for the k-means++ seeding's distances and Lloyd's assignment step (each frame's
  // nearest centroid), most of the cost; the rest is serial. The codebook is the same, bit for
  // bit, for any count. Values < 1 count as 1.
  int threads = 1;

  base::Status validate() const;
};

// Row-major float matrix: one frame (or centroid) per row.
using FrameMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// A vector quantiser for frame features: per-dimension standardisation learned from the training
// frames, then K centroids (k-means++ seeding + Lloyd or mini-batch k-means). Deterministic for a
// seed. Nearest-centroid assignment is one matrix product: argmin_k ‖c_k‖² − 2 x·c_k.
class Codebook {
 public:
  Codebook() = default;

  // frames: N × D. Fails with InvalidArgument if N < clusters or params are invalid.
  static base::Status train(const FrameMatrix& frames, const KMeansParams& params, Codebook& out);

  bool empty() const { return m_centroids.rows() == 0; }
  int size() const { return static_cast<int>(m_centroids.rows()); }
  int dimension() const { return static_cast<int>(m_centroids.cols()); }
  const FrameMatrix& centroids() const { return m_centroids; }  // in standardised units

  // Nearest centroid of every row of `frames` (raw, unstandardised). labels.size() == rows; ties go
  // to the lower index. Every label is -1 if the codebook is empty or the dimension differs.
  void assign(const FrameMatrix& frames, std::vector<int>& labels) const;
  // Mean squared distance of frames to their nearest centroid (standardised units); NaN if there
  // are no frames, the codebook is empty or the dimension differs.
  double inertia(const FrameMatrix& frames) const;

  // Versioned little-endian binary with a checksum; deserialize rejects anything malformed.
  std::vector<std::uint8_t> serialize() const;
  static base::Status deserialize(std::span<const std::uint8_t> bytes, Codebook& out);

  // Build from parts (for deserialisation and tests).
  Codebook(FrameMatrix centroids, Eigen::VectorXf mean, Eigen::VectorXf invStd);

  const Eigen::VectorXf& mean() const { return m_mean; }
  const Eigen::VectorXf& invStd() const { return m_invStd; }

 private:
  friend class BagOfWords;       // reuses m_halfNormSq per block
  FrameMatrix m_centroids;       // K × D
  Eigen::VectorXf m_mean;        // D
  Eigen::VectorXf m_invStd;      // D
  Eigen::VectorXf m_halfNormSq;  // K: ‖c_k‖² / 2, cached for assign()
};

// Streams frames of one song into a codeword histogram. Frames are buffered in blocks and
// assigned with one matrix product per block. The result is raw counts, sparse, sorted by index.
class BagOfWords {
 public:
  explicit BagOfWords(const Codebook& codebook, int blockFrames = 256);
  // Returns false (and ignores the frame) if its size differs from the codebook's dimension.
  bool add(std::span<const float> frame);
  // Assigns the buffered frames and returns (codeword, count) pairs sorted by codeword.
  std::vector<std::pair<std::uint32_t, float>> histogram();
  std::size_t frames() const { return m_total; }

 private:
  void flush();
  const Codebook& m_codebook;
  FrameMatrix m_block;
  int m_filled = 0;
  std::size_t m_total = 0;
  std::vector<float> m_counts;
  std::vector<int> m_labels;
};

}  // namespace songspace::audio
