#include "core/library/librarysnapshot.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <atomic>

#include "core/library/opencatalog.h"
#include "core/library/paths.h"
#include "core/library/scanjob.h"
#include "core/library/sessioncache.h"
#include "core/library/trainjob.h"

namespace songspace::library {

const core::SongRow* LibrarySnapshot::song(std::int64_t fileId) const {
  const int row = rowOfSong(fileId);
  return row < 0 ? nullptr : &songs[static_cast<std::size_t>(row)];
}

int LibrarySnapshot::rowOfSong(std::int64_t fileId) const {
  const auto it = m_rowOfSong->find(fileId);
  return it == m_rowOfSong->end() ? -1 : it->second;
}

std::vector<core::FileTag> LibrarySnapshot::tagsOf(std::int64_t fileId,
                                                   core::TagSource source) const {
  std::vector<core::FileTag> out;
  for (const core::FileTag& tag : tags.of(fileId)) {
    if (tag.source == source) out.push_back(tag);
  }
  return out;
}

void LibrarySnapshot::readCatalog(const core::Catalog& catalog) {
  static std::atomic<std::uint64_t> reads{0};
  catalogRead = ++reads;
  songs = catalog.songs();
  auto rowOfSong = std::make_shared<std::unordered_map<std::int64_t, int>>();
  rowOfSong->reserve(songs.size());
  for (std::size_t i = 0; i < songs.size(); ++i) {
    rowOfSong->emplace(songs[i].fileId, static_cast<int>(i));
  }
  m_rowOfSong = std::move(rowOfSong);
  failedFiles = catalog.files(core::FileState::Failed);
  artists = catalog.artists();
  undoableBatch = lastUndoableBatchInfo(catalog);
  scanRoots = libraryRoots(catalog);
  playlists = catalog.playlists();
  acceptableBatch = lastAcceptableBatchInfo(catalog);
  if (const auto trained = catalog.latestModel()) {
    const QJsonObject summary =
        QJsonDocument::fromJson(QByteArray::fromStdString(trained->summaryJson)).object();
    leftOutTags = leftOutFromJson(summary.value(QStringLiteral("left_out_tags")).toArray());
    leftOutArtists = leftOutFromJson(summary.value(QStringLiteral("left_out_artists")).toArray());
  }
  modelPending = QFileInfo::exists(library::modelPathForCatalog(catalogPath));
  if (!modelPending) readTags(catalog);
}

void LibrarySnapshot::readTags(const core::Catalog& catalog) {
  tags = catalog.tagTable();
}

namespace {

LibrarySnapshot::LoadedModel loadSession(const core::Catalog& catalog, const QString& catalogPath) {
  const QString modelPath = library::modelPathForCatalog(catalogPath);
  if (!QFileInfo::exists(modelPath)) return {};
  auto session = std::make_shared<ModelSession>();
  const base::Status status =
      session->load(catalog, QFile::encodeName(modelPath).toStdString(),
                    sessionCachePathFor(QFile::encodeName(catalogPath).toStdString()));
  if (!status.ok()) return {nullptr, status};
  return {std::move(session), status};
}

}  // namespace

void LibrarySnapshot::adoptModel(LoadedModel loaded) {
  modelPending = false;
  modelStatus = loaded.status;
  if (loaded.session) {
    discovery =
        std::make_shared<const DiscoveryContext>(makeDiscoveryContext(*loaded.session, songs));
    model = std::move(loaded.session);
  }
}

void LibrarySnapshot::loadModel(const core::Catalog& catalog) {
  adoptModel(loadSession(catalog, catalogPath));
}

LibrarySnapshot::LoadedModel LibrarySnapshot::loadModelSession(const QString& catalogPath) {
  base::Status status;
  const auto catalog = openCatalog(catalogPath, CatalogOpenMode::MustExist, &status);
  if (!catalog) return {nullptr, status};
  return loadSession(*catalog, catalogPath);
}

std::shared_ptr<LibrarySnapshot> LibrarySnapshot::loadLibrary(const QString& catalogPath,
                                                              base::Status* status) {
  const auto catalog = openCatalog(catalogPath, CatalogOpenMode::CreateIfMissing, status);
  if (!catalog) return nullptr;
  auto snapshot = std::make_shared<LibrarySnapshot>();
  snapshot->catalogPath = catalogPath;
  snapshot->readCatalog(*catalog);
  return snapshot;
}

std::optional<core::FileTagTable> LibrarySnapshot::loadTags(const QString& catalogPath) {
  const auto catalog = openCatalog(catalogPath, CatalogOpenMode::MustExist);
  if (!catalog) return std::nullopt;
  core::FileTagTable table = catalog->tagTable();
  if (!catalog->lastStatus().ok()) return std::nullopt;
  return table;
}

std::shared_ptr<LibrarySnapshot> LibrarySnapshot::withModel(
    const LibrarySnapshot& library, base::Status* status, std::future<LoadedModel>* pending,
    std::future<std::optional<core::FileTagTable>>* pendingTags) {
  const auto catalog = openCatalog(library.catalogPath, CatalogOpenMode::CreateIfMissing, status);
  if (!catalog) return nullptr;
  // A copy of pointers: the library part is shared with `library` (base::SharedVector).
  auto snapshot = std::make_shared<LibrarySnapshot>(library);
  if (library.modelPending) {
    std::optional<core::FileTagTable> read;
    if (pendingTags && pendingTags->valid()) read = pendingTags->get();
    if (read) {
      snapshot->tags = std::move(*read);
    } else {
      snapshot->readTags(*catalog);
    }
  }
  if (pending && pending->valid()) {
    snapshot->adoptModel(pending->get());
  } else {
    snapshot->loadModel(*catalog);
  }
  return snapshot;
}

std::shared_ptr<LibrarySnapshot> LibrarySnapshot::load(const QString& catalogPath,
                                                       base::Status* status) {
  const auto catalog = openCatalog(catalogPath, CatalogOpenMode::CreateIfMissing, status);
  if (!catalog) return nullptr;
  auto snapshot = std::make_shared<LibrarySnapshot>();
  snapshot->catalogPath = catalogPath;
  snapshot->readCatalog(*catalog);
  if (snapshot->modelPending) snapshot->readTags(*catalog);
  snapshot->loadModel(*catalog);
  return snapshot;
}

}  // namespace songspace::library
