// The play queue model under QAbstractItemModelTester: adding (play now / next / append),
// removing, moving (the current row follows its song), next/previous with shuffle and repeat,
// and the save/restore round trip.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>
#include <set>

#include "ui/playqueue.h"

using songspace::ui::PlayQueue;
using songspace::ui::QueueItem;
using songspace::ui::QueuePlacement;

namespace {

std::vector<QueueItem> songs(int first, int count) {
  std::vector<QueueItem> out;
  for (int i = first; i < first + count; ++i) {
    out.push_back({i, QStringLiteral("/music/%1.ogg").arg(i), QStringLiteral("Song %1").arg(i)});
  }
  return out;
}

QList<qint64> ids(const PlayQueue& queue) {
  QList<qint64> out;
  for (const QueueItem& item : queue.items()) out << item.fileId;
  return out;
}

qint64 currentId(const PlayQueue& queue) {
  return queue.currentItem() ? queue.currentItem()->fileId : -1;
}

}  // namespace

class PlayQueueTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void placements() {
    PlayQueue queue;
    QAbstractItemModelTester tester(&queue, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(queue.currentRow(), -1);
    queue.add(songs(1, 3), QueuePlacement::AddToQueue);
    QCOMPARE(ids(queue), (QList<qint64>{1, 2, 3}));
    QCOMPARE(queue.currentRow(), -1);  // appending plays nothing
    QCOMPARE(queue.add(songs(10, 1), QueuePlacement::PlayNow), 0);
    QCOMPARE(currentId(queue), 10);
    queue.add(songs(20, 2), QueuePlacement::PlayNext);
    QCOMPARE(ids(queue), (QList<qint64>{10, 20, 21, 1, 2, 3}));
    queue.add(songs(30, 1), QueuePlacement::AddToQueue);
    QCOMPARE(ids(queue).last(), 30);
    QCOMPARE(queue.index(0).data(Qt::DisplayRole).toString(), QStringLiteral("Song 10"));
    QCOMPARE(queue.index(0).data(PlayQueue::PathRole).toString(), QStringLiteral("/music/10.ogg"));
    QVERIFY(queue.index(0).data(PlayQueue::IsCurrentRole).toBool());
    QVERIFY(queue.index(0).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(!queue.index(1).data(PlayQueue::IsCurrentRole).toBool());
    QVERIFY(queue.next());
    QCOMPARE(currentId(queue), 20);
    queue.clear();
    QCOMPARE(queue.rowCount(), 0);
    QCOMPARE(queue.currentRow(), -1);
  }

  void removeAndMoveKeepTheCurrentSong() {
    PlayQueue queue;
    QAbstractItemModelTester tester(&queue, QAbstractItemModelTester::FailureReportingMode::QtTest);
    queue.add(songs(1, 5), QueuePlacement::AddToQueue);
    queue.setCurrentRow(2);                    // song 3
    QVERIFY(queue.moveRows({}, 0, 1, {}, 5));  // 1 to the end
    QCOMPARE(ids(queue), (QList<qint64>{2, 3, 4, 5, 1}));
    QCOMPARE(currentId(queue), 3);
    QVERIFY(queue.moveRows({}, 3, 2, {}, 0));  // 5, 1 to the front
    QCOMPARE(ids(queue), (QList<qint64>{5, 1, 2, 3, 4}));
    QCOMPARE(currentId(queue), 3);
    QVERIFY(!queue.moveRows({}, 1, 1, {}, 2));  // onto itself
    QVERIFY(!queue.moveRows({}, 4, 1, {}, 9));  // out of range
    QVERIFY(queue.removeRows(0, 2));
    QCOMPARE(ids(queue), (QList<qint64>{2, 3, 4}));
    QCOMPARE(currentId(queue), 3);
    QVERIFY(queue.removeRow(1));  // the current song itself
    QCOMPARE(queue.currentRow(), -1);
    QVERIFY(queue.next());  // continues with the song that followed it
    QCOMPARE(currentId(queue), 4);
    QVERIFY(!queue.removeRows(1, 5));
  }

  void nextPreviousAndRepeat() {
    PlayQueue queue;
    QAbstractItemModelTester tester(&queue, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(!queue.next());
    queue.add(songs(1, 3), QueuePlacement::AddToQueue);
    QVERIFY(queue.next());  // nothing current: the first row
    QCOMPARE(currentId(queue), 1);
    QVERIFY(!queue.previous());
    QVERIFY(queue.next());
    QVERIFY(queue.next());
    QCOMPARE(currentId(queue), 3);
    QVERIFY(!queue.next());  // Repeat::Off stops at the end
    QCOMPARE(currentId(queue), 3);
    QVERIFY(queue.previous());
    QCOMPARE(currentId(queue), 2);
    queue.setRepeat(PlayQueue::Repeat::All);
    QVERIFY(queue.next());
    QVERIFY(queue.next());
    QCOMPARE(currentId(queue), 1);  // wrapped
    queue.setRepeat(PlayQueue::Repeat::One);
    QVERIFY(queue.next(PlayQueue::Advance::AutoAdvance));
    QCOMPARE(currentId(queue), 1);  // the song ends: it plays again
    QVERIFY(queue.next(PlayQueue::Advance::UserNext));
    QCOMPARE(currentId(queue), 2);  // Next still moves on
  }

  void shufflePlaysEachSongOncePerPass() {
    PlayQueue queue;
    QAbstractItemModelTester tester(&queue, QAbstractItemModelTester::FailureReportingMode::QtTest);
    queue.seedShuffle(42);
    queue.add(songs(1, 8), QueuePlacement::AddToQueue);
    queue.setCurrentRow(0);
    QSignalSpy shuffled(&queue, &PlayQueue::shuffleChanged);
    queue.setShuffle(true);
    QCOMPARE(shuffled.count(), 1);
    QList<qint64> order{currentId(queue)};
    while (queue.next()) order << currentId(queue);
    QCOMPARE(order.size(), 8);  // then Repeat::Off stops
    QCOMPARE(std::set<qint64>(order.begin(), order.end()).size(), std::size_t{8});
    QVERIFY(order !=
            (QList<qint64>{1, 2, 3, 4, 5, 6, 7, 8}));  // shuffle reorders the pass (seeded)
    // Previous walks back the order heard.
    QVERIFY(queue.previous());
    QCOMPARE(currentId(queue), order.at(6));
    QVERIFY(queue.previous());
    QCOMPARE(currentId(queue), order.at(5));
    // Repeat::All starts a new pass that does not begin with the song just heard.
    while (queue.next()) {
    }
    queue.setRepeat(PlayQueue::Repeat::All);
    const qint64 last = currentId(queue);
    QVERIFY(queue.next());
    QVERIFY(currentId(queue) != last);
  }

  // hasNext() / hasPrevious() (MPRIS's CanGoNext / CanGoPrevious) say what next() / previous()
  // then do, in every mode, and asking draws no shuffle number: the seeded order is unchanged.
  void hasNextAndHasPreviousForesee() {
    PlayQueue queue;
    QVERIFY(!queue.hasNext() && !queue.hasPrevious());
    int steps = 0;
    int wrong = 0;  // steps whose move was not foreseen
    const auto step = [&](bool forward) {
      const bool foreseen = forward ? queue.hasNext() : queue.hasPrevious();
      const bool moved = forward ? queue.next() : queue.previous();
      ++steps;
      wrong += foreseen == moved ? 0 : 1;
      return moved;
    };
    queue.add(songs(1, 4), QueuePlacement::AddToQueue);
    while (step(true)) {
    }
    QCOMPARE(currentId(queue), 4);
    while (step(false)) {
    }
    QCOMPARE(currentId(queue), 1);
    queue.removeRows(0, 1);  // the current song: next() continues with the row that followed
    QVERIFY(queue.hasNext() && !queue.hasPrevious());
    QVERIFY(step(true));
    QCOMPARE(currentId(queue), 2);
    QCOMPARE(steps, 10);
    QCOMPARE(wrong, 0);

    PlayQueue asked;
    PlayQueue unasked;
    for (PlayQueue* shuffled : {&asked, &unasked}) {
      shuffled->seedShuffle(7);
      shuffled->add(songs(1, 6), QueuePlacement::AddToQueue);
      shuffled->setCurrentRow(0);
      shuffled->setShuffle(true);
    }
    QList<qint64> askedOrder;
    QList<qint64> unaskedOrder;
    while (unasked.next()) unaskedOrder << currentId(unasked);
    for (;;) {
      const bool foreseen = asked.hasNext();
      QCOMPARE(asked.next(), foreseen);
      if (!foreseen) break;
      askedOrder << currentId(asked);
    }
    QCOMPARE(askedOrder, unaskedOrder);
    for (;;) {
      const bool foreseen = asked.hasPrevious();
      QCOMPARE(asked.previous(), foreseen);
      if (!foreseen) break;
    }
    QCOMPARE(currentId(asked), 1);  // back at the start of the pass
    asked.setRepeat(PlayQueue::Repeat::All);
    QVERIFY(asked.hasNext());
  }

  // A new mix replaces what the last one still had to play: the generated rows after the current
  // one go, the ones already played (before it) and the songs the user queued stay.
  void upcomingGeneratedRowsAreReplaced() {
    PlayQueue queue;
    QAbstractItemModelTester tester(&queue, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<QueueItem> mix = songs(1, 4);
    for (QueueItem& item : mix) item.generated = true;
    queue.add(mix, QueuePlacement::PlayNow);  // 1 current, 2 3 4 to come
    queue.add(songs(10, 1), QueuePlacement::AddToQueue);
    QVERIFY(queue.next());  // 2 plays
    QCOMPARE(queue.removeUpcomingGenerated(), 2);
    QCOMPARE(ids(queue), (QList<qint64>{1, 2, 10}));
    QCOMPARE(currentId(queue), 2);
    QCOMPARE(queue.removeUpcomingGenerated(), 0);
    // Without a current row: from where next() would continue.
    queue.clear();
    queue.add(mix, QueuePlacement::AddToQueue);
    QCOMPARE(queue.currentRow(), -1);
    QCOMPARE(queue.removeUpcomingGenerated(), 4);
    QCOMPARE(queue.rowCount(), 0);
  }

  void saveAndRestore() {
    PlayQueue queue;
    queue.add(songs(1, 4), QueuePlacement::AddToQueue);
    std::vector<QueueItem> generated = songs(5, 1);
    generated.front().generated = true;
    queue.add(generated, QueuePlacement::AddToQueue);  // kept across a restart, as generated
    queue.setCurrentRow(2);
    const QVariantList saved = queue.save();
    PlayQueue restored;
    QAbstractItemModelTester tester(&restored,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    restored.restore(saved, queue.currentRow());
    QCOMPARE(restored.items(), queue.items());
    QCOMPARE(restored.currentRow(), 2);
    restored.restore({QVariantMap{{QStringLiteral("path"), QString()}}}, 0);  // no path: dropped
    QCOMPARE(restored.rowCount(), 0);
    QCOMPARE(restored.currentRow(), -1);
  }
};

QTEST_GUILESS_MAIN(PlayQueueTest)
#include "tst_playqueue.moc"
