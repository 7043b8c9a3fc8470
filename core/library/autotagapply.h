#pragma once

// Auto-tagging, step 2: writing proposals into the files, journaled for undo.
//
// Per file, in this order: checks (in the catalog, unchanged on disk since the scan, tags as in
// the preview, writable, supported format) → the old and new values and the old stamp are
// journaled as a Pending edit in their own committed transaction → safeWriteTags (copy, write,
// verify, rename) → one transaction marks the edit Done with the new stamp, updates the file's
// catalog stamp and its file tags. A file that fails a check is skipped with the reason and the
// batch goes on.
//
// Crash safety: a process killed at any moment leaves every file either original or completely
// rewritten, a Pending journal edit and perhaps a stale temporary file. recoverInterruptedEdits()
// (run at the start of every apply and undo) resolves each Pending edit by what the file holds and
// deletes the stale temporary files.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/library/autotag.h"

namespace songspace::library {

enum class FileOutcomeKind { Written, Skipped, Failed };
const char* fileOutcomeName(FileOutcomeKind kind);  // "written", "skipped", "failed"

struct FileOutcome {
  std::int64_t fileId = 0;
  std::string path;
  std::string field;
  std::vector<std::string> oldValues, newValues;
  FileOutcomeKind kind = FileOutcomeKind::Skipped;
  std::string code;         // "read_only", "changed", "disk_full", ... empty when written
  std::string reason;       // words a user understands
  std::int64_t editId = 0;  // journal entry (0 when the file was skipped before journaling)
};

struct RecoveryReport {
  int markedDone = 0;        // interrupted edits whose file holds the new values
  int markedFailed = 0;      // interrupted edits whose file was not replaced
  int tempFilesRemoved = 0;  // stale ".songspace-tmp-" files deleted
};

struct BatchResult {
  std::int64_t batchId = 0;  // the journal batch (0 if none could be created)
  std::vector<FileOutcome> files;
  RecoveryReport recovery;
  bool cancelled = false;
  base::Status status;  // not ok when the batch could not run at all (per-file results: files)
  int count(FileOutcomeKind kind) const;
};

struct ApplyOptions {
  bool preserveMtime = true;  // false = --touch
  // How the written field is read back into the catalog (its tags and the values the library
  // shows): the rules the library was scanned with, so the catalog holds what a rescan would
  // store (a user's "," separator splits "Rock, Pop" there too; a placeholder is no tag).
  core::TagReadingRules reading;
  std::string note;                           // stored with the batch (e.g. the command line)
  const std::atomic<bool>* cancel = nullptr;  // polled between files; a file is never cut
  std::function<void(int done, int total, const FileOutcome&)> progress;
};

BatchResult applyProposals(core::Catalog& catalog, const std::vector<Proposal>& proposals,
                           const ApplyOptions& options = {});

// Resolves Pending edits left by an interrupted apply or undo (a file holding the edit's new
// values → Done with its current stamp, catalog stamp and tags updated; otherwise → Failed
// "interrupted") and removes stale temporary files in their folders and in `extraDirs`.
// `reading` as in ApplyOptions.
RecoveryReport recoverInterruptedEdits(core::Catalog& catalog,
                                       const std::vector<std::string>& extraDirs = {},
                                       const core::TagReadingRules& reading = {});

// --- shared with undo (tagundo.cpp)
// A journal's old_values_json is {"values": [...], "stored": "<audio::captureTagField text>"}:
// the values as read and the field's stored form, which undo puts back. Journals written before
// the stored form was kept hold a plain array of values; both are read.
std::string valuesToJson(const std::vector<std::string>& values, const std::string& stored = {});
std::vector<std::string> valuesFromJson(const std::string& json);
std::string storedFromJson(const std::string& json);  // empty when the journal has none

// Journals, writes and records one change of one field. `expected` is the stamp the file had
// when its values were read; the outcome's fileId/path/field/values are filled from the args.
// The field's stored form is captured and journaled before the write. With `restoreStored`
// (undo), the field is put back in that stored form, which must read as `newValues`. The catalog
// reads the written field back under `reading` (ApplyOptions::reading).
FileOutcome writeJournaled(core::Catalog& catalog, std::int64_t batchId, std::int64_t fileId,
                           const std::string& path, audio::TagField field,
                           const std::vector<std::string>& oldValues,
                           const std::vector<std::string>& newValues, base::FileStamp expected,
                           bool preserveMtime, const core::TagReadingRules& reading,
                           const std::string& restoreStored = {});

}  // namespace songspace::library
