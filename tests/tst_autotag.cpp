// Auto-tagging engine on a scanned library of fixture copies: proposals (probability cut, max tags,
// present values dropped by normalised name, add vs replace), apply (written files, catalog stamp
// and tags updated, journal Done; skips with reasons for unsupported, read-only, changed and
// outside files), undo (exact old values back, refuses changed files unless forced, no double
// undo), a file whose journal entry cannot be committed (another connection holds the write
// lock) reported as failed and not written, recovery of interrupted edits, and the CLI's undo
// command.
#include <sys/stat.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "audio/metadata.h"
#include "core/catalog/catalog.h"
#include "core/library/autotag.h"
#include "core/library/autotagapply.h"
#include "core/library/datasetloader.h"
#include "core/library/safetagwrite.h"
#include "core/library/scanjob.h"
#include "core/library/tagaccept.h"
#include "core/library/tagundo.h"
#include "core/model/calibration.h"
#include "tagtool.h"
#include "tests/testpaths.h"

namespace library = songspace::library;
namespace audio = songspace::audio;
namespace core = songspace::core;
using audio::TagField;
namespace fs = std::filesystem;
using Values = std::vector<std::string>;

namespace {

const fs::path kData = songspace::test::testDataDir() / "tags";
const std::vector<std::string> kFixtures{"tagged-v23.mp3", "tagged-v24.mp3", "tagged.flac",
                                         "tagged.ogg",     "tagged.opus",    "tagged.m4a",
                                         "tagged.wav",     "untagged.flac"};

Values field(const std::string& file, TagField f) {
  Values values;
  if (!audio::readTagField(file, f, values).ok()) values = {"<unreadable>"};
  return values;
}

bool hasFileTag(const core::Catalog& catalog, std::int64_t fileId, const std::string& tag) {
  for (const auto& t : catalog.tags(fileId)) {
    if (t.tag == tag && t.source == core::TagSource::File) return true;
  }
  return false;
}

// The training labels the library gives: per song path, its tag names.
using Labels = std::map<std::string, std::set<std::string>>;
Labels trainingLabels(const core::Catalog& catalog) {
  library::LoadedDataset loaded;
  Labels labels;
  if (!library::loadLibraryDataset(catalog, 1, 2.0f, loaded).ok()) return labels;
  const auto& d = loaded.dataset;
  for (std::size_t i = 0; i < d.fileIds.size(); ++i) {
    auto& tags = labels[catalog.fileById(d.fileIds[i])->path];
    for (const int t : d.data.songTags[i]) tags.insert(d.tagNames[static_cast<std::size_t>(t)]);
  }
  return labels;
}

// The genre the scanner reads from the file (what a fresh scan would store in the catalog).
Values scannedGenres(const std::string& file) {
  audio::TrackMetadata metadata;
  if (!audio::readMetadata(file, metadata).ok()) return {"<unreadable>"};
  return core::splitFieldValues(metadata.genres);
}

const library::FileOutcome* outcomeOf(const library::BatchResult& r, const std::string& path) {
  for (const auto& o : r.files) {
    if (o.path == path) return &o;
  }
  return nullptr;
}

}  // namespace

class TestAutotag : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  std::string m_lib;
  std::unique_ptr<core::Catalog> m_catalog;

  std::string path(const std::string& name) const { return m_lib + "/" + name; }

  // Every supported file gets genre "Jazz" added (the first value, "Rock", is already present).
  std::vector<library::Proposal> proposals(const std::vector<std::string>& names) {
    library::AutotagParams params;
    params.minConfidence = 0.5f;
    std::vector<library::Proposal> out;
    for (const auto& name : names) {
      const auto row = m_catalog->fileByPath(path(name));
      out.push_back(library::proposalFromPredictions(row ? row->id : 0, path(name),
                                                     {{"rock", 0.95f}, {"jazz", 0.9f}}, params));
    }
    return out;
  }

 private Q_SLOTS:
  void init() {
    QVERIFY(m_dir.isValid());
    m_lib = m_dir.path().toStdString() + "/lib";
    fs::remove_all(m_lib);
    fs::create_directories(m_lib);
    for (const auto& name : kFixtures) fs::copy_file(kData / name, path(name));
    fs::remove(m_dir.path().toStdString() + "/catalog.sqlite");
    m_catalog = core::Catalog::open(m_dir.path().toStdString() + "/catalog.sqlite");
    QVERIFY(m_catalog);
    library::ScanOptions scan;
    scan.roots = {m_lib};
    scan.threads = 1;
    const auto summary = library::runScan(*m_catalog, scan);
    QVERIFY2(summary.status.ok(), summary.status.message.c_str());
    for (const auto& name : kFixtures) QVERIFY(m_catalog->fileByPath(path(name)));
  }

  void proposalKnownAnswers() {
    library::AutotagParams params;
    params.minConfidence = 0.3f;
    params.maxTags = 3;
    const std::vector<library::ProposedTag> ranked{
        {"jazz", 0.9f}, {"POP", 0.8f}, {"blues", 0.6f}, {"metal", 0.5f}, {"soul", 0.1f}};
    // FLAC genre is ["Rock;Pop"]: "POP" is present by normalised name; metal is past maxTags.
    auto p = library::proposalFromPredictions(1, path("tagged.flac"), ranked, params);
    QVERIFY(!p.skipped());
    QCOMPARE(p.oldValues, (Values{"Rock;Pop"}));
    QCOMPARE(p.newValues, (Values{"Rock;Pop", "jazz", "blues"}));
    QCOMPARE(p.added.size(), std::size_t(2));
    QCOMPARE(p.added[1].probability, 0.6f);
    params.mode = library::AutotagMode::Replace;
    p = library::proposalFromPredictions(1, path("tagged.flac"), ranked, params);
    QCOMPARE(p.newValues, (Values{"jazz", "pop", "blues"}));
    p = library::proposalFromPredictions(1, path("tagged.flac"), {{"ROCK;pop", 0.9f}}, params);
    QCOMPARE(QString::fromStdString(p.skipCode), QStringLiteral("nothing_new"));
    params.minConfidence = 0.8f;  // a tag exactly at the threshold is proposed
    params.mode = library::AutotagMode::Add;
    params.field = TagField::Mood;
    p = library::proposalFromPredictions(1, path("untagged.flac"), ranked, params);
    QCOMPARE(p.newValues, (Values{"jazz", "pop"}));
    params.minConfidence = 0.95f;
    p = library::proposalFromPredictions(1, path("tagged.flac"), ranked, params);
    QCOMPARE(QString::fromStdString(p.skipCode), QStringLiteral("no_prediction"));
    params.minConfidence = 0.0f;
    params.field = TagField::Genre;
    p = library::proposalFromPredictions(1, path("tagged.flac"), {{"rock", 0.9f}}, params);
    QCOMPARE(QString::fromStdString(p.skipCode), QStringLiteral("nothing_new"));
    // A guess (a tag whose songs all last far longer than the song) is withheld with its reason
    // and takes no place among the maxTags: the next tags are proposed instead. Every tag
    // probable enough a guess: skipped, saying why.
    params.minConfidence = 0.3f;
    params.maxTags = 2;
    const std::string why =
        "a guess: it is 3.60 s long, shorter than the songs tagged jazz make "
        "familiar (at least 45.75 s)";
    std::vector<library::ProposedTag> guessed = ranked;
    guessed[0].guess = why;
    p = library::proposalFromPredictions(1, path("untagged.flac"), guessed, params);
    QVERIFY(!p.skipped());
    QCOMPARE(p.newValues, (Values{"pop", "blues"}));
    QCOMPARE(p.withheld.size(), std::size_t(1));
    QCOMPARE(p.withheld[0].tag, std::string("jazz"));
    QCOMPARE(p.withheld[0].probability, 0.9f);
    QCOMPARE(p.withheld[0].guess, why);
    guessed[1].guess = guessed[2].guess = guessed[3].guess = why;
    params.minConfidence = 0.5f;  // soul (0.1) is below it and not a guess: not withheld
    p = library::proposalFromPredictions(1, path("untagged.flac"), guessed, params);
    QCOMPARE(QString::fromStdString(p.skipCode), QStringLiteral("tag_guess"));
    QCOMPARE(p.skipReason, "jazz is " + why);
    QCOMPARE(p.withheld.size(), std::size_t(4));
    QVERIFY(p.added.empty());
    params.minConfidence = 0.95f;  // a guess below the threshold is neither proposed nor withheld
    p = library::proposalFromPredictions(1, path("untagged.flac"), guessed, params);
    QCOMPARE(QString::fromStdString(p.skipCode), QStringLiteral("no_prediction"));
    QVERIFY(p.withheld.empty());
    params.maxTags = 3;

    QCOMPARE(library::tagFieldFromName("grouping"), std::optional<TagField>(TagField::Grouping));
    QVERIFY(!library::tagFieldFromName("year"));
  }

  // Auto-tag writes a tag as the library's files spell it most ("Rock", not the catalog's "rock"),
  // the proposal's added tags carry that spelling, the file holds it afterwards, and the catalog
  // still knows it as the same tag.
  void tagsAreWrittenAsTheLibrarySpellsThem() {
    std::vector<core::SongRow> songs(5);
    songs[0].info.genres = {"Game"};
    songs[1].info.genres = {"Game", "JAZZ"};
    songs[2].info.genres = {"game;Rock"};
    songs[3].info.moods = {"Jazz", "(none)"};
    songs[4].info.freeTags = {"drum & bass"};
    core::TagReadingRules reading;
    reading.placeholders = {"(none)"};
    const auto spellings = library::librarySpellings(songs, reading);
    using Spellings = std::map<std::string, std::string, std::less<>>;
    // "game" 2 to 1; "jazz" 1 to 1, the first in byte order ('J','A' < 'J','a'); no placeholder.
    QCOMPARE(
        spellings,
        (Spellings{
            {"game", "Game"}, {"jazz", "JAZZ"}, {"rock", "Rock"}, {"drum & bass", "drum & bass"}}));

    library::AutotagParams params;
    params.minConfidence = 0.5f;
    params.spellings = {{"rock", "Rock"}, {"game", "Game"}};
    const std::vector<library::ProposedTag> ranked{{"game", 0.9f}, {"blues", 0.8f}};
    library::Proposal p =
        library::proposalFromPredictions(1, path("untagged.flac"), ranked, params);
    QCOMPARE(p.newValues, (Values{"Game", "blues"}));  // no spelling known: the catalog's name
    QCOMPARE(p.added.size(), std::size_t(2));
    QCOMPARE(p.added[0].tag, std::string("Game"));
    // Present under another spelling ("Rock;Pop" holds "rock"): nothing new.
    p = library::proposalFromPredictions(1, path("tagged.flac"), {{"ROCK", 0.9f}}, params);
    QCOMPARE(QString::fromStdString(p.skipCode), QStringLiteral("nothing_new"));
    params.mode = library::AutotagMode::Replace;
    p = library::proposalFromPredictions(1, path("untagged.flac"), ranked, params);
    QCOMPARE(p.newValues, (Values{"Game", "blues"}));

    // From the catalog of the fixtures, written and read back.
    params.mode = library::AutotagMode::Add;
    params.spellings = library::librarySpellings(m_catalog->songs(), params.reading);
    QVERIFY(params.spellings.count("rock") == 1);
    const std::string rock = params.spellings.at("rock");
    QCOMPARE(core::normalizeTag(rock), std::string("rock"));
    QVERIFY(rock != "rock");  // the fixtures spell it with a capital
    const auto row = m_catalog->fileByPath(path("untagged.flac"));
    QVERIFY(row);
    p = library::proposalFromPredictions(row->id, path("untagged.flac"), {{"rock", 0.9f}}, params);
    const auto result = library::applyProposals(*m_catalog, {p});
    QVERIFY(result.status.ok());
    QCOMPARE(result.count(library::FileOutcomeKind::Written), 1);
    QCOMPARE(field(path("untagged.flac"), TagField::Genre), (Values{rock}));
    QVERIFY(hasFileTag(*m_catalog, row->id, "rock"));
  }

  // A placeholder genre counts as empty (issue 12 §6): the proposal replaces it instead of adding
  // beside it, a placeholder is never proposed, and the write replaces the placeholder in every
  // tag that holds it (here the ID3v2 TCON and an APEv2 Genre item) while every other field stays
  // as mutagen, an independent reader, saw it.
  void placeholderGenreIsReplaced() {
    const std::string file = path("placeholder.mp3");
    fs::copy_file(kData / "tagged-v24.mp3", file);
    QProcess python;
    python.start(songspace::testing::kTagToolPython,
                 {QStringLiteral("-c"),
                  QStringLiteral("import sys\n"
                                 "from mutagen.id3 import ID3, TCON\n"
                                 "from mutagen.apev2 import APEv2\n"
                                 "t = ID3(sys.argv[1]); t.setall('TCON', [TCON(encoding=3, "
                                 "text=['(none)'])]); t.save(sys.argv[1])\n"
                                 "a = APEv2(); a['Genre'] = 'Unknown Genre'; a['Title'] = 'Ape'\n"
                                 "a.save(sys.argv[1])\n"),
                  QString::fromStdString(file)});
    QVERIFY(python.waitForFinished(60000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    library::ScanOptions scan;
    scan.roots = {m_lib};
    scan.threads = 1;
    QVERIFY(library::runScan(*m_catalog, scan).status.ok());
    const auto row = m_catalog->fileByPath(file);
    QVERIFY(row);
    QVERIFY(!m_catalog->tags(row->id).empty());
    for (const auto& tag : m_catalog->tags(row->id))  // "(none)" is no tag of the song
      QVERIFY2(tag.tag != "(none)" && tag.tag != "unknown genre", tag.tag.c_str());

    library::AutotagParams params;
    params.minConfidence = 0.5f;
    const library::Proposal p = library::proposalFromPredictions(
        row->id, file, {{"(none)", 0.99f}, {"Jazz", 0.9f}, {"unknown", 0.8f}}, params);
    QVERIFY(!p.skipped());
    // TagLib reads "(none)" in TCON as an empty ID3v1 reference, so the merged view shows the
    // APEv2 item's placeholder: either is one.
    QCOMPARE(p.oldValues.size(), std::size_t(1));
    QVERIFY2(params.reading.isPlaceholder(p.oldValues[0]), p.oldValues[0].c_str());
    QCOMPARE(p.newValues, Values{"jazz"});
    QCOMPARE(p.added.size(), std::size_t(1));

    QString error;
    const auto mergedView = [&] {
      const QByteArray out = songspace::testing::runTagTool(
          {QStringLiteral("dump-tags"), QString::fromStdString(file)}, &error);
      return QJsonDocument::fromJson(out).object().value(QStringLiteral("merged")).toObject();
    };
    QJsonObject before = mergedView();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(before.value(QStringLiteral("genre")).toArray().first().toString(),
             QStringLiteral("(none)"));
    const auto result = library::applyProposals(*m_catalog, {p});
    QCOMPARE(result.count(library::FileOutcomeKind::Written), 1);
    QJsonObject after = mergedView();
    QCOMPARE(after.value(QStringLiteral("genre")).toArray(), QJsonArray{QStringLiteral("jazz")});
    before.remove(QStringLiteral("genre"));
    after.remove(QStringLiteral("genre"));
    QCOMPARE(after, before);
    // The APEv2 item that held the field's other placeholder is in sync, not stale.
    QProcess ape;
    ape.start(songspace::testing::kTagToolPython,
              {QStringLiteral("-c"),
               QStringLiteral("import sys\nfrom mutagen.apev2 import APEv2\n"
                              "print(list(APEv2(sys.argv[1])['Genre']))"),
               QString::fromStdString(file)});
    QVERIFY(ape.waitForFinished(60000));
    QCOMPARE(ape.readAllStandardOutput().trimmed(), QByteArray("['jazz']"));
  }

  // The catalog reads a written field back under the rules the library was scanned with, not
  // the defaults (issue 12 §5): with "," as a separator, a single GENRE "Rock, Pop" is the tags
  // rock and pop before the apply, after it and after its undo; never a tag "rock, pop".
  void userReadingRulesFollowWrites() {
    const std::string file = path("commas.flac");
    fs::copy_file(kData / "untagged.flac", file);
    QProcess python;
    python.start(songspace::testing::kTagToolPython,
                 {QStringLiteral("-c"),
                  QStringLiteral("import sys\nfrom mutagen.flac import FLAC\n"
                                 "f = FLAC(sys.argv[1]); f['GENRE'] = ['Rock, Pop']; f.save()\n"),
                  QString::fromStdString(file)});
    QVERIFY(python.waitForFinished(60000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    core::TagReadingRules rules;
    rules.genreSeparators = ";,";
    QVERIFY(rules.validate().empty());
    library::ScanOptions scan;
    scan.roots = {m_lib};
    scan.threads = 1;
    scan.reading = rules;
    QVERIFY(library::runScan(*m_catalog, scan).status.ok());
    const auto row = m_catalog->fileByPath(file);
    QVERIFY(row);
    const auto fileTags = [&] {
      std::set<std::string> tags;
      for (const auto& t : m_catalog->tags(row->id)) {
        if (t.source == core::TagSource::File) tags.insert(t.tag);
      }
      return tags;
    };
    const auto shown = [&] { return m_catalog->song(row->id)->info.genres; };
    QCOMPARE(fileTags(), (std::set<std::string>{"rock", "pop"}));
    QCOMPARE(shown(), (Values{"Rock", "Pop"}));

    library::AutotagParams params;
    params.minConfidence = 0.5f;
    params.reading = rules;
    const library::Proposal p =
        library::proposalFromPredictions(row->id, file, {{"pop", 0.95f}, {"jazz", 0.9f}}, params);
    QCOMPARE(p.oldValues, Values{"Rock, Pop"});
    QCOMPARE(p.newValues, (Values{"Rock, Pop", "jazz"}));  // "pop" is present: not proposed
    library::ApplyOptions apply;
    apply.reading = rules;
    QCOMPARE(
        library::applyProposals(*m_catalog, {p}, apply).count(library::FileOutcomeKind::Written),
        1);
    QCOMPARE(fileTags(), (std::set<std::string>{"rock", "pop", "jazz"}));
    QCOMPARE(shown(), (Values{"Rock", "Pop", "jazz"}));

    library::UndoOptions undo;
    undo.reading = rules;
    QCOMPARE(library::undoBatch(*m_catalog, undo).count(library::FileOutcomeKind::Written), 1);
    QCOMPARE(field(file, TagField::Genre), Values{"Rock, Pop"});
    QCOMPARE(fileTags(), (std::set<std::string>{"rock", "pop"}));
    QCOMPARE(shown(), (Values{"Rock", "Pop"}));
  }

  // However many tags are asked for, none below the minimum confidence is proposed; the batch's
  // expected precision is the mean probability of the tags it adds.
  void thresholdHoldsForAnyMaxTags() {
    const std::vector<library::ProposedTag> ranked{
        {"jazz", 0.97f}, {"blues", 0.75f}, {"soul", 0.7f}, {"funk", 0.69f}, {"metal", 0.2f}};
    library::AutotagParams params;
    params.field = TagField::Mood;  // empty in untagged.flac: every tag is new
    params.minConfidence = 0.7f;
    params.maxTags = library::kAutotagMaxTags.maxValue;
    const auto p = library::proposalFromPredictions(1, path("untagged.flac"), ranked, params);
    QCOMPARE(p.newValues, (Values{"jazz", "blues", "soul"}));
    for (const auto& tag : p.added) QVERIFY(tag.probability >= 0.7f);
    params.maxTags = 1;  // the cap still applies
    const auto one = library::proposalFromPredictions(1, path("untagged.flac"), ranked, params);
    QCOMPARE(one.newValues, (Values{"jazz"}));
    QCOMPARE(library::expectedBatchPrecision({p, one}),
             (double(0.97f) + double(0.75f) + double(0.7f) + double(0.97f)) / 4);
    library::Proposal skipped = p;
    skipped.skipCode = "changed";  // a skipped file adds nothing
    QCOMPARE(library::expectedBatchPrecision({skipped}), -1.0);
  }

  // chooseAutotagThreshold on a hand-made calibration: the model's threshold by default, the
  // curve's for a target precision, a given one as is; the errors a user can meet.
  void thresholdChoice() {
    core::JointModel model;
    library::AutotagThreshold t;
    auto status = library::chooseAutotagThreshold(model, std::nullopt, std::nullopt, t);
    QCOMPARE(status.error, songspace::base::ErrorCode::Unsupported);  // uncalibrated
    QVERIFY2(status.message.find("uncalibrated") != std::string::npos, status.message.c_str());
    QVERIFY(!library::chooseAutotagThreshold(model, 0.8f, std::nullopt, t).ok());

    core::Calibration c;
    c.autoTagThreshold = 0.634f;
    c.targetPrecision = 0.9f;
    c.expectedPrecision = 0.912f;
    c.precisionCurve = {{0.5f, 0.82f, 400}, {0.6f, 0.89f, 250}, {0.63f, 0.9f, 200},
                        {0.7f, 0.94f, 120}, {0.8f, 0.93f, 60},  {0.9f, 0.99f, 12},
                        {0.95f, 0.0f, 0}};
    model.calibration = c;
    QVERIFY(library::chooseAutotagThreshold(model, std::nullopt, std::nullopt, t).ok());
    QCOMPARE(t.source, library::AutotagThreshold::Source::Model);
    QCOMPARE(t.minConfidence, 0.634f);
    QCOMPARE(t.heldOutPrecision(), 0.912f);  // the model's exact figure
    QCOMPARE(t.heldOut->threshold, 0.63f);   // the grid point just below
    QVERIFY(t.note.empty());

    QVERIFY(library::chooseAutotagThreshold(model, std::nullopt, 0.93, t).ok());
    QCOMPARE(t.source, library::AutotagThreshold::Source::TargetPrecision);
    QCOMPARE(t.minConfidence, 0.7f);
    QCOMPARE(t.heldOutPrecision(), 0.94f);
    QCOMPARE(t.heldOut->proposals, 120);
    QVERIFY(library::chooseAutotagThreshold(model, std::nullopt, 0.99, t).ok());
    QCOMPARE(t.minConfidence, 0.9f);
    QVERIFY(t.note.empty());
    QVERIFY(library::chooseAutotagThreshold(model, std::nullopt, 1.0, t).ok());
    QCOMPARE(t.minConfidence, 1.0f);  // out of reach: the target itself, and a note says so
    QVERIFY(!t.note.empty());

    QVERIFY(library::chooseAutotagThreshold(model, 0.85f, std::nullopt, t).ok());
    QCOMPARE(t.source, library::AutotagThreshold::Source::MinConfidence);
    QCOMPARE(t.minConfidence, 0.85f);
    QCOMPARE(t.heldOutPrecision(), 0.93f);  // the point at 0.8

    status = library::chooseAutotagThreshold(model, 0.85f, 0.9, t);
    QCOMPARE(status.error, songspace::base::ErrorCode::InvalidArgument);
    status = library::chooseAutotagThreshold(model, 1.5f, std::nullopt, t);
    QVERIFY2(status.message.find("min_confidence") != std::string::npos, status.message.c_str());
    status = library::chooseAutotagThreshold(model, std::nullopt, 0.3, t);
    QVERIFY2(status.message.find("target_precision") != std::string::npos, status.message.c_str());

    model.calibration->precisionCurve.clear();  // a format-2 model file
    status = library::chooseAutotagThreshold(model, std::nullopt, 0.95, t);
    QCOMPARE(status.error, songspace::base::ErrorCode::Unsupported);
    QVERIFY2(status.message.find("precision curve") != std::string::npos, status.message.c_str());
    QVERIFY(library::chooseAutotagThreshold(model, std::nullopt, std::nullopt, t).ok());
    QCOMPARE(t.minConfidence, 0.634f);
    QVERIFY(!t.heldOut);
  }

  // The CLI end to end on the fixture library: an uncalibrated model is refused with the reason;
  // a calibrated one proposes at its own threshold by default (as `train --json` reports it),
  // never below a given minimum confidence however many tags are asked for, and at the curve's
  // threshold for a target precision.
  void cliThresholdsEndToEnd() {
    const QString db = m_dir.filePath(QStringLiteral("catalog.sqlite"));
    const auto cli = [&](QStringList args, QJsonObject* json = nullptr) {
      args << QStringLiteral("--db") << db;
      QProcess process;
      process.start(songspace::test::cliPath(), args);
      if (!process.waitForFinished(60000)) return -1;
      const QByteArray out = process.readAllStandardOutput();
      if (json) *json = QJsonDocument::fromJson(out).object();
      if (process.exitCode() != 0)
        qInfo("%s: %s", qPrintable(args.join(QLatin1Char(' '))),
              process.readAllStandardError().constData());
      return process.exitCode();
    };
    const QStringList quick{QStringLiteral("--epochs"), QStringLiteral("2"),
                            QStringLiteral("--dim"), QStringLiteral("4")};
    QCOMPARE(cli(QStringList{QStringLiteral("train"), QStringLiteral("--calibration-folds"),
                             QStringLiteral("0")}
                 << quick),
             0);
    QCOMPARE(cli({QStringLiteral("autotag"), QStringLiteral("--dry-run")}), 1);  // uncalibrated

    QJsonObject trained;
    QCOMPARE(cli(QStringList{QStringLiteral("train"), QStringLiteral("--calibration-folds"),
                             QStringLiteral("2"), QStringLiteral("--json")}
                     << quick,
                 &trained),
             0);
    const QJsonObject calibration = trained.value(QStringLiteral("calibration")).toObject();
    QVERIFY(calibration.value(QStringLiteral("calibrated")).toBool());
    // A small library: cross-validated, and the stored model is the committee of the final model
    // and the 2 fold models.
    QCOMPARE(calibration.value(QStringLiteral("source")).toString(),
             QStringLiteral("cross-validation"));
    QCOMPARE(calibration.value(QStringLiteral("committee")).toInt(), 3);
    const double modelThreshold =
        calibration.value(QStringLiteral("auto_tag_threshold")).toDouble();
    QVERIFY(modelThreshold >= core::kAutoTagThresholdFloor && modelThreshold <= 1);
    // Every added tag's probability, and the check that none is below `threshold`.
    const auto probabilities = [](const QJsonObject& run, double threshold) {
      std::vector<double> all;
      for (const auto file : run.value(QStringLiteral("files")).toArray()) {
        for (const auto added : file.toObject().value(QStringLiteral("added")).toArray()) {
          const double p = added.toObject().value(QStringLiteral("probability")).toDouble();
          if (p < threshold) QTest::qFail("a tag below the threshold", __FILE__, __LINE__);
          all.push_back(p);
        }
      }
      return all;
    };

    QJsonObject byDefault;
    QCOMPARE(cli({QStringLiteral("autotag"), QStringLiteral("--dry-run"), QStringLiteral("--json")},
                 &byDefault),
             0);
    QCOMPARE(byDefault.value(QStringLiteral("threshold_source")).toString(),
             QStringLiteral("model"));
    QCOMPARE(byDefault.value(QStringLiteral("min_confidence")).toDouble(), modelThreshold);
    const std::vector<double> proposed = probabilities(byDefault, modelThreshold * (1 - 1e-6));
    if (!proposed.empty()) {
      double mean = 0;
      for (const double p : proposed) mean += p / double(proposed.size());
      QVERIFY(std::abs(byDefault.value(QStringLiteral("expected_precision")).toDouble() - mean) <
              1e-5);
    }

    QJsonObject strict;
    QCOMPARE(cli({QStringLiteral("autotag"), QStringLiteral("--dry-run"), QStringLiteral("--json"),
                  QStringLiteral("--max-tags"), QStringLiteral("50"),
                  QStringLiteral("--min-confidence"), QStringLiteral("0.9")},
                 &strict),
             0);
    QCOMPARE(strict.value(QStringLiteral("min_confidence")).toDouble(), 0.9);
    probabilities(strict, 0.9 * (1 - 1e-6));

    QJsonObject targeted;
    QCOMPARE(cli({QStringLiteral("autotag"), QStringLiteral("--dry-run"), QStringLiteral("--json"),
                  QStringLiteral("--target-precision"), QStringLiteral("0.95")},
                 &targeted),
             0);
    QCOMPARE(targeted.value(QStringLiteral("threshold_source")).toString(),
             QStringLiteral("target_precision"));
    const double chosen = targeted.value(QStringLiteral("min_confidence")).toDouble();
    // A grid threshold (whole percent) reaching 0.95 on the held-out songs, or 0.95 itself.
    QVERIFY2(std::abs(chosen * 100 - std::round(chosen * 100)) < 1e-4,
             qPrintable(QString::number(chosen)));
    const double reached = targeted.value(QStringLiteral("held_out_precision")).toDouble(-1);
    QVERIFY(reached >= 0.95 * (1 - 1e-6) ||
            (chosen == 0.95 && targeted.contains(QStringLiteral("note"))));
    probabilities(targeted, chosen * (1 - 1e-6));
  }

  void applySkipsAndUndo() {
    const std::vector<std::string> names{"tagged-v23.mp3", "tagged-v24.mp3", "tagged.flac",
                                         "tagged.ogg",     "tagged.opus",    "tagged.m4a",
                                         "tagged.wav",     "untagged.flac"};
    std::map<std::string, Values> before;
    for (const auto& n : names) before[n] = field(path(n), TagField::Genre);
    auto props = proposals(names);
    // Skips: read-only (mode bits; root bypasses access()), changed since the scan, outside.
    ::chmod(path("tagged.ogg").c_str(), 0444);
    QVERIFY(audio::writeTagField(path("untagged.flac"), TagField::Comment, {"edited"}).ok());
    std::ofstream(m_lib + "/outside.flac") << "x";
    library::Proposal outside = props.front();
    outside.fileId = 0;
    outside.path = m_lib + "/outside.flac";
    props.push_back(outside);

    const auto result = library::applyProposals(*m_catalog, props);
    QVERIFY(result.status.ok());
    QVERIFY(result.batchId > 0);
    QCOMPARE(result.count(library::FileOutcomeKind::Written), 5);
    QCOMPARE(result.count(library::FileOutcomeKind::Failed), 0);
    const auto code = [&](const std::string& p) {
      const auto* o = outcomeOf(result, p);
      return o ? QString::fromStdString(o->code) : QStringLiteral("<none>");
    };
    QCOMPARE(code(path("tagged.ogg")), QStringLiteral("read_only"));
    QCOMPARE(code(path("untagged.flac")), QStringLiteral("changed"));
    QCOMPARE(code(path("tagged.wav")), QStringLiteral("unsupported"));
    QCOMPARE(code(m_lib + "/outside.flac"), QStringLiteral("not_in_library"));
    for (const auto& n :
         {"tagged-v23.mp3", "tagged-v24.mp3", "tagged.flac", "tagged.opus", "tagged.m4a"}) {
      Values want = before[n];
      want.push_back("jazz");
      QCOMPARE(field(path(n), TagField::Genre), want);
      const auto row = m_catalog->fileByPath(path(n));
      QCOMPARE(row->stamp, *songspace::base::fileStamp(path(n)));  // the next scan sees no change
      QVERIFY(hasFileTag(*m_catalog, row->id, "jazz"));
    }
    QCOMPARE(field(path("tagged.ogg"), TagField::Genre), before["tagged.ogg"]);
    int done = 0;
    for (const auto& e : m_catalog->editsOfBatch(result.batchId)) {
      done +=
          e.state == core::TagEditState::Done && e.newStamp == songspace::base::fileStamp(e.path);
    }
    QCOMPARE(done, 5);

    // A file edited after the apply is refused by undo, and restored with force.
    QVERIFY(audio::writeTagField(path("tagged.m4a"), TagField::Mood, {"later"}).ok());
    QCOMPARE(library::lastUndoableBatch(*m_catalog), std::optional<std::int64_t>(result.batchId));
    const auto undo = library::undoBatch(*m_catalog);
    QVERIFY(undo.status.ok());
    QCOMPARE(undo.count(library::FileOutcomeKind::Written), 4);
    QCOMPARE(QString::fromStdString(outcomeOf(undo, path("tagged.m4a"))->code),
             QStringLiteral("changed"));
    for (const auto& n : {"tagged-v23.mp3", "tagged-v24.mp3", "tagged.flac", "tagged.opus"}) {
      QCOMPARE(field(path(n), TagField::Genre), before[n]);
      QVERIFY(!hasFileTag(*m_catalog, m_catalog->fileByPath(path(n))->id, "jazz"));
    }
    const auto undoBatch = m_catalog->tagBatch(undo.batchId);
    QCOMPARE(undoBatch->kind, core::TagBatchKind::Undo);
    QCOMPARE(undoBatch->undoesBatch, result.batchId);
    // Already undone: refused, nothing written; nothing else to undo.
    library::UndoOptions again;
    again.batchId = result.batchId;
    QVERIFY(!library::undoBatch(*m_catalog, again).status.ok());
    QVERIFY(!library::lastUndoableBatch(*m_catalog));

    // Forced undo of a second apply restores the edited file too.
    const auto second = library::applyProposals(*m_catalog, proposals({"tagged.flac"}));
    QCOMPARE(second.count(library::FileOutcomeKind::Written), 1);
    QVERIFY(audio::writeTagField(path("tagged.flac"), TagField::Mood, {"later"}).ok());
    library::UndoOptions force;
    force.force = true;
    QCOMPARE(library::undoBatch(*m_catalog, force).count(library::FileOutcomeKind::Written), 1);
    QCOMPARE(field(path("tagged.flac"), TagField::Genre), before["tagged.flac"]);
    QCOMPARE(field(path("tagged.flac"), TagField::Mood), Values{"later"});
  }

  // A second connection holds the catalog's write lock while the apply reaches the second file:
  // that file's journal entry cannot be committed (Busy, after the busy timeout), so the file is
  // left untouched and reported as failed with its path; it is neither counted as written nor
  // undoable. The files before and after it are written as usual, and it can be applied later.
  void lockedCatalogFailsOneFile() {
    const std::vector<std::string> names{"tagged-v24.mp3", "tagged.flac", "tagged.opus"};
    std::map<std::string, Values> before;
    for (const auto& n : names) before[n] = field(path(n), TagField::Genre);
    auto holder = core::Catalog::open(m_dir.path().toStdString() + "/catalog.sqlite");
    QVERIFY(holder);
    bool locked = false;
    bool released = false;
    library::ApplyOptions options;
    options.progress = [&](int done, int, const library::FileOutcome&) {
      if (done == 1) locked = holder->beginBatch().ok();  // BEGIN IMMEDIATE: the write lock
      if (done == 2) released = holder->rollbackBatch().ok();
    };
    const auto result = library::applyProposals(*m_catalog, proposals(names), options);
    QVERIFY(locked);
    QVERIFY(released);

    QVERIFY2(result.status.ok(), result.status.message.c_str());  // one file failed, not the run
    QCOMPARE(result.files.size(), names.size());
    QCOMPARE(result.count(library::FileOutcomeKind::Written), 2);
    QCOMPARE(result.count(library::FileOutcomeKind::Failed), 1);
    const library::FileOutcome* lost = outcomeOf(result, path("tagged.flac"));
    QVERIFY(lost != nullptr);
    QCOMPARE(lost->kind, library::FileOutcomeKind::Failed);
    QCOMPARE(QString::fromStdString(lost->code), QStringLiteral("catalog"));
    QVERIFY2(lost->reason.find("cannot journal") != std::string::npos, lost->reason.c_str());
    QCOMPARE(field(path("tagged.flac"), TagField::Genre), before["tagged.flac"]);
    const auto flac = m_catalog->fileByPath(path("tagged.flac"));
    QVERIFY(!hasFileTag(*m_catalog, flac->id, "jazz"));
    for (const auto& n : {"tagged-v24.mp3", "tagged.opus"}) {
      QCOMPARE(outcomeOf(result, path(n))->kind, library::FileOutcomeKind::Written);
      Values want = before[n];
      want.push_back("jazz");
      QCOMPARE(field(path(n), TagField::Genre), want);
      QVERIFY(hasFileTag(*m_catalog, m_catalog->fileByPath(path(n))->id, "jazz"));
    }
    std::vector<std::string> done;
    for (const auto& e : m_catalog->editsOfBatch(result.batchId)) {
      if (e.state == core::TagEditState::Done) done.push_back(e.path);
      QVERIFY2(e.path != path("tagged.flac"), "the lost file's edit was journaled");
    }
    QCOMPARE(done, (std::vector<std::string>{path("tagged-v24.mp3"), path("tagged.opus")}));
    const auto undoable = library::lastUndoableBatchInfo(*m_catalog);
    QVERIFY(undoable);
    QCOMPARE(undoable->batchId, result.batchId);
    QCOMPARE(undoable->files, 2);

    // Nothing holds the lock now: the lost file is applied like any other.
    const auto retry = library::applyProposals(*m_catalog, proposals({"tagged.flac"}));
    QCOMPARE(retry.count(library::FileOutcomeKind::Written), 1);
    QCOMPARE(field(path("tagged.flac"), TagField::Genre), (Values{"Rock;Pop", "jazz"}));
  }

  // Interrupted runs: a Pending edit whose file holds the new values becomes Done (stamp
  // recorded); one whose file is untouched becomes Failed; stale temporary files are removed.
  void recoversInterruptedEdits() {
    const auto flac = m_catalog->fileByPath(path("tagged.flac"));
    const auto opus = m_catalog->fileByPath(path("tagged.opus"));
    std::int64_t batch = 0;
    QVERIFY(m_catalog->createTagBatch(core::TagBatchKind::Apply, 0, "test", &batch).ok());
    const auto journal = [&](const core::FileRow& row, const Values& oldV, const Values& newV) {
      core::TagEdit e;
      e.batchId = batch;
      e.fileId = row.id;
      e.path = row.path;
      e.field = "genre";
      e.oldValuesJson = library::valuesToJson(oldV);
      e.newValuesJson = library::valuesToJson(newV);
      e.oldStamp = row.stamp;
      std::int64_t id = 0;
      if (!m_catalog->journalEdit(e, &id).ok()) return std::int64_t{0};  // the caller checks
      return id;
    };
    const Values flacOld = field(flac->path, TagField::Genre);
    const Values flacNew{"Rock;Pop", "jazz"};
    journal(*flac, flacOld, flacNew);
    journal(*opus, field(opus->path, TagField::Genre), {"jazz"});
    // The kill came after the rename of the FLAC and before finishEdit.
    QVERIFY(library::safeWriteTags(flac->path, {{TagField::Genre, flacNew, {}}}).status.ok());
    std::ofstream(m_lib + "/.tagged.opus.songspace-tmp-999999999-0") << "partial";

    const auto report = library::recoverInterruptedEdits(*m_catalog);
    QCOMPARE(report.markedDone, 1);
    QCOMPARE(report.markedFailed, 1);
    QCOMPARE(report.tempFilesRemoved, 1);
    const auto edits = m_catalog->editsOfBatch(batch);
    QCOMPARE(edits[0].state, core::TagEditState::Done);
    QCOMPARE(edits[0].newStamp, songspace::base::fileStamp(flac->path));
    QCOMPARE(edits[1].state, core::TagEditState::Failed);
    QCOMPARE(m_catalog->fileByPath(flac->path)->stamp, *songspace::base::fileStamp(flac->path));
    QVERIFY(m_catalog->batchesWithPendingEdits().empty());
    QVERIFY(!fs::exists(m_lib + "/.tagged.opus.songspace-tmp-999999999-0"));
  }

  void cliUndo() {
    const auto applied =
        library::applyProposals(*m_catalog, proposals({"tagged.flac", "tagged.ogg"}));
    QCOMPARE(applied.count(library::FileOutcomeKind::Written), 2);
    QProcess cli;
    cli.start(songspace::test::cliPath(),
              {QStringLiteral("undo"), QStringLiteral("--db"),
               m_dir.path() + QStringLiteral("/catalog.sqlite"), QStringLiteral("--json")});
    QVERIFY(cli.waitForFinished(30000));
    QCOMPARE(cli.exitCode(), 0);
    const auto json = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
    QCOMPARE(json.value(QStringLiteral("written")).toInt(), 2);
    QCOMPARE(json.value(QStringLiteral("files")).toArray().size(), 2);
    QCOMPARE(field(path("tagged.flac"), TagField::Genre), (Values{"Rock;Pop"}));
    QCOMPARE(field(path("tagged.ogg"), TagField::Genre),
             field((kData / "tagged.ogg").string(), TagField::Genre));
    cli.start(songspace::test::cliPath(), {QStringLiteral("undo"), QStringLiteral("--db"),
                                           m_dir.path() + QStringLiteral("/catalog.sqlite")});
    QVERIFY(cli.waitForFinished(30000));
    QCOMPARE(cli.exitCode(), 1);  // nothing left to undo
  }

  // No feedback loop: values auto-tag wrote keep their provenance through rescans (one that skips
  // the files and one that analyses a file again) and never become training labels until the
  // user accepts them; then they are user tags and labels. Undo leaves accepted files alone.
  void writtenValuesAreLabelsOnlyOnceAccepted() {
    const std::vector<std::string> names{"tagged-v24.mp3", "tagged.flac", "tagged.opus",
                                         "tagged.m4a"};
    const Labels before = trainingLabels(*m_catalog);
    QVERIFY(!before.empty());
    const auto applied = library::applyProposals(*m_catalog, proposals(names));
    QCOMPARE(applied.count(library::FileOutcomeKind::Written), 4);  // "jazz" on 4 songs
    library::ScanOptions scan;
    scan.roots = {m_lib};
    scan.threads = 1;
    QCOMPARE(library::runScan(*m_catalog, scan).analyzed, 0);
    QCOMPARE(trainingLabels(*m_catalog), before);
    // A rescan that analyses a file again (its mtime changed) keeps what Songspace wrote.
    const auto flacId = m_catalog->fileByPath(path("tagged.flac"))->id;
    fs::last_write_time(path("tagged.flac"),
                        fs::last_write_time(path("tagged.flac")) + std::chrono::seconds(5));
    QCOMPARE(library::runScan(*m_catalog, scan).analyzed, 1);
    QCOMPARE(trainingLabels(*m_catalog), before);
    QCOMPARE(m_catalog->writtenTags(applied.batchId).size(), std::size_t(4));
    bool shownAsWritten = false;
    for (const auto& t : m_catalog->tags(flacId))
      shownAsWritten |= t.tag == "jazz" && t.source == core::TagSource::File && t.written;
    QVERIFY(shownAsWritten);
    // Undo and accept know which batch is which; accepting the unknown fails, changing nothing.
    QCOMPARE(library::lastAcceptableBatchInfo(*m_catalog)->batchId, applied.batchId);
    QCOMPARE(library::lastAcceptableBatchInfo(*m_catalog)->files, 4);
    library::AcceptRequest bad;
    bad.batches = {applied.batchId, applied.batchId + 100};
    QCOMPARE(library::acceptWritten(*m_catalog, bad).status.error,
             songspace::base::ErrorCode::NotFound);
    bad = {{}, {path("tagged.flac"), m_lib + "/nowhere.flac"}};
    QCOMPARE(library::acceptWritten(*m_catalog, bad).status.error,
             songspace::base::ErrorCode::NotFound);
    bad = {{}, {path("tagged-v23.mp3")}};  // in the library, but nothing was written into it
    QCOMPARE(library::acceptWritten(*m_catalog, bad).status.error,
             songspace::base::ErrorCode::NotFound);
    QCOMPARE(trainingLabels(*m_catalog), before);

    // Accepting two files makes their value a label (a tag needs two songs); undo restores the
    // others and skips them.
    const auto two =
        library::acceptWritten(*m_catalog, {{}, {path("tagged.flac"), path("tagged.m4a")}});
    QVERIFY2(two.status.ok(), two.status.message.c_str());
    QCOMPARE(two.tags.size(), std::size_t(2));
    QCOMPARE(two.tags.front().tag, std::string("jazz"));
    Labels expected = before;
    expected[path("tagged.flac")].insert("jazz");
    expected[path("tagged.m4a")].insert("jazz");
    QCOMPARE(trainingLabels(*m_catalog), expected);
    const auto undo = library::undoBatch(*m_catalog);
    QCOMPARE(undo.count(library::FileOutcomeKind::Written), 2);
    QCOMPARE(QString::fromStdString(outcomeOf(undo, path("tagged.flac"))->code),
             QStringLiteral("accepted"));
    QCOMPARE(field(path("tagged.flac"), TagField::Genre), (Values{"Rock;Pop", "jazz"}));
    QCOMPARE(trainingLabels(*m_catalog), expected);
    QVERIFY(!library::lastAcceptableBatchInfo(*m_catalog));

    // A whole batch accepted: every value a label, and the batch can no longer be undone.
    const auto second =
        library::applyProposals(*m_catalog, proposals({"tagged-v24.mp3", "tagged.opus"}));
    QCOMPARE(second.count(library::FileOutcomeKind::Written), 2);
    QCOMPARE(trainingLabels(*m_catalog), expected);
    const auto all = library::acceptWritten(*m_catalog, {{second.batchId}, {}});
    QVERIFY2(all.status.ok(), all.status.message.c_str());
    QCOMPARE(all.files(), 2);
    expected[path("tagged-v24.mp3")].insert("jazz");
    expected[path("tagged.opus")].insert("jazz");
    QCOMPARE(trainingLabels(*m_catalog), expected);
    QCOMPARE(library::acceptWritten(*m_catalog, {{second.batchId}, {}}).status.error,
             songspace::base::ErrorCode::InvalidArgument);  // accepted already
    QCOMPARE(library::acceptWritten(*m_catalog, {{applied.batchId}, {}}).status.error,
             songspace::base::ErrorCode::InvalidArgument);  // undone
    library::UndoOptions undoSecond;
    undoSecond.batchId = second.batchId;
    QCOMPARE(library::undoBatch(*m_catalog, undoSecond).status.error,
             songspace::base::ErrorCode::InvalidArgument);
    QVERIFY(!library::lastUndoableBatch(*m_catalog));
    QCOMPARE(library::runScan(*m_catalog, scan).analyzed, 0);
    QCOMPARE(trainingLabels(*m_catalog), expected);
  }

  // The catalog follows its own writes: after an apply and after an undo, the stored metadata of
  // the field (what the library table shows) is what the scanner reads from the file, and a
  // rescan with the mtimes kept (the default) analyses nothing and changes nothing.
  void catalogFollowsWrites() {
    const std::vector<std::string> names{"tagged-v23.mp3", "tagged-v24.mp3", "tagged.flac",
                                         "tagged.opus", "tagged.m4a"};
    std::map<std::string, Values> before;
    for (const auto& n : names) {
      before[n] = m_catalog->song(m_catalog->fileByPath(path(n))->id)->info.genres;
      QCOMPARE(before[n], scannedGenres(path(n)));
    }
    auto props = proposals(names);
    library::AutotagParams mood;
    mood.field = TagField::Mood;
    const auto untagged = m_catalog->fileByPath(path("untagged.flac"));
    props.push_back(library::proposalFromPredictions(untagged->id, path("untagged.flac"),
                                                     {{"calm", 1.0f}}, mood));
    const auto applied = library::applyProposals(*m_catalog, props);
    QCOMPARE(applied.count(library::FileOutcomeKind::Written), 6);
    const auto stored = [&](const std::string& n) {
      return m_catalog->song(m_catalog->fileByPath(path(n))->id)->info;
    };
    const auto checkAll = [&](bool written) {
      for (const auto& n : names) {
        const Values genres = stored(n).genres;
        if (genres != scannedGenres(path(n))) return "genre of " + n + " not as the file says";
        if ((genres != before[n]) != written) return "genre of " + n + " (un)changed";
      }
      if (stored("untagged.flac").moods != (written ? Values{"calm"} : Values{}))
        return std::string("mood of untagged.flac");
      return std::string();
    };
    QCOMPARE(checkAll(true), std::string());
    library::ScanOptions scan;
    scan.roots = {m_lib};
    scan.threads = 1;
    auto rescan = library::runScan(*m_catalog, scan);
    QCOMPARE(rescan.analyzed, 0);
    QCOMPARE(rescan.unchanged, static_cast<int>(kFixtures.size()));
    QCOMPARE(checkAll(true), std::string());

    const auto undo = library::undoBatch(*m_catalog);
    QCOMPARE(undo.count(library::FileOutcomeKind::Written), 6);
    QCOMPARE(checkAll(false), std::string());
    rescan = library::runScan(*m_catalog, scan);
    QCOMPARE(rescan.analyzed, 0);
    QCOMPARE(checkAll(false), std::string());
  }

  // The CLI's accept: by path and by batch, --json, and a clear error for an unknown batch.
  void cliAccept() {
    const auto applied =
        library::applyProposals(*m_catalog, proposals({"tagged.flac", "tagged.opus"}));
    QCOMPARE(applied.count(library::FileOutcomeKind::Written), 2);
    const QString db = m_dir.path() + QStringLiteral("/catalog.sqlite");
    const auto run = [&](const QStringList& args, int* exitCode) {
      QProcess cli;
      cli.start(songspace::test::cliPath(),
                QStringList{QStringLiteral("accept"), QStringLiteral("--db"), db,
                            QStringLiteral("--json")} +
                    args);
      if (!cli.waitForFinished(30000)) return QJsonObject();
      *exitCode = cli.exitCode();
      return QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
    };
    int exitCode = -1;
    auto json = run({QString::fromStdString(path("tagged.opus"))}, &exitCode);
    QCOMPARE(exitCode, 0);
    const auto accepted = json.value(QStringLiteral("accepted")).toArray();
    QCOMPARE(accepted.size(), 1);
    QCOMPARE(accepted[0].toObject().value(QStringLiteral("tag")).toString(),
             QStringLiteral("jazz"));
    QCOMPARE(accepted[0].toObject().value(QStringLiteral("path")).toString(),
             QString::fromStdString(path("tagged.opus")));
    json = run({QString::number(applied.batchId + 50)}, &exitCode);
    QCOMPARE(exitCode, 1);
    QCOMPARE(json.value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));
    QVERIFY(json.value(QStringLiteral("error"))
                .toString()
                .contains(QStringLiteral("no auto-tag batch")));
    json = run({QString::number(applied.batchId)}, &exitCode);
    QCOMPARE(exitCode, 0);
    QCOMPARE(json.value(QStringLiteral("files")).toInt(), 1);  // the FLAC; the Opus was accepted
    bool userTag = false;
    for (const auto& t : m_catalog->tags(m_catalog->fileByPath(path("tagged.flac"))->id))
      userTag |= t.tag == "jazz" && t.source == core::TagSource::User;
    QVERIFY(userTag);
  }

  void cleanup() { m_catalog.reset(); }
};

QTEST_GUILESS_MAIN(TestAutotag)
#include "tst_autotag.moc"
