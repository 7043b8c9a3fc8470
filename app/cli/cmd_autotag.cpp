// songspace-cli autotag / undo: write predicted tags into files safely, and take them back.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include "app/cli/cliutil.h"
#include "app/cli/command.h"
#include "core/catalog/catalog.h"
#include "core/library/autotag.h"
#include "core/library/autotagapply.h"
#include "core/library/modelsession.h"
#include "core/library/paths.h"
#include "core/library/tagundo.h"

namespace songspace::cli {
namespace {

struct AutotagParameters {
  QString db;
  library::AutotagParams autotag;
  std::optional<double> targetPrecision;
  bool replace = false;
  bool touch = false;
  bool dryRun = false;
  bool apply = false;
  bool json = false;
};

OptionSet declareAutotag(AutotagParameters& p) {
  OptionSet options;
  options.text(QStringLiteral("--db"), QStringLiteral("FILE"), kCatalogOptionHelp, p.db)
      .choice(QStringLiteral("--field"), audio::kTagFieldSpec, p.autotag.field)
      .optionalNumber(QStringLiteral("--min-confidence"), library::kAutotagMinConfidence,
                      p.autotag.minConfidence, QStringLiteral("P"),
                      QStringLiteral("the model's threshold"))
      .optionalNumber(QStringLiteral("--target-precision"),
                      core::CalibrationOptions::kTargetPrecision, p.targetPrecision,
                      QStringLiteral("T"),
                      QStringLiteral("the model's (not with --min-confidence); the threshold is "
                                     "the lowest at which held-out proposals reached T"))
      .number(QStringLiteral("--max-tags"), library::kAutotagMaxTags, p.autotag.maxTags)
      .flag(QStringLiteral("--replace"),
            QStringLiteral("the field becomes the proposed values (default: they are added)"),
            p.replace)
      .flag(QStringLiteral("--touch"),
            QStringLiteral("let the files' modification times change (default: kept)"), p.touch)
      .flag(QStringLiteral("--dry-run"),
            QStringLiteral("show what would change, write nothing (this or --apply)"), p.dryRun)
      .shownAs(QStringLiteral("(--dry-run | --apply)"))
      .flag(QStringLiteral("--apply"),
            QStringLiteral("write the tags, journaled for undo (this or --dry-run)"), p.apply)
      .shownAs(QString())
      .flag(QStringLiteral("--json"), kJsonOptionHelp, p.json);
  addReadingOptions(options, p.autotag.reading, true);
  return options;
}

const QString kAutotagSynopsis = [] {
  AutotagParameters defaults;
  return QStringLiteral("autotag [PATH|ID ...] ") + declareAutotag(defaults).synopsis();
}();

struct UndoParameters {
  QString db;
  bool force = false;
  bool touch = false;
  bool json = false;
  core::TagReadingRules reading;
};

OptionSet declareUndo(UndoParameters& p) {
  OptionSet options;
  options.text(QStringLiteral("--db"), QStringLiteral("FILE"), kCatalogOptionHelp, p.db)
      .flag(QStringLiteral("--force"), QStringLiteral("restore files changed since the batch too"),
            p.force)
      .flag(QStringLiteral("--touch"),
            QStringLiteral("let the files' modification times change (default: kept)"), p.touch)
      .flag(QStringLiteral("--json"), kJsonOptionHelp, p.json);
  addReadingOptions(options, p.reading, true);
  return options;
}

const QString kUndoSynopsis = [] {
  UndoParameters defaults;
  return QStringLiteral("undo [BATCH] ") + declareUndo(defaults).synopsis();
}();

QString joined(const std::vector<std::string>& values) {
  if (values.empty()) return QStringLiteral("(empty)");
  QStringList list;
  for (const auto& v : values) list << QString::fromStdString(v);
  return list.join(QStringLiteral(", "));
}

QJsonArray jsonList(const std::vector<std::string>& values) {
  QJsonArray array;
  for (const auto& v : values) array.append(QString::fromStdString(v));
  return array;
}

QString pathText(const std::string& path) {
  return QFile::decodeName(path.c_str());
}

QJsonObject outcomeJson(const library::FileOutcome& o) {
  QJsonObject object{{QStringLiteral("path"), pathText(o.path)},
                     {QStringLiteral("field"), QString::fromStdString(o.field)},
                     {QStringLiteral("old"), jsonList(o.oldValues)},
                     {QStringLiteral("new"), jsonList(o.newValues)},
                     {QStringLiteral("outcome"), QLatin1String(library::fileOutcomeName(o.kind))}};
  if (o.fileId) object.insert(QStringLiteral("file_id"), static_cast<qint64>(o.fileId));
  if (!o.code.empty()) object.insert(QStringLiteral("code"), QString::fromStdString(o.code));
  if (!o.reason.empty()) object.insert(QStringLiteral("reason"), QString::fromStdString(o.reason));
  return object;
}

void printOutcome(QTextStream& out, const library::FileOutcome& o) {
  out << pathText(o.path) << ": ";
  if (o.kind == library::FileOutcomeKind::Written) {
    out << QString::fromStdString(o.field) << " " << joined(o.oldValues) << " → "
        << joined(o.newValues) << "  [written]\n";
  } else {
    out << (o.kind == library::FileOutcomeKind::Failed ? "FAILED: " : "skipped: ")
        << QString::fromStdString(o.reason) << "\n";
  }
  out.flush();
}

QString percent(double probability) {
  return QString::number(100.0 * probability, 'f', 0) + QLatin1Char('%');
}

QLatin1String sourceName(library::AutotagThreshold::Source source) {
  switch (source) {
    case library::AutotagThreshold::Source::MinConfidence:
      return QLatin1String("min_confidence");
    case library::AutotagThreshold::Source::TargetPrecision:
      return QLatin1String("target_precision");
    case library::AutotagThreshold::Source::Model:
      break;
  }
  return QLatin1String("model");
}

// One line saying which threshold applies and what it did on the held-out songs.
QString thresholdText(const library::AutotagThreshold& t) {
  QString text = QStringLiteral("minimum confidence %1").arg(percent(t.minConfidence));
  switch (t.source) {
    case library::AutotagThreshold::Source::Model:
      text += QStringLiteral(" (the model's, for precision %1)").arg(percent(t.targetPrecision));
      break;
    case library::AutotagThreshold::Source::TargetPrecision:
      text += QStringLiteral(" (for precision %1)").arg(percent(t.targetPrecision));
      break;
    case library::AutotagThreshold::Source::MinConfidence:
      text += QStringLiteral(" (given)");
      break;
  }
  const float heldOut = t.heldOutPrecision();
  if (heldOut >= 0) {
    text += QStringLiteral("; held-out songs: %1 of the proposals right").arg(percent(heldOut));
    if (t.heldOut)
      text += QStringLiteral(" (%1 proposals at ≥ %2)")
                  .arg(t.heldOut->proposals)
                  .arg(percent(t.heldOut->threshold));
  } else if (t.heldOut) {
    text += QStringLiteral("; no held-out proposal was that probable");
  } else {
    text += QStringLiteral("; held-out precision unknown (model saved before format 4)");
  }
  if (!t.note.empty()) text += QStringLiteral("\nnote: ") + QString::fromStdString(t.note);
  return text;
}

// A probability as JSON: 0–1, with the digits a float holds (0.9, not 0.8999999761581421); null
// when unknown (negative).
QJsonValue probabilityJson(double p) {
  return p >= 0 ? QJsonValue(QString::number(p, 'g', 6).toDouble()) : QJsonValue();
}

QJsonObject thresholdJson(const library::AutotagThreshold& t, double expectedPrecision) {
  QJsonObject object{{QStringLiteral("min_confidence"), probabilityJson(t.minConfidence)},
                     {QStringLiteral("threshold_source"), sourceName(t.source)}};
  object.insert(QStringLiteral("target_precision"), probabilityJson(t.targetPrecision));
  object.insert(QStringLiteral("held_out_precision"), probabilityJson(t.heldOutPrecision()));
  object.insert(QStringLiteral("held_out_proposals"),
                t.heldOut ? QJsonValue(t.heldOut->proposals) : QJsonValue());
  object.insert(QStringLiteral("expected_precision"), probabilityJson(expectedPrecision));
  if (!t.note.empty()) object.insert(QStringLiteral("note"), QString::fromStdString(t.note));
  return object;
}

// Prints the batch and returns the exit code: 1 when a file failed or the batch could not run.
// `extra` is merged into the JSON object.
int reportBatch(const library::BatchResult& result, bool json, const char* what,
                const QJsonObject& extra = {}) {
  QTextStream out(stdout);
  const int written = result.count(library::FileOutcomeKind::Written);
  const int skipped = result.count(library::FileOutcomeKind::Skipped);
  const int failed = result.count(library::FileOutcomeKind::Failed);
  if (json) {
    QJsonArray files;
    for (const auto& o : result.files) files.append(outcomeJson(o));
    QJsonObject object{{QStringLiteral("batch"), static_cast<qint64>(result.batchId)},
                       {QStringLiteral("files"), files},
                       {QStringLiteral("written"), written},
                       {QStringLiteral("skipped"), skipped},
                       {QStringLiteral("failed"), failed},
                       {QStringLiteral("cancelled"), result.cancelled},
                       {QStringLiteral("recovered_done"), result.recovery.markedDone},
                       {QStringLiteral("recovered_failed"), result.recovery.markedFailed},
                       {QStringLiteral("temp_files_removed"), result.recovery.tempFilesRemoved}};
    if (!result.status.ok())
      object.insert(QStringLiteral("error"), QString::fromStdString(result.status.message));
    for (auto it = extra.begin(); it != extra.end(); ++it) object.insert(it.key(), it.value());
    printJson(object);
  } else {
    if (result.recovery.markedDone + result.recovery.markedFailed +
        result.recovery.tempFilesRemoved)
      out << "recovered an interrupted run: " << result.recovery.markedDone << " edits done, "
          << result.recovery.markedFailed << " not applied, " << result.recovery.tempFilesRemoved
          << " temporary files removed\n";
    if (!result.status.ok())
      QTextStream(stderr) << "songspace-cli: " << result.status.message.c_str() << "\n";
    if (result.batchId)
      out << what << " batch " << result.batchId << ": " << written << " written, " << skipped
          << " skipped, " << failed << " failed" << (result.cancelled ? " (interrupted)" : "")
          << "\n";
  }
  if (result.cancelled) return 130;
  return result.status.ok() && failed == 0 ? 0 : 1;
}

int runAutotag(const QStringList& rawArgs) {
  AutotagParameters given;
  const Arguments args = declareAutotag(given).parse(rawArgs);
  if (!args.ok()) return usageError(kAutotagSynopsis, args.error());
  library::AutotagParams& params = given.autotag;
  params.mode = given.replace ? library::AutotagMode::Replace : library::AutotagMode::Add;
  const bool apply = given.apply;
  if (apply == given.dryRun)
    return usageError(kAutotagSynopsis, QStringLiteral("give exactly one of --dry-run, --apply"));
  const bool json = given.json;
  if (params.minConfidence && given.targetPrecision)
    return usageError(kAutotagSynopsis,
                      QStringLiteral("give --min-confidence or --target-precision, not both (the "
                                     "target precision chooses the minimum confidence)"));

  const QString dbPath = catalogPathFrom(args);
  auto catalog = openCatalogOrReport(dbPath);
  if (!catalog) return 1;
  const QString modelPath = library::modelPathForCatalog(dbPath);
  library::ModelSession session;
  base::Status loaded;
  if (QFileInfo::exists(modelPath)) {
    loaded = session.load(*catalog, QFile::encodeName(modelPath).toStdString());
  }
  if (!session.loaded()) {
    QTextStream(stderr) << "songspace-cli: no usable model for " << dbPath
                        << (loaded.ok()
                                ? QStringLiteral(" (run train first)")
                                : QStringLiteral(": ") + QString::fromStdString(loaded.message))
                        << "\n";
    return 1;
  }
  library::AutotagThreshold threshold;
  if (const base::Status chosen = library::chooseAutotagThreshold(
          session.model(), params.minConfidence, given.targetPrecision, threshold);
      !chosen.ok()) {
    QTextStream(stderr) << "songspace-cli: " << QString::fromStdString(chosen.message) << "\n";
    return 1;
  }
  params.minConfidence = threshold.minConfidence;

  // Files named by id or path; a path outside the catalog becomes a skipped proposal.
  std::vector<std::int64_t> ids;
  std::vector<library::Proposal> outside;
  for (const QString& what : args.positionals()) {
    bool isNumber = false;
    const qlonglong id = what.toLongLong(&isNumber);
    if (isNumber && !QFileInfo::exists(what)) {
      ids.push_back(id);
      continue;
    }
    const std::string native =
        QFile::encodeName(QDir::cleanPath(QFileInfo(what).absoluteFilePath())).toStdString();
    if (const auto row = catalog->fileByPath(native)) {
      ids.push_back(row->id);
    } else {
      library::Proposal p;
      p.path = native;
      p.field = params.field;
      p.skipCode = "not_in_library";
      p.skipReason = "not in the library (scan its folder first)";
      outside.push_back(p);
    }
  }
  std::vector<library::Proposal> proposals;
  if (!ids.empty() || outside.empty()) {
    // Tags are written as the library spells them ("Game", not the catalog's "game"). The same
    // read lists every analysed song when none was named (as proposeTags would, read once).
    const std::vector<core::SongRow> songs = catalog->songs();
    params.spellings = library::librarySpellings(songs, params.reading);
    if (ids.empty()) {
      for (const core::SongRow& song : songs)
        if (song.state == core::FileState::Analyzed) ids.push_back(song.fileId);
    }
    if (!ids.empty()) proposals = library::proposeTags(*catalog, session, ids, params);
  }
  proposals.insert(proposals.end(), outside.begin(), outside.end());
  const double expected = library::expectedBatchPrecision(proposals);

  if (!apply) {
    QTextStream out(stdout);
    if (!json) out << thresholdText(threshold) << "\n";
    QJsonArray files;
    int toWrite = 0;
    for (const auto& p : proposals) {
      toWrite += p.skipped() ? 0 : 1;
      if (json) {
        QJsonObject object{{QStringLiteral("path"), pathText(p.path)},
                           {QStringLiteral("field"), QLatin1String(audio::tagFieldName(p.field))},
                           {QStringLiteral("old"), jsonList(p.oldValues)},
                           {QStringLiteral("new"), jsonList(p.newValues)}};
        if (p.fileId) object.insert(QStringLiteral("file_id"), static_cast<qint64>(p.fileId));
        QJsonArray added;
        for (const auto& a : p.added)
          added.append(
              QJsonObject{{QStringLiteral("tag"), QString::fromStdString(a.tag)},
                          {QStringLiteral("probability"), probabilityJson(a.probability)}});
        object.insert(QStringLiteral("added"), added);
        if (!p.withheld.empty()) {
          QJsonArray withheld;
          for (const auto& w : p.withheld)
            withheld.append(
                QJsonObject{{QStringLiteral("tag"), QString::fromStdString(w.tag)},
                            {QStringLiteral("probability"), probabilityJson(w.probability)},
                            {QStringLiteral("reason"), QString::fromStdString(w.guess)}});
          object.insert(QStringLiteral("withheld"), withheld);
        }
        if (p.skipped()) {
          object.insert(QStringLiteral("skipped"), QString::fromStdString(p.skipCode));
          object.insert(QStringLiteral("reason"), QString::fromStdString(p.skipReason));
        }
        files.append(object);
      } else if (p.skipped()) {
        out << pathText(p.path) << ": skipped: " << QString::fromStdString(p.skipReason) << "\n";
      } else {
        QStringList added;
        for (const auto& a : p.added)
          added << QString::fromStdString(a.tag) + QLatin1Char(' ') + percent(a.probability);
        out << pathText(p.path) << ": " << audio::tagFieldName(p.field) << " "
            << joined(p.oldValues) << " → " << joined(p.newValues);
        if (!added.isEmpty()) out << "  (" << added.join(QStringLiteral(", ")) << ")";
        for (const auto& w : p.withheld)
          out << "; not " << QString::fromStdString(w.tag) << ", "
              << QString::fromStdString(w.guess);
        out << "\n";
      }
    }
    if (json) {
      QJsonObject object = thresholdJson(threshold, expected);
      object.insert(QStringLiteral("dry_run"), true);
      object.insert(QStringLiteral("files"), files);
      object.insert(QStringLiteral("to_write"), toWrite);
      printJson(object);
    } else {
      out << toWrite << " of " << proposals.size() << " files would change (dry run)";
      if (expected >= 0)
        out << "; expected precision of the proposed tags " << percent(expected)
            << " (their mean probability)";
      out << "\n";
    }
    return 0;
  }

  library::ApplyOptions options;
  options.preserveMtime = !given.touch;
  options.reading = given.autotag.reading;
  options.note = (QStringLiteral("autotag ") + rawArgs.join(QLatin1Char(' '))).toStdString();
  options.cancel = installInterruptFlag();
  QTextStream out(stdout);
  if (!json) {
    out << thresholdText(threshold) << "\n";
    if (expected >= 0)
      out << "expected precision of the proposed tags " << percent(expected) << "\n";
    options.progress = [&](int, int, const library::FileOutcome& o) { printOutcome(out, o); };
  }
  return reportBatch(library::applyProposals(*catalog, proposals, options), json, "auto-tag",
                     thresholdJson(threshold, expected));
}

int runUndo(const QStringList& rawArgs) {
  UndoParameters given;
  const Arguments args = declareUndo(given).parse(rawArgs);
  if (!args.ok()) return usageError(kUndoSynopsis, args.error());
  library::UndoOptions options;
  if (args.positionals().size() > 1) return usageError(kUndoSynopsis, QStringLiteral("one batch"));
  if (args.positionals().size() == 1) {
    bool ok = false;
    options.batchId = args.positionals().first().toLongLong(&ok);
    if (!ok || options.batchId <= 0)
      return usageError(kUndoSynopsis, QStringLiteral("BATCH must be a batch id"));
  }
  options.force = given.force;
  options.preserveMtime = !given.touch;
  options.reading = given.reading;
  options.cancel = installInterruptFlag();
  const bool json = given.json;
  auto catalog = openCatalogOrReport(catalogPathFrom(args));
  if (!catalog) return 1;
  QTextStream out(stdout);
  if (!json)
    options.progress = [&](int, int, const library::FileOutcome& o) { printOutcome(out, o); };
  return reportBatch(library::undoBatch(*catalog, options), json, "undo");
}

const CommandRegistration kAutotag({"autotag", kAutotagSynopsis,
                                    "preview (--dry-run) or write (--apply) predicted tags into "
                                    "files: verified copy + rename, journaled for undo",
                                    runAutotag, [] {
                                      AutotagParameters defaults;
                                      return declareAutotag(defaults).help();
                                    }});
const CommandRegistration kUndo({"undo", kUndoSynopsis,
                                 "restore the tags of the last (or given) auto-tag batch", runUndo,
                                 [] {
                                   UndoParameters defaults;
                                   return declareUndo(defaults).help();
                                 }});

}  // namespace
}  // namespace songspace::cli
