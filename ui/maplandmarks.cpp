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

void MapScene::paintLandmarks(QPainter& painter, const MapTransform& transform) const {
  m_labelRects.fill(QRectF(), m_landmarks.size());
  if (m_landmarks.isEmpty()) return;
  const QRectF viewRect(QPointF(0, 0), transform.viewSize);
  QVector<int> order(m_landmarks.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return m_landmarks[a].priority > m_landmarks[b].priority; });

  // Markers of every visible landmark; low priority first so important ones end on top.
  painter.setRenderHint(QPainter::Antialiasing, true);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const MapLandmark& landmark = m_landmarks[*it];
    const QPointF at = transform.toView(landmark.pos);
    if (!viewRect.adjusted(-10, -10, 10, 10).contains(at)) continue;
    const bool artist = landmark.kind == MapLandmark::Artist;
    paintMarker(painter, at, kMarkerRadius, artist ? kArtistInk : kTagInk, artist);
  }

  // Greedy placement: by priority, the first of four positions that overlaps nothing placed.
  QVector<QRectF> placed;
  const QFont artistFont = labelFont(painter.font(), MapLandmark::Artist);
  const QFont tagFont = labelFont(painter.font(), MapLandmark::Tag);
  const QFontMetricsF artistMetrics(artistFont), tagMetrics(tagFont);
  for (int index : order) {
    if (placed.size() >= kMaxPlacedLabels) break;
    const MapLandmark& landmark = m_landmarks[index];
    if (landmark.label.isEmpty()) continue;
    const QPointF at = transform.toView(landmark.pos);
    if (!viewRect.contains(at)) continue;
    const bool artist = landmark.kind == MapLandmark::Artist;
    const QFontMetricsF& metrics = artist ? artistMetrics : tagMetrics;
    const QSizeF box(metrics.horizontalAdvance(landmark.label) + 2 * kLabelPadding,
                     metrics.height() + kLabelPadding);
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
      m_labelRects[index] = candidate;
      break;
    }
  }

  painter.save();
  for (int i = 0; i < m_landmarks.size(); ++i) {
    if (m_labelRects[i].isNull()) continue;
    const bool artist = m_landmarks[i].kind == MapLandmark::Artist;
    painter.setPen(QPen(QColor(0, 0, 0, 40), 1));
    painter.setBrush(QColor(255, 255, 255, 225));
    painter.drawRoundedRect(m_labelRects[i], 3, 3);
    painter.setFont(artist ? artistFont : tagFont);
    painter.setPen(artist ? kArtistInk : kTagInk);
    painter.drawText(m_labelRects[i], Qt::AlignCenter, m_landmarks[i].label);
  }
  painter.restore();
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
  painter.setPen(QPen(QColor(0, 0, 0, 45), 1));
  painter.setBrush(QColor(255, 255, 255, 230));
  painter.drawRoundedRect(box, 5, 5);
  for (int i = 0; i < rows; ++i) {
    const double y = box.top() + padding + i * rowHeight;
    const QRectF text(box.left() + padding + swatch + 6, y, textWidth, rowHeight - 2);
    painter.setPen(QColor(40, 40, 40));
    if (i < shown) {
      painter.drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
                       metrics.elidedText(m_legend[i].first, Qt::ElideRight, textWidth));
      painter.setPen(QPen(m_legend[i].second.darker(160), 1));
      painter.setBrush(m_legend[i].second);
      painter.drawEllipse(
          QRectF(box.left() + padding, text.center().y() - swatch / 2, swatch, swatch));
    } else {
      painter.setPen(QColor(110, 110, 110));
      painter.drawText(text, Qt::AlignVCenter | Qt::AlignLeft, more);
    }
  }
}

}  // namespace songspace::ui
