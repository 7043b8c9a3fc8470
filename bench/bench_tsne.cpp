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
//   bench_tsne --points 5000 --warm 250 [--warm-iterations I] [--warm-exaggeration-iterations E]
//              [--warm-rescale 1]                 (a retrain: cold against warm start, below)
// With --place M: no t-SNE; the first M songs are held out and placed (core::placeOnMap) on a
// map of the other points, and the time of that placement is printed.
// With --warm M: a retrain. A map of the planted points without their first M songs, then the
// planted space "retrained" (a random linear distortion, fresh noise and a rotation of every
// point; the first M songs now present) laid out twice: a cold start (tsne, forPoints) and a warm
// start from the previous map (carryOverMap, then tsneFromLayout with forWarmStart); printed:
// each one's time, neighbour preservation and Procrustes disparity of the kept points against
// the previous map.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <Eigen/QR>

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

// The same points after a retrain: x ↦ (x (I + 0.3 G / √d) + 0.3 ν / √d) Q with G and ν standard
// normal and Q a random rotation. Neighbourhoods mostly survive; the global geometry does not.
Eigen::MatrixXf retrainedSpace(const Eigen::MatrixXf& points, std::uint64_t seed) {
  base::Xoshiro256 rng(seed);
  auto normal = [&] { return static_cast<float>(base::standardNormal(rng)); };
  const Eigen::Index d = points.cols();
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  Eigen::MatrixXf distortion = Eigen::MatrixXf::Identity(d, d);
  for (Eigen::Index i = 0; i < distortion.size(); ++i)
    distortion.data()[i] += 0.3f * scale * normal();
  Eigen::MatrixXf random(d, d);
  for (Eigen::Index i = 0; i < random.size(); ++i) random.data()[i] = normal();
  const Eigen::MatrixXf rotation = Eigen::HouseholderQR<Eigen::MatrixXf>(random).householderQ();
  Eigen::MatrixXf noise(points.rows(), d);
  for (Eigen::Index i = 0; i < noise.size(); ++i) noise.data()[i] = 0.3f * scale * normal();
  return (points * distortion + noise) * rotation;
}

struct Timed {
  TsneResult result;
  double seconds = 0, cpuSeconds = 0;
};

template <typename Run>
Timed timed(const Run& run) {
  Timed out;
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpuStart = std::clock();
  out.result = run();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.cpuSeconds = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
  return out;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int n = 20000, probes = 2000, place = 0, warm = 0, warmIterations = 0, warmExaggeration = -1;
  bool warmRescale = false;
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
    else if (flag == "--warm")
      warm = std::atoi(value);
    else if (flag == "--warm-rescale")
      warmRescale = std::atoi(value) != 0;
    else if (flag == "--warm-iterations")
      warmIterations = std::atoi(value);
    else if (flag == "--warm-exaggeration-iterations")
      warmExaggeration = std::atoi(value);
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

  if (warm > 0) {
    warm = std::clamp(warm, 0, n - 4);
    const Eigen::MatrixXf before = points.bottomRows(n - warm);
    const Timed previous = timed([&] { return tsne(before, parameters); });
    const Eigen::MatrixXf after = retrainedSpace(points, 2);
    const Timed cold = timed([&] { return tsne(after, parameters); });
    TsneParameters warmParameters = TsneParameters::forWarmStart(n);
    warmParameters.neighbours = parameters.neighbours;
    warmParameters.theta = parameters.theta;
    if (warmIterations > 0) warmParameters.iterations = warmIterations;
    if (warmExaggeration >= 0) warmParameters.exaggerationIterations = warmExaggeration;
    if (warmRescale) warmParameters.initialScale = TsneParameters::InitialScale::Rescale;
    Eigen::MatrixXf previousRows = Eigen::MatrixXf::Zero(n, 2);
    previousRows.bottomRows(n - warm) = previous.result.embedding;
    std::vector<bool> kept(static_cast<std::size_t>(n), true);
    std::fill(kept.begin(), kept.begin() + warm, false);
    const Timed warmed = timed([&] {
      return tsneFromLayout(after, carryOverMap(after, previousRows, kept), warmParameters);
    });
    if (!previous.result.status.ok() || !cold.result.status.ok() || !warmed.result.status.ok())
      return 1;
    const std::vector<int> probeRows = evenProbes(n, probes);
    auto disparity = [&](const Timed& run) {
      return procrustesDisparity(previous.result.embedding,
                                 run.result.embedding.bottomRows(n - warm));
    };
    std::printf(
        "{\"points\": %d, \"new_songs\": %d, \"warm_rescaled\": %s, \"cold\": {\"iterations\": %d, "
        "\"exaggeration_iterations\": %d, \"seconds\": %.1f, \"cpu_seconds\": %.1f, "
        "\"preservation10\": %.4f, \"disparity\": %.4f}, \"warm\": {\"iterations\": %d, "
        "\"exaggeration_iterations\": %d, \"seconds\": %.1f, \"cpu_seconds\": %.1f, "
        "\"preservation10\": %.4f, \"disparity\": %.4f}}\n",
        n, warm, warmRescale ? "true" : "false", parameters.iterations,
        parameters.exaggerationIterations, cold.seconds, cold.cpuSeconds,
        neighbourPreservation(after, cold.result.embedding, 10, probeRows), disparity(cold),
        warmParameters.iterations, warmParameters.exaggerationIterations, warmed.seconds,
        warmed.cpuSeconds, neighbourPreservation(after, warmed.result.embedding, 10, probeRows),
        disparity(warmed));
    return 0;
  }

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
