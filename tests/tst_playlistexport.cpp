// Playlists Songspace writes (the map's "Save as Playlist…", `mix --m3u8`): an M3U8 written by
// library::writePlaylistM3u8 reads back, through the same reader the scanner uses, as the same
// songs in the same order.
#include <QTemporaryDir>
#include <QtTest>

#include "core/catalog/catalog.h"
#include "core/library/playlistfile.h"

using namespace songspace;

class PlaylistExportTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void roundTripsThroughTheScannersReader() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString root = dir.path();
    QDir().mkpath(root + QStringLiteral("/music/Artist A/Album"));
    QDir().mkpath(root + QStringLiteral("/lists"));
    std::vector<core::SongRow> rows(3);
    rows[0].path = (root + QStringLiteral("/music/Artist A/Album/01 first.flac")).toStdString();
    rows[0].info.title = "First";
    rows[0].artistName = "Artist A";
    rows[0].info.durationSeconds = 61.4;
    rows[1].path = (root + QStringLiteral("/music/élan – 東京.ogg")).toStdString();
    rows[2].path = (root + QStringLiteral("/lists/beside.mp3")).toStdString();
    std::vector<const core::SongRow*> songs{&rows[2], &rows[0], &rows[1]};

    const QString file = root + QStringLiteral("/lists/Region of the map.m3u8");
    const auto written = library::writePlaylistM3u8(file, songs);
    QVERIFY2(written.ok(), written.message.c_str());

    library::PlaylistFile playlist;
    QVERIFY(library::readPlaylistFile(file.toStdString(), playlist).ok());
    QCOMPARE(playlist.name, std::string("Region of the map"));
    QCOMPARE(playlist.items.size(), songs.size());
    for (std::size_t i = 0; i < songs.size(); ++i) {
      QCOMPARE(playlist.items[i].path.string(), songs[i]->path);
    }
    // Relative entries: the playlist keeps working when the whole tree moves.
    QFile in(file);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray text = in.readAll();
    QVERIFY(text.startsWith("#EXTM3U\n"));
    QVERIFY(text.contains("\nbeside.mp3\n"));
    QVERIFY(text.contains("\n../music/Artist A/Album/01 first.flac\n"));
    QVERIFY(text.contains("#EXTINF:61,"));
    QVERIFY(!text.contains(root.toUtf8()));
  }

  void m3u8IsAddedWhenMissing() {
    QCOMPARE(library::m3u8FileName(QStringLiteral("/tmp/maxstack-cluster")),
             QStringLiteral("/tmp/maxstack-cluster.m3u8"));
    QCOMPARE(library::m3u8FileName(QStringLiteral("a/Mix.M3U8")), QStringLiteral("a/Mix.M3U8"));
    QCOMPARE(library::m3u8FileName(QStringLiteral("mix.m3u")), QStringLiteral("mix.m3u.m3u8"));
    QCOMPARE(library::m3u8FileName(QStringLiteral("chill.v2")), QStringLiteral("chill.v2.m3u8"));
  }

  void unwritableFolderIsAnError() {
    const core::SongRow row;
    const auto written =
        library::writePlaylistM3u8(QStringLiteral("/proc/songspace-cannot-write/x.m3u8"), {&row});
    QCOMPARE(written.error, songspace::base::ErrorCode::Io);
    QVERIFY(!written.message.empty());
  }
};

QTEST_MAIN(PlaylistExportTest)
#include "tst_playlistexport.moc"
