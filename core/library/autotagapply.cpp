#include "core/library/autotagapply.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <set>

#include "audio/metadata.h"
#include "core/base/filestamp.h"
#include "core/catalog/tagnormalize.h"
#include "core/library/safetagwrite.h"

namespace songspace::library {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

FileOutcome outcomeFor(std::int64_t fileId, const std::string& path, audio::TagField field,
                       const std::vector<std::string>& oldValues,
                       const std::vector<std::string>& newValues) {
  FileOutcome o;
  o.fileId = fileId;
  o.path = path;
  o.field = audio::tagFieldName(field);
  o.oldValues = oldValues;
  o.newValues = newValues;
  return o;
}

FileOutcome skip(FileOutcome o, std::string code, std::string reason) {
  o.kind = FileOutcomeKind::Skipped;
  o.code = std::move(code);
  o.reason = std::move(reason);
  return o;
}

// The catalog's file tags (source=file) follow the file: values that appeared are added; values
// that left are removed unless another tag field of the file still holds them. Comments are not
// tags (the scanner does not make tags of them either). With `provenance` (an apply, not an undo)
// the values new to the file are recorded as written by edit `editId`: they are no training
// labels until the user accepts them.
// Returns the first failure (the caller's transaction then rolls everything back).
base::Status syncFileTags(core::Catalog& catalog, std::int64_t fileId, const std::string& path,
                          audio::TagField field, const std::vector<std::string>& oldValues,
                          const std::vector<std::string>& newValues, std::int64_t editId,
                          bool provenance, const core::TagReadingRules& rules) {
  using audio::TagField;
  if (fileId == 0 || field == TagField::Comment) return {};
  std::vector<std::string> elsewhere;
  for (const TagField other :
       {TagField::Genre, TagField::Mood, TagField::Grouping, TagField::Tags}) {
    if (other == field) continue;
    std::vector<std::string> values;
    if (audio::readTagField(path, other, values).ok()) {
      for (auto& tag : core::normalizeTags(values, rules)) elsewhere.push_back(std::move(tag));
    }
  }
  const auto before = core::normalizeTags(oldValues, rules);
  const auto added = core::normalizeTags(newValues, rules);
  for (const auto& tag : added) {
    if (auto status = catalog.addTag(fileId, tag, core::TagSource::File); !status.ok())
      return status;
    // A value the file already held (in this field or another) stays the user's own.
    if (provenance && !contains(before, tag) && !contains(elsewhere, tag)) {
      if (auto status = catalog.markWritten(fileId, tag, editId); !status.ok()) return status;
    }
  }
  for (const auto& tag : before) {
    if (!contains(added, tag) && !contains(elsewhere, tag)) {
      // NotFound: the catalog never had it (nothing to remove), not a failure.
      if (auto status = catalog.removeTag(fileId, tag, core::TagSource::File);
          !status.ok() && status.error != base::ErrorCode::NotFound)
        return status;
    }
  }
  return {};
}

// The field's values as the scanner stores them (audio::readMetadata, which keeps an ID3v2.3
// "a; b" whole where readTagField splits it, then core::splitFieldValues under the scan's
// `rules`), so the catalog holds what a rescan would store.
std::vector<std::string> scannedValues(const std::string& path, audio::TagField field,
                                       const std::vector<std::string>& written,
                                       const core::TagReadingRules& rules) {
  audio::TrackMetadata metadata;
  // reason: the write was just verified to hold `written`; if the file cannot be read again
  // now, those are the best values to show until the next scan reads it.
  if (!audio::readMetadata(path, metadata).ok()) return written;
  switch (field) {
    case audio::TagField::Genre:
      return core::splitFieldValues(metadata.genres, rules);
    case audio::TagField::Mood:
      return core::splitFieldValues(metadata.moods, rules);
    case audio::TagField::Grouping:
      return core::splitFieldValues(metadata.groupings, rules);
    case audio::TagField::Comment: {
      core::TagReadingRules prose = rules;  // comments are not lists
      prose.genreSeparators.clear();
      return core::splitFieldValues(metadata.comments, prose);
    }
    case audio::TagField::Tags:
      return core::splitFieldValues(metadata.freeTags, rules);
  }
  return written;
}

// One transaction: the edit is Done; the catalog knows the file's new stamp (so a rescan of a
// file whose mtime was kept neither misses the change nor analyses it again), its metadata for
// the field (what the library table shows), its tags and which of them Songspace wrote.
base::Status recordWrite(core::Catalog& catalog, std::int64_t batchId, std::int64_t editId,
                         std::int64_t fileId, const std::string& path, audio::TagField field,
                         const std::vector<std::string>& oldValues,
                         const std::vector<std::string>& newValues, base::FileStamp newStamp,
                         const core::TagReadingRules& rules) {
  const auto batch = catalog.tagBatch(batchId);
  const bool provenance = batch && batch->kind == core::TagBatchKind::Apply;
  const auto shown = scannedValues(path, field, newValues, rules);
  if (auto status = catalog.beginBatch(); !status.ok()) return status;
  auto status = catalog.finishEdit(editId, core::TagEditState::Done, newStamp);
  if (status.ok() && fileId != 0) {
    // A file that left the catalog meanwhile has no stamp or metadata to keep: not an error.
    if (const auto stamp = catalog.updateStamp(path, newStamp);
        !stamp.ok() && stamp.error != base::ErrorCode::NotFound) {
      status = stamp;
    }
    if (const auto track = catalog.setTrackField(fileId, audio::tagFieldName(field), shown);
        status.ok() && !track.ok() && track.error != base::ErrorCode::NotFound) {
      status = track;
    }
  }
  if (status.ok())
    status =
        syncFileTags(catalog, fileId, path, field, oldValues, newValues, editId, provenance, rules);
  if (status.ok()) status = catalog.commitBatch();
  if (!status.ok()) {
    // reason: `status` is what the caller reports; a failing rollback (SQLite may already have
    // rolled a failed COMMIT back) only ends the batch, which it does either way
    (void)catalog.rollbackBatch();
  }
  return status;
}

std::string dirOf(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

const char* fileOutcomeName(FileOutcomeKind kind) {
  switch (kind) {
    case FileOutcomeKind::Written:
      return "written";
    case FileOutcomeKind::Skipped:
      return "skipped";
    case FileOutcomeKind::Failed:
      return "failed";
  }
  return "unknown";
}

int BatchResult::count(FileOutcomeKind kind) const {
  return static_cast<int>(
      std::count_if(files.begin(), files.end(), [&](const auto& f) { return f.kind == kind; }));
}

std::string valuesToJson(const std::vector<std::string>& values, const std::string& stored) {
  QJsonArray array;
  for (const auto& v : values) array.append(QString::fromStdString(v));
  if (stored.empty()) return QJsonDocument(array).toJson(QJsonDocument::Compact).toStdString();
  QJsonObject object;
  object.insert(QStringLiteral("values"), array);
  object.insert(QStringLiteral("stored"), QString::fromStdString(stored));
  return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

std::vector<std::string> valuesFromJson(const std::string& json) {
  std::vector<std::string> out;
  const auto document = QJsonDocument::fromJson(QByteArray::fromStdString(json));
  const QJsonArray array = document.isObject()
                               ? document.object().value(QStringLiteral("values")).toArray()
                               : document.array();
  for (const auto& v : array) out.push_back(v.toString().toStdString());
  return out;
}

std::string storedFromJson(const std::string& json) {
  const auto document = QJsonDocument::fromJson(QByteArray::fromStdString(json));
  if (!document.isObject()) return {};
  return document.object().value(QStringLiteral("stored")).toString().toStdString();
}

FileOutcome writeJournaled(core::Catalog& catalog, std::int64_t batchId, std::int64_t fileId,
                           const std::string& path, audio::TagField field,
                           const std::vector<std::string>& oldValues,
                           const std::vector<std::string>& newValues, base::FileStamp expected,
                           bool preserveMtime, const core::TagReadingRules& reading,
                           const std::string& restoreStored) {
  FileOutcome o = outcomeFor(fileId, path, field, oldValues, newValues);
  // The field as stored now, so that an undo restores its form, not just its values.
  std::string stored;
  if (const auto status = audio::captureTagField(path, field, stored); !status.ok()) {
    o.kind = FileOutcomeKind::Failed;
    o.code = "unreadable";
    o.reason = "cannot read how its " + o.field + " is stored: " + status.message;
    return o;
  }
  core::TagEdit edit;
  edit.batchId = batchId;
  edit.fileId = fileId;
  edit.path = path;
  edit.field = o.field;
  edit.oldValuesJson = valuesToJson(oldValues, stored);
  edit.newValuesJson = valuesToJson(newValues);
  edit.oldStamp = expected;
  // Committed before the file is touched: a crash after this point is recoverable.
  if (const auto status = catalog.journalEdit(edit, &o.editId); !status.ok()) {
    o.kind = FileOutcomeKind::Failed;
    o.code = "catalog";
    o.reason = "cannot journal the edit: " + status.message;
    return o;
  }
  SafeWriteOptions options;
  options.preserveMtime = preserveMtime;
  options.expectedStamp = expected;
  const SafeWriteResult written =
      safeWriteTags(path, {FieldValues{field, newValues, restoreStored}}, options);
  if (!written.status.ok()) {
    o.kind = FileOutcomeKind::Failed;
    o.code = base::errorCodeName(written.status.error);
    o.reason = written.status.message;
    if (const auto finished =
            catalog.finishEdit(o.editId, core::TagEditState::Failed, std::nullopt, o.reason);
        !finished.ok()) {
      // The file is untouched; a Pending edit is settled by the next recovery.
      o.reason += " (the journal could not record it: " + finished.message + ")";
    }
    return o;
  }
  if (const auto status = recordWrite(catalog, batchId, o.editId, fileId, path, field, oldValues,
                                      newValues, written.newStamp, reading);
      !status.ok()) {
    // The file is written and verified, but nothing says so durably: not counted as written
    // (and not undoable) until the next apply or undo recovers the edit and marks it Done.
    o.kind = FileOutcomeKind::Failed;
    o.code = "catalog";
    o.reason =
        "the file was written, but the catalog could not record it (the next apply "
        "records it): " +
        status.message;
    return o;
  }
  o.kind = FileOutcomeKind::Written;
  return o;
}

RecoveryReport recoverInterruptedEdits(core::Catalog& catalog,
                                       const std::vector<std::string>& extraDirs,
                                       const core::TagReadingRules& reading) {
  RecoveryReport report;
  std::set<std::string> dirs(extraDirs.begin(), extraDirs.end());
  for (const std::int64_t batch : catalog.batchesWithPendingEdits()) {
    for (const core::TagEdit& edit : catalog.editsOfBatch(batch)) {
      if (edit.state != core::TagEditState::Pending) continue;
      dirs.insert(dirOf(edit.path));
      const auto field = tagFieldFromName(edit.field);
      const auto stamp = base::fileStamp(edit.path);
      const auto newValues = valuesFromJson(edit.newValuesJson);
      std::vector<std::string> current;
      const bool readable = field && stamp && audio::readTagField(edit.path, *field, current).ok();
      if (readable && current == newValues) {
        if (recordWrite(catalog, edit.batchId, edit.id, edit.fileId, edit.path, *field,
                        valuesFromJson(edit.oldValuesJson), newValues, *stamp, reading)
                .ok()) {
          ++report.markedDone;
        }
        continue;
      }
      const bool untouched = readable && current == valuesFromJson(edit.oldValuesJson);
      if (catalog
              .finishEdit(edit.id, core::TagEditState::Failed, std::nullopt,
                          untouched ? "interrupted before the file was replaced (file unchanged)"
                                    : "interrupted; the file holds neither the old nor the new "
                                      "values now")
              .ok()) {
        ++report.markedFailed;
      }  // else the edit stays Pending and the next recovery tries again
    }
  }
  for (const auto& dir : dirs) report.tempFilesRemoved += removeStaleTempFiles(dir);
  return report;
}

BatchResult applyProposals(core::Catalog& catalog, const std::vector<Proposal>& proposals,
                           const ApplyOptions& options) {
  BatchResult result;
  std::vector<std::string> dirs;
  for (const auto& p : proposals) {
    if (!p.path.empty()) dirs.push_back(dirOf(p.path));
  }
  result.recovery = recoverInterruptedEdits(catalog, dirs, options.reading);
  if (const auto status =
          catalog.createTagBatch(core::TagBatchKind::Apply, 0, options.note, &result.batchId);
      !status.ok()) {
    result.status = status;
    result.status.message = "cannot start a journal batch: " + status.message;
    return result;
  }
  const int total = static_cast<int>(proposals.size());
  for (const Proposal& p : proposals) {
    if (options.cancel && options.cancel->load()) {
      result.cancelled = true;
      break;
    }
    FileOutcome o = outcomeFor(p.fileId, p.path, p.field, p.oldValues, p.newValues);
    const auto row = p.path.empty() ? std::nullopt : catalog.fileByPath(p.path);
    const auto stamp = base::fileStamp(p.path);
    std::vector<std::string> current;
    if (p.skipped()) {
      o = skip(o, p.skipCode, p.skipReason);
    } else if (!row) {
      o = skip(o, "not_in_library", "not in the library (scan its folder first)");
    } else if (!stamp) {
      o = skip(o, "not_found", "the file is gone");
    } else if (*stamp != row->stamp) {
      o = skip(o, "changed", "changed on disk since it was scanned (scan again first)");
    } else if (auto blocker = writeBlocker(p.path); !blocker.ok()) {
      o = skip(o, base::errorCodeName(blocker.error), blocker.message);
    } else if (!audio::readTagField(p.path, p.field, current).ok() || current != p.oldValues) {
      o = skip(o, "changed", "its tags changed since the preview");
    } else {
      o = writeJournaled(catalog, result.batchId, row->id, p.path, p.field, p.oldValues,
                         p.newValues, *stamp, options.preserveMtime, options.reading);
    }
    result.files.push_back(o);
    if (options.progress) options.progress(static_cast<int>(result.files.size()), total, o);
  }
  return result;
}

}  // namespace songspace::library
