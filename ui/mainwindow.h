#pragma once

#include <QHash>
#include <QMainWindow>
#include <QStringList>
#include <array>
#include <memory>

#include "core/library/discoverycontext.h"
#include "core/library/librarysnapshot.h"
#include "core/library/projectionjob.h"
#include "ui/jobcontroller.h"
#include "ui/navigationhistory.h"
#include "ui/playqueue.h"

class QAction;
class QLabel;
class QLineEdit;
class QListView;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QToolButton;
class QFrame;
class QDockWidget;
class QToolBar;

namespace songspace::ui {

class ArtistListModel;
class ArtistPage;
class ColumnFitter;
class CoverArtCache;
class InspectorPanel;
class LibraryFilterProxy;
class LibraryTableModel;
class MapPanel;
class MprisService;
class PlayerBar;
class PlaylistsPage;
class QueuePanel;
class TagPage;
class BrowsePanel;

// The explorer window (docs/design.md §3). Left: search, artists and failed files; centre: the
// library table and the map as tabs; right: the inspector or an artist page; a player at the
// bottom; job progress with time left and cancel in the status bar. The right side shows the
// inspector (a song), an artist page or a tag page, whichever the history is at.
//
// Every way of choosing a song (table, map, inspector links, back/forward) goes through the
// navigation history, and one place (showLocation) moves the table, map and inspector to it,
// guarded so the views' own selection signals do not echo back. Only user navigation moves the
// history: current-row changes that filtering, sorting or a model reset cause are ignored.
// Choosing never touches playback: only play actions (Enter, double-click, Space on a table row,
// the inspector's Play button) start a song, through the play queue (a dock beside the inspector):
// Play Now / Play Next / Add to Queue on table rows and inspector links.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  enum Tab { LibraryTab = 0, MapTab = 1, PlaylistsTab = 2 };

  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a catalog: the snapshot (and cached map) load in the background.
  void openCatalog(const QString& catalogPath);
  // Scans folders into the open catalog (the default one when none is open), then trains.
  void addMusicFolders(const QStringList& folders);
  // First start or last catalog, as main() decides: shows the welcome or the first-run dialog.
  void startUp(bool offerFirstRun);

  void selectSong(qint64 fileId);  // the one path for choosing a song
  // Plays or queues a library song (QueuePlacement); what is shown does not change.
  void playSong(qint64 fileId, QueuePlacement placement = QueuePlacement::PlayNow);
  // "Play Mix": plays an instant mix (core::instantMix, default rules) seeded by a song (which
  // plays first), an artist or a tag (seed: Location::Song, Artist or Tag; the mix starts with
  // the song nearest to the artist's or tag's point), the rest following in the queue as Play
  // Next; a status-bar message says how many songs. Nothing without a model, a message for a
  // name the model does not know. playSimilar(id) is playMix of that song.
  void playMix(const Location& seed);
  // The same seeded by several library songs (a map selection): the mean of their points; the
  // mix starts with the song nearest to it.
  void playMixFromSongs(const QList<qint64>& fileIds);
  // Plays or queues several library songs in this order (QueuePlacement: Play Now plays the
  // first and puts the others next).
  void playSongs(const QList<qint64>& fileIds, QueuePlacement placement);
  void playSimilar(qint64 fileId);
  // "Path to…": opens the PathDialog (window-modal, not blocking) for a path of songs from this
  // library song; on Play the path plays (the queue follows), on Save it goes to an M3U8 file the
  // user chooses. Needs a model; says so in the status bar otherwise.
  void pathFrom(qint64 fileId);
  // Writes library songs as an M3U8 playlist at `file` (".m3u8" added when missing), says where
  // it went in the status bar and records it in the catalog as Songspace's own (on the job
  // controller's pool; the Playlists tab lists it when that is done, and says so in the status
  // bar if it cannot be). A write failure is shown in a message box. Every GUI save (map
  // selection, path) ends here. Returns the file written, empty on failure.
  QString savePlaylist(const QString& file, const QList<qint64>& fileIds);
  // The Playlists tab's actions on the catalog playlist `id` (a PlaylistsPage row):
  // Play replaces the play queue with its library songs and plays the first; Add to Queue
  // appends them. A playlist none of whose entries is a library song says so in the status bar.
  void playPlaylist(qint64 id);
  void queuePlaylist(qint64 id);
  // Export…: writes its library songs to `file` as M3U8 (".m3u8" added; entries that are not
  // library songs are left out, and the status bar says how many). Not recorded in the catalog:
  // a copy for elsewhere. A write failure, or nothing to write, is shown in a message box.
  // Returns the file written, empty on failure.
  QString exportPlaylist(qint64 id, const QString& file);
  // Delete…: asks for confirmation, then deletes our playlist, its record and its file (on the
  // pool; a failure is shown in a message box). A library playlist is refused with a message.
  void deletePlaylist(qint64 id);
  void showArtist(const QString& name);
  void showTag(const QString& tag);  // the tag page, through the history
  void setCurrentTab(Tab tab);

  QString catalogPath() const { return m_controller->catalogPath(); }
  const std::shared_ptr<const library::LibrarySnapshot>& snapshot() const { return m_snapshot; }
  bool isBusy() const { return m_controller->busy(); }
  // Library, model and the (refined or final) map are all shown — for screenshots and tests.
  bool isFullyLoaded() const;
  QString lastError() const { return m_lastError; }

  JobController* jobController() const { return m_controller; }
  NavigationHistory* history() const { return m_history; }
  QTableView* libraryView() const { return m_table; }
  QListView* artistList() const { return m_artists; }
  MapPanel* mapPanel() const { return m_map; }
  InspectorPanel* inspector() const { return m_inspector; }
  ArtistPage* artistPage() const { return m_artistPage; }
  TagPage* tagPage() const { return m_tagPage; }
  PlaylistsPage* playlistsPage() const { return m_playlistsPage; }
  PlayerBar* playerBar() const { return m_player; }
  // MPRIS for the player, its Metadata tagged from the snapshot; Raise shows this window, Quit
  // closes it. Not on any bus until main() registers it (tests never touch the session bus).
  MprisService* mpris() const { return m_mpris; }
  PlayQueue* playQueue() const;
  QueuePanel* queuePanel() const { return m_queuePanel; }
  // Song covers for every view (thumbnails under <XDG cache>/songspace/covers); e.g. MPRIS's
  // mpris:artUrl from CoverArtCache::thumbnailFile().
  CoverArtCache* coverArt() const { return m_covers; }
  QWidget* welcomePage() const { return m_welcome; }
  QLineEdit* searchField() const { return m_search; }

 Q_SIGNALS:
  void snapshotShown();
  void mapShown(bool refined);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  QWidget* buildWelcome();
  QWidget* buildLeftPanel();
  void buildMenusAndToolbar();
  void buildStatusBar();
  void updateSongCount();
  void restoreSettings();
  void saveSettings() const;

  void onSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot);
  void onProgress(const JobProgress& progress);
  void onPlaylistsChanged(const QString& catalogPath, const QString& file, bool deleted,
                          const std::shared_ptr<const std::vector<core::Playlist>>& playlists);
  const core::Playlist* listedPlaylist(qint64 id) const;  // in the Playlists tab; null if not
  // The library songs of listed playlist `id`, in order; when it has none, says so in the status
  // bar with `nothingText` (translated; %1 the playlist's name, %n its entries).
  QList<qint64> playlistSongsOrSay(qint64 id, const char* nothingText);
  void onBusyChanged(bool busy);
  void onExternalEmbedded(const QString& path, const Eigen::VectorXf& embedding,
                          const QString& error, const core::Novelty& novelty);
  void showLocation(const Location& location);
  std::array<BrowsePanel*, 3> browsePanels() const;  // inspector, artist page, tag page
  // Plays an instant mix from `point` (startRow ≥ 0: that song first), the rest queued next;
  // `from` names the seed in the status bar. Needs a model.
  void startMix(const Eigen::VectorXf& point, int startRow, const QString& from);
  // Plays songs the app chose (a mix, a path): the first now, the rest next, in place of what
  // the last mix or path still had queued (QueueItem::generated); what the user queued stays.
  void playGenerated(std::vector<QueueItem> items);
  void syncTableToHistory();  // after a filter / sort / reset moved the table's current row
  void togglePlayback();
  void playFile(qint64 fileId, const QString& path, QueuePlacement placement);
  QueueItem queueItemOf(qint64 fileId, const QString& path) const;
  void buildPlaybackMenu();
  void showTableMenu(const QPoint& at);
  void updateEmptyStates();
  void updateQueueDock();
  void updateFailedList();
  void updateLeftOutList();
  // Drops from Back/Forward what the snapshot no longer has (a song, an artist, a tag).
  void pruneHistory();

  void chooseMusicFolder();
  void openDemoLibrary();
  void chooseCatalog();
  void rescan();
  // Edit › Preferences; a change of the tag reading rules rescans the library when asked to.
  void showPreferences();
  // Applies settings::kPredictedTagsThreshold to the table and the inspector.
  void applyPredictedTagsThreshold();
  void trainModel();
  void autotagFiles();
  void undoAutotag();
  void acceptAutotag();
  void updateUndoAutotag();  // Undo and Accept, from the snapshot
  void showRescanOffer();
  QStringList knownFolders() const;
  void rememberFolders(const QStringList& folders);

  JobController* m_controller;
  NavigationHistory* m_history;
  std::shared_ptr<const library::LibrarySnapshot> m_snapshot;
  QString m_lastError;
  QHash<QString, Eigen::VectorXf> m_external;       // cold-start embeddings, for back/forward
  QHash<QString, core::Novelty> m_externalNovelty;  // their novelty checks
  bool m_syncing = false;                           // set while showLocation moves the views
  int m_tableModelChanging = 0;  // > 0 while the table's proxy removes, inserts or rearranges
  bool m_mapShown = false;
  bool m_mapRefined = false;

  QStackedWidget* m_pages;
  QWidget* m_welcome;
  QSplitter* m_splitter;
  QLineEdit* m_search;
  QListView* m_artists;
  QToolButton* m_failedToggle;
  QListWidget* m_failedList;
  QToolButton* m_leftOutToggle;  // "Not learned (N)": tags and artists training left out
  QListWidget* m_leftOutList;
  QTabWidget* m_tabs;
  QTableView* m_table;
  ColumnFitter* m_columns;
  MapPanel* m_map;
  PlaylistsPage* m_playlistsPage;
  QStackedWidget* m_right;
  InspectorPanel* m_inspector;
  ArtistPage* m_artistPage;
  CoverArtCache* m_covers;
  TagPage* m_tagPage;
  PlayerBar* m_player;
  QueuePanel* m_queuePanel;
  MprisService* m_mpris;
  QDockWidget* m_queueDock;
  QToolBar* m_playerBar;      // holds m_player
  bool m_queueWanted = true;  // View › Play Queue: the dock shows on the library page, when wanted,
                              // once the queue has songs (updateQueueDock)
  QFrame* m_infoBar;
  QLabel* m_infoText;

  LibraryTableModel* m_tableModel;
  LibraryFilterProxy* m_proxy;
  ArtistListModel* m_artistModel;

  QAction* m_back;
  QAction* m_forward;
  QAction* m_playPause;
  QAction* m_rescan;
  QAction* m_train;
  QAction* m_autotag;
  QAction* m_undoAutotag;
  QAction* m_acceptAutotag;

  QProgressBar* m_progress;
  QLabel* m_songCount;  // "N songs", or "N of M songs" while the search or an artist filters
  QLabel* m_phase;
  QLabel* m_timeLeft;
  QPushButton* m_cancel;
};

}  // namespace songspace::ui
