#pragma once

// Instrumentation of the thread rules ("the GUI thread never opens a catalog", see
// core/library/librarysnapshot.h): one process-wide observer that Catalog::open calls at its
// start, on the opening thread, with the path, before any file access. nullptr (the default)
// removes it. Setting it is thread-safe; the observer itself must be, as opens may run on several
// threads at once.

#include <filesystem>

namespace songspace::core {

using CatalogOpenObserver = void (*)(const std::filesystem::path& path);
void setCatalogOpenObserver(CatalogOpenObserver observer);

}  // namespace songspace::core
