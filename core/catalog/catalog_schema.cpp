// Opening a catalog: file checks, connection settings and the ordered schema migrations.

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <fstream>
#include <system_error>

#include "core/base/log.h"
#include "core/catalog/catalog_sql.h"
#include "core/catalog/openobserver.h"
#include "core/catalog/tagnormalize.h"

namespace songspace::core {
namespace {

// Schema v1. Lists of strings are 0x1F-terminated text (see joinList); floats are little-endian
// blobs; codeword counts are (uint32 index, float count) little-endian pairs.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE artists(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE albums(id INTEGER PRIMARY KEY, title TEXT NOT NULL,
                    artist_id INTEGER REFERENCES artists(id), UNIQUE(title, artist_id));
CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,
                   size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                   feature_version INTEGER NOT NULL, state INTEGER NOT NULL,
                   error_code INTEGER NOT NULL DEFAULT 0, error_reason TEXT NOT NULL DEFAULT '',
                   updated_at INTEGER NOT NULL);
CREATE TABLE tracks(file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
                    title TEXT NOT NULL, artist TEXT NOT NULL, album_artist TEXT NOT NULL,
                    album TEXT NOT NULL,
                    artist_id INTEGER REFERENCES artists(id),
                    album_id INTEGER REFERENCES albums(id),
                    genres TEXT NOT NULL, moods TEXT NOT NULL, groupings TEXT NOT NULL,
                    comments TEXT NOT NULL, free_tags TEXT NOT NULL,
                    year INTEGER NOT NULL, track_number INTEGER NOT NULL,
                    duration REAL NOT NULL);
CREATE INDEX tracks_artist ON tracks(artist_id);
CREATE INDEX tracks_album ON tracks(album_id);
CREATE TABLE features(file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
                      codebook_id INTEGER NOT NULL, codewords BLOB NOT NULL,
                      summary BLOB NOT NULL, analyzed_seconds REAL NOT NULL,
                      frame_count INTEGER NOT NULL, warnings TEXT NOT NULL);
CREATE TABLE frame_samples(file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
                           rows INTEGER NOT NULL, dimension INTEGER NOT NULL,
                           data BLOB NOT NULL);
CREATE TABLE tags(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE file_tags(file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                       tag_id INTEGER NOT NULL REFERENCES tags(id),
                       source INTEGER NOT NULL, score REAL NOT NULL,
                       UNIQUE(file_id, tag_id, source));
CREATE INDEX file_tags_tag ON file_tags(tag_id);
CREATE TABLE codebooks(id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL,
                       description TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE playlists(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
CREATE TABLE playlist_entries(
    playlist_id INTEGER NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    file_id INTEGER REFERENCES files(id) ON DELETE SET NULL,
    path TEXT NOT NULL,
    PRIMARY KEY(playlist_id, position));
CREATE INDEX playlist_entries_file ON playlist_entries(file_id);
CREATE TABLE models(id INTEGER PRIMARY KEY, path TEXT NOT NULL, created_at INTEGER NOT NULL,
                    summary_json TEXT NOT NULL);
CREATE TABLE tag_batches(id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL,
                         kind TEXT NOT NULL CHECK(kind IN ('apply', 'undo')),
                         undoes_batch INTEGER REFERENCES tag_batches(id),
                         note TEXT NOT NULL DEFAULT '');
CREATE TABLE tag_edits(id INTEGER PRIMARY KEY,
                       batch_id INTEGER NOT NULL REFERENCES tag_batches(id) ON DELETE CASCADE,
                       file_id INTEGER REFERENCES files(id) ON DELETE SET NULL,
                       path TEXT NOT NULL, field TEXT NOT NULL,
                       old_values_json TEXT NOT NULL, new_values_json TEXT NOT NULL,
                       old_size INTEGER, old_mtime_ns INTEGER,
                       new_size INTEGER, new_mtime_ns INTEGER,
                       state TEXT NOT NULL
                           CHECK(state IN ('pending', 'done', 'skipped', 'failed')),
                       reason TEXT NOT NULL DEFAULT '');
CREATE INDEX tag_edits_batch ON tag_edits(batch_id);
)sql";

base::Status migrateTo1(sqlite3* db) {
  return execSql(db, kSchemaV1);
}

// Schema v2: provenance of the values Songspace wrote into files. A row of written_tags says that
// a file's File tag was put there by an auto-tag edit and has not been accepted by the user; such
// a tag is not a training label (docs/design.md §1.3). accepted_at marks edits the user accepted.
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE tag_edits ADD COLUMN accepted_at INTEGER;
CREATE TABLE written_tags(file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                          tag_id INTEGER NOT NULL REFERENCES tags(id),
                          edit_id INTEGER NOT NULL REFERENCES tag_edits(id) ON DELETE CASCADE,
                          PRIMARY KEY(file_id, tag_id));
CREATE INDEX written_tags_edit ON written_tags(edit_id);
)sql";

// The values of a journal's JSON (a plain array, or {"values": [...], ...}); none when invalid.
constexpr const char* kJournalValues =
    "SELECT value FROM json_each(CASE WHEN json_valid(?1) = 0 THEN '[]' "
    "WHEN json_type(?1) = 'object' THEN json_extract(?1, '$.values') ELSE ?1 END)";

std::vector<std::string> journalValues(sqlite3* db, const std::string& json, base::Status* status) {
  Stmt s(db, kJournalValues);
  s.bind(1, json);
  std::vector<std::string> values;
  while (s.next()) values.push_back(s.textAt(0));
  *status = s.status();
  return values;
}

// A v1 catalog's journal already knows what earlier auto-tag runs wrote: every Done edit of an
// Apply batch whose file and field no undo restored. Its values that were new to the field and
// that the file still holds as File tags get their provenance, so upgrading does not keep
// training on them.
base::Status migrateTo2(sqlite3* db) {
  base::Status status = execSql(db, kSchemaV2);
  if (!status.ok()) return status;
  Stmt edits(db,
             "SELECT e.id, e.file_id, e.old_values_json, e.new_values_json FROM tag_edits e "
             "JOIN tag_batches b ON b.id = e.batch_id "
             "WHERE b.kind = 'apply' AND e.state = 'done' AND e.file_id IS NOT NULL "
             "AND NOT EXISTS (SELECT 1 FROM tag_edits u JOIN tag_batches ub ON ub.id = u.batch_id "
             "WHERE ub.kind = 'undo' AND ub.undoes_batch = b.id AND u.file_id = e.file_id "
             "AND u.field = e.field AND u.state = 'done') ORDER BY e.id");
  Stmt mark(db,
            "INSERT OR REPLACE INTO written_tags(file_id, tag_id, edit_id) "
            "SELECT ?1, ft.tag_id, ?2 FROM file_tags ft JOIN tags t ON t.id = ft.tag_id "
            "WHERE ft.file_id = ?1 AND ft.source = 0 AND t.name = ?3");
  while (edits.next()) {
    const std::vector<std::string> before =
        normalizeTags(journalValues(db, edits.textAt(2), &status));
    if (!status.ok()) return status;
    const std::vector<std::string> after =
        normalizeTags(journalValues(db, edits.textAt(3), &status));
    if (!status.ok()) return status;
    for (const std::string& tag : after) {
      if (std::find(before.begin(), before.end(), tag) != before.end()) continue;
      mark.reset();
      if (!mark.bind(1, edits.int64At(1)).bind(2, edits.int64At(0)).bind(3, tag).run())
        return mark.status();
    }
  }
  return edits.status();
}

// Schema v3: the library's own settings (Catalog::librarySetting), shared by every program that
// opens the catalog. A v2 catalog has none: its tags are read again by the next scan, since
// nothing says under which reading rules they were read.
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE library_settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql";

base::Status migrateTo3(sqlite3* db) {
  return execSql(db, kSchemaV3);
}

// Schema v4: where a playlist came from (core::PlaylistOrigin). Songspace's own playlists (saved
// selections, mixes, paths) are not training labels; before v4 Songspace recorded none, so every
// existing playlist is the library's.
constexpr const char* kSchemaV4 = R"sql(
ALTER TABLE playlists ADD COLUMN origin TEXT NOT NULL DEFAULT 'library'
    CHECK(origin IN ('library', 'songspace'));
)sql";

base::Status migrateTo4(sqlite3* db) {
  return execSql(db, kSchemaV4);
}

// Schema v5: what a reader needs to tell the catalog's model inputs unchanged without reading them,
// and the small feature columns without the large ones.
// - generations: 'features' counts every change to the analysed songs' features (a row of
//   `features` inserted, updated or deleted, a file's state changed), kept by the triggers below,
//   so a cache of what was computed from them (library::ModelSession's per-song results) is valid
//   while the count is the one it was made at; 'catalog' is drawn once at random when the row is
//   created, so a cache beside a catalog that was replaced by another one is never taken for
//   this one's.
// - features_small_columns: the song list reads a song's analysis warnings (and the model's
//   song set its codebook) from this index alone; the codeword and summary blobs beside them made
//   the table's read touch every page of `features` (1.5 KB a song).
constexpr const char* kSchemaV5 = R"sql(
CREATE TABLE generations(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO generations(name, value) VALUES ('features', 0), ('catalog', abs(random()));
CREATE TRIGGER features_inserted AFTER INSERT ON features BEGIN
  UPDATE generations SET value = value + 1 WHERE name = 'features';
END;
CREATE TRIGGER features_updated AFTER UPDATE ON features BEGIN
  UPDATE generations SET value = value + 1 WHERE name = 'features';
END;
CREATE TRIGGER features_deleted AFTER DELETE ON features BEGIN
  UPDATE generations SET value = value + 1 WHERE name = 'features';
END;
CREATE TRIGGER files_state_changed AFTER UPDATE OF state ON files
    WHEN OLD.state IS NOT NEW.state BEGIN
  UPDATE generations SET value = value + 1 WHERE name = 'features';
END;
CREATE INDEX features_small_columns ON features(file_id, codebook_id, warnings);
)sql";

base::Status migrateTo5(sqlite3* db) {
  return execSql(db, kSchemaV5);
}

// migrations[i] brings a database from version i to version i + 1. Adding a version = appending
// one function here and bumping kCatalogSchemaVersion.
using Migration = base::Status (*)(sqlite3*);
constexpr std::array<Migration, kCatalogSchemaVersion> kMigrations = {
    migrateTo1, migrateTo2, migrateTo3, migrateTo4, migrateTo5};

std::int64_t pragmaInt(sqlite3* db, const char* sql, base::Status* status) {
  Stmt s(db, sql);
  const std::int64_t value = s.next() ? s.int64At(0) : 0;
  *status = s.status();
  return value;
}

base::Status fail(base::ErrorCode error, const std::filesystem::path& path,
                  const std::string& why) {
  return {error, path.string() + ": " + why};
}

// Migrates from the stored version up to `target`, one transaction per step; re-reads the version
// under the write lock so two processes opening a new catalog at once do not both migrate.
base::Status migrate(sqlite3* db, const std::filesystem::path& path, int target) {
  // Up to date (versions only grow): no write lock, so a catalog opens for reading while another
  // connection holds a write transaction (the GUI's snapshots of a running scan).
  {
    base::Status status;
    const auto version = static_cast<int>(pragmaInt(db, "PRAGMA user_version", &status));
    if (status.ok() && version >= target) return status;
  }
  for (;;) {
    base::Status status = execSql(db, "BEGIN IMMEDIATE");
    if (!status.ok()) return status;
    const auto version = static_cast<int>(pragmaInt(db, "PRAGMA user_version", &status));
    const auto appId = status.ok() ? pragmaInt(db, "PRAGMA application_id", &status) : 0;
    if (status.ok() && version >= target) return execSql(db, "COMMIT");
    if (status.ok() && appId == 0) {
      status =
          execSql(db, ("PRAGMA application_id = " + std::to_string(kCatalogApplicationId)).c_str());
    } else if (status.ok() && appId != kCatalogApplicationId) {
      status = fail(base::ErrorCode::NotACatalog, path, "application_id changed while opening");
    }
    if (status.ok()) status = kMigrations[static_cast<std::size_t>(version)](db);
    if (status.ok())
      status = execSql(db, ("PRAGMA user_version = " + std::to_string(version + 1)).c_str());
    if (status.ok()) status = execSql(db, "COMMIT");
    if (status.ok()) {
      // Upgrading a user's existing catalog is worth a line; creating a new one is not.
      log::write(log::Area::Catalog, version > 0 ? log::Level::Info : log::Level::Debug,
                 path.string() + ": schema migrated from version " + std::to_string(version) +
                     " to " + std::to_string(version + 1));
    }
    if (!status.ok()) {
      (void)execSql(db, "ROLLBACK");  // reason: `status` (the first failure) is what we report
      status.message = path.string() + ": migrating to schema " + std::to_string(version + 1) +
                       ": " + status.message;
      return status;
    }
  }
}

bool looksLikeSqlite(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char header[16] = {};
  in.read(header, sizeof header);
  return in.gcount() == sizeof header && std::memcmp(header, "SQLite format 3", 16) == 0;
}

sqlite3* openDatabase(const std::filesystem::path& path, int targetVersion, base::Status* status) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    *status = fail(base::ErrorCode::CannotOpen, path, "cannot create folder: " + ec.message());
    return nullptr;
  }
  if (std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) > 0 &&
      !looksLikeSqlite(path)) {
    *status = fail(base::ErrorCode::NotACatalog, path, "not an SQLite database");
    return nullptr;
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    *status = fail(base::ErrorCode::CannotOpen, path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, kCatalogBusyTimeoutMs);
  const auto closeWith = [&](base::Status s) {
    *status = std::move(s);
    sqlite3_close(db);
    return nullptr;
  };
  base::Status s;
  const auto appId = pragmaInt(db, "PRAGMA application_id", &s);
  const auto version = s.ok() ? pragmaInt(db, "PRAGMA user_version", &s) : 0;
  const auto tables = s.ok() ? pragmaInt(db, "SELECT count(*) FROM sqlite_master", &s) : 0;
  if (!s.ok()) {
    if (s.error == base::ErrorCode::Corrupt)
      return closeWith(fail(base::ErrorCode::NotACatalog, path, s.message));
    return closeWith(fail(s.error, path, s.message));
  }
  const bool blank = appId == 0 && version == 0 && tables == 0;
  if (!blank && appId != kCatalogApplicationId)
    return closeWith(
        fail(base::ErrorCode::NotACatalog, path, "an SQLite database of another application"));
  if (version > kCatalogSchemaVersion)
    return closeWith(fail(base::ErrorCode::SchemaTooNew, path,
                          "schema version " + std::to_string(version) + " is newer than " +
                              std::to_string(kCatalogSchemaVersion)));
  // WAL: readers never block the writer; NORMAL sync is durable across process crashes (only a
  // power cut can lose the last commits, never consistency).
  Stmt wal(db, "PRAGMA journal_mode = WAL");
  if (!wal.next() || wal.textAt(0) != "wal")
    return closeWith(fail(base::ErrorCode::CannotOpen, path, "cannot enable WAL mode"));
  wal.reset();
  s = execSql(db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
  if (s.ok()) s = migrate(db, path, targetVersion);
  if (!s.ok()) return closeWith(s);
  *status = {};
  return db;
}

std::atomic<CatalogOpenObserver> g_openObserver{nullptr};

}  // namespace

void setCatalogOpenObserver(CatalogOpenObserver observer) {
  g_openObserver.store(observer);
}

std::unique_ptr<Catalog> Catalog::open(const std::filesystem::path& path, base::Status* status) {
  if (const CatalogOpenObserver observer = g_openObserver.load()) observer(path);
  base::Status local;
  sqlite3* db = openDatabase(path, kCatalogSchemaVersion, &local);
  if (status) *status = local;
  if (!db) return nullptr;
  return std::unique_ptr<Catalog>(new Catalog(db, path));
}

base::Status Catalog::createWithSchemaVersion(const std::filesystem::path& path, int version) {
  if (version < 0 || version > kCatalogSchemaVersion)
    return fail(base::ErrorCode::SchemaTooNew, path, "no such schema version");
  base::Status status;
  sqlite3* db = openDatabase(path, version, &status);
  if (db) sqlite3_close(db);
  return status;
}

Catalog::Catalog(sqlite3* db, std::filesystem::path path)
    : m_db(db), m_path(std::move(path)), m_statements(std::make_unique<StatementCache>(db)) {}

Catalog::~Catalog() {
  // reason: a destructor cannot report; an uncommitted batch is meant to vanish, and closing the
  // connection rolls it back even if this statement fails.
  if (m_batchDepth > 0) {
    log::write(log::Area::Catalog, log::Level::Warning,
               m_path.string() + ": closed inside a batch; its uncommitted changes are discarded");
    (void)execSql(m_db, "ROLLBACK");
  }
  m_statements.reset();  // finalized first: a connection with live statements does not close
  sqlite3_close(m_db);
}

int Catalog::schemaVersion() const {
  return static_cast<int>(pragmaInt(m_db, "PRAGMA user_version", &m_lastStatus));
}

std::string Catalog::journalMode() const {
  Stmt s(m_db, "PRAGMA journal_mode");
  std::string mode = s.next() ? s.textAt(0) : std::string();
  m_lastStatus = s.status();
  return mode;
}

std::string Catalog::integrityCheck() const {
  Stmt s(m_db, "PRAGMA integrity_check");
  std::string result;
  while (s.next()) result += (result.empty() ? "" : "\n") + s.textAt(0);
  m_lastStatus = s.status();
  return s.ok() ? result : m_lastStatus.message;
}

base::Status Catalog::beginBatch() {
  if (m_batchDepth > 0) return {base::ErrorCode::Sql, "a batch is already open"};
  base::Status status = execSql(m_db, "BEGIN IMMEDIATE");
  if (status.ok()) m_batchDepth = 1;
  return status;
}

base::Status Catalog::commitBatch() {
  if (m_batchDepth == 0) return {base::ErrorCode::Sql, "no batch is open"};
  base::Status status = execSql(m_db, "COMMIT");
  if (status.ok()) m_batchDepth = 0;
  return status;
}

base::Status Catalog::rollbackBatch() {
  if (m_batchDepth == 0) return {base::ErrorCode::Sql, "no batch is open"};
  m_batchDepth = 0;
  return execSql(m_db, "ROLLBACK");
}

}  // namespace songspace::core
