#pragma once

#include <QMainWindow>

namespace songspace::ui {

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace songspace::ui
