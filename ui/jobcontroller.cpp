#include "ui/jobcontroller.h"

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#endif

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMutexLocker>
#include <QtConcurrent/QtConcurrentRun>
#include <filesystem>
#include <future>
#include <optional>

#include "core/catalog/catalog.h"
#include "core/library/logging.h"
#include "core/library/modelsession.h"
#include "core/library/opencatalog.h"
#include "core/library/ownplaylists.h"
#include "core/library/paths.h"
#include "core/library/scanjob.h"
#include "core/library/trainjob.h"
#include "ui/settingskeys.h"

namespace songspace::ui {
namespace {

std::filesystem::path toPath(const QString& path) {
  return std::filesystem::path(QFile::encodeName(path).toStdString());
}

QString scanPhaseName(library::ScanProgress::Phase phase) {
  switch (phase) {
    case library::ScanProgress::Phase::Walking:
      return JobController::tr("Looking for music");
    case library::ScanProgress::Phase::LearningCodebook:
      return JobController::tr("Learning the sound vocabulary");
    case library::ScanProgress::Phase::Analyzing:
      return JobController::tr("Analysing");
    case library::ScanProgress::Phase::ReadingTags:
      return JobController::tr("Reading tags again (the reading rules changed)");
    case library::ScanProgress::Phase::Finishing:
      return JobController::tr("Finishing the scan");
  }
  return {};
}

// Time left from the rate so far; -1 while there is no rate yet.
double etaFrom(double elapsedSeconds, int done, int total) {
  if (done <= 0 || total <= done || elapsedSeconds <= 0) return done >= total && total > 0 ? 0 : -1;
  return elapsedSeconds / done * (total - done);
}

}  // namespace

JobController::JobController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<JobProgress>();
  qRegisterMetaType<std::shared_ptr<const library::LibrarySnapshot>>();
  qRegisterMetaType<std::shared_ptr<const library::MapLayout>>();
  qRegisterMetaType<Eigen::VectorXf>();
  qRegisterMetaType<core::Novelty>();
  qRegisterMetaType<std::shared_ptr<const std::vector<core::Playlist>>>();
  // One thread for the chain, one for cold-start embeddings; the scan and the trainer run their
  // own worker threads inside their step.
  m_pool.setMaxThreadCount(2);
  m_sinceProgress.start();
  // Every step's outcome also goes to the log, where a user reporting a problem finds it.
  connect(this, &JobController::stepFinished, this, [](const QString& step, const QString& text) {
    const QLoggingCategory& category = step == QLatin1String("scan")    ? library::lcScan()
                                       : step == QLatin1String("train") ? library::lcTrain()
                                                                        : library::lcMap();
    qCInfo(category).noquote() << text;
  });
  connect(this, &JobController::failed, this,
          [](const QString& message) { qCWarning(library::lcUi).noquote() << message; });
}

JobController::~JobController() {
  m_next.reset();
  m_cancel = true;
  m_future.waitForFinished();
  for (QFuture<void>& side : m_sideJobs) side.waitForFinished();
  m_pool.waitForDone();
}

void JobController::openCatalog(const QString& catalogPath) {
  request({catalogPath, {}, {Step::Open}});
}

void JobController::scanAndTrain(const QStringList& folders) {
  request({m_catalogPath, folders, {Step::Scan, Step::Train, Step::Project}});
}

void JobController::scan(const QStringList& folders) {
  request({m_catalogPath, folders, {Step::Scan}});
}

void JobController::train() {
  request({m_catalogPath, {}, {Step::Train, Step::Project}});
}

void JobController::project() {
  request({m_catalogPath, {}, {Step::Project}});
}

void JobController::cancel() {
  m_next.reset();
  if (m_running) m_cancel = true;
}

void JobController::request(Chain chain) {
  if (chain.catalogPath.isEmpty()) {
    Q_EMIT failed(tr("No library is open."));
    return;
  }
  m_catalogPath = chain.catalogPath;
  if (m_running) {
    // The running chain stops at its next cancellation check; this one starts after it.
    m_cancel = true;
    m_next = std::make_unique<Chain>(std::move(chain));
    return;
  }
  start(std::move(chain));
}

void JobController::start(Chain chain) {
  m_cancel = false;
  m_running = true;
  Q_EMIT busyChanged(true);
  m_future = QtConcurrent::run(&m_pool, [this, chain = std::move(chain)] {
    runChain(chain);
    QMetaObject::invokeMethod(this, &JobController::onChainDone, Qt::QueuedConnection);
  });
}

void JobController::onChainDone() {
  m_future.waitForFinished();  // already done: the worker's last act was to queue this call
  const bool cancelled = m_cancel.load();
  m_running = false;
  if (m_next) {
    Chain next = std::move(*m_next);
    m_next.reset();
    Q_EMIT finished(cancelled);
    start(std::move(next));
    return;
  }
  Q_EMIT busyChanged(false);
  Q_EMIT finished(cancelled);
}

void JobController::report(const JobProgress& progress, bool force) {
  {
    QMutexLocker lock(&m_progressMutex);
    if (!force && m_sinceProgress.elapsed() < 1000 / kMaxProgressPerSecond) return;
    m_sinceProgress.restart();
  }
  Q_EMIT this->progress(progress);
}

std::shared_ptr<const library::LibrarySnapshot> JobController::deliverSnapshot(
    const QString& catalogPath, bool announce) {
  if (announce) report({tr("Loading the library"), 0, 0, -1, {}}, true);
  base::Status status;
  std::shared_ptr<const library::LibrarySnapshot> snapshot =
      library::LibrarySnapshot::load(catalogPath, &status);
  if (!snapshot) {
    Q_EMIT failed(tr("Cannot open the library %1: %2")
                      .arg(catalogPath, QString::fromStdString(status.message)));
    return nullptr;
  }
  Q_EMIT snapshotReady(snapshot);
  return snapshot;
}

namespace {

// The calling thread runs on what the process's other threads leave (Linux: its own nice value
// raised by 19, the weakest share of a core); a no-op elsewhere or when refused.
void lowerThisThreadsPriority() {
#ifdef __linux__
  errno = 0;
  const int now = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  if (errno == 0) (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), now + 19);
#endif
}

}  // namespace

std::shared_ptr<const library::LibrarySnapshot> JobController::deliverLibraryThenModel(
    const QString& catalogPath) {
  report({tr("Loading the library"), 0, 0, -1, {}}, true);
  // The model session and the tags need nothing of the library: they load on two more threads
  // (the session from its cache, most starts) while this one reads the library, so the model is
  // ready about when the library is. Both run behind the library and the window (the table is
  // what the user waits for first): at the lowest share of a core.
  std::future<library::LibrarySnapshot::LoadedModel> model;
  std::future<std::optional<core::FileTagTable>> tags;
  if (QFileInfo::exists(library::modelPathForCatalog(catalogPath))) {
    model = std::async(std::launch::async, [catalogPath] {
      lowerThisThreadsPriority();
      return library::LibrarySnapshot::loadModelSession(catalogPath);
    });
    tags = std::async(std::launch::async, [catalogPath] {
      lowerThisThreadsPriority();
      return library::LibrarySnapshot::loadTags(catalogPath);
    });
  }
  base::Status status;
  std::shared_ptr<const library::LibrarySnapshot> snapshot =
      library::LibrarySnapshot::loadLibrary(catalogPath, &status);
  if (snapshot) {
    Q_EMIT snapshotReady(snapshot);
    if (snapshot->modelPending) {
      report({tr("Loading the model"), 0, 0, -1, {}}, true);
      snapshot = library::LibrarySnapshot::withModel(*snapshot, &status, &model, &tags);
      if (snapshot) Q_EMIT snapshotReady(snapshot);
    }
  }
  // (A future of std::async waits for its thread when it goes out of scope unread.)
  if (!snapshot) {
    Q_EMIT failed(tr("Cannot open the library %1: %2")
                      .arg(catalogPath, QString::fromStdString(status.message)));
  }
  return snapshot;
}

void JobController::runChain(const Chain& chain) {
  std::shared_ptr<const library::LibrarySnapshot> snapshot;
  for (const Step step : chain.steps) {
    if (m_cancel) return;
    bool ok = true;
    switch (step) {
      case Step::Open:
        snapshot = deliverLibraryThenModel(chain.catalogPath);
        ok = snapshot != nullptr;
        if (ok && snapshot->hasModel()) ok = runProjectionStep(*snapshot);
        break;
      case Step::Scan:
        // What a cancelled scan committed is consistent and worth showing.
        ok = runScanStep(chain);
        snapshot = deliverSnapshot(chain.catalogPath);
        ok = ok && snapshot != nullptr;
        break;
      case Step::Train:
        ok = runTrainStep(chain);
        if (ok) ok = (snapshot = deliverSnapshot(chain.catalogPath)) != nullptr;
        break;
      case Step::Project:
        if (!snapshot) snapshot = deliverSnapshot(chain.catalogPath);
        ok = snapshot && snapshot->hasModel() && runProjectionStep(*snapshot);
        break;
    }
    if (!ok) return;
  }
}

std::unique_ptr<core::Catalog> JobController::openCatalogOrFail(const QString& path) {
  base::Status status;
  auto catalog = library::openCatalog(path, library::CatalogOpenMode::CreateIfMissing, &status);
  if (!catalog) {
    Q_EMIT failed(tr("Cannot open the library: %1").arg(QString::fromStdString(status.message)));
  }
  return catalog;
}

namespace {

// "; playlists: 3 of 40 entries not found (see the log)", each unresolved entry logged with its
// playlist, line and reason; empty when every entry was found.
QString playlistReport(const library::ScanSummary& summary) {
  qint64 entries = 0;
  qint64 missing = 0;
  for (const library::PlaylistImport& playlist : summary.playlistImports) {
    entries += playlist.entries;
    missing += static_cast<qint64>(playlist.unresolved.size());
    const QString file = QFile::decodeName(playlist.path.c_str());
    for (const library::PlaylistEntryNote& note : playlist.unresolved) {
      qCWarning(library::lcScan).noquote()
          << JobController::tr("Playlist %1, line %2: %3 not found: %4")
                 .arg(file)
                 .arg(note.line)
                 .arg(QString::fromStdString(note.entry), QString::fromStdString(note.detail));
    }
  }
  for (const library::ScanIssue& problem : summary.problems) {
    if (problem.code == "playlist")
      qCWarning(library::lcScan).noquote() << JobController::tr("Playlist %1: %2")
                                                  .arg(QFile::decodeName(problem.path.c_str()),
                                                       QString::fromStdString(problem.reason));
  }
  if (missing == 0) return {};
  return JobController::tr("; playlists: %1 of %n entries not found (see the log)", nullptr,
                           static_cast<int>(entries))
      .arg(missing);
}

}  // namespace

bool JobController::runScanStep(const Chain& chain) {
  auto catalog = openCatalogOrFail(chain.catalogPath);
  if (!catalog) return false;
  library::ScanOptions options;
  for (const QString& folder : chain.folders) options.roots.push_back(toPath(folder));
  options.threads = m_options.scanThreads;
  options.reading = settings::tagReadingRules();
  options.cancel = &m_cancel;
  if (m_options.scanCommitEvery > 0) options.commitEvery = m_options.scanCommitEvery;
  // Songs appear as they are analysed: after at least one more commit, at most every
  // interimSnapshotMs and at least 4× the last load's duration apart.
  QElapsedTimer sinceSnapshot;
  sinceSnapshot.start();
  qint64 lastLoadMs = 0;
  int deliveredAt = 0;
  options.progress = [this, &chain, &options, &sinceSnapshot, &lastLoadMs,
                      &deliveredAt](const library::ScanProgress& p) {
    report(
        {scanPhaseName(p.phase), p.done, p.total, p.etaSeconds, QString::fromStdString(p.current)},
        false);
    if (p.phase != library::ScanProgress::Phase::Analyzing ||
        p.done < deliveredAt + options.commitEvery ||
        sinceSnapshot.elapsed() < std::max<qint64>(m_options.interimSnapshotMs, 4 * lastLoadMs)) {
      return;
    }
    QElapsedTimer load;
    load.start();
    (void)deliverSnapshot(chain.catalogPath, /*announce=*/false);  // reason: delivered by signal
    lastLoadMs = load.elapsed();
    deliveredAt = p.done;
    sinceSnapshot.restart();
  };
  report({tr("Looking for music"), 0, 0, -1, {}}, true);
  const library::ScanSummary summary = library::runScan(*catalog, options);
  if (!summary.status.ok()) {
    Q_EMIT failed(tr("The scan failed: %1").arg(QString::fromStdString(summary.status.message)));
    return false;
  }
  const auto failedCount = static_cast<qint64>(summary.failed.size());
  Q_EMIT stepFinished(
      QStringLiteral("scan"),
      summary.cancelled
          ? tr("Scan cancelled. Kept what it had done: %n file(s) analysed, %1 unchanged, %2 "
               "failed. Rescan to analyse the rest.",
               nullptr, summary.analyzed)
                .arg(summary.unchanged)
                .arg(failedCount)
          : tr("%n file(s) analysed, %1 unchanged, %2 failed", nullptr, summary.analyzed)
                    .arg(summary.unchanged)
                    .arg(failedCount) +
                (summary.tagsReread > 0
                     ? tr("; the tags of %n file(s) read again under the new reading rules",
                          nullptr, summary.tagsReread)
                     : QString()) +
                playlistReport(summary));
  return !summary.cancelled;
}

bool JobController::runTrainStep(const Chain& chain) {
  auto catalog = openCatalogOrFail(chain.catalogPath);
  if (!catalog) return false;
  library::TrainJobOptions options;
  if (m_options.trainEpochs > 0) options.train.epochs = m_options.trainEpochs;
  options.reading = settings::tagReadingRules();
  options.cancel = &m_cancel;
  QElapsedTimer clock;
  clock.start();
  options.progress = [this, &clock](const core::TrainProgress& p) {
    const double eta = etaFrom(clock.elapsed() / 1000.0, p.epoch, p.epochs);
    // Early stopping usually ends sooner: the estimate is an upper bound.
    report({tr("Training the model (validation p@1 %1)").arg(p.validationScore, 0, 'f', 2),
            p.epoch,
            p.epochs,
            eta,
            {}},
           false);
  };
  report({tr("Training the model"), 0, 0, -1, {}}, true);
  const library::TrainJobResult result = library::runTrainJob(*catalog, chain.catalogPath, options);
  if (m_cancel) {  // a cancelled training job stores nothing (library::runTrainJob)
    Q_EMIT stepFinished(QStringLiteral("train"),
                        tr("Training cancelled: the model is as it was before."));
    return false;
  }
  if (!result.status.ok()) {
    Q_EMIT failed(tr("Training failed: %1").arg(QString::fromStdString(result.status.message)));
    return false;
  }
  Q_EMIT stepFinished(QStringLiteral("train"),
                      tr("Model trained — songs: %1, artists: %2, tags: %3")
                          .arg(result.songs)
                          .arg(result.artists)
                          .arg(result.tags));
  return true;
}

bool JobController::runProjectionStep(const library::LibrarySnapshot& snapshot) {
  const library::ModelSession& session = *snapshot.model;
  // The song search index is built at its first use: here, once the map is shown (or its start),
  // rather than delay the model and the map, or make the first "similar songs" wait for it.
  const auto buildSearchIndex = [&session] { (void)session.songSearch(); };
  const QString cachePath = library::mapCachePathForCatalog(snapshot.catalogPath);
  const library::ModelStamp stamp =
      library::modelStampOf(library::modelPathForCatalog(snapshot.catalogPath));
  auto layout = std::make_shared<library::MapLayout>();
  // No usable cache (none yet, retrained, damaged) just means computing the map again.
  library::MapLayout cached;
  const bool haveCache = library::readMapCache(cachePath, stamp, session, cached).ok();
  const bool fromCache = haveCache && library::hasSessionSongs(cached, session);
  if (fromCache) {
    // Copied, not moved: `cached` is read again below when it is not the session's.
    *layout = cached;
    if (layout->refined()) {
      Q_EMIT projectionReady(layout, true);
      buildSearchIndex();
      return true;
    }
    // A copy: t-SNE below writes into *layout while the view holds this one.
    Q_EMIT projectionReady(std::make_shared<const library::MapLayout>(*layout), false);
    buildSearchIndex();
  } else if (haveCache && cached.refined()) {
    // Same model, songs added or removed by a rescan: place the new ones on the refined map at
    // once rather than recompute it.
    const int placed = library::placeNewSongs(session, cached, *layout);
    if (placed >= 0) {
      if (const auto saved = library::saveMapCache(cachePath, stamp, *layout); !saved.ok())
        Q_EMIT failed(QString::fromStdString(saved.message));
      Q_EMIT projectionReady(layout, true);
      Q_EMIT stepFinished(QStringLiteral("projection"),
                          tr("Map updated: %n new song(s) placed", nullptr, placed));
      buildSearchIndex();
      return true;
    }
  }
  if (!fromCache) {
    report({tr("Projecting the map"), 0, 0, -1, {}}, true);
    // Retrained since the cached map (or rescanned before it was refined): carry that map over
    // (the songs that stayed where they were, the rest beside their nearest kept songs) and
    // refine it, so the map keeps its shape.
    library::MapLayout previous;
    if (haveCache) previous = std::move(cached);
    const bool carried = (haveCache || library::readPreviousMapCache(cachePath, previous).ok()) &&
                         library::carryOverLayout(session, previous, *layout) >= 0;
    if (!carried) *layout = library::pcaLayout(session);
    Q_EMIT projectionReady(std::make_shared<const library::MapLayout>(*layout), false);
    buildSearchIndex();
    // The start now, even if t-SNE is cut short. reason: a cache that cannot be written only
    // costs recomputing the start next time; the refined map's save below reports failures.
    (void)library::saveMapCache(cachePath, stamp, *layout);
  }
  library::RefineOptions options;
  options.tsne = layout->warmStart ? core::TsneParameters::forWarmStart(layout->pointCount())
                                   : core::TsneParameters::forPoints(layout->pointCount());
  if (m_options.tsneIterations > 0) {
    options.tsne.iterations = m_options.tsneIterations;
    options.tsne.exaggerationIterations =
        std::min(options.tsne.exaggerationIterations, m_options.tsneIterations / 3);
  }
  options.cancel = &m_cancel;
  QElapsedTimer clock;
  clock.start();
  options.progress = [this, &clock](int iteration, int total) {
    report({tr("Refining the map (t-SNE)"),
            iteration,
            total,
            etaFrom(clock.elapsed() / 1000.0, iteration, total),
            {}},
           false);
  };
  const base::Status status = library::refineLayout(session, *layout, options);
  if (!status.ok()) {
    // TooManyPoints keeps the PCA map, which is already shown; cancel is not a failure.
    return status.error != base::ErrorCode::Cancelled;
  }
  if (const auto saved = library::saveMapCache(cachePath, stamp, *layout); !saved.ok())
    Q_EMIT failed(QString::fromStdString(saved.message));
  Q_EMIT projectionReady(layout, true);
  Q_EMIT stepFinished(QStringLiteral("projection"), tr("Map ready"));
  return true;
}

void JobController::embedExternalFile(const QString& path,
                                      const std::shared_ptr<const library::ModelSession>& model) {
  if (!model || !model->loaded()) {
    Q_EMIT externalFileEmbedded(path, {}, tr("There is no trained model yet."), {});
    return;
  }
  m_sideJobs.removeIf([](const QFuture<void>& f) { return f.isFinished(); });
  m_sideJobs << QtConcurrent::run(&m_pool, [this, path, model] {
    Eigen::VectorXf embedding;
    core::Novelty novelty;
    const base::Status status =
        model->embedExternalFile(toPath(path), embedding, novelty, &m_cancel);
    Q_EMIT externalFileEmbedded(
        path, status.ok() ? embedding : Eigen::VectorXf(),
        status.ok() ? QString()
                    : QString::fromStdString(std::string(base::errorCodeName(status.error)) + ": " +
                                             status.message),
        status.ok() ? novelty : core::Novelty{});
  });
}

void JobController::recordPlaylist(const QString& file, const QList<qint64>& fileIds) {
  std::vector<std::int64_t> ids(fileIds.begin(), fileIds.end());
  changePlaylists(file, false, [file, ids = std::move(ids)](core::Catalog& catalog) {
    return library::recordOwnPlaylist(catalog, file, ids);
  });
}

void JobController::deletePlaylist(qint64 id, const QString& file) {
  changePlaylists(file, true,
                  [id](core::Catalog& catalog) { return library::deleteOwnPlaylist(catalog, id); });
}

void JobController::changePlaylists(const QString& file, bool deleting,
                                    std::function<base::Status(core::Catalog&)> change) {
  const QString catalogPath = m_catalogPath;
  if (catalogPath.isEmpty()) {
    Q_EMIT playlistFailed(tr("No library is open."));
    return;
  }
  m_sideJobs.removeIf([](const QFuture<void>& f) { return f.isFinished(); });
  m_sideJobs << QtConcurrent::run(&m_pool, [this, catalogPath, file, deleting,
                                            change = std::move(change)] {
    base::Status status;
    auto catalog = library::openCatalog(catalogPath, library::CatalogOpenMode::MustExist, &status);
    if (catalog) {
      status = change(*catalog);
      if (status.ok()) {
        auto playlists = std::make_shared<const std::vector<core::Playlist>>(catalog->playlists());
        if (catalog->lastStatus().ok()) {
          Q_EMIT playlistsChanged(catalogPath, file, deleting, std::move(playlists));
          return;
        }
        status = catalog->lastStatus();
      }
    }
    Q_EMIT playlistFailed(QString::fromStdString(status.message));
  });
}

}  // namespace songspace::ui
