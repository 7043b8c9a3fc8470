#pragma once

#include <Eigen/Core>
#include <atomic>
#include <cstdint>
#include <functional>

#include "core/base/parameter.h"
#include "core/base/status.h"

namespace songspace::core {

// Barnes–Hut t-SNE (van der Maaten, JMLR 2014) for the 2-D map. Every parameter is declared once
// here with its default and valid range.
struct TsneParameters {
  // Auto: exact kNN up to kExactKnnMaxPoints, approximate above.
  enum class Neighbours { Auto, Exact, Approximate };
  // What tsneFromLayout does with the scale of its initial layout: Rescale it to std 1e-4 (a
  // layout that is not yet a t-SNE map, such as PCA), or Keep it (a previous t-SNE map,
  // continued at its own scale).
  enum class InitialScale { Rescale, Keep };
  static constexpr base::ParameterSpec<double> kPerplexity{
      "perplexity", 30.0, 2.0, 100.0, "effective number of neighbours; k = 3 * perplexity"};
  static constexpr base::ParameterSpec<int> kIterations{
      "iterations", 750, 50, 5000, "gradient steps, early exaggeration included"};
  static constexpr base::ParameterSpec<double> kTheta{
      "theta", 0.5, 0.0, 1.0, "Barnes–Hut accuracy: 0 is exact (O(n^2)), larger is coarser"};
  static constexpr base::ParameterSpec<double> kLearningRate{
      "learning_rate", 0.0, 0.0, 10000.0, "0 = auto: max(n / exaggeration / 4, 50)"};
  static constexpr base::ParameterSpec<double> kExaggeration{
      "early_exaggeration", 12.0, 1.0, 100.0, "P is multiplied by this while clusters form"};
  static constexpr base::ParameterSpec<int> kExaggerationIterations{
      "exaggeration_iterations", 250, 0, 5000, "length of the early-exaggeration phase"};
  // Exact kNN is O(n^2 d) in blocked dot products (its cost: docs/experiments.md §3.4); above
  // this many points the input affinities come from an approximate kNN index (approximateKnn in
  // core/map/tsneaffinity.h) unless `neighbours` says otherwise.
  static constexpr int kExactKnnMaxPoints = 10000;
  // The largest input (twice the 10⁵ songs with their artists and tags); tsne() refuses
  // more (TooManyPoints) rather than run for tens of minutes.
  static constexpr int kMaxPoints = 200000;
  // Above kExactKnnMaxPoints forPoints() trades accuracy for time: a coarser Barnes–Hut θ and
  // fewer iterations (kExaggerationIterations of them still exaggerated). What this costs in
  // neighbour preservation and saves in time is measured in docs/experiments.md §3.7.
  static constexpr double kLargeMapTheta = 1.0;
  static constexpr int kLargeMapIterations = 500;

  // A warm start (tsneFromLayout from a previous map) keeps the map's scale and runs this many
  // iterations, none of them exaggerated: the previous layout is already near a minimum, so it
  // is continued as openTSNE continues an existing embedding (TSNEEmbedding.optimize, its
  // transform() likewise without early exaggeration), and fewer iterations suffice. Shrunk to
  // std 1e-4 or exaggerated, the layout is pulled together and its groups re-arranged, undoing
  // what the warm start keeps. All three measured in docs/experiments.md §3.9.
  static constexpr int kWarmStartIterations = 250;

  // The defaults for a map of n points: kLargeMapTheta and kLargeMapIterations above
  // kExactKnnMaxPoints, the declared defaults otherwise.
  static TsneParameters forPoints(int n);
  // forPoints(n) for a warm start: kWarmStartIterations, no early exaggeration, Keep.
  static TsneParameters forWarmStart(int n);

  double perplexity = kPerplexity.defaultValue;
  int iterations = kIterations.defaultValue;
  double theta = kTheta.defaultValue;
  double learningRate = kLearningRate.defaultValue;
  double exaggeration = kExaggeration.defaultValue;
  int exaggerationIterations = kExaggerationIterations.defaultValue;
  Neighbours neighbours = Neighbours::Auto;
  InitialScale initialScale = InitialScale::Rescale;
  std::uint64_t seed =
      base::kSeedSpec.defaultValue;  // jitter that separates coincident points; same seed, same map

  bool isValid() const {
    return kPerplexity.contains(perplexity) && kIterations.contains(iterations) &&
           kTheta.contains(theta) && kLearningRate.contains(learningRate) &&
           kExaggeration.contains(exaggeration) &&
           kExaggerationIterations.contains(exaggerationIterations);
  }
};

struct TsneResult {
  // InvalidArgument (parameters outside their ranges), TooManyPoints (above kMaxPoints: no
  // embedding), Cancelled (embedding holds the last finished iteration), or ok.
  base::Status status;
  Eigen::MatrixXf embedding;  // n × 2; on Cancelled, the state at the last finished iteration
  int iterationsRun = 0;
};

// Called once per iteration from the computing thread; keep it cheap (rate-limit in the caller).
using TsneProgress = std::function<void(int iteration, int total)>;

// Embeds the rows of `points` (n × d) in 2-D. Initialised from PCA scaled to std 1e-4, so the
// result is deterministic for a seed (with exact neighbours; the approximate ones of a large input
// come from an HNSW graph built by several threads, which may differ in a few neighbours between
// runs) and a re-run does not flip or rotate the map. `cancel` is
// read every iteration. n < 4 has no neighbourhood to model: the scaled PCA layout is returned.
// The same as tsneFromLayout(points, pcaProject(points, 2), …).
TsneResult tsne(const Eigen::MatrixXf& points, const TsneParameters& parameters = {},
                const TsneProgress& progress = {}, const std::atomic<bool>* cancel = nullptr);

// A warm start: t-SNE of `points` (n × d) starting from `initial` (n × 2, row i the starting
// position of point i: a previous map, or a previous map with new points placed by
// core::carryOverMap). The layout is centred; with InitialScale::Rescale (tsne()'s PCA start) it
// is scaled uniformly so that its first column has standard deviation 1e-4 (openTSNE's
// initialization.rescale; Kobak & Berens, Nat. Commun. 2019: a large initial scale lets early
// exaggeration tear the layout apart), with Keep (TsneParameters::forWarmStart: a previous
// t-SNE map, in its own units) it stays as it is. Its shape, rotation and reflection are kept;
// every coordinate then gets a seeded normal jitter of 1 % of that standard deviation, which
// separates coincident points. The optimisation is tsne()'s with the given schedule. What a
// warm start keeps of a previous map across a retrain, against a cold start and against a
// rescaled or exaggerated warm start: docs/experiments.md §3.9. Deterministic for a seed.
// Errors: tsne()'s, and InvalidArgument when `initial` is not n × 2 or not finite. n < 4: the
// (scaled) initial layout is returned.
TsneResult tsneFromLayout(const Eigen::MatrixXf& points, const Eigen::MatrixXf& initial,
                          const TsneParameters& parameters = {}, const TsneProgress& progress = {},
                          const std::atomic<bool>* cancel = nullptr);

}  // namespace songspace::core
