// Auto-tagging engine on a scanned library of fixture copies: proposals (score cut, max tags,
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
#include <filesystem>
#include <fstream>
#include <map>

#include "core/catalog/catalog.h"
#include "core/library/autotag.h"
#include "core/library/autotagapply.h"
#include "core/library/safetagwrite.h"
#include "core/library/scanjob.h"
#include "core/library/tagundo.h"

namespace library = songspace::library;
namespace audio = songspace::audio;
namespace core = songspace::core;
using audio::TagField;
namespace fs = std::filesystem;
using Values = std::vector<std::string>;

namespace {

const fs::path kData = fs::path(SONGSPACE_TEST_DATA_DIR) / "tags";
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
    params.minScore = 0.5f;
    std::vector<library::Proposal> out;
    for (const auto& name : names) {
      const auto row = m_catalog->fileByPath(path(name));
      out.push_back(library::proposalFromPredictions(row ? row->id : 0, path(name),
                                                     {{"rock", 3.0f}, {"jazz", 2.0f}}, params));
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
    params.minScore = 0.0f;
    params.maxTags = 3;
    const std::vector<library::ProposedTag> ranked{
        {"jazz", 2.0f}, {"POP", 1.5f}, {"blues", 0.5f}, {"metal", 0.4f}, {"soul", -1.0f}};
    // FLAC genre is ["Rock;Pop"]: "POP" is present by normalised name; metal is past maxTags.
    auto p = library::proposalFromPredictions(1, path("tagged.flac"), ranked, params);
    QVERIFY(!p.skipped());
    QCOMPARE(p.oldValues, (Values{"Rock;Pop"}));
    QCOMPARE(p.newValues, (Values{"Rock;Pop", "jazz", "blues"}));
    QCOMPARE(p.added.size(), std::size_t(2));
    params.mode = library::AutotagMode::Replace;
    p = library::proposalFromPredictions(1, path("tagged.flac"), ranked, params);
    QCOMPARE(p.newValues, (Values{"jazz", "pop", "blues"}));
    p = library::proposalFromPredictions(1, path("tagged.flac"), {{"ROCK;pop", 1.0f}}, params);
    QCOMPARE(QString::fromStdString(p.skipCode), QStringLiteral("nothing_new"));
    params.minScore = 1.0f;
    params.mode = library::AutotagMode::Add;
    params.field = TagField::Mood;
    p = library::proposalFromPredictions(1, path("untagged.flac"), ranked, params);
    QCOMPARE(p.newValues, (Values{"jazz", "pop"}));
    params.minScore = 5.0f;
    p = library::proposalFromPredictions(1, path("tagged.flac"), ranked, params);
    QCOMPARE(QString::fromStdString(p.skipCode), QStringLiteral("no_prediction"));
    params.minScore = 0.0f;
    params.field = TagField::Genre;
    p = library::proposalFromPredictions(1, path("tagged.flac"), {{"rock", 1.0f}}, params);
    QCOMPARE(QString::fromStdString(p.skipCode), QStringLiteral("nothing_new"));
    QCOMPARE(library::tagFieldFromName("grouping"), std::optional<TagField>(TagField::Grouping));
    QVERIFY(!library::tagFieldFromName("year"));
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
    cli.start(QStringLiteral(SONGSPACE_CLI_PATH),
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
    cli.start(QStringLiteral(SONGSPACE_CLI_PATH),
              {QStringLiteral("undo"), QStringLiteral("--db"),
               m_dir.path() + QStringLiteral("/catalog.sqlite")});
    QVERIFY(cli.waitForFinished(30000));
    QCOMPARE(cli.exitCode(), 1);  // nothing left to undo
  }

  void cleanup() { m_catalog.reset(); }
};

QTEST_GUILESS_MAIN(TestAutotag)
#include "tst_autotag.moc"
