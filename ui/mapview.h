#pragma once

#include <QList>
#include <QPolygonF>
#include <QWidget>
#include <functional>

#include "ui/mapscene.h"

class QVariantAnimation;

namespace songspace::ui {

// The interactive 2-D map of the joint space: songs as coloured points, artists and tags as
// labelled landmarks (docs/design.md §3).
//
// A plain QWidget with its own painting rather than QGraphicsView: 10^5 songs as QGraphicsItems
// cost ~100 bytes and a BSP insertion each, and the scene would still paint them one by one.
// Here the songs are one array with a uniform grid (SpatialGrid) for culling and hit-testing, and
// MapScene paints them level-of-detail (a cached raster when crowded, circles when close).
//
// Mouse: drag pans; wheel zooms around the cursor; click selects a song (songClicked) or a
// landmark (landmarkClicked) — a click on empty space emits nothing and keeps the selection;
// Shift+drag selects a rectangle, Alt+drag or Ctrl+drag a lasso polygon (songsSelected, emitted
// on release, possibly empty). Keys: + / - zoom, 0 fits all, arrows pan, Escape cancels a drag
// or else asks to clear the selection (clearSelectionRequested), ? or F1 asks for the gestures
// (helpRequested). Hovering empty space shows a tooltip naming the main gestures.
// Zoom is relative to the fit-all scale: zoom 1 shows every song and landmark.
class EmbeddingMapView : public QWidget {
  Q_OBJECT
 public:
  static constexpr double kMinZoom = 0.25;
  static constexpr double kMaxZoom = 100000;
  static constexpr int kHitRadiusPx = 6;
  static constexpr int kAnimationMs = 600;
  static constexpr double kKeyZoomFactor = 1.25;
  static constexpr double kFitMarginPx = 24;

  explicit EmbeddingMapView(QWidget* parent = nullptr);
  ~EmbeddingMapView() override;

  void setPoints(QVector<MapPoint> points);
  void setLandmarks(QVector<MapLandmark> landmarks);
  // Moves songs (and, when given, landmarks) to new positions, index-aligned with the current
  // ones, over kAnimationMs — for when a better projection (t-SNE after PCA) arrives. Returns
  // false, changing nothing, when a size does not match.
  bool animateTo(const QVector<QPointF>& songPositions,
                 const QVector<QPointF>& landmarkPositions = {});
  bool isAnimating() const;
  // Landmarks (indices into scene().landmarks()) whose labels come first:
  // MapScene::setLandmarkFocus.
  void setLandmarkFocus(const QSet<int>& indices);
  void setColorLegend(QVector<QPair<QString, QColor>> legend);
  // The names MapPoint::topTag indexes, for the region names (MapScene::setRegionTags).
  void setRegionTags(QStringList names);
  // Search highlight: the other songs are dimmed; empty set = nothing dimmed. Unknown ids ignored.
  void setHighlighted(const QSet<int>& songIds);
  // The same per point of scene().points() (MapScene::setHighlightedPoints).
  void setHighlightedPoints(const std::vector<char>& flags, bool active);
  // -1 (or an unknown id) clears the selection. Does not emit songClicked.
  void setSelectedSong(int id);
  int selectedSong() const { return m_selectedId; }
  void setTooltipProvider(std::function<QString(int songId)> provider);
  void setEmptyText(const QString& text);

  void fitAll();
  void setZoom(double zoom);  // keeps the centre; clamped to [kMinZoom, kMaxZoom]
  double zoom() const { return m_zoom; }
  void setCenter(QPointF dataCenter);
  QPointF center() const { return m_center; }
  void zoomAround(QPointF viewPos, double factor);  // the data point under viewPos stays put

  QPointF toView(QPointF dataPos) const { return transform().toView(dataPos); }
  QPointF toData(QPointF view) const { return transform().toData(view); }
  MapTransform transform() const;
  // Song id nearest to viewPos within radiusPx, -1 if none.
  int songAt(QPoint viewPos, int radiusPx = kHitRadiusPx) const;
  // Index into the landmarks under viewPos (label or marker), -1 if none.
  int landmarkAt(QPoint viewPos) const;
  QList<int> songsInDataRect(const QRectF& dataRect) const;
  QList<int> songsInDataPolygon(const QPolygonF& dataPolygon) const;
  const MapScene& scene() const { return m_scene; }

  QSize sizeHint() const override { return {640, 480}; }

 Q_SIGNALS:
  void songClicked(int id);
  void songsSelected(QList<int> ids);
  void clearSelectionRequested();
  void landmarkClicked(songspace::ui::MapLandmark::Kind kind, int id);
  void hoveredSongChanged(int id);  // -1 when the cursor leaves every song
  void helpRequested();             // ? or F1: the gestures and keys

 protected:
  bool event(QEvent* event) override;
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void leaveEvent(QEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  enum class Drag { None, PendingClick, Pan, Rubber, Lasso };
  QRectF fitArea() const;
  double fitScale() const;
  void userMovedView();
  void setHovered(int index);
  void handleClick(QPoint pos);
  void applyAnimation(double t);

  MapScene m_scene;
  double m_zoom = 1;
  QPointF m_center;
  mutable double m_fitScale = 0;  // 0 = stale; see fitScale()
  bool m_autoFit = true;          // until the user zooms or pans, the view follows the data
  int m_selectedId = -1;
  int m_hoveredIndex = -1;
  QString m_emptyText;
  std::function<QString(int)> m_tooltipProvider;

  Drag m_drag = Drag::None;
  QPoint m_pressPos;
  QPointF m_pressCenter;
  QRect m_rubber;
  QPolygonF m_lasso;  // view coordinates while dragging

  QVariantAnimation* m_animation = nullptr;  // owned through the QObject tree
  QVector<QPointF> m_fromSongs, m_toSongs, m_fromLandmarks, m_toLandmarks;
};

}  // namespace songspace::ui
