#pragma once

#include <QWidget>

namespace songspace::ui {

// A small horizontal bar showing a score against its possible range [-range, range]: the filled
// part is max(0, score) / range of the track. Drawn with the palette (Highlight on a muted
// track), sized from the font so it follows the DPI and the user's font size.
class ScoreBar : public QWidget {
  Q_OBJECT
 public:
  // The bar's length in average characters: long enough to compare, short enough to leave a
  // narrow inspector room for the entries' names.
  static constexpr int kWidthChars = 10;

  explicit ScoreBar(QWidget* parent = nullptr);

  void setScore(float score, float range);
  float score() const { return m_score; }
  float range() const { return m_range; }
  double fraction() const;  // the filled part of the track, in [0, 1]

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  float m_score = 0;
  float m_range = 1;
};

}  // namespace songspace::ui
