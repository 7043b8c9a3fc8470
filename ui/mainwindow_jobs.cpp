// MainWindow: opening libraries, background jobs and their progress, drag and drop.
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QToolButton>
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

#include "core/library/paths.h"
#include "ui/artistlistmodel.h"
#include "ui/artistpage.h"
#include "ui/autotagdialog.h"
#include "ui/autotagundo.h"
#include "ui/columnfitter.h"
#include "ui/firstrundialog.h"
#include "ui/inspectorpanel.h"
#include "ui/libraryfilterproxy.h"
#include "ui/librarytablemodel.h"
#include "ui/mainwindow.h"
#include "ui/mappanel.h"
#include "ui/mapview.h"
#include "ui/playlistspage.h"
#include "ui/preferencesdialog.h"
#include "ui/settingskeys.h"
#include "ui/tagpage.h"

namespace songspace::ui {
namespace {

QString formatEta(double seconds) {
  if (seconds < 0) return {};
  const int s = static_cast<int>(std::lround(seconds));
  if (s < 60) return MainWindow::tr("%n s left", nullptr, s);
  if (s < 3600) return MainWindow::tr("%1 min left").arg((s + 30) / 60);
  return MainWindow::tr("%1 h %2 min left").arg(s / 3600).arg((s % 3600) / 60);
}

}  // namespace

void MainWindow::openCatalog(const QString& catalogPath) {
  // Another library shares nothing with the history; the same one reloaded (after an auto-tag
  // apply, undo or accept, or opened again) keeps Back/Forward, pruned by its new snapshot.
  if (catalogPath != this->catalogPath()) {
    m_history->clear();
    m_external.clear();
    m_externalNovelty.clear();
  }
  m_snapshot.reset();
  updateUndoAutotag();  // until the new snapshot says what is undoable
  m_mapShown = m_mapRefined = false;
  m_infoBar->hide();
  m_controller->openCatalog(catalogPath);
  settings::kLastCatalog.write(catalogPath);
  setWindowTitle(tr("Songspace — %1").arg(QFileInfo(catalogPath).fileName()));
  m_pages->setCurrentIndex(1);
}

void MainWindow::addMusicFolders(const QStringList& folders) {
  if (folders.isEmpty()) return;
  if (catalogPath().isEmpty()) openCatalog(library::defaultCatalogPath());
  rememberFolders(folders);
  m_pages->setCurrentIndex(1);
  m_controller->scanAndTrain(folders);
}

void MainWindow::startUp(bool offerFirstRun) {
  const QString last = settings::kLastCatalog.read();
  if (!last.isEmpty() && QFileInfo::exists(last)) {
    openCatalog(last);
    showRescanOffer();
    return;
  }
  m_pages->setCurrentIndex(0);
  if (!offerFirstRun) return;
  FirstRunDialog dialog(this);
  if (dialog.exec() == QDialog::Accepted) addMusicFolders(dialog.folders());
}

bool MainWindow::isFullyLoaded() const {
  if (catalogPath().isEmpty()) return true;  // the welcome page is all there is
  if (!m_snapshot || m_controller->busy()) return false;
  return !m_snapshot->hasModel() || m_mapShown;
}

void MainWindow::onSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot) {
  m_snapshot = std::move(snapshot);
  m_syncing = true;
  const QString artist = m_artists->currentIndex().data(ArtistListModel::NameRole).toString();
  m_tableModel->setSnapshot(m_snapshot);
  m_columns->fit();  // Duration's width follows its values
  m_artistModel->setSnapshot(m_snapshot);
  m_artists->setCurrentIndex(m_artistModel->indexOfArtist(artist));
  m_inspector->setSnapshot(m_snapshot);
  m_artistPage->setSnapshot(m_snapshot);
  m_tagPage->setSnapshot(m_snapshot);
  m_map->setSnapshot(m_snapshot);
  m_playlistsPage->setSnapshot(m_snapshot);
  m_syncing = false;
  updateFailedList();
  updateLeftOutList();
  updateEmptyStates();
  pruneHistory();
  if (!m_history->isEmpty()) {
    showLocation(m_history->current());  // refresh what is shown
    // A refresh is not a visit: the artist list keeps the user's choice. Showing an artist's page
    // chooses the artist in the list, so without this a reload (after an auto-tag apply, say)
    // while an artist's page is shown turned "All artists" back into that artist and filtered
    // the table to its songs.
    m_syncing = true;
    m_artists->setCurrentIndex(m_artistModel->indexOfArtist(artist));
    m_syncing = false;
  }
  Q_EMIT snapshotShown();
}

void MainWindow::pruneHistory() {
  // A rescan, a retrain or a reload keeps the history; what this snapshot lacks is dropped. The
  // tags carried by files are collected only when the history holds a tag. A library whose model
  // is still loading does not know the model's tags yet: its snapshot with the model decides.
  if (m_snapshot->modelPending) return;
  std::unordered_set<std::string> carried;
  bool collected = false;
  const auto tagExists = [&](const QString& name) {
    const std::string tag = name.toStdString();
    if (m_snapshot->hasModel() && m_snapshot->model->model().tagIndex(tag) >= 0) return true;
    if (!collected) {
      for (const auto& [fileId, tags] : m_snapshot->tags) {
        for (const core::FileTag& own : tags) {
          if (own.source != core::TagSource::Predicted) carried.insert(own.tag);
        }
      }
      collected = true;
    }
    return carried.contains(tag);
  };
  m_history->prune([&](const Location& location) {
    switch (location.kind) {
      case Location::Song:
        return m_snapshot->song(location.fileId) != nullptr;
      case Location::Artist:
        return m_artistModel->indexOfArtist(location.name).isValid();
      case Location::Tag:
        return tagExists(location.name);
      case Location::External:
        return m_external.contains(location.name);
    }
    return false;
  });
}

void MainWindow::updateFailedList() {
  m_failedList->clear();
  const int failed = m_snapshot ? static_cast<int>(m_snapshot->failedFiles.size()) : 0;
  // A file too short to analyse (a one-second sound effect) is not broken: say which is which.
  const auto tooShort =
      m_snapshot
          ? std::count_if(m_snapshot->failedFiles.begin(), m_snapshot->failedFiles.end(),
                          [](const core::FileRow& file) {
                            return file.failureCode == static_cast<int>(base::ErrorCode::TooShort);
                          })
          : 0;
  if (tooShort == 0) {
    m_failedToggle->setText(tr("Failed (%1)").arg(failed));
  } else if (tooShort == failed) {
    m_failedToggle->setText(tr("Too short to analyse (%1)").arg(failed));
  } else {
    m_failedToggle->setText(
        tr("Failed (%1), too short (%2)").arg(failed - static_cast<int>(tooShort)).arg(tooShort));
  }
  m_failedToggle->setVisible(failed > 0);
  if (failed == 0) m_failedToggle->setChecked(false);
  for (int i = 0; i < failed; ++i) {
    const core::FileRow& file = m_snapshot->failedFiles[static_cast<std::size_t>(i)];
    auto* item = new QListWidgetItem(QFileInfo(QString::fromStdString(file.path)).fileName());
    item->setToolTip(QString::fromStdString(file.path) + QStringLiteral("\n") +
                     QString::fromStdString(file.failureReason));
    m_failedList->addItem(item);
  }
}

void MainWindow::updateLeftOutList() {
  m_leftOutList->clear();
  int count = 0;
  if (m_snapshot) {
    for (const auto& [labels, kind] : {std::pair{&m_snapshot->leftOutTags, tr("Tag")},
                                       std::pair{&m_snapshot->leftOutArtists, tr("Artist")}}) {
      for (const core::LeftOutLabel& label : *labels) {
        m_leftOutList->addItem(tr("%1 “%2”: %3")
                                   .arg(kind, QString::fromStdString(label.name),
                                        QString::fromStdString(label.reason)));
        ++count;
      }
    }
  }
  m_leftOutToggle->setText(tr("Not learned (%1)").arg(count));
  m_leftOutToggle->setToolTip(
      tr("Tags and artists of this library that the last training left out, and why"));
  m_leftOutToggle->setVisible(count > 0);
  m_leftOutList->setVisible(count > 0 && m_leftOutToggle->isChecked());
}

void MainWindow::updateEmptyStates() {
  const bool open = !catalogPath().isEmpty();
  // A catalog with nothing in it, and nothing being scanned into it, is a first run: the
  // welcome page, whose buttons add music, rather than an empty table.
  const bool nothingYet = m_snapshot && m_snapshot->songs.empty() &&
                          m_snapshot->failedFiles.empty() && !m_controller->busy();
  m_pages->setCurrentIndex(open && !nothingYet ? 1 : 0);
  m_rescan->setEnabled(open);
  m_train->setEnabled(open && m_snapshot && !m_snapshot->songs.empty());
  m_autotag->setEnabled(open && m_snapshot && m_snapshot->hasModel());
  updateUndoAutotag();
  if (!m_snapshot) return;
  if (m_snapshot->songs.empty()) {
    m_map->view()->setEmptyText(m_controller->busy() ? tr("Analysing your music…")
                                                     : tr("This library has no songs yet. "
                                                          "Use File › Open Music Folder…"));
  } else if (!m_snapshot->hasModel()) {
    m_map->view()->setEmptyText(
        m_snapshot->modelStatus.ok()
            ? tr("The map appears once a model has been trained (File › Train Model).")
            : tr("The model could not be loaded: %1")
                  .arg(QString::fromStdString(m_snapshot->modelStatus.message)));
  }
}

void MainWindow::onProgress(const JobProgress& progress) {
  m_phase->setText(progress.currentFile.isEmpty() ? progress.phase
                                                  : progress.phase + QStringLiteral(" · ") +
                                                        QFileInfo(progress.currentFile).fileName());
  m_phase->setToolTip(progress.currentFile);
  if (progress.total > 0) {
    m_progress->setRange(0, progress.total);
    m_progress->setValue(progress.done);
  } else {
    m_progress->setRange(0, 0);  // busy indicator
  }
  m_timeLeft->setText(formatEta(progress.etaSeconds));
}

void MainWindow::onBusyChanged(bool busy) {
  for (QWidget* w : {static_cast<QWidget*>(m_phase), static_cast<QWidget*>(m_progress),
                     static_cast<QWidget*>(m_timeLeft), static_cast<QWidget*>(m_cancel)}) {
    w->setVisible(busy);
  }
  if (!busy) m_phase->clear();
  updateEmptyStates();
}

void MainWindow::onExternalEmbedded(const QString& path, const Eigen::VectorXf& embedding,
                                    const QString& error, const core::Novelty& novelty) {
  if (!error.isEmpty()) {
    m_right->setCurrentWidget(m_inspector);
    m_inspector->showFailedFile(path, error);
    return;
  }
  m_external.insert(path, embedding);
  m_externalNovelty.insert(path, novelty);
  m_history->visit({Location::External, 0, path});
  m_inspector->showExternalFile(path, embedding,
                                novelty);  // also when it already was the current entry
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  QStringList folders, files;
  for (const QUrl& url : event->mimeData()->urls()) {
    if (!url.isLocalFile()) continue;
    const QFileInfo info(url.toLocalFile());
    if (info.isDir()) folders << info.absoluteFilePath();
    if (info.isFile()) files << info.absoluteFilePath();
  }
  event->acceptProposedAction();
  if (!folders.isEmpty()) {
    addMusicFolders(folders);
    return;
  }
  if (files.size() != 1) return;
  const std::string path = QFile::encodeName(files.front()).toStdString();
  if (m_snapshot) {
    for (const core::SongRow& song : m_snapshot->songs) {
      if (song.path == path) {
        selectSong(song.fileId);
        return;
      }
    }
  }
  // Cold start: a file the library does not have is placed in the space by its audio alone.
  statusBar()->showMessage(tr("Placing %1 in the space…").arg(QFileInfo(files.front()).fileName()));
  m_controller->embedExternalFile(files.front(), m_snapshot ? m_snapshot->model : nullptr);
}

void MainWindow::chooseMusicFolder() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Music Folder"));
  if (!dir.isEmpty()) addMusicFolders({dir});
}

void MainWindow::openDemoLibrary() {
  const QString library = cachedDemoLibrary();
  if (library.isEmpty()) {
    // The dialog knows how to fetch it; preselect nothing else.
    FirstRunDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted) addMusicFolders(dialog.folders());
    return;
  }
  const QString catalog =
      QFileInfo(QDir(library).filePath(QStringLiteral("../demo.sqlite"))).absoluteFilePath();
  const bool exists = QFileInfo::exists(catalog);
  openCatalog(catalog);
  rememberFolders({library});
  if (!exists) m_controller->scanAndTrain({library});
}

void MainWindow::chooseCatalog() {
  const QString file = QFileDialog::getOpenFileName(
      this, tr("Open Catalog"), QString(), tr("Songspace catalogs (*.sqlite);;All files (*)"));
  if (!file.isEmpty()) openCatalog(file);
}

void MainWindow::rescan() {
  QStringList folders = knownFolders();
  if (folders.isEmpty()) {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder to Scan"));
    if (dir.isEmpty()) return;
    folders = {dir};
  }
  addMusicFolders(folders);
}

void MainWindow::showPreferences() {
  PreferencesDialog dialog(m_rescan->isEnabled() && !knownFolders().isEmpty(), this);
  if (m_snapshot && m_snapshot->hasModel() && m_snapshot->model->model().calibration)
    dialog.setAutoTagThreshold(m_snapshot->model->model().calibration->autoTagThreshold);
  if (dialog.exec() != QDialog::Accepted) return;
  if (dialog.predictedTagsThresholdChanged()) applyPredictedTagsThreshold();
  if (dialog.rescanRequested()) rescan();
}

void MainWindow::applyPredictedTagsThreshold() {
  const double threshold = settings::kPredictedTagsThreshold.read();
  m_tableModel->setPredictedTagThreshold(threshold);
  m_inspector->setPredictedTagThreshold(threshold);
  m_map->setPredictedTagThreshold(threshold);
  if (!m_snapshot) return;
  m_tableModel->setSnapshot(m_snapshot);  // the same read: only the Predicted tags column changes
  m_inspector->setSnapshot(m_snapshot);   // shows its song again
}

void MainWindow::trainModel() {
  m_controller->train();
}

void MainWindow::showRescanOffer() {
  if (knownFolders().isEmpty()) return;
  m_infoText->setText(
      tr("Opened your library from last time. Rescan to pick up music added "
         "or changed since?"));
  m_infoBar->show();
}

QStringList MainWindow::knownFolders() const {
  if (catalogPath().isEmpty()) return {};
  QStringList known = settings::libraryFolders(catalogPath()).read();
  // The folders recorded in the catalog by any program's scan (the CLI's too).
  if (m_snapshot && m_snapshot->catalogPath == catalogPath()) {
    for (const std::string& root : m_snapshot->scanRoots) {
      const QString folder = QFile::decodeName(QByteArray::fromStdString(root));
      if (!known.contains(folder)) known << folder;
    }
  }
  return known;
}

void MainWindow::rememberFolders(const QStringList& folders) {
  QStringList known = knownFolders();
  for (const QString& folder : folders) {
    if (!known.contains(folder)) known << folder;
  }
  settings::libraryFolders(catalogPath()).write(known);
}

void MainWindow::autotagFiles() {
  if (!m_snapshot || !m_snapshot->hasModel()) return;
  QList<qint64> fileIds;
  for (const QModelIndex& index : m_table->selectionModel()->selectedRows()) {
    fileIds.append(m_tableModel->fileIdAt(m_proxy->mapToSource(index)));
  }
  if (fileIds.size() == 1) fileIds.clear();  // one selected row is the current song: offer all
  auto* dialog = new AutotagDialog(m_snapshot, fileIds, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &AutotagDialog::applied, this, [this](qint64) {
    // The files' tags and the undoable batch changed: reload what the views and menus show.
    openCatalog(catalogPath());
  });
  dialog->open();
}

void MainWindow::undoAutotag() {
  if (!m_snapshot || !m_snapshot->undoableBatch) return;
  AutotagUndo::undoLast(this, catalogPath(), *m_snapshot->undoableBatch,
                        [this] { openCatalog(catalogPath()); });
}

void MainWindow::acceptAutotag() {
  if (!m_snapshot || !m_snapshot->acceptableBatch) return;
  AutotagUndo::acceptLast(this, catalogPath(), *m_snapshot->acceptableBatch,
                          [this] { openCatalog(catalogPath()); });
}

void MainWindow::updateUndoAutotag() {
  // From the snapshot the worker read: the GUI thread never asks the catalog.
  m_undoAutotag->setEnabled(m_snapshot && m_snapshot->undoableBatch);
  m_acceptAutotag->setEnabled(m_snapshot && m_snapshot->acceptableBatch);
}

}  // namespace songspace::ui
