#include "core/library/ownplaylists.h"

#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <string>

#include "core/catalog/catalog.h"

namespace songspace::library {

QString ownPlaylistName(const QString& file) {
  return QFileInfo(file).completeBaseName();
}

base::Status recordOwnPlaylist(core::Catalog& catalog, const QString& file,
                               const std::vector<std::int64_t>& fileIds, std::int64_t* id) {
  std::vector<core::PlaylistEntry> entries;
  entries.reserve(fileIds.size());
  for (const std::int64_t fileId : fileIds) entries.push_back({fileId, {}});
  base::Status status = catalog.replacePlaylist(
      QFile::encodeName(QFileInfo(file).absoluteFilePath()).toStdString(),
      ownPlaylistName(file).toStdString(), entries, id, core::PlaylistOrigin::Songspace);
  if (!status.ok()) status.message = file.toStdString() + ": " + status.message;
  return status;
}

base::Status deleteOwnPlaylist(core::Catalog& catalog, std::int64_t id) {
  const std::vector<core::Playlist> all = catalog.playlists();
  if (!catalog.lastStatus().ok()) return catalog.lastStatus();
  const auto it =
      std::find_if(all.begin(), all.end(), [id](const core::Playlist& p) { return p.id == id; });
  if (it == all.end())
    return {base::ErrorCode::NotFound, "no playlist " + std::to_string(id) + " in the catalog"};
  const std::string& path = it->path;
  if (it->origin != core::PlaylistOrigin::Songspace) {
    return {base::ErrorCode::InvalidArgument,
            path +
                ": a playlist of the library, not one Songspace saved; delete it in a file "
                "manager if you mean to"};
  }
  // The record goes in the same transaction as the file: if the file stays, so does the record.
  if (base::Status status = catalog.beginBatch(); !status.ok()) return status;
  if (base::Status status = catalog.removePlaylist(id); !status.ok()) {
    (void)catalog.rollbackBatch();  // reason: `status` is what we report
    return status;
  }
  QFile file(QFile::decodeName(path.c_str()));
  if (file.exists() && !file.remove()) {
    (void)catalog.rollbackBatch();  // reason: the file's error is what we report
    return {base::ErrorCode::Io,
            path + ": cannot delete the file: " + file.errorString().toStdString()};
  }
  base::Status status = catalog.commitBatch();
  if (!status.ok())
    status.message =
        path + ": the file is deleted, but the catalog kept its record: " + status.message;
  return status;
}

}  // namespace songspace::library
