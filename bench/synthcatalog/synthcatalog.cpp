#include "bench/synthcatalog/synthcatalog.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "audio/codebook.h"
#include "core/base/random.h"
#include "core/library/scanjob.h"

namespace songspace::bench {

namespace {

constexpr int kSignature = 16;  // codewords of an artist's own timbre
constexpr double kSignatureShare = 0.4, kGenreShare = 0.3;
constexpr double kKeepArtistTag = 0.8, kNoiseTag = 0.1;
constexpr int kPlaylistSongs = 50;  // one playlist per this many songs
constexpr double kPlaylistGenreShare = 0.8;
constexpr int kSongsPerBatch = 5000;

std::string numbered(const char* prefix, int i) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s-%05d", prefix, i);
  return buffer;
}

base::Status invalid(std::string message) {
  return base::Status::failure(base::ErrorCode::InvalidArgument, std::move(message));
}

}  // namespace

base::Status readCatalogShape(const std::string& path, CatalogShape& shape) {
  base::Status status;
  auto catalog = core::Catalog::open(path, &status);
  if (!catalog) return status;
  const auto record = catalog->latestCodebook();
  audio::Codebook codebook;
  if (!record || !audio::Codebook::deserialize(record->blob, codebook).ok())
    return base::Status::failure(base::ErrorCode::NotFound, path + " has no usable codebook");
  shape = {};
  shape.codewords = codebook.size();
  shape.frameDimension = codebook.dimension();
  const std::vector<core::SongFeatures> songs = catalog->loadFeatures(record->id);
  if (songs.empty())
    return base::Status::failure(base::ErrorCode::NotFound,
                                 path + " has no song analysed with its latest codebook");
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
  return {};
}

CatalogShape defaultCatalogShape(std::uint64_t seed) {
  constexpr int kReferenceSongs = 64, kMinNonzeros = 150, kMaxNonzeros = 250, kMaxCount = 8;
  CatalogShape shape;
  shape.codewords = 1000;
  shape.frameDimension = 20;
  shape.summaryMean.assign(117, 0.0f);
  shape.summaryStd.assign(117, 1.0f);
  base::Xoshiro256 rng(seed);
  for (int s = 0; s < kReferenceSongs; ++s) {
    const int nonzeros =
        kMinNonzeros + static_cast<int>(base::uniformBelow(rng, kMaxNonzeros - kMinNonzeros + 1));
    std::vector<float> counts;
    counts.reserve(static_cast<std::size_t>(nonzeros));
    for (int k = 0; k < nonzeros; ++k)
      counts.push_back(static_cast<float>(1 + base::uniformBelow(rng, kMaxCount)));
    shape.counts.push_back(std::move(counts));
  }
  return shape;
}

base::Status writeSyntheticCatalog(core::Catalog& catalog, const CatalogShape& shape, int songs,
                                   std::uint64_t seed, SyntheticCatalogSummary* summary,
                                   const SyntheticCatalogOptions& options) {
  const int genres = std::max(1, options.genres);
  const int poolTags = std::max(0, options.poolTagsPerGenre);
  if (songs < kSyntheticSongsPerArtist || shape.codewords <= 0 || shape.counts.empty())
    return invalid("a synthetic catalog needs at least " +
                   std::to_string(kSyntheticSongsPerArtist) +
                   " songs and a shape with codewords and reference songs");
  base::Xoshiro256 rng(seed);
  const int K = shape.codewords;
  const auto dims = static_cast<int>(shape.summaryMean.size());

  // A codebook of the reference's shape (its centroids are never used: no audio is assigned).
  audio::FrameMatrix centroids(K, shape.frameDimension);
  for (Eigen::Index i = 0; i < centroids.size(); ++i)
    centroids.data()[i] = static_cast<float>(base::standardNormal(rng));
  const audio::Codebook codebook(centroids, Eigen::VectorXf::Zero(shape.frameDimension),
                                 Eigen::VectorXf::Ones(shape.frameDimension));
  int codebookId = 0;
  if (base::Status status = catalog.storeCodebook(codebook.serialize(), "synthetic", &codebookId);
      !status.ok())
    return status;
  const int featureVersion = library::featureVersionFor(codebookId);

  // Genres: a codeword band (a contiguous K / genres words) and a summary direction.
  std::vector<std::vector<float>> genreSummary(genres, std::vector<float>(dims));
  for (auto& g : genreSummary)
    for (float& v : g) v = static_cast<float>(base::standardNormal(rng));
  const int artists = songs / kSyntheticSongsPerArtist;
  struct Artist {
    int genre = 0;
    std::vector<int> signature;
    std::vector<float> summary;
    std::vector<std::string> tags;
  };
  std::vector<Artist> roster(static_cast<std::size_t>(artists));
  for (int a = 0; a < artists; ++a) {
    Artist& artist = roster[static_cast<std::size_t>(a)];
    artist.genre = static_cast<int>(base::uniformBelow(rng, genres));
    for (int k = 0; k < kSignature; ++k)
      artist.signature.push_back(
          static_cast<int>(base::uniformBelow(rng, static_cast<std::uint32_t>(K))));
    for (int k = 0; k < dims; ++k)
      artist.summary.push_back(static_cast<float>(base::standardNormal(rng)));
    artist.tags.push_back(numbered("genre", artist.genre));
    const int extra = poolTags > 0 ? 1 + static_cast<int>(base::uniformBelow(rng, 3)) : 0;
    for (int t = 0; t < extra; ++t)
      artist.tags.push_back(numbered(
          "tag", artist.genre * poolTags + static_cast<int>(base::uniformBelow(rng, poolTags))));
  }

  std::vector<std::int64_t> fileIds;
  std::vector<std::vector<std::int64_t>> filesOfGenre(genres);
  std::map<std::string, int> tagNames;
  const int genreBand = std::max(1, K / genres);
  base::Status status = catalog.beginBatch();
  for (int s = 0; s < songs && status.ok(); ++s) {
    const int a = s / kSyntheticSongsPerArtist < artists
                      ? s / kSyntheticSongsPerArtist
                      : static_cast<int>(base::uniformBelow(rng, artists));
    const Artist& artist = roster[static_cast<std::size_t>(a)];
    core::AnalysisRecord record;
    record.codebookId = codebookId;
    record.info.artist = numbered("artist", a);
    record.info.title = numbered("song", s);
    const int albumOfArtist = (s % kSyntheticSongsPerArtist) / 5;  // two albums of ~5 per artist
    record.info.album = record.info.artist + " " + numbered("album", albumOfArtist);
    record.info.trackNumber = s % 5 + 1;
    record.info.durationSeconds = 180;
    for (const std::string& tag : artist.tags)
      if (base::uniform01(rng) < kKeepArtistTag) record.info.freeTags.push_back(tag);
    if (base::uniform01(rng) < kNoiseTag) {
      record.info.freeTags.push_back(
          poolTags > 0
              ? numbered("tag", static_cast<int>(base::uniformBelow(rng, genres * poolTags)))
              : numbered("genre", static_cast<int>(base::uniformBelow(rng, genres))));
    }
    for (const std::string& tag : record.info.freeTags) tagNames[tag] += 1;

    // Codewords: the count values of a random reference song, on words from the planted mixture.
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
    status = catalog.storeAnalysis(path, {4000000 + s, 1700000000000000000 + s}, featureVersion,
                                   record, &fileId);
    if (!status.ok()) break;
    fileIds.push_back(fileId);
    filesOfGenre[static_cast<std::size_t>(artist.genre)].push_back(fileId);
    if ((s + 1) % kSongsPerBatch == 0) {
      status = catalog.commitBatch();
      if (status.ok()) status = catalog.beginBatch();
    }
  }

  // Playlists: mostly one genre.
  const int playlists = std::max(1, songs / kPlaylistSongs);
  for (int p = 0; p < playlists && status.ok(); ++p) {
    const auto genre = static_cast<std::size_t>(base::uniformBelow(rng, genres));
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
    status = catalog.replacePlaylist(path, numbered("playlist", p), entries);
  }
  if (status.ok()) status = catalog.commitBatch();
  if (!status.ok()) {
    // reason: the failure above is what the caller needs; a rollback error adds nothing to it
    if (catalog.inBatch()) (void)catalog.rollbackBatch();
    return status;
  }
  if (summary) *summary = {songs, artists, static_cast<int>(tagNames.size()), playlists};
  return {};
}

}  // namespace songspace::bench
