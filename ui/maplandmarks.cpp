// MapScene: landmarks with greedy label placement, and the colour legend.
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ui/labeloccupancy.h"
#include "ui/mapscene.h"

namespace songspace::ui {

namespace {

constexpr double kMarkerRadius = 5;
constexpr double kLabelGap = 4;        // marker to label
constexpr double kLabelPadding = 3;    // text to label box
constexpr int kMaxPlacedLabels = 400;  // beyond this the map is a wall of text anyway

QFont labelFont(const QFont& base, MapLandmark::Kind kind) {
  QFont font = base;
  font.setBold(kind == MapLandmark::Artist);
  font.setItalic(kind == MapLandmark::Tag);
  return font;
}

// The first of four places around a marker at `at` (right, left, above, below) where a label box
// of this size lies inside the view and clear of everything placed (with a little air); null if
// none.
QRectF freePlace(QPointF at, QSizeF box, const QRectF& viewRect, const LabelOccupancy& occupied) {
  const double offset = kMarkerRadius + kLabelGap;
  const QRectF candidates[4] = {
      QRectF(QPointF(at.x() + offset, at.y() - box.height() / 2), box),
      QRectF(QPointF(at.x() - offset - box.width(), at.y() - box.height() / 2), box),
      QRectF(QPointF(at.x() - box.width() / 2, at.y() - offset - box.height()), box),
      QRectF(QPointF(at.x() - box.width() / 2, at.y() + offset), box)};
  for (const QRectF& candidate : candidates) {
    if (viewRect.contains(candidate) && occupied.isFree(candidate.adjusted(-2, -1, 2, 1)))
      return candidate;
  }
  return {};
}

}  // namespace

int MapScene::landmarkAt(const MapTransform& transform, QPointF viewPos) const {
  for (int i = 0; i < m_labelRects.size() && i < m_landmarks.size(); ++i) {
    if (!m_labelRects[i].isNull() && m_labelRects[i].contains(viewPos)) return i;
  }
  int best = -1;
  double bestDistance = kLandmarkHitRadiusPx * kLandmarkHitRadiusPx;
  for (int i = 0; i < m_landmarks.size(); ++i) {
    const QPointF d = transform.toView(m_landmarks[i].pos) - viewPos;
    const double distance = QPointF::dotProduct(d, d);
    if (distance <= bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  return best;
}

void MapScene::prepareLabelMetrics(const QFont& base) const {
  if (m_labelSizes.size() == m_landmarks.size() && base == m_sizeFont && m_labelMetrics[0]) return;
  m_labelSizes = QVector<QSizeF>(m_landmarks.size());
  m_sizeFont = base;
  m_labelMetrics[0].emplace(labelFont(base, MapLandmark::Artist));
  m_labelMetrics[1].emplace(labelFont(base, MapLandmark::Tag));
}

double MapScene::labelHeight(MapLandmark::Kind kind) const {
  return std::ceil(m_labelMetrics[kind == MapLandmark::Artist ? 0 : 1]->height() + kLabelPadding);
}

QSizeF MapScene::labelSize(int index, const QFont& base) const {
  prepareLabelMetrics(base);
  QSizeF& size = m_labelSizes[index];
  if (size.isEmpty()) {
    const MapLandmark& landmark = m_landmarks[index];
    const QFontMetricsF& metrics = *m_labelMetrics[landmark.kind == MapLandmark::Artist ? 0 : 1];
    size = QSizeF(std::ceil(metrics.horizontalAdvance(landmark.label) + 2 * kLabelPadding),
                  labelHeight(landmark.kind));
  }
  return size;
}

const QImage& MapScene::labelSprite(int index, const QFont& base, double dpr) const {
  if (m_labelSprites.size() != m_landmarks.size() || base != m_spriteFont || dpr != m_spriteDpr) {
    m_labelSprites = QVector<QImage>(m_landmarks.size());
    m_markerSprites[0] = m_markerSprites[1] = QImage();
    m_spriteFont = base;
    m_spriteDpr = dpr;
  }
  QImage& sprite = m_labelSprites[index];
  if (!sprite.isNull()) return sprite;
  // Text and rounded boxes are the expensive part of a frame: each label is drawn once, then
  // blitted, so a pan costs no glyph layout.
  const MapLandmark& landmark = m_landmarks[index];
  const bool artist = landmark.kind == MapLandmark::Artist;
  const QSizeF box = labelSize(index, base);
  sprite = QImage((box * dpr).toSize(), QImage::Format_ARGB32_Premultiplied);
  sprite.setDevicePixelRatio(dpr);
  sprite.fill(Qt::transparent);
  QPainter painter(&sprite);
  painter.setRenderHint(QPainter::Antialiasing, true);
  painter.setPen(QPen(m_inks.boxEdge, 1));
  painter.setBrush(m_inks.box);
  painter.drawRoundedRect(QRectF(QPointF(0, 0), box).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
  painter.setFont(labelFont(base, landmark.kind));
  painter.setPen(artist ? m_inks.artist : m_inks.tag);
  painter.drawText(QRectF(QPointF(0, 0), box), Qt::AlignCenter, landmark.label);
  return sprite;
}

const QVector<int>& MapScene::labelOrder() const {
  if (m_labelOrder.size() == m_landmarks.size()) return m_labelOrder;
  m_labelOrder.resize(m_landmarks.size());
  std::iota(m_labelOrder.begin(), m_labelOrder.end(), 0);
  std::stable_sort(m_labelOrder.begin(), m_labelOrder.end(), [&](int a, int b) {
    const bool focusA = isLandmarkFocused(a);
    const bool focusB = isLandmarkFocused(b);
    if (focusA != focusB) return focusA;
    return m_landmarks[a].priority > m_landmarks[b].priority;
  });
  return m_labelOrder;
}

const QImage& MapScene::markerSprite(MapLandmark::Kind kind, double dpr) const {
  QImage& sprite = m_markerSprites[kind == MapLandmark::Artist ? 0 : 1];
  if (!sprite.isNull() && sprite.devicePixelRatio() == dpr) return sprite;
  const double side = 2 * kMarkerRadius + 4;
  sprite = QImage(QSizeF(side * dpr, side * dpr).toSize(), QImage::Format_ARGB32_Premultiplied);
  sprite.setDevicePixelRatio(dpr);
  sprite.fill(Qt::transparent);
  QPainter painter(&sprite);
  painter.setRenderHint(QPainter::Antialiasing, true);
  const bool artist = kind == MapLandmark::Artist;
  paintMarker(painter, QPointF(side / 2, side / 2), kMarkerRadius,
              artist ? m_inks.artist : m_inks.tag, artist);
  return sprite;
}

void MapScene::paintLandmarks(QPainter& painter, const MapTransform& transform) const {
  m_labelRects.fill(QRectF(), m_landmarks.size());
  m_placedRegions.clear();
  const double dpr = painter.device() ? painter.device()->devicePixelRatioF() : 1.0;
  const QRectF viewRect(QPointF(0, 0), transform.viewSize);
  const double half = kMarkerRadius + 2;
  const QRectF markerReach = viewRect.adjusted(-half, -half, half, half);
  // Only the landmarks in view take part, in placement order (sorted once per focus change).
  QVector<int> visible;
  QVector<QPointF> at;
  for (const int index : labelOrder()) {
    const QPointF where = transform.toView(m_landmarks[index].pos);
    if (!markerReach.contains(where)) continue;
    visible.push_back(index);
    at.push_back(where);
  }

  // Greedy placement: in order, the first of four positions that overlaps nothing placed
  // (the legend counts as placed).
  LabelOccupancy occupied(transform.viewSize);
  const QRectF legend = legendRect(painter.font(), transform.viewSize);
  if (!legend.isNull()) occupied.add(legend);
  prepareLabelMetrics(painter.font());
  QVector<int> labelled;
  for (qsizetype k = 0; k < visible.size() && labelled.size() < kMaxPlacedLabels; ++k) {
    const int index = visible[k];
    const MapLandmark& landmark = m_landmarks[index];
    if (landmark.label.isEmpty() || !viewRect.contains(at[k])) continue;
    if (m_labelSizes[index].isEmpty()) {
      // Not measured yet. A box as narrow as an empty label lies inside each of the label's four
      // places, so where it finds no place neither would the label: text that cannot be drawn
      // is never measured (at 10^4 landmarks, most of them on a crowded view).
      const QSizeF least(2 * kLabelPadding, labelHeight(landmark.kind));
      if (freePlace(at[k], least, viewRect, occupied).isNull()) continue;
    }
    const QSizeF box = labelSize(index, painter.font());
    const QRectF place = freePlace(at[k], box, viewRect, occupied);
    if (place.isNull()) continue;
    occupied.add(place);
    // Whole pixels: a blit at a fractional offset would be resampled (blurry text).
    m_labelRects[index] = QRectF(place.topLeft().toPoint(), box);
    labelled.push_back(index);
  }

  // Region names take the room the landmark labels left: centred on the region, else shifted a
  // little (in box heights and widths) up, down or sideways.
  static constexpr QPointF kRegionShifts[] = {{0, 0},      {0, -0.75},   {0, 0.75},   {-0.5, 0},
                                              {0.5, 0},    {0, -1.5},    {0, 1.5},    {-0.5, -0.75},
                                              {0.5, 0.75}, {-0.5, 0.75}, {0.5, -0.75}};
  updateRegions(transform);
  for (const MapRegionLabel& region : m_regions) {
    const QPointF p = transform.toView(region.pos);
    if (!viewRect.contains(p)) continue;
    const QSizeF box = regionSprite(region.tag, painter.font(), dpr).deviceIndependentSize();
    for (const QPointF& shift : kRegionShifts) {
      const QRectF candidate(
          p + QPointF(box.width() * (shift.x() - 0.5), box.height() * (shift.y() - 0.5)), box);
      if (!viewRect.contains(candidate) || !occupied.isFree(candidate)) continue;
      occupied.add(candidate);
      MapRegionLabel placed = region;
      placed.rect = QRectF(candidate.topLeft().toPoint(), box);
      m_placedRegions.push_back(placed);
      break;
    }
  }

  // Back to front: region names, markers (low priority first, so important ones end on top),
  // landmark labels.
  for (const MapRegionLabel& region : m_placedRegions)
    painter.drawImage(region.rect.topLeft(), regionSprite(region.tag, painter.font(), dpr));
  for (qsizetype k = visible.size() - 1; k >= 0; --k)
    painter.drawImage(at[k] - QPointF(half, half), markerSprite(m_landmarks[visible[k]].kind, dpr));
  for (const int index : labelled)
    painter.drawImage(m_labelRects[index].topLeft(), labelSprite(index, painter.font(), dpr));
}

MapScene::LegendLayout MapScene::legendLayout(const QFont& font, QSizeF viewSize) const {
  LegendLayout layout;
  if (m_legend.isEmpty()) return layout;
  const QFontMetricsF metrics(font);
  layout.shown = std::min<int>(kLegendMaxEntries, static_cast<int>(m_legend.size()));
  layout.hidden = static_cast<int>(m_legend.size()) - layout.shown;
  layout.rowHeight = std::max(kLegendSwatch, metrics.height()) + 2;
  for (int i = 0; i < layout.shown; ++i)
    layout.textWidth = std::max(layout.textWidth, metrics.horizontalAdvance(m_legend[i].first));
  if (layout.hidden > 0)
    layout.textWidth = std::max(
        layout.textWidth, metrics.horizontalAdvance(QStringLiteral("+%1 more").arg(layout.hidden)));
  layout.textWidth = std::min(layout.textWidth, viewSize.width() / 4);
  const int rows = layout.shown + (layout.hidden > 0 ? 1 : 0);
  const double width = kLegendSwatch + 6 + layout.textWidth + 2 * kLegendPadding;
  layout.box = QRectF(viewSize.width() - kLegendPadding - width, kLegendPadding, width,
                      rows * layout.rowHeight + 2 * kLegendPadding - 2);
  return layout;
}

QRectF MapScene::legendRect(const QFont& font, QSizeF viewSize) const {
  return legendLayout(font, viewSize).box;
}

void MapScene::paintLegend(QPainter& painter, QSizeF viewSize) const {
  if (m_legend.isEmpty()) return;
  const QFontMetricsF metrics(painter.font());
  const LegendLayout layout = legendLayout(painter.font(), viewSize);
  const QRectF box = layout.box;
  const int shown = layout.shown;
  const int hidden = layout.hidden;
  const double textWidth = layout.textWidth;
  const double rowHeight = layout.rowHeight;
  const double padding = kLegendPadding;
  const double swatch = kLegendSwatch;
  const int rows = shown + (hidden > 0 ? 1 : 0);
  const QString more = QStringLiteral("+%1 more").arg(hidden);
  painter.setRenderHint(QPainter::Antialiasing, true);
  painter.setPen(QPen(m_inks.boxEdge, 1));
  painter.setBrush(m_inks.box);
  painter.drawRoundedRect(box, 5, 5);
  for (int i = 0; i < rows; ++i) {
    const double y = box.top() + padding + i * rowHeight;
    const QRectF text(box.left() + padding + swatch + 6, y, textWidth, rowHeight - 2);
    painter.setPen(m_inks.artist);
    if (i < shown) {
      painter.drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
                       metrics.elidedText(m_legend[i].first, Qt::ElideRight, textWidth));
      painter.setPen(QPen(m_legend[i].second.darker(160), 1));
      painter.setBrush(m_legend[i].second);
      painter.drawEllipse(
          QRectF(box.left() + padding, text.center().y() - swatch / 2, swatch, swatch));
    } else {
      painter.setPen(m_inks.muted);
      painter.drawText(text, Qt::AlignVCenter | Qt::AlignLeft, more);
    }
  }
}

}  // namespace songspace::ui
