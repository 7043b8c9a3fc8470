#pragma once

// Internal helpers of the catalog implementation: a prepared-statement wrapper, the transaction
// guard and blob encodings. Not part of the public API.

#include <sqlite3.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/catalog/catalog.h"

namespace songspace::core {

base::Status sqliteStatus(sqlite3* db, int rc, std::string_view what);

// Prepared statements of one connection, kept for reuse by their SQL text: the catalog's per-file
// writes run about fifteen statements a file, and preparing them anew each time was about half
// of what storing an analysis cost (docs/experiments.md §3.13). A statement in use is taken out,
// so two live Stmts never share one; it comes back reset and without bindings (holding no lock).
// At most kCapacity are kept; beyond, a statement is finalized when given back.
// Thread rules: the connection's (one thread at a time). Must be destroyed before the connection
// closes (it finalizes what it keeps).
class StatementCache {
 public:
  static constexpr std::size_t kCapacity = 64;

  explicit StatementCache(sqlite3* db) : m_db(db) {}
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  sqlite3* db() const { return m_db; }
  // The kept statement for `sql`, or a newly prepared one (null when preparing failed; *rc says
  // why). The caller owns it until give().
  sqlite3_stmt* take(std::string_view sql, int* rc);
  // Resets `stmt`, clears its bindings and keeps it for the next take() of `sql` (or finalizes
  // it when one is kept already or the cache is full).
  void give(std::string_view sql, sqlite3_stmt* stmt);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };
  sqlite3* m_db;
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> m_kept;
};

// One prepared statement. Errors (prepare or step) are kept and reported by status().
class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql);
  // Borrowed from `cache` (prepared on first use) and given back on destruction, for statements
  // run many times on one connection.
  Stmt(StatementCache& cache, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int index, std::int64_t value);
  Stmt& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Stmt& bind(int index, double value);
  Stmt& bind(int index, std::string_view text);
  Stmt& bindBlob(int index, std::span<const std::uint8_t> blob);
  Stmt& bindNull(int index);

  bool next();  // true on a row; false when done or on an error (see ok())
  bool run();   // steps to completion; true on success
  void reset();
  bool ok() const { return m_rc == SQLITE_OK || m_rc == SQLITE_ROW || m_rc == SQLITE_DONE; }
  base::Status status() const;

  std::int64_t int64At(int column) const;
  int intAt(int column) const { return static_cast<int>(int64At(column)); }
  double doubleAt(int column) const;
  bool isNull(int column) const;
  std::string textAt(int column) const;
  std::span<const std::uint8_t> blobAt(int column) const;

 private:
  sqlite3* m_db;
  StatementCache* m_cache = nullptr;
  sqlite3_stmt* m_stmt = nullptr;
  std::string m_sql;
  int m_rc = SQLITE_OK;
};

// Runs SQL without results (several statements allowed).
base::Status execSql(sqlite3* db, const char* sql);

// BEGIN IMMEDIATE outside a batch (so writers queue on the busy timeout instead of failing on a
// read→write upgrade), a SAVEPOINT inside one. Rolls back unless commit() succeeded.
class CatalogTransaction {
 public:
  explicit CatalogTransaction(Catalog& catalog);
  ~CatalogTransaction();
  CatalogTransaction(const CatalogTransaction&) = delete;
  CatalogTransaction& operator=(const CatalogTransaction&) = delete;

  const base::Status& status() const { return m_status; }
  bool ok() const { return m_status.ok(); }
  base::Status commit();
  sqlite3* db() const { return m_catalog.m_db; }

 private:
  Catalog& m_catalog;
  bool m_savepoint = false;
  bool m_open = false;
  base::Status m_status;
};

// Little-endian blob encodings.
std::vector<std::uint8_t> encodeFloats(std::span<const float> values);
std::vector<float> decodeFloats(std::span<const std::uint8_t> blob);
std::vector<std::uint8_t> encodeCodewords(
    const std::vector<std::pair<std::uint32_t, float>>& counts);
std::vector<std::pair<std::uint32_t, float>> decodeCodewords(std::span<const std::uint8_t> blob);

// String lists stored as text: every element followed by 0x1F (so {} and {""} differ).
std::string joinList(const std::vector<std::string>& values);
std::vector<std::string> splitList(std::string_view stored);

std::int64_t unixNow();

// Adds (or re-scores) one already-normalised tag of a file.
base::Status insertTag(StatementCache& statements, std::int64_t fileId, const std::string& tag,
                       TagSource source, float score);

// Ok when a file row with this id exists, NotFound otherwise.
base::Status requireFile(sqlite3* db, std::int64_t fileId);

}  // namespace songspace::core
