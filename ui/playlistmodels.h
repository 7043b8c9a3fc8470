#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QString>
#include <memory>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/library/librarysnapshot.h"

namespace songspace::ui {

// The Playlists view's list (docs/design.md §5.1): Songspace's own playlists first, then the
// library's, each group by name (case-insensitive). Columns: the name (tooltip: the file), the
// songs (those in the library; "N of M" when some entries are not), and where it comes from
// ("Songspace" for a saved selection, mix or path; "Library" for a playlist file found in the
// library's folders). An entry counts as a song when its file is an analysed song of the snapshot.
class PlaylistListModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name = 0, Songs, Source, ColumnCount };
  static constexpr int IdRole = Qt::UserRole;             // qint64, the catalog's playlist id
  static constexpr int OursRole = Qt::UserRole + 1;       // bool: Songspace's (may be deleted)
  static constexpr int PathRole = Qt::UserRole + 2;       // QString, the playlist's file
  static constexpr int SongCountRole = Qt::UserRole + 3;  // int, entries that are library songs

  explicit PlaylistListModel(QObject* parent = nullptr);

  // Resets the model; `snapshot` (may be null) tells which entries are library songs.
  void setPlaylists(std::vector<core::Playlist> playlists,
                    std::shared_ptr<const library::LibrarySnapshot> snapshot);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

  const core::Playlist* playlist(int row) const;  // null outside 0..rowCount()-1
  int rowOfId(qint64 id) const;                   // -1 when absent
  // The entries of row `row` that are library songs, in playlist order.
  QList<qint64> songIds(int row) const;

 private:
  struct Row {
    core::Playlist playlist;
    int songs = 0;
  };
  std::vector<Row> m_rows;
  std::shared_ptr<const library::LibrarySnapshot> m_snapshot;
};

// The entries of one playlist, in order. Columns: position, title, artist, duration. An entry
// that is not a library song (a file gone, not analysed, never scanned) shows its path in the
// title column, greyed (the palette's disabled text), with a tooltip saying so.
class PlaylistEntryModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Position = 0, Title, Artist, Duration, ColumnCount };
  static constexpr int FileIdRole = Qt::UserRole;  // qint64; 0 for an entry not in the library

  explicit PlaylistEntryModel(QObject* parent = nullptr);

  // Resets the model to `entries` (empty: no playlist chosen).
  void setEntries(std::vector<core::PlaylistEntry> entries,
                  std::shared_ptr<const library::LibrarySnapshot> snapshot);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  const core::SongRow* songAt(int row) const;
  std::vector<core::PlaylistEntry> m_entries;
  std::shared_ptr<const library::LibrarySnapshot> m_snapshot;
};

}  // namespace songspace::ui
