#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>
#include <functional>
#include <vector>

namespace songspace::ui {

// One place the user can be: a library song, an artist page, a tag page, or a file that is not
// in the catalog (name = its path).
struct Location {
  enum Kind { Song, Artist, Tag, External };
  Kind kind = Song;
  qint64 fileId = 0;  // Song only
  QString name;       // artist name (Artist), tag (Tag) or path (External)

  bool operator==(const Location& other) const = default;
};

// Browser-like back/forward over Locations. visit() drops the forward history and ignores a
// visit equal to the current location; the history keeps the newest kMaxEntries entries.
// currentChanged is emitted whenever current() changes; availabilityChanged only when
// canGoBack()/canGoForward() change.
class NavigationHistory : public QObject {
  Q_OBJECT
 public:
  using Location = ui::Location;
  static constexpr int kMaxEntries = 200;

  explicit NavigationHistory(QObject* parent = nullptr);

  void visit(const Location& location);
  bool back();     // false (and nothing happens) when there is nothing behind
  bool forward();  // false when there is nothing ahead
  bool canGoBack() const { return m_index > 0; }
  bool canGoForward() const { return m_index + 1 < static_cast<int>(m_entries.size()); }
  bool isEmpty() const { return m_entries.empty(); }
  // The current location; a default Location when the history is empty.
  Location current() const;
  int size() const { return static_cast<int>(m_entries.size()); }
  void clear();
  // Drops the entries for which `exists` is false (a song a rescan removed, an artist or tag a
  // retrain no longer has), then any entry equal to the one before it; the rest keep their
  // order. The current entry stays current when it exists, otherwise the nearest surviving entry
  // before it (after it when none is before) becomes current, with currentChanged; nothing left
  // is an empty history. availabilityChanged as usual. Returns the number of entries dropped.
  int prune(const std::function<bool(const Location&)>& exists);

 Q_SIGNALS:
  void currentChanged(const songspace::ui::Location& location);
  void availabilityChanged(bool canBack, bool canForward);

 private:
  void moveTo(int index, bool wasBack, bool wasForward);

  std::vector<Location> m_entries;
  int m_index = -1;
};

}  // namespace songspace::ui

Q_DECLARE_METATYPE(songspace::ui::Location)
