#include "ui/appearance.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

namespace songspace::ui {
namespace {

// Hue and saturation of the semantic colours (HSL); lightness comes from the palette.
constexpr int kNegativeHue = 0;
constexpr int kPositiveHue = 130;
constexpr int kSemanticSaturation = 170;
constexpr int kLightnessOnLight = 85;  // dark enough for body text on a light Base
constexpr int kLightnessOnDark = 165;  // light enough for body text on a dark Base

bool darkApplied = false;  // GUI thread only

QColor semantic(int hue, const QPalette& palette) {
  return QColor::fromHsl(hue, kSemanticSaturation,
                         isDark(palette) ? kLightnessOnDark : kLightnessOnLight);
}

}  // namespace

bool isDark(const QPalette& palette) {
  return palette.color(QPalette::Base).lightness() < 128;
}

QColor negativeText(const QPalette& palette) {
  return semantic(kNegativeHue, palette);
}

QColor positiveText(const QPalette& palette) {
  return semantic(kPositiveHue, palette);
}

QPalette darkPalette() {
  const QColor window(45, 45, 48);
  const QColor base(30, 30, 32);
  const QColor text(225, 225, 228);
  const QColor disabledText(128, 128, 132);
  const QColor highlight(61, 122, 199);
  QPalette p;
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, QColor(38, 38, 41));
  p.setColor(QPalette::ToolTipBase, QColor(55, 55, 60));
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::PlaceholderText, QColor(150, 150, 155));
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, QColor(255, 110, 110));
  p.setColor(QPalette::Light, QColor(75, 75, 80));
  p.setColor(QPalette::Midlight, QColor(60, 60, 64));
  p.setColor(QPalette::Mid, QColor(90, 90, 96));
  p.setColor(QPalette::Dark, QColor(22, 22, 24));
  p.setColor(QPalette::Shadow, QColor(0, 0, 0));
  p.setColor(QPalette::Highlight, highlight);
  p.setColor(QPalette::HighlightedText, QColor(255, 255, 255));
  p.setColor(QPalette::Link, QColor(110, 170, 240));
  p.setColor(QPalette::LinkVisited, QColor(170, 140, 230));
  for (const QPalette::ColorRole role :
       {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::HighlightedText}) {
    p.setColor(QPalette::Disabled, role, disabledText);
  }
  p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(70, 70, 75));
  p.setColor(QPalette::Disabled, QPalette::Base, window);
  return p;
}

void applyAppearance(bool dark) {
  static const QString platformStyle = QApplication::style()->name();
  static const QPalette platformPalette = QApplication::palette();
  if (dark == darkApplied) return;
  darkApplied = dark;
  // Platform styles may draw with their own colours; Fusion paints with the palette only.
  QApplication::setStyle(QStyleFactory::create(dark ? QStringLiteral("Fusion") : platformStyle));
  QApplication::setPalette(dark ? darkPalette() : platformPalette);
}

bool darkAppearanceApplied() {
  return darkApplied;
}

}  // namespace songspace::ui
