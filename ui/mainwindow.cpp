#include "ui/mainwindow.h"

#include <QLabel>

namespace songspace::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(QStringLiteral("Songspace"));
  auto* placeholder =
      new QLabel(tr("No library yet. Scan a folder with songspace-cli scan."), this);
  placeholder->setAlignment(Qt::AlignCenter);
  setCentralWidget(placeholder);
  resize(1100, 700);
}

}  // namespace songspace::ui
