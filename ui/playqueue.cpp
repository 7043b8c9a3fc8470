#include "ui/playqueue.h"

#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <QVariantMap>
#include <algorithm>

#include "ui/coverart.h"

namespace songspace::ui {

namespace {

const QString kFileIdKey = QStringLiteral("fileId");
const QString kPathKey = QStringLiteral("path");
const QString kTitleKey = QStringLiteral("title");
const QString kGeneratedKey = QStringLiteral("generated");

}  // namespace

PlayQueue::PlayQueue(QObject* parent) : QAbstractListModel(parent) {}

int PlayQueue::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_items.size());
}

void PlayQueue::setCoverArt(CoverArtCache* covers) {
  if (m_covers) disconnect(m_covers, nullptr, this, nullptr);
  m_covers = covers;
  m_coverIcons.clear();
  if (covers) {
    connect(covers, &CoverArtCache::coverReady, this, [this](const QString& path) {
      m_coverIcons.remove(path);
      for (int row = 0; row < rowCount(); ++row) {
        if (item(row).path == path) {
          Q_EMIT dataChanged(index(row), index(row), {Qt::DecorationRole});
        }
      }
    });
  }
  if (!m_items.empty()) Q_EMIT dataChanged(index(0), index(rowCount() - 1), {Qt::DecorationRole});
}

QVariant PlayQueue::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
    return {};
  }
  const QueueItem& entry = item(index.row());
  switch (role) {
    case Qt::DisplayRole:
      return entry.title;
    case Qt::ToolTipRole:
      return entry.path;
    case Qt::DecorationRole: {
      if (!m_covers) return {};
      const auto cached = m_coverIcons.constFind(entry.path);
      if (cached != m_coverIcons.constEnd()) return *cached;
      const QImage cover = m_covers->cover(entry.path);
      const QPixmap icon =
          coverPixmap(cover, kCoverSide, QGuiApplication::palette(), qApp->devicePixelRatio());
      // The placeholder is kept only once the song is known to have no cover.
      if (!cover.isNull() || m_covers->isKnown(entry.path)) m_coverIcons.insert(entry.path, icon);
      return icon;
    }
    case Qt::FontRole: {
      if (index.row() != m_current) return {};
      QFont font;
      font.setBold(true);
      return font;
    }
    case FileIdRole:
      return entry.fileId;
    case PathRole:
      return entry.path;
    case IsCurrentRole:
      return index.row() == m_current;
    default:
      return {};
  }
}

Qt::ItemFlags PlayQueue::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::ItemIsDropEnabled;  // drops go between rows
  return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled |
         Qt::ItemNeverHasChildren;
}

bool PlayQueue::removeRows(int row, int count, const QModelIndex& parent) {
  if (parent.isValid() || row < 0 || count <= 0 || row + count > rowCount()) return false;
  const quint64 currentUid = m_current >= 0 ? m_uids[static_cast<std::size_t>(m_current)] : 0;
  beginRemoveRows(parent, row, row + count - 1);
  m_items.erase(m_items.begin() + row, m_items.begin() + row + count);
  m_uids.erase(m_uids.begin() + row, m_uids.begin() + row + count);
  endRemoveRows();
  if (m_current >= row && m_current < row + count) {
    m_resumeRow = row;
    m_current = -1;
    Q_EMIT currentRowChanged(-1);
  } else if (m_current >= row + count) {
    m_current = rowOfUid(currentUid);
    Q_EMIT currentRowChanged(m_current);
  }
  return true;
}

bool PlayQueue::moveRows(const QModelIndex& sourceParent, int sourceRow, int count,
                         const QModelIndex& destinationParent, int destinationChild) {
  if (sourceParent.isValid() || destinationParent.isValid() || count <= 0 || sourceRow < 0 ||
      sourceRow + count > rowCount() || destinationChild < 0 || destinationChild > rowCount()) {
    return false;
  }
  if (!beginMoveRows(sourceParent, sourceRow, sourceRow + count - 1, destinationParent,
                     destinationChild)) {
    return false;  // a move onto itself
  }
  const quint64 currentUid = m_current >= 0 ? m_uids[static_cast<std::size_t>(m_current)] : 0;
  const auto moveBlock = [&](auto& vector) {
    auto first = vector.begin() + sourceRow;
    auto last = first + count;
    if (destinationChild < sourceRow) {
      std::rotate(vector.begin() + destinationChild, first, last);
    } else {
      std::rotate(first, last, vector.begin() + destinationChild);
    }
  };
  moveBlock(m_items);
  moveBlock(m_uids);
  endMoveRows();
  const int current = currentUid != 0 ? rowOfUid(currentUid) : -1;
  if (current != m_current) {
    m_current = current;
    Q_EMIT currentRowChanged(m_current);
  }
  return true;
}

int PlayQueue::add(const std::vector<QueueItem>& items, QueuePlacement placement) {
  if (items.empty()) return -1;
  const int after = m_current >= 0 ? m_current + 1 : std::min(m_resumeRow, rowCount());
  const int row = placement == QueuePlacement::AddToQueue ? rowCount() : after;
  insertItems(row, items);
  if (placement == QueuePlacement::PlayNow) {
    changeCurrent(row);
  } else if (m_current < 0 && placement == QueuePlacement::PlayNext) {
    m_resumeRow = row;  // "next" is the first of these
  }
  return row;
}

void PlayQueue::insertItems(int row, const std::vector<QueueItem>& items) {
  const auto count = static_cast<int>(items.size());
  beginInsertRows({}, row, row + count - 1);
  m_items.insert(m_items.begin() + row, items.begin(), items.end());
  std::vector<quint64> uids(items.size());
  for (quint64& uid : uids) uid = m_nextUid++;
  m_uids.insert(m_uids.begin() + row, uids.begin(), uids.end());
  endInsertRows();
  if (m_current >= row) {
    m_current += count;
    Q_EMIT currentRowChanged(m_current);
  } else if (m_current < 0 && m_resumeRow > row) {
    m_resumeRow += count;
  }
}

void PlayQueue::clear() {
  beginResetModel();
  m_items.clear();
  m_uids.clear();
  m_played.clear();
  m_resumeRow = 0;
  const bool hadCurrent = m_current >= 0;
  m_current = -1;
  endResetModel();
  if (hadCurrent) Q_EMIT currentRowChanged(-1);
}

std::optional<QueueItem> PlayQueue::currentItem() const {
  if (m_current < 0) return std::nullopt;
  return item(m_current);
}

void PlayQueue::setCurrentRow(int row) {
  if (row < -1 || row >= rowCount()) return;
  changeCurrent(row);
}

void PlayQueue::changeCurrent(int row, bool remember) {
  if (row >= 0 && remember) {
    const quint64 uid = m_uids[static_cast<std::size_t>(row)];
    if (m_played.empty() || m_played.back() != uid) m_played.push_back(uid);
  }
  if (row == m_current) return;
  const int old = m_current;
  m_current = row;
  if (row < 0) m_resumeRow = std::max(0, old);
  emitRowChanged(old);
  emitRowChanged(row);
  Q_EMIT currentRowChanged(row);
}

void PlayQueue::emitRowChanged(int row) {
  if (row < 0 || row >= rowCount()) return;
  const QModelIndex at = index(row);
  Q_EMIT dataChanged(at, at, {Qt::FontRole, IsCurrentRole});
}

int PlayQueue::rowOfUid(quint64 uid) const {
  const auto it = std::find(m_uids.begin(), m_uids.end(), uid);
  return it == m_uids.end() ? -1 : static_cast<int>(it - m_uids.begin());
}

std::vector<int> PlayQueue::unplayedRows() const {
  std::vector<int> rows;
  for (int row = 0; row < rowCount(); ++row) {
    if (std::find(m_played.begin(), m_played.end(), m_uids[static_cast<std::size_t>(row)]) ==
        m_played.end()) {
      rows.push_back(row);
    }
  }
  return rows;
}

int PlayQueue::randomUnplayedRow() const {
  const std::vector<int> candidates = unplayedRows();
  if (candidates.empty()) return -1;
  std::uniform_int_distribution<std::size_t> pick(0, candidates.size() - 1);
  return candidates[pick(m_random)];
}

bool PlayQueue::next(Advance how) {
  if (m_items.empty()) return false;
  if (how == Advance::AutoAdvance && m_repeat == Repeat::One && m_current >= 0) return true;
  int row = -1;
  if (m_shuffle) {
    row = randomUnplayedRow();
    if (row < 0 && m_repeat != Repeat::Off) {
      // A new pass; the song just heard does not come straight back unless it is the only one.
      const quint64 last = m_current >= 0 ? m_uids[static_cast<std::size_t>(m_current)] : 0;
      m_played.clear();
      if (last != 0 && rowCount() > 1) m_played.push_back(last);
      row = randomUnplayedRow();
    }
  } else {
    row = m_current >= 0 ? m_current + 1 : m_resumeRow;
    if (row >= rowCount()) row = m_repeat != Repeat::Off ? 0 : -1;
  }
  if (row < 0) return false;
  changeCurrent(row);
  return true;
}

bool PlayQueue::hasNext() const {
  if (m_items.empty()) return false;
  if (m_repeat != Repeat::Off) return true;  // next() wraps (a new pass when shuffling)
  if (m_shuffle) return !unplayedRows().empty();
  return (m_current >= 0 ? m_current + 1 : m_resumeRow) < rowCount();
}

bool PlayQueue::hasPrevious() const {
  if (m_shuffle) {
    // previous() pops the history down to its first entry, skipping songs removed since.
    return m_played.size() > 1 && std::any_of(m_played.begin(), m_played.end() - 1,
                                              [this](quint64 uid) { return rowOfUid(uid) >= 0; });
  }
  return m_current > 0;
}

bool PlayQueue::previous() {
  if (m_shuffle) {
    // Step back through this pass's history, skipping songs removed since.
    while (m_played.size() > 1) {
      m_played.pop_back();
      const int row = rowOfUid(m_played.back());
      if (row >= 0) {
        changeCurrent(row, /*remember=*/false);
        return true;
      }
    }
    return false;
  }
  if (m_current <= 0) return false;
  changeCurrent(m_current - 1);
  return true;
}

void PlayQueue::setShuffle(bool on) {
  if (on == m_shuffle) return;
  m_shuffle = on;
  m_played.clear();
  if (m_current >= 0) m_played.push_back(m_uids[static_cast<std::size_t>(m_current)]);
  Q_EMIT shuffleChanged(on);
}

void PlayQueue::setRepeat(Repeat repeat) {
  if (repeat == m_repeat) return;
  m_repeat = repeat;
  Q_EMIT repeatChanged(repeat);
}

int PlayQueue::removeUpcomingGenerated() {
  const int from = std::max(m_current >= 0 ? m_current + 1 : m_resumeRow, 0);
  int removed = 0;
  for (int row = rowCount() - 1; row >= from; --row) {
    if (!m_items[static_cast<std::size_t>(row)].generated) continue;
    removeRows(row, 1);
    ++removed;
  }
  return removed;
}

QVariantList PlayQueue::save() const {
  QVariantList out;
  for (const QueueItem& entry : m_items) {
    out << QVariantMap{{kFileIdKey, entry.fileId},
                       {kPathKey, entry.path},
                       {kTitleKey, entry.title},
                       {kGeneratedKey, entry.generated}};
  }
  return out;
}

void PlayQueue::restore(const QVariantList& saved, int current) {
  clear();
  std::vector<QueueItem> items;
  for (const QVariant& value : saved) {
    const QVariantMap map = value.toMap();
    QueueItem entry{map.value(kFileIdKey).toLongLong(), map.value(kPathKey).toString(),
                    map.value(kTitleKey).toString(), map.value(kGeneratedKey).toBool()};
    if (!entry.path.isEmpty()) items.push_back(std::move(entry));
  }
  if (items.empty()) return;
  insertItems(0, items);
  if (current >= 0 && current < rowCount()) changeCurrent(current);
}

}  // namespace songspace::ui
