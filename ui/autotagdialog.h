#pragma once

#include <QDialog>
#include <QFutureWatcher>
#include <QList>
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/library/autotag.h"
#include "core/library/autotagapply.h"
#include "core/library/librarysnapshot.h"
#include "ui/autotagundo.h"  // AutotagUndo: the Edit menu's counterpart

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTimer;
class QTreeView;

namespace songspace::ui {

class AutotagModel;

// What one proposal run produced (on the worker thread).
struct ProposalRun {
  std::vector<library::Proposal> proposals;
  QString error;  // set when the catalog could not be opened or there is no model
};

// "Auto-tag files…": previews the model's tags for the given files (empty = every analysed
// song), lets the user tick files and tags off, writes the rest safely and shows what happened
// to each file. The catalog is only touched on the dialog's own single-thread pool, each run
// opening its own core::Catalog (the Catalog object is single-thread); proposals and apply are
// therefore serialised and never read a file while it is being written. Parameter changes
// recompute the preview after a short pause. Closing while applying stops after the current file
// and waits; no file is ever left half-written (see autotagapply.h).
class AutotagDialog : public QDialog {
  Q_OBJECT
 public:
  static constexpr int kRecomputeDelayMs = 250;  // debounce of parameter edits
  static constexpr int kProposalChunk = 32;      // files per cancellation check

  AutotagDialog(std::shared_ptr<const library::LibrarySnapshot> snapshot,
                const QList<qint64>& fileIds, QWidget* parent = nullptr);
  ~AutotagDialog() override;

  library::AutotagParams params() const;
  void setParams(const library::AutotagParams& params);  // schedules a recompute
  bool preserveMtime() const;

  bool isComputing() const;
  bool isApplying() const;
  bool hasResult() const { return m_hasResult; }
  const library::BatchResult& lastResult() const { return m_lastResult; }
  QString statusText() const;  // proposals summary ("12 files: 9 will change, …")
  // The checked tags' expected precision (their mean calibrated probability) and what the
  // threshold did on held-out songs; empty while computing or on error.
  QString precisionText() const;
  QString summaryText() const;  // outcome of the last apply

  // For tests and the window: the parts a user interacts with.
  AutotagModel* model() const { return m_model; }
  QTreeView* view() const { return m_view; }
  QPushButton* applyButton() const { return m_applyButton; }
  QPushButton* stopButton() const { return m_stopButton; }
  int proposalRuns() const { return m_proposalRuns; }  // finished preview computations
  // Called on the worker thread after each file of an apply, before the batch looks at Stop:
  // lets a test act at a known point of a running batch. Set before apply().
  void setWorkerObserver(std::function<void(int done, int total)> observer) {
    m_workerObserver = std::move(observer);
  }

 public Q_SLOTS:
  void recompute();    // now, without waiting for the debounce
  void apply();        // writes the checked proposals (no-op while busy)
  void cancelApply();  // stops after the current file
  void reject() override;

 Q_SIGNALS:
  void proposalsReady();
  void applied(qint64 batchId);  // the catalog's file tags changed; refresh the snapshot

 private:
  void buildUi();
  void scheduleRecompute();
  void proposalsFinished();
  void setProgressRange(int files);  // the bar counts files 0..files
  void applyProgress(int done, int total, const library::FileOutcome& outcome);
  void applyFinished();
  void updateButtons();
  void updateStatus();
  const core::Calibration* modelCalibration() const;  // null without a calibrated model
  // The model's auto-tag threshold, or kAutotagMinConfidence's default without one.
  float modelThreshold() const;
  static double shownPercent(float probability);  // as the spin box shows it (0.1 %)
  QString minConfidenceToolTip() const;

  std::shared_ptr<const library::LibrarySnapshot> m_snapshot;
  std::vector<std::int64_t> m_fileIds;
  QThreadPool m_pool;
  QFutureWatcher<ProposalRun> m_proposalWatcher;
  QFutureWatcher<library::BatchResult> m_applyWatcher;
  std::atomic<bool> m_cancel{false};
  bool m_closeWhenDone = false;
  bool m_hasResult = false;
  bool m_applyPending = false;  // the preview is stale: apply waits for the next run
  int m_proposalRuns = 0;
  library::BatchResult m_lastResult;
  QString m_error;
  std::optional<library::AutotagThreshold> m_threshold;  // of the last run started
  std::function<void(int, int)> m_workerObserver;

  AutotagModel* m_model = nullptr;
  QComboBox* m_field = nullptr;
  QDoubleSpinBox* m_minConfidence = nullptr;  // percent
  QSpinBox* m_maxTags = nullptr;
  QRadioButton* m_add = nullptr;
  QRadioButton* m_replace = nullptr;
  QCheckBox* m_preserveMtime = nullptr;
  QLabel* m_status = nullptr;
  QLabel* m_precision = nullptr;  // precisionText()
  QTreeView* m_view = nullptr;
  QProgressBar* m_progress = nullptr;
  QLabel* m_current = nullptr;
  QLabel* m_summary = nullptr;
  QPushButton* m_applyButton = nullptr;
  QPushButton* m_stopButton = nullptr;
  QPushButton* m_closeButton = nullptr;
  QTimer* m_debounce = nullptr;
};

}  // namespace songspace::ui
