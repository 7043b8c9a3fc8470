#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

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
// - CrossFitting: smaller libraries, whose split is too few songs, train `folds` more models.
enum class CalibrationSource { None, ValidationSplit, CrossFitting };
inline constexpr int kMinValidationSplitSongs = 100;

// Every parameter of the calibration, declared once with its default and range.
struct CalibrationOptions {
  // Cross-fitting (docs/design.md §3.1), for a library whose validation split is too small: the
  // songs are split into `folds` parts; a model trained with the same options on the other parts
  // scores each part, so every calibration example comes from a model that never saw the song, as
  // the final model never saw a new file. 5: four fifths of a small library is close to the whole.
  // A fold trains for the epochs early stopping chose for the final model (no search, no refit).
  // 0: no calibration (the model is stored uncalibrated).
  static constexpr base::ParameterSpec<int> kFolds{
      "calibration_folds", 5, 0, 20,
      "models trained on the other songs to score each held-out part (0: no calibration)"};
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
  int songs = 0;       // held-out songs scored
  int folds = 0;       // models trained
  double seconds = 0;  // wall time of the gathering (calibrateModel: and of the fits)
};

// Held-out scores of `data` (see CalibrationSource): from `heldOut` (the final training's
// validation split and parameters; `trained` is the final model, for its maxNorm) when its split
// has ≥ kMinValidationSplitSongs songs (at most options.maxSongs of them are scored), else
// cross-fitted: up to options.folds models trained with `train` (its seed, per fold seed + fold;
// with heldOut, for heldOut->bestEpoch epochs) each score their held-out part. Tags and artists
// count only when seen among the scoring model's training songs; a song pair is related when the
// songs share an artist, an album (songAlbum: per song an album id ≥ 0 or −1; may be empty) or a
// similar-songs pair of `data`; every related training song and options.pairNegatives unrelated
// ones (drawn, weighted) pair with each held-out song. Fewer than 2 songs: nothing.
CalibrationReport gatherCalibrationData(
    const TrainingSet& data, std::span<const int> songAlbum, const TrainOptions& train,
    const CalibrationOptions& options, CalibrationData& out,
    const std::function<void(const CalibrationProgress&)>& progress = {},
    const std::atomic<bool>* cancel = nullptr, const HeldOutModel* heldOut = nullptr,
    const JointModel* trained = nullptr);

// gatherCalibrationData() then fitCalibration() into model.calibration (left empty when
// options.folds == 0, on error or when cancelled). `heldOut`: what trainModel() left for `model`
// (nullptr: cross-fitting). Thread rules: blocks the caller for any fold trainings; `model` must
// not be read by another thread meanwhile.
CalibrationReport calibrateModel(
    const TrainingSet& data, std::span<const int> songAlbum, const TrainOptions& train,
    const CalibrationOptions& options, JointModel& model,
    const std::function<void(const CalibrationProgress&)>& progress = {},
    const std::atomic<bool>* cancel = nullptr, const HeldOutModel* heldOut = nullptr);

}  // namespace songspace::core
