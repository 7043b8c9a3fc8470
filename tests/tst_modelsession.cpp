// ModelSession::load and the novelty marks of library songs: measured once by the train job and
// stored in the model file (JointModel::songNovelty), judged again at load, measured at load only
// for songs added or re-analysed since the training (issue 16: not 14 s per check at every start).
#include <QtTest>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/library/datasetloader.h"
#include "core/library/modelsession.h"
#include "core/library/paths.h"
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
  }
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
      const auto song = catalog->song(changed);
      auto features = catalog->features(changed);
      QVERIFY(song && features);
      core::AnalysisRecord record;
      record.info = song->info;
      record.features = *features;
      record.features.summary.assign(record.features.summary.size(), 25.0f);  // far from all
      record.codebookId = catalog->latestCodebook()->id;
      QVERIFY(catalog->storeAnalysis(song->path, {4000, 2}, 1, record).ok());
    }
    base::Status loaded;
    const auto reloaded = library::LibrarySnapshot::load(library.catalogPath, &loaded);
    QVERIFY2(reloaded && reloaded->hasModel(), loaded.message.c_str());
    QCOMPARE(reloaded->model->noveltyMeasuredAtLoad(), 2);
    QVERIFY(reloaded->model->noveltyOfFile(changed).novel());
    compareWithMeasured(*reloaded->model, library.catalogPath);
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
  }
};

QTEST_GUILESS_MAIN(ModelSessionTest)
#include "tst_modelsession.moc"
