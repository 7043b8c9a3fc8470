// Catalog: user and predicted tags of a file.

#include "core/catalog/catalog.h"
#include "core/catalog/catalog_sql.h"
#include "core/catalog/tagnormalize.h"

namespace songspace::core {
base::Status Catalog::addTag(std::int64_t fileId, std::string_view tag, TagSource source,
                             float score) {
  const std::string name = normalizeTag(tag);
  if (name.empty()) return {base::ErrorCode::Sql, "empty tag"};
  CatalogTransaction tx(*this);
  base::Status status = tx.status();
  if (status.ok()) status = requireFile(m_db, fileId);
  if (status.ok()) status = insertTag(*m_statements, fileId, name, source, score);
  return status.ok() ? tx.commit() : status;
}

base::Status Catalog::removeTag(std::int64_t fileId, std::string_view tag, TagSource source) {
  CatalogTransaction tx(*this);
  if (!tx.ok()) return tx.status();
  const std::string name = normalizeTag(tag);
  Stmt s(m_db,
         "DELETE FROM file_tags WHERE file_id = ?1 AND source = ?2 AND "
         "tag_id = (SELECT id FROM tags WHERE name = ?3)");
  if (!s.bind(1, fileId).bind(2, static_cast<int>(source)).bind(3, name).run()) return s.status();
  if (sqlite3_changes(m_db) == 0)
    return {base::ErrorCode::NotFound, "file " + std::to_string(fileId) + " has no such tag"};
  if (source == TagSource::File) {
    // The value left the file: so did what Songspace knew about who put it there.
    Stmt forget(m_db,
                "DELETE FROM written_tags WHERE file_id = ?1 AND "
                "tag_id = (SELECT id FROM tags WHERE name = ?2)");
    if (!forget.bind(1, fileId).bind(2, name).run()) return forget.status();
  }
  return tx.commit();
}

base::Status Catalog::setPredictedTags(std::int64_t fileId,
                                       const std::vector<std::pair<std::string, float>>& tags) {
  CatalogTransaction tx(*this);
  base::Status status = tx.status();
  if (status.ok()) status = requireFile(m_db, fileId);
  if (!status.ok()) return status;
  Stmt clear(m_db, "DELETE FROM file_tags WHERE file_id = ?1 AND source = ?2");
  if (!clear.bind(1, fileId).bind(2, static_cast<int>(TagSource::Predicted)).run())
    return clear.status();
  for (const auto& [tag, score] : tags) {
    const std::string name = normalizeTag(tag);
    if (name.empty()) continue;
    status = insertTag(*m_statements, fileId, name, TagSource::Predicted, score);
    if (!status.ok()) return status;
  }
  return tx.commit();
}
}  // namespace songspace::core
