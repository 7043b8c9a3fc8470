#pragma once

#include <QCoreApplication>
#include <QString>
#include <functional>

#include "core/library/autotagapply.h"
#include "core/library/tagaccept.h"
#include "core/library/tagundo.h"

class QWidget;

namespace songspace::ui {

// Undo and Accept of the last auto-tag batch, for the window's Edit menu: the words and the
// dialogs. Which batch is undoable or acceptable comes with the library snapshot
// (LibrarySnapshot::undoableBatch / acceptableBatch, read on the worker); the undo and the accept
// run on a worker thread (library::undoBatchAt, library::acceptWrittenAt). Nothing here opens
// the catalog on the calling (GUI) thread.
class AutotagUndo {
  Q_DECLARE_TR_FUNCTIONS(AutotagUndo)

 public:
  // Asks for confirmation naming `batch`, restores it on a worker thread behind a modal progress
  // dialog (Stop = after the current file) and reports the outcome. `done` runs after an undo
  // ran (the catalog's tags changed: refresh the snapshot), before the report is shown, so that
  // the views behind it reload at once; not when the user declined or the batch could not be
  // undone. Returns at once.
  static void undoLast(QWidget* parent, const QString& catalogPath,
                       const library::UndoableBatch& batch, std::function<void()> done);

  // Asks for confirmation naming `batch` and saying what accepting means, accepts its values
  // (library::acceptWrittenAt) on a worker thread and reports how many became the user's tags.
  // `done` runs after the accept ran (the catalog's tags changed), before the report is shown;
  // not when the user declined.
  // Returns at once.
  static void acceptLast(QWidget* parent, const QString& catalogPath,
                         const library::UndoableBatch& batch, std::function<void()> done);
  static QString describeAccept(const library::AcceptResult& result);

  // The batch in words ("the auto-tagging of <date> (batch 3): the genre of 9 files") and an
  // undo's report (details: one line per file not restored).
  static QString describe(const library::UndoableBatch& batch);
  static QString describeResult(const library::BatchResult& result, QString* details = nullptr);
};

}  // namespace songspace::ui
