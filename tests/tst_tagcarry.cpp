// Auto-tag never hides or drops what a file carries, and undo restores the stored form — judged
// by readers other than TagLib. tests/tagtool.py (Debian's python3-mutagen, ffmpeg, ffprobe)
// generates one file per container and tag combination (MP3 with ID3v1 only, APEv2 only,
// ID3v2.3, ID3v2.4, ID3v2.4 + ID3v1, all three; FLAC with a Vorbis comment, with an ID3v2.3 tag
// in front of "fLaC", with both; Ogg Vorbis; Opus; M4A) and dumps each before and after:
//  - apply (safeWriteTags, as autotag --apply does): mutagen's merged view and ffprobe's tags are
//    what they were, but for the written field, which holds the new values;
//  - apply + undo through the journal (writeJournaled + undoBatch): mutagen's raw tags (ID3v2
//    frames with encodings and value lists, APEv2 items, ID3v1 bytes, Vorbis fields, MP4 atoms
//    with data types) are exactly what they were;
//  - the verification (tagViewChange) sees a change to any property, picture or frame of any tag.
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>

#include "audio/metadata.h"
#include "audio/tagview.h"
#include "core/base/filestamp.h"
#include "core/catalog/catalog.h"
#include "core/library/autotagapply.h"
#include "core/library/safetagwrite.h"
#include "core/library/tagundo.h"
#include "tagtool.h"

namespace library = songspace::library;
namespace audio = songspace::audio;
namespace core = songspace::core;
using audio::TagField;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(TagField)

namespace {

using songspace::testing::runTagTool;

// mutagen's raw and merged views, and ffprobe's tags when `probe`.
QJsonObject dump(const fs::path& file, bool probe = true) {
  QString error;
  const QByteArray out = runTagTool({probe ? QStringLiteral("dump") : QStringLiteral("dump-tags"),
                                     QString::fromStdString(file.string())},
                                    &error);
  if (!error.isEmpty()) qWarning("%s", qPrintable(error));
  return QJsonDocument::fromJson(out).object();
}

// The view's name of a field (mutagen and ffprobe both call these so).
QString viewName(TagField field) {
  return QString::fromLatin1(audio::tagFieldName(field));
}

// Whether a dump key belongs to the field (ffprobe names ID3v2.4 TMOO "tmoo").
bool isFieldKey(const QString& key, TagField field) {
  return key == viewName(field) || (field == TagField::Mood && key == QStringLiteral("tmoo"));
}

// Values as one list however they are stored: "a; b" (ID3v2.3), "a;b" (ffprobe) or separately.
QStringList normalised(const QStringList& values) {
  QStringList out;
  for (const auto& value : values) {
    for (const auto& part : value.split(QLatin1Char(';'))) {
      if (!part.trimmed().isEmpty()) out << part.trimmed();
    }
  }
  return out;
}

QStringList toStringList(const QJsonValue& value) {
  QStringList out;
  if (value.isString()) return {value.toString()};
  for (const auto& v : value.toArray()) out << v.toString();
  return out;
}

QStringList toQStringList(const std::vector<std::string>& values) {
  QStringList out;
  for (const auto& v : values) out << QString::fromStdString(v);
  return out;
}

// `after` holds every entry of `before` unchanged, except `field`; with `exact`, nothing more.
// Without `exact` (ffprobe), a value may gain values after the ones it had: ffmpeg shows only the
// first value of a multi-valued ID3v2 frame, all of a Vorbis comment's.
void compareExceptField(const QJsonObject& before, const QJsonObject& after, TagField field,
                        bool exact, const char* reader) {
  for (auto it = before.begin(); it != before.end(); ++it) {
    if (isFieldKey(it.key(), field)) continue;
    QVERIFY2(after.contains(it.key()),
             qPrintable(QStringLiteral("%1: %2 lost").arg(QLatin1String(reader), it.key())));
    const bool same = after.value(it.key()) == it.value();
    const QStringList had = normalised(toStringList(it.value()));
    const bool extended =
        !exact && normalised(toStringList(after.value(it.key()))).mid(0, had.size()) == had;
    QVERIFY2(
        same || extended,
        qPrintable(
            QStringLiteral("%1: %2 changed from %3 to %4")
                .arg(QLatin1String(reader), it.key(),
                     QString::fromUtf8(QJsonDocument(QJsonObject{{it.key(), it.value()}})
                                           .toJson(QJsonDocument::Compact)),
                     QString::fromUtf8(QJsonDocument(QJsonObject{{it.key(), after.value(it.key())}})
                                           .toJson(QJsonDocument::Compact)))));
  }
  if (!exact) return;
  for (auto it = after.begin(); it != after.end(); ++it) {
    if (isFieldKey(it.key(), field)) continue;
    QVERIFY2(before.contains(it.key()),
             qPrintable(QStringLiteral("%1: %2 appeared").arg(QLatin1String(reader), it.key())));
  }
}

struct Case {
  const char* fixture;
  TagField field;
  std::vector<std::string> values;
};

}  // namespace

class TestTagCarry : public QObject {
  Q_OBJECT

  QTemporaryDir m_fixtures;
  int m_copies = 0;

  fs::path copyOf(const QString& fixture, const QTemporaryDir& dir) {
    fs::path target = fs::path(dir.path().toStdString()) /
                      (std::to_string(++m_copies) + "-" + fixture.toStdString());
    fs::copy_file(fs::path(m_fixtures.path().toStdString()) / fixture.toStdString(), target);
    return target;
  }

  static void addCases() {
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<TagField>("field");
    QTest::addColumn<std::vector<std::string>>("values");
    const std::vector<std::string> genres{"Blues", "Post-Rock"};
    for (const char* fixture :
         {"mp3-id3v1.mp3", "mp3-ape.mp3", "mp3-v23.mp3", "mp3-v24.mp3", "mp3-v24-v1.mp3",
          "mp3-all.mp3", "flac-vorbis.flac", "flac-id3.flac", "flac-id3-vorbis.flac", "vorbis.ogg",
          "opus.opus", "mp4.m4a"}) {
      QTest::addRow("%s genre", fixture)
          << QString::fromLatin1(fixture) << TagField::Genre << genres;
    }
    // Other fields, removal, and fields the legacy tags hold too.
    const std::vector<Case> more{
        {"mp3-id3v1.mp3", TagField::Genre, {}},
        {"mp3-id3v1.mp3", TagField::Comment, {"new comment"}},
        {"mp3-all.mp3", TagField::Mood, {"Calm"}},
        {"mp3-ape.mp3", TagField::Comment, {}},
        {"mp3-v23.mp3", TagField::Mood, {"Calm", "Warm"}},
        {"mp3-v24.mp3", TagField::Mood, {}},
        {"flac-id3.flac", TagField::Genre, {}},
        {"flac-id3.flac", TagField::Comment, {"new comment"}},
        {"vorbis.ogg", TagField::Comment, {}},
        {"mp4.m4a", TagField::Mood, {"Warm"}},
    };
    for (const Case& c : more) {
      QTest::addRow("%s %s %s", c.fixture, audio::tagFieldName(c.field),
                    c.values.empty() ? "removed" : "set")
          << QString::fromLatin1(c.fixture) << c.field << c.values;
    }
  }

 private Q_SLOTS:
  void initTestCase() {
    QString error;
    const QStringList made = songspace::testing::makeTagCombinations(m_fixtures.path(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(made.size(), 12);
  }

  // The proposal starts from the merged view: an MP3 with only ID3v1 genre Rock reads "Rock".
  void readsTheMergedView_data() {
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<TagField>("field");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("ID3v1 only") << QStringLiteral("mp3-id3v1.mp3") << TagField::Genre
                                << QStringList{QStringLiteral("Rock")};
    QTest::newRow("ID3v1 comment") << QStringLiteral("mp3-id3v1.mp3") << TagField::Comment
                                   << QStringList{QStringLiteral("comment")};
    QTest::newRow("APEv2 only") << QStringLiteral("mp3-ape.mp3") << TagField::Genre
                                << QStringList{QStringLiteral("Rock")};
    QTest::newRow("APEv2 over ID3v1")
        << QStringLiteral("mp3-all.mp3") << TagField::Genre << QStringList{QStringLiteral("Jazz")};
    QTest::newRow("NUL-separated v2.3")
        << QStringLiteral("mp3-v23.mp3") << TagField::Genre
        << QStringList{QStringLiteral("Rock"), QStringLiteral("Jazz")};
    QTest::newRow("ID3v2 in front of FLAC")
        << QStringLiteral("flac-id3.flac") << TagField::Genre
        << QStringList{QStringLiteral("Rock"), QStringLiteral("Jazz")};
    QTest::newRow("Vorbis over ID3v2 in FLAC")
        << QStringLiteral("flac-id3-vorbis.flac") << TagField::Genre
        << QStringList{QStringLiteral("Ambient")};
  }
  void readsTheMergedView() {
    QFETCH(QString, fixture);
    QFETCH(TagField, field);
    QFETCH(QStringList, expected);
    QTemporaryDir dir;
    const fs::path file = copyOf(fixture, dir);
    std::vector<std::string> values;
    QVERIFY(audio::readTagField(file, field, values).ok());
    QCOMPARE(toQStringList(values), expected);
    // mutagen agrees.
    QCOMPARE(
        toStringList(dump(file, false)[QStringLiteral("merged")].toObject().value(viewName(field))),
        expected);
  }

  // The scan reads the same merged view: ID3v2 title, APEv2 artist and genre, ID3v1 year.
  void scanReadsTheMergedView() {
    QTemporaryDir dir;
    audio::TrackMetadata meta;
    QVERIFY(audio::readMetadata(copyOf(QStringLiteral("mp3-all.mp3"), dir), meta).ok());
    QCOMPARE(meta.title, std::string("v2 title"));
    QCOMPARE(meta.artist, std::string("ape artist"));
    QCOMPARE(meta.album, std::string("ape album"));
    QCOMPARE(meta.genres, (std::vector<std::string>{"Jazz"}));
    QCOMPARE(meta.year, 1997);
    QCOMPARE(meta.trackNumber, 2);
    QVERIFY(audio::readMetadata(copyOf(QStringLiteral("mp3-id3v1.mp3"), dir), meta).ok());
    QCOMPARE(meta.title, std::string("v1 title"));
    QCOMPARE(meta.genres, (std::vector<std::string>{"Rock"}));
    // FLAC: the ID3v2 tag in front speaks only while the Vorbis comment is empty.
    QVERIFY(audio::readMetadata(copyOf(QStringLiteral("flac-id3.flac"), dir), meta).ok());
    QCOMPARE(meta.artist, std::string("Ærø Ensemble"));
    QVERIFY(audio::readMetadata(copyOf(QStringLiteral("flac-id3-vorbis.flac"), dir), meta).ok());
    QCOMPARE(meta.title, std::string("vorbis title"));
    QCOMPARE(meta.artist, std::string());
  }

  // After the write, mutagen's merged view and ffprobe show what they showed before, plus the
  // new values of the field.
  void applyKeepsEverything_data() { addCases(); }
  void applyKeepsEverything() {
    QFETCH(QString, fixture);
    QFETCH(TagField, field);
    QFETCH(std::vector<std::string>, values);
    QTemporaryDir dir;
    const fs::path file = copyOf(fixture, dir);
    const QJsonObject before = dump(file);
    QVERIFY(!before.isEmpty());

    const auto result = library::safeWriteTags(file, {{field, values, {}}});
    QVERIFY2(result.status.ok(), result.status.message.c_str());

    const QJsonObject after = dump(file);
    const QJsonObject mergedBefore = before[QStringLiteral("merged")].toObject();
    const QJsonObject mergedAfter = after[QStringLiteral("merged")].toObject();
    compareExceptField(mergedBefore, mergedAfter, field, true, "mutagen");
    if (QTest::currentTestFailed()) return;
    QCOMPARE(normalised(toStringList(mergedAfter.value(viewName(field)))), toQStringList(values));
    // ffprobe shows only one of a file's tags (an MP3's ID3v2 tag when it has one): it may show
    // more after the write, never less.
    const QJsonObject probeBefore = before[QStringLiteral("ffprobe")].toObject();
    const QJsonObject probeAfter = after[QStringLiteral("ffprobe")].toObject();
    compareExceptField(probeBefore, probeAfter, field, false, "ffprobe");
    if (QTest::currentTestFailed()) return;
    // ffmpeg shows the first value of a multi-valued ID3v2.4 frame only.
    QStringList probed;
    for (auto it = probeAfter.begin(); it != probeAfter.end(); ++it) {
      if (isFieldKey(it.key(), field)) probed << normalised(toStringList(it.value()));
    }
    const QStringList expected = toQStringList(values);
    QCOMPARE(probed.isEmpty(), expected.isEmpty());
    QCOMPARE(probed, expected.mid(0, probed.size()));
  }

  // apply + undo through the journal puts back the raw tags: frames, encodings, separators.
  void undoRestoresStoredForm_data() { addCases(); }
  void undoRestoresStoredForm() {
    QFETCH(QString, fixture);
    QFETCH(TagField, field);
    QFETCH(std::vector<std::string>, values);
    QTemporaryDir dir;
    const fs::path file = copyOf(fixture, dir);
    const QJsonObject before = dump(file, false);
    std::vector<std::string> oldValues;
    QVERIFY(audio::readTagField(file, field, oldValues).ok());
    if (oldValues == values) QSKIP("nothing to write");

    auto catalog = core::Catalog::open(fs::path(dir.path().toStdString()) / "catalog.db");
    QVERIFY(catalog);
    std::int64_t batch = 0;
    QVERIFY(catalog->createTagBatch(core::TagBatchKind::Apply, 0, "test", &batch).ok());
    const auto stamp = songspace::base::fileStamp(file);
    QVERIFY(stamp);
    const library::FileOutcome applied =
        library::writeJournaled(*catalog, batch, 0, file.string(), field, oldValues, values, *stamp,
                                true, core::TagReadingRules{});
    QVERIFY2(applied.kind == library::FileOutcomeKind::Written, applied.reason.c_str());

    library::UndoOptions options;
    options.batchId = batch;
    const library::BatchResult undone = library::undoBatch(*catalog, options);
    QVERIFY2(undone.status.ok(), undone.status.message.c_str());
    QCOMPARE(undone.files.size(), std::size_t{1});
    QVERIFY2(undone.files.front().kind == library::FileOutcomeKind::Written,
             undone.files.front().reason.c_str());

    const QJsonObject after = dump(file, false);
    const QJsonObject rawBefore = before[QStringLiteral("raw")].toObject();
    const QJsonObject rawAfter = after[QStringLiteral("raw")].toObject();
    for (const QString& key : rawBefore.keys()) {
      QVERIFY2(rawAfter.value(key) == rawBefore.value(key),
               qPrintable(
                   QStringLiteral("%1 before: %2\nafter: %3")
                       .arg(key,
                            QString::fromUtf8(
                                QJsonDocument(QJsonObject{{key, rawBefore.value(key)}}).toJson()),
                            QString::fromUtf8(
                                QJsonDocument(QJsonObject{{key, rawAfter.value(key)}}).toJson()))));
    }
    QCOMPARE(after[QStringLiteral("merged")].toObject(),
             before[QStringLiteral("merged")].toObject());
  }

  // The verification compares every field of every tag: any other change — a property, a
  // picture, a private frame, in any of the tags — is found and named.
  void verificationSeesEveryField() {
    QTemporaryDir dir;
    const fs::path file = copyOf(QStringLiteral("mp3-all.mp3"), dir);
    audio::TagView before;
    QVERIFY(audio::readTagView(file, before).ok());
    // The merged view: ID3v2 title, APEv2 artist and genre, ID3v1 year and track.
    QCOMPARE(before["TITLE"], (std::vector<std::string>{"v2 title"}));
    QCOMPARE(before["ARTIST"], (std::vector<std::string>{"ape artist"}));
    QCOMPARE(before["GENRE"], (std::vector<std::string>{"Jazz"}));
    QCOMPARE(before["DATE"], (std::vector<std::string>{"1997"}));
    QCOMPARE(before["MP3GAIN_MINMAX"], (std::vector<std::string>{"100,200"}));

    const std::vector<library::FieldValues> genre{{TagField::Genre, {"Blues"}, {}}};
    QVERIFY(audio::writeTagField(file, TagField::Genre, {"Blues"}).ok());
    audio::TagView after;
    QVERIFY(audio::readTagView(file, after).ok());
    QCOMPARE(library::tagViewChange(before, after, genre), std::string());
    // A change in a legacy tag only (the ID3v1 year, hidden behind nothing) is seen.
    QVERIFY(audio::writeTagField(file, TagField::Comment, {"x"}).ok());
    QVERIFY(audio::readTagView(file, after).ok());
    QCOMPARE(library::tagViewChange(before, after, genre), std::string("COMMENT changed"));
    QCOMPARE(library::tagViewChange(before, after,
                                    {{TagField::Genre, {}, {}}, {TagField::Comment, {}, {}}}),
             std::string());

    const fs::path v23 = copyOf(QStringLiteral("mp3-v23.mp3"), dir);
    QVERIFY(audio::readTagView(v23, before).ok());
    for (const char* key : {"ALBUMARTIST", "COMPOSER", "DISCNUMBER", "REPLAYGAIN_TRACK_GAIN",
                            "COMMENT:ITUNNORM", "#picture", "#id3v2 PRIV"}) {
      QVERIFY2(before.count(key), key);
    }
    QCOMPARE(before["CUSTOM"], (std::vector<std::string>{"first", "second"}));
    after = before;
    after["#picture"] = {"3 image/png 0 bytes"};
    after.erase("COMPOSER");
    QCOMPARE(library::tagViewChange(before, after, genre),
             std::string("#picture changed, COMPOSER lost"));
    QVERIFY(audio::isTagViewKeyOf("#mp4 ----:com.apple.iTunes:mood", TagField::Mood));
    QVERIFY(!audio::isTagViewKeyOf("COMMENT:ITUNNORM", TagField::Comment));
  }
};

QTEST_GUILESS_MAIN(TestTagCarry)
#include "tst_tagcarry.moc"
