// MainWindow: the Playlists tab's actions — play, queue, export and delete a catalog playlist
// (docs/design.md §5.1). Saving goes through MainWindow::savePlaylist (mainwindow.cpp).
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>

#include "core/library/playlistfile.h"
#include "ui/dialogtitle.h"
#include "ui/mainwindow.h"
#include "ui/playerbar.h"
#include "ui/playlistmodels.h"
#include "ui/playlistspage.h"

namespace songspace::ui {

const core::Playlist* MainWindow::listedPlaylist(qint64 id) const {
  const PlaylistListModel* model = m_playlistsPage->playlistModel();
  return model->playlist(model->rowOfId(id));
}

void MainWindow::onPlaylistsChanged(
    const QString& catalogPath, const QString& file, bool deleted,
    const std::shared_ptr<const std::vector<core::Playlist>>& playlists) {
  if (catalogPath != m_controller->catalogPath() || !playlists) return;  // another library's
  m_playlistsPage->setPlaylists(*playlists);
  if (deleted) {
    statusBar()->showMessage(tr("Deleted the playlist %1").arg(file), 15000);
  }
}

QList<qint64> MainWindow::playlistSongsOrSay(qint64 id, const char* nothingText) {
  const core::Playlist* playlist = listedPlaylist(id);
  if (!playlist) return {};
  const PlaylistListModel* model = m_playlistsPage->playlistModel();
  QList<qint64> songs = model->songIds(model->rowOfId(id));
  if (songs.isEmpty()) {
    statusBar()->showMessage(tr(nothingText, nullptr, static_cast<int>(playlist->entries.size()))
                                 .arg(QString::fromStdString(playlist->name)),
                             10000);
  }
  return songs;
}

void MainWindow::playPlaylist(qint64 id) {
  const QList<qint64> songs = playlistSongsOrSay(
      id, QT_TR_NOOP("Nothing to play: “%1” has no song of this library (%n file(s) listed, "
                     "none found)."));
  if (songs.isEmpty()) return;
  std::vector<QueueItem> items;
  for (const qint64 song : songs)
    items.push_back(queueItemOf(song, QString::fromStdString(m_snapshot->song(song)->path)));
  playQueue()->clear();
  playQueue()->add(items, QueuePlacement::AddToQueue);
  playQueue()->setCurrentRow(0);
  m_playPause->setEnabled(true);
  m_player->playCurrent();
  statusBar()->showMessage(tr("Playing “%1”: %n song(s).", nullptr, static_cast<int>(songs.size()))
                               .arg(QString::fromStdString(listedPlaylist(id)->name)),
                           5000);
}

void MainWindow::queuePlaylist(qint64 id) {
  const QList<qint64> songs = playlistSongsOrSay(
      id, QT_TR_NOOP("Nothing to queue: “%1” has no song of this library (%n file(s) listed, "
                     "none found)."));
  if (!songs.isEmpty()) playSongs(songs, QueuePlacement::AddToQueue);
}

QString MainWindow::exportPlaylist(qint64 id, const QString& file) {
  const core::Playlist* playlist = listedPlaylist(id);
  if (!playlist || !m_snapshot) return {};
  const QString name = QString::fromStdString(playlist->name);
  const QString target = library::m3u8FileName(file);
  std::vector<const core::SongRow*> songs;
  for (const core::PlaylistEntry& entry : playlist->entries) {
    if (const core::SongRow* song = entry.fileId > 0 ? m_snapshot->song(entry.fileId) : nullptr)
      songs.push_back(song);
  }
  const auto warn = [this](const QString& text) {
    QMessageBox box(QMessageBox::Warning, tr("Export Playlist"), text, QMessageBox::Ok, this);
    fitTitle(box);
    box.exec();
  };
  if (songs.empty()) {
    warn(tr("Nothing to export: “%1” has no song of this library (%n file(s) listed, none found).",
            nullptr, static_cast<int>(playlist->entries.size()))
             .arg(name));
    return {};
  }
  if (const base::Status written = library::writePlaylistM3u8(target, songs); !written.ok()) {
    warn(tr("Cannot export “%1” to %2: %3")
             .arg(name, target, QString::fromStdString(written.message)));
    return {};
  }
  QString absolute = QFileInfo(target).absoluteFilePath();
  const auto left = static_cast<int>(playlist->entries.size() - songs.size());
  statusBar()->showMessage(
      tr("Exported %n song(s) of “%1” to %2", nullptr, static_cast<int>(songs.size()))
              .arg(name, absolute) +
          (left > 0 ? tr(" (%n file(s) not in the library left out)", nullptr, left) : QString()),
      15000);
  return absolute;
}

void MainWindow::deletePlaylist(qint64 id) {
  const core::Playlist* playlist = listedPlaylist(id);
  if (!playlist) return;
  const QString name = QString::fromStdString(playlist->name);
  const QString file = QFile::decodeName(playlist->path.c_str());
  if (playlist->origin != core::PlaylistOrigin::Songspace) {
    QMessageBox box(QMessageBox::Information, tr("Delete Playlist"),
                    tr("“%1” is a playlist file of your library (%2). Songspace does not delete "
                       "your files; remove it in a file manager if you mean to, and rescan.")
                        .arg(name, file),
                    QMessageBox::Ok, this);
    fitTitle(box);
    box.exec();
    return;
  }
  QMessageBox box(QMessageBox::Question, tr("Delete Playlist"),
                  tr("Delete the playlist “%1”? Its file %2 is deleted too.").arg(name, file),
                  QMessageBox::Yes | QMessageBox::No, this);
  box.setDefaultButton(QMessageBox::No);
  fitTitle(box);
  if (box.exec() != QMessageBox::Yes) return;
  m_controller->deletePlaylist(id, file);
}

}  // namespace songspace::ui
