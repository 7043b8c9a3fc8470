#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <map>
#include <random>
#include <set>

#include "core/eval/tabledata.h"
#include "tests/testpaths.h"

using namespace songspace::core;

namespace {

std::filesystem::path dataFile(const char* name) {
  return songspace::test::testDataDir() / "table" / name;
}

}  // namespace

class TableDataTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void quotedFields() {
    CsvTable t;
    const songspace::base::Status s = readCsv(dataFile("quoted.csv"), t);
    QVERIFY2(s.ok(), s.message.c_str());
    QCOMPARE(t.header.size(), std::size_t(5));
    QCOMPARE(t.header[1], std::string("size, in cm"));
    QCOMPARE(t.rows.size(), std::size_t(3));
    QCOMPARE(t.rows[0][0], std::string("a, the first"));
    QCOMPARE(t.rows[1][0], std::string("say \"hi\""));
    QCOMPARE(t.rows[2][4], std::string("x"));  // CRLF stripped

    LabelledTable lt;
    QVERIFY(toLabelledTable(t, "label", lt).ok());
    // name and colour are not numeric, constant is constant: only the size survives.
    QCOMPARE(lt.featureNames, std::vector<std::string>{"size, in cm"});
    QCOMPARE(lt.ignoredColumns, (std::vector<std::string>{"name", "colour", "constant"}));
    QCOMPARE(lt.features(2, 0), -30.0);
    QCOMPARE(lt.labels, (std::vector<int>{0, 1, 0}));
    QCOMPARE(lt.classNames, (std::vector<std::string>{"x", "y"}));
  }

  void errors() {
    CsvTable t;
    QCOMPARE(readCsv(dataFile("does-not-exist.csv"), t).error,
             songspace::base::ErrorCode::NotFound);
    const songspace::base::Status ragged = readCsv(dataFile("ragged.csv"), t);
    QCOMPARE(ragged.error, songspace::base::ErrorCode::Corrupt);
    QVERIFY(ragged.message.find("row 2") != std::string::npos);
    QCOMPARE(parseCsv("a,b\n\"open,1\n", t).error, songspace::base::ErrorCode::Corrupt);
    QCOMPARE(parseCsv("a,b\n\"x\"y,1\n", t).error, songspace::base::ErrorCode::Corrupt);
    QCOMPARE(parseCsv("", t).error, songspace::base::ErrorCode::Corrupt);

    QVERIFY(readCsv(dataFile("nolabel.csv"), t).ok());
    LabelledTable lt;
    const songspace::base::Status missing = toLabelledTable(t, "label", lt);
    QCOMPARE(missing.error, songspace::base::ErrorCode::NotFound);
    QVERIFY(missing.message.find("label") != std::string::npos);
    QVERIFY(toLabelledTable(t, "genre", lt).ok());
  }

  void stratifiedFoldsPartitionAndKeepProportions() {
    // 3 classes of 30, 20 and 7 rows, interleaved.
    std::vector<int> labels(30, 0);
    labels.insert(labels.end(), 20, 1);
    labels.insert(labels.end(), 7, 2);
    seededShuffle(labels, 3);
    const int k = 5;
    const std::vector<int> fold = stratifiedFolds(labels, k, 11);
    QCOMPARE(fold.size(), labels.size());  // every row in exactly one fold
    std::map<std::pair<int, int>, int> count;
    std::vector<int> size(k, 0);
    for (std::size_t r = 0; r < fold.size(); ++r) {
      QVERIFY(fold[r] >= 0 && fold[r] < k);
      ++count[std::make_pair(fold[r], labels[r])];
      ++size[fold[r]];
    }
    for (int f = 0; f < k; ++f) {
      QCOMPARE(count[std::make_pair(f, 0)], 6);
      QCOMPARE(count[std::make_pair(f, 1)], 4);
      QVERIFY(count[std::make_pair(f, 2)] == 1 || count[std::make_pair(f, 2)] == 2);
    }
    QVERIFY(*std::max_element(size.begin(), size.end()) -
                *std::min_element(size.begin(), size.end()) <=
            1);
    QCOMPARE(stratifiedFolds(labels, k, 11), fold);  // deterministic
    QVERIFY(stratifiedFolds(labels, k, 12) != fold);
  }

  void standardiseWithTrainStatsOnly() {
    Eigen::MatrixXd data(4, 2);
    data << 1, 5, 3, 5, 100, 5, -50, 5;
    const std::vector<int> train{0, 1};
    const Standardiser s = Standardiser::fit(data, train);
    QCOMPARE(s.mean[0], 2.0);
    QCOMPARE(s.invStd[0], 1.0);  // population std of {1, 3} is 1
    QCOMPARE(s.invStd[1], 1.0);  // zero variance: scale 1, no division by zero
    const Eigen::MatrixXd test = s.apply(data, {2, 3});
    QCOMPARE(test(0, 0), 98.0);  // the test rows did not move the statistics
    QCOMPARE(test(1, 0), -52.0);
    QCOMPARE(test(0, 1), 0.0);
  }

  // End to end through songspace-cli (default: Nyström features): three well separated
  // Gaussian classes.
  void evalTableSeparable() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString csv = dir.filePath(QStringLiteral("blobs.csv"));
    {
      QFile f(csv);
      QVERIFY(f.open(QIODevice::WriteOnly));
      QTextStream out(&f);
      out << "id,x,y,z,constant,class\n";
      std::mt19937 rng(5);
      std::normal_distribution<double> noise(0.0, 0.5);
      const char* names[] = {"red", "green", "blue"};
      for (int i = 0; i < 60; ++i) {
        const int c = i % 3;
        out << "\"row " << i << "\"," << 3 * c + noise(rng) << "," << -2 * c + noise(rng) << ","
            << noise(rng) << ",1," << names[c] << "\n";
      }
    }
    const auto run = [&](const QStringList& args, QByteArray* output = nullptr) {
      QProcess p;
      p.start(songspace::test::cliPath(), QStringList{QStringLiteral("eval-table")} + args);
      if (!p.waitForFinished(60000)) return -1;
      if (output) *output = p.readAllStandardOutput();
      return p.exitCode();
    };
    QByteArray json;
    QCOMPARE(run({csv, QStringLiteral("--label"), QStringLiteral("class"),
                  QStringLiteral("--folds"), QStringLiteral("5"), QStringLiteral("--json")},
                 &json),
             0);
    const QJsonObject root = QJsonDocument::fromJson(json).object();
    QCOMPARE(root.value(QStringLiteral("folds")).toInt(), 5);
    const QJsonObject methods = root.value(QStringLiteral("methods")).toObject();
    const auto p1 = [&](const char* m) {
      return methods.value(QLatin1String(m)).toObject().value(QStringLiteral("p@1")).toDouble();
    };
    qInfo("model %.3f knn %.3f popularity %.3f random %.3f", p1("model"), p1("knn"),
          p1("popularity"), p1("random"));
    QVERIFY(p1("model") >= 0.9);
    QVERIFY(p1("knn") >= 0.7);  // cosine ignores distance from the mean: weaker here
    QVERIFY(p1("random") < 0.6);
    QVERIFY(methods.contains(QStringLiteral("popularity")));

    // The random Fourier map (--fourier D alone selects it) separates them as well.
    QCOMPARE(run({csv, QStringLiteral("--label"), QStringLiteral("class"),
                  QStringLiteral("--folds"), QStringLiteral("5"), QStringLiteral("--fourier"),
                  QStringLiteral("100"), QStringLiteral("--json")},
                 &json),
             0);
    const QJsonObject fourier = QJsonDocument::fromJson(json).object();
    const double fourierP1 = fourier.value(QStringLiteral("methods"))
                                 .toObject()
                                 .value(QStringLiteral("model"))
                                 .toObject()
                                 .value(QStringLiteral("p@1"))
                                 .toDouble();
    qInfo("model with Fourier features %.3f", fourierP1);
    QVERIFY(fourierP1 >= 0.9);

    QCOMPARE(run({csv}), 2);                             // no --label
    QCOMPARE(run({csv, QStringLiteral("--label")}), 2);  // missing value
    QCOMPARE(run({csv, QStringLiteral("--label"), QStringLiteral("class"),
                  QStringLiteral("--folds"), QStringLiteral("x")}),
             2);
    QCOMPARE(run({csv, QStringLiteral("--label"), QStringLiteral("class"),
                  QStringLiteral("--kernel"), QStringLiteral("rbf")}),
             2);
    QCOMPARE(run({csv, QStringLiteral("--label"), QStringLiteral("colour")}), 1);  // unknown
    QCOMPARE(run({dir.filePath(QStringLiteral("missing.csv")), QStringLiteral("--label"),
                  QStringLiteral("class")}),
             1);
    QCOMPARE(run({QString::fromStdString(dataFile("ragged.csv").string()),
                  QStringLiteral("--label"), QStringLiteral("label")}),
             1);
  }
};

QTEST_GUILESS_MAIN(TableDataTest)
#include "tst_tabledata.moc"
