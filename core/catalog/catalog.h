#pragma once

// The library catalog (docs/design.md §5): one SQLite database per library holding files and their
// metadata, analysis results and failures, artists, tags (file / user / predicted), playlists,
// codebooks, models and the journal of tag edits written to files.
//
// Thread model: one Catalog object is used by one thread at a time (it owns one sqlite3
// connection, opened without a mutex). Several processes — or several Catalog objects in one
// process — may open the same file: the database is in WAL mode with a busy timeout, so readers
// never block the writer and writers wait for each other instead of failing at once.
//
// Durability: every mutating call is one transaction (or one savepoint inside a batch). A
// process killed at any moment leaves a consistent catalog: each committed store is complete,
// nothing is half-stored (SQLite's journal rolls an interrupted transaction back on next open).
//
// Errors: mutating calls return a base::Status (codes CannotOpen, NotACatalog, SchemaTooNew,
// Corrupt, Sql, NotFound, Busy). Reading calls return their value directly (an
// empty vector / nullopt when there is nothing or on an SQL failure) and record the outcome in
// lastStatus().

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/base/filestamp.h"
#include "core/base/status.h"
#include "core/model/featurespace.h"

struct sqlite3;

namespace songspace::core {

class StatementCache;  // catalog_sql.h

// PRAGMA application_id of every Songspace catalog ("SGSP").
inline constexpr std::int32_t kCatalogApplicationId = 0x53475350;
// PRAGMA user_version written by this build; migrations run in order from the file's version.
// Version 2 added the provenance of values Songspace wrote into files (written_tags,
// tag_edits.accepted_at); migrating from 1 fills it from the journal. Version 3 added the
// library's own settings (library_settings: the reading rules the tags were read under, the
// scanned folders), which every program opening the catalog shares. Version 4 added the origin of
// a playlist (playlists.origin: 'library' or 'songspace'); existing playlists are the library's.
// Version 5 added the features generation (Catalog::featuresGeneration) and an index of the small
// feature columns.
inline constexpr int kCatalogSchemaVersion = 5;

// Keys of Catalog::librarySetting.
// The reading rules (TagReadingRules::fingerprint()) the stored metadata and File tags were read
// under; a scan under other rules reads the tags of unchanged files again.
inline constexpr std::string_view kReadingRulesSetting = "reading_rules";
// The folders the library was last scanned from, one absolute path per line (what File › Rescan
// scans when the program that opened the catalog has none of its own).
inline constexpr std::string_view kScanRootsSetting = "scan_roots";
// How long a call waits for another process's write lock before returning Busy.
inline constexpr int kCatalogBusyTimeoutMs = 5000;

// Metadata as read from a file. Core does not depend on audio/, so this is the catalog's own
// plain struct; the scanner copies audio's metadata into it. Lists keep their order; an element
// must not contain the byte 0x1F (unit separator, used for storage).
struct TrackInfo {
  std::string title, artist, albumArtist, album;
  std::vector<std::string> genres, moods, groupings, comments, freeTags;
  int year = 0;         // 0 = unknown
  int trackNumber = 0;  // 0 = unknown
  double durationSeconds = 0.0;
};

// Identity of a file's content for incremental scans.
enum class FileState { Analyzed = 0, Failed = 1, Missing = 2 };
const char* fileStateName(FileState state);  // "analyzed", "failed", "missing"

// Everything one analysis of one file produced.
struct AnalysisRecord {
  TrackInfo info;
  RawSongFeatures features;
  int codebookId = 0;              // codebook the codeword counts refer to (0 = none/shipped)
  std::vector<float> frameSample;  // frameSampleRows × frameDimension, row-major
  int frameSampleRows = 0;
  int frameDimension = 0;
  double analyzedSeconds = 0.0;  // wall time the analysis took
  std::int64_t frameCount = 0;   // frames in the whole song
  std::vector<std::string> warnings;
};

struct FileRow {
  std::int64_t id = 0;
  std::string path;
  base::FileStamp stamp;
  int featureVersion = 0;
  FileState state = FileState::Analyzed;
  int failureCode = 0;        // caller-defined error code of the last failure (0 = none)
  std::string failureReason;  // empty unless a failure was stored
};

struct SongRow {
  std::int64_t fileId = 0;
  std::string path;
  TrackInfo info;
  std::int64_t artistId = 0;  // the song's artist (album artist as fallback); 0 = none
  std::string artistName;
  std::int64_t albumId = 0;  // 0 = none
  std::string album;
  FileState state = FileState::Analyzed;
  // The warnings of its last analysis (AnalysisRecord::warnings: truncated, the header's duration
  // disagreeing with the decoded one, skipped corrupt packets, unreadable tags); empty when none.
  std::vector<std::string> warnings;
};

struct SongFeatures {
  std::int64_t fileId = 0;
  int codebookId = 0;
  RawSongFeatures features;
};

// Frame-sample rows of many songs, concatenated row-major (for re-learning the codebook).
struct FrameSampleSet {
  int dimension = 0;
  int rows = 0;
  std::vector<float> data;  // rows × dimension
};

enum class TagSource { File = 0, User = 1, Predicted = 2 };
const char* tagSourceName(TagSource source);  // "file", "user", "predicted"

struct FileTag {
  std::string tag;
  TagSource source = TagSource::File;
  float score = 1.0f;
  // Source File only: Songspace's auto-tag wrote this value into the file and the user has not
  // accepted it (see writtenTags). Such a value is shown as the file holds it but is never a
  // training label: the model must not learn from its own guesses.
  bool written = false;
};

struct TagAssignment {
  std::int64_t fileId = 0;
  FileTag tag;
};

// Every file's tags, all sources, grouped by file in one block (Catalog::tagTable): what a view of
// the whole library reads at once. Files in id order, each file's tags in the order
// Catalog::tags(fileId) lists them. Read-only; copies share the block (a copy costs a pointer),
// and any number of threads may read it at once.
// At 10⁵ songs with 7.5·10⁵ tags it is three allocations, against a vector and a map node per
// file in a map of vectors (docs/experiments.md §3.11).
class FileTagTable {
 public:
  struct Entry {
    std::int64_t fileId = 0;
    std::span<const FileTag> tags;  // never empty
  };
  class Iterator {
   public:
    using value_type = Entry;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    Entry operator*() const { return m_table->entry(m_file); }
    Iterator& operator++() {
      ++m_file;
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++m_file;
      return before;
    }
    bool operator==(const Iterator& other) const { return m_file == other.m_file; }

   private:
    friend class FileTagTable;
    Iterator(const FileTagTable* table, std::size_t file) : m_table(table), m_file(file) {}
    const FileTagTable* m_table = nullptr;
    std::size_t m_file = 0;
  };

  // The file's tags; empty when it has none (or is not in the catalog).
  std::span<const FileTag> of(std::int64_t fileId) const;
  std::size_t size() const { return m_block ? m_block->files.size() : 0; }  // files with tags
  bool empty() const { return size() == 0; }
  std::size_t tagCount() const { return m_block ? m_block->tags.size() : 0; }
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, size()}; }

 private:
  friend class Catalog;
  struct Block {
    std::vector<std::int64_t> files;  // ascending
    std::vector<std::size_t> begins;  // files.size() + 1 offsets into tags
    std::vector<FileTag> tags;
  };
  Entry entry(std::size_t file) const;
  std::shared_ptr<const Block> m_block;
};

struct ArtistRow {
  std::int64_t id = 0;
  std::string name;
  std::int64_t songCount = 0;  // songs not Missing whose artist this is
};

struct FailureCount {
  int errorCode = 0;
  std::string reason;
  std::int64_t count = 0;
};

struct CatalogCounts {
  std::int64_t analyzed = 0, failed = 0, missing = 0;
  std::vector<FailureCount> failures;  // of files currently Failed, most frequent first
};

struct CodebookRecord {
  int id = 0;
  std::int64_t createdAt = 0;  // unix seconds
  std::string description;
  std::vector<std::uint8_t> blob;
};

// A playlist entry names a catalog file by id, or by path when the file is not (yet) in the
// catalog; on reading, entries given by path are resolved against the files table again.
struct PlaylistEntry {
  std::int64_t fileId = 0;  // 0 = unresolved
  std::string path;
};

// Where a playlist came from (docs/design.md §5.1).
//   Library:   a playlist file the scan found in the library's folders — the user's or another
//              player's. Its songs count as similar (a training label, §1.3); Songspace never
//              deletes it.
//   Songspace: saved by Songspace (a map selection, a mix, a path). It holds the model's own
//              choices, so it is never a training label; Songspace may delete it.
enum class PlaylistOrigin { Library, Songspace };

struct Playlist {
  std::int64_t id = 0;
  std::string path;  // the M3U file (unique key)
  std::string name;
  std::vector<PlaylistEntry> entries;  // in playlist order
  PlaylistOrigin origin = PlaylistOrigin::Library;

  std::vector<std::int64_t> memberFileIds() const;  // resolved entries only, in order
};

struct ModelRecord {
  std::int64_t id = 0;
  std::string path;
  std::int64_t createdAt = 0;  // unix seconds
  std::string summaryJson;
};

// Tag-edit journal: the basis of undo for tags written into files. Storage only.
enum class TagBatchKind { Apply = 0, Undo = 1 };
enum class TagEditState { Pending = 0, Done = 1, Skipped = 2, Failed = 3 };
const char* tagEditStateName(TagEditState state);  // "pending", "done", "skipped", "failed"

struct TagBatch {
  std::int64_t id = 0;
  std::int64_t createdAt = 0;  // unix seconds
  TagBatchKind kind = TagBatchKind::Apply;
  std::int64_t undoesBatch = 0;  // for Undo batches: the batch undone; else 0
  std::string note;
};

struct TagEdit {
  std::int64_t id = 0;
  std::int64_t batchId = 0;
  std::int64_t fileId = 0;
  std::string path;
  std::string field;  // e.g. "genre", "mood"
  std::string oldValuesJson, newValuesJson;
  base::FileStamp oldStamp;
  std::optional<base::FileStamp> newStamp;  // set by finishEdit when the write happened
  TagEditState state = TagEditState::Pending;
  std::string reason;
  std::int64_t acceptedAt = 0;  // unix seconds the user accepted what it wrote; 0 = not accepted
};

// A value Songspace wrote into a file (a Done edit of an Apply batch) that the file still holds
// and the user has not accepted: its provenance, kept across rescans until the value leaves the
// file, an undo takes it out, or acceptEdits turns it into a user tag.
struct WrittenTag {
  std::int64_t fileId = 0;
  std::string tag;  // normalised, as in file_tags
  std::int64_t editId = 0;
  std::int64_t batchId = 0;
};

class Catalog {
 public:
  // Opens (creating file and parent folders if absent) and migrates to kCatalogSchemaVersion.
  // Returns nullptr and fills *status (if given) on failure.
  [[nodiscard]] static std::unique_ptr<Catalog> open(const std::filesystem::path& path,
                                                     base::Status* status = nullptr);
  // For tests of the migration path: create a catalog migrated only up to `version`.
  static base::Status createWithSchemaVersion(const std::filesystem::path& path, int version);

  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  [[nodiscard]] int schemaVersion() const;
  // Where the analysed songs' model inputs stand: `catalog` identifies this catalog (drawn at
  // random when its schema reached version 5; a copy of the file shares it), `features` changes
  // whenever any song's features or any file's state does (SQLite triggers count the changes, in
  // the writing transaction). Equal values mean loadFeatures() returns what it returned when they
  // were read — what a cache of results computed from the features is checked against. Read it
  // before the features it vouches for: a write between the two then only makes the cache stale.
  // nullopt (lastStatus() says why) when it cannot be read.
  struct FeaturesGeneration {
    std::int64_t catalog = 0;
    std::int64_t features = 0;
    bool operator==(const FeaturesGeneration&) const = default;
  };
  [[nodiscard]] std::optional<FeaturesGeneration> featuresGeneration() const;
  [[nodiscard]] std::string journalMode() const;     // "wal" once open
  [[nodiscard]] std::string integrityCheck() const;  // "ok" when healthy
  const base::Status& lastStatus() const { return m_lastStatus; }

  // --- batching: group many mutating calls in one transaction (much faster). Calls inside a
  // batch are savepoints: a failing call undoes only itself. Nothing is durable before commit.
  base::Status beginBatch();
  base::Status commitBatch();
  base::Status rollbackBatch();
  bool inBatch() const { return m_batchDepth > 0; }

  // --- incremental scanning
  [[nodiscard]] std::optional<FileRow> fileByPath(std::string_view path) const;
  [[nodiscard]] std::optional<FileRow> fileById(std::int64_t fileId) const;
  // Every file in one state, by path (e.g. the failed files with their reasons).
  [[nodiscard]] std::vector<FileRow> files(FileState state) const;
  // True unless a row with identical stamp and featureVersion exists that is Analyzed or Failed
  // (an unchanged failure is not retried), or Missing with its features (or failure) still
  // stored — then call touchSeen() to revive it.
  bool needsAnalysis(std::string_view path, base::FileStamp stamp, int featureVersion) const;
  // Revives an unchanged Missing file (to Analyzed if its features are stored, else Failed if a
  // failure is). *revived tells whether the state changed (false for a changed stamp: analyse
  // it instead). NotFound if no row has that path.
  base::Status touchSeen(std::string_view path, base::FileStamp stamp, int featureVersion,
                         bool* revived = nullptr);
  // One transaction: file row, artists, album, metadata, features, frame sample and the file's
  // tags (source=file, one per value of genres, moods, groupings and free tags, normalised with
  // TagReadingRules::verbatim(): the values arrive as the scanner read them, split and without
  // placeholders under the user's rules; replaces the previous file tags). User and predicted tags
  // are kept, and so is the provenance of written values the file still holds (that of values it no
  // longer holds is dropped).
  base::Status storeAnalysis(std::string_view path, base::FileStamp stamp, int featureVersion,
                             const AnalysisRecord& record, std::int64_t* fileId = nullptr);
  // One transaction: the metadata and File tags of an analysed, unchanged file replaced by `info`,
  // read again under other reading rules (as storeAnalysis stores them, with the provenance of
  // written values it still holds kept). Its features and its stored duration (what decoded;
  // info.durationSeconds is ignored) are kept. NotFound when `path` has no metadata.
  base::Status replaceTrackInfo(std::string_view path, TrackInfo info);
  // Records a failed analysis; removes stale metadata/features/file tags of that path. An
  // errorCode of 0 is stored as -1 (0 means "no failure").
  base::Status storeFailure(std::string_view path, base::FileStamp stamp, int featureVersion,
                            int errorCode, std::string_view reason, std::int64_t* fileId = nullptr);
  // Files under any of `roots` (path equal to a root or below it) absent from seenPaths and not
  // already Missing become Missing. Nothing is deleted.
  base::Status markMissing(const std::vector<std::string>& roots,
                           const std::unordered_set<std::string>& seenPaths, int* count = nullptr);

  // --- reading for training and UI
  [[nodiscard]] std::vector<SongRow> songs(bool includeMissing = false) const;
  [[nodiscard]] std::optional<SongRow> song(std::int64_t fileId) const;
  // Every track's length in seconds (0: unknown), by file id: one light query, for the novelty
  // test's lengths (core/model/novelty.h) without loading whole song rows.
  [[nodiscard]] std::unordered_map<std::int64_t, double> durations() const;
  [[nodiscard]] std::optional<RawSongFeatures> features(std::int64_t fileId) const;
  // All Analyzed songs' features in one query, ordered by file id; optionally only those
  // computed with one codebook.
  [[nodiscard]] std::vector<SongFeatures> loadFeatures(
      std::optional<int> codebookId = std::nullopt) const;
  // Stored frame-sample rows of Analyzed songs with the most common frame dimension. With
  // maxRows > 0 and more rows stored, an evenly spaced subset of exactly maxRows rows.
  [[nodiscard]] FrameSampleSet frameSamples(int maxRows = 0) const;
  [[nodiscard]] std::vector<ArtistRow> artists() const;  // those with songs not Missing, by name
  [[nodiscard]] CatalogCounts counts() const;

  // --- tags (names are normalised with normalizeTag)
  [[nodiscard]] std::vector<FileTag> tags(
      std::int64_t fileId) const;  // by source, then insertion order
  // Every tag of every file (of one source when given), by file id, then as tags(fileId) lists
  // them. On a database error: empty, and lastStatus() says why (as for tagTable()).
  [[nodiscard]] std::vector<TagAssignment> allTags(
      std::optional<TagSource> source = std::nullopt) const;
  // The same tags, all sources, as one FileTagTable.
  [[nodiscard]] FileTagTable tagTable() const;
  base::Status addTag(std::int64_t fileId, std::string_view tag, TagSource source,
                      float score = 1.0f);
  // Removing a File tag also ends its provenance (the value left the file). NotFound if absent.
  base::Status removeTag(std::int64_t fileId, std::string_view tag, TagSource source);
  // Replaces one tag field of a file's stored metadata (what the library table shows), after
  // Songspace wrote that field: `field` is a journal field name ("genre", "mood", "grouping",
  // "comment", "tags"). InvalidArgument for another name, NotFound when the file has no metadata.
  base::Status setTrackField(std::int64_t fileId, std::string_view field,
                             const std::vector<std::string>& values);
  base::Status setPredictedTags(std::int64_t fileId,
                                const std::vector<std::pair<std::string, float>>& tags);

  // --- codebooks
  base::Status storeCodebook(std::span<const std::uint8_t> blob, std::string_view description,
                             int* id = nullptr);
  [[nodiscard]] std::optional<CodebookRecord> latestCodebook() const;
  [[nodiscard]] std::optional<CodebookRecord> codebook(int id) const;

  // --- playlists
  // Stores the playlist of file `path` (replacing its name and entries if stored before; its id
  // stays). A playlist stored as Songspace's stays Songspace's when stored again as Library (a
  // scan reading our own file back), and a Library one becomes Songspace's when Songspace saves
  // over its file. NotFound for an entry naming a file id that is not in the catalog.
  base::Status replacePlaylist(std::string_view path, std::string_view name,
                               const std::vector<PlaylistEntry>& entries,
                               std::int64_t* id = nullptr,
                               PlaylistOrigin origin = PlaylistOrigin::Library);
  [[nodiscard]] std::vector<Playlist> playlists() const;  // by path, both origins
  // The files of the playlists of one origin, sorted (cheap: no entries are read).
  [[nodiscard]] std::vector<std::string> playlistPaths(PlaylistOrigin origin) const;
  // Forgets a playlist and its entries (never touches its file); NotFound when no such id.
  base::Status removePlaylist(std::int64_t id);

  // --- models
  base::Status recordModel(std::string_view path, std::int64_t createdAt,
                           std::string_view summaryJson, std::int64_t* id = nullptr);
  [[nodiscard]] std::optional<ModelRecord> latestModel() const;

  // --- tag-edit journal
  base::Status createTagBatch(TagBatchKind kind, std::int64_t undoesBatch, std::string_view note,
                              std::int64_t* id);
  // Write this before touching the file; edit.id and edit.state are ignored (state = Pending).
  base::Status journalEdit(const TagEdit& edit, std::int64_t* id);
  base::Status finishEdit(std::int64_t editId, TagEditState state,
                          std::optional<base::FileStamp> newStamp, std::string_view reason = {});
  [[nodiscard]] std::optional<TagBatch> tagBatch(std::int64_t id) const;
  [[nodiscard]] std::optional<TagBatch> lastTagBatch() const;
  [[nodiscard]] std::vector<TagEdit> editsOfBatch(std::int64_t batchId) const;  // in journal order
  // Batches holding edits still Pending (a writer was interrupted), oldest first.
  [[nodiscard]] std::vector<std::int64_t> batchesWithPendingEdits() const;

  // --- provenance of written values (catalog_provenance.cpp)
  // Records that edit `editId` wrote `tag` (normalised here) into the file, which holds it as a
  // File tag; replaces an older record of the same (file, tag). NotFound if the file lacks it.
  base::Status markWritten(std::int64_t fileId, std::string_view tag, std::int64_t editId);
  // Written values not yet accepted, by file then tag; only those of one batch and/or one file
  // when given.
  [[nodiscard]] std::vector<WrittenTag> writtenTags(
      std::optional<std::int64_t> batchId = std::nullopt,
      std::optional<std::int64_t> fileId = std::nullopt) const;
  // One transaction: every given edit becomes accepted at `acceptedAt` (unix seconds) and each
  // value it wrote that still awaits acceptance becomes a user tag of its file (a training label)
  // and loses its provenance. *accepted (if given) receives those values. NotFound if an id is
  // not an edit; edits accepted before are left as they are.
  base::Status acceptEdits(const std::vector<std::int64_t>& editIds, std::int64_t acceptedAt,
                           std::vector<WrittenTag>* accepted = nullptr);

  // --- the library's own settings (kReadingRulesSetting, kScanRootsSetting): nullopt when unset
  // (or on an SQL failure: lastStatus()). Values are UTF-8 text.
  [[nodiscard]] std::optional<std::string> librarySetting(std::string_view key) const;
  base::Status setLibrarySetting(std::string_view key, std::string_view value);

  // --- stamps (catalog_stamp.cpp): after Songspace itself rewrote a file's tags, record its new
  // size and mtime so the next scan does not take it for changed. NotFound if no such path.
  base::Status updateStamp(std::string_view path, base::FileStamp stamp);

 private:
  Catalog(sqlite3* db, std::filesystem::path path);
  friend class CatalogTransaction;

  sqlite3* m_db = nullptr;
  std::filesystem::path m_path;
  // The prepared statements of the per-file writes (storeAnalysis and friends), kept for reuse;
  // finalized before m_db closes.
  std::unique_ptr<StatementCache> m_statements;
  int m_batchDepth = 0;
  mutable base::Status m_lastStatus;
};

}  // namespace songspace::core
