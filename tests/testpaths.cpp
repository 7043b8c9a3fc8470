#include "testpaths.h"

#include <QDir>

namespace songspace::test {

std::filesystem::path sourceDir() {
  return std::filesystem::path(SONGSPACE_SOURCE_DIR);
}

std::filesystem::path testDataDir() {
  return sourceDir() / "tests" / "data";
}

QString sourcePath(const QString& relative) {
  return QDir::cleanPath(QStringLiteral(SONGSPACE_SOURCE_DIR) + QLatin1Char('/') + relative);
}

QString testDataPath(const QString& relative) {
  return sourcePath(QStringLiteral("tests/data/") + relative);
}

QString cliPath() {
  return QStringLiteral(SONGSPACE_CLI_PATH);
}

}  // namespace songspace::test
