// songspace-cli predict-tags / predict-artist / similar-songs / similar-artists /
// songs-for-artist: the five rankings of the joint space. Song lists name each song once (its
// other files as alternatives); song and artist entries say which tags link them to the query.
// A calibrated ranking is shown as probabilities in percent (tags, artist, similar songs and
// artists; docs/design.md §3.1), its JSON giving `probability` in [0, 1] beside the raw `score`.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>
#include <cmath>

#include "app/cli/cliutil.h"
#include "app/cli/command.h"
#include "app/cli/querycontext.h"
#include "core/catalog/catalog.h"
#include "core/library/discoverycontext.h"
#include "core/library/modelsession.h"
#include "core/library/paths.h"

namespace songspace::cli {
namespace {

enum class Query { Tags, Artist, SimilarSongs, SimilarArtists, SongsForArtist };

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
  QueryContext context;
  if (!openQueryContext(args, context)) return 1;

  const QString what = args.positionals().first();
  std::vector<library::Hit> hits;
  QString label = what;
  std::int64_t queryFile = 0;
  const core::JointModel& model = context.session.model();
  // Song lists show one entry per song (copies and near-duplicates collapsed) and every song or
  // artist entry the tags that explain its link to the query (core::whyAlike).
  const bool songList = query == Query::SimilarSongs || query == Query::SongsForArtist;
  library::DiscoveryContext discovery;
  if (songList)
    discovery = library::makeDiscoveryContext(context.session, context.catalog->songs());
  Eigen::VectorXf queryPoint;
  core::Novelty novelty;
  if (query == Query::SimilarArtists || query == Query::SongsForArtist) {
    const int index = findArtist(context, what);
    if (index < 0) return 1;
    const std::string artist = model.artistNames[static_cast<std::size_t>(index)];
    label = QString::fromStdString(artist);
    queryPoint = model.A.col(index);
    if (query == Query::SimilarArtists) {
      hits = context.session.similarArtists(artist, k);
    } else {
      hits = context.session.songsForArtist(artist, k, &discovery.duplicates);
    }
  } else {
    if (!songEmbedding(context, what, queryPoint, queryFile, label, &novelty)) return 1;
    if (query == Query::SimilarSongs) {
      // With the pair measure similar songs share with similar artists (docs/design.md §3.1);
      // compared within the query's kind (design.md §3.2 "Song lists leave out the guesses").
      hits = context.session.similarSongs(queryPoint, k, queryFile, &discovery.duplicates,
                                          novelty.level());
    } else {
      hits = query == Query::Tags
                 ? context.session.predictTags(queryPoint, k, novelty.durationSeconds)
                 : context.session.predictArtists(queryPoint, k, novelty.durationSeconds);
    }
  }

  QJsonArray results;
  QTextStream out(stdout);
  const bool json = p.json;
  // A song unlike the library: its predictions are extrapolations, said before they are listed;
  // so are its tags when it is unlike the tagged songs (its artists are not: design.md §3.2).
  const bool prediction = query == Query::Tags || query == Query::Artist;
  const bool guessed = (query == Query::Tags && novelty.novel()) || novelty.unlikeLibrary();
  if (!json) {
    out << label << "\n";
    if (guessed) {
      out << QStringLiteral("  not confident — %1\n").arg(QString::fromStdString(novelty.reason()));
    }
  }
  // Compared within its kind, a song unlike the tagged songs alone of its kind has none.
  if (!json && query == Query::SimilarSongs && hits.empty() &&
      novelty.level() == core::NoveltyLevel::UnlikeTaggedSongs) {
    out << QStringLiteral(
               "  no other song of its kind — %1; such a song is compared only with "
               "songs like it\n")
               .arg(QString::fromStdString(novelty.reason()));
  }
  int rank = 0;
  for (const library::Hit& hit : hits) {
    ++rank;
    QJsonObject entry{{QStringLiteral("rank"), rank}, {QStringLiteral("score"), hit.score}};
    // Calibrated lists rank and show the probability; the raw score stays in the JSON.
    if (hit.probability >= 0)
      entry.insert(QStringLiteral("probability"),
                   QString::number(hit.probability, 'g', 6).toDouble());
    QString text;
    std::vector<core::Scored> why;
    if (hit.fileId != 0) {
      const QJsonObject song = songJson(*context.catalog, hit.fileId);
      for (auto it = song.begin(); it != song.end(); ++it) entry.insert(it.key(), it.value());
      text = songText(*context.catalog, hit.fileId);
      const QJsonArray alternatives = alternativesJson(context, discovery.duplicates, hit.index);
      if (!alternatives.isEmpty()) {
        entry.insert(QStringLiteral("alternatives"), alternatives);
        text += QStringLiteral("  (+%1 other files)").arg(alternatives.size());
      }
      const Eigen::VectorXf point = context.session.songEmbeddings().col(hit.index);
      why = query == Query::SimilarSongs
                ? context.session.whyAlikeSongs(queryPoint, novelty, hit.index)
                : core::whyAlike(model, queryPoint, point);
    } else {
      text = QString::fromStdString(hit.name);
      entry.insert(QStringLiteral("name"), text);
      // No reason for a pair less likely related than not, as on the artist page.
      if (query == Query::SimilarArtists &&
          !(hit.probability >= 0 && hit.probability < core::kWhyAlikeLeast))
        why = core::whyAlike(model, queryPoint, model.A.col(hit.index));
    }
    if (!hit.guess.empty()) {
      entry.insert(QStringLiteral("guess"), QString::fromStdString(hit.guess));
      text += QStringLiteral("  (%1)").arg(QString::fromStdString(hit.guess));
    }
    if (!why.empty()) {
      const QJsonArray names = tagNames(model, why);
      entry.insert(QStringLiteral("why"), names);
      QStringList shown;
      for (const auto& name : names) shown << name.toString();
      text += QStringLiteral("  — ") + shown.join(QStringLiteral(", "));
    }
    results.append(entry);
    if (!json) {
      // "  1.   94 %  romantic classical" when calibrated, the raw score (a dot product) when not.
      const QString shown =
          hit.probability >= 0 ? QStringLiteral("%1 %").arg(std::lround(100.0 * hit.probability), 5)
                               : QStringLiteral("%1").arg(hit.score, 7, 'f', 3);
      out << QStringLiteral("%1. %2  %3\n").arg(rank, 3).arg(shown, 7).arg(text);
    }
  }
  if (json) {
    QJsonObject object{{QStringLiteral("query"), label}, {QStringLiteral("results"), results}};
    if (queryFile != 0) object.insert(QStringLiteral("file_id"), static_cast<qint64>(queryFile));
    if ((prediction || query == Query::SimilarSongs) && novelty.available)
      object.insert(QStringLiteral("novelty"), noveltyJson(novelty));
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
