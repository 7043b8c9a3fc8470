#include "ui/libraryfilterproxy.h"

#include <QHash>
#include <QRegularExpression>
#include <algorithm>
#include <climits>
#include <numeric>
#include <utility>

#include "ui/librarysearch.h"
#include "ui/librarytablemodel.h"

namespace songspace::ui {

namespace {

constexpr int kSearchedColumns[] = {LibraryTableModel::Title, LibraryTableModel::Artist,
                                    LibraryTableModel::Album, LibraryTableModel::Genre,
                                    LibraryTableModel::PredictedTags};

// Whether every word of `before` occurs within a word of `after`: then every row matching
// `after` matches `before`, and only the rows shown need testing.
bool narrows(const QStringList& after, const QStringList& before) {
  return std::all_of(before.cbegin(), before.cend(), [&after](const QString& old) {
    return std::any_of(after.cbegin(), after.cend(),
                       [&old](const QString& word) { return word.contains(old); });
  });
}

bool intersects(int first, int last, std::initializer_list<int> columns) {
  return std::any_of(columns.begin(), columns.end(),
                     [first, last](int column) { return column >= first && column <= last; });
}

}  // namespace

LibraryFilterProxy::LibraryFilterProxy(QObject* parent) : QAbstractProxyModel(parent) {
  m_collator.setCaseSensitivity(Qt::CaseInsensitive);
}

void LibraryFilterProxy::setSourceModel(QAbstractItemModel* source) {
  beginResetModel();
  for (const QMetaObject::Connection& connection : std::as_const(m_connections))
    disconnect(connection);
  m_connections.clear();
  QAbstractProxyModel::setSourceModel(source);
  m_table = qobject_cast<const LibraryTableModel*>(source);
  if (source) {
    using M = QAbstractItemModel;
    const auto beginReset = [this] { beginResetModel(); };
    const auto endReset = [this] {
      rebuildAll();
      endResetModel();
    };
    m_connections
        << connect(source, &M::modelAboutToBeReset, this, beginReset)
        << connect(source, &M::modelReset, this, endReset)
        << connect(source, &M::columnsAboutToBeInserted, this, beginReset)
        << connect(source, &M::columnsInserted, this, endReset)
        << connect(source, &M::columnsAboutToBeRemoved, this, beginReset)
        << connect(source, &M::columnsRemoved, this, endReset)
        << connect(source, &M::columnsAboutToBeMoved, this, beginReset)
        << connect(source, &M::columnsMoved, this, endReset)
        << connect(source, &M::rowsAboutToBeInserted, this,
                   &LibraryFilterProxy::sourceAboutToChangeLayout)
        << connect(source, &M::rowsInserted, this, &LibraryFilterProxy::sourceLayoutChanged)
        << connect(source, &M::rowsAboutToBeRemoved, this,
                   &LibraryFilterProxy::sourceAboutToChangeLayout)
        << connect(source, &M::rowsRemoved, this, &LibraryFilterProxy::sourceLayoutChanged)
        << connect(source, &M::rowsAboutToBeMoved, this,
                   &LibraryFilterProxy::sourceAboutToChangeLayout)
        << connect(source, &M::rowsMoved, this, &LibraryFilterProxy::sourceLayoutChanged)
        << connect(source, &M::layoutAboutToBeChanged, this,
                   &LibraryFilterProxy::sourceAboutToChangeLayout)
        << connect(source, &M::layoutChanged, this, &LibraryFilterProxy::sourceLayoutChanged)
        << connect(source, &M::dataChanged, this, &LibraryFilterProxy::sourceDataChanged)
        << connect(source, &M::headerDataChanged, this,
                   [this](Qt::Orientation orientation, int first, int last) {
                     if (orientation == Qt::Horizontal) {
                       Q_EMIT headerDataChanged(orientation, first, last);
                     } else if (rowCount() > 0) {
                       Q_EMIT headerDataChanged(orientation, 0, rowCount() - 1);
                     }
                   })
        // QAbstractProxyModel drops a destroyed source for an empty model of its own; as
        // QSortFilterProxyModel, no signal (the source's owner is usually going too).
        << connect(source, &QObject::destroyed, this, [this] {
             m_table = nullptr;
             rebuildAll();
           });
  }
  rebuildAll();
  endResetModel();
}

void LibraryFilterProxy::setSearchText(const QString& text) {
  if (text == m_searchText) return;
  m_searchText = text;
  static const QRegularExpression whitespace(QStringLiteral("\\s+"));
  QStringList words = text.toLower().split(whitespace, Qt::SkipEmptyParts);
  QStringList folded = librarySearchWords(text);
  const bool narrowing = narrows(words, m_words) && narrows(folded, m_foldedWords);
  m_words = std::move(words);
  m_foldedWords = std::move(folded);
  refilter(narrowing);
}

void LibraryFilterProxy::setArtistFilter(const QString& artistName) {
  if (artistName == m_artist) return;
  const bool narrowing = m_artist.isEmpty();
  m_artist = artistName;
  refilter(narrowing);
}

void LibraryFilterProxy::sort(int column, Qt::SortOrder order) {
  if (column == m_sortColumn && order == m_sortOrder) return;  // kept sorted by changes
  m_sortColumn = column;
  m_sortOrder = order;
  computeOrder();
  relayout(QAbstractItemModel::VerticalSortHint);
}

bool LibraryFilterProxy::accepts(int sourceRow) const {
  if (m_table) {
    if (!m_artist.isEmpty() && m_table->textAt(sourceRow, LibraryTableModel::Artist) != m_artist)
      return false;
    if (m_foldedWords.isEmpty()) return true;
    return matchesLibrarySearch(m_table->searchTextAt(sourceRow), m_foldedWords);
  }
  const QAbstractItemModel* source = sourceModel();
  if (!m_artist.isEmpty() &&
      source->index(sourceRow, LibraryTableModel::Artist).data().toString() != m_artist) {
    return false;
  }
  if (m_words.isEmpty()) return true;
  // The source's folded text of the searched columns when it has one.
  if (const QVariant searched = source->index(sourceRow, 0).data(LibraryTableModel::SearchTextRole);
      searched.isValid()) {
    return matchesLibrarySearch(searched.toString(), m_foldedWords);
  }
  QString texts[std::size(kSearchedColumns)];
  for (std::size_t c = 0; c < std::size(kSearchedColumns); ++c)
    texts[c] = source->index(sourceRow, kSearchedColumns[c]).data().toString();
  return std::all_of(m_words.cbegin(), m_words.cend(), [&texts](const QString& word) {
    return std::any_of(std::begin(texts), std::end(texts), [&word](const QString& text) {
      return text.contains(word, Qt::CaseInsensitive);
    });
  });
}

const std::vector<int>& LibraryFilterProxy::ranks(int column) {
  std::vector<int>& ranks = m_ranks[static_cast<std::size_t>(column)];
  if (ranks.size() != m_accepted.size()) ranks = computeRanks(column);
  return ranks;
}

std::vector<int> LibraryFilterProxy::textRanks(int column) const {
  const QAbstractItemModel* source = sourceModel();
  const int rows = source->rowCount();
  // Each distinct text once: sorting 10^5 rows compares far fewer values (10^4 artists).
  QHash<QString, int> valueIndex;
  QList<QString> values;
  std::vector<int> valueOfRow(static_cast<std::size_t>(rows));
  for (int row = 0; row < rows; ++row) {
    const QString text =
        m_table ? m_table->textAt(row, column) : source->index(row, column).data().toString();
    auto it = valueIndex.constFind(text);
    if (it == valueIndex.cend()) {
      it = valueIndex.insert(text, static_cast<int>(values.size()));
      values.append(text);
    }
    valueOfRow[static_cast<std::size_t>(row)] = *it;
  }
  std::vector<int> sorted(static_cast<std::size_t>(values.size()));
  std::iota(sorted.begin(), sorted.end(), 0);
  std::sort(sorted.begin(), sorted.end(),
            [&](int a, int b) { return compareValues(values[a], values[b]) < 0; });
  // Dense ranks: values that compare equal ("Song 7", "song 7") share one.
  std::vector<int> valueRank(sorted.size());
  int rank = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && compareValues(values[sorted[i - 1]], values[sorted[i]]) < 0) ++rank;
    valueRank[static_cast<std::size_t>(sorted[i])] = rank;
  }
  std::vector<int> ranks(valueOfRow.size());
  for (std::size_t row = 0; row < ranks.size(); ++row)
    ranks[row] = valueRank[static_cast<std::size_t>(valueOfRow[row])];
  return ranks;
}

std::vector<int> LibraryFilterProxy::computeRanks(int column) {
  const QAbstractItemModel* source = sourceModel();
  const int rows = source->rowCount();
  std::vector<int> order(static_cast<std::size_t>(rows));
  std::iota(order.begin(), order.end(), 0);
  std::vector<int> ranks(order.size());
  // By number where the source gives one for every row (the duration in seconds).
  std::vector<double> numbers;
  numbers.reserve(order.size());
  for (int row = 0; row < rows; ++row) {
    const QVariant number = source->index(row, column).data(LibraryTableModel::SortRole);
    if (!number.isValid()) break;
    numbers.push_back(number.toDouble());
  }
  if (rows > 0 && numbers.size() == order.size()) {
    std::stable_sort(order.begin(), order.end(), [&numbers](int a, int b) {
      return numbers[static_cast<std::size_t>(a)] < numbers[static_cast<std::size_t>(b)];
    });
    int rank = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
      const auto row = static_cast<std::size_t>(order[i]);
      if (i > 0 && numbers[static_cast<std::size_t>(order[i - 1])] < numbers[row]) ++rank;
      ranks[row] = rank;
    }
    return ranks;
  }
  std::vector<int> text = textRanks(column);
  if (column != LibraryTableModel::Artist || source->columnCount() <= LibraryTableModel::Album)
    return text;

  // The Artist column: each artist's songs by album, track number (unknown last), title.
  const std::vector<int>& album = this->ranks(LibraryTableModel::Album);
  std::vector<int> track(order.size());
  for (int row = 0; row < rows; ++row) {
    const int number = source->index(row, column).data(LibraryTableModel::TrackNumberRole).toInt();
    track[static_cast<std::size_t>(row)] = number == 0 ? INT_MAX : number;
  }
  const auto key = [&](int row) {
    const auto r = static_cast<std::size_t>(row);
    return std::make_tuple(text[r], album[r], track[r]);
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key(a) < key(b); });
  // Titles only within runs of equal artist, album and track (rarely more than one row).
  const auto title = [&](int row) {
    return m_table ? m_table->textAt(row, LibraryTableModel::Title)
                   : source->index(row, LibraryTableModel::Title).data().toString();
  };
  int rank = -1;
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start + 1;
    while (end < order.size() && key(order[end]) == key(order[start])) ++end;
    if (end - start > 1) {
      std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(start),
                       order.begin() + static_cast<std::ptrdiff_t>(end),
                       [&](int a, int b) { return compareValues(title(a), title(b)) < 0; });
    }
    for (std::size_t i = start; i < end; ++i) {
      if (i == start || compareValues(title(order[i - 1]), title(order[i])) < 0) ++rank;
      ranks[static_cast<std::size_t>(order[i])] = rank;
    }
    start = end;
  }
  return ranks;
}

void LibraryFilterProxy::computeOrder() {
  const QAbstractItemModel* source = sourceModel();
  const int rows = source ? source->rowCount() : 0;
  m_order.resize(static_cast<std::size_t>(rows));
  std::iota(m_order.begin(), m_order.end(), 0);
  if (!source || m_sortColumn < 0 || m_sortColumn >= source->columnCount()) return;
  const std::vector<int>& rank = ranks(m_sortColumn);
  // Stable from the source's order, in both directions (equal rows keep the source's order).
  if (m_sortOrder == Qt::AscendingOrder) {
    std::stable_sort(m_order.begin(), m_order.end(), [&rank](int a, int b) {
      return rank[static_cast<std::size_t>(a)] < rank[static_cast<std::size_t>(b)];
    });
  } else {
    std::stable_sort(m_order.begin(), m_order.end(), [&rank](int a, int b) {
      return rank[static_cast<std::size_t>(a)] > rank[static_cast<std::size_t>(b)];
    });
  }
}

void LibraryFilterProxy::refilter(bool narrowing) {
  if (narrowing) {
    for (const int row : m_proxyToSource) m_accepted[static_cast<std::size_t>(row)] = accepts(row);
  } else {
    for (std::size_t row = 0; row < m_accepted.size(); ++row)
      m_accepted[row] = accepts(static_cast<int>(row));
  }
  relayout(QAbstractItemModel::NoLayoutChangeHint);
}

void LibraryFilterProxy::relayout(QAbstractItemModel::LayoutChangeHint hint) {
  std::vector<int> rows;
  rows.reserve(m_order.size());
  for (const int row : m_order) {
    if (m_accepted[static_cast<std::size_t>(row)]) rows.push_back(row);
  }
  if (rows == m_proxyToSource) return;
  Q_EMIT layoutAboutToBeChanged({}, hint);
  std::vector<int> sourceToProxy(m_accepted.size(), -1);
  for (std::size_t i = 0; i < rows.size(); ++i)
    sourceToProxy[static_cast<std::size_t>(rows[i])] = static_cast<int>(i);
  const QModelIndexList from = persistentIndexList();
  QModelIndexList to;
  to.reserve(from.size());
  for (const QModelIndex& index : from) {
    const int sourceRow = m_proxyToSource[static_cast<std::size_t>(index.row())];
    const int row = sourceToProxy[static_cast<std::size_t>(sourceRow)];
    to.append(row < 0 ? QModelIndex() : createIndex(row, index.column()));
  }
  m_proxyToSource = std::move(rows);
  m_sourceToProxy = std::move(sourceToProxy);
  changePersistentIndexList(from, to);
  Q_EMIT layoutChanged({}, hint);
}

void LibraryFilterProxy::rebuildRows() {
  m_proxyToSource.clear();
  m_proxyToSource.reserve(m_order.size());
  for (const int row : m_order) {
    if (m_accepted[static_cast<std::size_t>(row)]) m_proxyToSource.push_back(row);
  }
  m_sourceToProxy.assign(m_accepted.size(), -1);
  for (std::size_t i = 0; i < m_proxyToSource.size(); ++i)
    m_sourceToProxy[static_cast<std::size_t>(m_proxyToSource[i])] = static_cast<int>(i);
}

void LibraryFilterProxy::rebuildAll() {
  const QAbstractItemModel* source = sourceModel();
  const int rows = source ? source->rowCount() : 0;
  m_ranks.assign(static_cast<std::size_t>(source ? source->columnCount() : 0), {});
  m_accepted.assign(static_cast<std::size_t>(rows), 0);
  for (int row = 0; row < rows; ++row) m_accepted[static_cast<std::size_t>(row)] = accepts(row);
  computeOrder();
  rebuildRows();
}

void LibraryFilterProxy::sourceAboutToChangeLayout() {
  Q_EMIT layoutAboutToBeChanged();
  m_savedProxy = persistentIndexList();
  m_savedSource.clear();
  m_savedSource.reserve(m_savedProxy.size());
  for (const QModelIndex& index : std::as_const(m_savedProxy))
    m_savedSource.append(QPersistentModelIndex(mapToSource(index)));
}

void LibraryFilterProxy::sourceLayoutChanged() {
  rebuildAll();
  QModelIndexList to;
  to.reserve(m_savedSource.size());
  for (const QPersistentModelIndex& source : std::as_const(m_savedSource))
    to.append(mapFromSource(source));
  changePersistentIndexList(m_savedProxy, to);
  m_savedProxy.clear();
  m_savedSource.clear();
  Q_EMIT layoutChanged();
}

void LibraryFilterProxy::sourceDataChanged(const QModelIndex& topLeft,
                                           const QModelIndex& bottomRight,
                                           const QList<int>& roles) {
  if (!topLeft.isValid() || !bottomRight.isValid() || topLeft.parent().isValid()) return;
  const int first = topLeft.column(), last = bottomRight.column();
  const bool texts = roles.isEmpty() || roles.contains(Qt::DisplayRole) ||
                     roles.contains(LibraryTableModel::SortRole) ||
                     roles.contains(LibraryTableModel::TrackNumberRole) ||
                     roles.contains(LibraryTableModel::SearchTextRole);
  if (texts) {
    bool resort = false;
    for (int column = first; column <= last && column < static_cast<int>(m_ranks.size());
         ++column) {
      m_ranks[static_cast<std::size_t>(column)].clear();
      resort = resort || column == m_sortColumn;
    }
    // The Artist column's order holds albums and titles too (and the track numbers its own
    // cells answer: cleared above). The Predicted tags arriving keep it.
    if (LibraryTableModel::Artist < static_cast<int>(m_ranks.size()) &&
        intersects(first, last, {LibraryTableModel::Album, LibraryTableModel::Title})) {
      m_ranks[LibraryTableModel::Artist].clear();
      resort = resort || m_sortColumn == LibraryTableModel::Artist;
    }
    const bool refilterRows =
        (!m_words.isEmpty() &&
         intersects(first, last,
                    {LibraryTableModel::Title, LibraryTableModel::Artist, LibraryTableModel::Album,
                     LibraryTableModel::Genre, LibraryTableModel::PredictedTags})) ||
        (!m_artist.isEmpty() && intersects(first, last, {LibraryTableModel::Artist}));
    if (refilterRows) {
      for (int row = topLeft.row(); row <= bottomRight.row(); ++row)
        m_accepted[static_cast<std::size_t>(row)] = accepts(row);
    }
    if (resort) computeOrder();
    if (resort || refilterRows) relayout(QAbstractItemModel::NoLayoutChangeHint);
  }
  int firstShown = INT_MAX, lastShown = -1;
  for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
    const int shown = m_sourceToProxy[static_cast<std::size_t>(row)];
    if (shown < 0) continue;
    firstShown = std::min(firstShown, shown);
    lastShown = std::max(lastShown, shown);
  }
  if (lastShown >= 0) Q_EMIT dataChanged(index(firstShown, first), index(lastShown, last), roles);
}

QModelIndex LibraryFilterProxy::mapToSource(const QModelIndex& proxyIndex) const {
  if (!proxyIndex.isValid() || proxyIndex.model() != this || !sourceModel() ||
      proxyIndex.row() >= rowCount()) {
    return {};
  }
  return sourceModel()->index(m_proxyToSource[static_cast<std::size_t>(proxyIndex.row())],
                              proxyIndex.column());
}

QModelIndex LibraryFilterProxy::mapFromSource(const QModelIndex& sourceIndex) const {
  if (!sourceIndex.isValid() || sourceIndex.model() != sourceModel() ||
      sourceIndex.parent().isValid() ||
      sourceIndex.row() >= static_cast<int>(m_sourceToProxy.size())) {
    return {};
  }
  const int row = m_sourceToProxy[static_cast<std::size_t>(sourceIndex.row())];
  return row < 0 ? QModelIndex() : createIndex(row, sourceIndex.column());
}

QModelIndex LibraryFilterProxy::index(int row, int column, const QModelIndex& parent) const {
  if (parent.isValid() || row < 0 || column < 0 || row >= rowCount() || column >= columnCount())
    return {};
  return createIndex(row, column);
}

QModelIndex LibraryFilterProxy::parent(const QModelIndex& /*child*/) const {
  return {};
}

QModelIndex LibraryFilterProxy::sibling(int row, int column, const QModelIndex& index) const {
  return index.isValid() ? this->index(row, column) : QModelIndex();
}

int LibraryFilterProxy::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_proxyToSource.size());
}

int LibraryFilterProxy::columnCount(const QModelIndex& parent) const {
  return parent.isValid() || !sourceModel() ? 0 : sourceModel()->columnCount();
}

bool LibraryFilterProxy::hasChildren(const QModelIndex& parent) const {
  return !parent.isValid() && rowCount() > 0 && columnCount() > 0;
}

int LibraryFilterProxy::compareValues(const QString& a, const QString& b) const {
  if (a.isEmpty() != b.isEmpty()) return a.isEmpty() ? 1 : -1;
  return naturalCompare(a, b);
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
