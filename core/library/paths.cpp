#include "core/library/paths.h"

#include <QDir>
#include <QStandardPaths>

namespace songspace::library {

QString defaultCatalogPath() {
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
  QDir().mkpath(dir);
  return QDir(dir).filePath(QStringLiteral("library.sqlite"));
}

QString modelPathForCatalog(const QString& catalogPath) {
  return catalogPath + QStringLiteral(".model");
}

}  // namespace songspace::library
