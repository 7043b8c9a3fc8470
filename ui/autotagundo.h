#pragma once

#include <QCoreApplication>
#include <QString>
#include <atomic>
#include <functional>
#include <optional>

#include "core/library/autotagapply.h"

class QWidget;

namespace songspace::ui {

// Undo of the last auto-tag batch, for the window's Edit menu.
class AutotagUndo {
  Q_DECLARE_TR_FUNCTIONS(AutotagUndo)

 public:
  struct BatchInfo {
    qint64 batchId = 0;
    qint64 createdAt = 0;  // unix seconds
    int files = 0;         // files the batch wrote
    QString field;         // "genre", … (the first edit's)
  };

  // Whether the catalog has an apply batch not yet undone (opens the catalog briefly; cheap).
  static bool canUndo(const QString& catalogPath);
  // Asks for confirmation naming the batch, restores it on a worker thread behind a modal
  // progress dialog (Stop = after the current file) and reports the outcome. `done` runs after an
  // undo ran (the catalog's tags changed), not when the user declined. Returns at once.
  static void undoLast(QWidget* parent, const QString& catalogPath, std::function<void()> done);

  // The pieces, usable without a GUI: the newest undoable batch (nullopt when none / on error),
  // the undo itself (opens its own catalog; call on any thread) and its report in words.
  static std::optional<BatchInfo> lastBatch(const QString& catalogPath, QString* error = nullptr);
  static library::BatchResult runUndo(
      const QString& catalogPath, qint64 batchId, const std::atomic<bool>* cancel = nullptr,
      std::function<void(int, int, const library::FileOutcome&)> progress = {});
  static QString describe(const BatchInfo& info);
  static QString describeResult(const library::BatchResult& result, QString* details = nullptr);
};

}  // namespace songspace::ui
