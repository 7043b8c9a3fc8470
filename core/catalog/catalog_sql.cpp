#include "core/catalog/catalog_sql.h"

#include <bit>
#include <cstring>
#include <ctime>
#include <limits>

#include "core/base/byteio.h"

namespace songspace::core {
namespace {

constexpr char kListSeparator = '\x1f';

}  // namespace

base::Status sqliteStatus(sqlite3* db, int rc, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return {};
  base::Status status;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      status.error = base::ErrorCode::Busy;
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      status.error = base::ErrorCode::Corrupt;
      break;
    default:
      status.error = base::ErrorCode::Sql;
  }
  status.message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  return status;
}

StatementCache::~StatementCache() {
  for (const auto& [sql, stmt] : m_kept) sqlite3_finalize(stmt);
}

sqlite3_stmt* StatementCache::take(std::string_view sql, int* rc) {
  *rc = SQLITE_OK;
  if (const auto it = m_kept.find(sql); it != m_kept.end()) {
    sqlite3_stmt* stmt = it->second;
    m_kept.erase(it);
    return stmt;
  }
  sqlite3_stmt* stmt = nullptr;
  *rc = sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  return stmt;
}

void StatementCache::give(std::string_view sql, sqlite3_stmt* stmt) {
  if (!stmt) return;
  // reason: reset repeats the last step's error, which the statement's user has already seen.
  (void)sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (m_kept.size() >= kCapacity || !m_kept.emplace(std::string(sql), stmt).second)
    sqlite3_finalize(stmt);
}

Stmt::Stmt(sqlite3* db, std::string_view sql) : m_db(db), m_sql(sql) {
  m_rc = sqlite3_prepare_v2(db, m_sql.data(), static_cast<int>(m_sql.size()), &m_stmt, nullptr);
}

Stmt::Stmt(StatementCache& cache, std::string_view sql)
    : m_db(cache.db()), m_cache(&cache), m_sql(sql) {
  m_stmt = cache.take(m_sql, &m_rc);
}

Stmt::~Stmt() {
  if (m_cache)
    m_cache->give(m_sql, m_stmt);
  else
    sqlite3_finalize(m_stmt);
}

Stmt& Stmt::bind(int index, std::int64_t value) {
  if (ok()) m_rc = sqlite3_bind_int64(m_stmt, index, value);
  return *this;
}

Stmt& Stmt::bind(int index, double value) {
  if (ok()) m_rc = sqlite3_bind_double(m_stmt, index, value);
  return *this;
}

// A default string_view has a null pointer, which SQLite would bind as NULL.
// A default string_view has a null pointer, which SQLite would bind as NULL.
Stmt& Stmt::bind(int index, std::string_view text) {
  if (ok())
    m_rc = sqlite3_bind_text64(m_stmt, index, text.data() ? text.data() : "", text.size(),
                               SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Stmt& Stmt::bindBlob(int index, std::span<const std::uint8_t> blob) {
  // An empty blob must still be a blob, not NULL: sqlite3_bind_blob64 with a null pointer binds
  // NULL, so give it a valid address.
  static const std::uint8_t kEmpty = 0;
  if (ok())
    m_rc = sqlite3_bind_blob64(m_stmt, index, blob.empty() ? &kEmpty : blob.data(), blob.size(),
                               SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bindNull(int index) {
  if (ok()) m_rc = sqlite3_bind_null(m_stmt, index);
  return *this;
}

bool Stmt::next() {
  if (!ok() || m_rc == SQLITE_DONE) return false;
  m_rc = sqlite3_step(m_stmt);
  return m_rc == SQLITE_ROW;
}

bool Stmt::run() {
  while (next()) {
  }
  return ok();
}

void Stmt::reset() {
  if (!m_stmt) return;
  sqlite3_reset(m_stmt);
  if (ok()) m_rc = SQLITE_OK;
}

base::Status Stmt::status() const {
  return sqliteStatus(m_db, m_rc, m_sql);
}

std::int64_t Stmt::int64At(int column) const {
  return sqlite3_column_int64(m_stmt, column);
}
double Stmt::doubleAt(int column) const {
  return sqlite3_column_double(m_stmt, column);
}
bool Stmt::isNull(int column) const {
  return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::string Stmt::textAt(int column) const {
  const auto* text = sqlite3_column_text(m_stmt, column);
  const int size = sqlite3_column_bytes(m_stmt, column);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size))
              : std::string();
}

std::span<const std::uint8_t> Stmt::blobAt(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, column));
  const int size = sqlite3_column_bytes(m_stmt, column);
  if (!data) return {};
  return {data, static_cast<std::size_t>(size)};
}

base::Status execSql(sqlite3* db, const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  sqlite3_free(error);
  return sqliteStatus(db, rc, sql);
}

namespace {

// One statement of the transaction guard, prepared once per connection.
base::Status runCached(StatementCache& statements, std::string_view sql) {
  Stmt s(statements, sql);
  s.run();
  return s.status();
}

}  // namespace

CatalogTransaction::CatalogTransaction(Catalog& catalog) : m_catalog(catalog) {
  m_savepoint = catalog.m_batchDepth > 0;
  m_status = runCached(*catalog.m_statements, m_savepoint ? "SAVEPOINT store" : "BEGIN IMMEDIATE");
  m_open = m_status.ok();
}

CatalogTransaction::~CatalogTransaction() {
  if (!m_open) return;
  // reason: a destructor cannot report; the failure that led here already returned its status,
  // and SQLite rolls back whatever a failed ROLLBACK leaves when the connection closes.
  (void)execSql(m_catalog.m_db, m_savepoint ? "ROLLBACK TO store; RELEASE store" : "ROLLBACK");
}

base::Status CatalogTransaction::commit() {
  if (!m_open) return m_status;
  m_status = runCached(*m_catalog.m_statements, m_savepoint ? "RELEASE store" : "COMMIT");
  if (m_status.ok()) m_open = false;
  return m_status;
}

std::vector<std::uint8_t> encodeFloats(std::span<const float> values) {
  std::vector<std::uint8_t> out(values.size() * 4);
  for (std::size_t i = 0; i < values.size(); ++i)
    base::storeU32(out.data() + 4 * i, std::bit_cast<std::uint32_t>(values[i]));
  return out;
}

std::vector<float> decodeFloats(std::span<const std::uint8_t> blob) {
  std::vector<float> out(blob.size() / 4);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = std::bit_cast<float>(base::loadU32(blob.data() + 4 * i));
  return out;
}

std::vector<std::uint8_t> encodeCodewords(
    const std::vector<std::pair<std::uint32_t, float>>& counts) {
  std::vector<std::uint8_t> out(counts.size() * 8);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    base::storeU32(out.data() + 8 * i, counts[i].first);
    base::storeU32(out.data() + 8 * i + 4, std::bit_cast<std::uint32_t>(counts[i].second));
  }
  return out;
}

std::vector<std::pair<std::uint32_t, float>> decodeCodewords(std::span<const std::uint8_t> blob) {
  std::vector<std::pair<std::uint32_t, float>> out(blob.size() / 8);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = {base::loadU32(blob.data() + 8 * i),
              std::bit_cast<float>(base::loadU32(blob.data() + 8 * i + 4))};
  return out;
}

std::string joinList(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    out += v;
    out += kListSeparator;
  }
  return out;
}

std::vector<std::string> splitList(std::string_view stored) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < stored.size(); ++i) {
    if (stored[i] != kListSeparator) continue;
    out.emplace_back(stored.substr(start, i - start));
    start = i + 1;
  }
  return out;
}

std::int64_t unixNow() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

base::Status requireFile(sqlite3* db, std::int64_t fileId) {
  Stmt s(db, "SELECT 1 FROM files WHERE id = ?");
  if (s.bind(1, fileId).next()) return {};
  if (!s.ok()) return s.status();
  return {base::ErrorCode::NotFound, "no file with id " + std::to_string(fileId)};
}

}  // namespace songspace::core
