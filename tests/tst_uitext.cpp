// The GUI's words: "%n" plurals through the English plural forms (and a real translation still
// winning over them), whole sentences from AutotagUndo in its own tr() context.
#include <QCoreApplication>
#include <QTranslator>
#include <QtTest>

#include "ui/autotagundo.h"
#include "ui/englishplurals.h"

using namespace songspace;

namespace {

// A stand-in for a compiled translation of one string: what a .qm would answer for it.
class OneStringTranslation : public QTranslator {
 public:
  QString translate(const char*, const char* sourceText, const char*, int n) const override {
    if (QByteArrayView(sourceText) != "%n file(s)") return {};
    return n == 1 ? QStringLiteral("%n Datei") : QStringLiteral("%n Dateien");
  }
  bool isEmpty() const override { return false; }
};

library::BatchResult undoneFiles(int written, int failed) {
  library::BatchResult result;
  result.batchId = 7;
  for (int i = 0; i < written + failed; ++i) {
    library::FileOutcome outcome;
    outcome.path = "/music/song" + std::to_string(i) + ".ogg";
    outcome.kind =
        i < written ? library::FileOutcomeKind::Written : library::FileOutcomeKind::Failed;
    outcome.reason = "read-only";
    result.files.push_back(outcome);
  }
  return result;
}

}  // namespace

class UiTextTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void withoutTranslatorTheSourceShows();
  void englishPlurals_data();
  void englishPlurals();
  void translationWins();
  void undoSentences();
};

void UiTextTest::withoutTranslatorTheSourceShows() {
  // Why the translator exists: Qt substitutes %n but keeps "(s)".
  QCOMPARE(QCoreApplication::translate("Ctx", "%n file(s)", nullptr, 2),
           QStringLiteral("2 file(s)"));
}

void UiTextTest::englishPlurals_data() {
  QTest::addColumn<QString>("source");
  QTest::addColumn<int>("n");
  QTest::addColumn<QString>("expected");
  QTest::newRow("one") << "%n file(s)" << 1 << "1 file";
  QTest::newRow("none") << "%n file(s)" << 0 << "0 files";
  QTest::newRow("many") << "%n file(s)" << 12 << "12 files";
  QTest::newRow("inside") << "Save %n Song(s) as Playlist…" << 1 << "Save 1 Song as Playlist…";
  QTest::newRow("with args") << "%n file(s) analysed, %1 unchanged" << 3
                             << "3 files analysed, %1 unchanged";
  QTest::newRow("no count") << "file(s)" << -1 << "file(s)";
  QTest::newRow("no marker") << "%n s left" << 5 << "5 s left";
}

void UiTextTest::englishPlurals() {
  QFETCH(QString, source);
  QFETCH(int, n);
  QFETCH(QString, expected);
  ui::EnglishPluralTranslator plurals;
  QVERIFY(QCoreApplication::installTranslator(&plurals));
  const QByteArray utf8 = source.toUtf8();
  const QString text = QCoreApplication::translate("Ctx", utf8.constData(), nullptr, n);
  QCoreApplication::removeTranslator(&plurals);
  QCOMPARE(text, expected);
}

void UiTextTest::translationWins() {
  ui::EnglishPluralTranslator plurals;
  OneStringTranslation german;
  QVERIFY(QCoreApplication::installTranslator(&plurals));
  QVERIFY(QCoreApplication::installTranslator(&german));  // installed later: asked first
  QCOMPARE(QCoreApplication::translate("Ctx", "%n file(s)", nullptr, 1), QStringLiteral("1 Datei"));
  QCOMPARE(QCoreApplication::translate("Ctx", "%n song(s)", nullptr, 1), QStringLiteral("1 song"));
  QCoreApplication::removeTranslator(&german);
  QCoreApplication::removeTranslator(&plurals);
}

void UiTextTest::undoSentences() {
  ui::EnglishPluralTranslator plurals;
  QVERIFY(QCoreApplication::installTranslator(&plurals));
  QCOMPARE(ui::AutotagUndo::describeResult(undoneFiles(1, 0)), QStringLiteral("Restored 1 file."));
  QString details;
  const QString mixed = ui::AutotagUndo::describeResult(undoneFiles(3, 1), &details);
  QVERIFY2(mixed.startsWith(QStringLiteral("Restored 3 files. 1 file not restored:\nsong3.ogg")),
           qPrintable(mixed));
  QVERIFY2(details.contains(QStringLiteral("read-only")), qPrintable(details));

  library::UndoableBatch info;
  info.batchId = 4;
  info.files = 1;
  QVERIFY2(
      ui::AutotagUndo::describe(info).endsWith(QStringLiteral("(batch 4): the tags of 1 file")),
      qPrintable(ui::AutotagUndo::describe(info)));
  info.field = "genre";
  info.files = 2;
  QVERIFY2(
      ui::AutotagUndo::describe(info).endsWith(QStringLiteral("(batch 4): the genre of 2 files")),
      qPrintable(ui::AutotagUndo::describe(info)));
  // Accepting: two counts in one sentence, each with its own plural.
  library::AcceptResult accepted;
  accepted.tags.push_back({1, "ambient", 1, 1});
  QCOMPARE(ui::AutotagUndo::describeAccept(accepted),
           QStringLiteral(
               "Accepted 1 value in 1 file as your own tags; the next training learns from them."));
  accepted.tags.push_back({1, "calm", 2, 1});
  accepted.tags.push_back({2, "ambient", 3, 1});
  QVERIFY2(ui::AutotagUndo::describeAccept(accepted).startsWith(
               QStringLiteral("Accepted 3 values in 2 files as your own tags;")),
           qPrintable(ui::AutotagUndo::describeAccept(accepted)));
  QCoreApplication::removeTranslator(&plurals);
}

QTEST_GUILESS_MAIN(UiTextTest)
#include "tst_uitext.moc"
