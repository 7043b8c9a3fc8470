// Catalog: keeping file stamps and the journal in step with tag writes done by Songspace.

#include "core/catalog/catalog.h"
#include "core/catalog/catalog_sql.h"

namespace songspace::core {

base::Status Catalog::updateStamp(std::string_view path, base::FileStamp stamp) {
  Stmt s(m_db, "UPDATE files SET size = ?1, mtime_ns = ?2 WHERE path = ?3");
  if (!s.bind(1, stamp.size).bind(2, stamp.mtimeNs).bind(3, path).run()) return s.status();
  if (sqlite3_changes(m_db) == 0) {
    return {base::ErrorCode::NotFound, "no file " + std::string(path) + " in the catalog"};
  }
  return {};
}

std::vector<std::int64_t> Catalog::batchesWithPendingEdits() const {
  Stmt s(m_db, "SELECT DISTINCT batch_id FROM tag_edits WHERE state = 'pending' ORDER BY batch_id");
  std::vector<std::int64_t> out;
  while (s.next()) out.push_back(s.int64At(0));
  m_lastStatus = s.status();
  return out;
}

}  // namespace songspace::core
