#include "core/library/playlistresolver.h"

#include <QString>
#include <algorithm>
#include <system_error>

namespace songspace::library {

namespace fs = std::filesystem;

namespace {

// How many equally good candidates an "ambiguous" reason names.
constexpr std::size_t kNamedCandidates = 3;

std::string fold(std::string_view s) {
  return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()))
      .normalized(QString::NormalizationForm_C)
      .toCaseFolded()
      .toStdString();
}

std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string ambiguous(const std::string& what, const std::vector<std::string>& candidates) {
  std::string text = "ambiguous: " + std::to_string(candidates.size()) + " files " + what + ": ";
  for (std::size_t i = 0; i < candidates.size() && i < kNamedCandidates; ++i)
    text += (i ? ", " : "") + candidates[i];
  if (candidates.size() > kNamedCandidates) text += ", …";
  return text;
}

bool isRegularFile(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

}  // namespace

const char* matchRuleName(MatchRule rule) {
  switch (rule) {
    case MatchRule::None:
      return "none";
    case MatchRule::Exact:
      return "exact";
    case MatchRule::CaseInsensitive:
      return "case_insensitive";
    case MatchRule::TrailingComponents:
      return "trailing_components";
  }
  return "none";
}

PlaylistResolver::PlaylistResolver(std::vector<LibraryFile> files) : m_files(std::move(files)) {}

PlaylistResolver::PlaylistResolver(FileLookup lookup, FileLoader load)
    : m_lookup(std::move(lookup)), m_load(std::move(load)) {}

void PlaylistResolver::index() {
  if (m_indexed) return;
  m_indexed = true;
  if (m_load) m_files = m_load();
  for (std::size_t i = 0; i < m_files.size(); ++i) {
    const std::string& path = m_files[i].path;
    if (!m_lookup) m_byPath.emplace(path, i);
    m_byFoldedPath[fold(path)].push_back(i);
    m_byFoldedName[fold(fs::path(path).filename().native())].push_back(i);
  }
}

std::optional<std::int64_t> PlaylistResolver::idOf(const std::string& path) {
  if (m_lookup) return m_lookup(path);
  index();
  if (const auto it = m_byPath.find(path); it != m_byPath.end()) return m_files[it->second].id;
  return std::nullopt;
}

EntryResolution PlaylistResolver::byPath(const std::string& path, MatchRule rule) {
  EntryResolution r;
  r.rule = rule;
  r.path = path;
  if (const std::optional<std::int64_t> id = idOf(path)) {
    r.fileId = *id;
  } else {
    r.reason = "the file exists but is not in the library (outside the scanned folders?)";
  }
  return r;
}

const std::vector<std::pair<std::string, std::string>>& PlaylistResolver::listing(
    const fs::path& folder) {
  auto [it, inserted] = m_listings.try_emplace(folder);
  if (inserted) {
    std::error_code ec;
    for (fs::directory_iterator entries(folder, ec), end; !ec && entries != end;
         entries.increment(ec)) {
      const std::string name = entries->path().filename().native();
      it->second.emplace_back(fold(name), name);
    }
  }
  return it->second;
}

EntryResolution PlaylistResolver::caseInsensitive(const fs::path& path) {
  index();
  EntryResolution none;
  if (const auto it = m_byFoldedPath.find(fold(path.native())); it != m_byFoldedPath.end()) {
    if (it->second.size() == 1)
      return byPath(m_files[it->second.front()].path, MatchRule::CaseInsensitive);
    std::vector<std::string> names;
    names.reserve(it->second.size());
    for (const std::size_t i : it->second) names.push_back(m_files[i].path);
    none.reason = ambiguous("differ from it only in case", names);
    return none;
  }
  // The folders on disk, one component at a time: an exact name first, else every name equal
  // when case-folded (a path outside the library, or one the scan has not reached).
  std::vector<fs::path> found{path.root_path()};
  for (const fs::path& part : path.relative_path()) {
    std::vector<fs::path> next;
    const std::string wanted = fold(part.native());
    for (const fs::path& folder : found) {
      std::error_code ec;
      if (fs::exists(folder / part, ec)) {
        next.push_back(folder / part);
        continue;
      }
      for (const auto& [folded, name] : listing(folder))
        if (folded == wanted) next.push_back(folder / name);
    }
    found = std::move(next);
    if (found.empty() || found.size() > kNamedCandidates + 1) break;
  }
  found.erase(std::remove_if(found.begin(), found.end(),
                             [](const fs::path& p) { return !isRegularFile(p); }),
              found.end());
  if (found.size() == 1) return byPath(found.front().native(), MatchRule::CaseInsensitive);
  if (found.size() > 1) {
    std::vector<std::string> names;
    names.reserve(found.size());
    for (const fs::path& p : found) names.push_back(p.native());
    none.reason = ambiguous("differ from it only in case", names);
  }
  return none;
}

EntryResolution PlaylistResolver::trailingComponents(const PlaylistItem& item) {
  index();
  EntryResolution none;
  // A drive ("C:", also drive-relative "C:Music/a.mp3") or a UNC server and share are not
  // folders a library file can share.
  const std::string& written = item.path.native();
  const bool unc = item.kind == PlaylistItem::Kind::Foreign && written.rfind("//", 0) == 0;
  const bool drive = item.kind == PlaylistItem::Kind::Foreign && !unc;
  std::vector<std::string> parts =
      components(drive ? std::string_view(written).substr(std::min<std::size_t>(2, written.size()))
                       : std::string_view(written));
  if (unc)
    parts.erase(parts.begin(), parts.begin() + std::min<std::ptrdiff_t>(
                                                   2, static_cast<std::ptrdiff_t>(parts.size())));
  if (parts.empty()) {
    none.reason = "no file name";
    return none;
  }
  std::vector<std::string> folded;
  folded.reserve(parts.size());
  for (const std::string& part : parts) folded.push_back(fold(part));
  const auto candidates = m_byFoldedName.find(folded.back());
  if (candidates == m_byFoldedName.end()) {
    none.reason = item.kind == PlaylistItem::Kind::Foreign
                      ? "a Windows path, and no library file is named " + parts.back()
                      : "no such file, and no library file is named " + parts.back();
    return none;
  }
  // (common folded components, common exact components) per candidate: the best is unique
  // or the entry is ambiguous.
  std::pair<int, int> best{0, 0};
  std::vector<std::size_t> winners;
  for (const std::size_t i : candidates->second) {
    const std::vector<std::string> theirs = components(m_files[i].path);
    std::pair<int, int> score{0, 0};
    for (std::size_t k = 1; k <= parts.size() && k <= theirs.size(); ++k) {
      const std::string& mine = parts[parts.size() - k];
      const std::string& other = theirs[theirs.size() - k];
      if (fold(other) != folded[folded.size() - k]) break;
      score.first = static_cast<int>(k);
      if (score.second == static_cast<int>(k) - 1 && mine == other) score.second = score.first;
    }
    if (score > best) {
      best = score;
      winners.clear();
    }
    if (score == best) winners.push_back(i);
  }
  if (winners.size() == 1) {
    EntryResolution r = byPath(m_files[winners.front()].path, MatchRule::TrailingComponents);
    r.components = best.first;
    return r;
  }
  std::vector<std::string> names;
  names.reserve(winners.size());
  for (const std::size_t i : winners) names.push_back(m_files[i].path);
  std::string tail;
  for (std::size_t k = parts.size() - static_cast<std::size_t>(best.first); k < parts.size(); ++k)
    tail += "/" + parts[k];
  none.reason = ambiguous("end in …" + tail, names);
  return none;
}

EntryResolution PlaylistResolver::resolve(const PlaylistItem& item) {
  EntryResolution none;
  switch (item.kind) {
    case PlaylistItem::Kind::Remote:
      none.reason = "a stream or web address, not a file";
      return none;
    case PlaylistItem::Kind::Invalid:
      none.reason = "not a path (control characters or binary data)";
      return none;
    case PlaylistItem::Kind::Foreign:
      return trailingComponents(item);
    case PlaylistItem::Kind::Local:
      break;
  }
  const std::string& path = item.path.native();
  if (idOf(path) || isRegularFile(item.path)) return byPath(path, MatchRule::Exact);
  EntryResolution r = caseInsensitive(item.path);
  if (r.rule != MatchRule::None || !r.reason.empty()) return r;
  // A relative entry is not guessed at (see the header).
  if (!item.relative) return trailingComponents(item);
  none.reason = "no such file";
  return none;
}

PlaylistImport resolvePlaylist(const fs::path& file, const PlaylistFile& playlist,
                               PlaylistResolver& resolver) {
  PlaylistImport out;
  out.path = file.native();
  out.name = playlist.name;
  out.format = playlist.format;
  out.encoding = playlist.encoding;
  out.truncated = playlist.truncated;
  out.entries = static_cast<int>(playlist.items.size());
  for (const PlaylistItem& item : playlist.items) {
    const EntryResolution r = resolver.resolve(item);
    PlaylistEntryNote note{item.line, item.written, item.title, {}, r.rule, r.components};
    if (!item.creator.empty())
      note.title = item.title.empty() ? item.creator : item.creator + " – " + item.title;
    core::PlaylistEntry entry;
    entry.fileId = r.fileId;
    // Stored in a TEXT column: the file found when its name is UTF-8, else the entry as read
    // (always UTF-8).
    entry.path = !r.path.empty() && isValidUtf8(r.path) ? r.path
                 : item.path.empty()                    ? item.written
                                                        : item.path.native();
    out.catalogEntries.push_back(std::move(entry));
    if (r.fileId == 0) {
      note.detail = r.reason;
      out.unresolved.push_back(std::move(note));
      continue;
    }
    ++out.resolved;
    if (r.rule != MatchRule::Exact) {
      note.detail = r.path;
      out.inexact.push_back(std::move(note));
    }
  }
  return out;
}

}  // namespace songspace::library
