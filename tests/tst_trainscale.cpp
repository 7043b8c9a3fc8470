// Training at library scale, scaled down to 10⁴ songs so that CI runs it in seconds: a synthetic
// catalog with a planted structure (bench/synthcatalog) written through the Catalog API, loaded as
// `train` loads it, trained with the options that bound the cost at scale. Behaviour only, never
// timing: the planted artists are recovered, a step scores at most maxNegativeDraws candidates,
// validation and the refit follow the hold-out cap, progress comes every maxStepsPerEpoch steps,
// and a cancelled training stops at once and leaves the previous model as it was.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "bench/synthcatalog/synthcatalog.h"
#include "core/catalog/catalog.h"
#include "core/library/datasetloader.h"
#include "core/library/paths.h"
#include "core/library/trainjob.h"
#include "core/model/trainer.h"

using namespace songspace;

namespace {

constexpr int kSongs = 10000;
constexpr std::uint64_t kSeed = 1;

// The dataset with one song of every artist hidden: no artist, no tags, no similar-song pairs.
// Its features stay (as an unlabelled song); the test asks the model for its artist.
struct HiddenSongs {
  core::TrainingSet train;
  std::vector<int> songs;    // rows hidden
  std::vector<int> artists;  // their true artists
};

HiddenSongs hideOneSongPerArtist(const core::TrainingSet& data) {
  HiddenSongs out;
  out.train = data;
  std::vector<char> seen(static_cast<std::size_t>(data.numArtists), 0);
  std::vector<char> hidden(data.songArtist.size(), 0);
  for (std::size_t s = 0; s < data.songArtist.size(); ++s) {
    const int artist = data.songArtist[s];
    if (artist < 0 || seen[static_cast<std::size_t>(artist)]) continue;
    seen[static_cast<std::size_t>(artist)] = 1;
    hidden[s] = 1;
    out.songs.push_back(static_cast<int>(s));
    out.artists.push_back(artist);
    out.train.songArtist[s] = -1;
    if (s < out.train.songTags.size()) out.train.songTags[s].clear();
  }
  std::erase_if(out.train.similarSongs, [&](const std::pair<int, int>& pair) {
    return hidden[static_cast<std::size_t>(pair.first)] ||
           hidden[static_cast<std::size_t>(pair.second)];
  });
  return out;
}

}  // namespace

class TrainScaleTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_catalogPath = m_dir.filePath(QStringLiteral("synthetic.sqlite"));
    base::Status status;
    m_catalog = core::Catalog::open(QFile::encodeName(m_catalogPath).toStdString(), &status);
    QVERIFY2(m_catalog, status.message.c_str());
    bench::SyntheticCatalogSummary summary;
    status = bench::writeSyntheticCatalog(*m_catalog, bench::defaultCatalogShape(kSeed), kSongs,
                                          kSeed, &summary);
    QVERIFY2(status.ok(), status.message.c_str());
    QCOMPARE(summary.songs, kSongs);
    QCOMPARE(summary.artists, kSongs / bench::kSyntheticSongsPerArtist);
    const base::Status loaded = library::loadLibraryDataset(
        *m_catalog, kSeed, core::LibraryDatasetOptions::kSummaryWeight.defaultValue, m_loaded);
    QVERIFY2(loaded.ok(), loaded.message.c_str());
    QCOMPARE(m_loaded.dataset.data.numSongs(), kSongs);
    QCOMPARE(m_loaded.dataset.data.numArtists, summary.artists);
  }

  // A catalog of few tags (the README's map screenshot): 16 genres and no pool tags give exactly
  // the 16 genre names, every song carrying its artist's (or, rarely, another genre's).
  void fewTagsCatalog() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto catalog = core::Catalog::open(
        QFile::encodeName(dir.filePath(QStringLiteral("few.sqlite"))).toStdString());
    QVERIFY(catalog);
    bench::SyntheticCatalogSummary summary;
    bench::SyntheticCatalogOptions options;
    options.genres = 16;
    options.poolTagsPerGenre = 0;
    const base::Status status = bench::writeSyntheticCatalog(
        *catalog, bench::defaultCatalogShape(kSeed), 1000, kSeed, &summary, options);
    QVERIFY2(status.ok(), status.message.c_str());
    QCOMPARE(summary.artists, 100);
    QCOMPARE(summary.tags, 16);
    std::set<std::string> names;
    for (const core::TagAssignment& assigned : catalog->allTags()) names.insert(assigned.tag.tag);
    QCOMPARE(int(names.size()), 16);
    for (const std::string& name : names) QVERIFY2(name.rfind("genre-", 0) == 0, name.c_str());
  }

  // One block of 16 dimensions, 4 epochs of 50 000 steps (about one pass over 10⁴ songs'
  // examples): the planted artists of songs the model never saw labelled are found far above
  // chance (1 in 1 000), every step scores at most 256 candidate negatives, only 200 songs are
  // held out (the cap binds: no refit), and progress comes once an epoch.
  void plantedArtistRecoveredAtScale() {
    const HiddenSongs hidden = hideOneSongPerArtist(m_loaded.dataset.data);
    QCOMPARE(int(hidden.songs.size()), m_loaded.dataset.data.numArtists);
    core::TrainOptions options;
    options.subspaces = 1;
    options.dimension = 16;
    options.threads = 1;
    options.epochs = 4;
    options.patience = 0;
    options.maxStepsPerEpoch = 50000;
    options.maxValidationSongs = 200;
    options.seed = kSeed;
    int progressCalls = 0;
    core::JointModel model;
    const core::TrainReport report = core::trainModel(
        hidden.train, options, model, [&](const core::TrainProgress&) { ++progressCalls; });
    QVERIFY2(report.error.empty(), report.error.c_str());
    QCOMPARE(report.epochsRun, options.epochs);
    QCOMPARE(progressCalls, options.epochs);
    QCOMPARE(report.stepsPerEpoch, std::int64_t(options.maxStepsPerEpoch));
    QCOMPARE(report.validationSongs, options.maxValidationSongs);
    QVERIFY(!report.refit);
    QVERIFY(model.info.count("refit") == 0);
    QCOMPARE(report.maxNegativesScoredInStep, options.maxNegativeDraws);
    QVERIFY(report.negativesScored > 0);

    const Eigen::MatrixXf embedded = model.embedSongs(hidden.train.songs);
    int hits = 0;
    for (std::size_t i = 0; i < hidden.songs.size(); ++i) {
      const auto top = model.predictArtists(embedded.col(hidden.songs[i]), 1);
      hits += !top.empty() && top.front().index == hidden.artists[i];
    }
    const double precision = double(hits) / double(hidden.songs.size());
    qInfo("hidden songs' artist p@1 %.3f (chance %.4f), validation p@1 %.3f", precision,
          1.0 / double(hidden.songs.size()), report.bestValidationScore);
    QVERIFY2(precision > 0.2, qPrintable(QString::number(precision)));
  }

  // A training job cancelled from another thread as soon as it has reported progress returns
  // cancelled without another epoch's report from the block that saw the flag, and the model
  // file of the previous training is untouched.
  void cancelFromAnotherThreadKeepsPreviousModel() {
    library::TrainJobOptions first;
    first.train.subspaces = 2;
    first.train.dimension = 8;
    first.train.threads = 2;
    first.train.epochs = 1;
    first.train.maxStepsPerEpoch = 5000;
    first.predictedTagsPerSong = 0;
    const library::TrainJobResult trained = library::runTrainJob(*m_catalog, m_catalogPath, first);
    QVERIFY2(trained.status.ok(), trained.status.message.c_str());
    QFile file(library::modelPathForCatalog(m_catalogPath));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();
    QVERIFY(!before.isEmpty());

    library::TrainJobOptions second = first;
    second.train.epochs = 1000;
    second.train.patience = 0;
    second.train.maxStepsPerEpoch = 20000;
    std::atomic<bool> cancel{false};
    std::mutex mutex;
    std::condition_variable reported;
    int calls = 0, callsAfterCancel = 0;
    second.cancel = &cancel;
    // The first report waits until the other thread has cancelled, so that the test does not
    // depend on how soon that thread is scheduled.
    second.progress = [&](const core::TrainProgress&) {
      std::unique_lock lock(mutex);
      if (cancel) ++callsAfterCancel;
      ++calls;
      reported.notify_all();
      reported.wait(lock, [&] { return cancel.load(); });
    };
    std::thread canceller([&] {
      std::unique_lock lock(mutex);
      reported.wait(lock, [&] { return calls > 0; });
      cancel = true;
      reported.notify_all();
    });
    const library::TrainJobResult result = library::runTrainJob(*m_catalog, m_catalogPath, second);
    canceller.join();
    QCOMPARE(result.status.error, base::ErrorCode::Cancelled);
    QVERIFY(result.report.cancelled);
    // Two blocks run side by side: the other one may be past its last look at the flag.
    QVERIFY2(callsAfterCancel <= 1, qPrintable(QString::number(callsAfterCancel)));
    QVERIFY(result.report.epochsRun < second.train.epochs);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before);
  }

 private:
  QTemporaryDir m_dir;
  QString m_catalogPath;
  std::unique_ptr<core::Catalog> m_catalog;
  library::LoadedDataset m_loaded;
};

QTEST_GUILESS_MAIN(TrainScaleTest)
#include "tst_trainscale.moc"
