// readMetadata against real files: ffmpeg-made fixtures (scripts/make-tag-fixtures.sh) for what
// encoders write, and copies edited with TagLib's own frame API for what ffmpeg cannot write
// (TMOO, numeric ID3 genres, MP4 freeform atoms, APE, ID3v1).
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <taglib/apetag.h>
#include <taglib/attachedpictureframe.h>
#include <taglib/commentsframe.h>
#include <taglib/flacfile.h>
#include <taglib/flacpicture.h>
#include <taglib/id3v1tag.h>
#include <taglib/id3v2tag.h>
#include <taglib/mp4coverart.h>
#include <taglib/mp4file.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/textidentificationframe.h>
#include <taglib/vorbisfile.h>
#include <taglib/xiphcomment.h>
#include <unistd.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "audio/coverart.h"
#include "audio/metadata.h"
#include "tests/fuzz/fuzzfiles.h"
#include "tests/fuzz/fuzzinputs.h"
#include "tests/tagtool.h"
#include "tests/testpaths.h"

namespace base = songspace::base;

using base::ErrorCode;
using base::Status;
using songspace::audio::readMetadata;
using songspace::audio::TrackMetadata;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(songspace::base::ErrorCode)

namespace {

const fs::path kData = songspace::test::testDataDir() / "tags";
const char* const kTitle = "Ærø – 東京";

QStringList toList(const std::vector<std::string>& values) {
  QStringList list;
  for (const auto& v : values) list << QString::fromStdString(v);
  return list;
}

QStringList qsl(std::initializer_list<const char*> values) {
  QStringList list;
  for (const char* v : values) list << QString::fromUtf8(v);
  return list;
}

TagLib::StringList tl(std::initializer_list<const char*> values) {
  TagLib::StringList list;
  for (const char* v : values) list.append(TagLib::String(v, TagLib::String::UTF8));
  return list;
}

void writeBytes(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary);
  out << bytes;
}

TagLib::ByteVector bytesOf(const std::string& text) {
  return TagLib::ByteVector(text.data(), static_cast<unsigned>(text.size()));
}

// A FLAC / Xiph picture block; the caller's container takes ownership.
TagLib::FLAC::Picture* flacPicture(TagLib::FLAC::Picture::Type type, const std::string& data) {
  auto* picture = new TagLib::FLAC::Picture;
  picture->setType(type);
  picture->setMimeType("image/png");
  picture->setData(bytesOf(data));
  return picture;
}

// Embeds two pictures in `file` as its container stores them, the back cover first: what
// readEmbeddedPicture returns must be the front one (MP4 covr has no types: the first, `front`).
bool embedPictures(const fs::path& file, const std::string& front, const std::string& back) {
  const std::string ext = file.extension().string();
  if (ext == ".mp3") {
    TagLib::MPEG::File f(file.c_str());
    for (const auto& [type, data] :
         {std::pair{TagLib::ID3v2::AttachedPictureFrame::BackCover, back},
          std::pair{TagLib::ID3v2::AttachedPictureFrame::FrontCover, front}}) {
      auto* frame = new TagLib::ID3v2::AttachedPictureFrame;
      frame->setType(type);
      frame->setMimeType("image/png");
      frame->setPicture(bytesOf(data));
      f.ID3v2Tag(true)->addFrame(frame);
    }
    return f.save();
  }
  if (ext == ".flac") {
    TagLib::FLAC::File f(file.c_str());
    f.addPicture(flacPicture(TagLib::FLAC::Picture::BackCover, back));
    f.addPicture(flacPicture(TagLib::FLAC::Picture::FrontCover, front));
    return f.save();
  }
  if (ext == ".ogg" || ext == ".opus") {
    std::unique_ptr<TagLib::Ogg::File> f;
    TagLib::Ogg::XiphComment* xiph = nullptr;
    if (ext == ".ogg") {
      auto* vorbis = new TagLib::Ogg::Vorbis::File(file.c_str());
      xiph = vorbis->tag();
      f.reset(vorbis);
    } else {
      auto* opus = new TagLib::Ogg::Opus::File(file.c_str());
      xiph = opus->tag();
      f.reset(opus);
    }
    xiph->addPicture(flacPicture(TagLib::FLAC::Picture::BackCover, back));
    xiph->addPicture(flacPicture(TagLib::FLAC::Picture::FrontCover, front));
    return f->save();
  }
  if (ext == ".m4a") {
    TagLib::MP4::File f(file.c_str());
    TagLib::MP4::CoverArtList covers;
    covers.append(TagLib::MP4::CoverArt(TagLib::MP4::CoverArt::PNG, bytesOf(front)));
    covers.append(TagLib::MP4::CoverArt(TagLib::MP4::CoverArt::JPEG, bytesOf(back)));
    f.tag()->setItem("covr", covers);
    return f.save();
  }
  return false;
}

}  // namespace

class MetadataTest : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;

  fs::path copyOf(const char* fixture) {
    fs::path target = fs::path(m_dir.path().toStdString()) / fixture;
    fs::copy_file(kData / fixture, target, fs::copy_options::overwrite_existing);
    return target;
  }

  TrackMetadata readOk(const fs::path& file) {
    TrackMetadata meta;
    const base::Status status = readMetadata(file, meta);
    if (!status.ok()) qWarning("%s", status.message.c_str());
    [&] { QVERIFY(status.ok()); }();
    return meta;
  }

  void expectError(const fs::path& file, base::ErrorCode expected) {
    TrackMetadata meta;
    meta.title = "stale";
    const base::Status status = readMetadata(file, meta);
    QCOMPARE(status.error, expected);
    QVERIFY(!status.message.empty());
    QVERIFY(meta.title.empty());  // the output is reset even on failure
  }

 private Q_SLOTS:
  void initTestCase() { QVERIFY(m_dir.isValid()); }

  void fixtures_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("albumArtist");
    QTest::addColumn<QStringList>("moods");
    QTest::addColumn<QStringList>("groupings");
    QTest::addColumn<QStringList>("freeTags");
    QTest::addColumn<int>("sampleRate");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("durationMs");
    QTest::addColumn<int>("bitrate");

    const QStringList mood{QStringLiteral("Calm")};
    const QStringList grouping{QStringLiteral("Evening")};
    const QStringList tags{QStringLiteral("chill; night")};
    const QString va = QStringLiteral("Various Artists");
    // MP3 durations include the encoder delay/padding frames TagLib counts (1071 ms).
    QTest::newRow("mp3 id3v2.4") << QStringLiteral("tagged-v24.mp3") << va << mood << grouping
                                 << tags << 22050 << 1 << 1071 << 33;
    QTest::newRow("mp3 id3v2.3") << QStringLiteral("tagged-v23.mp3") << va << mood << grouping
                                 << tags << 22050 << 1 << 1071 << 33;
    QTest::newRow("ogg vorbis") << QStringLiteral("tagged.ogg") << va << mood << grouping << tags
                                << 22050 << 1 << 1000 << 11;
    QTest::newRow("opus") << QStringLiteral("tagged.opus") << va << mood << grouping << tags
                          << 48000 << 1 << 1000 << 39;
    QTest::newRow("flac") << QStringLiteral("tagged.flac") << va << mood << grouping << tags
                          << 22050 << 1 << 1000 << 56;
    // ffmpeg's MP4 muxer drops mood and tags, and sets the sample entry's channel count to 2
    // as ISO 14496-12 asks (TagLib reads that field; the AAC stream itself is mono).
    QTest::newRow("m4a") << QStringLiteral("tagged.m4a") << va << QStringList{} << grouping
                         << QStringList{} << 22050 << 2 << 1046 << 34;
    // RIFF INFO has no album artist, mood, grouping or tags fields.
    QTest::newRow("wav info") << QStringLiteral("tagged.wav") << QString() << QStringList{}
                              << QStringList{} << QStringList{} << 22050 << 1 << 1000 << 353;
  }

  void fixtures() {
    QFETCH(QString, file);
    const TrackMetadata meta = readOk(kData / file.toStdString());
    QCOMPARE(meta.title, std::string(kTitle));
    QCOMPARE(meta.artist, std::string("Test Artist"));
    QTEST(QString::fromStdString(meta.albumArtist), "albumArtist");
    QCOMPARE(meta.album, std::string("Test Album"));
    // Not split here: core normalises "Rock;Pop" for every format alike.
    QCOMPARE(toList(meta.genres), QStringList{QStringLiteral("Rock;Pop")});
    QCOMPARE(meta.year, 2021);
    QCOMPARE(meta.trackNumber, 7);
    QCOMPARE(toList(meta.comments), QStringList{QStringLiteral("A comment")});
    QTEST(toList(meta.moods), "moods");
    QTEST(toList(meta.groupings), "groupings");
    QTEST(toList(meta.freeTags), "freeTags");
    QTEST(meta.sampleRate, "sampleRate");
    QTEST(meta.channels, "channels");
    QFETCH(int, durationMs);
    QCOMPARE(qRound(meta.durationSeconds * 1000), durationMs);
    QTEST(meta.bitrateKbps, "bitrate");
  }

  void untaggedFilesAreSuccessWithEmptyFields_data() {
    QTest::addColumn<QString>("file");
    QTest::newRow("mp3") << QStringLiteral("untagged.mp3");
    QTest::newRow("flac") << QStringLiteral("untagged.flac");
  }
  void untaggedFilesAreSuccessWithEmptyFields() {
    QFETCH(QString, file);
    const TrackMetadata meta = readOk(kData / file.toStdString());
    QVERIFY(meta.title.empty() && meta.artist.empty() && meta.album.empty());
    QVERIFY(meta.genres.empty() && meta.moods.empty() && meta.freeTags.empty());
    QCOMPARE(meta.year, 0);
    QCOMPARE(meta.sampleRate, 22050);
    QVERIFY(meta.durationSeconds > 0.99 && meta.durationSeconds < 1.1);
  }

  void nonUtf8Path() {
    // "café.flac" with é as the single Latin-1 byte 0xE9: not valid UTF-8.
    const fs::path target = fs::path(m_dir.path().toStdString()) / std::string("caf\xe9.flac");
    fs::copy_file(kData / "tagged.flac", target, fs::copy_options::overwrite_existing);
    QCOMPARE(readOk(target).title, std::string(kTitle));
    fs::remove(target);  // QDir cannot name it, so QTemporaryDir could not clean it up
  }

  void id3v2FramesFfmpegCannotWrite() {
    const fs::path file = copyOf("tagged-v24.mp3");
    {
      TagLib::MPEG::File mpeg(file.c_str());
      TagLib::ID3v2::Tag* tag = mpeg.ID3v2Tag();
      tag->removeFrames("TCON");
      auto* genre = new TagLib::ID3v2::TextIdentificationFrame("TCON", TagLib::String::UTF8);
      genre->setText(tl({"Post-Rock", "17", " ", " Pop "}));  // numeric ref, blank, padding
      tag->addFrame(genre);
      auto* mood = new TagLib::ID3v2::TextIdentificationFrame("TMOO", TagLib::String::UTF8);
      mood->setText(tl({"Dark", "Tense"}));
      tag->addFrame(mood);
      auto* style = new TagLib::ID3v2::UserTextIdentificationFrame(TagLib::String::UTF8);
      style->setDescription("STYLE");
      style->setText(tl({"Shoegaze"}));
      tag->addFrame(style);
      // A described comment is program data (iTunes normalisation), not the user's comment.
      auto* norm = new TagLib::ID3v2::CommentsFrame(TagLib::String::UTF8);
      norm->setDescription("iTunNORM");
      norm->setText(" 00000A2B 00000A2B");
      tag->addFrame(norm);
      QVERIFY(mpeg.save(TagLib::MPEG::File::ID3v2, TagLib::File::StripNone, TagLib::ID3v2::v4));
    }
    const TrackMetadata meta = readOk(file);
    QCOMPARE(toList(meta.genres), qsl({"Post-Rock", "Rock", "Pop"}));
    QCOMPARE(toList(meta.moods), qsl({"Calm", "Dark", "Tense"}));  // TXXX:mood + TMOO
    QCOMPARE(toList(meta.freeTags), qsl({"chill; night", "Shoegaze"}));
    QCOMPARE(toList(meta.comments), QStringList{QStringLiteral("A comment")});
  }

  void id3v23NumericGenreReferences() {
    const fs::path file = copyOf("tagged-v23.mp3");
    {
      TagLib::MPEG::File mpeg(file.c_str());
      TagLib::ID3v2::Tag* tag = mpeg.ID3v2Tag();
      tag->removeFrames("TCON");
      auto* genre = new TagLib::ID3v2::TextIdentificationFrame("TCON", TagLib::String::Latin1);
      genre->setText("(17)(31)Custom");  // the ID3v2.3 reference syntax
      tag->addFrame(genre);
      QVERIFY(mpeg.save(TagLib::MPEG::File::ID3v2, TagLib::File::StripNone, TagLib::ID3v2::v3));
    }
    QCOMPARE(toList(readOk(file).genres), qsl({"Rock", "Trance", "Custom"}));
  }

  void id3v1Fallback() {
    const fs::path file = copyOf("untagged.mp3");
    {
      TagLib::MPEG::File mpeg(file.c_str());
      TagLib::ID3v1::Tag* tag = mpeg.ID3v1Tag(true);
      tag->setTitle("Old Title");
      tag->setGenreNumber(31);
      tag->setYear(1999);
      QVERIFY(mpeg.save(TagLib::MPEG::File::ID3v1, TagLib::File::StripNone));
    }
    const TrackMetadata meta = readOk(file);
    QCOMPARE(meta.title, std::string("Old Title"));
    QCOMPARE(toList(meta.genres), QStringList{QStringLiteral("Trance")});
    QCOMPARE(meta.year, 1999);
  }

  void apeTag() {
    const fs::path file = copyOf("untagged.mp3");
    {
      TagLib::MPEG::File mpeg(file.c_str());
      TagLib::APE::Tag* tag = mpeg.APETag(true);
      tag->setItem("TITLE", TagLib::APE::Item("TITLE", tl({"Ape Title"})));
      tag->setItem("TAGS", TagLib::APE::Item("TAGS", tl({"a", "b"})));
      tag->setItem("MOOD", TagLib::APE::Item("MOOD", tl({"Warm"})));
      QVERIFY(mpeg.save(TagLib::MPEG::File::APE, TagLib::File::StripNone));
    }
    const TrackMetadata meta = readOk(file);
    QCOMPARE(meta.title, std::string("Ape Title"));
    QCOMPARE(toList(meta.freeTags), qsl({"a", "b"}));
    QCOMPARE(toList(meta.moods), QStringList{QStringLiteral("Warm")});
  }

  void xiphMultiValuesInFileOrder() {
    const fs::path file = copyOf("untagged.flac");
    {
      TagLib::FLAC::File flac(file.c_str());
      TagLib::Ogg::XiphComment* xiph = flac.xiphComment(true);
      for (const char* g : {"Rock", "  ", " Jazz ", "Pop", "17"}) {
        xiph->addField("GENRE", g, false);
      }
      xiph->addField("LABELS", "favourite", false);
      xiph->addField("TAG", "road trip", false);
      xiph->addField("STYLE", "Bebop", false);
      xiph->addField("DATE", "1987-03-04", false);
      xiph->addField("TRACKNUMBER", "03/12", false);
      QVERIFY(flac.save());
    }
    const TrackMetadata meta = readOk(file);
    QCOMPARE(meta.title, std::string());  // no TITLE: empty, not "; "
    // "17" is only an ID3 genre reference inside ID3 tags.
    QCOMPARE(toList(meta.genres), qsl({"Rock", "Jazz", "Pop", "17"}));
    // Free-tag fields in the documented key order TAGS, TAG, LABELS, STYLE.
    QCOMPARE(toList(meta.freeTags), qsl({"road trip", "favourite", "Bebop"}));
    QCOMPARE(meta.year, 1987);
    QCOMPARE(meta.trackNumber, 3);
  }

  // A title with several values is shown whole, in file order, a repeat once: HyperRogue's
  // tracks carry several TITLE comments whose first is the same in each. The artist keeps its
  // first value (the primary artist the model learns).
  void severalTitlesAreReadWhole() {
    const fs::path file = copyOf("untagged.flac");
    {
      TagLib::FLAC::File flac(file.c_str());
      TagLib::Ogg::XiphComment* xiph = flac.xiphComment(true);
      for (const char* t : {"Living Caves", " Crossroads ", "", "Living Caves", "Graveyard"})
        xiph->addField("TITLE", t, false);
      xiph->addField("ARTIST", "NeonCorridor", false);
      xiph->addField("ARTIST", "Guest", false);
      QVERIFY(flac.save());
    }
    const TrackMetadata meta = readOk(file);
    QCOMPARE(meta.title, std::string("Living Caves; Crossroads; Graveyard"));
    QCOMPARE(meta.artist, std::string("NeonCorridor"));
    // mutagen, an independent reader, holds the same values in the same order.
    QString error;
    const QByteArray seen = songspace::testing::runTagTool(
        {QStringLiteral("dump-tags"), QString::fromStdString(file.string())}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QStringList values;
    for (const auto& value : QJsonDocument::fromJson(seen)
                                 .object()
                                 .value(QStringLiteral("merged"))
                                 .toObject()
                                 .value(QStringLiteral("title"))
                                 .toArray()) {
      const QString trimmed = value.toString().trimmed();
      if (!trimmed.isEmpty() && !values.contains(trimmed)) values << trimmed;
    }
    QCOMPARE(values.join(QStringLiteral("; ")).toStdString(), meta.title);
  }

  // Values a file stores apart stay apart, whatever they contain (issue 12 §5): written by
  // mutagen (Debian's python3-mutagen, scripts/install-deps.sh), not by TagLib, in each form a
  // container has for several values: two Vorbis GENRE fields, an ID3v2.4 TCON and an ID3v2.3
  // TCON with NUL-separated values (mutagen's v23_sep=None), an APEv2 item with two values, an
  // MP4 ©gen atom with two data atoms.
  void separateValuesStaySeparate() {
    const fs::path dir = fs::path(m_dir.path().toStdString()) / "separate";
    fs::create_directories(dir);
    for (const char* name : {"v23.mp3", "v24.mp3", "ape.mp3"})
      fs::copy_file(kData / "untagged.mp3", dir / name, fs::copy_options::overwrite_existing);
    fs::copy_file(kData / "untagged.flac", dir / "two.flac", fs::copy_options::overwrite_existing);
    fs::copy_file(kData / "tagged.m4a", dir / "two.m4a", fs::copy_options::overwrite_existing);
    fs::copy_file(kData / "tagged.ogg", dir / "two.ogg", fs::copy_options::overwrite_existing);
    const char* script = R"(
import sys, os
from mutagen.id3 import ID3, TCON
from mutagen.apev2 import APEv2
from mutagen.flac import FLAC
from mutagen.mp4 import MP4
from mutagen.oggvorbis import OggVorbis
d = sys.argv[1]
values = ["Folk, World, & Country", "Jazz"]
for name, version in (("v23.mp3", 3), ("v24.mp3", 4)):
    tag = ID3()
    tag.add(TCON(encoding=1 if version == 3 else 3, text=values))
    tag.save(os.path.join(d, name), v2_version=version, v23_sep=None)
ape = APEv2()
ape["Genre"] = values
ape.save(os.path.join(d, "ape.mp3"))
for name, kind in (("two.flac", FLAC), ("two.ogg", OggVorbis)):
    f = kind(os.path.join(d, name))
    f["GENRE"] = values
    f.save()
m = MP4(os.path.join(d, "two.m4a"))
m["\xa9gen"] = values
m.save()
)";
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral("-c"), QString::fromUtf8(script), QString::fromStdString(dir)});
    QVERIFY(python.waitForFinished(60000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    for (const char* name : {"v23.mp3", "v24.mp3", "ape.mp3", "two.flac", "two.ogg", "two.m4a"}) {
      const TrackMetadata meta = readOk(dir / name);
      QVERIFY2(toList(meta.genres) == qsl({"Folk, World, & Country", "Jazz"}),
               qPrintable(QStringLiteral("%1: %2").arg(QString::fromUtf8(name),
                                                       toList(meta.genres).join(u'|'))));
    }
  }

  void mp4AtomsOutsidePropertyMap() {
    const fs::path file = copyOf("tagged.m4a");
    {
      TagLib::MP4::File mp4(file.c_str());
      TagLib::MP4::Tag* tag = mp4.tag();
      tag->setItem("----:com.apple.iTunes:MOOD", TagLib::MP4::Item(tl({"Calm", "Sad"})));
      tag->setItem("----:com.apple.iTunes:tags", TagLib::MP4::Item(tl({"x", "y"})));
      QVERIFY(mp4.save());
    }
    const TrackMetadata meta = readOk(file);
    QCOMPARE(toList(meta.moods), qsl({"Calm", "Sad"}));
    QCOMPARE(toList(meta.freeTags), qsl({"x", "y"}));
    QCOMPARE(toList(meta.groupings), QStringList{QStringLiteral("Evening")});
  }

  void separateFilesInParallelThreads() {
    // The documented guarantee: distinct files may be read concurrently.
    const std::vector<std::string> files{"tagged-v24.mp3", "tagged-v23.mp3", "tagged.ogg",
                                         "tagged.opus",    "tagged.flac",    "tagged.m4a",
                                         "tagged.wav",     "untagged.mp3"};
    std::vector<TrackMetadata> serial(files.size());
    for (std::size_t i = 0; i < files.size(); ++i)
      QVERIFY(readMetadata(kData / files[i], serial[i]).ok());
    std::vector<int> mismatches(files.size(), 0);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < files.size(); ++i) {
      threads.emplace_back([&, i] {
        for (int round = 0; round < 20; ++round) {
          TrackMetadata meta;
          const bool same = readMetadata(kData / files[i], meta).ok() &&
                            meta.title == serial[i].title && meta.genres == serial[i].genres &&
                            meta.freeTags == serial[i].freeTags &&
                            meta.sampleRate == serial[i].sampleRate;
          mismatches[i] += same ? 0 : 1;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    QCOMPARE(mismatches, std::vector<int>(files.size(), 0));
  }

  void failures() {
    const fs::path dir = m_dir.path().toStdString();
    expectError(dir / "missing.mp3", base::ErrorCode::NotFound);
    expectError(dir / "missing-folder" / "x.flac", base::ErrorCode::NotFound);
    expectError(dir, base::ErrorCode::NotAudio);

    writeBytes(dir / "text.mp3", "This is a plain text file, not an MP3.\n");
    expectError(dir / "text.mp3", base::ErrorCode::NotAudio);

    writeBytes(dir / "empty.mp3", "");
    expectError(dir / "empty.mp3", base::ErrorCode::TooShort);

    std::mt19937 random(42);
    std::string noise(8192, '\0');
    for (char& c : noise) c = static_cast<char>(random() & 0xff);
    writeBytes(dir / "noise.mp3", noise);
    expectError(dir / "noise.mp3", base::ErrorCode::NotAudio);
    writeBytes(dir / "noise.bin", noise);
    expectError(dir / "noise.bin", base::ErrorCode::NotAudio);

    // The first 200 bytes of a FLAC file: the magic is there, the stream info is cut.
    std::ifstream in(kData / "tagged.flac", std::ios::binary);
    std::string head(200, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    writeBytes(dir / "truncated.flac", head);
    expectError(dir / "truncated.flac", base::ErrorCode::Corrupt);
  }

  void permissionDenied() {
    const fs::path dir = fs::path(m_dir.path().toStdString()) / "locked";
    fs::create_directories(dir);
    const fs::path file = dir / "locked.flac";
    fs::copy_file(kData / "tagged.flac", file, fs::copy_options::overwrite_existing);
    QCOMPARE(::chmod(m_dir.path().toLocal8Bit().constData(), 0755), 0);
    QCOMPARE(::chmod(dir.c_str(), 0755), 0);
    QCOMPARE(::chmod(file.c_str(), 0), 0);
    int error = 0;
    if (::geteuid() != 0) {
      TrackMetadata meta;
      error = static_cast<int>(readMetadata(file, meta).error);
    } else {
      // Root bypasses permission bits: ask as "nobody" in a child process.
      const pid_t child = ::fork();
      QVERIFY(child >= 0);
      if (child == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(100);
        TrackMetadata meta;
        ::_exit(static_cast<int>(readMetadata(file, meta).error));
      }
      int wstatus = 0;
      QCOMPARE(::waitpid(child, &wstatus, 0), child);
      QVERIFY(WIFEXITED(wstatus));
      error = WEXITSTATUS(wstatus);
    }
    QCOMPARE(error, static_cast<int>(base::ErrorCode::PermissionDenied));
    QCOMPARE(::chmod(file.c_str(), 0644), 0);
  }

  // The fuzz seeds read through the harness's entry (a byte choosing the extension TagLib goes
  // by) with their tags, and what fuzzing found (tests/fuzz/regressions/metadata) is read or
  // refused without a crash or a broken TrackMetadata contract (the entry aborts on those).
  void fuzzInputs() {
    const std::vector<songspace::fuzz::FuzzFile> seeds =
        songspace::fuzz::fuzzFiles(QStringLiteral("corpus/audio"));
    QVERIFY(seeds.size() >= 8);
    for (const songspace::fuzz::FuzzFile& seed : seeds) {
      const base::Status status = songspace::fuzz::metadataInput(seed.input());
      QVERIFY2(status.ok(), qPrintable(seed.name + QStringLiteral(": ") +
                                       QString::fromStdString(status.message)));
    }
    for (const songspace::fuzz::FuzzFile& input :
         songspace::fuzz::fuzzFiles(QStringLiteral("regressions/metadata"))) {
      (void)songspace::fuzz::metadataInput(input.input());  // any verdict, if it returns
    }
  }
  // The picture each container embeds (ID3v2 APIC, FLAC blocks, Vorbis / Opus
  // METADATA_BLOCK_PICTURE, MP4 covr), written by TagLib into the fixtures; the front cover wins
  // over a back cover stored before it.
  void embeddedPicture_data() {
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("container");
    QTest::addColumn<int>("type");
    QTest::newRow("mp3") << QStringLiteral("tagged-v24.mp3") << QStringLiteral("ID3v2 APIC") << 3;
    QTest::newRow("flac") << QStringLiteral("tagged.flac") << QStringLiteral("FLAC picture") << 3;
    QTest::newRow("ogg") << QStringLiteral("tagged.ogg")
                         << QStringLiteral("Xiph METADATA_BLOCK_PICTURE") << 3;
    QTest::newRow("opus") << QStringLiteral("tagged.opus")
                          << QStringLiteral("Xiph METADATA_BLOCK_PICTURE") << 3;
    QTest::newRow("m4a") << QStringLiteral("tagged.m4a") << QStringLiteral("MP4 covr") << -1;
  }
  void embeddedPicture() {
    QFETCH(QString, fixture);
    QFETCH(QString, container);
    QFETCH(int, type);
    const fs::path file = copyOf(fixture.toUtf8().constData());
    songspace::audio::EmbeddedPicture picture;
    QVERIFY(songspace::audio::readEmbeddedPicture(file, picture).ok());
    QVERIFY(picture.data.empty());  // the fixtures carry no picture

    const std::string front = "\x89PNG front cover " + fixture.toStdString();
    QVERIFY(embedPictures(file, front, "\xFF\xD8 back cover"));
    picture.data = "stale";
    const Status status = songspace::audio::readEmbeddedPicture(file, picture);
    QVERIFY2(status.ok(), status.message.c_str());
    QCOMPARE(picture.data, front);
    QCOMPARE(QString::fromStdString(picture.container), container);
    QCOMPARE(picture.type, type);
    QCOMPARE(picture.mimeType, std::string("image/png"));
    // The tags are still read as before.
    QVERIFY(!readOk(file).title.empty());
  }

  void embeddedPictureErrors() {
    songspace::audio::EmbeddedPicture picture;
    QCOMPARE(songspace::audio::readEmbeddedPicture(
                 fs::path(m_dir.path().toStdString()) / "none.mp3", picture)
                 .error,
             ErrorCode::NotFound);
    const fs::path text = fs::path(m_dir.path().toStdString()) / "text.flac";
    writeBytes(text, "not audio at all, only words");
    QCOMPARE(songspace::audio::readEmbeddedPicture(text, picture).error, ErrorCode::NotAudio);
    // A picture above the limit is refused, with its size, rather than handed on.
    const fs::path big = copyOf("untagged.mp3");
    const std::string huge(songspace::audio::kMaxEmbeddedPictureBytes + 1, 'x');
    QVERIFY(embedPictures(big, huge, "back"));
    const Status status = songspace::audio::readEmbeddedPicture(big, picture);
    QCOMPARE(status.error, ErrorCode::Unsupported);
    QVERIFY2(status.message.find(std::to_string(huge.size())) != std::string::npos,
             status.message.c_str());
    QVERIFY(picture.data.empty());
  }

  // cover / folder / front / album / albumart / albumcover, .jpg .jpeg .png in any case, in
  // that order of preference; other names, other types and folders do not count.
  void folderImages() {
    using songspace::audio::findFolderImages;
    using Paths = std::vector<fs::path>;
    const fs::path dir = fs::path(m_dir.path().toStdString()) / "album";
    fs::create_directories(dir / "cover.jpg");  // a folder, not an image
    const fs::path song = dir / "01 song.mp3";
    writeBytes(song, "x");
    QVERIFY(findFolderImages(song).empty());
    for (const char* name : {"cover.gif", "label.png", "back.jpg", "notes.txt", "cover"}) {
      writeBytes(dir / name, "x");
    }
    QVERIFY(findFolderImages(song).empty());
    for (const char* name :
         {"AlbumArt.JPEG", "Front.png", "cover.png", "Folder.JPG", "Cover.jpg"}) {
      writeBytes(dir / name, "x");
    }
    // Two spellings of one name in the order of their file names: "C" < "c".
    QCOMPARE(findFolderImages(song),
             (Paths{dir / "Cover.jpg", dir / "cover.png", dir / "Folder.JPG", dir / "Front.png",
                    dir / "AlbumArt.JPEG"}));
    QVERIFY(findFolderImages(dir / "missing" / "song.mp3").empty());
  }
};

QTEST_GUILESS_MAIN(MetadataTest)
#include "tst_metadata.moc"
