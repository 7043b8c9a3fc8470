#pragma once

#include <QList>
#include <QTimer>
#include <QWidget>
#include <memory>
#include <vector>

#include "core/library/librarysnapshot.h"
#include "core/library/projectionjob.h"
#include "ui/navigationhistory.h"
#include "ui/playqueue.h"

class QComboBox;
class QLabel;
class QPushButton;
class QToolButton;

namespace songspace::ui {

class EmbeddingMapView;
class MapHelpOverlay;

// The Map tab: the EmbeddingMapView with its colour-by choice (artist, tag, album), the landmarks
// of the joint space (artists and tags), search highlight and a region selection (Shift+drag a
// rectangle, Ctrl/Alt+drag a lasso): its songs are highlighted and the others dimmed (over the
// search highlight), the bar counts them, Clear or Escape drops it, and it keeps the songs still
// on the map when the map is rebuilt. A right click offers what fits the point under it — a song
// (play, queue, mix, show), an artist or tag (show, mix) — and the selection (play, queue, mix,
// save as playlist, clear). Landmark labels that collide give way to those the user is looking at:
// the artists of the selected (or, without a selection, the search-highlighted) songs and the
// artists and tags whose names contain the search text, then the ones with more songs. Regions
// are named by their songs' most probable tags (library::ModelSession::topTagOfFile, calibrated
// models only), per zoom level (MapScene). The map's gestures and keys are listed on a help
// overlay (MapHelpOverlay) shown by itself the first time the map has songs (until dismissed once:
// settings::kMapHelpSeen) and again by the "?" button or the ? key.
class MapPanel : public QWidget {
  Q_OBJECT
 public:
  enum ColorBy { ByArtist = 0, ByTag = 1, ByAlbum = 2 };

  explicit MapPanel(QWidget* parent = nullptr);

  void setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot);
  // A refined layout for the same points animates from the current one.
  void setMapLayout(std::shared_ptr<const library::MapLayout> layout, bool refined);
  void setColorBy(int colorBy);
  int colorBy() const;
  // Colouring by tag uses a song's own tag, else its most probable predicted tag when that is
  // at least this probable (in [0, 1]; negative, the default: the model's auto-tag threshold, as
  // LibraryTableModel::setPredictedTagThreshold) and the song is not unlike the library or its
  // tagged songs; else the song has no colour key. Recolours at once.
  void setPredictedTagThreshold(double threshold);
  // The threshold in force for the current snapshot's model; −1 without calibration (then
  // predicted tags never colour a song: their scores are not probabilities).
  double displayThreshold() const;
  // Highlights the songs every word of the text occurs in — in the label, album, file name or a
  // tag, as the table's search (ui/librarysearch.h) — and focuses the landmarks whose names
  // contain the text, at once when the panel is visible, else when it is next shown.
  void setSearchText(const QString& text);
  void selectSong(qint64 fileId);  // no signal
  bool hasLayout() const { return m_layout != nullptr; }
  std::shared_ptr<const library::MapLayout> mapLayout() const { return m_layout; }
  bool isRefined() const { return m_refined; }
  EmbeddingMapView* view() const { return m_view; }
  MapHelpOverlay* helpOverlay() const { return m_helpOverlay; }
  void showHelp();
  // Whether the help shows by itself on first use (default true; off for screenshots).
  void setHelpOnFirstUse(bool on) { m_helpOnFirstUse = on; }
  QList<int> regionSelection() const { return m_region; }
  // The selection's songs in the map's order (song ids are catalog file ids).
  QList<qint64> selectedFiles() const;
  void clearSelection();
  // What the selection's menu does; nothing without a selection.
  void playSelection(songspace::ui::QueuePlacement placement);
  void mixFromSelection();

 Q_SIGNALS:
  void songClicked(qint64 fileId);
  void artistClicked(const QString& name);
  void tagClicked(const QString& name);
  void colorByChanged(int colorBy);
  // "Save as Playlist…": the user chose `file` (as typed: MainWindow::savePlaylist adds the
  // .m3u8, writes, records and reports it) for the selected songs `fileIds`.
  void playlistSaveRequested(const QString& file, const QList<qint64>& fileIds);
  // From the context menu and the selection; what is shown does not change.
  void songPlayRequested(qint64 fileId, songspace::ui::QueuePlacement placement);
  void songsPlayRequested(const QList<qint64>& fileIds, songspace::ui::QueuePlacement placement);
  void mixRequested(const songspace::ui::Location& seed);
  void selectionMixRequested(const QList<qint64>& fileIds);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void offerHelp();
  void rebuild();
  void recolor();
  void savePlaylist();
  void updateState();
  void applySearch();  // m_search to m_searchPoints and the view
  void updateHighlight();
  void updateLandmarkFocus();
  void showMenu(QPoint viewPos);

  std::shared_ptr<const library::LibrarySnapshot> m_snapshot;
  double m_predictedTagThreshold = -1;
  std::shared_ptr<const library::MapLayout> m_layout;
  bool m_refined = false;
  QString m_search;
  // The search highlight per scene point (m_searchActive false: no search, nothing dimmed).
  std::vector<char> m_searchPoints;
  bool m_searchActive = false;
  bool m_searchPending = false;  // m_search not applied yet: the panel was hidden
  // Per snapshot song: its label, album, file name and tags, case folded and joined by U+0000 (what
  // the search looks in); folded between events after a snapshot with a model, or at the first
  // search.
  std::vector<QString> m_searchTexts;
  // Folds m_searchTexts up to `songs` of the snapshot's songs (all when past the end).
  void foldSearchTexts(std::size_t songs);
  // Folds them a pass at a time between events once a snapshot with its tags arrives, so the
  // first key typed on the Map tab does not fold 10⁵ texts (as the library table does).
  QTimer m_foldTimer;
  // Per scene point: its row in m_searchTexts (-1: none); rebuilt with the points or the texts.
  std::vector<int> m_textOfPoint;
  // Per scene point and per landmark: an id of its artist's name among the artist landmarks'
  // (-1: none), for updateLandmarkFocus; empty until then after a rebuild().
  std::vector<int> m_artistOfPoint;
  std::vector<int> m_artistOfLandmark;
  int m_artistNameCount = 0;
  QList<int> m_region;
  EmbeddingMapView* m_view;
  QComboBox* m_colorBy;
  QPushButton* m_savePlaylist;
  QToolButton* m_clearSelection;
  QLabel* m_state;
  QToolButton* m_help;
  MapHelpOverlay* m_helpOverlay;
  bool m_helpOnFirstUse = true;
  bool m_helpOffered = false;  // shown by itself once per panel at most
};

}  // namespace songspace::ui
