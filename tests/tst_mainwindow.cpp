// The explorer window, offscreen, on a real trained library: loading without blocking, selection
// sync table ↔ map ↔ inspector, back/forward, and the welcome state.
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDBusObjectPath>
#include <QDateTime>
#include <QDir>
#include <QDropEvent>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <ctime>
#include <functional>
#include <optional>

#include <QListView>
#include <QListWidget>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QStatusBar>
#include "bench/synthcatalog/synthcatalog.h"
#include "core/catalog/catalog.h"
#include "core/library/modelsession.h"
#include "core/library/scanjob.h"
#include "core/library/trainjob.h"
#include "modalanswerer.h"
#include "synthlibrary.h"
#include "tests/coverimages.h"
#include "ui/artistlistmodel.h"
#include "ui/artistpage.h"
#include "ui/coverart.h"
#include "ui/englishplurals.h"
#include "ui/hitlist.h"
#include "ui/inspectorpanel.h"
#include "ui/librarytablemodel.h"
#include "ui/mainwindow.h"
#include "ui/mappanel.h"
#include "ui/mapview.h"
#include "ui/mpris.h"
#include "ui/pathdialog.h"
#include "ui/playerbar.h"
#include "ui/playlistmodels.h"
#include "ui/playlistspage.h"
#include "ui/playqueue.h"
#include "ui/preferencesdialog.h"
#include "ui/queuepanel.h"
#include "ui/scorebar.h"
#include "ui/settingskeys.h"
#include "ui/tagpage.h"

using namespace songspace;
using ui::MainWindow;

namespace {

constexpr int kLoadTimeoutMs = 30'000;

qint64 currentTableFile(const MainWindow& window) {
  return window.libraryView()->currentIndex().data(ui::LibraryTableModel::FileIdRole).toLongLong();
}

// Whether `widget` lies horizontally inside `viewport` (its left and right edges in view).
bool horizontallyInside(const QWidget* widget, const QWidget* viewport) {
  const int left = widget->mapTo(viewport, QPoint(0, 0)).x();
  return left >= 0 && left + widget->width() <= viewport->width();
}

// Issue 14: at 1024×700 nothing in the inspector may hide behind a horizontal scroll bar: every
// percentage and bar whole and in view, every entry within the panel (elided, whole text in its
// tooltip).
void verifyInspectorFits(ui::InspectorPanel* inspector) {
  auto* scroll = inspector->findChild<QScrollArea*>();
  QVERIFY(scroll);
  QVERIFY(!scroll->horizontalScrollBar()->isVisible());
  const QWidget* viewport = scroll->viewport();
  const QList<QLabel*> percents = inspector->findChildren<QLabel*>(QStringLiteral("percent"));
  QVERIFY(!percents.isEmpty());
  for (const QLabel* percent : percents) {
    QVERIFY2(horizontallyInside(percent, viewport), qPrintable(percent->text()));
    QVERIFY2(percent->sizeHint().width() <= percent->width(), qPrintable(percent->text()));
  }
  for (const ui::ScoreBar* bar : inspector->findChildren<ui::ScoreBar*>()) {
    QVERIFY(horizontallyInside(bar, viewport));
    QCOMPARE(bar->width(), bar->sizeHint().width());
  }
  for (const auto* link : inspector->findChildren<ui::LinkButton*>()) {
    QVERIFY2(horizontallyInside(link, viewport), qPrintable(link->toolTip()));
    const QString shown = link->shownText();
    if (link->width() < link->sizeHint().width()) {
      QVERIFY2(shown.endsWith(QStringLiteral("…")), qPrintable(shown));
    } else {
      QCOMPARE(shown, link->text());
    }
  }
}

// The library table's columns all in view, none squeezed to nothing.
void verifyColumnsFit(const QTableView* table) {
  QVERIFY(!table->horizontalScrollBar()->isVisible());
  for (int column = 0; column < ui::LibraryTableModel::ColumnCount; ++column) {
    const int left = table->columnViewportPosition(column);
    QVERIFY2(left >= 0 && left + table->columnWidth(column) <= table->viewport()->width(),
             qPrintable(QString::number(column)));
    QVERIFY(table->columnWidth(column) >= table->fontMetrics().averageCharWidth() * 4);
  }
  // Together they fill the table's width exactly: no gap, nothing beyond the edge.
  int total = 0;
  for (int column = 0; column < ui::LibraryTableModel::ColumnCount; ++column)
    total += table->columnWidth(column);
  QCOMPARE(total, table->viewport()->width());
  // Duration shows its values whole.
  QVERIFY(table->columnWidth(ui::LibraryTableModel::Duration) >=
          table->fontMetrics().horizontalAdvance(QStringLiteral("0:00")));
}

QList<QToolButton*> entries(QWidget* panel, const QString& prefix) {
  QList<QToolButton*> out;
  for (QToolButton* button : panel->findChildren<QToolButton*>()) {
    if (button->objectName().startsWith(prefix)) out << button;
  }
  return out;
}

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void init();
  void welcomeWithoutLibrary();
  void opensWithoutBlockingAndSelectsFromTable();
  void mapClickSelectsInTable();
  void backAndForward();
  void backAndForwardSurviveRetrain();
  void reloadKeepsTheArtistListsChoice();
  void droppedFileIsPlacedWithoutRetraining();
  void browsingLeavesPlaybackAlone();
  void enterDoubleClickAndSpacePlay();
  void searchKeepsCurrentSongAndHistory();
  void keyboardReachesPanesAndLinks();
  void queueFromTableAndLinksSurvivesRestart();
  void playSimilarQueuesAMix();
  void pathToPlaysAndSavesAPath();
  void tagLinksOpenTheTagPage();
  void mapSelectionIsVisibleAndPlayable();
  void narrowWindowKeepsScoresAndColumnsInView();
  void preferencesEditReadingRules();
  void coverArtInEveryViewAndMpris();
  void playlistsTab();
  void tenThousandSongsFillTheTable();
  void failedFilesSayWhy();

 private:
  void openLoaded(MainWindow& window);
  QTemporaryDir m_dir;
  QString m_catalogPath;
};

void MainWindowTest::initTestCase() {
  QStandardPaths::setTestModeEnabled(true);                  // QSettings in a test location
  ui::installEnglishPlurals(*QCoreApplication::instance());  // as the GUI's main does
  QVERIFY(m_dir.isValid());
  const QString music = m_dir.filePath(QStringLiteral("music"));
  QCOMPARE(testing::makeSynthLibrary(music).size(), 12);
  m_catalogPath = m_dir.filePath(QStringLiteral("lib.sqlite"));
  auto catalog = core::Catalog::open(QFile::encodeName(m_catalogPath).toStdString());
  QVERIFY(catalog);
  library::ScanOptions scan;
  scan.roots = {QFile::encodeName(music).toStdString()};
  QCOMPARE(library::runScan(*catalog, scan).analyzed, 12);
  // A tag on one song only: training leaves it out, and the window says why.
  QVERIFY(
      catalog->addTag(catalog->songs().front().fileId, "Death Metal", core::TagSource::User).ok());
  library::TrainJobOptions train;
  train.train.epochs = 5;
  QVERIFY(library::runTrainJob(*catalog, m_catalogPath, train).status.ok());
}

void MainWindowTest::init() {
  QSettings().clear();
  // The map's first-use help would take the first click on the map (tst_mapview tests it).
  ui::settings::kMapHelpSeen.write(true);
}

void MainWindowTest::openLoaded(MainWindow& window) {
  window.jobController()->setOptions({1, 5, 150});
  window.show();
  window.activateWindow();
  QVERIFY(QTest::qWaitForWindowActive(&window));
  // The GUI thread's own CPU time, not wall time: on a loaded machine the wall clock also counts
  // other processes, while a blocking open (SQLite, features, the model) costs this thread.
  const auto threadCpuMs = [] {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
  };
  // The table fills from the library before the model has loaded, and the model's snapshot
  // keeps its rows: (has a model, table rows) at each snapshot shown.
  QList<std::pair<bool, int>> shown;
  const QMetaObject::Connection watch =
      QObject::connect(&window, &MainWindow::snapshotShown, &window, [&window, &shown] {
        shown.append({window.snapshot()->hasModel(), window.libraryView()->model()->rowCount()});
      });
  const double before = threadCpuMs();
  window.openCatalog(m_catalogPath);
  QVERIFY2(threadCpuMs() - before < 100, "openCatalog blocked the GUI thread");
  QVERIFY(window.isBusy());
  QTRY_VERIFY_WITH_TIMEOUT(window.isFullyLoaded(), kLoadTimeoutMs);
  QObject::disconnect(watch);
  QCOMPARE(shown.size(), 2);
  QCOMPARE(shown.first(), std::pair(false, 12));
  QCOMPARE(shown.last(), std::pair(true, 12));
  QVERIFY(window.snapshot()->hasModel());
  QCOMPARE(window.libraryView()->model()->rowCount(), 12);
  QVERIFY(window.mapPanel()->hasLayout());
  QVERIFY(window.mapPanel()->isRefined());
}

void MainWindowTest::welcomeWithoutLibrary() {
  MainWindow window;
  window.show();
  window.startUp(/*offerFirstRun=*/false);
  QVERIFY(window.catalogPath().isEmpty());
  QVERIFY(window.welcomePage()->isVisible());
  QVERIFY(!window.libraryView()->isVisible());
  QStringList buttons;
  for (auto* button : window.welcomePage()->findChildren<QPushButton*>()) buttons << button->text();
  QVERIFY(buttons.contains(QStringLiteral("Open Music Folder…")));
  QVERIFY(buttons.contains(QStringLiteral("Open Demo Library")));

  // A new, empty catalog (songspace --db new.sqlite) is a first run too: the welcome page with
  // its buttons, not an empty table (issue 14).
  window.jobController()->setOptions({1, 5, 150});
  window.openCatalog(m_dir.filePath(QStringLiteral("new.sqlite")));
  QTRY_VERIFY_WITH_TIMEOUT(window.isFullyLoaded() && window.snapshot(), kLoadTimeoutMs);
  QVERIFY(window.snapshot()->songs.empty());
  QVERIFY(window.welcomePage()->isVisible());
  QVERIFY(!window.libraryView()->isVisible());
}

// Files that could not be analysed are listed under a toggle that tells the too short (a sound
// effect, nothing wrong with it) from the failed (corrupt, unreadable).
void MainWindowTest::failedFilesSayWhy() {
  // A catalog holding only failures of these codes; empty when it cannot be written.
  const auto open = [this](const QString& name,
                           const std::vector<base::ErrorCode>& codes) -> QString {
    QString path = m_dir.filePath(name);
    auto catalog = core::Catalog::open(QFile::encodeName(path).toStdString());
    if (!catalog) return {};
    int n = 0;
    for (const base::ErrorCode code : codes) {
      const std::string file = "/m/effect-" + std::to_string(++n) + ".ogg";
      if (!catalog->storeFailure(file, {1, 1}, 1, static_cast<int>(code), "reason").ok()) return {};
    }
    return path;
  };
  const QString mixed =
      open(QStringLiteral("failed-mixed.sqlite"),
           {base::ErrorCode::TooShort, base::ErrorCode::Corrupt, base::ErrorCode::TooShort});
  const QString shortOnly = open(QStringLiteral("failed-short.sqlite"),
                                 {base::ErrorCode::TooShort, base::ErrorCode::TooShort});
  const QString brokenOnly =
      open(QStringLiteral("failed-broken.sqlite"), {base::ErrorCode::NotAudio});
  QVERIFY(!mixed.isEmpty() && !shortOnly.isEmpty() && !brokenOnly.isEmpty());
  for (const auto& [path, text] : {std::pair{mixed, QStringLiteral("Failed (1), too short (2)")},
                                   std::pair{shortOnly, QStringLiteral("Too short to analyse (2)")},
                                   std::pair{brokenOnly, QStringLiteral("Failed (1)")}}) {
    MainWindow window;
    window.jobController()->setOptions({1, 5, 150});
    window.show();
    window.openCatalog(path);
    QTRY_VERIFY_WITH_TIMEOUT(window.isFullyLoaded() && window.snapshot(), kLoadTimeoutMs);
    auto* toggle = window.findChild<QToolButton*>(QStringLiteral("failedToggle"));
    QVERIFY(toggle);
    QCOMPARE(toggle->text(), text);
    QVERIFY(toggle->isVisible());
  }
}

void MainWindowTest::opensWithoutBlockingAndSelectsFromTable() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  QVERIFY(!window.welcomePage()->isVisible());
  // What training left out is listed, open, with the reason.
  auto* leftOutToggle = window.findChild<QToolButton*>(QStringLiteral("leftOutToggle"));
  auto* leftOutList = window.findChild<QListWidget*>(QStringLiteral("leftOutList"));
  QVERIFY(leftOutToggle && leftOutList);
  QVERIFY(leftOutToggle->isVisible() && leftOutList->isVisible());
  QCOMPARE(leftOutToggle->text(), QStringLiteral("Not learned (1)"));
  QCOMPARE(leftOutList->count(), 1);
  QVERIFY2(leftOutList->item(0)->text().startsWith(QStringLiteral("Tag “death metal”: on 1 song;")),
           qPrintable(leftOutList->item(0)->text()));
  leftOutToggle->click();  // folds away
  QVERIFY(!leftOutList->isVisible());

  const QModelIndex row = window.libraryView()->model()->index(3, 0);
  const qint64 fileId = row.data(ui::LibraryTableModel::FileIdRole).toLongLong();
  QVERIFY(fileId > 0);
  window.libraryView()->setCurrentIndex(row);
  QCOMPARE(window.inspector()->currentFileId(), fileId);
  QCOMPARE(window.mapPanel()->view()->selectedSong(), static_cast<int>(fileId));
  QCOMPARE(window.history()->current().fileId, fileId);
  QCoreApplication::processEvents();
  // The inspector shows the model's predictions: tags and similar songs, each clickable.
  QVERIFY(!entries(window.inspector(), QStringLiteral("tag:")).isEmpty());
  const QList<QToolButton*> similar = entries(window.inspector(), QStringLiteral("song:"));
  QVERIFY(!similar.isEmpty());
  const qint64 other = similar.first()->objectName().section(QLatin1Char(':'), 1).toLongLong();
  QVERIFY(other != fileId);
  similar.first()->click();  // walking the collection moves the table too
  QCOMPARE(currentTableFile(window), other);
  QCOMPARE(window.inspector()->currentFileId(), other);
  QCOMPARE(window.history()->size(), 2);
}

void MainWindowTest::mapClickSelectsInTable() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  window.setCurrentTab(MainWindow::MapTab);
  ui::EmbeddingMapView* view = window.mapPanel()->view();
  QTRY_VERIFY(view->isVisible() && !view->isAnimating());
  view->fitAll();
  // A song whose point has no other song within the hit radius, so the click is unambiguous.
  const auto& points = view->scene().points();
  int target = -1;
  for (const ui::MapPoint& point : points) {
    const QPoint at = view->toView(point.pos).toPoint();
    if (view->rect().contains(at) && view->songAt(at) == point.id) {
      target = point.id;
      QSignalSpy tableMoved(window.libraryView()->selectionModel(),
                            &QItemSelectionModel::currentRowChanged);
      QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, at);
      QCOMPARE(tableMoved.count(), 1);
      break;
    }
  }
  QVERIFY(target > 0);
  QCOMPARE(currentTableFile(window), static_cast<qint64>(target));
  QCOMPARE(window.inspector()->currentFileId(), static_cast<qint64>(target));
  QCOMPARE(view->selectedSong(), target);
}

namespace {
// Visits the snapshot's 1st and 6th songs, then the 6th one's artist: {a, b, artist}.
struct Visited {
  qint64 a;
  qint64 b;
  QString artist;
};
Visited visitTwoSongsAndAnArtist(MainWindow& window) {
  Visited visited{window.snapshot()->songs.at(0).fileId, window.snapshot()->songs.at(5).fileId,
                  QString::fromStdString(window.snapshot()->songs.at(5).artistName)};
  window.selectSong(visited.a);
  window.selectSong(visited.b);
  window.showArtist(visited.artist);
  return visited;
}
}  // namespace

void MainWindowTest::backAndForward() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  const auto [a, b, artist] = visitTwoSongsAndAnArtist(window);
  auto* right = qobject_cast<QStackedWidget*>(window.artistPage()->parentWidget());
  QVERIFY(right);
  QCOMPARE(right->currentWidget(), window.artistPage());
  QCOMPARE(window.artistPage()->currentArtist(), artist);
  // The artist list shows it chosen (issue 14: a link to an artist left the list alone).
  QCOMPARE(window.artistList()->currentIndex().data(ui::ArtistListModel::NameRole).toString(),
           artist);

  QVERIFY(window.history()->canGoBack());
  QTest::keyClick(&window, Qt::Key_Left, Qt::AltModifier);  // Back
  QCOMPARE(right->currentWidget(), window.inspector());
  QCOMPARE(currentTableFile(window), b);
  QVERIFY(window.history()->back());
  QCOMPARE(currentTableFile(window), a);
  QCOMPARE(window.inspector()->currentFileId(), a);
  QCOMPARE(window.mapPanel()->view()->selectedSong(), static_cast<int>(a));
  QVERIFY(!window.history()->canGoBack());
  QTest::keyClick(&window, Qt::Key_Right, Qt::AltModifier);  // Forward
  QCOMPARE(currentTableFile(window), b);
  QCOMPARE(window.history()->size(), 3);  // moving through history adds nothing
}

// Issue 15: a retrain (a new model, a new snapshot, a new map) and a reload of the same catalog
// (after an auto-tag apply, undo or accept) leave Back/Forward as they were, but for the places
// the new snapshot lacks.
void MainWindowTest::backAndForwardSurviveRetrain() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  const auto [a, b, artist] = visitTwoSongsAndAnArtist(window);
  QVERIFY(window.history()->back());  // at b, the artist ahead
  const int size = window.history()->size();
  const auto before = window.snapshot();

  QSignalSpy done(window.jobController(), &ui::JobController::finished);
  window.jobController()->train();
  QVERIFY(done.wait(kLoadTimeoutMs));
  QTRY_VERIFY_WITH_TIMEOUT(window.isFullyLoaded(), kLoadTimeoutMs);
  QVERIFY(window.snapshot() != before);  // the retrained model's snapshot is shown
  QVERIFY(window.mapPanel()->isRefined());

  QCOMPARE(window.history()->size(), size);
  QCOMPARE(window.history()->current(), (ui::Location{ui::Location::Song, b, {}}));
  QCOMPARE(currentTableFile(window), b);
  QVERIFY(window.history()->canGoForward());
  QTest::keyClick(&window, Qt::Key_Left, Qt::AltModifier);  // Back
  QCOMPARE(currentTableFile(window), a);
  QCOMPARE(window.inspector()->currentFileId(), a);
  QVERIFY(window.history()->forward());
  QVERIFY(window.history()->forward());
  QCOMPARE(window.artistPage()->currentArtist(), artist);

  // Reloaded: the history stays, without a song and a tag that this library does not have.
  constexpr qint64 kNoSuchSong = 1'000'000'000;
  window.selectSong(kNoSuchSong);
  window.showTag(QStringLiteral("no such tag"));
  window.selectSong(b);
  QCOMPARE(window.history()->size(), size + 3);
  window.openCatalog(m_catalogPath);
  QTRY_VERIFY_WITH_TIMEOUT(window.isFullyLoaded(), kLoadTimeoutMs);
  QCOMPARE(window.history()->size(), size + 1);  // a, b, the artist, b
  QCOMPARE(window.history()->current(), (ui::Location{ui::Location::Song, b, {}}));
  QCOMPARE(currentTableFile(window), b);
  QVERIFY(window.history()->back());
  QCOMPARE(window.artistPage()->currentArtist(), artist);
  QVERIFY(window.history()->back());
  QVERIFY(window.history()->back());
  QCOMPARE(currentTableFile(window), a);
}

// A reload (after an auto-tag apply, undo or accept) while an artist's page is shown leaves the
// artist list as the user chose it: "All artists" after visiting an artist stays "All artists",
// with every song in the table (a new user's trial: the list jumped to "Maxstack (1)"); an artist
// chosen in the list stays chosen.
void MainWindowTest::reloadKeepsTheArtistListsChoice() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  const auto visited = visitTwoSongsAndAnArtist(window);
  QCOMPARE(window.artistPage()->currentArtist(), visited.artist);
  QAbstractItemModel* table = window.libraryView()->model();
  const int artistRows = table->rowCount();
  window.artistList()->setCurrentIndex(window.artistList()->model()->index(0, 0));  // All artists
  const int allRows = table->rowCount();
  QVERIFY(allRows > artistRows);
  QCOMPARE(window.artistPage()->currentArtist(), visited.artist);  // the page stays
  window.openCatalog(m_catalogPath);
  QTRY_VERIFY_WITH_TIMEOUT(window.isFullyLoaded(), kLoadTimeoutMs);
  QCOMPARE(window.artistList()->currentIndex().row(), 0);
  QCOMPARE(table->rowCount(), allRows);
  QCOMPARE(window.artistPage()->currentArtist(), visited.artist);
  // Chosen in the list, an artist stays chosen across the reload.
  const QModelIndex second = window.artistList()->model()->index(2, 0);
  const QString chosen = second.data(ui::ArtistListModel::NameRole).toString();
  window.artistList()->setCurrentIndex(second);
  const int chosenRows = table->rowCount();
  window.openCatalog(m_catalogPath);
  QTRY_VERIFY_WITH_TIMEOUT(window.isFullyLoaded(), kLoadTimeoutMs);
  QCOMPARE(window.artistList()->currentIndex().data(ui::ArtistListModel::NameRole).toString(),
           chosen);
  QCOMPARE(table->rowCount(), chosenRows);
}

// Cold start: a file that is not in the library, dropped on the window, is analysed and placed in
// the space by its audio alone; the inspector shows its predictions and nothing is retrained.
void MainWindowTest::droppedFileIsPlacedWithoutRetraining() {
  const QString outside = m_dir.filePath(QStringLiteral("outside"));
  const QStringList files = testing::makeSynthLibrary(outside, 1, 2.0);
  QVERIFY(!files.isEmpty());
  const QString& dropped = files.front();
  const QString modelPath = m_catalogPath + QStringLiteral(".model");
  const QDateTime modelTime = QFileInfo(modelPath).lastModified();

  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  const int songsBefore = static_cast<int>(window.snapshot()->songs.size());
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(dropped)});
  // As a desktop drag delivers it: enter (which makes the window the drop target), then drop.
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window, &enter);
  QVERIFY(enter.isAccepted());
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window, &drop);

  QTRY_VERIFY_WITH_TIMEOUT(!entries(window.inspector(), QStringLiteral("tag:")).isEmpty() &&
                               !entries(window.inspector(), QStringLiteral("song:")).isEmpty(),
                           kLoadTimeoutMs);
  bool named = false;
  for (const QLabel* label : window.inspector()->findChildren<QLabel*>()) {
    // The shown name may carry zero-width break opportunities (it wraps, never widens the panel).
    named = named || label->text().remove(QChar(0x200B)).contains(QFileInfo(dropped).fileName());
  }
  QVERIFY(named);
  QCOMPARE(static_cast<int>(window.snapshot()->songs.size()), songsBefore);  // not scanned in
  QCOMPARE(QFileInfo(modelPath).lastModified(), modelTime);                  // not retrained
}

// Playing one song while walking around the collection: selecting rows (mouse and ↓), clicking a
// similar song, Back and the map never change what the player holds or restart it.
void MainWindowTest::browsingLeavesPlaybackAlone() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  QTableView* table = window.libraryView();
  const qint64 playing =
      table->model()->index(0, 0).data(ui::LibraryTableModel::FileIdRole).toLongLong();
  window.playSong(playing);
  ui::PlayerBar* player = window.playerBar();
  QCOMPARE(player->songFileId(), playing);
  const QString path = player->songPath();
  QVERIFY(path.endsWith(QStringLiteral(".wav")));
  QVERIFY(player->songTitle().contains(QStringLiteral(" — ")));  // title — artist
  // MPRIS (not on any bus here) tells the desktop the catalog's tags of the playing song.
  const core::SongRow* song = window.snapshot()->song(playing);
  QVERIFY(song && !song->info.title.empty() && !song->info.album.empty());
  const QVariantMap metadata = window.mpris()->metadata();
  QCOMPARE(metadata.value(QStringLiteral("xesam:title")).toString(),
           QString::fromStdString(song->info.title));
  QCOMPARE(metadata.value(QStringLiteral("xesam:artist")).toStringList(),
           QStringList{QString::fromStdString(song->info.artist)});
  QCOMPARE(metadata.value(QStringLiteral("xesam:album")).toString(),
           QString::fromStdString(song->info.album));
  QCOMPARE(metadata.value(QStringLiteral("mpris:trackid")).value<QDBusObjectPath>().path(),
           QStringLiteral("/org/songspace/song/%1").arg(playing));

  table->setFocus();
  table->setCurrentIndex(table->model()->index(2, 0));
  QTest::keyClick(table, Qt::Key_Down);
  const qint64 looked = currentTableFile(window);
  QVERIFY(looked != playing);
  QCOMPARE(window.inspector()->currentFileId(), looked);
  QCoreApplication::processEvents();
  const QList<QToolButton*> similar = entries(window.inspector(), QStringLiteral("song:"));
  QVERIFY(!similar.isEmpty());
  similar.first()->click();
  window.selectSong(window.snapshot()->songs.back().fileId);
  QVERIFY(window.history()->back());
  QCOMPARE(player->songFileId(), playing);
  QCOMPARE(player->songPath(), path);

  // The player's title shows the playing song again, as a user navigation.
  auto* title = player->findChild<QToolButton*>(QStringLiteral("playingSong"));
  QVERIFY(title && title->isEnabled());
  title->click();
  QCOMPARE(window.inspector()->currentFileId(), playing);
  QCOMPARE(currentTableFile(window), playing);
  QCOMPARE(window.history()->current().fileId, playing);
  QVERIFY(!window.history()->canGoForward());  // a visit, as a click on a link
  QCOMPARE(player->songFileId(), playing);
}

void MainWindowTest::enterDoubleClickAndSpacePlay() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  QTableView* table = window.libraryView();
  ui::PlayerBar* player = window.playerBar();
  QCOMPARE(player->songFileId(), 0);
  table->setFocus();
  table->setCurrentIndex(table->model()->index(1, 0));
  QCOMPARE(player->songFileId(), 0);  // selecting plays nothing
  QTest::keyClick(table, Qt::Key_Return);
  QCOMPARE(player->songFileId(), currentTableFile(window));

  const QModelIndex third = table->model()->index(3, 0);
  const QRect rect = table->visualRect(third);
  // Through the window, as the platform delivers it: press, release, press (a double click).
  const QPoint at = table->viewport()->mapTo(&window, rect.center());
  QTest::mouseDClick(window.windowHandle(), Qt::LeftButton, Qt::NoModifier, at);
  QCOMPARE(player->songFileId(), third.data(ui::LibraryTableModel::FileIdRole).toLongLong());

  table->setCurrentIndex(table->model()->index(5, 0));
  QTest::keyClick(table, Qt::Key_Space);
  QCOMPARE(player->songFileId(), currentTableFile(window));

  // The inspector's Play button plays the song it shows.
  window.selectSong(window.snapshot()->songs.at(7).fileId);
  auto* play = window.inspector()->findChild<QPushButton*>(QStringLiteral("playSong"));
  QVERIFY(play);
  play->click();
  QCOMPARE(player->songFileId(), window.snapshot()->songs.at(7).fileId);
}

// Typing a search that hides the song being looked at neither jumps to a neighbour nor adds
// history; the song stays in the inspector and is the table's current row again when shown.
void MainWindowTest::searchKeepsCurrentSongAndHistory() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  QTableView* table = window.libraryView();
  table->setCurrentIndex(table->model()->index(4, 0));
  const qint64 looked = currentTableFile(window);
  const core::SongRow* song = window.snapshot()->song(looked);
  QVERIFY(song);
  QString otherArtist;
  for (const core::SongRow& other : window.snapshot()->songs) {
    if (other.artistName != song->artistName)
      otherArtist = QString::fromStdString(other.artistName);
  }
  QVERIFY(!otherArtist.isEmpty());
  window.playSong(looked);
  const int historySize = window.history()->size();
  QSignalSpy visits(window.history(), &ui::NavigationHistory::currentChanged);

  window.searchField()->setFocus();
  QTest::keyClicks(window.searchField(), otherArtist);  // one filter step per key
  QVERIFY(table->model()->rowCount() > 0);
  QVERIFY(table->model()->rowCount() < 12);
  QCOMPARE(visits.count(), 0);
  QCOMPARE(window.history()->size(), historySize);
  QCOMPARE(window.inspector()->currentFileId(), looked);
  QVERIFY(!table->currentIndex().isValid());  // no other row pretends to be current
  QCOMPARE(window.playerBar()->songFileId(), looked);
  // The status bar says how many songs the filter shows, of how many.
  auto* count = window.statusBar()->findChild<QLabel*>(QStringLiteral("songCount"));
  QVERIFY(count);
  QCOMPARE(count->text(), QStringLiteral("%1 of 12 songs shown").arg(table->model()->rowCount()));

  // Sorting with the song visible keeps it current and navigates nowhere.
  window.searchField()->clear();
  QCOMPARE(currentTableFile(window), looked);
  table->sortByColumn(ui::LibraryTableModel::Duration, Qt::DescendingOrder);
  QCOMPARE(currentTableFile(window), looked);
  QCOMPARE(visits.count(), 0);
  QCOMPARE(window.history()->size(), historySize);
  QCOMPARE(count->text(), QStringLiteral("12 songs"));
}

// Tab leaves the table for the next pane instead of walking its cells; the inspector's links
// come next in Tab order, and Enter or Space on a focused link opens it (not play or pause).
void MainWindowTest::keyboardReachesPanesAndLinks() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  QTableView* table = window.libraryView();
  table->setFocus();
  table->setCurrentIndex(table->model()->index(2, 0));
  const qint64 looked = currentTableFile(window);
  QCOMPARE(window.inspector()->currentFileId(), looked);
  QTest::keyClick(table, Qt::Key_Tab);
  QVERIFY(QApplication::focusWidget() != table);
  QCOMPARE(currentTableFile(window), looked);  // Tab did not move to another song

  // Forward Tab from the table reaches the inspector's artist link, then its other links.
  const auto tabUntil = [&](const auto& wanted) {
    for (int presses = 0; presses < 80; ++presses) {
      QWidget* focused = QApplication::focusWidget();
      if (focused && wanted(focused)) return focused;
      QTest::keyClick(focused ? focused : &window, Qt::Key_Tab);
    }
    return static_cast<QWidget*>(nullptr);
  };
  table->setFocus();
  QWidget* header =
      tabUntil([](QWidget* w) { return w->objectName() == QStringLiteral("headerArtist"); });
  QVERIFY2(header, "Tab never reached the inspector's artist link");
  QVERIFY(window.inspector()->isAncestorOf(header));
  QWidget* songLink =
      tabUntil([](QWidget* w) { return w->objectName().startsWith(QStringLiteral("song:")); });
  QVERIFY2(songLink, "Tab never reached a similar-song link");
  const qint64 linked = songLink->property("fileId").toLongLong();
  QVERIFY(linked > 0 && linked != looked);

  // Space on a focused link opens it; playback is not touched.
  const bool wasPlaying = window.playerBar()->isPlaying();
  QTest::keyClick(songLink, Qt::Key_Space);
  QTRY_COMPARE(window.inspector()->currentFileId(), linked);
  QCOMPARE(window.playerBar()->isPlaying(), wasPlaying);

  // Enter on the header's artist link opens the artist page.
  QCoreApplication::processEvents();
  auto* artist = window.inspector()->findChild<QToolButton*>(QStringLiteral("headerArtist"));
  QVERIFY(artist);
  artist->setFocus();
  QTest::keyClick(artist, Qt::Key_Return);
  QTRY_COMPARE(window.history()->current().kind, ui::Location::Artist);
  QCOMPARE(window.history()->current().name,
           QString::fromStdString(window.snapshot()->song(linked)->artistName));
  QCOMPARE(window.playerBar()->isPlaying(), wasPlaying);
}

// Play Now / Play Next / Add to Queue from the table's keys and an inspector link's, shown in the
// queue panel; the queue and its current song come back in a new window (a restart).
void MainWindowTest::queueFromTableAndLinksSurvivesRestart() {
  QList<qint64> expected;
  QString firstPath;
  {
    MainWindow window;
    openLoaded(window);
    if (QTest::currentTestFailed()) return;
    QTableView* table = window.libraryView();
    const auto idAt = [table](int row) {
      return table->model()->index(row, 0).data(ui::LibraryTableModel::FileIdRole).toLongLong();
    };
    table->setFocus();
    table->setCurrentIndex(table->model()->index(0, 0));
    QTest::keyClick(table, Qt::Key_Return);  // Play Now
    table->setCurrentIndex(table->model()->index(2, 0));
    QTest::keyClick(table, Qt::Key_Return, Qt::ShiftModifier);  // Play Next
    table->setCurrentIndex(table->model()->index(3, 0));
    QTest::keyClick(table, Qt::Key_Return, Qt::ControlModifier);  // Add to Queue
    QCOMPARE(window.playerBar()->songFileId(), idAt(0));
    QCoreApplication::processEvents();
    const QList<QToolButton*> similar = entries(window.inspector(), QStringLiteral("song:"));
    QVERIFY(!similar.isEmpty());
    const qint64 linked = similar.first()->property("fileId").toLongLong();
    similar.first()->setFocus();
    QTest::keyClick(similar.first(), Qt::Key_Return, Qt::ShiftModifier);  // a link's Play Next
    expected = {idAt(0), linked, idAt(2), idAt(3)};
    QList<qint64> queued;
    for (const ui::QueueItem& item : window.playQueue()->items()) queued << item.fileId;
    QCOMPARE(queued, expected);
    QCOMPARE(window.playQueue()->currentRow(), 0);
    QCOMPARE(window.playerBar()->songFileId(), idAt(0));  // queueing does not interrupt
    QListView* view = window.queuePanel()->view();
    QVERIFY(view->isVisible());
    QCOMPARE(view->model()->rowCount(), 4);
    QVERIFY(view->model()
                ->index(0, 0)
                .data(Qt::DisplayRole)
                .toString()
                .contains(QStringLiteral(" — ")));
    // A title far wider than the panel is elided within it: no sideways scrolling.
    window.playQueue()->add(
        {{0, QStringLiteral("/nowhere/long.ogg"), QString(300, QLatin1Char('w'))}},
        ui::QueuePlacement::AddToQueue);
    QCoreApplication::processEvents();
    view->doItemsLayout();
    QCOMPARE(view->horizontalScrollBar()->maximum(), 0);
    QVERIFY(view->visualRect(view->model()->index(4, 0)).right() <= view->viewport()->width());
    view->model()->removeRow(4);
    firstPath = window.playerBar()->songPath();
    window.close();  // saves the queue
  }
  MainWindow restarted;
  QList<qint64> restored;
  for (const ui::QueueItem& item : restarted.playQueue()->items()) restored << item.fileId;
  QCOMPARE(restored, expected);
  QCOMPARE(restarted.playQueue()->currentRow(), 0);
  QCOMPARE(restarted.playerBar()->songPath(), firstPath);  // loaded, not playing
  QVERIFY(!restarted.playerBar()->isPlaying());
  if (const QByteArray dir = qgetenv("SONGSPACE_SCREENSHOT_DIR"); !dir.isEmpty()) {
    openLoaded(restarted);
    if (QTest::currentTestFailed()) return;
    QTest::qWait(300);
    QVERIFY(restarted.grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/queue.png")));
  }
}

// "Path to…" from the table: the dialog offers every other song, previews the path for the end
// chosen, and Play Path plays it from A to B with the rest queued; saving writes an M3U8 file.
void MainWindowTest::pathToPlaysAndSavesAPath() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  window.playQueue()->clear();
  QTableView* table = window.libraryView();
  table->setCurrentIndex(table->model()->index(0, 0));
  const qint64 from = currentTableFile(window);
  auto* action = table->findChild<QAction*>(QStringLiteral("pathTo"));
  QVERIFY(action);
  action->trigger();
  auto* dialog = window.findChild<ui::PathDialog*>();
  QVERIFY(dialog);
  QTRY_VERIFY(dialog->isVisible());
  QCOMPARE(dialog->fromFileId(), from);
  auto* destinations = dialog->findChild<QListView*>(QStringLiteral("pathDestinations"));
  QVERIFY(destinations);
  QCOMPARE(destinations->model()->rowCount(), 11);  // every other song of the 12
  QVERIFY(!dialog->findChild<QPushButton*>(QStringLiteral("playPath"))->isEnabled());
  QVERIFY(!dialog->setToFileId(from));  // the start is not offered as its end
  // The song farthest from the start in the joint space: a path with room for steps.
  const library::ModelSession& session = *window.snapshot()->model;
  const Eigen::MatrixXf& songs = session.songEmbeddings();
  const int fromRow = session.rowOfFile(from);
  int farthest = -1;
  float best = -1;
  for (int row = 0; row < songs.cols(); ++row) {  // d × N: a song per column
    const float distance = (songs.col(row) - songs.col(fromRow)).squaredNorm();
    if (distance > best) {
      best = distance;
      farthest = row;
    }
  }
  const qint64 to = session.fileIdOfRow(farthest);
  dialog->setLength(5);
  QVERIFY(dialog->setToFileId(to));
  const QList<qint64> path = dialog->pathFileIds();
  QVERIFY(path.size() >= 2 && path.size() <= 5);
  QCOMPARE(path.front(), from);
  QCOMPARE(path.back(), to);
  QCOMPARE(QSet<qint64>(path.begin(), path.end()).size(), path.size());
  auto* preview = dialog->findChild<QListWidget*>(QStringLiteral("pathPreview"));
  QCOMPARE(preview->count(), path.size());
  QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("playPath")), Qt::LeftButton);
  QTRY_VERIFY(!window.findChild<ui::PathDialog*>());  // closed and deleted
  QCOMPARE(window.playerBar()->songFileId(), from);
  QList<qint64> queued;
  for (const ui::QueueItem& item : window.playQueue()->items()) queued << item.fileId;
  QCOMPARE(queued, path);

  // Saving: ".m3u8" is added, the songs are written in path order.
  const QString saved = window.savePlaylist(m_dir.filePath(QStringLiteral("path")), path);
  QCOMPARE(saved, QFileInfo(m_dir.filePath(QStringLiteral("path.m3u8"))).absoluteFilePath());
  // …and recorded as Songspace's own, listed in the Playlists tab.
  QTRY_VERIFY_WITH_TIMEOUT(window.playlistsPage()->playlistModel()->rowCount() == 1,
                           kLoadTimeoutMs);
  QCOMPARE(window.playlistsPage()
               ->playlistModel()
               ->index(0, 0)
               .data(ui::PlaylistListModel::PathRole)
               .toString(),
           saved);
  QFile file(saved);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QString text = QString::fromUtf8(file.readAll());
  qsizetype at = 0;
  for (const qint64 id : path) {
    const QString songPath = QString::fromStdString(window.snapshot()->song(id)->path);
    const qsizetype found = text.indexOf(QFileInfo(songPath).fileName(), at);
    QVERIFY2(found >= at, qPrintable(songPath));
    at = found;
  }
}

// "Play Similar" on a table row: the song plays and an instant mix from it follows in the queue,
// under the default variety rules (three artists of four songs: at most 2 per artist in 10, so 6).
void MainWindowTest::playSimilarQueuesAMix() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  window.playQueue()->clear();
  QTableView* table = window.libraryView();
  table->setCurrentIndex(table->model()->index(1, 0));
  const qint64 seed =
      table->model()->index(1, 0).data(ui::LibraryTableModel::FileIdRole).toLongLong();
  auto* action = table->findChild<QAction*>(QStringLiteral("playSimilar"));
  QVERIFY(action);
  action->trigger();
  QCOMPARE(window.playerBar()->songFileId(), seed);
  const std::vector<ui::QueueItem>& items = window.playQueue()->items();
  QCOMPARE(static_cast<int>(items.size()), 6);
  QCOMPARE(items.front().fileId, seed);
  QCOMPARE(window.playQueue()->currentRow(), 0);
  QSet<qint64> files;
  QHash<QString, int> perArtist;
  for (const ui::QueueItem& item : items) {
    files.insert(item.fileId);
    const core::SongRow* song = window.snapshot()->song(item.fileId);
    QVERIFY(song);
    ++perArtist[QString::fromStdString(song->artistName)];
  }
  QCOMPARE(files.size(), 6);
  QCOMPARE(perArtist.size(), 3);
  for (const int count : std::as_const(perArtist)) QCOMPARE(count, 2);
}

// Issue 15: every tag link opens the tag page through the history — the inspector's own tags and
// predicted tags, and the map's tag landmarks (by the model's tag id: such a click once searched
// for an artist) — without touching the search; Back returns; the page's Play Mix plays a mix
// led by a song of that tag and leaves the page shown.
void MainWindowTest::tagLinksOpenTheTagPage() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  auto* right = qobject_cast<QStackedWidget*>(window.tagPage()->parentWidget());
  QVERIFY(right);
  const core::SongRow song = window.snapshot()->songs.at(5);
  QVERIFY(!song.info.genres.empty());
  const QString genre = QString::fromStdString(song.info.genres.front());
  window.selectSong(song.fileId);
  auto* own = window.inspector()->findChild<QLabel*>(QStringLiteral("ownTags"));
  QVERIFY(own);
  QVERIFY2(own->text().contains(QStringLiteral("href=\"%1\"").arg(genre)), qPrintable(own->text()));
  QVERIFY(own->textInteractionFlags().testFlag(Qt::LinksAccessibleByKeyboard));
  Q_EMIT own->linkActivated(genre);  // what a click, or Tab and Enter, on the link does
  QCOMPARE(right->currentWidget(), window.tagPage());
  QCOMPARE(window.tagPage()->currentTag(), genre);
  QCOMPARE(window.history()->current(), (ui::Location{ui::Location::Tag, 0, genre}));
  QVERIFY(window.searchField()->text().isEmpty());
  QTest::keyClick(&window, Qt::Key_Left, Qt::AltModifier);  // Back
  QCOMPARE(right->currentWidget(), window.inspector());
  QCOMPARE(window.inspector()->currentFileId(), song.fileId);
  QToolButton* predicted = entries(window.inspector(), QStringLiteral("tag:")).first();
  predicted->click();
  QCOMPARE(right->currentWidget(), window.tagPage());
  QCOMPARE(window.tagPage()->currentTag(), predicted->objectName().section(QLatin1Char(':'), 1));

  window.playQueue()->clear();
  window.showTag(genre);
  auto* mix = window.tagPage()->findChild<QPushButton*>(QStringLiteral("playMix"));
  QVERIFY(mix);
  mix->click();
  const core::SongRow* first = window.snapshot()->song(window.playerBar()->songFileId());
  QVERIFY(first);
  QCOMPARE(QString::fromStdString(first->info.genres.front()), genre);
  QVERIFY(window.playQueue()->rowCount() > 1);
  QCOMPARE(right->currentWidget(), window.tagPage());
  // A second mix replaces the rest of the first (a new user's Play Path left an earlier mix
  // queued after it); a song the user queued stays, after the new mix's songs.
  {
    ui::PlayQueue* queue = window.playQueue();
    const qint64 mine = window.snapshot()->songs.back().fileId;
    window.playSongs({mine}, ui::QueuePlacement::AddToQueue);
    const int firstMixRows = queue->rowCount();
    mix->click();
    int generatedAfter = 0;
    for (int row = queue->currentRow() + 1; row < queue->rowCount(); ++row)
      generatedAfter += queue->item(row).generated ? 1 : 0;
    // Only the first mix's first song (played) and the new mix are generated, plus the user's.
    int generated = 0;
    for (const ui::QueueItem& item : queue->items()) generated += item.generated ? 1 : 0;
    QCOMPARE(generated, 1 + 1 + generatedAfter);
    QCOMPARE(queue->items().back().fileId, mine);
    QVERIFY(!queue->items().back().generated);
    QVERIFY(queue->rowCount() < 2 * firstMixRows);
  }

  window.setCurrentTab(MainWindow::MapTab);
  ui::EmbeddingMapView* view = window.mapPanel()->view();
  QTRY_VERIFY(view->isVisible() && !view->isAnimating());
  view->fitAll();
  QTRY_VERIFY(!view->isAnimating());
  view->grab();  // a paint: what can be clicked is what was drawn (MapScene::landmarkAt)
  const auto& landmarks = view->scene().landmarks();
  int clicked = 0;
  for (int i = 0; i < landmarks.size(); ++i) {
    if (landmarks[i].kind != ui::MapLandmark::Tag) continue;
    // A point that hits this landmark (its marker or its label, whichever another label leaves).
    QPoint at(-1, -1);
    for (int y = 0; y < view->height() && at.x() < 0; y += 2) {
      for (int x = 0; x < view->width() && at.x() < 0; x += 2) {
        if (view->landmarkAt({x, y}) == i) at = {x, y};
      }
    }
    if (at.x() < 0) continue;
    window.showArtist(QString::fromStdString(song.artistName));  // somewhere else first
    QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, at);
    QCOMPARE(right->currentWidget(), window.tagPage());
    QCOMPARE(window.tagPage()->currentTag(), landmarks[i].label);
    ++clicked;
  }
  QVERIFY(clicked > 0);
  QVERIFY(window.searchField()->text().isEmpty());
}

// Issues 14 and 15: a map selection is visible (its songs highlighted over the search, the rest
// dimmed, a count, a Clear button), plays, queues and seeds a mix without changing what is shown;
// a rebuilt map keeps it; Escape clears it and the search highlight returns.
void MainWindowTest::mapSelectionIsVisibleAndPlayable() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  window.setCurrentTab(MainWindow::MapTab);
  ui::MapPanel* panel = window.mapPanel();
  ui::EmbeddingMapView* view = panel->view();
  QTRY_VERIFY(view->isVisible() && !view->isAnimating());
  auto* clear = panel->findChild<QToolButton*>(QStringLiteral("clearSelection"));
  QVERIFY(clear);
  QVERIFY(!clear->isVisible());
  window.searchField()->setText(QStringLiteral("Song 2"));
  const QSet<int> searchIds = view->scene().highlighted();
  QVERIFY(!searchIds.isEmpty());
  QList<int> picked;
  for (int i = 0; i < 4; ++i) picked << view->scene().points()[i].id;
  Q_EMIT view->songsSelected(picked);  // what a Shift+drag over them ends in
  QCOMPARE(panel->regionSelection(), picked);
  QCOMPARE(view->scene().highlighted(), QSet<int>(picked.begin(), picked.end()));
  QVERIFY(clear->isVisible());
  bool counted = false;
  for (const QLabel* label : panel->findChildren<QLabel*>())
    counted = counted || label->text().endsWith(QStringLiteral(" · 4 selected"));
  QVERIFY(counted);

  const qint64 shown = window.history()->current().fileId;
  window.playQueue()->clear();
  panel->playSelection(ui::QueuePlacement::PlayNow);
  QCOMPARE(window.playerBar()->songFileId(), static_cast<qint64>(picked.front()));
  QCOMPARE(window.playQueue()->rowCount(), 4);
  window.playQueue()->clear();
  panel->playSelection(ui::QueuePlacement::AddToQueue);
  QCOMPARE(window.playQueue()->rowCount(), 4);
  for (int i = 0; i < 4; ++i)
    QCOMPARE(window.playQueue()->items()[static_cast<std::size_t>(i)].fileId,
             static_cast<qint64>(picked[i]));
  window.playQueue()->clear();
  panel->mixFromSelection();
  QVERIFY(window.playerBar()->songFileId() > 0);
  QVERIFY(window.playQueue()->rowCount() > 1);
  QCOMPARE(window.history()->current().fileId, shown);

  panel->setSnapshot(window.snapshot());  // the map rebuilt for the same songs
  QCOMPARE(panel->regionSelection(), picked);
  QCOMPARE(view->scene().highlighted(), QSet<int>(picked.begin(), picked.end()));
  view->setFocus();
  QTest::keyClick(view, Qt::Key_Escape);
  QVERIFY(panel->regionSelection().isEmpty());
  QVERIFY(!clear->isVisible());
  QCOMPARE(view->scene().highlighted(), searchIds);
}

// Issue 14 item 6, at 1024×700: the inspector's scores whole and in view with no horizontal
// scroll bar, even at its narrowest; the table's Genre, Duration and Predicted tags on screen,
// also once the queue panel opens beside it.
void MainWindowTest::narrowWindowKeepsScoresAndColumnsInView() {
  MainWindow window;
  window.resize(1024, 700);
  openLoaded(window);
  QCOMPARE(window.size(), QSize(1024, 700));
  QTableView* table = window.libraryView();
  verifyColumnsFit(table);
  auto* splitter = window.findChild<QSplitter*>();
  QVERIFY(splitter);
  for (const bool narrowest : {false, true}) {
    if (narrowest) splitter->setSizes({0, 4000, 0});  // each pane at its minimum but the table
    for (int row = 0; row < table->model()->rowCount(); row += 3) {
      table->setCurrentIndex(table->model()->index(row, 0));
      QCoreApplication::processEvents();
      verifyInspectorFits(window.inspector());
      if (QTest::currentTestFailed()) return;
    }
  }
  verifyColumnsFit(table);
  table->setFocus();
  QTest::keyClick(table, Qt::Key_Return, Qt::ControlModifier);  // queued: the queue panel opens
  QTRY_VERIFY(window.queuePanel()->isVisible());
  splitter->setSizes({0, 4000, 0});
  QCoreApplication::processEvents();
  verifyColumnsFit(table);
  verifyInspectorFits(window.inspector());
}

// Edit › Preferences edits the tag reading rules the scans use: the separators with a live
// example, the placeholders, Restore Defaults; OK writes the settings and offers the rescan that
// reads the tags again. The rescan knows the folders of a catalog the GUI did not scan (here the
// test's own runScan): the catalog records them.
void MainWindowTest::preferencesEditReadingRules() {
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  const QString music = m_dir.filePath(QStringLiteral("music"));
  QCOMPARE(window.snapshot()->scanRoots,
           std::vector<std::string>{QFile::encodeName(QDir(music).absolutePath()).toStdString()});
  bool inMenu = false;
  for (const QAction* action : window.findChildren<QAction*>())
    inMenu = inMenu || action->text() == QStringLiteral("Preferences…");
  QVERIFY(inMenu);

  ui::PreferencesDialog dialog(/*canRescan=*/true, &window);
  const auto preview = [&] {
    QStringList texts;
    for (const QLabel* label : dialog.findChildren<QLabel*>()) texts << label->text();
    return texts.join(QLatin1Char('\n'));
  };
  const auto box = [&](const QString& text) {
    for (QCheckBox* b : dialog.findChildren<QCheckBox*>()) {
      if (b->text().startsWith(text)) return b;
    }
    return static_cast<QCheckBox*>(nullptr);
  };
  QVERIFY(box(QStringLiteral(";")) && box(QStringLiteral(",")) && box(QStringLiteral("/")));
  QVERIFY(box(QStringLiteral(";"))->isChecked());
  QVERIFY(!box(QStringLiteral(","))->isChecked());
  QVERIFY2(preview().contains(QStringLiteral("reads as “Rock” · “Pop/Soul, Jazz”")),
           qPrintable(preview()));
  box(QStringLiteral(","))->setChecked(true);
  box(QStringLiteral("/"))->setChecked(true);
  QVERIFY2(preview().contains(QStringLiteral("reads as “Rock” · “Pop” · “Soul” · “Jazz”")),
           qPrintable(preview()));
  // Never cut into a fragment, whatever is chosen.
  QVERIFY2(preview().contains(
               QStringLiteral("“Folk, World, & Country” reads as “Folk, World, & Country”")),
           qPrintable(preview()));
  auto* placeholders = dialog.findChild<QPlainTextEdit*>();
  QVERIFY(placeholders);
  QVERIFY(placeholders->toPlainText().split(QLatin1Char('\n')).contains(QStringLiteral("(none)")));
  placeholders->setPlainText(QStringLiteral("  Jazz \n\nnot|one\n(none)"));
  QVERIFY2(preview().contains(QStringLiteral("reads as “Rock” · “Pop” · “Soul”\n")),
           qPrintable(preview()));
  dialog.accept();
  QVERIFY(dialog.rulesChanged());
  QVERIFY(dialog.rescanRequested());
  const core::TagReadingRules stored = ui::settings::tagReadingRules();
  QCOMPARE(stored.genreSeparators, std::string(";,/"));
  QCOMPARE(stored.placeholders, (std::vector<std::string>{"Jazz", "(none)"}));

  // Restore Defaults, then OK: the defaults are stored; unchanged rules offer no rescan.
  ui::PreferencesDialog again(/*canRescan=*/true, &window);
  QCOMPARE(again.rules().fingerprint(), stored.fingerprint());
  for (QPushButton* button : again.findChildren<QPushButton*>()) {
    if (button->text().contains(QStringLiteral("Defaults"))) button->click();
  }
  QCOMPARE(again.rules().fingerprint(), core::TagReadingRules{}.fingerprint());
  again.accept();
  QCOMPARE(ui::settings::tagReadingRules().fingerprint(), core::TagReadingRules{}.fingerprint());
  ui::PreferencesDialog unchanged(/*canRescan=*/true, &window);
  unchanged.accept();
  QVERIFY(!unchanged.rulesChanged());
  QVERIFY(!unchanged.rescanRequested());
  QVERIFY(!unchanged.predictedTagsThresholdChanged());

  // The display threshold of predicted tags: auto-tag's by default, or the user's own, which
  // reaches the table (and the inspector) at OK through Edit › Preferences.
  const auto& calibration = window.snapshot()->model->model().calibration;
  QVERIFY(calibration);
  QCOMPARE(ui::settings::kPredictedTagsThreshold.read(), -1.0);
  // The tags the table lists in all, and how many it should at `threshold`: each song's stored
  // predicted tags at least that probable, at most three.
  const auto listed = [&] {
    const QAbstractItemModel* model = window.libraryView()->model();
    int count = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
      const QModelIndex cell = model->index(row, ui::LibraryTableModel::PredictedTags);
      QString text = cell.data().toString();
      if (cell.data(ui::LibraryTableModel::UnlikeLibraryRole).toBool())
        text = text.contains(QStringLiteral(" — ")) ? text.section(QStringLiteral(" — "), 1)
                                                    : QString();
      if (!text.isEmpty()) count += static_cast<int>(text.count(QLatin1Char(','))) + 1;
    }
    return count;
  };
  const auto expected = [&](double threshold) {
    int count = 0;
    for (const core::SongRow& song : window.snapshot()->songs) {
      int tags = 0;
      for (const core::FileTag& tag :
           window.snapshot()->tagsOf(song.fileId, core::TagSource::Predicted))
        tags += tag.score >= threshold ? 1 : 0;
      count += std::min(tags, ui::LibraryTableModel::kPredictedTagsShown);
    }
    return count;
  };
  const auto choose = [&](const std::function<void(ui::PreferencesDialog&)>& edit) {
    QTimer::singleShot(0, &window, [&edit] {
      auto* shown = qobject_cast<ui::PreferencesDialog*>(QApplication::activeModalWidget());
      QVERIFY(shown);
      edit(*shown);
      shown->accept();
    });
    for (QAction* action : window.findChildren<QAction*>()) {
      if (action->text() == QStringLiteral("Preferences…")) action->trigger();
    }
  };
  QCOMPARE(listed(), expected(calibration->autoTagThreshold));
  choose([&](ui::PreferencesDialog& shown) {
    auto* follow = shown.findChild<QRadioButton*>(QStringLiteral("followAutoTag"));
    QVERIFY(follow && follow->isChecked());
    QVERIFY2(follow->text().contains(
                 QStringLiteral("(now %1 %)").arg(qRound(calibration->autoTagThreshold * 100))),
             qPrintable(follow->text()));
    if (const QByteArray dir = qgetenv("SONGSPACE_SCREENSHOT_DIR"); !dir.isEmpty()) {
      QVERIFY(shown.grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/preferences.png")));
    }
    shown.findChild<QRadioButton*>(QStringLiteral("ownThreshold"))->setChecked(true);
    shown.findChild<QSpinBox*>()->setValue(1);
  });
  QCOMPARE(ui::settings::kPredictedTagsThreshold.read(), 0.01);
  QCOMPARE(listed(), expected(0.01));
  QVERIFY(expected(0.01) > 0);
  QCOMPARE(window.inspector()->displayThreshold(), 0.01);
  choose([&](ui::PreferencesDialog& shown) {
    QCOMPARE(shown.predictedTagsThreshold(), 0.01);
    for (QPushButton* button : shown.findChildren<QPushButton*>()) {
      if (button->text().contains(QStringLiteral("Defaults"))) button->click();
    }
    QCOMPARE(shown.predictedTagsThreshold(), -1.0);
  });
  QCOMPARE(ui::settings::kPredictedTagsThreshold.read(), -1.0);
  QCOMPARE(listed(), expected(calibration->autoTagThreshold));
  QCOMPARE(window.inspector()->displayThreshold(),
           static_cast<double>(calibration->autoTagThreshold));
}

// Every view shows the songs' covers (here a cover.png in each artist's folder, written after the
// other tests ran), and MPRIS's Metadata names the playing song's cached thumbnail as
// mpris:artUrl.
void MainWindowTest::coverArtInEveryViewAndMpris() {
  const QColor orange(230, 140, 20);
  const QDir music(m_dir.filePath(QStringLiteral("music")));
  for (const QString& artist : music.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
    QVERIFY(
        coverimages::writeFile(QDir(music.filePath(artist)).filePath(QStringLiteral("cover.png")),
                               coverimages::encoded(orange, 64, 64, "PNG")));
  }
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  const auto orangeIn = [&orange](const QPixmap& pixmap) {
    return coverimages::near(coverimages::centre(pixmap.toImage()), orange);
  };
  QTableView* table = window.libraryView();
  table->setFocus();
  table->setCurrentIndex(table->model()->index(1, 0));
  QTest::keyClick(table, Qt::Key_Return);  // Play Now
  const QString path = window.playerBar()->songPath();
  QVERIFY(!path.isEmpty());
  ui::CoverArtCache* covers = window.coverArt();
  QTRY_VERIFY(covers->isKnown(path));
  const QString thumbnail = covers->thumbnailFile(path);
  QVERIFY(QFileInfo(thumbnail).isFile());

  const auto* inspected = window.inspector()->findChild<QLabel*>(QStringLiteral("cover"));
  QVERIFY(inspected != nullptr);
  QTRY_VERIFY(orangeIn(inspected->pixmap()));
  const auto* playing = window.playerBar()->findChild<QLabel*>(QStringLiteral("cover"));
  QVERIFY(playing != nullptr && playing->isVisible());
  QTRY_VERIFY(orangeIn(playing->pixmap()));
  QTRY_VERIFY(orangeIn(window.playQueue()->index(0).data(Qt::DecorationRole).value<QPixmap>()));
  auto* mpris = window.findChild<ui::MprisService*>();
  QVERIFY(mpris != nullptr);
  QTRY_COMPARE(mpris->metadata().value(QStringLiteral("mpris:artUrl")).toString(),
               QUrl::fromLocalFile(thumbnail).toString());

  const std::int64_t fileId = window.playerBar()->songFileId();
  window.showArtist(QString::fromStdString(window.snapshot()->song(fileId)->artistName));
  const QList<QLabel*> albums = window.artistPage()->findChildren<QLabel*>(QStringLiteral("cover"));
  QVERIFY(!albums.isEmpty());
  QTRY_VERIFY(orangeIn(albums.first()->pixmap()));
  window.playerBar()->stop();
}

namespace {

int playlistRow(const ui::PlaylistsPage& page, const QString& file) {
  const QAbstractItemModel* model = page.playlistModel();
  for (int row = 0; row < model->rowCount(); ++row)
    if (model->index(row, 0).data(ui::PlaylistListModel::PathRole).toString() == file) return row;
  return -1;
}

std::optional<core::Playlist> catalogPlaylist(const QString& catalogPath, const QString& file) {
  auto catalog = core::Catalog::open(QFile::encodeName(catalogPath).toStdString());
  if (!catalog) return std::nullopt;
  for (core::Playlist& playlist : catalog->playlists())
    if (playlist.path == QFile::encodeName(file).toStdString()) return std::move(playlist);
  return std::nullopt;
}

}  // namespace

// Issue 15's Playlists view: a map selection saved as a playlist is recorded as ours and listed;
// Play puts its songs in the queue; Delete removes the row, the file and the record; a library
// playlist cannot be deleted; every failure says why.
void MainWindowTest::playlistsTab() {
  {  // what earlier cases saved (pathToPlaysAndSavesAPath) is recorded too: start without them
    auto catalog = core::Catalog::open(QFile::encodeName(m_catalogPath).toStdString());
    QVERIFY(catalog);
    for (const core::Playlist& playlist : catalog->playlists())
      QVERIFY(catalog->removePlaylist(playlist.id).ok());
  }
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  testing::ModalAnswerer answerer;
  ui::PlaylistsPage* page = window.playlistsPage();
  window.setCurrentTab(MainWindow::PlaylistsTab);
  QVERIFY(page->isVisible());
  QCOMPARE(page->playlistModel()->rowCount(), 0);

  // Save a selection (as the map's Save as Playlist… asks): written, recorded, listed.
  QList<qint64> songs;
  for (int row = 0; row < 4; ++row)
    songs << window.libraryView()
                 ->model()
                 ->index(row, 0)
                 .data(ui::LibraryTableModel::FileIdRole)
                 .toLongLong();
  Q_EMIT window.mapPanel()->playlistSaveRequested(m_dir.filePath(QStringLiteral("Corner")), songs);
  const QString saved = QFileInfo(m_dir.filePath(QStringLiteral("Corner.m3u8"))).absoluteFilePath();
  QVERIFY(QFile::exists(saved));
  QVERIFY2(window.statusBar()->currentMessage().contains(saved),
           qPrintable(window.statusBar()->currentMessage()));
  QTRY_VERIFY_WITH_TIMEOUT(playlistRow(*page, saved) >= 0, kLoadTimeoutMs);
  const int row = playlistRow(*page, saved);
  const QAbstractItemModel* list = page->playlistModel();
  QCOMPARE(list->index(row, ui::PlaylistListModel::Name).data().toString(),
           QStringLiteral("Corner"));
  QCOMPARE(list->index(row, ui::PlaylistListModel::Songs).data().toString(), QStringLiteral("4"));
  QCOMPARE(list->index(row, ui::PlaylistListModel::Source).data().toString(),
           QStringLiteral("Songspace"));
  const std::optional<core::Playlist> record = catalogPlaylist(m_catalogPath, saved);
  QVERIFY(record);
  QCOMPARE(record->origin, core::PlaylistOrigin::Songspace);
  QCOMPARE(record->memberFileIds(), std::vector<std::int64_t>(songs.begin(), songs.end()));
  const qint64 ours = record->id;

  // Play replaces the queue with its songs and plays the first.
  window.playSongs({songs.back()}, ui::QueuePlacement::AddToQueue);
  QVERIFY(page->selectPlaylist(ours));
  QCOMPARE(page->entryModel()->rowCount(), 4);
  page->playAction()->trigger();
  QList<qint64> queued;
  for (const ui::QueueItem& item : window.playQueue()->items()) queued << item.fileId;
  QCOMPARE(queued, songs);
  QCOMPARE(window.playQueue()->currentRow(), 0);
  QCOMPARE(window.playerBar()->songFileId(), songs.front());
  page->queueAction()->trigger();
  QCOMPARE(window.playQueue()->rowCount(), 8);
  window.playerBar()->stop();

  // Export… writes a copy elsewhere, not recorded.
  const QString copy = window.exportPlaylist(ours, m_dir.filePath(QStringLiteral("copy")));
  QCOMPARE(copy, QFileInfo(m_dir.filePath(QStringLiteral("copy.m3u8"))).absoluteFilePath());
  QVERIFY(QFile::exists(copy));
  QVERIFY(!catalogPlaylist(m_catalogPath, copy));

  // A library playlist (as a scan stores one) appears with the next snapshot, cannot be deleted.
  const QString theirs = m_dir.filePath(QStringLiteral("theirs.m3u"));
  {
    QFile file(theirs);
    QVERIFY(file.open(QIODevice::WriteOnly));
    auto catalog = core::Catalog::open(QFile::encodeName(m_catalogPath).toStdString());
    QVERIFY(catalog);
    QVERIFY(catalog
                ->replacePlaylist(QFile::encodeName(theirs).toStdString(), "theirs",
                                  {{songs[0], ""}, {0, "/nowhere/gone.flac"}})
                .ok());
    // Ours, every song gone: nothing to play or export, and it says so.
    QVERIFY(catalog
                ->replacePlaylist("/nowhere/empty.m3u8", "all gone", {{0, "/nowhere/a.flac"}},
                                  nullptr, core::PlaylistOrigin::Songspace)
                .ok());
  }
  QSignalSpy shown(&window, &MainWindow::snapshotShown);
  window.jobController()->openCatalog(m_catalogPath);
  QTRY_VERIFY_WITH_TIMEOUT(shown.count() > 0 && !window.isBusy(), kLoadTimeoutMs);
  QCOMPARE(page->playlistModel()->rowCount(), 3);
  QCOMPARE(page->currentPlaylistId(), ours);  // still chosen after the new snapshot
  const int theirRow = playlistRow(*page, theirs);
  QVERIFY(theirRow >= 0);
  const qint64 theirId = list->index(theirRow, 0).data(ui::PlaylistListModel::IdRole).toLongLong();
  QCOMPARE(list->index(theirRow, ui::PlaylistListModel::Songs).data().toString(),
           QStringLiteral("1 of 2"));
  QVERIFY(page->selectPlaylist(theirId));
  QVERIFY(!page->deleteAction()->isEnabled());
  window.deletePlaylist(theirId);
  QCOMPARE(answerer.texts().size(), 1);
  QVERIFY2(answerer.texts().back().contains(QStringLiteral("Songspace does not delete")),
           qPrintable(answerer.texts().back()));
  QVERIFY(QFile::exists(theirs));
  QVERIFY(catalogPlaylist(m_catalogPath, theirs));

  const int goneRow = playlistRow(*page, QStringLiteral("/nowhere/empty.m3u8"));
  const qint64 goneId = list->index(goneRow, 0).data(ui::PlaylistListModel::IdRole).toLongLong();
  window.playPlaylist(goneId);
  QVERIFY2(
      window.statusBar()->currentMessage().startsWith(QStringLiteral(
          "Nothing to play: “all gone” has no song of this library (1 file listed, none found).")),
      qPrintable(window.statusBar()->currentMessage()));
  QCOMPARE(window.playQueue()->rowCount(), 8);  // untouched
  QVERIFY(window.exportPlaylist(goneId, m_dir.filePath(QStringLiteral("none"))).isEmpty());
  QVERIFY(answerer.texts().back().startsWith(QStringLiteral("Nothing to export")));
  QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("none.m3u8"))));

  // A file that cannot be written, or deleted, is said so; the record stays.
  QVERIFY(window.savePlaylist(QStringLiteral("/proc/songspace-cannot-write/x"), songs).isEmpty());
  QVERIFY(answerer.texts().back().startsWith(QStringLiteral("Cannot save")));
  const QString stuck = m_dir.filePath(QStringLiteral("stuck.m3u8"));
  QVERIFY(!window.savePlaylist(stuck, songs).isEmpty());
  QTRY_VERIFY_WITH_TIMEOUT(playlistRow(*page, stuck) >= 0, kLoadTimeoutMs);
  QVERIFY(QFile::remove(stuck));
  QVERIFY(QDir().mkpath(stuck + QStringLiteral("/inside")));  // a folder: not removable as a file
  const qint64 stuckId =
      list->index(playlistRow(*page, stuck), 0).data(ui::PlaylistListModel::IdRole).toLongLong();
  const qsizetype boxes = answerer.texts().size();
  window.deletePlaylist(stuckId);
  QTRY_VERIFY_WITH_TIMEOUT(answerer.texts().size() == boxes + 2, kLoadTimeoutMs);
  QVERIFY(answerer.texts().at(boxes).startsWith(QStringLiteral("Delete the playlist “stuck”?")));
  QVERIFY2(answerer.texts().back().contains(QStringLiteral("cannot delete the file")),
           qPrintable(answerer.texts().back()));
  QVERIFY(catalogPlaylist(m_catalogPath, stuck));
  QVERIFY(playlistRow(*page, stuck) >= 0);

  // Delete (confirmed): the row, the file and the record go.
  QVERIFY(page->selectPlaylist(ours));
  QVERIFY(page->deleteAction()->isEnabled());
  page->deleteAction()->trigger();  // Delete on the list (its keys: tst_playlistmodels)
  QTRY_VERIFY_WITH_TIMEOUT(playlistRow(*page, saved) < 0, kLoadTimeoutMs);
  QVERIFY(answerer.texts().back().startsWith(QStringLiteral("Delete the playlist “Corner”?")));
  QVERIFY(!QFile::exists(saved));
  QVERIFY(!catalogPlaylist(m_catalogPath, saved));
  QVERIFY2(window.statusBar()->currentMessage().contains(saved),
           qPrintable(window.statusBar()->currentMessage()));

  // Leave the catalog as the other cases expect it.
  auto catalog = core::Catalog::open(QFile::encodeName(m_catalogPath).toStdString());
  QVERIFY(catalog);
  for (const core::Playlist& playlist : catalog->playlists())
    QVERIFY(catalog->removePlaylist(playlist.id).ok());
}

// A library of 10⁴ songs (a synthetic catalog, no model): the window fills the table with every
// song, sorted by artist, and a search typed into the field narrows it to one artist's songs
// (issue 16; how fast is bench_startup's question, not a test's).
void MainWindowTest::tenThousandSongsFillTheTable() {
  const QString path = m_dir.filePath(QStringLiteral("synthetic-1e4.sqlite"));
  {
    auto catalog = core::Catalog::open(QFile::encodeName(path).toStdString());
    QVERIFY(catalog);
    const base::Status written =
        bench::writeSyntheticCatalog(*catalog, bench::defaultCatalogShape(1), 10000, 1);
    QVERIFY2(written.ok(), written.message.c_str());
  }
  MainWindow window;
  window.show();
  window.openCatalog(path);
  QTRY_VERIFY_WITH_TIMEOUT(window.isFullyLoaded() && window.snapshot(), kLoadTimeoutMs);
  QVERIFY(!window.snapshot()->hasModel());
  const QAbstractItemModel* table = window.libraryView()->model();
  QCOMPARE(table->rowCount(), 10000);
  QCOMPARE(table->index(0, ui::LibraryTableModel::Artist).data().toString(),
           QStringLiteral("artist-00000"));
  QCOMPARE(table->index(9999, ui::LibraryTableModel::Artist).data().toString(),
           QStringLiteral("artist-00999"));
  QTest::keyClicks(window.searchField(), QStringLiteral("ARTIST-00042"));
  QCOMPARE(table->rowCount(), 10);
  for (int row = 0; row < table->rowCount(); ++row) {
    QCOMPARE(table->index(row, ui::LibraryTableModel::Artist).data().toString(),
             QStringLiteral("artist-00042"));
  }
  window.searchField()->clear();
  QCOMPARE(table->rowCount(), 10000);
}

QTEST_MAIN(MainWindowTest)
#include "tst_mainwindow.moc"
