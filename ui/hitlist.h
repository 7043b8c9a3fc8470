#pragma once

#include <QString>
#include <QWidget>
#include <optional>

class QGridLayout;
class QLabel;
class QToolButton;

namespace songspace::ui {

// A list of clickable entries (songs, artists or tags) as shown by the inspector and the artist
// page: an optional mark column (✓, entry in bold), the entry as a link-coloured flat button,
// and optionally the entry's calibrated probability (core/model/calibration.h) as a ScoreBar
// and a percentage — the same meaning in every list. Entries are found by objectName
// ("song:<id>", "artist:<name>", "tag:<name>") and carry the properties "marked" and, with a
// probability, "probability" (in [0, 1]).
class HitList : public QWidget {
  Q_OBJECT
 public:
  explicit HitList(QWidget* parent = nullptr);

  // The button is owned by the list; connect its clicked() signal. `probability` is clamped to
  // [0, 1]; none: the entry shows no bar (a ranking without a calibrated meaning).
  QToolButton* addEntry(const QString& text, const QString& objectName,
                        std::optional<float> probability = std::nullopt, bool marked = false);
  int count() const { return m_count; }

 private:
  QGridLayout* m_grid;
  int m_count = 0;
};

// "87 %": a probability as the lists show it (whole percents; "<1 %" and ">99 %" at the ends, so
// neither a near-miss nor a near-certainty reads as impossible or certain).
QString percentText(float probability);

// Shared look of the browsing panels.
QLabel* makeTitleLabel(const QString& text, QWidget* parent);    // large, bold, wraps
QLabel* makeHeadingLabel(const QString& text, QWidget* parent);  // section heading
QLabel* makeNoteLabel(const QString& text, QWidget* parent);     // secondary, wraps
// A flat, link-coloured button (for names in headers).
QToolButton* makeLinkButton(const QString& text, const QString& objectName, QWidget* parent);

}  // namespace songspace::ui
