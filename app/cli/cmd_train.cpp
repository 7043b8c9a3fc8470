// songspace-cli train: learn the joint space from the catalog.
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>
#include <atomic>

#include "app/cli/cliutil.h"
#include "app/cli/command.h"
#include "core/catalog/catalog.h"
#include "core/library/trainjob.h"

namespace songspace::cli {
namespace {

const QByteArray kSynopsis =
    QByteArray("train [--db FILE] [--summary-weight W] ") + kTrainOptionsSynopsis + " [--json]";

int run(const QStringList& rawArgs) {
  Arguments args(
      rawArgs,
      QStringList{QStringLiteral("--db"), QStringLiteral("--summary-weight")} + trainOptionNames(),
      {QStringLiteral("--json")});
  library::TrainJobOptions options;
  options.summaryWeight = static_cast<float>(
      args.doubleValue(QStringLiteral("--summary-weight"), options.summaryWeight, 0.0, 100.0));
  QString error;
  if (!readTrainOptions(args, options.train, &error))
    return usageError(kSynopsis.constData(), error);
  if (!args.positionals().isEmpty())
    return usageError(kSynopsis.constData(), QStringLiteral("unexpected argument"));

  const QString dbPath = catalogPathFrom(args);
  auto catalog = openCatalogOrReport(dbPath);
  if (!catalog) return 1;

  const bool json = args.has(QStringLiteral("--json"));
  options.cancel = installInterruptFlag();
  if (stderrIsTerminal()) {
    options.progress = [](const core::TrainProgress& p) {
      QTextStream(stderr) << "\r\033[Kepoch " << p.epoch << "/" << p.epochs << "  validation p@1 "
                          << QString::number(p.validationScore, 'f', 3);
    };
  }
  const library::TrainJobResult result = library::runTrainJob(*catalog, dbPath, options);
  if (stderrIsTerminal()) QTextStream(stderr) << "\r\033[K";
  if (!result.ok) {
    QTextStream(stderr) << "songspace-cli: " << QString::fromStdString(result.error) << "\n";
    return interrupted() ? 130 : 1;
  }
  for (const std::string& warning : result.warnings)
    QTextStream(stderr) << "songspace-cli: warning: " << QString::fromStdString(warning) << "\n";
  QJsonArray history;
  for (const double v : result.report.validationHistory) history.append(v);
  const QJsonObject summary{
      {QStringLiteral("model"), result.modelPath},
      {QStringLiteral("songs"), result.songs},
      {QStringLiteral("artists"), result.artists},
      {QStringLiteral("tags"), result.tags},
      {QStringLiteral("similar_song_pairs"), result.similarSongPairs},
      {QStringLiteral("similar_artist_pairs"), result.similarArtistPairs},
      {QStringLiteral("epochs_run"), result.report.epochsRun},
      {QStringLiteral("best_epoch"), result.report.bestEpoch},
      {QStringLiteral("validation_p1"), result.report.bestValidationScore},
      {QStringLiteral("validation_history"), history},
      {QStringLiteral("examples_per_second"), result.report.examplesPerSecond},
      {QStringLiteral("negatives_scored"), static_cast<double>(result.report.negativesScored)},
      {QStringLiteral("max_negatives_scored_in_step"), result.report.maxNegativesScoredInStep},
      {QStringLiteral("wall_seconds"), result.wallSeconds},
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
        << "model    " << result.modelPath << "\n";
  }
  return 0;
}

const CommandRegistration kRegistration({"train", kSynopsis.constData(),
                                         "learn the joint space of songs, artists and tags from "
                                         "the catalog (after scan); stores the model beside it",
                                         run});

}  // namespace
}  // namespace songspace::cli
