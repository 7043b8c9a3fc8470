// ModelSession::load and the novelty marks of library songs: measured once by the train job and
// stored in the model file (JointModel::songNovelty), judged again at load, measured at load only
// for songs added or re-analysed since the training (issue 16: not 14 s per check at every start).
#include <QtTest>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "audio/songanalyzer.h"
#include "core/catalog/catalog.h"
#include "core/library/datasetloader.h"
#include "core/library/librarysnapshot.h"
#include "core/library/modelsession.h"
#include "core/library/paths.h"
#include "core/library/sessioncache.h"
#include "tests/librarytestdata.h"

using namespace songspace;

namespace {

// Each library song's novelty as measuring it from its catalog features says (the judgement
// ModelSession::load made for every song before the marks were stored), keyed by file id.
std::map<std::int64_t, core::Novelty> measuredNovelty(const QString& catalogPath,
                                                      const core::JointModel& model) {
  std::map<std::int64_t, core::Novelty> out;
  base::Status status;
  const auto catalog = core::Catalog::open(QFile::encodeName(catalogPath).toStdString(), &status);
  if (!catalog) return out;
  const int codebookId = std::stoi(model.info.at("codebook_id"));
  const std::vector<core::SongFeatures> stored = catalog->loadFeatures(codebookId);
  std::vector<std::int64_t> ids;
  ids.reserve(stored.size());
  for (const core::SongFeatures& song : stored) ids.push_back(song.fileId);
  const std::vector<float> lengths = library::songLengths(*catalog, ids);
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const Eigen::SparseVector<float> x = model.features.transform(stored[i].features);
    const Eigen::VectorXf point = model.embedSong(x);
    core::Novelty novelty = model.novelty->check(x, point, lengths[i]);
    novelty.silent = audio::summaryIsSilent(stored[i].features.summary);
    if (model.tagNovelty)
      novelty = core::governingNovelty(novelty, model.tagNovelty->check(x, point, lengths[i]));
    out.emplace(stored[i].fileId, novelty);
  }
  return out;
}

// Every song's stored judgement is the measured one.
void compareWithMeasured(const library::ModelSession& session, const QString& catalogPath) {
  const auto measured = measuredNovelty(catalogPath, session.model());
  QCOMPARE(static_cast<int>(measured.size()), session.songCount());
  for (const auto& [fileId, expected] : measured) {
    const core::Novelty got = session.noveltyOfFile(fileId);
    QVERIFY(got.available);
    QCOMPARE(got.novel(), expected.novel());
    QCOMPARE(got.scope, expected.scope);
    QCOMPARE(got.featureDistance, expected.featureDistance);
    QCOMPARE(got.jointDistance, expected.jointDistance);
    QCOMPARE(got.tooShort, expected.tooShort);
    QCOMPARE(got.silent, expected.silent);
  }
}

// Stores file `fileId` again as re-analysed (stamp {4000, stampNs}) with a summary block far from
// every song's: its features change, its metadata does not.
bool reanalyseFarAway(core::Catalog& catalog, std::int64_t fileId, std::int64_t stampNs) {
  const auto song = catalog.song(fileId);
  const auto features = catalog.features(fileId);
  if (!song || !features) return false;
  core::AnalysisRecord record;
  record.info = song->info;
  record.features = *features;
  record.features.summary.assign(record.features.summary.size(), 25.0f);
  record.codebookId = catalog.latestCodebook()->id;
  return catalog.storeAnalysis(song->path, {4000, stampNs}, 1, record).ok();
}

// Two sessions of one model hold the same songs with the same results, bit for bit.
void compareSessions(const library::ModelSession& a, const library::ModelSession& b) {
  QCOMPARE(a.songCount(), b.songCount());
  QVERIFY(a.songEmbeddings() == b.songEmbeddings());
  for (int row = 0; row < a.songCount(); ++row) {
    const std::int64_t fileId = a.fileIdOfRow(row);
    QCOMPARE(b.fileIdOfRow(row), fileId);
    QCOMPARE(b.rowOfFile(fileId), row);
    const core::Novelty x = a.noveltyOfRow(row), y = b.noveltyOfRow(row);
    QCOMPARE(x.available, y.available);
    QCOMPARE(x.scope, y.scope);
    QCOMPARE(x.novel(), y.novel());
    QCOMPARE(x.featureNovel, y.featureNovel);
    QCOMPARE(x.jointNovel, y.jointNovel);
    QCOMPARE(x.tooShort, y.tooShort);
    QCOMPARE(x.featureDistance, y.featureDistance);
    QCOMPARE(x.jointDistance, y.jointDistance);
    QCOMPARE(x.featureThreshold, y.featureThreshold);
    QCOMPARE(x.jointThreshold, y.jointThreshold);
    QCOMPARE(x.durationSeconds, y.durationSeconds);
    QCOMPARE(x.shortestSeconds, y.shortestSeconds);
    QCOMPARE(x.neighbours, y.neighbours);
    QCOMPARE(x.percentile, y.percentile);
    QCOMPARE(a.topTagOfFile(fileId).tag, b.topTagOfFile(fileId).tag);
    QCOMPARE(a.topTagOfFile(fileId).probability, b.topTagOfFile(fileId).probability);
  }
  const Eigen::VectorXf probe = a.songEmbeddings().col(0);
  const auto first = a.similarSongs(probe, 5), second = b.similarSongs(probe, 5);
  QCOMPARE(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i) QCOMPARE(first[i].fileId, second[i].fileId);
}

}  // namespace

class ModelSessionTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void noveltyIsStoredAtTrainingAndMeasuredOnlyForChangedSongs() {
    testdata::Library library = testdata::buildLibrary(true);
    QVERIFY2(library.error.isEmpty(), qPrintable(library.error));
    QVERIFY(library.snapshot->hasModel());
    const library::ModelSession& trained = *library.snapshot->model;
    QVERIFY(trained.model().novelty.has_value());
    // The train job stored every training song's distances; loading measured none.
    QCOMPARE(static_cast<int>(trained.model().songNovelty.size()), trained.songCount());
    QCOMPARE(trained.noveltyMeasuredAtLoad(), 0);
    compareWithMeasured(trained, library.catalogPath);

    // A song added since the training is measured at load, the others still read.
    const std::int64_t unlike = testdata::addUnlikeSong(library);
    QVERIFY2(unlike != 0, qPrintable(library.error));
    const library::ModelSession& added = *library.snapshot->model;
    QCOMPARE(added.noveltyMeasuredAtLoad(), 1);
    QVERIFY(added.noveltyOfFile(unlike).novel());
    compareWithMeasured(added, library.catalogPath);

    // A song re-analysed since (its features changed): its stored distances no longer apply.
    const std::int64_t changed = library.snapshot->songs.front().fileId;
    {
      base::Status status;
      auto catalog =
          core::Catalog::open(QFile::encodeName(library.catalogPath).toStdString(), &status);
      QVERIFY2(catalog, status.message.c_str());
      QVERIFY(reanalyseFarAway(*catalog, changed, 2));
    }
    base::Status loaded;
    const auto reloaded = library::LibrarySnapshot::load(library.catalogPath, &loaded);
    QVERIFY2(reloaded && reloaded->hasModel(), loaded.message.c_str());
    QCOMPARE(reloaded->model->noveltyMeasuredAtLoad(), 2);
    QVERIFY(reloaded->model->noveltyOfFile(changed).novel());
    compareWithMeasured(*reloaded->model, library.catalogPath);
  }

  // The session cache beside the catalog: a start with an unchanged model and unchanged songs reads
  // the per-song results instead of computing them, and gets the same session; any change of the
  // songs' features or of the model file, and a damaged, truncated or unwritable cache, make load()
  // compute them again (and a readable place gets a fresh cache).
  void sessionCacheGivesTheComputedSession() {
    testdata::Library library = testdata::buildLibrary(true);
    QVERIFY2(library.error.isEmpty(), qPrintable(library.error));
    const std::filesystem::path catalogPath = QFile::encodeName(library.catalogPath).toStdString();
    const std::filesystem::path modelPath =
        QFile::encodeName(library::modelPathForCatalog(library.catalogPath)).toStdString();
    const std::filesystem::path cachePath = library::sessionCachePathFor(catalogPath);
    base::Status status;
    auto catalog = core::Catalog::open(catalogPath, &status);
    QVERIFY2(catalog, status.message.c_str());
    std::filesystem::remove(cachePath);
    const auto load = [&](bool fromCache) {
      auto session = std::make_shared<library::ModelSession>();
      const base::Status loaded = session->load(*catalog, modelPath, cachePath);
      if (!loaded.ok()) qWarning("%s", loaded.message.c_str());
      if (session->loadedFromCache() != fromCache) {
        qWarning("loaded from cache: %d, expected %d", session->loadedFromCache(), fromCache);
        return std::shared_ptr<library::ModelSession>{};
      }
      return session;
    };
    // What reading the cache as it stands says (None when usable).
    const auto cacheError = [&] {
      library::SessionCacheKey key;
      if (!library::sessionCacheKey(*catalog, modelPath, key).ok()) return base::ErrorCode::Io;
      library::SessionCacheData data;
      return library::loadSessionCache(cachePath, key, data).error;
    };
    library::ModelSession plain;  // no cache at all
    QVERIFY(plain.load(*catalog, modelPath).ok());
    QVERIFY(!plain.loadedFromCache());
    QVERIFY(!std::filesystem::exists(cachePath));

    const auto computed = load(false);
    QVERIFY(computed);
    QVERIFY(std::filesystem::exists(cachePath));
    compareSessions(plain, *computed);
    const auto cached = load(true);
    QVERIFY(cached);
    QCOMPARE(cached->noveltyMeasuredAtLoad(), 0);
    compareSessions(plain, *cached);

    // Damaged: one byte flipped in the middle; then cut short. Each time computed, then cached.
    for (const bool truncate : {false, true}) {
      const auto size = std::filesystem::file_size(cachePath);
      if (truncate) {
        std::filesystem::resize_file(cachePath, size - 7);
      } else {
        std::fstream file(cachePath, std::ios::in | std::ios::out | std::ios::binary);
        file.seekg(static_cast<std::streamoff>(size / 2));
        const char byte = static_cast<char>(file.get() ^ 0x5a);
        file.seekp(static_cast<std::streamoff>(size / 2));
        file.put(byte);
      }
      QCOMPARE(cacheError(), base::ErrorCode::Corrupt);
      const auto again = load(false);
      QVERIFY(again);
      compareSessions(plain, *again);
      QVERIFY(load(true));
    }

    // A song re-analysed: its features changed, so nothing cached is trusted.
    const std::int64_t changed = plain.fileIdOfRow(0);
    QVERIFY(reanalyseFarAway(*catalog, changed, 3));
    QCOMPARE(cacheError(), base::ErrorCode::Changed);
    const auto afterChange = load(false);
    QVERIFY(afterChange);
    library::ModelSession fresh;
    QVERIFY(fresh.load(*catalog, modelPath).ok());
    compareSessions(fresh, *afterChange);
    QVERIFY(afterChange->songEmbeddings() != plain.songEmbeddings());
    QVERIFY(load(true));

    // The model file rewritten (a retrain keeps nothing of the old cache).
    std::filesystem::last_write_time(
        modelPath, std::filesystem::last_write_time(modelPath) + std::chrono::seconds(5));
    QVERIFY(load(false));
    QVERIFY(load(true));

    // A cache that cannot be written (its path is a folder): loading still works.
    std::filesystem::remove(cachePath);
    std::filesystem::create_directory(cachePath);
    const auto unwritable = load(false);
    QVERIFY(unwritable);
    compareSessions(fresh, *unwritable);
    std::filesystem::remove(cachePath);
  }

  // The window's way of opening (the library first, the model session loaded on another thread
  // meanwhile) gives the snapshot that one load() gives.
  void libraryThenModelIsOneLoad() {
    testdata::Library library = testdata::buildLibrary(true);
    QVERIFY2(library.error.isEmpty(), qPrintable(library.error));
    base::Status status;
    const auto whole = library::LibrarySnapshot::load(library.catalogPath, &status);
    QVERIFY2(whole && whole->hasModel(), status.message.c_str());
    for (const bool cached : {true, false}) {
      if (!cached)
        std::filesystem::remove(
            library::sessionCachePathFor(QFile::encodeName(library.catalogPath).toStdString()));
      std::future<library::LibrarySnapshot::LoadedModel> pending = std::async(
          std::launch::async,
          [&] { return library::LibrarySnapshot::loadModelSession(library.catalogPath); });
      const auto first = library::LibrarySnapshot::loadLibrary(library.catalogPath, &status);
      QVERIFY2(first, status.message.c_str());
      QVERIFY(first->modelPending);
      QVERIFY(first->tags.empty());
      // The window reads the tags on a third thread; without it, withModel() reads them itself.
      std::future<std::optional<core::FileTagTable>> pendingTags;
      if (cached) {
        pendingTags = std::async(std::launch::async, [&] {
          return library::LibrarySnapshot::loadTags(library.catalogPath);
        });
      }
      const auto both =
          library::LibrarySnapshot::withModel(*first, &status, &pending, &pendingTags);
      QVERIFY2(both && both->hasModel(), status.message.c_str());
      QVERIFY(!both->modelPending);
      QCOMPARE(both->model->loadedFromCache(), cached);
      QCOMPARE(both->catalogRead, first->catalogRead);
      QCOMPARE(both->songs.size(), whole->songs.size());
      // The library part is shared, not copied: the same songs at the same addresses.
      QVERIFY(!both->songs.empty());
      QCOMPARE(both->songs.data(), first->songs.data());
      QCOMPARE(both->artists.data(), first->artists.data());
      QCOMPARE(both->rowOfSong(both->songs.back().fileId),
               static_cast<int>(both->songs.size()) - 1);
      QCOMPARE(both->tags.size(), whole->tags.size());
      QVERIFY(!whole->tags.empty());
      for (const auto& [fileId, tags] : whole->tags) {
        const std::span<const core::FileTag> read = both->tags.of(fileId);
        QCOMPARE(read.size(), tags.size());
        for (std::size_t i = 0; i < tags.size(); ++i) {
          QCOMPARE(read[i].tag, tags[i].tag);
          QCOMPARE(read[i].source, tags[i].source);
          QCOMPARE(read[i].score, tags[i].score);
          QCOMPARE(read[i].written, tags[i].written);
        }
      }
      compareSessions(*whole->model, *both->model);
      QVERIFY(both->discovery);
      QCOMPARE(both->discovery->facts.title, whole->discovery->facts.title);
    }
  }

  // A library large enough for load() to split its songs across threads (≥ 2 × 1 024) gives every
  // song the embedding, top tag and novelty the one-song path gives it, bit for bit.
  void largeLibraryLoadsAsSongBySong() {
    testdata::Library library = testdata::buildLibrary(true);
    QVERIFY2(library.error.isEmpty(), qPrintable(library.error));
    {
      base::Status status;
      auto catalog =
          core::Catalog::open(QFile::encodeName(library.catalogPath).toStdString(), &status);
      QVERIFY2(catalog, status.message.c_str());
      const int codebookId = catalog->latestCodebook()->id;
      const std::vector<core::SongRow> songs = catalog->songs();
      std::mt19937 rng(5);
      QVERIFY(catalog->beginBatch().ok());
      for (int i = 0; i < 2200; ++i) {
        const core::SongRow& like = songs[static_cast<std::size_t>(i) % songs.size()];
        core::AnalysisRecord record;
        record.info = like.info;
        record.features = testdata::syntheticFeatures(i % testdata::kArtists, rng);
        record.codebookId = codebookId;
        const std::string path =
            (library.dir->path() + QStringLiteral("/music/more/%1.wav").arg(i)).toStdString();
        QVERIFY(catalog->storeAnalysis(path, {5000 + i, 1}, 1, record).ok());
      }
      QVERIFY(catalog->commitBatch().ok());
    }
    base::Status loaded;
    const auto snapshot = library::LibrarySnapshot::load(library.catalogPath, &loaded);
    QVERIFY2(snapshot && snapshot->hasModel(), loaded.message.c_str());
    const library::ModelSession& session = *snapshot->model;
    QVERIFY(session.songCount() > 2 * 1024);
    const core::JointModel& model = session.model();
    base::Status status;
    const auto catalog =
        core::Catalog::open(QFile::encodeName(library.catalogPath).toStdString(), &status);
    QVERIFY2(catalog, status.message.c_str());
    for (const core::SongFeatures& song :
         catalog->loadFeatures(std::stoi(model.info.at("codebook_id")))) {
      const int row = session.rowOfFile(song.fileId);
      QVERIFY(row >= 0);
      const Eigen::VectorXf expected = model.embedSong(model.features.transform(song.features));
      QVERIFY2(session.songEmbeddings().col(row) == expected,
               qPrintable(QStringLiteral("file %1").arg(song.fileId)));
      const std::vector<core::Scored> top = model.predictTagProbabilities(expected, 1);
      const library::ModelSession::TopTag got = session.topTagOfFile(song.fileId);
      QCOMPARE(got.tag, top.front().index);
      QCOMPARE(got.probability, top.front().score);
    }
    compareWithMeasured(session, library.catalogPath);

    // The song search index is built at the first query, by whichever thread asks first
    // (ModelSession::songSearch): queries racing on a fresh session get the answers of one
    // asked alone.
    base::Status again;
    const auto fresh = library::LibrarySnapshot::load(library.catalogPath, &again);
    QVERIFY2(fresh && fresh->hasModel(), again.message.c_str());
    const Eigen::VectorXf query = session.songEmbeddings().col(7);
    const std::vector<library::Hit> alone = session.similarSongs(query, 10);
    QCOMPARE(alone.size(), 10u);
    const auto ask = [&] { return fresh->model->similarSongs(query, 10); };
    auto first = std::async(std::launch::async, ask);
    auto second = std::async(std::launch::async, ask);
    for (const std::vector<library::Hit>& raced : {first.get(), second.get()}) {
      QCOMPARE(raced.size(), alone.size());
      for (std::size_t i = 0; i < alone.size(); ++i) {
        QCOMPARE(raced[i].fileId, alone[i].fileId);
        QCOMPARE(raced[i].score, alone[i].score);
      }
    }
  }
};

QTEST_GUILESS_MAIN(ModelSessionTest)
#include "tst_modelsession.moc"
