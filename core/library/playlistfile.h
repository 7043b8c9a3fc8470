#pragma once

// Reading the playlists other players write (M3U, M3U8, PLS, XSPF) and writing our own (M3U8).
//
// Reading is two steps: parsePlaylist() turns the bytes into entries *as written* (decoded to
// UTF-8, with their line numbers and the titles the playlist gives them); playlistresolver.h
// then finds the library file each entry means. Both are pure functions of their inputs (no
// global state): call them from any thread.
//
// Formats (what Strawberry, Elisa, foobar2000, Winamp, VLC, iTunes and MediaMonkey write):
// - M3U / M3U8: one entry per line; lines end in LF, CRLF or CR; blank lines and `#` comments
//   skipped; `#EXTINF:<seconds>[ attributes],<title>` names the next entry; `#PLAYLIST:<name>`
//   names the playlist.
// - PLS: an INI `[playlist]` section with `FileN=`, `TitleN=`, `LengthN=` (seconds, -1 unknown),
//   `NumberOfEntries=`, `Version=`. Keys are case-insensitive; entries are ordered by N, not by
//   their place in the file (a duplicate FileN keeps the first).
// - XSPF: XML `<playlist><trackList><track>` with `<location>` (a URI: file URLs and relative
//   references are percent-decoded), `<title>`, `<creator>`, `<duration>` (milliseconds).
//   Read with QXmlStreamReader; the first <location> of a track is its entry.
//
// Entry forms, as `PlaylistItem::kind` and `path` (every form in every format):
// - relative (`a/b.flac`, `..\x\y.flac`): joined to the playlist's folder → Local, absolute;
// - absolute POSIX (`/music/a.mp3`) → Local;
// - `file:///home/a%20b.mp3`, `file://localhost/…`, `file:/…` → Local, percent-decoded;
// - drive letter (`C:\Music\a.mp3`, `C:/Music/…`, `file:///C:/…`) → Foreign, `C:/Music/a.mp3`;
// - UNC (`\\server\share\a.mp3`, `file://server/share/…`) → Foreign, `//server/share/a.mp3`;
// - any other URL (`http://…`, `cdda://…`) → Remote: a stream, never a library file;
// - a line with control characters (binary data) → Invalid.
// A `\` is always a separator (Windows players write it so; Linux file names with a `\` are
// vanishingly rare and ambiguous). Foreign paths cannot exist here as written: the resolver
// matches their trailing components against the library's files.
//
// Encoding (results are always valid UTF-8, fit for SQLite TEXT columns):
// - a BOM decides (UTF-8, UTF-16LE/BE) and is stripped;
// - XSPF: as XML says (declaration, default UTF-8);
// - M3U8: UTF-8. M3U and PLS: UTF-8 if all bytes are valid UTF-8, else Windows-1252. An 8-bit
//   playlist (Winamp, foobar2000 and Windows Media Player write the ANSI code page) is almost
//   always Windows-1252; it is a superset of Latin-1's printable characters and maps every byte
//   to a character, so decoding never fails, and a Windows-1252 text with accents is almost
//   never valid UTF-8 by chance (é = E9 followed by a letter is an invalid sequence). An M3U8
//   that is not valid UTF-8 is read the same way and says so in `encoding`.
// - percent-decoded bytes of a file URL that are not valid UTF-8 (old players encoded Latin-1)
//   are decoded as Windows-1252 too.
//
// Limits: at most kMaxPlaylistBytes are read and at most kMaxPlaylistEntries entries kept; the
// rest is dropped and `truncated` says why (the import reports it). A file with NUL bytes that
// is not UTF-16 is not a playlist (Corrupt).

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace songspace::core {
struct SongRow;
}

namespace songspace::library {

enum class PlaylistFormat { M3u, M3u8, Pls, Xspf };

// The format a file name stands for (extension, any case: .m3u, .m3u8, .pls, .xspf); nullopt
// for anything else. The scan reads exactly these files as playlists.
std::optional<PlaylistFormat> playlistFormatOf(const std::filesystem::path& file);
const char* playlistFormatName(PlaylistFormat format);  // "m3u", "m3u8", "pls", "xspf"

inline constexpr std::int64_t kMaxPlaylistBytes = std::int64_t{16} << 20;  // 16 MiB
inline constexpr int kMaxPlaylistEntries = 100000;

struct PlaylistItem {
  enum class Kind {
    Local,    // a path on this system: `path` is absolute and lexically normal
    Foreign,  // a Windows path (drive letter or UNC): `path` holds it with '/' separators
    Remote,   // a URL of another scheme (http:, …): `path` is empty
    Invalid,  // not a path at all (control characters): `path` is empty
  };
  Kind kind = Kind::Local;
  int line = 0;                 // 1-based line of the entry (PLS: FileN=; XSPF: <location>)
  std::string written;          // the entry as written, decoded, trimmed (UTF-8)
  std::filesystem::path path;   // see kind; UTF-8 bytes
  bool relative = false;        // Local, written relative to the playlist's folder
  std::string title;            // #EXTINF title / TitleN / <title>; may be empty
  std::string creator;          // XSPF <creator>; empty elsewhere (#EXTINF has it in the title)
  double durationSeconds = -1;  // #EXTINF / LengthN / <duration>/1000; -1 = not given
};

struct PlaylistFile {
  std::string name;  // #PLAYLIST: or XSPF <title>, else the file's stem (UTF-8)
  PlaylistFormat format = PlaylistFormat::M3u8;
  std::string encoding;             // "UTF-8", "UTF-16LE", "Windows-1252", …, as decoded
  std::vector<PlaylistItem> items;  // in playlist order
  std::string truncated;            // empty, or why not everything was read (size cap)
};

// Strict UTF-8 (RFC 3629): what may go into an SQLite TEXT column.
bool isValidUtf8(std::string_view bytes);

// Parses a playlist held in memory. `playlistFile` names it (its folder anchors relative
// entries, its stem is the default name; it is not opened). Ok for any input that is text,
// including an empty one (no items); Corrupt, with the line and column, for malformed XSPF and
// for binary data (NUL bytes without a UTF-16 BOM); `out` is then cleared. Bytes beyond
// kMaxPlaylistBytes (M3U, PLS: the whole line they cut) and entries beyond kMaxPlaylistEntries
// are dropped and `truncated` says so. This is the fuzzing entry point.
[[nodiscard]] base::Status parsePlaylist(const QByteArray& bytes,
                                         const std::filesystem::path& playlistFile,
                                         PlaylistFormat format, PlaylistFile& out);

// Reads and parses `file` (format from its extension; unknown extensions are read as M3U).
// NotFound when it does not exist, PermissionDenied when it cannot be opened, Io when reading
// fails or it is a folder, else as parsePlaylist; the message names the file and the reason.
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
