// songspace [--db FILE] [--screenshot PNG [--select TEXT] [--autotag-preview] [--map-panel WxH]]
//           [--dark] [FOLDER...]
#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QDBusConnection>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QStatusBar>
#include <QTableView>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <functional>

#include "core/library/logging.h"
#include "ui/appearance.h"
#include "ui/application.h"
#include "ui/autotagdialog.h"
#include "ui/coverart.h"
#include "ui/inspectorpanel.h"
#include "ui/librarytablemodel.h"
#include "ui/mainwindow.h"
#include "ui/mappanel.h"
#include "ui/mpris.h"
#include "ui/playerbar.h"
#include "ui/playlistspage.h"
#include "ui/settingskeys.h"

namespace {

constexpr int kScreenshotTimeoutMs = 120'000;
constexpr int kQueuedForScreenshot = 6;  // the shown song and the table rows after it
constexpr int kCoverWaitMs = 15'000;     // for the covers of the shown and queued songs

bool haveDisplay() {
  const QString platform = qEnvironmentVariable("QT_QPA_PLATFORM");
  if (!platform.isEmpty() && !platform.startsWith(QStringLiteral("xcb")) &&
      !platform.startsWith(QStringLiteral("wayland"))) {
    return true;  // offscreen, minimal, vnc, eglfs…: Qt needs no display server
  }
  return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY");
}

struct ScreenshotPlan {
  QString png;
  QString select;        // the first song whose title or file name contains this; empty: row 0
  bool autotag = false;  // also the auto-tag preview of every song, <stem>-autotag.png
  QSize mapPanel;        // also the map panel alone at this size, <stem>-mappanel.png; empty: no
  bool playlists =
      false;  // also the Playlists tab, its first playlist chosen, <stem>-playlists.png
};

// Renders a map panel of its own, `size` pixels, with what the window's map shows (data, layout,
// colouring) to `png`: a picture of the map larger than its tab in the window.
bool shootMapPanel(songspace::ui::MainWindow& window, QSize size, const QString& png) {
  songspace::ui::MapPanel panel;
  panel.setHelpOnFirstUse(false);
  panel.setAttribute(Qt::WA_DontShowOnScreen);
  panel.resize(size);
  panel.show();
  panel.setColorBy(window.mapPanel()->colorBy());
  panel.setSnapshot(window.snapshot());
  panel.setMapLayout(window.mapPanel()->mapLayout(), window.mapPanel()->isRefined());
  QCoreApplication::processEvents();  // layouts settle
  return panel.grab().save(png);
}

QString siblingPng(const QString& png, const QString& suffix) {
  const QFileInfo info(png);
  return info.dir().filePath(info.completeBaseName() + suffix + QLatin1Char('.') + info.suffix());
}

// The table row to show: the first whose title (or file name, for an untitled song) contains
// `text`, ignoring case; row 0 when `text` is empty or nothing matches.
QModelIndex rowToShow(const QAbstractItemModel& table, const QString& text) {
  for (int row = 0; !text.isEmpty() && row < table.rowCount(); ++row) {
    const QModelIndex title = table.index(row, songspace::ui::LibraryTableModel::Title);
    if (title.data().toString().contains(text, Qt::CaseInsensitive)) return title;
  }
  return table.index(0, 0);
}

// Puts the shown song and the table rows after it in the play queue, the first loaded but not
// playing: the player bar and the queue as a listener sees them.
void queueFrom(songspace::ui::MainWindow& window, const QModelIndex& shown) {
  const QAbstractItemModel& table = *shown.model();
  const int end = std::min(table.rowCount(), shown.row() + kQueuedForScreenshot);
  for (int row = shown.row(); row < end; ++row) {
    window.playSong(
        table.index(row, 0).data(songspace::ui::LibraryTableModel::FileIdRole).toLongLong(),
        songspace::ui::QueuePlacement::AddToQueue);
  }
  window.playQueue()->setCurrentRow(0);
  window.playerBar()->loadCurrent();
  window.statusBar()->clearMessage();
}

// Runs `then` once the covers of the queued and the inspected song are looked up (or after
// kCoverWaitMs): the screenshot shows covers, not placeholders still waiting.
void whenCoversKnown(songspace::ui::MainWindow& window, const std::function<void()>& then) {
  QStringList paths;
  for (const songspace::ui::QueueItem& item : window.playQueue()->items()) paths << item.path;
  const auto snapshot = window.snapshot();
  if (const songspace::core::SongRow* song =
          snapshot ? snapshot->song(window.inspector()->currentFileId()) : nullptr) {
    paths << QString::fromStdString(song->path);
  }
  songspace::ui::CoverArtCache* covers = window.coverArt();
  for (const QString& path : paths) (void)covers->cover(path);  // starts the lookups
  auto* clock = new QElapsedTimer;
  clock->start();
  auto* timer = new QTimer(&window);
  QObject::connect(timer, &QTimer::timeout, &window, [covers, paths, clock, timer, then] {
    const bool known = std::all_of(paths.begin(), paths.end(),
                                   [covers](const QString& path) { return covers->isKnown(path); });
    if (!known && clock->elapsed() < kCoverWaitMs) return;
    timer->stop();
    timer->deleteLater();
    delete clock;
    then();
  });
  timer->start(50);
}

// Opens Tools › Auto-tag Files… for every song, waits for its preview, saves it and quits.
void shootAutotag(songspace::ui::MainWindow& window, const QString& png, bool ok) {
  window.libraryView()->clearSelection();  // no selection: the dialog offers every song
  QAction* autotag = nullptr;
  for (QAction* action : window.findChildren<QAction*>()) {
    if (action->text() == songspace::ui::MainWindow::tr("Auto-tag Files…")) autotag = action;
  }
  if (autotag) autotag->trigger();
  auto* dialog = window.findChild<songspace::ui::AutotagDialog*>();
  if (!dialog) {
    QTextStream(stderr) << "songspace: the auto-tag preview needs a trained model\n";
    QCoreApplication::exit(1);
    return;
  }
  const auto save = [dialog, png, ok] {
    // Let the table lay out its rows before grabbing.
    QTimer::singleShot(300, dialog, [dialog, png, ok] {
      const bool saved = dialog->grab().save(png);
      QTextStream(stdout) << png << "\n";
      QCoreApplication::exit(ok && saved ? 0 : 1);
    });
  };
  if (dialog->proposalRuns() > 0 && !dialog->isComputing()) {
    save();
  } else {
    QObject::connect(dialog, &songspace::ui::AutotagDialog::proposalsReady, dialog, save,
                     Qt::SingleShotConnection);
  }
}

// After the map: the Playlists tab when asked for, then the auto-tag preview when asked for, then
// quits (exit code 1 unless every picture was saved).
void shootTheRest(songspace::ui::MainWindow& window, const ScreenshotPlan& plan, bool ok) {
  const auto last = [&window, plan](bool allOk) {
    if (plan.autotag) {
      window.setCurrentTab(songspace::ui::MainWindow::LibraryTab);
      shootAutotag(window, siblingPng(plan.png, QStringLiteral("-autotag")), allOk);
      return;
    }
    QCoreApplication::exit(allOk ? 0 : 1);
  };
  if (!plan.playlists) {
    last(ok);
    return;
  }
  window.setCurrentTab(songspace::ui::MainWindow::PlaylistsTab);
  QTableView* list = window.playlistsPage()->playlistView();
  if (list->model()->rowCount() > 0) list->setCurrentIndex(list->model()->index(0, 0));
  list->setFocus();
  QTimer::singleShot(300, &window, [&window, plan, ok, last] {
    const QString png = siblingPng(plan.png, QStringLiteral("-playlists"));
    const bool saved = window.grab().save(png);
    QTextStream(stdout) << png << "\n";
    last(ok && saved);
  });
}

// Waits until library, model and map are shown, selects a song and queues it with the rows after
// it (queueFrom), waits for their covers, saves the window and then the
// Map tab (<stem>-map.png), optionally the auto-tag preview, and quits.
void takeScreenshots(songspace::ui::MainWindow& window, const ScreenshotPlan& plan) {
  auto* clock = new QElapsedTimer;
  clock->start();
  auto* timer = new QTimer(&window);
  QObject::connect(timer, &QTimer::timeout, &window, [&window, plan, clock, timer] {
    if (clock->elapsed() > kScreenshotTimeoutMs) {
      QTextStream(stderr) << "songspace: the library did not finish loading within "
                          << kScreenshotTimeoutMs / 1000 << " s"
                          << (window.lastError().isEmpty()
                                  ? QString()
                                  : QStringLiteral(": ") + window.lastError())
                          << "\n";
      QCoreApplication::exit(1);
      timer->stop();
      return;
    }
    if (!window.isFullyLoaded()) return;
    timer->stop();
    delete clock;
    const auto& snapshot = window.snapshot();
    if (snapshot && !snapshot->songs.empty()) {
      const QModelIndex shown = rowToShow(*window.libraryView()->model(), plan.select);
      window.libraryView()->setCurrentIndex(shown);
      queueFrom(window, shown);
    }
    // Let the covers arrive, and layouts and the map's label placement settle before grabbing.
    whenCoversKnown(window, [&window, plan] {
      QTimer::singleShot(300, &window, [&window, plan] {
        const QString mapPng = siblingPng(plan.png, QStringLiteral("-map"));
        bool ok = window.grab().save(plan.png);
        window.setCurrentTab(songspace::ui::MainWindow::MapTab);
        QTimer::singleShot(300, &window, [&window, plan, mapPng, ok] {
          bool mapOk = window.grab().save(mapPng);
          QTextStream(stdout) << plan.png << "\n" << mapPng << "\n";
          if (plan.mapPanel.isValid()) {
            const QString panelPng = siblingPng(plan.png, QStringLiteral("-mappanel"));
            mapOk = shootMapPanel(window, plan.mapPanel, panelPng) && mapOk;
            QTextStream(stdout) << panelPng << "\n";
          }
          shootTheRest(window, plan, ok && mapOk);
        });
      });
    });
  });
  timer->start(100);
}

}  // namespace

int main(int argc, char* argv[]) {
  if (!haveDisplay()) {
    QTextStream(stderr) << "songspace: no display found (DISPLAY and WAYLAND_DISPLAY are unset).\n"
                           "Run it in a desktop session, or set QT_QPA_PLATFORM=offscreen for "
                           "screenshots; songspace-cli works without a display.\n";
    return 2;
  }
  QApplication app(argc, argv);
  songspace::ui::setUpApplication(app, QStringLiteral(SONGSPACE_VERSION));

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("Explore a music collection in a learned joint semantic space."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption db(QStringLiteral("db"), QStringLiteral("Open this catalog."),
                              QStringLiteral("FILE"));
  const QCommandLineOption screenshot(
      QStringLiteral("screenshot"),
      QStringLiteral("Save the loaded window to PNG (and the map to <stem>-map.png), then quit."),
      QStringLiteral("PNG"));
  const QCommandLineOption dark(
      QStringLiteral("dark"),
      QStringLiteral("Use the dark palette for this run (View › Dark Theme keeps it)."));
  const QCommandLineOption select(
      QStringLiteral("select"),
      QStringLiteral("With --screenshot: show the first song whose title (or file name) contains "
                     "TEXT, not the first row."),
      QStringLiteral("TEXT"));
  const QCommandLineOption autotagPreview(
      QStringLiteral("autotag-preview"),
      QStringLiteral("With --screenshot: also open Tools › Auto-tag Files… for every song and "
                     "save its preview to <stem>-autotag.png."));
  const QCommandLineOption mapPanel(
      QStringLiteral("map-panel"),
      QStringLiteral("With --screenshot: also save the map panel alone, WxH pixels (e.g. "
                     "1400x900), to <stem>-mappanel.png."),
      QStringLiteral("WxH"));
  const QCommandLineOption playlists(
      QStringLiteral("playlists"),
      QStringLiteral("With --screenshot: also save the Playlists tab, its first playlist chosen, "
                     "to <stem>-playlists.png."));
  parser.addOption(db);
  parser.addOption(playlists);
  parser.addOption(mapPanel);
  parser.addOption(screenshot);
  parser.addOption(select);
  parser.addOption(autotagPreview);
  parser.addOption(dark);
  parser.addPositionalArgument(QStringLiteral("folder"),
                               QStringLiteral("Music folders to scan into the library."),
                               QStringLiteral("[FOLDER...]"));
  parser.process(app);

  if (parser.isSet(dark) || songspace::ui::settings::kDarkAppearance.read()) {
    songspace::ui::applyAppearance(true);
  }
  songspace::ui::MainWindow window;
  const QStringList folders = parser.positionalArguments();
  const bool shooting = parser.isSet(screenshot);
  // A screenshot shows the map, not the help that covers it on first use.
  if (shooting) window.mapPanel()->setHelpOnFirstUse(false);
  if (parser.isSet(db)) {
    const QString path = QFileInfo(parser.value(db)).absoluteFilePath();
    if (shooting && !QFileInfo::exists(path)) {
      QTextStream(stderr) << "songspace: no catalog at " << path << "\n";
      return 1;
    }
    window.openCatalog(path);
  } else if (folders.isEmpty()) {
    window.startUp(/*offerFirstRun=*/!shooting);
  }
  if (!folders.isEmpty()) {
    QStringList absolute;
    for (const QString& folder : folders) absolute << QFileInfo(folder).absoluteFilePath();
    window.addMusicFolders(absolute);
  }
  window.show();
  // Media keys and the desktop's media controls; without a session bus the app runs without them.
  if (!shooting) {
    if (const songspace::base::Status mpris =
            window.mpris()->registerOn(QDBusConnection::sessionBus());
        !mpris.ok()) {
      qCWarning(songspace::library::lcUi).noquote()
          << "MPRIS is off, media keys and desktop media controls will not reach Songspace:"
          << QString::fromStdString(mpris.message);
    }
  }
  if (shooting) {
    QSize panelSize;
    if (parser.isSet(mapPanel)) {
      const QStringList sides = parser.value(mapPanel).split(QLatin1Char('x'));
      if (sides.size() == 2) panelSize = QSize(sides[0].toInt(), sides[1].toInt());
      if (!panelSize.isValid() || panelSize.isEmpty()) {
        QTextStream(stderr) << "songspace: --map-panel wants WxH, e.g. 1400x900\n";
        return 1;
      }
    }
    takeScreenshots(window, {parser.value(screenshot), parser.value(select),
                             parser.isSet(autotagPreview), panelSize, parser.isSet(playlists)});
  }
  return QApplication::exec();
}
