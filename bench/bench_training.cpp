// Training throughput: SGD examples per second with 1 and 2 Hogwild threads on a synthetic problem
// of realistic size, and the 2-thread / 1-thread ratio measured in the same run; the default WARP
// sampler (capped draws, cached song scores) against the uncapped uncached one, in the same run.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "core/model/trainer.h"
#include "core/model/trainer_plan.h"

using namespace songspace::core;
namespace base = songspace::base;

namespace {

constexpr int kSongs = 20000, kCodewords = 1000, kSummary = 78, kNonzeros = 200;
constexpr int kArtists = 500, kTags = 100, kClusters = 50;

TrainingSet makeData() {
  base::Xoshiro256 rng(42);
  TrainingSet data;
  data.numArtists = kArtists;
  data.numTags = kTags;
  std::vector<Eigen::Triplet<float>> triplets;
  std::vector<int> cluster(kSongs);
  for (int s = 0; s < kSongs; ++s) {
    const int artist = static_cast<int>(base::uniformBelow(rng, kArtists));
    const int c = artist % kClusters;
    cluster[static_cast<std::size_t>(s)] = c;
    std::vector<float> row(kCodewords, 0.0f);
    for (int w = 0; w < kNonzeros * 2; ++w) {  // ~200 distinct codewords after collisions
      const int word = base::uniform01(rng) < 0.4
                           ? (c * 20 + static_cast<int>(base::uniformBelow(rng, 20))) % kCodewords
                           : static_cast<int>(base::uniformBelow(rng, kCodewords));
      row[static_cast<std::size_t>(word)] += 1;
    }
    float norm = 0;
    for (float v : row) norm += v * v;
    norm = std::sqrt(norm);
    for (int k = 0; k < kCodewords; ++k)
      if (row[static_cast<std::size_t>(k)] > 0)
        triplets.emplace_back(s, k, row[static_cast<std::size_t>(k)] / norm);
    for (int k = 0; k < kSummary; ++k)
      triplets.emplace_back(
          s, kCodewords + k,
          static_cast<float>(0.5 * base::standardNormal(rng) / std::sqrt(kSummary)));
    data.songArtist.push_back(artist);
    data.songTags.push_back(
        {c % kTags, kClusters + static_cast<int>(base::uniformBelow(rng, kTags - kClusters))});
  }
  data.songs.resize(kSongs, kCodewords + kSummary);
  data.songs.setFromTriplets(triplets.begin(), triplets.end());
  for (int p = 0; p < kSongs; ++p) {
    const int a = static_cast<int>(base::uniformBelow(rng, kSongs));
    int b = static_cast<int>(base::uniformBelow(rng, kSongs));
    for (int tries = 0; tries < 100 && cluster[static_cast<std::size_t>(b)] !=
                                           cluster[static_cast<std::size_t>(a)];
         ++tries)
      b = static_cast<int>(base::uniformBelow(rng, kSongs));
    data.similarSongs.emplace_back(a, b);
  }
  for (int p = 0; p < 1000; ++p)
    data.similarArtists.emplace_back(static_cast<int>(base::uniformBelow(rng, kArtists)),
                                     static_cast<int>(base::uniformBelow(rng, kArtists)));
  return data;
}

double examplesPerSecond(const TrainingSet& data, int threads, Loss loss,
                         const char* sampler = "default") {
  TrainOptions options;
  if (std::string_view(sampler) == "uncapped") {  // the sampler before the cap and the cache
    options.maxNegativeDraws = 0;
    options.songCacheRefreshesPerPass = 0;
  }
  options.dimension = 64;  // one block of d = 64: the SGD's own rate
  options.subspaces = 1;
  options.threads = threads;
  options.epochs = 2;
  options.patience = 0;
  options.loss = loss;
  options.validationFraction = 0.02;
  options.learningRate = 0.02;
  JointModel model;
  const TrainReport report = trainModel(data, options, model);
  if (!report.error.empty()) std::fprintf(stderr, "error: %s\n", report.error.c_str());
  std::printf(
      "  %-4s %-8s threads=%d  %10.0f examples/s  (validation p@1 %.3f after %d epochs, "
      "at most %d negatives scored in a step)\n",
      loss == Loss::Warp ? "warp" : "auc", sampler, threads, report.examplesPerSecond,
      report.bestValidationScore, report.epochsRun, report.maxNegativesScoredInStep);
  return report.examplesPerSecond;
}

// The default model: TrainOptions' stack of subspaces, blocks side by side on `threads` cores.
double stackSeconds(const TrainingSet& data, int threads) {
  TrainOptions options;
  options.threads = threads;
  options.epochs = 2;
  options.patience = 0;
  options.validationFraction = 0.02;
  options.refitOnAllSongs = false;
  JointModel model;
  const auto start = std::chrono::steady_clock::now();
  const TrainReport report = trainModel(data, options, model);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!report.error.empty()) std::fprintf(stderr, "error: %s\n", report.error.c_str());
  std::printf("  default stack (%d x %d) threads=%d  %.2f s for 2 epochs  (%10.0f examples/s)\n",
              report.subspaces, options.dimension / std::max(1, report.subspaces), threads, seconds,
              report.examplesPerSecond);
  return seconds;
}

}  // namespace

int main() {
  const TrainingSet data = makeData();
  std::printf(
      "synthetic: %d songs, %d features (%d codewords + %d dense), %.0f nonzeros/song, "
      "%d artists, %d tags, d=64\n",
      kSongs, kCodewords + kSummary, kCodewords, kSummary, double(data.songs.nonZeros()) / kSongs,
      kArtists, kTags);
  {
    const double uncapped = examplesPerSecond(data, 1, Loss::Warp, "uncapped");
    const double capped = examplesPerSecond(data, 1, Loss::Warp);
    std::printf("  warp: default sampler / uncapped uncached throughput ratio %.2f\n",
                capped / uncapped);
  }
  for (Loss loss : {Loss::Warp, Loss::Auc}) {
    const double one = examplesPerSecond(data, 1, loss);
    const double two = examplesPerSecond(data, 2, loss);
    std::printf("  %s: 2-thread / 1-thread throughput ratio %.2f\n",
                loss == Loss::Warp ? "warp" : "auc", two / one);
  }
  const double one = stackSeconds(data, 1);
  const double two = stackSeconds(data, 2);
  std::printf("  default stack: 1-thread / 2-thread wall time ratio %.2f\n", one / two);
  return 0;
}
