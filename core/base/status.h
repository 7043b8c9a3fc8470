#pragma once

// The one result type at Songspace's I/O boundaries (decoding, tags, codebook and model files,
// the catalog, t-SNE, the map cache, safe tag writes, playlists): an error code a caller can
// branch on, and a message a user can read. No exception crosses these boundaries.
//
// Status is [[nodiscard]]: a caller handles it, or discards it visibly with `(void)` and a
// one-line comment saying why that is safe.

#include <string>
#include <utility>

namespace songspace::base {

// What went wrong. Stored as an integer in catalogs (files.error_code, from decoding failures)
// and by name in catalogs and JSON (errorCodeName): never renumber or rename an existing code;
// add new ones at the end.
enum class ErrorCode {
  None = 0,
  // Reading and analysing audio (the integers 1–10 are in existing catalogs).
  NotFound = 1,          // the path (or the catalog row, batch, edit named) does not exist
  PermissionDenied = 2,  // exists but cannot be opened for reading
  NotAudio = 3,          // not a container/codec FFmpeg or TagLib recognises
  NoAudioStream = 4,     // a media file without any audio stream
  Corrupt = 5,           // damaged data; the message says where (time or byte offset)
  TooShort = 6,          // empty, or shorter than the minimum duration worth analysing
  Unsupported = 7,       // recognised but not handled (e.g. a format TagLib cannot write)
  Io = 8,                // a read/write failure of the medium
  Cancelled = 9,         // the caller asked to stop
  InvalidArgument = 10,  // a parameter outside its declared range
  // The catalog.
  CannotOpen = 11,    // the file or its folder cannot be created / opened
  NotACatalog = 12,   // not an SQLite file, or a database that is not ours (application_id)
  SchemaTooNew = 13,  // written by a newer Songspace
  Sql = 14,           // any other SQLite failure (the message names the statement)
  Busy = 15,          // another process held the write lock longer than the busy timeout
  // The map.
  TooManyPoints = 16,  // more points than t-SNE is allowed to lay out
  // Writing tags safely into a user's file.
  ReadOnly = 17,      // the file or its folder is not writable
  HardLinked = 18,    // several hard links: replacing the file would split them
  Changed = 19,       // the file changed on disk since it was read
  DiskFull = 20,      // ENOSPC / EFBIG / EDQUOT
  VerifyFailed = 21,  // the written copy does not read back as intended
  AudioChanged = 22,  // the written copy's decoded audio differs from the original's
};

// Stable lower-case name: "none", "not_found", "corrupt", "cannot_open", "disk_full", …
const char* errorCodeName(ErrorCode code);

struct [[nodiscard]] Status {
  ErrorCode error = ErrorCode::None;
  std::string message;  // words a user understands; names the file or object concerned

  bool ok() const { return error == ErrorCode::None; }
  static Status success() { return {}; }
  static Status failure(ErrorCode code, std::string text) { return {code, std::move(text)}; }
};

}  // namespace songspace::base
