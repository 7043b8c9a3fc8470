#include "core/library/tagaccept.h"

#include <QDateTime>
#include <algorithm>
#include <set>

#include "core/library/opencatalog.h"

namespace songspace::library {
namespace {

// Done edits of the batch that the user has not accepted yet.
std::vector<core::TagEdit> awaitingEdits(const core::Catalog& catalog, std::int64_t batchId) {
  std::vector<core::TagEdit> out;
  for (core::TagEdit& edit : catalog.editsOfBatch(batchId)) {
    if (edit.state == core::TagEditState::Done && edit.acceptedAt == 0)
      out.push_back(std::move(edit));
  }
  return out;
}

base::Status failure(base::ErrorCode code, std::string message) {
  return base::Status::failure(code, std::move(message));
}

// The edits `batchId` names for acceptance, or why it cannot be accepted.
base::Status editsOfBatch(const core::Catalog& catalog, std::int64_t batchId,
                          const std::set<std::int64_t>& undone, std::vector<std::int64_t>& out) {
  const std::string name = "batch " + std::to_string(batchId);
  const auto batch = catalog.tagBatch(batchId);
  if (!batch)
    return failure(base::ErrorCode::NotFound, "no auto-tag batch " + std::to_string(batchId));
  if (batch->kind != core::TagBatchKind::Apply)
    return failure(base::ErrorCode::InvalidArgument, name + " is an undo, not an auto-tag batch");
  if (undone.count(batchId))
    return failure(base::ErrorCode::InvalidArgument,
                   name + " was undone: its values are no longer in the files");
  const auto all = catalog.editsOfBatch(batchId);
  if (std::none_of(all.begin(), all.end(),
                   [](const auto& e) { return e.state == core::TagEditState::Done; }))
    return failure(base::ErrorCode::InvalidArgument, name + " wrote no file: nothing to accept");
  const auto awaiting = awaitingEdits(catalog, batchId);
  if (awaiting.empty())
    return failure(base::ErrorCode::InvalidArgument, name + " was accepted already");
  for (const auto& edit : awaiting) out.push_back(edit.id);
  return {};
}

}  // namespace

int AcceptResult::files() const {
  std::set<std::int64_t> ids;
  for (const auto& tag : tags) ids.insert(tag.fileId);
  return static_cast<int>(ids.size());
}

AcceptResult acceptWritten(core::Catalog& catalog, const AcceptRequest& request) {
  AcceptResult result;
  if (request.batches.empty() && request.paths.empty()) {
    result.status = failure(base::ErrorCode::InvalidArgument, "nothing to accept was named");
    return result;
  }
  std::vector<std::int64_t> edits;
  const auto undone = undoneBatches(catalog);
  for (const std::int64_t batch : request.batches) {
    if (auto status = editsOfBatch(catalog, batch, undone, edits); !status.ok()) {
      result.status = status;
      return result;
    }
  }
  for (const std::string& path : request.paths) {
    const auto row = catalog.fileByPath(path);
    if (!row) {
      result.status = failure(base::ErrorCode::NotFound, path + ": not in the library");
      return result;
    }
    const auto written = catalog.writtenTags(std::nullopt, row->id);
    if (written.empty()) {
      result.status = failure(base::ErrorCode::NotFound,
                              path + ": holds no value Songspace wrote that awaits acceptance");
      return result;
    }
    for (const auto& tag : written) edits.push_back(tag.editId);
  }
  // Each edit once, in journal order.
  std::sort(edits.begin(), edits.end());
  edits.erase(std::unique(edits.begin(), edits.end()), edits.end());
  result.status = catalog.acceptEdits(edits, QDateTime::currentSecsSinceEpoch(), &result.tags);
  if (result.status.ok()) result.edits = std::move(edits);
  return result;
}

AcceptResult acceptWrittenAt(const QString& catalogPath, const AcceptRequest& request) {
  base::Status status;
  const auto catalog = openCatalog(catalogPath, CatalogOpenMode::MustExist, &status);
  if (!catalog) {
    AcceptResult result;
    result.status = status;
    return result;
  }
  return acceptWritten(*catalog, request);
}

std::optional<UndoableBatch> lastAcceptableBatchInfo(const core::Catalog& catalog) {
  const auto last = catalog.lastTagBatch();
  if (!last) return std::nullopt;
  const auto undone = undoneBatches(catalog);
  // Batch ids are SQLite rowids: walking down from the newest visits every batch.
  for (std::int64_t id = last->id; id > 0; --id) {
    const auto batch = catalog.tagBatch(id);
    if (!batch || batch->kind != core::TagBatchKind::Apply || undone.count(id)) continue;
    const auto awaiting = awaitingEdits(catalog, id);
    if (awaiting.empty()) continue;
    UndoableBatch info;
    info.batchId = id;
    info.createdAt = batch->createdAt;
    info.field = awaiting.front().field;
    std::set<std::int64_t> files;
    for (const auto& edit : awaiting) files.insert(edit.fileId);
    info.files = static_cast<int>(files.size());
    return info;
  }
  return std::nullopt;
}

}  // namespace songspace::library
