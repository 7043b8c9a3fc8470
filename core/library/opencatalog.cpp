#include "core/library/opencatalog.h"

#include <QFile>
#include <QFileInfo>

namespace songspace::library {

std::unique_ptr<core::Catalog> openCatalog(const QString& path, CatalogOpenMode mode,
                                           core::CatalogStatus* status) {
  if (path.isEmpty() || (mode == CatalogOpenMode::MustExist && !QFileInfo::exists(path))) {
    if (status) {
      *status = {core::CatalogError::NotFound,
                 "no catalog at " + QFile::encodeName(path).toStdString()};
    }
    return nullptr;
  }
  return core::Catalog::open(QFile::encodeName(path).toStdString(), status);
}

}  // namespace songspace::library
