#pragma once

#include <QCollator>
#include <QSortFilterProxyModel>
#include <QString>
#include <QStringList>

namespace songspace::ui {

// Search, artist filter and natural sorting over a LibraryTableModel.
// - setSearchText: case-insensitive; every whitespace-separated word must occur in some column
//   (title, artist, album, genre, predicted tags) — words are ANDed, columns ORed.
// - setArtistFilter: only the songs whose Artist column equals the name (empty = all).
// - sorting: by LibraryTableModel::SortRole where the source gives one (duration in seconds),
//   else by display text in natural order (naturalCompare), empty values after the others (a
//   file lacking a tag sorts last, ascending). The Artist column keeps each artist's songs in
//   album order: album, track number (unknown last), title — the window's default order.
//   QCollator's own numeric mode is not used: it is unsupported by Qt's POSIX/C-locale fallback.
class LibraryFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit LibraryFilterProxy(QObject* parent = nullptr);

  void setSearchText(const QString& text);
  QString searchText() const { return m_searchText; }
  void setArtistFilter(const QString& artistName);

  // Natural order: digit runs compare by value ("Song 2" < "Song 10"), other runs with the
  // collator, case-insensitively. Negative, zero or positive like QCollator::compare.
  int naturalCompare(const QString& a, const QString& b) const;
  // naturalCompare with an empty value after every other.
  int compareValues(const QString& a, const QString& b) const;
  QString artistFilter() const { return m_artist; }

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
  bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

 private:
  QString m_searchText;
  QStringList m_words;        // lower-cased
  QStringList m_foldedWords;  // case folded, for LibraryTableModel::SearchTextRole
  QString m_artist;
  QCollator m_collator;
};

}  // namespace songspace::ui
