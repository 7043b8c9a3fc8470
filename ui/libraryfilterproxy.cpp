#include "ui/libraryfilterproxy.h"

#include <QRegularExpression>
#include <algorithm>

#include "ui/librarytablemodel.h"

namespace songspace::ui {

namespace {
constexpr int kSearchedColumns[] = {LibraryTableModel::Title, LibraryTableModel::Artist,
                                    LibraryTableModel::Album, LibraryTableModel::Genre,
                                    LibraryTableModel::PredictedTags};
}  // namespace

LibraryFilterProxy::LibraryFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  m_collator.setCaseSensitivity(Qt::CaseInsensitive);
  setSortRole(LibraryTableModel::SortRole);
}

void LibraryFilterProxy::setSearchText(const QString& text) {
  if (text == m_searchText) return;
  m_searchText = text;
  static const QRegularExpression whitespace(QStringLiteral("\\s+"));
  m_words = text.toLower().split(whitespace, Qt::SkipEmptyParts);
  m_foldedWords = text.toCaseFolded().split(whitespace, Qt::SkipEmptyParts);
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
  // The source's folded text of the searched columns when it has one (LibraryTableModel does).
  if (const QVariant searched =
          source->index(sourceRow, 0, sourceParent).data(LibraryTableModel::SearchTextRole);
      searched.isValid()) {
    const QString text = searched.toString();
    return std::all_of(m_foldedWords.cbegin(), m_foldedWords.cend(),
                       [&text](const QString& word) { return text.contains(word); });
  }
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

int LibraryFilterProxy::compareValues(const QString& a, const QString& b) const {
  if (a.isEmpty() != b.isEmpty()) return a.isEmpty() ? 1 : -1;
  return naturalCompare(a, b);
}

bool LibraryFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
  const QVariant a = left.data(LibraryTableModel::SortRole);
  const QVariant b = right.data(LibraryTableModel::SortRole);
  if (a.isValid() && b.isValid()) return a.toDouble() < b.toDouble();
  const int byColumn =
      compareValues(left.data(Qt::DisplayRole).toString(), right.data(Qt::DisplayRole).toString());
  if (byColumn != 0 || left.column() != LibraryTableModel::Artist) return byColumn < 0;
  // One artist's songs in album order: album, track number (unknown last), title.
  const auto text = [](const QModelIndex& index, int column) {
    return index.siblingAtColumn(column).data(Qt::DisplayRole).toString();
  };
  if (const int byAlbum = compareValues(text(left, LibraryTableModel::Album),
                                        text(right, LibraryTableModel::Album));
      byAlbum != 0) {
    return byAlbum < 0;
  }
  const int trackA = left.data(LibraryTableModel::TrackNumberRole).toInt();
  const int trackB = right.data(LibraryTableModel::TrackNumberRole).toInt();
  if (trackA != trackB) return trackB == 0 || (trackA != 0 && trackA < trackB);
  return compareValues(text(left, LibraryTableModel::Title),
                       text(right, LibraryTableModel::Title)) < 0;
}

int LibraryFilterProxy::naturalCompare(const QString& a, const QString& b) const {
  qsizetype i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool digitA = a[i].isDigit(), digitB = b[j].isDigit();
    qsizetype endA = i, endB = j;
    while (endA < a.size() && a[endA].isDigit() == digitA) ++endA;
    while (endB < b.size() && b[endB].isDigit() == digitB) ++endB;
    const QStringView runA = QStringView(a).mid(i, endA - i);
    const QStringView runB = QStringView(b).mid(j, endB - j);
    int result = 0;
    if (digitA && digitB) {
      // By value without overflow: strip leading zeros, then the longer run is larger.
      QStringView valueA = runA, valueB = runB;
      while (valueA.size() > 1 && valueA.front() == u'0') valueA = valueA.mid(1);
      while (valueB.size() > 1 && valueB.front() == u'0') valueB = valueB.mid(1);
      result = valueA.size() != valueB.size() ? (valueA.size() < valueB.size() ? -1 : 1)
                                              : valueA.compare(valueB);
    } else {
      result = m_collator.compare(runA, runB);
    }
    if (result != 0) return result;
    i = endA;
    j = endB;
  }
  return (a.size() - i > 0 ? 1 : 0) - (b.size() - j > 0 ? 1 : 0);
}

}  // namespace songspace::ui
