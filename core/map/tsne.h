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

  // The defaults for a map of n points: kLargeMapTheta and kLargeMapIterations above
  // kExactKnnMaxPoints, the declared defaults otherwise.
  static TsneParameters forPoints(int n);

  double perplexity = kPerplexity.defaultValue;
  int iterations = kIterations.defaultValue;
  double theta = kTheta.defaultValue;
  double learningRate = kLearningRate.defaultValue;
  double exaggeration = kExaggeration.defaultValue;
  int exaggerationIterations = kExaggerationIterations.defaultValue;
  Neighbours neighbours = Neighbours::Auto;
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
// result is deterministic for a seed and a re-run does not flip or rotate the map. `cancel` is
// read every iteration. n < 4 has no neighbourhood to model: the scaled PCA layout is returned.
TsneResult tsne(const Eigen::MatrixXf& points, const TsneParameters& parameters = {},
                const TsneProgress& progress = {}, const std::atomic<bool>* cancel = nullptr);

}  // namespace songspace::core
