// Catalog: names, incremental-scan bookkeeping and storing analysis results.

#include "core/catalog/catalog.h"

#include "core/catalog/catalog_sql.h"
#include "core/catalog/tagnormalize.h"

namespace songspace::core {

const char* fileStateName(FileState state) {
  switch (state) {
    case FileState::Analyzed:
      return "analyzed";
    case FileState::Failed:
      return "failed";
    case FileState::Missing:
      return "missing";
  }
  return "unknown";
}

const char* tagSourceName(TagSource source) {
  switch (source) {
    case TagSource::File:
      return "file";
    case TagSource::User:
      return "user";
    case TagSource::Predicted:
      return "predicted";
  }
  return "unknown";
}

const char* tagEditStateName(TagEditState state) {
  switch (state) {
    case TagEditState::Pending:
      return "pending";
    case TagEditState::Done:
      return "done";
    case TagEditState::Skipped:
      return "skipped";
    case TagEditState::Failed:
      return "failed";
  }
  return "unknown";
}

std::vector<std::int64_t> Playlist::memberFileIds() const {
  std::vector<std::int64_t> ids;
  for (const auto& entry : entries)
    if (entry.fileId != 0) ids.push_back(entry.fileId);
  return ids;
}

namespace {

constexpr const char* kFileColumns =
    "SELECT f.id, f.path, f.size, f.mtime_ns, f.feature_version, f.state, f.error_code, "
    "f.error_reason, EXISTS(SELECT 1 FROM features WHERE file_id = f.id) FROM files f ";

FileRow fileRowFrom(const Stmt& s) {
  FileRow row;
  row.id = s.int64At(0);
  row.path = s.textAt(1);
  row.stamp = {s.int64At(2), s.int64At(3)};
  row.featureVersion = s.intAt(4);
  row.state = static_cast<FileState>(s.intAt(5));
  row.failureCode = s.intAt(6);
  row.failureReason = s.textAt(7);
  return row;
}

// Get-or-create by exact name; 0 (no artist) for an empty name.
base::Status artistId(StatementCache& statements, const std::string& name, std::int64_t* id) {
  *id = 0;
  if (name.empty()) return {};
  Stmt insert(statements, "INSERT INTO artists(name) VALUES(?) ON CONFLICT(name) DO NOTHING");
  if (!insert.bind(1, name).run()) return insert.status();
  Stmt select(statements, "SELECT id FROM artists WHERE name = ?");
  if (select.bind(1, name).next()) *id = select.int64At(0);
  return select.status();
}

base::Status albumId(StatementCache& statements, const std::string& title, std::int64_t artist,
                     std::int64_t* id) {
  *id = 0;
  if (title.empty()) return {};
  // UNIQUE does not merge NULL artists, so look up with IS before inserting.
  Stmt select(statements, "SELECT id FROM albums WHERE title = ?1 AND artist_id IS ?2");
  select.bind(1, title);
  artist ? select.bind(2, artist) : select.bindNull(2);
  if (select.next()) {
    *id = select.int64At(0);
    return {};
  }
  if (!select.ok()) return select.status();
  Stmt insert(statements, "INSERT INTO albums(title, artist_id) VALUES(?1, ?2)");
  insert.bind(1, title);
  artist ? insert.bind(2, artist) : insert.bindNull(2);
  if (!insert.run()) return insert.status();
  *id = sqlite3_last_insert_rowid(statements.db());
  return {};
}

// Inserts or updates the file row keeping its id (user tags and playlists refer to it).
base::Status upsertFile(StatementCache& statements, std::string_view path, base::FileStamp stamp,
                        int featureVersion, FileState state, int errorCode, std::string_view reason,
                        std::int64_t* id) {
  Stmt s(statements,
         "INSERT INTO files(path, size, mtime_ns, feature_version, state, error_code, "
         "error_reason, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
         "ON CONFLICT(path) DO UPDATE SET size = ?2, mtime_ns = ?3, feature_version = ?4, "
         "state = ?5, error_code = ?6, error_reason = ?7, updated_at = ?8 RETURNING id");
  s.bind(1, path).bind(2, stamp.size).bind(3, stamp.mtimeNs).bind(4, featureVersion);
  s.bind(5, static_cast<int>(state)).bind(6, errorCode).bind(7, reason).bind(8, unixNow());
  if (s.next()) *id = s.int64At(0);
  s.run();
  return s.status();
}

base::Status deleteAnalysis(StatementCache& statements, std::int64_t fileId) {
  for (const char* sql :
       {"DELETE FROM tracks WHERE file_id = ?", "DELETE FROM features WHERE file_id = ?",
        "DELETE FROM frame_samples WHERE file_id = ?",
        "DELETE FROM file_tags WHERE file_id = ? AND source = 0"}) {
    Stmt s(statements, sql);
    if (!s.bind(1, fileId).run()) return s.status();
  }
  return {};
}

}  // namespace

base::Status insertTag(StatementCache& statements, std::int64_t fileId, const std::string& tag,
                       TagSource source, float score) {
  Stmt insertName(statements, "INSERT INTO tags(name) VALUES(?) ON CONFLICT(name) DO NOTHING");
  if (!insertName.bind(1, tag).run()) return insertName.status();
  Stmt s(statements,
         "INSERT INTO file_tags(file_id, tag_id, source, score) "
         "SELECT ?1, id, ?2, ?3 FROM tags WHERE name = ?4 "
         "ON CONFLICT(file_id, tag_id, source) DO UPDATE SET score = ?3");
  s.bind(1, fileId).bind(2, static_cast<int>(source)).bind(3, static_cast<double>(score));
  s.bind(4, tag).run();
  return s.status();
}

std::optional<FileRow> Catalog::fileByPath(std::string_view path) const {
  Stmt s(*m_statements, std::string(kFileColumns) + "WHERE f.path = ?");
  std::optional<FileRow> row;
  if (s.bind(1, path).next()) row = fileRowFrom(s);
  m_lastStatus = s.status();
  return row;
}

std::optional<FileRow> Catalog::fileById(std::int64_t fileId) const {
  Stmt s(m_db, std::string(kFileColumns) + "WHERE f.id = ?");
  std::optional<FileRow> row;
  if (s.bind(1, fileId).next()) row = fileRowFrom(s);
  m_lastStatus = s.status();
  return row;
}

std::vector<FileRow> Catalog::files(FileState state) const {
  Stmt s(m_db, std::string(kFileColumns) + "WHERE f.state = ? ORDER BY f.path");
  s.bind(1, static_cast<int>(state));
  std::vector<FileRow> rows;
  while (s.next()) rows.push_back(fileRowFrom(s));
  m_lastStatus = s.status();
  return rows;
}

bool Catalog::needsAnalysis(std::string_view path, base::FileStamp stamp,
                            int featureVersion) const {
  Stmt s(*m_statements, std::string(kFileColumns) + "WHERE f.path = ?");
  if (!s.bind(1, path).next()) {
    m_lastStatus = s.status();
    return true;
  }
  m_lastStatus = {};
  const FileRow row = fileRowFrom(s);
  const bool hasFeatures = s.int64At(8) != 0;
  if (row.stamp != stamp || row.featureVersion != featureVersion) return true;
  switch (row.state) {
    case FileState::Analyzed:
      return !hasFeatures;
    case FileState::Failed:
      return false;
    case FileState::Missing:
      return !hasFeatures && row.failureCode == 0;
  }
  return true;
}

base::Status Catalog::touchSeen(std::string_view path, base::FileStamp stamp, int featureVersion,
                                bool* revived) {
  if (revived) *revived = false;
  CatalogTransaction tx(*this);
  if (!tx.ok()) return tx.status();
  Stmt s(*m_statements, std::string(kFileColumns) + "WHERE f.path = ?");
  if (!s.bind(1, path).next())
    return s.ok() ? base::Status{base::ErrorCode::NotFound, "not in catalog: " + std::string(path)}
                  : s.status();
  const FileRow row = fileRowFrom(s);
  const bool hasFeatures = s.int64At(8) != 0;
  if (row.state != FileState::Missing || row.stamp != stamp ||
      row.featureVersion != featureVersion || (!hasFeatures && row.failureCode == 0))
    return {};
  const FileState state = hasFeatures ? FileState::Analyzed : FileState::Failed;
  Stmt update(*m_statements, "UPDATE files SET state = ?1, updated_at = ?2 WHERE id = ?3");
  if (!update.bind(1, static_cast<int>(state)).bind(2, unixNow()).bind(3, row.id).run())
    return update.status();
  base::Status status = tx.commit();
  if (status.ok() && revived) *revived = true;
  return status;
}

namespace {

// The tracks row and the File tags of file `id`, both replaced from `info`; the provenance of
// written values the file no longer holds is dropped. Runs inside the caller's transaction.
base::Status writeTrackInfo(StatementCache& statements, std::int64_t id, const TrackInfo& info) {
  std::int64_t artist = 0, albumArtist = 0, album = 0;
  base::Status status =
      artistId(statements, info.artist.empty() ? info.albumArtist : info.artist, &artist);
  if (status.ok()) {
    if (info.albumArtist.empty())
      albumArtist = artist;
    else
      status = artistId(statements, info.albumArtist, &albumArtist);
  }
  if (status.ok()) status = albumId(statements, info.album, albumArtist, &album);
  if (!status.ok()) return status;
  for (const char* sql : {"DELETE FROM tracks WHERE file_id = ?",
                          "DELETE FROM file_tags WHERE file_id = ? AND "
                          "source = 0"}) {
    Stmt s(statements, sql);
    if (!s.bind(1, id).run()) return s.status();
  }

  Stmt track(statements,
             "INSERT INTO tracks(file_id, title, artist, album_artist, album, artist_id, "
             "album_id, genres, moods, groupings, comments, free_tags, year, track_number, "
             "duration) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  track.bind(1, id).bind(2, info.title).bind(3, info.artist).bind(4, info.albumArtist);
  track.bind(5, info.album);
  artist ? track.bind(6, artist) : track.bindNull(6);
  album ? track.bind(7, album) : track.bindNull(7);
  track.bind(8, joinList(info.genres)).bind(9, joinList(info.moods));
  track.bind(10, joinList(info.groupings)).bind(11, joinList(info.comments));
  track.bind(12, joinList(info.freeTags)).bind(13, info.year).bind(14, info.trackNumber);
  if (!track.bind(15, info.durationSeconds).run()) return track.status();

  std::vector<std::string> raw = info.genres;
  raw.insert(raw.end(), info.moods.begin(), info.moods.end());
  raw.insert(raw.end(), info.groupings.begin(), info.groupings.end());
  raw.insert(raw.end(), info.freeTags.begin(), info.freeTags.end());
  for (const std::string& tag : normalizeTags(raw, TagReadingRules::verbatim())) {
    status = insertTag(statements, id, tag, TagSource::File, 1.0f);
    if (!status.ok()) return status;
  }
  // A written value keeps its provenance while the file holds it, whatever else changed.
  Stmt prune(statements,
             "DELETE FROM written_tags WHERE file_id = ?1 AND tag_id NOT IN "
             "(SELECT tag_id FROM file_tags WHERE file_id = ?1 AND source = 0)");
  if (!prune.bind(1, id).run()) return prune.status();
  return {};
}

}  // namespace

base::Status Catalog::storeAnalysis(std::string_view path, base::FileStamp stamp,
                                    int featureVersion, const AnalysisRecord& record,
                                    std::int64_t* fileId) {
  CatalogTransaction tx(*this);
  if (!tx.ok()) return tx.status();
  std::int64_t id = 0;
  base::Status status =
      upsertFile(*m_statements, path, stamp, featureVersion, FileState::Analyzed, 0, {}, &id);
  if (status.ok()) status = deleteAnalysis(*m_statements, id);
  if (status.ok()) status = writeTrackInfo(*m_statements, id, record.info);
  if (!status.ok()) return status;

  Stmt features(*m_statements,
                "INSERT INTO features(file_id, codebook_id, codewords, summary, "
                "analyzed_seconds, frame_count, warnings) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  features.bind(1, id).bind(2, record.codebookId);
  features.bindBlob(3, encodeCodewords(record.features.codewordCounts));
  features.bindBlob(4, encodeFloats(record.features.summary));
  features.bind(5, record.analyzedSeconds).bind(6, record.frameCount);
  if (!features.bind(7, joinList(record.warnings)).run()) return features.status();

  if (record.frameSampleRows > 0) {
    const auto expected = static_cast<std::size_t>(record.frameSampleRows) *
                          static_cast<std::size_t>(record.frameDimension);
    if (record.frameDimension <= 0 || record.frameSample.size() != expected)
      return {base::ErrorCode::Sql, "frame sample size does not match rows × dimension"};
    Stmt sample(*m_statements,
                "INSERT INTO frame_samples(file_id, rows, dimension, data) VALUES(?1,?2,?3,?4)");
    sample.bind(1, id).bind(2, record.frameSampleRows).bind(3, record.frameDimension);
    if (!sample.bindBlob(4, encodeFloats(record.frameSample)).run()) return sample.status();
  }
  status = tx.commit();
  if (status.ok() && fileId) *fileId = id;
  return status;
}

base::Status Catalog::replaceTrackInfo(std::string_view path, TrackInfo info) {
  CatalogTransaction tx(*this);
  if (!tx.ok()) return tx.status();
  Stmt s(*m_statements,
         "SELECT f.id, t.duration FROM files f JOIN tracks t ON t.file_id = f.id "
         "WHERE f.path = ?1");
  if (!s.bind(1, path).next())
    return s.ok() ? base::Status{base::ErrorCode::NotFound,
                                 "no metadata in the catalog for " + std::string(path)}
                  : s.status();
  const std::int64_t id = s.int64At(0);
  info.durationSeconds = s.doubleAt(1);  // what decoded, not what the tags reader claims
  base::Status status = writeTrackInfo(*m_statements, id, info);
  if (status.ok()) status = tx.commit();
  return status;
}

std::optional<std::string> Catalog::librarySetting(std::string_view key) const {
  Stmt s(m_db, "SELECT value FROM library_settings WHERE key = ?1");
  const bool found = s.bind(1, key).next();
  m_lastStatus = s.status();
  if (!found) return std::nullopt;
  return s.textAt(0);
}

base::Status Catalog::setLibrarySetting(std::string_view key, std::string_view value) {
  Stmt s(m_db, "INSERT OR REPLACE INTO library_settings(key, value) VALUES(?1, ?2)");
  if (!s.bind(1, key).bind(2, value).run()) return s.status();
  return {};
}

base::Status Catalog::storeFailure(std::string_view path, base::FileStamp stamp, int featureVersion,
                                   int errorCode, std::string_view reason, std::int64_t* fileId) {
  CatalogTransaction tx(*this);
  if (!tx.ok()) return tx.status();
  std::int64_t id = 0;
  // A zero code would read as "no failure" (see needsAnalysis), so failures are never code 0.
  base::Status status = upsertFile(*m_statements, path, stamp, featureVersion, FileState::Failed,
                                   errorCode == 0 ? -1 : errorCode, reason, &id);
  if (status.ok()) status = deleteAnalysis(*m_statements, id);
  if (status.ok()) status = tx.commit();
  if (status.ok() && fileId) *fileId = id;
  return status;
}

base::Status Catalog::markMissing(const std::vector<std::string>& roots,
                                  const std::unordered_set<std::string>& seenPaths, int* count) {
  if (count) *count = 0;
  std::vector<std::string> prefixes;
  for (std::string root : roots) {
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    if (!root.empty()) prefixes.push_back(root);
  }
  CatalogTransaction tx(*this);
  if (!tx.ok()) return tx.status();
  Stmt select(m_db, "SELECT id, path FROM files WHERE state != 2");
  Stmt update(m_db, "UPDATE files SET state = 2, updated_at = ?1 WHERE id = ?2");
  int marked = 0;
  const std::int64_t now = unixNow();
  while (select.next()) {
    const std::string path = select.textAt(1);
    bool under = false;
    for (const std::string& root : prefixes) {
      // Byte-wise prefix test on whole path components ("/music" does not cover "/musicals").
      if (path == root ||
          (path.starts_with(root) && (root.back() == '/' || path[root.size()] == '/'))) {
        under = true;
        break;
      }
    }
    if (!under || seenPaths.contains(path)) continue;
    update.reset();
    if (!update.bind(1, now).bind(2, select.int64At(0)).run()) return update.status();
    ++marked;
  }
  if (!select.ok()) return select.status();
  base::Status status = tx.commit();
  if (status.ok() && count) *count = marked;
  return status;
}

}  // namespace songspace::core
