// songspace-cli eval-table: cross-validated classification of a CSV's rows by the joint model's
// Tags task beside random, popularity and kNN baselines (docs/design.md §3).
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include "app/cli/cliutil.h"
#include "app/cli/command.h"
#include "core/eval/tableeval.h"

namespace songspace::cli {
namespace {

using core::TableEvalOptions;
using core::TableExpansionOptions;
using core::TrainOptions;

struct Parameters {
  QString label;
  TableEvalOptions eval;
  bool json = false;
  bool noTune = false;
};

OptionSet declare(Parameters& p) {
  OptionSet options;
  TableEvalOptions& e = p.eval;
  options
      .text(QStringLiteral("--label"), QStringLiteral("COLUMN"),
            QStringLiteral("the label column (required)"), p.label)
      .shownAs(QStringLiteral("--label COLUMN"))
      .number(QStringLiteral("--folds"), TableEvalOptions::kFolds, e.folds, QStringLiteral("K"))
      .number(QStringLiteral("--seed"), base::kSeedSpec, e.seed)
      .flag(QStringLiteral("--json"), kJsonOptionHelp, p.json)
      .choice(QStringLiteral("--kernel"), TableExpansionOptions::kKernelMap, e.expansion.kernelMap)
      .number(QStringLiteral("--fourier"), TableExpansionOptions::kFourierFeatures,
              e.expansion.fourierFeatures, QStringLiteral("D"))
      .number(QStringLiteral("--landmarks"), TableExpansionOptions::kLandmarks,
              e.expansion.landmarks, QStringLiteral("M"))
      .number(QStringLiteral("--gamma"), TableExpansionOptions::kGamma, e.expansion.gamma,
              QStringLiteral("G"))
      .numberList(QStringLiteral("--gammas"), TableExpansionOptions::kGamma, e.gammas,
                  QStringLiteral("G,G,..."))
      .number(QStringLiteral("--dim"), TrainOptions::kDimension, e.train.dimension,
              QStringLiteral("D"))
      .number(QStringLiteral("--epochs"), TrainOptions::kEpochs, e.train.epochs)
      .number(QStringLiteral("--lr"), TrainOptions::kLearningRate, e.train.learningRate)
      .number(QStringLiteral("--max-norm"), TrainOptions::kMaxNorm, e.train.maxNorm,
              QStringLiteral("C"))
      .number(QStringLiteral("--kernel-weight"), TableExpansionOptions::kKernelWeight,
              e.expansion.kernelWeight)
      .number(QStringLiteral("--dense-weight"), TableExpansionOptions::kDenseWeight,
              e.expansion.denseWeight)
      .number(QStringLiteral("--ensemble"), TableEvalOptions::kEnsemble, e.ensemble,
              QStringLiteral("M"))
      .flag(QStringLiteral("--no-tune"),
            QStringLiteral("skip the inner learning-rate / C selection (so do --lr, --max-norm)"),
            p.noTune)
      .number(QStringLiteral("--average-decay"), TrainOptions::kAverageDecay, e.train.averageDecay)
      .number(QStringLiteral("--lr-decay"), TrainOptions::kLearningRateDecayEpochs,
              e.train.learningRateDecayEpochs, QStringLiteral("T"))
      .number(QStringLiteral("--patience"), TrainOptions::kPatience, e.train.patience);
  return options;
}

const QString kSynopsis = [] {
  Parameters defaults;
  return QStringLiteral("eval-table CSV ") + declare(defaults).synopsis();
}();

QJsonObject metricsJson(const core::RankingMetrics& m) {
  return QJsonObject{{QStringLiteral("p@1"), m.p1},
                     {QStringLiteral("p@5"), m.p5},
                     {QStringLiteral("map"), m.map},
                     {QStringLiteral("auc"), m.auc}};
}

int run(const QStringList& args) {
  QTextStream err(stderr);
  QTextStream out(stdout);
  Parameters p;
  const Arguments parsed = declare(p).parse(args);
  if (!parsed.ok()) return usageError(kSynopsis, parsed.error());
  if (parsed.positionals().size() != 1)
    return usageError(kSynopsis, QStringLiteral("one CSV file needed"));
  if (!parsed.has(QStringLiteral("--label")))
    return usageError(kSynopsis, QStringLiteral("--label is required"));
  TableEvalOptions& options = p.eval;
  // Alone, --fourier D selects the Fourier map (D = 0: none), as before Nyström existed.
  if (parsed.has(QStringLiteral("--fourier")) && !parsed.has(QStringLiteral("--kernel"))) {
    options.expansion.kernelMap =
        options.expansion.fourierFeatures > 0 ? core::KernelMap::Fourier : core::KernelMap::None;
  }
  options.tune =
      !p.noTune && !parsed.has(QStringLiteral("--lr")) && !parsed.has(QStringLiteral("--max-norm"));
  if (const std::string error = options.validate(); !error.empty())
    return usageError(kSynopsis, QString::fromStdString(error));

  const QString file = parsed.positionals().first();
  core::CsvTable csv;
  base::Status status = core::readCsv(file.toStdString(), csv);
  core::LabelledTable table;
  if (status.ok()) status = core::toLabelledTable(csv, p.label.toStdString(), table);
  if (!status.ok()) {
    err << "eval-table: " << QString::fromStdString(status.message) << "\n";
    return 1;
  }
  if (options.folds > table.rows())
    return usageError(kSynopsis, QStringLiteral("--folds %1 exceeds the table's %2 rows")
                                     .arg(options.folds)
                                     .arg(table.rows()));

  const core::TableEvalResult result = core::evaluateTable(table, options);
  if (!result.error.empty()) {
    err << "eval-table: " << QString::fromStdString(result.error) << "\n";
    return 1;
  }
  if (p.json) {
    QJsonObject methods;
    for (const auto& m : result.methods) {
      methods.insert(QString::fromStdString(m.method), metricsJson(m.metrics));
    }
    const QJsonObject root{{QStringLiteral("folds"), result.folds},
                           {QStringLiteral("methods"), methods}};
    out << QJsonDocument(root).toJson(QJsonDocument::Indented);
    return 0;
  }
  out << "eval-table: " << file << "  label '" << p.label << "'  " << table.rows() << " rows, "
      << table.featureNames.size() << " features, " << table.numClasses() << " classes, "
      << result.folds << " stratified folds (seed " << options.seed << ")\n";
  if (!table.ignoredColumns.empty()) {
    out << "ignored columns (non-numeric or constant):";
    for (const auto& c : table.ignoredColumns) out << " " << QString::fromStdString(c);
    out << "\n";
  }
  out << QStringLiteral("%1 %2 %3 %4 %5\n")
             .arg(QStringLiteral("method"), -12)
             .arg(QStringLiteral("p@1"), 7)
             .arg(QStringLiteral("p@5"), 7)
             .arg(QStringLiteral("map"), 7)
             .arg(QStringLiteral("auc"), 7);
  for (const auto& m : result.methods) {
    out << QStringLiteral("%1 %2 %3 %4 %5\n")
               .arg(QString::fromStdString(m.method), -12)
               .arg(m.metrics.p1, 7, 'f', 4)
               .arg(m.metrics.p5, 7, 'f', 4)
               .arg(m.metrics.map, 7, 'f', 4)
               .arg(m.metrics.auc, 7, 'f', 4);
  }
  for (std::size_t f = 0; f < result.foldChoices.size(); ++f) {
    out << "fold " << f << ": " << QString::fromStdString(result.foldChoices[f]) << "\n";
  }
  out << "time: " << QString::number(result.seconds, 'f', 1) << " s\n";
  return 0;
}

const CommandRegistration registration{Command{
    "eval-table", kSynopsis,
    "cross-validated accuracy of the joint model's tag task on a CSV, beside baselines", run, [] {
      Parameters defaults;
      return declare(defaults).help();
    }}};

}  // namespace
}  // namespace songspace::cli
