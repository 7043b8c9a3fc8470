#pragma once

// What "this file has not changed" means everywhere in Songspace: the same size in bytes and the
// same modification time to the nanosecond, as stat(2) reports them (st_size, st_mtim). The
// scanner compares stamps to skip unchanged files, and the safe tag writer stores the stamp of
// the file it wrote, so both must compute it the same way: always through this header.

#include <cstdint>
#include <filesystem>
#include <optional>

struct stat;  // <sys/stat.h>

namespace songspace::base {

struct FileStamp {
  std::int64_t size = 0;     // bytes
  std::int64_t mtimeNs = 0;  // modification time, nanoseconds since the Unix epoch (UTC)
  bool operator==(const FileStamp&) const = default;
};

// The stamp of `file` (symbolic links followed); nullopt when it cannot be stat'ed (missing,
// no permission on a parent folder, …).
[[nodiscard]] std::optional<FileStamp> fileStamp(const std::filesystem::path& file);

// The stamp from an already filled `struct stat` (e.g. from fstat on an open descriptor).
[[nodiscard]] FileStamp fileStampOf(const struct ::stat& info);

}  // namespace songspace::base
