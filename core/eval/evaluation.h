#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/eval/baselines.h"
#include "core/eval/metrics.h"
#include "core/model/trainer.h"
#include "core/model/trainingset.h"

namespace songspace::core {

// Held-out evaluation of the joint model beside baselines (docs/design.md §3).
struct EvalOptions {
  static constexpr base::ParameterSpec<double> kHoldoutFraction{
      "holdout_fraction", 0.2, 0.01, 0.9,
      "songs (and similar-artist pairs) held out for testing; the default leaves four fifths to "
      "learn "
      "from"};
  double holdoutFraction = kHoldoutFraction.defaultValue;
  std::uint64_t seed = base::kSeedSpec.defaultValue;
  TrainOptions train;  // the same options `train` uses
  int knnNeighbours = kKnnNeighbours.defaultValue;
  int knnArtistSongs = kKnnArtistSongs.defaultValue;
  // Optional, per song: an album id (≥ 0) or -1. Songs of one album count as similar songs.
  std::vector<int> songAlbum;
  // The kNN baselines get their own weighting of the dense summary block: columns from
  // summaryOffset on (-1: none) are multiplied by knnSummaryScale before their cosines. Cosine
  // kNN is best with a lighter summary block than the learned model, and a baseline is only a
  // fair reference at its own best setting.
  int summaryOffset = -1;
  float knnSummaryScale = 1.0f;
  // What a caller that weights the summary block for the model (LibraryDatasetOptions::
  // summaryWeight) gives the kNN baselines instead: knnSummaryScale = this / summaryWeight.
  static constexpr base::ParameterSpec<float> kKnnSummaryWeight{
      "knn_summary_weight", 0.5f, 0.0f, 100.0f,
      "summary block weight for the kNN baselines; the default: where cosine kNN measured best "
      "(docs/experiments.md §2.3)"};

  // Empty when valid; otherwise the first parameter out of its declared range (evaluate()
  // refuses such options with it).
  [[nodiscard]] std::string validate() const;
};

// The split: held-out songs are not in the training part at all (not even as rows of its song
// matrix), and their artists/tags/pairs are invisible to every learner.
struct HoldoutSplit {
  std::vector<int> trainSongs;  // ascending indices into the full set
  std::vector<int> testSongs;   // ascending
  std::vector<std::pair<int, int>> trainArtistPairs;
  std::vector<std::pair<int, int>> testArtistPairs;
};

HoldoutSplit splitBySong(const TrainingSet& all, double holdoutFraction, std::uint64_t seed);
// The training part: rows, tags, artists of the training songs (re-indexed 0..|train|−1), the
// similar-song pairs with both ends in training, the training artist pairs. Vocabularies keep
// their size and indices.
TrainingSet trainingPart(const TrainingSet& all, const HoldoutSplit& split);

struct TaskEvaluation {
  Task task = Task::Tags;
  std::vector<MethodMetrics> methods;  // model, knn, popularity, random
};

struct EvalResult {
  std::string error;  // empty on success
  std::vector<TaskEvaluation> tasks;
  TrainReport training;
  int trainSongs = 0;
  int testSongs = 0;
  double seconds = 0;
};

// Splits, trains the model with trainModel() on the training part only, and ranks for every
// task with data:
// - tags / artist: held-out songs whose labels occur in training rank the labels seen in
//   training;
// - similar_songs: each held-out song ranks the other held-out songs; relevant = same artist,
//   same album (when songAlbum is given) or a similar-song pair;
// - songs_for_artist: each training artist with held-out songs ranks all held-out songs;
// - similar_artists (only with similar-artist pairs): each artist with held-out pairs ranks the
//   artists except itself and its training partners.
// Ties are broken by a seeded shuffle of the candidates, so a constant score (popularity on song
// candidates, which have no training counts) measures chance, not the order of the input.
EvalResult evaluate(const TrainingSet& all, const EvalOptions& options);

// {"tasks": {TASK: {METHOD: {"p@1", "p@5", "p@10", "map", "auc", "queries"}}}}
std::string evalResultToJson(const EvalResult& result);

}  // namespace songspace::core
