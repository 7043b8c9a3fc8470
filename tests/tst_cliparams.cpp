// songspace-cli accepts exactly the ranges core declares: for each option, the spec's ends are
// accepted and one step beyond either end is rejected with one usage error (exit 2) that names
// the option and the spec's range; `help COMMAND` shows the same range and default.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <string>

#include "core/base/parameter.h"
#include "core/catalog/catalog.h"
#include "core/eval/crossfit.h"
#include "core/eval/evaluation.h"
#include "core/eval/tableeval.h"
#include "core/library/autotag.h"
#include "core/library/modelsession.h"
#include "core/library/scanjob.h"
#include "core/model/librarydataset.h"
#include "core/model/trainer.h"
#include "testaudio.h"
#include "tests/testpaths.h"

using namespace songspace;
using core::TrainOptions;

namespace {

struct Run {
  int exitCode = -1;
  QString err;
  QString out;
};

Run runCli(const QStringList& args) {
  QProcess process;
  process.start(songspace::test::cliPath(), args);
  Run run;
  if (!process.waitForFinished(60000)) return run;
  run.exitCode = process.exitCode();
  run.err = QString::fromUtf8(process.readAllStandardError());
  run.out = QString::fromUtf8(process.readAllStandardOutput());
  return run;
}

QString text(const std::string& s) {
  return QString::fromStdString(s);
}

// The message a rejected value must carry: "--dim must be an integer in [1, 4096]".
template <typename T>
QString rangeMessage(const QString& option, const base::ParameterSpec<T>& spec) {
  return QStringLiteral("%1 must be %2 in %3")
      .arg(option,
           std::is_integral_v<T> ? QStringLiteral("an integer") : QStringLiteral("a number"),
           text(spec.rangeText()));
}

// One step beyond / inside an end: 1 for integers; for real ranges a relative 1e-6 (an open end
// itself is the value just outside).
template <typename T>
QString beyond(T end, int direction, const base::ParameterSpec<T>& spec, bool lowerEnd) {
  if constexpr (std::is_integral_v<T>) {
    (void)spec;
    (void)lowerEnd;
    // The seed's ends are the type's ends: one past them is spelled out.
    if (direction < 0 && end == std::numeric_limits<T>::min())
      return std::is_signed_v<T> ? QStringLiteral("-9223372036854775809") : QStringLiteral("-1");
    if (direction > 0 && end == std::numeric_limits<T>::max())
      return text(base::formatValue(end)) + QStringLiteral("0");  // ten times larger: overflow
    return text(base::formatValue(static_cast<T>(end + direction)));
  } else {
    const bool open = (lowerEnd ? spec.lower : spec.upper) == base::Bound::Open;
    if (open) return text(base::formatValue(end));
    const T step = static_cast<T>(1e-6) * std::max<T>(T(1), std::abs(end));
    return text(base::formatValue(static_cast<T>(end + direction * step)));
  }
}

template <typename T>
QString inside(T end, int direction, const base::ParameterSpec<T>& spec, bool lowerEnd) {
  if constexpr (std::is_integral_v<T>) {
    (void)direction;
    (void)spec;
    (void)lowerEnd;
    return text(base::formatValue(end));
  } else {
    const bool open = (lowerEnd ? spec.lower : spec.upper) == base::Bound::Open;
    if (!open) return text(base::formatValue(end));
    const T step = static_cast<T>(1e-6) * std::max<T>(T(1), std::abs(end));
    return text(base::formatValue(static_cast<T>(end - direction * step)));
  }
}

}  // namespace

class CliParamsTest : public QObject {
  Q_OBJECT

 public:
  CliParamsTest() { QVERIFY(m_dir.isValid()); }

 private:
  QTemporaryDir m_dir;

  QString db() const { return m_dir.filePath(QStringLiteral("empty.sqlite")); }

  // The command line that runs `command` with `option value`; everything else valid.
  QStringList commandLine(const QString& command, const QString& option,
                          const QString& value) const {
    QStringList args{command};
    if (command == QLatin1String("eval-table")) {
      args << m_dir.filePath(QStringLiteral("missing.csv")) << QStringLiteral("--label")
           << QStringLiteral("class");
    } else if (command == QLatin1String("scan")) {
      args << m_dir.path() << QStringLiteral("--db") << db();
    } else if (command == QLatin1String("autotag")) {
      args << QStringLiteral("--db") << db() << QStringLiteral("--dry-run");
    } else if (command == QLatin1String("predict-tags")) {
      args << QStringLiteral("1") << QStringLiteral("--db") << db();
    } else {
      args << QStringLiteral("--db") << db();
    }
    // --subspaces up to 4096 needs a dimension that leaves room for it.
    if (option == QLatin1String("--subspaces"))
      args << QStringLiteral("--dim") << text(base::formatValue(TrainOptions::kDimension.maxValue));
    return args << option << value;
  }

  template <typename T>
  void addRows(const char* command, const char* option, const base::ParameterSpec<T>& spec) {
    const QString c = QLatin1String(command);
    const QString o = QLatin1String(option);
    const QString message = rangeMessage(o, spec);
    const auto row = [&](const char* what, const QString& value, bool accepted) {
      QTest::addRow("%s %s %s (%s)", command, option, qPrintable(value), what)
          << commandLine(c, o, value) << accepted << message;
    };
    row("min", inside(spec.minValue, -1, spec, true), true);
    row("max", inside(spec.maxValue, +1, spec, false), true);
    row("below min", beyond(spec.minValue, -1, spec, true), false);
    row("above max", beyond(spec.maxValue, +1, spec, false), false);
  }

 private Q_SLOTS:
  void rangesMatchTheSpecs_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("message");
    for (const char* command : {"train", "eval"}) {
      addRows(command, "--dim", TrainOptions::kDimension);
      addRows(command, "--lr", TrainOptions::kLearningRate);
      addRows(command, "--seed", base::kSeedSpec);
      addRows(command, "--epochs", TrainOptions::kEpochs);
    }
    addRows("train", "--subspaces", TrainOptions::kSubspaces);
    addRows("train", "--threads", TrainOptions::kThreads);
    addRows("train", "--max-norm", TrainOptions::kMaxNorm);
    addRows("train", "--average-decay", TrainOptions::kAverageDecay);
    addRows("train", "--lr-decay", TrainOptions::kLearningRateDecayEpochs);
    addRows("train", "--summary-weight", core::LibraryDatasetOptions::kSummaryWeight);
    addRows("eval", "--holdout", core::EvalOptions::kHoldoutFraction);
    addRows("eval-table", "--dim", TrainOptions::kDimension);
    addRows("eval-table", "--lr", TrainOptions::kLearningRate);
    addRows("eval-table", "--seed", base::kSeedSpec);
    addRows("eval-table", "--epochs", TrainOptions::kEpochs);
    addRows("eval-table", "--folds", core::TableEvalOptions::kFolds);
    addRows("eval-table", "--landmarks", core::TableExpansionOptions::kLandmarks);
    addRows("eval-table", "--gamma", core::TableExpansionOptions::kGamma);
    addRows("scan", "--threads", library::ScanOptions::kThreads);
    addRows("scan", "--frame-sample-budget", library::ScanOptions::kFrameSampleBudget);
    addRows("predict-tags", "-k", library::kQueryResults);
    addRows("train", "--calibration-folds", core::CalibrationOptions::kFolds);
    addRows("train", "--target-precision", core::CalibrationOptions::kTargetPrecision);
    addRows("train", "--committee", core::CalibrationOptions::kCommittee);
    addRows("eval", "--committee", core::CalibrationOptions::kCommittee);
    addRows("autotag", "--min-confidence", library::kAutotagMinConfidence);
    addRows("autotag", "--target-precision", core::CalibrationOptions::kTargetPrecision);
  }

  void rangesMatchTheSpecs() {
    QFETCH(QStringList, args);
    QFETCH(bool, accepted);
    QFETCH(QString, message);
    const Run run = runCli(args);
    if (accepted) {
      // Accepted options get past parsing: whatever happens next (an empty catalog, a missing
      // CSV) is not a usage error.
      QVERIFY2(run.exitCode != 2 && !run.err.contains(QStringLiteral(" must be ")),
               qPrintable(run.err));
    } else {
      QCOMPARE(run.exitCode, 2);
      QVERIFY2(run.err.contains(message), qPrintable(run.err));
      QVERIFY2(run.err.contains(QStringLiteral("usage: songspace-cli ")), qPrintable(run.err));
    }
  }

  void malformedNumbersAndChoicesAreUsageErrors() {
    const Run notANumber = runCli(
        commandLine(QStringLiteral("train"), QStringLiteral("--dim"), QStringLiteral("sixteen")));
    QCOMPARE(notANumber.exitCode, 2);
    QVERIFY(
        notANumber.err.contains(rangeMessage(QStringLiteral("--dim"), TrainOptions::kDimension) +
                                QStringLiteral(", not 'sixteen'")));
    const Run fraction = runCli(
        commandLine(QStringLiteral("train"), QStringLiteral("--epochs"), QStringLiteral("2.5")));
    QCOMPARE(fraction.exitCode, 2);
    const Run loss = runCli(
        commandLine(QStringLiteral("train"), QStringLiteral("--loss"), QStringLiteral("hinge")));
    QCOMPARE(loss.exitCode, 2);
    QVERIFY2(loss.err.contains(QStringLiteral("--loss must be ") +
                               text(TrainOptions::kLoss.choicesProse())),
             qPrintable(loss.err));
    // Cross-field rule from TrainOptions::validate(): more subspaces than dimensions.
    QStringList tooMany =
        commandLine(QStringLiteral("train"), QStringLiteral("--subspaces"), QStringLiteral("8"));
    tooMany << QStringLiteral("--dim") << QStringLiteral("4");
    const Run subspaces = runCli(tooMany);
    QCOMPARE(subspaces.exitCode, 2);
    QVERIFY2(subspaces.err.contains(QStringLiteral("subspaces = 8 exceeds dimension = 4")),
             qPrintable(subspaces.err));
    // Auto-tag's threshold is a minimum confidence or a target precision, never both.
    QStringList both = commandLine(QStringLiteral("autotag"), QStringLiteral("--min-confidence"),
                                   QStringLiteral("0.8"));
    both << QStringLiteral("--target-precision") << QStringLiteral("0.95");
    const Run twice = runCli(both);
    QCOMPARE(twice.exitCode, 2);
    QVERIFY2(twice.err.contains(QStringLiteral("give --min-confidence or --target-precision, not "
                                               "both")),
             qPrintable(twice.err));
    // The raw score threshold is gone.
    QCOMPARE(runCli(commandLine(QStringLiteral("autotag"), QStringLiteral("--min-score"),
                                QStringLiteral("0.5")))
                 .exitCode,
             2);
  }

  void helpShowsRangesAndDefaults() {
    const Run train = runCli({QStringLiteral("help"), QStringLiteral("train")});
    QCOMPARE(train.exitCode, 0);
    const auto line = [&](const QString& option) {
      const qsizetype at = train.out.indexOf(QStringLiteral("  ") + option + QLatin1Char(' '));
      return at < 0 ? QString() : train.out.mid(at).section(QLatin1Char('\n'), 1, 1);
    };
    QVERIFY2(
        line(QStringLiteral("--dim"))
            .contains(text(TrainOptions::kDimension.rangeText()) + QStringLiteral(", default ") +
                      text(base::formatValue(TrainOptions::kDimension.defaultValue))),
        qPrintable(train.out));
    QVERIFY2(line(QStringLiteral("--lr")).contains(text(TrainOptions::kLearningRate.rangeText())),
             qPrintable(train.out));
    QVERIFY2(line(QStringLiteral("--loss")).contains(QStringLiteral("default warp")),
             qPrintable(train.out));
    QVERIFY2(train.out.contains(QStringLiteral("[--loss ") +
                                text(TrainOptions::kLoss.choicesText()) + QLatin1Char(']')),
             qPrintable(train.out));
    // Auto-tag's default threshold is the model's, not a number of the CLI's.
    const Run autotag = runCli({QStringLiteral("help"), QStringLiteral("autotag")});
    QCOMPARE(autotag.exitCode, 0);
    QVERIFY2(autotag.out.contains(QStringLiteral("--min-confidence P\n")) &&
                 autotag.out.contains(QStringLiteral(", default the model's threshold")),
             qPrintable(autotag.out));
    // eval-table's defaults are its own (TableEvalOptions), shown as such.
    const Run table = runCli({QStringLiteral("help"), QStringLiteral("eval-table")});
    QCOMPARE(table.exitCode, 0);
    QVERIFY2(table.out.contains(QStringLiteral(", default ") +
                                text(base::formatValue(
                                    core::TableEvalOptions::defaultTableTrainOptions().dimension))),
             qPrintable(table.out));
  }

  // --frame-sample-budget reaches the scan: three 2-s files (about 85 frames each) keep
  // frame_sample_size frames or all they have by default, budget / files with a budget, and the
  // floor of 16 with a budget of 0.
  void frameSampleBudgetReachesTheScan() {
    const QString lib = m_dir.filePath(QStringLiteral("budgetlib"));
    QVERIFY(QDir().mkpath(lib));
    for (int i = 0; i < 3; ++i) {
      const std::string name = "song" + std::to_string(i) + ".wav";
      QVERIFY(testaudio::writeWav(
          std::filesystem::path(QFile::encodeName(lib).toStdString()) / name,
          testaudio::synthesize(static_cast<testaudio::Style>(i), 7 + i, 2.0), 22050));
    }
    const auto framesPerSong = [&](const QString& name, const QStringList& budget) {
      const QString db = m_dir.filePath(name);
      const Run run = runCli(QStringList{QStringLiteral("scan"), lib, QStringLiteral("--db"), db,
                                         QStringLiteral("--codebook-size"), QStringLiteral("4")} +
                             budget);
      if (run.exitCode != 0) {
        qWarning("%s", qPrintable(run.err));
        return -1;
      }
      const auto catalog = core::Catalog::open(QFile::encodeName(db).toStdString());
      if (!catalog) return -2;
      const core::FrameSampleSet set = catalog->frameSamples();
      return set.rows % 3 == 0 ? set.rows / 3 : -3;
    };
    const int defaults = framesPerSong(QStringLiteral("budget-default.sqlite"), {});
    QVERIFY2(defaults > 20, qPrintable(QString::number(defaults)));
    QCOMPARE(framesPerSong(QStringLiteral("budget-60.sqlite"),
                           {QStringLiteral("--frame-sample-budget"), QStringLiteral("60")}),
             20);
    QCOMPARE(framesPerSong(QStringLiteral("budget-0.sqlite"),
                           {QStringLiteral("--frame-sample-budget"), QStringLiteral("0")}),
             library::ScanOptions::kMinFrameSample);
  }
};

QTEST_GUILESS_MAIN(CliParamsTest)
#include "tst_cliparams.moc"
