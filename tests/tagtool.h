#pragma once

// Runs tests/tagtool.py (Debian's python3 with python3-mutagen, ffmpeg, ffprobe): the generated
// container/tag combinations and the independent readers' view of a file.

#include <QProcess>
#include <QString>
#include <QStringList>

#include "tests/testpaths.h"

namespace songspace::testing {

// Debian's interpreter: python3-mutagen is installed for it (scripts/install-deps.sh).
inline const QString kTagToolPython = QStringLiteral("/usr/bin/python3");
inline const QString kTagTool = songspace::test::sourcePath(QStringLiteral("tests/tagtool.py"));

// The tool's standard output; `error` is set (with its standard error) when it fails.
inline QByteArray runTagTool(const QStringList& args, QString* error) {
  QProcess process;
  process.start(kTagToolPython, QStringList{kTagTool} + args);
  if (!process.waitForFinished(120000) || process.exitStatus() != QProcess::NormalExit ||
      process.exitCode() != 0) {
    *error = QStringLiteral("%1 %2 failed: %3")
                 .arg(kTagTool, args.join(QLatin1Char(' ')),
                      QString::fromUtf8(process.readAllStandardError()));
    return {};
  }
  return process.readAllStandardOutput();
}

// Writes every combination into `dir`; returns their file names (empty and `error` set on failure).
inline QStringList makeTagCombinations(const QString& dir, QString* error) {
  const QByteArray out = runTagTool({QStringLiteral("make"), dir}, error);
  return QString::fromUtf8(out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

}  // namespace songspace::testing
