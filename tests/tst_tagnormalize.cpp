#include <QtTest>

#include "core/catalog/tagnormalize.h"

using songspace::core::isJunkTag;
using songspace::core::normalizeTag;
using songspace::core::normalizeTags;
using songspace::core::splitFieldValues;
using songspace::core::TagReadingRules;

using StringList = std::vector<std::string>;
Q_DECLARE_METATYPE(StringList)

class TagNormalizeTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void normalize_data() {
    QTest::addColumn<StringList>("raw");
    QTest::addColumn<QString>("separators");  // TagReadingRules::genreSeparators
    QTest::addColumn<StringList>("expected");
    const QString byDefault = QString::fromLatin1(TagReadingRules::kDefaultGenreSeparators.data(),
                                                  TagReadingRules::kDefaultGenreSeparators.size());
    const QString all = QStringLiteral(";,/");
    QTest::newRow("empty") << StringList{} << byDefault << StringList{};
    QTest::newRow("blank values") << StringList{"", "  ", ";;/,"} << all << StringList{};
    QTest::newRow("lowercase trim") << StringList{"  Rock  "} << byDefault << StringList{"rock"};
    QTest::newRow("collapse whitespace")
        << StringList{"Indie \t  Pop"} << byDefault << StringList{"indie pop"};
    QTest::newRow("split semicolon")
        << StringList{"Rock;Pop ; Jazz"} << byDefault << StringList{"rock", "pop", "jazz"};
    QTest::newRow("empty parts") << StringList{"Rock;;Pop;"} << byDefault
                                 << StringList{"rock", "pop"};
    // One genre stays one genre (issue 12 §5): ',' and '/' split only when chosen.
    QTest::newRow("slash comma kept by default")
        << StringList{"Rock/Pop, Soul"} << byDefault << StringList{"rock/pop, soul"};
    QTest::newRow("slash comma chosen")
        << StringList{"Rock/Pop, Soul"} << all << StringList{"rock", "pop", "soul"};
    QTest::newRow("comma only chosen")
        << StringList{"Rock/Pop, Soul"} << QStringLiteral(",") << StringList{"rock/pop", "soul"};
    QTest::newRow("no separators")
        << StringList{"Rock; Pop"} << QString() << StringList{"rock; pop"};
    QTest::newRow("discogs genre by default") << StringList{"Folk, World, & Country"} << byDefault
                                              << StringList{"folk, world, & country"};
    QTest::newRow("discogs genre, comma chosen")
        << StringList{"Folk, World, & Country"} << all << StringList{"folk, world, & country"};
    QTest::newRow("discogs genre among others") << StringList{"Jazz; Folk, World, & Country"} << all
                                                << StringList{"jazz", "folk, world, & country"};
    QTest::newRow("trailing conjunction")
        << StringList{"Rhythm &, Blues"} << all << StringList{"rhythm &, blues"};
    QTest::newRow("and fragment") << StringList{"Drum, and Bass"} << all
                                  << StringList{"drum, and bass"};
    QTest::newRow("rock n roll fragment")
        << StringList{"Rock/'n' Roll"} << all << StringList{"rock/'n' roll"};
    QTest::newRow("leading punctuation fragment")
        << StringList{"Hip-Hop, -Rap"} << all << StringList{"hip-hop, -rap"};
    QTest::newRow("names with & split") << StringList{"Drum & Bass, Jungle / Rock 'n' Roll"} << all
                                        << StringList{"drum & bass", "jungle", "rock 'n' roll"};
    QTest::newRow("lone conjunction field")
        << StringList{"&", "and", "+", "Soul"} << byDefault << StringList{"soul"};
    QTest::newRow("id3 nul separated")
        << StringList{std::string("Rock\0Blues", 10)} << QString() << StringList{"rock", "blues"};
    QTest::newRow("nul parts are values") << StringList{std::string("Folk\0& Country\0&", 16)}
                                          << byDefault << StringList{"folk", "& country"};
    QTest::newRow("r&b kept") << StringList{"R&B"} << all << StringList{"r&b"};
    QTest::newRow("hip-hop kept") << StringList{"Hip-Hop"} << all << StringList{"hip-hop"};
    QTest::newRow("drum & bass kept")
        << StringList{"Drum  &  Bass"} << all << StringList{"drum & bass"};
    QTest::newRow("duplicates first order") << StringList{"Pop", "rock", "POP", " Rock ;jazz"}
                                            << byDefault << StringList{"pop", "rock", "jazz"};
    QTest::newRow("latin1 uppercase")
        << StringList{"ÉLECTRO ÀÇÑÖÞ"} << byDefault << StringList{"électro àçñöþ"};
    QTest::newRow("multiplication sign kept") << StringList{"×"} << byDefault << StringList{"×"};
    QTest::newRow("other utf8 untouched")
        << StringList{"Ελληνικά", "日本"} << all << StringList{"Ελληνικά", "日本"};
    QTest::newRow("across values") << StringList{"Rock", "Pop; Rock", "Metal"} << byDefault
                                   << StringList{"rock", "pop", "metal"};
    // Placeholders are not values (issue 12 §6).
    QTest::newRow("placeholders") << StringList{"(none)",    "N/A",       "Unknown Genre",
                                                "<Unknown>", "[unknown]", "Rock"}
                                  << byDefault << StringList{"rock"};
    QTest::newRow("placeholder inside a list")
        << StringList{"(None); Jazz ; n/a"} << byDefault << StringList{"jazz"};
    QTest::newRow("placeholder spelled loosely")
        << StringList{"  UNKNOWN \t GENRE "} << byDefault << StringList{};
  }
  void normalize() {
    QFETCH(StringList, raw);
    QFETCH(QString, separators);
    QFETCH(StringList, expected);
    TagReadingRules rules;
    rules.genreSeparators = separators.toStdString();
    QVERIFY(rules.validate().empty());
    const StringList actual = normalizeTags(raw, rules);
    QCOMPARE(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i)
      QCOMPARE(QString::fromStdString(actual[i]), QString::fromStdString(expected[i]));
  }

  // splitFieldValues keeps the file's spelling: what the catalog shows in the genre column.
  void splitKeepsSpelling() {
    TagReadingRules rules;
    rules.genreSeparators = ";,";
    QCOMPARE(splitFieldValues({" Rock ; Hip-Hop", "Folk, World, & Country", "(none)"}, rules),
             (StringList{"Rock", "Hip-Hop", "Folk, World, & Country"}));
  }

  void placeholderListIsTheUsers() {
    TagReadingRules rules;
    QVERIFY(rules.isPlaceholder("Unknown Artist"));
    QVERIFY(rules.isPlaceholder("   "));
    QVERIFY(!rules.isPlaceholder("Unknown Pleasures"));
    rules.placeholders = TagReadingRules::parsePlaceholderList(" Nobody |  | -- ");
    QCOMPARE(rules.placeholders, (StringList{"Nobody", "--"}));
    QVERIFY(rules.isPlaceholder("nobody"));
    QVERIFY(!rules.isPlaceholder("(none)"));
    QCOMPARE(normalizeTags({"(none)", "Nobody"}, rules), StringList{"(none)"});
    QVERIFY(rules.isPlaceholder(""));  // empty is always missing
    QCOMPARE(TagReadingRules::parsePlaceholderList(
                 TagReadingRules::joinPlaceholderList(TagReadingRules::defaultPlaceholders())),
             TagReadingRules::defaultPlaceholders());
    rules.genreSeparators = ";|";
    QVERIFY(!rules.validate().empty());
    QVERIFY(TagReadingRules::verbatim().placeholders.empty());
  }

  void junkTags() {
    const TagReadingRules rules;
    for (const char* junk : {"& country", "rock &", "(none)", "-", "and", "unknown"})
      QVERIFY2(isJunkTag(junk, rules), junk);
    for (const char* fine : {"r&b", "drum & bass", "country", "hip-hop", "rock 'n' roll"})
      QVERIFY2(!isJunkTag(fine, rules), fine);
  }

  void singleTagDoesNotSplit() {
    QCOMPARE(normalizeTag("  Rock / Pop ").c_str(), "rock / pop");
    QCOMPARE(normalizeTag("   ").c_str(), "");
  }
};

QTEST_GUILESS_MAIN(TagNormalizeTest)
#include "tst_tagnormalize.moc"
