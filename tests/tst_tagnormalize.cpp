#include <QtTest>

#include "core/catalog/tagnormalize.h"

using songspace::core::normalizeTag;
using songspace::core::normalizeTags;

using StringList = std::vector<std::string>;
Q_DECLARE_METATYPE(StringList)

class TagNormalizeTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void normalize_data() {
    QTest::addColumn<StringList>("raw");
    QTest::addColumn<StringList>("expected");
    QTest::newRow("empty") << StringList{} << StringList{};
    QTest::newRow("blank values") << StringList{"", "  ", ";;/,"} << StringList{};
    QTest::newRow("lowercase trim") << StringList{"  Rock  "} << StringList{"rock"};
    QTest::newRow("collapse whitespace") << StringList{"Indie \t  Pop"} << StringList{"indie pop"};
    QTest::newRow("split semicolon")
        << StringList{"Rock;Pop ; Jazz"} << StringList{"rock", "pop", "jazz"};
    QTest::newRow("split slash comma")
        << StringList{"Rock/Pop, Soul"} << StringList{"rock", "pop", "soul"};
    QTest::newRow("id3 nul separated")
        << StringList{std::string("Rock\0Blues", 10)} << StringList{"rock", "blues"};
    QTest::newRow("r&b kept") << StringList{"R&B"} << StringList{"r&b"};
    QTest::newRow("hip-hop kept") << StringList{"Hip-Hop"} << StringList{"hip-hop"};
    QTest::newRow("drum & bass kept") << StringList{"Drum  &  Bass"} << StringList{"drum & bass"};
    QTest::newRow("duplicates first order")
        << StringList{"Pop", "rock", "POP", " Rock ;jazz"} << StringList{"pop", "rock", "jazz"};
    QTest::newRow("latin1 uppercase") << StringList{"ÉLECTRO ÀÇÑÖÞ"} << StringList{"électro àçñöþ"};
    QTest::newRow("multiplication sign kept") << StringList{"×"} << StringList{"×"};
    QTest::newRow("other utf8 untouched")
        << StringList{"Ελληνικά", "日本"} << StringList{"Ελληνικά", "日本"};
    QTest::newRow("across values")
        << StringList{"Rock", "Pop; Rock", "Metal"} << StringList{"rock", "pop", "metal"};
  }
  void normalize() {
    QFETCH(StringList, raw);
    QFETCH(StringList, expected);
    const StringList actual = normalizeTags(raw);
    QCOMPARE(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i)
      QCOMPARE(QString::fromStdString(actual[i]), QString::fromStdString(expected[i]));
  }

  void singleTagDoesNotSplit() {
    QCOMPARE(normalizeTag("  Rock / Pop ").c_str(), "rock / pop");
    QCOMPARE(normalizeTag("   ").c_str(), "");
  }
};

QTEST_GUILESS_MAIN(TagNormalizeTest)
#include "tst_tagnormalize.moc"
