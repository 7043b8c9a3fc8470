// Kill test: an apply batch over 16 files is SIGKILLed at a random moment, many times (seeded).
// The files: two of each tagged fixture (ID3v2.3, ID3v2.4, FLAC, Ogg Vorbis, Opus, M4A) and the
// legacy combinations of tests/tagtool.py whose write carries fields over (MP3 with ID3v1 only,
// APEv2 only, all three tags; FLAC with an ID3v2 tag in front of the stream).
// After every kill: each file is byte-identical to its original or to its fully tagged version
// (both known beforehand), recovery leaves no temporary file and no Pending edit, the catalog's
// stamps match the disk, Done edits match exactly the rewritten files, and undo brings every
// file's field back to its original values and its whole merged tag view back to the original.
#include <sys/wait.h>
#include <unistd.h>

#include <QCryptographicHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <thread>

#include "audio/tagview.h"
#include "core/catalog/catalog.h"
#include "core/library/autotag.h"
#include "core/library/autotagapply.h"
#include "core/library/safetagwrite.h"
#include "core/library/scanjob.h"
#include "core/library/tagundo.h"
#include "tagtool.h"
#include "tests/testpaths.h"

namespace library = songspace::library;
namespace audio = songspace::audio;
namespace core = songspace::core;
namespace fs = std::filesystem;

namespace {

const fs::path kData = songspace::test::testDataDir() / "tags";
constexpr int kIterations = 25;
constexpr int kFiles = 16;
constexpr unsigned kSeed = 20251125;

QByteArray hashOf(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return QCryptographicHash::hash(QByteArray::fromStdString(bytes), QCryptographicHash::Sha256);
}

int tempFilesIn(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    n += library::isSongspaceTempName(e.path().filename().string()) ? 1 : 0;
  }
  return n;
}

bool copyTree(const fs::path& from, const fs::path& to) {
  // cp -a keeps mtimes: the catalog's stamps must stay valid for the restored files.
  return QProcess::execute(QStringLiteral("cp"),
                           {QStringLiteral("-a"), QString::fromStdString(from.string()),
                            QString::fromStdString(to.string())}) == 0;
}

}  // namespace

class TestAutotagKill : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  fs::path m_work, m_pristine, m_lib, m_db;
  std::vector<library::Proposal> m_proposals;
  std::map<std::string, QByteArray> m_original, m_tagged;
  std::map<std::string, std::vector<std::string>> m_originalValues;
  std::map<std::string, audio::TagView> m_originalView;
  double m_fullRunMs = 0;

  void restore() {
    fs::remove_all(m_work);
    QVERIFY(copyTree(m_pristine, m_work));
  }

 private Q_SLOTS:
  void initTestCase() {
    m_work = fs::path(m_dir.path().toStdString()) / "work";
    m_pristine = fs::path(m_dir.path().toStdString()) / "pristine";
    m_lib = m_work / "lib";
    m_db = m_work / "catalog.sqlite";
    fs::create_directories(m_lib);
    int n = 0;
    for (const char* name : {"tagged-v23.mp3", "tagged-v24.mp3", "tagged.flac", "tagged.ogg",
                             "tagged.opus", "tagged.m4a"}) {
      for (int copy = 0; copy < 2; ++copy) {
        const fs::path source = kData / name;
        fs::copy_file(source, m_lib / ("song" + std::to_string(n++) + source.extension().string()));
      }
    }
    QTemporaryDir generated;
    QString error;
    const QStringList made = songspace::testing::makeTagCombinations(generated.path(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (const char* name : {"mp3-id3v1.mp3", "mp3-ape.mp3", "mp3-all.mp3", "flac-id3.flac"}) {
      QVERIFY(made.contains(QLatin1String(name)));
      const fs::path source = fs::path(generated.path().toStdString()) / name;
      fs::copy_file(source, m_lib / ("song" + std::to_string(n++) + source.extension().string()));
    }
    {
      auto catalog = core::Catalog::open(m_db);
      QVERIFY(catalog);
      library::ScanOptions scan;
      scan.roots = {m_lib};
      scan.threads = 1;
      QVERIFY(library::runScan(*catalog, scan).status.ok());
      library::AutotagParams params;
      for (const auto& row : catalog->songs()) {
        m_proposals.push_back(library::proposalFromPredictions(
            row.fileId, row.path, {{"jazz", 2.0f}, {"ambient", 1.0f}}, params));
        QVERIFY(!m_proposals.back().skipped());
        m_original[row.path] = hashOf(row.path);
        m_originalValues[row.path] = m_proposals.back().oldValues;
        QVERIFY(audio::readTagView(row.path, m_originalView[row.path]).ok());
      }
      QCOMPARE(m_proposals.size(), std::size_t(kFiles));
    }
    QVERIFY(copyTree(m_work, m_pristine));

    // The fully tagged version of every file, from an uninterrupted run.
    auto catalog = core::Catalog::open(m_db);
    const auto start = std::chrono::steady_clock::now();
    const auto result = library::applyProposals(*catalog, m_proposals);
    m_fullRunMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    QCOMPARE(result.count(library::FileOutcomeKind::Written), kFiles);
    for (const auto& p : m_proposals) {
      m_tagged[p.path] = hashOf(p.path);
      QVERIFY(m_tagged[p.path] != m_original[p.path]);
    }
    qInfo("uninterrupted apply: %d files in %.0f ms (%.1f files/s)", kFiles, m_fullRunMs,
          kFiles * 1000.0 / m_fullRunMs);
  }

  void killAtRandomMoments() {
    std::mt19937 rng(kSeed);
    std::uniform_real_distribution<double> delayMs(0.0, 1.2 * m_fullRunMs);
    int partial = 0, tempsLeft = 0, pendingLeft = 0;
    for (int i = 0; i < kIterations; ++i) {
      restore();
      const double delay = delayMs(rng);
      const pid_t child = ::fork();
      QVERIFY(child >= 0);
      if (child == 0) {
        auto catalog = core::Catalog::open(m_db);
        if (catalog) library::applyProposals(*catalog, m_proposals);
        ::_exit(0);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long>(delay * 1000)));
      ::kill(child, SIGKILL);
      ::waitpid(child, nullptr, 0);

      int rewritten = 0;
      for (const auto& p : m_proposals) {
        const QByteArray now = hashOf(p.path);
        QVERIFY2(now == m_original[p.path] || now == m_tagged[p.path],
                 qPrintable(QStringLiteral("iteration %1: %2 is neither original nor tagged")
                                .arg(i)
                                .arg(QString::fromStdString(p.path))));
        rewritten += now == m_tagged[p.path] ? 1 : 0;
      }
      partial += rewritten > 0 && rewritten < kFiles ? 1 : 0;
      tempsLeft += tempFilesIn(m_lib);

      auto catalog = core::Catalog::open(m_db);
      QVERIFY(catalog);
      pendingLeft += catalog->batchesWithPendingEdits().empty() ? 0 : 1;
      library::recoverInterruptedEdits(*catalog, {m_lib.string()});
      QCOMPARE(tempFilesIn(m_lib), 0);
      QVERIFY(catalog->batchesWithPendingEdits().empty());
      int done = 0;
      if (const auto batch = catalog->lastTagBatch()) {
        for (const auto& e : catalog->editsOfBatch(batch->id)) {
          if (e.state != core::TagEditState::Done) continue;
          ++done;
          QCOMPARE(hashOf(e.path), m_tagged[e.path]);
          QCOMPARE(e.newStamp, songspace::base::fileStamp(e.path));
        }
      }
      QCOMPARE(done, rewritten);
      for (const auto& p : m_proposals) {
        QCOMPARE(catalog->fileByPath(p.path)->stamp, *songspace::base::fileStamp(p.path));
      }
      if (rewritten > 0) {
        const auto undo = library::undoBatch(*catalog);
        QVERIFY2(undo.status.ok(), undo.status.message.c_str());
        QCOMPARE(undo.count(library::FileOutcomeKind::Written), rewritten);
      }
      for (const auto& p : m_proposals) {
        std::vector<std::string> values;
        QVERIFY(audio::readTagField(p.path, audio::TagField::Genre, values).ok());
        QCOMPARE(values, m_originalValues[p.path]);
        audio::TagView view;
        QVERIFY(audio::readTagView(p.path, view).ok());
        QVERIFY2(view == m_originalView[p.path], p.path.c_str());
      }
    }
    qInfo("%d kills: %d left a partly applied batch, %d left a temporary file, %d a pending edit",
          kIterations, partial, tempsLeft, pendingLeft);
  }
};

QTEST_GUILESS_MAIN(TestAutotagKill)
#include "tst_autotag_kill.moc"
