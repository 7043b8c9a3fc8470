#include "ui/mapview.h"

#include <QApplication>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QVariantAnimation>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace songspace::ui {

namespace {

constexpr double kWheelStepsPerDoubling = 4;  // four notches (120 each) zoom by 2x
constexpr double kKeyPanFraction = 0.1;
constexpr double kLassoMinStepPx = 2;

QVector<QPointF> lerp(const QVector<QPointF>& from, const QVector<QPointF>& to, double t) {
  QVector<QPointF> out(from.size());
  for (int i = 0; i < from.size(); ++i) out[i] = from[i] + (to[i] - from[i]) * t;
  return out;
}

}  // namespace

EmbeddingMapView::EmbeddingMapView(QWidget* parent)
    : QWidget(parent),
      m_emptyText(tr("No songs on the map yet.\nAnalyse your library and train a model to see "
                     "your collection here.")),
      m_animation(new QVariantAnimation(this)) {
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setAttribute(Qt::WA_OpaquePaintEvent);
  m_animation->setStartValue(0.0);
  m_animation->setEndValue(1.0);
  m_animation->setDuration(kAnimationMs);
  m_animation->setEasingCurve(QEasingCurve::InOutCubic);
  connect(m_animation, &QVariantAnimation::valueChanged, this,
          [this](const QVariant& value) { applyAnimation(value.toDouble()); });
  m_scene.setPalette(palette());
}

EmbeddingMapView::~EmbeddingMapView() = default;

void EmbeddingMapView::setPoints(QVector<MapPoint> points) {
  m_animation->stop();
  m_scene.setPoints(std::move(points));
  m_fitScale = 0;
  setSelectedSong(m_selectedId);  // drops the selection if the song left the map
  m_hoveredIndex = -1;
  if (m_autoFit) fitAll();
  update();
}

void EmbeddingMapView::setLandmarks(QVector<MapLandmark> landmarks) {
  m_animation->stop();
  m_scene.setLandmarks(std::move(landmarks));
  m_fitScale = 0;
  if (m_autoFit) fitAll();
  update();
}

bool EmbeddingMapView::animateTo(const QVector<QPointF>& songPositions,
                                 const QVector<QPointF>& landmarkPositions) {
  if (songPositions.size() != m_scene.points().size()) return false;
  if (!landmarkPositions.isEmpty() && landmarkPositions.size() != m_scene.landmarks().size())
    return false;
  m_animation->stop();
  // Start from wherever the songs are now, even mid-way through a previous animation.
  m_fromSongs.resize(songPositions.size());
  for (int i = 0; i < songPositions.size(); ++i) m_fromSongs[i] = m_scene.points()[i].pos;
  m_toSongs = songPositions;
  m_fromLandmarks.clear();
  m_toLandmarks = landmarkPositions;
  for (const MapLandmark& landmark : m_scene.landmarks()) m_fromLandmarks.push_back(landmark.pos);
  if (m_toLandmarks.isEmpty()) m_toLandmarks = m_fromLandmarks;
  m_animation->start();
  return true;
}

bool EmbeddingMapView::isAnimating() const {
  return m_animation->state() == QAbstractAnimation::Running;
}

void EmbeddingMapView::applyAnimation(double t) {
  if (m_toSongs.size() != m_scene.points().size()) return;
  m_scene.setPositions(t >= 1 ? m_toSongs : lerp(m_fromSongs, m_toSongs, t));
  if (m_toLandmarks.size() == m_scene.landmarks().size())
    m_scene.setLandmarkPositions(t >= 1 ? m_toLandmarks : lerp(m_fromLandmarks, m_toLandmarks, t));
  m_fitScale = 0;
  if (m_autoFit) fitAll();
  update();
}

void EmbeddingMapView::setLandmarkFocus(const QSet<int>& indices) {
  m_scene.setLandmarkFocus(indices);
  update();
}

void EmbeddingMapView::setRegionTags(QStringList names) {
  m_scene.setRegionTags(std::move(names));
  update();
}

void EmbeddingMapView::setColorLegend(QVector<QPair<QString, QColor>> legend) {
  m_scene.setColorLegend(std::move(legend));
  m_fitScale = 0;
  if (m_autoFit) fitAll();
  update();
}

void EmbeddingMapView::setHighlighted(const QSet<int>& songIds) {
  m_scene.setHighlighted(songIds);
  update();
}

void EmbeddingMapView::setHighlightedPoints(const std::vector<char>& flags, bool active) {
  m_scene.setHighlightedPoints(flags, active);
  update();
}

void EmbeddingMapView::setSelectedSong(int id) {
  m_selectedId = m_scene.indexOfId(id) >= 0 ? id : -1;
  update();
}

void EmbeddingMapView::setTooltipProvider(std::function<QString(int)> provider) {
  m_tooltipProvider = std::move(provider);
}

void EmbeddingMapView::setEmptyText(const QString& text) {
  if (text == m_emptyText) return;
  m_emptyText = text;
  update();
}

QRectF EmbeddingMapView::fitArea() const {
  QRectF area = QRectF(rect()).adjusted(kFitMarginPx, kFitMarginPx, -kFitMarginPx, -kFitMarginPx);
  // Keep the songs out from under the legend (top-right) when there is room to the left of it.
  const QRectF legend = m_scene.legendRect(font(), QSizeF(size()));
  if (!legend.isNull() && legend.width() < width() / 3.0) area.setRight(legend.left() - 4);
  if (area.width() < 1) area.setWidth(1);
  if (area.height() < 1) area.setHeight(1);
  return area;
}

double EmbeddingMapView::fitScale() const {
  // Cached: transform() runs on every hit-test and mouse move, and the legend layout behind
  // fitArea() measures text.
  if (m_fitScale > 0) return m_fitScale;
  const QRectF bounds = m_scene.bounds();
  const QRectF area = fitArea();
  // A single point (or a line) has no extent: pretend it spans one unit.
  const double dataWidth = bounds.width() > 0 ? bounds.width() : 1.0;
  const double dataHeight = bounds.height() > 0 ? bounds.height() : 1.0;
  m_fitScale = std::min(area.width() / dataWidth, area.height() / dataHeight);
  return m_fitScale;
}

MapTransform EmbeddingMapView::transform() const {
  return MapTransform{fitScale() * m_zoom, m_center, QSizeF(size())};
}

void EmbeddingMapView::fitAll() {
  m_fitScale = 0;  // whatever changed (data, size, legend, font), measure again
  m_autoFit = true;
  m_zoom = 1;
  const QRectF bounds = m_scene.bounds();
  // Centre the data in the fit area, which is off-centre when the legend takes a strip.
  const QPointF offset = QRectF(rect()).center() - fitArea().center();
  m_center = (bounds.isNull() ? QPointF() : bounds.center()) + offset / fitScale();
  update();
}

void EmbeddingMapView::setZoom(double zoom) {
  m_zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
  userMovedView();
}

void EmbeddingMapView::setCenter(QPointF dataCenter) {
  m_center = dataCenter;
  userMovedView();
}

void EmbeddingMapView::zoomAround(QPointF viewPos, double factor) {
  const QPointF anchor = toData(viewPos);
  m_zoom = std::clamp(m_zoom * factor, kMinZoom, kMaxZoom);
  const double scale = fitScale() * m_zoom;
  m_center = anchor - (viewPos - QPointF(width() / 2.0, height() / 2.0)) / scale;
  userMovedView();
}

void EmbeddingMapView::userMovedView() {
  m_autoFit = false;
  update();
}

int EmbeddingMapView::songAt(QPoint viewPos, int radiusPx) const {
  const MapTransform t = transform();
  const int index = m_scene.grid().nearest(t.toData(QPointF(viewPos)), radiusPx / t.scale);
  return index >= 0 ? m_scene.points()[index].id : -1;
}

int EmbeddingMapView::landmarkAt(QPoint viewPos) const {
  return m_scene.landmarkAt(transform(), QPointF(viewPos));
}

QList<int> EmbeddingMapView::songsInDataRect(const QRectF& dataRect) const {
  QList<int> ids;
  for (int index : m_scene.grid().pointsInRect(dataRect)) ids.push_back(m_scene.points()[index].id);
  return ids;
}

QList<int> EmbeddingMapView::songsInDataPolygon(const QPolygonF& dataPolygon) const {
  QList<int> ids;
  if (dataPolygon.size() < 3) return ids;
  for (int index : m_scene.grid().pointsInRect(dataPolygon.boundingRect())) {
    if (dataPolygon.containsPoint(m_scene.points()[index].pos, Qt::OddEvenFill))
      ids.push_back(m_scene.points()[index].id);
  }
  return ids;
}

void EmbeddingMapView::setHovered(int index) {
  if (index == m_hoveredIndex) return;
  m_hoveredIndex = index;
  update();
  Q_EMIT hoveredSongChanged(index >= 0 ? m_scene.points()[index].id : -1);
}

void EmbeddingMapView::handleClick(QPoint pos) {
  const int landmark = landmarkAt(pos);
  if (landmark >= 0) {
    const MapLandmark& hit = m_scene.landmarks()[landmark];
    Q_EMIT landmarkClicked(hit.kind, hit.id);
    return;
  }
  const int id = songAt(pos);
  if (id < 0) return;
  setSelectedSong(id);
  Q_EMIT songClicked(id);
}

bool EmbeddingMapView::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    QString text;
    const int landmark = landmarkAt(help->pos());
    if (landmark >= 0) {
      text = m_scene.landmarks()[landmark].label;
    } else if (const int id = songAt(help->pos()); id >= 0) {
      if (m_tooltipProvider) text = m_tooltipProvider(id);
    } else if (!m_scene.isEmpty()) {
      text =
          tr("Drag to move, wheel to zoom, Shift+drag to select, right-click for more; "
             "? lists every gesture");
    }
    if (text.isEmpty()) {
      QToolTip::hideText();
      event->ignore();
    } else {
      QToolTip::showText(help->globalPos(), text, this);
    }
    return true;
  }
  return QWidget::event(event);
}

void EmbeddingMapView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().color(QPalette::Base));
  if (m_scene.isEmpty()) {
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                     m_emptyText);
    return;
  }
  m_scene.paint(painter, transform(), m_hoveredIndex, m_scene.indexOfId(m_selectedId));
  painter.setRenderHint(QPainter::Antialiasing, true);
  const QColor accent = palette().color(QPalette::Highlight);
  QColor fill = accent;
  fill.setAlpha(40);
  if (m_drag == Drag::Rubber) {
    painter.setPen(QPen(accent, 1, Qt::DashLine));
    painter.setBrush(fill);
    painter.drawRect(m_rubber.normalized());
  } else if (m_drag == Drag::Lasso && m_lasso.size() > 1) {
    painter.setPen(QPen(accent, 1.5));
    painter.setBrush(fill);
    painter.drawPolygon(m_lasso);
  }
}

void EmbeddingMapView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  m_fitScale = 0;
  if (m_autoFit) fitAll();
}

void EmbeddingMapView::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) m_scene.setPalette(palette());
  QWidget::changeEvent(event);
}

void EmbeddingMapView::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
  m_pressPos = event->position().toPoint();
  m_pressCenter = m_center;
  const Qt::KeyboardModifiers modifiers = event->modifiers();
  if (modifiers & Qt::ShiftModifier) {
    m_drag = Drag::Rubber;
    m_rubber = QRect(m_pressPos, m_pressPos);
  } else if (modifiers & (Qt::AltModifier | Qt::ControlModifier)) {
    m_drag = Drag::Lasso;
    m_lasso = QPolygonF{QPointF(m_pressPos)};
  } else {
    m_drag = Drag::PendingClick;
  }
  event->accept();
}

void EmbeddingMapView::mouseMoveEvent(QMouseEvent* event) {
  const QPoint pos = event->position().toPoint();
  switch (m_drag) {
    case Drag::None: {
      const MapTransform t = transform();
      setHovered(m_scene.grid().nearest(t.toData(QPointF(pos)), kHitRadiusPx / t.scale));
      return;
    }
    case Drag::PendingClick:
      if ((pos - m_pressPos).manhattanLength() < QApplication::startDragDistance()) return;
      m_drag = Drag::Pan;
      [[fallthrough]];
    case Drag::Pan:
      m_center = m_pressCenter - QPointF(pos - m_pressPos) / transform().scale;
      userMovedView();
      return;
    case Drag::Rubber:
      m_rubber.setBottomRight(pos);
      update();
      return;
    case Drag::Lasso:
      if (QLineF(m_lasso.last(), QPointF(pos)).length() >= kLassoMinStepPx) m_lasso << QPointF(pos);
      update();
      return;
  }
}

void EmbeddingMapView::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return QWidget::mouseReleaseEvent(event);
  const Drag drag = std::exchange(m_drag, Drag::None);
  const QPoint pos = event->position().toPoint();
  if (drag == Drag::PendingClick) {
    handleClick(pos);
  } else if (drag == Drag::Rubber) {
    m_rubber.setBottomRight(pos);
    const QRectF dataRect =
        QRectF(toData(QPointF(m_rubber.topLeft())), toData(QPointF(m_rubber.bottomRight())))
            .normalized();
    Q_EMIT songsSelected(songsInDataRect(dataRect));
  } else if (drag == Drag::Lasso) {
    m_lasso << QPointF(pos);
    QPolygonF dataPolygon;
    for (const QPointF& p : m_lasso) dataPolygon << toData(p);
    Q_EMIT songsSelected(songsInDataPolygon(dataPolygon));
  }
  update();
}

void EmbeddingMapView::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  if (steps == 0) return;
  zoomAround(event->position(), std::pow(2.0, steps / kWheelStepsPerDoubling));
  event->accept();
}

void EmbeddingMapView::keyPressEvent(QKeyEvent* event) {
  const QPointF middle(width() / 2.0, height() / 2.0);
  const double pan = kKeyPanFraction * std::min(width(), height()) / transform().scale;
  switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
      zoomAround(middle, kKeyZoomFactor);
      break;
    case Qt::Key_Minus:
      zoomAround(middle, 1 / kKeyZoomFactor);
      break;
    case Qt::Key_0:
      fitAll();
      break;
    case Qt::Key_Left:
      setCenter(m_center - QPointF(pan, 0));
      break;
    case Qt::Key_Right:
      setCenter(m_center + QPointF(pan, 0));
      break;
    case Qt::Key_Up:
      setCenter(m_center - QPointF(0, pan));
      break;
    case Qt::Key_Down:
      setCenter(m_center + QPointF(0, pan));
      break;
    case Qt::Key_Question:
    case Qt::Key_F1:
      Q_EMIT helpRequested();
      break;
    case Qt::Key_Escape:
      if (m_drag == Drag::None) Q_EMIT clearSelectionRequested();
      m_drag = Drag::None;
      update();
      break;
    default:
      QWidget::keyPressEvent(event);
      return;
  }
  event->accept();
}

void EmbeddingMapView::leaveEvent(QEvent* event) {
  setHovered(-1);
  QWidget::leaveEvent(event);
}

}  // namespace songspace::ui
