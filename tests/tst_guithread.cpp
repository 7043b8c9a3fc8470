// The GUI thread never opens the catalog (SQLite: migrations, a busy timeout of seconds). Every
// Catalog::open in the process is watched through its open observer while the explorer window is
// driven as a user would: open a library, select songs, auto-tag them, open the Edit menu, undo;
// then auto-tag again and accept the written values from the Edit menu. Each open must happen on a
// worker thread; the undo must still restore every file, the accept make the values user tags.
#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audio/tagwriter.h"
#include "core/catalog/catalog.h"
#include "core/catalog/openobserver.h"
#include "core/library/autotag.h"
#include "core/library/autotagapply.h"
#include "modalanswerer.h"
#include "taglibrary.h"
#include "ui/autotagdialog.h"
#include "ui/dialogtitle.h"
#include "ui/englishplurals.h"
#include "ui/mainwindow.h"

using namespace songspace;
using audio::TagField;
using ui::MainWindow;

namespace {

constexpr int kWaitMs = 60'000;  // loads and jobs on a loaded machine under a sanitizer

// What the open observer saw, by thread.
struct Opens {
  std::mutex mutex;
  std::thread::id guiThread;
  std::vector<std::string> onGuiThread;  // paths opened there
  int onWorkers = 0;

  void reset() {
    const std::lock_guard lock(mutex);
    onGuiThread.clear();
    onWorkers = 0;
  }
};
Opens g_opens;

void watchOpen(const std::filesystem::path& path) {
  const std::lock_guard lock(g_opens.mutex);
  if (std::this_thread::get_id() == g_opens.guiThread) {
    g_opens.onGuiThread.push_back(path.string());
  } else {
    ++g_opens.onWorkers;
  }
}

std::vector<std::string> genre(const QString& file) {
  std::vector<std::string> values;
  if (!audio::readTagField(QFile::encodeName(file).toStdString(), TagField::Genre, values).ok()) {
    values = {"<unreadable>"};
  }
  return values;
}

QAction* actionNamed(QWidget* window, const QString& text) {
  for (QAction* action : window->findChildren<QAction*>()) {
    if (action->text() == text) return action;
  }
  return nullptr;
}

QMenu* menuNamed(QMainWindow* window, const QString& title) {
  for (QAction* action : window->menuBar()->actions()) {
    if (action->menu() && action->text() == title) return action->menu();
  }
  return nullptr;
}

// Opens the menu as a click on the menu bar does (aboutToShow runs), then closes it.
void openAndCloseMenu(QMenu* menu) {
  menu->popup(QPoint(0, 0));
  QTRY_VERIFY(menu->isVisible());
  menu->hide();
}

}  // namespace

class GuiThreadTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void cleanupTestCase();
  void observerSeesTheOpeningThread();
  void editMenuUndoOpensTheCatalogOnWorkersOnly();
  void editMenuAcceptMakesWrittenValuesUserTags();

 private:
  // Shows `window` and opens the test catalog in it, waiting until everything is loaded.
  void openLoaded(MainWindow& window);
  QTemporaryDir m_dir;
  QString m_music, m_catalogPath;
  std::map<QString, std::vector<std::string>> m_originalGenre;
};

void GuiThreadTest::initTestCase() {
  QStandardPaths::setTestModeEnabled(true);                  // QSettings in a test location
  ui::installEnglishPlurals(*QCoreApplication::instance());  // as the GUI's main does
  QVERIFY(m_dir.isValid());
  m_music = m_dir.filePath(QStringLiteral("music"));
  const std::string made = testing::makeTagLibrary(m_music);
  QVERIFY2(made.empty(), made.c_str());
  for (const testing::TagLibraryCopy& copy : testing::kTagLibraryCopies) {
    const QString file = QDir(m_music).filePath(QLatin1String(copy.name));
    m_originalGenre[file] = genre(file);
  }
  m_catalogPath = m_dir.filePath(QStringLiteral("library.sqlite"));
  const std::string trained = testing::scanAndTrainTagLibrary(m_music, m_catalogPath);
  QVERIFY2(trained.empty(), trained.c_str());
  g_opens.guiThread = std::this_thread::get_id();
  core::setCatalogOpenObserver(&watchOpen);
}

void GuiThreadTest::cleanupTestCase() {
  core::setCatalogOpenObserver(nullptr);
}

// The instrument itself: an open here counts against the GUI thread, one on a thread does not.
void GuiThreadTest::observerSeesTheOpeningThread() {
  g_opens.reset();
  const std::string path = QFile::encodeName(m_catalogPath).toStdString();
  QVERIFY(core::Catalog::open(path) != nullptr);
  bool openedOnWorker = false;
  std::thread worker([&] { openedOnWorker = core::Catalog::open(path) != nullptr; });
  worker.join();
  QVERIFY(openedOnWorker);
  const std::lock_guard lock(g_opens.mutex);
  QCOMPARE(g_opens.onGuiThread.size(), std::size_t{1});
  QCOMPARE(g_opens.onWorkers, 1);
}

void GuiThreadTest::openLoaded(MainWindow& window) {
  window.jobController()->setOptions({1, 5, 150});
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  window.openCatalog(m_catalogPath);
  QTRY_VERIFY_WITH_TIMEOUT(window.isFullyLoaded(), kWaitMs);
}

void GuiThreadTest::editMenuUndoOpensTheCatalogOnWorkersOnly() {
  g_opens.reset();
  MainWindow window;
  // Open the library; nothing has been auto-tagged yet.
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  QMenu* edit = menuNamed(&window, QStringLiteral("&Edit"));
  QAction* undo = actionNamed(&window, QStringLiteral("Undo Auto-tagging"));
  QAction* autotag = actionNamed(&window, QStringLiteral("Auto-tag Files…"));
  QVERIFY(edit && undo && autotag);
  QVERIFY(window.snapshot()->hasModel());
  QVERIFY(!window.snapshot()->undoableBatch);
  openAndCloseMenu(edit);
  QVERIFY(!undo->isEnabled());

  // Select every song and auto-tag their genre, writing what the preview shows.
  window.libraryView()->selectAll();
  autotag->trigger();
  auto* dialog = window.findChild<ui::AutotagDialog*>();
  QVERIFY(dialog);
  library::AutotagParams params;
  params.field = TagField::Genre;
  params.minConfidence = library::kAutotagMinConfidence.minValue;
  dialog->setParams(params);
  dialog->recompute();
  QTRY_VERIFY_WITH_TIMEOUT(
      !dialog->isComputing() && dialog->proposalRuns() > 0 && dialog->applyButton()->isEnabled(),
      kWaitMs);
  QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(dialog->hasResult(), kWaitMs);
  const library::BatchResult applied = dialog->lastResult();
  QVERIFY2(applied.status.ok(), applied.status.message.c_str());
  const int written = applied.count(library::FileOutcomeKind::Written);
  QVERIFY(written > 0);
  dialog->close();

  // The refreshed snapshot names the batch, and the Edit menu offers it.
  QTRY_VERIFY_WITH_TIMEOUT(window.snapshot() && window.snapshot()->undoableBatch, kWaitMs);
  QCOMPARE(window.snapshot()->undoableBatch->batchId, applied.batchId);
  QCOMPARE(window.snapshot()->undoableBatch->files, written);
  QTRY_VERIFY_WITH_TIMEOUT(window.isFullyLoaded(), kWaitMs);
  openAndCloseMenu(edit);
  QVERIFY(undo->isEnabled());

  // Undo from the menu, answering the confirmation and the report as they appear.
  testing::ModalAnswerer answer;
  const QStringList& texts = answer.texts();
  undo->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(texts.size() == 2, kWaitMs);
  answer.stop();
  QVERIFY2(texts[1].startsWith(QStringLiteral("Restored %1 files.").arg(written)),
           qPrintable(texts[1]));
  // Each box is wide enough for its title (issue 14: "Undo a... agging"), the short report too.
  for (const auto& seen : answer.boxes()) {
    QWidget sameTitle;
    sameTitle.setWindowTitle(seen.title);
    QCOMPARE(seen.title, QStringLiteral("Undo auto-tagging"));
    QVERIFY2(
        seen.width >= ui::widthForTitle(sameTitle),
        qPrintable(
            QStringLiteral("%1 px < %2 px").arg(seen.width).arg(ui::widthForTitle(sameTitle))));
  }
  QTRY_VERIFY_WITH_TIMEOUT(window.snapshot() && !window.snapshot()->undoableBatch, kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(window.isFullyLoaded(), kWaitMs);
  openAndCloseMenu(edit);
  QVERIFY(!undo->isEnabled());
  for (const auto& [file, original] : m_originalGenre) QCOMPARE(genre(file), original);

  const std::lock_guard lock(g_opens.mutex);
  QVERIFY2(g_opens.onGuiThread.empty(),
           qPrintable(QStringLiteral("the GUI thread opened %1 catalog(s), first %2")
                          .arg(g_opens.onGuiThread.size())
                          .arg(QString::fromStdString(g_opens.onGuiThread.empty()
                                                          ? std::string()
                                                          : g_opens.onGuiThread.front()))));
  // Open (snapshot), proposals, apply, reload, undo, reload: all on workers.
  QVERIFY(g_opens.onWorkers >= 6);
}

// Accept from the Edit menu: the snapshot names the batch awaiting acceptance, the menu offers it,
// the confirmation says what accepting means, and afterwards the values are user tags, nothing
// awaits acceptance and the batch is no longer undoable. (SONGSPACE_SCREENSHOT_DIR: the open Edit
// menu is saved as edit-menu-accept.png.)
void GuiThreadTest::editMenuAcceptMakesWrittenValuesUserTags() {
  // An auto-tag batch made elsewhere (another process, here a thread): two new genres, 3 files.
  library::BatchResult applied;
  std::vector<std::int64_t> fileIds;
  std::thread([&] {
    auto catalog = core::Catalog::open(QFile::encodeName(m_catalogPath).toStdString());
    if (!catalog) return;
    std::vector<library::Proposal> proposals;
    for (const char* name : {"02 lights.mp3", "03 fjord.flac", "05 echo.opus"}) {
      const std::string path =
          QFile::encodeName(QDir(m_music).filePath(QLatin1String(name))).toStdString();
      const auto row = catalog->fileByPath(path);
      if (!row) return;
      fileIds.push_back(row->id);
      proposals.push_back(
          library::proposalFromPredictions(row->id, path, {{"swing", 1.0f}, {"bebop", 0.9f}}, {}));
    }
    applied = library::applyProposals(*catalog, proposals);
  }).join();
  QCOMPARE(applied.count(library::FileOutcomeKind::Written), 3);

  g_opens.reset();
  MainWindow window;
  openLoaded(window);
  if (QTest::currentTestFailed()) return;
  QMenu* edit = menuNamed(&window, QStringLiteral("&Edit"));
  QAction* accept = actionNamed(&window, QStringLiteral("Accept Auto-tagged Values…"));
  QAction* undo = actionNamed(&window, QStringLiteral("Undo Auto-tagging"));
  QVERIFY(edit && accept && undo);
  QVERIFY(window.snapshot()->acceptableBatch);
  QCOMPARE(window.snapshot()->acceptableBatch->batchId, applied.batchId);
  QCOMPARE(window.snapshot()->acceptableBatch->files, 3);
  const auto written = [&] {
    int count = 0;
    for (const std::int64_t id : fileIds) {
      for (const core::FileTag& tag : window.snapshot()->tagsOf(id, core::TagSource::File))
        count += tag.written ? 1 : 0;
    }
    return count;
  };
  QCOMPARE(written(), 6);  // swing and bebop in each
  edit->popup(QPoint(0, 0));
  QTRY_VERIFY(edit->isVisible());
  QVERIFY(accept->isEnabled());
  QVERIFY(undo->isEnabled());
  if (const QString dir = qEnvironmentVariable("SONGSPACE_SCREENSHOT_DIR"); !dir.isEmpty()) {
    QCoreApplication::processEvents();
    QVERIFY(edit->grab().save(QDir(dir).filePath(QStringLiteral("edit-menu-accept.png"))));
  }
  edit->hide();

  testing::ModalAnswerer answer;
  const QStringList& texts = answer.texts();
  accept->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(texts.size() == 2, kWaitMs);
  answer.stop();
  QVERIFY2(texts[0].contains(QStringLiteral("the genre of 3 files")), qPrintable(texts[0]));
  QVERIFY2(texts[1].startsWith(QStringLiteral("Accepted 6 values in 3 files as your own tags;")),
           qPrintable(texts[1]));
  QTRY_VERIFY_WITH_TIMEOUT(window.snapshot() && !window.snapshot()->acceptableBatch, kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(window.isFullyLoaded(), kWaitMs);
  QCOMPARE(written(), 0);
  for (const std::int64_t id : fileIds) {
    QCOMPARE(window.snapshot()->tagsOf(id, core::TagSource::User).size(), std::size_t{2});
  }
  QVERIFY(!window.snapshot()->undoableBatch);  // the accepted batch is the user's now
  openAndCloseMenu(edit);
  QVERIFY(!accept->isEnabled());

  const std::lock_guard lock(g_opens.mutex);
  QVERIFY(g_opens.onGuiThread.empty());
}

QTEST_MAIN(GuiThreadTest)
#include "tst_guithread.moc"
