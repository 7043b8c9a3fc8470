// songspace-cli eval: held-out evaluation of the joint space on the library, beside baselines.
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include "app/cli/cliutil.h"
#include "app/cli/command.h"
#include "core/catalog/catalog.h"
#include "core/eval/evaluation.h"
#include "core/library/datasetloader.h"

namespace songspace::cli {
namespace {

struct Parameters {
  QString db;
  core::EvalOptions eval;
  float summaryWeight = core::LibraryDatasetOptions::kSummaryWeight.defaultValue;
  float knnSummaryWeight = core::EvalOptions::kKnnSummaryWeight.defaultValue;
  core::TagReadingRules reading;
  QString calibrationData;
  bool json = false;
};

OptionSet declare(Parameters& p) {
  OptionSet options;
  options.text(QStringLiteral("--db"), QStringLiteral("FILE"), kCatalogOptionHelp, p.db)
      .number(QStringLiteral("--holdout"), core::EvalOptions::kHoldoutFraction,
              p.eval.holdoutFraction, QStringLiteral("F"))
      .number(QStringLiteral("--folds"), core::EvalOptions::kFolds, p.eval.folds,
              QStringLiteral("K"))
      .number(QStringLiteral("--summary-weight"), core::LibraryDatasetOptions::kSummaryWeight,
              p.summaryWeight, QStringLiteral("W"))
      .number(QStringLiteral("--knn-summary-weight"), core::EvalOptions::kKnnSummaryWeight,
              p.knnSummaryWeight, QStringLiteral("W"));
  addTrainOptions(options, p.eval.train);
  addCalibrationOptions(options, p.eval.calibration);
  addReadingOptions(options, p.reading, false);
  options.text(
      QStringLiteral("--calibration-data"), QStringLiteral("FILE"),
      QStringLiteral("also write the tag calibration's held-out scores and the test songs' "
                     "raw tag scores, each such song's nearest tagged training songs and the "
                     "test songs' mean scores by the fold models, to FILE as JSON (for "
                     "scripts/refit-tag-calibration.py and "
                     "scripts/stack-tag-votes.py)"),
      p.calibrationData);
  options.flag(QStringLiteral("--json"), kJsonOptionHelp, p.json);
  return options;
}

const QString kSynopsis = [] {
  Parameters defaults;
  return QStringLiteral("eval ") + declare(defaults).synopsis();
}();

int run(const QStringList& rawArgs) {
  Parameters p;
  const Arguments args = declare(p).parse(rawArgs);
  if (!args.ok()) return usageError(kSynopsis, args.error());
  if (const QString error = finishTrainOptions(args, p.eval.train); !error.isEmpty())
    return usageError(kSynopsis, error);
  core::EvalOptions& options = p.eval;
  const double summaryWeight = p.summaryWeight;
  const double knnSummaryWeight = p.knnSummaryWeight;
  // One seed drives the held-out split and the training, as `train --seed` does.
  options.seed = options.train.seed;
  if (!args.positionals().isEmpty())
    return usageError(kSynopsis, QStringLiteral("unexpected argument"));
  if (options.folds >= 2 && !p.calibrationData.isEmpty())
    return usageError(kSynopsis,
                      QStringLiteral("--calibration-data is one split's: not with --folds"));

  auto catalog = openCatalogOrReport(catalogPathFrom(args));
  if (!catalog) return 1;
  library::LoadedDataset loaded;
  if (const auto status = library::loadLibraryDataset(
          *catalog, options.seed, static_cast<float>(summaryWeight), loaded, p.reading);
      !status.ok()) {
    QTextStream(stderr) << "songspace-cli: " << QString::fromStdString(status.message) << "\n";
    return 1;
  }
  options.calibration.keepNeighbours = !p.calibrationData.isEmpty();
  options.calibration.keepFoldModels = !p.calibrationData.isEmpty();
  options.songAlbum = loaded.dataset.songAlbum;
  options.songTaggedOutOfVocabulary = loaded.dataset.songTaggedOutOfVocabulary;
  options.summaryOffset = loaded.dataset.features.codewords;
  options.knnSummaryScale =
      summaryWeight > 0 ? static_cast<float>(knnSummaryWeight / summaryWeight) : 1.0f;
  const core::EvalResult result = core::evaluate(loaded.dataset.data, options);
  if (!result.error.empty()) {
    QTextStream(stderr) << "songspace-cli: " << QString::fromStdString(result.error) << "\n";
    return 1;
  }
  if (!p.calibrationData.isEmpty()) {
    QFile file(p.calibrationData);
    const QByteArray data = QByteArray::fromStdString(
        core::evalCalibrationDataToJson(result, options.calibration.targetPrecision));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size()) {
      QTextStream(stderr) << "songspace-cli: cannot write " << p.calibrationData << ": "
                          << file.errorString() << "\n";
      return 1;
    }
  }
  const QJsonObject json =
      QJsonDocument::fromJson(QByteArray::fromStdString(core::evalResultToJson(result))).object();
  if (p.json) {
    printJson(json);
    return 0;
  }
  QTextStream out(stdout);
  if (result.folds > 1)
    out << result.folds << "-fold cross-validation: each of " << result.testSongs
        << " songs held out once (seed " << options.seed << "); the first fold's model trained "
        << result.training.epochsRun << " epochs; ";
  else
    out << "held out " << result.testSongs << " of " << (result.testSongs + result.trainSongs)
        << " songs (seed " << options.seed << "); model trained " << result.training.epochsRun
        << " epochs; ";
  out << (result.calibrated ? QStringLiteral("calibrated on %1 songs by %2 fold models")
                                  .arg(result.calibration.songs)
                                  .arg(result.calibration.folds)
                            : QStringLiteral("uncalibrated"))
      << "\n";
  const QJsonObject tasks = json.value(QStringLiteral("tasks")).toObject();
  for (auto task = tasks.begin(); task != tasks.end(); ++task) {
    out << "\n" << task.key() << "\n";
    out << QStringLiteral("  %1 %2 %3 %4 %5 %6\n")
               .arg(QStringLiteral("method"), -12)
               .arg(QStringLiteral("p@1"), 7)
               .arg(QStringLiteral("p@5"), 7)
               .arg(QStringLiteral("p@10"), 7)
               .arg(QStringLiteral("MAP"), 7)
               .arg(QStringLiteral("AUC"), 7);
    const QJsonObject methods = task.value().toObject();
    for (const char* method : {"model", "knn", "popularity", "random"}) {
      const QJsonObject m = methods.value(QLatin1String(method)).toObject();
      if (m.isEmpty()) continue;
      auto v = [&](const char* key) {
        return QStringLiteral("%1").arg(m.value(QLatin1String(key)).toDouble(), 7, 'f', 3);
      };
      out << QStringLiteral("  %1 %2 %3 %4 %5 %6\n")
                 .arg(QLatin1String(method), -12)
                 .arg(v("p@1"), v("p@5"), v("p@10"), v("map"), v("auc"));
    }
    const QJsonObject calibration = methods.value(QStringLiteral("calibration")).toObject();
    if (!calibration.isEmpty()) {
      out << QStringLiteral("  calibration  ECE %1  Brier %2  (%3 outcomes)\n")
                 .arg(calibration.value(QStringLiteral("ece")).toDouble(), 0, 'f', 3)
                 .arg(calibration.value(QStringLiteral("brier")).toDouble(), 0, 'f', 3)
                 .arg(calibration.value(QStringLiteral("outcomes")).toInt());
    }
    const QJsonObject autoTag = methods.value(QStringLiteral("auto_tag")).toObject();
    if (!autoTag.isEmpty()) {
      out << QStringLiteral(
                 "  auto-tag at P >= %1: precision %2 (%3 proposals), coverage %4 of %5 songs; "
                 "expected precision %6\n")
                 .arg(autoTag.value(QStringLiteral("threshold")).toDouble(), 0, 'f', 2)
                 .arg(autoTag.value(QStringLiteral("precision")).toDouble(), 0, 'f', 3)
                 .arg(autoTag.value(QStringLiteral("proposals")).toInt())
                 .arg(autoTag.value(QStringLiteral("coverage")).toDouble(), 0, 'f', 3)
                 .arg(autoTag.value(QStringLiteral("songs")).toInt())
                 .arg(autoTag.value(QStringLiteral("expected_precision")).toDouble(), 0, 'f', 3);
    }
  }
  return 0;
}

const CommandRegistration kRegistration({"eval", kSynopsis,
                                         "train on part of the library and measure every task on "
                                         "the held-out songs (or on every song, by K-fold "
                                         "cross-validation), beside random, popularity and kNN",
                                         run, [] {
                                           Parameters defaults;
                                           return declare(defaults).help();
                                         }});

}  // namespace
}  // namespace songspace::cli
