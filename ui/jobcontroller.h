#pragma once

#include <Eigen/Core>
#include <QElapsedTimer>
#include <QFuture>
#include <QMetaType>
#include <QMutex>
#include <QObject>
#include <QStringList>
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "core/library/librarysnapshot.h"
#include "core/library/projectionjob.h"
#include "core/model/novelty.h"

namespace songspace::library {
class ModelSession;
}
namespace songspace::core {
class Catalog;
}

namespace songspace::ui {

// One progress report of a running job (at most kMaxProgressPerSecond of them reach the GUI).
struct JobProgress {
  QString phase;           // "Scanning", "Training", … — words for the status bar
  int done = 0;            // units finished in this phase
  int total = 0;           // 0 = unknown (busy indicator)
  double etaSeconds = -1;  // -1 = unknown
  QString currentFile;     // empty when the phase has no files
};

// Runs the long work of the explorer off the GUI thread, on its own QThreadPool with
// QtConcurrent, as a chain of steps: open (load a snapshot) → scan → train → projection. Each step
// may also start alone (rescan, retrain, re-project). After every step a fresh
// library::LibrarySnapshot is loaded on the worker and delivered (snapshotReady), so results appear
// as soon as they exist; opening delivers the library before its model (modelPending, then the
// same catalogRead with the model), and a scan also delivers what it has committed so far while
// it runs (Options::interimSnapshotMs).
//
// Guarantees: signals arrive on the controller's thread (queued); progress is one ordered,
// rate-limited signal; cancel() sets the flag the jobs poll and drops queued work; a request made
// while busy cancels the running chain and starts once it has stopped; the destructor cancels and
// waits. The GUI thread never opens the catalog.
class JobController : public QObject {
  Q_OBJECT
 public:
  static constexpr int kMaxProgressPerSecond = 10;

  explicit JobController(QObject* parent = nullptr);
  ~JobController() override;

  QString catalogPath() const { return m_catalogPath; }
  bool busy() const { return m_running; }

  // Loads the catalog's snapshot (and the cached map when it matches the model) in the pool.
  void openCatalog(const QString& catalogPath);
  // Chains scan(folders) → train → projection on the current catalog.
  void scanAndTrain(const QStringList& folders);
  void scan(const QStringList& folders);  // scan only (then snapshot)
  void train();                           // train → projection
  void project();                         // projection of the current model
  void cancel();

  // Cold start: places a file that need not be in the catalog in the space, in the pool.
  void embedExternalFile(const QString& path,
                         const std::shared_ptr<const library::ModelSession>& model);

  // Songspace's own playlists (core/library/ownplaylists.h), each a side job on the pool with its
  // own catalog connection: records the M3U8 `file` just written (absolute) as ours, with the
  // library songs `fileIds` in order; or deletes our playlist `id` (whose file is `file`, for the
  // messages), its file and its record (a library playlist is refused). Each ends in
  // playlistsChanged, or in playlistFailed with why.
  void recordPlaylist(const QString& file, const QList<qint64>& fileIds);
  void deletePlaylist(qint64 id, const QString& file);

  // Knobs the tests (and a future settings page) tune; read when a step starts.
  struct Options {
    int scanThreads = 0;      // 0 = one per core
    int trainEpochs = 0;      // 0 = the trainer's default
    int tsneIterations = 0;   // 0 = the t-SNE default
    int scanCommitEvery = 0;  // 0 = library::ScanOptions' default
    // While a scan runs, a snapshot of what it has committed so far is delivered at most this
    // often (and never more than a fifth of the scan's time: 4× the last load's duration apart),
    // so songs appear in the table as they are analysed.
    int interimSnapshotMs = 2000;
  };
  void setOptions(const Options& options) { m_options = options; }

 Q_SIGNALS:
  void busyChanged(bool busy);
  void progress(const songspace::ui::JobProgress& progress);
  void snapshotReady(std::shared_ptr<const songspace::library::LibrarySnapshot> snapshot);
  // refined = false for the instant PCA layout, true for t-SNE (or a cache that has it).
  void projectionReady(std::shared_ptr<const songspace::library::MapLayout> layout, bool refined);
  void stepFinished(const QString& step, const QString& summary);
  void failed(const QString& message);
  void finished(bool cancelled);  // the chain stopped: done, failed or cancelled
  // The catalog's playlists (both origins) after a recordPlaylist or deletePlaylist of the
  // catalog `catalogPath`; `file` is the playlist that changed, `deleted` says how.
  void playlistsChanged(const QString& catalogPath, const QString& file, bool deleted,
                        std::shared_ptr<const std::vector<songspace::core::Playlist>> playlists);
  void playlistFailed(const QString& message);  // nothing changed (or as the message says)
  // novelty: the file's check (ModelSession::embedExternalFile; not available on error).
  void externalFileEmbedded(const QString& path, const Eigen::VectorXf& embedding,
                            const QString& error, const songspace::core::Novelty& novelty);

 private:
  enum class Step { Open, Scan, Train, Project };
  struct Chain {
    QString catalogPath;
    QStringList folders;
    QList<Step> steps;
  };
  void request(Chain chain);
  void start(Chain chain);
  void runChain(const Chain& chain);  // on the pool
  // Opens the chain's catalog, or emits failed() with the reason and returns null.
  std::unique_ptr<core::Catalog> openCatalogOrFail(const QString& path);
  bool runScanStep(const Chain& chain);
  bool runTrainStep(const Chain& chain);
  bool runProjectionStep(const library::LibrarySnapshot& snapshot);
  // announce: report "Loading the library" as the phase (not for a scan's interim snapshots).
  std::shared_ptr<const library::LibrarySnapshot> deliverSnapshot(const QString& catalogPath,
                                                                  bool announce = true);
  // Opening: the library part first (LibrarySnapshot::loadLibrary), then, when there is a model,
  // the same library with it (withModel): two snapshotReady, the table fills before the model
  // loads. Returns the last one (null after failed()).
  std::shared_ptr<const library::LibrarySnapshot> deliverLibraryThenModel(
      const QString& catalogPath);
  void report(const JobProgress& progress, bool force = false);
  // Runs `change` on a catalog connection in the pool, then reports the catalog's playlists.
  void changePlaylists(const QString& file, bool deleting,
                       std::function<base::Status(core::Catalog&)> change);
  void onChainDone();

  QThreadPool m_pool;
  QFuture<void> m_future;
  std::atomic<bool> m_cancel{false};
  bool m_running = false;
  std::unique_ptr<Chain> m_next;
  QString m_catalogPath;
  Options m_options;
  QList<QFuture<void>> m_sideJobs;  // cold-start embeddings, waited for in the destructor

  QMutex m_progressMutex;
  QElapsedTimer m_sinceProgress;
};

}  // namespace songspace::ui

Q_DECLARE_METATYPE(songspace::ui::JobProgress)
Q_DECLARE_METATYPE(std::shared_ptr<const std::vector<songspace::core::Playlist>>)
Q_DECLARE_METATYPE(songspace::core::Novelty)
