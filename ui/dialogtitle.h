#pragma once

class QMessageBox;
class QWidget;

namespace songspace::ui {

// The width a small dialog needs for the window manager to show its title whole ("Undo
// auto-tagging", not "Undo a…agging"): the title in a bold, slightly larger version of the
// dialog's font, plus room on both sides for the frame's icon and buttons (a title is centred,
// so the larger side counts twice). An estimate in units of the font's height, so it follows
// the DPI: Qt cannot ask the window manager for its title font or buttons.
int widthForTitle(const QWidget& window);

// Makes `box` at least widthForTitle wide. QMessageBox sizes itself to its text and ignores
// setMinimumWidth, so a spacer of that width goes into its grid. Call it before exec().
void fitTitle(QMessageBox& box);

}  // namespace songspace::ui
