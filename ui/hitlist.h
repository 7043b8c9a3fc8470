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
// and optionally a ScoreBar with the score as a number. Entries are found by objectName
// ("song:<id>", "artist:<name>", "tag:<name>") and carry the properties "score" and "marked".
class HitList : public QWidget {
  Q_OBJECT
 public:
  explicit HitList(QWidget* parent = nullptr);

  // Scores are drawn against [-range, range] (the model's bound on a dot product).
  void setScoreRange(float range) { m_range = range; }
  // The button is owned by the list; connect its clicked() signal.
  QToolButton* addEntry(const QString& text, const QString& objectName,
                        std::optional<float> score = std::nullopt, bool marked = false);
  int count() const { return m_count; }

 private:
  QGridLayout* m_grid;
  float m_range = 1;
  int m_count = 0;
};

// Shared look of the browsing panels.
QLabel* makeTitleLabel(const QString& text, QWidget* parent);    // large, bold, wraps
QLabel* makeHeadingLabel(const QString& text, QWidget* parent);  // section heading
QLabel* makeNoteLabel(const QString& text, QWidget* parent);     // secondary, wraps
// A flat, link-coloured button (for names in headers).
QToolButton* makeLinkButton(const QString& text, const QString& objectName, QWidget* parent);

}  // namespace songspace::ui
