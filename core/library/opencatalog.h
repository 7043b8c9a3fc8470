#pragma once

#include <QString>
#include <memory>

#include "core/catalog/catalog.h"

namespace songspace::library {

enum class CatalogOpenMode {
  CreateIfMissing,  // make the file (and its folders) when absent: scanning a new library
  MustExist,        // fail with NotFound instead: reading or undoing never makes an empty catalog
};

// The one way the library operations, the GUI's workers and the CLI open a catalog named by a
// QString (a user-facing path: encoded with QFile::encodeName). Opening runs migrations and may
// wait on the busy timeout, so call it on a worker thread, never on the GUI thread.
// Returns nullptr on failure and fills *status (if given): NotFound (MustExist and no file, or an
// empty path), else what Catalog::open reports; the message names the path.
[[nodiscard]] std::unique_ptr<core::Catalog> openCatalog(const QString& path, CatalogOpenMode mode,
                                                         base::Status* status = nullptr);

}  // namespace songspace::library
