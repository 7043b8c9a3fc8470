// safeWriteTags: a verified copy renamed over the original, or nothing at all. Per format: values
// read back, other fields and audio unchanged, permissions and mtime kept (or not with --touch),
// ID3 version kept. Failure paths leave the original byte-identical and no temporary file:
// unsupported format, read-only file (mode bits: root bypasses access()), read-only folder,
// changed stamp, hard links, a full disk (a real 20 KiB tmpfs), stale temp cleanup.
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/library/safetagwrite.h"
#include "tests/testpaths.h"

namespace library = songspace::library;
namespace audio = songspace::audio;
using audio::TagField;
namespace fs = std::filesystem;

namespace {

const fs::path kData = songspace::test::testDataDir() / "tags";

std::string fileBytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> field(const fs::path& file, TagField f) {
  std::vector<std::string> values;
  if (!audio::readTagField(file, f, values).ok()) values = {"<unreadable>"};
  return values;
}

int tempFilesIn(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    n += library::isSongspaceTempName(e.path().filename().string()) ? 1 : 0;
  }
  return n;
}

// A copy of a fixture with a known old mtime and mode.
fs::path stage(const QTemporaryDir& dir, const std::string& name, mode_t mode = 0640) {
  fs::path target = fs::path(dir.path().toStdString()) / name;
  fs::copy_file(kData / name, target, fs::copy_options::overwrite_existing);
  ::chmod(target.c_str(), mode);
  const struct timespec times[2] = {{1000000000, 123456789}, {1000000000, 123456789}};
  ::utimensat(AT_FDCWD, target.c_str(), times, 0);
  return target;
}

}  // namespace

class TestSafeTagWrite : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void writesVerifiedCopy_data() {
    QTest::addColumn<QString>("name");
    for (const char* name : {"tagged-v23.mp3", "tagged-v24.mp3", "untagged.mp3", "tagged.flac",
                             "tagged.ogg", "tagged.opus", "tagged.m4a"}) {
      QTest::newRow(name) << QString::fromLatin1(name);
    }
  }
  void writesVerifiedCopy() {
    QFETCH(QString, name);
    QTemporaryDir dir;
    const fs::path file = stage(dir, name.toStdString());
    const std::string before = fileBytes(file);
    std::vector<std::vector<std::string>> others;
    for (TagField f : {TagField::Mood, TagField::Grouping, TagField::Tags, TagField::Comment})
      others.push_back(field(file, f));
    std::uint64_t audioBefore = 0, audioAfter = 0;
    QVERIFY(library::decodedAudioHash(file, audioBefore).ok());

    const std::vector<std::string> genres{"Jazz", "night drive"};
    const auto result = library::safeWriteTags(file, {{TagField::Genre, genres, {}}});
    QVERIFY2(result.status.ok(), result.status.message.c_str());
    QCOMPARE(field(file, TagField::Genre), genres);
    int i = 0;
    for (TagField f : {TagField::Mood, TagField::Grouping, TagField::Tags, TagField::Comment})
      QCOMPARE(field(file, f), others[static_cast<std::size_t>(i++)]);
    QVERIFY(library::decodedAudioHash(file, audioAfter).ok());
    QCOMPARE(audioAfter, audioBefore);
    QVERIFY(fileBytes(file) != before);

    struct stat info {};
    QCOMPARE(::stat(file.c_str(), &info), 0);
    QCOMPARE(info.st_mode & 07777, mode_t(0640));
    QCOMPARE(static_cast<long>(info.st_mtim.tv_sec), 1000000000L);
    QCOMPARE(static_cast<long>(info.st_mtim.tv_nsec), 123456789L);
    QCOMPARE(result.newStamp, *songspace::base::fileStamp(file));
    if (name.endsWith(QLatin1String(".mp3")) && !name.startsWith(QLatin1String("untagged"))) {
      // ID3v2 major version byte kept (3 or 4).
      QCOMPARE(fileBytes(file)[3], before[3]);
    }
    QCOMPARE(tempFilesIn(file.parent_path()), 0);
  }

  void touchSetsNewMtime() {
    QTemporaryDir dir;
    const fs::path file = stage(dir, "tagged.flac");
    library::SafeWriteOptions options;
    options.preserveMtime = false;
    QVERIFY(library::safeWriteTags(file, {{TagField::Mood, {"calm"}, {}}}, options).status.ok());
    struct stat info {};
    ::stat(file.c_str(), &info);
    QVERIFY(info.st_mtim.tv_sec > 1600000000);
  }

  void refusesWithoutTouching_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("code");
    QTest::newRow("wav unsupported") << "tagged.wav"
                                     << ""
                                     << "unsupported";
    QTest::newRow("read-only file") << "tagged.flac"
                                    << "chmod-file"
                                    << "read_only";
    QTest::newRow("read-only folder") << "tagged.ogg"
                                      << "chmod-dir"
                                      << "read_only";
    QTest::newRow("hard linked") << "tagged.opus"
                                 << "link"
                                 << "hard_linked";
    QTest::newRow("changed stamp") << "tagged.m4a"
                                   << "stamp"
                                   << "changed";
  }
  void refusesWithoutTouching() {
    QFETCH(QString, name);
    QFETCH(QString, setup);
    QFETCH(QString, code);
    QTemporaryDir dir;
    const fs::path file = stage(dir, name.toStdString());
    const fs::path folder = file.parent_path();
    library::SafeWriteOptions options;
    if (setup == QLatin1String("chmod-file")) ::chmod(file.c_str(), 0444);
    if (setup == QLatin1String("chmod-dir")) ::chmod(folder.c_str(), 0555);
    if (setup == QLatin1String("link")) fs::create_hard_link(file, folder / "second-name");
    if (setup == QLatin1String("stamp")) options.expectedStamp = songspace::base::FileStamp{1, 2};
    const std::string before = fileBytes(file);
    const auto result = library::safeWriteTags(file, {{TagField::Genre, {"Jazz"}, {}}}, options);
    ::chmod(folder.c_str(), 0755);
    QCOMPARE(QString::fromLatin1(songspace::base::errorCodeName(result.status.error)), code);
    QVERIFY(!result.status.message.empty());
    QCOMPARE(fileBytes(file), before);
    QCOMPARE(tempFilesIn(folder), 0);
  }

  void writesThroughSymlink() {
    QTemporaryDir dir;
    const fs::path file = stage(dir, "tagged.flac");
    const fs::path link = file.parent_path() / "link.flac";
    fs::create_symlink(file, link);
    QVERIFY(library::safeWriteTags(link, {{TagField::Genre, {"Jazz"}, {}}}).status.ok());
    QVERIFY(fs::is_symlink(link));
    QCOMPARE(field(file, TagField::Genre), std::vector<std::string>{"Jazz"});
  }

  // A real full disk: a 20 KiB tmpfs holds the 15 KB FLAC but not its copy.
  void diskFullLeavesOriginal() {
    QTemporaryDir dir;
    const fs::path mountPoint = fs::path(dir.path().toStdString()) / "small";
    fs::create_directory(mountPoint);
    if (::mount("tmpfs", mountPoint.c_str(), "tmpfs", 0, "size=20k") != 0) {
      QSKIP("cannot mount a tmpfs here (needs root); the EFBIG path is tested below");
    }
    const fs::path file = mountPoint / "tagged.flac";
    fs::copy_file(kData / "tagged.flac", file);
    const std::string before = fileBytes(file);
    const auto result = library::safeWriteTags(file, {{TagField::Genre, {"Jazz"}, {}}});
    const std::string after = fileBytes(file);
    const int temps = tempFilesIn(mountPoint);
    ::umount(mountPoint.c_str());
    QCOMPARE(QString::fromLatin1(songspace::base::errorCodeName(result.status.error)),
             QStringLiteral("disk_full"));
    QVERIFY2(result.status.message.find("disk full") != std::string::npos,
             result.status.message.c_str());
    QCOMPARE(after, before);
    QCOMPARE(temps, 0);
  }

  // A file-size limit makes write() fail with EFBIG (SIGXFSZ ignored): reported as disk full.
  void fileSizeLimitLeavesOriginal() {
    QTemporaryDir dir;
    const fs::path file = stage(dir, "tagged.flac");
    const std::string before = fileBytes(file);
    const pid_t child = ::fork();
    if (child == 0) {
      std::signal(SIGXFSZ, SIG_IGN);
      const struct rlimit limit = {8192, 8192};
      ::setrlimit(RLIMIT_FSIZE, &limit);
      const auto result = library::safeWriteTags(file, {{TagField::Genre, {"Jazz"}, {}}});
      ::_exit(result.status.error == songspace::base::ErrorCode::DiskFull ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);
    QCOMPARE(fileBytes(file), before);
    QCOMPARE(tempFilesIn(file.parent_path()), 0);
  }

  void removesOnlyStaleTempFiles() {
    QTemporaryDir dir;
    const fs::path folder(dir.path().toStdString());
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::waitpid(child, nullptr, 0);  // a pid that no longer runs
    const auto make = [&](const std::string& name) { std::ofstream(folder / name) << "x"; };
    make(".a.flac.songspace-tmp-" + std::to_string(child) + "-0");
    make(".b.mp3.songspace-tmp-" + std::to_string(::getppid()) + "-3");  // a live process
    make("c.songspace-tmp-1-1");                                         // not ours: no leading dot
    make("d.flac");
    QCOMPARE(library::removeStaleTempFiles(folder), 1);
    QVERIFY(!fs::exists(folder / (".a.flac.songspace-tmp-" + std::to_string(child) + "-0")));
    QVERIFY(fs::exists(folder / (".b.mp3.songspace-tmp-" + std::to_string(::getppid()) + "-3")));
    QVERIFY(fs::exists(folder / "c.songspace-tmp-1-1"));
    QVERIFY(fs::exists(folder / "d.flac"));
  }
};

QTEST_GUILESS_MAIN(TestSafeTagWrite)
#include "tst_safetagwrite.moc"
