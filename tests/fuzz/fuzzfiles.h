#pragma once

// For the readers' Qt tests: the committed fuzz inputs (tests/fuzz/corpus/<corpus>/ seeds,
// tests/fuzz/regressions/<target>/ crashes found and fixed), to replay through the entries of
// tests/fuzz/fuzzinputs.h under the normal ci and asan builds. Finds the checkout through
// tests/testpaths.h (library songspace_testpaths).

#include <QDir>
#include <QFile>
#include <QString>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "tests/testpaths.h"

namespace songspace::fuzz {

struct FuzzFile {
  QString name;  // relative to tests/fuzz/, e.g. "regressions/decoder/crash-1f0c…"
  QByteArray bytes;

  std::span<const std::uint8_t> input() const {
    return {reinterpret_cast<const std::uint8_t*>(bytes.constData()),
            static_cast<std::size_t>(bytes.size())};
  }
};

// Every file of tests/fuzz/<folder>, by name; empty when the folder does not exist.
inline std::vector<FuzzFile> fuzzFiles(const QString& folder) {
  const QDir root(songspace::test::sourcePath(QStringLiteral("tests/fuzz")));
  const QDir dir(root.filePath(folder));
  std::vector<FuzzFile> files;
  for (const QString& name : dir.entryList(QDir::Files, QDir::Name)) {
    QFile file(dir.filePath(name));
    // An unreadable file replays as no bytes, which no seed check accepts.
    files.push_back({folder + QLatin1Char('/') + name,
                     file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray()});
  }
  return files;
}

}  // namespace songspace::fuzz
