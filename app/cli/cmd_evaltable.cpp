// songspace-cli eval-table: cross-validated classification of a CSV's rows by the joint model's
// Tags task beside random, popularity and kNN baselines (docs/design.md §3).
#include <QCommandLineParser>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include "app/cli/command.h"
#include "core/eval/tableeval.h"

namespace songspace::cli {
namespace {

using core::TableEvalOptions;

bool parseInt(const QString& text, long long min, long long max, long long& out) {
  bool ok = false;
  out = text.toLongLong(&ok);
  return ok && out >= min && out <= max;
}

bool parseDouble(const QString& text, double min, double max, double& out) {
  bool ok = false;
  out = text.toDouble(&ok);
  return ok && out >= min && out <= max;
}

QJsonObject metricsJson(const core::RankingMetrics& m) {
  return QJsonObject{{QStringLiteral("p@1"), m.p1},
                     {QStringLiteral("p@5"), m.p5},
                     {QStringLiteral("map"), m.map},
                     {QStringLiteral("auc"), m.auc}};
}

int run(const QStringList& args) {
  QTextStream err(stderr);
  QTextStream out(stdout);
  QCommandLineParser parser;
  const QCommandLineOption label(QStringLiteral("label"), QStringLiteral("label column"),
                                 QStringLiteral("COLUMN"));
  const QCommandLineOption folds(QStringLiteral("folds"), QStringLiteral("stratified folds"),
                                 QStringLiteral("K"), QStringLiteral("10"));
  const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("random seed"),
                                QStringLiteral("N"), QStringLiteral("1"));
  const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("print JSON"));
  const QCommandLineOption fourier(
      QStringLiteral("fourier"),
      QStringLiteral("random Fourier features (implies --kernel fourier; 0: none)"),
      QStringLiteral("D"));
  const QCommandLineOption gamma(QStringLiteral("gamma"), QStringLiteral("RBF kernel gamma"),
                                 QStringLiteral("G"));
  const QCommandLineOption gammas(QStringLiteral("gammas"),
                                  QStringLiteral("comma-separated gammas tried on the inner split"),
                                  QStringLiteral("G,G,..."));
  const QCommandLineOption dim(QStringLiteral("dim"), QStringLiteral("embedding dimension"),
                               QStringLiteral("D"));
  const QCommandLineOption epochs(QStringLiteral("epochs"), QStringLiteral("max epochs"),
                                  QStringLiteral("N"));
  const QCommandLineOption lr(QStringLiteral("lr"), QStringLiteral("learning rate (no tuning)"),
                              QStringLiteral("X"));
  const QCommandLineOption maxNorm(QStringLiteral("max-norm"),
                                   QStringLiteral("norm bound C (no tuning)"), QStringLiteral("X"));
  const QCommandLineOption kernel(
      QStringLiteral("kernel"),
      QStringLiteral("RBF kernel map: nystroem (default), fourier or none"), QStringLiteral("MAP"));
  const QCommandLineOption landmarks(QStringLiteral("landmarks"),
                                     QStringLiteral("Nystroem landmarks (training rows)"),
                                     QStringLiteral("M"));
  const QCommandLineOption kernelWeight(QStringLiteral("kernel-weight"),
                                        QStringLiteral("norm of the kernel block"),
                                        QStringLiteral("X"));
  const QCommandLineOption denseWeight(QStringLiteral("dense-weight"),
                                       QStringLiteral("norm of the standardised block"),
                                       QStringLiteral("X"));
  const QCommandLineOption ensemble(
      QStringLiteral("ensemble"), QStringLiteral("models averaged per fold"), QStringLiteral("M"));
  const QCommandLineOption noTune(QStringLiteral("no-tune"),
                                  QStringLiteral("skip the inner lr/C selection"));
  const QCommandLineOption averageDecay(
      QStringLiteral("average-decay"),
      QStringLiteral("decay of the epoch-end parameter average (0: last iterate)"),
      QStringLiteral("X"));
  const QCommandLineOption lrDecay(QStringLiteral("lr-decay"),
                                   QStringLiteral("learning rate / (1 + epoch / T) (0: constant)"),
                                   QStringLiteral("T"));
  const QCommandLineOption patience(QStringLiteral("patience"),
                                    QStringLiteral("early-stopping patience (0: none)"),
                                    QStringLiteral("N"));
  parser.addOptions({label,       folds,    seed,   json,         kernel,  fourier, landmarks,
                     gamma,       gammas,   dim,    epochs,       lr,      maxNorm, kernelWeight,
                     denseWeight, ensemble, noTune, averageDecay, lrDecay, patience});
  parser.addPositionalArgument(QStringLiteral("CSV"), QStringLiteral("table with a header row"));
  const auto usage = [&](const QString& why) {
    err << "eval-table: " << why
        << "\nusage: songspace-cli eval-table CSV --label COLUMN [--folds K] [--seed N] [--json]"
           " [--kernel nystroem|fourier|none] [--fourier D] [--landmarks M] [--gamma G] [--gammas "
           "G,G,...] [--dim D] "
           "[--epochs N] [--lr X] [--max-norm C]"
           " [--ensemble M] [--no-tune] [--average-decay X] [--lr-decay T] [--patience N]\n";
    return 2;
  };
  if (!parser.parse(QStringList{QStringLiteral("eval-table")} + args)) {
    return usage(parser.errorText());
  }
  if (parser.positionalArguments().size() != 1) return usage(QStringLiteral("one CSV file needed"));
  if (!parser.isSet(label)) return usage(QStringLiteral("--label is required"));

  TableEvalOptions options;
  long long n = 0;
  double x = 0;
  if (!parseInt(parser.value(folds), 2, 1000000, n)) return usage(QStringLiteral("bad --folds"));
  options.folds = static_cast<int>(n);
  if (!parseInt(parser.value(seed), 0, LLONG_MAX, n)) return usage(QStringLiteral("bad --seed"));
  options.seed = static_cast<std::uint64_t>(n);
  if (parser.isSet(kernel)) {
    const QString k = parser.value(kernel);
    if (k == QStringLiteral("nystroem")) {
      options.expansion.kernelMap = core::KernelMap::Nystroem;
    } else if (k == QStringLiteral("fourier")) {
      options.expansion.kernelMap = core::KernelMap::Fourier;
    } else if (k == QStringLiteral("none")) {
      options.expansion.kernelMap = core::KernelMap::None;
    } else {
      return usage(QStringLiteral("bad --kernel"));
    }
  }
  if (parser.isSet(landmarks)) {
    if (!parseInt(parser.value(landmarks), 1, core::TableExpansionOptions::kMaxLandmarks, n))
      return usage(QStringLiteral("bad --landmarks"));
    options.expansion.landmarks = static_cast<int>(n);
  }
  if (parser.isSet(fourier)) {
    if (!parseInt(parser.value(fourier), 0, core::TableExpansionOptions::kMaxFourierFeatures, n))
      return usage(QStringLiteral("bad --fourier"));
    options.expansion.fourierFeatures = static_cast<int>(n);
    // Alone, --fourier D selects the Fourier map (D = 0: none), as before Nyström existed.
    if (!parser.isSet(kernel)) {
      options.expansion.kernelMap = n > 0 ? core::KernelMap::Fourier : core::KernelMap::None;
    }
  }
  if (parser.isSet(gamma)) {
    if (!parseDouble(parser.value(gamma), 1e-9, 1e6, x))
      return usage(QStringLiteral("bad --gamma"));
    options.expansion.gamma = x;
  }
  if (parser.isSet(gammas)) {
    for (const QString& g : parser.value(gammas).split(QLatin1Char(','))) {
      if (!parseDouble(g, 1e-9, 1e6, x)) return usage(QStringLiteral("bad --gammas"));
      options.gammas.push_back(x);
    }
  }
  if (parser.isSet(dim)) {
    if (!parseInt(parser.value(dim), 1, 4096, n)) return usage(QStringLiteral("bad --dim"));
    options.train.dimension = static_cast<int>(n);
  }
  if (parser.isSet(epochs)) {
    if (!parseInt(parser.value(epochs), 1, 100000, n)) return usage(QStringLiteral("bad --epochs"));
    options.train.epochs = static_cast<int>(n);
  }
  if (parser.isSet(kernelWeight)) {
    if (!parseDouble(parser.value(kernelWeight), 0, 1e6, x))
      return usage(QStringLiteral("bad --kernel-weight"));
    options.expansion.kernelWeight = x;
  }
  if (parser.isSet(denseWeight)) {
    if (!parseDouble(parser.value(denseWeight), 0, 1e6, x))
      return usage(QStringLiteral("bad --dense-weight"));
    options.expansion.denseWeight = x;
  }
  if (parser.isSet(ensemble)) {
    if (!parseInt(parser.value(ensemble), 1, 100, n))
      return usage(QStringLiteral("bad --ensemble"));
    options.ensemble = static_cast<int>(n);
  }
  if (parser.isSet(lr)) {
    if (!parseDouble(parser.value(lr), 1e-9, 100, x)) return usage(QStringLiteral("bad --lr"));
    options.train.learningRate = x;
  }
  if (parser.isSet(maxNorm)) {
    if (!parseDouble(parser.value(maxNorm), 1e-6, 1e6, x))
      return usage(QStringLiteral("bad --max-norm"));
    options.train.maxNorm = x;
  }
  if (parser.isSet(averageDecay)) {
    if (!parseDouble(parser.value(averageDecay), 0, 0.999999, x))
      return usage(QStringLiteral("bad --average-decay"));
    options.train.averageDecay = x;
  }
  if (parser.isSet(lrDecay)) {
    if (!parseDouble(parser.value(lrDecay), 0, 1e6, x))
      return usage(QStringLiteral("bad --lr-decay"));
    options.train.learningRateDecayEpochs = x;
  }
  if (parser.isSet(patience)) {
    if (!parseInt(parser.value(patience), 0, 100000, n))
      return usage(QStringLiteral("bad --patience"));
    options.train.patience = static_cast<int>(n);
  }
  options.tune = !parser.isSet(noTune) && !parser.isSet(lr) && !parser.isSet(maxNorm);

  const QString file = parser.positionalArguments().first();
  core::CsvTable csv;
  core::TableStatus status = core::readCsv(file.toStdString(), csv);
  core::LabelledTable table;
  if (status.ok()) status = core::toLabelledTable(csv, parser.value(label).toStdString(), table);
  if (!status.ok()) {
    err << "eval-table: " << QString::fromStdString(status.message) << "\n";
    return 1;
  }
  if (options.folds > table.rows()) return usage(QStringLiteral("more folds than rows"));

  const core::TableEvalResult result = core::evaluateTable(table, options);
  if (!result.error.empty()) {
    err << "eval-table: " << QString::fromStdString(result.error) << "\n";
    return 1;
  }
  if (parser.isSet(json)) {
    QJsonObject methods;
    for (const auto& m : result.methods) {
      methods.insert(QString::fromStdString(m.method), metricsJson(m.metrics));
    }
    const QJsonObject root{{QStringLiteral("folds"), result.folds},
                           {QStringLiteral("methods"), methods}};
    out << QJsonDocument(root).toJson(QJsonDocument::Indented);
    return 0;
  }
  out << "eval-table: " << file << "  label '" << parser.value(label) << "'  " << table.rows()
      << " rows, " << table.featureNames.size() << " features, " << table.numClasses()
      << " classes, " << result.folds << " stratified folds (seed " << options.seed << ")\n";
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
    "eval-table", "eval-table CSV --label COLUMN [--folds K] [--seed N] [--json]",
    "cross-validated accuracy of the joint model's tag task on a CSV, beside baselines", run}};

}  // namespace
}  // namespace songspace::cli
