#include "app/cli/querycontext.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <algorithm>

#include "app/cli/cliutil.h"
#include "core/catalog/tagnormalize.h"
#include "core/library/paths.h"
#include "core/library/trainjob.h"

namespace songspace::cli {

bool openQueryContext(const Arguments& args, QueryContext& context) {
  const QString dbPath = catalogPathFrom(args);
  context.catalog = openCatalogOrReport(dbPath);
  if (!context.catalog) return false;
  const QString modelPath = library::modelPathForCatalog(dbPath);
  if (!QFileInfo::exists(modelPath)) {
    QTextStream(stderr) << "songspace-cli: no model for " << dbPath << " (run train first)\n";
    return false;
  }
  if (const auto loaded =
          context.session.load(*context.catalog, QFile::encodeName(modelPath).toStdString());
      !loaded.ok()) {
    QTextStream(stderr) << "songspace-cli: cannot load model " << modelPath << ": "
                        << QString::fromStdString(loaded.message) << "\n";
    return false;
  }
  return true;
}

namespace {

// Why `name` (a tag when `tags`, else an artist) is not in the model: the reason training gave for
// leaving it out, from the catalog's record of the model, or that the model does not know it.
void reportUnknown(const QueryContext& context, bool tags, const QString& name) {
  const char* kind = tags ? "tag" : "artist";
  if (const auto trained = context.catalog->latestModel()) {
    const QJsonObject summary =
        QJsonDocument::fromJson(QByteArray::fromStdString(trained->summaryJson)).object();
    const std::string wanted =
        tags ? core::normalizeTag(name.toStdString()) : name.toLower().toStdString();
    for (const core::LeftOutLabel& label : library::leftOutFromJson(
             summary
                 .value(tags ? QStringLiteral("left_out_tags") : QStringLiteral("left_out_artists"))
                 .toArray())) {
      const std::string key = tags ? core::normalizeTag(label.name)
                                   : QString::fromStdString(label.name).toLower().toStdString();
      if (key != wanted) continue;
      QTextStream(stderr) << "songspace-cli: the model did not learn " << kind << " '"
                          << QString::fromStdString(label.name)
                          << "': " << QString::fromStdString(label.reason) << "\n";
      return;
    }
  }
  QTextStream(stderr) << "songspace-cli: unknown " << kind << " '" << name
                      << "' (not in the model; train again if it was added since)\n";
}

}  // namespace

int findTag(const QueryContext& context, const QString& name, bool report) {
  const core::JointModel& model = context.session.model();
  int tag = model.tagIndex(name.toStdString());
  if (tag < 0) tag = model.tagIndex(core::normalizeTag(name.toStdString()));
  if (tag < 0 && report) reportUnknown(context, true, name);
  return tag;
}

int findArtist(const QueryContext& context, const QString& name, bool report) {
  const core::JointModel& model = context.session.model();
  int artist = model.artistIndex(name.toStdString());
  if (artist < 0) {
    for (std::size_t i = 0; i < model.artistNames.size(); ++i) {
      if (QString::fromStdString(model.artistNames[i]).compare(name, Qt::CaseInsensitive) != 0)
        continue;
      if (artist >= 0) {  // two artists differ only in case: the name must be exact
        artist = -1;
        break;
      }
      artist = static_cast<int>(i);
    }
  }
  if (artist < 0 && report) reportUnknown(context, false, name);
  return artist;
}

QJsonObject noveltyJson(const core::Novelty& novelty) {
  return {{QStringLiteral("novel"), novelty.novel()},
          {QStringLiteral("reason"), QString::fromStdString(novelty.reason())},
          {QStringLiteral("sound_distance"), novelty.featureDistance},
          {QStringLiteral("sound_threshold"), novelty.featureThreshold},
          {QStringLiteral("model_distance"), novelty.jointDistance},
          {QStringLiteral("model_threshold"), novelty.jointThreshold},
          {QStringLiteral("scope"), novelty.scope == core::NoveltyScope::TaggedSongs
                                        ? QStringLiteral("tagged_songs")
                                        : QStringLiteral("library")},
          {QStringLiteral("too_short"), novelty.tooShort},
          {QStringLiteral("silent"), novelty.silent},
          {QStringLiteral("seconds"), novelty.durationSeconds},
          {QStringLiteral("shortest_seconds"), novelty.shortestSeconds}};
}

bool songEmbedding(const QueryContext& context, const QString& what, Eigen::VectorXf& out,
                   std::int64_t& fileId, QString& label, core::Novelty* novelty) {
  bool isNumber = false;
  const qlonglong id = what.toLongLong(&isNumber);
  if (isNumber && !QFileInfo::exists(what)) {
    const auto embedding = context.session.embeddingOfFile(id);
    if (!embedding) {
      QTextStream(stderr) << "songspace-cli: no analysed song with id " << id << "\n";
      return false;
    }
    out = *embedding;
    fileId = id;
    label = QStringLiteral("song %1").arg(id);
    if (novelty) *novelty = context.session.noveltyOfFile(id);
    return true;
  }
  const QString absolute = QDir::cleanPath(QFileInfo(what).absoluteFilePath());
  const std::string native = QFile::encodeName(absolute).toStdString();
  if (const auto row = context.catalog->fileByPath(native)) {
    if (const auto embedding = context.session.embeddingOfFile(row->id)) {
      out = *embedding;
      fileId = row->id;
      label = absolute;
      if (novelty) *novelty = context.session.noveltyOfFile(row->id);
      return true;
    }
  }
  core::Novelty checked;
  if (const auto embedded = context.session.embedExternalFile(native, out, checked);
      !embedded.ok()) {
    QTextStream(stderr) << "songspace-cli: " << what << ": " << base::errorCodeName(embedded.error)
                        << ": " << QString::fromStdString(embedded.message) << "\n";
    return false;
  }
  fileId = 0;
  label = absolute + QStringLiteral(" (not in the catalog: analysed now)");
  if (novelty) *novelty = checked;
  return true;
}

QJsonObject songJson(const core::Catalog& catalog, std::int64_t fileId) {
  const auto song = catalog.song(fileId);
  QJsonObject entry{{QStringLiteral("file_id"), static_cast<qint64>(fileId)}};
  entry.insert(QStringLiteral("path"), song ? QFile::decodeName(song->path.c_str()) : QString());
  entry.insert(QStringLiteral("title"),
               song ? QString::fromStdString(song->info.title) : QString());
  entry.insert(QStringLiteral("artist"),
               song ? QString::fromStdString(song->artistName) : QString());
  return entry;
}

QString songText(const core::Catalog& catalog, std::int64_t fileId) {
  const auto song = catalog.song(fileId);
  const QString path = song ? QFile::decodeName(song->path.c_str()) : QString();
  const QString title = song ? QString::fromStdString(song->info.title) : QString();
  const QString artist = song ? QString::fromStdString(song->artistName) : QString();
  return (artist.isEmpty() ? QString() : artist + QStringLiteral(" – ")) +
         (title.isEmpty() ? QFileInfo(path).fileName() : title) +
         QStringLiteral("  [%1]").arg(fileId);
}

QJsonArray tagNames(const core::JointModel& model, const std::vector<core::Scored>& scored) {
  QJsonArray names;
  for (const core::Scored& s : scored)
    names.append(QString::fromStdString(model.tagNames[static_cast<std::size_t>(s.index)]));
  return names;
}

QJsonArray alternativesJson(const QueryContext& context, const core::SongDuplicates& duplicates,
                            int row) {
  QJsonArray out;
  for (const int other : duplicates.alternatives(row)) {
    const std::int64_t fileId = context.session.fileIdOfRow(other);
    const auto file = context.catalog->fileById(fileId);
    out.append(QJsonObject{
        {QStringLiteral("file_id"), static_cast<qint64>(fileId)},
        {QStringLiteral("path"), file ? QFile::decodeName(file->path.c_str()) : QString()}});
  }
  return out;
}

}  // namespace songspace::cli
