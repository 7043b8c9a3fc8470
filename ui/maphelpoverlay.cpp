#include "ui/maphelpoverlay.h"

#include <QEvent>
#include <QFontMetricsF>
#include <QMouseEvent>
#include <QPainter>
#include <algorithm>

namespace songspace::ui {

namespace {

constexpr double kPadding = 18;
constexpr double kColumnGap = 18;
constexpr int kScrimAlpha = 150;  // how much of the map the panel's surround hides
constexpr int kPanelAlpha = 235;

}  // namespace

MapHelpOverlay::MapHelpOverlay(QWidget* map) : QWidget(map) {
  setObjectName(QStringLiteral("mapHelp"));
  setAttribute(Qt::WA_NoSystemBackground);
  hide();
  map->installEventFilter(this);
}

QList<QPair<QString, QString>> MapHelpOverlay::entries() {
  return {
      {tr("Drag"), tr("Move the map")},
      {tr("Wheel, + and −"), tr("Zoom (the wheel around the pointer)")},
      {tr("Arrow keys"), tr("Move the map")},
      {tr("0"), tr("Show everything")},
      {tr("Click a song"), tr("Show it in the library and the inspector")},
      {tr("Click an artist or tag"), tr("Open its page")},
      {tr("Shift+drag"), tr("Select the songs in a rectangle")},
      {tr("Ctrl+drag or Alt+drag"), tr("Select the songs in a lasso")},
      {tr("Escape"), tr("Clear the selection")},
      {tr("Right-click"), tr("Play, queue, mix from a song, artist, tag or the selection")},
      {tr("? or F1, the ? button"), tr("Show this help again")},
  };
}

void MapHelpOverlay::showHelp() {
  if (parentWidget()) {
    setGeometry(parentWidget()->rect());
    // "Press any key to close": the keys must reach the map beneath, wherever the focus was (the
    // tab bar, the search field).
    parentWidget()->setFocus(Qt::OtherFocusReason);
  }
  show();
  raise();
}

void MapHelpOverlay::dismiss() {
  if (isHidden()) return;
  hide();
  Q_EMIT dismissed();
}

bool MapHelpOverlay::eventFilter(QObject* watched, QEvent* event) {
  if (watched == parentWidget()) {
    switch (event->type()) {
      case QEvent::Resize:
        setGeometry(parentWidget()->rect());
        break;
      case QEvent::KeyPress:
      case QEvent::MouseButtonPress:
        if (isVisible()) {
          dismiss();
          return true;
        }
        break;
      default:
        break;
    }
  }
  return QWidget::eventFilter(watched, event);
}

void MapHelpOverlay::mousePressEvent(QMouseEvent* event) {
  dismiss();
  event->accept();
}

void MapHelpOverlay::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing, true);
  QColor scrim = palette().color(QPalette::Base);
  scrim.setAlpha(kScrimAlpha);
  painter.fillRect(rect(), scrim);

  QFont title = font();
  title.setBold(true);
  title.setPointSizeF(font().pointSizeF() > 0 ? font().pointSizeF() * 1.2 : 12);
  QFont keys = font();
  keys.setBold(true);
  const QFontMetricsF titleMetrics(title), keyMetrics(keys), textMetrics(font());
  const auto rows = entries();
  double keyWidth = 0, textWidth = 0;
  for (const auto& [key, text] : rows) {
    keyWidth = std::max(keyWidth, keyMetrics.horizontalAdvance(key));
    textWidth = std::max(textWidth, textMetrics.horizontalAdvance(text));
  }
  const QString heading = tr("Map gestures and keys");
  const QString footer = tr("Click or press any key to close");
  const double rowHeight = std::max(keyMetrics.height(), textMetrics.height()) + 4;
  const double width =
      std::max({keyWidth + kColumnGap + textWidth, titleMetrics.horizontalAdvance(heading),
                textMetrics.horizontalAdvance(footer)}) +
      2 * kPadding;
  const double height = titleMetrics.height() + 10 + rows.size() * rowHeight + 10 +
                        textMetrics.height() + 2 * kPadding;
  const QRectF panel(QPointF((this->width() - width) / 2, (this->height() - height) / 2),
                     QSizeF(width, height));
  QColor fill = palette().color(QPalette::Window);
  fill.setAlpha(kPanelAlpha);
  QColor edge = palette().color(QPalette::Text);
  edge.setAlpha(60);
  painter.setPen(QPen(edge, 1));
  painter.setBrush(fill);
  painter.drawRoundedRect(panel, 8, 8);

  double y = panel.top() + kPadding;
  painter.setPen(palette().color(QPalette::WindowText));
  painter.setFont(title);
  painter.drawText(QRectF(panel.left() + kPadding, y, width - 2 * kPadding, titleMetrics.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, heading);
  y += titleMetrics.height() + 10;
  for (const auto& [key, text] : rows) {
    painter.setFont(keys);
    painter.setPen(palette().color(QPalette::Link));
    painter.drawText(QRectF(panel.left() + kPadding, y, keyWidth, rowHeight),
                     Qt::AlignLeft | Qt::AlignVCenter, key);
    painter.setFont(font());
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(
        QRectF(panel.left() + kPadding + keyWidth + kColumnGap, y, textWidth, rowHeight),
        Qt::AlignLeft | Qt::AlignVCenter, text);
    y += rowHeight;
  }
  y += 10;
  painter.setPen(palette().color(QPalette::PlaceholderText));
  painter.drawText(QRectF(panel.left() + kPadding, y, width - 2 * kPadding, textMetrics.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, footer);
}

}  // namespace songspace::ui
