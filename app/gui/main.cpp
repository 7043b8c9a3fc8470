// songspace [--db FILE] [--screenshot PNG] [--dark] [FOLDER...]
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGuiApplication>
#include <QIcon>
#include <QTableView>
#include <QTextStream>
#include <QTimer>

#include "core/library/logging.h"
#include "ui/appearance.h"
#include "ui/englishplurals.h"
#include "ui/mainwindow.h"
#include "ui/settingskeys.h"

namespace {

constexpr int kScreenshotTimeoutMs = 120'000;

bool haveDisplay() {
  const QString platform = qEnvironmentVariable("QT_QPA_PLATFORM");
  if (!platform.isEmpty() && !platform.startsWith(QStringLiteral("xcb")) &&
      !platform.startsWith(QStringLiteral("wayland"))) {
    return true;  // offscreen, minimal, vnc, eglfs…: Qt needs no display server
  }
  return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY");
}

// Waits until library, model and map are shown, selects the first song, saves the window and
// then the Map tab (<stem>-map.png), and quits.
void takeScreenshots(songspace::ui::MainWindow& window, const QString& png) {
  auto* clock = new QElapsedTimer;
  clock->start();
  auto* timer = new QTimer(&window);
  QObject::connect(timer, &QTimer::timeout, &window, [&window, png, clock, timer] {
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
      const QModelIndex first = window.libraryView()->model()->index(0, 0);
      window.libraryView()->setCurrentIndex(first);
    }
    // Let layouts and the map's label placement settle before grabbing.
    QTimer::singleShot(300, &window, [&window, png] {
      const QFileInfo info(png);
      const QString mapPng =
          info.dir().filePath(info.completeBaseName() + QStringLiteral("-map.") + info.suffix());
      bool ok = window.grab().save(png);
      window.setCurrentTab(songspace::ui::MainWindow::MapTab);
      QTimer::singleShot(300, &window, [&window, png, mapPng, ok] {
        const bool mapOk = window.grab().save(mapPng);
        QTextStream(stdout) << png << "\n" << mapPng << "\n";
        QCoreApplication::exit(ok && mapOk ? 0 : 1);
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
  songspace::library::routeCoreLogToCategories();  // FFmpeg and the core into songspace.*
  songspace::ui::installEnglishPlurals(app);       // "%n file(s)" reads "1 file", "2 files"
  QApplication::setApplicationName(QStringLiteral("Songspace"));
  QApplication::setOrganizationName(QStringLiteral("Songspace"));
  QApplication::setApplicationVersion(QStringLiteral(SONGSPACE_VERSION));
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/songspace/songspace.png")));
  QGuiApplication::setDesktopFileName(QStringLiteral("songspace"));

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
  parser.addOption(db);
  parser.addOption(screenshot);
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
  if (shooting) takeScreenshots(window, parser.value(screenshot));
  return QApplication::exec();
}
