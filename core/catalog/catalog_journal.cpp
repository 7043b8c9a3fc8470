// Catalog: the journal of tag edits written to files (storage for undo).

#include "core/catalog/catalog.h"
#include "core/catalog/catalog_sql.h"

namespace songspace::core {
namespace {

const char* kindName(TagBatchKind kind) {
  return kind == TagBatchKind::Undo ? "undo" : "apply";
}

TagEditState editStateFrom(const std::string& name) {
  if (name == "done") return TagEditState::Done;
  if (name == "skipped") return TagEditState::Skipped;
  if (name == "failed") return TagEditState::Failed;
  return TagEditState::Pending;
}

constexpr const char* kBatchColumns =
    "SELECT id, created_at, kind, coalesce(undoes_batch, 0), note FROM tag_batches ";

std::optional<TagBatch> batchFrom(Stmt& s) {
  if (!s.next()) return std::nullopt;
  return TagBatch{s.int64At(0), s.int64At(1),
                  s.textAt(2) == "undo" ? TagBatchKind::Undo : TagBatchKind::Apply, s.int64At(3),
                  s.textAt(4)};
}

}  // namespace

base::Status Catalog::createTagBatch(TagBatchKind kind, std::int64_t undoesBatch,
                                     std::string_view note, std::int64_t* id) {
  Stmt s(m_db, "INSERT INTO tag_batches(created_at, kind, undoes_batch, note) VALUES(?,?,?,?)");
  s.bind(1, unixNow()).bind(2, std::string_view(kindName(kind)));
  undoesBatch ? s.bind(3, undoesBatch) : s.bindNull(3);
  if (!s.bind(4, note).run()) return s.status();
  if (id) *id = sqlite3_last_insert_rowid(m_db);
  return {};
}

base::Status Catalog::journalEdit(const TagEdit& edit, std::int64_t* id) {
  Stmt s(m_db,
         "INSERT INTO tag_edits(batch_id, file_id, path, field, old_values_json, "
         "new_values_json, old_size, old_mtime_ns, state, reason) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9)");
  s.bind(1, edit.batchId);
  edit.fileId ? s.bind(2, edit.fileId) : s.bindNull(2);
  s.bind(3, edit.path).bind(4, edit.field).bind(5, edit.oldValuesJson);
  s.bind(6, edit.newValuesJson).bind(7, edit.oldStamp.size).bind(8, edit.oldStamp.mtimeNs);
  if (!s.bind(9, edit.reason).run()) return s.status();
  if (id) *id = sqlite3_last_insert_rowid(m_db);
  return {};
}

base::Status Catalog::finishEdit(std::int64_t editId, TagEditState state,
                                 std::optional<base::FileStamp> newStamp, std::string_view reason) {
  Stmt s(m_db,
         "UPDATE tag_edits SET state = ?1, new_size = ?2, new_mtime_ns = ?3, reason = ?4 "
         "WHERE id = ?5");
  s.bind(1, std::string_view(tagEditStateName(state)));
  if (newStamp)
    s.bind(2, newStamp->size).bind(3, newStamp->mtimeNs);
  else
    s.bindNull(2).bindNull(3);
  if (!s.bind(4, reason).bind(5, editId).run()) return s.status();
  if (sqlite3_changes(m_db) == 0)
    return {base::ErrorCode::NotFound, "no tag edit with id " + std::to_string(editId)};
  return {};
}

std::optional<TagBatch> Catalog::tagBatch(std::int64_t id) const {
  Stmt s(m_db, std::string(kBatchColumns) + "WHERE id = ?");
  s.bind(1, id);
  auto batch = batchFrom(s);
  m_lastStatus = s.status();
  return batch;
}

std::optional<TagBatch> Catalog::lastTagBatch() const {
  Stmt s(m_db, std::string(kBatchColumns) + "ORDER BY id DESC LIMIT 1");
  auto batch = batchFrom(s);
  m_lastStatus = s.status();
  return batch;
}

std::vector<TagEdit> Catalog::editsOfBatch(std::int64_t batchId) const {
  Stmt s(m_db,
         "SELECT id, batch_id, coalesce(file_id, 0), path, field, old_values_json, "
         "new_values_json, old_size, old_mtime_ns, new_size, new_mtime_ns, state, reason, "
         "coalesce(accepted_at, 0) FROM tag_edits WHERE batch_id = ? ORDER BY id");
  s.bind(1, batchId);
  std::vector<TagEdit> out;
  while (s.next()) {
    TagEdit edit;
    edit.id = s.int64At(0);
    edit.batchId = s.int64At(1);
    edit.fileId = s.int64At(2);
    edit.path = s.textAt(3);
    edit.field = s.textAt(4);
    edit.oldValuesJson = s.textAt(5);
    edit.newValuesJson = s.textAt(6);
    edit.oldStamp = {s.int64At(7), s.int64At(8)};
    if (!s.isNull(9)) edit.newStamp = base::FileStamp{s.int64At(9), s.int64At(10)};
    edit.state = editStateFrom(s.textAt(11));
    edit.reason = s.textAt(12);
    edit.acceptedAt = s.int64At(13);
    out.push_back(std::move(edit));
  }
  m_lastStatus = s.status();
  return out;
}

}  // namespace songspace::core
