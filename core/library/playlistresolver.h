#pragma once

// Finding the library file each playlist entry means (parsing is playlistfile.h).
//
// Rules, in order; the first that gives exactly one file wins, and the result says which:
// 1. exact: the entry's path (relative ones joined to the playlist's folder) is a library file,
//    or a file on disk (then it is reported as outside the library and kept by path, so a later
//    scan of its folder links it);
// 2. case_insensitive: the path compared case-folded (Unicode NFC + case folding) with the
//    library's paths, then with the folders' listings on disk. Windows and macOS file systems
//    ignore case, so playlists written there often differ in case from the files;
// 3. trailing_components, for Windows paths (drive letter, UNC) and absolute POSIX paths that do
//    not exist here (another machine's or an old home folder): the library files whose trailing
//    path components equal the entry's (case-folded) — the file name, then its folder, … — are
//    compared, and the one with the longest common suffix wins — the longest suffix that is
//    unique among the library's paths; a tie is broken by exact case. Drive letters and UNC
//    server/share never count as components.
//    A relative entry is not guessed at: it names a place beside the playlist, and a file
//    missing there is reported rather than replaced by a namesake elsewhere.
// Two or more equally good files (rule 2 or 3) leave the entry unresolved as ambiguous, naming
// them: a wrong song in a playlist is worse than a reported gap. Streams (http:, …) and lines
// that are not paths are unresolved with their reason.
//
// Memory: the library's paths are indexed (three hash maps, ~0.5 KB a file) only when an entry
// needs them. A resolver given a one-path lookup (the catalog's index) resolves exact entries
// through it and loads the library's files only for an entry that needs rule 2 or 3, so a
// playlist of existing paths costs nothing per library song (docs/experiments.md §3.14).
//
// Thread rules: a resolver caches folder listings; use one per thread.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/library/playlistfile.h"

namespace songspace::library {

struct LibraryFile {
  std::int64_t id = 0;
  std::string path;  // absolute, native
};

enum class MatchRule { None, Exact, CaseInsensitive, TrailingComponents };
const char* matchRuleName(MatchRule rule);  // "none", "exact", "case_insensitive", …

struct EntryResolution {
  MatchRule rule = MatchRule::None;
  std::int64_t fileId = 0;  // the library file, 0 when none
  std::string path;         // the file found (native); empty when none
  int components = 0;       // trailing_components: how many matched (1 = the file name only)
  std::string reason;       // why it is not a library file (empty when fileId != 0)
};

class PlaylistResolver {
 public:
  // The library's id of a path (absolute, native), nullopt when it is not a library file.
  using FileLookup = std::function<std::optional<std::int64_t>(const std::string& path)>;
  // Every library file, called at most once.
  using FileLoader = std::function<std::vector<LibraryFile>()>;

  // The library's files, given whole.
  explicit PlaylistResolver(std::vector<LibraryFile> files);
  // The library looked up one path at a time by `lookup`, and loaded whole by `load` only when an
  // entry is not an exact library path. Both must describe the same files.
  PlaylistResolver(FileLookup lookup, FileLoader load);
  EntryResolution resolve(const PlaylistItem& item);

 private:
  std::optional<std::int64_t> idOf(const std::string& path);
  void index();  // m_files (loaded if need be) and the maps below, once
  EntryResolution byPath(const std::string& path, MatchRule rule);
  EntryResolution caseInsensitive(const std::filesystem::path& path);
  EntryResolution trailingComponents(const PlaylistItem& item);
  const std::vector<std::pair<std::string, std::string>>& listing(
      const std::filesystem::path& folder);

  FileLookup m_lookup;  // empty: m_byPath
  FileLoader m_load;    // empty: m_files was given
  bool m_indexed = false;
  std::vector<LibraryFile> m_files;
  std::unordered_map<std::string, std::size_t> m_byPath;
  std::unordered_map<std::string, std::vector<std::size_t>> m_byFoldedPath;
  std::unordered_map<std::string, std::vector<std::size_t>> m_byFoldedName;
  // folder → (folded name, name) of its entries
  std::map<std::filesystem::path, std::vector<std::pair<std::string, std::string>>> m_listings;
};

// One entry of an import report.
struct PlaylistEntryNote {
  int line = 0;        // 1-based, in the playlist file
  std::string entry;   // as written
  std::string title;   // what the playlist calls it (#EXTINF, TitleN, <creator> – <title>)
  std::string detail;  // unresolved: the reason; inexact: the file it was matched to
  MatchRule rule = MatchRule::None;
  int components = 0;  // trailing_components only
};

// What importing one playlist found.
struct PlaylistImport {
  std::string path;  // the playlist file
  std::string name;
  PlaylistFormat format = PlaylistFormat::M3u8;
  std::string encoding;
  std::string truncated;  // see PlaylistFile
  int entries = 0;
  int resolved = 0;                                 // entries linked to library files
  std::vector<PlaylistEntryNote> unresolved;        // with the reason
  std::vector<PlaylistEntryNote> inexact;           // resolved by rule 2 or 3, with the file chosen
  std::vector<core::PlaylistEntry> catalogEntries;  // for Catalog::replacePlaylist, in order
};

PlaylistImport resolvePlaylist(const std::filesystem::path& file, const PlaylistFile& playlist,
                               PlaylistResolver& resolver);

}  // namespace songspace::library
