// Catalog: reading songs, features, frame samples, artists, counts and tags.

#include "core/catalog/catalog.h"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "core/base/prefault.h"
#include "core/catalog/catalog_sql.h"

namespace songspace::core {
namespace {

constexpr const char* kSongColumns =
    "SELECT f.id, f.path, f.state, t.title, t.artist, t.album_artist, t.album, t.genres, "
    "t.moods, t.groupings, t.comments, t.free_tags, t.year, t.track_number, t.duration, "
    "t.artist_id, a.name, t.album_id, fe.warnings "
    "FROM files f LEFT JOIN tracks t ON t.file_id = f.id "
    "LEFT JOIN artists a ON a.id = t.artist_id "
    "LEFT JOIN features fe INDEXED BY features_small_columns ON fe.file_id = f.id ";

// Whether a file tag `ft` is a value Songspace wrote and the user has not accepted.
constexpr const char* kWritten =
    "(ft.source = 0 AND EXISTS(SELECT 1 FROM written_tags w "
    "WHERE w.file_id = ft.file_id AND w.tag_id = ft.tag_id)) ";

// Fills `row` in place (a row is ~400 bytes: built where it is stored, not moved there).
void readSong(const Stmt& s, SongRow& row) {
  row.fileId = s.int64At(0);
  row.path = s.textAt(1);
  row.state = static_cast<FileState>(s.intAt(2));
  TrackInfo& info = row.info;
  info.title = s.textAt(3);
  info.artist = s.textAt(4);
  info.albumArtist = s.textAt(5);
  info.album = s.textAt(6);
  info.genres = splitList(s.textAt(7));
  info.moods = splitList(s.textAt(8));
  info.groupings = splitList(s.textAt(9));
  info.comments = splitList(s.textAt(10));
  info.freeTags = splitList(s.textAt(11));
  info.year = s.intAt(12);
  info.trackNumber = s.intAt(13);
  info.durationSeconds = s.doubleAt(14);
  row.artistId = s.int64At(15);
  row.artistName = s.textAt(16);
  row.albumId = s.int64At(17);
  row.album = info.album;
  row.warnings = splitList(s.textAt(18));
}

}  // namespace

std::vector<SongRow> Catalog::songs(bool includeMissing) const {
  Stmt s(m_db, std::string(kSongColumns) + (includeMissing ? "" : "WHERE f.state != 2 ") +
                   "ORDER BY f.id");
  std::vector<SongRow> rows;
  {
    // Reserved: growing by doubling moved and page-faulted ~50 MB of rows at 10⁵ songs.
    Stmt count(m_db, std::string("SELECT count(*) FROM files") +
                         (includeMissing ? "" : " WHERE state != 2"));
    if (count.next()) rows.reserve(static_cast<std::size_t>(count.int64At(0)));
  }
  // The rows' first writes fault the memory in: in huge pages, and ahead of the rows on another
  // thread (core/base/prefault.h).
  std::optional<base::BackgroundPrefault> prefault;
  prefault.emplace(rows.data(), rows.capacity() * sizeof(SongRow));
  while (s.next()) {
    // More rows than counted (files added since the count): the vector moves, so the prefault
    // of its old buffer ends first.
    if (rows.size() == rows.capacity()) prefault.reset();
    readSong(s, rows.emplace_back());
  }
  m_lastStatus = s.status();
  return rows;
}

std::optional<Catalog::FeaturesGeneration> Catalog::featuresGeneration() const {
  Stmt s(m_db,
         "SELECT (SELECT value FROM generations WHERE name = 'catalog'), "
         "(SELECT value FROM generations WHERE name = 'features')");
  std::optional<FeaturesGeneration> generation;
  if (s.next() && !s.isNull(0) && !s.isNull(1)) generation = {s.int64At(0), s.int64At(1)};
  m_lastStatus = s.status();
  if (!generation && m_lastStatus.ok())
    m_lastStatus =
        base::Status::failure(base::ErrorCode::Corrupt, "the catalog has no generations");
  return generation;
}

std::unordered_map<std::int64_t, double> Catalog::durations() const {
  Stmt s(m_db, "SELECT file_id, duration FROM tracks");
  std::unordered_map<std::int64_t, double> out;
  while (s.next()) out.emplace(s.int64At(0), s.doubleAt(1));
  m_lastStatus = s.status();
  return out;
}

std::optional<SongRow> Catalog::song(std::int64_t fileId) const {
  Stmt s(m_db, std::string(kSongColumns) + "WHERE f.id = ?");
  std::optional<SongRow> row;
  if (s.bind(1, fileId).next()) readSong(s, row.emplace());
  m_lastStatus = s.status();
  return row;
}

std::optional<RawSongFeatures> Catalog::features(std::int64_t fileId) const {
  Stmt s(m_db, "SELECT codewords, summary FROM features WHERE file_id = ?");
  std::optional<RawSongFeatures> features;
  if (s.bind(1, fileId).next())
    features = RawSongFeatures{decodeCodewords(s.blobAt(0)), decodeFloats(s.blobAt(1))};
  m_lastStatus = s.status();
  return features;
}

std::vector<SongFeatures> Catalog::loadFeatures(std::optional<int> codebookId) const {
  Stmt s(m_db, std::string("SELECT x.file_id, x.codebook_id, x.codewords, x.summary "
                           "FROM features x JOIN files f ON f.id = x.file_id WHERE f.state = 0 ") +
                   (codebookId ? "AND x.codebook_id = ?1 " : "") + "ORDER BY x.file_id");
  if (codebookId) s.bind(1, *codebookId);
  std::vector<SongFeatures> out;
  while (s.next())
    out.push_back({s.int64At(0), s.intAt(1),
                   RawSongFeatures{decodeCodewords(s.blobAt(2)), decodeFloats(s.blobAt(3))}});
  m_lastStatus = s.status();
  return out;
}

FrameSampleSet Catalog::frameSamples(int maxRows) const {
  FrameSampleSet set;
  Stmt pick(m_db,
            "SELECT x.dimension, sum(x.rows) FROM frame_samples x JOIN files f ON f.id = x.file_id "
            "WHERE f.state = 0 AND x.rows > 0 GROUP BY x.dimension ORDER BY 2 DESC, 1 LIMIT 1");
  if (!pick.next()) {
    m_lastStatus = pick.status();
    return set;
  }
  const int dimension = pick.intAt(0);
  const std::int64_t total = pick.int64At(1);
  const std::int64_t wanted = (maxRows > 0 && maxRows < total) ? maxRows : total;
  set.dimension = dimension;
  set.data.reserve(static_cast<std::size_t>(wanted * dimension));
  Stmt s(m_db,
         "SELECT x.rows, x.data FROM frame_samples x JOIN files f ON f.id = x.file_id "
         "WHERE f.state = 0 AND x.dimension = ? AND x.rows > 0 ORDER BY x.file_id");
  s.bind(1, dimension);
  std::int64_t index = 0;  // global row index over all stored rows
  while (s.next()) {
    const std::vector<float> data = decodeFloats(s.blobAt(1));
    const int rows = s.intAt(0);
    for (int r = 0; r < rows; ++r, ++index) {
      // Keep row i when floor((i+1)·wanted/total) steps: exactly `wanted` evenly spaced rows.
      if ((index + 1) * wanted / total == index * wanted / total) continue;
      const auto begin = data.begin() + static_cast<std::ptrdiff_t>(r) * dimension;
      set.data.insert(set.data.end(), begin, begin + dimension);
      ++set.rows;
    }
  }
  m_lastStatus = s.status();
  return set;
}

std::vector<ArtistRow> Catalog::artists() const {
  Stmt s(m_db,
         "SELECT a.id, a.name, count(f.id) FROM artists a JOIN tracks t ON t.artist_id = a.id "
         "JOIN files f ON f.id = t.file_id AND f.state != 2 GROUP BY a.id ORDER BY a.name");
  std::vector<ArtistRow> out;
  while (s.next()) out.push_back({s.int64At(0), s.textAt(1), s.int64At(2)});
  m_lastStatus = s.status();
  return out;
}

CatalogCounts Catalog::counts() const {
  CatalogCounts counts;
  Stmt s(m_db, "SELECT state, count(*) FROM files GROUP BY state");
  while (s.next()) {
    const std::int64_t n = s.int64At(1);
    switch (static_cast<FileState>(s.intAt(0))) {
      case FileState::Analyzed:
        counts.analyzed = n;
        break;
      case FileState::Failed:
        counts.failed = n;
        break;
      case FileState::Missing:
        counts.missing = n;
        break;
    }
  }
  Stmt f(m_db,
         "SELECT error_code, error_reason, count(*) FROM files WHERE state = 1 "
         "GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2");
  while (f.next()) counts.failures.push_back({f.intAt(0), f.textAt(1), f.int64At(2)});
  m_lastStatus = s.ok() ? f.status() : s.status();
  return counts;
}

std::vector<FileTag> Catalog::tags(std::int64_t fileId) const {
  Stmt s(m_db, std::string("SELECT t.name, ft.source, ft.score, ") + kWritten +
                   "FROM file_tags ft JOIN tags t ON t.id = ft.tag_id "
                   "WHERE ft.file_id = ? ORDER BY ft.source, ft.rowid");
  s.bind(1, fileId);
  std::vector<FileTag> out;
  while (s.next())
    out.push_back({s.textAt(0), static_cast<TagSource>(s.intAt(1)),
                   static_cast<float>(s.doubleAt(2)), s.int64At(3) != 0});
  m_lastStatus = s.status();
  return out;
}

namespace {

// Every row of file_tags (of one source when given) with the names of the tags and which file
// values Songspace wrote, by file, source, then insertion order (rowid), as tags(fileId) lists
// them: three plain scans and the grouping in C++. Joining every row with its name and its
// provenance and sorting them in SQL took 1.1 s at 7.5·10⁵ tag rows (docs/experiments.md §3.11),
// the scans 0.1 s.
struct TagRow {
  std::int64_t fileId, rowId, tagId;
  int source;
  float score;
};
struct TagRows {
  std::vector<std::string> names;                           // by tag id
  std::set<std::pair<std::int64_t, std::int64_t>> written;  // (file id, tag id): few rows
  std::vector<TagRow> rows;

  FileTag tagOf(const TagRow& row) const {
    const auto id = static_cast<std::size_t>(row.tagId);
    const auto tagSource = static_cast<TagSource>(row.source);
    return {id < names.size() ? names[id] : std::string(), tagSource, row.score,
            tagSource == TagSource::File && written.contains({row.fileId, row.tagId})};
  }
};

base::Status readTagRows(sqlite3* db, std::optional<TagSource> source, TagRows& out) {
  {
    Stmt s(db, "SELECT id, name FROM tags");
    while (s.next()) {
      const auto id = static_cast<std::size_t>(s.int64At(0));
      if (id >= out.names.size()) out.names.resize(id + 1);
      out.names[id] = s.textAt(1);
    }
    if (!s.status().ok()) return s.status();
  }
  {
    Stmt s(db, "SELECT file_id, tag_id FROM written_tags");
    while (s.next()) out.written.emplace(s.int64At(0), s.int64At(1));
    if (!s.status().ok()) return s.status();
  }
  {
    Stmt s(db, std::string("SELECT file_id, rowid, tag_id, source, score FROM file_tags ") +
                   (source ? "WHERE source = ?1" : ""));
    if (source) s.bind(1, static_cast<int>(*source));
    while (s.next()) {
      out.rows.push_back({s.int64At(0), s.int64At(1), s.int64At(2), s.intAt(3),
                          static_cast<float>(s.doubleAt(4))});
    }
    if (!s.status().ok()) return s.status();
  }
  std::sort(out.rows.begin(), out.rows.end(), [](const TagRow& a, const TagRow& b) {
    return std::tie(a.fileId, a.source, a.rowId) < std::tie(b.fileId, b.source, b.rowId);
  });
  return {};
}

}  // namespace

std::vector<TagAssignment> Catalog::allTags(std::optional<TagSource> source) const {
  TagRows read;
  m_lastStatus = readTagRows(m_db, source, read);
  if (!m_lastStatus.ok()) return {};
  std::vector<TagAssignment> out;
  out.reserve(read.rows.size());
  for (const TagRow& row : read.rows) out.push_back({row.fileId, read.tagOf(row)});
  return out;
}

FileTagTable Catalog::tagTable() const {
  TagRows read;
  m_lastStatus = readTagRows(m_db, std::nullopt, read);
  if (!m_lastStatus.ok()) return {};
  auto block = std::make_shared<FileTagTable::Block>();
  block->tags.reserve(read.rows.size());
  for (std::size_t i = 0; i < read.rows.size(); ++i) {
    const TagRow& row = read.rows[i];
    if (i == 0 || row.fileId != read.rows[i - 1].fileId) {
      block->files.push_back(row.fileId);
      block->begins.push_back(i);
    }
    block->tags.push_back(read.tagOf(row));
  }
  block->begins.push_back(read.rows.size());
  FileTagTable table;
  table.m_block = std::move(block);
  return table;
}

std::span<const FileTag> FileTagTable::of(std::int64_t fileId) const {
  if (!m_block) return {};
  const auto it = std::lower_bound(m_block->files.begin(), m_block->files.end(), fileId);
  if (it == m_block->files.end() || *it != fileId) return {};
  return entry(static_cast<std::size_t>(it - m_block->files.begin())).tags;
}

FileTagTable::Entry FileTagTable::entry(std::size_t file) const {
  const std::size_t begin = m_block->begins[file];
  const std::size_t end = m_block->begins[file + 1];
  return {m_block->files[file],
          std::span<const FileTag>(m_block->tags.data() + begin, end - begin)};
}

}  // namespace songspace::core
