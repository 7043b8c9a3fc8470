#include <QTemporaryDir>
#include <QtTest>

#include "core/library/playlistfile.h"
#include "testaudio.h"
#include "tests/fuzz/fuzzfiles.h"
#include "tests/fuzz/fuzzinputs.h"

using namespace songspace;
namespace fs = std::filesystem;

class PlaylistFileTest : public QObject {
  Q_OBJECT
 private:
  fs::path m_dir;
  QTemporaryDir m_temp;

  library::PlaylistFile read(const std::string& name, const std::string& text) {
    const fs::path file = m_dir / name;
    testaudio::writeBytes(file, text);
    library::PlaylistFile out;
    if (const auto read = library::readPlaylistFile(file, out); !read.ok())
      qWarning("%s", read.message.c_str());
    return out;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_temp.isValid());
    m_dir = fs::path(m_temp.path().toStdString());
    fs::create_directories(m_dir / "lists");
  }

  void extendedM3uWithRelativeAndAbsolute() {
    const library::PlaylistFile p = read("lists/mix.m3u",
                                         "#EXTM3U\n"
                                         "#PLAYLIST:Road Trip\n"
                                         "#EXTINF:123,Artist - Title\n"
                                         "../music/a.mp3\n"
                                         "\n"
                                         "# a comment\n"
                                         "sub/./b.flac\n"
                                         "/abs/c.ogg\n");
    QCOMPARE(QString::fromStdString(p.name), QStringLiteral("Road Trip"));
    QCOMPARE(p.entries.size(), std::size_t(3));
    QCOMPARE(p.entries[0], m_dir / "music/a.mp3");
    QCOMPARE(p.entries[1], m_dir / "lists/sub/b.flac");
    QCOMPARE(p.entries[2], fs::path("/abs/c.ogg"));
  }

  void nameFallsBackToStem() {
    const library::PlaylistFile p = read("Evening.m3u8", "a.mp3\n");
    QCOMPARE(QString::fromStdString(p.name), QStringLiteral("Evening"));
    QCOMPARE(p.entries.size(), std::size_t(1));
  }

  void urlsDecodedOrIgnored() {
    const library::PlaylistFile p = read("urls.m3u8",
                                         "file:///music/My%20Song.mp3\n"
                                         "http://radio.example/stream.mp3\n"
                                         "https://x.example/a%20b.ogg\n"
                                         "file://localhost/music/host.flac\n"
                                         "file:///music/caf%C3%A9.flac\n");
    QCOMPARE(p.entries.size(), std::size_t(3));
    QCOMPARE(p.entries[0], fs::path("/music/My Song.mp3"));
    QCOMPARE(p.entries[1], fs::path("/music/host.flac"));
    QCOMPARE(p.entries[2], fs::path("/music/caf\xC3\xA9.flac"));
  }

  void bomAndCrlf() {
    const library::PlaylistFile p = read("bom.m3u8",
                                         "\xEF\xBB\xBF#EXTM3U\r\n"
                                         "#EXTINF:10,x\r\n"
                                         "one.mp3\r\n"
                                         "two words.ogg  \r\n");
    QCOMPARE(p.entries.size(), std::size_t(2));
    QCOMPARE(p.entries[0], m_dir / "one.mp3");
    QCOMPARE(p.entries[1], m_dir / "two words.ogg");
  }

  void bomBeforeAnEntry() {
    const library::PlaylistFile p = read("bom2.m3u", "\xEF\xBB\xBF/abs/first.mp3\n");
    QCOMPARE(p.entries.size(), std::size_t(1));
    QCOMPARE(p.entries[0], fs::path("/abs/first.mp3"));
  }

  void emptyPlaylist() {
    const library::PlaylistFile p = read("empty.m3u", "");
    QVERIFY(p.entries.empty());
    QCOMPARE(QString::fromStdString(p.name), QStringLiteral("empty"));
  }

  void missingFileFails() {
    library::PlaylistFile out;
    out.name = "stale";
    const auto read = library::readPlaylistFile(m_dir / "absent.m3u", out);
    QCOMPARE(read.error, songspace::base::ErrorCode::NotFound);
    QVERIFY(!read.message.empty());
    QVERIFY(out.name.empty());
  }

  // The fuzz seeds read through the harness's entry, and what fuzzing found
  // (tests/fuzz/regressions/playlist) reads without a crash or an entry that is not absolute and
  // lexically normal (the entry aborts on those).
  void fuzzInputs() {
    const std::vector<fuzz::FuzzFile> seeds = fuzz::fuzzFiles(QStringLiteral("corpus/playlist"));
    QVERIFY(seeds.size() >= 2);
    for (const fuzz::FuzzFile& seed : seeds) {
      const base::Status status = fuzz::playlistInput(seed.input());
      QVERIFY2(status.ok(), qPrintable(seed.name));
    }
    for (const fuzz::FuzzFile& input : fuzz::fuzzFiles(QStringLiteral("regressions/playlist"))) {
      const base::Status status = fuzz::playlistInput(input.input());
      QVERIFY2(status.ok(), qPrintable(input.name));  // any bytes are a (perhaps empty) playlist
    }
  }
};

QTEST_GUILESS_MAIN(PlaylistFileTest)
#include "tst_playlistfile.moc"
