// Scan → train → predict on generated audio of three synthetic "artists" whose sound differs
// clearly: the joint space must name the artist of files it has never seen (cold start).
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <random>
#include <tuple>

#include "core/catalog/catalog.h"
#include "core/library/autotag.h"
#include "core/library/discoverycontext.h"
#include "core/library/modelsession.h"
#include "core/library/paths.h"
#include "core/library/scanjob.h"
#include "core/library/sessioncache.h"
#include "core/library/trainjob.h"
#include "testaudio.h"
#include "tests/testpaths.h"

using namespace songspace;
namespace fs = std::filesystem;

namespace {

struct Artist {
  const char* name;
  const char* genre;
  testaudio::Style style;
};
const Artist kArtists[] = {{"Drone Unit", "ambient", testaudio::Style::LowDrone},
                           {"Burst Machine", "noise", testaudio::Style::NoiseBursts},
                           {"Chord Choir", "electronic", testaudio::Style::HighChords}};
constexpr int kSongsPerArtist = 8;
constexpr int kHeldOutPerArtist = 3;

library::ScanOptions scanOptions(const fs::path& root) {
  library::ScanOptions options;
  options.roots = {root};
  options.threads = 2;
  options.codebook.clusters = 32;
  return options;
}

QJsonObject runCli(const QStringList& args, int* exitCode = nullptr, QString* errors = nullptr) {
  QProcess process;
  process.start(songspace::test::cliPath(), args);
  if (!process.waitForFinished(120000)) return {};
  if (exitCode) *exitCode = process.exitCode();
  const QByteArray err = process.readAllStandardError();
  if (!err.isEmpty()) qInfo("%s", err.constData());
  if (errors) *errors = QString::fromUtf8(err);
  return QJsonDocument::fromJson(process.readAllStandardOutput()).object();
}

// The novelty tests' model: small, and seeded so every run trains the same one.
library::TrainJobResult trainSmall(core::Catalog& catalog, const QString& db) {
  library::TrainJobOptions train;
  train.train.seed = 7;
  train.train.threads = 1;
  train.train.dimension = 16;
  return library::runTrainJob(catalog, db, train);
}

// Scans `roots` into `catalog` (`analyzed` files expected), trains trainSmall's model and loads it
// into `session`; `modelPath` is the model file. A failure is the calling test's
// (QTest::currentTestFailed()).
void scanTrainAndLoad(core::Catalog& catalog, const QString& db, const std::vector<fs::path>& roots,
                      int analyzed, library::ModelSession& session, std::string& modelPath) {
  library::ScanOptions scan = scanOptions(roots.front());
  scan.roots = roots;
  QCOMPARE(library::runScan(catalog, scan).analyzed, analyzed);
  const library::TrainJobResult trained = trainSmall(catalog, db);
  QVERIFY2(trained.status.ok(), trained.status.message.c_str());
  modelPath = trained.modelPath.toStdString();
  QVERIFY(session.load(catalog, modelPath).ok());
}

// How many different files a list of songs names.
qsizetype distinctFiles(const QJsonArray& results) {
  QSet<qint64> ids;
  for (const auto& result : results)
    ids.insert(result.toObject().value(QStringLiteral("file_id")).toInteger());
  return ids.size();
}

}  // namespace

class EndToEndTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir m_temp;
  fs::path m_lib, m_heldOut;
  QString m_db;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_temp.isValid());
    const fs::path base(m_temp.path().toStdString());
    m_lib = base / "library";
    m_heldOut = base / "new";
    fs::create_directories(m_heldOut);
    std::uint32_t seed = 100;
    for (const Artist& artist : kArtists) {
      const fs::path dir = m_lib / artist.name;
      fs::create_directories(dir);
      for (int i = 0; i < kSongsPerArtist + kHeldOutPerArtist; ++i) {
        testaudio::WavTags tags;
        tags.artist = artist.name;
        tags.album = std::string(artist.name) + " LP";
        tags.genre = artist.genre;
        tags.title = "Track " + std::to_string(i);
        const bool held = i >= kSongsPerArtist;
        const fs::path file = (held ? m_heldOut : dir) /
                              (std::string(artist.name) + " " + std::to_string(i) + ".wav");
        const double seconds = 4.0 + (seed % 3) * 0.5;
        QVERIFY(testaudio::writeWav(file, testaudio::synthesize(artist.style, seed++, seconds),
                                    22050, held ? nullptr : &tags));
      }
    }
    m_db = m_temp.filePath(QStringLiteral("library.sqlite"));
  }

  void scanTrainPredict() {
    auto catalog = core::Catalog::open(m_db.toStdString());
    QVERIFY(catalog);
    const library::ScanSummary scan = library::runScan(*catalog, scanOptions(m_lib));
    QCOMPARE(scan.analyzed, 3 * kSongsPerArtist);
    QVERIFY(scan.failed.empty());
    QVERIFY(scan.codebookLearned);
    const auto songs = catalog->songs();
    QCOMPARE(static_cast<int>(songs.size()), 3 * kSongsPerArtist);
    for (const auto& song : songs) QVERIFY(!song.artistName.empty());  // tags were read

    library::TrainJobOptions train;
    train.train.seed = 7;
    train.train.threads = 1;
    train.train.dimension = 16;
    train.train.subspaces = 2;
    const library::TrainJobResult trained = library::runTrainJob(*catalog, m_db, train);
    QVERIFY2(trained.status.ok(), trained.status.message.c_str());
    QCOMPARE(trained.songs, 3 * kSongsPerArtist);
    QCOMPARE(trained.artists, 3);
    QCOMPARE(trained.tags, 3);
    QVERIFY(fs::exists(trained.modelPath.toStdString()));
    // Predicted tags were written for the library table.
    QVERIFY(!catalog->allTags(core::TagSource::Predicted).empty());

    // The training prepared the session the next opening reads (runTrainJob's last step).
    QVERIFY(trained.warnings.empty());
    const fs::path sessionCache = library::sessionCachePathFor(m_db.toStdString());
    QVERIFY(fs::exists(sessionCache));
    library::ModelSession session;
    const auto loaded = session.load(*catalog, trained.modelPath.toStdString(), sessionCache);
    QVERIFY2(loaded.ok(), loaded.message.c_str());
    QVERIFY(session.loadedFromCache());
    QCOMPARE(session.songCount(), 3 * kSongsPerArtist);

    // "I don't know": no library song is unlike the library (below 100 songs the threshold is
    // the largest leave-one-out distance, and a library song counts itself among its neighbours).
    QVERIFY(session.model().novelty.has_value());
    for (const auto& song : songs) {
      const core::Novelty novelty = session.noveltyOfFile(song.fileId);
      QVERIFY(novelty.available);
      QVERIFY2(!novelty.novel(), novelty.reason().c_str());
    }
    // Cold start: files never scanned.
    int right = 0, total = 0, rightTags = 0;
    for (const auto& entry : fs::directory_iterator(m_heldOut)) {
      Eigen::VectorXf embedding;
      core::Novelty novelty;
      const auto embedded = session.embedExternalFile(entry.path(), embedding, novelty);
      QVERIFY2(embedded.ok(), embedded.message.c_str());
      // New songs of the library's own kinds are familiar.
      QVERIFY(novelty.available);
      QVERIFY2(!novelty.novel(),
               (entry.path().filename().string() + ": " + novelty.reason()).c_str());
      const auto artists = session.predictArtists(embedding, 3);
      QCOMPARE(artists.size(), std::size_t(3));
      QVERIFY(artists[0].score >= artists[1].score && artists[1].score >= artists[2].score);
      const std::string file = entry.path().filename().string();
      ++total;
      if (file.rfind(artists[0].name, 0) == 0) ++right;
      const auto tags = session.predictTags(embedding, 1);
      for (const Artist& a : kArtists) {
        if (file.rfind(a.name, 0) == 0 && tags[0].name == a.genre) ++rightTags;
      }
    }
    QCOMPARE(total, 3 * kHeldOutPerArtist);
    qInfo("cold start: artist %d/%d, tag %d/%d right", right, total, rightTags, total);
    QVERIFY2(right * 10 >= total * 8,
             qPrintable(QStringLiteral("%1/%2 right").arg(right).arg(total)));
    QVERIFY2(rightTags * 10 >= total * 8,
             qPrintable(QStringLiteral("%1/%2 tags right").arg(rightTags).arg(total)));

    // Similar songs of a library song: mostly the same artist, never the song itself.
    int same = 0, listed = 0;
    for (const auto& song : songs) {
      const auto embedding = session.embeddingOfFile(song.fileId);
      QVERIFY(embedding);
      for (const library::Hit& hit : session.similarSongs(*embedding, 5, song.fileId)) {
        QVERIFY(hit.fileId != song.fileId);
        ++listed;
        if (catalog->song(hit.fileId)->artistName == song.artistName) ++same;
      }
    }
    QCOMPARE(listed, 5 * 3 * kSongsPerArtist);
    qInfo("similar songs: %d/%d by the same artist", same, listed);
    QVERIFY2(same * 10 >= listed * 8,
             qPrintable(QStringLiteral("%1/%2 same artist").arg(same).arg(listed)));
    const auto fit = session.songsForArtist("Chord Choir", 5);
    QCOMPARE(fit.size(), std::size_t(5));
    int chords = 0;
    for (const library::Hit& hit : fit)
      chords += catalog->song(hit.fileId)->artistName == "Chord Choir";
    QVERIFY(chords >= 4);

    // Training that cannot run is an error and leaves the good model in place.
    const auto modelTime = fs::last_write_time(trained.modelPath.toStdString());
    library::TrainJobOptions invalid = train;
    invalid.train.dimension = 0;
    const library::TrainJobResult failed = library::runTrainJob(*catalog, m_db, invalid);
    QVERIFY(!failed.status.ok());
    QVERIFY(!failed.status.message.empty());
    QVERIFY(fs::last_write_time(trained.modelPath.toStdString()) == modelTime);
    QVERIFY(session.load(*catalog, trained.modelPath.toStdString()).ok());
  }

 private:
  // White noise, silence with one click, and (with espeak-ng installed) speech: none like the
  // library's drones, noise bursts and chords.
  std::vector<std::pair<std::string, fs::path>> unlikeLibraryFiles() {
    const fs::path dir = fs::path(m_temp.path().toStdString()) / "unlike";
    fs::create_directories(dir);
    std::vector<std::pair<std::string, fs::path>> files;
    constexpr std::size_t kRate = 22050;
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> uni(-0.5f, 0.5f);
    std::vector<float> noise(4 * kRate);
    for (float& x : noise) x = uni(rng);
    files.emplace_back("white noise", dir / "noise.wav");
    if (!testaudio::writeWav(files.back().second, noise, kRate)) return {};
    std::vector<float> click(4 * kRate, 0.0f);
    click[2 * kRate] = 0.9f;
    click[2 * kRate + 1] = -0.9f;
    files.emplace_back("silence with a click", dir / "click.wav");
    if (!testaudio::writeWav(files.back().second, click, kRate)) return {};
    // 8 s of hiss at about -85 dB: no frame above the analysis' -70 dB gate.
    std::vector<float> hiss(8 * kRate);
    for (float& x : hiss) x = 1e-4f * uni(rng);
    files.emplace_back("silent", dir / "silent.wav");
    if (!testaudio::writeWav(files.back().second, hiss, kRate)) return {};
    const QString espeak = QStandardPaths::findExecutable(QStringLiteral("espeak-ng"));
    if (espeak.isEmpty()) {
      qWarning("espeak-ng not installed (scripts/install-deps.sh): speech not checked");
      return files;
    }
    const fs::path speech = dir / "speech.wav";
    QProcess::execute(espeak, {QStringLiteral("-w"), QString::fromStdString(speech.string()),
                               QStringLiteral("Songspace has never heard anything like this "
                                              "voice reading a sentence aloud.")});
    files.emplace_back("speech", speech);
    return files;
  }

  // songs-for-tag, mix, path and why-alike on the library `commandLine` scanned and trained.
  void discoveryCommands(const QString& db) {
    const QStringList dbArgs{QStringLiteral("--db"), db, QStringLiteral("--json")};
    const auto songPath = [this](const char* artist, int i) {
      return QString::fromStdString(
          (m_lib / artist / (std::string(artist) + " " + std::to_string(i) + ".wav")).string());
    };
    int code = -1;
    QString errors;
    // The tag page: songs, related tags, artists. Every song of the library, ranked.
    constexpr int kLibrarySongs = 3 * kSongsPerArtist;
    const QJsonObject page =
        runCli(QStringList{QStringLiteral("songs-for-tag"), QStringLiteral("noise"),
                           QStringLiteral("-k"), QString::number(2 * kLibrarySongs)} +
                   dbArgs,
               &code);
    QCOMPARE(code, 0);
    const QJsonArray tagSongs = page.value(QStringLiteral("results")).toArray();
    QCOMPARE(tagSongs.size(), kLibrarySongs);
    // The marker says which songs carry the tag, and the tag's songs rank above the others more
    // often than not (the list's AUC). Only that: the tags task trains the ranking of tags for a
    // song, not of songs for a tag, and this 24-song model of one seed put a Chord Choir song
    // first (AUC 0.73); tst_discovery checks the ranking on a planted problem.
    int tagged = 0, pairsInOrder = 0, pairs = 0;
    for (const auto& song : tagSongs) {
      const bool carries = song.toObject().value(QStringLiteral("artist")).toString() ==
                           QLatin1String("Burst Machine");
      QCOMPARE(song.toObject().value(QStringLiteral("tagged")).toBool(), carries);
      if (carries) {
        ++tagged;
      } else {
        pairsInOrder += tagged;
        pairs += kSongsPerArtist;
      }
    }
    QCOMPARE(tagged, kSongsPerArtist);
    const double auc = double(pairsInOrder) / pairs;
    QVERIFY2(auc >= 0.6, qPrintable(QStringLiteral("AUC of the tag's songs %1").arg(auc)));
    QCOMPARE(page.value(QStringLiteral("related_tags")).toArray().size(), 2);
    QCOMPARE(page.value(QStringLiteral("artists")).toArray().size(), 3);
    runCli({QStringLiteral("songs-for-tag"), QStringLiteral("polka"), QStringLiteral("--db"), db},
           &code, &errors);
    QCOMPARE(code, 1);
    QVERIFY2(errors.contains(QStringLiteral("unknown tag 'polka'")), qPrintable(errors));
    // An artist's name typed in another case is the artist (tags are matched as normalised);
    // an unknown one is an error, and a catalog that does not exist is never made by a query.
    const QJsonObject lower =
        runCli({QStringLiteral("similar-artists"), QStringLiteral("drone unit"),
                QStringLiteral("--db"), db, QStringLiteral("--json")},
               &code);
    QCOMPARE(code, 0);
    QCOMPARE(lower.value(QStringLiteral("query")).toString(), QStringLiteral("Drone Unit"));
    runCli(
        {QStringLiteral("songs-for-artist"), QStringLiteral("Nobody"), QStringLiteral("--db"), db},
        &code, &errors);
    QCOMPARE(code, 1);
    QVERIFY2(errors.contains(QStringLiteral("unknown artist 'Nobody'")), qPrintable(errors));
    const QString absent = m_temp.filePath(QStringLiteral("absent.sqlite"));
    for (const char* command : {"predict-tags", "train", "autotag", "eval"}) {
      runCli({QString::fromLatin1(command), QStringLiteral("1"), QStringLiteral("--db"), absent},
             &code, &errors);
      QVERIFY2(code != 0, command);
      QVERIFY2(!QFileInfo::exists(absent), command);
    }

    // A mix from a song: it opens the mix, every rule holds, the playlist is written.
    const QString seed = songPath("Drone Unit", 0);
    const QString playlist = m_temp.filePath(QStringLiteral("drone mix"));
    const QJsonObject mix =
        runCli(QStringList{QStringLiteral("mix"), seed, QStringLiteral("-n"), QStringLiteral("12"),
                           QStringLiteral("--max-per-artist"), QStringLiteral("4"),
                           QStringLiteral("--max-per-album"), QStringLiteral("4"),
                           QStringLiteral("--window"), QStringLiteral("6"),
                           QStringLiteral("--m3u8"), playlist} +
                   dbArgs,
               &code);
    QCOMPARE(code, 0);
    const QJsonArray mixSongs = mix.value(QStringLiteral("results")).toArray();
    QCOMPARE(mixSongs.size(), 12);
    QCOMPARE(mixSongs[0].toObject().value(QStringLiteral("path")).toString(), seed);
    QCOMPARE(distinctFiles(mixSongs), 12);
    for (int end = 0; end < mixSongs.size(); ++end) {
      QHash<QString, int> perArtist;
      for (int i = std::max(0, end - 5); i <= end; ++i)
        ++perArtist[mixSongs[i].toObject().value(QStringLiteral("artist")).toString()];
      for (const int count : std::as_const(perArtist)) QVERIFY(count <= 4);
    }
    QCOMPARE(mix.value(QStringLiteral("playlist")).toString(), playlist + QStringLiteral(".m3u8"));
    QFile written(playlist + QStringLiteral(".m3u8"));
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll().count(".wav\n"), 12);
    {  // recorded as Songspace's own playlist: listed, not a training label
      auto catalog = core::Catalog::open(QFile::encodeName(db).toStdString());
      QVERIFY(catalog);
      const std::vector<core::Playlist> lists = catalog->playlists();
      QCOMPARE(lists.size(), std::size_t(1));
      QCOMPARE(lists[0].path, QFile::encodeName(playlist + QStringLiteral(".m3u8")).toStdString());
      QCOMPARE(lists[0].name, std::string("drone mix"));
      QCOMPARE(lists[0].origin, core::PlaylistOrigin::Songspace);
      QCOMPARE(lists[0].memberFileIds().size(), std::size_t(12));
    }
    // Default rules on three artists: at most 2 of each in 10 songs, so the mix ends at 6.
    const QJsonObject tight =
        runCli(QStringList{QStringLiteral("mix"), QStringLiteral("tag:ambient"),
                           QStringLiteral("-n"), QStringLiteral("10")} +
                   dbArgs,
               &code, &errors);
    QCOMPARE(code, 0);
    QCOMPARE(tight.value(QStringLiteral("results")).toArray().size(), 6);
    QVERIFY2(errors.contains(QStringLiteral("only 6 of 10")), qPrintable(errors));
    for (const QString& unknown : {QStringLiteral("artist:Nobody"), QStringLiteral("tag:polka"),
                                   QStringLiteral("/nonexistent.wav")}) {
      runCli({QStringLiteral("mix"), unknown, QStringLiteral("--db"), db}, &code, &errors);
      QCOMPARE(code, 1);
      QVERIFY2(errors.startsWith(QStringLiteral("songspace-cli: ")), qPrintable(errors));
    }
    runCli({QStringLiteral("mix"), QStringLiteral("--db"), db}, &code);
    QCOMPARE(code, 2);

    // A path from a drone to a chord song: both ends, monotone progress, no song twice.
    const QString to = songPath("Chord Choir", 1);
    const QJsonObject path = runCli(
        QStringList{QStringLiteral("path"), seed, to, QStringLiteral("-n"), QStringLiteral("5")} +
            dbArgs,
        &code);
    QCOMPARE(code, 0);
    const QJsonArray steps = path.value(QStringLiteral("results")).toArray();
    QVERIFY(steps.size() >= 2 && steps.size() <= 5);
    QCOMPARE(steps.first().toObject().value(QStringLiteral("path")).toString(), seed);
    QCOMPARE(steps.last().toObject().value(QStringLiteral("path")).toString(), to);
    for (int i = 1; i < steps.size(); ++i) {
      QVERIFY(steps[i].toObject().value(QStringLiteral("progress")).toDouble() >
              steps[i - 1].toObject().value(QStringLiteral("progress")).toDouble());
    }
    QCOMPARE(distinctFiles(steps), steps.size());
    const QString outside = QString::fromStdString((m_heldOut / "Burst Machine 9.wav").string());
    runCli({QStringLiteral("path"), seed, outside, QStringLiteral("--db"), db}, &code, &errors);
    QCOMPARE(code, 1);
    QVERIFY2(errors.contains(QStringLiteral("not an analysed song of the catalog")),
             qPrintable(errors));
    runCli({QStringLiteral("path"), seed, seed, QStringLiteral("--db"), db}, &code, &errors);
    QCOMPARE(code, 1);

    // Why alike: a drone's nearest drone is linked by "ambient".
    const QJsonObject similar = runCli(QStringList{QStringLiteral("similar-songs"), seed,
                                                   QStringLiteral("-k"), QStringLiteral("3")} +
                                           dbArgs,
                                       &code);
    QCOMPARE(code, 0);
    const QJsonObject nearest = similar.value(QStringLiteral("results")).toArray()[0].toObject();
    QCOMPARE(nearest.value(QStringLiteral("artist")).toString(), QStringLiteral("Drone Unit"));
    // The pair measure's probability, the same function of the score for every entry.
    const double pairProbability = nearest.value(QStringLiteral("probability")).toDouble(-1);
    QVERIFY2(pairProbability >= 0 && pairProbability <= 1,
             qPrintable(QString::number(pairProbability)));
    // The tags both songs more likely have than not (calibrated), at most three; the drones'
    // own tag first.
    const auto why = nearest.value(QStringLiteral("why")).toArray();
    QVERIFY2(!why.isEmpty() && why.size() <= 3, qPrintable(QString::number(why.size())));
    QCOMPARE(nearest.value(QStringLiteral("why")).toArray()[0].toString(),
             QStringLiteral("ambient"));
  }

 private Q_SLOTS:
  // "I don't know" on a tonal library (the drones and chords): new songs of theirs are familiar,
  // white noise, a click in silence and speech are not, and say why.
  void unlikeTheLibrary() {
    const QString db = m_temp.filePath(QStringLiteral("tonal.sqlite"));
    auto catalog = core::Catalog::open(db.toStdString());
    QVERIFY(catalog);
    library::ModelSession session;
    std::string modelPath;
    scanTrainAndLoad(*catalog, db, {m_lib / "Drone Unit", m_lib / "Chord Choir"},
                     2 * kSongsPerArtist, session, modelPath);
    if (QTest::currentTestFailed()) return;
    QVERIFY(session.model().novelty.has_value());
    for (const auto& song : catalog->songs()) QVERIFY(!session.noveltyOfFile(song.fileId).novel());

    std::vector<std::pair<std::string, fs::path>> familiar;
    for (const auto& entry : fs::directory_iterator(m_heldOut)) {
      if (entry.path().filename().string().rfind("Burst", 0) != 0)
        familiar.emplace_back(entry.path().filename().string(), entry.path());
    }
    QCOMPARE(familiar.size(), std::size_t(2 * kHeldOutPerArtist));
    const auto unlike = unlikeLibraryFiles();
    QVERIFY(unlike.size() >= 2);
    for (const auto& [name, file] : familiar) {
      Eigen::VectorXf embedding;
      core::Novelty novelty;
      QVERIFY(session.embedExternalFile(file, embedding, novelty).ok());
      QVERIFY(novelty.available);
      QVERIFY2(!novelty.novel(), (name + ": " + novelty.reason()).c_str());
    }
    for (const auto& [name, file] : unlike) {
      Eigen::VectorXf embedding;
      core::Novelty novelty;
      const auto embedded = session.embedExternalFile(file, embedding, novelty);
      QVERIFY2(embedded.ok(), (name + ": " + embedded.message).c_str());
      qInfo("%s: sound %.2f (threshold %.2f), model %.2f (threshold %.2f)", name.c_str(),
            double(novelty.featureDistance), double(novelty.featureThreshold),
            double(novelty.jointDistance), double(novelty.jointThreshold));
      QVERIFY2(novelty.novel(), name.c_str());
      QVERIFY(novelty.reason().rfind("unlike your library: ", 0) == 0);
      // Only the file with no sounding frame is called silent, and that reason comes first.
      QCOMPARE(novelty.silent, name == "silent");
      QCOMPARE(novelty.reason().rfind("unlike your library: it is silent (", 0) == 0,
               name == "silent");
    }

    // The CLI says so beside the predictions of such a file (text and JSON).
    const QString click = QString::fromStdString(unlike[1].second.string());
    const QJsonObject predicted = runCli({QStringLiteral("predict-tags"), click,
                                          QStringLiteral("--db"), db, QStringLiteral("--json")});
    const QJsonObject novelty = predicted.value(QStringLiteral("novelty")).toObject();
    QVERIFY(novelty.value(QStringLiteral("novel")).toBool());
    QVERIFY(novelty.value(QStringLiteral("reason"))
                .toString()
                .startsWith(QStringLiteral("unlike your library: ")));
    QProcess text;
    text.start(songspace::test::cliPath(),
               {QStringLiteral("predict-tags"), click, QStringLiteral("--db"), db});
    QVERIFY(text.waitForFinished(60000));
    QVERIFY(QString::fromUtf8(text.readAllStandardOutput())
                .contains(QStringLiteral("not confident — unlike your library: ")));

    // The same files scanned into the library after training: marked there too, and auto-tag
    // skips them with the reason while it still proposes for the library's own songs.
    const fs::path added = m_lib / "Drone Unit" / "added";
    fs::create_directories(added);
    for (const auto& [name, file] : unlike) fs::copy_file(file, added / file.filename());
    library::ScanOptions rescan = scanOptions(m_lib / "Drone Unit");
    rescan.roots.push_back(m_lib / "Chord Choir");
    QCOMPARE(library::runScan(*catalog, rescan).analyzed, int(unlike.size()));
    QVERIFY(session.load(*catalog, modelPath).ok());
    const std::vector<library::Proposal> proposals =
        library::proposeTags(*catalog, session, {}, library::AutotagParams{});
    int unlikeSkipped = 0;
    for (const library::Proposal& p : proposals) {
      const bool isAdded = p.path.find("/added/") != std::string::npos;
      QCOMPARE(session.noveltyOfFile(p.fileId).novel(), isAdded);
      QCOMPARE(p.skipCode == "unlike_library", isAdded);
      if (isAdded) {
        ++unlikeSkipped;
        QCOMPARE(p.skipReason, session.noveltyOfFile(p.fileId).reason());
        QCOMPARE(session.noveltyOfFile(p.fileId).silent,
                 p.path.find("/silent.wav") != std::string::npos);
      }
    }
    QCOMPARE(unlikeSkipped, int(unlike.size()));

    // Where such a song lies is a guess, so it is no library song's similar song, nor in the
    // songs for a tag or an artist, nor in a mix but as its start; its own similar songs, asked
    // for at its level (UnlikeLibrary: a list of guesses), may name the others.
    const library::DiscoveryContext discovery =
        library::makeDiscoveryContext(session, catalog->songs());
    const int all = session.songCount();
    const auto isAdded = [&](std::int64_t fileId) {
      return session.noveltyLevelOfRow(session.rowOfFile(fileId)) ==
             core::NoveltyLevel::UnlikeLibrary;
    };
    const auto namesAdded = [&](const std::vector<library::Hit>& hits) {
      return std::any_of(hits.begin(), hits.end(),
                         [&](const library::Hit& hit) { return isAdded(hit.fileId); });
    };
    int addedRows = 0;
    for (const auto& song : catalog->songs()) {
      const int row = session.rowOfFile(song.fileId);
      if (row < 0) continue;
      const Eigen::VectorXf point = session.songEmbeddings().col(row);
      if (isAdded(song.fileId)) {
        ++addedRows;
        QVERIFY(song.path.find("/added/") != std::string::npos);
        QVERIFY(namesAdded(session.similarSongs(point, all, song.fileId, &discovery.duplicates,
                                                core::NoveltyLevel::UnlikeLibrary)));
        QCOMPARE(int(session
                         .similarSongs(point, all, song.fileId, nullptr,
                                       core::NoveltyLevel::UnlikeLibrary)
                         .size()),
                 all - 1);
        continue;
      }
      QVERIFY(!namesAdded(session.similarSongs(point, all, song.fileId, &discovery.duplicates)));
      const auto similar = session.similarSongs(point, all, song.fileId);
      QVERIFY(!namesAdded(similar));
      QCOMPARE(int(similar.size()), all - int(unlike.size()) - 1);
      // A short list is still k long: the left-out songs do not take places.
      QCOMPARE(int(session.similarSongs(point, 3, song.fileId, &discovery.duplicates).size()), 3);
      const std::vector<core::Scored> mix = core::instantMix(
          session.songEmbeddings(), point, row, discovery.facts, discovery.duplicates, {});
      QVERIFY(!mix.empty());
      for (const core::Scored& entry : mix) QVERIFY(!isAdded(session.fileIdOfRow(entry.index)));
    }
    QCOMPARE(addedRows, int(unlike.size()));
    for (const std::string& tag : session.model().tagNames)
      QVERIFY(!namesAdded(session.songsForTag(tag, all, &discovery.duplicates)));
    for (const std::string& artist : session.model().artistNames)
      QVERIFY(!namesAdded(session.songsForArtist(artist, all, &discovery.duplicates)));
    // A mix started from such a song opens with it; the walk from there is a guess and may take
    // any song.
    for (const library::Proposal& p : proposals) {
      if (!isAdded(p.fileId)) continue;
      const int row = session.rowOfFile(p.fileId);
      const std::vector<core::Scored> mix =
          core::instantMix(session.songEmbeddings(), session.songEmbeddings().col(row), row,
                           discovery.facts, discovery.duplicates, {});
      QVERIFY(mix.size() >= 2);
      QCOMPARE(mix.front().index, row);
    }
    // The CLI: a library song's similar songs leave them out; an added file's are guesses, said
    // with the novelty.
    std::int64_t familiarId = 0, addedId = 0;
    for (const library::Proposal& p : proposals)
      (isAdded(p.fileId) ? addedId : familiarId) = p.fileId;
    const QJsonObject similar =
        runCli({QStringLiteral("similar-songs"), QString::number(familiarId), QStringLiteral("-k"),
                QString::number(all), QStringLiteral("--db"), db, QStringLiteral("--json")});
    const QJsonArray similarResults = similar.value(QStringLiteral("results")).toArray();
    QVERIFY(!similarResults.isEmpty());
    for (const auto& entry : similarResults)
      QVERIFY(!isAdded(entry.toObject().value(QStringLiteral("file_id")).toInteger()));
    QVERIFY(!similar.value(QStringLiteral("novelty"))
                 .toObject()
                 .value(QStringLiteral("novel"))
                 .toBool());
    const QJsonObject guessed =
        runCli({QStringLiteral("similar-songs"), QString::number(addedId), QStringLiteral("-k"),
                QString::number(all), QStringLiteral("--db"), db, QStringLiteral("--json")});
    QVERIFY(guessed.value(QStringLiteral("novelty"))
                .toObject()
                .value(QStringLiteral("novel"))
                .toBool());
    bool guessNamesAdded = false;
    for (const auto& entry : guessed.value(QStringLiteral("results")).toArray())
      guessNamesAdded =
          guessNamesAdded || isAdded(entry.toObject().value(QStringLiteral("file_id")).toInteger());
    QVERIFY(guessNamesAdded);
    fs::remove_all(added);
  }

  // A tag is a guess for a song far shorter than every song that carried it, even when the
  // song passes the library's and the tagged songs' checks because another tag holds songs that
  // short (in the demo: sound effects read "death metal", whose songs last minutes, beside
  // romantic-classical jingles of 5 s). Drones tagged ambient last 16 s, chords tagged
  // electronic 2 s; a 2 s drone clip gets "ambient" as a guess, withheld by auto-tag with the
  // reason, said by the CLI; a 16 s drone does not.
  void tooShortForTheTag() {
    const fs::path root = fs::path(m_temp.path().toStdString()) / "lengths";
    std::uint32_t seed = 500;
    for (const auto& [artist, genre, style, seconds] :
         {std::tuple{"Long Drones", "ambient", testaudio::Style::LowDrone, 16.0},
          std::tuple{"Short Chords", "electronic", testaudio::Style::HighChords, 2.0}}) {
      fs::create_directories(root / artist);
      for (int i = 0; i < kSongsPerArtist; ++i) {
        testaudio::WavTags tags;
        tags.artist = artist;
        tags.album = std::string(artist) + " LP";
        tags.genre = genre;
        tags.title = "Track " + std::to_string(i);
        QVERIFY(
            testaudio::writeWav(root / artist / (std::string(artist) + std::to_string(i) + ".wav"),
                                testaudio::synthesize(style, seed++, seconds), 22050, &tags));
      }
    }
    // The two untagged drones as FLAC (losslessly, by ffmpeg), a format auto-tag writes.
    fs::create_directories(root / "untagged");
    const fs::path clip = root / "untagged" / "drone clip.flac";
    const fs::path full = root / "untagged" / "drone piece.flac";
    for (const auto& [file, drone, seconds] :
         {std::tuple{clip, 900u, 2.0}, std::tuple{full, 901u, 16.0}}) {
      const fs::path wav =
          fs::path(m_temp.path().toStdString()) / file.filename().replace_extension(".wav");
      QVERIFY(testaudio::writeWav(
          wav, testaudio::synthesize(testaudio::Style::LowDrone, drone, seconds), 22050, nullptr));
      QProcess ffmpeg;
      ffmpeg.start(QStringLiteral("ffmpeg"),
                   {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-y"),
                    QStringLiteral("-i"), QString::fromStdString(wav.string()),
                    QString::fromStdString(file.string())});
      QVERIFY(ffmpeg.waitForFinished(60000));
      QVERIFY2(ffmpeg.exitCode() == 0, ffmpeg.readAllStandardError().constData());
    }
    const QString db = m_temp.filePath(QStringLiteral("lengths.sqlite"));
    auto catalog = core::Catalog::open(db.toStdString());
    QVERIFY(catalog);
    library::ModelSession session;
    std::string modelPath;
    scanTrainAndLoad(*catalog, db, {root}, 2 * kSongsPerArtist + 2, session, modelPath);
    if (QTest::currentTestFailed()) return;
    const core::JointModel& model = session.model();
    const int ambient = model.tagIndex("ambient");
    const int electronic = model.tagIndex("electronic");
    QVERIFY(ambient >= 0 && electronic >= 0);
    // The rule: under a quarter of the shortest song of the tag (every song here: the 1st
    // percentile of 8); the tagged songs' own test allows half of the 2 s chords.
    QCOMPARE(model.tagShortestSeconds[std::size_t(ambient)], 4.0f);
    QCOMPARE(model.tagShortestSeconds[std::size_t(electronic)], 0.5f);
    QVERIFY(model.tagNovelty.has_value());
    QCOMPARE(model.tagNovelty->shortestSeconds(), 1.0f);

    const auto clipRow = catalog->fileByPath(clip.string());
    const auto fullRow = catalog->fileByPath(full.string());
    QVERIFY(clipRow && fullRow);
    const QString clipId = QString::number(static_cast<qlonglong>(clipRow->id));
    QVERIFY2(!session.noveltyOfFile(clipRow->id).novel(),
             session.noveltyOfFile(clipRow->id).reason().c_str());
    const std::string guess = session.tagGuessOfFile(clipRow->id, ambient);
    QCOMPARE(guess, std::string("a guess: it is 2.00 s long, shorter than the songs tagged "
                                "ambient make familiar (at least 4.00 s)"));
    QVERIFY(session.tagGuessOfFile(clipRow->id, electronic).empty());
    QVERIFY(session.tagGuessOfFile(fullRow->id, ambient).empty());
    // Its predictions: ambient first and likely, marked as a guess.
    const auto hits = session.predictTags(*session.embeddingOfFile(clipRow->id), 2,
                                          session.lengthOfFile(clipRow->id));
    QCOMPARE(hits.front().name, std::string("ambient"));
    QCOMPARE(hits.front().guess, guess);
    QVERIFY(hits.front().probability >= model.calibration->autoTagThreshold);

    // The ambient page lists the full-length drone, not the clip it is a guess for.
    const auto ambientSongs = session.songsForTag("ambient", session.songCount());
    const auto lists = [&](std::int64_t fileId) {
      return std::any_of(ambientSongs.begin(), ambientSongs.end(),
                         [fileId](const library::Hit& hit) { return hit.fileId == fileId; });
    };
    QVERIFY(lists(fullRow->id));
    QVERIFY(!lists(clipRow->id));
    // A reason two songs are alike never states a guess: the clip and a drone share ambient, a
    // guess for the clip, so it does not explain their likeness; two drones' does.
    const int fullRowIndex = session.rowOfFile(fullRow->id);
    const core::Novelty clipNovelty = session.noveltyOfFile(clipRow->id);
    for (const core::Scored& tag : session.whyAlikeSongs(*session.embeddingOfFile(clipRow->id),
                                                         clipNovelty, fullRowIndex, 10))
      QVERIFY(tag.index != ambient);
    bool dronesAlikeInAmbient = false;
    for (const auto& song : catalog->songs()) {
      if (song.artistName != "Long Drones") continue;
      for (const core::Scored& tag :
           session.whyAlikeSongs(*session.embeddingOfFile(song.fileId),
                                 session.noveltyOfFile(song.fileId), fullRowIndex, 10))
        dronesAlikeInAmbient = dronesAlikeInAmbient || tag.index == ambient;
    }
    QVERIFY(dronesAlikeInAmbient);
    // The 2 s chords are too short for ambient too: the drones and the full piece are left.
    QCOMPARE(int(ambientSongs.size()), kSongsPerArtist + 1);

    // Auto-tag withholds it, and proposes ambient for the full-length drone.
    const std::vector<library::Proposal> proposals = library::proposeTags(
        *catalog, session, std::vector<std::int64_t>{clipRow->id, fullRow->id}, {});
    QCOMPARE(proposals.size(), std::size_t(2));
    QVERIFY2(proposals[0].skipCode == "tag_guess", proposals[0].skipReason.c_str());
    QCOMPARE(proposals[0].skipReason, "ambient is " + guess);
    QCOMPARE(proposals[0].withheld.size(), std::size_t(1));
    QVERIFY(proposals[0].added.empty());
    QVERIFY2(!proposals[1].skipped(), proposals[1].skipReason.c_str());
    QCOMPARE(proposals[1].added.front().tag, std::string("ambient"));
    QVERIFY(proposals[1].withheld.empty());

    // The CLI says so, in the preview and beside the prediction.
    const QJsonObject preview = runCli({QStringLiteral("autotag"), clipId, QStringLiteral("--db"),
                                        db, QStringLiteral("--dry-run"), QStringLiteral("--json")});
    const QJsonObject file = preview.value(QStringLiteral("files")).toArray()[0].toObject();
    QCOMPARE(file.value(QStringLiteral("skipped")).toString(), QStringLiteral("tag_guess"));
    const QJsonObject withheld = file.value(QStringLiteral("withheld")).toArray()[0].toObject();
    QCOMPARE(withheld.value(QStringLiteral("tag")).toString(), QStringLiteral("ambient"));
    QCOMPARE(withheld.value(QStringLiteral("reason")).toString(), QString::fromStdString(guess));
    const QJsonObject predicted = runCli({QStringLiteral("predict-tags"), clipId,
                                          QStringLiteral("--db"), db, QStringLiteral("--json")});
    const QJsonObject top = predicted.value(QStringLiteral("results")).toArray()[0].toObject();
    QCOMPARE(top.value(QStringLiteral("name")).toString(), QStringLiteral("ambient"));
    QCOMPARE(top.value(QStringLiteral("guess")).toString(), QString::fromStdString(guess));

    // Its artist likewise (design.md §3.2 "Too short for the artist"): a quarter of Long Drones'
    // 16 s, of Short Chords' 2 s, and half the shortest song that carried an artist.
    const int longDrones = model.artistIndex("Long Drones");
    const int shortChords = model.artistIndex("Short Chords");
    QVERIFY(longDrones >= 0 && shortChords >= 0);
    QCOMPARE(model.artistShortestSeconds[std::size_t(longDrones)], 4.0f);
    QCOMPARE(model.artistShortestSeconds[std::size_t(shortChords)], 0.5f);
    QCOMPARE(model.artistSongsShortestSeconds, 1.0f);
    const std::string artistGuess =
        "a guess: it is 2.00 s long, shorter than the songs by Long Drones make familiar (at "
        "least 4.00 s)";
    const auto artistsOf = [&](std::int64_t fileId) {
      return session.predictArtists(*session.embeddingOfFile(fileId), 2,
                                    session.lengthOfFile(fileId));
    };
    const auto clipArtists = artistsOf(clipRow->id);
    QCOMPARE(clipArtists.front().name, std::string("Long Drones"));
    QCOMPARE(clipArtists.front().guess, artistGuess);
    QVERIFY(clipArtists.back().guess.empty());  // Short Chords' songs are as short as the clip
    for (const library::Hit& hit : artistsOf(fullRow->id)) QVERIFY(hit.guess.empty());
    // Long Drones' page lists the full-length drone, not the clip; every song of its own is on it.
    const auto droneSongs = session.songsForArtist("Long Drones", session.songCount());
    const auto onDronePage = [&](std::int64_t fileId) {
      return std::any_of(droneSongs.begin(), droneSongs.end(),
                         [fileId](const library::Hit& hit) { return hit.fileId == fileId; });
    };
    QVERIFY(onDronePage(fullRow->id));
    QVERIFY(!onDronePage(clipRow->id));
    QCOMPARE(int(droneSongs.size()), kSongsPerArtist + 1);  // the chords are too short too
    // The CLI prints the reason beside the artist, and no "not confident" line: the clip is
    // familiar, only this artist is a guess for it.
    const QJsonObject artistJson = runCli({QStringLiteral("predict-artist"), clipId,
                                           QStringLiteral("--db"), db, QStringLiteral("--json")});
    const QJsonObject topArtist =
        artistJson.value(QStringLiteral("results")).toArray()[0].toObject();
    QCOMPARE(topArtist.value(QStringLiteral("name")).toString(), QStringLiteral("Long Drones"));
    QCOMPARE(topArtist.value(QStringLiteral("guess")).toString(),
             QString::fromStdString(artistGuess));
  }

  // A song tagged only outside the vocabulary (its tag on one song, too few to be learned) is not
  // auto-tagged: its own label says no learned tag applies, whatever its sound (the README's
  // 13-song library proposed Romantic Classical for its one death-metal song). An untagged drone
  // and a drone that also carries a learned tag still get proposals.
  void taggedOnlyOutsideTheVocabularyIsLeftAlone() {
    const fs::path root = fs::path(m_temp.path().toStdString()) / "unlearned";
    std::uint32_t seed = 1500;
    const auto write = [&](const fs::path& file, testaudio::Style style, const char* artist,
                           const std::string& genre) {
      testaudio::WavTags tags;
      tags.artist = artist;
      tags.title = file.stem().string();
      tags.genre = genre;
      QVERIFY(testaudio::writeWav(file, testaudio::synthesize(style, seed++, 6.0), 22050, &tags));
    };
    for (const auto& [artist, genre, style] :
         {std::tuple{"Drone Choir", "ambient", testaudio::Style::LowDrone},
          std::tuple{"Chord Club", "electronic", testaudio::Style::HighChords}}) {
      fs::create_directories(root / artist);
      for (int i = 0; i < kSongsPerArtist; ++i)
        write(root / artist / (std::string(artist) + std::to_string(i) + ".wav"), style, artist,
              genre);
    }
    // The three odd drones as FLAC (converted by ffmpeg, tags and all), a format auto-tag writes.
    fs::create_directories(root / "odd");
    const fs::path unlearned = root / "odd" / "drone metal.flac";
    const fs::path both = root / "odd" / "drone metal ambient.flac";
    const fs::path untagged = root / "odd" / "drone.flac";
    for (const auto& [file, genre] :
         {std::pair{unlearned, "Drone Metal"}, std::pair{both, "Folk"}, std::pair{untagged, ""}}) {
      const fs::path wav = fs::path(m_temp.path().toStdString()) / file.filename();
      write(wav.string() + ".wav", testaudio::Style::LowDrone, "Drone Choir", genre);
      QProcess ffmpeg;
      ffmpeg.start(QStringLiteral("ffmpeg"),
                   {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-y"),
                    QStringLiteral("-i"), QString::fromStdString(wav.string() + ".wav"),
                    QString::fromStdString(file.string())});
      QVERIFY(ffmpeg.waitForFinished(60000));
      QVERIFY2(ffmpeg.exitCode() == 0, ffmpeg.readAllStandardError().constData());
    }
    const QString db = m_temp.filePath(QStringLiteral("unlearned.sqlite"));
    auto catalog = core::Catalog::open(db.toStdString());
    QVERIFY(catalog);
    // "folk" is on one song too; the song also carries a learned tag, added by the user.
    library::ModelSession session;
    std::string modelPath;
    const auto bothRow = [&] { return catalog->fileByPath(both.string()); };
    library::ScanOptions scan = scanOptions(root);
    QCOMPARE(library::runScan(*catalog, scan).analyzed, 2 * kSongsPerArtist + 3);
    QVERIFY(bothRow());
    QVERIFY(catalog->addTag(bothRow()->id, "electronic", core::TagSource::User).ok());
    const library::TrainJobResult trained = trainSmall(*catalog, db);
    QVERIFY2(trained.status.ok(), trained.status.message.c_str());
    QVERIFY(session.load(*catalog, trained.modelPath.toStdString()).ok());
    QVERIFY(session.model().tagIndex("drone metal") < 0);
    QVERIFY(session.model().tagIndex("folk") < 0);
    QVERIFY(session.model().tagIndex("ambient") >= 0);

    const auto idOf = [&](const fs::path& file) { return catalog->fileByPath(file.string())->id; };
    library::AutotagParams params;
    params.minConfidence = 0.0f;  // whatever the probabilities
    const std::vector<library::Proposal> proposals = library::proposeTags(
        *catalog, session, {idOf(unlearned), idOf(both), idOf(untagged)}, params);
    QCOMPARE(proposals.size(), std::size_t(3));
    QCOMPARE(proposals[0].skipCode, std::string("unlearned_tags"));
    QCOMPARE(proposals[0].oldValues, std::vector<std::string>{"Drone Metal"});  // shown as it is
    QCOMPARE(proposals[0].skipReason,
             std::string("it is tagged drone metal, which the model did not learn (too few "
                         "songs); a learned tag would contradict it"));
    QVERIFY2(proposals[1].skipCode != "unlearned_tags", proposals[1].skipReason.c_str());
    QVERIFY2(!proposals[2].skipped(), proposals[2].skipReason.c_str());
    QCOMPARE(proposals[2].added.front().tag, std::string("ambient"));
    // Asked for by name, the tag says why the model does not know it.
    int code = 0;
    QString errors;
    runCli({QStringLiteral("songs-for-tag"), QStringLiteral("Drone Metal"), QStringLiteral("--db"),
            db},
           &code, &errors);
    QCOMPARE(code, 1);
    QVERIFY2(
        errors.contains(QStringLiteral("the model did not learn tag 'drone metal': on 1 song")),
        qPrintable(errors));
  }

  // Songs unlike only the tagged songs (the demo's effects: a kind the library holds many of,
  // which no tag was learned from) are compared within their kind: they are the similar songs of
  // each other only, on no tag's page (their tags are guesses), and on their artist's (their
  // artist is not). Drones tagged ambient and chords tagged electronic,
  // 4–5 s long, with eight untagged 1.5 s noise bursts by one artist: too short for the tagged
  // songs (at least 2 s), familiar to the library (at least 0.75 s, its shortest being theirs).
  void unlikeTheTaggedSongsStayAmongThemselves() {
    const fs::path root = fs::path(m_temp.path().toStdString()) / "kinds";
    fs::create_directories(root / "bursts");
    for (int i = 0; i < kSongsPerArtist; ++i) {
      testaudio::WavTags tags;
      tags.artist = "Burst Machine";
      tags.title = "Burst " + std::to_string(i);
      QVERIFY(testaudio::writeWav(
          root / "bursts" / ("burst" + std::to_string(i) + ".wav"),
          testaudio::synthesize(testaudio::Style::NoiseBursts, 700u + std::uint32_t(i), 1.5), 22050,
          &tags));
    }
    const QString db = m_temp.filePath(QStringLiteral("kinds.sqlite"));
    auto catalog = core::Catalog::open(db.toStdString());
    QVERIFY(catalog);
    library::ModelSession session;
    std::string modelPath;
    scanTrainAndLoad(*catalog, db, {root, m_lib / "Drone Unit", m_lib / "Chord Choir"},
                     3 * kSongsPerArtist, session, modelPath);
    if (QTest::currentTestFailed()) return;
    const library::DiscoveryContext discovery =
        library::makeDiscoveryContext(session, catalog->songs());
    const int all = session.songCount();
    QCOMPARE(all, 3 * kSongsPerArtist);
    const auto levelOf = [&](std::int64_t fileId) {
      return session.noveltyLevelOfRow(session.rowOfFile(fileId));
    };
    int bursts = 0;
    for (const auto& song : catalog->songs()) {
      const bool burst = song.path.find("/bursts/") != std::string::npos;
      QCOMPARE(levelOf(song.fileId),
               burst ? core::NoveltyLevel::UnlikeTaggedSongs : core::NoveltyLevel::Familiar);
      bursts += burst ? 1 : 0;
    }
    QCOMPARE(bursts, kSongsPerArtist);
    const auto countBursts = [&](const std::vector<library::Hit>& hits) {
      return std::count_if(hits.begin(), hits.end(), [&](const library::Hit& hit) {
        return levelOf(hit.fileId) == core::NoveltyLevel::UnlikeTaggedSongs;
      });
    };
    for (const auto& song : catalog->songs()) {
      const Eigen::VectorXf point = *session.embeddingOfFile(song.fileId);
      const core::NoveltyLevel level = levelOf(song.fileId);
      const auto similar = session.similarSongs(point, all, song.fileId, nullptr, level);
      // The tags are guesses for a burst, so none explains its likeness to anything.
      const core::Novelty novelty = session.noveltyOfFile(song.fileId);
      for (const library::Hit& hit : similar) {
        if (level != core::NoveltyLevel::Familiar ||
            levelOf(hit.fileId) != core::NoveltyLevel::Familiar)
          QVERIFY(session.whyAlikeSongs(point, novelty, hit.index).empty());
      }
      if (level == core::NoveltyLevel::Familiar) {
        QCOMPARE(countBursts(similar), 0);
        QCOMPARE(int(similar.size()), all - kSongsPerArtist - 1);
        QVERIFY(!session.whyAlikeSongs(point, novelty, similar.front().index).empty());
      } else {
        QCOMPARE(countBursts(similar), kSongsPerArtist - 1);  // the other bursts only
        QCOMPARE(int(similar.size()), kSongsPerArtist - 1);
      }
      // A mix from it keeps to its kind.
      const int row = session.rowOfFile(song.fileId);
      const std::vector<core::Scored> mix = core::instantMix(
          session.songEmbeddings(), point, row, discovery.facts, discovery.duplicates, {});
      QVERIFY(mix.size() >= 2);
      for (const core::Scored& entry : mix) QCOMPARE(session.noveltyLevelOfRow(entry.index), level);
    }
    for (const std::string& tag : session.model().tagNames) {
      const auto songs = session.songsForTag(tag, all, &discovery.duplicates);
      QVERIFY(!songs.empty());
      QCOMPARE(countBursts(songs), 0);
    }
    QCOMPARE(countBursts(session.songsForArtist("Burst Machine", all)), kSongsPerArtist);
    // A tag's mix (no start): familiar songs only.
    const std::vector<core::Scored> tagMix = core::instantMix(
        session.songEmbeddings(), session.model().T.col(session.model().tagIndex("ambient")), -1,
        discovery.facts, discovery.duplicates, {});
    QVERIFY(!tagMix.empty());
    for (const core::Scored& entry : tagMix)
      QCOMPARE(session.noveltyLevelOfRow(entry.index), core::NoveltyLevel::Familiar);
  }

  void commandLine() {
    const QString db = m_temp.filePath(QStringLiteral("cli.sqlite"));
    const QString lib = QString::fromStdString(m_lib.string());
    testaudio::writeBytes(m_lib / "broken.mp3", "not an mp3");
    int code = -1;
    QJsonObject scan =
        runCli({QStringLiteral("scan"), lib, QStringLiteral("--db"), db, QStringLiteral("--json"),
                QStringLiteral("--threads"), QStringLiteral("2")},
               &code);
    fs::remove(m_lib / "broken.mp3");
    QCOMPARE(code, 0);
    QCOMPARE(scan.value(QStringLiteral("files_seen")).toInt(), 3 * kSongsPerArtist + 1);
    QCOMPARE(scan.value(QStringLiteral("analyzed")).toInt(), 3 * kSongsPerArtist);
    const QJsonArray failed = scan.value(QStringLiteral("failed")).toArray();
    QCOMPARE(failed.size(), 1);
    QVERIFY(failed[0]
                .toObject()
                .value(QStringLiteral("path"))
                .toString()
                .endsWith(QStringLiteral("/broken.mp3")));
    QCOMPARE(failed[0].toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("not_audio"));
    QVERIFY(!failed[0].toObject().value(QStringLiteral("reason")).toString().isEmpty());
    const double audio = scan.value(QStringLiteral("audio_seconds")).toDouble();
    QVERIFY2(audio > 3 * kSongsPerArtist * 4.0 && audio < 3 * kSongsPerArtist * 5.1,
             qPrintable(QString::number(audio)));
    QVERIFY(scan.value(QStringLiteral("wall_seconds")).toDouble() > 0);

    {  // A tag on one song only: left out of training, and train --json says why.
      auto catalog = core::Catalog::open(db.toStdString());
      QVERIFY(catalog);
      QVERIFY(catalog->addTag(catalog->songs().front().fileId, "Death Metal", core::TagSource::User)
                  .ok());
    }
    const QJsonObject train =
        runCli({QStringLiteral("train"), QStringLiteral("--db"), db, QStringLiteral("--json"),
                QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--threads"),
                QStringLiteral("1"), QStringLiteral("--dim"), QStringLiteral("16")},
               &code);
    QCOMPARE(code, 0);
    QCOMPARE(train.value(QStringLiteral("songs")).toInt(), 3 * kSongsPerArtist);
    QCOMPARE(train.value(QStringLiteral("artists")).toInt(), 3);
    QVERIFY(QFileInfo::exists(train.value(QStringLiteral("model")).toString()));
    QCOMPARE(train.value(QStringLiteral("model")).toString(), library::modelPathForCatalog(db));
    const QJsonArray leftOut = train.value(QStringLiteral("left_out_tags")).toArray();
    QCOMPARE(leftOut.size(), 1);
    QCOMPARE(leftOut[0].toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("death metal"));
    QCOMPARE(leftOut[0].toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("too_few_songs"));
    QCOMPARE(leftOut[0].toObject().value(QStringLiteral("songs")).toInt(), 1);
    QVERIFY(leftOut[0]
                .toObject()
                .value(QStringLiteral("reason"))
                .toString()
                .contains(QStringLiteral("at least 2 songs")));
    QVERIFY(train.value(QStringLiteral("left_out_artists")).toArray().isEmpty());

    const QString held = QString::fromStdString((m_heldOut / "Burst Machine 9.wav").string());
    const QJsonObject tags = runCli({QStringLiteral("predict-tags"), held, QStringLiteral("--db"),
                                     db, QStringLiteral("--json")},
                                    &code);
    QCOMPARE(code, 0);
    const QJsonArray results = tags.value(QStringLiteral("results")).toArray();
    QCOMPARE(results.size(), 3);  // every tag, ranked
    QCOMPARE(results[0].toObject().value(QStringLiteral("rank")).toInt(), 1);
    QCOMPARE(results[0].toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("noise"));
    // Ranked by the calibrated probability, which the JSON gives beside the raw score (the two
    // orders may differ: each tag has its own Platt fit).
    for (int i = 0; i < results.size(); ++i) {
      const QJsonValue p = results[i].toObject().value(QStringLiteral("probability"));
      QVERIFY2(p.isDouble() && p.toDouble() >= 0 && p.toDouble() <= 1,
               qPrintable(QString::number(i)));
      QVERIFY(results[i].toObject().value(QStringLiteral("score")).isDouble());
      if (i > 0)
        QVERIFY(results[i - 1].toObject().value(QStringLiteral("probability")).toDouble() >=
                p.toDouble());
    }
    {  // The text shows percentages, the top tag's first.
      QProcess text;
      text.start(songspace::test::cliPath(),
                 {QStringLiteral("predict-tags"), held, QStringLiteral("--db"), db});
      QVERIFY(text.waitForFinished(60000));
      const QString printed = QString::fromUtf8(text.readAllStandardOutput());
      const long top = std::lround(
          100.0 * results[0].toObject().value(QStringLiteral("probability")).toDouble());
      QVERIFY2(printed.contains(QStringLiteral("  1. %1 %  noise").arg(top, 5)),
               qPrintable(printed));
    }
    const QJsonObject artist =
        runCli({QStringLiteral("predict-artist"), held, QStringLiteral("--db"), db,
                QStringLiteral("--json"), QStringLiteral("-k"), QStringLiteral("1")},
               &code);
    QCOMPARE(code, 0);
    const QJsonObject topArtist = artist.value(QStringLiteral("results")).toArray()[0].toObject();
    QCOMPARE(topArtist.value(QStringLiteral("name")).toString(), QStringLiteral("Burst Machine"));
    const double artistProbability = topArtist.value(QStringLiteral("probability")).toDouble(-1);
    QVERIFY2(artistProbability > 0 && artistProbability <= 1,
             qPrintable(QString::number(artistProbability)));
    // A missing file is an error with a message, not a crash.
    runCli({QStringLiteral("predict-tags"), QStringLiteral("/nonexistent.wav"),
            QStringLiteral("--db"), db},
           &code);
    QCOMPARE(code, 1);

    discoveryCommands(db);
  }
};

QTEST_GUILESS_MAIN(EndToEndTest)
#include "tst_endtoend.moc"
