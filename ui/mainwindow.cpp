#include "ui/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include "core/library/playlistfile.h"
#include "ui/aboutdialog.h"
#include "ui/appearance.h"
#include "ui/artistlistmodel.h"
#include "ui/artistpage.h"
#include "ui/columnfitter.h"
#include "ui/coverart.h"
#include "ui/dialogtitle.h"
#include "ui/inspectorpanel.h"
#include "ui/libraryfilterproxy.h"
#include "ui/librarytablemodel.h"
#include "ui/mappanel.h"
#include "ui/mapview.h"
#include "ui/mpris.h"
#include "ui/pathdialog.h"
#include "ui/playerbar.h"
#include "ui/playlistspage.h"
#include "ui/queuepanel.h"
#include "ui/settingskeys.h"
#include "ui/tagpage.h"

namespace songspace::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_controller(new JobController(this)),
      m_history(new NavigationHistory(this)),
      m_tableModel(new LibraryTableModel(this)),
      m_proxy(new LibraryFilterProxy(this)),
      m_artistModel(new ArtistListModel(this)) {
  setWindowTitle(QStringLiteral("Songspace"));
  setWindowIcon(QIcon(QStringLiteral(":/songspace/songspace.png")));
  setAcceptDrops(true);
  m_tableModel->setPredictedTagThreshold(settings::kPredictedTagsThreshold.read());
  m_proxy->setSourceModel(m_tableModel);

  m_table = new QTableView;
  // While the proxy filters, sorts or resets, QItemSelectionModel moves the current row to a
  // neighbour and emits currentRowChanged: that is not the user choosing a song. The selection
  // model handles these signals in its own slots, connected by setModel(); slots run in
  // connection order, so the "about to" guards go before setModel() and the "done" ones after.
  const auto enter = [this] { ++m_tableModelChanging; };
  connect(m_proxy, &QAbstractItemModel::rowsAboutToBeRemoved, this, enter);
  connect(m_proxy, &QAbstractItemModel::rowsAboutToBeInserted, this, enter);
  connect(m_proxy, &QAbstractItemModel::layoutAboutToBeChanged, this, enter);
  connect(m_proxy, &QAbstractItemModel::modelAboutToBeReset, this, enter);
  m_table->setModel(m_proxy);
  const auto leave = [this] {
    if (--m_tableModelChanging == 0) syncTableToHistory();
  };
  connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, leave);
  connect(m_proxy, &QAbstractItemModel::rowsInserted, this, leave);
  connect(m_proxy, &QAbstractItemModel::layoutChanged, this, leave);
  connect(m_proxy, &QAbstractItemModel::modelReset, this, leave);
  // Tab leaves the table for the next pane (arrows move between rows), as in file managers.
  m_table->setTabKeyNavigation(false);
  m_table->setSortingEnabled(true);
  m_table->sortByColumn(LibraryTableModel::Artist, Qt::AscendingOrder);
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setSelectionMode(QAbstractItemView::SingleSelection);
  m_table->setAlternatingRowColors(true);
  m_table->setShowGrid(false);
  m_table->setWordWrap(false);
  m_table->verticalHeader()->hide();
  m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
  m_table->horizontalHeader()->setHighlightSections(false);
  // Every column stays in view however narrow the table (1024 px screens): the text columns
  // share the width, Duration keeps what its values need.
  m_columns = new ColumnFitter(m_table, {{LibraryTableModel::Title, 30},
                                         {LibraryTableModel::Artist, 20},
                                         {LibraryTableModel::Album, 18},
                                         {LibraryTableModel::Genre, 12},
                                         {LibraryTableModel::Duration, 0},
                                         {LibraryTableModel::PredictedTags, 20}});
  m_map = new MapPanel;
  m_map->setPredictedTagThreshold(settings::kPredictedTagsThreshold.read());
  m_tabs = new QTabWidget;
  m_tabs->setDocumentMode(true);
  m_tabs->addTab(m_table, tr("Library"));
  m_tabs->addTab(m_map, tr("Map"));
  m_playlistsPage = new PlaylistsPage;
  m_tabs->addTab(m_playlistsPage, tr("Playlists"));

  m_covers = new CoverArtCache({}, this);
  m_inspector = new InspectorPanel;
  m_inspector->setCoverArt(m_covers);
  m_inspector->setPredictedTagThreshold(settings::kPredictedTagsThreshold.read());
  m_artistPage = new ArtistPage;
  m_artistPage->setCoverArt(m_covers);
  m_tagPage = new TagPage;
  m_right = new QStackedWidget;
  m_right->addWidget(m_inspector);
  m_right->addWidget(m_artistPage);
  m_right->addWidget(m_tagPage);
  m_right->setMinimumWidth(280);

  m_splitter = new QSplitter(Qt::Horizontal);
  m_splitter->addWidget(buildLeftPanel());
  m_splitter->addWidget(m_tabs);
  m_splitter->addWidget(m_right);
  m_splitter->setStretchFactor(0, 0);
  m_splitter->setStretchFactor(1, 1);
  m_splitter->setStretchFactor(2, 0);
  m_splitter->setSizes({200, 600, 360});
  m_splitter->setChildrenCollapsible(false);

  // A non-modal offer (e.g. rescan after reopening the last library), above the content.
  m_infoBar = new QFrame;
  m_infoBar->setObjectName(QStringLiteral("infoBar"));
  m_infoBar->setAutoFillBackground(true);
  m_infoBar->setBackgroundRole(QPalette::AlternateBase);
  m_infoBar->setFrameShape(QFrame::StyledPanel);
  auto* infoLayout = new QHBoxLayout(m_infoBar);
  infoLayout->setContentsMargins(10, 4, 6, 4);
  m_infoText = new QLabel;
  auto* infoRescan = new QPushButton(tr("Rescan"));
  auto* infoDismiss = new QToolButton;
  infoDismiss->setText(QStringLiteral("✕"));
  infoDismiss->setAutoRaise(true);
  infoLayout->addWidget(m_infoText, 1);
  infoLayout->addWidget(infoRescan);
  infoLayout->addWidget(infoDismiss);
  m_infoBar->hide();
  connect(infoRescan, &QPushButton::clicked, this, [this] {
    m_infoBar->hide();
    rescan();
  });
  connect(infoDismiss, &QToolButton::clicked, m_infoBar, &QWidget::hide);

  m_player = new PlayerBar;
  m_player->setCoverArt(m_covers);
  auto* browser = new QWidget;
  auto* browserLayout = new QVBoxLayout(browser);
  browserLayout->setContentsMargins(0, 0, 0, 0);
  browserLayout->setSpacing(0);
  browserLayout->addWidget(m_infoBar);
  browserLayout->addWidget(m_splitter, 1);

  m_queuePanel = new QueuePanel(m_player->queue());
  m_mpris = new MprisService(m_player, this);
  m_mpris->setTagLookup([this](qint64 fileId, const QString&) {
    const core::SongRow* song = m_snapshot && fileId > 0 ? m_snapshot->song(fileId) : nullptr;
    if (!song) return MprisTags{};
    const auto listOf = [](const std::string& name) {
      return name.empty() ? QStringList() : QStringList{QString::fromStdString(name)};
    };
    // The artist tag, else the catalog's artist (the album artist when the tag is missing).
    const std::string& artist = song->info.artist.empty() ? song->artistName : song->info.artist;
    return MprisTags{QString::fromStdString(song->info.title), listOf(artist),
                     QString::fromStdString(song->info.album), listOf(song->info.albumArtist)};
  });
  connect(this, &MainWindow::snapshotShown, m_mpris, &MprisService::refresh);
  connect(m_mpris, &MprisService::raiseRequested, this, [this] {
    if (isMinimized()) showNormal();
    show();
    raise();
    activateWindow();
  });
  connect(m_mpris, &MprisService::quitRequested, this, &QWidget::close);
  // mpris:artUrl: the playing song's cached thumbnail, once its cover is looked up (the bar asks
  // for it when the song loads; a song looked up before answers at once).
  const auto sendArt = [this](const QString& path) {
    if (path.isEmpty() || path != m_player->songPath() || !m_covers->isKnown(path)) return;
    const QString file = m_covers->thumbnailFile(path);
    m_mpris->setArtUrl(path, file.isEmpty() ? QUrl() : QUrl::fromLocalFile(file));
  };
  connect(m_covers, &CoverArtCache::coverReady, m_mpris, sendArt);
  connect(m_player, &PlayerBar::songChanged, m_mpris,
          [this, sendArt] { sendArt(m_player->songPath()); });
  m_queueDock = new QDockWidget(tr("Play Queue"), this);
  m_queueDock->setObjectName(QStringLiteral("queueDock"));
  m_queueDock->setWidget(m_queuePanel);
  m_queueDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable);
  addDockWidget(Qt::RightDockWidgetArea, m_queueDock);
  resizeDocks({m_queueDock}, {260}, Qt::Horizontal);
  // The player spans the window's width under the queue dock: a fixed bottom tool bar (tool bar
  // areas surround the dock areas). Both belong to the library page, not the welcome page.
  m_playerBar = new QToolBar(tr("Player"), this);
  m_playerBar->setObjectName(QStringLiteral("player"));
  m_playerBar->setMovable(false);
  m_playerBar->setFloatable(false);
  m_playerBar->toggleViewAction()->setVisible(false);
  m_player->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  m_playerBar->addWidget(m_player);
  addToolBar(Qt::BottomToolBarArea, m_playerBar);

  m_welcome = buildWelcome();
  m_pages = new QStackedWidget;
  m_pages->addWidget(m_welcome);
  m_pages->addWidget(browser);
  setCentralWidget(m_pages);
  connect(m_pages, &QStackedWidget::currentChanged, this, [this](int page) {
    m_playerBar->setVisible(page == 1);
    updateQueueDock();
  });

  buildMenusAndToolbar();
  buildStatusBar();

  // Selection: every source ends in selectSong / showArtist, which go through the history.
  connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (m_syncing || m_tableModelChanging > 0 || !current.isValid()) return;
            selectSong(current.data(LibraryTableModel::FileIdRole).toLongLong());
          });
  connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
    playSong(index.data(LibraryTableModel::FileIdRole).toLongLong());
  });
  for (BrowsePanel* panel : browsePanels()) {
    connect(panel, &BrowsePanel::songPlayRequested, this, &MainWindow::playSong);
    connect(panel, &BrowsePanel::mixRequested, this, &MainWindow::playMix);
    connect(panel, &BrowsePanel::pathRequested, this, &MainWindow::pathFrom);
  }
  connect(m_inspector, &InspectorPanel::filePlayRequested, this,
          [this](const QString& path) { playFile(0, path, QueuePlacement::PlayNow); });
  m_table->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(m_table, &QWidget::customContextMenuRequested, this, &MainWindow::showTableMenu);
  connect(m_queuePanel, &QueuePanel::playRowRequested, this, [this](int row) {
    playQueue()->setCurrentRow(row);
    m_player->playCurrent();
  });
  connect(m_queuePanel, &QueuePanel::showSongRequested, this, &MainWindow::selectSong);
  connect(playQueue(), &QAbstractItemModel::rowsInserted, this, [this] {
    m_playPause->setEnabled(true);
    updateQueueDock();
  });
  connect(m_player, &PlayerBar::message, this,
          [this](const QString& text) { statusBar()->showMessage(text, 10000); });
  connect(m_player, &PlayerBar::showPlayingRequested, this,
          [this](qint64 fileId, const QString& path) {
            if (fileId > 0) {
              selectSong(fileId);
            } else if (m_external.contains(path)) {
              m_history->visit({Location::External, 0, path});
            }
          });
  connect(m_map, &MapPanel::songClicked, this, &MainWindow::selectSong);
  connect(m_map, &MapPanel::artistClicked, this, &MainWindow::showArtist);
  connect(m_map, &MapPanel::tagClicked, this, &MainWindow::showTag);
  connect(m_map, &MapPanel::songPlayRequested, this, &MainWindow::playSong);
  connect(m_map, &MapPanel::songsPlayRequested, this, &MainWindow::playSongs);
  connect(m_map, &MapPanel::mixRequested, this, &MainWindow::playMix);
  connect(m_map, &MapPanel::selectionMixRequested, this, &MainWindow::playMixFromSongs);
  connect(m_map, &MapPanel::playlistSaveRequested, this,
          [this](const QString& file, const QList<qint64>& fileIds) {
            savePlaylist(file, fileIds);  // it reports success and failure itself
          });
  connect(m_playlistsPage, &PlaylistsPage::playRequested, this, &MainWindow::playPlaylist);
  connect(m_playlistsPage, &PlaylistsPage::queueRequested, this, &MainWindow::queuePlaylist);
  connect(m_playlistsPage, &PlaylistsPage::exportRequested, this, [this](qint64 id) {
    const core::Playlist* playlist = listedPlaylist(id);
    if (!playlist) return;
    const QString chosen = QFileDialog::getSaveFileName(
        this, tr("Export Playlist"),
        QString::fromStdString(playlist->name) + QStringLiteral(".m3u8"), tr("Playlists (*.m3u8)"));
    if (!chosen.isEmpty()) exportPlaylist(id, chosen);  // it reports success and failure
  });
  connect(m_playlistsPage, &PlaylistsPage::deleteRequested, this, &MainWindow::deletePlaylist);
  connect(m_playlistsPage, &PlaylistsPage::songActivated, this, &MainWindow::selectSong);
  connect(m_playlistsPage, &PlaylistsPage::songPlayRequested, this, &MainWindow::playSong);
  connect(m_controller, &JobController::playlistsChanged, this, &MainWindow::onPlaylistsChanged);
  connect(m_controller, &JobController::playlistFailed, this, [this](const QString& message) {
    m_lastError = message;
    QMessageBox box(QMessageBox::Warning, tr("Playlist"), message, QMessageBox::Ok, this);
    fitTitle(box);
    box.exec();
  });
  for (BrowsePanel* panel : browsePanels()) {
    connect(panel, &BrowsePanel::songActivated, this, &MainWindow::selectSong);
    connect(panel, &BrowsePanel::artistActivated, this, &MainWindow::showArtist);
    connect(panel, &BrowsePanel::tagActivated, this, &MainWindow::showTag);
  }
  connect(m_history, &NavigationHistory::currentChanged, this, &MainWindow::showLocation);
  connect(m_history, &NavigationHistory::availabilityChanged, this, [this](bool back, bool fwd) {
    m_back->setEnabled(back);
    m_forward->setEnabled(fwd);
  });
  connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
    m_proxy->setSearchText(text);
    m_map->setSearchText(text);
  });
  connect(m_artists->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            const QString name = current.data(ArtistListModel::NameRole).toString();
            m_proxy->setArtistFilter(name);
            if (!m_syncing && !name.isEmpty()) showArtist(name);
          });
  connect(m_map, &MapPanel::colorByChanged, this,
          [](int colorBy) { settings::kMapColorBy.write(colorBy); });
  connect(m_failedList, &QListWidget::currentRowChanged, this, [this](int row) {
    if (row < 0 || !m_snapshot || row >= static_cast<int>(m_snapshot->failedFiles.size())) return;
    const core::FileRow& file = m_snapshot->failedFiles[static_cast<std::size_t>(row)];
    m_right->setCurrentWidget(m_inspector);
    m_inspector->showFailedFile(QString::fromStdString(file.path),
                                QString::fromStdString(file.failureReason));
  });

  connect(m_controller, &JobController::snapshotReady, this, &MainWindow::onSnapshot);
  connect(m_controller, &JobController::projectionReady, this,
          [this](std::shared_ptr<const library::MapLayout> layout, bool refined) {
            m_map->setMapLayout(std::move(layout), refined);
            if (m_history->current().kind == Location::Song) {
              m_map->selectSong(m_history->current().fileId);
            }
            m_mapShown = true;
            m_mapRefined = refined;
            Q_EMIT mapShown(refined);
          });
  connect(m_controller, &JobController::progress, this, &MainWindow::onProgress);
  connect(m_controller, &JobController::busyChanged, this, &MainWindow::onBusyChanged);
  connect(
      m_controller, &JobController::stepFinished, this,
      [this](const QString&, const QString& summary) { statusBar()->showMessage(summary, 8000); });
  connect(m_controller, &JobController::failed, this, [this](const QString& message) {
    m_lastError = message;
    statusBar()->showMessage(message, 15000);
  });
  connect(m_controller, &JobController::externalFileEmbedded, this,
          &MainWindow::onExternalEmbedded);

  // The first start's size: 1360×820, within the screen's free area (a 1280×800 laptop, a
  // 1024×768 projector) less room for the window's frame; a saved geometry replaces it. The
  // offscreen and minimal platforms' screens are nominal (800×600), not a user's: there the
  // window keeps its size, as screenshots and tests expect.
  QSize size(1360, 820);
  const QString platform = QGuiApplication::platformName();
  const bool virtualScreen =
      platform == QLatin1String("offscreen") || platform == QLatin1String("minimal");
  if (const QScreen* screen = QGuiApplication::primaryScreen(); screen && !virtualScreen) {
    const QRect free = screen->availableGeometry();
    size = size.boundedTo(QSize(free.width() * 95 / 100, free.height() * 90 / 100));
    resize(size);
    move(free.center() - rect().center());
  } else {
    resize(size);
  }
  restoreSettings();
  updateEmptyStates();
}

MainWindow::~MainWindow() = default;

QWidget* MainWindow::buildWelcome() {
  auto* page = new QWidget;
  auto* outer = new QVBoxLayout(page);
  auto* box = new QWidget;
  box->setFixedWidth(520);  // a fixed width lets the wrapped text compute its height
  auto* layout = new QVBoxLayout(box);
  auto* icon = new QLabel;
  icon->setPixmap(QIcon(QStringLiteral(":/songspace/songspace.png")).pixmap(96, 96));
  icon->setAlignment(Qt::AlignCenter);
  icon->setMinimumHeight(110);
  auto* title = new QLabel(tr("<h2>Explore your music as a map</h2>"));
  title->setAlignment(Qt::AlignCenter);
  auto* text = new QLabel(
      tr("Songspace listens to your music files and learns a space in which songs, artists and "
         "tags that sound alike sit close together. Open a folder of music to start, or try the "
         "demo library. You can also drop a folder onto this window."));
  text->setWordWrap(true);
  text->setAlignment(Qt::AlignCenter);
  auto* open = new QPushButton(tr("Open Music Folder…"));
  auto* demo = new QPushButton(tr("Open Demo Library"));
  open->setDefault(true);
  open->setMinimumHeight(34);
  demo->setMinimumHeight(34);
  auto* buttons = new QHBoxLayout;
  buttons->addStretch();
  buttons->addWidget(open);
  buttons->addWidget(demo);
  buttons->addStretch();
  layout->addWidget(icon);
  layout->addWidget(title);
  layout->addWidget(text);
  layout->addSpacing(12);
  layout->addLayout(buttons);
  outer->addStretch();
  outer->addWidget(box, 0, Qt::AlignHCenter);
  outer->addStretch();
  connect(open, &QPushButton::clicked, this, &MainWindow::chooseMusicFolder);
  connect(demo, &QPushButton::clicked, this, &MainWindow::openDemoLibrary);
  return page;
}

QWidget* MainWindow::buildLeftPanel() {
  auto* panel = new QWidget;
  auto* layout = new QVBoxLayout(panel);
  layout->setContentsMargins(6, 6, 0, 6);
  m_search = new QLineEdit;
  m_search->setPlaceholderText(tr("Search songs, artists, tags"));
  m_search->setClearButtonEnabled(true);
  m_artists = new QListView;
  m_artists->setModel(m_artistModel);
  m_artists->setUniformItemSizes(true);
  m_failedToggle = new QToolButton;
  m_failedToggle->setObjectName(QStringLiteral("failedToggle"));
  m_failedToggle->setCheckable(true);
  m_failedToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  m_failedToggle->setAutoRaise(true);
  m_failedToggle->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  m_failedToggle->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
  m_failedToggle->setToolTip(tr("Files that could not be analysed, with the reason"));
  m_failedList = new QListWidget;
  m_failedList->hide();
  connect(m_failedToggle, &QToolButton::toggled, m_failedList, &QWidget::setVisible);
  // What the model does not learn, each with its reason in plain sight (shown open).
  m_leftOutToggle = new QToolButton;
  m_leftOutToggle->setObjectName(QStringLiteral("leftOutToggle"));
  m_leftOutToggle->setCheckable(true);
  m_leftOutToggle->setChecked(true);
  m_leftOutToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  m_leftOutToggle->setAutoRaise(true);
  m_leftOutToggle->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  m_leftOutToggle->setIcon(style()->standardIcon(QStyle::SP_MessageBoxInformation));
  m_leftOutList = new QListWidget;
  m_leftOutList->setObjectName(QStringLiteral("leftOutList"));
  m_leftOutList->setWordWrap(true);
  m_leftOutList->setTextElideMode(Qt::ElideNone);
  connect(m_leftOutToggle, &QToolButton::toggled, m_leftOutList, &QWidget::setVisible);
  auto* artistsLabel = new QLabel(tr("<b>Artists</b>"));
  layout->addWidget(m_search);
  layout->addWidget(artistsLabel);
  layout->addWidget(m_artists, 3);
  layout->addWidget(m_failedToggle);
  layout->addWidget(m_failedList, 1);
  layout->addWidget(m_leftOutToggle);
  layout->addWidget(m_leftOutList, 1);
  panel->setMinimumWidth(180);
  return panel;
}

void MainWindow::buildMenusAndToolbar() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("Open Music Folder…"), this, &MainWindow::chooseMusicFolder);
  open->setShortcut(QKeySequence::Open);
  file->addAction(tr("Open Demo Library"), this, &MainWindow::openDemoLibrary);
  file->addAction(tr("Open Catalog…"), this, &MainWindow::chooseCatalog);
  file->addSeparator();
  m_rescan = file->addAction(tr("Rescan"), this, &MainWindow::rescan);
  m_rescan->setShortcut(QKeySequence(Qt::Key_F5));
  m_train = file->addAction(tr("Train Model"), this, &MainWindow::trainModel);
  m_train->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
  file->addSeparator();
  QAction* quit = file->addAction(tr("Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  m_undoAutotag = edit->addAction(tr("Undo Auto-tagging"), this, &MainWindow::undoAutotag);
  m_undoAutotag->setShortcut(QKeySequence::Undo);
  m_acceptAutotag =
      edit->addAction(tr("Accept Auto-tagged Values…"), this, &MainWindow::acceptAutotag);
  m_acceptAutotag->setToolTip(
      tr("Make the values the last auto-tagging wrote your own tags: only accepted values are "
         "learned from, and undo no longer takes them back"));
  connect(edit, &QMenu::aboutToShow, this, &MainWindow::updateUndoAutotag);
  edit->addSeparator();
  QAction* preferences = edit->addAction(tr("Preferences…"), this, &MainWindow::showPreferences);
  preferences->setShortcut(QKeySequence::Preferences);
  preferences->setMenuRole(QAction::PreferencesRole);

  QMenu* tools = menuBar()->addMenu(tr("&Tools"));
  m_autotag = tools->addAction(tr("Auto-tag Files…"), this, &MainWindow::autotagFiles);
  m_autotag->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
  m_autotag->setToolTip(
      tr("Write predicted tags into the selected files (all when none is "
         "selected), with a preview and undo"));

  QMenu* view = menuBar()->addMenu(tr("&View"));
  view->addAction(tr("Library"), QKeySequence(Qt::CTRL | Qt::Key_1), this,
                  [this] { setCurrentTab(LibraryTab); });
  view->addAction(tr("Map"), QKeySequence(Qt::CTRL | Qt::Key_2), this,
                  [this] { setCurrentTab(MapTab); });
  view->addAction(tr("Playlists"), QKeySequence(Qt::CTRL | Qt::Key_4), this, [this] {
    setCurrentTab(PlaylistsTab);
    m_playlistsPage->setFocus();
  });
  view->addAction(tr("Find"), QKeySequence::Find, this, [this] {
    m_search->setFocus();
    m_search->selectAll();
  });
  view->addSeparator();
  QAction* dark = view->addAction(tr("Dark Theme"));
  dark->setCheckable(true);
  dark->setChecked(darkAppearanceApplied());
  connect(dark, &QAction::toggled, this, [](bool on) {
    settings::kDarkAppearance.write(on);
    applyAppearance(on);
  });

  view->addSeparator();
  QAction* queue = m_queueDock->toggleViewAction();
  queue->setText(tr("Play Queue"));
  queue->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_3));
  connect(queue, &QAction::triggered, this, [this](bool shown) { m_queueWanted = shown; });
  view->addAction(queue);
  buildPlaybackMenu();

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("About Songspace"), this, [this] { showAboutDialog(this); });

  QToolBar* bar = addToolBar(tr("Navigation"));
  bar->setObjectName(QStringLiteral("navigation"));
  bar->setMovable(false);
  bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  m_back = bar->addAction(style()->standardIcon(QStyle::SP_ArrowBack), tr("Back"), m_history,
                          &NavigationHistory::back);
  m_back->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
  m_forward = bar->addAction(style()->standardIcon(QStyle::SP_ArrowForward), tr("Forward"),
                             m_history, &NavigationHistory::forward);
  m_forward->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Right));
  m_back->setEnabled(false);
  m_forward->setEnabled(false);
  bar->addSeparator();
  m_playPause = bar->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("Play"), this,
                               &MainWindow::togglePlayback);
  m_playPause->setToolTip(tr("Play or pause (Space)"));
  m_playPause->setEnabled(false);
  connect(m_player, &PlayerBar::playingChanged, this, [this](bool playing) {
    m_playPause->setIcon(
        style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    m_playPause->setText(playing ? tr("Pause") : tr("Play"));
  });
  // Space plays unless a text field wants it (the shortcut is ambiguous there and not taken). On
  // a table row that is not playing it starts that row; elsewhere it pauses and resumes.
  auto* space = new QShortcut(QKeySequence(Qt::Key_Space), m_splitter);
  space->setContext(Qt::WidgetWithChildrenShortcut);
  connect(space, &QShortcut::activated, this, [this] {
    const qint64 row = m_table->currentIndex().data(LibraryTableModel::FileIdRole).toLongLong();
    if (m_table->hasFocus() && row > 0 && row != m_player->songFileId()) {
      playSong(row);
    } else {
      togglePlayback();
    }
  });
}

void MainWindow::buildPlaybackMenu() {
  QMenu* menu = menuBar()->addMenu(tr("&Playback"));
  // The table's row actions: shortcuts while the table has focus; the context menu shows them.
  const auto rowAction = [this](const QString& text, const QKeySequence& keys,
                                QueuePlacement placement) {
    auto* action = new QAction(text, m_table);
    action->setShortcut(keys);
    action->setShortcutContext(Qt::WidgetShortcut);
    m_table->addAction(action);
    connect(action, &QAction::triggered, this, [this, placement] {
      playSong(m_table->currentIndex().data(LibraryTableModel::FileIdRole).toLongLong(), placement);
    });
    return action;
  };
  rowAction(tr("Play Now"), QKeySequence(Qt::Key_Return), QueuePlacement::PlayNow)
      ->setObjectName(QStringLiteral("playNow"));
  rowAction(tr("Play Next"), QKeySequence(Qt::SHIFT | Qt::Key_Return), QueuePlacement::PlayNext)
      ->setObjectName(QStringLiteral("playNext"));
  rowAction(tr("Add to Queue"), QKeySequence(Qt::CTRL | Qt::Key_Return), QueuePlacement::AddToQueue)
      ->setObjectName(QStringLiteral("addToQueue"));
  auto* similar = new QAction(tr("Play Similar"), m_table);
  similar->setObjectName(QStringLiteral("playSimilar"));
  similar->setToolTip(tr("Play this song, then an instant mix of songs close to it"));
  m_table->addAction(similar);
  connect(similar, &QAction::triggered, this, [this] {
    playSimilar(m_table->currentIndex().data(LibraryTableModel::FileIdRole).toLongLong());
  });
  auto* path = new QAction(tr("Path to…"), m_table);
  path->setObjectName(QStringLiteral("pathTo"));
  path->setToolTip(tr("A path of songs from this one to a song you choose"));
  m_table->addAction(path);
  connect(path, &QAction::triggered, this, [this] {
    pathFrom(m_table->currentIndex().data(LibraryTableModel::FileIdRole).toLongLong());
  });

  const auto add = [&](const QString& text, const QList<QKeySequence>& keys, auto slot) {
    QAction* action = menu->addAction(text, this, slot);
    action->setShortcuts(keys);
    return action;
  };
  add(tr("Play or Pause"), {QKeySequence(Qt::Key_MediaTogglePlayPause)}, [this] {
    togglePlayback();
  })->setToolTip(tr("Space, when no text field has the focus"));
  add(tr("Next Song"), {QKeySequence(Qt::CTRL | Qt::Key_Right), QKeySequence(Qt::Key_MediaNext)},
      [this] { m_player->next(); });
  add(tr("Previous Song"),
      {QKeySequence(Qt::CTRL | Qt::Key_Left), QKeySequence(Qt::Key_MediaPrevious)},
      [this] { m_player->previous(); });
  menu->addSeparator();
  add(tr("Forward %n Second(s)", nullptr, static_cast<int>(PlayerBar::kSeekStepMs / 1000)),
      {QKeySequence(Qt::SHIFT | Qt::Key_Right)},
      [this] { m_player->seekBy(PlayerBar::kSeekStepMs); });
  add(tr("Back %n Second(s)", nullptr, static_cast<int>(PlayerBar::kSeekStepMs / 1000)),
      {QKeySequence(Qt::SHIFT | Qt::Key_Left)},
      [this] { m_player->seekBy(-PlayerBar::kSeekStepMs); });
  add(tr("Louder"), {QKeySequence(Qt::CTRL | Qt::Key_Plus), QKeySequence(Qt::Key_VolumeUp)},
      [this] { m_player->setVolume(m_player->volume() + 5); });
  add(tr("Quieter"), {QKeySequence(Qt::CTRL | Qt::Key_Minus), QKeySequence(Qt::Key_VolumeDown)},
      [this] { m_player->setVolume(m_player->volume() - 5); });
  menu->addSeparator();
  QAction* shuffle = add(tr("Shuffle"), {QKeySequence(Qt::CTRL | Qt::Key_H)},
                         [this](bool on) { playQueue()->setShuffle(on); });
  shuffle->setCheckable(true);
  connect(playQueue(), &PlayQueue::shuffleChanged, shuffle, &QAction::setChecked);
  add(tr("Change Repeat Mode"), {QKeySequence(Qt::CTRL | Qt::Key_R)},
      [this] { m_player->cycleRepeat(); });
  menu->addSeparator();
  add(tr("Show Playing Song"), {QKeySequence(Qt::CTRL | Qt::Key_J)}, [this] {
    if (m_player->songFileId() > 0) selectSong(m_player->songFileId());
  });
}

void MainWindow::showTableMenu(const QPoint& at) {
  const QModelIndex index = m_table->indexAt(at);
  if (!index.isValid()) return;
  QMenu menu(this);
  menu.addActions(m_table->actions());  // Play Now, Play Next, Add to Queue, Play Similar
  menu.exec(m_table->viewport()->mapToGlobal(at));
}

void MainWindow::buildStatusBar() {
  m_songCount = new QLabel;
  m_songCount->setObjectName(QStringLiteral("songCount"));
  statusBar()->addPermanentWidget(m_songCount);
  connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateSongCount);
  connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateSongCount);
  connect(m_proxy, &QAbstractItemModel::modelReset, this, &MainWindow::updateSongCount);
  connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &MainWindow::updateSongCount);
  m_phase = new QLabel;
  m_progress = new QProgressBar;
  m_progress->setMaximumWidth(220);
  m_progress->setTextVisible(true);
  m_timeLeft = new QLabel;
  m_cancel = new QPushButton(tr("Cancel"));
  m_cancel->setFlat(false);
  connect(m_cancel, &QPushButton::clicked, m_controller, &JobController::cancel);
  statusBar()->addPermanentWidget(m_phase);
  statusBar()->addPermanentWidget(m_progress);
  statusBar()->addPermanentWidget(m_timeLeft);
  statusBar()->addPermanentWidget(m_cancel);
  for (QWidget* w : {static_cast<QWidget*>(m_phase), static_cast<QWidget*>(m_progress),
                     static_cast<QWidget*>(m_timeLeft), static_cast<QWidget*>(m_cancel)}) {
    w->hide();
  }
}

void MainWindow::updateSongCount() {
  const int total = m_tableModel->rowCount();
  const int shown = m_proxy->rowCount();
  m_songCount->setText(shown == total ? tr("%n song(s)", nullptr, total)
                                      : tr("%1 of %n song(s) shown", nullptr, total).arg(shown));
  m_songCount->setVisible(total > 0);
}

void MainWindow::restoreSettings() {
  const QSettings store;
  restoreGeometry(settings::kWindowGeometry.read(store));
  m_splitter->restoreState(settings::kWindowSplitter.read(store));
  m_map->setColorBy(settings::kMapColorBy.read(store));
  restoreState(settings::kWindowState.read(store));
  m_queueWanted = settings::kQueuePanelWanted.read(store);
  m_playerBar->setVisible(m_pages->currentIndex() == 1);
  playQueue()->restore(settings::kPlayQueue.read(store), settings::kPlayQueueCurrent.read(store));
  m_queueDock->hide();
  updateQueueDock();
  m_player->loadCurrent();
  m_playPause->setEnabled(playQueue()->rowCount() > 0);
}

void MainWindow::saveSettings() const {
  QSettings store;
  settings::kWindowGeometry.write(store, saveGeometry());
  settings::kWindowSplitter.write(store, m_splitter->saveState());
  settings::kMapColorBy.write(store, m_map->colorBy());
  settings::kWindowState.write(store, saveState());
  settings::kQueuePanelWanted.write(store, m_queueWanted);
  settings::kPlayQueue.write(store, playQueue()->save());
  settings::kPlayQueueCurrent.write(store, playQueue()->currentRow());
  if (!catalogPath().isEmpty()) settings::kLastCatalog.write(store, catalogPath());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  saveSettings();
  m_controller->cancel();
  event->accept();
}

void MainWindow::updateQueueDock() {
  // Shown once it has songs, and then left open (emptied by Clear, it shows how to fill it).
  if (m_pages->currentIndex() != 1 || !m_queueWanted) {
    m_queueDock->hide();
  } else if (playQueue()->rowCount() > 0) {
    m_queueDock->show();
  }
}

void MainWindow::setCurrentTab(Tab tab) {
  m_tabs->setCurrentIndex(tab);
}

void MainWindow::selectSong(qint64 fileId) {
  if (fileId <= 0) return;
  m_history->visit({Location::Song, fileId, {}});
}

void MainWindow::showArtist(const QString& name) {
  if (name.isEmpty()) return;
  m_history->visit({Location::Artist, 0, name});
}

void MainWindow::showTag(const QString& tag) {
  if (tag.isEmpty()) return;
  m_history->visit({Location::Tag, 0, tag});
}

std::array<BrowsePanel*, 3> MainWindow::browsePanels() const {
  return {m_inspector, m_artistPage, m_tagPage};
}

void MainWindow::showLocation(const Location& location) {
  if (m_syncing) return;
  m_syncing = true;
  if (location.kind == Location::Song) {
    const QModelIndex source = m_tableModel->indexOfFile(location.fileId);
    QModelIndex index = m_proxy->mapFromSource(source);
    if (source.isValid() && !index.isValid()) {
      // Filtered out: clear the filters rather than lose the selection.
      m_search->clear();
      m_artists->setCurrentIndex(m_artistModel->index(0));
      index = m_proxy->mapFromSource(source);
    }
    if (index.isValid()) {
      m_table->selectionModel()->setCurrentIndex(
          index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
      m_table->scrollTo(index);
    }
    m_map->selectSong(location.fileId);
    m_right->setCurrentWidget(m_inspector);
    m_inspector->showSong(location.fileId);
  } else if (location.kind == Location::Artist) {
    // However the artist was reached (a link, the map, Back), the list shows it chosen, and the
    // table its songs.
    if (const QModelIndex artist = m_artistModel->indexOfArtist(location.name); artist.isValid())
      m_artists->setCurrentIndex(artist);
    m_right->setCurrentWidget(m_artistPage);
    m_artistPage->showArtist(location.name);
  } else if (location.kind == Location::Tag) {
    m_right->setCurrentWidget(m_tagPage);
    m_tagPage->showTag(location.name);
  } else {
    m_right->setCurrentWidget(m_inspector);
    if (m_external.contains(location.name)) {
      m_inspector->showExternalFile(location.name, m_external.value(location.name),
                                    m_externalNovelty.value(location.name));
    }
  }
  m_playPause->setEnabled(!m_player->songPath().isEmpty() || location.kind == Location::Song ||
                          location.kind == Location::External);
  m_syncing = false;
}

void MainWindow::syncTableToHistory() {
  if (m_syncing) return;
  const Location location = m_history->current();
  const QModelIndex index = location.kind == Location::Song
                                ? m_proxy->mapFromSource(m_tableModel->indexOfFile(location.fileId))
                                : QModelIndex();
  if (index.isValid() && index.row() == m_table->currentIndex().row()) return;
  m_syncing = true;
  // The song being looked at stays the table's current row while it is shown; when the filter
  // hides it, no other row pretends to be current.
  if (index.isValid()) {
    m_table->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  } else {
    m_table->selectionModel()->clear();
  }
  m_syncing = false;
}

PlayQueue* MainWindow::playQueue() const {
  return m_player->queue();
}

void MainWindow::playSong(qint64 fileId, QueuePlacement placement) {
  const core::SongRow* song = m_snapshot ? m_snapshot->song(fileId) : nullptr;
  if (!song) return;
  playFile(fileId, QString::fromStdString(song->path), placement);
}

QueueItem MainWindow::queueItemOf(qint64 fileId, const QString& path) const {
  const core::SongRow* song = m_snapshot && fileId > 0 ? m_snapshot->song(fileId) : nullptr;
  QString title = song ? QString::fromStdString(song->info.title) : QString();
  if (title.isEmpty()) title = QFileInfo(path).fileName();
  if (song && !song->artistName.empty()) {
    title = tr("%1 — %2").arg(title, QString::fromStdString(song->artistName));
  }
  return {fileId, path, title};
}

void MainWindow::pathFrom(qint64 fileId) {
  if (!m_snapshot || !m_snapshot->hasModel() || m_snapshot->model->rowOfFile(fileId) < 0) {
    statusBar()->showMessage(tr("A path needs a trained model and a song it has placed."), 5000);
    return;
  }
  auto* dialog = new PathDialog(m_snapshot, fileId, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this, [this, dialog] {
    const QList<qint64> path = dialog->pathFileIds();
    // The dialog's snapshot may be older than the window's: a song gone since has no title here.
    const core::SongRow* start = m_snapshot ? m_snapshot->song(path.front()) : nullptr;
    const QString from = QStringLiteral("“%1”").arg(
        start ? queueItemOf(path.front(), QString::fromStdString(start->path)).title : QString());
    if (dialog->action() == PathDialog::Action::Play) {
      std::vector<QueueItem> items;
      for (const qint64 id : path) {
        if (const core::SongRow* song = m_snapshot ? m_snapshot->song(id) : nullptr)
          items.push_back(queueItemOf(id, QString::fromStdString(song->path)));
      }
      playGenerated(std::move(items));
      statusBar()->showMessage(
          tr("Playing a path of %n song(s) from %1.", nullptr, static_cast<int>(path.size()))
              .arg(from),
          8000);
      return;
    }
    const QString chosen = QFileDialog::getSaveFileName(this, tr("Save Path as Playlist"),
                                                        QString(), tr("Playlists (*.m3u8)"));
    if (!chosen.isEmpty()) savePlaylist(chosen, path);
  });
  dialog->open();
}

QString MainWindow::savePlaylist(const QString& file, const QList<qint64>& fileIds) {
  if (!m_snapshot) return {};
  const QString target = library::m3u8FileName(file);
  std::vector<const core::SongRow*> songs;
  for (const qint64 id : fileIds) {
    if (const core::SongRow* song = m_snapshot->song(id)) songs.push_back(song);
  }
  if (const base::Status written = library::writePlaylistM3u8(target, songs); !written.ok()) {
    QMessageBox box(QMessageBox::Warning, tr("Save Playlist"),
                    tr("Cannot save %1: %2").arg(target, QString::fromStdString(written.message)),
                    QMessageBox::Ok, this);
    fitTitle(box);
    box.exec();
    return {};
  }
  QString absolute = QFileInfo(target).absoluteFilePath();
  statusBar()->showMessage(
      tr("Saved %n song(s) as the playlist %1", nullptr, static_cast<int>(songs.size()))
          .arg(absolute),
      15000);
  QList<qint64> written;
  for (const core::SongRow* song : songs) written.append(song->fileId);
  m_controller->recordPlaylist(absolute, written);
  return absolute;
}

void MainWindow::playSimilar(qint64 fileId) {
  playMix({Location::Song, fileId, {}});
}

void MainWindow::playSongs(const QList<qint64>& fileIds, QueuePlacement placement) {
  std::vector<QueueItem> items;
  for (const qint64 id : fileIds) {
    if (const core::SongRow* song = m_snapshot ? m_snapshot->song(id) : nullptr)
      items.push_back(queueItemOf(id, QString::fromStdString(song->path)));
  }
  if (items.empty()) return;
  m_playPause->setEnabled(true);
  if (placement == QueuePlacement::PlayNow) {
    m_player->play(items.front().fileId, items.front().path, items.front().title);
    playQueue()->add({items.begin() + 1, items.end()}, QueuePlacement::PlayNext);
  } else {
    playQueue()->add(items, placement);
  }
  statusBar()->showMessage(
      placement == QueuePlacement::PlayNow
          ? tr("Playing %n song(s).", nullptr, static_cast<int>(items.size()))
          : tr("%n song(s) added to the queue.", nullptr, static_cast<int>(items.size())),
      5000);
}

void MainWindow::playMixFromSongs(const QList<qint64>& fileIds) {
  if (!m_snapshot || !m_snapshot->hasModel() || !m_snapshot->discovery) {
    statusBar()->showMessage(tr("A mix needs a trained model."), 5000);
    return;
  }
  const library::ModelSession& session = *m_snapshot->model;
  Eigen::VectorXf sum = Eigen::VectorXf::Zero(session.model().dimension());
  int count = 0;
  for (const qint64 id : fileIds) {
    if (const int row = session.rowOfFile(id); row >= 0) {
      sum += session.songEmbeddings().col(row);
      ++count;
    }
  }
  if (count == 0) return;
  startMix(sum / static_cast<float>(count), -1,
           tr("the %n selected song(s)", nullptr, static_cast<int>(fileIds.size())));
}

void MainWindow::playMix(const Location& seed) {
  if (!m_snapshot || !m_snapshot->hasModel() || !m_snapshot->discovery) {
    statusBar()->showMessage(tr("A mix needs a trained model."), 5000);
    return;
  }
  const library::ModelSession& session = *m_snapshot->model;
  const core::JointModel& model = session.model();
  // The seed point: the song's embedding (and the mix starts with it), or the artist's or tag's
  // column of the model (the mix starts with the song nearest to it).
  Eigen::VectorXf point;
  int startRow = -1;
  QString seedName = seed.name;
  if (seed.kind == Location::Song) {
    startRow = session.rowOfFile(seed.fileId);
    if (startRow < 0) return;
    point = session.songEmbeddings().col(startRow);
  } else if (seed.kind == Location::Artist || seed.kind == Location::Tag) {
    const int index = seed.kind == Location::Artist ? model.artistIndex(seed.name.toStdString())
                                                    : model.tagIndex(seed.name.toStdString());
    if (index < 0) {
      statusBar()->showMessage(tr("The model does not know “%1”: train again.").arg(seed.name),
                               5000);
      return;
    }
    point = seed.kind == Location::Artist ? Eigen::VectorXf(model.A.col(index))
                                          : Eigen::VectorXf(model.T.col(index));
  } else {
    return;
  }
  if (seed.kind == Location::Song) {
    const core::SongRow* song = m_snapshot->song(seed.fileId);
    seedName =
        song ? queueItemOf(seed.fileId, QString::fromStdString(song->path)).title : QString();
  }
  startMix(point, startRow, QStringLiteral("“%1”").arg(seedName));
}

void MainWindow::startMix(const Eigen::VectorXf& point, int startRow, const QString& from) {
  const library::ModelSession& session = *m_snapshot->model;
  const std::vector<core::Scored> mix = core::instantMix(
      session.songEmbeddings(), point, startRow, m_snapshot->discovery->facts,
      m_snapshot->discovery->duplicates, core::MixOptions{}, &session.songSearch());
  std::vector<QueueItem> items;
  for (const core::Scored& entry : mix) {
    const qint64 id = session.fileIdOfRow(entry.index);
    if (const core::SongRow* song = m_snapshot->song(id))
      items.push_back(queueItemOf(id, QString::fromStdString(song->path)));
  }
  if (items.empty()) return;
  const int count = static_cast<int>(items.size());
  playGenerated(std::move(items));
  statusBar()->showMessage(tr("Playing a mix of %n song(s) from %1.", nullptr, count).arg(from),
                           8000);
}

void MainWindow::playGenerated(std::vector<QueueItem> items) {
  if (items.empty()) return;
  for (QueueItem& item : items) item.generated = true;
  playQueue()->removeUpcomingGenerated();
  m_playPause->setEnabled(true);
  m_player->play(items.front());
  playQueue()->add({items.begin() + 1, items.end()}, QueuePlacement::PlayNext);
}

void MainWindow::playFile(qint64 fileId, const QString& path, QueuePlacement placement) {
  const QueueItem item = queueItemOf(fileId, path);
  const QString& title = item.title;
  m_playPause->setEnabled(true);
  if (placement == QueuePlacement::PlayNow) {
    m_player->play(fileId, path, title);
    return;
  }
  playQueue()->add({item}, placement);
  statusBar()->showMessage(placement == QueuePlacement::PlayNext
                               ? tr("“%1” plays next.").arg(title)
                               : tr("“%1” was added to the queue.").arg(title),
                           5000);
}

void MainWindow::togglePlayback() {
  if (!m_player->songPath().isEmpty() || playQueue()->rowCount() > 0) {
    m_player->togglePlay();
    return;
  }
  const Location location = m_history->current();  // nothing loaded yet: play what is shown
  if (location.kind == Location::Song) {
    playSong(location.fileId);
  } else if (location.kind == Location::External && !location.name.isEmpty()) {
    playFile(0, location.name, QueuePlacement::PlayNow);
  }
}

}  // namespace songspace::ui
