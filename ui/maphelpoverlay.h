#pragma once

#include <QWidget>

namespace songspace::ui {

// The map's gestures and keys, listed on a translucent panel over the map (its parent), so a new
// user finds what the map can do without reading a manual. It covers its parent and follows its
// size; a click anywhere on it, or a click or key press on the map beneath, dismisses it (and is
// used up: a dismissing click selects nothing). Hidden until showHelp(), which gives the map the
// keyboard focus so that the key press it asks for reaches it.
class MapHelpOverlay : public QWidget {
  Q_OBJECT
 public:
  explicit MapHelpOverlay(QWidget* map);

  void showHelp();
  // The gestures and keys, one (what to do, what it does) pair a row; what the panel lists.
  static QList<QPair<QString, QString>> entries();

 Q_SIGNALS:
  void dismissed();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;

 private:
  void dismiss();
};

}  // namespace songspace::ui
