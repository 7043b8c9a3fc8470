#include <QTemporaryDir>
#include <QtTest>

#include "core/library/librarywalker.h"
#include "testaudio.h"

using namespace songspace;
namespace fs = std::filesystem;

namespace {

bool hasProblem(const library::LibraryWalk& walk, const fs::path& path, const std::string& words) {
  for (const auto& [p, reason] : walk.problems) {
    if (p == path && reason.find(words) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

class LibraryWalkerTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir m_temp;
  fs::path m_root;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_temp.isValid());
    m_root = fs::path(m_temp.path().toStdString()) / "lib";
    fs::create_directories(m_root / "a/b");
    fs::create_directories(m_root / "c");
    for (const char* name :
         {"a/x.MP3", "a/b/y.flac", "c/z.Ogg", "c/w.opus", "top.wav", "a/b/notes.txt", "cover.jpg",
          "a/list.m3u", "c/list2.M3U8", "noext", "a/b/v.m4a"}) {
      testaudio::writeBytes(m_root / name, "x");
    }
    fs::create_directory_symlink("..", m_root / "a/b/loop");
    fs::create_symlink("missing-target.mp3", m_root / "c/broken.mp3");
  }

  void extensions() {
    QVERIFY(library::isAudioExtension("a.MP3"));
    QVERIFY(library::isAudioExtension("/x/y.aiff"));
    QVERIFY(library::isAudioExtension("y.Opus"));
    QVERIFY(!library::isAudioExtension("y.txt"));
    QVERIFY(!library::isAudioExtension("mp3"));
    QVERIFY(!library::isAudioExtension("y.m3u"));
  }

  void findsAudioAndPlaylistsSorted() {
    const library::LibraryWalk walk = library::walkLibrary({m_root});
    const std::vector<fs::path> expected{m_root / "a/b/v.m4a", m_root / "a/b/y.flac",
                                         m_root / "a/x.MP3",   m_root / "c/w.opus",
                                         m_root / "c/z.Ogg",   m_root / "top.wav"};
    QCOMPARE(walk.audioFiles, expected);
    const std::vector<fs::path> lists{m_root / "a/list.m3u", m_root / "c/list2.M3U8"};
    QCOMPARE(walk.playlists, lists);
    // The loop terminates and is reported; the dangling link is reported too.
    QVERIFY(hasProblem(walk, m_root / "a/b/loop", "visited"));
    QVERIFY(hasProblem(walk, m_root / "c/broken.mp3", "broken"));
  }

  void overlappingRootsAreUnique() {
    const library::LibraryWalk walk =
        library::walkLibrary({m_root / "a", m_root, m_root / "c/../top.wav", m_root / "c/"});
    QCOMPARE(walk.audioFiles.size(), std::size_t(6));
    QVERIFY(std::is_sorted(
        walk.audioFiles.begin(), walk.audioFiles.end(),
        [](const fs::path& x, const fs::path& y) { return x.native() < y.native(); }));
    QVERIFY(std::adjacent_find(walk.audioFiles.begin(), walk.audioFiles.end()) ==
            walk.audioFiles.end());
  }

  void singleFileRoot() {
    const library::LibraryWalk walk = library::walkLibrary({m_root / "a/b/../x.MP3"});
    QCOMPARE(walk.audioFiles, std::vector<fs::path>{m_root / "a/x.MP3"});
    QVERIFY(walk.problems.empty());
  }

  void missingRootReported() {
    const library::LibraryWalk walk = library::walkLibrary({m_root / "nope", m_root / "c"});
    QVERIFY(hasProblem(walk, m_root / "nope", "not found"));
    QCOMPARE(walk.audioFiles.size(), std::size_t(2));
  }

  void nonUtf8Names() {
    const fs::path dir = m_root.parent_path() / "latin1";
    fs::create_directories(dir / "caf\xE9");
    testaudio::writeBytes(dir / "caf\xE9" / "\xE9t\xE9.mp3", "x");
    const library::LibraryWalk walk = library::walkLibrary({dir});
    QCOMPARE(walk.audioFiles.size(), std::size_t(1));
    QCOMPARE(walk.audioFiles[0].native(), (dir / "caf\xE9" / "\xE9t\xE9.mp3").native());
  }

  void unreadableFolderReported() {
    const fs::path base = fs::path(m_temp.path().toStdString()) / "perm";
    fs::create_directories(base / "locked");
    fs::create_directories(base / "open");
    testaudio::writeBytes(base / "locked/hidden.mp3", "x");
    testaudio::writeBytes(base / "open/seen.mp3", "x");
    fs::permissions(m_temp.path().toStdString(), fs::perms::all);
    fs::permissions(base, fs::perms::all);
    fs::permissions(base / "open", fs::perms::all);
    fs::permissions(base / "locked", fs::perms::none);
    const auto result = testaudio::runAsNobody([&] {
      const library::LibraryWalk walk = library::walkLibrary({base});
      std::string out;
      for (const auto& f : walk.audioFiles) out += "F " + f.string() + "\n";
      for (const auto& [p, reason] : walk.problems) out += "P " + p.string() + "|" + reason + "\n";
      return out;
    });
    fs::permissions(base / "locked", fs::perms::owner_all);
    QVERIFY(result.has_value());
    const QString text = QString::fromStdString(*result);
    QVERIFY2(text.contains(QString::fromStdString("F " + (base / "open/seen.mp3").string())),
             qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("hidden.mp3")), qPrintable(text));
    QVERIFY2(
        text.contains(QString::fromStdString("P " + (base / "locked").string() + "|cannot list")),
        qPrintable(text));
  }
};

QTEST_GUILESS_MAIN(LibraryWalkerTest)
#include "tst_librarywalker.moc"
