#include "ui/dialogtitle.h"

#include <QFontMetrics>
#include <QGridLayout>
#include <QMessageBox>
#include <QSpacerItem>

namespace songspace::ui {

namespace {
// Title-bar fonts are commonly bold and a little larger than the dialog's text.
constexpr double kTitleFontScale = 1.1;
// The frame's icon and buttons on either side of the centred title, in font heights: up to three
// buttons of about 1.6 heights each on one side, mirrored.
constexpr int kFrameHeights = 10;
}  // namespace

int widthForTitle(const QWidget& window) {
  QFont font = window.font();
  font.setBold(true);
  if (font.pointSizeF() > 0) font.setPointSizeF(font.pointSizeF() * kTitleFontScale);
  const QFontMetrics title(font);
  return title.horizontalAdvance(window.windowTitle()) + kFrameHeights * title.height();
}

void fitTitle(QMessageBox& box) {
  auto* grid = qobject_cast<QGridLayout*>(box.layout());
  if (!grid) return;
  grid->addItem(new QSpacerItem(widthForTitle(box), 0, QSizePolicy::Minimum, QSizePolicy::Fixed),
                grid->rowCount(), 0, 1, grid->columnCount());
}

}  // namespace songspace::ui
