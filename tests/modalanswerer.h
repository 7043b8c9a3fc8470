#pragma once

// Answers the message boxes a GUI action opens, as a user clicking "Yes" (or "OK" where there is
// no Yes) would, and keeps their texts in order. Polls the active modal widget every 20 ms while
// it lives; construct it before the action that opens the boxes.

#include <QAbstractButton>
#include <QApplication>
#include <QMessageBox>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QtTest>

namespace songspace::testing {

class ModalAnswerer {
 public:
  ModalAnswerer() {
    m_timer.setInterval(20);
    QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      if (!box || !box->isVisible()) return;
      m_texts << box->text();
      m_boxes << Seen{box->windowTitle(), box->width()};
      QAbstractButton* yes = box->button(QMessageBox::Yes);
      QTest::mouseClick(yes ? yes : box->button(QMessageBox::Ok), Qt::LeftButton);
    });
    m_timer.start();
  }
  ModalAnswerer(const ModalAnswerer&) = delete;
  ModalAnswerer& operator=(const ModalAnswerer&) = delete;

  // The text of every box answered so far, first first.
  const QStringList& texts() const { return m_texts; }
  // Every box answered so far as it was shown: its title and width.
  struct Seen {
    QString title;
    int width = 0;
  };
  const QList<Seen>& boxes() const { return m_boxes; }
  void stop() { m_timer.stop(); }

 private:
  QTimer m_timer;
  QStringList m_texts;
  QList<Seen> m_boxes;
};

}  // namespace songspace::testing
