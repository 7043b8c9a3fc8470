// Playlists as other players write them (M3U, M3U8, PLS, XSPF; Windows paths, file URLs, legacy
// encodings) are parsed into their entries with line numbers, and resolved against a library of
// real (empty) files in a temporary folder by the documented rules.

#include <QTemporaryDir>
#include <QtTest>

#include "core/library/playlistfile.h"
#include "core/library/playlistresolver.h"
#include "testaudio.h"
#include "tests/fuzz/fuzzfiles.h"
#include "tests/fuzz/fuzzinputs.h"

using namespace songspace;
namespace fs = std::filesystem;
using Kind = library::PlaylistItem::Kind;
using Rule = library::MatchRule;

namespace {

// Independent of the code under test: invalid sequences would come back as U+FFFD.
bool validUtf8(const std::string& s) {
  return QString::fromStdString(s).toStdString() == s;
}

}  // namespace

class PlaylistFileTest : public QObject {
  Q_OBJECT
 private:
  fs::path m_dir;
  fs::path m_lib;
  QTemporaryDir m_temp;
  std::vector<library::LibraryFile> m_files;

  library::PlaylistFile read(const std::string& name, const std::string& text) {
    const fs::path file = m_dir / name;
    testaudio::writeBytes(file, text);
    library::PlaylistFile out;
    if (const auto read = library::readPlaylistFile(file, out); !read.ok())
      qWarning("%s", read.message.c_str());
    return out;
  }

  // The library file named by its path below m_lib.
  std::int64_t idOf(const std::string& relative) const {
    for (const auto& f : m_files)
      if (f.path == (m_lib / relative).native()) return f.id;
    return -1;
  }

  library::EntryResolution resolveOne(const std::string& playlist, const std::string& text) {
    const library::PlaylistFile p = read(playlist, text);
    if (p.items.size() != 1) return {};
    library::PlaylistResolver resolver(m_files);
    return resolver.resolve(p.items[0]);
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_temp.isValid());
    m_dir = fs::path(m_temp.path().toStdString());
    m_lib = m_dir / "lib";
    fs::create_directories(m_dir / "lists");
    fs::create_directories(m_lib / "lists" / "deep");
    std::int64_t id = 100;
    for (const char* relative :
         {"Some Artist/Album One/01 Track.flac", "Some Artist/Album One/02 Other.flac",
          "Caf\xC3\xA9/\xC3\xA9t\xC3\xA9.mp3", "\303\234ber/Gr\xC3\xBCn.flac", "A/01.flac",
          "B/01.flac", "Dup/X.mp3", "dup/x.mp3", "Mixed Case/Song Name.MP3"}) {
      const fs::path file = m_lib / relative;
      fs::create_directories(file.parent_path());
      QVERIFY(testaudio::writeBytes(file, ""));
      m_files.push_back({id++, file.native()});
    }
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
    QCOMPARE(p.format, library::PlaylistFormat::M3u);
    QCOMPARE(p.encoding, std::string("UTF-8"));
    QCOMPARE(p.items.size(), std::size_t(3));
    QCOMPARE(p.items[0].path, m_dir / "music/a.mp3");
    QCOMPARE(p.items[0].title, std::string("Artist - Title"));
    QCOMPARE(p.items[0].durationSeconds, 123.0);
    QCOMPARE(p.items[0].line, 4);
    QVERIFY(p.items[0].relative);
    QCOMPARE(p.items[1].path, m_dir / "lists/sub/b.flac");
    QCOMPARE(p.items[1].durationSeconds, -1.0);  // #EXTINF names only the next entry
    QCOMPARE(p.items[1].line, 7);
    QCOMPARE(p.items[2].path, fs::path("/abs/c.ogg"));
    QVERIFY(!p.items[2].relative);
  }

  void nameFallsBackToStem() {
    const library::PlaylistFile p = read("Evening.m3u8", "a.mp3\n");
    QCOMPARE(QString::fromStdString(p.name), QStringLiteral("Evening"));
    QCOMPARE(p.items.size(), std::size_t(1));
  }

  void urlsDecodedOrIgnored() {
    const library::PlaylistFile p = read("urls.m3u8",
                                         "file:///music/My%20Song.mp3\n"
                                         "http://radio.example/stream.mp3\n"
                                         "https://x.example/a%20b.ogg\n"
                                         "file://localhost/music/host.flac\n"
                                         "file:///music/caf%C3%A9.flac\n"
                                         "FILE:/music/kde%2520style.ogg\n"
                                         "file:///music/Latin1%20caf%E9.mp3\n"
                                         "file:///music/hash%23x.mp3#fragment\n");
    QCOMPARE(p.items.size(), std::size_t(8));
    QCOMPARE(p.items[0].path, fs::path("/music/My Song.mp3"));
    QCOMPARE(p.items[1].kind, Kind::Remote);
    QCOMPARE(p.items[1].line, 2);
    QCOMPARE(p.items[2].kind, Kind::Remote);
    QCOMPARE(p.items[3].path, fs::path("/music/host.flac"));
    QCOMPARE(p.items[4].path, fs::path("/music/caf\xC3\xA9.flac"));
    QCOMPARE(p.items[5].path, fs::path("/music/kde%20style.ogg"));  // decoded once only
    // Old players percent-encoded Latin-1: the byte E9 is é, never invalid UTF-8.
    QCOMPARE(p.items[6].path, fs::path("/music/Latin1 caf\xC3\xA9.mp3"));
    QCOMPARE(p.items[7].path, fs::path("/music/hash#x.mp3"));
    for (const auto& item : p.items) QVERIFY(validUtf8(item.path.native()));
  }

  void bomAndCrlf() {
    const library::PlaylistFile p = read("bom.m3u8",
                                         "\xEF\xBB\xBF#EXTM3U\r\n"
                                         "#EXTINF:10,x\r\n"
                                         "one.mp3\r\n"
                                         "two words.ogg  \r\n");
    QCOMPARE(p.items.size(), std::size_t(2));
    QCOMPARE(p.items[0].path, m_dir / "one.mp3");
    QCOMPARE(p.items[0].line, 3);
    QCOMPARE(p.items[1].path, m_dir / "two words.ogg");
    QCOMPARE(p.items[1].line, 4);
  }

  void bomBeforeAnEntry() {
    const library::PlaylistFile p = read("bom2.m3u", "\xEF\xBB\xBF/abs/first.mp3\n");
    QCOMPARE(p.items.size(), std::size_t(1));
    QCOMPARE(p.items[0].path, fs::path("/abs/first.mp3"));
  }

  void emptyPlaylist() {
    const library::PlaylistFile p = read("empty.m3u", "");
    QVERIFY(p.items.empty());
    QCOMPARE(QString::fromStdString(p.name), QStringLiteral("empty"));
  }

  void missingFileFails() {
    library::PlaylistFile out;
    out.name = "stale";
    const auto read = library::readPlaylistFile(m_dir / "absent.m3u", out);
    QCOMPARE(read.error, songspace::base::ErrorCode::NotFound);
    QVERIFY(read.message.find("absent.m3u") != std::string::npos);
    QVERIFY(out.name.empty());
  }

  // The case: written on Windows (BOM, CRLF, backslashes, relative), read on Linux —
  // and the same entries with every line ending and separator a player may write.
  void windowsRelativeEntries_data() {
    QTest::addColumn<QByteArray>("bom");
    QTest::addColumn<QByteArray>("eol");
    QTest::addColumn<QByteArray>("separator");
    QTest::addColumn<QByteArray>("suffix");
    QTest::newRow("issue: bom crlf backslash m3u8")
        << QByteArray("\xEF\xBB\xBF") << QByteArray("\r\n") << QByteArray("\\")
        << QByteArray("m3u8");
    QTest::newRow("crlf backslash m3u")
        << QByteArray() << QByteArray("\r\n") << QByteArray("\\") << QByteArray("m3u");
    QTest::newRow("cr only") << QByteArray() << QByteArray("\r") << QByteArray("\\")
                             << QByteArray("M3U8");
    QTest::newRow("lf slash bom") << QByteArray("\xEF\xBB\xBF") << QByteArray("\n")
                                  << QByteArray("/") << QByteArray("m3u");
    QTest::newRow("crlf slash") << QByteArray() << QByteArray("\r\n") << QByteArray("/")
                                << QByteArray("m3u8");
  }
  void windowsRelativeEntries() {
    QFETCH(QByteArray, bom);
    QFETCH(QByteArray, eol);
    QFETCH(QByteArray, separator);
    QFETCH(QByteArray, suffix);
    const QByteArray text = bom + "#EXTM3U" + eol + "#EXTINF:61,Some Artist - Track" + eol + ".." +
                            separator + "Some Artist" + separator + "Album One" + separator +
                            "01 Track.flac" + eol + "#EXTINF:62,Some Artist - Other" + eol + ".." +
                            separator + "Some Artist" + separator + "Album One" + separator +
                            "02 Other.flac  " + eol;
    const library::PlaylistFile p =
        read("lib/lists/win." + suffix.toStdString(), text.toStdString());
    QCOMPARE(p.items.size(), std::size_t(2));
    QCOMPARE(p.items[0].line, 3);
    QCOMPARE(p.items[1].line, 5);
    QCOMPARE(p.items[1].title, std::string("Some Artist - Other"));
    QCOMPARE(p.items[1].durationSeconds, 62.0);
    library::PlaylistResolver resolver(m_files);
    const library::PlaylistImport imported =
        library::resolvePlaylist(m_lib / "lists/win.m3u8", p, resolver);
    QCOMPARE(imported.entries, 2);
    QCOMPARE(imported.resolved, 2);
    QVERIFY(imported.unresolved.empty());
    QVERIFY(imported.inexact.empty());  // exact paths once '\' is a separator
    QCOMPARE(imported.catalogEntries[0].fileId, idOf("Some Artist/Album One/01 Track.flac"));
    QCOMPARE(imported.catalogEntries[1].fileId, idOf("Some Artist/Album One/02 Other.flac"));
  }

  // Drive letters, UNC and foreign absolute paths: matched by their trailing components.
  void foreignPathsByTrailingComponents_data() {
    QTest::addColumn<QByteArray>("entry");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<int>("components");
    QTest::newRow("drive backslash")
        << QByteArray("C:\\Music\\Some Artist\\Album One\\01 Track.flac")
        << QByteArray("Some Artist/Album One/01 Track.flac") << 3;
    QTest::newRow("drive slash, other case")
        << QByteArray("d:/MUSIC/some artist/album one/02 OTHER.flac")
        << QByteArray("Some Artist/Album One/02 Other.flac") << 3;
    QTest::newRow("file url drive percent")
        << QByteArray("file:///C:/Users/Bob/Music/Some%20Artist/Album%20One/01%20Track.flac")
        << QByteArray("Some Artist/Album One/01 Track.flac") << 3;
    QTest::newRow("file url old pipe")
        << QByteArray("file:///E|/x/B/01.flac") << QByteArray("B/01.flac") << 2;
    QTest::newRow("unc") << QByteArray("\\\\server\\share\\Some Artist\\Album One\\01 Track.flac")
                         << QByteArray("Some Artist/Album One/01 Track.flac") << 3;
    QTest::newRow("unc file url") << QByteArray("file://nas/music/A/01.flac")
                                  << QByteArray("A/01.flac") << 2;
    QTest::newRow("unc: the share is not a folder")
        << QByteArray("\\\\nas\\B\\01.flac") << QByteArray("") << 0;
    QTest::newRow("another machine's home")
        << QByteArray("/home/bob/Music/Caf\xC3\xA9/\xC3\xA9t\xC3\xA9.mp3")
        << QByteArray("Caf\xC3\xA9/\xC3\xA9t\xC3\xA9.mp3") << 2;
    QTest::newRow("file name only, unique") << QByteArray("C:\\Old\\Gr\xC3\xBCn.flac")
                                            << QByteArray("\303\234ber/Gr\xC3\xBCn.flac") << 1;
    QTest::newRow("drive-relative") << QByteArray("C:A\\01.flac") << QByteArray("A/01.flac") << 2;
    QTest::newRow("ambiguous: two 01.flac")
        << QByteArray("C:\\Music\\C\\01.flac") << QByteArray("") << 0;
    QTest::newRow("no such name") << QByteArray("C:\\Music\\nothing.flac") << QByteArray("") << 0;
  }
  void foreignPathsByTrailingComponents() {
    QFETCH(QByteArray, entry);
    QFETCH(QByteArray, expected);
    QFETCH(int, components);
    const library::EntryResolution r =
        resolveOne("lists/foreign.m3u8", "#EXTM3U\r\n" + entry.toStdString() + "\r\n");
    if (expected.isEmpty()) {
      QCOMPARE(r.fileId, std::int64_t(0));
      QVERIFY(!r.reason.empty());
      if (QTest::currentDataTag() == QByteArray("ambiguous: two 01.flac")) {
        QVERIFY2(r.reason.find("ambiguous") != std::string::npos, r.reason.c_str());
        QVERIFY(r.reason.find((m_lib / "A/01.flac").string()) != std::string::npos);
        QVERIFY(r.reason.find((m_lib / "B/01.flac").string()) != std::string::npos);
      }
      return;
    }
    QVERIFY2(r.fileId != 0, r.reason.c_str());
    QCOMPARE(r.rule, Rule::TrailingComponents);
    QCOMPARE(r.fileId, idOf(expected.toStdString()));
    QCOMPARE(r.components, components);
  }

  void foreignKindsAndPaths() {
    const library::PlaylistFile p = read("lists/kinds.m3u",
                                         "C:\\Music\\a.mp3\n"
                                         "c:/Music/b.mp3\n"
                                         "\\\\server\\share\\x\\c.mp3\n"
                                         "file:///C:/Music/d%20e.mp3\n"
                                         "file://server/share/f.mp3\n"
                                         "cdda://1\n");
    QCOMPARE(p.items.size(), std::size_t(6));
    QCOMPARE(p.items[0].kind, Kind::Foreign);
    QCOMPARE(p.items[0].path, fs::path("C:/Music/a.mp3"));
    QCOMPARE(p.items[1].path, fs::path("C:/Music/b.mp3"));
    QCOMPARE(p.items[2].kind, Kind::Foreign);
    QCOMPARE(p.items[2].path, fs::path("//server/share/x/c.mp3"));
    QCOMPARE(p.items[3].path, fs::path("C:/Music/d e.mp3"));
    QCOMPARE(p.items[4].path, fs::path("//server/share/f.mp3"));
    QCOMPARE(p.items[5].kind, Kind::Remote);
  }

  void fileUrlsResolveExactly() {
    const std::string url = "file://" + (m_lib / "Caf%C3%A9/%C3%A9t%C3%A9.mp3").string();
    const library::EntryResolution r = resolveOne("lists/url.m3u8", url + "\n");
    QCOMPARE(r.rule, Rule::Exact);
    QCOMPARE(r.fileId, idOf("Caf\xC3\xA9/\xC3\xA9t\xC3\xA9.mp3"));
    const std::string localhost =
        "file://localhost" + (m_lib / "Some%20Artist/Album%20One/02%20Other.flac").string();
    QCOMPARE(resolveOne("lists/url2.m3u8", localhost + "\n").fileId,
             idOf("Some Artist/Album One/02 Other.flac"));
  }

  // A legacy .m3u in Windows-1252 (é = E9, ü = FC, Ü = DC): decoded, never invalid UTF-8.
  void legacy8BitM3u() {
    const library::PlaylistFile p = read("lib/lists/legacy.m3u",
                                         "#EXTM3U\r\n"
                                         "#EXTINF:5,Caf\xE9 \x96 \xE9t\xE9\r\n"
                                         "..\\Caf\xE9\\\xE9t\xE9.mp3\r\n"
                                         "..\\\334ber\\Gr\xFCn.flac\r\n");
    QCOMPARE(p.encoding, std::string("Windows-1252"));
    QCOMPARE(p.items.size(), std::size_t(2));
    QCOMPARE(p.items[0].title,
             std::string("Caf\xC3\xA9 \xE2\x80\x93 \xC3\xA9t\xC3\xA9"));  // – is 0x96
    QCOMPARE(p.items[0].written, std::string("..\\Caf\xC3\xA9\\\xC3\xA9t\xC3\xA9.mp3"));
    library::PlaylistResolver resolver(m_files);
    const library::PlaylistImport imported =
        library::resolvePlaylist(m_lib / "lists/legacy.m3u", p, resolver);
    QCOMPARE(imported.resolved, 2);
    QCOMPARE(imported.catalogEntries[1].fileId, idOf("\303\234ber/Gr\xC3\xBCn.flac"));
  }

  void utf8M3uStaysUtf8() {
    const library::PlaylistFile p =
        read("lib/lists/utf8.m3u", "../Caf\xC3\xA9/\xC3\xA9t\xC3\xA9.mp3\n");
    QCOMPARE(p.encoding, std::string("UTF-8"));
    QCOMPARE(p.items[0].path, m_lib / "Caf\xC3\xA9/\xC3\xA9t\xC3\xA9.mp3");
  }

  void invalidUtf8NeverStored() {
    const library::PlaylistFile p = read("lists/bad.m3u8",
                                         "#EXTINF:1,\xFF\xFE title \xC3\n"
                                         "a\377b.mp3\n"
                                         "\xED\xA0\x80surrogate.mp3\n"
                                         "\xC0\xAFoverlong.mp3\n");
    QVERIFY2(p.encoding.find("not valid UTF-8") != std::string::npos, p.encoding.c_str());
    QCOMPARE(p.items.size(), std::size_t(3));
    for (const auto& item : p.items) {
      QVERIFY(validUtf8(item.written));
      QVERIFY(validUtf8(item.title));
      QVERIFY(validUtf8(item.path.native()));
    }
    QCOMPARE(p.items[0].written, std::string("a\303\277b.mp3"));  // ÿ in Windows-1252
    library::PlaylistResolver resolver(m_files);
    for (const auto& entry :
         library::resolvePlaylist(m_dir / "lists/bad.m3u8", p, resolver).catalogEntries)
      QVERIFY(validUtf8(entry.path));
  }

  void utf16WithBom() {
    const QString text =
        QStringLiteral("#EXTM3U\r\n#EXTINF:3,\u00C9t\u00E9\r\n../a/\u00E9.mp3\r\n");
    QByteArray bytes("\xFF\xFE", 2);
    for (const QChar c : text) {
      bytes.append(static_cast<char>(c.unicode() & 0xFF));
      bytes.append(static_cast<char>(c.unicode() >> 8));
    }
    const library::PlaylistFile p = read("lists/utf16.m3u", bytes.toStdString());
    QCOMPARE(p.encoding, std::string("UTF-16LE"));
    QCOMPARE(p.items.size(), std::size_t(1));
    QCOMPARE(p.items[0].title, std::string("\xC3\x89t\xC3\xA9"));
    QCOMPARE(p.items[0].path, m_dir / "a/\xC3\xA9.mp3");
  }

  void extinfAttributesAndCommas() {
    const library::PlaylistFile p =
        read("lists/attrs.m3u8",
             "#EXTM3U\n"
             "#EXTINF:-1 tvg-name=\"a, b\" group-title=\"x\",Artist, Jr. - Title, Part 2\n"
             "a.mp3\n"
             "#extinf:245.5,lower case\n"
             "b.mp3\n"
             "#EXTINF:abc\n"
             "c.mp3\n");
    QCOMPARE(p.items.size(), std::size_t(3));
    QCOMPARE(p.items[0].title, std::string("Artist, Jr. - Title, Part 2"));
    QCOMPARE(p.items[0].durationSeconds, -1.0);
    QCOMPARE(p.items[1].title, std::string("lower case"));
    QCOMPARE(p.items[1].durationSeconds, 245.5);
    QCOMPARE(p.items[2].durationSeconds, -1.0);
    QVERIFY(p.items[2].title.empty());
  }

  // Case differs from the files: case-folded comparison, against the library and the disk.
  void caseInsensitiveFallback() {
    const library::EntryResolution r =
        resolveOne("lib/lists/case.m3u", "..\\SOME ARTIST\\album one\\01 TRACK.FLAC\r\n");
    QCOMPARE(r.rule, Rule::CaseInsensitive);
    QCOMPARE(r.fileId, idOf("Some Artist/Album One/01 Track.flac"));
    // Absolute, with an NFD é (macOS writes decomposed names) against the NFC file name.
    const std::string nfd = (m_lib / "CAFE\xCC\x81/E\xCC\x81TE\xCC\x81.MP3").string();
    const library::EntryResolution n = resolveOne("lists/nfd.m3u8", nfd + "\n");
    QCOMPARE(n.rule, Rule::CaseInsensitive);
    QCOMPARE(n.fileId, idOf("Caf\xC3\xA9/\xC3\xA9t\xC3\xA9.mp3"));
    // A file on disk that the library does not hold: found through the folder listings, and
    // reported as outside the library.
    const library::PlaylistFile p = read("lib/lists/case2.m3u", "../mixed case/SONG NAME.mp3\n");
    library::PlaylistResolver empty({});
    const library::EntryResolution d = empty.resolve(p.items[0]);
    QCOMPARE(d.rule, Rule::CaseInsensitive);
    QCOMPARE(d.fileId, std::int64_t(0));
    QCOMPARE(d.path, (m_lib / "Mixed Case/Song Name.MP3").native());
    QVERIFY(d.reason.find("not in the library") != std::string::npos);
  }

  void caseInsensitiveAmbiguous() {
    // lib/Dup/X.mp3 and lib/dup/x.mp3 both fold to lib/dup/x.mp3.
    const library::EntryResolution r = resolveOne("lib/lists/dup.m3u", "../DUP/x.MP3\n");
    QCOMPARE(r.fileId, std::int64_t(0));
    QVERIFY2(r.reason.find("ambiguous: 2 files") != std::string::npos, r.reason.c_str());
    // The same through the disk when the library does not know them.
    const library::PlaylistFile p = read("lib/lists/dup2.m3u", "../DUP/x.MP3\n");
    library::PlaylistResolver empty({});
    const library::EntryResolution d = empty.resolve(p.items[0]);
    QCOMPARE(d.fileId, std::int64_t(0));
    QVERIFY(d.path.empty());
    QVERIFY2(d.reason.find("ambiguous") != std::string::npos, d.reason.c_str());
    // Exact case wins over a case-insensitive tie.
    QCOMPARE(resolveOne("lib/lists/dup3.m3u", "../dup/x.mp3\n").fileId, idOf("dup/x.mp3"));
  }

  void relativeEntryIsNotGuessed() {
    // 02 Other.flac exists once in the library, but not where this entry says.
    const library::EntryResolution r =
        resolveOne("lib/lists/moved.m3u", "..\\Elsewhere\\02 Other.flac\n");
    QCOMPARE(r.fileId, std::int64_t(0));
    QCOMPARE(r.reason, std::string("no such file"));
  }

  void plsInNumericOrder() {
    const library::PlaylistFile p = read("lib/lists/radio.pls",
                                         "[Playlist]\r\n"
                                         "NumberOfEntries=3\r\n"
                                         "File10=..\\A\\01.flac\r\n"
                                         "Title1=First\r\n"
                                         "file1=../Some Artist/Album One/01 Track.flac\r\n"
                                         "LENGTH1=61\r\n"
                                         "; a comment\r\n"
                                         "File2=http://stream.example:8000/\r\n"
                                         "Length2=-1\r\n"
                                         "File1=duplicate.flac\r\n"
                                         "Title9=no file\r\n"
                                         "Version=2\r\n");
    QCOMPARE(p.format, library::PlaylistFormat::Pls);
    QCOMPARE(p.items.size(), std::size_t(3));
    QCOMPARE(p.items[0].line, 5);
    QCOMPARE(p.items[0].title, std::string("First"));
    QCOMPARE(p.items[0].durationSeconds, 61.0);
    QCOMPARE(p.items[0].path, m_lib / "Some Artist/Album One/01 Track.flac");
    QCOMPARE(p.items[1].kind, Kind::Remote);
    QCOMPARE(p.items[1].line, 8);
    QCOMPARE(p.items[1].durationSeconds, -1.0);
    QCOMPARE(p.items[2].line, 3);
    QCOMPARE(p.items[2].path, m_lib / "A/01.flac");
    library::PlaylistResolver resolver(m_files);
    const library::PlaylistImport imported =
        library::resolvePlaylist(m_lib / "lists/radio.pls", p, resolver);
    QCOMPARE(imported.resolved, 2);
    QCOMPARE(imported.unresolved.size(), std::size_t(1));
    QCOMPARE(imported.unresolved[0].line, 8);
  }

  void xspfLocations() {
    const std::string absolute = "file://" + (m_lib / "B/01.flac").string();
    const library::PlaylistFile p =
        read("lib/lists/elisa.xspf",
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\">\n"
             "  <title>Evening &amp; Night</title>\n"
             "  <trackList>\n"
             "    <track>\n"
             "      <title>Track</title><creator>Some Artist</creator>\n"
             "      <duration>61500</duration>\n"
             "      <location>../Some%20Artist/Album%20One/01%20Track.flac</location>\n"
             "    </track>\n"
             "    <track><location>" +
                 absolute +
                 "</location><location>ignored.flac</location></track>\n"
                 "    <track><title>no location</title></track>\n"
                 "    <track>\n"
                 "      <location>file:///C:/Music/Caf%C3%A9/%C3%A9t%C3%A9.mp3</location>\n"
                 "    </track>\n"
                 "    <track><location>../missing.flac</location></track>\n"
                 "  </trackList>\n"
                 "</playlist>\n");
    QCOMPARE(p.format, library::PlaylistFormat::Xspf);
    QCOMPARE(p.name, std::string("Evening & Night"));
    QCOMPARE(p.items.size(), std::size_t(4));
    QCOMPARE(p.items[0].line, 8);
    QCOMPARE(p.items[0].title, std::string("Track"));
    QCOMPARE(p.items[0].creator, std::string("Some Artist"));
    QCOMPARE(p.items[0].durationSeconds, 61.5);
    QCOMPARE(p.items[0].path, m_lib / "Some Artist/Album One/01 Track.flac");
    QCOMPARE(p.items[1].line, 10);
    QCOMPARE(p.items[2].line, 13);
    QCOMPARE(p.items[2].kind, Kind::Foreign);
    library::PlaylistResolver resolver(m_files);
    const library::PlaylistImport imported =
        library::resolvePlaylist(m_lib / "lists/elisa.xspf", p, resolver);
    QCOMPARE(imported.resolved, 3);
    QCOMPARE(imported.catalogEntries[1].fileId, idOf("B/01.flac"));
    QCOMPARE(imported.inexact.size(), std::size_t(1));
    QCOMPARE(imported.inexact[0].line, 13);
    QCOMPARE(imported.inexact[0].rule, Rule::TrailingComponents);
    QCOMPARE(imported.unresolved.size(), std::size_t(1));
    QCOMPARE(imported.unresolved[0].line, 15);
    QCOMPARE(imported.unresolved[0].entry, std::string("../missing.flac"));
    QCOMPARE(imported.unresolved[0].detail, std::string("no such file"));
  }

  void xspfMalformed() {
    library::PlaylistFile out;
    const fs::path file = m_dir / "lists/broken.xspf";
    testaudio::writeBytes(file,
                          "<playlist><trackList>\n<track><location>a.flac</location></track>\n"
                          "<track><location>b.flac</track>\n</trackList></playlist>\n");
    const auto read = library::readPlaylistFile(file, out);
    QCOMPARE(read.error, base::ErrorCode::Corrupt);
    QVERIFY2(read.message.find("line 3") != std::string::npos, read.message.c_str());
    QVERIFY(read.message.find("broken.xspf") != std::string::npos);
    QVERIFY(out.items.empty());
    testaudio::writeBytes(file, "<html><body/></html>");
    QCOMPARE(library::readPlaylistFile(file, out).error, base::ErrorCode::Corrupt);
  }

  // The import report: every unresolved entry with its line, as written, named, and why.
  void reportNamesLinesAndReasons() {
    const library::PlaylistFile p = read("lib/lists/report.m3u8",
                                         "#EXTM3U\n"
                                         "#EXTINF:61,Some Artist - Track\n"
                                         "../Some Artist/Album One/01 Track.flac\n"
                                         "\n"
                                         "#EXTINF:10,Gone - Away\n"
                                         "../Gone/away.mp3\n"
                                         "http://radio.example/live\n"
                                         "C:\\Music\\Mixed Case\\song name.mp3\n"
                                         "C:\\Music\\X\\01.flac\n");
    library::PlaylistResolver resolver(m_files);
    const library::PlaylistImport r =
        library::resolvePlaylist(m_lib / "lists/report.m3u8", p, resolver);
    QCOMPARE(r.entries, 5);
    QCOMPARE(r.resolved, 2);
    QCOMPARE(r.unresolved.size(), std::size_t(3));
    QCOMPARE(r.unresolved[0].line, 6);
    QCOMPARE(r.unresolved[0].entry, std::string("../Gone/away.mp3"));
    QCOMPARE(r.unresolved[0].title, std::string("Gone - Away"));
    QCOMPARE(r.unresolved[0].detail, std::string("no such file"));
    QCOMPARE(r.unresolved[1].line, 7);
    QVERIFY(r.unresolved[1].detail.find("stream") != std::string::npos);
    QCOMPARE(r.unresolved[2].line, 9);
    QVERIFY(r.unresolved[2].detail.find("ambiguous") != std::string::npos);
    QCOMPARE(r.inexact.size(), std::size_t(1));
    QCOMPARE(r.inexact[0].line, 8);
    QCOMPARE(r.inexact[0].components, 2);
    QCOMPARE(r.inexact[0].detail, (m_lib / "Mixed Case/Song Name.MP3").native());
    // Catalog rows: ids where resolved, a valid UTF-8 path for each.
    QCOMPARE(r.catalogEntries.size(), std::size_t(5));
    QCOMPARE(r.catalogEntries[3].fileId, idOf("Mixed Case/Song Name.MP3"));
    QCOMPARE(r.catalogEntries[2].path, std::string("http://radio.example/live"));
  }

  void binaryGarbageIsAnError() {
    library::PlaylistFile out;
    const fs::path file = m_dir / "lists/garbage.m3u";
    std::string bytes;
    for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<char>((i * 7919 + 13) % 256));
    testaudio::writeBytes(file, bytes);
    const auto read = library::readPlaylistFile(file, out);
    QCOMPARE(read.error, base::ErrorCode::Corrupt);
    QVERIFY(read.message.find("garbage.m3u") != std::string::npos);
    QVERIFY(read.message.find("binary") != std::string::npos);
    // Without NUL bytes: read, but control characters make no paths.
    const library::PlaylistFile p = this->read("lists/ctrl.m3u", "ok.mp3\n\x01\x02\x7F\x1B[0m\n");
    QCOMPARE(p.items.size(), std::size_t(2));
    QCOMPARE(p.items[1].kind, Kind::Invalid);
    QVERIFY(validUtf8(p.items[1].written));
  }

  void folderIsAnError() {
    fs::create_directories(m_dir / "folder.m3u");
    library::PlaylistFile out;
    const auto read = library::readPlaylistFile(m_dir / "folder.m3u", out);
    QCOMPARE(read.error, base::ErrorCode::Io);
    QVERIFY(read.message.find("folder.m3u") != std::string::npos);
  }

  void unreadableIsAnError() {
    const fs::path file = m_dir / "lists/locked.m3u";
    testaudio::writeBytes(file, "a.mp3\n");
    fs::permissions(file, fs::perms::none);
    library::PlaylistFile out;
    // A file that opens but cannot be read (the unmapped first page of this process's memory)
    // is a read error, whoever runs the test.
    const auto unreadable = library::readPlaylistFile("/proc/self/mem", out);
    QCOMPARE(unreadable.error, base::ErrorCode::Io);
    QVERIFY2(unreadable.message.find("/proc/self/mem") != std::string::npos,
             unreadable.message.c_str());
    QFile probe(QString::fromStdString(file.string()));
    if (probe.open(QIODevice::ReadOnly)) QSKIP("running with privileges that read any file");
    const auto read = library::readPlaylistFile(file, out);
    QCOMPARE(read.error, base::ErrorCode::PermissionDenied);
    QVERIFY(read.message.find("locked.m3u") != std::string::npos);
  }

  void hugeFileIsCapped() {
    // Lines of ~200 bytes: the byte cap is reached before the entry cap.
    const QByteArray line = "dir/" + QByteArray(190, 'x') + ".mp3\r\n";
    QByteArray bytes;
    bytes.reserve(library::kMaxPlaylistBytes + line.size());
    while (bytes.size() <= library::kMaxPlaylistBytes) bytes += line;
    library::PlaylistFile out;
    QVERIFY(
        library::parsePlaylist(bytes, m_dir / "huge.m3u", library::PlaylistFormat::M3u, out).ok());
    QVERIFY(!out.truncated.empty());
    QCOMPARE(static_cast<qint64>(out.items.size()),
             static_cast<qint64>(library::kMaxPlaylistBytes / line.size()));
    QCOMPARE(out.items.back().written, line.trimmed().toStdString());  // no partial last line
    // Short lines: the entry cap.
    QByteArray many;
    for (int i = 0; i <= library::kMaxPlaylistEntries; ++i) many += "a.mp3\n";
    QVERIFY(
        library::parsePlaylist(many, m_dir / "many.m3u", library::PlaylistFormat::M3u, out).ok());
    QCOMPARE(static_cast<int>(out.items.size()), library::kMaxPlaylistEntries);
    QVERIFY(!out.truncated.empty());
  }

  void strictUtf8() {
    QVERIFY(library::isValidUtf8("plain caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xB5"));
    for (const char* bad : {"\xC3", "a\xFF", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80",
                            "\xF4\x90\x80\x80", "\xF8\x88\x80\x80\x80", "\xE2\x82"})
      QVERIFY2(!library::isValidUtf8(bad), bad);
  }

  // The fuzz seeds read through the harness's entry, and what fuzzing found
  // (tests/fuzz/regressions/playlist) reads without a crash or a broken contract (the entry
  // aborts on those): a playlist, perhaps empty, or a clean refusal of binary data.
  void fuzzInputs() {
    const std::vector<fuzz::FuzzFile> seeds = fuzz::fuzzFiles(QStringLiteral("corpus/playlist"));
    QVERIFY(seeds.size() >= 2);
    for (const fuzz::FuzzFile& seed : seeds) {
      const base::Status status = fuzz::playlistInput(seed.input());
      QVERIFY2(status.ok(), qPrintable(seed.name));
    }
    for (const fuzz::FuzzFile& input : fuzz::fuzzFiles(QStringLiteral("regressions/playlist"))) {
      const base::Status status = fuzz::playlistInput(input.input());
      QVERIFY2(status.ok() || status.error == base::ErrorCode::Corrupt, qPrintable(input.name));
    }
  }

  // A resolver that looks paths up one at a time (the scan's, through the catalog's index) gives
  // what the one given every file gives, and loads the library only for an entry that is not an
  // exact path: never for a playlist of exact paths, once for any number of other entries.
  void lookupResolverLoadsTheLibraryOnlyForFallbacks() {
    QVERIFY(testaudio::writeBytes(m_dir / "outside.flac", ""));
    int loads = 0;
    const auto lookup = [&](const std::string& path) -> std::optional<std::int64_t> {
      for (const auto& f : m_files)
        if (f.path == path) return f.id;
      return std::nullopt;
    };
    const auto load = [&] {
      ++loads;
      return m_files;
    };
    const auto same = [](const library::PlaylistImport& a, const library::PlaylistImport& b) {
      const auto notes = [](const std::vector<library::PlaylistEntryNote>& n) {
        std::vector<std::tuple<int, std::string, int>> out;
        out.reserve(n.size());
        for (const auto& note : n)
          out.emplace_back(note.line, note.detail, static_cast<int>(note.rule));
        return out;
      };
      if (a.resolved != b.resolved || a.catalogEntries.size() != b.catalogEntries.size() ||
          notes(a.unresolved) != notes(b.unresolved) || notes(a.inexact) != notes(b.inexact))
        return false;
      for (std::size_t i = 0; i < a.catalogEntries.size(); ++i)
        if (a.catalogEntries[i].fileId != b.catalogEntries[i].fileId ||
            a.catalogEntries[i].path != b.catalogEntries[i].path)
          return false;
      return true;
    };
    const std::string lib = m_lib.native();
    const fs::path exactList = m_dir / "exact.m3u8";
    const library::PlaylistFile exact =
        read("exact.m3u8", lib + "/A/01.flac\n" + lib + "/Some Artist/Album One/02 Other.flac\n" +
                               (m_dir / "outside.flac").native() + "\n");
    library::PlaylistResolver given(m_files);
    library::PlaylistResolver lookedUp(lookup, load);
    const library::PlaylistImport byLookup = library::resolvePlaylist(exactList, exact, lookedUp);
    QCOMPARE(byLookup.resolved, 2);
    QCOMPARE(byLookup.unresolved.size(), std::size_t(1));  // on disk, not in the library
    QVERIFY(same(byLookup, library::resolvePlaylist(exactList, exact, given)));
    QCOMPARE(loads, 0);

    const fs::path mixedList = m_dir / "mixed.m3u8";
    const library::PlaylistFile mixed =
        read("mixed.m3u8", lib + "/A/01.flac\n" + lib + "/mixed case/SONG NAME.mp3\n" +
                               "C:\\Music\\Some Artist\\Album One\\01 Track.flac\n" + lib +
                               "/DUP/x.MP3\nnothing here.flac\n/elsewhere/B/01.flac\n");
    QCOMPARE(mixed.items.size(), std::size_t(6));
    library::PlaylistResolver lookedUpAgain(lookup, load);
    const library::PlaylistImport mixedByLookup =
        library::resolvePlaylist(mixedList, mixed, lookedUpAgain);
    QCOMPARE(mixedByLookup.resolved, 4);  // exact, case, drive path, trailing components
    QVERIFY(same(mixedByLookup, library::resolvePlaylist(mixedList, mixed, given)));
    QCOMPARE(loads, 1);
  }

  void formatsByExtension() {
    QCOMPARE(*library::playlistFormatOf("a/b.M3U"), library::PlaylistFormat::M3u);
    QCOMPARE(*library::playlistFormatOf("b.m3u8"), library::PlaylistFormat::M3u8);
    QCOMPARE(*library::playlistFormatOf("b.PLS"), library::PlaylistFormat::Pls);
    QCOMPARE(*library::playlistFormatOf("b.xspf"), library::PlaylistFormat::Xspf);
    QVERIFY(!library::playlistFormatOf("b.mp3"));
    QVERIFY(!library::playlistFormatOf("m3u"));
  }
};

QTEST_GUILESS_MAIN(PlaylistFileTest)
#include "tst_playlistfile.moc"
