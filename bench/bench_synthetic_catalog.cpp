// A synthetic catalog of N songs with a planted structure, written through the Catalog API, for
// measuring training (and anything else that reads a catalog) at library sizes no test corpus
// reaches. Shapes come from a real catalog given with --like (the demo library, scanned): its
// codebook size and frame dimension, its songs' codeword histograms (each synthetic song copies
// the nonzero count values of a random real song, so nonzeros per song and count ranges match)
// and the mean and deviation of each summary dimension.
//
// Planted structure (what training should recover):
// - genres: kGenres, each with a pool of codewords and a summary direction;
// - artists: N / songsPerArtist, each in one genre, with a timbre — kSignature codewords of its
//   own and a summary offset — and 2–4 tags (its genre's name and tags of its genre's pool);
// - songs: codewords drawn from the artist's signature (40 %), the genre's pool (30 %) or any
//   codeword (30 %); summary = real mean + real deviation × (genre + artist + song noise); each
//   artist tag kept with probability 0.8, one random tag of any genre with probability 0.1;
// - two albums of 5 songs per artist; playlists of 20–40 songs, 80 % from one genre.
//
//   bench_synthetic_catalog --like DEMO.sqlite --songs N --db OUT.sqlite [--seed S]
// Prints one JSON object: songs, artists, tags, playlists, seconds to write, catalog bytes.
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "audio/codebook.h"
#include "core/base/random.h"
#include "core/catalog/catalog.h"
#include "core/library/scanjob.h"

using namespace songspace;

namespace {

constexpr int kGenres = 20;
constexpr int kTagsPerGenre = 24;  // 20 genre names + 20 × 24 pool tags ≈ 500 tags
constexpr int kSongsPerArtist = 10;
constexpr int kSignature = 16;  // codewords of an artist's own timbre
constexpr double kSignatureShare = 0.4, kGenreShare = 0.3;
constexpr double kKeepArtistTag = 0.8, kNoiseTag = 0.1;
constexpr int kPlaylistSongs = 50;  // one playlist per this many songs
constexpr double kPlaylistGenreShare = 0.8;

struct Shape {
  int codewords = 0;
  int frameDimension = 0;
  std::vector<std::vector<float>> counts;  // per real song: its nonzero codeword counts
  std::vector<float> summaryMean, summaryStd;
};

bool readShape(const std::string& path, Shape& shape) {
  base::Status status;
  auto catalog = core::Catalog::open(path, &status);
  if (!catalog) {
    std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), status.message.c_str());
    return false;
  }
  const auto record = catalog->latestCodebook();
  audio::Codebook codebook;
  if (!record || !audio::Codebook::deserialize(record->blob, codebook).ok()) {
    std::fprintf(stderr, "%s has no usable codebook\n", path.c_str());
    return false;
  }
  shape.codewords = codebook.size();
  shape.frameDimension = codebook.dimension();
  const std::vector<core::SongFeatures> songs = catalog->loadFeatures(record->id);
  if (songs.empty()) return false;
  const std::size_t dims = songs.front().features.summary.size();
  std::vector<double> sum(dims, 0), sumSq(dims, 0);
  for (const core::SongFeatures& song : songs) {
    std::vector<float> counts;
    for (const auto& [word, count] : song.features.codewordCounts) counts.push_back(count);
    shape.counts.push_back(std::move(counts));
    if (song.features.summary.size() != dims) continue;
    for (std::size_t k = 0; k < dims; ++k) {
      sum[k] += song.features.summary[k];
      sumSq[k] += double(song.features.summary[k]) * song.features.summary[k];
    }
  }
  const double n = static_cast<double>(songs.size());
  for (std::size_t k = 0; k < dims; ++k) {
    const double mean = sum[k] / n;
    shape.summaryMean.push_back(static_cast<float>(mean));
    shape.summaryStd.push_back(
        static_cast<float>(std::sqrt(std::max(0.0, sumSq[k] / n - mean * mean))));
  }
  return true;
}

std::string numbered(const char* prefix, int i) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s-%05d", prefix, i);
  return buffer;
}

}  // namespace

int main(int argc, char** argv) {
  std::string like, db;
  int songs = 10000;
  std::uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--like")
      like = argv[i + 1];
    else if (name == "--db")
      db = argv[i + 1];
    else if (name == "--songs")
      songs = std::atoi(argv[i + 1]);
    else if (name == "--seed")
      seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  if (like.empty() || db.empty() || songs < kSongsPerArtist) {
    std::fprintf(stderr,
                 "usage: bench_synthetic_catalog --like DEMO.sqlite --songs N --db OUT.sqlite "
                 "[--seed S]\n");
    return 2;
  }
  Shape shape;
  if (!readShape(like, shape)) return 1;
  std::filesystem::remove(db);
  std::filesystem::remove(db + "-wal");
  std::filesystem::remove(db + "-shm");
  const auto start = std::chrono::steady_clock::now();
  base::Status status;
  auto catalog = core::Catalog::open(db, &status);
  if (!catalog) {
    std::fprintf(stderr, "cannot create %s: %s\n", db.c_str(), status.message.c_str());
    return 1;
  }
  base::Xoshiro256 rng(seed);
  const int K = shape.codewords;
  const auto dims = static_cast<int>(shape.summaryMean.size());

  // A codebook of the real one's shape (its centroids are never used: no audio is assigned).
  audio::FrameMatrix centroids(K, shape.frameDimension);
  for (Eigen::Index i = 0; i < centroids.size(); ++i)
    centroids.data()[i] = static_cast<float>(base::standardNormal(rng));
  const audio::Codebook codebook(centroids, Eigen::VectorXf::Zero(shape.frameDimension),
                                 Eigen::VectorXf::Ones(shape.frameDimension));
  int codebookId = 0;
  if (!catalog->storeCodebook(codebook.serialize(), "synthetic", &codebookId).ok()) return 1;
  const int featureVersion = library::featureVersionFor(codebookId);

  // Genres: a codeword pool (a contiguous band of K / kGenres words) and a summary direction.
  std::vector<std::vector<float>> genreSummary(kGenres, std::vector<float>(dims));
  for (auto& g : genreSummary)
    for (float& v : g) v = static_cast<float>(base::standardNormal(rng));
  const int artists = songs / kSongsPerArtist;
  struct Artist {
    int genre = 0;
    std::vector<int> signature;
    std::vector<float> summary;
    std::vector<std::string> tags;
  };
  std::vector<Artist> roster(static_cast<std::size_t>(artists));
  for (int a = 0; a < artists; ++a) {
    Artist& artist = roster[static_cast<std::size_t>(a)];
    artist.genre = static_cast<int>(base::uniformBelow(rng, kGenres));
    for (int k = 0; k < kSignature; ++k)
      artist.signature.push_back(
          static_cast<int>(base::uniformBelow(rng, static_cast<std::uint32_t>(K))));
    for (int k = 0; k < dims; ++k)
      artist.summary.push_back(static_cast<float>(base::standardNormal(rng)));
    artist.tags.push_back(numbered("genre", artist.genre));
    const int extra = 1 + static_cast<int>(base::uniformBelow(rng, 3));
    for (int t = 0; t < extra; ++t)
      artist.tags.push_back(numbered(
          "tag",
          artist.genre * kTagsPerGenre + static_cast<int>(base::uniformBelow(rng, kTagsPerGenre))));
  }

  std::vector<std::int64_t> fileIds;
  std::vector<std::vector<std::int64_t>> filesOfGenre(kGenres);
  std::map<std::string, int> tagNames;
  const int genreBand = std::max(1, K / kGenres);
  if (!catalog->beginBatch().ok()) return 1;
  for (int s = 0; s < songs; ++s) {
    const int a = s / kSongsPerArtist < artists
                      ? s / kSongsPerArtist
                      : static_cast<int>(base::uniformBelow(rng, artists));
    const Artist& artist = roster[static_cast<std::size_t>(a)];
    core::AnalysisRecord record;
    record.codebookId = codebookId;
    record.info.artist = numbered("artist", a);
    record.info.title = numbered("song", s);
    const int albumOfArtist = (s % kSongsPerArtist) / 5;  // two albums of ~5 per artist
    record.info.album = record.info.artist + " " + numbered("album", albumOfArtist);
    record.info.trackNumber = s % 5 + 1;
    record.info.durationSeconds = 180;
    for (const std::string& tag : artist.tags)
      if (base::uniform01(rng) < kKeepArtistTag) record.info.freeTags.push_back(tag);
    if (base::uniform01(rng) < kNoiseTag)
      record.info.freeTags.push_back(
          numbered("tag", static_cast<int>(base::uniformBelow(rng, kGenres * kTagsPerGenre))));
    for (const std::string& tag : record.info.freeTags) tagNames[tag] += 1;

    // Codewords: the count values of a random real song, on words from the planted mixture.
    const std::vector<float>& counts =
        shape.counts[base::uniformBelow(rng, static_cast<std::uint32_t>(shape.counts.size()))];
    std::map<std::uint32_t, float> histogram;
    for (float count : counts) {
      const double u = base::uniform01(rng);
      int word = 0;
      if (u < kSignatureShare)
        word = artist.signature[base::uniformBelow(rng, kSignature)];
      else if (u < kSignatureShare + kGenreShare)
        word =
            (artist.genre * genreBand + static_cast<int>(base::uniformBelow(rng, genreBand))) % K;
      else
        word = static_cast<int>(base::uniformBelow(rng, static_cast<std::uint32_t>(K)));
      histogram[static_cast<std::uint32_t>(word)] += count;
    }
    record.features.codewordCounts.assign(histogram.begin(), histogram.end());
    for (int k = 0; k < dims; ++k) {
      const auto i = static_cast<std::size_t>(k);
      const double z = 0.6 * genreSummary[static_cast<std::size_t>(artist.genre)][i] +
                       0.5 * artist.summary[i] + 0.6 * base::standardNormal(rng);
      record.features.summary.push_back(
          static_cast<float>(shape.summaryMean[i] + shape.summaryStd[i] * z));
    }
    const std::string path = "/synthetic/" + record.info.artist + "/" +
                             numbered("album", albumOfArtist) + "/" + record.info.title + ".ogg";
    std::int64_t fileId = 0;
    status = catalog->storeAnalysis(path, {4000000 + s, 1700000000000000000 + s}, featureVersion,
                                    record, &fileId);
    if (!status.ok()) {
      std::fprintf(stderr, "storeAnalysis: %s\n", status.message.c_str());
      return 1;
    }
    fileIds.push_back(fileId);
    filesOfGenre[static_cast<std::size_t>(artist.genre)].push_back(fileId);
    if ((s + 1) % 5000 == 0 && !(catalog->commitBatch().ok() && catalog->beginBatch().ok()))
      return 1;
  }

  // Playlists: mostly one genre.
  const int playlists = std::max(1, songs / kPlaylistSongs);
  for (int p = 0; p < playlists; ++p) {
    const auto genre = static_cast<std::size_t>(base::uniformBelow(rng, kGenres));
    const int length = 20 + static_cast<int>(base::uniformBelow(rng, 21));
    std::vector<core::PlaylistEntry> entries;
    for (int i = 0; i < length; ++i) {
      const auto& pool = base::uniform01(rng) < kPlaylistGenreShare && !filesOfGenre[genre].empty()
                             ? filesOfGenre[genre]
                             : fileIds;
      entries.push_back(
          {pool[base::uniformBelow(rng, static_cast<std::uint32_t>(pool.size()))], {}});
    }
    const std::string path = "/synthetic/playlists/" + numbered("playlist", p) + ".m3u";
    if (!catalog->replacePlaylist(path, numbered("playlist", p), entries).ok()) return 1;
  }
  if (!catalog->commitBatch().ok()) return 1;
  catalog.reset();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::uintmax_t bytes = std::filesystem::file_size(db);
  if (std::filesystem::exists(db + "-wal")) bytes += std::filesystem::file_size(db + "-wal");
  std::printf(
      "{\"songs\": %d, \"artists\": %d, \"tags\": %zu, \"playlists\": %d, \"codewords\": %d, "
      "\"summary_dimension\": %d, \"reference_songs\": %zu, \"seconds\": %.1f, \"bytes\": %ju}\n",
      songs, artists, tagNames.size(), playlists, K, dims, shape.counts.size(), seconds, bytes);
  return 0;
}
