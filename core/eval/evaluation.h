#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/eval/baselines.h"
#include "core/eval/crossfit.h"
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
  // K-fold cross-validation (Hastie, Tibshirani & Friedman, The Elements of Statistical Learning,
  // §7.10): the songs cut into K parts of whole groups, each part held out once while a model
  // trains on the others, every metric pooled over the K test parts. K times the training of a
  // hold-out split, for K times its test songs: what a calibration error needs to be told from
  // its sampling noise on a small library (docs/experiments.md §7.5). 0: one hold-out split of
  // holdoutFraction.
  static constexpr base::ParameterSpec<int> kFolds{
      "folds", 0, 0, 20,
      "K-fold cross-validation: every song held out once, by K models each trained on the "
      "other parts, the metrics pooled (0: one hold-out split of --holdout; 1 is refused)"};
  int folds = kFolds.defaultValue;
  std::uint64_t seed = base::kSeedSpec.defaultValue;
  TrainOptions train;  // the same options `train` uses
  // Fitted on the training part only (trainCalibratedModel inside it), as `train` does on the
  // library.
  CalibrationOptions calibration;
  int knnNeighbours = kKnnNeighbours.defaultValue;
  int knnArtistSongs = kKnnArtistSongs.defaultValue;
  // Optional, per song: an album id (≥ 0) or -1. Songs of one album count as similar songs.
  std::vector<int> songAlbum;
  // Optional, per song: LibraryDataset::songTaggedOutOfVocabulary. The training part's entries
  // go to its calibration (CalibrationOptions::songTaggedOutOfVocabulary); a held-out song marked
  // so is a negative for every tag in the tag calibration metrics and auto-tag's precision.
  std::vector<char> songTaggedOutOfVocabulary;
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

// round(holdoutFraction · n) songs (at least 1, at most n − 1) held out, shuffled with `seed`; the
// songs of one group (TrainingSet::songGroup) go to the same side, so the test part may hold a
// group's size more (with every song alone: exactly that many); when a group would give it more
// than twice its share, or every song, the songs are split one by one.
HoldoutSplit splitBySong(const TrainingSet& all, double holdoutFraction, std::uint64_t seed);
// K-fold cross-validation's splits: the groups (songGroupUnits) shuffled with `seed`, each given in
// turn to the part with the fewest songs so far, so the parts' sizes differ by at most the largest
// group; split k holds part k out. The similar-artist pairs are shuffled and dealt round-robin
// the same way. Every song is a test song of exactly one split. With fewer groups than `folds`
// the songs are dealt one by one (a leak rather than no evaluation). Empty when folds < 2 or
// there are fewer than `folds` songs.
std::vector<HoldoutSplit> crossValidationSplits(const TrainingSet& all, int folds,
                                                std::uint64_t seed);
// The training part: rows, tags, artists of the training songs (re-indexed 0..|train|−1), the
// similar-song pairs with both ends in training, the training artist pairs. Vocabularies keep
// their size and indices.
TrainingSet trainingPart(const TrainingSet& all, const HoldoutSplit& split);

// How well the calibrated model's probabilities match what happened on the held-out songs
// (valid only when the model was calibrated and the task had outcomes):
// - tags: every (held-out tagged song, tag seen in training) pair, P(tag applies); a song tagged
//   only outside the vocabulary (EvalOptions::songTaggedOutOfVocabulary) is a negative for all;
// - artist: the top artist's probability against "it is the song's artist" (Guo et al.'s
//   confidence calibration); brier is the multi-class score Σ_i (p_i − y_i)² averaged over songs;
// - similar_songs: every pair of held-out songs, P(related) against "related" as the ranking
//   judges it; similar_artists: every (artist, candidate) pair of the ranking.
// ece: expectedCalibrationError (10 bins); outcomes: the events counted.
struct CalibrationMetrics {
  bool valid = false;
  double ece = 0;
  double brier = 0;
  int outcomes = 0;
  std::vector<ReliabilityBin> bins;  // the 10 bins behind ece (to pool runs)
};

// Auto-tag at the calibration's default threshold on the held-out tagged songs: precision of the
// proposals (tags with probability ≥ threshold; those on songs tagged only outside the vocabulary
// are all wrong), coverage = songs with a tag of the vocabulary that got at least one proposal /
// those songs (`songs`), and the expected precision stored in the model (what the cross-fitted
// songs showed).
struct AutoTagMetrics {
  bool valid = false;
  float threshold = 0;
  double precision = 0;
  double coverage = 0;
  int proposals = 0;
  int songs = 0;
  double expectedPrecision = 0;
};

struct TaskEvaluation {
  Task task = Task::Tags;
  std::vector<MethodMetrics> methods;  // model, knn, popularity, random
  CalibrationMetrics calibration;
  AutoTagMetrics autoTag;  // tags only
};

struct EvalResult {
  std::string error;  // empty on success
  std::vector<TaskEvaluation> tasks;
  TrainReport training;
  CalibrationReport calibration;
  bool calibrated = false;
  // With cross-validation: folds = K, testSongs = every song held out (the library), trainSongs =
  // the songs of the first fold's training part, training and calibration the first fold's
  // reports; the task metrics are pooled over the K folds (ranking metrics as means over all
  // queries, calibration bins summed and their ECE recomputed, Brier scores as means over all
  // outcomes, auto-tag's proposals counted together, its threshold and expected precision means
  // over the folds weighted by their tagged songs). Otherwise folds = 1.
  int folds = 1;
  int trainSongs = 0;
  int testSongs = 0;
  double seconds = 0;
  // What the tag calibration was fitted on and what it was applied to, so that another fit can be
  // measured on exactly the same numbers (scripts/refit-tag-calibration.py; docs/experiments.md
  // §7.2): calibrationData is CalibratedTraining::heldOut of the training part (empty when
  // uncalibrated); per held-out song that the tag task queried (one with a tag seen in training),
  // in held-out order, testTagScores its raw score T_tᵀ V x for every tag (numTags values; a tag
  // unseen in training is not a candidate) and testTags its tags; tagFrequency[t] is the number
  // of training songs carrying tag t (popularity's score).
  CalibrationData calibrationData;
  std::vector<std::vector<float>> testTagScores;
  std::vector<std::vector<int>> testTags;
  std::vector<float> tagFrequency;
  // With options.calibration.keepNeighbours: per entry of testTags, the song's nearest tagged
  // training songs (CalibrationData::featureNeighbours and jointNeighbours, the joint space the
  // final model's), and the tags of the training part's songs (the indices of calibrationData's
  // tagSongs and of every neighbour).
  std::vector<std::vector<std::pair<int, float>>> testFeatureNeighbours, testJointNeighbours;
  std::vector<std::vector<int>> trainSongTags;
  // With options.calibration.keepFoldModels and a cross-validated training part: per entry of
  // testTags, the mean over the fold models f of their raw scores T_fᵀ V_f x (numTags values).
  std::vector<std::vector<float>> testFoldTagScores;
};

// Splits (options.folds ≥ 2: for each of crossValidationSplits, results pooled), trains and
// calibrates the model on the training part only (trainCalibratedModel(), as
// the train job does: uncalibrated when options.calibration.folds == 0), and ranks for every task
// with data (the model's tags by calibrated probability when calibrated: Platt's per-tag intercept
// carries the tag's frequency into the order; every other ranking is unchanged by its monotone
// calibration):
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

// {"calibrated": bool, "folds": K (1: one hold-out split), "test_songs": N, "tasks": {TASK:
// {METHOD: {"p@1", "p@5", "p@10", "map", "auc", "queries"}, "calibration": {"ece", "brier",
// "outcomes", "bins": [[count, sum p, sum y] × 10]} (when valid), "auto_tag": {"threshold",
// "precision", "coverage", "proposals", "songs", "expected_precision"} (tags, when valid)}}}
std::string evalResultToJson(const EvalResult& result);

// The tag calibration's data of `result` as JSON (one hold-out split only: evaluate() keeps
// no calibration data with cross-validation): {"target_precision": P, "folds": the models
// that scored the held-out songs (CalibrationData::folds), "held_out": {"tag":
// [...], "score": [...], "label": [0|1 ...]} (one entry per held-out (song, tag) pair, a song's
// pairs consecutive and in ascending tag order), "test": [{"tags": [...], "scores": [...]}],
// "tag_frequency": [...]} (EvalResult::calibrationData, testTags, testTagScores, tagFrequency),
// and with keepNeighbours "neighbours": {"train_song_tags": [[...] per training song],
// "held_out_song": [...], "held_out_feature" / "held_out_joint": [[[song, cosine] ...] per held-out
// tagged song], "test_feature" / "test_joint": [... per entry of "test"]}, and with
// keepFoldModels "test_fold_scores": [[...] per entry of "test"] (testFoldTagScores).
std::string evalCalibrationDataToJson(const EvalResult& result, double targetPrecision);

}  // namespace songspace::core
