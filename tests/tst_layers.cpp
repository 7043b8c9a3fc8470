// The layers of docs/design.md, enforced: every `#include "…"` and every third-party
// `#include <…>` in app/, ui/, core/ and audio/ must point down the order
//   app → ui → library operations (core/library) → core, audio → base (core/base)
// and each third-party library stays in the layer that owns it. A wrong-way include fails the
// test naming the file, the line and the rule it breaks.

#include <unistd.h>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "tests/testpaths.h"

namespace {

enum class Layer { Base, Audio, Core, Library, Ui, Cli, Gui, Outside };

// The layer a repository-relative path belongs to. Tests and benchmarks sit above everything.
Layer layerOf(const QString& path) {
  if (path.startsWith(QLatin1String("core/base/"))) return Layer::Base;
  if (path.startsWith(QLatin1String("core/library/"))) return Layer::Library;
  if (path.startsWith(QLatin1String("core/"))) return Layer::Core;
  if (path.startsWith(QLatin1String("audio/"))) return Layer::Audio;
  if (path.startsWith(QLatin1String("ui/"))) return Layer::Ui;
  if (path.startsWith(QLatin1String("app/cli/"))) return Layer::Cli;
  if (path.startsWith(QLatin1String("app/gui/"))) return Layer::Gui;
  return Layer::Outside;
}

const char* nameOf(Layer layer) {
  switch (layer) {
    case Layer::Base:
      return "base (core/base)";
    case Layer::Audio:
      return "audio";
    case Layer::Core:
      return "core";
    case Layer::Library:
      return "library operations (core/library)";
    case Layer::Ui:
      return "ui";
    case Layer::Cli:
      return "app/cli";
    case Layer::Gui:
      return "app/gui";
    case Layer::Outside:
      return "outside the layers";
  }
  return "?";
}

// Whether code in `from` may include a project header of layer `to`.
bool mayInclude(Layer from, Layer to) {
  if (from == to) return true;
  switch (from) {
    case Layer::Base:
      return false;
    case Layer::Audio:
    case Layer::Core:
      return to == Layer::Base;  // core and audio are peers: neither sees the other
    case Layer::Library:
      return to == Layer::Base || to == Layer::Audio || to == Layer::Core;
    case Layer::Ui:
    case Layer::Cli:  // ui and the CLI are peers above the library operations
      return to == Layer::Base || to == Layer::Audio || to == Layer::Core || to == Layer::Library;
    case Layer::Gui:
      return to != Layer::Cli && to != Layer::Outside;
    case Layer::Outside:
      return true;
  }
  return false;
}

// Third-party headers and the layers allowed to include them.
struct ThirdParty {
  const char* pattern;  // regular expression on the header name inside <…>
  const char* library;
  std::initializer_list<Layer> allowed;
};
const ThirdParty kThirdParty[] = {
    {"^Q[A-Za-z]*$|^Qt[A-Za-z]*/",
     "Qt",
     {Layer::Library, Layer::Ui, Layer::Cli, Layer::Gui, Layer::Outside}},
    {"^sqlite3\\.h$", "SQLite", {Layer::Core, Layer::Outside}},
    {"^taglib/", "TagLib", {Layer::Audio, Layer::Outside}},
    {"^lib(av|sw)[a-z]*/", "FFmpeg", {Layer::Audio, Layer::Outside}},
    {"^kiss_fft", "KissFFT", {Layer::Audio, Layer::Outside}},
    {"^hnswlib/", "hnswlib", {Layer::Core, Layer::Outside}},
    {"^zlib\\.h$", "zlib", {Layer::Base, Layer::Outside}},
    {"^Eigen/",
     "Eigen",
     {Layer::Audio, Layer::Core, Layer::Library, Layer::Ui, Layer::Cli, Layer::Gui,
      Layer::Outside}},
};

// Every include in the tree under `root` that breaks the order, as "path:line: reason".
QStringList layeringViolations(const QString& root) {
  static const QRegularExpression includeLine(
      QStringLiteral(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])"));
  QStringList violations;
  const QDir rootDir(root);
  for (const QString& top : {QStringLiteral("app"), QStringLiteral("ui"), QStringLiteral("core"),
                             QStringLiteral("audio")}) {
    QDirIterator it(rootDir.filePath(top), {QStringLiteral("*.h"), QStringLiteral("*.cpp")},
                    QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
      const QString file = it.next();
      const QString path = rootDir.relativeFilePath(file);
      const Layer from = layerOf(path);
      QFile in(file);
      if (!in.open(QIODevice::ReadOnly | QIODevice::Text)) {
        violations << QStringLiteral("%1: cannot be read (%2)").arg(path, in.errorString());
        continue;
      }
      int lineNumber = 0;
      while (!in.atEnd()) {
        const QString line = QString::fromUtf8(in.readLine());
        ++lineNumber;
        const auto match = includeLine.match(line);
        if (!match.hasMatch()) continue;
        const QString target = match.captured(2);
        const QString where = QStringLiteral("%1:%2: ").arg(path).arg(lineNumber);
        if (match.captured(1) == QLatin1String("\"")) {
          const Layer to = layerOf(target);
          if (to == Layer::Outside) {
            violations << where +
                              QStringLiteral("\"%1\" is not a repository-relative path of a layer")
                                  .arg(target);
          } else if (!mayInclude(from, to)) {
            violations << where + QStringLiteral("%1 must not include %2 (\"%3\")")
                                      .arg(QLatin1String(nameOf(from)), QLatin1String(nameOf(to)),
                                           target);
          }
          continue;
        }
        for (const ThirdParty& library : kThirdParty) {
          if (!target.contains(QRegularExpression(QLatin1String(library.pattern)))) continue;
          if (std::find(library.allowed.begin(), library.allowed.end(), from) ==
              library.allowed.end()) {
            violations << where + QStringLiteral("%1 must not use %2 (<%3>)")
                                      .arg(QLatin1String(nameOf(from)),
                                           QLatin1String(library.library), target);
          }
        }
      }
    }
  }
  return violations;
}

void writeFile(const QString& path, const QByteArray& text) {
  QDir().mkpath(QFileInfo(path).path());
  QFile out(path);
  QVERIFY(out.open(QIODevice::WriteOnly));
  out.write(text);
}

}  // namespace

class TestLayers : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void treeFollowsTheOrder() {
    const QStringList violations = layeringViolations(songspace::test::sourcePath(QString()));
    if (!violations.isEmpty()) QFAIL(qPrintable(violations.join(QLatin1Char('\n'))));
  }

  // The checker itself: a tree with one include of each wrong kind is reported line by line, and
  // the same tree with the includes pointing down passes.
  void wrongWayIncludesAreNamed() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath(QStringLiteral("core/base/status.h")), "#pragma once\n");
    writeFile(dir.filePath(QStringLiteral("audio/decoder.h")),
              "#pragma once\n#include \"core/base/status.h\"\n");
    writeFile(dir.filePath(QStringLiteral("core/catalog/catalog.h")),
              "#pragma once\n#include <sqlite3.h>\n#include \"core/base/status.h\"\n");
    writeFile(dir.filePath(QStringLiteral("core/library/scanjob.h")),
              "#pragma once\n#include <QString>\n#include \"audio/decoder.h\"\n"
              "#include \"core/catalog/catalog.h\"\n");
    writeFile(dir.filePath(QStringLiteral("ui/mainwindow.cpp")),
              "#include \"core/library/scanjob.h\"\n");
    QCOMPARE(layeringViolations(dir.path()), QStringList());

    writeFile(dir.filePath(QStringLiteral("core/map/tsne.h")),
              "#pragma once\n\n#include \"audio/decoder.h\"\n");  // core → audio: peers
    writeFile(dir.filePath(QStringLiteral("core/library/paths.cpp")),
              "// comment\n#include \"ui/mainwindow.h\"\n");  // library → ui: upwards
    writeFile(dir.filePath(QStringLiteral("audio/metadata.cpp")),
              "#include <QString>\n");  // audio stays free of Qt
    writeFile(dir.filePath(QStringLiteral("ui/aboutdialog.cpp")),
              "#include <QDialog>\n#include <taglib/taglib.h>\n");  // TagLib belongs to audio
    writeFile(dir.filePath(QStringLiteral("app/cli/main.cpp")),
              "#include \"ui/mainwindow.h\"\n");  // the CLI never links the GUI
    QStringList violations = layeringViolations(dir.path());
    violations.sort();
    const QStringList expected = {
        QStringLiteral("app/cli/main.cpp:1: app/cli must not include ui (\"ui/mainwindow.h\")"),
        QStringLiteral("audio/metadata.cpp:1: audio must not use Qt (<QString>)"),
        QStringLiteral("core/library/paths.cpp:2: library operations (core/library) must not "
                       "include ui (\"ui/mainwindow.h\")"),
        QStringLiteral("core/map/tsne.h:3: core must not include audio (\"audio/decoder.h\")"),
        QStringLiteral("ui/aboutdialog.cpp:2: ui must not use TagLib (<taglib/taglib.h>)"),
    };
    QCOMPARE(violations, expected);
  }

  void unreadableFileIsReported() {
    if (geteuid() == 0) QSKIP("root reads every file");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("ui/secret.h"));
    writeFile(path, "#pragma once\n");
    QVERIFY(QFile::setPermissions(path, QFileDevice::Permissions()));
    const QStringList violations = layeringViolations(dir.path());
    QCOMPARE(violations.size(), 1);
    QVERIFY(violations.first().startsWith(QLatin1String("ui/secret.h: cannot be read")));
  }
};

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
