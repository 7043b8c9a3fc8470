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
//   else by display text with a locale-aware, case-insensitive, numeric-aware collator
//   ("Song 2" < "Song 10").
class LibraryFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit LibraryFilterProxy(QObject* parent = nullptr);

  void setSearchText(const QString& text);
  QString searchText() const { return m_searchText; }
  void setArtistFilter(const QString& artistName);
  QString artistFilter() const { return m_artist; }

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
  bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

 private:
  QString m_searchText;
  QStringList m_words;  // lower-cased
  QString m_artist;
  QCollator m_collator;
};

}  // namespace songspace::ui
