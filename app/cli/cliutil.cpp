#include "app/cli/cliutil.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>

#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

#include "core/catalog/catalog.h"
#include "core/catalog/tagnormalize.h"
#include "core/eval/crossfit.h"
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

OptionSet& OptionSet::text(const QString& option, const QString& placeholder, const QString& help,
                           QString& target) {
  m_options.push_back({option, placeholder, help, [&target](const QString& value) -> QString {
                         target = value;
                         return {};
                       }});
  return *this;
}

OptionSet& OptionSet::flag(const QString& option, const QString& help, bool& target) {
  m_options.push_back({option, QString(), help, [&target](const QString&) -> QString {
                         target = true;
                         return {};
                       }});
  return *this;
}

OptionSet& OptionSet::custom(const QString& option, const QString& placeholder, const QString& help,
                             std::function<QString(const QString& value)> apply) {
  m_options.push_back({option, placeholder, help, std::move(apply)});
  return *this;
}

OptionSet& OptionSet::shownAs(const QString& form) {
  if (!m_options.empty()) m_options.back().synopsisForm = form;
  return *this;
}

QString OptionSet::synopsis() const {
  QStringList parts;
  for (const Option& option : m_options) {
    if (option.synopsisForm) {
      if (!option.synopsisForm->isEmpty()) parts << *option.synopsisForm;
      continue;
    }
    parts << (option.placeholder.isEmpty()
                  ? QStringLiteral("[%1]").arg(option.name)
                  : QStringLiteral("[%1 %2]").arg(option.name, option.placeholder));
  }
  return parts.join(QLatin1Char(' '));
}

QString OptionSet::help() const {
  QString text;
  for (const Option& option : m_options) {
    const QString head = option.placeholder.isEmpty()
                             ? option.name
                             : option.name + QLatin1Char(' ') + option.placeholder;
    text += QStringLiteral("  %1\n      %2\n").arg(head, option.help);
  }
  return text;
}

Arguments OptionSet::parse(const QStringList& args) const {
  QStringList valueOptions;
  QStringList flags;
  for (const Option& option : m_options)
    (option.placeholder.isEmpty() ? flags : valueOptions) << option.name;
  Arguments parsed(args, valueOptions, flags);
  if (!parsed.ok()) return parsed;
  for (const Option& option : m_options) {
    if (!parsed.has(option.name)) continue;
    const QString error = option.apply(parsed.value(option.name));
    if (!error.isEmpty()) {
      parsed.setError(error);
      break;
    }
  }
  return parsed;
}

void addCalibrationOptions(OptionSet& options, core::CalibrationOptions& target) {
  using core::CalibrationOptions;
  options
      .number(QStringLiteral("--calibration-folds"), CalibrationOptions::kFolds, target.folds,
              QStringLiteral("K"))
      .number(QStringLiteral("--target-precision"), CalibrationOptions::kTargetPrecision,
              target.targetPrecision, QStringLiteral("P"))
      .number(QStringLiteral("--committee"), CalibrationOptions::kCommittee, target.committee,
              QStringLiteral("0|1"));
}

void addReadingOptions(OptionSet& options, core::TagReadingRules& target, bool separators) {
  using core::TagReadingRules;
  const QString list = QString::fromStdString(
      TagReadingRules::joinPlaceholderList(TagReadingRules::defaultPlaceholders()));
  options.custom(
      QStringLiteral("--placeholders"), QStringLiteral("A|B|..."),
      QStringLiteral("values read as missing, case-insensitive, '|'-separated, replacing the "
                     "default list (\"\" for none; empty values are always missing) "
                     "(default: \"%1\")")
          .arg(list),
      [&target](const QString& value) -> QString {
        target.placeholders = TagReadingRules::parsePlaceholderList(value.toStdString());
        return {};
      });
  if (!separators) return;
  options.custom(
      QStringLiteral("--genre-separators"), QStringLiteral("CHARS"),
      QStringLiteral("characters that split one written genre, mood, grouping or tag value, any "
                     "of \"%1\" (\"\" for none; separate fields are always separate values) "
                     "(default: \"%2\")")
          .arg(QString::fromUtf8(TagReadingRules::kAllowedGenreSeparators.data(),
                                 TagReadingRules::kAllowedGenreSeparators.size()),
               QString::fromUtf8(TagReadingRules::kDefaultGenreSeparators.data(),
                                 TagReadingRules::kDefaultGenreSeparators.size())),
      [&target](const QString& value) -> QString {
        TagReadingRules rules = target;
        rules.genreSeparators = value.toStdString();
        if (const std::string error = rules.validate(); !error.empty())
          return QStringLiteral("--genre-separators: ") + QString::fromStdString(error);
        target.genreSeparators = rules.genreSeparators;
        return {};
      });
}

void addTrainOptions(OptionSet& options, core::TrainOptions& target) {
  using core::TrainOptions;
  options.number(QStringLiteral("--dim"), TrainOptions::kDimension, target.dimension)
      .number(QStringLiteral("--subspaces"), TrainOptions::kSubspaces, target.subspaces,
              QStringLiteral("M"))
      .number(QStringLiteral("--epochs"), TrainOptions::kEpochs, target.epochs)
      .choice(QStringLiteral("--loss"), TrainOptions::kLoss, target.loss)
      .number(QStringLiteral("--threads"), TrainOptions::kThreads, target.threads)
      .number(QStringLiteral("--seed"), base::kSeedSpec, target.seed)
      .number(QStringLiteral("--lr"), TrainOptions::kLearningRate, target.learningRate)
      .number(QStringLiteral("--max-norm"), TrainOptions::kMaxNorm, target.maxNorm,
              QStringLiteral("C"))
      .custom(
          QStringLiteral("--weights"), QStringLiteral("TASK=W,..."),
          [&] {
            QStringList tasks;
            for (int t = 0; t < core::kTaskCount; ++t) {
              tasks << QStringLiteral("%1=%2").arg(
                  QLatin1String(core::taskName(static_cast<core::Task>(t))),
                  QString::fromStdString(
                      base::formatValue(target.taskWeights[static_cast<std::size_t>(t)])));
            }
            return QStringLiteral("relative weight of each task's steps, each in %1; default %2")
                .arg(QString::fromStdString(TrainOptions::kTaskWeight.rangeText()),
                     tasks.join(QLatin1Char(',')));
          }(),
          [&target](const QString& value) -> QString {
            for (const QString& item : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
              const QString name = item.section(QLatin1Char('='), 0, 0).trimmed();
              const std::optional<double> weight = TrainOptions::kTaskWeight.parse(
                  item.section(QLatin1Char('='), 1).trimmed().toStdString());
              int task = -1;
              QStringList names;
              for (int t = 0; t < core::kTaskCount; ++t) {
                const QLatin1String tName(core::taskName(static_cast<core::Task>(t)));
                names << tName;
                if (name == tName) task = t;
              }
              if (task < 0 || !weight) {
                return QStringLiteral(
                           "--weights: '%1' is not TASK=WEIGHT with a weight in %2 (tasks: %3)")
                    .arg(item, QString::fromStdString(TrainOptions::kTaskWeight.rangeText()),
                         names.join(QStringLiteral(", ")));
              }
              target.taskWeights[static_cast<std::size_t>(task)] = *weight;
            }
            return {};
          })
      .number(QStringLiteral("--average-decay"), TrainOptions::kAverageDecay, target.averageDecay)
      .number(QStringLiteral("--lr-decay"), TrainOptions::kLearningRateDecayEpochs,
              target.learningRateDecayEpochs, QStringLiteral("EPOCHS"))
      .choice(QStringLiteral("--optimizer"), TrainOptions::kOptimizer, target.optimizer)
      .number(QStringLiteral("--max-negatives"), TrainOptions::kMaxNegativeDraws,
              target.maxNegativeDraws)
      .number(QStringLiteral("--song-cache"), TrainOptions::kSongCacheRefreshesPerPass,
              target.songCacheRefreshesPerPass, QStringLiteral("REFRESHES"))
      .number(QStringLiteral("--max-validation-songs"), TrainOptions::kMaxValidationSongs,
              target.maxValidationSongs)
      .number(QStringLiteral("--max-epoch-steps"), TrainOptions::kMaxStepsPerEpoch,
              target.maxStepsPerEpoch);
}

QString finishTrainOptions(const Arguments& args, core::TrainOptions& options) {
  // Unless asked for, no more threads than explicit subspaces (the model then stays
  // bit-identical for a seed); subspaces 0 (by library size) is resolved by the trainer, which
  // never stacks more blocks than the dimension.
  if (!args.has(QStringLiteral("--threads")) && options.subspaces > 0)
    options.threads = std::min(options.threads, options.subspaces);
  return QString::fromStdString(options.validate());
}

QString catalogPathFrom(const Arguments& args) {
  return args.has(QStringLiteral("--db")) ? args.value(QStringLiteral("--db"))
                                          : library::defaultCatalogPath();
}

std::unique_ptr<core::Catalog> openCatalogOrReport(const QString& path,
                                                   library::CatalogOpenMode mode) {
  base::Status status;
  auto catalog = library::openCatalog(path, mode, &status);
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

int usageError(const QString& synopsis, const QString& message) {
  QTextStream(stderr) << "songspace-cli: " << message << "\nusage: songspace-cli " << synopsis
                      << "\n(songspace-cli help " << synopsis.section(QLatin1Char(' '), 0, 0)
                      << " explains every option, its range and its default)\n";
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
