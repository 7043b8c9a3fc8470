#pragma once

// Auto-tagging, step 4: accept. A value Songspace's auto-tag wrote into a file keeps its
// provenance in the catalog (core::WrittenTag) through every rescan and is never a training
// label: a model that learned from its own guesses would grow ever surer of its mistakes. When
// the user accepts it, it becomes a user tag of its file (core::TagSource::User, which training
// learns from) and the edit that wrote it is marked accepted. Only the catalog changes: the files
// already hold the values.
//
// Undo and accept: an accepted edit belongs to the user, so undo leaves its file alone (tagundo.h)
// and a wholly accepted batch cannot be undone; the values stay user tags. To drop one, the user
// edits the file (the next scan removes the file tag) and the user tag.

#include <QString>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/library/tagundo.h"

namespace songspace::library {

struct AcceptRequest {
  std::vector<std::int64_t> batches;  // auto-tag (apply) batches: everything each one wrote
  std::vector<std::string> paths;     // files, as the catalog names them: every written value
};

struct AcceptResult {
  base::Status status;                 // not ok: nothing was accepted
  std::vector<std::int64_t> edits;     // the journal edits now accepted
  std::vector<core::WrittenTag> tags;  // the values that became user tags, by file then tag
  int files() const;                   // distinct files among `tags`
};

// Checks every batch and path first and accepts nothing unless all are valid. Errors:
// NotFound — no auto-tag batch with that id; a path not in the library; a path holding no value
// Songspace wrote that awaits acceptance. InvalidArgument — nothing asked for; a batch that is an
// undo, was undone, wrote no file, or was accepted already. Catalog errors as core::Catalog's.
// One transaction (core::Catalog::acceptEdits).
[[nodiscard]] AcceptResult acceptWritten(core::Catalog& catalog, const AcceptRequest& request);

// acceptWritten on its own connection to the catalog at `catalogPath`, which must exist. Call it
// on a worker thread, never the GUI thread (it opens the catalog).
[[nodiscard]] AcceptResult acceptWrittenAt(const QString& catalogPath,
                                           const AcceptRequest& request);

// The newest auto-tag batch, not undone, with files whose edits await acceptance (what Edit ›
// Accept names; `files` counts those files); nullopt when there is none.
std::optional<UndoableBatch> lastAcceptableBatchInfo(const core::Catalog& catalog);

}  // namespace songspace::library
