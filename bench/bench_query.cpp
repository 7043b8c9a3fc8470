// Query latency: top-10 similar songs among N embedded songs by the exact float scan
// (matrix-vector product + topK, the reference) and by SongSearchIndex (4-bit first pass, exact
// re-scoring within the error bound), measured in the same run, with recall@10 of the index
// against the exact answer. Two kinds of embedding: isotropic Gaussian directions, and a planted
// library (songs around 1 000 artist centres, norms below 1 as the model's ball gives them), the
// harder case for the bound (many songs close to a query). `--hnsw` adds hnswlib's HNSW index
// (inner product, M = 16, efConstruction = 200) at N ≤ 10⁵ for comparison.
//   bench_query [--hnsw] [--max-songs N]
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <set>
#include <string>

#include "core/base/random.h"
#include "core/model/jointmodel.h"
#include "core/model/songsearch.h"
#include "core/model/trainer.h"

using namespace songspace::core;
namespace base = songspace::base;

namespace {

constexpr int kK = 10;
constexpr int kQueries = 101;

// CPU time of this thread: on a shared machine, wall time also counts the other jobs' turns.
double threadSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::nth_element(values.begin(), values.begin() + static_cast<long>(values.size() / 2),
                   values.end());
  return values[values.size() / 2];
}

Eigen::MatrixXf gaussianSongs(int d, int n, base::Xoshiro256& rng) {
  Eigen::MatrixXf songs(d, n);
  for (Eigen::Index i = 0; i < songs.size(); ++i)
    songs.data()[i] = static_cast<float>(base::standardNormal(rng));
  songs.colwise().normalize();
  return songs;
}

// Songs of 1 000 artists: centre + noise of a third of its norm, scaled into the unit ball.
Eigen::MatrixXf plantedSongs(int d, int n, base::Xoshiro256& rng) {
  const Eigen::MatrixXf centres = gaussianSongs(d, 1000, rng);
  Eigen::MatrixXf songs(d, n);
  for (int j = 0; j < n; ++j) {
    const auto artist = static_cast<int>(base::uniformBelow(rng, 1000));
    Eigen::VectorXf x = centres.col(artist);
    for (int r = 0; r < d; ++r)
      x[r] += static_cast<float>(base::standardNormal(rng) / std::sqrt(3.0 * d));
    songs.col(j) = x / x.norm() * static_cast<float>(0.5 + 0.5 * base::uniform01(rng));
  }
  return songs;
}

double recall(const std::vector<Scored>& exact, const std::vector<Scored>& found) {
  std::set<int> truth;
  for (const Scored& s : exact) truth.insert(s.index);
  int hit = 0;
  for (const Scored& s : found) hit += truth.count(s.index) > 0 ? 1 : 0;
  return exact.empty() ? 1.0 : static_cast<double>(hit) / static_cast<double>(exact.size());
}

}  // namespace

int main(int argc, char** argv) {
  bool hnsw = false;
  int maxSongs = 1000000;
  int cap = SongSearchIndex::kRescoreCap.defaultValue;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--hnsw") == 0) hnsw = true;
    if (std::strcmp(argv[i], "--max-songs") == 0 && i + 1 < argc) maxSongs = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--rescore-cap") == 0 && i + 1 < argc) cap = std::atoi(argv[++i]);
  }
  const int d = TrainOptions{}.dimension;
  std::printf(
      "d = %d, top-%d, median thread CPU time of %d queries (songs of the library, themselves "
      "excluded)\n",
      d, kK, kQueries);
  std::printf("%-9s %8s %10s %10s %9s %8s %8s %9s %10s\n", "data", "songs", "exact ms", "index ms",
              "ratio", "recall", "rescored", "certified", "build ms");
  for (const char* kind : {"gaussian", "planted"})
    for (const int n : {10000, 20000, 50000, 100000, 1000000}) {
      if (n > maxSongs) continue;
      base::Xoshiro256 rng(1);
      const Eigen::MatrixXf songs =
          std::strcmp(kind, "planted") == 0 ? plantedSongs(d, n, rng) : gaussianSongs(d, n, rng);
      auto start = std::chrono::steady_clock::now();
      const SongSearchIndex index(songs, {.forceQuantised = true, .rescoreCap = cap});
      const double build = secondsSince(start);
      std::vector<double> exactTimes, indexTimes;
      double recallSum = 0, rescoredSum = 0, certifiedSum = 0;
      std::vector<std::vector<Scored>> truths;
      for (int q = 0; q < kQueries; ++q) {
        const int song = static_cast<int>(base::uniformBelow(rng, static_cast<std::uint32_t>(n)));
        const Eigen::VectorXf query = songs.col(song);
        double cpu = threadSeconds();
        const Eigen::VectorXf scores = songs.transpose() * query;
        const std::vector<Scored> exact = topK(scores, kK, song);
        exactTimes.push_back(threadSeconds() - cpu);
        SongSearchIndex::SearchStats stats;
        cpu = threadSeconds();
        const std::vector<Scored> found = index.search(songs, query, kK, song, &stats);
        indexTimes.push_back(threadSeconds() - cpu);
        recallSum += recall(exact, found);
        rescoredSum += stats.rescored;
        certifiedSum += stats.certified ? 1 : 0;
        truths.push_back(exact);
      }
      const double exactMs = median(exactTimes) * 1e3, indexMs = median(indexTimes) * 1e3;
      std::printf("%-9s %8d %10.3f %10.3f %9.2f %8.4f %8.0f %9.2f %10.0f\n", kind, n, exactMs,
                  indexMs, indexMs / exactMs, recallSum / kQueries, rescoredSum / kQueries,
                  certifiedSum / kQueries, build * 1e3);
      std::fflush(stdout);

      if (!hnsw || n > 100000) continue;
      hnswlib::InnerProductSpace space(static_cast<std::size_t>(d));
      start = std::chrono::steady_clock::now();
      hnswlib::HierarchicalNSW<float> graph(&space, static_cast<std::size_t>(n), 16, 200, 1);
      for (int j = 0; j < n; ++j) graph.addPoint(songs.col(j).data(), static_cast<std::size_t>(j));
      const double hnswBuild = secondsSince(start);
      for (const int ef : {32, 64, 128, 256}) {
        graph.setEf(static_cast<std::size_t>(ef));
        base::Xoshiro256 again(1);
        if (std::strcmp(kind, "planted") == 0)
          (void)plantedSongs(d, n, again);
        else
          (void)gaussianSongs(d, n, again);
        std::vector<double> times;
        double hnswRecall = 0;
        for (int q = 0; q < kQueries; ++q) {
          const int song =
              static_cast<int>(base::uniformBelow(again, static_cast<std::uint32_t>(n)));
          const double cpu = threadSeconds();
          auto result = graph.searchKnn(songs.col(song).data(), kK + 1);
          std::vector<Scored> found;
          while (!result.empty()) {
            const int label = static_cast<int>(result.top().second);
            if (label != song) found.push_back({label, 1 - result.top().first});
            result.pop();
          }
          std::reverse(found.begin(), found.end());
          if (static_cast<int>(found.size()) > kK) found.resize(kK);
          times.push_back(threadSeconds() - cpu);
          hnswRecall += recall(truths[static_cast<std::size_t>(q)], found);
        }
        const double ms = median(times) * 1e3;
        std::printf("%-9s %8d %10.3f %10.3f %9.2f %8.4f %8s %9s %10.0f  hnsw ef=%d\n", kind, n,
                    exactMs, ms, ms / exactMs, hnswRecall / kQueries, "-", "-", hnswBuild * 1e3,
                    ef);
        std::fflush(stdout);
      }
    }
  return 0;
}
