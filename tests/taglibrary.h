#pragma once

// A small real library whose files can be auto-tagged: copies of the tag fixtures
// (tests/data/tags, every container the tag writer knows plus a WAV it cannot write), some given
// a genre so a model learns a few tags, scanned into a catalog and trained by the real jobs.

#include <QDir>
#include <QFile>
#include <QString>
#include <filesystem>
#include <iterator>
#include <string>

#include "audio/tagwriter.h"
#include "core/catalog/catalog.h"
#include "core/library/scanjob.h"
#include "core/library/trainjob.h"
#include "tests/testpaths.h"

namespace songspace::testing {

// Copy name → fixture, and a genre written into the copy (nullptr = keep the fixture's).
struct TagLibraryCopy {
  const char* name;
  const char* fixture;
  const char* genre;
};
inline constexpr TagLibraryCopy kTagLibraryCopies[] = {
    {"01 harbour.mp3", "tagged-v23.mp3", nullptr},  {"02 lights.mp3", "tagged-v24.mp3", "Jazz"},
    {"03 fjord.flac", "tagged.flac", nullptr},      {"04 delta.ogg", "tagged.ogg", "Blues"},
    {"05 echo.opus", "tagged.opus", "Jazz"},        {"06 tapes.m4a", "tagged.m4a", nullptr},
    {"07 basement.flac", "untagged.flac", "Blues"}, {"08 valley.mp3", "untagged.mp3", "Jazz"},
    {"09 aurora.ogg", "tagged.ogg", "Rock"},        {"10 cold.flac", "tagged.flac", "Folk"},
    {"11 radio.wav", "tagged.wav", nullptr},  // cannot be written: shown skipped
};
inline constexpr int kTagLibrarySize = static_cast<int>(std::size(kTagLibraryCopies));

// Writes the copies into `folder` (created). Returns an error message, empty on success.
inline std::string makeTagLibrary(const QString& folder) {
  const std::filesystem::path data = songspace::test::testDataDir() / "tags";
  if (!QDir().mkpath(folder)) return "cannot create " + folder.toStdString();
  for (const TagLibraryCopy& copy : kTagLibraryCopies) {
    const std::string target = QDir(folder).filePath(QLatin1String(copy.name)).toStdString();
    std::error_code error;
    if (!std::filesystem::copy_file(data / copy.fixture, target, error)) {
      return "cannot copy " + std::string(copy.fixture) + ": " + error.message();
    }
    if (copy.genre && !audio::writeTagField(target, audio::TagField::Genre, {copy.genre}).ok()) {
      return "cannot write the genre of " + target;
    }
  }
  return {};
}

// Scans `folder` into a new catalog at `catalogPath` and trains a small model beside it (settings
// small enough for ASan on a loaded machine). Returns an error message, empty on success.
inline std::string scanAndTrainTagLibrary(const QString& folder, const QString& catalogPath) {
  auto catalog = core::Catalog::open(QFile::encodeName(catalogPath).toStdString());
  if (!catalog) return "cannot open " + catalogPath.toStdString();
  library::ScanOptions scan;
  scan.roots = {QFile::encodeName(folder).toStdString()};
  scan.threads = 1;
  scan.codebook.clusters = 16;
  scan.codebook.iterations = 10;
  scan.codebookFramesPerFile = 300;
  const library::ScanSummary summary = library::runScan(*catalog, scan);
  if (!summary.status.ok()) return summary.status.message;
  if (summary.analyzed != kTagLibrarySize) {
    return "analysed " + std::to_string(summary.analyzed) + " of " +
           std::to_string(kTagLibrarySize) + " files";
  }
  library::TrainJobOptions train;
  train.train.dimension = 8;
  train.train.subspaces = 1;
  train.train.epochs = 10;
  train.train.threads = 1;
  train.train.seed = 5;
  const library::TrainJobResult trained = library::runTrainJob(*catalog, catalogPath, train);
  return trained.status.ok() ? std::string() : trained.status.message;
}

}  // namespace songspace::testing
