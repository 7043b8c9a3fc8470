// songspace-cli predict-tags / predict-artist / similar-songs / similar-artists /
// songs-for-artist: the five rankings of the joint space.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include "app/cli/cliutil.h"
#include "app/cli/command.h"
#include "core/catalog/catalog.h"
#include "core/library/modelsession.h"
#include "core/library/paths.h"

namespace songspace::cli {
namespace {

enum class Query { Tags, Artist, SimilarSongs, SimilarArtists, SongsForArtist };

struct Context {
  std::unique_ptr<core::Catalog> catalog;
  library::ModelSession session;
};

bool openContext(const Arguments& args, Context& context) {
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

// FILE|ID: a catalog id, a file of the catalog, or any other file (cold start: analysed now).
bool songEmbedding(const Context& context, const QString& what, Eigen::VectorXf& out,
                   std::int64_t& fileId, QString& label) {
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
    return true;
  }
  const QString absolute = QDir::cleanPath(QFileInfo(what).absoluteFilePath());
  const std::string native = QFile::encodeName(absolute).toStdString();
  if (const auto row = context.catalog->fileByPath(native)) {
    if (const auto embedding = context.session.embeddingOfFile(row->id)) {
      out = *embedding;
      fileId = row->id;
      label = absolute;
      return true;
    }
  }
  if (const auto embedded = context.session.embedExternalFile(native, out); !embedded.ok()) {
    QTextStream(stderr) << "songspace-cli: " << what << ": " << base::errorCodeName(embedded.error)
                        << ": " << QString::fromStdString(embedded.message) << "\n";
    return false;
  }
  fileId = 0;
  label = absolute + QStringLiteral(" (not in the catalog: analysed now)");
  return true;
}

struct Parameters {
  int k = library::kQueryResults.defaultValue;
  QString db;
  bool json = false;
};

OptionSet declare(Parameters& p) {
  OptionSet options;
  options.number(QStringLiteral("-k"), library::kQueryResults, p.k)
      .text(QStringLiteral("--db"), QStringLiteral("FILE"), kCatalogOptionHelp, p.db)
      .flag(QStringLiteral("--json"), kJsonOptionHelp, p.json);
  return options;
}

// "NAME QUERY [-k N] [--db FILE] [--json]"
QString synopsisOf(const char* name, const char* query) {
  Parameters defaults;
  return QStringLiteral("%1 %2 %3")
      .arg(QLatin1String(name), QLatin1String(query), declare(defaults).synopsis());
}

QString optionHelp() {
  Parameters defaults;
  return declare(defaults).help();
}

int runQuery(Query query, const QString& synopsis, const QStringList& rawArgs) {
  Parameters p;
  const Arguments args = declare(p).parse(rawArgs);
  const int k = p.k;
  if (!args.ok()) return usageError(synopsis, args.error());
  if (args.positionals().size() != 1)
    return usageError(synopsis, QStringLiteral("one query needed"));
  Context context;
  if (!openContext(args, context)) return 1;

  const QString what = args.positionals().first();
  std::vector<library::Hit> hits;
  QString label = what;
  std::int64_t queryFile = 0;
  if (query == Query::SimilarArtists || query == Query::SongsForArtist) {
    const std::string artist = what.toStdString();
    if (context.session.model().artistIndex(artist) < 0) {
      QTextStream(stderr) << "songspace-cli: unknown artist '" << what << "'\n";
      return 1;
    }
    hits = query == Query::SimilarArtists ? context.session.similarArtists(artist, k)
                                          : context.session.songsForArtist(artist, k);
  } else {
    Eigen::VectorXf embedding;
    if (!songEmbedding(context, what, embedding, queryFile, label)) return 1;
    hits = query == Query::Tags     ? context.session.predictTags(embedding, k)
           : query == Query::Artist ? context.session.predictArtists(embedding, k)
                                    : context.session.similarSongs(embedding, k, queryFile);
  }

  QJsonArray results;
  QTextStream out(stdout);
  const bool json = p.json;
  if (!json) out << label << "\n";
  int rank = 0;
  for (const library::Hit& hit : hits) {
    ++rank;
    QJsonObject entry{{QStringLiteral("rank"), rank}, {QStringLiteral("score"), hit.score}};
    QString text;
    if (hit.fileId != 0) {
      const auto song = context.catalog->song(hit.fileId);
      const QString path = song ? QFile::decodeName(song->path.c_str()) : QString();
      const QString title = song ? QString::fromStdString(song->info.title) : QString();
      const QString artist = song ? QString::fromStdString(song->artistName) : QString();
      entry.insert(QStringLiteral("file_id"), static_cast<qint64>(hit.fileId));
      entry.insert(QStringLiteral("path"), path);
      entry.insert(QStringLiteral("title"), title);
      entry.insert(QStringLiteral("artist"), artist);
      text = (artist.isEmpty() ? QString() : artist + QStringLiteral(" – ")) +
             (title.isEmpty() ? QFileInfo(path).fileName() : title) +
             QStringLiteral("  [%1]").arg(hit.fileId);
    } else {
      text = QString::fromStdString(hit.name);
      entry.insert(QStringLiteral("name"), text);
    }
    results.append(entry);
    if (!json) {
      out << QStringLiteral("%1. %2  %3\n").arg(rank, 3).arg(hit.score, 7, 'f', 3).arg(text);
    }
  }
  if (json) {
    QJsonObject object{{QStringLiteral("query"), label}, {QStringLiteral("results"), results}};
    if (queryFile != 0) object.insert(QStringLiteral("file_id"), static_cast<qint64>(queryFile));
    printJson(object);
  }
  return 0;
}

// One command per ranking; `query` names its positional argument.
Command queryCommand(const char* name, Query kind, const char* query, const char* summary) {
  const QString synopsis = synopsisOf(name, query);
  return {name, synopsis, summary,
          [kind, synopsis](const QStringList& args) { return runQuery(kind, synopsis, args); },
          optionHelp};
}

const CommandRegistration kTags(
    queryCommand("predict-tags", Query::Tags, "FILE|ID",
                 "tags ranked for a song (a file outside the catalog is analysed now)"));
const CommandRegistration kArtist(queryCommand("predict-artist", Query::Artist, "FILE|ID",
                                               "artists ranked for a song"));
const CommandRegistration kSimilarSongs(
    queryCommand("similar-songs", Query::SimilarSongs, "FILE|ID",
                 "the library's songs nearest to a song in the joint space"));
const CommandRegistration kSimilarArtists(queryCommand("similar-artists", Query::SimilarArtists,
                                                       "NAME", "artists nearest to an artist"));
const CommandRegistration kSongsForArtist(
    queryCommand("songs-for-artist", Query::SongsForArtist, "NAME",
                 "the library's songs that best fit an artist"));

}  // namespace
}  // namespace songspace::cli
