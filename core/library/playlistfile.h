#pragma once

#include <QString>
#include <filesystem>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace songspace::core {
struct SongRow;
}

namespace songspace::library {

struct PlaylistFile {
  std::string name;                            // #PLAYLIST: or the file's stem
  std::vector<std::filesystem::path> entries;  // absolute, lexically normal; order kept
};

// Reads an M3U / M3U8 playlist: comment and #EXT lines skipped, relative entries resolved against
// the playlist's folder, file:// URLs decoded, other URLs (http:, …) ignored. NotFound when the
// file cannot be opened, Io when reading it fails (`out` is then cleared).
[[nodiscard]] base::Status readPlaylistFile(const std::filesystem::path& file, PlaylistFile& out);

// "Artist — Title" (the file's base name when the title is empty; the title alone when the artist
// is): how a song is named in playlists and lists.
QString songLabel(const core::SongRow& song);

// The name a playlist is written under: `chosen`, with ".m3u8" added unless it already ends so
// (any case) — a name typed without it, or with another suffix, still opens as a playlist.
QString m3u8FileName(const QString& chosen);

// Writes an extended M3U8 playlist (UTF-8, #EXTM3U, #PLAYLIST: the file's base name, #EXTINF with
// the rounded duration and songLabel) whose entries are relative to the playlist's folder, so it
// keeps working when the tree moves; readPlaylistFile reads it back as the same paths. Atomic
// (QSaveFile): Io on any failure, and an existing file is then left as it was.
[[nodiscard]] base::Status writePlaylistM3u8(const QString& file,
                                             const std::vector<const core::SongRow*>& songs);

}  // namespace songspace::library
