#pragma once

#include <QColor>
#include <QFont>
#include <QFontMetricsF>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QPair>
#include <QPalette>
#include <QPointF>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>
#include <vector>

#include "ui/spatialgrid.h"

class QPainter;

namespace songspace::ui {

// What the map paints with besides the songs' own colours, all taken from the view's palette so
// the map reads on light and dark themes alike.
struct MapInks {
  QColor background;  // Base: behind everything, and what dimmed songs fade into
  QColor artist;      // Text: artist markers and labels, the selection ring
  QColor tag;         // Link: tag markers and labels (clicking one searches for it)
  QColor halo;        // Base: the ring that lifts markers and the selection off the songs
  QColor box;         // Base, slightly translucent: label and legend boxes
  QColor boxEdge;     // Text, faint: the edge of those boxes
  QColor hover;       // Text, half translucent: the ring around the hovered song
  QColor muted;       // PlaceholderText: the legend's "+n more"
  QColor unknown;     // Text faded 60% into Base: songs without a colour key
  QColor region;      // Text, translucent: the names of regions (their dominant tags)
  QColor regionHalo;  // Base, translucent: the outline that lifts region names off the songs
  static MapInks fromPalette(const QPalette& palette);
  bool operator==(const MapInks&) const = default;
};

// A song on the map; id is the catalog's song id, colorKey an index into the colour legend;
// unlike: the song is unlike the library (core/model/novelty.h), drawn as a hollow ring when the
// songs are drawn as circles. topTag: the song's most probable predicted tag, an index into
// MapScene::regionTags() (-1: none), with its calibrated probability in [0, 1]: what the map
// names its regions by.
struct MapPoint {
  QPointF pos;
  int id = -1;
  int colorKey = -1;
  bool unlike = false;
  int topTag = -1;
  float topTagProbability = 0;
};

// A region of the map named by the tag most of its songs share (MapScene::regionLabels).
struct MapRegionLabel {
  int tag = -1;   // index into MapScene::regionTags()
  QPointF pos;    // data space: the mean position of the songs whose most probable tag it is
  int songs = 0;  // those songs
  int total = 0;  // every song in the region's cells
  QRectF rect;    // view space: where the last paint drew the name
};

// An artist or tag in the same joint space, drawn as a labelled marker. Labels that would
// overlap are dropped greedily: focused landmarks first (MapScene::setLandmarkFocus: what the
// user selected or searched for), then higher priority (e.g. the number of songs).
struct MapLandmark {
  Q_GADGET
 public:
  enum Kind { Artist, Tag };
  Q_ENUM(Kind)
  QPointF pos;
  QString label;
  Kind kind = Artist;
  int id = -1;
  double priority = 0;
};

// Data space -> view space: view = (data - center) * scale + viewSize / 2.
struct MapTransform {
  double scale = 1;
  QPointF center;
  QSizeF viewSize;
  QPointF toView(QPointF data) const {
    return (data - center) * scale + QPointF(viewSize.width() / 2, viewSize.height() / 2);
  }
  QPointF toData(QPointF view) const {
    return (view - QPointF(viewSize.width() / 2, viewSize.height() / 2)) / scale + center;
  }
  QRectF visibleData() const {
    return QRectF(toData(QPointF(0, 0)), toData(QPointF(viewSize.width(), viewSize.height())));
  }
};

// What the map shows and how it is painted, without any widget behaviour: the songs with their
// grid index, the landmarks, colours and highlight state. Painting is level-of-detail:
//  - many visible songs: written straight into a cached ARGB image as 1-3 px squares (no
//    QPainter per point; the cache is reused while only overlays change, e.g. hover);
//  - few visible songs: antialiased circles with outlines, batched by colour.
// Only the grid cells overlapping the viewport are visited in either mode.
//
// Regions: at each zoom level the plane is cut into square cells whose side is the power of two
// (in data units) that spans kRegionCellPx to twice that on screen, aligned to multiples of it, so
// a pan keeps them and a zoom past a power of two makes new ones. A cell is named by the tag that
// is the most probable one (at probability ≥ kRegionMinProbability) of at least kRegionMinSongs of
// its songs and of at least kRegionMinShare of them; side-by-side cells with the same name are one
// region, named once, at the mean position of those songs. The names are drawn large and
// translucent behind the landmarks, placed after the landmark labels with the same collision
// test, and recomputed only when the zoom level or the cells in view change (O(songs in view)).
class MapScene {
 public:
  static constexpr int kVectorPointLimit = 4000;  // visible songs below which circles are drawn
  static constexpr int kLegendMaxEntries = 12;
  static constexpr double kLandmarkHitRadiusPx = 8;
  static constexpr double kLegendSwatch = 10;
  static constexpr double kLegendPadding = 8;
  static constexpr double kRegionCellPx = 128;          // a region cell's side on screen: 1-2x this
  static constexpr int kRegionMinSongs = 8;             // songs that must share a cell's tag
  static constexpr double kRegionMinShare = 0.5;        // of the cell's songs
  static constexpr double kRegionMinProbability = 0.5;  // calibrated: a song's vote counts from it

  void setPoints(QVector<MapPoint> points);
  void setPositions(const QVector<QPointF>& positions);  // index-aligned with points()
  void setLandmarks(QVector<MapLandmark> landmarks);
  void setLandmarkPositions(const QVector<QPointF>& positions);
  // The landmarks (indices into landmarks()) the user is looking at — e.g. the artists of the
  // selected songs, the artists and tags the search names: their labels are placed before every
  // other, then by priority. Out-of-range indices are ignored; setLandmarks() clears the focus.
  void setLandmarkFocus(const QSet<int>& indices);
  bool isLandmarkFocused(int index) const;
  void setColorLegend(QVector<QPair<QString, QColor>> legend);
  // What MapPoint::colorKey indexes: each key's name and colour.
  const QVector<QPair<QString, QColor>>& colorLegend() const { return m_legend; }
  // The names MapPoint::topTag indexes; empty: no region names.
  void setRegionTags(QStringList names);
  const QStringList& regionTags() const { return m_regionTags; }
  // The side of the region cells (data units) at this scale (view pixels per data unit).
  static double regionCellSize(double scale);
  // The region names the last paint drew, biggest region first, each with its view rectangle.
  const QVector<MapRegionLabel>& regionLabels() const { return m_placedRegions; }
  // Search highlight: the other songs are dimmed; an empty set dims nothing. Unknown ids ignored.
  void setHighlighted(const QSet<int>& ids);
  // The same per point (flags[i] for points()[i]; ignored unless flags.size() == points().size()):
  // what a search over every song sets without building a set of up to 10⁵ ids a keystroke.
  // `active` false dims nothing, whatever the flags; true with no flag set dims every song.
  void setHighlightedPoints(const std::vector<char>& flags, bool active);
  // The highlighted song ids (as setHighlighted took them; from setHighlightedPoints, computed
  // when asked: a search that dims every song gives {-1}).
  const QSet<int>& highlighted() const;
  // Whether point `index` is drawn highlighted (false when nothing is highlighted).
  bool isPointHighlighted(int index) const {
    return index >= 0 && index < m_emphasis.size() && m_emphasis[index] == 2;
  }
  bool highlighting() const { return m_highlighting; }
  void setPalette(const QPalette& palette);  // see MapInks
  const MapInks& inks() const { return m_inks; }

  const QVector<MapPoint>& points() const { return m_points; }
  const QVector<MapLandmark>& landmarks() const { return m_landmarks; }
  const SpatialGrid& grid() const { return m_grid; }
  int indexOfId(int id) const { return m_indexOfId.value(id, -1); }
  bool isEmpty() const { return m_points.isEmpty() && m_landmarks.isEmpty(); }
  // Bounding box of songs and landmarks (null when empty).
  QRectF bounds() const;
  QColor colorFor(int colorKey) const;
  // The colour of the key-th legend entry (key ≥ 0): a categorical palette for the first nine,
  // then each the farthest from those before it (48 in all, then again); distinct, stable,
  // saturated (never the neutral grey), readable on a light or a dark Base.
  static QColor keyColor(int key);

  // Landmark under a view position (marker or drawn label), -1 if none. Uses the label layout of
  // the last paint, so what can be clicked is what was drawn.
  int landmarkAt(const MapTransform& transform, QPointF viewPos) const;

  // The view rectangle of landmark `index`'s label as the last paint placed it; null when the
  // label was not drawn (hidden by a higher one, off the view, no label, or not painted yet).
  QRectF labelRect(int index) const { return m_labelRects.value(index); }

  // Where the legend is drawn for a view of this size (null without a legend); the view keeps
  // the songs clear of it when fitting.
  QRectF legendRect(const QFont& font, QSizeF viewSize) const;

  void paint(QPainter& painter, const MapTransform& transform, int hoveredIndex,
             int selectedIndex) const;

 private:
  struct LegendLayout {
    QRectF box;
    double textWidth = 0;
    double rowHeight = 0;
    int shown = 0;
    int hidden = 0;
  };
  LegendLayout legendLayout(const QFont& font, QSizeF viewSize) const;
  void paintRaster(QPainter& painter, const MapTransform& transform, const QRectF& visible) const;
  void paintVector(QPainter& painter, const MapTransform& transform, const QRectF& visible,
                   int visibleCount) const;
  void paintLandmarks(QPainter& painter, const MapTransform& transform) const;
  void paintLegend(QPainter& painter, QSizeF viewSize) const;
  const QImage& discSprite(int colorKey, int emphasis, double radius, double dpr) const;
  const QImage& labelSprite(int index, const QFont& base, double dpr) const;
  void prepareLabelMetrics(const QFont& base) const;
  double labelHeight(MapLandmark::Kind kind) const;  // after prepareLabelMetrics
  QSizeF labelSize(int index, const QFont& base) const;
  const QVector<int>& labelOrder() const;
  const QImage& markerSprite(MapLandmark::Kind kind, double dpr) const;
  void updateRegions(const MapTransform& transform) const;
  const QImage& regionSprite(int tag, const QFont& base, double dpr) const;
  void paintMarker(QPainter& painter, QPointF at, double radius, QColor color, bool ring) const;
  void invalidate() { ++m_version; }

  QVector<MapPoint> m_points;
  QVector<MapLandmark> m_landmarks;
  QVector<bool> m_landmarkFocus;  // index-aligned with m_landmarks
  SpatialGrid m_grid;
  QHash<int, int> m_indexOfId;
  QVector<QPair<QString, QColor>> m_legend;
  mutable QSet<int> m_highlightedIds;
  mutable bool m_idsStale = false;  // m_emphasis was set per point: m_highlightedIds is computed
  bool m_highlighting = false;
  QVector<quint8> m_emphasis;  // per point: 0 dimmed, 1 normal, 2 highlighted
  MapInks m_inks = MapInks::fromPalette(QPalette());
  quint64 m_version = 0;

  // Raster cache: valid while the transform, size and m_version are unchanged.
  mutable QImage m_raster;
  mutable quint64 m_rasterVersion = ~quint64(0);
  mutable double m_rasterScale = 0;
  mutable QPointF m_rasterCenter;
  // Label rectangles (view space) of the last paint, index-aligned with m_landmarks; null = none.
  mutable QVector<QRectF> m_labelRects;
  // Landmark indices in label placement order (focus, then priority); empty = to be sorted.
  mutable QVector<int> m_labelOrder;
  // Label box sizes (index-aligned with m_landmarks, measured on first use with m_sizeFont):
  // placement needs only the size, so a label is rendered only once it is placed.
  mutable QVector<QSizeF> m_labelSizes;
  mutable QFont m_sizeFont;
  mutable std::optional<QFontMetricsF> m_labelMetrics[2];  // artist, tag; for m_sizeFont
  // Pre-rendered labels (index-aligned with m_landmarks, made on first placement) and markers.
  mutable QVector<QImage> m_labelSprites;
  mutable QImage m_markerSprites[2];
  // Regions of the current zoom level and cells in view (updateRegions), and those drawn.
  struct RegionKey {
    quint64 version = ~quint64(0);
    double cell = 0;
    qint64 x0 = 0, y0 = 0, x1 = -1, y1 = -1;
    bool operator==(const RegionKey&) const = default;
  };
  QStringList m_regionTags;
  mutable RegionKey m_regionsKey;
  mutable QVector<MapRegionLabel> m_regions;
  mutable QVector<MapRegionLabel> m_placedRegions;
  mutable QHash<int, QImage> m_regionSprites;  // per tag
  mutable QFont m_regionSpriteFont;
  mutable double m_regionSpriteDpr = 0;
  mutable QHash<qint64, QImage> m_discSprites;  // per colour key and emphasis
  mutable quint64 m_discVersion = ~quint64(0);
  mutable double m_discRadius = 0;
  mutable double m_discDpr = 0;
  mutable QFont m_spriteFont;
  mutable double m_spriteDpr = 0;
};

}  // namespace songspace::ui
