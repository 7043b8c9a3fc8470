// songspace-cli train: learn the joint space from the catalog.
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>
#include <atomic>

#include "app/cli/cliutil.h"
#include "app/cli/command.h"
#include "core/catalog/catalog.h"
#include "core/library/trainjob.h"
#include "core/model/jointmodel.h"

namespace songspace::cli {
namespace {

struct Parameters {
  QString db;
  library::TrainJobOptions job;
  bool json = false;
};

OptionSet declare(Parameters& p) {
  OptionSet options;
  options.text(QStringLiteral("--db"), QStringLiteral("FILE"), kCatalogOptionHelp, p.db)
      .number(QStringLiteral("--summary-weight"), core::LibraryDatasetOptions::kSummaryWeight,
              p.job.summaryWeight, QStringLiteral("W"));
  addTrainOptions(options, p.job.train);
  addCalibrationOptions(options, p.job.calibration);
  addReadingOptions(options, p.job.reading, false);
  options.flag(QStringLiteral("--json"), kJsonOptionHelp, p.json);
  return options;
}

const QString kSynopsis = [] {
  Parameters defaults;
  return QStringLiteral("train ") + declare(defaults).synopsis();
}();

int run(const QStringList& rawArgs) {
  Parameters p;
  const Arguments args = declare(p).parse(rawArgs);
  if (!args.ok()) return usageError(kSynopsis, args.error());
  if (const QString error = finishTrainOptions(args, p.job.train); !error.isEmpty())
    return usageError(kSynopsis, error);
  if (!args.positionals().isEmpty())
    return usageError(kSynopsis, QStringLiteral("unexpected argument"));
  library::TrainJobOptions& options = p.job;

  const QString dbPath = catalogPathFrom(args);
  auto catalog = openCatalogOrReport(dbPath);
  if (!catalog) return 1;

  const bool json = p.json;
  options.cancel = installInterruptFlag();
  if (stderrIsTerminal()) {
    options.progress = [](const core::TrainProgress& progress) {
      QTextStream(stderr) << "\r\033[Kepoch " << progress.epoch << "/" << progress.epochs
                          << "  validation p@1 "
                          << QString::number(progress.validationScore, 'f', 3);
    };
  }
  const library::TrainJobResult result = library::runTrainJob(*catalog, dbPath, options);
  if (stderrIsTerminal()) QTextStream(stderr) << "\r\033[K";
  if (!result.status.ok()) {
    QTextStream(stderr) << "songspace-cli: " << QString::fromStdString(result.status.message)
                        << "\n";
    return interrupted() ? 130 : 1;
  }
  for (const std::string& warning : result.warnings)
    QTextStream(stderr) << "songspace-cli: warning: " << QString::fromStdString(warning) << "\n";
  QJsonArray history;
  for (const double v : result.report.validationHistory) history.append(v);
  const QString calibrationSource =
      result.calibration.source == core::CalibrationSource::ValidationSplit
          ? QStringLiteral("validation split")
      : result.calibration.source == core::CalibrationSource::CrossFitting
          ? QStringLiteral("cross-fitting")
      : result.calibration.source == core::CalibrationSource::CrossValidation
          ? QStringLiteral("cross-validation")
          : QStringLiteral("none");
  // The calibration as stored: what auto-tag will use by default.
  core::JointModel stored;
  std::optional<core::Calibration> fitted;
  if (core::JointModel::load(QFile::encodeName(result.modelPath).toStdString(), stored).ok())
    fitted = stored.calibration;
  QJsonObject calibration{
      {QStringLiteral("source"), calibrationSource},
      {QStringLiteral("songs"), result.calibration.songs},
      {QStringLiteral("models_trained"), result.calibration.folds},
      {QStringLiteral("seconds"), result.calibration.seconds},
      {QStringLiteral("share_of_training"),
       result.trainingSeconds > 0 ? result.calibration.seconds / result.trainingSeconds : 0.0},
      {QStringLiteral("calibrated"), fitted.has_value()}};
  if (!result.foldBestEpochs.empty()) {
    QJsonArray epochs;
    // Each a mean over the stack's blocks: 1.7, not 1.7000000000000002.
    for (const double e : result.foldBestEpochs)
      epochs.append(QString::number(e, 'g', 6).toDouble());
    calibration.insert(QStringLiteral("fold_best_epochs"), epochs);
  }
  calibration.insert(QStringLiteral("committee"), result.calibration.committee);
  if (fitted) {
    // The digits a float holds: 0.9, not 0.8999999761581421.
    const auto number = [](float v) { return QString::number(v, 'g', 6).toDouble(); };
    calibration.insert(QStringLiteral("target_precision"), number(fitted->targetPrecision));
    calibration.insert(QStringLiteral("auto_tag_threshold"), number(fitted->autoTagThreshold));
    calibration.insert(QStringLiteral("expected_precision"), number(fitted->expectedPrecision));
  }
  const QJsonObject summary{
      {QStringLiteral("model"), result.modelPath},
      {QStringLiteral("songs"), result.songs},
      {QStringLiteral("artists"), result.artists},
      {QStringLiteral("tags"), result.tags},
      {QStringLiteral("similar_song_pairs"), result.similarSongPairs},
      {QStringLiteral("similar_artist_pairs"), result.similarArtistPairs},
      {QStringLiteral("subspaces"), result.report.subspaces},
      {QStringLiteral("epochs_run"), result.report.epochsRun},
      {QStringLiteral("best_epoch"), result.report.bestEpoch},
      {QStringLiteral("validation_p1"), result.report.bestValidationScore},
      {QStringLiteral("validation_history"), history},
      {QStringLiteral("examples_per_second"), result.report.examplesPerSecond},
      {QStringLiteral("negatives_scored"), static_cast<double>(result.report.negativesScored)},
      {QStringLiteral("max_negatives_scored_in_step"), result.report.maxNegativesScoredInStep},
      {QStringLiteral("validation_songs"), result.report.validationSongs},
      {QStringLiteral("steps_per_epoch"), static_cast<double>(result.report.stepsPerEpoch)},
      {QStringLiteral("refit"), result.report.refit},
      {QStringLiteral("calibration"), calibration},
      {QStringLiteral("training_seconds"), result.trainingSeconds},
      {QStringLiteral("wall_seconds"), result.wallSeconds},
      {QStringLiteral("left_out_tags"), library::leftOutToJson(result.leftOutTags)},
      {QStringLiteral("left_out_artists"), library::leftOutToJson(result.leftOutArtists)},
  };
  if (json) {
    printJson(summary);
  } else {
    QTextStream out(stdout);
    out << "trained on " << result.songs << " songs, " << result.artists << " artists, "
        << result.tags << " tags, " << result.similarSongPairs << " similar-song pairs, "
        << result.similarArtistPairs << " similar-artist pairs\n"
        << result.report.epochsRun << " epochs (best " << result.report.bestEpoch
        << ", validation p@1 " << QString::number(result.report.bestValidationScore, 'f', 3)
        << ") in " << QString::number(result.wallSeconds, 'f', 1) << " s\n"
        << "subspaces " << result.report.subspaces << "\n";
    if (result.calibration.committee > 0) {
      out << "committee of " << result.calibration.committee << " models (the one trained on all "
          << "songs and " << result.calibration.committee - 1
          << " cross-validation models): every score is their mean\n";
    }
    if (fitted) {
      out << "calibrated on " << result.calibration.songs << " held-out songs ("
          << calibrationSource << ", " << result.calibration.folds << " models trained) in "
          << QString::number(result.calibration.seconds, 'f', 1) << " s: auto-tag threshold "
          << QString::number(100.0 * fitted->autoTagThreshold, 'f', 0) << "% (held-out precision "
          << QString::number(100.0 * fitted->expectedPrecision, 'f', 0) << "% for a target of "
          << QString::number(100.0 * fitted->targetPrecision, 'f', 0) << "%)\n";
    } else {
      out << "stored uncalibrated (calibration folds 0, or too few songs): auto-tag will refuse "
             "it\n";
    }
    out << "model    " << result.modelPath << "\n";
    for (const auto* list : {&result.leftOutTags, &result.leftOutArtists}) {
      for (const core::LeftOutLabel& label : *list) {
        out << "not learned: " << (list == &result.leftOutTags ? "tag " : "artist ")
            << QString::fromStdString(label.name) << " (" << QString::fromStdString(label.reason)
            << ")\n";
      }
    }
  }
  return 0;
}

const CommandRegistration kRegistration({"train", kSynopsis,
                                         "learn the joint space of songs, artists and tags from "
                                         "the catalog (after scan); stores the model beside it",
                                         run, [] {
                                           Parameters defaults;
                                           return declare(defaults).help();
                                         }});

}  // namespace
}  // namespace songspace::cli
