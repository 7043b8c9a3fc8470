#include "ui/mapscene.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace songspace::ui {

namespace {

constexpr double kDimOpacity = 0.18;  // how much of a dimmed song's colour survives a search

QColor blend(QColor over, QColor under, double alpha) {
  return QColor::fromRgbF(float(over.redF() * alpha + under.redF() * (1 - alpha)),
                          float(over.greenF() * alpha + under.greenF() * (1 - alpha)),
                          float(over.blueF() * alpha + under.blueF() * (1 - alpha)));
}

// Point size from how crowded the viewport is: the average spacing between visible songs.
double spacingPx(const MapTransform& transform, int visibleCount) {
  const double area = transform.viewSize.width() * transform.viewSize.height();
  return std::sqrt(area / std::max(1, visibleCount));
}

double vectorRadius(const MapTransform& transform, int visibleCount) {
  return std::round(std::clamp(spacingPx(transform, visibleCount) * 0.12, 3.0, 7.0) * 2) / 2;
}

}  // namespace

void MapScene::setPoints(QVector<MapPoint> points) {
  m_points = std::move(points);
  m_indexOfId.clear();
  m_indexOfId.reserve(m_points.size());
  QVector<QPointF> positions;
  positions.reserve(m_points.size());
  for (int i = 0; i < m_points.size(); ++i) {
    m_indexOfId.insert(m_points[i].id, i);
    positions.push_back(m_points[i].pos);
  }
  m_grid.build(positions);
  setHighlighted(highlighted());  // by id: the new points are other points
}

void MapScene::setPositions(const QVector<QPointF>& positions) {
  if (positions.size() != m_points.size()) return;
  for (int i = 0; i < m_points.size(); ++i) m_points[i].pos = positions[i];
  m_grid.build(positions);
  invalidate();
}

void MapScene::setLandmarks(QVector<MapLandmark> landmarks) {
  m_landmarks = std::move(landmarks);
  m_landmarkFocus.fill(false, m_landmarks.size());
  m_labelOrder.clear();
  m_labelRects.clear();
  m_labelSizes.clear();
  m_labelSprites.clear();
  invalidate();
}

void MapScene::setLandmarkFocus(const QSet<int>& indices) {
  QVector<bool> focus(m_landmarks.size(), false);
  for (const int index : indices) {
    if (index >= 0 && index < focus.size()) focus[index] = true;
  }
  if (focus == m_landmarkFocus) return;
  m_landmarkFocus = std::move(focus);
  m_labelOrder.clear();
  invalidate();
}

bool MapScene::isLandmarkFocused(int index) const {
  return m_landmarkFocus.value(index, false);
}

void MapScene::setLandmarkPositions(const QVector<QPointF>& positions) {
  if (positions.size() != m_landmarks.size()) return;
  for (int i = 0; i < m_landmarks.size(); ++i) m_landmarks[i].pos = positions[i];
  invalidate();
}

void MapScene::setColorLegend(QVector<QPair<QString, QColor>> legend) {
  m_legend = std::move(legend);
  invalidate();
}

void MapScene::setHighlighted(const QSet<int>& ids) {
  m_highlightedIds = ids;
  m_idsStale = false;
  m_highlighting = !ids.isEmpty();
  m_emphasis.fill(ids.isEmpty() ? 1 : 0, m_points.size());
  for (int id : ids) {
    const int index = indexOfId(id);
    if (index >= 0) m_emphasis[index] = 2;  // unknown ids are ignored
  }
  invalidate();
}

void MapScene::setHighlightedPoints(const std::vector<char>& flags, bool active) {
  if (flags.size() != static_cast<std::size_t>(m_points.size())) return;
  m_highlighting = active;
  m_emphasis.resize(m_points.size());
  for (int i = 0; i < m_points.size(); ++i)
    m_emphasis[i] = !active ? 1 : (flags[static_cast<std::size_t>(i)] != 0 ? 2 : 0);
  m_highlightedIds.clear();
  m_idsStale = active;
  invalidate();
}

const QSet<int>& MapScene::highlighted() const {
  if (m_idsStale) {
    m_idsStale = false;
    m_highlightedIds.clear();
    for (int i = 0; i < m_points.size(); ++i)
      if (m_emphasis[i] == 2) m_highlightedIds.insert(m_points[i].id);
    if (m_highlightedIds.isEmpty()) m_highlightedIds.insert(-1);  // every song dimmed
  }
  return m_highlightedIds;
}

MapInks MapInks::fromPalette(const QPalette& palette) {
  auto withAlpha = [](QColor color, int alpha) {
    color.setAlpha(alpha);
    return color;
  };
  MapInks inks;
  inks.background = palette.color(QPalette::Base);
  inks.artist = palette.color(QPalette::Text);
  inks.tag = palette.color(QPalette::Link);
  inks.halo = inks.background;
  inks.box = withAlpha(inks.background, 228);
  inks.boxEdge = withAlpha(inks.artist, 45);
  inks.hover = withAlpha(inks.artist, 150);
  inks.muted = palette.color(QPalette::PlaceholderText);
  inks.unknown = blend(inks.artist, inks.background, 0.4);
  inks.region = withAlpha(inks.artist, 150);
  inks.regionHalo = withAlpha(inks.background, 170);
  return inks;
}

void MapScene::setPalette(const QPalette& palette) {
  const MapInks inks = MapInks::fromPalette(palette);
  if (inks == m_inks) return;
  m_inks = inks;
  // Label and marker sprites are painted with the old inks: make them again.
  m_labelSprites.clear();
  m_markerSprites[0] = m_markerSprites[1] = QImage();
  m_regionSprites.clear();
  invalidate();
}

QRectF MapScene::bounds() const {
  QRectF box;
  if (!m_points.isEmpty()) box = m_grid.bounds();
  for (const MapLandmark& landmark : m_landmarks) {
    const QRectF point(landmark.pos, QSizeF(0, 0));
    box = box.isNull() ? point : box.united(point);
    if (box.width() == 0 || box.height() == 0) {  // QRectF::united ignores empty rects
      box.setLeft(std::min(box.left(), landmark.pos.x()));
      box.setRight(std::max(box.right(), landmark.pos.x()));
      box.setTop(std::min(box.top(), landmark.pos.y()));
      box.setBottom(std::max(box.bottom(), landmark.pos.y()));
    }
  }
  return box;
}

QColor MapScene::colorFor(int colorKey) const {
  if (colorKey >= 0 && colorKey < m_legend.size()) return m_legend[colorKey].second;
  if (colorKey < 0) return m_inks.unknown;
  return keyColor(colorKey);  // keys past the legend still get stable, distinct colours
}

namespace {

// CIE L*a*b* (D65) of an sRGB colour: the space in which the legend's colours are kept apart.
std::array<double, 3> labOf(const QColor& color) {
  const auto linear = [](double c) {
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  const double r = linear(color.redF()), g = linear(color.greenF()), b = linear(color.blueF());
  const double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const auto f = [](double t) {
    return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
  };
  return {116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))};
}

double labDistance(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                   (a[2] - b[2]) * (a[2] - b[2]));
}

// The legend's palette. The first nine are Tableau 10's categorical colours (M. Stone, 2016;
// matplotlib's "tab10"), without its grey, which the neutral colour of songs without a key would
// be taken for. Each further one is the colour of an sRGB grid farthest in L*a*b* from all
// before it (Glasbey et al. 2007, "Colour displays for categorical images"), among those chroma
// keeps from grey and lightness keeps readable on a light and a dark Base. Fixed, so a key keeps
// its colour.
const std::vector<QColor>& legendPalette() {
  static const std::vector<QColor> palette = [] {
    constexpr int kSize = 48;
    std::vector<QColor> colors;
    for (const QRgb rgb : {0x4e79a7u, 0xf28e2bu, 0xe15759u, 0x76b7b2u, 0x59a14fu, 0xedc948u,
                           0xb07aa1u, 0xff9da7u, 0x9c755fu})
      colors.push_back(QColor::fromRgb(rgb));
    std::vector<std::pair<QColor, std::array<double, 3>>> candidates;
    for (int r = 0; r < 256; r += 17) {
      for (int g = 0; g < 256; g += 17) {
        for (int b = 0; b < 256; b += 17) {
          const QColor color(r, g, b);
          const auto lab = labOf(color);
          if (lab[0] < 35 || lab[0] > 80 || std::hypot(lab[1], lab[2]) < 35) continue;
          candidates.emplace_back(color, lab);
        }
      }
    }
    std::vector<double> nearest(candidates.size(), std::numeric_limits<double>::infinity());
    const auto addDistancesTo = [&](const QColor& chosen) {
      const auto lab = labOf(chosen);
      for (std::size_t i = 0; i < candidates.size(); ++i)
        nearest[i] = std::min(nearest[i], labDistance(candidates[i].second, lab));
    };
    for (const QColor& color : colors) addDistancesTo(color);
    while (static_cast<int>(colors.size()) < kSize) {
      const auto farthest = std::max_element(nearest.begin(), nearest.end());
      colors.push_back(candidates[static_cast<std::size_t>(farthest - nearest.begin())].first);
      addDistancesTo(colors.back());
    }
    return colors;
  }();
  return palette;
}

}  // namespace

QColor MapScene::keyColor(int key) {
  const std::vector<QColor>& palette = legendPalette();
  return palette[static_cast<std::size_t>(std::max(key, 0)) % palette.size()];
}

void MapScene::paint(QPainter& painter, const MapTransform& transform, int hoveredIndex,
                     int selectedIndex) const {
  const QRectF visible = transform.visibleData().normalized();
  int visibleCount = 0;
  if (!m_points.isEmpty()) {
    visibleCount = m_grid.candidateCount(visible);
    if (visibleCount > kVectorPointLimit)
      paintRaster(painter, transform, visible);
    else
      paintVector(painter, transform, visible, visibleCount);
  }
  const double radius =
      visibleCount > kVectorPointLimit ? 3.0 : vectorRadius(transform, visibleCount);
  painter.setRenderHint(QPainter::Antialiasing, true);
  if (hoveredIndex >= 0 && hoveredIndex < m_points.size()) {
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(m_inks.hover, 1.5));
    painter.drawEllipse(transform.toView(m_points[hoveredIndex].pos), radius + 3, radius + 3);
  }
  if (selectedIndex >= 0 && selectedIndex < m_points.size()) {
    const QPointF at = transform.toView(m_points[selectedIndex].pos);
    painter.setBrush(colorFor(m_points[selectedIndex].colorKey));
    painter.setPen(QPen(m_inks.halo, 4));
    painter.drawEllipse(at, radius + 4, radius + 4);
    painter.setPen(QPen(m_inks.artist, 2));
    painter.drawEllipse(at, radius + 4, radius + 4);
  }
  paintLandmarks(painter, transform);
  paintLegend(painter, transform.viewSize);
}

void MapScene::paintRaster(QPainter& painter, const MapTransform& transform,
                           const QRectF& visible) const {
  const double dpr = painter.device() ? painter.device()->devicePixelRatioF() : 1.0;
  const QSize size = (transform.viewSize * dpr).toSize();
  if (m_raster.size() != size || m_rasterVersion != m_version || m_rasterScale != transform.scale ||
      m_rasterCenter != transform.center || m_raster.devicePixelRatio() != dpr) {
    m_raster = QImage(size, QImage::Format_ARGB32_Premultiplied);
    m_raster.setDevicePixelRatio(dpr);
    m_raster.fill(Qt::transparent);
    m_rasterVersion = m_version;
    m_rasterScale = transform.scale;
    m_rasterCenter = transform.center;

    const int count = m_grid.candidateCount(visible);
    const int side = std::max(
        1, int(std::lround(std::clamp(spacingPx(transform, count) * 0.3, 1.0, 3.0) * dpr)));
    QVector<QRgb> normal(m_legend.size() + 1), dimmed(m_legend.size() + 1);
    for (int key = -1; key < m_legend.size(); ++key) {
      normal[key + 1] = colorFor(key).rgb();
      dimmed[key + 1] = blend(colorFor(key), m_inks.background, kDimOpacity).rgb();
    }
    auto rgbFor = [&](int key, bool dim) {
      if (key >= -1 && key < m_legend.size()) return dim ? dimmed[key + 1] : normal[key + 1];
      return dim ? blend(colorFor(key), m_inks.background, kDimOpacity).rgb() : colorFor(key).rgb();
    };
    const int width = size.width();
    const int height = size.height();
    auto* bits = reinterpret_cast<QRgb*>(m_raster.bits());
    const qsizetype stride = m_raster.bytesPerLine() / qsizetype(sizeof(QRgb));
    const bool highlighting = m_highlighting;
    // Dimmed songs first, so highlighted ones are drawn over them (and a size bigger).
    const QVector<int> passes = highlighting ? QVector<int>{0, 2} : QVector<int>{1};
    for (int pass : passes) {
      const int s = pass == 2 ? side + int(std::lround(dpr)) : side;
      const double half = s / 2.0;
      m_grid.forEachCandidate(visible, [&](int index, QPointF position) {
        if (m_emphasis[index] != pass) return;
        const QPointF v = transform.toView(position) * dpr;
        const int x0 = int(std::floor(v.x() - half + 0.5));
        const int y0 = int(std::floor(v.y() - half + 0.5));
        if (x0 >= width || y0 >= height || x0 + s <= 0 || y0 + s <= 0) return;
        const QRgb rgb = rgbFor(m_points[index].colorKey, pass == 0);
        for (int y = std::max(0, y0); y < std::min(height, y0 + s); ++y) {
          QRgb* row = bits + y * stride;
          for (int x = std::max(0, x0); x < std::min(width, x0 + s); ++x) row[x] = rgb;
        }
      });
    }
  }
  painter.drawImage(QPointF(0, 0), m_raster);
}

const QImage& MapScene::discSprite(int colorKey, int emphasis, double radius, double dpr) const {
  if (m_discVersion != m_version || m_discRadius != radius || m_discDpr != dpr) {
    m_discSprites.clear();
    m_discVersion = m_version;
    m_discRadius = radius;
    m_discDpr = dpr;
  }
  const qint64 key = qint64(colorKey) * 4 + emphasis;
  auto it = m_discSprites.find(key);
  if (it != m_discSprites.end()) return *it;
  // An antialiased, outlined circle costs several microseconds to rasterise; a blit is cheap.
  const double r = emphasis == 2 ? radius + 1.5 : radius;
  const double side = std::ceil(2 * r + 3);
  QImage sprite(QSizeF(side * dpr, side * dpr).toSize(), QImage::Format_ARGB32_Premultiplied);
  sprite.setDevicePixelRatio(dpr);
  sprite.fill(Qt::transparent);
  QPainter painter(&sprite);
  painter.setRenderHint(QPainter::Antialiasing, true);
  const QColor color = colorFor(colorKey);
  if (emphasis == 0) {
    painter.setBrush(blend(color, m_inks.background, kDimOpacity));
    painter.setPen(Qt::NoPen);
  } else {
    painter.setBrush(color);
    painter.setPen(QPen(color.darker(160), 1));
  }
  painter.drawEllipse(QPointF(side / 2, side / 2), r, r);
  painter.end();
  return *m_discSprites.insert(key, sprite);
}

void MapScene::paintVector(QPainter& painter, const MapTransform& transform, const QRectF& visible,
                           int visibleCount) const {
  const double dpr = painter.device() ? painter.device()->devicePixelRatioF() : 1.0;
  const double radius = vectorRadius(transform, visibleCount);
  const double margin = (radius + 3) / transform.scale;
  const QRectF reach = visible.adjusted(-margin, -margin, margin, margin);
  QVector<int> order;
  order.reserve(visibleCount);
  m_grid.forEachCandidate(reach, [&](int index, QPointF) { order.push_back(index); });
  // Dimmed songs below, highlighted on top; otherwise in index order.
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return m_emphasis[a] < m_emphasis[b]; });
  for (int index : order) {
    const MapPoint& point = m_points[index];
    if (point.unlike) {  // hollow: its place on the map is a guess
      painter.setRenderHint(QPainter::Antialiasing, true);
      painter.setBrush(Qt::NoBrush);
      painter.setPen(QPen(colorFor(point.colorKey), std::max(1.5, radius / 3)));
      painter.drawEllipse(transform.toView(point.pos), radius, radius);
      continue;
    }
    const QImage& sprite = discSprite(point.colorKey, m_emphasis[index], radius, dpr);
    const double half = sprite.deviceIndependentSize().width() / 2;
    const QPointF at = transform.toView(point.pos) - QPointF(half, half);
    painter.drawImage(QPointF(std::round(at.x()), std::round(at.y())), sprite);
  }
}

void MapScene::paintMarker(QPainter& painter, QPointF at, double radius, QColor color,
                           bool diamond) const {
  painter.setPen(QPen(m_inks.halo, 1.5));
  painter.setBrush(color);
  if (diamond) {
    const QPointF corners[4] = {at + QPointF(0, -radius), at + QPointF(radius, 0),
                                at + QPointF(0, radius), at + QPointF(-radius, 0)};
    painter.drawPolygon(corners, 4);
  } else {
    painter.drawRect(
        QRectF(at.x() - radius * 0.75, at.y() - radius * 0.75, radius * 1.5, radius * 1.5));
  }
}

}  // namespace songspace::ui
