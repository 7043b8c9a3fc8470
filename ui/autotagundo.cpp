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

#include "core/catalog/catalog.h"
#include "core/library/opencatalog.h"
#include "core/library/tagundo.h"
#include "ui/autotagmodel.h"

namespace songspace::ui {

namespace {

// Never creates a catalog: opening would make an empty one at a mistyped path.
std::unique_ptr<core::Catalog> openExisting(const QString& path, QString* error) {
  core::CatalogStatus status;
  auto catalog = library::openCatalog(path, library::CatalogOpenMode::MustExist, &status);
  if (!catalog && error) *error = QString::fromStdString(status.message);
  return catalog;
}

constexpr int kReasonsInline = 5;  // more go to the message box's details

}  // namespace

std::optional<AutotagUndo::BatchInfo> AutotagUndo::lastBatch(const QString& catalogPath,
                                                             QString* error) {
  auto catalog = openExisting(catalogPath, error);
  if (!catalog) return std::nullopt;
  const auto id = library::lastUndoableBatch(*catalog);
  if (!id) return std::nullopt;
  BatchInfo info;
  info.batchId = *id;
  if (const auto batch = catalog->tagBatch(*id)) info.createdAt = batch->createdAt;
  for (const core::TagEdit& edit : catalog->editsOfBatch(*id)) {
    if (edit.state != core::TagEditState::Done) continue;
    ++info.files;
    if (info.field.isEmpty()) info.field = QString::fromStdString(edit.field);
  }
  return info;
}

bool AutotagUndo::canUndo(const QString& catalogPath) {
  return lastBatch(catalogPath).has_value();
}

library::BatchResult AutotagUndo::runUndo(
    const QString& catalogPath, qint64 batchId, const std::atomic<bool>* cancel,
    std::function<void(int, int, const library::FileOutcome&)> progress) {
  QString error;
  auto catalog = openExisting(catalogPath, &error);
  if (!catalog) {
    library::BatchResult result;
    result.error = error.toStdString();
    return result;
  }
  library::UndoOptions options;
  options.batchId = batchId;
  options.cancel = cancel;
  options.progress = std::move(progress);
  return library::undoBatch(*catalog, options);
}

QString AutotagUndo::describe(const BatchInfo& info) {
  const QString when =
      QLocale().toString(QDateTime::fromSecsSinceEpoch(info.createdAt), QLocale::ShortFormat);
  if (info.field.isEmpty()) {
    return tr("the auto-tagging of %1 (batch %2): the tags of %n file(s)", nullptr, info.files)
        .arg(when)
        .arg(info.batchId);
  }
  return tr("the auto-tagging of %1 (batch %2): the %3 of %n file(s)", nullptr, info.files)
      .arg(when)
      .arg(info.batchId)
      .arg(info.field);
}

QString AutotagUndo::describeResult(const library::BatchResult& result, QString* details) {
  if (!result.error.empty()) {
    return tr("Nothing was restored: %1").arg(QString::fromStdString(result.error));
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

void AutotagUndo::undoLast(QWidget* parent, const QString& catalogPath,
                           std::function<void()> done) {
  QString error;
  const auto info = lastBatch(catalogPath, &error);
  if (!info) {
    QMessageBox::information(parent, tr("Undo auto-tagging"),
                             error.isEmpty() ? tr("There is no auto-tagging to undo.") : error);
    return;
  }
  const auto answer = QMessageBox::question(
      parent, tr("Undo auto-tagging"),
      tr("Restore the previous values of %1?\n\nFiles changed since then are left "
         "alone and listed afterwards.")
          .arg(describe(*info)),
      QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes);
  if (answer != QMessageBox::Yes) return;

  auto* progress =
      new QProgressDialog(tr("Restoring tags…"), tr("Stop"), 0, std::max(1, info->files), parent);
  progress->setWindowTitle(tr("Undo auto-tagging"));
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
                         result.error.empty() && result.count(library::FileOutcomeKind::Written) ==
                                                     static_cast<int>(result.files.size())
                             ? QMessageBox::Information
                             : QMessageBox::Warning,
                         tr("Undo auto-tagging"), text, QMessageBox::Ok, owner);
                     if (!details.isEmpty()) box.setDetailedText(details);
                     box.exec();
                     if (done && result.batchId > 0) done();
                   });
  // The worker posts its progress to the dialog; posted events die with it, and it outlives
  // the worker (deleted only once the watcher reports the end).
  const qint64 batchId = info->batchId;
  watcher->setFuture(QtConcurrent::run([catalogPath, batchId, cancel, progress] {
    return runUndo(
        catalogPath, batchId, cancel.get(),
        [progress](int doneFiles, int total, const library::FileOutcome& outcome) {
          const QString name = QFileInfo(QFile::decodeName(outcome.path.c_str())).fileName();
          QMetaObject::invokeMethod(
              progress,
              [progress, doneFiles, total, name] {
                progress->setMaximum(total);
                progress->setValue(doneFiles);
                progress->setLabelText(tr("%1 of %2: %3").arg(doneFiles).arg(total).arg(name));
              },
              Qt::QueuedConnection);
        });
  }));
}

}  // namespace songspace::ui
