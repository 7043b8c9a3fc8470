#include "app/cli/cliutil.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <limits>

#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

#include "core/catalog/catalog.h"
#include "core/library/opencatalog.h"
#include "core/library/paths.h"
#include "core/model/trainer.h"

namespace songspace::cli {

Arguments::Arguments(const QStringList& args, const QStringList& valueOptions,
                     const QStringList& flags)
    : m_valueOptions(valueOptions), m_flags(flags) {
  for (int i = 0; i < args.size(); ++i) {
    const QString& arg = args[i];
    if (arg == QStringLiteral("--")) {
      for (int j = i + 1; j < args.size(); ++j) {
        m_positionals.append(args[j]);
        m_positionalIndex.push_back(j);
      }
      break;
    }
    if (arg.startsWith(QStringLiteral("-")) && arg.size() > 1) {
      QString name = arg;
      QString inlineValue;
      const qsizetype eq = name.indexOf(QLatin1Char('='));
      if (eq > 0) {
        inlineValue = name.mid(eq + 1);
        name = name.left(eq);
      }
      if (m_valueOptions.contains(name)) {
        if (eq > 0) {
          m_values.insert(name, inlineValue);
        } else if (i + 1 < args.size()) {
          m_values.insert(name, args[++i]);
        } else {
          m_error = QStringLiteral("%1 needs a value").arg(name);
          return;
        }
      } else if (m_flags.contains(name) && eq < 0) {
        m_values.insert(name, QString());
      } else {
        m_error = QStringLiteral("unknown option %1").arg(arg);
        return;
      }
    } else {
      m_positionals.append(arg);
      m_positionalIndex.push_back(i);
    }
  }
}

std::vector<std::string> Arguments::rawPositionals(const std::vector<std::string>& raw) const {
  std::vector<std::string> out;
  for (int i = 0; i < m_positionals.size(); ++i) {
    const auto index = static_cast<std::size_t>(m_positionalIndex[static_cast<std::size_t>(i)]);
    if (index < raw.size() && QFile::decodeName(raw[index].c_str()) == m_positionals[i]) {
      out.push_back(raw[index]);
    } else {
      out.push_back(QFile::encodeName(m_positionals[i]).toStdString());
    }
  }
  return out;
}

bool Arguments::has(const QString& name) const {
  return m_values.contains(name);
}

QString Arguments::value(const QString& name, const QString& fallback) const {
  return m_values.value(name, fallback);
}

int Arguments::intValue(const QString& name, int fallback, int min, int max) {
  if (!has(name)) return fallback;
  bool ok = false;
  const int v = value(name).toInt(&ok);
  if (!ok || v < min || v > max) {
    m_error = QStringLiteral("%1 must be an integer in [%2, %3]").arg(name).arg(min).arg(max);
    return fallback;
  }
  return v;
}

double Arguments::doubleValue(const QString& name, double fallback, double min, double max) {
  if (!has(name)) return fallback;
  bool ok = false;
  const double v = value(name).toDouble(&ok);
  if (!ok || v < min || v > max) {
    m_error = QStringLiteral("%1 must be a number in [%2, %3]").arg(name).arg(min).arg(max);
    return fallback;
  }
  return v;
}

QStringList trainOptionNames() {
  return {QStringLiteral("--dim"),           QStringLiteral("--epochs"),
          QStringLiteral("--loss"),          QStringLiteral("--threads"),
          QStringLiteral("--seed"),          QStringLiteral("--lr"),
          QStringLiteral("--max-norm"),      QStringLiteral("--weights"),
          QStringLiteral("--average-decay"), QStringLiteral("--lr-decay"),
          QStringLiteral("--optimizer"),     QStringLiteral("--subspaces"),
          QStringLiteral("--max-negatives"), QStringLiteral("--song-cache")};
}

bool readTrainOptions(Arguments& args, core::TrainOptions& options, QString* error) {
  options.dimension = args.intValue(QStringLiteral("--dim"), options.dimension, 2, 1024);
  // Unless asked for, as many subspaces as the default that the dimension leaves room for.
  if (args.value(QStringLiteral("--subspaces")).isEmpty())
    options.subspaces = std::min(options.subspaces, options.dimension);
  options.subspaces = args.intValue(QStringLiteral("--subspaces"), options.subspaces, 1, 64);
  if (options.subspaces > options.dimension) {
    *error = QStringLiteral("--subspaces must not exceed --dim");
    return false;
  }
  options.epochs = args.intValue(QStringLiteral("--epochs"), options.epochs, 1, 100000);
  // Unless asked for, no more threads than subspaces: the model stays bit-identical for a seed.
  if (args.value(QStringLiteral("--threads")).isEmpty())
    options.threads = std::min(options.threads, options.subspaces);
  options.threads = args.intValue(QStringLiteral("--threads"), options.threads, 1, 256);
  options.seed = static_cast<std::uint64_t>(
      args.intValue(QStringLiteral("--seed"), static_cast<int>(options.seed), 0, 1 << 30));
  options.learningRate = args.doubleValue(QStringLiteral("--lr"), options.learningRate, 1e-6, 10.0);
  options.maxNorm = args.doubleValue(QStringLiteral("--max-norm"), options.maxNorm, 1e-3, 1e3);
  options.averageDecay =
      args.doubleValue(QStringLiteral("--average-decay"), options.averageDecay, 0.0, 0.999999);
  options.learningRateDecayEpochs =
      args.doubleValue(QStringLiteral("--lr-decay"), options.learningRateDecayEpochs, 0.0, 1e6);
  // Their ranges are the trainer's (TrainReport::error names them).
  constexpr int kAnyInt = std::numeric_limits<int>::max();
  options.maxNegativeDraws =
      args.intValue(QStringLiteral("--max-negatives"), options.maxNegativeDraws, 0, kAnyInt);
  options.songCacheRefreshesPerEpoch =
      args.intValue(QStringLiteral("--song-cache"), options.songCacheRefreshesPerEpoch, 0, kAnyInt);
  const QString optimizer = args.value(QStringLiteral("--optimizer"));
  if (optimizer.isEmpty()) {
    // the caller's default
  } else if (optimizer == QStringLiteral("sgd")) {
    options.optimizer = core::Optimizer::Sgd;
  } else if (optimizer == QStringLiteral("adagrad")) {
    options.optimizer = core::Optimizer::AdaGrad;
  } else {
    *error = QStringLiteral("--optimizer must be adagrad or sgd");
    return false;
  }
  const QString loss = args.value(QStringLiteral("--loss"), QStringLiteral("warp"));
  if (loss == QStringLiteral("auc")) {
    options.loss = core::Loss::Auc;
  } else if (loss != QStringLiteral("warp")) {
    *error = QStringLiteral("--loss must be warp or auc");
    return false;
  }
  const QStringList weights =
      args.value(QStringLiteral("--weights")).split(QLatin1Char(','), Qt::SkipEmptyParts);
  for (const QString& item : weights) {
    const QString name = item.section(QLatin1Char('='), 0, 0).trimmed();
    bool ok = false;
    const double weight = item.section(QLatin1Char('='), 1).toDouble(&ok);
    int task = -1;
    for (int t = 0; t < core::kTaskCount; ++t) {
      if (name == QLatin1String(core::taskName(static_cast<core::Task>(t)))) task = t;
    }
    if (task < 0 || !ok || weight < 0) {
      *error = QStringLiteral(
                   "--weights: '%1' is not TASK=WEIGHT (tasks: tags, artist, "
                   "similar_songs, songs_for_artist, similar_artists)")
                   .arg(item);
      return false;
    }
    options.taskWeights[static_cast<std::size_t>(task)] = weight;
  }
  if (!args.ok()) {
    *error = args.error();
    return false;
  }
  return true;
}

QString catalogPathFrom(const Arguments& args) {
  return args.has(QStringLiteral("--db")) ? args.value(QStringLiteral("--db"))
                                          : library::defaultCatalogPath();
}

std::unique_ptr<core::Catalog> openCatalogOrReport(const QString& path) {
  core::CatalogStatus status;
  auto catalog = library::openCatalog(path, library::CatalogOpenMode::CreateIfMissing, &status);
  if (!catalog) {
    QTextStream(stderr) << "songspace-cli: cannot open catalog " << path << ": "
                        << QString::fromStdString(status.message) << "\n";
  }
  return catalog;
}

void printJson(const QJsonObject& object) {
  QTextStream out(stdout);
  out << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented));
}

int usageError(const char* synopsis, const QString& message) {
  QTextStream(stderr) << "songspace-cli: " << message << "\nusage: songspace-cli " << synopsis
                      << "\n";
  return 2;
}

bool stderrIsTerminal() {
  return ::isatty(STDERR_FILENO) == 1;
}

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void onInterruptSignal(int) {
  g_interrupted.store(true);
}
}  // namespace

const std::atomic<bool>* installInterruptFlag() {
  std::signal(SIGINT, onInterruptSignal);
  std::signal(SIGTERM, onInterruptSignal);
  return &g_interrupted;
}

bool interrupted() {
  return g_interrupted.load();
}

}  // namespace songspace::cli
