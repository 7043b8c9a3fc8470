#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace songspace::library {

// What a walk over the user's folders found. Paths are absolute and lexically normal, kept as
// native byte strings (file names need not be UTF-8), sorted, without duplicates.
struct LibraryWalk {
  std::vector<std::filesystem::path> audioFiles;  // by extension (see isAudioExtension)
  std::vector<std::filesystem::path> playlists;   // by extension (playlistFormatOf)
  // Folders or entries that could not be read, or symlink loops, with the reason.
  std::vector<std::pair<std::filesystem::path, std::string>> problems;
};

// True for the extensions of files Songspace tries to analyse (case-insensitive): mp3, ogg, oga,
// opus, flac, wav, m4a, aac, mp4, wma, aif, aiff, ape, wv, mpc. A file with one of these
// extensions that is not audio is reported by the decoder, not skipped here.
bool isAudioExtension(const std::filesystem::path& file);
// Those extensions, lower case with the dot (".mp3"), in a fixed order.
std::span<const std::string_view> audioExtensions();

// Walks every root recursively, following directory symlinks but never entering the same
// directory (device, inode) twice, so symlink loops end. A root may also be a single file.
// Unreadable folders are reported in problems and the walk goes on.
LibraryWalk walkLibrary(const std::vector<std::filesystem::path>& roots);

}  // namespace songspace::library
