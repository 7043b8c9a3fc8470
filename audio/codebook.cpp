#include "audio/codebook.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "core/base/parallelranges.h"
#include "core/base/random.h"

namespace songspace::audio {

namespace {

// Distance products are computed in row blocks so that the block × K score matrix stays near
// kScoreBudget floats (1 MB, within a core's L2 cache) whatever N and K are: 262 frames a block
// for K = 1000. Blocks of 16 MB made k-means memory-bound, 1.3 times faster on two threads than
// on one instead of 1.75 (docs/experiments.md §3.13). Every row's result is the same for any
// block size.
constexpr Eigen::Index kBlockRows = 4096;
constexpr Eigen::Index kScoreBudget = Eigen::Index{1} << 18;
// A dimension whose deviation is below this fraction of the largest deviation (or below the
// absolute floor) is treated as constant: scaling it up would only amplify noise.
constexpr double kRelativeStdFloor = 1e-4;
// k-means++ seeding looks at no more than this many rows per cluster (see seedCentroids).
constexpr Eigen::Index kSeedRowsPerCluster = 32;
// Seeding scores its rows in blocks of kSeedBlockRows, and splits them across threads only in
// ranges of at least kSeedRowsPerThread: a step costs ~40 multiply-adds a row and candidate,
// worth a thread from a few thousand rows.
constexpr Eigen::Index kSeedBlockRows = 1024;
constexpr Eigen::Index kSeedRowsPerThread = 4096;
constexpr double kAbsoluteStdFloor = 1e-8;

using RowsRef = Eigen::Ref<const FrameMatrix>;

using Rng = base::Xoshiro256;

// A barrier for a team of threads that meets about a thousand times a second: the last to
// arrive runs `completion`, then releases the others. Waiting spins for up to kSpin before it
// sleeps: the wake-up of a sleeping thread (on a virtual machine especially) costs about as much
// as the short steps it separates.
template <typename Completion>
class StepBarrier {
 public:
  StepBarrier(int parties, Completion& completion) : m_parties(parties), m_completion(completion) {}

  void arriveAndWait() {
    const unsigned generation = m_generation.load(std::memory_order_acquire);
    if (m_arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == m_parties) {
      m_arrived.store(0, std::memory_order_relaxed);
      m_completion();
      m_generation.store(generation + 1, std::memory_order_release);
      m_generation.notify_all();
      return;
    }
    const auto start = std::chrono::steady_clock::now();
    for (int spins = 0; m_generation.load(std::memory_order_acquire) == generation; ++spins) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
      if ((spins & 63) == 63 && std::chrono::steady_clock::now() - start > kSpin) {
        m_generation.wait(generation, std::memory_order_acquire);
      }
    }
  }

 private:
  static constexpr std::chrono::microseconds kSpin{200};
  const int m_parties;
  Completion& m_completion;
  std::atomic<int> m_arrived{0};
  std::atomic<unsigned> m_generation{0};
};

Eigen::Index blockRowsFor(Eigen::Index clusters) {
  return std::clamp<Eigen::Index>(kScoreBudget / std::max<Eigen::Index>(clusters, 1), 1,
                                  kBlockRows);
}

// Row i of n rows (n < 2^32: a frame matrix never holds that many rows).
Eigen::Index uniformIndex(Rng& rng, Eigen::Index n) {
  return static_cast<Eigen::Index>(base::uniformBelow(rng, static_cast<std::uint32_t>(n)));
}

// The sum of `values` in double, in a fixed order (four interleaved running sums, then added):
// the same for the same values wherever it runs.
double sumInOrder(const Eigen::Ref<const Eigen::VectorXf>& values) {
  std::array<double, 4> sums{};
  const Eigen::Index n = values.size();
  Eigen::Index i = 0;
  for (; i + 4 <= n; i += 4) {
    for (std::size_t j = 0; j < 4; ++j) sums[j] += values[i + static_cast<Eigen::Index>(j)];
  }
  for (std::size_t j = 0; i < n; ++i, ++j) sums[j] += values[i];
  return (sums[0] + sums[1]) + (sums[2] + sums[3]);
}

// Nearest centroid of each row of z (already standardised): argmin_k ‖c_k‖²/2 − z·c_k, ties to
// the lower index. distSq receives ‖z − c‖² (clamped at 0) when non-null.
void nearest(const RowsRef& z, const FrameMatrix& centroids, const Eigen::VectorXf& halfNormSq,
             int* labels, float* distSq) {
  const Eigen::Index k = centroids.rows();
  const Eigen::Index step = blockRowsFor(k);
  FrameMatrix scores;
  for (Eigen::Index begin = 0; begin < z.rows(); begin += step) {
    const Eigen::Index rows = std::min(step, z.rows() - begin);
    scores.noalias() = z.middleRows(begin, rows) * centroids.transpose();
    for (Eigen::Index r = 0; r < rows; ++r) {
      const float* s = scores.row(r).data();
      int best = 0;
      float bestScore = halfNormSq[0] - s[0];
      for (Eigen::Index c = 1; c < k; ++c) {
        const float score = halfNormSq[c] - s[c];
        if (score < bestScore) {
          bestScore = score;
          best = static_cast<int>(c);
        }
      }
      labels[begin + r] = best;
      if (distSq != nullptr) {
        const float x2 = z.row(begin + r).squaredNorm();
        distSq[begin + r] = std::max(0.0f, x2 + 2.0f * bestScore);
      }
    }
  }
}

FrameMatrix standardise(const RowsRef& frames, const Eigen::VectorXf& mean,
                        const Eigen::VectorXf& invStd) {
  return ((frames.rowwise() - mean.transpose()).array().rowwise() * invStd.transpose().array())
      .matrix();
}

Eigen::VectorXf halfSquaredNorms(const FrameMatrix& centroids) {
  return 0.5f * centroids.rowwise().squaredNorm();
}

// Greedy k-means++ (Arthur & Vassilvitskii 2007; greedy variant as in scikit-learn): each new
// centre is the best of 2 + ⌊ln K⌋ D²-sampled candidates, judged by the potential it leaves. All
// candidates of a step are scored with one product per row block. Seeding runs on at most
// kSeedRowsPerCluster·K rows drawn without replacement (as scikit-learn's MiniBatchKMeans seeds
// on init_size rows): the full-data D² pass would cost K passes over all N frames, more than the
// Lloyd iterations that follow and refine the seeds on every frame anyway.
// The candidates' distances (most of the cost: K products of the rows with the candidates) and
// their sums are computed by fixed blocks of rows, on `threads` threads; the draws and the choice
// are serial, so the seeds are the same for any thread count.
FrameMatrix seedCentroids(const FrameMatrix& all, int clusters, int threads, Rng& rng) {
  FrameMatrix sampled;
  const FrameMatrix* source = &all;
  if (all.rows() > kSeedRowsPerCluster * clusters) {
    std::vector<Eigen::Index> order(static_cast<std::size_t>(all.rows()));
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    sampled.resize(kSeedRowsPerCluster * clusters, all.cols());
    for (Eigen::Index i = 0; i < sampled.rows(); ++i) {  // partial Fisher–Yates
      const auto j = static_cast<std::size_t>(i + uniformIndex(rng, all.rows() - i));
      std::swap(order[static_cast<std::size_t>(i)], order[j]);
      sampled.row(i) = all.row(order[static_cast<std::size_t>(i)]);
    }
    source = &sampled;
  }
  const FrameMatrix& z = *source;
  const Eigen::Index n = z.rows();
  const Eigen::VectorXf zNormSq = z.rowwise().squaredNorm();
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(clusters)));

  FrameMatrix centroids(clusters, z.cols());
  centroids.row(0) = z.row(uniformIndex(rng, n));
  Eigen::VectorXf minDist = ((zNormSq - 2.0f * (z * centroids.row(0).transpose())).array() +
                             centroids.row(0).squaredNorm())
                                .cwiseMax(0.0f)
                                .matrix();

  std::vector<double> cumulative(static_cast<std::size_t>(n));
  FrameMatrix candidates(trials, z.cols());
  Eigen::RowVectorXf candidateNormSq(trials);
  Eigen::MatrixXf dist(n, trials);  // column t: min(minDist, distance to candidate t)
  // Step k: the candidates are drawn (serial: one random stream), every range of rows scores
  // them (in parallel), then the best becomes centre k (serial, as the barrier's completion).
  int k = 1;
  const auto drawCandidates = [&] {
    double total = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      total += minDist[i];
      cumulative[static_cast<std::size_t>(i)] = total;
    }
    for (int t = 0; t < trials; ++t) {
      Eigen::Index pick = 0;
      if (total > 0.0) {
        const double u = base::uniform01(rng) * total;
        const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
        pick = std::min<Eigen::Index>(it - cumulative.begin(), n - 1);
      } else {
        pick = uniformIndex(rng, n);  // every point already coincides with a centre
      }
      candidates.row(t) = z.row(pick);
    }
    candidateNormSq = candidates.rowwise().squaredNorm().transpose();
  };
  // Block b (rows b·kSeedBlockRows …): its candidates' distances, and their sums per candidate.
  const Eigen::Index blocks = (n + kSeedBlockRows - 1) / kSeedBlockRows;
  Eigen::MatrixXd blockPotentials(trials, blocks);
  const auto score = [&](Eigen::Index block, Eigen::MatrixXf& products) {
    const Eigen::Index begin = block * kSeedBlockRows;
    const Eigen::Index rows = std::min(kSeedBlockRows, n - begin);
    products.noalias() = z.middleRows(begin, rows) * candidates.transpose();
    for (int t = 0; t < trials; ++t) {
      auto column = dist.col(t).segment(begin, rows);
      column =
          ((zNormSq.segment(begin, rows) - 2.0f * products.col(t)).array() + candidateNormSq[t])
              .cwiseMax(0.0f)
              .min(minDist.segment(begin, rows).array())
              .matrix();
      blockPotentials(t, block) = sumInOrder(column);
    }
  };
  const auto choose = [&]() noexcept {
    const Eigen::VectorXd potentials = blockPotentials.rowwise().sum();
    Eigen::Index best = 0;
    for (int t = 1; t < trials; ++t) {
      if (potentials[t] < potentials[best]) best = t;
    }
    centroids.row(k) = candidates.row(best);
    minDist = dist.col(best);
    if (++k < clusters) drawCandidates();
  };
  if (k >= clusters) return centroids;
  drawCandidates();
  // One team of threads for all K steps, meeting once a step (a step is well under a
  // millisecond: neither a thread started per step nor a sleeping wait would pay). Each thread
  // scores a range of blocks; the sums are per block, so the seeds are the same for any count.
  const int minBlocks = static_cast<int>(kSeedRowsPerThread / kSeedBlockRows);
  const int parts = base::parallelParts(static_cast<int>(blocks), threads, minBlocks);
  StepBarrier step(parts, choose);
  base::parallelRanges(static_cast<int>(blocks), parts, minBlocks, [&](int first, int last) {
    Eigen::MatrixXf products;
    // k changes only in the barrier's completion, which every thread has passed when it reads k.
    while (k < clusters) {
      for (int block = first; block < last; ++block) score(block, products);
      step.arriveAndWait();
    }
  });
  return centroids;
}

// Gives each target cluster the point farthest from its own centre (ties: lower index), taken
// out of a cluster that keeps at least one member. Deterministic, no randomness needed.
void reseed(const RowsRef& z, const std::vector<int>& targets, std::vector<int>& labels,
            const Eigen::VectorXf& dist, Eigen::MatrixXd& sums, std::vector<std::int64_t>& counts) {
  if (targets.empty()) return;
  std::vector<Eigen::Index> order(static_cast<std::size_t>(z.rows()));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return dist[a] > dist[b]; });
  auto next = order.begin();
  for (const int k : targets) {
    while (next != order.end() &&
           counts[static_cast<std::size_t>(labels[static_cast<std::size_t>(*next)])] <= 1) {
      ++next;
    }
    if (next == order.end()) return;  // fewer distinct members than clusters: leave as is
    const Eigen::Index i = *next++;
    const auto old = static_cast<std::size_t>(labels[static_cast<std::size_t>(i)]);
    const Eigen::RowVectorXd point = z.row(i).cast<double>();
    sums.row(static_cast<Eigen::Index>(old)) -= point;
    --counts[old];
    sums.row(k) = point;
    counts[static_cast<std::size_t>(k)] = 1;
    labels[static_cast<std::size_t>(i)] = k;
  }
}

// Per-cluster sums and counts of the labelled rows.
void accumulate(const RowsRef& z, const std::vector<int>& labels, Eigen::MatrixXd& sums,
                std::vector<std::int64_t>& counts) {
  sums.setZero();
  std::fill(counts.begin(), counts.end(), 0);
  for (Eigen::Index i = 0; i < z.rows(); ++i) {
    const auto k = static_cast<std::size_t>(labels[static_cast<std::size_t>(i)]);
    sums.row(static_cast<Eigen::Index>(k)) += z.row(i).cast<double>();
    ++counts[k];
  }
}

bool improvedEnough(double previous, double current, double tolerance) {
  if (!(previous > 0.0)) return false;  // a perfect fit cannot improve further
  return (previous - current) >= tolerance * previous;
}

void lloyd(const FrameMatrix& z, const KMeansParams& params, FrameMatrix& centroids) {
  const Eigen::Index n = z.rows();
  const int clusters = static_cast<int>(centroids.rows());
  std::vector<int> labels(static_cast<std::size_t>(n));
  Eigen::VectorXf dist(n);
  Eigen::MatrixXd sums(clusters, z.cols());
  std::vector<std::int64_t> counts(static_cast<std::size_t>(clusters));
  double previous = std::numeric_limits<double>::infinity();
  // The assignment, most of an iteration's cost, in ranges of rows: each row's label and distance
  // are computed by one thread whatever the count, so every later step sees the same numbers.
  const int threads = std::max(1, params.threads);
  const auto minRows = static_cast<int>(std::max<Eigen::Index>(blockRowsFor(clusters), 256));
  for (int iteration = 0; iteration < params.iterations; ++iteration) {
    const Eigen::VectorXf halfNormSq = halfSquaredNorms(centroids);
    base::parallelRanges(static_cast<int>(n), threads, minRows, [&](int begin, int end) {
      nearest(z.middleRows(begin, end - begin), centroids, halfNormSq, labels.data() + begin,
              dist.data() + begin);
    });
    const double inertia = dist.cast<double>().sum();
    if (iteration > 0 && !improvedEnough(previous, inertia, params.tolerance)) break;
    previous = inertia;
    accumulate(z, labels, sums, counts);
    std::vector<int> empty;
    for (int k = 0; k < clusters; ++k) {
      if (counts[static_cast<std::size_t>(k)] == 0) empty.push_back(k);
    }
    reseed(z, empty, labels, dist, sums, counts);
    for (int k = 0; k < clusters; ++k) {
      const auto count = counts[static_cast<std::size_t>(k)];
      if (count > 0) centroids.row(k) = (sums.row(k) / static_cast<double>(count)).cast<float>();
    }
  }
}

// Mini-batch k-means (Sculley 2010). Each centre moves towards its batch members with learning
// rate 1/(points it has seen); applied per batch, that is exactly the running mean below.
// One iteration is one pass (ceil(N / batch) batches); convergence is judged on the summed
// pre-update batch inertia of consecutive passes.
void miniBatch(const FrameMatrix& z, const KMeansParams& params, Rng& rng, FrameMatrix& centroids) {
  const Eigen::Index n = z.rows();
  const Eigen::Index batch = std::min<Eigen::Index>(params.batchSize, n);
  const Eigen::Index batchesPerPass = (n + batch - 1) / batch;
  const int clusters = static_cast<int>(centroids.rows());
  std::vector<std::int64_t> seen(static_cast<std::size_t>(clusters), 0);
  FrameMatrix points(batch, z.cols());
  std::vector<int> labels(static_cast<std::size_t>(batch));
  Eigen::VectorXf dist(batch);
  Eigen::MatrixXd sums(clusters, z.cols());
  std::vector<std::int64_t> counts(static_cast<std::size_t>(clusters));
  double previous = std::numeric_limits<double>::infinity();
  for (int pass = 0; pass < params.iterations; ++pass) {
    double passInertia = 0.0;
    for (Eigen::Index b = 0; b < batchesPerPass; ++b) {
      for (Eigen::Index r = 0; r < batch; ++r) {
        points.row(r) = z.row(uniformIndex(rng, n));
      }
      nearest(points, centroids, halfSquaredNorms(centroids), labels.data(), dist.data());
      passInertia += dist.cast<double>().sum();
      accumulate(points, labels, sums, counts);
      // A centre that has never won a point is dead weight: give it the worst-fitted batch point.
      std::vector<int> dead;
      for (int k = 0; k < clusters; ++k) {
        const auto kk = static_cast<std::size_t>(k);
        if (seen[kk] == 0 && counts[kk] == 0) dead.push_back(k);
      }
      reseed(points, dead, labels, dist, sums, counts);
      for (int k = 0; k < clusters; ++k) {
        const auto kk = static_cast<std::size_t>(k);
        if (counts[kk] == 0) continue;
        const double total = static_cast<double>(seen[kk] + counts[kk]);
        const Eigen::RowVectorXd old = centroids.row(k).cast<double>();
        centroids.row(k) =
            ((old * static_cast<double>(seen[kk]) + sums.row(k)) / total).cast<float>();
        seen[kk] += counts[kk];
      }
    }
    if (pass > 0 && !improvedEnough(previous, passInertia, params.tolerance)) break;
    previous = passInertia;
  }
}

}  // namespace

base::Status KMeansParams::validate() const {
  const auto outside = [](const auto& spec, auto value) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "k-means parameter " + spec.validate(value));
  };
  if (!kClusters.contains(clusters)) return outside(kClusters, clusters);
  if (!kIterations.contains(iterations)) return outside(kIterations, iterations);
  if (!kBatchSize.contains(batchSize)) return outside(kBatchSize, batchSize);
  if (!kTolerance.contains(tolerance)) return outside(kTolerance, tolerance);
  return base::Status::success();
}

Codebook::Codebook(FrameMatrix centroids, Eigen::VectorXf mean, Eigen::VectorXf invStd)
    : m_centroids(std::move(centroids)),
      m_mean(std::move(mean)),
      m_invStd(std::move(invStd)),
      m_halfNormSq(halfSquaredNorms(m_centroids)) {}

base::Status Codebook::train(const FrameMatrix& frames, const KMeansParams& params, Codebook& out) {
  if (base::Status status = params.validate(); !status.ok()) return status;
  if (frames.cols() < 1) {
    return base::Status::failure(base::ErrorCode::InvalidArgument, "frames have no dimensions");
  }
  if (frames.rows() < params.clusters) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "k-means needs at least " + std::to_string(params.clusters) +
                                     " frames, got " + std::to_string(frames.rows()));
  }
  if (!frames.allFinite()) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "frames contain NaN or infinity");
  }

  const Eigen::VectorXd mean = frames.cast<double>().colwise().mean().transpose();
  Eigen::VectorXd variance = Eigen::VectorXd::Zero(frames.cols());
  for (Eigen::Index i = 0; i < frames.rows(); ++i) {
    variance += (frames.row(i).cast<double>().transpose() - mean).array().square().matrix();
  }
  const Eigen::VectorXd stdDev = (variance / static_cast<double>(frames.rows())).cwiseSqrt();
  const double floor = std::max(kAbsoluteStdFloor, kRelativeStdFloor * stdDev.maxCoeff());
  const Eigen::VectorXf invStd = stdDev.cwiseMax(floor).cwiseInverse().cast<float>();
  const Eigen::VectorXf meanF = mean.cast<float>();

  const FrameMatrix z = standardise(frames, meanF, invStd);
  Rng rng(params.seed);
  FrameMatrix centroids = seedCentroids(z, params.clusters, std::max(1, params.threads), rng);
  if (params.batchSize == 0) {
    lloyd(z, params, centroids);
  } else {
    miniBatch(z, params, rng, centroids);
  }
  out = Codebook(std::move(centroids), meanF, invStd);
  return base::Status::success();
}

void Codebook::assign(const FrameMatrix& frames, std::vector<int>& labels) const {
  labels.assign(static_cast<std::size_t>(frames.rows()), -1);
  if (empty() || frames.cols() != dimension() || frames.rows() == 0) return;
  const Eigen::Index step = blockRowsFor(size());
  for (Eigen::Index begin = 0; begin < frames.rows(); begin += step) {
    const Eigen::Index rows = std::min(step, frames.rows() - begin);
    const FrameMatrix z = standardise(frames.middleRows(begin, rows), m_mean, m_invStd);
    nearest(z, m_centroids, m_halfNormSq, labels.data() + begin, nullptr);
  }
}

double Codebook::inertia(const FrameMatrix& frames) const {
  if (empty() || frames.cols() != dimension() || frames.rows() == 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const Eigen::Index step = blockRowsFor(size());
  std::vector<int> labels(static_cast<std::size_t>(step));
  std::vector<float> dist(static_cast<std::size_t>(step));
  double total = 0.0;
  for (Eigen::Index begin = 0; begin < frames.rows(); begin += step) {
    const Eigen::Index rows = std::min(step, frames.rows() - begin);
    const FrameMatrix z = standardise(frames.middleRows(begin, rows), m_mean, m_invStd);
    nearest(z, m_centroids, m_halfNormSq, labels.data(), dist.data());
    total += std::accumulate(dist.begin(), dist.begin() + rows, 0.0);
  }
  return total / static_cast<double>(frames.rows());
}

BagOfWords::BagOfWords(const Codebook& codebook, int blockFrames)
    : m_codebook(codebook),
      m_block(std::max(blockFrames, 1), codebook.dimension()),
      m_counts(static_cast<std::size_t>(codebook.size()), 0.0f),
      m_labels(static_cast<std::size_t>(std::max(blockFrames, 1))) {}

bool BagOfWords::add(std::span<const float> frame) {
  if (m_codebook.empty() || frame.size() != static_cast<std::size_t>(m_codebook.dimension())) {
    return false;
  }
  std::copy(frame.begin(), frame.end(), m_block.row(m_filled).data());
  ++m_total;
  if (++m_filled == m_block.rows()) flush();
  return true;
}

void BagOfWords::flush() {
  if (m_filled == 0) return;
  const FrameMatrix z =
      standardise(m_block.topRows(m_filled), m_codebook.mean(), m_codebook.invStd());
  nearest(z, m_codebook.m_centroids, m_codebook.m_halfNormSq, m_labels.data(), nullptr);
  for (int r = 0; r < m_filled; ++r) m_counts[static_cast<std::size_t>(m_labels[r])] += 1.0f;
  m_filled = 0;
}

std::vector<std::pair<std::uint32_t, float>> BagOfWords::histogram() {
  flush();
  std::vector<std::pair<std::uint32_t, float>> result;
  for (std::size_t k = 0; k < m_counts.size(); ++k) {
    if (m_counts[k] > 0.0f) result.emplace_back(static_cast<std::uint32_t>(k), m_counts[k]);
  }
  return result;
}

}  // namespace songspace::audio
