#include <QByteArray>
#include <filesystem>
#include <string>

#include "core/library/playlistfile.h"
#include "tests/fuzz/fuzzinputs.h"

namespace songspace::fuzz {

namespace {

// The contract of library::PlaylistFile (core/library/playlistfile.h).
void checkPlaylist(const library::PlaylistFile& playlist, const char* format) {
  const auto broken = [&](const std::string& what) {
    detail::contractBroken(std::string(format) + ": " + what);
  };
  if (!library::isValidUtf8(playlist.name) || !library::isValidUtf8(playlist.encoding))
    broken("name or encoding is not valid UTF-8");
  if (playlist.items.size() > static_cast<std::size_t>(library::kMaxPlaylistEntries))
    broken("more entries than kMaxPlaylistEntries");
  for (const library::PlaylistItem& item : playlist.items) {
    if (item.line < 1) broken("entry without a line number");
    if (!library::isValidUtf8(item.written) || !library::isValidUtf8(item.title) ||
        !library::isValidUtf8(item.creator) || !library::isValidUtf8(item.path.native()))
      broken("entry " + item.written + " is not valid UTF-8");
    const std::filesystem::path& entry = item.path;
    if (item.kind == library::PlaylistItem::Kind::Local &&
        (!entry.is_absolute() || entry != entry.lexically_normal()))
      broken("entry " + entry.string() + " is not absolute and lexically normal");
  }
}

}  // namespace

base::Status playlistInput(Input bytes) {
  const std::string file = detail::writeInputFile("input.m3u8", bytes);
  library::PlaylistFile playlist;
  base::Status status = library::readPlaylistFile(file, playlist);
  checkPlaylist(playlist, "m3u8");
  // The same bytes through the other formats' parsers, from memory.
  const QByteArray data(reinterpret_cast<const char*>(bytes.data()),
                        static_cast<qsizetype>(bytes.size()));
  for (const auto format : {library::PlaylistFormat::M3u, library::PlaylistFormat::Pls,
                            library::PlaylistFormat::Xspf}) {
    // reason: the contract holds whether or not the bytes are a playlist of that format
    (void)library::parsePlaylist(data, "/fuzz/input", format, playlist);
    checkPlaylist(playlist, library::playlistFormatName(format));
  }
  return status;
}

}  // namespace songspace::fuzz
