#include "core/library/librarysnapshot.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/library/opencatalog.h"
#include "core/library/paths.h"
#include "core/library/scanjob.h"
#include "core/library/trainjob.h"

namespace songspace::library {

const core::SongRow* LibrarySnapshot::song(std::int64_t fileId) const {
  const int row = rowOfSong(fileId);
  return row < 0 ? nullptr : &songs[static_cast<std::size_t>(row)];
}

int LibrarySnapshot::rowOfSong(std::int64_t fileId) const {
  const auto it = m_rowOfSong.find(fileId);
  return it == m_rowOfSong.end() ? -1 : it->second;
}

std::vector<core::FileTag> LibrarySnapshot::tagsOf(std::int64_t fileId,
                                                   core::TagSource source) const {
  std::vector<core::FileTag> out;
  const auto it = tags.find(fileId);
  if (it == tags.end()) return out;
  for (const core::FileTag& tag : it->second) {
    if (tag.source == source) out.push_back(tag);
  }
  return out;
}

std::shared_ptr<LibrarySnapshot> LibrarySnapshot::load(const QString& catalogPath,
                                                       base::Status* status) {
  const auto catalog = openCatalog(catalogPath, CatalogOpenMode::CreateIfMissing, status);
  if (!catalog) return nullptr;
  auto snapshot = std::make_shared<LibrarySnapshot>();
  snapshot->catalogPath = catalogPath;
  snapshot->songs = catalog->songs();
  for (std::size_t i = 0; i < snapshot->songs.size(); ++i) {
    snapshot->m_rowOfSong.emplace(snapshot->songs[i].fileId, static_cast<int>(i));
  }
  snapshot->failedFiles = catalog->files(core::FileState::Failed);
  snapshot->artists = catalog->artists();
  for (core::TagAssignment& assignment : catalog->allTags()) {
    snapshot->tags[assignment.fileId].push_back(std::move(assignment.tag));
  }
  snapshot->undoableBatch = lastUndoableBatchInfo(*catalog);
  snapshot->scanRoots = libraryRoots(*catalog);
  snapshot->playlists = catalog->playlists();
  snapshot->acceptableBatch = lastAcceptableBatchInfo(*catalog);
  if (const auto trained = catalog->latestModel()) {
    const QJsonObject summary =
        QJsonDocument::fromJson(QByteArray::fromStdString(trained->summaryJson)).object();
    snapshot->leftOutTags =
        leftOutFromJson(summary.value(QStringLiteral("left_out_tags")).toArray());
    snapshot->leftOutArtists =
        leftOutFromJson(summary.value(QStringLiteral("left_out_artists")).toArray());
  }
  const QString modelPath = library::modelPathForCatalog(catalogPath);
  if (QFileInfo::exists(modelPath)) {
    auto session = std::make_shared<ModelSession>();
    snapshot->modelStatus = session->load(*catalog, QFile::encodeName(modelPath).toStdString());
    if (snapshot->modelStatus.ok()) {
      snapshot->discovery =
          std::make_shared<const DiscoveryContext>(makeDiscoveryContext(*session, snapshot->songs));
      snapshot->model = std::move(session);
    }
  }
  return snapshot;
}

}  // namespace songspace::library
