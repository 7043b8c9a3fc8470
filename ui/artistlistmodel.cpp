#include "ui/artistlistmodel.h"

namespace songspace::ui {

ArtistListModel::ArtistListModel(QObject* parent) : QAbstractListModel(parent) {}

void ArtistListModel::setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot) {
  beginResetModel();
  m_artists.clear();
  if (snapshot) {
    m_artists.reserve(snapshot->artists.size());
    for (const core::ArtistRow& artist : snapshot->artists) {
      m_artists.push_back({QString::fromStdString(artist.name), artist.songCount});
    }
  }
  endResetModel();
}

int ArtistListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_artists.size()) + 1;
}

QVariant ArtistListModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
    return {};
  }
  if (index.row() == 0) {
    switch (role) {
      case Qt::DisplayRole:
        return tr("All artists");
      case NameRole:
        return QString();
      case SongCountRole: {
        qint64 total = 0;
        for (const Entry& entry : m_artists) total += entry.songCount;
        return total;
      }
      default:
        return {};
    }
  }
  const Entry& entry = m_artists[static_cast<std::size_t>(index.row() - 1)];
  switch (role) {
    case Qt::DisplayRole:
      return QStringLiteral("%1 (%2)").arg(entry.name).arg(entry.songCount);
    case Qt::ToolTipRole:
      return tr("%n song(s) by %1", nullptr, static_cast<int>(entry.songCount)).arg(entry.name);
    case NameRole:
      return entry.name;
    case SongCountRole:
      return entry.songCount;
    default:
      return {};
  }
}

QModelIndex ArtistListModel::indexOfArtist(const QString& name) const {
  if (name.isEmpty()) return index(0);
  for (std::size_t i = 0; i < m_artists.size(); ++i) {
    if (m_artists[i].name == name) return index(static_cast<int>(i) + 1);
  }
  return {};
}

}  // namespace songspace::ui
