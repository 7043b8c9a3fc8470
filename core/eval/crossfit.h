#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/base/parameter.h"
#include "core/model/calibration.h"
#include "core/model/jointmodel.h"
#include "core/model/trainer.h"
#include "core/model/trainingset.h"

namespace songspace::core {

// Where the held-out scores come from (docs/design.md §3.1):
// - ValidationSplit: the trainer's own validation split, scored by the parameters early stopping
//   chose before any refit (HeldOutModel) — no training at all. Used once that split has at least
//   kMinValidationSplitSongs songs (10 % of the library up to 2 000: libraries of 1 000 songs and
//   more), which is enough for the few parameters fitted (one temperature, one pair fit, tag fits
//   shrunk to a pooled one);
// - CrossValidation: smaller libraries (trainCalibratedModel). `folds` models, each trained on the
//   other folds and early-stopped on its own fold, score that fold; the mean of the epochs they
//   chose is the epoch count of the one model then trained on all songs. The folds are the
//   training's epoch search, so nothing is trained for the calibration alone;
// - CrossFitting: a model already trained (calibrateModel without a usable HeldOutModel, or
//   validation_fraction 0, where no epoch is searched): `folds` more models trained after it.
enum class CalibrationSource { None, ValidationSplit, CrossFitting, CrossValidation };
inline constexpr int kMinValidationSplitSongs = 100;

// Every parameter of the calibration, declared once with its default and range.
struct CalibrationOptions {
  // Cross-validation (docs/design.md §3.1), for a library whose validation split is too small:
  // the songs are split into `folds` parts; a model trained with the same options on the other
  // parts, early-stopped on its own part, scores that part, so every calibration example comes
  // from a model that never saw the song, as the final model never saw a new file; the epochs the
  // folds chose, averaged, are the final model's. 5: four fifths of a small library is close to
  // the whole. 0: no calibration (the model is stored uncalibrated, its epochs chosen on the
  // trainer's validation split and refitted).
  static constexpr base::ParameterSpec<int> kFolds{
      "calibration_folds", 5, 0, 20,
      "models trained on the other songs to score each held-out part; on a small library they "
      "also choose the epochs (0: no calibration)"};
  int folds = kFolds.defaultValue;
  // At most this many songs are held out in total: folds of ⌈|S| / folds⌉ songs, capped at this
  // size, and only as many folds as reach it, so a large library trains one extra model on all but
  // 2 000 of its songs instead of `folds` of them.
  static constexpr base::ParameterSpec<int> kMaxSongs{
      "calibration_songs",
      2000,
      10,
      10000000,
      "held-out songs the calibration is fitted on at most",
      "songs"};
  int maxSongs = kMaxSongs.defaultValue;
  // Auto-tag's default threshold is the lowest probability at which the held-out proposals reach
  // this precision (core::precisionThreshold). [0.5, 1].
  static constexpr base::ParameterSpec<double> kTargetPrecision{
      "target_precision", 0.9, 0.5, 1.0,
      "precision auto-tag's default threshold reaches on the held-out songs"};
  double targetPrecision = kTargetPrecision.defaultValue;
  // Pairs a held-out song forms with the fold's training songs: every related one and at most
  // this many unrelated ones drawn at random (weighted to stand for all of them). [1, 10⁶].
  static constexpr base::ParameterSpec<int> kPairNegatives{
      "calibration_pair_negatives", 256, 1, 1000000,
      "unrelated training songs paired with each held-out song at most"};
  int pairNegatives = kPairNegatives.defaultValue;
  // A cross-validated training (CrossValidation) returns the committee of the models it trained:
  // the final model and the fold models stacked as subspaces of one space, each scaled by
  // 1/√(folds + 1), so every raw score — tag, artist, song pair — is the mean of the members'
  // scores (bagging; docs/design.md §3.1, measured in docs/experiments.md §7.2). The fits were
  // fitted on single fold models' held-out scores and apply to the mean unchanged. Costs no
  // training; the model's dimension is (folds + 1) × the trained one (960 at the defaults, only
  // for libraries below 1 000 songs). 0: the final model alone.
  static constexpr base::ParameterSpec<int> kCommittee{
      "committee", 1, 0, 1,
      "on a cross-validated (small) library, score with the mean of the final and fold models "
      "(1) or the final model alone (0)"};
  int committee = kCommittee.defaultValue;
  // Per song of the training data: 1 when the song carries a tag left out of the vocabulary
  // (LibraryDataset::songTaggedOutOfVocabulary). It is a tagged song, so its held-out tag pairs
  // count even when it has no tag of the vocabulary (then all of them negative). Empty: none;
  // else one entry per song (checked by gatherCalibrationData and trainCalibratedModel, whose
  // error names it).
  std::vector<char> songTaggedOutOfVocabulary;
  // Also keep each held-out tagged song's nearest tagged training songs in CalibrationData
  // (tagSongs, featureNeighbours, jointNeighbours): for measurements only (`eval
  // --calibration-data`), O(held-out × songs) more work.
  bool keepNeighbours = false;
  // Also keep the fold models of a cross-validated training (CalibratedTraining::foldModels): for
  // measurements only (`eval --calibration-data`), |folds| models more in memory.
  bool keepFoldModels = false;

  // Empty when valid, else the first parameter out of its range.
  [[nodiscard]] std::string validate() const;
};

struct CalibrationProgress {
  int fold = 0;  // 1-based
  int folds = 0;
};

struct CalibrationReport {
  std::string error;  // empty when the calibration was fitted (or folds == 0)
  bool cancelled = false;
  CalibrationSource source = CalibrationSource::None;
  int songs = 0;  // held-out songs scored
  int folds = 0;  // models trained (CrossValidation: the fold models, which also chose the epochs)
  // CrossValidation with CalibrationOptions::committee: how many models the stored model stacks
  // (the final model and the fold models), each score their mean; 0 otherwise.
  int committee = 0;
  // Wall time of the calibration's own work: gathering (with any models trained for it alone:
  // CrossFitting) and fits. CrossValidation: scoring the folds and fitting, not the fold
  // trainings, which are the training's (CalibratedTraining::foldSeconds).
  double seconds = 0;
};

// The songs 0..numSongs−1 by their group (TrainingSet::songGroup; empty or another size: each song
// alone): each group's songs ascending, the groups in the order of their first song — with every
// song alone, {{0}, {1}, …}. What foldParts and splitBySong shuffle. O(numSongs).
std::vector<std::vector<int>> songGroupUnits(int numSongs, std::span<const int> songGroup);

// The held-out parts of cross-fitting and cross-validation for `numSongs` songs: the songs
// shuffled with `seed`, cut into parts of ⌈numSongs / options.folds⌉ songs (at most
// options.maxSongs), as many parts as reach options.maxSongs in all, each part ascending; none
// when a part would leave no song to train on (options.folds < 2). options must be valid.
// songGroup (TrainingSet::songGroup; empty or another size: every song alone): the groups are
// shuffled instead of the songs and a part takes whole groups until it holds its size, so a
// group is never split between parts; with every song alone the parts are the same as without.
// When whole groups make fewer parts than single songs would, the songs' parts are returned.
std::vector<std::vector<int>> foldParts(int numSongs, std::uint64_t seed,
                                        const CalibrationOptions& options,
                                        std::span<const int> songGroup = {});

// The at most CalibrationData::kKeptNeighbours songs of `candidates` most similar to a query whose
// similarity to song s is similarity[s], as (song, similarity), most similar first (ties: lower
// index).
std::vector<std::pair<int, float>> nearestSongs(const Eigen::VectorXf& similarity,
                                                std::span<const int> candidates);

// Held-out scores of `data` (see CalibrationSource): from `heldOut` (the final training's
// validation split and parameters; `trained` is the final model, for its maxNorm) when its split
// has ≥ kMinValidationSplitSongs songs (at most options.maxSongs of them are scored), else
// cross-fitted: up to options.folds models trained with `train` (its seed, per fold seed + fold;
// with heldOut, for heldOut->bestEpoch epochs) each score their held-out part. Tags and artists
// count only when seen among the scoring model's training songs; a held-out song gives tag pairs
// when it is tagged (data.songTags, or options.songTaggedOutOfVocabulary: then a negative for
// every tag it does not carry); a song pair is related when the songs share an artist, an album
// (songAlbum: per song an album id ≥ 0 or −1; may be empty) or a similar-songs pair of `data`;
// every related training song and options.pairNegatives unrelated ones (drawn, weighted) pair with
// each held-out song. Fewer than 2 songs: nothing.
CalibrationReport gatherCalibrationData(
    const TrainingSet& data, std::span<const int> songAlbum, const TrainOptions& train,
    const CalibrationOptions& options, CalibrationData& out,
    const std::function<void(const CalibrationProgress&)>& progress = {},
    const std::atomic<bool>* cancel = nullptr, const HeldOutModel* heldOut = nullptr,
    const JointModel* trained = nullptr);

// gatherCalibrationData() then fitCalibration() into model.calibration (left empty when
// options.folds == 0, on error or when cancelled). `heldOut`: what trainModel() left for `model`
// (nullptr: cross-fitting). `fitted` (optional) receives the held-out data the fits were fitted
// on (untouched when nothing was fitted). Thread rules: blocks the caller for any fold trainings;
// `model` must not be read by another thread meanwhile.
CalibrationReport calibrateModel(
    const TrainingSet& data, std::span<const int> songAlbum, const TrainOptions& train,
    const CalibrationOptions& options, JointModel& model,
    const std::function<void(const CalibrationProgress&)>& progress = {},
    const std::atomic<bool>* cancel = nullptr, const HeldOutModel* heldOut = nullptr,
    CalibrationData* fitted = nullptr);

// Training and calibration of one model together (trainCalibratedModel).
struct CalibratedTraining {
  // Of the model returned. CrossValidation: the one model trained on all songs for the epochs the
  // folds chose, with bestValidationScore the folds' mean, validationSongs the songs of a fold,
  // negativesScored summed over the folds too, and refit true.
  TrainReport training;
  CalibrationReport calibration;
  // The held-out scores model.calibration was fitted on (fitCalibration's input); empty when the
  // model is uncalibrated. Kept so that a caller can refit or inspect the fits (core::evaluate
  // hands them on in EvalResult::calibrationData).
  CalibrationData heldOut;
  // CrossValidation only: per fold model, in fold order, the epoch early stopping chose averaged
  // over its blocks (TrainReport::meanBestEpoch); the final model trains for
  // max(1, round(mean of them)) epochs.
  std::vector<double> foldBestEpochs;
  double foldSeconds = 0;   // wall time of the fold models (CrossValidation), seconds
  double finalSeconds = 0;  // wall time of the model returned, seconds
  // CrossValidation with CalibrationOptions::keepFoldModels: the fold models, in fold order (each
  // trained without its part, whose held-out scores it gave); empty otherwise.
  std::vector<JointModel> foldModels;
};

// The number of songs trainModel() holds out for validation from `numSongs` songs:
// round(validationFraction · numSongs), at most maxValidationSongs and numSongs − 1, ≥ 0.
int validationSplitSongs(const TrainOptions& train, int numSongs);

// Trains `model` on `data` and calibrates it (model.calibration; left empty when options.folds
// is 0, on error or when cancelled), choosing the source (CalibrationSource):
// - options.folds == 0: trainModel() alone, uncalibrated;
// - a validation split of ≥ kMinValidationSplitSongs songs (validationSplitSongs), or
//   options.folds < 2, or fewer songs than folds: trainModel() then calibrateModel() with its
//   HeldOutModel (ValidationSplit; CrossFitting for the small cases);
// - train.validationFraction == 0 (no early stopping asked): trainModel() for train.epochs, then
//   calibrateModel() cross-fitted with folds trained as long (CrossFitting);
// - otherwise CrossValidation: the songs (shuffled with the seed) fall into options.folds parts of
//   ⌈|S| / folds⌉ (at most options.maxSongs songs held out in all, as gatherCalibrationData); fold
//   k's model is trainModel() on all songs with part k as its validation split (seed + k + 1;
//   early stopping with train.patience, no refit) and scores part k, as gatherCalibrationData
//   scores a part; then `model` is trainModel() on all songs for max(1, round(mean of the folds'
//   TrainReport::meanBestEpoch)) epochs (no validation, no early stopping), and the fits are
//   fitted on the folds' scores. No model is trained after `model`. With options.committee,
//   `model` is then the stack of that model and the fold models (CalibrationOptions::kCommittee):
//   its dimension is (folds + 1) · train.dimension, info["committee"] says so.
// Invalid `train` options: training.error names the parameter; invalid `options`:
// calibration.error does; nothing is trained then. `progress` sees every epoch of every model, its
// message naming the model, on one count: epoch rises through the folds (each fold's bound after
// the one before; a fold that stops early skips the rest of its share) and the final model, and
// epochs is the end. Thread rules: blocks the caller; `progress` is called on the calling
// thread or, with a stack of blocks run side by side, under trainModel()'s lock from its worker
// threads, never concurrently; `cancel` may be set from any thread (then training.cancelled or
// calibration.cancelled is true and `model` must not be used).
CalibratedTraining trainCalibratedModel(
    const TrainingSet& data, std::span<const int> songAlbum, const TrainOptions& train,
    const CalibrationOptions& options, JointModel& model,
    const std::function<void(const TrainProgress&)>& progress = {},
    const std::atomic<bool>* cancel = nullptr);

}  // namespace songspace::core
