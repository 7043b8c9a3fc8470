#include "ui/scorebar.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace songspace::ui {

ScoreBar::ScoreBar(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
}

void ScoreBar::setScore(float score, float range) {
  m_score = score;
  m_range = range > 0 ? range : 1.0f;
  setToolTip(QString::number(static_cast<double>(score), 'f', 3));
  update();
}

double ScoreBar::fraction() const {
  return std::clamp(static_cast<double>(m_score) / static_cast<double>(m_range), 0.0, 1.0);
}

QSize ScoreBar::sizeHint() const {
  const QFontMetrics metrics = fontMetrics();
  return {metrics.averageCharWidth() * kWidthChars, metrics.height()};
}

QSize ScoreBar::minimumSizeHint() const {
  return sizeHint();
}

void ScoreBar::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  const qreal thickness = std::max(4.0, fontMetrics().height() * 0.45);
  const QRectF track(0.5, (height() - thickness) / 2.0, width() - 1.0, thickness);
  const qreal radius = thickness / 2.0;
  QColor trackColor = palette().color(QPalette::WindowText);
  trackColor.setAlphaF(0.12f);
  painter.setPen(Qt::NoPen);
  painter.setBrush(trackColor);
  painter.drawRoundedRect(track, radius, radius);
  const double filled = fraction();
  if (filled > 0) {
    QRectF bar = track;
    bar.setWidth(std::max(thickness, track.width() * filled));
    painter.setBrush(
        palette().color(isEnabled() ? QPalette::Active : QPalette::Disabled, QPalette::Highlight));
    painter.drawRoundedRect(bar, radius, radius);
  }
}

}  // namespace songspace::ui
