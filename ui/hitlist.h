#pragma once

#include <QString>
#include <QToolButton>
#include <QWidget>
#include <optional>

class QGridLayout;
class QLabel;

namespace songspace::ui {

// A list of clickable entries (songs, artists or tags) as shown by the inspector and the artist
// page: an optional mark column (✓, entry in bold), the entry as a link-coloured flat button,
// and optionally the entry's calibrated probability (core/model/calibration.h) as a ScoreBar
// and a percentage (a QLabel named "percent") — the same meaning in every list. Entries are
// found by objectName ("song:<id>", "artist:<name>", "tag:<name>") and carry the properties
// "marked" and, with a probability, "probability" (in [0, 1]). An entry may carry a detail — why
// it is in the list, which other files it stands for — as a smaller grey line under it (a QLabel
// named "detail", wrapped; also the button's "detail" property). However narrow the list, the bar
// and the percentage keep their width: the entries give way, elided (see LinkButton).
class HitList : public QWidget {
  Q_OBJECT
 public:
  explicit HitList(QWidget* parent = nullptr);

  // The button is owned by the list; connect its clicked() signal. `probability` is clamped to
  // [0, 1]; none: the entry shows no bar (a ranking without a calibrated meaning).
  QToolButton* addEntry(const QString& text, const QString& objectName,
                        std::optional<float> probability = std::nullopt, bool marked = false,
                        const QString& detail = {});
  int count() const { return m_count; }

 private:
  QGridLayout* m_grid;
  int m_count = 0;  // entries
  int m_rows = 0;   // grid rows (an entry with a detail takes two)
};

// "87 %": a probability as the lists show it (whole percents; "<1 %" and ">99 %" at the ends, so
// neither a near-miss nor a near-certainty reads as impossible or certain).
QString percentText(float probability);
// "87.8 %": a threshold as the auto-tag dialog's minimum confidence shows it (one decimal, none
// when it is a whole percent), so a tag whose percentText rounds up to a threshold it misses is
// not listed below "88 %" at "88 %".
QString thresholdText(double threshold);

// A flat, link-coloured button whose text is elided to the width the layout gives it (never
// wider than the text needs, never narrower than a few characters), so a long title cannot push
// its neighbours out of view. text() and the accessible name stay whole; makeLinkButton puts the
// whole text in the tooltip. With the keyboard focus (Tab), Enter, Return and Space activate it
// as a click does: the button claims these keys before the window's shortcuts (Space plays and
// pauses elsewhere, Return plays the table's row).
class LinkButton : public QToolButton {
  Q_OBJECT
 public:
  explicit LinkButton(QWidget* parent = nullptr);
  QSize minimumSizeHint() const override;
  // The text as painted at the current width (elided with "…" when it does not fit).
  QString shownText() const;

 protected:
  bool event(QEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void paintEvent(QPaintEvent* event) override;

 private:
  int textMargin() const;  // what the style adds around the text
};

// Shared look of the browsing panels.
QLabel* makeTitleLabel(const QString& text, QWidget* parent);    // large, bold, wraps
QLabel* makeHeadingLabel(const QString& text, QWidget* parent);  // section heading
QLabel* makeNoteLabel(const QString& text, QWidget* parent);     // secondary, wraps
// A LinkButton with `text` (any '&' shown as such) and the whole text as its tooltip.
QToolButton* makeLinkButton(const QString& text, const QString& objectName, QWidget* parent);

}  // namespace songspace::ui
