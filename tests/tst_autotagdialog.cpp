// The auto-tag dialog on a real library: fixture copies scanned into a catalog and a model trained
// by the real jobs. The preview model (under QAbstractItemModelTester) recomputes new values from
// the checked tags (add and replace); the dialog writes exactly what it displays, leaves an
// unchecked file byte-identical, emits applied(batch), recomputes when a parameter changes, and
// a stop or a close mid-apply leaves every file either original or completely new. The library
// snapshot names the undoable batch; undo (library::undoBatchAt, AutotagUndo's flow) restores
// every file's values exactly.
#include <QAbstractItemModelTester>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeView>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <map>
#include <thread>

#include "audio/tagwriter.h"
#include "core/catalog/catalog.h"
#include "core/library/librarysnapshot.h"
#include "core/library/tagundo.h"
#include "modalanswerer.h"
#include "taglibrary.h"
#include "ui/autotagdialog.h"
#include "ui/autotagmodel.h"
#include "ui/autotagundo.h"
#include "ui/englishplurals.h"

using namespace songspace;
using audio::TagField;
using ui::AutotagModel;
using Values = std::vector<std::string>;

namespace {

Values field(const QString& file, TagField f) {
  Values values;
  if (!audio::readTagField(file.toStdString(), f, values).ok()) values = {"<unreadable>"};
  return values;
}

QByteArray bytes(const QString& file) {
  QFile f(file);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

Values fromList(const QStringList& list) {
  Values v;
  for (const auto& s : list) v.push_back(s.toStdString());
  return v;
}

void saveScreenshot(QWidget& widget, const QString& name) {
  const QString dir = qEnvironmentVariable("SONGSPACE_SCREENSHOT_DIR");
  if (dir.isEmpty()) return;
  QCoreApplication::processEvents();  // pending layout requests (button texts changed)
  QVERIFY(widget.grab().save(QDir(dir).filePath(name)));
}

}  // namespace

class TestAutotagDialog : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  QString m_lib, m_catalogPath;
  std::shared_ptr<const songspace::library::LibrarySnapshot> m_snapshot;
  std::map<QString, Values> m_originalGenre;

  QString path(const char* name) const { return m_lib + QLatin1Char('/') + QLatin1String(name); }

  // A dialog on every file, proposals for genre with a minimum confidence so low that all are kept.
  std::unique_ptr<ui::AutotagDialog> openDialog(int maxTags = 4) {
    auto dialog = std::make_unique<ui::AutotagDialog>(m_snapshot, QList<qint64>{});
    library::AutotagParams params;
    params.field = TagField::Genre;
    params.minConfidence = library::kAutotagMinConfidence.minValue;
    params.maxTags = maxTags;
    dialog->setParams(params);
    dialog->recompute();
    dialog->show();
    return dialog;
  }

  // The checked proposals' new values by path.
  static std::map<QString, Values> checkedByPath(const ui::AutotagDialog& d) {
    std::map<QString, Values> proposed;
    for (const auto& p : d.model()->checkedProposals())
      proposed[QString::fromStdString(p.path)] = p.newValues;
    return proposed;
  }

  // Holds the dialog's apply worker after its first file until release(); the destructor lets it
  // go in any case, so a failed check never leaves the worker blocked.
  class FirstFileGate {
   public:
    explicit FirstFileGate(ui::AutotagDialog& d) {
      d.setWorkerObserver([this](int done, int) {
        if (done != 1) return;
        m_reached.release();
        m_mayContinue.acquire();
      });
    }
    ~FirstFileGate() { m_mayContinue.release(1000); }
    FirstFileGate(const FirstFileGate&) = delete;
    FirstFileGate& operator=(const FirstFileGate&) = delete;
    bool reachedFirst() const { return m_reached.available() > 0; }
    void release() { m_mayContinue.release(); }

   private:
    QSemaphore m_reached;
    QSemaphore m_mayContinue;
  };

  static bool ready(const ui::AutotagDialog& d, int runs) {
    return d.proposalRuns() > runs && !d.isComputing() && d.applyButton()->isEnabled();
  }

  // Each file's genre is either what it was or exactly the proposal's new values.
  void checkOriginalOrNew(const std::map<QString, Values>& newValues) {
    for (const auto& [file, original] : m_originalGenre) {
      const Values now = field(file, TagField::Genre);
      const auto it = newValues.find(file);
      QVERIFY2(now == original || (it != newValues.end() && now == it->second), qPrintable(file));
    }
    auto catalog = core::Catalog::open(m_catalogPath.toStdString());
    QVERIFY(catalog);
    QVERIFY(catalog->batchesWithPendingEdits().empty());
  }

  // What Edit › Undo offers: the undoable batch of a freshly loaded snapshot.
  std::optional<library::UndoableBatch> undoable() const {
    base::Status status;
    const auto snapshot = library::LibrarySnapshot::load(m_catalogPath, &status);
    if (!snapshot) QTest::qFail(status.message.c_str(), __FILE__, __LINE__);
    return snapshot ? snapshot->undoableBatch : std::nullopt;
  }

  static library::BatchResult undo(const QString& catalogPath, std::int64_t batchId) {
    library::UndoOptions options;
    options.batchId = batchId;
    return library::undoBatchAt(catalogPath, options);
  }

  void undoAllAndCheck() {
    while (const auto info = undoable()) {
      const library::BatchResult undone = undo(m_catalogPath, info->batchId);
      QVERIFY2(undone.status.ok(), undone.status.message.c_str());
      QCOMPARE(undone.count(library::FileOutcomeKind::Written), info->files);
    }
    for (const auto& [file, original] : m_originalGenre) {
      QCOMPARE(field(file, TagField::Genre), original);
    }
  }

 private Q_SLOTS:
  void initTestCase() {
    ui::installEnglishPlurals(*QCoreApplication::instance());  // as the GUI's main does
    QVERIFY(m_dir.isValid());
    m_lib = m_dir.filePath(QStringLiteral("music"));
    const std::string made = testing::makeTagLibrary(m_lib);
    QVERIFY2(made.empty(), made.c_str());
    for (const testing::TagLibraryCopy& c : testing::kTagLibraryCopies) {
      m_originalGenre[path(c.name)] = field(path(c.name), TagField::Genre);
    }
    m_catalogPath = m_dir.filePath(QStringLiteral("library.sqlite"));
    const std::string trained = testing::scanAndTrainTagLibrary(m_lib, m_catalogPath);
    QVERIFY2(trained.empty(), trained.c_str());
    songspace::base::Status status;
    m_snapshot = songspace::library::LibrarySnapshot::load(m_catalogPath, &status);
    QVERIFY2(m_snapshot && m_snapshot->hasModel(), status.message.c_str());
    QVERIFY(!m_snapshot->undoableBatch);
    const QString absent = m_dir.filePath(QStringLiteral("absent.sqlite"));
    QVERIFY(!undo(absent, 1).status.ok());
    QVERIFY(!QFileInfo::exists(absent));  // a mistyped path never becomes an empty catalog
  }

  // Known answers on the FLAC fixture (genre "Rock;Pop"): add = old + checked new tags, replace
  // = the checked values, nothing checked = not written, choices survive a new preview.
  void modelRecomputesNewValues() {
    AutotagModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const std::vector<library::ProposedTag> ranked{{"jazz", 0.9f}, {"pop", 0.75f}, {"blues", 0.5f}};
    library::AutotagParams params;
    params.minConfidence = 0.0f;
    const std::string flac = path("03 fjord.flac").toStdString();
    const std::string wav = path("11 radio.wav").toStdString();
    model.setProposals({library::proposalFromPredictions(3, flac, ranked, params),
                        library::proposalFromPredictions(11, wav, ranked, params)});
    QCOMPARE(model.rowCount(), 2);
    const QModelIndex file = model.fileIndex(0);
    // A file row names its song where a label is known, else the file; its path is the tooltip.
    QCOMPARE(file.data().toString(), QStringLiteral("03 fjord.flac"));
    model.setSongLabels({{3, QStringLiteral("Fjord – The Band")}});
    QCOMPARE(file.data().toString(), QStringLiteral("Fjord – The Band"));
    QCOMPARE(file.data(Qt::ToolTipRole).toString(), QString::fromStdString(flac));
    QCOMPARE(model.fileIndex(1).data().toString(), QStringLiteral("11 radio.wav"));
    QCOMPARE(model.rowCount(file), 2);  // jazz, blues ("pop" is present)
    QCOMPARE(model.index(1, 0, file).data().toString(), QStringLiteral("blues"));
    QCOMPARE(model.index(1, AutotagModel::ProbabilityColumn, file).data().toString(),
             QStringLiteral("50 %"));
    QCOMPARE(
        file.data(AutotagModel::NewValuesRole).toStringList(),
        (QStringList{QStringLiteral("Rock;Pop"), QStringLiteral("jazz"), QStringLiteral("blues")}));
    // The WAV is skipped by the engine: not checkable, reason shown, never written.
    const QModelIndex skipped = model.fileIndex(1);
    QVERIFY(!(model.flags(skipped) & Qt::ItemIsUserCheckable));
    QVERIFY(model.data(skipped.siblingAtColumn(AutotagModel::NewColumn))
                .toString()
                .startsWith(QStringLiteral("skipped: ")));
    QCOMPARE(model.rowCount(skipped), 0);
    QCOMPARE(model.writableCount(), 1);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(model.setData(model.index(0, 0, file), Qt::Unchecked, Qt::CheckStateRole));
    QVERIFY(!changed.isEmpty());
    QCOMPARE(file.data(AutotagModel::NewValuesRole).toStringList(),
             (QStringList{QStringLiteral("Rock;Pop"), QStringLiteral("blues")}));
    auto checked = model.checkedProposals();
    QCOMPARE(checked.size(), std::size_t(1));
    QCOMPARE(checked[0].newValues, (Values{"Rock;Pop", "blues"}));
    QCOMPARE(checked[0].added.size(), std::size_t(1));
    QVERIFY(model.setData(model.index(1, 0, file), Qt::Unchecked, Qt::CheckStateRole));
    QVERIFY(!file.data(AutotagModel::WillWriteRole).toBool());
    QVERIFY(model.checkedProposals().empty());

    // A new preview keeps "jazz" and "blues" unchecked for this file.
    model.setProposals({library::proposalFromPredictions(3, flac, ranked, params)});
    QVERIFY(!model.fileIndex(0).data(AutotagModel::WillWriteRole).toBool());
    QVERIFY(model.setData(model.index(0, 0, model.fileIndex(0)), Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(model.checkedProposals()[0].newValues, (Values{"Rock;Pop", "jazz"}));

    // Replace: the checked values are the field ("blues" is still unchecked). "pop" is new to
    // the field as a value ("Rock;Pop" is one value) but present as a tag: its probability is
    // unknown.
    params.mode = library::AutotagMode::Replace;
    model.setProposals({library::proposalFromPredictions(3, flac, ranked, params)});
    const QModelIndex replaced = model.fileIndex(0);
    QCOMPARE(model.rowCount(replaced), 3);
    QCOMPARE(model.index(1, AutotagModel::ProbabilityColumn, replaced).data().toString(),
             QStringLiteral("kept"));
    QCOMPARE(replaced.data(AutotagModel::NewValuesRole).toStringList(),
             (QStringList{QStringLiteral("jazz"), QStringLiteral("pop")}));
    QVERIFY(model.setData(model.index(0, 0, replaced), Qt::Unchecked, Qt::CheckStateRole));
    QCOMPARE(model.checkedProposals()[0].newValues, (Values{"pop"}));
    QVERIFY(model.setData(model.index(1, 0, replaced), Qt::Unchecked, Qt::CheckStateRole));
    // Nothing checked in Replace never empties the field: the file is not written.
    QVERIFY(!replaced.data(AutotagModel::WillWriteRole).toBool());
    QVERIFY(model.checkedProposals().empty());
    QVERIFY(model.setData(replaced, Qt::Unchecked, Qt::CheckStateRole));
    QCOMPARE(replaced.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));

    // A guess the engine withheld has no row of its own; the After column's tooltip names it and
    // says why. A file without one has no such tooltip.
    params.mode = library::AutotagMode::Add;
    std::vector<library::ProposedTag> guessed = ranked;
    guessed[0].guess =
        "a guess: it is 3.60 s long, shorter than the songs tagged jazz make "
        "familiar (at least 45.88 s)";
    model.setProposals({library::proposalFromPredictions(3, flac, guessed, params),
                        library::proposalFromPredictions(3, flac, ranked, params)});
    const QModelIndex withGuess = model.fileIndex(0);
    QCOMPARE(model.rowCount(withGuess), 1);  // blues ("pop" is present, jazz withheld)
    QCOMPARE(model.index(0, 0, withGuess).data().toString(), QStringLiteral("blues"));
    QCOMPARE(withGuess.siblingAtColumn(AutotagModel::NewColumn).data(Qt::ToolTipRole).toString(),
             QStringLiteral("Not proposed: jazz (90 %), a guess: it is 3.60 s long, shorter than "
                            "the songs tagged jazz make familiar (at least 45.88 s)"));
    QVERIFY(
        model.fileIndex(1).siblingAtColumn(AutotagModel::NewColumn).data(Qt::ToolTipRole).isNull());
  }

  // Uncheck a file and one tag of another, press Apply: exactly the displayed values are written,
  // the unchecked file is byte-identical, applied(batch) is emitted; undo restores everything.
  void applyWritesWhatIsShownAndUndoRestores() {
    auto dialog = openDialog();
    QTRY_VERIFY_WITH_TIMEOUT(ready(*dialog, 0), 30000);
    AutotagModel* model = dialog->model();
    QCOMPARE(model->fileCount(), testing::kTagLibrarySize);
    const int leftOut = model->rowOfPath(path("02 lights.mp3").toStdString());
    const int narrowed = model->rowOfPath(path("07 basement.flac").toStdString());
    QVERIFY(leftOut >= 0 && narrowed >= 0);
    QVERIFY(model->fileIndex(leftOut).data(AutotagModel::WillWriteRole).toBool());
    QVERIFY(model->rowCount(model->fileIndex(narrowed)) >= 2);
    const QModelIndex wav = model->fileIndex(model->rowOfPath(path("11 radio.wav").toStdString()));
    QVERIFY(!(model->flags(wav) & Qt::ItemIsUserCheckable));

    const QByteArray leftOutBytes = bytes(path("02 lights.mp3"));
    const QByteArray wavBytes = bytes(path("11 radio.wav"));
    QVERIFY(model->setData(model->fileIndex(leftOut), Qt::Unchecked, Qt::CheckStateRole));
    const QModelIndex droppedTag = model->index(0, 0, model->fileIndex(narrowed));
    const std::string dropped = droppedTag.data().toString().toStdString();
    QVERIFY(model->setData(droppedTag, Qt::Unchecked, Qt::CheckStateRole));

    std::map<QString, Values> shown;  // what the "After" column displays
    for (int row = 0; row < model->fileCount(); ++row) {
      const QModelIndex index = model->fileIndex(row);
      if (!index.data(AutotagModel::WillWriteRole).toBool()) continue;
      const QStringList values = index.data(AutotagModel::NewValuesRole).toStringList();
      QCOMPARE(index.siblingAtColumn(AutotagModel::NewColumn).data().toString(),
               values.join(QStringLiteral("; ")));
      shown[index.data(AutotagModel::PathRole).toString()] = fromList(values);
    }
    QVERIFY(!shown.count(path("02 lights.mp3")));
    QVERIFY(shown.size() >= 8);
    saveScreenshot(*dialog, QStringLiteral("autotagdialog-preview.png"));
    // The Result column is empty until an apply: hidden, the reasons get its width.
    QVERIFY(dialog->view()->isColumnHidden(AutotagModel::ResultColumn));

    QSignalSpy applied(dialog.get(), &ui::AutotagDialog::applied);
    QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
    QVERIFY(dialog->isApplying() || dialog->hasResult());
    QTRY_VERIFY_WITH_TIMEOUT(dialog->hasResult(), 30000);
    const library::BatchResult& result = dialog->lastResult();
    QVERIFY2(result.status.ok(), result.status.message.c_str());
    QCOMPARE(applied.count(), 1);
    QCOMPARE(applied.at(0).at(0).toLongLong(), static_cast<qint64>(result.batchId));
    QVERIFY(result.batchId > 0);
    QCOMPARE(result.count(library::FileOutcomeKind::Written), static_cast<int>(shown.size()));
    QVERIFY(dialog->summaryText().contains(QStringLiteral("%1 written").arg(shown.size())));
    QVERIFY(!dialog->view()->isColumnHidden(AutotagModel::ResultColumn));

    QCOMPARE(bytes(path("02 lights.mp3")), leftOutBytes);
    QCOMPARE(bytes(path("11 radio.wav")), wavBytes);
    for (const auto& [file, values] : shown) {
      QCOMPARE(field(file, TagField::Genre), values);
      const QModelIndex index = model->fileIndex(model->rowOfPath(file.toStdString()));
      QCOMPARE(index.siblingAtColumn(AutotagModel::ResultColumn).data().toString(),
               QStringLiteral("written"));
    }
    const Values narrowedNow = field(path("07 basement.flac"), TagField::Genre);
    QVERIFY(std::find(narrowedNow.begin(), narrowedNow.end(), dropped) == narrowedNow.end());
    QVERIFY(!dialog->applyButton()->isEnabled());  // the preview is spent
    saveScreenshot(*dialog, QStringLiteral("autotagdialog-applied.png"));
    dialog->view()->scrollToBottom();
    saveScreenshot(*dialog, QStringLiteral("autotagdialog-applied-end.png"));

    // Undo: the snapshot names the batch, which is described, then restored by the worker call.
    const auto info = undoable();
    QVERIFY(info);
    QCOMPARE(info->batchId, static_cast<qint64>(result.batchId));
    QCOMPARE(info->files, static_cast<int>(shown.size()));
    QCOMPARE(info->field, std::string("genre"));
    QVERIFY(
        ui::AutotagUndo::describe(*info).contains(QStringLiteral("%1 files").arg(shown.size())));
    const library::BatchResult undone = undo(m_catalogPath, info->batchId);
    QCOMPARE(undone.count(library::FileOutcomeKind::Written), static_cast<int>(shown.size()));
    QVERIFY(ui::AutotagUndo::describeResult(undone).startsWith(
        QStringLiteral("Restored %1 files.").arg(shown.size())));
    for (const auto& [file, original] : m_originalGenre) {
      QCOMPARE(field(file, TagField::Genre), original);
    }
    QVERIFY(!undoable());
    QVERIFY(!undo(m_catalogPath, info->batchId).status.ok());  // done once
  }

  // Opened without parameters, the minimum confidence is the model's threshold (shown in
  // percent, applied exactly): no proposed tag is less probable, and the preview states the
  // checked tags' expected precision. A higher minimum proposes only tags at least that probable.
  // (SONGSPACE_SCREENSHOT_DIR: the preview is saved as autotag-confidence.png.)
  void minimumConfidenceDefaultsToTheModelsThreshold() {
    const auto& calibration = m_snapshot->model->model().calibration;
    QVERIFY(calibration.has_value());
    const float threshold = calibration->autoTagThreshold;
    ui::AutotagDialog dialog(m_snapshot, {});
    dialog.show();
    auto* spin = dialog.findChild<QDoubleSpinBox*>();
    QVERIFY(spin);
    QCOMPARE(spin->value(), std::round(1000.0 * threshold) / 10.0);
    QVERIFY(!dialog.params().minConfidence.has_value());  // the model's exact threshold
    QVERIFY(spin->toolTip().contains(QStringLiteral("calibrated probability")));
    const auto labels = dialog.findChildren<QLabel*>();
    QVERIFY(std::any_of(labels.begin(), labels.end(), [&](QLabel* l) {
      return l->buddy() == spin && l->text() == QStringLiteral("Minimum &confidence:");
    }));
    QTRY_VERIFY_WITH_TIMEOUT(dialog.proposalRuns() > 0 && !dialog.isComputing(), 30000);
    int proposed = 0;
    for (const auto& p : dialog.model()->checkedProposals()) {
      for (const auto& tag : p.added) {
        QVERIFY(tag.probability >= threshold);
        ++proposed;
      }
    }
    QVERIFY2(dialog.precisionText().startsWith(proposed ? QStringLiteral("Expected precision")
                                                        : QStringLiteral("No tag is checked")),
             qPrintable(dialog.precisionText()));
    saveScreenshot(dialog, QStringLiteral("autotag-confidence.png"));

    const int runs = dialog.proposalRuns();
    spin->setValue(99.0);
    QVERIFY(dialog.params().minConfidence.has_value());
    QCOMPARE(*dialog.params().minConfidence, 0.99f);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.proposalRuns() > runs && !dialog.isComputing(), 30000);
    for (const auto& p : dialog.model()->checkedProposals())
      for (const auto& tag : p.added) QVERIFY(tag.probability >= 0.99f);
  }

  void parameterChangeRecomputes() {
    auto dialog = openDialog();
    QTRY_VERIFY_WITH_TIMEOUT(ready(*dialog, 0), 30000);
    const int runs = dialog->proposalRuns();
    AutotagModel* model = dialog->model();
    const int flac = model->rowOfPath(path("07 basement.flac").toStdString());
    QVERIFY(model->rowCount(model->fileIndex(flac)) >= 2);
    dialog->findChild<QSpinBox*>()->setValue(1);   // max tags, debounced
    QVERIFY(!dialog->applyButton()->isEnabled());  // stale preview cannot be applied
    QTRY_VERIFY_WITH_TIMEOUT(ready(*dialog, runs), 30000);
    QCOMPARE(dialog->proposalRuns(), runs + 1);  // one run for the edit, not one per keystroke
    for (int row = 0; row < model->fileCount(); ++row) {
      QVERIFY(model->rowCount(model->fileIndex(row)) <= 1);
    }
    library::AutotagParams params = dialog->params();
    params.field = TagField::Mood;
    params.maxTags = 4;
    dialog->setParams(params);
    QTRY_VERIFY_WITH_TIMEOUT(ready(*dialog, runs + 1), 30000);
    const QModelIndex tagged =
        model->fileIndex(model->rowOfPath(path("03 fjord.flac").toStdString()));
    QCOMPARE(tagged.data(AutotagModel::OldValuesRole).toStringList(),
             QStringList{QStringLiteral("Calm")});
  }

  // Stop pressed while the batch is held after its first file: it ends there, every file is
  // whole (original or completely new) and no journal edit is left pending.
  void stopDuringApplyLeavesWholeFiles() {
    auto dialog = openDialog();
    QTRY_VERIFY_WITH_TIMEOUT(ready(*dialog, 0), 30000);
    const std::map<QString, Values> proposed = checkedByPath(*dialog);
    FirstFileGate gate(*dialog);
    QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(gate.reachedFirst(), 30000);
    QVERIFY(dialog->stopButton()->isVisible());
    QTest::mouseClick(dialog->stopButton(), Qt::LeftButton);
    gate.release();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->hasResult(), 30000);
    const library::BatchResult& result = dialog->lastResult();
    QVERIFY(result.cancelled);
    QCOMPARE(result.count(library::FileOutcomeKind::Written), 1);
    QCOMPARE(result.files.size(), std::size_t(1));
    QVERIFY(proposed.size() > 1);
    QVERIFY(dialog->summaryText().contains(QStringLiteral("Stopped early")));
    checkOriginalOrNew(proposed);
    undoAllAndCheck();
  }

  // Destroying the dialog mid-apply stops and waits: the batch ends after the file in progress,
  // no Pending edit, no half-written file.
  void closeWhileApplyingWaits() {
    auto dialog = openDialog();
    QTRY_VERIFY_WITH_TIMEOUT(ready(*dialog, 0), 30000);
    const std::map<QString, Values> proposed = checkedByPath(*dialog);
    FirstFileGate gate(*dialog);
    dialog->apply();
    QVERIFY(dialog->isApplying());
    QTRY_VERIFY_WITH_TIMEOUT(gate.reachedFirst(), 30000);
    // The destructor sets Stop and then waits; the worker is let go only after that.
    std::thread releaser([&] {
      QThread::msleep(500);
      gate.release();
    });
    dialog.reset();
    releaser.join();
    checkOriginalOrNew(proposed);
    auto catalog = core::Catalog::open(m_catalogPath.toStdString());
    const auto last = catalog->lastTagBatch();
    QVERIFY(last);
    int done = 0;
    for (const auto& edit : catalog->editsOfBatch(last->id))
      done += edit.state == core::TagEditState::Done;
    QCOMPARE(done, 1);
    catalog.reset();
    undoAllAndCheck();
  }

  // The menu entry's flow: confirmation naming the batch, the undo behind a progress dialog,
  // the report, then `done`. The boxes are answered as they appear.
  void undoLastConfirmsAndReports() {
    auto dialog = openDialog();
    QTRY_VERIFY_WITH_TIMEOUT(ready(*dialog, 0), 30000);
    const int files = dialog->model()->writableCount();
    QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->hasResult(), 30000);
    QCOMPARE(dialog->lastResult().count(library::FileOutcomeKind::Written), files);
    const auto batch = undoable();
    QVERIFY(batch);

    testing::ModalAnswerer answer;
    const QStringList& texts = answer.texts();
    bool done = false;
    qsizetype answeredWhenDone = -1;
    ui::AutotagUndo::undoLast(dialog.get(), m_catalogPath, *batch, [&] {
      done = true;
      answeredWhenDone = texts.size();
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 2, 30000);
    answer.stop();
    // The views reload (done) before the report: only the confirmation had been answered.
    QCOMPARE(answeredWhenDone, qsizetype(1));
    QVERIFY2(texts[0].contains(QStringLiteral("the genre of %1 files").arg(files)),
             qPrintable(texts[0]));
    QVERIFY2(texts[1].startsWith(QStringLiteral("Restored %1 files.").arg(files)),
             qPrintable(texts[1]));
    for (const auto& [file, original] : m_originalGenre) {
      QCOMPARE(field(file, TagField::Genre), original);
    }
    QVERIFY(!undoable());
  }
};

QTEST_MAIN(TestAutotagDialog)
#include "tst_autotagdialog.moc"
