#pragma once

// Internal helpers of the catalog implementation: a prepared-statement wrapper, the transaction
// guard and blob encodings. Not part of the public API.

#include <sqlite3.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog/catalog.h"

namespace songspace::core {

base::Status sqliteStatus(sqlite3* db, int rc, std::string_view what);

// One prepared statement. Errors (prepare or step) are kept and reported by status().
class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql);
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
base::Status insertTag(sqlite3* db, std::int64_t fileId, const std::string& tag, TagSource source,
                       float score);

// Ok when a file row with this id exists, NotFound otherwise.
base::Status requireFile(sqlite3* db, std::int64_t fileId);

}  // namespace songspace::core
