#pragma once

#include <QList>
#include <QWidget>
#include <memory>
#include <vector>

#include "core/library/librarysnapshot.h"
#include "core/library/projectionjob.h"

class QComboBox;
class QLabel;
class QPushButton;

namespace songspace::ui {

class EmbeddingMapView;

// The Map tab: the EmbeddingMapView with its colour-by choice (artist, tag, album), the landmarks
// of the joint space (artists and tags), search highlight and "Save as playlist…" for a region.
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
  void setSearchText(const QString& text);
  void selectSong(qint64 fileId);  // no signal
  bool hasLayout() const { return m_layout != nullptr; }
  bool isRefined() const { return m_refined; }
  EmbeddingMapView* view() const { return m_view; }
  QList<int> regionSelection() const { return m_region; }

 Q_SIGNALS:
  void songClicked(qint64 fileId);
  void artistClicked(const QString& name);
  void tagClicked(const QString& name);
  void colorByChanged(int colorBy);
  // "Save as Playlist…" wrote `songs` songs to `file` (absolute, with the .m3u8 it may have added).
  void playlistSaved(const QString& file, int songs);

 private:
  void rebuild();
  void recolor();
  void savePlaylist();
  void updateState();

  std::shared_ptr<const library::LibrarySnapshot> m_snapshot;
  std::shared_ptr<const library::MapLayout> m_layout;
  bool m_refined = false;
  QString m_search;
  QList<int> m_region;
  EmbeddingMapView* m_view;
  QComboBox* m_colorBy;
  QPushButton* m_savePlaylist;
  QLabel* m_state;
};

}  // namespace songspace::ui
