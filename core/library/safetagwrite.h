#pragma once

// The safe way to change tags in a user's file: the original is never opened for writing.
//
// safeWriteTags() copies the file to a temporary sibling (".<name>.songspace-tmp-<pid>-<n>",
// created with O_EXCL), writes the tags into the copy, re-reads the copy and checks that the
// written fields hold exactly the intended values, that the rest of the file's merged tag view
// (audio::readTagView: every property of every tag, pictures and binary frames by fingerprint) is
// unchanged and that the decoded audio is bit-identical to the original's, gives the copy the
// original's permissions, owner and (unless asked otherwise) modification time, fsyncs it, renames
// it over the original and fsyncs the directory. A failure at any step removes the copy: the
// original is untouched. A process killed mid-way leaves the original or the complete new file,
// plus at most one stale temporary file that removeStaleTempFiles() deletes later.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "audio/tagview.h"
#include "audio/tagwriter.h"
#include "core/catalog/catalog.h"

namespace songspace::library {

// status: NotFound, Unsupported (a format Songspace does not write tags into, or audio that
// cannot be decoded), ReadOnly (file or folder), HardLinked (replacing it would split the links),
// Changed (the file changed before or while it was written), DiskFull (ENOSPC / EFBIG / EDQUOT),
// Io (any other read/write failure), VerifyFailed (the copy does not read back with the intended
// values or lost other tags), AudioChanged (the copy's decoded audio differs from the original's).
// The message names the file in words a user understands.
struct SafeWriteResult {
  base::Status status;
  base::FileStamp newStamp;  // the file's stamp after the rename (on success)
};

struct FieldValues {
  audio::TagField field = audio::TagField::Genre;
  std::vector<std::string> values;  // the field's complete new contents (empty removes it)
  // When set (audio::captureTagField of this file, journaled by an earlier write), the field is
  // put back in this stored form (audio::restoreTagField) instead; `values` must then be what it
  // reads as (the verification checks it).
  std::string stored;
};

struct SafeWriteOptions {
  bool preserveMtime = true;  // false (--touch): the file's mtime becomes "now"
  // When set, the file's stamp must still equal this when the write starts (else Changed).
  std::optional<base::FileStamp> expectedStamp;
};

[[nodiscard]] SafeWriteResult safeWriteTags(const std::filesystem::path& file,
                                            const std::vector<FieldValues>& fields,
                                            const SafeWriteOptions& options = {});

// How `after` differs from `before` outside the keys `fields` may change (the first few keys,
// "TITLE lost, #picture changed"), or empty when it does not: the verification of every write.
std::string tagViewChange(const audio::TagView& before, const audio::TagView& after,
                          const std::vector<FieldValues>& fields);

// Why Songspace will not write this file, or success when it may: NotFound, Unsupported format,
// ReadOnly file (no access(W_OK), or no owner write bit — root bypasses permission bits, the bit
// still states the user's intent) or folder, HardLinked.
base::Status writeBlocker(const std::filesystem::path& file);

// True for a name made by safeWriteTags (".<name>.songspace-tmp-<pid>-<n>").
bool isSongspaceTempName(const std::string& fileName);

// Deletes temporary files left in `dir` by safeWriteTags in processes that no longer run (or by
// this process: it writes one file at a time and never leaves one behind on purpose). Returns how
// many were removed.
int removeStaleTempFiles(const std::filesystem::path& dir);

// FNV-1a (64 bit) over the decoded float samples: equal for equal audio. The decoder's status.
// logName: how the decoder's log lines name the file (audio::DecodeOptions::logName; empty: its
// path).
base::Status decodedAudioHash(const std::filesystem::path& file, std::uint64_t& hash,
                              const std::string& logName = {});

}  // namespace songspace::library
