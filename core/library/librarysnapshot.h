#pragma once

#include <QString>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/base/status.h"
#include "core/catalog/catalog.h"
#include "core/library/discoverycontext.h"
#include "core/library/modelsession.h"
#include "core/library/tagaccept.h"
#include "core/library/tagundo.h"
#include "core/model/librarydataset.h"

namespace songspace::library {

// Everything the explorer shows about one library, read from its catalog (and its model, when
// one has been trained) in one go on a worker thread, then shared read-only with every view via
// std::shared_ptr<const LibrarySnapshot>. A new scan, training, auto-tag apply or undo produces a
// new snapshot; views and menus never touch the database from the GUI thread.
struct LibrarySnapshot {
  QString catalogPath;
  std::vector<core::SongRow> songs;                                   // analysed songs, by path
  std::vector<core::FileRow> failedFiles;                             // with their reasons
  std::vector<core::ArtistRow> artists;                               // by name
  std::unordered_map<std::int64_t, std::vector<core::FileTag>> tags;  // all sources, per file
  std::shared_ptr<const ModelSession> model;                          // null until a model exists
  // The model's songs' facts and duplicate groups (what song lists collapse and mixes avoid);
  // null exactly when model is.
  std::shared_ptr<const DiscoveryContext> discovery;
  // Not ok when a model file exists but could not be loaded (ok, without a model, when there is
  // no model file yet): why, for the user.
  base::Status modelStatus;
  // The auto-tag batch Edit › Undo would restore (nullopt: nothing to undo). Current as of this
  // snapshot: an apply or undo made elsewhere since then is caught when the undo runs.
  std::optional<UndoableBatch> undoableBatch;
  // The auto-tag batch Edit › Accept would accept (nullopt: none awaits acceptance); as above.
  std::optional<UndoableBatch> acceptableBatch;
  // What the last training left out of the model's vocabulary, with the reasons (from the
  // catalog's record of that training; empty before the first one).
  std::vector<core::LeftOutLabel> leftOutTags, leftOutArtists;
  // The folders scans of this catalog covered (library::libraryRoots), whichever program ran
  // them: what File › Rescan scans for a catalog the GUI did not build.
  std::vector<std::string> scanRoots;
  // The library's playlists and Songspace's own (core::Playlist::origin), by path, with their
  // entries; an entry's file may be missing or failed (not in `songs`).
  std::vector<core::Playlist> playlists;

  const core::SongRow* song(std::int64_t fileId) const;
  int rowOfSong(std::int64_t fileId) const;  // index into songs, -1 if absent
  std::vector<core::FileTag> tagsOf(std::int64_t fileId, core::TagSource source) const;
  bool hasModel() const { return model != nullptr && model->loaded(); }

  // Reads catalog + model (modelPathForCatalog). Never throws; on a catalog error returns null
  // and fills *status (if given) as openCatalog does. A model that cannot be loaded is not an
  // error: the snapshot has no model and modelStatus says why.
  static std::shared_ptr<LibrarySnapshot> load(const QString& catalogPath,
                                               base::Status* status = nullptr);

 private:
  std::unordered_map<std::int64_t, int> m_rowOfSong;
};

}  // namespace songspace::library
