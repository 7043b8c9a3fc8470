#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace songspace::library {

struct PlaylistFile {
  std::string name;                            // #PLAYLIST: or the file's stem
  std::vector<std::filesystem::path> entries;  // absolute, lexically normal; order kept
};

// Reads an M3U / M3U8 playlist: comment and #EXT lines skipped, relative entries resolved against
// the playlist's folder, file:// URLs decoded, other URLs (http:, …) ignored. Returns false with
// a reason when the file cannot be read.
bool readPlaylistFile(const std::filesystem::path& file, PlaylistFile& out, std::string* error);

}  // namespace songspace::library
