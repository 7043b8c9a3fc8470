#pragma once

#include <QDialog>
#include <QList>
#include <memory>

#include "core/library/librarysnapshot.h"

class QLabel;
class QLineEdit;
class QListView;
class QListWidget;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QStandardItemModel;

namespace songspace::ui {

// "Path to…": the user picks where a path of songs through the joint space ends, starting at
// `fromFileId`, and sees the path before playing or saving it. The path is core::songPath on the
// snapshot's model (songs advancing monotonically along the segment from A to B, each near it,
// no song and no duplicate group twice; docs/design.md §3), recomputed whenever the end or the
// length changes (a few ms at 10⁵ songs: bench_discovery).
//
// The destination list holds every embedded song but the start (and its duplicate group),
// filtered by the search field (title, artist, album; case-insensitive). The result is read
// after accepted(): action() says whether to play or to save it, pathFileIds() the songs, A
// first and B last. GUI thread only; the snapshot is shared and must have a model.
class PathDialog : public QDialog {
  Q_OBJECT
 public:
  enum class Action { Play, SaveAsPlaylist };

  PathDialog(std::shared_ptr<const library::LibrarySnapshot> snapshot, qint64 fromFileId,
             QWidget* parent = nullptr);

  qint64 fromFileId() const { return m_from; }
  // The chosen end (0 when none), and choosing one by file id (false when it is not offered).
  qint64 toFileId() const { return m_to; }
  bool setToFileId(qint64 fileId);
  int length() const;  // songs on the path, both ends included
  void setLength(int length);
  QList<qint64> pathFileIds() const { return m_path; }
  Action action() const { return m_action; }
  QLineEdit* searchField() const { return m_search; }

 private:
  void updatePath();
  QString songLabel(qint64 fileId) const;

  std::shared_ptr<const library::LibrarySnapshot> m_snapshot;
  qint64 m_from = 0;
  qint64 m_to = 0;
  QList<qint64> m_path;
  Action m_action = Action::Play;
  QLineEdit* m_search;
  QStandardItemModel* m_songs;
  QSortFilterProxyModel* m_filter;
  QListView* m_destinations;
  QSpinBox* m_length;
  QListWidget* m_preview;
  QLabel* m_summary;
  QPushButton* m_play;
  QPushButton* m_save;
};

}  // namespace songspace::ui
