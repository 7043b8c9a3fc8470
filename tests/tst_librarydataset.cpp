#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <map>
#include <set>

#include "core/catalog/catalog.h"
#include "core/model/librarydataset.h"

using namespace songspace;

namespace {

struct Song {
  std::string path, artist, albumArtist, album;
  std::vector<std::string> genres;
  int codebook = 1;
};

core::AnalysisRecord recordFor(const Song& song, int seed) {
  core::AnalysisRecord r;
  r.info.title = song.path;
  r.info.artist = song.artist;
  r.info.albumArtist = song.albumArtist;
  r.info.album = song.album;
  r.info.genres = song.genres;
  r.info.durationSeconds = 100;
  r.codebookId = song.codebook;
  r.features.codewordCounts = {{static_cast<std::uint32_t>(seed % 5), 3.0f},
                               {static_cast<std::uint32_t>(5 + seed % 3), 1.0f + seed % 4}};
  r.features.summary = {static_cast<float>(seed), static_cast<float>(seed % 7), 1.0f, 0.5f};
  r.frameCount = 100;
  return r;
}

}  // namespace

class LibraryDatasetTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir m_temp;
  std::unique_ptr<core::Catalog> m_catalog;
  std::map<std::string, std::int64_t> m_id;

  int row(const core::LibraryDataset& d, const std::string& path) const {
    const auto it = std::find(d.fileIds.begin(), d.fileIds.end(), m_id.at(path));
    return it == d.fileIds.end() ? -1 : static_cast<int>(it - d.fileIds.begin());
  }
  std::string artistOf(const core::LibraryDataset& d, const std::string& path) const {
    const int a = d.data.songArtist[static_cast<std::size_t>(row(d, path))];
    return a < 0 ? std::string() : d.artistNames[static_cast<std::size_t>(a)];
  }
  std::set<std::string> tagsOf(const core::LibraryDataset& d, const std::string& path) const {
    std::set<std::string> tags;
    for (const int t : d.data.songTags[static_cast<std::size_t>(row(d, path))])
      tags.insert(d.tagNames[static_cast<std::size_t>(t)]);
    return tags;
  }
  bool songPair(const core::LibraryDataset& d, const std::string& a, const std::string& b) const {
    const int x = row(d, a), y = row(d, b);
    return std::count(d.data.similarSongs.begin(), d.data.similarSongs.end(),
                      std::make_pair(std::min(x, y), std::max(x, y))) == 1;
  }
  bool artistPair(const core::LibraryDataset& d, const std::string& a, const std::string& b) const {
    const auto index = [&](const std::string& name) {
      return static_cast<int>(std::find(d.artistNames.begin(), d.artistNames.end(), name) -
                              d.artistNames.begin());
    };
    const int x = index(a), y = index(b);
    return std::count(d.data.similarArtists.begin(), d.data.similarArtists.end(),
                      std::make_pair(std::min(x, y), std::max(x, y))) == 1;
  }

  core::LibraryDataset build(int maxPartners = 8, int minTagSongs = 2) {
    core::LibraryDatasetOptions options;
    options.codewords = 8;
    options.codebookId = 1;
    options.maxPartnersPerSong = maxPartners;
    options.minTagSongs = minTagSongs;
    core::LibraryDataset d;
    if (const auto built = core::buildLibraryDataset(*m_catalog, options, d); !built.ok())
      qWarning("%s", built.message.c_str());
    return d;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_temp.isValid());
    m_catalog = core::Catalog::open(m_temp.path().toStdString() + "/c.sqlite");
    QVERIFY(m_catalog);
    std::vector<Song> songs{
        {"/lib/alpha/one/1.mp3", "Alpha", "", "One", {"Rock", "Happy"}},
        {"/lib/alpha/one/2.mp3", "Alpha", "", "One", {"rock"}},
        {"/lib/alpha/one/3.mp3", "Alpha", "", "One", {"ROCK ", "Solo"}},
        {"/lib/alpha/two/4.mp3", "", "Alpha", "Two", {"Jazz"}},  // album-artist fallback
        {"/lib/alpha/two/5.mp3", "", "Alpha", "Two", {"jazz"}},
        {"/lib/beta/6.mp3", "Beta", "", "", {}},  // untagged album: the folder stands in
        {"/lib/beta/7.mp3", "Beta", "", "", {}},
        {"/lib/comp/8.mp3", "Gamma", "Various Artists", "Hits", {}},
        {"/lib/comp/9.mp3", "Delta", "Various Artists", "Hits", {}},
        {"/lib/downloads/10.mp3", "Eps", "", "", {}},
        {"/lib/downloads/11.mp3", "Zeta", "", "", {}},
        {"/lib/other/12.mp3", "Beta", "", "", {}, 2},  // another codebook: not used
        {"/lib/gone/13.mp3", "Gone", "", "", {"Rock"}},
    };
    QVERIFY(m_catalog->beginBatch().ok());
    int seed = 0;
    for (const Song& s : songs) {
      std::int64_t id = 0;
      QVERIFY(
          m_catalog->storeAnalysis(s.path, {100, 1000 + seed}, 1, recordFor(s, seed), &id).ok());
      m_id[s.path] = id;
      ++seed;
    }
    for (int i = 0; i < 30; ++i) {  // one prolific artist
      const std::string path = "/lib/omega/" + std::to_string(i) + ".mp3";
      std::int64_t id = 0;
      QVERIFY(
          m_catalog->storeAnalysis(path, {1, 1}, 1, recordFor({path, "Omega", "", "", {}}, i), &id)
              .ok());
      m_id[path] = id;
    }
    QVERIFY(m_catalog->commitBatch().ok());
    int missing = 0;
    std::unordered_set<std::string> seen;
    for (const auto& [path, id] : m_id) {
      if (path != "/lib/gone/13.mp3") seen.insert(path);
    }
    QVERIFY(m_catalog->markMissing({"/lib"}, seen, &missing).ok());
    QCOMPARE(missing, 1);
    QVERIFY(m_catalog->addTag(m_id["/lib/beta/6.mp3"], "Chill", core::TagSource::User).ok());
    QVERIFY(m_catalog->addTag(m_id["/lib/comp/8.mp3"], "chill", core::TagSource::User).ok());
    for (const char* p : {"/lib/beta/6.mp3", "/lib/beta/7.mp3", "/lib/comp/9.mp3"})
      QVERIFY(m_catalog->setPredictedTags(m_id[p], {{"guess", 0.9f}}).ok());
    QVERIFY(m_catalog
                ->replacePlaylist("/lib/mix.m3u", "mix",
                                  {{m_id["/lib/alpha/one/1.mp3"], ""},
                                   {m_id["/lib/downloads/10.mp3"], ""},
                                   {0, "/elsewhere/x.mp3"}})
                .ok());
    // Songspace's own selection: its songs and artists are not made similar (the model's own
    // choices are not labels).
    QVERIFY(
        m_catalog
            ->replacePlaylist("/lib/downloads/selection.m3u8", "selection",
                              {{m_id["/lib/downloads/11.mp3"], ""}, {m_id["/lib/beta/6.mp3"], ""}},
                              nullptr, core::PlaylistOrigin::Songspace)
            .ok());
  }

  void songsAndFeatures() {
    const core::LibraryDataset d = build();
    QCOMPARE(d.data.numSongs(), 11 + 30);  // not the other codebook's song, not the missing one
    QCOMPARE(row(d, "/lib/other/12.mp3"), -1);
    QCOMPARE(row(d, "/lib/gone/13.mp3"), -1);
    QCOMPARE(d.data.featureDimension(), d.features.dimension());
    QCOMPARE(static_cast<int>(d.fileIds.size()), d.data.numSongs());
    // Rows are the FeatureSpace transform of each song's stored features.
    for (int i = 0; i < d.data.numSongs(); ++i) {
      const auto raw = m_catalog->features(d.fileIds[static_cast<std::size_t>(i)]);
      QVERIFY(raw);
      const Eigen::SparseVector<float> x = d.features.transform(*raw);
      const Eigen::VectorXf dense = Eigen::VectorXf(d.data.songs.row(i).transpose());
      QVERIFY((Eigen::VectorXf(x) - dense).norm() < 1e-6f);
    }
  }

  void artistsWithFallback() {
    const core::LibraryDataset d = build();
    QCOMPARE(artistOf(d, "/lib/alpha/one/1.mp3"), std::string("Alpha"));
    QCOMPARE(artistOf(d, "/lib/alpha/two/4.mp3"), std::string("Alpha"));
    QCOMPARE(artistOf(d, "/lib/comp/8.mp3"), std::string("Gamma"));
    const std::set<std::string> names(d.artistNames.begin(), d.artistNames.end());
    QCOMPARE(names,
             (std::set<std::string>{"Alpha", "Beta", "Gamma", "Delta", "Eps", "Zeta", "Omega"}));
    QCOMPARE(d.data.numArtists, 7);
  }

  void tagsNormalisedAndFiltered() {
    core::LibraryDataset d = build();
    QCOMPARE(tagsOf(d, "/lib/alpha/one/1.mp3"), (std::set<std::string>{"rock"}));  // happy: 1 song
    QCOMPARE(tagsOf(d, "/lib/alpha/one/3.mp3"), (std::set<std::string>{"rock"}));
    QCOMPARE(tagsOf(d, "/lib/alpha/two/5.mp3"), (std::set<std::string>{"jazz"}));
    QCOMPARE(tagsOf(d, "/lib/beta/6.mp3"), (std::set<std::string>{"chill"}));  // user tags count
    QCOMPARE(tagsOf(d, "/lib/beta/7.mp3"), std::set<std::string>{});  // predicted ones do not
    const std::set<std::string> all(d.tagNames.begin(), d.tagNames.end());
    QCOMPARE(all, (std::set<std::string>{"chill", "jazz", "rock"}));
    QCOMPARE(d.data.numTags, 3);
    d = build(8, 1);
    QVERIFY(std::count(d.tagNames.begin(), d.tagNames.end(), "happy") == 1);
    QVERIFY(std::count(d.tagNames.begin(), d.tagNames.end(), "solo") == 1);
    QVERIFY(std::count(d.tagNames.begin(), d.tagNames.end(), "guess") == 0);
    d = build(8, 4);
    QVERIFY(d.tagNames.empty());
  }

  void albumsAndFolders() {
    const core::LibraryDataset d = build();
    const auto album = [&](const std::string& p) {
      return d.songAlbum[static_cast<std::size_t>(row(d, p))];
    };
    QCOMPARE(album("/lib/alpha/one/1.mp3"), album("/lib/alpha/one/3.mp3"));
    QVERIFY(album("/lib/alpha/one/1.mp3") != album("/lib/alpha/two/4.mp3"));
    QVERIFY(album("/lib/beta/6.mp3") >= 0);
    QCOMPARE(album("/lib/beta/6.mp3"), album("/lib/beta/7.mp3"));
    QCOMPARE(album("/lib/comp/8.mp3"), album("/lib/comp/9.mp3"));
    QVERIFY(album("/lib/comp/8.mp3") != album("/lib/beta/6.mp3"));
    core::LibraryDatasetOptions options;
    options.codewords = 8;
    options.codebookId = 1;
    options.folderAlbums = false;
    core::LibraryDataset noFolders;
    QVERIFY(core::buildLibraryDataset(*m_catalog, options, noFolders).ok());
    QCOMPARE(noFolders.songAlbum[static_cast<std::size_t>(row(noFolders, "/lib/beta/6.mp3"))], -1);
  }

  void similarSongs() {
    const core::LibraryDataset d = build();
    QVERIFY(songPair(d, "/lib/alpha/one/1.mp3", "/lib/alpha/one/2.mp3"));   // album
    QVERIFY(songPair(d, "/lib/alpha/one/1.mp3", "/lib/alpha/two/5.mp3"));   // artist
    QVERIFY(songPair(d, "/lib/comp/8.mp3", "/lib/comp/9.mp3"));             // compilation album
    QVERIFY(songPair(d, "/lib/beta/6.mp3", "/lib/beta/7.mp3"));             // folder album
    QVERIFY(songPair(d, "/lib/alpha/one/1.mp3", "/lib/downloads/10.mp3"));  // playlist
    QVERIFY(!songPair(d, "/lib/alpha/one/2.mp3", "/lib/downloads/10.mp3"));
    for (const auto& [a, b] : d.data.similarSongs) {
      QVERIFY(a < b);
      QVERIFY(a >= 0 && b < d.data.numSongs());
    }
    // The prolific artist: at most maxPartnersPerSong partners drawn per song, but every song
    // has at least one.
    const core::LibraryDataset bounded = build(3);
    std::set<int> omega;
    for (int i = 0; i < 30; ++i)
      omega.insert(row(bounded, "/lib/omega/" + std::to_string(i) + ".mp3"));
    int pairs = 0;
    std::set<int> covered;
    for (const auto& [a, b] : bounded.data.similarSongs) {
      if (omega.count(a) && omega.count(b)) {
        ++pairs;
        covered.insert(a);
        covered.insert(b);
      }
    }
    // Two groups hold them (the artist and the folder album): 3 partners per song each.
    QVERIFY2(pairs <= 2 * 30 * 3 && pairs >= 30 && pairs < 30 * 29 / 2,
             qPrintable(QString::number(pairs)));
    QCOMPARE(covered.size(), std::size_t(30));
    const core::LibraryDataset again = build(3);
    QVERIFY(again.data.similarSongs == bounded.data.similarSongs);  // seeded
  }

  void similarArtists() {
    const core::LibraryDataset d = build();
    QVERIFY(artistPair(d, "Gamma", "Delta"));  // compilation
    QVERIFY(artistPair(d, "Alpha", "Eps"));    // playlist
    // A folder of loose singles is not a compilation: its artists are not made similar.
    QVERIFY(!artistPair(d, "Eps", "Zeta"));
    QVERIFY(!artistPair(d, "Alpha", "Beta"));
    QCOMPARE(d.data.similarArtists.size(), std::size_t(2));
  }

  // A catalog scanned before placeholders were read as missing (issue 12 §6) holds "<Unknown>" as
  // an artist, "Unknown Album" as an album and "(none)" and "& country" (a cut fragment of
  // "Folk, World, & Country") as tags: none of them may become a label or group songs.
  void placeholdersAreNoLabels() {
    QTemporaryDir dir;
    auto catalog = core::Catalog::open(dir.path().toStdString() + "/old.sqlite");
    QVERIFY(catalog);
    const std::vector<Song> songs{
        {"/p/a/1.mp3", "<Unknown>", "", "Unknown Album", {"(none)", "Folk"}},
        {"/p/a/2.mp3", "Unknown Artist", "Real", "Unknown Album", {"(NONE)", "folk", "& Country"}},
        {"/p/b/3.mp3", "Real", "", "Unknown Album", {"& country", "Folk"}},
        {"/p/c/4.mp3", "  ", "N/A", "", {"n/a", " - "}},
    };
    std::vector<std::int64_t> ids;
    int seed = 0;
    for (const Song& s : songs) {
      std::int64_t id = 0;
      QVERIFY(catalog->storeAnalysis(s.path, {1, seed}, 1, recordFor(s, seed), &id).ok());
      ids.push_back(id);
      ++seed;
    }
    core::LibraryDatasetOptions options;
    options.codewords = 8;
    options.codebookId = 1;
    core::LibraryDataset d;
    QVERIFY(core::buildLibraryDataset(*catalog, options, d).ok());
    QCOMPARE(d.artistNames, std::vector<std::string>{"Real"});
    const auto songRow = [&](int i) {
      return static_cast<std::size_t>(
          std::find(d.fileIds.begin(), d.fileIds.end(), ids[static_cast<std::size_t>(i)]) -
          d.fileIds.begin());
    };
    QCOMPARE(d.data.songArtist[songRow(0)], -1);
    QCOMPARE(d.data.songArtist[songRow(1)], 0);  // the album artist stands in for the placeholder
    QCOMPARE(d.data.songArtist[songRow(3)], -1);
    QCOMPARE(d.tagNames, std::vector<std::string>{"folk"});
    std::map<std::string, std::string> leftOut;
    for (const auto& label : d.leftOutTags) leftOut[label.name] = label.code;
    QCOMPARE(leftOut["(none)"], std::string("placeholder"));
    QCOMPARE(leftOut["& country"], std::string("placeholder"));
    for (const auto& label : d.leftOutArtists) leftOut[label.name] = label.code;
    QCOMPARE(leftOut["<Unknown>"], std::string("placeholder"));
    QCOMPARE(leftOut["Unknown Artist"], std::string("placeholder"));
    // "Unknown Album" is no album: the songs of /p/a and /p/b are not one group.
    QVERIFY(d.songAlbum[songRow(0)] == d.songAlbum[songRow(1)]);
    QVERIFY(d.songAlbum[songRow(2)] != d.songAlbum[songRow(0)]);
    // The list is the user's: without placeholders "<Unknown>" is a name like any other.
    options.reading.placeholders.clear();
    QVERIFY(core::buildLibraryDataset(*catalog, options, d).ok());
    QVERIFY(std::find(d.artistNames.begin(), d.artistNames.end(), "<Unknown>") !=
            d.artistNames.end());
  }

  // The vocabulary explains itself: every tag or artist the dataset leaves out is listed with
  // its reason (too few songs; only values auto-tag wrote and nobody accepted; only on songs
  // that cannot be used). Runs last: it adds to the shared catalog.
  void leftOutLabelsHaveReasons() {
    // "happy" on 1.mp3 was written by auto-tag (not accepted); "lost" is only on a song of
    // another codebook; "Hermit" has only such a song.
    std::int64_t batch = 0, edit = 0, hermit = 0;
    QVERIFY(m_catalog->createTagBatch(core::TagBatchKind::Apply, 0, "test", &batch).ok());
    core::TagEdit e;
    e.batchId = batch;
    e.fileId = m_id["/lib/alpha/one/1.mp3"];
    e.path = "/lib/alpha/one/1.mp3";
    e.field = "genre";
    e.oldValuesJson = R"(["Rock"])";
    e.newValuesJson = R"(["Rock","Happy"])";
    QVERIFY(m_catalog->journalEdit(e, &edit).ok());
    QVERIFY(m_catalog->markWritten(e.fileId, "Happy", edit).ok());
    QVERIFY(m_catalog->addTag(m_id["/lib/other/12.mp3"], "Lost", core::TagSource::User).ok());
    QVERIFY(m_catalog
                ->storeAnalysis("/lib/hermit/1.mp3", {5, 5}, 1,
                                recordFor({"/lib/hermit/1.mp3", "Hermit", "", "", {}, 2}, 3),
                                &hermit)
                .ok());
    const core::LibraryDataset d = build();
    QCOMPARE(d.data.numTags, 3);  // chill, jazz, rock as before
    std::map<std::string, std::pair<std::string, int>> tags;
    for (const core::LeftOutLabel& label : d.leftOutTags) {
      QVERIFY2(!label.reason.empty(), label.name.c_str());
      tags[label.name] = {label.code, label.songs};
    }
    using Why = std::pair<std::string, int>;
    QCOMPARE(tags, (std::map<std::string, Why>{{"happy", Why{"written_not_accepted", 1}},
                                               {"lost", Why{"not_analysed", 0}},
                                               {"solo", Why{"too_few_songs", 1}}}));
    // The song of "solo" is marked as tagged out of the vocabulary (a negative for every tag in
    // the calibration), and no other: "happy" was written, "lost" is on no song of the dataset.
    const auto marked = [&](const core::LibraryDataset& set) {
      std::vector<int> songs;
      const auto& flags = set.songTaggedOutOfVocabulary;
      for (std::size_t s = 0; s < flags.size(); ++s)
        if (flags[s]) songs.push_back(static_cast<int>(s));
      return songs;
    };
    QCOMPARE(d.songTaggedOutOfVocabulary.size(), std::size_t(d.data.numSongs()));
    QCOMPARE(marked(d), std::vector<int>{row(d, "/lib/alpha/one/3.mp3")});
    QCOMPARE(d.leftOutArtists.size(), std::size_t(1));
    QCOMPARE(d.leftOutArtists[0].name, std::string("Hermit"));
    QCOMPARE(d.leftOutArtists[0].code, std::string("not_analysed"));
    QCOMPARE(d.leftOutArtists[0].songs, 1);
    // Accepted, "happy" is the user's on one song: too few songs now.
    QVERIFY(m_catalog->acceptEdits({edit}, 1).ok());
    const core::LibraryDataset accepted = build();
    for (const core::LeftOutLabel& label : accepted.leftOutTags) {
      if (label.name == "happy") QCOMPARE(label.code, std::string("too_few_songs"));
    }
    std::vector<int> both{row(accepted, "/lib/alpha/one/1.mp3"),
                          row(accepted, "/lib/alpha/one/3.mp3")};
    std::sort(both.begin(), both.end());
    QCOMPARE(marked(accepted), both);
    const core::LibraryDataset everyTag = build(8, 1);
    QVERIFY(everyTag.leftOutTags.size() == 1);  // only "lost" at one song per tag
    QVERIFY(marked(everyTag).empty());
  }

  // One recording, one group (TrainingSet::songGroup): a song's stems (same artist, title without
  // its bracketed qualifier, same length) and exact copies (the same analysis under two paths);
  // every other song alone. The shared catalog's titles all differ, so its only groups are
  // songs stored with the same analysis (the Omega songs reuse the first songs' seeds): exactly
  // the songs with equal model inputs.
  void recordingsAreGroups() {
    {
      const core::LibraryDataset d = build();
      QCOMPARE(static_cast<int>(d.data.songGroup.size()), d.data.numSongs());
      for (int a = 0; a < d.data.numSongs(); ++a) {
        for (int b = a + 1; b < d.data.numSongs(); ++b) {
          const bool same =
              Eigen::RowVectorXf(d.data.songs.row(a)) == Eigen::RowVectorXf(d.data.songs.row(b));
          QCOMPARE(d.data.songGroup[static_cast<std::size_t>(a)] ==
                       d.data.songGroup[static_cast<std::size_t>(b)],
                   same);
        }
      }
    }
    auto catalog = core::Catalog::open(m_temp.path().toStdString() + "/groups.sqlite");
    QVERIFY(catalog);
    std::map<std::string, std::int64_t> ids;
    const auto store = [&](const std::string& path, const std::string& artist,
                           const std::string& title, double seconds, int seed) {
      core::AnalysisRecord r = recordFor({path, artist, "", "", {"Metal"}}, seed);
      r.info.title = title;
      r.info.durationSeconds = seconds;
      std::int64_t id = 0;
      QVERIFY(catalog->storeAnalysis(path, {100, 1000 + seed}, 1, r, &id).ok());
      ids[path] = id;
    };
    QVERIFY(catalog->beginBatch().ok());
    store("/m/chaos/song.ogg", "Muldjord", "Chaos God (fof rhythm)", 183.53, 1);
    store("/m/chaos/guitar.ogg", "Muldjord", "Chaos God (fof guitar)", 183.53, 2);
    store("/m/mime/song.ogg", "Muldjord", "Mutilated Mime", 200.0, 3);
    store("/m/mime/live.ogg", "Muldjord", "Mutilated Mime (live)", 260.0, 4);  // another take
    store("/a/x.flac", "Other", "X", 90.0, 5);
    store("/b/x copy.flac", "Someone", "Another title", 91.0, 5);  // the same analysis: a copy
    QVERIFY(catalog->commitBatch().ok());
    core::LibraryDatasetOptions options;
    options.codewords = 8;
    options.codebookId = 1;
    core::LibraryDataset d;
    QVERIFY(core::buildLibraryDataset(*catalog, options, d).ok());
    const auto groupOf = [&](const std::string& path) {
      const auto it = std::find(d.fileIds.begin(), d.fileIds.end(), ids.at(path));
      return d.data.songGroup[static_cast<std::size_t>(it - d.fileIds.begin())];
    };
    QCOMPARE(groupOf("/m/chaos/song.ogg"), groupOf("/m/chaos/guitar.ogg"));
    QVERIFY(groupOf("/m/mime/song.ogg") != groupOf("/m/mime/live.ogg"));
    QVERIFY(groupOf("/m/mime/song.ogg") != groupOf("/m/chaos/song.ogg"));
    QCOMPARE(groupOf("/a/x.flac"), groupOf("/b/x copy.flac"));
    QVERIFY(groupOf("/a/x.flac") != groupOf("/m/mime/live.ogg"));
  }

  void emptyCatalogFails() {
    auto empty = core::Catalog::open(m_temp.path().toStdString() + "/empty.sqlite");
    QVERIFY(empty);
    core::LibraryDataset d;
    const auto built = core::buildLibraryDataset(*empty, {}, d);
    QCOMPARE(built.error, songspace::base::ErrorCode::NotFound);
    QVERIFY(!built.message.empty());
  }

  // Songspace's own playlists are never training labels; the same entries as a library playlist
  // are.
  void ownPlaylistsAreNotLabels() {
    const std::string zeta = "/lib/downloads/11.mp3", beta = "/lib/beta/6.mp3";
    const core::LibraryDataset d = build();
    QVERIFY(!songPair(d, zeta, beta));
    QVERIFY(!artistPair(d, "Zeta", "Beta"));
    std::int64_t id = 0;
    QVERIFY(m_catalog
                ->replacePlaylist("/lib/theirs.m3u", "theirs", {{m_id[zeta], ""}, {m_id[beta], ""}},
                                  &id)
                .ok());
    const core::LibraryDataset labelled = build();
    QVERIFY(songPair(labelled, zeta, beta));
    QVERIFY(artistPair(labelled, "Zeta", "Beta"));
    QVERIFY(m_catalog->removePlaylist(id).ok());
  }
};

QTEST_GUILESS_MAIN(LibraryDatasetTest)
#include "tst_librarydataset.moc"
