#include "ui/libraryfilterproxy.h"

#include <QRegularExpression>

#include "ui/librarytablemodel.h"

namespace songspace::ui {

namespace {
constexpr int kSearchedColumns[] = {LibraryTableModel::Title, LibraryTableModel::Artist,
                                    LibraryTableModel::Album, LibraryTableModel::Genre,
                                    LibraryTableModel::PredictedTags};
}  // namespace

LibraryFilterProxy::LibraryFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  m_collator.setNumericMode(true);
  m_collator.setCaseSensitivity(Qt::CaseInsensitive);
  setSortRole(LibraryTableModel::SortRole);
}

void LibraryFilterProxy::setSearchText(const QString& text) {
  if (text == m_searchText) return;
  m_searchText = text;
  static const QRegularExpression whitespace(QStringLiteral("\\s+"));
  m_words = text.toLower().split(whitespace, Qt::SkipEmptyParts);
  invalidateFilter();
}

void LibraryFilterProxy::setArtistFilter(const QString& artistName) {
  if (artistName == m_artist) return;
  m_artist = artistName;
  invalidateFilter();
}

bool LibraryFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
  const QAbstractItemModel* source = sourceModel();
  if (!m_artist.isEmpty()) {
    const QString artist =
        source->index(sourceRow, LibraryTableModel::Artist, sourceParent).data().toString();
    if (artist != m_artist) return false;
  }
  if (m_words.isEmpty()) return true;
  QString texts[std::size(kSearchedColumns)];
  for (std::size_t c = 0; c < std::size(kSearchedColumns); ++c) {
    texts[c] = source->index(sourceRow, kSearchedColumns[c], sourceParent).data().toString();
  }
  for (const QString& word : m_words) {
    bool found = false;
    for (const QString& text : texts) {
      if (text.contains(word, Qt::CaseInsensitive)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

bool LibraryFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
  const QVariant a = left.data(LibraryTableModel::SortRole);
  const QVariant b = right.data(LibraryTableModel::SortRole);
  if (a.isValid() && b.isValid()) return a.toDouble() < b.toDouble();
  return m_collator.compare(left.data(Qt::DisplayRole).toString(),
                            right.data(Qt::DisplayRole).toString()) < 0;
}

}  // namespace songspace::ui
