// Discovery in the joint space (core/model/discovery.h) on planted problems: the songs of a
// planted tag rank first; a mix keeps every variety and duplicate rule on a library built to
// tempt it; a path runs from A to B with monotone progress; why-alike names the planted tag.
#include <QtTest>
#include <algorithm>
#include <set>
#include <tuple>

#include "core/base/random.h"
#include "core/model/discovery.h"

using namespace songspace;
using namespace songspace::core;

namespace {

constexpr int kDim = 12;

Eigen::VectorXf randomUnit(base::Xoshiro256& rng, float norm = 1.0f) {
  Eigen::VectorXf v(kDim);
  for (int i = 0; i < kDim; ++i) v[i] = static_cast<float>(base::standardNormal(rng));
  return v.normalized() * norm;
}

Eigen::VectorXf axis(int i, float length = 1.0f) {
  Eigen::VectorXf v = Eigen::VectorXf::Zero(kDim);
  v[i] = length;
  return v;
}

// The tempting library: artist 1 has 40 songs on 4 albums packed tightly around the seed
// direction (with exact copies and same-title near-copies among them); 30 other artists have 4
// songs each, spread around it more loosely, and 60 unrelated songs lie elsewhere.
struct Library {
  Eigen::MatrixXf songs;
  SongFacts facts;
  Eigen::VectorXf seed;
  std::vector<int> packed;  // artist 1's songs
};

Library temptingLibrary() {
  base::Xoshiro256 rng(7);
  Library lib;
  lib.seed = axis(0);
  std::vector<Eigen::VectorXf> columns;
  const auto add = [&](const Eigen::VectorXf& x, std::int64_t artist, std::int64_t album,
                       std::string title) {
    columns.push_back(x);
    lib.facts.artist.push_back(artist);
    lib.facts.album.push_back(album);
    lib.facts.title.push_back(std::move(title));
  };
  for (int i = 0; i < 40; ++i) {
    lib.packed.push_back(static_cast<int>(columns.size()));
    Eigen::VectorXf x = axis(0, 0.9f) + 0.02f * randomUnit(rng);
    add(x, 1, 100 + i % 4, "Song " + std::to_string(i));
  }
  // Exact copies of three packed songs (another folder: same audio, same embedding) and a
  // near-copy of two with the same title in other case and spacing.
  for (const int i : {0, 1, 2}) {
    lib.packed.push_back(static_cast<int>(columns.size()));
    add(columns[static_cast<std::size_t>(i)], 1, 200, "Copy " + std::to_string(i));
  }
  for (const int i : {3, 4}) {
    lib.packed.push_back(static_cast<int>(columns.size()));
    add(columns[static_cast<std::size_t>(i)] + 0.005f * randomUnit(rng), 1, 201,
        " song " + std::to_string(i) + " ");
  }
  for (int artist = 2; artist < 32; ++artist) {
    for (int i = 0; i < 4; ++i) {
      const Eigen::VectorXf x = axis(0, 0.7f) + 0.35f * randomUnit(rng);
      add(x, artist, 1000 + artist * 10 + i / 2, "Track " + std::to_string(i));
    }
  }
  for (int i = 0; i < 60; ++i) add(randomUnit(rng, 0.8f) - axis(0, 0.8f), 0, 0, {});
  lib.songs.resize(kDim, static_cast<Eigen::Index>(columns.size()));
  for (std::size_t j = 0; j < columns.size(); ++j)
    lib.songs.col(static_cast<Eigen::Index>(j)) = columns[j];
  return lib;
}

// Every rule of MixOptions on `mix`; returns an empty string or what broke.
QString brokenRule(const std::vector<Scored>& mix, const Library& lib,
                   const SongDuplicates& duplicates, const MixOptions& options) {
  std::set<int> songs, groups;
  for (std::size_t p = 0; p < mix.size(); ++p) {
    const int song = mix[p].index;
    if (!songs.insert(song).second) return QStringLiteral("song %1 twice").arg(song);
    if (!groups.insert(duplicates.groupOf(song)).second)
      return QStringLiteral("song %1 duplicates an earlier one").arg(song);
    const std::size_t first = p + 1 >= static_cast<std::size_t>(options.window)
                                  ? p + 1 - static_cast<std::size_t>(options.window)
                                  : 0;
    int sameArtist = 0, sameAlbum = 0;
    for (std::size_t q = first; q <= p; ++q) {
      const auto other = static_cast<std::size_t>(mix[q].index);
      const auto self = static_cast<std::size_t>(song);
      if (lib.facts.artist[self] != 0 && lib.facts.artist[other] == lib.facts.artist[self])
        ++sameArtist;
      if (lib.facts.album[self] != 0 && lib.facts.album[other] == lib.facts.album[self])
        ++sameAlbum;
    }
    if (sameArtist > options.maxPerArtist)
      return QStringLiteral("%1 songs of one artist in the window ending at %2")
          .arg(sameArtist)
          .arg(p);
    if (sameAlbum > options.maxPerAlbum)
      return QStringLiteral("%1 songs of one album in the window ending at %2")
          .arg(sameAlbum)
          .arg(p);
  }
  return {};
}

// The tempting library's stay-close mix of 20 songs with no start, and what made it: the tests of
// a mix rule change a fact of its nearest songs and compare.
struct FreeMix {
  Library lib = temptingLibrary();
  SongDuplicates duplicates{lib.songs, lib.facts};
  MixOptions options = [] {
    MixOptions stayClose;
    stayClose.length = 20;
    stayClose.wander = 0;
    return stayClose;
  }();
  std::vector<Scored> free = instantMix(lib.songs, lib.seed, -1, lib.facts, duplicates, options);
};

}  // namespace

class DiscoveryTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void duplicatesAreGrouped() {
    const Library lib = temptingLibrary();
    const SongDuplicates duplicates(lib.songs, lib.facts);
    // Exact copies (40, 41, 42 of 0, 1, 2) and same-title near-copies (43, 44 of 3, 4).
    for (int i = 0; i < 5; ++i) {
      QCOMPARE(duplicates.groupOf(40 + i), i);
      QCOMPARE(duplicates.alternatives(i), std::vector<int>{40 + i});
    }
    // Packed songs of other titles are near-identical too, but they are other songs.
    QCOMPARE(duplicates.groupOf(5), 5);
    QVERIFY(duplicates.alternatives(5).empty());
    QCOMPARE(duplicates.groupCount(), 5);
    // With a cosine threshold of 1, only exact copies remain.
    const SongDuplicates exactOnly(lib.songs, lib.facts, 1.0f);
    QCOMPARE(exactOnly.groupOf(42), 2);
    QCOMPARE(exactOnly.groupOf(43), 43);

    std::vector<Scored> ranked;
    for (const int j : {40, 0, 5, 1, 41, 3, 6}) ranked.push_back({j, 1.0f});
    const std::vector<Scored> collapsed = collapseDuplicates(ranked, duplicates, 10, 43);
    std::vector<int> kept;
    kept.reserve(collapsed.size());
    for (const Scored& s : collapsed) kept.push_back(s.index);
    QCOMPARE(kept, (std::vector<int>{40, 5, 1, 6}));  // 3 is 43's group
    QCOMPARE(collapseDuplicates(ranked, duplicates, 2).size(), std::size_t(2));
  }

  // Parts of one recording (a game's stems: "Chaos God" twice, "Internal Degeneration (fof
  // guitar)" and "(fof rhythm)", each pair of one length to the millisecond) are one song however
  // unlike they sound; a title stem shared by works of other lengths, another artist, or an
  // unknown length is not (a new user's mixes and paths of the demo played both stems).
  void partsOfOneRecordingAreOneSong() {
    const std::vector<std::tuple<std::int64_t, std::string, float>> songs{
        {1, "Chaos God", 183.53f},                           // 0
        {1, "Chaos God", 183.53f},                           // 1: its stem
        {1, "Internal Degeneration (fof guitar)", 223.58f},  // 2
        {1, "Internal Degeneration (fof rhythm)", 223.58f},  // 3: its stem
        {1, "Internal Degeneration [Remastered]", 223.62f},  // 4: within 0.1 s
        {1, "Suite (Part 1)", 300.0f},                       // 5
        {1, "Suite (Part 2)", 240.0f},                       // 6: another length
        {2, "Chaos God", 183.53f},                           // 7: another artist
        {1, "Mutilated Mime", 200.0f},                       // 8
        {1, "Mutilated Mime (live)", 0.0f},                  // 9: length unknown
        {1, "(untitled)", 120.0f},                           // 10: all brackets, kept whole
        {1, "(untitled) (take 2)", 120.0f},                  // 11: the same work
        {0, "Intro", 60.0f},                                 // 12: no artist
        {0, "Intro", 60.0f},                                 // 13
    };
    SongFacts facts;
    Eigen::MatrixXf columns = Eigen::MatrixXf::Zero(kDim, static_cast<Eigen::Index>(songs.size()));
    for (std::size_t j = 0; j < songs.size(); ++j) {
      const auto& [artist, title, seconds] = songs[j];
      facts.artist.push_back(artist);
      facts.album.push_back(0);
      facts.title.push_back(title);
      facts.seconds.push_back(seconds);
      // No two alike in sound: orthogonal, or of other lengths along one axis (no exact copies).
      columns.col(static_cast<Eigen::Index>(j)) =
          axis(static_cast<int>(j % kDim), 1.0f + static_cast<float>(j));
    }
    const SongDuplicates duplicates(columns, facts);
    QCOMPARE(duplicates.alternatives(0), std::vector<int>{1});
    QCOMPARE(duplicates.alternatives(2), (std::vector<int>{3, 4}));
    for (const int alone : {5, 6, 7, 8, 9, 12, 13}) {
      QVERIFY2(duplicates.alternatives(alone).empty(), qPrintable(QString::number(alone)));
    }
    QCOMPARE(duplicates.alternatives(10), std::vector<int>{11});
    QCOMPARE(duplicates.groupCount(), 3);
    // Without lengths only the old rules hold: unlike sounds stay apart.
    facts.seconds.clear();
    QCOMPARE(SongDuplicates(columns, facts).groupCount(), 0);
  }

  void plantedTagRanksItsSongsFirst() {
    base::Xoshiro256 rng(3);
    JointModel model;
    model.T.resize(kDim, 4);
    model.T.col(0) = axis(2);                                  // the planted tag
    model.T.col(1) = (axis(2) + 0.3f * axis(5)).normalized();  // its neighbour
    model.T.col(2) = axis(7);
    model.T.col(3) = -axis(2);
    model.A.resize(kDim, 3);
    model.A.col(0) = axis(7);
    model.A.col(1) = 0.9f * axis(2) + 0.1f * axis(3);  // the tag's artist
    model.A.col(2) = axis(4);
    Eigen::MatrixXf songs(kDim, 200);
    std::set<int> planted;
    for (int j = 0; j < 200; ++j) {
      Eigen::VectorXf x = randomUnit(rng, 0.5f);
      x[2] = 0;  // unrelated songs carry nothing of the tag's direction...
      if (j % 10 == 3) {
        x += axis(2, 0.6f);  // ...the planted ones a lot
        planted.insert(j);
      }
      songs.col(j) = x;
    }
    const std::vector<Scored> top = songsForTag(model, songs, 0, 20);
    QCOMPARE(top.size(), std::size_t(20));
    for (const Scored& s : top)
      QVERIFY2(planted.count(s.index) == 1, qPrintable(QString::number(s.index)));
    // The index gives the same answer (forced quantised so its own path runs).
    const SongSearchIndex index(songs, {.forceQuantised = true});
    const std::vector<Scored> viaIndex = songsForTag(model, songs, 0, 20, &index);
    QCOMPARE(viaIndex.size(), top.size());
    for (std::size_t i = 0; i < top.size(); ++i) QCOMPARE(viaIndex[i].index, top[i].index);

    const std::vector<Scored> related = relatedTags(model, 0, 3);
    QCOMPARE(related.size(), std::size_t(3));
    QCOMPARE(related[0].index, 1);
    QCOMPARE(related.back().index, 3);  // the opposite tag last; the tag itself never
    // Artists by their songs' centroid: the planted songs are artist 1's, the rest alternate
    // between artists 0 and 2, and artist 3 has none (never ranked). A_1 is not consulted: a
    // model whose artist vector points away from the tag still ranks the artist who plays it.
    std::vector<int> artistOf(200);
    for (int j = 0; j < 200; ++j)
      artistOf[static_cast<std::size_t>(j)] = planted.count(j) ? 1 : 2 * (j % 2);
    model.A.conservativeResize(Eigen::NoChange, 4);
    model.A.col(1) = -axis(2);
    model.A.col(3) = axis(2);
    const ArtistCentroids centroids = artistCentroids(songs, artistOf, 4);
    QCOMPARE(centroids.songs, (std::vector<int>{100, 20, 80, 0}));
    QVERIFY(centroids.mean.col(1).isApprox(
        [&] {
          Eigen::VectorXf sum = Eigen::VectorXf::Zero(kDim);
          for (const int j : planted) sum += songs.col(j);
          return Eigen::VectorXf(sum / 20.0f);
        }(),
        1e-5f));
    const std::vector<Scored> fitting = artistsForTag(model, centroids, 0, 10);
    QCOMPARE(fitting.size(), std::size_t(3));
    QCOMPARE(fitting.front().index, 1);
    for (const Scored& s : fitting) QVERIFY(s.index != 3);
    QCOMPARE(tagProfile(model, centroids, 1, 1).front().index, 0);
    QVERIFY(tagProfile(model, centroids, 3, 2).empty());
    QVERIFY(artistsForTag(model, centroids, 9, 2).empty());
    QVERIFY(songsForTag(model, songs, 4, 5).empty());
    QVERIFY(songsForTag(model, songs, -1, 5).empty());
  }

  void whyAlikeNamesTheSharedTag() {
    JointModel model;
    model.T.resize(kDim, 4);
    model.T.col(0) = axis(0);  // only a has it, strongly
    model.T.col(1) = axis(1);  // the tag both have
    model.T.col(2) = axis(2);  // only b has it, strongly
    model.T.col(3) = axis(3);
    const Eigen::VectorXf a = 0.9f * axis(0) + 0.4f * axis(1) - 0.2f * axis(3);
    const Eigen::VectorXf b = 0.9f * axis(2) + 0.4f * axis(1) + 0.1f * axis(3);
    const std::vector<Scored> why = whyAlike(model, a, b, 2);
    QCOMPARE(why.size(), std::size_t(2));
    QCOMPARE(why[0].index, 1);
    QCOMPARE(why[0].score, 0.4f);
    QVERIFY(why[1].score <= 0.0f);
    QVERIFY(whyAlike(model, a, Eigen::VectorXf::Zero(3)).empty());

    // Calibrated: probabilities, not raw scores. Tag 3 scores low in raw terms but its fit makes
    // it likely for both (a frequent tag: large intercept); tag 1, shared in raw terms, is
    // unlikely for either under its fit; tags 0 and 2 each fit one song only.
    Calibration calibration;
    calibration.tags = {{10.0f, -2.0f}, {1.0f, -3.0f}, {10.0f, -2.0f}, {1.0f, 4.0f}};
    model.calibration = calibration;
    const std::vector<Scored> likely = whyAlikeSongs(model, a, b, 3);
    QCOMPARE(likely.size(), std::size_t(1));
    QCOMPARE(likely[0].index, 3);
    QVERIFY(likely[0].score >= kWhyAlikeLeast);
    QCOMPARE(likely[0].score,
             std::min(calibration.tagProbability(3, -0.2f), calibration.tagProbability(3, 0.1f)));
    model.calibration.reset();
    QCOMPARE(whyAlikeSongs(model, a, b, 2).front().index, 1);  // uncalibrated: whyAlike
  }

  void mixKeepsEveryRule_data() {
    QTest::addColumn<float>("wander");
    QTest::addColumn<int>("maxPerArtist");
    QTest::addColumn<int>("window");
    QTest::newRow("defaults") << MixOptions::kWander.defaultValue
                              << MixOptions::kMaxPerArtist.defaultValue
                              << MixOptions::kWindow.defaultValue;
    QTest::newRow("stay close") << 0.0f << 2 << 10;
    QTest::newRow("wander") << 1.0f << 2 << 10;
    QTest::newRow("one per artist in 5") << 0.5f << 1 << 5;
    QTest::newRow("3 per artist in 4") << 0.5f << 3 << 4;
  }

  void mixKeepsEveryRule() {
    QFETCH(float, wander);
    QFETCH(int, maxPerArtist);
    QFETCH(int, window);
    const Library lib = temptingLibrary();
    const SongDuplicates duplicates(lib.songs, lib.facts);
    MixOptions options;
    options.length = 60;
    options.wander = wander;
    options.maxPerArtist = maxPerArtist;
    options.window = window;
    options.pool = 50;  // smaller than the tempting cluster: the library fallback runs too
    const int start = lib.packed[0];
    const std::vector<Scored> mix =
        instantMix(lib.songs, lib.seed, start, lib.facts, duplicates, options);
    QCOMPARE(static_cast<int>(mix.size()), options.length);
    QCOMPARE(mix.front().index, start);
    const QString broken = brokenRule(mix, lib, duplicates, options);
    QVERIFY2(broken.isEmpty(), qPrintable(broken));
    // The tempting artist is used as often as the rules allow, not more and not never.
    const auto packedCount = std::count_if(mix.begin(), mix.end(), [&](const Scored& s) {
      return lib.facts.artist[static_cast<std::size_t>(s.index)] == 1;
    });
    QVERIFY(packedCount >= 2);
    QVERIFY(packedCount <= static_cast<std::ptrdiff_t>(options.length / window + 1) * maxPerArtist);
    // Deterministic.
    const std::vector<Scored> again =
        instantMix(lib.songs, lib.seed, start, lib.facts, duplicates, options);
    QCOMPARE(again.size(), mix.size());
    for (std::size_t i = 0; i < mix.size(); ++i) QCOMPARE(again[i].index, mix[i].index);
  }

  void mixWithoutStartSongAndRunningOut() {
    const Library lib = temptingLibrary();
    const SongDuplicates duplicates(lib.songs, lib.facts);
    MixOptions options;
    options.length = 5;
    options.wander = 0;
    const std::vector<Scored> mix =
        instantMix(lib.songs, lib.seed, -1, lib.facts, duplicates, options);
    QCOMPARE(mix.size(), std::size_t(5));
    // Stay-close with no start: the song nearest the seed opens the mix.
    const std::vector<Scored> nearest = topK(lib.songs.transpose() * lib.seed, 1);
    QCOMPARE(mix.front().index, nearest.front().index);
    // A library of one artist's songs only: at most 2 per 10, so the mix ends after 2.
    SongFacts oneArtist = lib.facts;
    std::fill(oneArtist.artist.begin(), oneArtist.artist.end(), 9);
    std::fill(oneArtist.album.begin(), oneArtist.album.end(), 0);
    options.length = 50;
    QCOMPARE(instantMix(lib.songs, lib.seed, -1, oneArtist, duplicates, options).size(),
             std::size_t(2));
    QVERIFY(instantMix(lib.songs, Eigen::VectorXf::Zero(kDim), -1, lib.facts, duplicates, options)
                .empty());
  }

  // A mix keeps to its start's kind (SongFacts::novelty; Familiar without a start), even when
  // other songs are nearest the seed; after a start unlike the library, any song.
  void mixKeepsToItsStartsKind() {
    FreeMix base;
    auto& [lib, duplicates, options, free] = base;
    QCOMPARE(free.size(), std::size_t(20));
    // The free mix's first six songs, its nearest to the seed: three unlike the tagged songs, three
    // unlike the library.
    SongFacts facts = lib.facts;
    facts.novelty.assign(static_cast<std::size_t>(lib.songs.cols()), NoveltyLevel::Familiar);
    const auto levelOf = [&facts](int song) {
      return facts.novelty[static_cast<std::size_t>(song)];
    };
    for (std::size_t i = 0; i < 6; ++i) {
      facts.novelty[static_cast<std::size_t>(free[i].index)] =
          i % 2 ? NoveltyLevel::UnlikeLibrary : NoveltyLevel::UnlikeTaggedSongs;
    }
    const auto mostUnlike = [&](const std::vector<Scored>& mix, std::size_t from) {
      NoveltyLevel most = NoveltyLevel::Familiar;
      for (std::size_t i = from; i < mix.size(); ++i) most = std::max(most, levelOf(mix[i].index));
      return most;
    };
    const std::vector<Scored> mix = instantMix(lib.songs, lib.seed, -1, facts, duplicates, options);
    QCOMPARE(mix.size(), std::size_t(20));
    QCOMPARE(mostUnlike(mix, 0), NoveltyLevel::Familiar);
    // Stay-close with no start: it opens with the nearest song to the seed that is allowed.
    const std::vector<Scored> ranked =
        topK(lib.songs.transpose() * lib.seed, static_cast<int>(lib.songs.cols()));
    const auto nearestFamiliar = std::find_if(ranked.begin(), ranked.end(), [&](const Scored& s) {
      return levelOf(s.index) == NoveltyLevel::Familiar;
    });
    QCOMPARE(mix.front().index, nearestFamiliar->index);
    // Started from a song unlike the tagged songs (an effect): only the others of its kind
    // follow; from one unlike the library, any song (the walk prefers the nearest).
    const std::vector<Scored> fromTagged =
        instantMix(lib.songs, lib.seed, free[0].index, facts, duplicates, options);
    QCOMPARE(fromTagged.front().index, free[0].index);
    QVERIFY(fromTagged.size() >= 2 && fromTagged.size() <= 3);
    for (const Scored& s : fromTagged) QCOMPARE(levelOf(s.index), NoveltyLevel::UnlikeTaggedSongs);
    const std::vector<Scored> fromUnlike =
        instantMix(lib.songs, lib.seed, free[1].index, facts, duplicates, options);
    QCOMPARE(fromUnlike.front().index, free[1].index);
    QCOMPARE(mostUnlike(fromUnlike, 1), NoveltyLevel::UnlikeLibrary);
    // A shorter vector covers only its songs; the rest are Familiar.
    facts.novelty.resize(1);
    QCOMPARE(instantMix(lib.songs, lib.seed, -1, facts, duplicates, options).size(),
             std::size_t(20));
    // Every song unlike the library: nothing without a start, a whole mix from one.
    facts.novelty.assign(static_cast<std::size_t>(lib.songs.cols()), NoveltyLevel::UnlikeLibrary);
    QVERIFY(instantMix(lib.songs, lib.seed, -1, facts, duplicates, options).empty());
    QCOMPARE(instantMix(lib.songs, lib.seed, free[0].index, facts, duplicates, options).size(),
             std::size_t(20));
  }

  // A mix takes no song shorter than minSeconds, or than its start when that is shorter; a song
  // of unknown length passes.
  void mixLeavesOutShortSongs() {
    FreeMix base;
    auto& [lib, duplicates, options, free] = base;
    QCOMPARE(free.size(), std::size_t(20));
    // Every song 3 minutes long, but the free mix's first six: 5 s effects, and one unknown.
    SongFacts facts = lib.facts;
    facts.seconds.assign(static_cast<std::size_t>(lib.songs.cols()), 180.0f);
    for (std::size_t i = 0; i < 6; ++i) facts.seconds[static_cast<std::size_t>(free[i].index)] = 5;
    facts.seconds[static_cast<std::size_t>(free[6].index)] = 0;
    const auto secondsOf = [&facts](int song) {
      return facts.seconds[static_cast<std::size_t>(song)];
    };
    const std::vector<Scored> mix = instantMix(lib.songs, lib.seed, -1, facts, duplicates, options);
    QCOMPARE(mix.size(), std::size_t(20));
    bool unknownTaken = false;
    for (const Scored& s : mix) {
      QVERIFY(secondsOf(s.index) == 0 || secondsOf(s.index) >= options.minSeconds);
      unknownTaken = unknownTaken || secondsOf(s.index) == 0;
    }
    QVERIFY(unknownTaken);  // the nearest allowed song: its length is not known
    // Started from an effect: songs as long as it pass, so the other effects may follow.
    const std::vector<Scored> fromEffect =
        instantMix(lib.songs, lib.seed, free[0].index, facts, duplicates, options);
    QCOMPARE(fromEffect.front().index, free[0].index);
    QVERIFY(std::any_of(fromEffect.begin() + 1, fromEffect.end(),
                        [&](const Scored& s) { return secondsOf(s.index) == 5; }));
    // Every song shorter than minSeconds: the rule gives way, and the free mix comes back.
    SongFacts allShort = facts;
    allShort.seconds.assign(static_cast<std::size_t>(lib.songs.cols()), 5.0f);
    const std::vector<Scored> shortOnes =
        instantMix(lib.songs, lib.seed, -1, allShort, duplicates, options);
    QCOMPARE(shortOnes.size(), free.size());
    for (std::size_t i = 0; i < shortOnes.size(); ++i) QCOMPARE(shortOnes[i].index, free[i].index);
    // minSeconds 0: the free mix again.
    options.minSeconds = 0;
    const std::vector<Scored> any = instantMix(lib.songs, lib.seed, -1, facts, duplicates, options);
    QCOMPARE(any.size(), free.size());
    for (std::size_t i = 0; i < any.size(); ++i) QCOMPARE(any[i].index, free[i].index);
  }

  void pathRunsFromAToB() {
    Library lib = temptingLibrary();
    const SongDuplicates duplicates(lib.songs, lib.facts);
    // A and B: one of the tempting artist's songs and an unrelated one.
    const int from = lib.packed[1];  // has an exact copy (41), which must not appear
    const int to = static_cast<int>(lib.songs.cols()) - 1;
    for (const int length : {2, 5, 12, 30}) {
      const std::vector<PathStep> path = songPath(lib.songs, from, to, length, duplicates);
      QVERIFY(!path.empty());
      QVERIFY(static_cast<int>(path.size()) <= length);
      QCOMPARE(path.front().song, from);
      QCOMPARE(path.back().song, to);
      const Eigen::VectorXf a = lib.songs.col(from), b = lib.songs.col(to);
      std::set<int> groups;
      double previous = -1;
      for (const PathStep& step : path) {
        QVERIFY2(groups.insert(duplicates.groupOf(step.song)).second, "a song repeats");
        // Progress recomputed here: strictly increasing.
        const Eigen::VectorXf x = lib.songs.col(step.song);
        const double t = (x - a).dot(b - a) / (b - a).squaredNorm();
        QVERIFY2(t > previous, qPrintable(QStringLiteral("t %1 after %2").arg(t).arg(previous)));
        QVERIFY(std::abs(t - step.progress) < 1e-4);
        const Eigen::VectorXf onLine = a + static_cast<float>(t) * (b - a);
        QVERIFY(std::abs((x - onLine).norm() - step.distance) < 1e-3);
        previous = t;
      }
      QVERIFY(std::abs(previous - 1.0) < 1e-6);
    }
    // A library dense enough along the segment gives the full length, close to the line.
    lib.songs.conservativeResize(Eigen::NoChange, lib.songs.cols() + 40);
    const Eigen::VectorXf a = lib.songs.col(from), b = lib.songs.col(to);
    base::Xoshiro256 rng(11);
    for (int i = 0; i < 40; ++i) {
      lib.songs.col(lib.songs.cols() - 40 + i) =
          a + (static_cast<float>(i) + 0.5f) / 40.0f * (b - a) + 0.01f * randomUnit(rng);
    }
    const SongDuplicates dense(lib.songs, lib.facts);
    const std::vector<PathStep> path = songPath(lib.songs, from, to, 20, dense);
    QCOMPARE(path.size(), std::size_t(20));
    for (const PathStep& step : path) QVERIFY(step.distance < 0.02f);
    QVERIFY(songPath(lib.songs, from, from, 5, dense).empty());

    // A step must leave room for the steps after it: the song nearest the first point (t = 0.9,
    // on the line) would leave nothing for the second step; the far one at t = 0.5 comes first.
    Eigen::MatrixXf sparse(kDim, 4);
    const Eigen::VectorXf start = 0.5f * axis(1), end = 0.5f * axis(1) + axis(0);
    sparse.col(0) = start;
    sparse.col(1) = end;
    sparse.col(2) = start + 0.9f * (end - start);
    sparse.col(3) = start + 0.5f * (end - start) + 2.0f * axis(2);
    const std::vector<PathStep> roomy = songPath(sparse, 0, 1, 4, SongDuplicates());
    QCOMPARE(roomy.size(), std::size_t(4));
    QCOMPARE(roomy[1].song, 3);
    QCOMPARE(roomy[2].song, 2);
    QVERIFY(songPath(lib.songs, from, -1, 5, dense).empty());

    // No step more unlike the library than the more unlike end: the path goes round them.
    std::vector<NoveltyLevel> novelty(static_cast<std::size_t>(lib.songs.cols()),
                                      NoveltyLevel::Familiar);
    for (std::size_t i = 1; i + 1 < path.size(); i += 2)
      novelty[static_cast<std::size_t>(path[i].song)] = NoveltyLevel::UnlikeLibrary;
    const auto mostUnlikeStep = [&](const std::vector<PathStep>& steps) {
      NoveltyLevel most = NoveltyLevel::Familiar;
      for (std::size_t i = 1; i + 1 < steps.size(); ++i)
        most = std::max(most, novelty[static_cast<std::size_t>(steps[i].song)]);
      return most;
    };
    for (const NoveltyLevel toLevel : {NoveltyLevel::Familiar, NoveltyLevel::UnlikeTaggedSongs}) {
      novelty[static_cast<std::size_t>(to)] = toLevel;
      const std::vector<PathStep> around =
          songPath(lib.songs, from, to, 20, dense, kPathCandidates.defaultValue, novelty);
      QCOMPARE(around.size(), std::size_t(20));
      QCOMPARE(around.front().song, from);
      QCOMPARE(around.back().song, to);
      QCOMPARE(mostUnlikeStep(around), NoveltyLevel::Familiar);
    }
    // An end unlike the library: its path is a guess anyway, and takes the nearest songs again.
    novelty[static_cast<std::size_t>(to)] = NoveltyLevel::UnlikeLibrary;
    const std::vector<PathStep> guessed =
        songPath(lib.songs, from, to, 20, dense, kPathCandidates.defaultValue, novelty);
    QCOMPARE(guessed.size(), path.size());
    for (std::size_t i = 0; i < path.size(); ++i) QCOMPARE(guessed[i].song, path[i].song);
    QCOMPARE(mostUnlikeStep(guessed), NoveltyLevel::UnlikeLibrary);
    // Every song between unlike the library and both ends familiar: just the two ends.
    std::vector<NoveltyLevel> allUnlike(static_cast<std::size_t>(lib.songs.cols()),
                                        NoveltyLevel::UnlikeLibrary);
    allUnlike[static_cast<std::size_t>(from)] = allUnlike[static_cast<std::size_t>(to)] =
        NoveltyLevel::Familiar;
    QCOMPARE(songPath(lib.songs, from, to, 20, dense, 0, allUnlike).size(), std::size_t(2));
  }
};

QTEST_GUILESS_MAIN(DiscoveryTest)
#include "tst_discovery.moc"
