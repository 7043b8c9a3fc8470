#include "core/base/filestamp.h"

#include <sys/stat.h>

namespace songspace::base {

FileStamp fileStampOf(const struct ::stat& info) {
  return {static_cast<std::int64_t>(info.st_size),
          static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000LL +
              static_cast<std::int64_t>(info.st_mtim.tv_nsec)};
}

std::optional<FileStamp> fileStamp(const std::filesystem::path& file) {
  struct ::stat info {};
  if (::stat(file.c_str(), &info) != 0) return std::nullopt;
  return fileStampOf(info);
}

}  // namespace songspace::base
