#pragma once

#include <QList>
#include <QWidget>
#include <memory>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/library/librarysnapshot.h"
#include "ui/playqueue.h"

class QAction;
class QLabel;
class QStackedWidget;
class QTableView;

namespace songspace::ui {

class PlaylistEntryModel;
class PlaylistListModel;

// The Playlists tab (docs/design.md §5.1): above, every playlist of the catalog —
// Songspace's own (saved selections, mixes, paths) first, then the library's playlist files —
// with its song count and where it comes from; below, the chosen playlist's entries (the
// ones that are not library songs greyed, with their path) under Play, Add to Queue, Export…
// and Delete… (ours only). The actions are also the list's context menu and keys: Enter plays,
// Ctrl+Enter queues, Delete deletes. In the entries, choosing a song shows it (songActivated),
// Enter or a double click plays it.
//
// The page only asks: the window plays, exports and deletes (through the job controller).
class PlaylistsPage : public QWidget {
  Q_OBJECT
 public:
  explicit PlaylistsPage(QWidget* parent = nullptr);

  // A new snapshot: its playlists, and which entries are library songs.
  void setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot);
  // The catalog's playlists after a save or a delete (the snapshot stays). The chosen playlist
  // stays chosen while it is listed; a deleted one gives way to its neighbour.
  void setPlaylists(std::vector<core::Playlist> playlists);

  bool selectPlaylist(qint64 id);    // false when it is not listed
  qint64 currentPlaylistId() const;  // 0 when none is chosen
  const core::Playlist* currentPlaylist() const;
  QList<qint64> currentSongIds() const;  // the chosen playlist's library songs, in order

  QTableView* playlistView() const { return m_list; }
  QTableView* entryView() const { return m_entries; }
  PlaylistListModel* playlistModel() const { return m_listModel; }
  PlaylistEntryModel* entryModel() const { return m_entryModel; }
  QAction* playAction() const { return m_play; }
  QAction* queueAction() const { return m_queue; }
  QAction* exportAction() const { return m_export; }
  QAction* deleteAction() const { return m_delete; }

 Q_SIGNALS:
  void playRequested(qint64 playlistId);  // replace the queue with its songs and play
  void queueRequested(qint64 playlistId);
  void exportRequested(qint64 playlistId);
  void deleteRequested(qint64 playlistId);
  void songActivated(qint64 fileId);
  void songPlayRequested(qint64 fileId, songspace::ui::QueuePlacement placement);

 private:
  void showCurrent();
  void updateActions();
  void showListMenu(const QPoint& at);
  void showEntryMenu(const QPoint& at);

  std::shared_ptr<const library::LibrarySnapshot> m_snapshot;
  PlaylistListModel* m_listModel;
  PlaylistEntryModel* m_entryModel;
  QTableView* m_list;
  QTableView* m_entries;
  QStackedWidget* m_side;  // a hint, or the chosen playlist
  QLabel* m_hint;
  QLabel* m_title;
  QLabel* m_details;
  QAction* m_play;
  QAction* m_queue;
  QAction* m_export;
  QAction* m_delete;
  bool m_resetting = false;  // the entries' current row moves because the model reset
};

}  // namespace songspace::ui
