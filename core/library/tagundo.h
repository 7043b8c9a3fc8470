#pragma once

// Auto-tagging, step 3: undo. Restores the journaled old values of every file an apply batch
// wrote in the form they were stored in (audio::restoreTagField: separators, several frames or
// fields, encodings; journals from before the stored form was kept restore the values), through the
// same safe write and journal (as a batch of kind Undo whose undoesBatch names the batch undone). A
// file changed on disk since the apply (its stamp differs from the journaled new stamp, or its
// field no longer holds the written values) is skipped with the reason unless `force` is set.
//
// Accepted values (tagaccept.h) are the user's: undo never takes them back. A file whose edit was
// accepted is skipped (code "accepted", even with `force`); a batch whose every written file was
// accepted is refused, and Edit › Undo passes over it to the newest batch it can still undo.

#include <QString>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "core/library/autotagapply.h"

namespace songspace::library {

struct UndoOptions {
  std::int64_t batchId = 0;  // the apply batch to undo; 0 = the last one not yet undone
  bool force = false;        // restore files changed since the apply too
  bool preserveMtime = true;
  core::TagReadingRules
      reading;  // as ApplyOptions::reading: the rules the library was scanned with
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(int done, int total, const FileOutcome&)> progress;
};

// Apply batches that an Undo batch undid (wholly or in part: an undo may skip files).
std::set<std::int64_t> undoneBatches(const core::Catalog& catalog);

// The newest Apply batch that no Undo batch undoes and that the user did not wholly accept;
// nullopt when there is none.
std::optional<std::int64_t> lastUndoableBatch(const core::Catalog& catalog);

// That batch as a user sees it (what Edit › Undo names). Read on the worker that builds the
// library snapshot, so the GUI never queries the catalog for it.
struct UndoableBatch {
  std::int64_t batchId = 0;
  std::int64_t createdAt = 0;  // unix seconds
  int files = 0;               // files the batch wrote and the user did not accept
  std::string field;           // the first written edit's field ("genre", …); empty if none
};
std::optional<UndoableBatch> lastUndoableBatchInfo(const core::Catalog& catalog);

// result.status is not ok (and nothing is written) when the batch does not exist, is not an apply
// batch, or was already undone.
BatchResult undoBatch(core::Catalog& catalog, const UndoOptions& options = {});

// undoBatch on its own connection to the catalog at `catalogPath`, which must exist (a mistyped
// path is an error, never a new empty catalog). Blocks for the whole batch: call it on a worker
// thread, never the GUI thread; the progress callback runs on the calling thread.
BatchResult undoBatchAt(const QString& catalogPath, const UndoOptions& options);

}  // namespace songspace::library
