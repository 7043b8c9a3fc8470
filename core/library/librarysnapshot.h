#pragma once

#include <QString>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/base/sharedvector.h"
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
  // The library part's large lists are shared by the snapshots copied from this one (withModel):
  // a copy costs pointers, and a song's address is the same in every snapshot of one read.
  base::SharedVector<core::SongRow> songs;        // analysed songs, by path
  base::SharedVector<core::FileRow> failedFiles;  // with their reasons
  base::SharedVector<core::ArtistRow> artists;    // by name
  core::FileTagTable tags;                        // every file's tags, all sources
  std::shared_ptr<const ModelSession> model;      // null until a model exists
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
  base::SharedVector<core::Playlist> playlists;

  // Which read of the catalog the library part (everything above but the model) comes from: a
  // number no other load() or loadLibrary() in this process returned, kept by withModel(), so
  // two snapshots with the same value hold the same songs, tags and artists.
  std::uint64_t catalogRead = 0;
  // A model file exists and withModel() has not loaded it yet (a snapshot from loadLibrary()),
  // nor the tags: `tags` stays empty until then (at 10⁵ songs the tags, most of them predicted,
  // take longer to read than the songs, and only the model gives predicted tags a meaning).
  bool modelPending = false;

  const core::SongRow* song(std::int64_t fileId) const;
  int rowOfSong(std::int64_t fileId) const;  // index into songs, -1 if absent
  std::vector<core::FileTag> tagsOf(std::int64_t fileId, core::TagSource source) const;
  bool hasModel() const { return model != nullptr && model->loaded(); }

  // Reads catalog + model (modelPathForCatalog). Never throws; on a catalog error returns null
  // and fills *status (if given) as openCatalog does. A model that cannot be loaded is not an
  // error: the snapshot has no model and modelStatus says why.
  static std::shared_ptr<LibrarySnapshot> load(const QString& catalogPath,
                                               base::Status* status = nullptr);
  // load() in two steps, so a window can show the library before the model is ready (at 10⁵
  // songs the songs take a second or two to read, the tags and the model several more:
  // embedding every song, the search index, the discovery context): loadLibrary() reads the
  // catalog but, when a model file exists, neither the tags nor the model (modelPending);
  // withModel() returns a copy of such a snapshot with both read as load() does (modelPending
  // false, the same catalogRead). Both fail as load() does.
  static std::shared_ptr<LibrarySnapshot> loadLibrary(const QString& catalogPath,
                                                      base::Status* status = nullptr);
  //
  // The model session is loaded through the session cache beside the catalog
  // (sessionCachePathFor: ModelSession::load reads the per-song results from it when the model and
  // the analysed songs are unchanged, and writes it when it had to compute them).
  //
  // loadModelSession() loads that session alone, as withModel() would: it needs nothing of the
  // library part, so a window can run it on another thread while loadLibrary() runs and hand the
  // result to withModel() (which then waits for it and builds the discovery context).
  // session is null when the catalog has no model file (status ok) or the model could not be
  // loaded (status says why, as modelStatus does). Opens its own connection to the catalog; safe
  // on any thread.
  struct LoadedModel {
    std::shared_ptr<const ModelSession> session;
    base::Status status;
  };
  static LoadedModel loadModelSession(const QString& catalogPath);
  // Every file's tags, as withModel() reads them for a pending snapshot, on a connection of its
  // own: nullopt when the catalog cannot be opened or read (withModel() then reads them itself).
  // Safe on any thread.
  static std::optional<core::FileTagTable> loadTags(const QString& catalogPath);
  // `pending` (may be null): loadModelSession() running on another thread, waited for after the
  // library part is copied; its session is used instead of loading one. `pendingTags` (may be
  // null): loadTags() running on another thread, likewise used instead of reading the tags.
  static std::shared_ptr<LibrarySnapshot> withModel(
      const LibrarySnapshot& library, base::Status* status = nullptr,
      std::future<LoadedModel>* pending = nullptr,
      std::future<std::optional<core::FileTagTable>>* pendingTags = nullptr);

 private:
  void readCatalog(const core::Catalog& catalog);  // all but the model (and tags when pending)
  void readTags(const core::Catalog& catalog);
  void loadModel(const core::Catalog& catalog);
  void adoptModel(LoadedModel loaded);
  // Shared by copies as songs is; never null.
  std::shared_ptr<const std::unordered_map<std::int64_t, int>> m_rowOfSong =
      std::make_shared<const std::unordered_map<std::int64_t, int>>();
};

}  // namespace songspace::library
