#pragma once

#include <QColor>
#include <QPalette>

// How the GUI gets its colours: every widget paints with its palette's roles (Text, Base,
// Highlight, Link, PlaceholderText, Mid …), so it follows whatever palette the platform theme or
// the user chose. The few meanings a palette has no role for (an error, a removed and an added
// value) get a fixed hue at a lightness chosen against the palette's Base, as KDE's
// KColorScheme::NegativeText / PositiveText do, so they stay readable on light and dark themes.
namespace songspace::ui {

// Whether the palette is a dark one (its Base is darker than mid-grey).
[[nodiscard]] bool isDark(const QPalette& palette);

// Error text and removed values: a red readable on the palette's Base and Window.
[[nodiscard]] QColor negativeText(const QPalette& palette);
// Added values: a green readable on the palette's Base.
[[nodiscard]] QColor positiveText(const QPalette& palette);

// A complete dark palette for the Fusion style (all roles and the disabled group), for `--dark`
// and for platforms whose theme offers none.
[[nodiscard]] QPalette darkPalette();

// Dark: the Fusion style with darkPalette(). Light: the style and palette the application had
// before the first call (the platform's). Widgets already shown get a PaletteChange; call it on
// the GUI thread, ideally before the first window is shown.
void applyAppearance(bool dark);
// Whether applyAppearance(true) is in force.
[[nodiscard]] bool darkAppearanceApplied();

}  // namespace songspace::ui
