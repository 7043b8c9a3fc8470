// Discovery latency (core/model/discovery.h) on a planted library: an instant mix of 50, a path of
// 20 and a tag page (top 50 songs through the SongSearchIndex, 10 related tags, 10 artists),
// beside the reference measured in the same run: one exact top-10 similar-songs scan
// (songsᵀ q + topK). Songs lie around artist centres (10 songs per artist, 2 albums each, norms
// below 1 as the model's ball gives them), one artist in 20 has near-copies of its songs, and tags
// and artists are directions like the trained model's. Median thread CPU time of 21 queries.
//   bench_discovery [--songs N]            (default 100000; targets: ≤ 50, ≤ 50, ≤ 20 ms)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

#include "core/base/random.h"
#include "core/model/discovery.h"
#include "core/model/trainer.h"

using namespace songspace::core;
namespace base = songspace::base;

namespace {

constexpr int kQueries = 21;
constexpr int kSongsPerArtist = 10;
constexpr int kTags = 200;

// CPU time of this thread: on a shared machine, wall time also counts the other jobs' turns.
double threadSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double median(std::vector<double> values) {
  std::nth_element(values.begin(), values.begin() + static_cast<long>(values.size() / 2),
                   values.end());
  return values[values.size() / 2];
}

Eigen::VectorXf gaussianUnit(int d, base::Xoshiro256& rng) {
  Eigen::VectorXf x(d);
  for (int r = 0; r < d; ++r) x[r] = static_cast<float>(base::standardNormal(rng));
  return x.normalized();
}

}  // namespace

int main(int argc, char** argv) {
  int n = 100000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--songs") == 0 && i + 1 < argc) n = std::atoi(argv[++i]);
  }
  const int d = TrainOptions{}.dimension;
  const int artists = std::max(1, n / kSongsPerArtist);
  base::Xoshiro256 rng(1);

  JointModel model;
  model.T.resize(d, kTags);
  for (int t = 0; t < kTags; ++t) model.T.col(t) = gaussianUnit(d, rng);
  model.A.resize(d, artists);
  Eigen::MatrixXf songs(d, n);
  SongFacts facts;
  for (int a = 0; a < artists; ++a) {
    // An artist: a mix of two tags plus its own direction.
    const auto t1 = static_cast<int>(base::uniformBelow(rng, kTags));
    const auto t2 = static_cast<int>(base::uniformBelow(rng, kTags));
    model.A.col(a) =
        (model.T.col(t1) + 0.5f * model.T.col(t2) + 0.7f * gaussianUnit(d, rng)).normalized();
  }
  for (int j = 0; j < n; ++j) {
    const int artist = std::min(j / kSongsPerArtist, artists - 1);
    const bool copy = artist % 20 == 0 && j % kSongsPerArtist >= kSongsPerArtist / 2;
    Eigen::VectorXf x = model.A.col(artist);
    x += gaussianUnit(d, rng) * 0.6f;
    if (copy) x = songs.col(j - kSongsPerArtist / 2) + 0.005f * gaussianUnit(d, rng);
    songs.col(j) = x / x.norm() * static_cast<float>(0.5 + 0.5 * base::uniform01(rng));
    facts.artist.push_back(artist + 1);
    facts.album.push_back(2 * artist + 1 + (j % kSongsPerArtist) / (kSongsPerArtist / 2));
    facts.title.push_back("song " + std::to_string(copy ? j - kSongsPerArtist / 2 : j));
  }

  double cpu = threadSeconds();
  const SongSearchIndex index(songs);
  const double indexBuild = threadSeconds() - cpu;
  cpu = threadSeconds();
  const SongDuplicates duplicates(songs, facts);
  const double duplicatesBuild = threadSeconds() - cpu;
  cpu = threadSeconds();
  std::vector<int> artistOf(facts.artist.size());
  for (std::size_t j = 0; j < artistOf.size(); ++j)
    artistOf[j] = static_cast<int>(facts.artist[j]) - 1;
  const ArtistCentroids centroids = artistCentroids(songs, artistOf, artists);
  const double centroidsBuild = threadSeconds() - cpu;

  std::vector<double> reference, mixTimes, pathTimes, tagTimes;
  int mixShort = 0, pathShort = 0;
  const MixOptions mixOptions;
  constexpr int kMixLength = 50, kPathSongs = 20, kTagSongs = 50, kTagNames = 10;
  for (int q = 0; q < kQueries; ++q) {
    const auto song = static_cast<int>(base::uniformBelow(rng, static_cast<std::uint32_t>(n)));
    const auto other = static_cast<int>(base::uniformBelow(rng, static_cast<std::uint32_t>(n)));
    const auto tag = static_cast<int>(base::uniformBelow(rng, kTags));
    const Eigen::VectorXf query = songs.col(song);

    cpu = threadSeconds();
    const std::vector<Scored> exact = topK(songs.transpose() * query, 10, song);
    reference.push_back(threadSeconds() - cpu);

    cpu = threadSeconds();
    MixOptions options = mixOptions;
    options.length = kMixLength;
    const std::vector<Scored> mix =
        instantMix(songs, query, song, facts, duplicates, options, &index);
    mixTimes.push_back(threadSeconds() - cpu);
    mixShort += static_cast<int>(mix.size()) < kMixLength ? 1 : 0;

    cpu = threadSeconds();
    const std::vector<PathStep> path = songPath(songs, song, other, kPathSongs, duplicates);
    pathTimes.push_back(threadSeconds() - cpu);
    pathShort += static_cast<int>(path.size()) < kPathSongs ? 1 : 0;

    cpu = threadSeconds();
    const std::vector<Scored> tagSongs = songsForTag(model, songs, tag, kTagSongs, &index);
    const std::vector<Scored> related = relatedTags(model, tag, kTagNames);
    const std::vector<Scored> fitting = artistsForTag(model, centroids, tag, kTagNames);
    tagTimes.push_back(threadSeconds() - cpu);
    if (exact.empty() || tagSongs.empty() || related.empty() || fitting.empty()) return 1;
  }

  const double ref = median(reference) * 1e3;
  std::printf(
      "d = %d, %d songs, %d artists, %d tags; build: index %.0f ms, duplicate groups %.0f ms "
      "(%d groups), artist centroids %.0f ms\nmedian thread CPU time of %d queries; reference = "
      "one exact top-10 similar-songs scan\n",
      d, n, artists, kTags, indexBuild * 1e3, duplicatesBuild * 1e3, duplicates.groupCount(),
      centroidsBuild * 1e3, kQueries);
  std::printf("%-26s %10s %10s %8s %s\n", "query", "ms", "ratio", "target", "note");
  std::printf("%-26s %10.3f %10.2f %8s\n", "reference scan (top 10)", ref, 1.0, "-");
  const auto row = [&](const char* name, const std::vector<double>& times, double target,
                       const std::string& note) {
    const double ms = median(times) * 1e3;
    std::printf("%-26s %10.3f %10.2f %8.0f %s%s\n", name, ms, ms / ref, target,
                ms <= target ? "met" : "NOT MET", note.c_str());
  };
  row("mix of 50", mixTimes, 50, "; short mixes: " + std::to_string(mixShort));
  row("path of 20", pathTimes, 50, "; short paths: " + std::to_string(pathShort));
  row("tag page (50+10+10)", tagTimes, 20, "");
  return 0;
}
