#include "ui/playlistmodels.h"

#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QPalette>
#include <algorithm>

#include "ui/librarytablemodel.h"

namespace songspace::ui {
namespace {

QString pathText(const std::string& path) {
  return QFile::decodeName(path.c_str());
}

bool isOurs(const core::Playlist& playlist) {
  return playlist.origin == core::PlaylistOrigin::Songspace;
}

const core::SongRow* songOf(const library::LibrarySnapshot* snapshot, std::int64_t fileId) {
  return snapshot && fileId > 0 ? snapshot->song(fileId) : nullptr;
}

QColor dimmed() {
  return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
}

}  // namespace

PlaylistListModel::PlaylistListModel(QObject* parent) : QAbstractTableModel(parent) {}

void PlaylistListModel::setPlaylists(std::vector<core::Playlist> playlists,
                                     std::shared_ptr<const library::LibrarySnapshot> snapshot) {
  beginResetModel();
  m_snapshot = std::move(snapshot);
  m_rows.clear();
  m_rows.reserve(playlists.size());
  for (core::Playlist& playlist : playlists) {
    int songs = 0;
    for (const core::PlaylistEntry& entry : playlist.entries)
      songs += songOf(m_snapshot.get(), entry.fileId) ? 1 : 0;
    m_rows.push_back({std::move(playlist), songs});
  }
  std::stable_sort(m_rows.begin(), m_rows.end(), [](const Row& a, const Row& b) {
    if (isOurs(a.playlist) != isOurs(b.playlist)) return isOurs(a.playlist);
    return QString::fromStdString(a.playlist.name)
               .compare(QString::fromStdString(b.playlist.name), Qt::CaseInsensitive) < 0;
  });
  endResetModel();
}

int PlaylistListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PlaylistListModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant PlaylistListModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return {};
  const Row& row = m_rows[static_cast<std::size_t>(index.row())];
  const core::Playlist& playlist = row.playlist;
  const auto entries = static_cast<int>(playlist.entries.size());
  switch (role) {
    case IdRole:
      return QVariant::fromValue<qint64>(playlist.id);
    case OursRole:
      return isOurs(playlist);
    case PathRole:
      return pathText(playlist.path);
    case SongCountRole:
      return row.songs;
    case Qt::DisplayRole:
      switch (index.column()) {
        case Name:
          return playlist.name.empty() ? QFileInfo(pathText(playlist.path)).completeBaseName()
                                       : QString::fromStdString(playlist.name);
        case Songs:
          return row.songs == entries ? QString::number(entries)
                                      : tr("%1 of %2", "songs in the library of entries")
                                            .arg(row.songs)
                                            .arg(entries);
        case Source:
          return isOurs(playlist) ? tr("Songspace") : tr("Library");
        default:
          return {};
      }
    case Qt::ToolTipRole:
      switch (index.column()) {
        case Name:
          return pathText(playlist.path);
        case Songs:
          return row.songs == entries
                     ? tr("%n song(s)", nullptr, entries)
                     : tr("Songs of this library: %1 of %2; the other files are missing, not "
                          "analysed or never scanned (shown greyed)")
                           .arg(row.songs)
                           .arg(entries);
        case Source:
          return isOurs(playlist)
                     ? tr("Saved by Songspace (a selection, a mix or a path): yours to delete; "
                          "never used to train the model")
                     : tr("A playlist file in your library's folders: Songspace reads it and "
                          "learns that its songs belong together, and never deletes it");
        default:
          return {};
      }
    case Qt::TextAlignmentRole:
      if (index.column() == Songs) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    case Qt::ForegroundRole:
      if (index.column() != Name) return dimmed();
      return {};
    default:
      return {};
  }
}

QVariant PlaylistListModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Name:
      return tr("Playlist");
    case Songs:
      return tr("Songs");
    case Source:
      return tr("From");
    default:
      return {};
  }
}

const core::Playlist* PlaylistListModel::playlist(int row) const {
  if (row < 0 || row >= rowCount()) return nullptr;
  return &m_rows[static_cast<std::size_t>(row)].playlist;
}

int PlaylistListModel::rowOfId(qint64 id) const {
  for (std::size_t i = 0; i < m_rows.size(); ++i)
    if (m_rows[i].playlist.id == id) return static_cast<int>(i);
  return -1;
}

QList<qint64> PlaylistListModel::songIds(int row) const {
  QList<qint64> ids;
  if (const core::Playlist* list = playlist(row)) {
    for (const core::PlaylistEntry& entry : list->entries)
      if (songOf(m_snapshot.get(), entry.fileId)) ids.append(entry.fileId);
  }
  return ids;
}

PlaylistEntryModel::PlaylistEntryModel(QObject* parent) : QAbstractTableModel(parent) {}

void PlaylistEntryModel::setEntries(std::vector<core::PlaylistEntry> entries,
                                    std::shared_ptr<const library::LibrarySnapshot> snapshot) {
  beginResetModel();
  m_entries = std::move(entries);
  m_snapshot = std::move(snapshot);
  endResetModel();
}

int PlaylistEntryModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int PlaylistEntryModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

const core::SongRow* PlaylistEntryModel::songAt(int row) const {
  return songOf(m_snapshot.get(), m_entries[static_cast<std::size_t>(row)].fileId);
}

QVariant PlaylistEntryModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return {};
  const core::PlaylistEntry& entry = m_entries[static_cast<std::size_t>(index.row())];
  const core::SongRow* song = songAt(index.row());
  switch (role) {
    case FileIdRole:
      return QVariant::fromValue<qint64>(song ? entry.fileId : 0);
    case Qt::DisplayRole:
      switch (index.column()) {
        case Position:
          return index.row() + 1;
        case Title:
          if (!song) return pathText(entry.path);
          return song->info.title.empty() ? QFileInfo(pathText(song->path)).fileName()
                                          : QString::fromStdString(song->info.title);
        case Artist:
          return song ? QString::fromStdString(song->artistName) : tr("not in the library");
        case Duration:
          return song ? LibraryTableModel::formatDuration(song->info.durationSeconds) : QString();
        default:
          return {};
      }
    case Qt::ToolTipRole:
      return song ? pathText(song->path)
                  : tr("Not a song of this library (missing, not analysed or never scanned): %1")
                        .arg(pathText(entry.path));
    case Qt::ForegroundRole:
      if (!song || index.column() == Position) return dimmed();
      return {};
    case Qt::TextAlignmentRole:
      if (index.column() == Position || index.column() == Duration)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    default:
      return {};
  }
}

QVariant PlaylistEntryModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Position:
      return tr("#");
    case Title:
      return tr("Title");
    case Artist:
      return tr("Artist");
    case Duration:
      return tr("Duration");
    default:
      return {};
  }
}

}  // namespace songspace::ui
