#pragma once

#include <QString>

namespace songspace::library {

// The catalog used when the user names none: <AppDataLocation>/library.sqlite, folder created.
QString defaultCatalogPath();
// The model stored beside a catalog: "<catalog>.model".
QString modelPathForCatalog(const QString& catalogPath);

}  // namespace songspace::library
