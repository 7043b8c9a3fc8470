// The Playlists tab's models and page on a small catalog holding both kinds of playlist: order
// (ours first), counts, greyed entries that are not library songs, which actions each kind
// offers, the keys, and what a refresh keeps chosen.
#include <QAbstractItemModelTester>
#include <QAction>
#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "core/catalog/catalog.h"
#include "core/library/librarysnapshot.h"
#include "ui/englishplurals.h"
#include "ui/playlistmodels.h"
#include "ui/playlistspage.h"

using namespace songspace;
using ui::PlaylistEntryModel;
using ui::PlaylistListModel;

class PlaylistModelsTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir m_dir;
  std::shared_ptr<const library::LibrarySnapshot> m_snapshot;
  std::int64_t m_song[3] = {};
  std::int64_t m_ours = 0, m_theirs = 0, m_gone = 0;

  QStringList column(const QAbstractItemModel& model, int column) const {
    QStringList texts;
    for (int row = 0; row < model.rowCount(); ++row)
      texts << model.index(row, column).data().toString();
    return texts;
  }

 private Q_SLOTS:
  void initTestCase() {
    ui::installEnglishPlurals(*QCoreApplication::instance());
    QVERIFY(m_dir.isValid());
    const QString path = m_dir.filePath(QStringLiteral("c.sqlite"));
    {
      auto catalog = core::Catalog::open(path.toStdString());
      QVERIFY(catalog);
      for (int i = 0; i < 3; ++i) {
        core::AnalysisRecord record;
        record.info.title = "Song " + std::to_string(i);
        record.info.artist = "Artist";
        record.info.durationSeconds = 61 + i;
        record.features.summary = {1.0f};
        QVERIFY(
            catalog
                ->storeAnalysis("/m/" + std::to_string(i) + ".flac", {1, 1}, 1, record, &m_song[i])
                .ok());
      }
      QVERIFY(catalog
                  ->replacePlaylist("/m/lists/B list.m3u", "B list",
                                    {{m_song[0], ""}, {0, "/old/gone.mp3"}, {m_song[1], ""}},
                                    &m_theirs)
                  .ok());
      QVERIFY(catalog->replacePlaylist("/m/lists/c.m3u", "c all gone", {{0, "/old/x.mp3"}}, &m_gone)
                  .ok());
      QVERIFY(catalog
                  ->replacePlaylist("/home/u/a mine.m3u8", "a mine",
                                    {{m_song[2], ""}, {m_song[0], ""}}, &m_ours,
                                    core::PlaylistOrigin::Songspace)
                  .ok());
    }
    base::Status status;
    m_snapshot = library::LibrarySnapshot::load(path, &status);
    QVERIFY2(m_snapshot, status.message.c_str());
    QCOMPARE(m_snapshot->playlists.size(), std::size_t(3));
  }

  void listOrderCountsAndOrigin() {
    PlaylistListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setPlaylists(m_snapshot->playlists, m_snapshot);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), 3);
    QCOMPARE(column(model, PlaylistListModel::Name),
             (QStringList{QStringLiteral("a mine"), QStringLiteral("B list"),
                          QStringLiteral("c all gone")}));
    QCOMPARE(
        column(model, PlaylistListModel::Songs),
        (QStringList{QStringLiteral("2"), QStringLiteral("2 of 3"), QStringLiteral("0 of 1")}));
    QCOMPARE(column(model, PlaylistListModel::Source),
             (QStringList{QStringLiteral("Songspace"), QStringLiteral("Library"),
                          QStringLiteral("Library")}));
    QCOMPARE(model.index(0, 0).data(PlaylistListModel::IdRole).toLongLong(), m_ours);
    QVERIFY(model.index(0, 0).data(PlaylistListModel::OursRole).toBool());
    QVERIFY(!model.index(1, 0).data(PlaylistListModel::OursRole).toBool());
    QCOMPARE(model.index(1, 0).data(Qt::ToolTipRole).toString(),
             QStringLiteral("/m/lists/B list.m3u"));
    QCOMPARE(model.songIds(0), (QList<qint64>{m_song[2], m_song[0]}));
    QCOMPARE(model.songIds(1), (QList<qint64>{m_song[0], m_song[1]}));
    QVERIFY(model.songIds(2).isEmpty());
    QVERIFY(model.songIds(7).isEmpty());
    QCOMPARE(model.rowOfId(m_gone), 2);
    QCOMPARE(model.rowOfId(999), -1);
    QCOMPARE(model.headerData(PlaylistListModel::Songs, Qt::Horizontal).toString(),
             QStringLiteral("Songs"));
    model.setPlaylists({}, m_snapshot);
    QCOMPARE(model.rowCount(), 0);
  }

  void entriesGreyWhatIsNotInTheLibrary() {
    PlaylistEntryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const core::Playlist& theirs = m_snapshot->playlists[0];  // by path: "/home/…" first
    QCOMPARE(theirs.id, m_ours);
    const core::Playlist& library = m_snapshot->playlists[1];
    QCOMPARE(library.id, m_theirs);
    model.setEntries(library.entries, m_snapshot);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(column(model, PlaylistEntryModel::Position),
             (QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3")}));
    QCOMPARE(column(model, PlaylistEntryModel::Title),
             (QStringList{QStringLiteral("Song 0"), QStringLiteral("/old/gone.mp3"),
                          QStringLiteral("Song 1")}));
    QCOMPARE(model.index(0, PlaylistEntryModel::Duration).data().toString(),
             QStringLiteral("1:01"));
    QCOMPARE(model.index(0, 0).data(PlaylistEntryModel::FileIdRole).toLongLong(), m_song[0]);
    QCOMPARE(model.index(1, 0).data(PlaylistEntryModel::FileIdRole).toLongLong(), 0);
    // Greyed: the palette's disabled text; library songs keep the view's colour.
    const QColor grey = QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
    QCOMPARE(model.index(1, PlaylistEntryModel::Title).data(Qt::ForegroundRole).value<QColor>(),
             grey);
    QVERIFY(!model.index(0, PlaylistEntryModel::Title).data(Qt::ForegroundRole).isValid());
    QVERIFY(model.index(1, PlaylistEntryModel::Title)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("/old/gone.mp3")));
    QCOMPARE(model.index(1, PlaylistEntryModel::Artist).data().toString(),
             QStringLiteral("not in the library"));
    model.setEntries({}, m_snapshot);
    QCOMPARE(model.rowCount(), 0);
  }

  // The page: Delete only for ours; Enter plays, Ctrl+Enter queues, Delete deletes, on the list;
  // a refresh keeps the chosen playlist, or its neighbour when it went.
  void pageActionsAndKeys() {
    ui::PlaylistsPage page;
    page.resize(800, 400);
    auto* hint = page.findChild<QLabel*>(QStringLiteral("playlistHint"));
    QVERIFY(hint);
    page.setSnapshot(nullptr);
    QVERIFY(hint->text().startsWith(QStringLiteral("No playlists yet.")));
    QVERIFY(!page.playAction()->isEnabled() && !page.deleteAction()->isEnabled());
    page.setSnapshot(m_snapshot);
    QCOMPARE(page.currentPlaylistId(), 0);
    QCOMPARE(hint->text(), QStringLiteral("Choose a playlist to see its songs."));
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));

    QSignalSpy play(&page, &ui::PlaylistsPage::playRequested);
    QSignalSpy queue(&page, &ui::PlaylistsPage::queueRequested);
    QSignalSpy remove(&page, &ui::PlaylistsPage::deleteRequested);
    QSignalSpy shown(&page, &ui::PlaylistsPage::songActivated);
    QVERIFY(page.selectPlaylist(m_theirs));
    QVERIFY(page.playAction()->isEnabled() && page.exportAction()->isEnabled());
    QVERIFY(!page.deleteAction()->isEnabled());  // the user's file
    QCOMPARE(page.entryModel()->rowCount(), 3);
    QCOMPARE(page.currentSongIds(), (QList<qint64>{m_song[0], m_song[1]}));
    auto* details = page.findChild<QLabel*>(QStringLiteral("playlistDetails"));
    QVERIFY2(details->text().contains(QStringLiteral("1 file not in the library")),
             qPrintable(details->text()));
    QTableView* list = page.playlistView();
    list->setFocus();
    QTest::keyClick(list, Qt::Key_Delete);
    QCOMPARE(remove.count(), 0);
    QTest::keyClick(list, Qt::Key_Return);
    QCOMPARE(play.count(), 1);
    QCOMPARE(play.takeFirst().at(0).toLongLong(), m_theirs);
    QTest::keyClick(list, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(queue.count(), 1);
    QCOMPARE(shown.count(), 0);  // choosing a playlist shows no song

    QVERIFY(page.selectPlaylist(m_ours));
    QVERIFY(page.deleteAction()->isEnabled());
    list->setFocus();
    QTest::keyClick(list, Qt::Key_Delete);
    QCOMPARE(remove.count(), 1);
    QCOMPARE(remove.takeFirst().at(0).toLongLong(), m_ours);

    // Choosing an entry that is a library song shows it; Enter on it plays it.
    QSignalSpy playSong(&page, &ui::PlaylistsPage::songPlayRequested);
    QTableView* entries = page.entryView();
    entries->setCurrentIndex(page.entryModel()->index(1, 0));
    entries->setFocus();
    QCOMPARE(shown.count(), 1);
    QCOMPARE(shown.takeFirst().at(0).toLongLong(), m_song[0]);
    QTest::keyClick(entries, Qt::Key_Return);
    QCOMPARE(playSong.count(), 1);
    QCOMPARE(play.count(), 0);

    // A refresh without ours: its neighbour (now first) is chosen; with it back, it stays.
    std::vector<core::Playlist> without;
    for (const core::Playlist& p : m_snapshot->playlists)
      if (p.id != m_ours) without.push_back(p);
    page.setPlaylists(without);
    QCOMPARE(page.playlistModel()->rowCount(), 2);
    QCOMPARE(page.currentPlaylistId(), m_theirs);
    page.setPlaylists(m_snapshot->playlists);
    QCOMPARE(page.currentPlaylistId(), m_theirs);
    QCOMPARE(shown.count(), 0);
  }
};

QTEST_MAIN(PlaylistModelsTest)
#include "tst_playlistmodels.moc"
