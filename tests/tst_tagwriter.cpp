// writeTagField / readTagField on copies of the fixtures: exact round trips per format and field,
// removal, the ID3v2 version kept, and every other field left as it was (checked with TagLib's
// PropertyMap and audio properties, independently of the code under test).
#include <sys/stat.h>
#include <sys/wait.h>
#include <taglib/fileref.h>
#include <taglib/id3v1tag.h>
#include <taglib/mpegfile.h>
#include <taglib/tpropertymap.h>
#include <unistd.h>

#include <QtTest>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "audio/metadata.h"
#include "audio/tagwriter.h"
#include "tests/testpaths.h"

namespace base = songspace::base;

using base::ErrorCode;
using base::Status;
using songspace::audio::TagField;
using songspace::audio::TrackMetadata;
namespace audio = songspace::audio;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(TagField)

namespace {

const fs::path kData = songspace::test::testDataDir() / "tags";
const std::vector<std::string> kValues{"Ærø – 東京", "Post-Rock", "night drive"};

std::string fileBytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string joined(const std::vector<std::string>& values) {
  std::string text;
  for (const auto& v : values) text += (text.empty() ? "" : "; ") + v;
  return text;
}

// Everything TagLib reports about the file except the keys the written field may touch.
QMap<QString, QStringList> snapshot(const fs::path& file, TagField field) {
  static const QMap<TagField, QStringList> fieldKeys{
      {TagField::Genre, {QStringLiteral("GENRE")}},
      {TagField::Mood, {QStringLiteral("MOOD")}},
      // TagLib 1.13 names ID3v2 TIT1 "WORK"; the writer uses TIT1 for grouping.
      {TagField::Grouping, {QStringLiteral("GROUPING"), QStringLiteral("WORK")}},
      {TagField::Tags, {QStringLiteral("TAGS")}},
      {TagField::Comment, {QStringLiteral("COMMENT"), QStringLiteral("DESCRIPTION")}},
  };
  QMap<QString, QStringList> result;
  TagLib::FileRef ref(file.c_str());
  if (ref.isNull()) return result;
  const TagLib::PropertyMap map = ref.file()->properties();
  for (const auto& [key, values] : map) {
    const QString name = QString::fromStdString(key.to8Bit(true));
    if (fieldKeys.value(field).contains(name)) continue;
    QStringList list;
    for (const auto& v : values) list << QString::fromStdString(v.to8Bit(true));
    result.insert(name, list);
  }
  QStringList unsupported;
  for (const auto& u : map.unsupportedData()) {
    // e.g. MP4's "----:com.apple.iTunes:TAGS", which TagLib's PropertyMap does not name.
    const QString name = QString::fromStdString(u.to8Bit(true));
    if (!fieldKeys.value(field).contains(name.section(QLatin1Char(':'), -1).toUpper())) {
      unsupported << name;
    }
  }
  result.insert(QStringLiteral("#unsupported"), unsupported);
  const TagLib::AudioProperties* p = ref.audioProperties();
  result.insert(QStringLiteral("#audio"),
                {QString::number(p->lengthInMilliseconds()), QString::number(p->bitrate()),
                 QString::number(p->sampleRate()), QString::number(p->channels())});
  return result;
}

const std::vector<std::string>& metadataField(const TrackMetadata& meta, TagField field) {
  switch (field) {
    case TagField::Genre:
      return meta.genres;
    case TagField::Mood:
      return meta.moods;
    case TagField::Grouping:
      return meta.groupings;
    case TagField::Tags:
      return meta.freeTags;
    case TagField::Comment:
      return meta.comments;
  }
  return meta.genres;
}

// The (runtime) error of a call made as user "nobody" when we are root, else directly.
template <typename Call>
int errorAsUnprivileged(Call call) {
  if (::geteuid() != 0) return static_cast<int>(call());
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(100);
    ::_exit(static_cast<int>(call()));
  }
  int wstatus = 0;
  if (child < 0 || ::waitpid(child, &wstatus, 0) != child || !WIFEXITED(wstatus)) return -1;
  return WEXITSTATUS(wstatus);
}

}  // namespace

class TagWriterTest : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  int m_copies = 0;

  fs::path copyOf(const QString& fixture) {
    fs::path target = fs::path(m_dir.path().toStdString()) /
                      (std::to_string(++m_copies) + "-" + fixture.toStdString());
    fs::copy_file(kData / fixture.toStdString(), target);
    return target;
  }

 private Q_SLOTS:
  void initTestCase() { QVERIFY(m_dir.isValid()); }

  void roundTrip_data() {
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<TagField>("field");
    const QStringList fixtures{QStringLiteral("tagged-v24.mp3"), QStringLiteral("tagged-v23.mp3"),
                               QStringLiteral("tagged.flac"),    QStringLiteral("tagged.ogg"),
                               QStringLiteral("tagged.opus"),    QStringLiteral("tagged.m4a")};
    for (const QString& fixture : fixtures) {
      for (TagField field : {TagField::Genre, TagField::Mood, TagField::Grouping, TagField::Tags,
                             TagField::Comment}) {
        QTest::addRow("%s %s", qPrintable(fixture), audio::tagFieldName(field)) << fixture << field;
      }
    }
  }

  void roundTrip() {
    QFETCH(QString, fixture);
    QFETCH(TagField, field);
    const fs::path file = copyOf(fixture);
    const QMap<QString, QStringList> before = snapshot(file, field);
    const std::string header = fileBytes(file).substr(0, 4);

    QVERIFY(audio::checkTagWritable(file).ok());
    const base::Status written = audio::writeTagField(file, field, kValues);
    QVERIFY2(written.ok(), written.message.c_str());
    std::vector<std::string> values;
    QVERIFY(audio::readTagField(file, field, values).ok());
    QCOMPARE(values, kValues);

    // The general reader sees the same values; where ID3v2 stores them joined, as one value.
    const bool id3Joined = fixture == QStringLiteral("tagged-v23.mp3") ||
                           (fixture.endsWith(QStringLiteral(".mp3")) && field == TagField::Comment);
    TrackMetadata meta;
    QVERIFY(audio::readMetadata(file, meta).ok());
    QCOMPARE(metadataField(meta, field),
             id3Joined ? std::vector<std::string>{joined(kValues)} : kValues);
    QCOMPARE(snapshot(file, field), before);
    QCOMPARE(fileBytes(file).substr(0, 4), header);  // ID3 version byte, fLaC, OggS, ...

    QVERIFY(audio::writeTagField(file, field, {}).ok());
    QVERIFY(audio::readTagField(file, field, values).ok());
    QVERIFY(values.empty());
    QVERIFY(audio::readMetadata(file, meta).ok());
    QVERIFY(metadataField(meta, field).empty());
    QCOMPARE(snapshot(file, field), before);
  }

  void id3v2VersionIsKept() {
    const fs::path v23 = copyOf(QStringLiteral("tagged-v23.mp3"));
    const fs::path v24 = copyOf(QStringLiteral("tagged-v24.mp3"));
    QCOMPARE(fileBytes(v23).substr(0, 4), std::string("ID3\x03", 4));
    QCOMPARE(fileBytes(v24).substr(0, 4), std::string("ID3\x04", 4));
    for (TagField field : {TagField::Mood, TagField::Genre}) {
      QVERIFY(audio::writeTagField(v23, field, kValues).ok());
      QVERIFY(audio::writeTagField(v24, field, kValues).ok());
    }
    QCOMPARE(fileBytes(v23).substr(0, 4), std::string("ID3\x03", 4));
    QCOMPARE(fileBytes(v24).substr(0, 4), std::string("ID3\x04", 4));
  }

  void newId3v2TagIsV24WithoutId3v1() {
    const fs::path file = copyOf(QStringLiteral("untagged.mp3"));
    QVERIFY(audio::writeTagField(file, TagField::Tags, {"a", "b"}).ok());
    const std::string bytes = fileBytes(file);
    QCOMPARE(bytes.substr(0, 4), std::string("ID3\x04", 4));
    QVERIFY(bytes.substr(bytes.size() - 128, 3) != "TAG");
    std::vector<std::string> values;
    QVERIFY(audio::readTagField(file, TagField::Tags, values).ok());
    QCOMPARE(values, (std::vector<std::string>{"a", "b"}));
  }

  // An ID3v1 tag that holds the field is kept in sync (its genre byte); its other bytes stay.
  void existingId3v1IsKeptInSync() {
    const fs::path file = copyOf(QStringLiteral("tagged-v24.mp3"));
    {
      TagLib::MPEG::File mpeg(file.c_str());
      mpeg.ID3v1Tag(true)->setTitle("Version one");
      mpeg.ID3v1Tag(true)->setGenreNumber(31);
      QVERIFY(mpeg.save(TagLib::MPEG::File::ID3v1, TagLib::File::StripNone));
    }
    const std::string before = fileBytes(file);
    QVERIFY(audio::writeTagField(file, TagField::Genre, {"Ambient"}).ok());
    const std::string after = fileBytes(file);
    std::string expected = before.substr(before.size() - 128);
    expected[127] = 26;  // Ambient
    QCOMPARE(after.substr(after.size() - 128), expected);
    // A name ID3v1 does not know leaves no stale genre there (255: none).
    QVERIFY(audio::writeTagField(file, TagField::Genre, {"Post-Rockabilly"}).ok());
    QCOMPARE(static_cast<unsigned char>(fileBytes(file).back()), 255U);
  }

  void id3v23SingleGenreName() {
    // TagLib may store a known genre as the v2.3 reference "(17)"; it must read back as a name.
    const fs::path file = copyOf(QStringLiteral("tagged-v23.mp3"));
    QVERIFY(audio::writeTagField(file, TagField::Genre, {"Rock"}).ok());
    std::vector<std::string> values;
    QVERIFY(audio::readTagField(file, TagField::Genre, values).ok());
    QCOMPARE(values, std::vector<std::string>{"Rock"});
  }

  void valuesAreTrimmedAndEmptiesDropped() {
    const fs::path file = copyOf(QStringLiteral("tagged.flac"));
    QVERIFY(audio::writeTagField(file, TagField::Mood, {" calm ", "", "  ", "warm"}).ok());
    std::vector<std::string> values;
    QVERIFY(audio::readTagField(file, TagField::Mood, values).ok());
    QCOMPARE(values, (std::vector<std::string>{"calm", "warm"}));
  }

  void existingFieldIsReplaced() {
    // The v2.3 fixture holds mood in ffmpeg's lower-case TXXX:mood; it must not survive.
    const fs::path file = copyOf(QStringLiteral("tagged-v23.mp3"));
    std::vector<std::string> values;
    QVERIFY(audio::readTagField(file, TagField::Mood, values).ok());
    QCOMPARE(values, std::vector<std::string>{"Calm"});
    QVERIFY(audio::writeTagField(file, TagField::Mood, {"Happy"}).ok());
    TrackMetadata meta;
    QVERIFY(audio::readMetadata(file, meta).ok());
    QCOMPARE(meta.moods, std::vector<std::string>{"Happy"});
  }

  void unsupportedFormat() {
    const fs::path file = copyOf(QStringLiteral("tagged.wav"));
    const std::string before = fileBytes(file);
    const base::Status status = audio::writeTagField(file, TagField::Genre, {"Rock"});
    QCOMPARE(status.error, base::ErrorCode::Unsupported);
    QVERIFY(status.message.find(".wav") != std::string::npos);
    QCOMPARE(fileBytes(file), before);
    std::vector<std::string> values;
    QCOMPARE(audio::readTagField(file, TagField::Genre, values).error,
             base::ErrorCode::Unsupported);
    const base::Status writable = audio::checkTagWritable(file);
    QCOMPARE(writable.error, base::ErrorCode::Unsupported);
    QCOMPARE(writable.message, status.message);
  }

  void failures() {
    const fs::path dir = m_dir.path().toStdString();
    QCOMPARE(audio::writeTagField(dir / "missing.mp3", TagField::Genre, {"x"}).error,
             base::ErrorCode::NotFound);
    const base::Status missing = audio::checkTagWritable(dir / "missing.mp3");
    QCOMPARE(missing.error, base::ErrorCode::NotFound);
    QVERIFY(!missing.message.empty());
    std::ofstream(dir / "text.mp3") << "plain text, not audio\n";
    QCOMPARE(audio::writeTagField(dir / "text.mp3", TagField::Genre, {"x"}).error,
             base::ErrorCode::NotAudio);
    QCOMPARE(fileBytes(dir / "text.mp3"), std::string("plain text, not audio\n"));
  }

  void readOnlyFile() {
    const fs::path file = copyOf(QStringLiteral("tagged.flac"));
    QCOMPARE(::chmod(m_dir.path().toLocal8Bit().constData(), 0755), 0);
    QCOMPARE(::chmod(file.c_str(), 0444), 0);
    const std::string before = fileBytes(file);
    const int error = errorAsUnprivileged(
        [&] { return audio::writeTagField(file, TagField::Genre, {"x"}).error; });
    QCOMPARE(error, static_cast<int>(base::ErrorCode::PermissionDenied));
    const int writable = errorAsUnprivileged([&] { return audio::checkTagWritable(file).error; });
    QCOMPARE(writable, static_cast<int>(base::ErrorCode::PermissionDenied));
    QCOMPARE(fileBytes(file), before);
    QCOMPARE(::chmod(file.c_str(), 0644), 0);
  }
};

QTEST_GUILESS_MAIN(TagWriterTest)
#include "tst_tagwriter.moc"
