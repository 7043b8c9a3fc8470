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
  std::string error;
  const QString modelPath = library::modelPathForCatalog(dbPath);
  if (!QFileInfo::exists(modelPath)) {
    QTextStream(stderr) << "songspace-cli: no model for " << dbPath << " (run train first)\n";
    return false;
  }
  if (!context.session.load(*context.catalog, QFile::encodeName(modelPath).toStdString(), &error)) {
    QTextStream(stderr) << "songspace-cli: cannot load model " << modelPath << ": "
                        << QString::fromStdString(error) << "\n";
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
  std::string error;
  if (!context.session.embedExternalFile(native, out, &error)) {
    QTextStream(stderr) << "songspace-cli: " << what << ": " << QString::fromStdString(error)
                        << "\n";
    return false;
  }
  fileId = 0;
  label = absolute + QStringLiteral(" (not in the catalog: analysed now)");
  return true;
}

int runQuery(Query query, const char* synopsis, const QStringList& rawArgs) {
  Arguments args(rawArgs, {QStringLiteral("--db"), QStringLiteral("-k")},
                 {QStringLiteral("--json")});
  const int k = args.intValue(QStringLiteral("-k"), 10, 1, 100000);
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
  const bool json = args.has(QStringLiteral("--json"));
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

#define SONGSPACE_QUERY_COMMAND(var, name, kind, synopsis, summary) \
  const CommandRegistration var(                                    \
      {name, synopsis, summary, [](const QStringList& a) { return runQuery(kind, synopsis, a); }})

SONGSPACE_QUERY_COMMAND(kTags, "predict-tags", Query::Tags,
                        "predict-tags FILE|ID [-k N] [--db FILE] [--json]",
                        "tags ranked for a song (a file outside the catalog is analysed now)");
SONGSPACE_QUERY_COMMAND(kArtist, "predict-artist", Query::Artist,
                        "predict-artist FILE|ID [-k N] [--db FILE] [--json]",
                        "artists ranked for a song");
SONGSPACE_QUERY_COMMAND(kSimilarSongs, "similar-songs", Query::SimilarSongs,
                        "similar-songs FILE|ID [-k N] [--db FILE] [--json]",
                        "the library's songs nearest to a song in the joint space");
SONGSPACE_QUERY_COMMAND(kSimilarArtists, "similar-artists", Query::SimilarArtists,
                        "similar-artists NAME [-k N] [--db FILE] [--json]",
                        "artists nearest to an artist");
SONGSPACE_QUERY_COMMAND(kSongsForArtist, "songs-for-artist", Query::SongsForArtist,
                        "songs-for-artist NAME [-k N] [--db FILE] [--json]",
                        "the library's songs that best fit an artist");

}  // namespace
}  // namespace songspace::cli
