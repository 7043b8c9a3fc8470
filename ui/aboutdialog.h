#pragma once

#include <QString>

class QWidget;

namespace songspace::ui {

// The About text: what the method is and the versions of the libraries doing the work.
QString aboutText();
void showAboutDialog(QWidget* parent);

}  // namespace songspace::ui
