#include <QSignalSpy>
#include <QtTest>

#include "ui/navigationhistory.h"

using songspace::ui::Location;
using songspace::ui::NavigationHistory;

namespace {
Location song(qint64 id) {
  return {Location::Song, id, {}};
}
Location artist(const char* name) {
  return {Location::Artist, 0, QString::fromUtf8(name)};
}
}  // namespace

class NavigationTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyHistory() {
    NavigationHistory history;
    QVERIFY(history.isEmpty());
    QVERIFY(!history.canGoBack());
    QVERIFY(!history.canGoForward());
    QVERIFY(!history.back());
    QVERIFY(!history.forward());
    QCOMPARE(history.current(), Location{});
  }

  void backAndForward() {
    NavigationHistory history;
    history.visit(song(1));
    history.visit(artist("Fjord"));
    history.visit(song(3));
    QCOMPARE(history.size(), 3);
    QVERIFY(history.back());
    QCOMPARE(history.current(), artist("Fjord"));
    QVERIFY(history.back());
    QCOMPARE(history.current(), song(1));
    QVERIFY(!history.canGoBack());
    QVERIFY(!history.back());
    QCOMPARE(history.current(), song(1));
    QVERIFY(history.forward());
    QVERIFY(history.forward());
    QCOMPARE(history.current(), song(3));
    QVERIFY(!history.forward());
  }

  void visitDropsForwardHistory() {
    NavigationHistory history;
    history.visit(song(1));
    history.visit(song(2));
    history.visit(song(3));
    history.back();
    history.back();
    history.visit(artist("Delta Nine"));
    QVERIFY(!history.canGoForward());
    QCOMPARE(history.size(), 2);
    QVERIFY(history.back());
    QCOMPARE(history.current(), song(1));
    QVERIFY(history.forward());
    QCOMPARE(history.current(), artist("Delta Nine"));
  }

  void repeatedVisitIsIgnored() {
    NavigationHistory history;
    QSignalSpy changed(&history, &NavigationHistory::currentChanged);
    history.visit(song(5));
    history.visit(song(5));
    QCOMPARE(history.size(), 1);
    QCOMPARE(changed.count(), 1);
    // Same id but another kind is another place.
    history.visit({Location::External, 5, QStringLiteral("/tmp/x.mp3")});
    QCOMPARE(history.size(), 2);
  }

  void emitsSignals() {
    NavigationHistory history;
    QSignalSpy changed(&history, &NavigationHistory::currentChanged);
    QSignalSpy availability(&history, &NavigationHistory::availabilityChanged);
    history.visit(song(1));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.last().at(0).value<Location>(), song(1));
    QCOMPARE(availability.count(), 0);  // still neither back nor forward
    history.visit(song(2));
    QCOMPARE(availability.count(), 1);
    QCOMPARE(availability.last().at(0).toBool(), true);
    QCOMPARE(availability.last().at(1).toBool(), false);
    history.back();
    QCOMPARE(changed.count(), 3);
    QCOMPARE(changed.last().at(0).value<Location>(), song(1));
    QCOMPARE(availability.count(), 2);
    QCOMPARE(availability.last().at(0).toBool(), false);
    QCOMPARE(availability.last().at(1).toBool(), true);
    history.back();  // nothing behind: no signal
    QCOMPARE(changed.count(), 3);
    QCOMPARE(availability.count(), 2);
    history.visit(song(9));  // forward dropped, back possible
    QCOMPARE(availability.last().at(0).toBool(), true);
    QCOMPARE(availability.last().at(1).toBool(), false);
  }

  // A rescan or retrain drops what is gone, not the whole history.
  void pruneKeepsWhatExists() {
    NavigationHistory history;
    history.visit(song(1));
    history.visit(song(2));
    history.visit(artist("Gone"));
    history.visit(song(2));
    history.visit(song(3));
    history.visit(song(4));
    QVERIFY(history.back());  // at 3, with 4 ahead
    QSignalSpy changed(&history, &NavigationHistory::currentChanged);
    QSignalSpy availability(&history, &NavigationHistory::availabilityChanged);
    const auto notGone = [](const Location& l) { return l != artist("Gone"); };
    QCOMPARE(history.prune(notGone), 2);  // the artist, then the 2 that repeats the 2 before it
    QCOMPARE(history.size(), 4);
    QCOMPARE(history.current(), song(3));
    QCOMPARE(changed.count(), 0);  // still where it was
    QCOMPARE(availability.count(), 0);
    QCOMPARE(history.prune(notGone), 0);
    QVERIFY(history.forward());
    QVERIFY(history.back());
    QVERIFY(history.back());
    QCOMPARE(history.current(), song(2));
    QVERIFY(history.back());
    QCOMPARE(history.current(), song(1));
    QVERIFY(!history.canGoBack());

    // The current entry gone: the one before it becomes current.
    QVERIFY(history.forward());
    QVERIFY(history.forward());  // at 3
    QCOMPARE(history.prune([](const Location& l) { return l != song(3); }), 1);
    QCOMPARE(history.current(), song(2));
    QCOMPARE(changed.last().at(0).value<Location>(), song(2));
    QVERIFY(history.canGoForward());  // 4 is still ahead
    // Nothing before it: the one after.
    QVERIFY(history.back());  // at 1 (1, 2, 4)
    QCOMPARE(history.current(), song(1));
    QCOMPARE(history.prune([](const Location& l) { return l != song(1); }), 1);
    QCOMPARE(history.current(), song(2));
    QVERIFY(!history.canGoBack());
    QCOMPARE(availability.last().at(0).toBool(), false);
    // Nothing left.
    QCOMPARE(history.prune([](const Location&) { return false; }), 2);
    QVERIFY(history.isEmpty());
    QVERIFY(!history.canGoForward());
  }

  void boundedToMaxEntries() {
    NavigationHistory history;
    const int visits = NavigationHistory::kMaxEntries + 50;
    for (int i = 1; i <= visits; ++i) history.visit(song(i));
    QCOMPARE(history.size(), NavigationHistory::kMaxEntries);
    QCOMPARE(history.current(), song(visits));
    int steps = 0;
    while (history.back()) ++steps;
    QCOMPARE(steps, NavigationHistory::kMaxEntries - 1);
    QCOMPARE(history.current(), song(visits - NavigationHistory::kMaxEntries + 1));
  }
};

QTEST_GUILESS_MAIN(NavigationTest)
#include "tst_navigation.moc"
