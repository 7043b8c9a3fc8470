// Catalog: the stored codebooks, playlists and trained models a library keeps beside its songs.

#include "core/catalog/catalog.h"
#include "core/catalog/catalog_sql.h"

namespace songspace::core {
namespace {

std::optional<CodebookRecord> codebookFrom(Stmt& s) {
  if (!s.next()) return std::nullopt;
  const auto blob = s.blobAt(3);
  return CodebookRecord{s.intAt(0), s.int64At(1), s.textAt(2), {blob.begin(), blob.end()}};
}

}  // namespace

base::Status Catalog::storeCodebook(std::span<const std::uint8_t> blob,
                                    std::string_view description, int* id) {
  Stmt s(m_db, "INSERT INTO codebooks(created_at, description, data) VALUES(?1, ?2, ?3)");
  if (!s.bind(1, unixNow()).bind(2, description).bindBlob(3, blob).run()) return s.status();
  if (id) *id = static_cast<int>(sqlite3_last_insert_rowid(m_db));
  return {};
}

std::optional<CodebookRecord> Catalog::latestCodebook() const {
  Stmt s(m_db, "SELECT id, created_at, description, data FROM codebooks ORDER BY id DESC LIMIT 1");
  auto record = codebookFrom(s);
  m_lastStatus = s.status();
  return record;
}

std::optional<CodebookRecord> Catalog::codebook(int id) const {
  Stmt s(m_db, "SELECT id, created_at, description, data FROM codebooks WHERE id = ?");
  s.bind(1, id);
  auto record = codebookFrom(s);
  m_lastStatus = s.status();
  return record;
}

namespace {

const char* originName(PlaylistOrigin origin) {
  return origin == PlaylistOrigin::Songspace ? "songspace" : "library";
}

}  // namespace

base::Status Catalog::replacePlaylist(std::string_view path, std::string_view name,
                                      const std::vector<PlaylistEntry>& entries, std::int64_t* id,
                                      PlaylistOrigin origin) {
  CatalogTransaction tx(*this);
  if (!tx.ok()) return tx.status();
  // Once ours, always ours: a library playlist must never be one Songspace's guesses filled.
  Stmt upsert(m_db,
              "INSERT INTO playlists(path, name, origin) VALUES(?1, ?2, ?3) "
              "ON CONFLICT(path) DO UPDATE SET name = ?2, "
              "origin = CASE WHEN ?3 = 'songspace' THEN 'songspace' ELSE origin END RETURNING id");
  std::int64_t playlistId = 0;
  if (upsert.bind(1, path).bind(2, name).bind(3, std::string_view(originName(origin))).next())
    playlistId = upsert.int64At(0);
  if (!upsert.run()) return upsert.status();
  Stmt clear(m_db, "DELETE FROM playlist_entries WHERE playlist_id = ?");
  if (!clear.bind(1, playlistId).run()) return clear.status();
  // An entry given by id takes its path from the files table; one given by path is linked to
  // the file of that path if there is one.
  Stmt insert(m_db,
              "INSERT INTO playlist_entries(playlist_id, position, file_id, path) "
              "SELECT ?1, ?2, f.id, coalesce(f.path, ?4) FROM (SELECT 1) "
              "LEFT JOIN files f ON (?3 != 0 AND f.id = ?3) OR (?3 = 0 AND f.path = ?4)");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const PlaylistEntry& entry = entries[i];
    if (entry.fileId != 0) {
      base::Status status = requireFile(m_db, entry.fileId);
      if (!status.ok()) return status;
    }
    insert.reset();
    insert.bind(1, playlistId).bind(2, static_cast<std::int64_t>(i)).bind(3, entry.fileId);
    if (!insert.bind(4, entry.path).run()) return insert.status();
  }
  base::Status status = tx.commit();
  if (status.ok() && id) *id = playlistId;
  return status;
}

std::vector<Playlist> Catalog::playlists() const {
  // Entries stored by path are resolved again: the file may have been scanned since. A subquery
  // that coalesce() evaluates only for those entries: as a LEFT JOIN, SQLite looked every entry's
  // path up in the files' index (0.46 s against 0.05 s for 6·10⁴ entries, all resolved).
  Stmt s(m_db,
         "SELECT p.id, p.path, p.name, e.position, "
         "coalesce(e.file_id, (SELECT f.id FROM files f WHERE f.path = e.path), 0), e.path, "
         "p.origin = 'songspace' "
         "FROM playlists p LEFT JOIN playlist_entries e ON e.playlist_id = p.id "
         "ORDER BY p.path, e.position");
  std::vector<Playlist> out;
  while (s.next()) {
    if (out.empty() || out.back().id != s.int64At(0)) {
      out.push_back({s.int64At(0),
                     s.textAt(1),
                     s.textAt(2),
                     {},
                     s.int64At(6) != 0 ? PlaylistOrigin::Songspace : PlaylistOrigin::Library});
    }
    if (!s.isNull(3)) out.back().entries.push_back({s.int64At(4), s.textAt(5)});
  }
  m_lastStatus = s.status();
  return out;
}

std::vector<std::string> Catalog::playlistPaths(PlaylistOrigin origin) const {
  Stmt s(m_db, "SELECT path FROM playlists WHERE origin = ? ORDER BY path");
  s.bind(1, std::string_view(originName(origin)));
  std::vector<std::string> out;
  while (s.next()) out.push_back(s.textAt(0));
  m_lastStatus = s.status();
  return out;
}

base::Status Catalog::removePlaylist(std::int64_t id) {
  Stmt s(m_db, "DELETE FROM playlists WHERE id = ?");
  if (!s.bind(1, id).run()) return s.status();
  if (sqlite3_changes(m_db) == 0)
    return {base::ErrorCode::NotFound, "no playlist " + std::to_string(id) + " in the catalog"};
  return {};
}

base::Status Catalog::recordModel(std::string_view path, std::int64_t createdAt,
                                  std::string_view summaryJson, std::int64_t* id) {
  Stmt s(m_db, "INSERT INTO models(path, created_at, summary_json) VALUES(?1, ?2, ?3)");
  if (!s.bind(1, path).bind(2, createdAt).bind(3, summaryJson).run()) return s.status();
  if (id) *id = sqlite3_last_insert_rowid(m_db);
  return {};
}

std::optional<ModelRecord> Catalog::latestModel() const {
  Stmt s(m_db,
         "SELECT id, path, created_at, summary_json FROM models "
         "ORDER BY created_at DESC, id DESC LIMIT 1");
  std::optional<ModelRecord> record;
  if (s.next()) record = ModelRecord{s.int64At(0), s.textAt(1), s.int64At(2), s.textAt(3)};
  m_lastStatus = s.status();
  return record;
}

}  // namespace songspace::core
