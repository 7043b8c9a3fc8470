// JobController: the scan → train → projection chain on a real (synthesised) library, progress
// rate, cancellation mid-scan and the consistency of what a cancelled scan leaves.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/catalog/catalog.h"
#include "core/library/projectionjob.h"
#include "synthlibrary.h"
#include "ui/jobcontroller.h"

using namespace songspace;
using songspace::library::LibrarySnapshot;
using ui::JobController;

namespace {

constexpr int kChainTimeoutMs = 50'000 * SONGSPACE_TEST_TIMEOUT_SCALE;  // sanitizers run slower

std::shared_ptr<const LibrarySnapshot> lastSnapshot(const QSignalSpy& spy) {
  return spy.isEmpty() ? nullptr : spy.last().at(0).value<std::shared_ptr<const LibrarySnapshot>>();
}

JobController::Options fastOptions() {
  JobController::Options options;
  options.scanThreads = 2;
  options.trainEpochs = 5;
  options.tsneIterations = 120;
  return options;
}

}  // namespace

class JobControllerTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void openMissingCatalogGivesEmptySnapshot();
  void chainScanTrainProject();
  void cancelMidScanLeavesConsistentCatalog();
  void destructorCancelsRunningChain();
  void songsAppearWhileScanning();
  void scanReportsPlaylistGaps();

 private:
  QTemporaryDir m_dir;
  QString m_music;
};

void JobControllerTest::initTestCase() {
  QVERIFY(m_dir.isValid());
  m_music = m_dir.filePath(QStringLiteral("music"));
  QCOMPARE(testing::makeSynthLibrary(m_music).size(), 12);
}

void JobControllerTest::openMissingCatalogGivesEmptySnapshot() {
  JobController controller;
  QSignalSpy snapshots(&controller, &JobController::snapshotReady);
  QSignalSpy finished(&controller, &JobController::finished);
  QSignalSpy busy(&controller, &JobController::busyChanged);
  controller.openCatalog(m_dir.filePath(QStringLiteral("empty.sqlite")));
  QVERIFY(controller.busy());  // returns at once: the catalog opens in the pool
  QVERIFY(finished.wait(kChainTimeoutMs));
  QVERIFY(!controller.busy());
  QCOMPARE(busy.count(), 2);
  QCOMPARE(snapshots.count(), 1);
  const auto snapshot = lastSnapshot(snapshots);
  QVERIFY(snapshot);
  QVERIFY(snapshot->songs.empty());
  QVERIFY(!snapshot->hasModel());
}

void JobControllerTest::chainScanTrainProject() {
  JobController controller;
  controller.setOptions(fastOptions());
  const QString catalogPath = m_dir.filePath(QStringLiteral("chain.sqlite"));
  QSignalSpy snapshots(&controller, &JobController::snapshotReady);
  QSignalSpy projections(&controller, &JobController::projectionReady);
  QSignalSpy progress(&controller, &JobController::progress);
  QSignalSpy failed(&controller, &JobController::failed);
  QSignalSpy finished(&controller, &JobController::finished);
  controller.openCatalog(catalogPath);
  QVERIFY(finished.wait(kChainTimeoutMs));
  QElapsedTimer clock;
  clock.start();
  controller.scanAndTrain({m_music});
  QVERIFY(finished.wait(kChainTimeoutMs));
  const double seconds = clock.elapsed() / 1000.0;
  QCOMPARE(finished.last().at(0).toBool(), false);  // not cancelled
  QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));

  // open, after scan, after train: each step delivered what it produced.
  QCOMPARE(snapshots.count(), 3);
  const auto afterScan = snapshots.at(1).at(0).value<std::shared_ptr<const LibrarySnapshot>>();
  QCOMPARE(afterScan->songs.size(), 12u);
  QVERIFY(!afterScan->hasModel());
  const auto trained = lastSnapshot(snapshots);
  QCOMPARE(trained->songs.size(), 12u);
  QCOMPARE(trained->artists.size(), 3u);
  QVERIFY2(trained->hasModel(), trained->modelStatus.message.c_str());

  // PCA first, then the refined t-SNE, both covering songs + artists + tags.
  QCOMPARE(projections.count(), 2);
  QCOMPARE(projections.at(0).at(1).toBool(), false);
  QCOMPARE(projections.at(1).at(1).toBool(), true);
  const auto layout = projections.at(1).at(0).value<std::shared_ptr<const library::MapLayout>>();
  const core::JointModel& model = trained->model->model();
  QCOMPARE(layout->pointCount(), 12 + static_cast<int>(model.A.cols() + model.T.cols()));
  QVERIFY(layout->refined());

  // Progress is rate-limited: at most 10 a second, plus the forced phase starts (≤ 6 here).
  QVERIFY(progress.count() > 0);
  QVERIFY2(progress.count() <= seconds * JobController::kMaxProgressPerSecond + 8,
           qPrintable(QStringLiteral("%1 reports in %2 s").arg(progress.count()).arg(seconds)));

  // A later open finds the cached map: one refined projection, no recomputation. The library
  // comes first, without its model (the table fills while it loads), then the same read of the
  // catalog with it.
  JobController reopened;
  QSignalSpy cached(&reopened, &JobController::projectionReady);
  QSignalSpy reopenedDone(&reopened, &JobController::finished);
  QSignalSpy reopenedSnapshots(&reopened, &JobController::snapshotReady);
  reopened.openCatalog(catalogPath);
  QVERIFY(reopenedDone.wait(kChainTimeoutMs));
  QCOMPARE(reopenedSnapshots.count(), 2);
  const auto libraryFirst =
      reopenedSnapshots.at(0).at(0).value<std::shared_ptr<const LibrarySnapshot>>();
  const auto withModel = lastSnapshot(reopenedSnapshots);
  QVERIFY(!libraryFirst->hasModel());
  QVERIFY(libraryFirst->modelPending);
  QCOMPARE(libraryFirst->songs.size(), 12u);
  QVERIFY(withModel->hasModel());
  QVERIFY(!withModel->modelPending);
  QCOMPARE(withModel->catalogRead, libraryFirst->catalogRead);
  QCOMPARE(withModel->songs.size(), 12u);
  QVERIFY(reopenedSnapshots.at(0).at(0).value<std::shared_ptr<const LibrarySnapshot>>() !=
          withModel);
  QCOMPARE(cached.count(), 1);
  QCOMPARE(cached.first().at(1).toBool(), true);
  const auto fromCache = cached.first().at(0).value<std::shared_ptr<const library::MapLayout>>();
  QVERIFY(fromCache->tsne == layout->tsne);

  // A retrain rewrites the model: the map starts from the previous one (shown at once, the
  // songs where they were) and is refined from there, not recomputed from a fresh PCA.
  projections.clear();
  controller.train();
  QVERIFY(finished.wait(kChainTimeoutMs));
  QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
  QCOMPARE(projections.count(), 2);
  const auto carried = projections.at(0).at(0).value<std::shared_ptr<const library::MapLayout>>();
  QCOMPARE(projections.at(0).at(1).toBool(), false);
  QVERIFY(carried->warmStart);
  QCOMPARE(carried->fileIds, layout->fileIds);  // same songs, same order
  QVERIFY(carried->initial.topRows(12) == layout->tsne.topRows(12));
  const auto rerefined = projections.at(1).at(0).value<std::shared_ptr<const library::MapLayout>>();
  QVERIFY(rerefined->refined());
  QVERIFY(rerefined->warmStart);
  QVERIFY(rerefined->initial == carried->initial);
}

void JobControllerTest::cancelMidScanLeavesConsistentCatalog() {
  // A larger library scanned by one thread, so the scan is still running when cancel arrives.
  const QString bigger = m_dir.filePath(QStringLiteral("bigger"));
  QCOMPARE(testing::makeSynthLibrary(bigger, 12, 4.0).size(), 36);
  const QString catalogPath = m_dir.filePath(QStringLiteral("cancel.sqlite"));
  JobController controller;
  JobController::Options options = fastOptions();
  options.scanThreads = 1;
  controller.setOptions(options);
  QSignalSpy snapshots(&controller, &JobController::snapshotReady);
  QSignalSpy finished(&controller, &JobController::finished);
  QSignalSpy steps(&controller, &JobController::stepFinished);
  controller.openCatalog(catalogPath);
  QVERIFY(finished.wait(kChainTimeoutMs));

  bool cancelled = false;
  connect(&controller, &JobController::progress, this, [&](const ui::JobProgress& p) {
    if (!cancelled && p.done >= 2 && p.phase == JobController::tr("Analysing")) {
      controller.cancel();
      cancelled = true;
    }
  });
  controller.scanAndTrain({bigger});
  QVERIFY(finished.wait(kChainTimeoutMs));
  QVERIFY(cancelled);
  QCOMPARE(finished.last().at(0).toBool(), true);
  // The cancelled scan still delivered what it had committed, and training never started.
  const auto partial = lastSnapshot(snapshots);
  QVERIFY(partial);
  QVERIFY(!partial->hasModel());
  QVERIFY2(partial->songs.size() < 36u, qPrintable(QString::number(partial->songs.size())));
  // The status says it was cancelled and what it kept (issue 14: not a bare "8 files analysed").
  QVERIFY(!steps.isEmpty());
  QCOMPARE(steps.last().at(0).toString(), QStringLiteral("scan"));
  const QString summary = steps.last().at(1).toString();
  QVERIFY2(summary.startsWith(QStringLiteral("Scan cancelled. Kept what it had done: %1 file")
                                  .arg(partial->songs.size())),
           qPrintable(summary));

  {
    base::Status status;
    auto catalog = core::Catalog::open(QFile::encodeName(catalogPath).toStdString(), &status);
    QVERIFY2(catalog, status.message.c_str());
    QCOMPARE(catalog->integrityCheck(), std::string("ok"));
  }

  // Rescanning finishes the job.
  controller.scan({bigger});
  QVERIFY(finished.wait(kChainTimeoutMs));
  QCOMPARE(finished.last().at(0).toBool(), false);
  QCOMPARE(lastSnapshot(snapshots)->songs.size(), 36u);
}

void JobControllerTest::destructorCancelsRunningChain() {
  const QString catalogPath = m_dir.filePath(QStringLiteral("destroy.sqlite"));
  QElapsedTimer clock;
  {
    JobController controller;
    controller.openCatalog(catalogPath);
    controller.scanAndTrain({m_music});  // queued behind the open, started when it ends
    QTest::qWait(200);
    clock.start();
  }  // cancels and waits
  QVERIFY2(clock.elapsed() < 10'000, qPrintable(QString::number(clock.elapsed())));
  base::Status status;
  auto catalog = core::Catalog::open(QFile::encodeName(catalogPath).toStdString(), &status);
  QVERIFY(catalog);
  QCOMPARE(catalog->integrityCheck(), std::string("ok"));
}

// Issue 14: songs appear while the scan runs, not only when it has finished: snapshots of what
// it has committed so far arrive during the scan, growing, before the final one.
void JobControllerTest::songsAppearWhileScanning() {
  const QString music = m_dir.filePath(QStringLiteral("growing"));
  QCOMPARE(testing::makeSynthLibrary(music, 6, 2.0).size(), 18);
  JobController controller;
  JobController::Options options = fastOptions();
  options.scanThreads = 1;
  options.scanCommitEvery = 4;
  options.interimSnapshotMs = 0;
  controller.setOptions(options);
  QSignalSpy snapshots(&controller, &JobController::snapshotReady);
  QSignalSpy finished(&controller, &JobController::finished);
  controller.openCatalog(m_dir.filePath(QStringLiteral("growing.sqlite")));
  QVERIFY(finished.wait(kChainTimeoutMs));
  const auto before = snapshots.count();
  controller.scan({music});
  QVERIFY(finished.wait(kChainTimeoutMs));
  QList<std::size_t> sizes;
  for (auto i = before; i < snapshots.count(); ++i) {
    sizes << snapshots.at(i).at(0).value<std::shared_ptr<const LibrarySnapshot>>()->songs.size();
  }
  QVERIFY2(sizes.size() >= 3, qPrintable(QString::number(sizes.size())));
  QCOMPARE(sizes.last(), 18u);
  QVERIFY2(sizes.first() > 0 && sizes.first() < 18u, qPrintable(QString::number(sizes.first())));
  for (qsizetype i = 1; i < sizes.size(); ++i) QVERIFY(sizes[i - 1] <= sizes[i]);
}

// The scan's summary in the status bar counts the playlist entries it could not find, and the
// log names each with its playlist and line (issue 12 §4).
void JobControllerTest::scanReportsPlaylistGaps() {
  const QString folder = m_dir.filePath(QStringLiteral("withlist"));
  const QStringList songs = testing::makeSynthLibrary(folder, 1, 1.0);
  QVERIFY(!songs.isEmpty());
  QVERIFY(QDir(folder).mkpath(QStringLiteral("lists")));
  QFile list(folder + QStringLiteral("/lists/win.m3u8"));
  QVERIFY(list.open(QIODevice::WriteOnly));
  const QString first = QDir(folder + QStringLiteral("/lists")).relativeFilePath(songs.first());
  list.write("\xEF\xBB\xBF#EXTM3U\r\n" + QString(first).replace(u'/', u'\\').toUtf8() +
             "\r\n..\\gone\\away.flac\r\n");
  list.close();
  JobController controller;
  controller.setOptions(fastOptions());
  QSignalSpy finished(&controller, &JobController::finished);
  QSignalSpy steps(&controller, &JobController::stepFinished);
  controller.openCatalog(m_dir.filePath(QStringLiteral("withlist.sqlite")));
  QVERIFY(finished.wait(kChainTimeoutMs));
  QTest::ignoreMessage(QtWarningMsg,
                       QRegularExpression(QStringLiteral("win\\.m3u8, line 3: .*away\\.flac")));
  controller.scan({folder});
  QVERIFY(finished.wait(kChainTimeoutMs));
  QVERIFY(!steps.isEmpty());
  QCOMPARE(steps.last().at(0).toString(), QStringLiteral("scan"));
  const QString summary = steps.last().at(1).toString();
  QVERIFY2(summary.endsWith(QStringLiteral("; playlists: 1 of 2 entries not found (see the log)")),
           qPrintable(summary));
}

QTEST_GUILESS_MAIN(JobControllerTest)
#include "tst_jobcontroller.moc"
