#pragma once

#include <QAbstractProxyModel>
#include <QCollator>
#include <QList>
#include <QPersistentModelIndex>
#include <QString>
#include <QStringList>
#include <vector>

namespace songspace::ui {

class LibraryTableModel;

// Search, artist filter and natural sorting over a LibraryTableModel (any flat table model works;
// a LibraryTableModel's folded search texts are read without a QVariant).
// - setSearchText: case-insensitive; every whitespace-separated word must occur in some column
//   (title, artist, album, genre, predicted tags) or, for a LibraryTableModel, the file's name —
//   words are ANDed, columns ORed (ui/librarysearch.h, as the map's search).
// - setArtistFilter: only the songs whose Artist column equals the name (empty = all).
// - sort(column, order): by LibraryTableModel::SortRole where the source gives one for every row
//   (duration in seconds), else by display text in natural order (naturalCompare), empty values
//   after the others (a file lacking a tag sorts last, ascending). The Artist column keeps each
//   artist's songs in album order: album, track number (unknown last), title — the window's
//   default order. Rows that compare equal keep the source's order in both directions (a stable
//   sort, as QSortFilterProxyModel's). Before the first sort(), rows keep the source's order
//   (sortColumn() is -1). QCollator's own numeric mode is not used: it is unsupported by Qt's
//   POSIX/C-locale fallback.
// Cost (issue 16: a keystroke at 10^5 songs): each column's order is a rank per source row,
// computed once per change of the source's data in that column (its distinct texts sorted once
// with the collator) and shared by both directions; a filter change tests each row once (only
// the rows shown when the new search narrows the old one: more letters or words) and walks the
// sorted rows once. Nothing is compared or allocated per row.
// Signals: a filter or sort change is one layoutAboutToBeChanged/layoutChanged (not a signal per
// range of rows, which QSortFilterProxyModel emits and views handle one by one); persistent
// indexes follow their rows, or become invalid when the row is filtered out. The source's reset
// is a reset; its inserted, removed or moved rows and its layout changes are a layout change
// (rows it removed leave their persistent indexes invalid); its dataChanged re-sorts and
// re-filters when a sorted or searched column changed, then is forwarded for the rows shown.
// Single-threaded, as every model: the GUI thread.
class LibraryFilterProxy : public QAbstractProxyModel {
  Q_OBJECT
 public:
  explicit LibraryFilterProxy(QObject* parent = nullptr);

  void setSourceModel(QAbstractItemModel* source) override;

  void setSearchText(const QString& text);
  QString searchText() const { return m_searchText; }
  void setArtistFilter(const QString& artistName);
  QString artistFilter() const { return m_artist; }

  // column in [0, columnCount()), or -1 for the source's order.
  void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
  int sortColumn() const { return m_sortColumn; }
  Qt::SortOrder sortOrder() const { return m_sortOrder; }

  // Natural order: digit runs compare by value ("Song 2" < "Song 10"), other runs with the
  // collator, case-insensitively. Negative, zero or positive like QCollator::compare.
  int naturalCompare(const QString& a, const QString& b) const;
  // naturalCompare with an empty value after every other.
  int compareValues(const QString& a, const QString& b) const;

  QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
  QModelIndex mapFromSource(const QModelIndex& sourceIndex) const override;
  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  QModelIndex sibling(int row, int column, const QModelIndex& index) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  bool hasChildren(const QModelIndex& parent = {}) const override;

 private:
  // Whether the source row passes the artist filter and the search.
  bool accepts(int sourceRow) const;
  // The sort rank of every source row in `column` (equal ranks: equal values), computed at the
  // first request after a change of that column.
  const std::vector<int>& ranks(int column);
  std::vector<int> computeRanks(int column);
  // Ranks of the display texts of `column` (dense: 0 for the first value in compareValues order).
  std::vector<int> textRanks(int column) const;
  // m_order for the sort column and order, from the ranks.
  void computeOrder();
  // Tests every source row (or only those shown, `narrowing`), then shows the accepted rows in
  // m_order as one layout change.
  void refilter(bool narrowing);
  // Sets the rows shown from m_order and m_accepted: one layout change when they differ.
  void relayout(QAbstractItemModel::LayoutChangeHint hint);
  // The rows shown from m_order and m_accepted, with no signal (inside a reset or a layout
  // change of the caller's).
  void rebuildRows();
  void rebuildAll();  // ranks dropped, accepted and order recomputed, rows rebuilt; no signal

  void sourceAboutToChangeLayout();
  void sourceLayoutChanged();
  void sourceDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight,
                         const QList<int>& roles);

  const LibraryTableModel* m_table = nullptr;  // the source when it is one
  QList<QMetaObject::Connection> m_connections;

  QString m_searchText;
  QStringList m_words;        // lower-cased, for a source without SearchTextRole
  QStringList m_foldedWords;  // case folded, for LibraryTableModel::SearchTextRole
  QString m_artist;
  QCollator m_collator;

  int m_sortColumn = -1;
  Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
  std::vector<std::vector<int>> m_ranks;  // per column; empty: not computed
  std::vector<int> m_order;               // every source row in the shown order
  std::vector<char> m_accepted;           // per source row
  std::vector<int> m_proxyToSource;
  std::vector<int> m_sourceToProxy;  // -1: filtered out

  // Between the source's "about to" signal and its "done" one.
  QModelIndexList m_savedProxy;
  QList<QPersistentModelIndex> m_savedSource;
  bool m_resetting = false;
};

}  // namespace songspace::ui
