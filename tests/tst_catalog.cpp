#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QTemporaryDir>
#include <QtTest>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>

#include "core/catalog/catalog.h"

using namespace songspace::core;
namespace base = songspace::base;

// Verifies a base::Status is ok and shows its message otherwise.
#define VERIFY_OK(expr)                    \
  do {                                     \
    const base::Status s_ = (expr);        \
    QVERIFY2(s_.ok(), s_.message.c_str()); \
  } while (false)

namespace {

// A deterministic record per index, with floats chosen to show bit-exact storage (negative zero,
// a denormal, a non-terminating fraction).
AnalysisRecord makeRecord(int i) {
  AnalysisRecord r;
  r.info.title = "Title " + std::to_string(i);
  r.info.artist = "Artist " + std::to_string(i % 3);
  r.info.albumArtist = i % 2 ? "" : "Various";
  r.info.album = "Album " + std::to_string(i % 4);
  r.info.genres = {"Rock", "Pop", "Hip-Hop"};  // as the scanner read them (values, not text)
  r.info.moods = {"Calm"};
  r.info.groupings = {"R&B"};
  r.info.comments = {"not a tag", ""};
  r.info.freeTags = {"Drum & Bass", "rock"};
  r.info.year = 1990 + i;
  r.info.trackNumber = i % 12 + 1;
  r.info.durationSeconds = 180.25 + i;
  r.features.codewordCounts = {{static_cast<std::uint32_t>(i % 7), 1.5f},
                               {100u + static_cast<std::uint32_t>(i), 2.0f / 3.0f},
                               {4000000000u, static_cast<float>(i)}};
  r.features.summary = {std::sin(static_cast<float>(i)), -0.0f, 1e-40f, 1.0f / 3.0f};
  r.codebookId = 7;
  r.frameSampleRows = 3;
  r.frameDimension = 4;
  for (int k = 0; k < 12; ++k) r.frameSample.push_back(static_cast<float>(i) + 0.1f * k);
  r.analyzedSeconds = 0.5 + i;
  r.frameCount = 1000 + i;
  r.warnings = {"clipped", "short"};
  return r;
}

bool sameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

bool sameFeatures(const RawSongFeatures& a, const RawSongFeatures& b) {
  if (a.codewordCounts.size() != b.codewordCounts.size()) return false;
  for (std::size_t k = 0; k < a.codewordCounts.size(); ++k)
    if (a.codewordCounts[k].first != b.codewordCounts[k].first ||
        std::bit_cast<std::uint32_t>(a.codewordCounts[k].second) !=
            std::bit_cast<std::uint32_t>(b.codewordCounts[k].second))
      return false;
  return sameBits(a.summary, b.summary);
}

std::string pathOf(int i) {
  return "/music/a/" + std::to_string(i) + ".mp3";
}

void runSql(const std::string& file, const char* sql) {
  sqlite3* db = nullptr;
  QCOMPARE(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  QCOMPARE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

}  // namespace

class CatalogTest : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  int m_counter = 0;
  std::filesystem::path freshPath() {
    return std::filesystem::path(m_dir.path().toStdString()) /
           ("sub" + std::to_string(++m_counter)) / "library.db";
  }
  std::unique_ptr<Catalog> openFresh() {
    base::Status status;
    auto catalog = Catalog::open(freshPath(), &status);
    if (!status.ok()) qWarning("%s", status.message.c_str());
    return catalog;
  }

 private Q_SLOTS:
  void openCreatesAndReopens() {
    const auto path = freshPath();
    base::Status status;
    {
      auto catalog = Catalog::open(path, &status);
      QVERIFY2(catalog, status.message.c_str());
      QVERIFY(std::filesystem::exists(path));
      QCOMPARE(catalog->journalMode().c_str(), "wal");
      QCOMPARE(catalog->schemaVersion(), kCatalogSchemaVersion);
      VERIFY_OK(catalog->storeAnalysis(pathOf(1), {10, 20}, 1, makeRecord(1)));
    }
    auto again = Catalog::open(path, &status);
    QVERIFY2(again, status.message.c_str());
    QCOMPARE(again->schemaVersion(), kCatalogSchemaVersion);
    QVERIFY(again->fileByPath(pathOf(1)).has_value());
    QCOMPARE(again->integrityCheck().c_str(), "ok");
  }

  void rejectsForeignFiles() {
    const auto text = freshPath();
    std::filesystem::create_directories(text.parent_path());
    std::ofstream(text) << "just some text, long enough to have a header\n";
    base::Status status;
    QVERIFY(!Catalog::open(text, &status));
    QCOMPARE(status.error, base::ErrorCode::NotACatalog);
    QVERIFY(status.message.find(text.string()) != std::string::npos);

    const auto other = freshPath();
    std::filesystem::create_directories(other.parent_path());
    runSql(other.string(), "CREATE TABLE t(x); INSERT INTO t VALUES(1);");
    QVERIFY(!Catalog::open(other, &status));
    QCOMPARE(status.error, base::ErrorCode::NotACatalog);
    QVERIFY(status.message.find(other.string()) != std::string::npos);
  }

  void rejectsNewerSchema() {
    const auto path = freshPath();
    QVERIFY(Catalog::open(path));
    runSql(path.string(), "PRAGMA user_version = 99");
    base::Status status;
    QVERIFY(!Catalog::open(path, &status));
    QCOMPARE(status.error, base::ErrorCode::SchemaTooNew);
  }

  void migratesOlderSchemas() {
    for (int version = 0; version <= kCatalogSchemaVersion; ++version) {
      const auto path = freshPath();
      const base::Status created = Catalog::createWithSchemaVersion(path, version);
      QVERIFY2(created.ok(), created.message.c_str());
      sqlite3* db = nullptr;
      QCOMPARE(sqlite3_open(path.c_str(), &db), SQLITE_OK);
      sqlite3_stmt* stmt = nullptr;
      sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr);
      QCOMPARE(sqlite3_step(stmt), SQLITE_ROW);
      QCOMPARE(sqlite3_column_int(stmt, 0), version);
      sqlite3_finalize(stmt);
      sqlite3_close(db);
      auto catalog = Catalog::open(path);
      QVERIFY(catalog);
      QCOMPARE(catalog->schemaVersion(), kCatalogSchemaVersion);
      VERIFY_OK(catalog->storeAnalysis(pathOf(1), {1, 1}, 1, makeRecord(1)));
    }
  }

  // Upgrading a v1 catalog gives the values earlier auto-tag runs wrote their provenance from the
  // journal: a Done apply edit's values new to the field that the file still holds; not those
  // an undo restored, nor those of failed edits.
  void migrationFindsWrittenValues() {
    const auto path = freshPath();
    VERIFY_OK(Catalog::createWithSchemaVersion(path, 1));
    runSql(path.string(), R"sql(
      INSERT INTO files(id, path, size, mtime_ns, feature_version, state, updated_at)
        VALUES(1, '/m/a.flac', 1, 1, 1, 0, 0), (2, '/m/b.flac', 1, 1, 1, 0, 0);
      INSERT INTO tags(id, name) VALUES(1, 'rock'), (2, 'jazz'), (3, 'blues'), (4, 'soul');
      INSERT INTO file_tags VALUES(1, 1, 0, 1.0), (1, 2, 0, 1.0), (2, 1, 0, 1.0), (2, 3, 0, 1.0),
                                  (2, 4, 0, 1.0);
      INSERT INTO tag_batches(id, created_at, kind, undoes_batch, note)
        VALUES(1, 0, 'apply', NULL, ''), (2, 0, 'apply', NULL, ''), (3, 0, 'undo', 2, '');
      INSERT INTO tag_edits(id, batch_id, file_id, path, field, old_values_json, new_values_json,
                            state) VALUES
        (1, 1, 1, '/m/a.flac', 'genre', '{"values":["Rock"],"stored":"x"}', '["Rock","Jazz"]',
         'done'),
        (2, 1, 2, '/m/b.flac', 'mood', '[]', '["Soul"]', 'failed'),
        (3, 2, 2, '/m/b.flac', 'genre', '["Rock"]', '["Rock","Blues"]', 'done'),
        (4, 3, 2, '/m/b.flac', 'genre', '["Rock","Blues"]', '["Rock"]', 'done');
    )sql");
    auto catalog = Catalog::open(path);
    QVERIFY(catalog);
    QCOMPARE(catalog->schemaVersion(), kCatalogSchemaVersion);
    const auto written = catalog->writtenTags();
    QCOMPARE(written.size(), std::size_t(1));
    QCOMPARE(written[0].fileId, std::int64_t(1));
    QCOMPARE(written[0].tag.c_str(), "jazz");
    QCOMPARE(written[0].editId, std::int64_t(1));
    QCOMPARE(written[0].batchId, std::int64_t(1));
    int writtenShown = 0;
    for (const auto& a : catalog->allTags()) writtenShown += a.tag.written ? 1 : 0;
    QCOMPARE(writtenShown, 1);
    QCOMPARE(catalog->editsOfBatch(1)[0].acceptedAt, std::int64_t(0));
    std::vector<WrittenTag> accepted;
    VERIFY_OK(catalog->acceptEdits({1}, 77, &accepted));
    QCOMPARE(accepted.size(), std::size_t(1));
    QVERIFY(catalog->writtenTags().empty());
    QCOMPARE(catalog->editsOfBatch(1)[0].acceptedAt, std::int64_t(77));
    QCOMPARE(catalog->tags(1).back().source, TagSource::User);
    QCOMPARE(catalog->acceptEdits({99}, 78).error, base::ErrorCode::NotFound);
    QCOMPARE(catalog->setTrackField(1, "year", {}).error, base::ErrorCode::InvalidArgument);
  }

  void needsAnalysisTransitions() {
    auto c = openFresh();
    QVERIFY(c);
    const std::string p = pathOf(1);
    QVERIFY(c->needsAnalysis(p, {100, 5}, 1));  // new
    VERIFY_OK(c->storeAnalysis(p, {100, 5}, 1, makeRecord(1)));
    QVERIFY(!c->needsAnalysis(p, {100, 5}, 1));  // unchanged
    QVERIFY(c->needsAnalysis(p, {100, 6}, 1));   // mtime changed
    QVERIFY(c->needsAnalysis(p, {101, 5}, 1));   // size changed
    VERIFY_OK(c->storeAnalysis(p, {100, 6}, 1, makeRecord(2)));
    QVERIFY(!c->needsAnalysis(p, {100, 6}, 1));
    QVERIFY(c->needsAnalysis(p, {100, 6}, 2));  // feature version bump
    VERIFY_OK(c->storeFailure(p, {100, 6}, 2, 3, "cannot decode"));
    QVERIFY(!c->needsAnalysis(p, {100, 6}, 2));  // failure unchanged: not retried
    QVERIFY(c->needsAnalysis(p, {100, 7}, 2));   // failed file changed: retried
    const auto row = c->fileByPath(p);
    QVERIFY(row);
    QCOMPARE(row->state, FileState::Failed);
    QCOMPARE(row->failureCode, 3);
    QCOMPARE(row->failureReason.c_str(), "cannot decode");
    QVERIFY(!c->features(row->id));  // stale features of the old content are gone
    const CatalogCounts counts = c->counts();
    QCOMPARE(counts.failed, 1);
    QCOMPARE(counts.analyzed, 0);
    QCOMPARE(counts.failures.size(), std::size_t(1));
    QCOMPARE(counts.failures[0].reason.c_str(), "cannot decode");
  }

  void storeAnalysisRoundTrip() {
    auto c = openFresh();
    QVERIFY(c);
    const AnalysisRecord r = makeRecord(4);
    std::int64_t id = 0;
    VERIFY_OK(c->storeAnalysis(pathOf(4), {123456789012, 1700000000123456789}, 3, r, &id));
    QVERIFY(id > 0);
    const auto file = c->fileById(id);
    QVERIFY(file);
    QCOMPARE(file->path, pathOf(4));
    QCOMPARE(file->stamp, (base::FileStamp{123456789012, 1700000000123456789}));
    QCOMPARE(file->featureVersion, 3);
    QCOMPARE(file->state, FileState::Analyzed);
    const auto song = c->song(id);
    QVERIFY(song);
    const TrackInfo& info = song->info;
    QCOMPARE(info.title, r.info.title);
    QCOMPARE(info.artist, r.info.artist);
    QCOMPARE(info.albumArtist, r.info.albumArtist);
    QCOMPARE(info.album, r.info.album);
    QCOMPARE(info.genres, r.info.genres);
    QCOMPARE(info.moods, r.info.moods);
    QCOMPARE(info.groupings, r.info.groupings);
    QCOMPARE(info.comments, r.info.comments);
    QCOMPARE(info.freeTags, r.info.freeTags);
    QCOMPARE(info.year, r.info.year);
    QCOMPARE(info.trackNumber, r.info.trackNumber);
    QCOMPARE(info.durationSeconds, r.info.durationSeconds);
    QCOMPARE(song->artistName, r.info.artist);
    QVERIFY(song->albumId > 0);
    const auto features = c->features(id);
    QVERIFY(features);
    QVERIFY(sameFeatures(*features, r.features));
    const auto all = c->loadFeatures(7);
    QCOMPARE(all.size(), std::size_t(1));
    QCOMPARE(all[0].fileId, id);
    QCOMPARE(all[0].codebookId, 7);
    QVERIFY(c->loadFeatures(8).empty());
    const FrameSampleSet frames = c->frameSamples();
    QCOMPARE(frames.rows, 3);
    QCOMPARE(frames.dimension, 4);
    QVERIFY(sameBits(frames.data, r.frameSample));
  }

  void artistFallbackAndAlbums() {
    auto c = openFresh();
    AnalysisRecord r = makeRecord(1);
    r.info.artist.clear();
    r.info.albumArtist = "The Band";
    std::int64_t a = 0, b = 0;
    VERIFY_OK(c->storeAnalysis("/x/1.ogg", {1, 1}, 1, r, &a));
    r.info.artist = "Guest";
    VERIFY_OK(c->storeAnalysis("/x/2.ogg", {1, 1}, 1, r, &b));
    QCOMPARE(c->song(a)->artistName.c_str(), "The Band");
    QCOMPARE(c->song(b)->artistName.c_str(), "Guest");
    QCOMPARE(c->song(a)->albumId, c->song(b)->albumId);  // same album, same album artist
    const auto artists = c->artists();
    QCOMPARE(artists.size(), std::size_t(2));
    QCOMPARE(artists[0].name.c_str(), "Guest");
    QCOMPARE(artists[0].songCount, 1);
    QCOMPARE(artists[1].name.c_str(), "The Band");
  }

  void tagsBySource() {
    auto c = openFresh();
    std::int64_t id = 0;
    VERIFY_OK(c->storeAnalysis(pathOf(1), {1, 1}, 1, makeRecord(1), &id));
    const std::vector<std::string> expected = {"rock", "pop", "hip-hop",
                                               "calm", "r&b", "drum & bass"};
    auto tags = c->tags(id);
    QCOMPARE(tags.size(), expected.size());
    for (std::size_t i = 0; i < tags.size(); ++i) {
      QCOMPARE(tags[i].tag, expected[i]);
      QCOMPARE(tags[i].source, TagSource::File);
    }
    VERIFY_OK(c->addTag(id, "  Chill  Out", TagSource::User));
    VERIFY_OK(c->setPredictedTags(id, {{"Jazz", 0.75f}, {"rock", 0.5f}}));
    VERIFY_OK(c->setPredictedTags(id, {{"Blues", 0.25f}}));  // replaces
    QCOMPARE(c->addTag(999, "x", TagSource::User).error, base::ErrorCode::NotFound);
    // Re-analysis replaces file tags and keeps the others.
    AnalysisRecord r = makeRecord(1);
    r.info.genres = {"Ambient"};
    r.info.moods.clear();
    r.info.groupings.clear();
    r.info.freeTags.clear();
    VERIFY_OK(c->storeAnalysis(pathOf(1), {1, 2}, 1, r));
    tags = c->tags(id);
    QCOMPARE(tags.size(), std::size_t(3));
    QCOMPARE(tags[0].tag.c_str(), "ambient");
    QCOMPARE(tags[1].tag.c_str(), "chill out");
    QCOMPARE(tags[1].source, TagSource::User);
    QCOMPARE(tags[2].tag.c_str(), "blues");
    QCOMPARE(tags[2].source, TagSource::Predicted);
    QCOMPARE(tags[2].score, 0.25f);
    QCOMPARE(c->allTags(TagSource::User).size(), std::size_t(1));
    VERIFY_OK(c->removeTag(id, "Chill Out", TagSource::User));
    QCOMPARE(c->removeTag(id, "Chill Out", TagSource::User).error, base::ErrorCode::NotFound);
    QCOMPARE(c->tags(id).size(), std::size_t(2));
  }

  // allTags() (grouped in C++) lists per file exactly what tags(fileId) (one SQL query) does: by
  // source, then insertion order, with scores and the written flag; and a source filter keeps
  // only that source.
  void allTagsAgreesWithTagsOfEachFile() {
    auto c = openFresh();
    std::vector<std::int64_t> ids;
    for (int i = 1; i <= 4; ++i) {
      std::int64_t id = 0;
      VERIFY_OK(c->storeAnalysis(pathOf(i), {1, 1}, 1, makeRecord(i), &id));
      ids.push_back(id);
    }
    // Interleaved inserts across files and sources, so rowid order is not file order.
    VERIFY_OK(c->setPredictedTags(ids[2], {{"zydeco", 0.9f}, {"Ambient", 0.4f}}));
    VERIFY_OK(c->addTag(ids[0], "zz top", TagSource::User));
    VERIFY_OK(c->addTag(ids[2], "aaa", TagSource::User));
    VERIFY_OK(c->setPredictedTags(ids[0], {{"rock", 0.5f}}));
    VERIFY_OK(c->addTag(ids[0], "blues", TagSource::User));
    const std::filesystem::path path = c->path();
    c.reset();
    // A value Songspace wrote into file 2 and the user has not accepted.
    runSql(path.string(), R"sql(
      INSERT INTO tag_batches(id, created_at, kind, undoes_batch, note)
        VALUES(1, 0, 'apply', NULL, '');
      INSERT INTO tag_edits(id, batch_id, file_id, path, field, old_values_json, new_values_json,
                            state) VALUES (1, 1, 2, '/x', 'genre', '[]', '["Pop"]', 'done');
      INSERT INTO written_tags(file_id, tag_id, edit_id)
        SELECT 2, id, 1 FROM tags WHERE name = 'pop';
    )sql");
    c = Catalog::open(path);
    QVERIFY(c);
    const std::vector<TagAssignment> all = c->allTags();
    std::size_t at = 0;
    int written = 0;
    for (const std::int64_t id : ids) {
      for (const FileTag& expected : c->tags(id)) {
        QVERIFY(at < all.size());
        QCOMPARE(all[at].fileId, id);
        QCOMPARE(all[at].tag.tag, expected.tag);
        QCOMPARE(all[at].tag.source, expected.source);
        QCOMPARE(all[at].tag.score, expected.score);
        QCOMPARE(all[at].tag.written, expected.written);
        written += all[at].tag.written ? 1 : 0;
        ++at;
      }
    }
    QCOMPARE(at, all.size());
    QCOMPARE(written, 1);
    // tagTable() holds the same tags per file, files in id order; a file that does not exist has
    // none; a copy shares the table.
    const FileTagTable table = c->tagTable();
    QVERIFY(c->lastStatus().ok());
    QCOMPARE(table.tagCount(), all.size());
    std::vector<std::int64_t> listed;
    for (const auto& [fileId, tags] : table) {
      listed.push_back(fileId);
      const std::vector<FileTag> expected = c->tags(fileId);
      QCOMPARE(tags.size(), expected.size());
      for (std::size_t i = 0; i < tags.size(); ++i) {
        QCOMPARE(tags[i].tag, expected[i].tag);
        QCOMPARE(tags[i].source, expected[i].source);
        QCOMPARE(tags[i].score, expected[i].score);
        QCOMPARE(tags[i].written, expected[i].written);
      }
    }
    QCOMPARE(table.size(), listed.size());
    QVERIFY(std::is_sorted(listed.begin(), listed.end()));
    for (const std::int64_t id : ids) {
      QCOMPARE(table.of(id).size(), c->tags(id).size());
    }
    QVERIFY(table.of(ids.back() + 1000).empty());
    const FileTagTable copy = table;  // NOLINT(performance-unnecessary-copy-initialization)
    QCOMPARE(copy.of(ids[0]).data(), table.of(ids[0]).data());
    QVERIFY(FileTagTable().empty());
    QVERIFY(FileTagTable().of(ids[0]).empty());
    const std::vector<TagAssignment> user = c->allTags(TagSource::User);
    QCOMPARE(user.size(), std::size_t(3));
    QCOMPARE(user[0].tag.tag.c_str(), "zz top");  // file 1's in insertion order
    QCOMPARE(user[1].tag.tag.c_str(), "blues");
    QCOMPARE(user[2].tag.tag.c_str(), "aaa");
  }

  void missingAndRevival() {
    auto c = openFresh();
    const std::vector<std::string> paths = {"/m/a/1.mp3", "/m/a/2.mp3", "/m/b/3.mp3",
                                            "/musicals/4.mp3"};
    for (std::size_t i = 0; i < paths.size(); ++i)
      VERIFY_OK(c->storeAnalysis(paths[i], {1, 1}, 1, makeRecord(static_cast<int>(i))));
    VERIFY_OK(c->storeFailure("/m/b/5.mp3", {1, 1}, 1, 2, "bad"));
    int count = 0;
    VERIFY_OK(c->markMissing({"/m/"}, {"/m/a/1.mp3"}, &count));
    QCOMPARE(count, 3);
    QCOMPARE(c->fileByPath("/musicals/4.mp3")->state, FileState::Analyzed);
    QCOMPARE(c->fileByPath("/m/a/2.mp3")->state, FileState::Missing);
    QCOMPARE(c->songs().size(), std::size_t(2));
    QCOMPARE(c->songs(true).size(), std::size_t(5));
    QCOMPARE(c->loadFeatures().size(), std::size_t(2));
    QCOMPARE(c->counts().missing, 3);
    VERIFY_OK(c->markMissing({"/m"}, {"/m/a/1.mp3"}, &count));
    QCOMPARE(count, 0);  // already missing
    // Unchanged reappearance: revived without analysis, features intact.
    QVERIFY(!c->needsAnalysis("/m/a/2.mp3", {1, 1}, 1));
    bool revived = false;
    VERIFY_OK(c->touchSeen("/m/a/2.mp3", {1, 1}, 1, &revived));
    QVERIFY(revived);
    QCOMPARE(c->fileByPath("/m/a/2.mp3")->state, FileState::Analyzed);
    QVERIFY(sameFeatures(*c->features(c->fileByPath("/m/a/2.mp3")->id), makeRecord(1).features));
    // A revived failure stays failed (not retried).
    QVERIFY(!c->needsAnalysis("/m/b/5.mp3", {1, 1}, 1));
    VERIFY_OK(c->touchSeen("/m/b/5.mp3", {1, 1}, 1, &revived));
    QCOMPARE(c->fileByPath("/m/b/5.mp3")->state, FileState::Failed);
    // Changed reappearance needs analysis and is not revived.
    QVERIFY(c->needsAnalysis("/m/b/3.mp3", {2, 1}, 1));
    VERIFY_OK(c->touchSeen("/m/b/3.mp3", {2, 1}, 1, &revived));
    QVERIFY(!revived);
    QCOMPARE(c->touchSeen("/nowhere", {1, 1}, 1).error, base::ErrorCode::NotFound);
  }

  // The features generation moves with every change loadFeatures() would see (a song analysed,
  // re-analysed, failed, gone missing, revived) and with nothing else (tags, an unchanged rescan),
  // and tells catalogs apart.
  void featuresGenerationCountsFeatureChanges() {
    auto c = openFresh();
    auto generation = c->featuresGeneration();
    QVERIFY(generation.has_value());
    const auto moved = [&] {
      const auto now = c->featuresGeneration();
      const bool changed = now && now->features != generation->features;
      if (now) {
        if (now->catalog != generation->catalog) return false;  // never while open
        generation = now;
      }
      return changed;
    };
    std::int64_t id = 0;
    VERIFY_OK(c->storeAnalysis(pathOf(1), {1, 1}, 1, makeRecord(1), &id));
    QVERIFY(moved());
    VERIFY_OK(c->storeAnalysis(pathOf(2), {1, 1}, 1, makeRecord(2)));
    QVERIFY(moved());
    VERIFY_OK(c->storeAnalysis(pathOf(1), {1, 2}, 1, makeRecord(3)));  // re-analysed
    QVERIFY(moved());
    VERIFY_OK(c->setPredictedTags(id, {{"rock", 0.9f}}));
    VERIFY_OK(c->addTag(id, "jazz", TagSource::User));
    VERIFY_OK(c->setTrackField(id, "genre", {"jazz"}));
    QVERIFY(!moved());
    bool revived = false;
    VERIFY_OK(c->touchSeen(pathOf(1), {1, 2}, 1, &revived));  // an unchanged rescan
    QVERIFY(!moved());
    int count = 0;
    VERIFY_OK(c->markMissing({"/"}, {pathOf(1)}, &count));
    QCOMPARE(count, 1);
    QVERIFY(moved());
    VERIFY_OK(c->touchSeen(pathOf(2), {1, 1}, 1, &revived));
    QVERIFY(revived);
    QVERIFY(moved());
    VERIFY_OK(c->storeFailure(pathOf(2), {2, 2}, 1, 2, "damaged now"));
    QVERIFY(moved());
    QCOMPARE(c->loadFeatures().size(), std::size_t(1));
    QVERIFY(!moved());
    const std::int64_t identity = generation->catalog;
    c.reset();
    auto other = openFresh();
    QVERIFY(other->featuresGeneration().has_value());
    QVERIFY(other->featuresGeneration()->catalog != identity);
  }

  void batches() {
    const auto path = freshPath();
    auto c = Catalog::open(path);
    VERIFY_OK(c->beginBatch());
    for (int i = 0; i < 20; ++i) VERIFY_OK(c->storeAnalysis(pathOf(i), {1, 1}, 1, makeRecord(i)));
    VERIFY_OK(c->rollbackBatch());
    QCOMPARE(c->counts().analyzed, 0);
    VERIFY_OK(c->beginBatch());
    for (int i = 0; i < 20; ++i) VERIFY_OK(c->storeAnalysis(pathOf(i), {1, 1}, 1, makeRecord(i)));
    // A failing call inside a batch undoes only itself.
    AnalysisRecord bad = makeRecord(99);
    bad.frameSampleRows = 5;
    QVERIFY(!c->storeAnalysis(pathOf(99), {1, 1}, 1, bad).ok());
    VERIFY_OK(c->commitBatch());
    auto other = Catalog::open(path);  // a second connection sees the commit
    QCOMPARE(other->counts().analyzed, 20);
    QVERIFY(!other->fileByPath(pathOf(99)));
  }

  // The per-file statements are prepared once per connection and reused (StatementCache,
  // core/catalog/catalog_sql.h): every use binds its own values, a statement given back holds no
  // read snapshot (so another connection's checkpoint can empty the WAL), and none keeps the
  // connection from closing (the last connection to close deletes the WAL).
  void reusedStatementsLeaveNothingBehind() {
    const auto path = freshPath();
    auto c = Catalog::open(path);
    QVERIFY(c);
    VERIFY_OK(c->beginBatch());
    for (int i = 0; i < 6; ++i) VERIFY_OK(c->storeAnalysis(pathOf(i), {i, i}, 1, makeRecord(i)));
    VERIFY_OK(c->commitBatch());
    for (int i = 0; i < 6; ++i) {  // stored again, each in its own transaction, other values
      AnalysisRecord r = makeRecord(i + 10);
      r.info.genres = {"Genre " + std::to_string(i)};
      r.info.freeTags.clear();
      VERIFY_OK(c->storeAnalysis(pathOf(i), {i, i + 1}, 2, r));
    }
    for (int i = 0; i < 6; ++i) {
      const auto file = c->fileByPath(pathOf(i));  // a SELECT stepped to its first row only
      QVERIFY(file);
      QCOMPARE(file->featureVersion, 2);
      QCOMPARE(file->stamp, (base::FileStamp{i, i + 1}));
      QVERIFY(!c->needsAnalysis(pathOf(i), {i, i + 1}, 2));
      QVERIFY(c->needsAnalysis(pathOf(i), {i, i}, 2));
      const auto song = c->song(file->id);
      QVERIFY(song);
      QCOMPARE(song->info.title, makeRecord(i + 10).info.title);
      QCOMPARE(song->info.genres, std::vector<std::string>{"Genre " + std::to_string(i)});
      QCOMPARE(c->tags(file->id).size(), std::size_t(3));  // the genre, "calm", "r&b"
      const auto features = c->features(file->id);
      QVERIFY(features && sameFeatures(*features, makeRecord(i + 10).features));
    }
    QCOMPARE(c->counts().analyzed, 6);

    sqlite3* other = nullptr;
    QCOMPARE(sqlite3_open(path.c_str(), &other), SQLITE_OK);
    // A first read, so that the connection knows the file is in WAL mode.
    QCOMPARE(sqlite3_exec(other, "SELECT count(*) FROM files", nullptr, nullptr, nullptr),
             SQLITE_OK);
    int walFrames = -1;
    int checkpointed = -1;
    const int rc = sqlite3_wal_checkpoint_v2(other, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &walFrames,
                                             &checkpointed);
    sqlite3_close(other);
    QCOMPARE(rc, SQLITE_OK);  // SQLITE_BUSY while a statement of `c` holds a snapshot
    QCOMPARE(walFrames, 0);
    c.reset();
    QVERIFY(!std::filesystem::exists(path.string() + "-wal"));
  }

  void frameSampleSubset() {
    auto c = openFresh();
    std::vector<float> all;
    for (int i = 0; i < 5; ++i) {
      const AnalysisRecord r = makeRecord(i);
      all.insert(all.end(), r.frameSample.begin(), r.frameSample.end());
      VERIFY_OK(c->storeAnalysis(pathOf(i), {1, 1}, 1, r));
    }
    AnalysisRecord odd = makeRecord(9);  // another dimension: the minority is left out
    odd.frameDimension = 6;
    odd.frameSampleRows = 2;
    VERIFY_OK(c->storeAnalysis(pathOf(9), {1, 1}, 1, odd));
    QVERIFY(sameBits(c->frameSamples().data, all));
    const FrameSampleSet subset = c->frameSamples(4);
    QCOMPARE(subset.rows, 4);
    QCOMPARE(subset.data.size(), std::size_t(16));
    // Evenly spaced rows of the 15: indices 3, 7, 11, 14.
    for (int k : {0, 1, 2, 3}) {
      const int row = std::vector<int>{3, 7, 11, 14}[static_cast<std::size_t>(k)];
      for (int j = 0; j < 4; ++j) {
        QCOMPARE(std::bit_cast<std::uint32_t>(subset.data[static_cast<std::size_t>(k * 4 + j)]),
                 std::bit_cast<std::uint32_t>(all[static_cast<std::size_t>(row * 4 + j)]));
      }
    }
  }

  void playlistsCodebooksModels() {
    auto c = openFresh();
    std::int64_t a = 0, b = 0, pl = 0;
    VERIFY_OK(c->storeAnalysis(pathOf(1), {1, 1}, 1, makeRecord(1), &a));
    VERIFY_OK(c->storeAnalysis(pathOf(2), {1, 1}, 1, makeRecord(2), &b));
    QVERIFY(
        c->replacePlaylist("/p/x.m3u", "X", {{b, ""}, {0, pathOf(3)}, {0, pathOf(1)}}, &pl).ok());
    auto lists = c->playlists();
    QCOMPARE(lists.size(), std::size_t(1));
    QCOMPARE(lists[0].name.c_str(), "X");
    QCOMPARE(lists[0].entries.size(), std::size_t(3));
    QCOMPARE(lists[0].entries[0].path, pathOf(2));
    QCOMPARE(lists[0].memberFileIds(), (std::vector<std::int64_t>{b, a}));
    std::int64_t c3 = 0;  // the path entry resolves once the file is scanned
    VERIFY_OK(c->storeAnalysis(pathOf(3), {1, 1}, 1, makeRecord(3), &c3));
    QCOMPARE(c->playlists()[0].memberFileIds(), (std::vector<std::int64_t>{b, c3, a}));
    std::int64_t pl2 = 0;
    VERIFY_OK(c->replacePlaylist("/p/x.m3u", "Renamed", {{a, ""}}, &pl2));
    QCOMPARE(pl2, pl);
    lists = c->playlists();
    QCOMPARE(lists[0].name.c_str(), "Renamed");
    QCOMPARE(lists[0].memberFileIds(), (std::vector<std::int64_t>{a}));
    QCOMPARE(c->replacePlaylist("/p/y.m3u", "Y", {{12345, ""}}).error, base::ErrorCode::NotFound);
    QCOMPARE(c->playlists().size(), std::size_t(1));

    QVERIFY(!c->latestCodebook());
    const std::vector<std::uint8_t> blob1 = {1, 2, 3}, blob2 = {0, 255, 0, 7};
    int id1 = 0, id2 = 0;
    VERIFY_OK(c->storeCodebook(blob1, "first", &id1));
    VERIFY_OK(c->storeCodebook(blob2, "second", &id2));
    QCOMPARE(c->latestCodebook()->id, id2);
    QCOMPARE(c->latestCodebook()->blob, blob2);
    QCOMPARE(c->codebook(id1)->description.c_str(), "first");

    QVERIFY(!c->latestModel());
    VERIFY_OK(c->recordModel("/models/a.ssm", 100, R"({"map":0.1})"));
    VERIFY_OK(c->recordModel("/models/b.ssm", 200, R"({"map":0.2})"));
    QCOMPARE(c->latestModel()->path.c_str(), "/models/b.ssm");
    QCOMPARE(c->latestModel()->summaryJson.c_str(), R"({"map":0.2})");
  }

  // A playlist's origin: Songspace's own stays ours when a scan stores its file again as a
  // library playlist; a library playlist saved over by Songspace becomes ours.
  void playlistOrigins() {
    auto c = openFresh();
    std::int64_t a = 0, b = 0, ours = 0, theirs = 0;
    VERIFY_OK(c->storeAnalysis(pathOf(1), {1, 1}, 1, makeRecord(1), &a));
    VERIFY_OK(c->storeAnalysis(pathOf(2), {1, 1}, 1, makeRecord(2), &b));
    VERIFY_OK(c->replacePlaylist("/p/ours.m3u8", "ours", {{a, ""}, {b, ""}}, &ours,
                                 PlaylistOrigin::Songspace));
    VERIFY_OK(c->replacePlaylist("/p/theirs.m3u", "theirs", {{b, ""}}, &theirs));
    auto lists = c->playlists();
    QCOMPARE(lists.size(), std::size_t(2));
    QCOMPARE(lists[0].path.c_str(), "/p/ours.m3u8");
    QCOMPARE(lists[0].origin, PlaylistOrigin::Songspace);
    QCOMPARE(lists[1].origin, PlaylistOrigin::Library);
    QCOMPARE(c->playlistPaths(PlaylistOrigin::Songspace), std::vector<std::string>{"/p/ours.m3u8"});
    QCOMPARE(c->playlistPaths(PlaylistOrigin::Library), std::vector<std::string>{"/p/theirs.m3u"});

    std::int64_t again = 0;  // a scan reading our file back
    VERIFY_OK(c->replacePlaylist("/p/ours.m3u8", "ours", {{a, ""}}, &again));
    QCOMPARE(again, ours);
    QCOMPARE(c->playlists()[0].origin, PlaylistOrigin::Songspace);
    VERIFY_OK(c->replacePlaylist("/p/theirs.m3u", "mine now", {{a, ""}}, &again,
                                 PlaylistOrigin::Songspace));
    QCOMPARE(again, theirs);
    QCOMPARE(c->playlists()[1].origin, PlaylistOrigin::Songspace);
    QVERIFY(c->playlistPaths(PlaylistOrigin::Library).empty());

    VERIFY_OK(c->removePlaylist(ours));
    QCOMPARE(c->removePlaylist(ours).error, base::ErrorCode::NotFound);
    lists = c->playlists();
    QCOMPARE(lists.size(), std::size_t(1));
    QCOMPARE(lists[0].id, theirs);
    QCOMPARE(c->integrityCheck().c_str(), "ok");  // the entries went with it (cascade)
  }

  // Playlists of a v3 catalog (before origins) are the library's after the upgrade, and the
  // column refuses an origin it does not know.
  void migrationKeepsPlaylistsAsLibrarys() {
    const auto path = freshPath();
    VERIFY_OK(Catalog::createWithSchemaVersion(path, 3));
    runSql(path.string(), R"sql(
      INSERT INTO files(id, path, size, mtime_ns, feature_version, state, updated_at)
        VALUES(1, '/m/a.flac', 1, 1, 1, 0, 0);
      INSERT INTO playlists(id, path, name) VALUES(1, '/m/old.m3u', 'old');
      INSERT INTO playlist_entries VALUES(1, 0, 1, '/m/a.flac');
    )sql");
    {
      auto catalog = Catalog::open(path);
      QVERIFY(catalog);
      QCOMPARE(catalog->schemaVersion(), kCatalogSchemaVersion);
      const auto lists = catalog->playlists();
      QCOMPARE(lists.size(), std::size_t(1));
      QCOMPARE(lists[0].origin, PlaylistOrigin::Library);
      QCOMPARE(lists[0].memberFileIds(), std::vector<std::int64_t>{1});
    }
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    QCOMPARE(
        sqlite3_exec(db, "INSERT INTO playlists(path, name, origin) VALUES('/x', 'x', 'other')",
                     nullptr, nullptr, nullptr),
        SQLITE_CONSTRAINT);
    sqlite3_close(db);
  }

  void tagEditJournal() {
    auto c = openFresh();
    std::int64_t file = 0, batch = 0, e1 = 0, e2 = 0, undo = 0;
    VERIFY_OK(c->storeAnalysis(pathOf(1), {1, 1}, 1, makeRecord(1), &file));
    VERIFY_OK(c->createTagBatch(TagBatchKind::Apply, 0, "auto-tag", &batch));
    TagEdit edit;
    edit.batchId = batch;
    edit.fileId = file;
    edit.path = pathOf(1);
    edit.field = "genre";
    edit.oldValuesJson = R"(["Rock"])";
    edit.newValuesJson = R"(["Rock","Jazz"])";
    edit.oldStamp = {1, 1};
    VERIFY_OK(c->journalEdit(edit, &e1));
    edit.field = "mood";
    VERIFY_OK(c->journalEdit(edit, &e2));
    QCOMPARE(c->editsOfBatch(batch)[0].state, TagEditState::Pending);
    VERIFY_OK(c->finishEdit(e1, TagEditState::Done, base::FileStamp{2, 3}));
    VERIFY_OK(c->finishEdit(e2, TagEditState::Failed, std::nullopt, "read-only"));
    QCOMPARE(c->finishEdit(9999, TagEditState::Done, std::nullopt).error,
             base::ErrorCode::NotFound);
    const auto edits = c->editsOfBatch(batch);
    QCOMPARE(edits.size(), std::size_t(2));
    QCOMPARE(edits[0].field.c_str(), "genre");
    QCOMPARE(edits[0].newValuesJson.c_str(), R"(["Rock","Jazz"])");
    QCOMPARE(edits[0].state, TagEditState::Done);
    QCOMPARE(edits[0].newStamp, (std::optional<base::FileStamp>{base::FileStamp{2, 3}}));
    QCOMPARE(edits[1].state, TagEditState::Failed);
    QVERIFY(!edits[1].newStamp);
    QCOMPARE(edits[1].reason.c_str(), "read-only");
    VERIFY_OK(c->createTagBatch(TagBatchKind::Undo, batch, "undo", &undo));
    const auto last = c->lastTagBatch();
    QCOMPARE(last->id, undo);
    QCOMPARE(last->kind, TagBatchKind::Undo);
    QCOMPARE(last->undoesBatch, batch);
    QCOMPARE(c->tagBatch(batch)->note.c_str(), "auto-tag");
  }

  // A writer SIGKILLed at random moments must leave a catalog where every stored song is
  // complete and correct.
  void survivesSigkill() {
    const auto path = freshPath();
    QVERIFY(Catalog::open(path));
    std::mt19937 rng(20240611);
    std::uniform_int_distribution<int> delayMs(30, 250);
    for (int round = 0; round < 6; ++round) {
      const pid_t child = fork();
      QVERIFY(child >= 0);
      if (child == 0) {
        auto c = Catalog::open(path);
        if (!c) _exit(2);
        for (int i = round * 100000;; ++i) {
          // Alternate single stores and batches so both paths are interrupted.
          const bool batch = (i / 10) % 2 == 1;
          if (batch && i % 10 == 0 && !c->beginBatch().ok()) _exit(3);
          if (!c->storeAnalysis(pathOf(i % 300), {i, i}, 1, makeRecord(i)).ok()) _exit(4);
          if (batch && i % 10 == 9 && !c->commitBatch().ok()) _exit(5);
        }
      }
      usleep(static_cast<useconds_t>(delayMs(rng)) * 1000);
      kill(child, SIGKILL);
      int status = 0;
      waitpid(child, &status, 0);
      QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "writer failed on its own");
    }
    auto c = Catalog::open(path);
    QVERIFY(c);
    QCOMPARE(c->integrityCheck().c_str(), "ok");
    const auto songs = c->songs();
    QVERIFY(!songs.empty());
    for (const SongRow& song : songs) {
      QCOMPARE(song.state, FileState::Analyzed);
      // The stamp holds the index of the record that was stored last for this path.
      const auto file = c->fileById(song.fileId);
      const int i = static_cast<int>(file->stamp.size);
      const AnalysisRecord r = makeRecord(i);
      QCOMPARE(song.path, pathOf(i % 300));
      QCOMPARE(song.info.title, r.info.title);
      QCOMPARE(song.info.freeTags, r.info.freeTags);
      const auto features = c->features(song.fileId);
      QVERIFY(features && sameFeatures(*features, r.features));
      QCOMPARE(c->tags(song.fileId).size(), std::size_t(6));
    }
    QCOMPARE(c->frameSamples().rows, 3 * static_cast<int>(songs.size()));
    qInfo("%zu songs complete after 6 kills", songs.size());
  }
};

QTEST_GUILESS_MAIN(CatalogTest)
#include "tst_catalog.moc"
