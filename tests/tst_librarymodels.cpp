#include <QAbstractItemModelTester>
#include <QFileInfo>
#include <QSet>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStringListModel>
#include <QTableView>
#include <QtTest>
#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

#include "tests/librarytestdata.h"
#include "ui/artistlistmodel.h"
#include "ui/libraryfilterproxy.h"
#include "ui/librarytablemodel.h"

using namespace songspace;
using ui::LibraryTableModel;

namespace {

QStringList columnTexts(const QAbstractItemModel& model, int column) {
  QStringList texts;
  for (int row = 0; row < model.rowCount(); ++row)
    texts << model.index(row, column).data().toString();
  return texts;
}

// Seconds of a "m:ss" / "h:mm:ss" text.
int secondsOf(const QString& text) {
  int total = 0;
  for (const QString& part : text.split(QLatin1Char(':'))) total = total * 60 + part.toInt();
  return total;
}

// The order QSortFilterProxyModel gave this proxy's rows before the ranks (issue 16): a stable
// sort of the source rows comparing two rows at a time, with the collator each time. A number
// (SortRole) where both rows have one, else the display texts in natural order, empty last;
// the Artist column then by album, track number (unknown last) and title.
std::vector<int> referenceOrder(const QAbstractItemModel& model,
                                const ui::LibraryFilterProxy& proxy, int column,
                                Qt::SortOrder order) {
  const auto text = [&model](int row, int c) { return model.index(row, c).data().toString(); };
  const auto less = [&](int a, int b) {
    const QVariant x = model.index(a, column).data(LibraryTableModel::SortRole);
    const QVariant y = model.index(b, column).data(LibraryTableModel::SortRole);
    if (x.isValid() && y.isValid()) return x.toDouble() < y.toDouble();
    const int byColumn = proxy.compareValues(text(a, column), text(b, column));
    if (byColumn != 0 || column != LibraryTableModel::Artist) return byColumn < 0;
    const int byAlbum =
        proxy.compareValues(text(a, LibraryTableModel::Album), text(b, LibraryTableModel::Album));
    if (byAlbum != 0) return byAlbum < 0;
    const int trackA = model.index(a, column).data(LibraryTableModel::TrackNumberRole).toInt();
    const int trackB = model.index(b, column).data(LibraryTableModel::TrackNumberRole).toInt();
    if (trackA != trackB) return trackB == 0 || (trackA != 0 && trackA < trackB);
    return proxy.compareValues(text(a, LibraryTableModel::Title),
                               text(b, LibraryTableModel::Title)) < 0;
  };
  std::vector<int> rows(static_cast<std::size_t>(model.rowCount()));
  std::iota(rows.begin(), rows.end(), 0);
  std::stable_sort(rows.begin(), rows.end(), [&](int a, int b) {
    return order == Qt::AscendingOrder ? less(a, b) : less(b, a);
  });
  return rows;
}

// Whether a source row matches a search the way LibraryFilterProxy documents it: every word in
// one of the searched columns or, for a LibraryTableModel, the file's name (the Title cell's
// tooltip is the path), ignoring case.
bool matches(const QAbstractItemModel& model, int row, const QString& search) {
  const QStringList words = search.split(QLatin1Char(' '), Qt::SkipEmptyParts);
  const bool table = qobject_cast<const LibraryTableModel*>(&model) != nullptr;
  return std::all_of(words.cbegin(), words.cend(), [&](const QString& word) {
    for (const int column :
         {LibraryTableModel::Title, LibraryTableModel::Artist, LibraryTableModel::Album,
          LibraryTableModel::Genre, LibraryTableModel::PredictedTags}) {
      if (model.index(row, column).data().toString().contains(word, Qt::CaseInsensitive))
        return true;
    }
    return table &&
           QFileInfo(model.index(row, LibraryTableModel::Title).data(Qt::ToolTipRole).toString())
               .fileName()
               .contains(word, Qt::CaseInsensitive);
  });
}

// The source rows the proxy shows, in its order.
std::vector<int> shownRows(const ui::LibraryFilterProxy& proxy) {
  std::vector<int> rows;
  for (int row = 0; row < proxy.rowCount(); ++row)
    rows.push_back(proxy.mapToSource(proxy.index(row, 0)).row());
  return rows;
}

// What the proxy must show: the reference order's rows that match the search.
std::vector<int> expectedRows(const QAbstractItemModel& model, const ui::LibraryFilterProxy& proxy,
                              const QString& search) {
  std::vector<int> rows;
  for (const int row : referenceOrder(model, proxy, proxy.sortColumn(), proxy.sortOrder())) {
    if (matches(model, row, search)) rows.push_back(row);
  }
  return rows;
}

// A table shaped as LibraryTableModel's with values natural, locale-aware order gets wrong
// easily: numbers in text, case, accents, leading zeros, empty values, equal values (whose
// source order must stay), equal albums and track numbers (the Artist column falls to titles),
// unknown track numbers (0).
void fillTrickyTable(QStandardItemModel& model) {
  struct Song {
    const char* title;
    const char* artist;
    const char* album;
    const char* genre;
    double seconds;
    int track;
  };
  const Song songs[] = {
      {"Track 10", "Band", "Live", "Rock", 200, 2},
      {"Track 2", "Band", "Live", "rock", 100, 2},
      {"track 1", "band", "Live", "", 100, 1},
      {"Track 02", "Band", "live", "Jazz", 50, 0},
      {"Éclair", "Émile", "Été", "Jazz", 300, 3},
      {"eclair", "Emile", "ete", "jazz", 300, 3},
      {"Eclair", "emile", "Ete", "", 10, 0},
      {"Zebra", "", "", "Électro", 10, 0},
      {"", "Zoë", "Album 10", "Électro", 0, 1},
      {"apple", "Zoe", "Album 9", "electro", 0, 0},
      {"Apple", "Zoe", "Album 9", "Rock", 60, 0},
      {"Ärger", "Ärzte", "A", "Rock", 61, 4},
      {"Arger", "Arzte", "A", "Rock", 62, 4},
      {"10", "9", "B", "Folk", 63, 10},
      {"9", "10", "B", "folk", 63, 9},
      {"a9", "a00010", "a9", "Folk", 1, 0},
      {"a00010", "a9", "a00010", "", 2, 0},
      {"Song 7", "Band", "Live", "Rock", 3, 2},
      {"song 7", "Band", "Live", "Rock", 4, 2},
      {"Track 99999999999999999999", "Band", "Live", "Rock", 5, 7},
      {"Track 100000000000000000000", "Band", "Live", "Rock", 6, 7},
      {"Ångström", "Øresund", "Åre", "Pop", 7, 1},
      {"Zürich", "zurich", "Zürich", "Pop", 8, 1},
      {"zurich", "Zürich", "zurich", "Pop", 9, 1},
      {"Straße", "Strasse", "", "Pop", 9, 2},
  };
  model.setColumnCount(LibraryTableModel::ColumnCount);
  for (const Song& song : songs) {
    QList<QStandardItem*> items;
    for (const char* text : {song.title, song.artist, song.album, song.genre}) {
      auto* item = new QStandardItem(QString::fromUtf8(text));
      item->setData(song.track, LibraryTableModel::TrackNumberRole);
      items << item;
    }
    auto* duration = new QStandardItem(LibraryTableModel::formatDuration(song.seconds));
    duration->setData(song.seconds, LibraryTableModel::SortRole);
    auto* tags = new QStandardItem(QString());
    for (QStandardItem* item : {duration, tags}) {
      item->setData(song.track, LibraryTableModel::TrackNumberRole);
      items << item;
    }
    model.appendRow(items);
  }
}

}  // namespace

class LibraryModelsTest : public QObject {
  Q_OBJECT
 private:
  testdata::Library m_library;
  std::shared_ptr<const songspace::library::LibrarySnapshot> m_untrained;
  testdata::Library m_untrainedLibrary;

 private Q_SLOTS:
  void initTestCase() {
    m_library = testdata::buildLibrary(true);
    QVERIFY2(m_library.error.isEmpty(), qPrintable(m_library.error));
    QVERIFY(m_library.snapshot->hasModel());
    m_untrainedLibrary = testdata::buildLibrary(false);
    QVERIFY2(m_untrainedLibrary.error.isEmpty(), qPrintable(m_untrainedLibrary.error));
  }

  void tableRowsAndColumns() {
    LibraryTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setSnapshot(m_library.snapshot);
    // Failed files are not rows.
    QCOMPARE(model.rowCount(), testdata::kArtists * testdata::kSongsPerArtist);
    QCOMPARE(model.columnCount(), 6);
    QCOMPARE(model.headerData(LibraryTableModel::Duration, Qt::Horizontal).toString(),
             QStringLiteral("Duration"));
    QVERIFY(m_library.snapshot->model->model().calibration.has_value());
    const double threshold = m_library.snapshot->model->model().calibration->autoTagThreshold;
    int shownTags = 0;
    int guessesLeftOut = 0;
    int warned = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
      const std::int64_t id = model.fileIdAt(model.index(row, LibraryTableModel::Genre));
      const core::SongRow* song = m_library.snapshot->song(id);
      QVERIFY(song);
      QCOMPARE(model.indexOfFile(id).row(), row);
      QCOMPARE(model.index(row, 3).data(LibraryTableModel::FileIdRole).toLongLong(), id);
      QCOMPARE(model.index(row, LibraryTableModel::Artist).data().toString(),
               QString::fromStdString(song->artistName));
      QCOMPARE(model.index(row, 0).data(Qt::ToolTipRole).toString(),
               QString::fromStdString(song->path));
      // The Duration cell's tooltip carries the analysis warnings (issue 12 §3).
      const QString durationTip =
          model.index(row, LibraryTableModel::Duration).data(Qt::ToolTipRole).toString();
      if (song->warnings.empty()) {
        QCOMPARE(durationTip, QString::fromStdString(song->path));
      } else {
        ++warned;
        for (const std::string& warning : song->warnings)
          QVERIFY2(durationTip.contains(QString::fromStdString(warning)), qPrintable(durationTip));
      }
      const QString title = model.index(row, LibraryTableModel::Title).data().toString();
      if (song->info.title.empty()) {
        QVERIFY2(title.endsWith(QStringLiteral("track.mp3")), qPrintable(title));
      } else {
        QCOMPARE(title, QString::fromStdString(song->info.title));
      }
      const QString duration = model.index(row, LibraryTableModel::Duration).data().toString();
      QCOMPARE(secondsOf(duration), qRound(song->info.durationSeconds));
      QCOMPARE(model.index(row, LibraryTableModel::Duration)
                   .data(LibraryTableModel::SortRole)
                   .toDouble(),
               song->info.durationSeconds);
      // At most 3 predicted tags, most probable first, as the train job stored them: only those
      // at or above the model's auto-tag threshold (the default display threshold).
      auto predicted = m_library.snapshot->tagsOf(id, core::TagSource::Predicted);
      QVERIFY(predicted.size() >= 3);
      std::stable_sort(predicted.begin(), predicted.end(),
                       [](const auto& a, const auto& b) { return a.score > b.score; });
      const QString text = model.index(row, LibraryTableModel::PredictedTags).data().toString();
      const QStringList shown = text.isEmpty() ? QStringList() : text.split(QStringLiteral(", "));
      QVERIFY(shown.size() <= 3);
      // A tag that is a guess for the song's length (ModelSession::tagGuessOfFile: this library's
      // second-album mood is carried only by songs of 6 min and more) is left out.
      const library::ModelSession& session = *m_library.snapshot->model;
      QStringList expected;
      for (const auto& tag : predicted) {
        QVERIFY(tag.score >= 0 && tag.score <= 1);  // a probability
        if (tag.score < threshold || expected.size() == 3) continue;
        if (!session.tagGuessOfFile(id, session.model().tagIndex(tag.tag)).empty()) {
          QVERIFY(session.mayHaveTagGuesses(id));
          ++guessesLeftOut;
          continue;
        }
        expected << QString::fromStdString(tag.tag);
      }
      QCOMPARE(shown, expected);
      shownTags += static_cast<int>(shown.size());
    }
    QVERIFY2(shownTags > 0, "some songs show predicted tags");
    QVERIFY2(guessesLeftOut > 0, "some likely predicted tags are guesses");
    QCOMPARE(warned, 1);  // the song stored with a warning shows it
    // A display threshold of its own: 0 shows the three best everywhere, 1 almost nothing.
    model.setPredictedTagThreshold(0.0);
    model.setSnapshot(m_library.snapshot);
    QCOMPARE(model.index(0, LibraryTableModel::PredictedTags)
                 .data()
                 .toString()
                 .count(QStringLiteral(", ")),
             2);
    model.setPredictedTagThreshold(-1);
    model.setSnapshot(m_library.snapshot);
    QCOMPARE(model.fileIdAt({}), std::int64_t{0});
    QVERIFY(!model.indexOfFile(987654).isValid());
    QCOMPARE(LibraryTableModel::formatDuration(59.4), QStringLiteral("0:59"));
    // Whole seconds elapsed, as the player's clock shows them (issue 14: 3:39 in the inspector,
    // 3:38 in the player for a 218.6 s song).
    QCOMPARE(LibraryTableModel::formatDuration(218.6), QStringLiteral("3:38"));
    QCOMPARE(LibraryTableModel::formatDuration(3725), QStringLiteral("1:02:05"));
    QCOMPARE(LibraryTableModel::formatDuration(0), QString());
  }

  void resetsAcrossSnapshots() {
    LibraryTableModel model;
    ui::LibraryFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setSnapshot(m_library.snapshot);
    proxy.sort(LibraryTableModel::Title);
    model.setSnapshot(m_untrainedLibrary.snapshot);
    QCOMPARE(model.rowCount(), 60);
    // No model: no predicted tags, but every other column is there.
    QVERIFY(model.index(0, LibraryTableModel::PredictedTags).data().toString().isEmpty());
    model.setSnapshot(nullptr);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(proxy.rowCount(), 0);
    model.setSnapshot(m_library.snapshot);
    QCOMPARE(proxy.rowCount(), 60);
    QCOMPARE(reset.count(), 4);
  }

  void sortsEveryColumn_data() {
    QTest::addColumn<int>("column");
    for (int c = 0; c < LibraryTableModel::ColumnCount; ++c) {
      QTest::addRow("column %d", c) << c;
    }
  }
  void sortsEveryColumn() {
    QFETCH(int, column);
    LibraryTableModel model;
    model.setSnapshot(m_library.snapshot);
    ui::LibraryFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
      proxy.sort(column, order);
      QCOMPARE(proxy.rowCount(), 60);
      for (int row = 1; row < proxy.rowCount(); ++row) {
        const QModelIndex a = proxy.index(row - 1, column), b = proxy.index(row, column);
        const bool ordered =
            column == LibraryTableModel::Duration
                ? (order == Qt::AscendingOrder ? a.data(LibraryTableModel::SortRole).toDouble() <=
                                                     b.data(LibraryTableModel::SortRole).toDouble()
                                               : a.data(LibraryTableModel::SortRole).toDouble() >=
                                                     b.data(LibraryTableModel::SortRole).toDouble())
                : (order == Qt::AscendingOrder
                       ? proxy.compareValues(a.data().toString(), b.data().toString()) <= 0
                       : proxy.compareValues(a.data().toString(), b.data().toString()) >= 0);
        QVERIFY2(ordered,
                 qPrintable(a.data().toString() + QStringLiteral(" / ") + b.data().toString()));
      }
    }
  }

  // The ranks give the order the collator gives comparing two rows at a time, ties included
  // (stable in both directions), on tricky values and on the library table.
  void rankedOrderIsTheCollatorsOrder() {
    QStandardItemModel tricky;
    fillTrickyTable(tricky);
    LibraryTableModel library;
    library.setSnapshot(m_library.snapshot);
    for (QAbstractItemModel* model :
         {static_cast<QAbstractItemModel*>(&tricky), static_cast<QAbstractItemModel*>(&library)}) {
      ui::LibraryFilterProxy proxy;
      proxy.setSourceModel(model);
      QAbstractItemModelTester tester(&proxy,
                                      QAbstractItemModelTester::FailureReportingMode::QtTest);
      for (int column = 0; column < LibraryTableModel::ColumnCount; ++column) {
        for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
          proxy.sort(column, order);
          QCOMPARE(proxy.sortColumn(), column);
          QCOMPARE(shownRows(proxy), referenceOrder(*model, proxy, column, order));
        }
      }
      // Before any sort() (and with -1) the source's order.
      proxy.sort(-1);
      std::vector<int> sourceOrder(static_cast<std::size_t>(model->rowCount()));
      std::iota(sourceOrder.begin(), sourceOrder.end(), 0);
      QCOMPARE(shownRows(proxy), sourceOrder);
    }
    // The tricky values where they are: numbers by value, case ignored, empty last (where
    // accents go is the locale's collation).
    ui::LibraryFilterProxy proxy;
    proxy.setSourceModel(&tricky);
    proxy.sort(LibraryTableModel::Title);
    const QStringList titles = columnTexts(proxy, LibraryTableModel::Title);
    QVERIFY(titles.indexOf(QStringLiteral("Track 2")) < titles.indexOf(QStringLiteral("Track 10")));
    QVERIFY(titles.indexOf(QStringLiteral("track 1")) < titles.indexOf(QStringLiteral("Track 2")));
    QVERIFY(titles.indexOf(QStringLiteral("9")) < titles.indexOf(QStringLiteral("10")));
    QVERIFY(titles.indexOf(QStringLiteral("apple")) < titles.indexOf(QStringLiteral("Ärger")));
    QCOMPARE(titles.last(), QString());
    // Equal values keep the source's order: "Song 7" (row 17) before "song 7" (row 18).
    QVERIFY(titles.indexOf(QStringLiteral("Song 7")) < titles.indexOf(QStringLiteral("song 7")));
    proxy.sort(LibraryTableModel::Title, Qt::DescendingOrder);
    const QStringList down = columnTexts(proxy, LibraryTableModel::Title);
    QCOMPARE(down.first(), QString());  // empty values last ascending, first descending
    QVERIFY(down.indexOf(QStringLiteral("Song 7")) < down.indexOf(QStringLiteral("song 7")));
  }

  // Typing and erasing a search (as a user does, key by key) and the artist filter keep the proxy
  // a valid model that shows the matching rows in order; each change is one layout change (no
  // signal per range of rows), persistent indexes follow their rows and become invalid when
  // filtered out.
  void filterChangesAreOneLayoutChange() {
    LibraryTableModel model;
    model.setSnapshot(m_library.snapshot);
    ui::LibraryFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(LibraryTableModel::Artist);
    QSignalSpy removed(&proxy, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&proxy, &QAbstractItemModel::rowsInserted);
    QSignalSpy layouts(&proxy, &QAbstractItemModel::layoutChanged);
    // Fjord's "Song 10", shown all along, and "Song 2", filtered out at "fjord song 1".
    const auto sourceRowOf = [&model](const QString& title) {
      for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, LibraryTableModel::Artist).data().toString() ==
                QStringLiteral("Fjord") &&
            model.index(row, LibraryTableModel::Title).data().toString() == title)
          return row;
      }
      return -1;
    };
    const int song10 = sourceRowOf(QStringLiteral("Song 10"));
    const int song2 = sourceRowOf(QStringLiteral("Song 2"));
    QVERIFY(song10 >= 0 && song2 >= 0);
    const QPersistentModelIndex followed10(proxy.mapFromSource(model.index(song10, 2)));
    const QPersistentModelIndex followed2(proxy.mapFromSource(model.index(song2, 2)));
    QVERIFY(followed10.isValid() && followed2.isValid());
    const QString query = QStringLiteral("fjord song 10");
    QString typed;
    for (const QChar c : query) {
      typed += c;
      proxy.setSearchText(typed);
      QCOMPARE(shownRows(proxy), expectedRows(model, proxy, typed));
      QVERIFY(followed10.isValid());
      QCOMPARE(proxy.mapToSource(followed10), model.index(song10, 2));
      QCOMPARE(followed2.isValid(), matches(model, song2, typed));
      if (followed2.isValid()) QCOMPARE(proxy.mapToSource(followed2), model.index(song2, 2));
    }
    QCOMPARE(proxy.rowCount(), 1);
    while (!typed.isEmpty()) {
      typed.chop(1);
      proxy.setSearchText(typed);
      QCOMPARE(shownRows(proxy), expectedRows(model, proxy, typed));
      QCOMPARE(proxy.mapToSource(followed10), model.index(song10, 2));
    }
    QCOMPARE(proxy.rowCount(), 60);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(inserted.count(), 0);
    QVERIFY(layouts.count() > 0);
    QVERIFY(!followed2.isValid());  // filtered out once: a persistent index does not come back
    // A widening after the artist filter: all of the artist's rows again, in order.
    proxy.setArtistFilter(QStringLiteral("Fjord"));
    proxy.setSearchText(QStringLiteral("song 10"));
    QCOMPARE(proxy.rowCount(), 1);
    proxy.setSearchText(QString());
    QCOMPARE(proxy.rowCount(), 10);
    proxy.setArtistFilter(QString());
    QCOMPARE(shownRows(proxy), expectedRows(model, proxy, QString()));
    // A descending sort of a filtered view: the same rows, reversed where they differ.
    proxy.setSearchText(QStringLiteral("song"));
    proxy.sort(LibraryTableModel::Duration, Qt::DescendingOrder);
    QCOMPARE(shownRows(proxy), expectedRows(model, proxy, QStringLiteral("song")));
  }

  // A source that inserts, removes, moves and edits rows (the library table resets instead):
  // the proxy re-sorts and re-filters what changed and stays a valid model.
  void sourceChangesKeepOrderAndFilter() {
    QStandardItemModel tricky;
    fillTrickyTable(tricky);
    ui::LibraryFilterProxy proxy;
    proxy.setSourceModel(&tricky);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(LibraryTableModel::Title);
    QString search = QStringLiteral("ap");
    proxy.setSearchText(search);
    const auto check = [&] { QCOMPARE(shownRows(proxy), expectedRows(tricky, proxy, search)); };
    check();
    const QPersistentModelIndex apple(
        proxy.mapFromSource(tricky.index(10, LibraryTableModel::Title)));  // "Apple"
    QCOMPARE(apple.data().toString(), QStringLiteral("Apple"));
    // Inserted rows: one matching, sorted into place, one not shown.
    tricky.insertRow(
        0, {new QStandardItem(QStringLiteral("Grape 3")), new QStandardItem(), new QStandardItem(),
            new QStandardItem(), new QStandardItem(), new QStandardItem()});
    tricky.insertRow(
        5, {new QStandardItem(QStringLiteral("Kiwi")), new QStandardItem(), new QStandardItem(),
            new QStandardItem(), new QStandardItem(), new QStandardItem()});
    check();
    QCOMPARE(apple.data().toString(), QStringLiteral("Apple"));
    // Edited: a title moves to the top; another stops matching.
    tricky.setData(tricky.index(0, LibraryTableModel::Title), QStringLiteral("Aardvark grape"));
    check();
    tricky.setData(proxy.mapToSource(apple), QStringLiteral("Plum"));
    check();
    QVERIFY(!apple.isValid());
    // By artist, an album or a track number changing re-sorts the artist's songs.
    search = QStringLiteral("band");
    proxy.setSearchText(search);
    proxy.sort(LibraryTableModel::Artist);
    check();
    QCOMPARE(proxy.index(0, LibraryTableModel::Title).data().toString(), QStringLiteral("track 1"));
    tricky.setData(proxy.mapToSource(proxy.index(0, LibraryTableModel::Album)),
                   QStringLiteral("Zzz"));
    check();
    QVERIFY(proxy.index(0, LibraryTableModel::Title).data().toString() !=
            QStringLiteral("track 1"));
    tricky.setData(proxy.mapToSource(proxy.index(0, LibraryTableModel::Artist)), 0,
                   LibraryTableModel::TrackNumberRole);
    check();
    proxy.sort(LibraryTableModel::Title);
    search = QStringLiteral("ap");
    proxy.setSearchText(search);
    check();
    // Removed rows.
    const QPersistentModelIndex first(proxy.index(0, 0));
    const int firstSource = proxy.mapToSource(first).row();
    tricky.removeRows(firstSource, 1);
    check();
    QVERIFY(!first.isValid());
    // A reset of the source.
    tricky.clear();
    QCOMPARE(proxy.rowCount(), 0);
    fillTrickyTable(tricky);
    check();
  }

  // Moved source rows (a model that moves them: QStringListModel, one Title column) keep their
  // proxy indexes and the order.
  void movedSourceRowsKeepTheirIndexes() {
    QStringListModel list({QStringLiteral("Track 10"), QStringLiteral("Track 2"),
                           QStringLiteral("track 1"), QStringLiteral("Bee")});
    ui::LibraryFilterProxy proxy;
    proxy.setSourceModel(&list);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(0);
    proxy.setSearchText(QStringLiteral("track"));
    QCOMPARE(columnTexts(proxy, 0),
             (QStringList{QStringLiteral("track 1"), QStringLiteral("Track 2"),
                          QStringLiteral("Track 10")}));
    const QPersistentModelIndex two(proxy.index(1, 0));
    QVERIFY(list.moveRows({}, 0, 2, {}, 4));  // "track 1", "Bee", "Track 10", "Track 2"
    QCOMPARE(list.index(0).data().toString(), QStringLiteral("track 1"));
    QCOMPARE(columnTexts(proxy, 0),
             (QStringList{QStringLiteral("track 1"), QStringLiteral("Track 2"),
                          QStringLiteral("Track 10")}));
    QCOMPARE(two.row(), 1);
    QCOMPARE(proxy.mapToSource(two), list.index(3));
    QCOMPARE(shownRows(proxy), expectedRows(list, proxy, QStringLiteral("track")));
  }

  void durationSortsNumerically() {
    LibraryTableModel model;
    model.setSnapshot(m_library.snapshot);
    ui::LibraryFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(LibraryTableModel::Duration, Qt::AscendingOrder);
    const QStringList texts = columnTexts(proxy, LibraryTableModel::Duration);
    // As text "10:13" < "2:00"; by seconds it is the longest (59 + 61·9 + 5 s).
    QCOMPARE(texts.first(), QStringLiteral("0:59"));
    QCOMPARE(texts.last(), QStringLiteral("10:13"));
    for (int i = 1; i < texts.size(); ++i) QVERIFY(secondsOf(texts[i - 1]) <= secondsOf(texts[i]));
  }

  void naturalCompare() {
    ui::LibraryFilterProxy proxy;
    const auto less = [&](const char* a, const char* b) {
      return proxy.naturalCompare(QString::fromUtf8(a), QString::fromUtf8(b)) < 0 &&
             proxy.naturalCompare(QString::fromUtf8(b), QString::fromUtf8(a)) > 0;
    };
    QVERIFY(less("Song 2", "Song 10"));
    QVERIFY(less("song 2", "Song 10"));
    QVERIFY(less("Song", "Song 1"));
    QVERIFY(less("2 b", "10 a"));
    QVERIFY(less("a9", "a00010"));
    QVERIFY(less("abc", "abd"));
    QVERIFY(less("Track 99999999999999999999", "Track 100000000000000000000"));
    QCOMPARE(proxy.naturalCompare(QStringLiteral("Song 7"), QStringLiteral("song 7")), 0);
    QCOMPARE(proxy.naturalCompare(QString(), QString()), 0);
  }

  // A column is sorted by ranks of its distinct values (textRanks), with ties kept in the
  // source's order: the order must be naturalCompare's, ties included, in both directions.
  // Case, accents, leading zeros, digits against letters, punctuation, scripts, empty values,
  // and seeded random values of the same kinds.
  void sortedOrderAgreesWithNaturalCompare() {
    const QStringList values = {QStringLiteral("Song 10"),
                                QStringLiteral("song 2"),
                                QStringLiteral("Song 2"),
                                QStringLiteral("Song 002"),
                                QStringLiteral("Song"),
                                QStringLiteral("Song 2b"),
                                QStringLiteral("Song 2 b"),
                                QStringLiteral("2 Unlimited"),
                                QStringLiteral("10cc"),
                                QStringLiteral("ABBA"),
                                QStringLiteral("abba"),
                                QStringLiteral("Ábba"),
                                QStringLiteral("Émilie Simon"),
                                QStringLiteral("Emilie Simon"),
                                QStringLiteral("Zed"),
                                QStringLiteral("zed"),
                                QStringLiteral("Ølafur Arnalds"),
                                QStringLiteral("Œuvre"),
                                QStringLiteral("Straße"),
                                QStringLiteral("Strasse"),
                                QStringLiteral("The The"),
                                QStringLiteral("!!!"),
                                QStringLiteral("(hed) p.e."),
                                QStringLiteral("+44"),
                                QStringLiteral("Мумий Тролль"),
                                QStringLiteral("坂本龍一"),
                                QStringLiteral("Björk"),
                                QStringLiteral("bjork"),
                                QStringLiteral("Track 99999999999999999999"),
                                QStringLiteral("Track 100000000000000000000"),
                                QStringLiteral("a9"),
                                QStringLiteral("a00010"),
                                QStringLiteral("x1y2"),
                                QStringLiteral("x1y10"),
                                QStringLiteral("x01y2"),
                                QString(),
                                QString(),
                                QStringLiteral(" "),
                                QStringLiteral("٣ Arabic-Indic three"),
                                QStringLiteral("3 three")};
    // And 2 000 seeded random values from an alphabet of the same kinds.
    QStringList all = values;
    const QStringList pieces = {QStringLiteral("a"),   QStringLiteral("B"), QStringLiteral("é"),
                                QStringLiteral("E"),   QStringLiteral("ß"), QStringLiteral("ss"),
                                QStringLiteral("0"),   QStringLiteral("7"), QStringLiteral("12"),
                                QStringLiteral("007"), QStringLiteral(" "), QStringLiteral("-"),
                                QStringLiteral("Ж"),   QStringLiteral("ж"), QStringLiteral("龍"),
                                QStringLiteral("😀"),   QStringLiteral("Ö"), QStringLiteral("o")};
    std::mt19937 random(16);
    for (int i = 0; i < 2000; ++i) {
      QString value;
      const int length = static_cast<int>(random() % 6);
      for (int k = 0; k < length; ++k)
        value += pieces[static_cast<qsizetype>(random() % static_cast<unsigned>(pieces.size()))];
      all << value;
    }
    QStandardItemModel model(static_cast<int>(all.size()), 1);
    for (int row = 0; row < all.size(); ++row) model.setData(model.index(row, 0), all[row]);
    ui::LibraryFilterProxy proxy;
    proxy.setSourceModel(&model);
    for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
      proxy.sort(0, order);
      QCOMPARE(proxy.rowCount(), static_cast<int>(all.size()));
      for (int row = 1; row < proxy.rowCount(); ++row) {
        const QModelIndex a = proxy.index(row - 1, 0);
        const QModelIndex b = proxy.index(row, 0);
        const int compared = proxy.compareValues(a.data().toString(), b.data().toString());
        QVERIFY2(order == Qt::AscendingOrder ? compared <= 0 : compared >= 0,
                 qPrintable(a.data().toString() + QStringLiteral(" / ") + b.data().toString()));
        // Ties keep the source's order in both directions.
        if (compared == 0) QVERIFY(proxy.mapToSource(a).row() < proxy.mapToSource(b).row());
      }
    }
  }

  void titleSortIsNatural() {
    LibraryTableModel model;
    model.setSnapshot(m_library.snapshot);
    ui::LibraryFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.setArtistFilter(QStringLiteral("Fjord"));
    proxy.sort(LibraryTableModel::Title, Qt::AscendingOrder);
    const QStringList titles = columnTexts(proxy, LibraryTableModel::Title);
    QCOMPARE(titles.size(), 10);
    // "08 track.mp3" is the untitled song's file name, which sorts before "Song …".
    QCOMPARE(titles, (QStringList{QStringLiteral("08 track.mp3"), QStringLiteral("Song 1"),
                                  QStringLiteral("Song 2"), QStringLiteral("Song 3"),
                                  QStringLiteral("Song 4"), QStringLiteral("Song 5"),
                                  QStringLiteral("Song 6"), QStringLiteral("Song 7"),
                                  QStringLiteral("Song 9"), QStringLiteral("Song 10")}));
  }

  // The window's default order (by artist): each artist's albums, tracks in album order; a
  // song without an artist after all the others.
  void artistOrderIsAlbumOrderWithUntaggedLast() {
    LibraryTableModel model;
    model.setSnapshot(m_library.snapshot);
    ui::LibraryFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(LibraryTableModel::Artist, Qt::AscendingOrder);
    QVERIFY(proxy.rowCount() > 10);
    for (int row = 1; row < proxy.rowCount(); ++row) {
      const QModelIndex a = proxy.index(row - 1, LibraryTableModel::Artist);
      const QModelIndex b = proxy.index(row, LibraryTableModel::Artist);
      const int byArtist = proxy.compareValues(a.data().toString(), b.data().toString());
      QVERIFY(byArtist <= 0);
      if (byArtist < 0) continue;
      const int byAlbum =
          proxy.compareValues(a.siblingAtColumn(LibraryTableModel::Album).data().toString(),
                              b.siblingAtColumn(LibraryTableModel::Album).data().toString());
      QVERIFY(byAlbum <= 0);
      if (byAlbum == 0) {
        QVERIFY(a.data(LibraryTableModel::TrackNumberRole).toInt() <=
                b.data(LibraryTableModel::TrackNumberRole).toInt());
      }
    }
    // Values a file lacks sort last: "" after "Zed", both ways of comparing.
    QVERIFY(proxy.compareValues(QString(), QStringLiteral("Zed")) > 0);
    QVERIFY(proxy.compareValues(QStringLiteral("Zed"), QString()) < 0);
    QCOMPARE(proxy.compareValues(QString(), QString()), 0);
  }

  void searchSemantics() {
    LibraryTableModel model;
    model.setSnapshot(m_library.snapshot);
    ui::LibraryFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // One word in the artist column, case-insensitive.
    proxy.setSearchText(QStringLiteral("fJoRd"));
    QCOMPARE(proxy.rowCount(), 10);
    // Words are ANDed, each may match any column: artist + title.
    proxy.setSearchText(QStringLiteral("  fjord   song 1 "));
    QCOMPARE(columnTexts(proxy, LibraryTableModel::Title).size(), 2);  // "Song 1", "Song 10"
    for (const QString& title : columnTexts(proxy, LibraryTableModel::Title)) {
      QVERIFY(title == QStringLiteral("Song 1") || title == QStringLiteral("Song 10"));
    }
    // Genre column: Jazz is the genre of artists 1 and 4; the predicted tags may add songs.
    proxy.setSearchText(QStringLiteral("jazz"));
    QVERIFY(proxy.rowCount() >= 20);
    int jazzGenre = 0;
    for (int row = 0; row < proxy.rowCount(); ++row) {
      const bool genre =
          proxy.index(row, LibraryTableModel::Genre).data().toString() == QStringLiteral("Jazz");
      jazzGenre += genre ? 1 : 0;
      QVERIFY(genre || proxy.index(row, LibraryTableModel::PredictedTags)
                           .data()
                           .toString()
                           .contains(QStringLiteral("jazz")));
    }
    QCOMPARE(jazzGenre, 20);
    // Album column ("Cold Harbor II") together with a genre word.
    proxy.setSearchText(QStringLiteral("harbor ii electronic"));
    QCOMPARE(proxy.rowCount(), 5);
    // A word matching nothing empties the view; clearing restores it.
    proxy.setSearchText(QStringLiteral("jazz zzzz"));
    QCOMPARE(proxy.rowCount(), 0);
    proxy.setSearchText(QString());
    QCOMPARE(proxy.rowCount(), 60);
    // Predicted-tags column: a tag only the model assigns still finds its songs.
    const QString predicted = model.index(0, LibraryTableModel::PredictedTags)
                                  .data()
                                  .toString()
                                  .section(QStringLiteral(", "), 0, 0);
    QVERIFY(!predicted.isEmpty());
    proxy.setSearchText(predicted.toUpper());
    int expected = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
      bool any = false;
      for (int c : {0, 1, 2, 3, 5}) {
        any = any || model.index(row, c).data().toString().contains(predicted, Qt::CaseInsensitive);
      }
      expected += any ? 1 : 0;
    }
    QVERIFY(expected >= 1);
    QCOMPARE(proxy.rowCount(), expected);
    // The file's name: each artist's "Song 7" is the file "07 track.mp3", and a title several
    // files share (here the untitled songs show their names) is told apart by it.
    proxy.setSearchText(QStringLiteral("07 TRACK"));
    QCOMPARE(proxy.rowCount(), testdata::kArtists);
    for (const QString& title : columnTexts(proxy, LibraryTableModel::Title))
      QCOMPARE(title, QStringLiteral("Song 7"));
    proxy.setSearchText(QStringLiteral("fjord .mp3"));
    QCOMPARE(proxy.rowCount(), 10);
    // Only the name, not the folders above it: "music" is in every path.
    proxy.setSearchText(QStringLiteral("music"));
    QCOMPARE(proxy.rowCount(), 0);
  }

  void artistFilter() {
    LibraryTableModel model;
    model.setSnapshot(m_library.snapshot);
    ui::LibraryFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setArtistFilter(QStringLiteral("Cold Harbor"));
    QCOMPARE(proxy.rowCount(), 10);
    for (const QString& artist : columnTexts(proxy, LibraryTableModel::Artist)) {
      QCOMPARE(artist, QStringLiteral("Cold Harbor"));
    }
    proxy.setSearchText(QStringLiteral("aurora"));  // another artist's name
    QCOMPARE(proxy.rowCount(), 0);
    proxy.setSearchText(QStringLiteral("song 1"));  // "Song 1", "Song 10"
    QCOMPARE(proxy.rowCount(), 2);
    proxy.setSearchText(QString());
    proxy.setArtistFilter(QStringLiteral("Cold"));  // whole names only
    QCOMPARE(proxy.rowCount(), 0);
    proxy.setArtistFilter(QString());
    QCOMPARE(proxy.rowCount(), 60);
    // fileIdAt/indexOfFile through the proxy.
    const QModelIndex viewIndex = proxy.index(17, LibraryTableModel::Album);
    const std::int64_t id = model.fileIdAt(proxy.mapToSource(viewIndex));
    QCOMPARE(proxy.mapFromSource(model.indexOfFile(id)).row(), 17);
  }

  void artistList() {
    ui::ArtistListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 1);
    model.setSnapshot(m_library.snapshot);
    QCOMPARE(model.rowCount(), testdata::kArtists + 1);
    QCOMPARE(model.index(0).data().toString(), QStringLiteral("All artists"));
    QCOMPARE(model.index(0).data(ui::ArtistListModel::NameRole).toString(), QString());
    QCOMPARE(model.index(0).data(ui::ArtistListModel::SongCountRole).toLongLong(), 60);
    for (int a = 0; a < testdata::kArtists; ++a) {
      const QString name = QString::fromUtf8(testdata::kArtistNames[a]);
      QCOMPARE(model.index(a + 1).data().toString(), name + QStringLiteral(" (10)"));
      QCOMPARE(model.index(a + 1).data(Qt::UserRole).toString(), name);
      QCOMPARE(model.indexOfArtist(name).row(), a + 1);
    }
    QVERIFY(!model.indexOfArtist(QStringLiteral("Nobody")).isValid());
    model.setSnapshot(nullptr);
    QCOMPARE(model.rowCount(), 1);
    model.setSnapshot(m_untrainedLibrary.snapshot);
    QCOMPARE(model.rowCount(), 7);
  }

  // Opening shows the library before its model (JobController): the model's snapshot of the same
  // catalog read keeps the rows (no reset) and fills the Predicted tags column as a fresh model
  // would; the search finds the predicted tags once they are there.
  void modelArrivingKeepsTheRows() {
    const auto library = songspace::library::LibrarySnapshot::loadLibrary(m_library.catalogPath);
    QVERIFY(library);
    QVERIFY(library->modelPending);
    QVERIFY(!library->hasModel());
    LibraryTableModel model;
    QAbstractItemModelTester tester(&model);
    model.setPredictedTagThreshold(0);  // every stored tag shows
    model.setSnapshot(library);
    ui::LibraryFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(LibraryTableModel::Artist);
    QCOMPARE(model.rowCount(), 60);
    for (const QString& text : columnTexts(model, LibraryTableModel::PredictedTags))
      QVERIFY(text.isEmpty());
    // Rows with `word` in a searched column, ignoring case: what the search must show.
    const auto expectedMatches = [&model](const QString& word) {
      int rows = 0;
      for (int row = 0; row < model.rowCount(); ++row) {
        bool found = false;
        for (const int column :
             {LibraryTableModel::Title, LibraryTableModel::Artist, LibraryTableModel::Album,
              LibraryTableModel::Genre, LibraryTableModel::PredictedTags})
          found = found ||
                  model.index(row, column).data().toString().contains(word, Qt::CaseInsensitive);
        rows += found ? 1 : 0;
      }
      return rows;
    };
    // A tag the model learned that no shown column holds before the model (a mood: moods are
    // tags, not columns), searched in upper case.
    QString tag;
    for (const std::string& name : m_library.snapshot->model->model().tagNames) {
      if (expectedMatches(QString::fromStdString(name)) == 0)
        tag = QString::fromStdString(name).toUpper();
    }
    QVERIFY(!tag.isEmpty());
    proxy.setSearchText(tag);
    QCOMPARE(proxy.rowCount(), 0);
    proxy.setSearchText(QString());
    const QStringList order = columnTexts(proxy, LibraryTableModel::Title);

    QSignalSpy resets(&model, &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setSnapshot(songspace::library::LibrarySnapshot::withModel(*library));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(columnTexts(proxy, LibraryTableModel::Title), order);
    LibraryTableModel fresh;
    fresh.setPredictedTagThreshold(0);
    fresh.setSnapshot(m_library.snapshot);
    QCOMPARE(columnTexts(model, LibraryTableModel::PredictedTags),
             columnTexts(fresh, LibraryTableModel::PredictedTags));
    QVERIFY(!columnTexts(model, LibraryTableModel::PredictedTags).join(QString()).isEmpty());
    proxy.setSearchText(tag);  // now also in the Predicted tags column
    QCOMPARE(proxy.rowCount(), expectedMatches(tag));
    QVERIFY(proxy.rowCount() > 0);
  }

  // Last: it adds a song to m_library. A song unlike the library reads so in the Predicted tags
  // column, greyed and italic, with the reason as tooltip; the others do not.
  void unlikeSongIsMarked() {
    const std::int64_t unlike = testdata::addUnlikeSong(m_library);
    QVERIFY2(unlike != 0, qPrintable(m_library.error));
    LibraryTableModel model;
    QAbstractItemModelTester tester(&model);
    model.setSnapshot(m_library.snapshot);
    int marked = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
      const QModelIndex cell = model.index(row, LibraryTableModel::PredictedTags);
      const bool isUnlike = model.fileIdAt(cell) == unlike;
      QCOMPARE(cell.data(LibraryTableModel::UnlikeLibraryRole).toBool(), isUnlike);
      QCOMPARE(cell.data(Qt::FontRole).value<QFont>().italic(), isUnlike);
      QCOMPARE(cell.data(Qt::ForegroundRole).isValid(), isUnlike);
      if (!isUnlike) continue;
      ++marked;
      QVERIFY2(cell.data().toString().startsWith(QStringLiteral("unlike your library")),
               qPrintable(cell.data().toString()));
      const QString tip = cell.data(Qt::ToolTipRole).toString();
      QCOMPARE(tip,
               QString::fromStdString(m_library.snapshot->model->noveltyOfFile(unlike).reason()));
      QVERIFY(tip.startsWith(QStringLiteral("unlike your library: its sound")));
      QCOMPARE(cell.data(Qt::ForegroundRole).value<QBrush>(),
               QGuiApplication::palette().brush(QPalette::PlaceholderText));
      // Other columns keep the path as tooltip.
      QVERIFY(model.index(row, LibraryTableModel::Title)
                  .data(Qt::ToolTipRole)
                  .toString()
                  .endsWith(QStringLiteral("door slam.wav")));
    }
    QCOMPARE(marked, 1);
    if (const QByteArray dir = qgetenv("SONGSPACE_SCREENSHOT_DIR"); !dir.isEmpty()) {
      QTableView view;
      view.setModel(&model);
      view.resize(1000, 260);
      view.setColumnWidth(LibraryTableModel::PredictedTags, 330);
      view.show();
      QVERIFY(QTest::qWaitForWindowExposed(&view));
      view.scrollTo(model.indexOfFile(unlike), QAbstractItemView::PositionAtCenter);
      QTest::qWait(10);
      view.grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/table-unlike.png"));
    }
  }
};

QTEST_MAIN(LibraryModelsTest)
#include "tst_librarymodels.moc"
