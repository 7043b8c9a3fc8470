// MapScene: landmarks with greedy label placement, and the colour legend.
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <numeric>

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
  const QFont font = labelFont(base, landmark.kind);
  const QFontMetricsF metrics(font);
  const QSizeF box(std::ceil(metrics.horizontalAdvance(landmark.label) + 2 * kLabelPadding),
                   std::ceil(metrics.height() + kLabelPadding));
  sprite = QImage((box * dpr).toSize(), QImage::Format_ARGB32_Premultiplied);
  sprite.setDevicePixelRatio(dpr);
  sprite.fill(Qt::transparent);
  QPainter painter(&sprite);
  painter.setRenderHint(QPainter::Antialiasing, true);
  painter.setPen(QPen(m_inks.boxEdge, 1));
  painter.setBrush(m_inks.box);
  painter.drawRoundedRect(QRectF(QPointF(0, 0), box).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
  painter.setFont(font);
  painter.setPen(artist ? m_inks.artist : m_inks.tag);
  painter.drawText(QRectF(QPointF(0, 0), box), Qt::AlignCenter, landmark.label);
  return sprite;
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
  if (m_landmarks.isEmpty()) return;
  const double dpr = painter.device() ? painter.device()->devicePixelRatioF() : 1.0;
  const QRectF viewRect(QPointF(0, 0), transform.viewSize);
  QVector<int> order(m_landmarks.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return m_landmarks[a].priority > m_landmarks[b].priority; });

  // Markers of every visible landmark; low priority first so important ones end on top.
  const double half = kMarkerRadius + 2;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const MapLandmark& landmark = m_landmarks[*it];
    const QPointF at = transform.toView(landmark.pos);
    if (!viewRect.adjusted(-half, -half, half, half).contains(at)) continue;
    painter.drawImage(at - QPointF(half, half), markerSprite(landmark.kind, dpr));
  }

  // Greedy placement: by priority, the first of four positions that overlaps nothing placed
  // (the legend counts as placed).
  QVector<QRectF> placed;
  const QRectF legend = legendRect(painter.font(), transform.viewSize);
  if (!legend.isNull()) placed.push_back(legend);
  for (int index : order) {
    if (placed.size() >= kMaxPlacedLabels) break;
    const MapLandmark& landmark = m_landmarks[index];
    if (landmark.label.isEmpty()) continue;
    const QPointF at = transform.toView(landmark.pos);
    if (!viewRect.contains(at)) continue;
    const QImage& sprite = labelSprite(index, painter.font(), dpr);
    const QSizeF box = sprite.deviceIndependentSize();
    const double offset = kMarkerRadius + kLabelGap;
    const QRectF candidates[4] = {
        QRectF(QPointF(at.x() + offset, at.y() - box.height() / 2), box),
        QRectF(QPointF(at.x() - offset - box.width(), at.y() - box.height() / 2), box),
        QRectF(QPointF(at.x() - box.width() / 2, at.y() - offset - box.height()), box),
        QRectF(QPointF(at.x() - box.width() / 2, at.y() + offset), box)};
    for (const QRectF& candidate : candidates) {
      if (!viewRect.contains(candidate)) continue;
      const QRectF spaced = candidate.adjusted(-2, -1, 2, 1);
      const bool free = std::none_of(placed.begin(), placed.end(),
                                     [&](const QRectF& r) { return r.intersects(spaced); });
      if (!free) continue;
      placed.push_back(candidate);
      // Whole pixels: a blit at a fractional offset would be resampled (blurry text).
      m_labelRects[index] = QRectF(candidate.topLeft().toPoint(), box);
      painter.drawImage(m_labelRects[index].topLeft(), sprite);
      break;
    }
  }
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
