// Start-up of the explorer on a catalog (issue 16): the real ui::MainWindow, set up as the app
// does (ui::setUpApplication), on whatever QPA platform is set (offscreen for a headless run),
// opening FILE as `songspace --db FILE` does. Milliseconds from the start of main() until
//   window_shown     the first paint of any widget of the window;
//   table_filled     the library table has every song of the first snapshot (snapshotShown);
//   table_painted    the table's first paint after that: what the user sees as interactive;
//   model_shown      the window shows a snapshot with the model (opening delivers the library
//                    first, its tags and model after: JobController);
//   map_layout       the first map layout reached the window (mapShown);
//   map_drawn        the map's first paint with points (the bench turns to the Map tab once the
//                    table is painted, as a user would); pca_drawn / refined_drawn: the first
//                    paint of the instant layout and of the refined one (t-SNE, or a cached
//                    refined map, after its animation); null when not reached within --timeout;
// then, with the instant map shown, on the Library tab: search keystrokes (each key typed into
// the search field, then Backspace until it is empty, --rounds times; a keystroke is the key
// event plus the events it posted, the table's repaint included), a page of scrolling and a
// row selection (each until the events they posted are handled), median and max; the same
// keystrokes on the Map tab (map_keystroke: the map's highlight of the matching songs); and the
// peak resident memory (VmHWM) of the process when the refined map is drawn (or at the timeout) and
// when the table was painted. The references, measured after the window is closed in the same
// run: reading the catalog's songs and tags alone (catalog_read) and the whole snapshot as the
// job thread loads it, model session included (snapshot_load).
//   QT_QPA_PLATFORM=offscreen bench_startup --db FILE [--timeout S] [--query TEXT] [--rounds N]
//                                           [--drop-map-cache]
// --drop-map-cache deletes the catalog's cached map first, --drop-session-cache its session cache
// ("<catalog>.session": the songs' embeddings, novelty and top tags); both together are the start
// after a training. "session_cache" says whether the window's model came from that cache.
// One JSON object on stdout; exit status 1 when the table was not filled within the timeout.
#include <sys/resource.h>

#include <QAbstractItemModel>
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeyEvent>
#include <QLineEdit>
#include <QPointer>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/library/librarysnapshot.h"
#include "core/library/opencatalog.h"
#include "core/library/projectionjob.h"
#include "core/library/sessioncache.h"
#include "ui/application.h"
#include "ui/librarytablemodel.h"
#include "ui/mainwindow.h"
#include "ui/mappanel.h"
#include "ui/mapview.h"

using namespace songspace;

namespace {

QElapsedTimer g_clock;  // started first thing in main()

double nowMs() {
  return static_cast<double>(g_clock.nsecsElapsed()) / 1e6;
}

// VmHWM (peak resident set) in MB from /proc/self/status; ru_maxrss where /proc is missing.
double peakRssMb() {
  QFile status(QStringLiteral("/proc/self/status"));
  if (status.open(QIODevice::ReadOnly)) {
    for (const QByteArray& line : status.readAll().split('\n')) {
      if (line.startsWith("VmHWM:"))
        return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024;
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

QJsonValue msOrNull(const std::optional<double>& ms) {
  return ms ? QJsonValue(std::round(*ms * 10) / 10) : QJsonValue(QJsonValue::Null);
}

QJsonObject summary(const std::vector<double>& ms) {
  return {{QStringLiteral("count"), static_cast<int>(ms.size())},
          {QStringLiteral("median_ms"), std::round(median(ms) * 100) / 100},
          {QStringLiteral("max_ms"),
           ms.empty() ? 0.0 : std::round(*std::max_element(ms.begin(), ms.end()) * 100) / 100}};
}

// Runs the event loop, sleeping between events, until done() or the deadline (ms since main());
// false on timeout. A timer wakes it every few milliseconds to look again: the bench must not
// spin, its core is the job thread's.
template <typename Done>
bool waitUntil(Done done, double deadlineMs) {
  QTimer tick;
  tick.start(5);
  while (!done()) {
    if (nowMs() > deadlineMs) return false;
    QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
  }
  return true;
}

// Runs the event loop for `ms` milliseconds (what a user's pause between actions lets happen).
void waitMs(int ms) {
  const double until = nowMs() + ms;
  waitUntil([until] { return nowMs() >= until; }, until + 1000);
}

// The time one action takes to show: the action, then the events it posted (layout, repaint).
template <typename Action>
double timed(Action action) {
  QElapsedTimer clock;
  clock.start();
  action();
  QCoreApplication::processEvents();
  return static_cast<double>(clock.nsecsElapsed()) / 1e6;
}

void typeKey(QWidget* target, int key, const QString& text) {
  QKeyEvent press(QEvent::KeyPress, key, Qt::NoModifier, text);
  QCoreApplication::sendEvent(target, &press);
  QKeyEvent release(QEvent::KeyRelease, key, Qt::NoModifier, text);
  QCoreApplication::sendEvent(target, &release);
}

// What the clock saw; filled by the paint filter and the window's signals.
struct Marks {
  std::optional<double> windowShown, tableFilled, tablePainted, modelShown, mapLayout, mapDrawn,
      pcaDrawn, refinedDrawn;
  double rssAtTablePainted = 0;
  int songs = 0;
  int mapPoints = 0;
};

// Records the first paints that matter, after the widget has painted (the event is handled here
// and not passed on).
class PaintWatch : public QObject {
 public:
  PaintWatch(ui::MainWindow& window, Marks& marks) : m_window(window), m_marks(marks) {}
  QWidget* mapView = nullptr;

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() != QEvent::Paint || !watched->isWidgetType()) return false;
    auto* widget = static_cast<QWidget*>(watched);
    if (widget->window() != &m_window) return false;
    const bool table = widget == m_window.libraryView()->viewport();
    const bool map = widget == mapView;
    if (m_marks.windowShown && !table && !map) return false;
    watched->event(event);  // paint first (QObject::event is public), then read the clock
    const double at = nowMs();
    if (!m_marks.windowShown) m_marks.windowShown = at;
    if (table && m_marks.tableFilled && !m_marks.tablePainted) {
      m_marks.tablePainted = at;
      m_marks.rssAtTablePainted = peakRssMb();
    }
    if (map) {
      const int points =
          static_cast<int>(static_cast<ui::EmbeddingMapView*>(widget)->scene().points().size());
      if (points > 0) {
        m_marks.mapPoints = points;
        if (!m_marks.mapDrawn) m_marks.mapDrawn = at;
        const bool refined = m_window.mapPanel()->isRefined();
        if (!refined && !m_marks.pcaDrawn) m_marks.pcaDrawn = at;
        if (refined && !m_marks.refinedDrawn &&
            !static_cast<ui::EmbeddingMapView*>(widget)->isAnimating()) {
          m_marks.refinedDrawn = at;
        }
      }
    }
    return true;
  }

 private:
  ui::MainWindow& m_window;
  Marks& m_marks;
};

// A query a user might type: the middle song's artist (or title), at most 12 characters, lower
// case; its first keys match most of the library, the last ones a few songs.
QString defaultQuery(const library::LibrarySnapshot& snapshot) {
  if (snapshot.songs.empty()) return QStringLiteral("the");
  const core::SongRow& song = snapshot.songs[snapshot.songs.size() / 2];
  const QString source =
      QString::fromStdString(song.artistName.empty() ? song.info.title : song.artistName);
  return source.isEmpty() ? QStringLiteral("the") : source.left(12).toLower();
}

}  // namespace

int main(int argc, char* argv[]) {
  g_clock.start();
  QApplication app(argc, argv);
  const double appMs = nowMs();
  QStandardPaths::setTestModeEnabled(true);  // settings and cover cache away from the user's
  ui::setUpApplication(app, QStringLiteral("bench"));
  QSettings().clear();  // every run starts as a first start: default geometry, no queue

  QCommandLineParser parser;
  parser.addHelpOption();
  const QCommandLineOption dbOption(QStringLiteral("db"), QStringLiteral("The catalog."),
                                    QStringLiteral("FILE"));
  const QCommandLineOption timeoutOption(
      QStringLiteral("timeout"), QStringLiteral("Seconds to wait for the refined map (300)."),
      QStringLiteral("S"), QStringLiteral("300"));
  const QCommandLineOption queryOption(QStringLiteral("query"),
                                       QStringLiteral("The search typed, key by key."),
                                       QStringLiteral("TEXT"));
  const QCommandLineOption roundsOption(QStringLiteral("rounds"),
                                        QStringLiteral("Times the query is typed and erased (2)."),
                                        QStringLiteral("N"), QStringLiteral("2"));
  const QCommandLineOption dropCacheOption(
      QStringLiteral("drop-map-cache"),
      QStringLiteral("Delete the catalog's cached map first (the start after a training)."));
  const QCommandLineOption dropSessionOption(
      QStringLiteral("drop-session-cache"),
      QStringLiteral("Delete the catalog's session cache first (the start after a training)."));
  parser.addOptions(
      {dbOption, timeoutOption, queryOption, roundsOption, dropCacheOption, dropSessionOption});
  parser.process(app);
  const QString path = QFileInfo(parser.value(dbOption)).absoluteFilePath();
  if (!parser.isSet(dbOption) || !QFileInfo::exists(path)) {
    QTextStream(stderr) << "bench_startup: --db FILE names no catalog\n";
    return 2;
  }
  const double deadline = parser.value(timeoutOption).toDouble() * 1000;
  const int rounds = std::max(1, parser.value(roundsOption).toInt());
  const QString cachePath = library::mapCachePathForCatalog(path);
  if (parser.isSet(dropCacheOption)) QFile::remove(cachePath);
  if (parser.isSet(dropSessionOption))
    std::filesystem::remove(library::sessionCachePathFor(QFile::encodeName(path).toStdString()));
  std::optional<bool> sessionCache;
  const bool mapCache = QFileInfo::exists(cachePath);

  Marks marks;
  QJsonObject interaction;
  double peakMb = 0;
  QString query = parser.value(queryOption);
  bool hasModel = false;
  {
    auto window = std::make_unique<ui::MainWindow>();
    window->mapPanel()->setHelpOnFirstUse(false);
    PaintWatch watch(*window, marks);
    watch.mapView = window->mapPanel()->findChild<ui::EmbeddingMapView*>();
    app.installEventFilter(&watch);
    QObject::connect(window.get(), &ui::MainWindow::snapshotShown, window.get(), [&] {
      const auto& snapshot = window->snapshot();
      if (!marks.modelShown && snapshot && snapshot->hasModel()) {
        marks.modelShown = nowMs();
        sessionCache = snapshot->model->loadedFromCache();
      }
      if (marks.tableFilled || !snapshot || snapshot->songs.empty()) return;
      if (window->libraryView()->model()->rowCount() != static_cast<int>(snapshot->songs.size()))
        return;
      marks.tableFilled = nowMs();
      marks.songs = static_cast<int>(snapshot->songs.size());
    });
    QObject::connect(window.get(), &ui::MainWindow::mapShown, window.get(), [&](bool) {
      if (!marks.mapLayout) marks.mapLayout = nowMs();
    });
    const double openMs = nowMs();
    window->openCatalog(path);
    window->show();

    const bool filled = waitUntil([&] { return marks.tablePainted.has_value(); }, deadline);
    if (filled) {
      hasModel = window->snapshot() &&
                 (window->snapshot()->hasModel() || window->snapshot()->modelPending);
      // The Map tab, as a user turns to it: the first map with points.
      if (hasModel) {
        window->setCurrentTab(ui::MainWindow::MapTab);
        waitUntil([&] { return marks.mapDrawn.has_value(); }, deadline);
        window->setCurrentTab(ui::MainWindow::LibraryTab);
        waitMs(100);
      }
      // Search: typed key by key and erased, with a pause between keys.
      if (query.isEmpty()) query = defaultQuery(*window->snapshot());
      QLineEdit* search = window->searchField();
      search->setFocus();
      // The query typed key by key, then erased, `rounds` times: each key's time.
      const auto typeQuery = [&] {
        std::vector<double> times;
        for (int round = 0; round < rounds; ++round) {
          for (const QChar c : query) {
            times.push_back(timed([&] { typeKey(search, c.toUpper().unicode(), QString(c)); }));
            waitMs(30);
          }
          for (int i = 0; i < query.size(); ++i) {
            times.push_back(timed([&] { typeKey(search, Qt::Key_Backspace, QString()); }));
            waitMs(30);
          }
        }
        return times;
      };
      const std::vector<double> keys = typeQuery();
      const int shownAfterQuery = window->libraryView()->model()->rowCount();
      // Scrolling a page and selecting rows of the full table.
      QTableView* table = window->libraryView();
      std::vector<double> scrolls;
      for (int i = 0; i < 20; ++i) {
        scrolls.push_back(timed([&] {
          table->verticalScrollBar()->triggerAction(QAbstractSlider::SliderPageStepAdd);
        }));
        waitMs(20);
      }
      std::vector<double> selections;
      const int rows = table->model()->rowCount();
      for (int i = 0; i < 10 && rows > 0; ++i) {
        const int row = static_cast<int>((static_cast<long long>(rows) * (2 * i + 1)) / 20);
        selections.push_back(timed([&] { table->setCurrentIndex(table->model()->index(row, 0)); }));
        waitMs(50);
      }
      interaction = {{QStringLiteral("query"), query},
                     {QStringLiteral("rows_after_query_erased"), shownAfterQuery},
                     {QStringLiteral("keystroke"), summary(keys)},
                     {QStringLiteral("scroll_page"), summary(scrolls)},
                     {QStringLiteral("select_row"), summary(selections)}};
      // The refined map, on the Map tab; on the way, the same search typed there (it highlights
      // the matching songs on the map instead of filtering the table).
      if (hasModel) {
        window->setCurrentTab(ui::MainWindow::MapTab);
        waitMs(100);
        const std::vector<double> mapKeys = typeQuery();
        interaction.insert(QStringLiteral("map_keystroke"), summary(mapKeys));
        waitUntil([&] { return marks.refinedDrawn.has_value(); }, deadline);
      }
    }
    peakMb = peakRssMb();
    app.removeEventFilter(&watch);
    window->jobController()->cancel();
    window.reset();  // waits for the job thread
    interaction.insert(QStringLiteral("open_called_ms"), std::round(openMs * 10) / 10);
  }

  // References in the same run: the catalog's songs and tags alone, and the whole snapshot.
  QElapsedTimer reference;
  reference.start();
  {
    base::Status status;
    const auto catalog = library::openCatalog(path, library::CatalogOpenMode::MustExist, &status);
    if (catalog) {
      const auto songs = catalog->songs();
      const auto tags = catalog->tagTable();
      (void)songs.size();
      (void)tags.size();
    }
  }
  const double catalogReadMs = static_cast<double>(reference.nsecsElapsed()) / 1e6;
  reference.restart();
  const auto snapshot = library::LibrarySnapshot::load(path);
  const double snapshotLoadMs = static_cast<double>(reference.nsecsElapsed()) / 1e6;

  const auto ratio = [](const std::optional<double>& ms, double against) {
    return ms && against > 0 ? QJsonValue(std::round(*ms / against * 100) / 100)
                             : QJsonValue(QJsonValue::Null);
  };
  const QJsonObject out{
      {QStringLiteral("db"), path},
      {QStringLiteral("songs"), marks.songs},
      {QStringLiteral("model"), hasModel},
      {QStringLiteral("map_cache"), mapCache},
      {QStringLiteral("session_cache"),
       sessionCache ? QJsonValue(*sessionCache) : QJsonValue(QJsonValue::Null)},
      {QStringLiteral("map_points"), marks.mapPoints},
      {QStringLiteral("application_ms"), std::round(appMs * 10) / 10},
      {QStringLiteral("window_shown_ms"), msOrNull(marks.windowShown)},
      {QStringLiteral("table_filled_ms"), msOrNull(marks.tableFilled)},
      {QStringLiteral("table_painted_ms"), msOrNull(marks.tablePainted)},
      {QStringLiteral("model_shown_ms"), msOrNull(marks.modelShown)},
      {QStringLiteral("map_layout_ms"), msOrNull(marks.mapLayout)},
      {QStringLiteral("map_drawn_ms"), msOrNull(marks.mapDrawn)},
      {QStringLiteral("pca_drawn_ms"), msOrNull(marks.pcaDrawn)},
      {QStringLiteral("refined_drawn_ms"), msOrNull(marks.refinedDrawn)},
      {QStringLiteral("timeout_ms"), deadline},
      {QStringLiteral("interaction"), interaction},
      {QStringLiteral("peak_rss_mb"), std::round(peakMb)},
      {QStringLiteral("peak_rss_at_table_painted_mb"), std::round(marks.rssAtTablePainted)},
      {QStringLiteral("reference"),
       QJsonObject{{QStringLiteral("catalog_read_ms"), std::round(catalogReadMs * 10) / 10},
                   {QStringLiteral("snapshot_load_ms"), std::round(snapshotLoadMs * 10) / 10},
                   {QStringLiteral("snapshot_songs"),
                    snapshot ? static_cast<int>(snapshot->songs.size()) : 0}}},
      {QStringLiteral("ratios"), QJsonObject{{QStringLiteral("table_painted_over_catalog_read"),
                                              ratio(marks.tablePainted, catalogReadMs)},
                                             {QStringLiteral("table_painted_over_snapshot_load"),
                                              ratio(marks.tablePainted, snapshotLoadMs)},
                                             {QStringLiteral("map_drawn_over_snapshot_load"),
                                              ratio(marks.mapDrawn, snapshotLoadMs)}}},
  };
  QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << "\n";
  return marks.tablePainted ? 0 : 1;
}
