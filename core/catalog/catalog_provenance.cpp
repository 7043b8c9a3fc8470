// Catalog: the provenance of values Songspace wrote into files, and their acceptance by the user.

#include <array>

#include "core/catalog/catalog.h"
#include "core/catalog/catalog_sql.h"
#include "core/catalog/tagnormalize.h"

namespace songspace::core {
namespace {

// Journal field name → the tracks column holding that field's values.
constexpr std::array<std::pair<std::string_view, const char*>, 5> kTrackColumns{{
    {"genre", "genres"},
    {"mood", "moods"},
    {"grouping", "groupings"},
    {"comment", "comments"},
    {"tags", "free_tags"},
}};

}  // namespace

base::Status Catalog::setTrackField(std::int64_t fileId, std::string_view field,
                                    const std::vector<std::string>& values) {
  const char* column = nullptr;
  for (const auto& [name, stored] : kTrackColumns) {
    if (name == field) column = stored;
  }
  if (!column)
    return {base::ErrorCode::InvalidArgument, "no tag field '" + std::string(field) + "'"};
  Stmt s(m_db, std::string("UPDATE tracks SET ") + column + " = ?1 WHERE file_id = ?2");
  if (!s.bind(1, joinList(values)).bind(2, fileId).run()) return s.status();
  if (sqlite3_changes(m_db) == 0)
    return {base::ErrorCode::NotFound, "file " + std::to_string(fileId) + " has no metadata"};
  return {};
}

base::Status Catalog::markWritten(std::int64_t fileId, std::string_view tag, std::int64_t editId) {
  Stmt s(m_db,
         "INSERT OR REPLACE INTO written_tags(file_id, tag_id, edit_id) "
         "SELECT ?1, ft.tag_id, ?2 FROM file_tags ft JOIN tags t ON t.id = ft.tag_id "
         "WHERE ft.file_id = ?1 AND ft.source = ?3 AND t.name = ?4");
  s.bind(1, fileId).bind(2, editId).bind(3, static_cast<int>(TagSource::File));
  if (!s.bind(4, normalizeTag(tag)).run()) return s.status();
  if (sqlite3_changes(m_db) == 0)
    return {base::ErrorCode::NotFound,
            "file " + std::to_string(fileId) + " does not hold '" + std::string(tag) + "'"};
  return {};
}

std::vector<WrittenTag> Catalog::writtenTags(std::optional<std::int64_t> batchId,
                                             std::optional<std::int64_t> fileId) const {
  Stmt s(m_db,
         "SELECT w.file_id, t.name, w.edit_id, e.batch_id FROM written_tags w "
         "JOIN tags t ON t.id = w.tag_id JOIN tag_edits e ON e.id = w.edit_id "
         "WHERE (?1 IS NULL OR e.batch_id = ?1) AND (?2 IS NULL OR w.file_id = ?2) "
         "ORDER BY w.file_id, t.name");
  batchId ? s.bind(1, *batchId) : s.bindNull(1);
  fileId ? s.bind(2, *fileId) : s.bindNull(2);
  std::vector<WrittenTag> out;
  while (s.next()) out.push_back({s.int64At(0), s.textAt(1), s.int64At(2), s.int64At(3)});
  m_lastStatus = s.status();
  return out;
}

base::Status Catalog::acceptEdits(const std::vector<std::int64_t>& editIds, std::int64_t acceptedAt,
                                  std::vector<WrittenTag>* accepted) {
  CatalogTransaction tx(*this);
  if (!tx.ok()) return tx.status();
  std::vector<WrittenTag> done;
  Stmt mark(m_db, "UPDATE tag_edits SET accepted_at = coalesce(accepted_at, ?1) WHERE id = ?2");
  Stmt values(m_db,
              "SELECT w.file_id, t.name, w.tag_id, e.batch_id FROM written_tags w "
              "JOIN tags t ON t.id = w.tag_id JOIN tag_edits e ON e.id = w.edit_id "
              "WHERE w.edit_id = ?1 ORDER BY w.file_id, t.name");
  Stmt forget(m_db, "DELETE FROM written_tags WHERE edit_id = ?1");
  for (const std::int64_t edit : editIds) {
    mark.reset();
    if (!mark.bind(1, acceptedAt).bind(2, edit).run()) return mark.status();
    if (sqlite3_changes(m_db) == 0)
      return {base::ErrorCode::NotFound, "no tag edit with id " + std::to_string(edit)};
    values.reset();
    values.bind(1, edit);
    std::vector<WrittenTag> ofEdit;
    while (values.next())
      ofEdit.push_back({values.int64At(0), values.textAt(1), edit, values.int64At(3)});
    if (!values.ok()) return values.status();
    for (const WrittenTag& w : ofEdit) {
      if (base::Status status = insertTag(*m_statements, w.fileId, w.tag, TagSource::User, 1.0f);
          !status.ok())
        return status;
    }
    forget.reset();
    if (!forget.bind(1, edit).run()) return forget.status();
    done.insert(done.end(), ofEdit.begin(), ofEdit.end());
  }
  base::Status status = tx.commit();
  if (status.ok() && accepted) *accepted = std::move(done);
  return status;
}

}  // namespace songspace::core
