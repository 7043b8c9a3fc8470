// songspace-cli songs-for-tag / mix / path: discovery in the joint space (core/model/discovery.h).
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include "app/cli/cliutil.h"
#include "app/cli/command.h"
#include "app/cli/querycontext.h"
#include "core/catalog/tagnormalize.h"
#include "core/library/discoverycontext.h"
#include "core/library/ownplaylists.h"
#include "core/library/playlistfile.h"

namespace songspace::cli {
namespace {

// A song of the library (a catalog id or a file of the catalog) as its session row; -1 (and a
// message) otherwise.
int librarySongOrReport(const QueryContext& context, const QString& what) {
  bool isNumber = false;
  const qlonglong id = what.toLongLong(&isNumber);
  std::int64_t fileId = 0;
  if (isNumber && !QFileInfo::exists(what)) {
    fileId = id;
  } else if (const auto row = context.catalog->fileByPath(
                 QFile::encodeName(QFileInfo(what).absoluteFilePath()).toStdString())) {
    fileId = row->id;
  }
  const int row = fileId != 0 ? context.session.rowOfFile(fileId) : -1;
  if (row < 0)
    QTextStream(stderr) << "songspace-cli: '" << what
                        << "' is not an analysed song of the catalog\n";
  return row;
}

// Prints a list of session rows (a mix or a path) as text or JSON and writes it as a playlist
// when asked. `extra(i, entry)` adds per-entry fields. Returns the exit code.
int printSongList(const QueryContext& context, const library::DiscoveryContext& discovery,
                  const std::vector<int>& rows, const std::vector<float>& scores,
                  const std::function<void(std::size_t, QJsonObject&)>& extra, QJsonObject object,
                  const QString& playlist, bool json) {
  QJsonArray results;
  QTextStream out(stdout);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::int64_t fileId = context.session.fileIdOfRow(rows[i]);
    QJsonObject entry = songJson(*context.catalog, fileId);
    entry.insert(QStringLiteral("rank"), static_cast<int>(i + 1));
    entry.insert(QStringLiteral("score"), scores[i]);
    const QJsonArray alternatives = alternativesJson(context, discovery.duplicates, rows[i]);
    if (!alternatives.isEmpty()) entry.insert(QStringLiteral("alternatives"), alternatives);
    extra(i, entry);
    results.append(entry);
    if (!json) {
      out << QStringLiteral("%1. %2  %3\n")
                 .arg(i + 1, 3)
                 .arg(scores[i], 7, 'f', 3)
                 .arg(songText(*context.catalog, fileId));
    }
  }
  object.insert(QStringLiteral("results"), results);
  if (!playlist.isEmpty()) {
    const QString file = library::m3u8FileName(playlist);
    std::vector<core::SongRow> songs;
    for (const int row : rows) {
      if (auto song = context.catalog->song(context.session.fileIdOfRow(row)))
        songs.push_back(std::move(*song));
    }
    std::vector<const core::SongRow*> pointers;
    pointers.reserve(songs.size());
    for (const core::SongRow& song : songs) pointers.push_back(&song);
    if (const auto written = library::writePlaylistM3u8(file, pointers); !written.ok()) {
      QTextStream(stderr) << "songspace-cli: cannot write " << file << ": "
                          << QString::fromStdString(written.message) << "\n";
      return 1;
    }
    const QString absolute = QFileInfo(file).absoluteFilePath();
    // Recorded as Songspace's own: listed in the GUI's Playlists tab, never a training label.
    std::vector<std::int64_t> fileIds;
    fileIds.reserve(songs.size());
    for (const core::SongRow& song : songs) fileIds.push_back(song.fileId);
    if (const auto recorded = library::recordOwnPlaylist(*context.catalog, absolute, fileIds);
        !recorded.ok()) {
      QTextStream(stderr) << "songspace-cli: wrote " << absolute
                          << " but cannot record it in the catalog: "
                          << QString::fromStdString(recorded.message) << "\n";
      return 1;
    }
    object.insert(QStringLiteral("playlist"), absolute);
    if (!json)
      out << QStringLiteral("playlist: %1 (%2 songs)\n").arg(absolute).arg(pointers.size());
  }
  if (json) printJson(object);
  return 0;
}

// --- songs-for-tag

struct TagParameters {
  int k = library::kQueryResults.defaultValue;
  QString db;
  bool json = false;
};

OptionSet declare(TagParameters& p) {
  OptionSet options;
  options.number(QStringLiteral("-k"), library::kQueryResults, p.k)
      .text(QStringLiteral("--db"), QStringLiteral("FILE"), kCatalogOptionHelp, p.db)
      .flag(QStringLiteral("--json"), kJsonOptionHelp, p.json);
  return options;
}

// The tag page: songs that fit the tag (marked when the file already carries it), related tags
// and the artists that fit it.
int runSongsForTag(const QString& synopsis, const QStringList& rawArgs) {
  TagParameters p;
  const Arguments args = declare(p).parse(rawArgs);
  if (!args.ok()) return usageError(synopsis, args.error());
  if (args.positionals().size() != 1) return usageError(synopsis, QStringLiteral("one tag needed"));
  QueryContext context;
  if (!openQueryContext(args, context)) return 1;
  const core::JointModel& model = context.session.model();
  const int tag = findTag(context, args.positionals().first());
  if (tag < 0) return 1;
  const std::string tagName = model.tagNames[static_cast<std::size_t>(tag)];
  const library::DiscoveryContext discovery =
      library::makeDiscoveryContext(context.session, context.catalog->songs());
  // One entry per song; songs unlike the library are left out (ModelSession's song lists).
  const std::vector<library::Hit> songs =
      context.session.songsForTag(tagName, p.k, &discovery.duplicates);
  const int few = std::min(p.k, library::kQueryResults.defaultValue);
  const std::vector<core::Scored> related = core::relatedTags(model, tag, few);
  const std::vector<core::Scored> artists = core::artistsForTag(model, discovery.artists, tag, few);

  QTextStream out(stdout);
  QJsonArray songList;
  if (!p.json)
    out << QStringLiteral("songs for %1 (* already tagged)\n").arg(QString::fromStdString(tagName));
  int rank = 0;
  for (const library::Hit& s : songs) {
    const std::int64_t fileId = s.fileId;
    bool tagged = false;
    for (const core::FileTag& own : context.catalog->tags(fileId))
      tagged = tagged || (own.tag == tagName && own.source != core::TagSource::Predicted);
    QJsonObject entry = songJson(*context.catalog, fileId);
    entry.insert(QStringLiteral("rank"), ++rank);
    entry.insert(QStringLiteral("score"), s.score);
    if (s.probability >= 0)
      entry.insert(QStringLiteral("probability"),
                   QString::number(s.probability, 'g', 6).toDouble());
    entry.insert(QStringLiteral("tagged"), tagged);
    const QJsonArray alternatives = alternativesJson(context, discovery.duplicates, s.index);
    if (!alternatives.isEmpty()) entry.insert(QStringLiteral("alternatives"), alternatives);
    songList.append(entry);
    if (!p.json)
      out << QStringLiteral("%1.%2 %3  %4\n")
                 .arg(rank, 3)
                 .arg(tagged ? QLatin1Char('*') : QLatin1Char(' '))
                 .arg(s.score, 7, 'f', 3)
                 .arg(songText(*context.catalog, fileId));
  }
  const auto named = [](const std::vector<core::Scored>& scored,
                        const std::vector<std::string>& names, const QString& title,
                        QTextStream& text, bool json) {
    QJsonArray list;
    if (!json) text << title << "\n";
    for (const core::Scored& s : scored) {
      const QString name = QString::fromStdString(names[static_cast<std::size_t>(s.index)]);
      list.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("score"), s.score}});
      if (!json) text << QStringLiteral("  %1  %2\n").arg(s.score, 7, 'f', 3).arg(name);
    }
    return list;
  };
  const QJsonArray relatedList =
      named(related, model.tagNames, QStringLiteral("related tags"), out, p.json);
  const QJsonArray artistList =
      named(artists, model.artistNames, QStringLiteral("artists"), out, p.json);
  if (p.json) {
    printJson({{QStringLiteral("tag"), QString::fromStdString(tagName)},
               {QStringLiteral("results"), songList},
               {QStringLiteral("related_tags"), relatedList},
               {QStringLiteral("artists"), artistList}});
  }
  return 0;
}

// --- mix

struct MixParameters {
  core::MixOptions mix;
  QString db, m3u8;
  bool json = false;
};

OptionSet declare(MixParameters& p) {
  OptionSet options;
  options.number(QStringLiteral("-n"), core::MixOptions::kLength, p.mix.length)
      .number(QStringLiteral("--max-per-artist"), core::MixOptions::kMaxPerArtist,
              p.mix.maxPerArtist, QStringLiteral("K"))
      .number(QStringLiteral("--max-per-album"), core::MixOptions::kMaxPerAlbum, p.mix.maxPerAlbum,
              QStringLiteral("K"))
      .number(QStringLiteral("--window"), core::MixOptions::kWindow, p.mix.window,
              QStringLiteral("W"))
      .number(QStringLiteral("--wander"), core::MixOptions::kWander, p.mix.wander)
      .number(QStringLiteral("--min-seconds"), core::MixOptions::kMinSeconds, p.mix.minSeconds,
              QStringLiteral("S"))
      .text(QStringLiteral("--m3u8"), QStringLiteral("FILE"),
            QStringLiteral("also write the songs as an M3U8 playlist (.m3u8 added when missing)"),
            p.m3u8)
      .text(QStringLiteral("--db"), QStringLiteral("FILE"), kCatalogOptionHelp, p.db)
      .flag(QStringLiteral("--json"), kJsonOptionHelp, p.json);
  return options;
}

// A seed of a mix: its point in the space and, for a song of the library, its row.
struct Seed {
  Eigen::VectorXf point;
  int row = -1;
  QString label;
};

bool seedOrReport(const QueryContext& context, const QString& what, Seed& seed) {
  const core::JointModel& model = context.session.model();
  if (what.startsWith(QStringLiteral("artist:"))) {
    const QString name = what.mid(7);
    const int artist = findArtist(context, name);
    if (artist < 0) return false;
    seed.point = model.A.col(artist);
    seed.label = what;
    return true;
  }
  if (what.startsWith(QStringLiteral("tag:"))) {
    const int tag = findTag(context, what.mid(4));
    if (tag < 0) return false;
    seed.point = model.T.col(tag);
    seed.label = what;
    return true;
  }
  std::int64_t fileId = 0;
  if (!songEmbedding(context, what, seed.point, fileId, seed.label)) return false;
  seed.row = fileId != 0 ? context.session.rowOfFile(fileId) : -1;
  return true;
}

int runMix(const QString& synopsis, const QStringList& rawArgs) {
  MixParameters p;
  const Arguments args = declare(p).parse(rawArgs);
  if (!args.ok()) return usageError(synopsis, args.error());
  if (args.positionals().isEmpty())
    return usageError(synopsis, QStringLiteral("at least one seed needed"));
  QueryContext context;
  if (!openQueryContext(args, context)) return 1;

  // The seed point: the mean of the seeds' directions; the first seed that is a song of the
  // library opens the mix.
  Eigen::VectorXf seed = Eigen::VectorXf::Zero(context.session.model().dimension());
  int start = -1;
  QJsonArray seedLabels;
  for (const QString& what : args.positionals()) {
    Seed one;
    if (!seedOrReport(context, what, one)) return 1;
    if (const float norm = one.point.norm(); norm > 0) seed += one.point / norm;
    if (start < 0) start = one.row;
    seedLabels.append(one.label);
  }
  const library::DiscoveryContext discovery =
      library::makeDiscoveryContext(context.session, context.catalog->songs());
  const std::vector<core::Scored> mix =
      core::instantMix(context.session.songEmbeddings(), seed, start, discovery.facts,
                       discovery.duplicates, p.mix, &context.session.songSearch());
  if (static_cast<int>(mix.size()) < p.mix.length) {
    QTextStream(stderr) << QStringLiteral(
                               "songspace-cli: the library allows only %1 of %2 songs under these "
                               "variety rules\n")
                               .arg(mix.size())
                               .arg(p.mix.length);
  }
  std::vector<int> rows;
  std::vector<float> scores;
  for (const core::Scored& s : mix) {
    rows.push_back(s.index);
    scores.push_back(s.score);
  }
  QJsonObject object{{QStringLiteral("seeds"), seedLabels},
                     {QStringLiteral("max_per_artist"), p.mix.maxPerArtist},
                     {QStringLiteral("max_per_album"), p.mix.maxPerAlbum},
                     {QStringLiteral("window"), p.mix.window},
                     {QStringLiteral("wander"), p.mix.wander}};
  return printSongList(
      context, discovery, rows, scores, [](std::size_t, QJsonObject&) {}, object, p.m3u8, p.json);
}

// --- path

struct PathParameters {
  int length = core::kPathLength.defaultValue;
  QString db, m3u8;
  bool json = false;
};

OptionSet declare(PathParameters& p) {
  OptionSet options;
  options.number(QStringLiteral("-n"), core::kPathLength, p.length)
      .text(QStringLiteral("--m3u8"), QStringLiteral("FILE"),
            QStringLiteral("also write the songs as an M3U8 playlist (.m3u8 added when missing)"),
            p.m3u8)
      .text(QStringLiteral("--db"), QStringLiteral("FILE"), kCatalogOptionHelp, p.db)
      .flag(QStringLiteral("--json"), kJsonOptionHelp, p.json);
  return options;
}

int runPath(const QString& synopsis, const QStringList& rawArgs) {
  PathParameters p;
  const Arguments args = declare(p).parse(rawArgs);
  if (!args.ok()) return usageError(synopsis, args.error());
  if (args.positionals().size() != 2)
    return usageError(synopsis, QStringLiteral("two songs needed: where the path starts and ends"));
  QueryContext context;
  if (!openQueryContext(args, context)) return 1;
  const int from = librarySongOrReport(context, args.positionals()[0]);
  if (from < 0) return 1;
  const int to = librarySongOrReport(context, args.positionals()[1]);
  if (to < 0) return 1;
  const library::DiscoveryContext discovery =
      library::makeDiscoveryContext(context.session, context.catalog->songs());
  if (discovery.duplicates.groupOf(from) == discovery.duplicates.groupOf(to)) {
    QTextStream(stderr) << "songspace-cli: both ends are the same song\n";
    return 1;
  }
  const std::vector<core::PathStep> path =
      core::songPath(context.session.songEmbeddings(), from, to, p.length, discovery.duplicates,
                     core::kPathCandidates.defaultValue, discovery.facts.novelty);
  if (static_cast<int>(path.size()) < p.length) {
    QTextStream(stderr) << QStringLiteral(
                               "songspace-cli: only %1 songs lie between the two (of %2 asked)\n")
                               .arg(path.size())
                               .arg(p.length);
  }
  std::vector<int> rows;
  std::vector<float> progress;
  for (const core::PathStep& step : path) {
    rows.push_back(step.song);
    progress.push_back(step.progress);
  }
  return printSongList(
      context, discovery, rows, progress,
      [&](std::size_t i, QJsonObject& entry) {
        entry.insert(QStringLiteral("progress"), path[i].progress);
        entry.insert(QStringLiteral("distance"), path[i].distance);
        entry.remove(QStringLiteral("score"));
      },
      {}, p.m3u8, p.json);
}

template <typename Parameters>
QString synopsisOf(const char* name, const char* positionals) {
  Parameters defaults;
  return QStringLiteral("%1 %2 %3")
      .arg(QLatin1String(name), QLatin1String(positionals), declare(defaults).synopsis());
}

template <typename Parameters>
QString helpOf() {
  Parameters defaults;
  return declare(defaults).help();
}

const CommandRegistration kSongsForTag(
    {"songs-for-tag", synopsisOf<TagParameters>("songs-for-tag", "TAG"),
     "the library's songs that fit a tag, its related tags and artists",
     [](const QStringList& args) {
       return runSongsForTag(synopsisOf<TagParameters>("songs-for-tag", "TAG"), args);
     },
     helpOf<TagParameters>});
const CommandRegistration kMix(
    {"mix", synopsisOf<MixParameters>("mix", "SEED..."),
     "an instant mix from songs (FILE|ID), artist:NAME or tag:NAME seeds",
     [](const QStringList& args) {
       return runMix(synopsisOf<MixParameters>("mix", "SEED..."), args);
     },
     helpOf<MixParameters>});
const CommandRegistration kPath({"path", synopsisOf<PathParameters>("path", "A B"),
                                 "songs leading from song A to song B through the joint space",
                                 [](const QStringList& args) {
                                   return runPath(synopsisOf<PathParameters>("path", "A B"), args);
                                 },
                                 helpOf<PathParameters>});

}  // namespace
}  // namespace songspace::cli
