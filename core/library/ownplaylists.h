#pragma once

// Songspace's own playlists (core::PlaylistOrigin::Songspace, docs/design.md §5.1): the M3U8
// files it saves from a map selection, a mix or a path, recorded in the catalog so that the
// Playlists view lists them, a rescan that finds them in a library folder keeps them as ours, and
// training never learns from them.
//
// Thread rules: each call uses the catalog it is given (one thread at a time, as core::Catalog
// requires); the GUI calls them on the job controller's pool, never on its own thread.

#include <QString>
#include <cstdint>
#include <vector>

#include "core/base/status.h"

namespace songspace::core {
class Catalog;
}

namespace songspace::library {

// The name a saved playlist gets: its file's base name ("Road trip.m3u8" → "Road trip").
QString ownPlaylistName(const QString& file);

// Records `file` (absolute; the M3U8 just written) as Songspace's playlist of the catalog files
// `fileIds`, in order, named ownPlaylistName(file). Saving again to the same file replaces the
// record (same id); saving over a library playlist's file makes it ours. NotFound when a file id
// is not in the catalog (nothing is stored); Sql or Busy from the catalog.
[[nodiscard]] base::Status recordOwnPlaylist(core::Catalog& catalog, const QString& file,
                                             const std::vector<std::int64_t>& fileIds,
                                             std::int64_t* id = nullptr);

// Deletes Songspace's playlist `id`: its file and its catalog record, both or neither. A file
// already gone is not an error (the record goes). Errors, each naming the playlist's file:
// NotFound (no such playlist), InvalidArgument (a library playlist: the user's file, which
// Songspace never deletes), Io (the file cannot be deleted, with the system's reason; the record
// stays), Sql or Busy (nothing changed; or, in the rare case that the final commit fails, the file
// is gone and the record stays, which a second delete removes).
[[nodiscard]] base::Status deleteOwnPlaylist(core::Catalog& catalog, std::int64_t id);

}  // namespace songspace::library
