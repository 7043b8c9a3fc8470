#pragma once

#include <QJsonArray>
#include <QString>
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/eval/crossfit.h"
#include "core/model/librarydataset.h"
#include "core/model/trainer.h"

namespace songspace::core {
class Catalog;
}

namespace songspace::library {

// core::TrainOptions with one thread per subspace, up to the machine's cores: the blocks train
// side by side and the model stays bit-identical for a seed (core::TrainOptions::threads).
core::TrainOptions defaultJobTrainOptions();

struct TrainJobOptions {
  core::TrainOptions train = defaultJobTrainOptions();
  // Cross-fitted after training and stored in the model (folds = 0: an uncalibrated model).
  core::CalibrationOptions calibration;
  float summaryWeight = core::LibraryDatasetOptions::kSummaryWeight.defaultValue;
  // Whose placeholders are no labels (core::LibraryDatasetOptions::reading).
  core::TagReadingRules reading;
  static constexpr base::ParameterSpec<int> kPredictedTagsPerSong{
      "predicted_tags_per_song", 5, 0, 100,
      "best tags per song stored in the catalog for the library table (0: none)"};
  int predictedTagsPerSong = kPredictedTagsPerSong.defaultValue;
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(const core::TrainProgress&)> progress;
};

struct TrainJobResult {
  // Not ok when no model was saved: the dataset could not be loaded (catalog), training was
  // cancelled (Cancelled) or failed (InvalidArgument), or the model file could not be written.
  base::Status status;
  QString modelPath;
  core::TrainReport report;
  core::CalibrationReport calibration;
  int songs = 0, artists = 0, tags = 0, similarSongPairs = 0, similarArtistPairs = 0;
  double wallSeconds = 0;
  // Wall time of training all its models (cross-validation's fold models included), without the
  // calibration's own work (calibration.seconds), loading, novelty or saving. Seconds.
  double trainingSeconds = 0;
  // Cross-validation (calibration.source): the epoch each fold model's early stopping chose,
  // averaged over its blocks, in fold order; the model trains for the rounded mean. Else empty.
  std::vector<double> foldBestEpochs;
  // Non-fatal failures after the model was saved (e.g. predicted tags not committed).
  std::vector<std::string> warnings;
  // The library's tags and artists this model does not learn, with the reason (by name); also
  // stored in the catalog's model summary (left_out_tags, left_out_artists) for the explorer.
  std::vector<core::LeftOutLabel> leftOutTags, leftOutArtists;
};

// [{"name", "songs", "code", "reason"}, ...] and back (entries without a name are dropped).
QJsonArray leftOutToJson(const std::vector<core::LeftOutLabel>& labels);
std::vector<core::LeftOutLabel> leftOutFromJson(const QJsonArray& array);

// Trains the joint space from everything the catalog knows (after a scan), calibrates it on songs
// it did not train on (core::trainCalibratedModel: the validation split, or for a small library
// cross-validation, whose fold models choose the epochs of the model trained on all songs after
// them; progress reports every epoch of every model) and stores the model beside the
// catalog (atomically), with the codebook and feature normalisation needed to embed a new file,
// and each training song's novelty distances (core::JointModel::songNovelty, measured on
// options.train.threads threads; cancellable), so that loading the model does not measure them.
// Then writes each song's top predicted tags into the catalog (source=predicted): by calibrated
// probability, the probability as their score, when calibrated; else by raw score. Last, loads
// the new model's session once (ModelSession::load with sessionCachePathFor(catalogPath)), which
// writes the session cache the next opening of the library reads; a failure there is a warning.
TrainJobResult runTrainJob(core::Catalog& catalog, const QString& catalogPath,
                           const TrainJobOptions& options);

}  // namespace songspace::library
