#include <filesystem>
#include <string>

#include "core/library/playlistfile.h"
#include "tests/fuzz/fuzzinputs.h"

namespace songspace::fuzz {

base::Status playlistInput(Input bytes) {
  const std::string file = detail::writeInputFile("input.m3u8", bytes);
  library::PlaylistFile playlist;
  base::Status status = library::readPlaylistFile(file, playlist);
  for (const std::filesystem::path& entry : playlist.entries) {
    if (!entry.is_absolute() || entry != entry.lexically_normal()) {
      detail::contractBroken("entry " + entry.string() + " is not absolute and lexically normal");
    }
  }
  return status;
}

}  // namespace songspace::fuzz
