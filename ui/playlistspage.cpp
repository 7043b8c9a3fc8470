#include "ui/playlistspage.h"

#include <QAction>
#include <QFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/playlistmodels.h"

namespace songspace::ui {
namespace {

QTableView* makeTable(QAbstractItemModel* model) {
  auto* view = new QTableView;
  view->setModel(model);
  view->setTabKeyNavigation(false);  // Tab leaves for the next pane, arrows move between rows
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setSelectionMode(QAbstractItemView::SingleSelection);
  view->setShowGrid(false);
  view->setWordWrap(false);
  view->setAlternatingRowColors(true);
  view->verticalHeader()->hide();
  view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
  view->horizontalHeader()->setHighlightSections(false);
  view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  view->setContextMenuPolicy(Qt::CustomContextMenu);
  return view;
}

}  // namespace

PlaylistsPage::PlaylistsPage(QWidget* parent)
    : QWidget(parent),
      m_listModel(new PlaylistListModel(this)),
      m_entryModel(new PlaylistEntryModel(this)) {
  m_list = makeTable(m_listModel);
  m_list->setObjectName(QStringLiteral("playlistList"));
  m_list->horizontalHeader()->setSectionResizeMode(PlaylistListModel::Name, QHeaderView::Stretch);
  m_entries = makeTable(m_entryModel);
  m_entries->setObjectName(QStringLiteral("playlistEntries"));
  m_entries->horizontalHeader()->setSectionResizeMode(PlaylistEntryModel::Title,
                                                      QHeaderView::Stretch);
  m_entries->setTextElideMode(Qt::ElideMiddle);  // a path's file name stays in view

  // The shortcuts act on the playlist list only (Enter in the entries plays one song).
  const auto listAction = [this](const QString& text, QStyle::StandardPixmap icon,
                                 const QKeySequence& keys, const QString& name) {
    auto* action = new QAction(text, m_list);
    if (icon != QStyle::SP_CustomBase) action->setIcon(style()->standardIcon(icon));
    action->setShortcut(keys);
    action->setShortcutContext(Qt::WidgetShortcut);
    action->setObjectName(name);
    m_list->addAction(action);
    return action;
  };
  m_play = listAction(tr("Play"), QStyle::SP_MediaPlay, QKeySequence(Qt::Key_Return),
                      QStringLiteral("playPlaylist"));
  m_play->setToolTip(tr("Replace the play queue with this playlist's songs and play (Enter)"));
  m_queue = listAction(tr("Add to Queue"), QStyle::SP_CustomBase,
                       QKeySequence(Qt::CTRL | Qt::Key_Return), QStringLiteral("queuePlaylist"));
  m_queue->setToolTip(tr("Add this playlist's songs to the end of the play queue (Ctrl+Enter)"));
  m_export = listAction(tr("Export…"), QStyle::SP_DialogSaveButton, QKeySequence(),
                        QStringLiteral("exportPlaylist"));
  m_export->setToolTip(tr("Write this playlist's songs to an M3U8 file of your choice"));
  m_delete = listAction(tr("Delete…"), QStyle::SP_TrashIcon, QKeySequence(QKeySequence::Delete),
                        QStringLiteral("deletePlaylist"));
  const auto emitFor = [this](void (PlaylistsPage::*signal)(qint64)) {
    return [this, signal] {
      if (const qint64 id = currentPlaylistId(); id > 0) Q_EMIT(this->*signal)(id);
    };
  };
  connect(m_play, &QAction::triggered, this, emitFor(&PlaylistsPage::playRequested));
  connect(m_queue, &QAction::triggered, this, emitFor(&PlaylistsPage::queueRequested));
  connect(m_export, &QAction::triggered, this, emitFor(&PlaylistsPage::exportRequested));
  connect(m_delete, &QAction::triggered, this, emitFor(&PlaylistsPage::deleteRequested));

  m_title = new QLabel;
  m_title->setObjectName(QStringLiteral("playlistTitle"));
  m_title->setTextFormat(Qt::PlainText);
  QFont big = m_title->font();
  big.setBold(true);
  big.setPointSizeF(big.pointSizeF() * 1.2);
  m_title->setFont(big);
  m_details = new QLabel;
  m_details->setObjectName(QStringLiteral("playlistDetails"));
  m_details->setTextFormat(Qt::PlainText);
  m_details->setWordWrap(true);
  m_details->setForegroundRole(QPalette::PlaceholderText);
  m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* buttons = new QHBoxLayout;
  buttons->setContentsMargins(0, 0, 0, 0);
  for (QAction* action : {m_play, m_queue, m_export, m_delete}) {
    auto* button = new QToolButton;
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    buttons->addWidget(button);
  }
  buttons->addStretch();
  auto* details = new QWidget;
  auto* detailsLayout = new QVBoxLayout(details);
  detailsLayout->setContentsMargins(0, 6, 0, 0);
  detailsLayout->addWidget(m_title);
  detailsLayout->addWidget(m_details);
  detailsLayout->addLayout(buttons);
  detailsLayout->addWidget(m_entries, 1);

  m_hint = new QLabel;
  m_hint->setObjectName(QStringLiteral("playlistHint"));
  m_hint->setWordWrap(true);
  m_hint->setAlignment(Qt::AlignCenter);
  m_hint->setForegroundRole(QPalette::PlaceholderText);
  m_hint->setMargin(24);
  m_side = new QStackedWidget;
  m_side->addWidget(m_hint);
  m_side->addWidget(details);

  // The list above the songs: both get the tab's whole width, where names and titles need it.
  auto* splitter = new QSplitter(Qt::Vertical);
  splitter->addWidget(m_list);
  splitter->addWidget(m_side);
  splitter->setStretchFactor(0, 2);
  splitter->setStretchFactor(1, 3);
  splitter->setChildrenCollapsible(false);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 4, 0, 0);
  layout->addWidget(splitter);

  connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          &PlaylistsPage::showCurrent);
  connect(m_list, &QAbstractItemView::activated, this, emitFor(&PlaylistsPage::playRequested));
  connect(m_list, &QWidget::customContextMenuRequested, this, &PlaylistsPage::showListMenu);
  connect(m_entries->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            const qint64 fileId = current.data(PlaylistEntryModel::FileIdRole).toLongLong();
            if (!m_resetting && fileId > 0) Q_EMIT songActivated(fileId);
          });
  connect(m_entries, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
    const qint64 fileId = index.data(PlaylistEntryModel::FileIdRole).toLongLong();
    if (fileId > 0) Q_EMIT songPlayRequested(fileId, QueuePlacement::PlayNow);
  });
  connect(m_entries, &QWidget::customContextMenuRequested, this, &PlaylistsPage::showEntryMenu);
  setFocusProxy(m_list);
  showCurrent();
}

void PlaylistsPage::setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot) {
  m_snapshot = std::move(snapshot);
  setPlaylists(m_snapshot ? m_snapshot->playlists.vector() : std::vector<core::Playlist>{});
}

void PlaylistsPage::setPlaylists(std::vector<core::Playlist> playlists) {
  const qint64 previous = currentPlaylistId();
  const int previousRow = m_list->currentIndex().row();
  {
    const QSignalBlocker quiet(m_list->selectionModel());
    m_listModel->setPlaylists(std::move(playlists), m_snapshot);
    int row = m_listModel->rowOfId(previous);
    if (row < 0 && previousRow >= 0) row = std::min(previousRow, m_listModel->rowCount() - 1);
    if (row >= 0) {
      m_list->selectionModel()->setCurrentIndex(
          m_listModel->index(row, 0),
          QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
  }
  showCurrent();
}

bool PlaylistsPage::selectPlaylist(qint64 id) {
  const int row = m_listModel->rowOfId(id);
  if (row < 0) return false;
  m_list->selectionModel()->setCurrentIndex(
      m_listModel->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  return true;
}

qint64 PlaylistsPage::currentPlaylistId() const {
  const core::Playlist* playlist = currentPlaylist();
  return playlist ? playlist->id : 0;
}

const core::Playlist* PlaylistsPage::currentPlaylist() const {
  return m_listModel->playlist(m_list->currentIndex().row());
}

QList<qint64> PlaylistsPage::currentSongIds() const {
  return m_listModel->songIds(m_list->currentIndex().row());
}

void PlaylistsPage::showCurrent() {
  const core::Playlist* playlist = currentPlaylist();
  m_resetting = true;
  m_entryModel->setEntries(playlist ? playlist->entries : std::vector<core::PlaylistEntry>{},
                           m_snapshot);
  m_resetting = false;
  if (!playlist) {
    m_hint->setText(
        m_listModel->rowCount() == 0
            ? tr("No playlists yet.\n\nSave a selection on the map, or a path, as a playlist and "
                 "it appears here. Playlist files in your music folders (.m3u, .m3u8, .pls, "
                 ".xspf) appear after a scan.")
            : tr("Choose a playlist to see its songs."));
    m_side->setCurrentWidget(m_hint);
    updateActions();
    return;
  }
  const int row = m_list->currentIndex().row();
  const int songs = m_listModel->index(row, 0).data(PlaylistListModel::SongCountRole).toInt();
  const auto entries = static_cast<int>(playlist->entries.size());
  const bool ours = playlist->origin == core::PlaylistOrigin::Songspace;
  m_title->setText(m_listModel->index(row, PlaylistListModel::Name).data().toString());
  QString details = (ours ? tr("Saved by Songspace") : tr("A playlist file of your library")) +
                    QStringLiteral(" · ") + tr("%n song(s)", nullptr, songs);
  if (songs < entries)
    details +=
        QStringLiteral(" · ") + tr("%n file(s) not in the library", nullptr, entries - songs);
  details += QStringLiteral("\n") + QFile::decodeName(playlist->path.c_str());
  m_details->setText(details);
  m_side->setCurrentWidget(m_side->widget(1));
  updateActions();
}

void PlaylistsPage::updateActions() {
  const core::Playlist* playlist = currentPlaylist();
  const bool any = playlist != nullptr;
  for (QAction* action : {m_play, m_queue, m_export}) action->setEnabled(any);
  const bool ours = any && playlist->origin == core::PlaylistOrigin::Songspace;
  m_delete->setEnabled(ours);
  m_delete->setToolTip(ours ? tr("Delete this playlist and its file (Delete)")
                            : tr("Only playlists Songspace saved can be deleted here; a playlist "
                                 "file of your library stays yours"));
}

void PlaylistsPage::showListMenu(const QPoint& at) {
  const QModelIndex index = m_list->indexAt(at);
  if (!index.isValid()) return;
  m_list->setCurrentIndex(index);
  QMenu menu(this);
  menu.addActions({m_play, m_queue});
  menu.addSeparator();
  menu.addActions({m_export, m_delete});
  menu.exec(m_list->viewport()->mapToGlobal(at));
}

void PlaylistsPage::showEntryMenu(const QPoint& at) {
  const qint64 fileId = m_entries->indexAt(at).data(PlaylistEntryModel::FileIdRole).toLongLong();
  if (fileId <= 0) return;
  QMenu menu(this);
  menu.addAction(tr("Play Now"), this,
                 [this, fileId] { Q_EMIT songPlayRequested(fileId, QueuePlacement::PlayNow); });
  menu.addAction(tr("Play Next"), this,
                 [this, fileId] { Q_EMIT songPlayRequested(fileId, QueuePlacement::PlayNext); });
  menu.addAction(tr("Add to Queue"), this,
                 [this, fileId] { Q_EMIT songPlayRequested(fileId, QueuePlacement::AddToQueue); });
  menu.exec(m_entries->viewport()->mapToGlobal(at));
}

}  // namespace songspace::ui
