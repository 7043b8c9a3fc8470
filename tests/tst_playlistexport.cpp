// Playlists Songspace writes (the map's "Save as Playlist…", `mix --m3u8`): an M3U8 written by
// library::writePlaylistM3u8 reads back, through the same reader the scanner uses, as the same
// songs in the same order.
#include <QTemporaryDir>
#include <QtTest>

#include "core/catalog/catalog.h"
#include "core/library/ownplaylists.h"
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

  // A saved playlist is recorded as Songspace's, named by its file; deleting it removes the
  // record and the file; a library playlist is refused and keeps both.
  void ownPlaylistRecordedAndDeleted() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto catalog = core::Catalog::open(dir.filePath(QStringLiteral("c.sqlite")).toStdString());
    QVERIFY(catalog);
    std::int64_t a = 0, b = 0;
    core::AnalysisRecord record;
    record.features.summary = {1.0f};
    QVERIFY(catalog->storeAnalysis("/m/a.flac", {1, 1}, 1, record, &a).ok());
    QVERIFY(catalog->storeAnalysis("/m/b.flac", {1, 1}, 1, record, &b).ok());
    const QString file = dir.filePath(QStringLiteral("Road trip.m3u8"));
    QVERIFY(QFile(file).open(QIODevice::WriteOnly));
    std::int64_t id = 0;
    const auto recorded = library::recordOwnPlaylist(*catalog, file, {b, a}, &id);
    QVERIFY2(recorded.ok(), recorded.message.c_str());
    auto lists = catalog->playlists();
    QCOMPARE(lists.size(), std::size_t(1));
    QCOMPARE(lists[0].id, id);
    QCOMPARE(lists[0].name, std::string("Road trip"));
    QCOMPARE(lists[0].path, file.toStdString());
    QCOMPARE(lists[0].origin, core::PlaylistOrigin::Songspace);
    QCOMPARE(lists[0].memberFileIds(), (std::vector<std::int64_t>{b, a}));
    const auto unknown = library::recordOwnPlaylist(*catalog, file, {a, 999});
    QCOMPARE(unknown.error, base::ErrorCode::NotFound);
    QVERIFY2(unknown.message.find("Road trip.m3u8") != std::string::npos, unknown.message.c_str());
    QCOMPARE(catalog->playlists()[0].memberFileIds(), (std::vector<std::int64_t>{b, a}));

    std::int64_t theirs = 0;
    const QString theirFile = dir.filePath(QStringLiteral("theirs.m3u"));
    QVERIFY(QFile(theirFile).open(QIODevice::WriteOnly));
    QVERIFY(catalog->replacePlaylist(theirFile.toStdString(), "theirs", {{a, ""}}, &theirs).ok());
    const auto refused = library::deleteOwnPlaylist(*catalog, theirs);
    QCOMPARE(refused.error, base::ErrorCode::InvalidArgument);
    QVERIFY2(refused.message.find("theirs.m3u") != std::string::npos, refused.message.c_str());
    QVERIFY(QFile::exists(theirFile));
    QCOMPARE(catalog->playlists().size(), std::size_t(2));

    const auto deleted = library::deleteOwnPlaylist(*catalog, id);
    QVERIFY2(deleted.ok(), deleted.message.c_str());
    QVERIFY(!QFile::exists(file));
    lists = catalog->playlists();
    QCOMPARE(lists.size(), std::size_t(1));
    QCOMPARE(lists[0].id, theirs);
    QCOMPARE(library::deleteOwnPlaylist(*catalog, id).error, base::ErrorCode::NotFound);
  }

  // A file that cannot be deleted keeps its record; a file already gone does not stop the delete.
  void deleteFailuresKeepTheRecord() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto catalog = core::Catalog::open(dir.filePath(QStringLiteral("c.sqlite")).toStdString());
    QVERIFY(catalog);
    // A folder with a file in it cannot be removed as a file (even by root).
    const QString stuck = dir.filePath(QStringLiteral("stuck.m3u8"));
    QVERIFY(QDir().mkpath(stuck + QStringLiteral("/inside")));
    std::int64_t stuckId = 0;
    QVERIFY(library::recordOwnPlaylist(*catalog, stuck, {}, &stuckId).ok());
    const auto failed = library::deleteOwnPlaylist(*catalog, stuckId);
    QCOMPARE(failed.error, base::ErrorCode::Io);
    QVERIFY2(failed.message.find("stuck.m3u8") != std::string::npos, failed.message.c_str());
    QCOMPARE(catalog->playlists().size(), std::size_t(1));

    std::int64_t goneId = 0;
    QVERIFY(
        library::recordOwnPlaylist(*catalog, dir.filePath(QStringLiteral("gone.m3u8")), {}, &goneId)
            .ok());
    const auto gone = library::deleteOwnPlaylist(*catalog, goneId);
    QVERIFY2(gone.ok(), gone.message.c_str());
    QCOMPARE(catalog->playlists().size(), std::size_t(1));
  }
};

QTEST_MAIN(PlaylistExportTest)
#include "tst_playlistexport.moc"
