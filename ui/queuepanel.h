#pragma once

#include <QWidget>

class QLabel;
class QListView;
class QStackedWidget;
class QToolButton;

namespace songspace::ui {

class PlayQueue;

// The play queue as a panel: a heading with the number of songs, the list (drag a song to
// reorder, double-click or Enter plays it, Delete removes it, the current song in bold), buttons
// to move the selected song up or down, remove it or clear the queue, and a note when the queue
// is empty saying how to fill it. Works on the PlayQueue it is given; plays nothing itself.
class QueuePanel : public QWidget {
  Q_OBJECT
 public:
  explicit QueuePanel(PlayQueue* queue, QWidget* parent = nullptr);

  QListView* view() const { return m_view; }
  int selectedRow() const;  // -1 when none

 public Q_SLOTS:
  void removeSelected();
  void moveSelected(int delta);  // -1 up, +1 down; the song stays selected
  void clearQueue();

 Q_SIGNALS:
  void playRowRequested(int row);
  void showSongRequested(qint64 fileId);

 private:
  void updateState();

  PlayQueue* m_queue;
  QLabel* m_heading;
  QStackedWidget* m_stack;
  QListView* m_view;
  QToolButton* m_up;
  QToolButton* m_down;
  QToolButton* m_remove;
  QToolButton* m_clear;
};

}  // namespace songspace::ui
