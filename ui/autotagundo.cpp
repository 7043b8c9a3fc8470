#include "ui/autotagundo.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLocale>
#include <QMessageBox>
#include <QPointer>
#include <QProgressDialog>
#include <QtConcurrent>
#include <memory>

#include "core/library/tagundo.h"
#include "ui/autotagmodel.h"
#include "ui/dialogtitle.h"
#include "ui/settingskeys.h"

namespace songspace::ui {

namespace {

constexpr int kReasonsInline = 5;  // more go to the message box's details

// A Yes/Cancel question, wide enough for its title.
bool confirm(QWidget* parent, const QString& title, const QString& text) {
  QMessageBox box(QMessageBox::Question, title, text, QMessageBox::Yes | QMessageBox::Cancel,
                  parent);
  box.setDefaultButton(QMessageBox::Yes);
  fitTitle(box);
  return box.exec() == QMessageBox::Yes;
}

}  // namespace

QString AutotagUndo::describe(const library::UndoableBatch& batch) {
  const QString when =
      QLocale().toString(QDateTime::fromSecsSinceEpoch(batch.createdAt), QLocale::ShortFormat);
  if (batch.field.empty()) {
    return tr("the auto-tagging of %1 (batch %2): the tags of %n file(s)", nullptr, batch.files)
        .arg(when)
        .arg(batch.batchId);
  }
  return tr("the auto-tagging of %1 (batch %2): the %3 of %n file(s)", nullptr, batch.files)
      .arg(when)
      .arg(batch.batchId)
      .arg(QString::fromStdString(batch.field));
}

QString AutotagUndo::describeResult(const library::BatchResult& result, QString* details) {
  if (!result.status.ok()) {
    return tr("Nothing was restored: %1").arg(QString::fromStdString(result.status.message));
  }
  const int restored = result.count(library::FileOutcomeKind::Written);
  QStringList problems;
  for (const library::FileOutcome& o : result.files) {
    if (o.kind == library::FileOutcomeKind::Written) continue;
    problems << tr("%1 — %2: %3")
                    .arg(QFileInfo(QFile::decodeName(o.path.c_str())).fileName(),
                         QLatin1String(library::fileOutcomeName(o.kind)),
                         QString::fromStdString(o.reason));
  }
  QString text = tr("Restored %n file(s).", nullptr, restored);
  if (!problems.isEmpty()) {
    text += QLatin1Char(' ') +
            tr("%n file(s) not restored:", nullptr, static_cast<int>(problems.size()));
    text += QLatin1Char('\n') + problems.mid(0, kReasonsInline).join(QLatin1Char('\n'));
    if (problems.size() > kReasonsInline) text += QStringLiteral("\n…");
  }
  if (result.cancelled) text += QLatin1Char('\n') + tr("Stopped before the end.");
  if (details) *details = problems.join(QLatin1Char('\n'));
  return text;
}

QString AutotagUndo::describeAccept(const library::AcceptResult& result) {
  if (!result.status.ok()) {
    return tr("Nothing was accepted: %1").arg(QString::fromStdString(result.status.message));
  }
  // Two counts, one sentence: the files' count goes into the sentence whole, so a translation
  // can place it.
  return tr("Accepted %n value(s) in %1 as your own tags; the next training learns from them.",
            nullptr, static_cast<int>(result.tags.size()))
      .arg(tr("%n file(s)", nullptr, result.files()));
}

void AutotagUndo::acceptLast(QWidget* parent, const QString& catalogPath,
                             const library::UndoableBatch& batch, std::function<void()> done) {
  if (!confirm(parent, tr("Accept auto-tagged values"),
               tr("Accept the values written by %1 as your own tags?\n\nUntil you accept them, "
                  "values Songspace wrote are shown but never learned from. Accepted values "
                  "become your tags: training learns from them, and Undo no longer takes them "
                  "back.")
                   .arg(describe(batch)))) {
    return;
  }
  auto* watcher = new QFutureWatcher<library::AcceptResult>(parent);
  QPointer<QWidget> owner(parent);
  QObject::connect(watcher, &QFutureWatcher<library::AcceptResult>::finished, watcher,
                   [watcher, owner, done = std::move(done)] {
                     const library::AcceptResult result = watcher->result();
                     watcher->deleteLater();
                     QMessageBox box(
                         result.status.ok() ? QMessageBox::Information : QMessageBox::Warning,
                         tr("Accept auto-tagged values"), describeAccept(result), QMessageBox::Ok,
                         owner);
                     fitTitle(box);
                     // The views reload first: behind the report they already show the values.
                     if (done && result.status.ok()) done();
                     box.exec();
                   });
  library::AcceptRequest request;
  request.batches = {batch.batchId};
  watcher->setFuture(QtConcurrent::run(
      [catalogPath, request] { return library::acceptWrittenAt(catalogPath, request); }));
}

void AutotagUndo::undoLast(QWidget* parent, const QString& catalogPath,
                           const library::UndoableBatch& batch, std::function<void()> done) {
  if (!confirm(parent, tr("Undo auto-tagging"),
               tr("Restore the previous values of %1?\n\nFiles changed since then are left "
                  "alone and listed afterwards.")
                   .arg(describe(batch)))) {
    return;
  }

  auto* progress =
      new QProgressDialog(tr("Restoring tags…"), tr("Stop"), 0, std::max(1, batch.files), parent);
  progress->setWindowTitle(tr("Undo auto-tagging"));
  progress->setMinimumWidth(widthForTitle(*progress));
  progress->setWindowModality(Qt::WindowModal);
  progress->setMinimumDuration(0);
  progress->setAutoClose(false);
  progress->setAutoReset(false);
  progress->setValue(0);
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  QObject::connect(progress, &QProgressDialog::canceled, progress, [cancel, progress] {
    *cancel = true;
    progress->setLabelText(tr("Stopping after the current file…"));
  });
  auto* watcher = new QFutureWatcher<library::BatchResult>(progress);
  QPointer<QWidget> owner(parent);
  QObject::connect(watcher, &QFutureWatcher<library::BatchResult>::finished, progress,
                   [watcher, progress, owner, done = std::move(done)] {
                     const library::BatchResult result = watcher->result();
                     progress->hide();
                     progress->deleteLater();
                     QString details;
                     const QString text = describeResult(result, &details);
                     QMessageBox box(
                         result.status.ok() && result.count(library::FileOutcomeKind::Written) ==
                                                   static_cast<int>(result.files.size())
                             ? QMessageBox::Information
                             : QMessageBox::Warning,
                         tr("Undo auto-tagging"), text, QMessageBox::Ok, owner);
                     if (!details.isEmpty()) box.setDetailedText(details);
                     fitTitle(box);
                     // The views reload first: behind the report they already show the restored
                     // values (a user reading "Restored 1 file." over a table that still showed
                     // the written genre took it for stale).
                     if (done && result.batchId > 0) done();
                     box.exec();
                   });
  // The worker posts its progress to the dialog; posted events die with it, and it outlives
  // the worker (deleted only once the watcher reports the end).
  library::UndoOptions options;
  options.batchId = batch.batchId;
  options.reading = settings::tagReadingRules();
  watcher->setFuture(QtConcurrent::run([catalogPath, options, cancel, progress]() mutable {
    options.cancel = cancel.get();
    options.progress = [progress](int doneFiles, int total, const library::FileOutcome& outcome) {
      const QString name = QFileInfo(QFile::decodeName(outcome.path.c_str())).fileName();
      QMetaObject::invokeMethod(
          progress,
          [progress, doneFiles, total, name] {
            progress->setMaximum(total);
            progress->setValue(doneFiles);
            progress->setLabelText(tr("%1 of %2: %3").arg(doneFiles).arg(total).arg(name));
          },
          Qt::QueuedConnection);
    };
    return library::undoBatchAt(catalogPath, options);
  }));
}

}  // namespace songspace::ui
