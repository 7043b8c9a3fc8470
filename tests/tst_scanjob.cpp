#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <map>
#include <random>

#include "audio/descriptors.h"
#include "core/catalog/catalog.h"
#include "core/library/scanjob.h"
#include "testaudio.h"

using namespace songspace;
namespace fs = std::filesystem;

namespace {

library::ScanOptions smallOptions(const fs::path& root, int threads = 1) {
  library::ScanOptions options;
  options.roots = {root};
  options.threads = threads;
  options.codebook.clusters = 16;
  options.codebook.iterations = 10;
  options.codebookFramesPerFile = 300;
  options.commitEvery = 4;
  return options;
}

// `count` short WAVs of varied sound (1.5 s each) in `dir`.
void writeLibrary(const fs::path& dir, int count, std::uint32_t seed = 1) {
  fs::create_directories(dir);
  for (int i = 0; i < count; ++i) {
    const auto style = static_cast<testaudio::Style>(i % 3);
    char name[32];
    std::snprintf(name, sizeof name, "song%02d.wav", i);
    testaudio::writeWav(dir / name, testaudio::synthesize(style, seed * 1000 + i, 1.5), 22050);
  }
}

// Runs a tool that makes test inputs (ffmpeg, sox); false, with a warning, when it fails.
bool runTool(const QString& program, const QStringList& args) {
  QProcess process;
  process.start(program, args);
  if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit ||
      process.exitCode() != 0) {
    qWarning("%s %s failed: %s", qPrintable(program), qPrintable(args.join(u' ')),
             process.readAllStandardError().constData());
    return false;
  }
  return true;
}

// A 1.5 s FLAC by ffmpeg carrying `tags` ("key=value") as Vorbis comments.
bool writeTaggedFlac(const fs::path& file, const QStringList& tags, int frequency) {
  QStringList args{QStringLiteral("-v"),
                   QStringLiteral("error"),
                   QStringLiteral("-y"),
                   QStringLiteral("-f"),
                   QStringLiteral("lavfi"),
                   QStringLiteral("-i"),
                   QStringLiteral("sine=frequency=%1:duration=1.5").arg(frequency)};
  for (const QString& tag : tags) args << QStringLiteral("-metadata") << tag;
  args << QString::fromStdString(file.string());
  return runTool(QStringLiteral("ffmpeg"), args);
}

const library::ScanIssue* findIssue(const std::vector<library::ScanIssue>& issues,
                                    const fs::path& path) {
  for (const auto& issue : issues) {
    if (issue.path == path.string()) return &issue;
  }
  return nullptr;
}

// Everything a scan leaves in the catalog, keyed by path, for exact comparison.
struct CatalogContent {
  std::map<std::string, std::pair<int, std::string>> files;  // path -> state, failure reason
  std::map<std::string, std::vector<float>> features;        // path -> counts then summary
  std::vector<std::uint8_t> codebook;
  std::vector<float> frameSamples;
};

CatalogContent contentOf(const core::Catalog& catalog) {
  CatalogContent c;
  std::map<std::int64_t, std::string> pathOf;
  for (const auto state :
       {core::FileState::Analyzed, core::FileState::Failed, core::FileState::Missing}) {
    for (const core::FileRow& row : catalog.files(state)) {
      c.files[row.path] = {static_cast<int>(row.state), row.failureReason};
      pathOf[row.id] = row.path;
    }
  }
  for (const core::SongFeatures& song : catalog.loadFeatures()) {
    std::vector<float> v;
    for (const auto& [index, count] : song.features.codewordCounts) {
      v.push_back(static_cast<float>(index));
      v.push_back(count);
    }
    v.insert(v.end(), song.features.summary.begin(), song.features.summary.end());
    c.features[pathOf[song.fileId]] = v;
  }
  if (const auto cb = catalog.latestCodebook()) c.codebook = cb->blob;
  c.frameSamples = catalog.frameSamples().data;
  return c;
}

}  // namespace

class ScanJobTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir m_temp;
  fs::path m_base;

  fs::path path(const std::string& name) const { return m_base / name; }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_temp.isValid());
    m_base = fs::path(m_temp.path().toStdString());
  }

  // First, while this process's peak RSS is still low: a 45-minute file is streamed, not loaded.
  void longFileMemoryBounded() {
    const fs::path lib = path("long");
    writeLibrary(lib, 3);
    auto catalog = core::Catalog::open(path("long.sqlite"));
    QVERIFY(catalog);
    library::ScanSummary first = library::runScan(*catalog, smallOptions(lib));
    QCOMPARE(first.analyzed, 3);
    QVERIFY(first.codebookLearned);
    constexpr double kSeconds = 45 * 60;
    QVERIFY(testaudio::writeLongWav(lib / "long.wav", kSeconds, 8000));
    const long before = testaudio::peakRssKb();
    const library::ScanSummary summary = library::runScan(*catalog, smallOptions(lib, 2));
    const long growthMb = (testaudio::peakRssKb() - before) / 1024;
    QCOMPARE(summary.analyzed, 1);
    QCOMPARE(summary.unchanged, 3);
    QVERIFY(summary.failed.empty());
    QVERIFY2(std::abs(summary.audioSeconds - kSeconds) < 1.0,
             qPrintable(QString::number(summary.audioSeconds)));
    qInfo("45 min file: peak RSS +%ld MB", growthMb);
#if !defined(__SANITIZE_ADDRESS__)  // ASan's quarantine keeps freed blocks: RSS says nothing
    QVERIFY2(growthMb < 60, qPrintable(QStringLiteral("peak RSS grew %1 MB").arg(growthMb)));
#endif
    const auto row = catalog->fileByPath((lib / "long.wav").native());
    QVERIFY(row && row->state == core::FileState::Analyzed);
    fs::remove(lib / "long.wav");
  }

  // Issue 12 §5 and §6 as a scan reads files: placeholders are missing values (no artist, album
  // or tag "<Unknown>" / "(none)"), a single genre value is split only on the chosen separators
  // and never into a fragment, and the files stay as they were.
  void placeholdersAndGenresAsRead() {
    const fs::path lib = path("placeholders");
    fs::create_directories(lib);
    QVERIFY(
        writeTaggedFlac(lib / "1.flac",
                        {QStringLiteral("artist=<Unknown>"), QStringLiteral("album=Unknown Album"),
                         QStringLiteral("genre=(none)"), QStringLiteral("title=   ")},
                        330));
    QVERIFY(writeTaggedFlac(
        lib / "2.flac",
        {QStringLiteral("artist=Unknown Artist"), QStringLiteral("album_artist=Real"),
         QStringLiteral("comment=N/A"), QStringLiteral("genre=Folk, World, & Country")},
        440));
    QVERIFY(writeTaggedFlac(lib / "3.flac",
                            {QStringLiteral("artist=Real"), QStringLiteral("genre=Rock; Pop/Soul")},
                            550));
    const auto bytesBefore = fs::file_size(lib / "1.flac");
    for (const std::string separators : {"", ";,/"}) {
      auto catalog = core::Catalog::open(path("placeholders" + separators + ".sqlite"));
      QVERIFY(catalog);
      library::ScanOptions options = smallOptions(lib);
      if (!separators.empty()) options.reading.genreSeparators = separators;
      const library::ScanSummary summary = library::runScan(*catalog, options);
      QCOMPARE(summary.analyzed, 3);
      std::vector<std::string> artists;
      for (const core::ArtistRow& a : catalog->artists()) artists.push_back(a.name);
      QCOMPARE(artists, std::vector<std::string>{"Real"});
      const auto tagsOf = [&](const char* name) {
        std::vector<std::string> tags;
        const auto row = catalog->fileByPath((lib / name).native());
        if (row) {
          for (const core::FileTag& t : catalog->tags(row->id)) tags.push_back(t.tag);
        }
        return tags;
      };
      const auto song1 = catalog->song(catalog->fileByPath((lib / "1.flac").native())->id);
      QVERIFY(song1);
      QVERIFY(song1->info.artist.empty() && song1->info.album.empty() &&
              song1->info.title.empty() && song1->info.genres.empty());
      QCOMPARE(song1->albumId, std::int64_t{0});
      QVERIFY(tagsOf("1.flac").empty());
      QCOMPARE(tagsOf("2.flac"), std::vector<std::string>{"folk, world, & country"});
      const auto song2 = catalog->song(catalog->fileByPath((lib / "2.flac").native())->id);
      QVERIFY(song2 && song2->info.comments.empty() && song2->artistName == "Real");
      QCOMPARE(tagsOf("3.flac"), separators.empty()
                                     ? (std::vector<std::string>{"rock", "pop/soul"})
                                     : (std::vector<std::string>{"rock", "pop", "soul"}));
    }
    QCOMPARE(fs::file_size(lib / "1.flac"), bytesBefore);  // reading only

    // Other rules on a rescan: the unchanged files' tags are read again (not decoded), once.
    auto catalog = core::Catalog::open(path("placeholders.sqlite"));
    QVERIFY(catalog);
    const auto id3 = catalog->fileByPath((lib / "3.flac").native())->id;
    const double seconds = catalog->song(id3)->info.durationSeconds;
    library::ScanOptions options = smallOptions(lib);
    options.reading.genreSeparators = "/;";
    options.reading.placeholders.push_back("  ROCK ");  // "rock" is no value now
    library::ScanSummary summary = library::runScan(*catalog, options);
    QCOMPARE(summary.analyzed, 0);
    QCOMPARE(summary.unchanged, 3);
    QCOMPARE(summary.tagsReread, 3);
    std::vector<std::string> tags;
    for (const core::FileTag& t : catalog->tags(id3)) tags.push_back(t.tag);
    QCOMPARE(tags, (std::vector<std::string>{"pop", "soul"}));
    QCOMPARE(catalog->song(id3)->info.genres, (std::vector<std::string>{"Pop", "Soul"}));
    QCOMPARE(catalog->song(id3)->info.durationSeconds, seconds);  // what decoded, kept
    // The same rules spelled otherwise: nothing to read again.
    options.reading.genreSeparators = ";/;";
    options.reading.placeholders.push_back("rock");
    summary = library::runScan(*catalog, options);
    QCOMPARE(summary.tagsReread, 0);
    QCOMPARE(library::libraryRoots(*catalog),
             std::vector<std::string>{fs::absolute(lib).lexically_normal().native()});
  }

  // Issue 12 §3: the catalog stores the decoded duration, and a file whose header (FFmpeg's view)
  // or tags reader (TagLib's) claims another by more than a second gets a warning. Inputs: the
  // issue's VBR MP3 without a Xing header whose first 3 s are silent (sox + ffmpeg; ffprobe, the
  // independent reader, must see the bogus bitrate estimate), two MP3 streams concatenated (the
  // first one's Xing header counts half), a cut MP3 with a Xing header, and a clean FLAC.
  void durationsAreWhatDecodes() {
    const fs::path lib = path("durations");
    fs::create_directories(lib);
    const QString wav = QString::fromStdString((lib / "src.wav.tmp").string());
    QVERIFY(runTool(QStringLiteral("sox"), {QStringLiteral("-D"),
                                            QStringLiteral("-n"),
                                            QStringLiteral("-t"),
                                            QStringLiteral("wav"),
                                            QStringLiteral("-r"),
                                            QStringLiteral("44100"),
                                            QStringLiteral("-c"),
                                            QStringLiteral("2"),
                                            QStringLiteral("-b"),
                                            QStringLiteral("16"),
                                            wav,
                                            QStringLiteral("synth"),
                                            QStringLiteral("3"),
                                            QStringLiteral("sine"),
                                            QStringLiteral("440"),
                                            QStringLiteral("vol"),
                                            QStringLiteral("0"),
                                            QStringLiteral(":"),
                                            QStringLiteral("synth"),
                                            QStringLiteral("27"),
                                            QStringLiteral("whitenoise"),
                                            QStringLiteral("gain"),
                                            QStringLiteral("-8")}));
    const fs::path noXing = lib / "vbr-noxing.mp3";
    QVERIFY(runTool(QStringLiteral("ffmpeg"),
                    {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-y"),
                     QStringLiteral("-f"), QStringLiteral("wav"), QStringLiteral("-i"), wav,
                     QStringLiteral("-c:a"), QStringLiteral("libmp3lame"), QStringLiteral("-q:a"),
                     QStringLiteral("0"), QStringLiteral("-write_xing"), QStringLiteral("0"),
                     QString::fromStdString(noXing.string())}));
    fs::remove(wav.toStdString());
    QProcess probe;
    probe.start(QStringLiteral("ffprobe"),
                {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-show_entries"),
                 QStringLiteral("format=duration"), QStringLiteral("-of"),
                 QStringLiteral("default=nw=1:nk=1"), QString::fromStdString(noXing.string())});
    QVERIFY(probe.waitForFinished(60000));
    const double probed = probe.readAllStandardOutput().trimmed().toDouble();
    QVERIFY2(probed > 100, qPrintable(QString::number(probed)));  // the class: a bogus estimate
    {
      std::ifstream in(testaudio::fixture("sine440.mp3"), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), {});
      std::ofstream(lib / "concatenated.mp3", std::ios::binary) << bytes << bytes;
    }
    QVERIFY(testaudio::truncatedCopy(testaudio::fixture("sine440.mp3"), lib / "cut.mp3", 0.6));
    fs::copy_file(testaudio::fixture("sine440.flac"), lib / "clean.flac");

    auto catalog = core::Catalog::open(path("durations.sqlite"));
    QVERIFY(catalog);
    const library::ScanSummary summary = library::runScan(*catalog, smallOptions(lib));
    QCOMPARE(summary.analyzed, 4);
    const auto durationOf = [&](const char* name) {
      const auto row = catalog->fileByPath((lib / name).native());
      return row ? catalog->song(row->id)->info.durationSeconds : -1.0;
    };
    const auto warningOf = [&](const char* name) {
      std::string all;
      for (const auto& w : summary.warnings) {
        if (w.path == (lib / name).string()) all += w.reason + "\n";
      }
      const auto row = catalog->fileByPath((lib / name).native());
      std::string stored;  // what the GUI shows
      const auto song = catalog->song(row->id);
      for (const auto& w : song->warnings) stored += w + "\n";
      return all == stored ? all : "summary '" + all + "' but stored '" + stored + "'";
    };
    // 30 s of audio; LAME adds its delay and padding (no Xing/LAME header to trim them).
    QVERIFY2(std::abs(durationOf("vbr-noxing.mp3") - 30.04) < 0.1,
             qPrintable(QString::number(durationOf("vbr-noxing.mp3"))));
    {
      // The estimate comes from the first frame's bitrate, which depends on the random noise:
      // about 133 s, and what ffprobe estimates from the same header.
      const std::string warning = warningOf("vbr-noxing.mp3");
      const std::string prefix = "duration: the header estimates ";
      QVERIFY2(warning.rfind(prefix, 0) == 0, warning.c_str());
      const double estimate = std::stod(warning.substr(prefix.size()));
      QVERIFY2(estimate > 100 && std::abs(estimate - probed) < 1.0, warning.c_str());
    }
    // Two 2.04 s streams: 4.07 s decode; TagLib reads the first Xing header (2.04 s).
    QVERIFY2(std::abs(durationOf("concatenated.mp3") - 4.07) < 0.1,
             qPrintable(QString::number(durationOf("concatenated.mp3"))));
    QVERIFY2(warningOf("concatenated.mp3").find("duration: the tags reader says 2.0") !=
                 std::string::npos,
             warningOf("concatenated.mp3").c_str());
    // Cut at 60 %: what decodes (about 1.2 s), not the 2.04 s its Xing header declares.
    QVERIFY2(durationOf("cut.mp3") > 1.0 && durationOf("cut.mp3") < 1.3,
             qPrintable(QString::number(durationOf("cut.mp3"))));
    QVERIFY2(warningOf("cut.mp3").find("truncated: decoded 1.") != std::string::npos,
             warningOf("cut.mp3").c_str());
    QVERIFY2(std::abs(durationOf("clean.flac") - 2.0) < 0.05,
             qPrintable(QString::number(durationOf("clean.flac"))));
    QCOMPARE(warningOf("clean.flac"), std::string());
  }

  void badFilesBesideGoodOnes() {
    const fs::path lib = path("mixed");
    writeLibrary(lib / "good", 4);
    for (const char* name : {"sine440.flac", "sine440.mp3", "sine440.ogg", "sine440.opus",
                             "sine440.m4a", "sine440_8k.wav"}) {
      QVERIFY(testaudio::copyFile(testaudio::fixture(name), lib / "good" / name));
    }
    testaudio::writeWav(lib / "good" / "caf\xE9.wav",
                        testaudio::synthesize(testaudio::Style::LowDrone, 9, 1.5), 22050);
    fs::create_directories(lib / "bad");
    testaudio::writeBytes(lib / "bad/empty.mp3", "");
    std::string noise(20000, '\0');
    std::mt19937 rng(3);
    for (char& c : noise) c = static_cast<char>(rng());
    testaudio::writeBytes(lib / "bad/random.mp3", noise);
    testaudio::writeBytes(lib / "bad/text.flac", "this is not a flac file\n");
    QVERIFY(testaudio::truncatedCopy(testaudio::fixture("sine440.mp3"), lib / "bad/cut.mp3", 0.2));
    QVERIFY(testaudio::truncatedCopy(testaudio::fixture("sine440.ogg"), lib / "bad/cut.ogg", 0.4));
    QVERIFY(
        testaudio::truncatedCopy(testaudio::fixture("sine440.mp3"), lib / "good/cut60.mp3", 0.6));
    fs::create_directory_symlink("..", lib / "bad/loop");

    auto catalog = core::Catalog::open(path("mixed.sqlite"));
    QVERIFY(catalog);
    const library::ScanSummary s = library::runScan(*catalog, smallOptions(lib, 2));
    QVERIFY2(s.status.ok(), s.status.message.c_str());
    QVERIFY(!s.cancelled);
    QCOMPARE(s.filesSeen, 17);
    QCOMPARE(s.analyzed, 12);
    QCOMPARE(static_cast<int>(s.failed.size()), 5);
    const std::map<std::string, std::string> expectedCodes{{"empty.mp3", "too_short"},
                                                           {"random.mp3", "not_audio"},
                                                           {"text.flac", "not_audio"},
                                                           {"cut.mp3", "corrupt"},
                                                           {"cut.ogg", "corrupt"}};
    for (const auto& [name, code] : expectedCodes) {
      const library::ScanIssue* issue = findIssue(s.failed, lib / "bad" / name);
      QVERIFY2(issue != nullptr, name.c_str());
      QVERIFY2(!issue->reason.empty(), name.c_str());
      QVERIFY2(issue->code == code, (name + ": " + issue->code + " " + issue->reason).c_str());
      const auto row = catalog->fileByPath((lib / "bad" / name).native());
      QVERIFY(row && row->state == core::FileState::Failed);
      QCOMPARE(row->failureReason, issue->reason);
    }
    bool truncationWarned = false;
    for (const auto& w : s.warnings) {
      if (w.path == (lib / "good/cut60.mp3").string() && w.reason.find("truncated") == 0)
        truncationWarned = true;
    }
    QVERIFY(truncationWarned);
    QVERIFY(findIssue(s.problems, lib / "bad/loop") != nullptr);
    const auto latin1 = catalog->fileByPath((lib / "good" / "caf\xE9.wav").native());
    QVERIFY(latin1 && latin1->state == core::FileState::Analyzed);
    QCOMPARE(catalog->counts().analyzed, 12);
    QVERIFY(s.audioSeconds > 12 * 1.0);

    // Incremental: nothing changed.
    library::ScanSummary again = library::runScan(*catalog, smallOptions(lib, 2));
    QCOMPARE(again.analyzed, 0);
    QCOMPARE(again.unchanged, 17);
    QVERIFY(again.failed.empty());
    QVERIFY(!again.codebookLearned);

    // A new modification time: analysed again (and only that file).
    const fs::path touched = lib / "good/song01.wav";
    fs::last_write_time(touched, fs::last_write_time(touched) + std::chrono::seconds(5));
    again = library::runScan(*catalog, smallOptions(lib, 2));
    QCOMPARE(again.analyzed, 1);
    QCOMPARE(again.unchanged, 16);

    // Deleted: marked missing; restored unchanged: revived without analysis.
    const fs::path moved = path("song02.wav.away");
    fs::rename(lib / "good/song02.wav", moved);
    again = library::runScan(*catalog, smallOptions(lib, 2));
    QCOMPARE(again.missing, 1);
    QCOMPARE(again.filesSeen, 16);
    QCOMPARE(catalog->fileByPath((lib / "good/song02.wav").native())->state,
             core::FileState::Missing);
    QCOMPARE(catalog->counts().missing, 1);
    fs::rename(moved, lib / "good/song02.wav");
    again = library::runScan(*catalog, smallOptions(lib, 2));
    QCOMPARE(again.analyzed, 0);
    QCOMPARE(again.revived, 1);
    QCOMPARE(again.missing, 0);
    QCOMPARE(catalog->fileByPath((lib / "good/song02.wav").native())->state,
             core::FileState::Analyzed);
    QCOMPARE(catalog->counts().missing, 0);
  }

  // Root bypasses permissions, so the unreadable file is scanned by an unprivileged child.
  void unreadableFile() {
    const fs::path lib = path("perm");
    writeLibrary(lib, 3);
    testaudio::writeWav(lib / "locked.wav",
                        testaudio::synthesize(testaudio::Style::HighChords, 5, 1.5), 22050);
    fs::permissions(m_base, fs::perms::all);
    fs::permissions(lib, fs::perms::all);
    for (const auto& entry : fs::directory_iterator(lib))
      fs::permissions(entry.path(),
                      fs::perms::owner_read | fs::perms::others_read | fs::perms::group_read);
    fs::permissions(lib / "locked.wav", fs::perms::none);
    const fs::path db = path("perm.sqlite");
    const auto out = testaudio::runAsNobody([&] {
      auto catalog = core::Catalog::open(db);
      if (!catalog) return std::string("no catalog");
      const library::ScanSummary s = library::runScan(*catalog, smallOptions(lib, 2));
      std::string text = "analyzed " + std::to_string(s.analyzed) + "\n";
      for (const auto& f : s.failed)
        text += "failed " + f.path + "|" + f.code + "|" + f.reason + "\n";
      return text;
    });
    QVERIFY(out.has_value());
    const QString text = QString::fromStdString(*out);
    QVERIFY2(text.contains(QStringLiteral("analyzed 3\n")), qPrintable(text));
    QVERIFY2(text.contains(QString::fromStdString("failed " + (lib / "locked.wav").string() +
                                                  "|permission_denied|")),
             qPrintable(text));
    auto catalog = core::Catalog::open(db);
    QVERIFY(catalog);
    QCOMPARE(catalog->integrityCheck(), std::string("ok"));
    QCOMPARE(catalog->fileByPath((lib / "locked.wav").native())->state, core::FileState::Failed);
  }

  void threadCountIndependent() {
    const fs::path lib = path("threads");
    writeLibrary(lib, 9, 7);
    QVERIFY(testaudio::copyFile(testaudio::fixture("sine440.ogg"), lib / "x.ogg"));
    testaudio::writeBytes(lib / "bad.mp3", "nope");
    CatalogContent content[2];
    for (int t = 0; t < 2; ++t) {
      auto catalog = core::Catalog::open(path("threads" + std::to_string(t) + ".sqlite"));
      QVERIFY(catalog);
      library::ScanOptions options = smallOptions(lib, t + 1);
      options.commitEvery = 3;
      const library::ScanSummary s = library::runScan(*catalog, options);
      QCOMPARE(s.analyzed, 10);
      content[t] = contentOf(*catalog);
    }
    QCOMPARE(content[0].files.size(), std::size_t(11));
    QVERIFY(!content[0].codebook.empty());
    QVERIFY(content[0].files == content[1].files);
    QVERIFY(content[0].codebook == content[1].codebook);
    QCOMPARE(content[0].features.size(), std::size_t(10));
    QVERIFY(content[0].features == content[1].features);  // bit-identical floats
    QVERIFY(!content[0].frameSamples.empty());
    QVERIFY(content[0].frameSamples == content[1].frameSamples);
  }

  void cancelAndResume() {
    const fs::path lib = path("cancel");
    writeLibrary(lib, 12, 3);
    auto catalog = core::Catalog::open(path("cancel.sqlite"));
    QVERIFY(catalog);
    std::atomic<bool> cancel{false};
    library::ScanOptions options = smallOptions(lib, 2);
    options.cancel = &cancel;
    options.progress = [&](const library::ScanProgress& p) {
      if (p.phase == library::ScanProgress::Phase::Analyzing && p.done >= 3) cancel = true;
    };
    const library::ScanSummary s = library::runScan(*catalog, options);
    QVERIFY(s.cancelled);
    QVERIFY(s.analyzed >= 3);
    QVERIFY2(s.analyzed < 12, qPrintable(QString::number(s.analyzed)));
    QCOMPARE(s.missing, 0);
    QCOMPARE(static_cast<int>(catalog->counts().analyzed), s.analyzed);

    cancel = false;
    options.progress = nullptr;
    const library::ScanSummary rest = library::runScan(*catalog, options);
    QVERIFY(!rest.cancelled);
    QCOMPARE(rest.analyzed, 12 - s.analyzed);
    QCOMPARE(rest.unchanged, s.analyzed);
    QCOMPARE(catalog->counts().analyzed, 12);
  }

  // A scan killed with SIGKILL at several points leaves a consistent catalog; the next scan
  // analyses only what is left.
  void killNineAndResume() {
    const fs::path lib = path("kill");
    // Enough files that four rounds of kill-after-a-few-files cannot finish the library even in
    // an optimised build, so the last scan always has work left.
    constexpr int kFiles = 48;
    writeLibrary(lib, kFiles, 11);
    const fs::path db = path("kill.sqlite");
    std::mt19937 rng(2024);
    int killedMidway = 0;
    for (int round = 0; round < 4; ++round) {
      const int killAfter = 1 + static_cast<int>(rng() % 4);  // progress reports to wait for
      int fds[2];
      QVERIFY(::pipe(fds) == 0);
      const pid_t pid = ::fork();
      QVERIFY(pid >= 0);
      if (pid == 0) {
        ::close(fds[0]);
        auto catalog = core::Catalog::open(db);
        if (!catalog) ::_exit(2);
        library::ScanOptions options = smallOptions(lib, 2);
        options.commitEvery = 2;
        options.progress = [&](const library::ScanProgress& p) {
          if (p.phase == library::ScanProgress::Phase::Analyzing) {
            [[maybe_unused]] const ssize_t n = ::write(fds[1], "x", 1);
          }
        };
        library::runScan(*catalog, options);
        ::_exit(0);
      }
      ::close(fds[1]);
      char c;
      int reports = 0;
      while (reports < killAfter && ::read(fds[0], &c, 1) == 1) ++reports;
      ::usleep(static_cast<useconds_t>(rng() % 30000));
      ::kill(pid, SIGKILL);
      int status = 0;
      ::waitpid(pid, &status, 0);
      ::close(fds[0]);
      if (WIFSIGNALED(status)) ++killedMidway;
    }
    QVERIFY(killedMidway >= 3);

    auto catalog = core::Catalog::open(db);
    QVERIFY(catalog);
    QCOMPARE(catalog->integrityCheck(), std::string("ok"));
    const auto before = catalog->counts();
    QVERIFY2(before.analyzed < kFiles, qPrintable(QString::number(before.analyzed)));
    const int summaryDim = 2 * audio::MfccParams{}.featureDimension() + audio::kDescriptorCount +
                           audio::SourceStatistics::kCount;
    for (const core::SongFeatures& song : catalog->loadFeatures()) {
      QCOMPARE(static_cast<int>(song.features.summary.size()), summaryDim);
      QVERIFY(!song.features.codewordCounts.empty());
      QVERIFY(catalog->song(song.fileId).has_value());
    }
    const library::ScanSummary s = library::runScan(*catalog, smallOptions(lib, 2));
    QVERIFY(!s.codebookLearned || before.analyzed == 0);
    QCOMPARE(s.analyzed + s.unchanged, kFiles);
    QCOMPARE(s.unchanged, static_cast<int>(before.analyzed));
    QCOMPARE(catalog->counts().analyzed, kFiles);
  }

  // A COMMIT that fails (here: the catalog's file system refuses to grow, as a full disk does)
  // loses its batch. The scan must say which files were lost and not count them as analysed;
  // the next scan analyses exactly those files again.
  void failedCommitIsReported() {
    const fs::path lib = path("fullDisk");
    writeLibrary(lib, 4, 7);
    const fs::path db = path("fullDisk.sqlite");
    {
      auto catalog = core::Catalog::open(db);
      QVERIFY(catalog);
      QCOMPARE(library::runScan(*catalog, smallOptions(lib)).analyzed, 4);
    }  // the last connection closes: the WAL is checkpointed and removed
    writeLibrary(lib / "more", 6, 8);
    std::vector<fs::path> added;
    for (const auto& entry : fs::directory_iterator(lib / "more")) added.push_back(entry.path());
    QCOMPARE(added.size(), std::size_t{6});

    auto catalog = core::Catalog::open(db);
    QVERIFY(catalog);
    // RLIMIT_FSIZE: from here on no write of this process reaches past the first byte of any
    // file, so SQLite cannot append a single WAL frame. SIGXFSZ would kill us: ignore it.
    struct rlimit saved {};
    QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    struct rlimit tiny = saved;
    tiny.rlim_cur = 1;
    const auto oldHandler = ::signal(SIGXFSZ, SIG_IGN);
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &tiny), 0);
    const library::ScanSummary s = library::runScan(*catalog, smallOptions(lib));
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &saved), 0);
    ::signal(SIGXFSZ, oldHandler);

    QCOMPARE(s.unchanged, 4);
    QCOMPARE(s.analyzed, 0);
    QCOMPARE(s.audioSeconds, 0.0);
    for (const fs::path& file : added) {
      const library::ScanIssue* issue = findIssue(s.failed, file);
      QVERIFY2(issue != nullptr, file.c_str());
      QCOMPARE(issue->code, std::string("catalog"));
    }
    QVERIFY2(findIssue(s.failed, added[0])->reason.find("could not commit") != std::string::npos,
             findIssue(s.failed, added[0])->reason.c_str());
    catalog.reset();

    catalog = core::Catalog::open(db);
    QVERIFY(catalog);
    QCOMPARE(catalog->counts().analyzed, 4);  // what the summary said: nothing new is stored
    const library::ScanSummary again = library::runScan(*catalog, smallOptions(lib));
    QCOMPARE(again.analyzed, 6);
    QCOMPARE(again.unchanged, 4);
    QVERIFY(again.failed.empty());
    QCOMPARE(catalog->counts().analyzed, 10);
  }

  // Playlists of every format found by the scan are stored with their entries linked to the
  // library's files, and every entry not found is reported with its playlist, line and reason;
  // an unreadable playlist is a problem that does not stop the others.
  void playlistsOfEveryForm() {
    const fs::path lib = path("playlists");
    writeLibrary(lib / "Some Artist" / "Album One", 2);
    fs::create_directories(lib / "lists");
    testaudio::writeBytes(lib / "lists/win.m3u8",
                          "\xEF\xBB\xBF#EXTM3U\r\n"
                          "#EXTINF:2,Some Artist - Zero\r\n"
                          "..\\Some Artist\\Album One\\song00.wav\r\n"
                          "..\\Some Artist\\Album One\\gone.wav\r\n"
                          "C:\\Users\\Bob\\Music\\some artist\\album one\\SONG01.WAV\r\n");
    testaudio::writeBytes(lib / "lists/radio.pls",
                          "[playlist]\nFile2=../Some Artist/Album One/song00.wav\n"
                          "File1=http://radio.example/live\nNumberOfEntries=2\n");
    testaudio::writeBytes(lib / "lists/elisa.xspf",
                          "<?xml version=\"1.0\"?>\n<playlist xmlns=\"http://xspf.org/ns/0/\">\n"
                          "<trackList><track>\n<location>../Some%20Artist/Album%20One/"
                          "song01.wav</location></track></trackList></playlist>\n");
    testaudio::writeBytes(lib / "lists/garbage.m3u", std::string("\x00\x01\x02garbage", 10));
    auto catalog = core::Catalog::open(path("playlists.sqlite"));
    QVERIFY(catalog);
    const library::ScanSummary s = library::runScan(*catalog, smallOptions(lib));
    QVERIFY2(s.status.ok(), s.status.message.c_str());
    QCOMPARE(s.analyzed, 2);
    QCOMPARE(s.playlists, 3);
    const library::ScanIssue* garbage = findIssue(s.problems, lib / "lists/garbage.m3u");
    QVERIFY(garbage != nullptr);
    QCOMPARE(garbage->code, std::string("playlist"));
    QVERIFY2(garbage->reason.find("binary") != std::string::npos, garbage->reason.c_str());

    const auto id = [&](const char* name) {
      return catalog->fileByPath((lib / "Some Artist/Album One" / name).native())->id;
    };
    std::map<std::string, const library::PlaylistImport*> byName;
    for (const auto& imported : s.playlistImports)
      byName[fs::path(imported.path).filename().string()] = &imported;
    QCOMPARE(byName.size(), std::size_t(3));
    const library::PlaylistImport& win = *byName.at("win.m3u8");
    QCOMPARE(win.entries, 3);
    QCOMPARE(win.resolved, 2);
    QCOMPARE(win.unresolved.size(), std::size_t(1));
    QCOMPARE(win.unresolved[0].line, 4);
    QCOMPARE(win.unresolved[0].entry, std::string("..\\Some Artist\\Album One\\gone.wav"));
    QCOMPARE(win.inexact.size(), std::size_t(1));
    QCOMPARE(win.inexact[0].line, 5);
    QCOMPARE(win.inexact[0].components, 3);
    const library::PlaylistImport& pls = *byName.at("radio.pls");
    QCOMPARE(pls.resolved, 1);
    QCOMPARE(pls.unresolved.size(), std::size_t(1));
    QCOMPARE(pls.unresolved[0].line, 3);

    std::map<std::string, std::vector<std::int64_t>> members;
    for (const core::Playlist& playlist : catalog->playlists())
      members[fs::path(playlist.path).filename().string()] = playlist.memberFileIds();
    QCOMPARE(members.size(), std::size_t(3));
    QCOMPARE(members["win.m3u8"], (std::vector<std::int64_t>{id("song00.wav"), id("song01.wav")}));
    QCOMPARE(members["radio.pls"], (std::vector<std::int64_t>{id("song00.wav")}));
    QCOMPARE(members["elisa.xspf"], (std::vector<std::int64_t>{id("song01.wav")}));
  }

  // A playlist Songspace saved inside a library folder stays Songspace's through a rescan: it is
  // not read back as a library playlist (which would make it a training label).
  void ownPlaylistSurvivesRescan() {
    const fs::path lib = path("ownlists");
    writeLibrary(lib / "Album", 2);
    auto catalog = core::Catalog::open(path("ownlists.sqlite"));
    QVERIFY(catalog);
    library::ScanSummary s = library::runScan(*catalog, smallOptions(lib));
    QVERIFY2(s.status.ok(), s.status.message.c_str());
    const auto first = catalog->fileByPath((lib / "Album/song00.wav").native())->id;
    const auto second = catalog->fileByPath((lib / "Album/song01.wav").native())->id;
    // As the GUI saves a selection: the file, then the record (by file id, in the chosen order).
    testaudio::writeBytes(lib / "Selection.m3u8",
                          "#EXTM3U\n#PLAYLIST:Selection\nAlbum/song01.wav\nAlbum/song00.wav\n");
    QVERIFY(catalog
                ->replacePlaylist((lib / "Selection.m3u8").native(), "Selection", {{second, ""}},
                                  nullptr, core::PlaylistOrigin::Songspace)
                .ok());
    testaudio::writeBytes(lib / "theirs.m3u", "Album/song00.wav\nAlbum/song01.wav\n");
    s = library::runScan(*catalog, smallOptions(lib));
    QVERIFY2(s.status.ok(), s.status.message.c_str());
    QCOMPARE(s.playlists, 1);
    QCOMPARE(s.ownPlaylists, 1);
    const auto lists = catalog->playlists();
    QCOMPARE(lists.size(), std::size_t(2));
    QCOMPARE(fs::path(lists[0].path).filename().string(), std::string("Selection.m3u8"));
    QCOMPARE(lists[0].origin, core::PlaylistOrigin::Songspace);
    QCOMPARE(lists[0].memberFileIds(), std::vector<std::int64_t>{second});  // as recorded
    QCOMPARE(lists[1].origin, core::PlaylistOrigin::Library);
    QCOMPARE(lists[1].memberFileIds(), (std::vector<std::int64_t>{first, second}));
  }

  // Short files (1.5 s: ~60 frames each) give the first bootstrap files too few frames for K
  // codewords: further files are sampled until there are enough (K × minFramesPerCodeword), so the
  // codebook keeps its K; with a file limit it stops there, and K is capped by the frames it got.
  void codebookFromEnoughFramesOfShortFiles() {
    const fs::path dir = path("shortfiles");
    writeLibrary(dir, 48, 7);
    const auto codebookOf = [&](int maxFiles, const std::string& name) {
      auto catalog = core::Catalog::open(path(name));
      library::ScanOptions options = smallOptions(dir, 2);
      options.codebook.clusters = 24;
      options.minFramesPerCodeword = 20;
      options.codebookBootstrapFiles = 4;
      options.codebookMaxFiles = maxFiles;
      const library::ScanSummary summary = library::runScan(*catalog, options);
      return std::pair{summary.codebookSize, catalog->latestCodebook()->description};
    };
    const auto [size, description] = codebookOf(1024, "short-all.sqlite");
    qInfo("%s", description.c_str());
    QCOMPARE(size, 24);
    // "24 codewords from R frames of F files": R ≥ 480, and F a multiple of the batch (4) below 48.
    int frames = 0;
    int files = 0;
    QVERIFY2(std::sscanf(description.c_str(), "%*d codewords from %d frames of %d files", &frames,
                         &files) == 2,
             description.c_str());
    QVERIFY2(frames >= 24 * 20, description.c_str());
    QVERIFY2(files > 4 && files < 48 && files % 4 == 0, description.c_str());
    const auto [capped, cappedDescription] = codebookOf(4, "short-capped.sqlite");
    qInfo("%s", cappedDescription.c_str());
    QVERIFY2(capped < 24, cappedDescription.c_str());
    QVERIFY2(cappedDescription.find("of 4 files") != std::string::npos, cappedDescription.c_str());
  }

  // Each file keeps budget / files frames for re-learning the codebook, between 16 and the
  // analyser's frame_sample_size: the catalog stops growing by 20 KB a song in large libraries.
  void frameSampleShrinksWithTheLibrary() {
    const fs::path dir = path("samplebudget");
    writeLibrary(dir, 6, 9);  // 1.5 s each: ~64 frames, more than any size asked below
    const auto rowsPerFile = [&](int budget, const std::string& name) {
      auto catalog = core::Catalog::open(path(name));
      library::ScanOptions options = smallOptions(dir);
      options.analyzer.frameSampleSize = 40;
      options.frameSampleBudget = budget;
      const library::ScanSummary summary = library::runScan(*catalog, options);
      if (summary.analyzed != 6) return -1;
      const core::FrameSampleSet set = catalog->frameSamples();
      return set.rows % 6 == 0 ? set.rows / 6 : -2;
    };
    QCOMPARE(rowsPerFile(6 * 30, "budget-30.sqlite"), 30);
    QCOMPARE(rowsPerFile(1 << 19, "budget-default.sqlite"), 40);  // capped by frame_sample_size
    QCOMPARE(rowsPerFile(6 * 4, "budget-floor.sqlite"), library::ScanOptions::kMinFrameSample);
  }

  // A scan of part of a library (a new folder, a dropped file) shares the budget with the songs
  // already analysed, not only with the files it found.
  void frameSampleCountsTheSongsAlreadyThere() {
    const fs::path first = path("budgetfirst");
    const fs::path added = path("budgetadded");
    writeLibrary(first, 6, 11);
    writeLibrary(added, 3, 12);
    auto catalog = core::Catalog::open(path("budget-added.sqlite"));
    QVERIFY(catalog);
    library::ScanOptions options = smallOptions(first);
    options.analyzer.frameSampleSize = 40;
    options.frameSampleBudget = 6 * 30;
    QCOMPARE(library::runScan(*catalog, options).analyzed, 6);
    QCOMPARE(catalog->frameSamples().rows, 6 * 30);
    options.roots = {added};
    QCOMPARE(library::runScan(*catalog, options).analyzed, 3);
    // 180 frames over 6 + 3 songs: 20 for each new one (budget / files found would give 60,
    // capped at 40).
    QCOMPARE(catalog->frameSamples().rows, 6 * 30 + 3 * 20);
    // A rescan of the first folder after its files changed counts them once.
    options.roots = {first};
    writeLibrary(first, 6, 13);
    QCOMPARE(library::runScan(*catalog, options).analyzed, 6);
    QCOMPARE(catalog->frameSamples().rows, 6 * 20 + 3 * 20);
  }

  void emptyAndMissingRoots() {
    fs::create_directories(path("emptylib"));
    auto catalog = core::Catalog::open(path("empty.sqlite"));
    QVERIFY(catalog);
    library::ScanSummary s = library::runScan(*catalog, smallOptions(path("emptylib")));
    QCOMPARE(s.filesSeen, 0);
    QVERIFY2(s.status.ok(), s.status.message.c_str());
    s = library::runScan(*catalog, smallOptions(path("nowhere")));
    QCOMPARE(s.filesSeen, 0);
    QVERIFY(findIssue(s.problems, path("nowhere")) != nullptr);
  }
};

QTEST_GUILESS_MAIN(ScanJobTest)
#include "tst_scanjob.moc"
