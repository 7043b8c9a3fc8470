#include "core/library/opencatalog.h"

#include <QFile>
#include <QFileInfo>

namespace songspace::library {

std::unique_ptr<core::Catalog> openCatalog(const QString& path, CatalogOpenMode mode,
                                           base::Status* status) {
  if (path.isEmpty() || (mode == CatalogOpenMode::MustExist && !QFileInfo::exists(path))) {
    if (status) {
      *status = {base::ErrorCode::NotFound,
                 "no catalog at " + QFile::encodeName(path).toStdString()};
    }
    return nullptr;
  }
  return core::Catalog::open(QFile::encodeName(path).toStdString(), status);
}

}  // namespace songspace::library
