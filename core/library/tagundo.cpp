#include "core/library/tagundo.h"

#include <set>

#include "core/base/filestamp.h"
#include "core/library/opencatalog.h"
#include "core/library/safetagwrite.h"

namespace songspace::library {
namespace {

// Batch ids are SQLite rowids: walking down from the newest visits every batch.
template <typename Visit>
void forEachBatchNewestFirst(const core::Catalog& catalog, Visit visit) {
  const auto last = catalog.lastTagBatch();
  if (!last) return;
  for (std::int64_t id = last->id; id > 0; --id) {
    if (const auto batch = catalog.tagBatch(id); batch && !visit(*batch)) return;
  }
}

// True when the batch wrote files and the user accepted every one of them.
bool whollyAccepted(const std::vector<core::TagEdit>& edits) {
  bool wrote = false;
  for (const core::TagEdit& edit : edits) {
    if (edit.state != core::TagEditState::Done) continue;
    if (edit.acceptedAt == 0) return false;
    wrote = true;
  }
  return wrote;
}

}  // namespace

std::set<std::int64_t> undoneBatches(const core::Catalog& catalog) {
  std::set<std::int64_t> undone;
  forEachBatchNewestFirst(catalog, [&](const core::TagBatch& b) {
    if (b.kind == core::TagBatchKind::Undo) undone.insert(b.undoesBatch);
    return true;
  });
  return undone;
}

std::optional<std::int64_t> lastUndoableBatch(const core::Catalog& catalog) {
  const auto undone = undoneBatches(catalog);
  std::optional<std::int64_t> found;
  forEachBatchNewestFirst(catalog, [&](const core::TagBatch& b) {
    if (b.kind == core::TagBatchKind::Apply && !undone.count(b.id) &&
        !whollyAccepted(catalog.editsOfBatch(b.id)))
      found = b.id;
    return !found;
  });
  return found;
}

std::optional<UndoableBatch> lastUndoableBatchInfo(const core::Catalog& catalog) {
  const auto id = lastUndoableBatch(catalog);
  if (!id) return std::nullopt;
  UndoableBatch info;
  info.batchId = *id;
  if (const auto batch = catalog.tagBatch(*id)) info.createdAt = batch->createdAt;
  for (const core::TagEdit& edit : catalog.editsOfBatch(*id)) {
    if (edit.state != core::TagEditState::Done || edit.acceptedAt != 0) continue;
    ++info.files;
    if (info.field.empty()) info.field = edit.field;
  }
  return info;
}

BatchResult undoBatchAt(const QString& catalogPath, const UndoOptions& options) {
  base::Status status;
  const auto catalog = openCatalog(catalogPath, CatalogOpenMode::MustExist, &status);
  if (!catalog) {
    BatchResult result;
    result.status = status;
    return result;
  }
  return undoBatch(*catalog, options);
}

BatchResult undoBatch(core::Catalog& catalog, const UndoOptions& options) {
  BatchResult result;
  // Resolve interrupted edits first: an interrupted apply's Done edits are undoable after it.
  result.recovery = recoverInterruptedEdits(catalog, {}, options.reading);
  std::int64_t target = options.batchId;
  if (target == 0) {
    const auto last = lastUndoableBatch(catalog);
    if (!last) {
      result.status = base::Status::failure(
          base::ErrorCode::NotFound, "nothing to undo: no auto-tag batch that is not undone yet");
      return result;
    }
    target = *last;
  }
  const auto batch = catalog.tagBatch(target);
  if (!batch) {
    result.status = base::Status::failure(base::ErrorCode::NotFound,
                                          "no auto-tag batch " + std::to_string(target));
    return result;
  }
  if (batch->kind != core::TagBatchKind::Apply) {
    result.status = base::Status::failure(
        base::ErrorCode::InvalidArgument,
        "batch " + std::to_string(target) + " is an undo, not an auto-tag batch");
    return result;
  }
  if (undoneBatches(catalog).count(target)) {
    result.status =
        base::Status::failure(base::ErrorCode::InvalidArgument,
                              "batch " + std::to_string(target) + " was already undone");
    return result;
  }
  std::vector<core::TagEdit> edits;
  for (auto& edit : catalog.editsOfBatch(target)) {
    if (edit.state == core::TagEditState::Done) edits.push_back(std::move(edit));
  }
  if (whollyAccepted(edits)) {
    result.status = base::Status::failure(
        base::ErrorCode::InvalidArgument,
        "batch " + std::to_string(target) +
            " was accepted: its values are your tags now (edit the files to change them)");
    return result;
  }
  if (const auto status =
          catalog.createTagBatch(core::TagBatchKind::Undo, target,
                                 "undo of batch " + std::to_string(target), &result.batchId);
      !status.ok()) {
    result.status = status;
    result.status.message = "cannot start a journal batch: " + status.message;
    return result;
  }
  const int total = static_cast<int>(edits.size());
  for (const core::TagEdit& edit : edits) {
    if (options.cancel && options.cancel->load()) {
      result.cancelled = true;
      break;
    }
    const auto field = tagFieldFromName(edit.field);
    const auto restore = valuesFromJson(edit.oldValuesJson);
    const auto written = valuesFromJson(edit.newValuesJson);
    FileOutcome o;
    o.fileId = edit.fileId;
    o.path = edit.path;
    o.field = edit.field;
    o.newValues = restore;
    o.kind = FileOutcomeKind::Skipped;
    const auto stamp = base::fileStamp(edit.path);
    std::vector<std::string> current;
    if (edit.acceptedAt != 0) {
      o.code = "accepted";
      o.reason = "its values were accepted as your tags; undo leaves it alone";
    } else if (!field) {
      o.code = "unsupported";
      o.reason = "unknown field '" + edit.field + "' in the journal";
    } else if (!stamp) {
      o.code = "not_found";
      o.reason = "the file is gone";
    } else if (!audio::readTagField(edit.path, *field, current).ok()) {
      o.code = "unreadable";
      o.reason = "cannot read the file's tags";
    } else if (!options.force && (!edit.newStamp || *stamp != *edit.newStamp)) {
      o.oldValues = current;
      o.code = "changed";
      o.reason = "changed on disk since the auto-tag (use --force to restore anyway)";
    } else if (!options.force && current != written) {
      o.oldValues = current;
      o.code = "changed";
      o.reason = "its " + edit.field + " changed since the auto-tag (use --force)";
    } else if (auto blocker = writeBlocker(edit.path); !blocker.ok()) {
      o.oldValues = current;
      o.code = base::errorCodeName(blocker.error);
      o.reason = blocker.message;
    } else if (current == restore) {
      o.oldValues = current;
      o.code = "nothing_new";
      o.reason = "the file already holds the old values";
    } else {
      o = writeJournaled(catalog, result.batchId, edit.fileId, edit.path, *field, current, restore,
                         *stamp, options.preserveMtime, options.reading,
                         storedFromJson(edit.oldValuesJson));
    }
    result.files.push_back(o);
    if (options.progress) options.progress(static_cast<int>(result.files.size()), total, o);
  }
  return result;
}

}  // namespace songspace::library
