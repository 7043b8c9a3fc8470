#include <QApplication>

#include "ui/mainwindow.h"

int main(int argc, char* argv[]) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("Songspace"));
  QApplication::setOrganizationName(QStringLiteral("Songspace"));
  songspace::ui::MainWindow window;
  window.show();
  return QApplication::exec();
}
