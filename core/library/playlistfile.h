#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace songspace::library {

struct PlaylistFile {
  std::string name;                            // #PLAYLIST: or the file's stem
  std::vector<std::filesystem::path> entries;  // absolute, lexically normal; order kept
};

// Reads an M3U / M3U8 playlist: comment and #EXT lines skipped, relative entries resolved against
// the playlist's folder, file:// URLs decoded, other URLs (http:, …) ignored. NotFound when the
// file cannot be opened, Io when reading it fails (`out` is then cleared).
[[nodiscard]] base::Status readPlaylistFile(const std::filesystem::path& file, PlaylistFile& out);

}  // namespace songspace::library
