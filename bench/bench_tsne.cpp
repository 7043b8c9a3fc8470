// The refined map at scale: t-SNE of a planted joint space (songs around their artist, the
// artists, and tags between artists; d = 160 like the default model) with its time split into
// the input affinities (kNN + calibration) and the gradient iterations, and its quality: the
// share of each probe point's 10 nearest neighbours in the joint space that are among its 10
// nearest on the map (core/map/mapquality.h). The planted points depend only on --points, so
// runs with --knn exact and --knn approx compare the two methods on the same points:
//   bench_tsne --points 20000 --knn exact          (the reference: exact kNN)
//   bench_tsne --points 20000 --knn approx [--theta T] [--iterations I]
//              [--exaggeration-iterations E] [--probes P]
//   bench_tsne --points 110500 --knn approx ...    (10⁵ songs, 10⁴ artists, 500 tags)
// With --place M: no t-SNE; the first M songs are held out and placed (core::placeOnMap) on a
// map of the other points, and the time of that placement is printed.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "core/base/random.h"
#include "core/base/status.h"
#include "core/map/mapplacement.h"
#include "core/map/mapquality.h"
#include "core/map/projection.h"
#include "core/map/tsne.h"
#include "core/map/tsneaffinity.h"
#include "core/model/trainer.h"

using namespace songspace::core;
namespace base = songspace::base;

namespace {

// n points: 1 artist per 10 songs, 1 tag per 200 songs (the 10⁵ songs, 10⁴ artists, 500
// tags at n = 110 500). Artists are Gaussian directions grouped around 50 genre centres, songs
// scatter around their artist, tags sit at the mean of a few artists of one genre.
Eigen::MatrixXf plantedJointSpace(int n, int d, std::uint64_t seed) {
  base::Xoshiro256 rng(seed);
  const int artists = std::max(1, n / 11);
  const int tags = std::max(1, n / 221);
  const int songs = n - artists - tags;
  auto normal = [&] { return static_cast<float>(base::standardNormal(rng)); };
  constexpr int kGenres = 50;
  Eigen::MatrixXf genres(kGenres, d);
  for (Eigen::Index i = 0; i < genres.size(); ++i) genres.data()[i] = normal();
  genres.rowwise().normalize();
  Eigen::MatrixXf points(n, d);
  std::vector<int> genreOf(static_cast<std::size_t>(artists));
  for (int a = 0; a < artists; ++a) {
    genreOf[static_cast<std::size_t>(a)] = static_cast<int>(base::uniformBelow(rng, kGenres));
    Eigen::RowVectorXf x = genres.row(genreOf[static_cast<std::size_t>(a)]);
    for (int c = 0; c < d; ++c) x[c] += 0.7f * normal() / std::sqrt(static_cast<float>(d));
    points.row(songs + a) = x.normalized();
  }
  for (int s = 0; s < songs; ++s) {
    Eigen::RowVectorXf x = points.row(
        songs + static_cast<int>(base::uniformBelow(rng, static_cast<std::uint32_t>(artists))));
    for (int c = 0; c < d; ++c) x[c] += 0.5f * normal() / std::sqrt(static_cast<float>(d));
    points.row(s) = x * (0.6f + 0.4f * static_cast<float>(base::uniform01(rng)));
  }
  for (int t = 0; t < tags; ++t) {
    Eigen::RowVectorXf x = Eigen::RowVectorXf::Zero(d);
    const int first =
        static_cast<int>(base::uniformBelow(rng, static_cast<std::uint32_t>(artists)));
    for (int a = 0; a < artists && a < 400; ++a) {
      const int other = (first + a) % artists;
      if (genreOf[static_cast<std::size_t>(other)] == genreOf[static_cast<std::size_t>(first)])
        x += points.row(songs + other);
    }
    points.row(songs + artists + t) = x.normalized();
  }
  return points;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int n = 20000, probes = 2000, place = 0;
  TsneParameters parameters;
  parameters.neighbours = TsneParameters::Neighbours::Exact;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--points")
      n = std::atoi(value);
    else if (flag == "--probes")
      probes = std::atoi(value);
    else if (flag == "--place")
      place = std::atoi(value);
    else if (flag == "--theta")
      parameters.theta = std::atof(value);
    else if (flag == "--iterations")
      parameters.iterations = std::atoi(value);
    else if (flag == "--exaggeration-iterations")
      parameters.exaggerationIterations = std::atoi(value);
    else if (flag == "--knn")
      parameters.neighbours = std::strcmp(value, "exact") == 0
                                  ? TsneParameters::Neighbours::Exact
                                  : TsneParameters::Neighbours::Approximate;
    else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  const int d = TrainOptions{}.dimension;
  const Eigen::MatrixXf points = plantedJointSpace(n, d, 1);

  if (place > 0) {
    // The cost of placement does not depend on the map's shape: time it on the PCA layout.
    place = std::clamp(place, 1, n - 1);
    const Eigen::MatrixXf fresh = points.topRows(place);
    const Eigen::MatrixXf kept = points.bottomRows(n - place);
    const Eigen::MatrixXf map = pcaProject(kept, 2);
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpuStart = std::clock();
    const Eigen::MatrixXf placed = placeOnMap(kept, map, fresh);
    const double wall = secondsSince(start);
    const double cpu = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    std::printf(
        "{\"points\": %d, \"kept\": %d, \"placed\": %d, \"seconds\": %.2f, "
        "\"cpu_seconds\": %.2f, \"cpu_ms_per_song\": %.3f, \"finite\": %s}\n",
        n, n - place, place, wall, cpu, cpu * 1e3 / place, placed.allFinite() ? "true" : "false");
    return placed.allFinite() ? 0 : 1;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpuStart = std::clock();
  double affinitySeconds = 0;
  const TsneResult result = tsne(points, parameters, [&](int iteration, int) {
    if (iteration == 1) affinitySeconds = secondsSince(start);
  });
  const double total = secondsSince(start);
  const double cpu = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
  if (!result.status.ok()) {
    std::fprintf(stderr, "t-SNE: %s (%s)\n", result.status.message.c_str(),
                 base::errorCodeName(result.status.error));
    return 1;
  }
  const double quality = neighbourPreservation(points, result.embedding, 10, evenProbes(n, probes));
  std::printf(
      "{\"points\": %d, \"knn\": \"%s\", \"theta\": %.2f, \"iterations\": %d, "
      "\"exaggeration_iterations\": %d, \"seconds\": %.1f, \"cpu_seconds\": %.1f, "
      "\"first_iteration_s\": %.1f, "
      "\"per_iteration_ms\": %.1f, \"preservation10\": %.4f, \"probes\": %d}\n",
      n, parameters.neighbours == TsneParameters::Neighbours::Exact ? "exact" : "approx",
      parameters.theta, parameters.iterations, parameters.exaggerationIterations, total, cpu,
      affinitySeconds, (total - affinitySeconds) / std::max(1, result.iterationsRun - 1) * 1e3,
      quality, static_cast<int>(evenProbes(n, probes).size()));
  return 0;
}
