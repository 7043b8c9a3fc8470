// Codebook training and assignment cost, as ratios against one N×D by D×K float product (the
// floor of one Lloyd iteration) measured in the same run.
// Usage: bench_codebook [N=200000] [K=1000] [iterations=10] [batch=4096]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>

#include "audio/codebook.h"

using songspace::audio::Codebook;
using songspace::audio::FrameMatrix;
using songspace::audio::KMeansParams;

namespace {

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Frames that look like MFCCs more than uniform noise does: a few hundred anisotropic modes.
FrameMatrix syntheticFrames(Eigen::Index n, Eigen::Index d) {
  std::mt19937_64 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const int modes = 300;
  FrameMatrix centres(modes, d);
  for (Eigen::Index i = 0; i < centres.size(); ++i) centres.data()[i] = 3.0f * normal(rng);
  FrameMatrix frames(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto mode = static_cast<Eigen::Index>(rng() % modes);
    for (Eigen::Index j = 0; j < d; ++j) {
      frames(i, j) = centres(mode, j) + normal(rng) * (1.0f + static_cast<float>(j % 5));
    }
  }
  return frames;
}

}  // namespace

int main(int argc, char** argv) {
  const Eigen::Index n = argc > 1 ? std::atol(argv[1]) : 200000;
  const int k = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int iterations = argc > 3 ? std::atoi(argv[3]) : 10;
  const int batch = argc > 4 ? std::atoi(argv[4]) : 4096;
  const Eigen::Index d = 39;
  const FrameMatrix frames = syntheticFrames(n, d);

  // Reference: one blocked product of all frames with K centroids.
  const FrameMatrix centroids = frames.topRows(k);
  auto start = std::chrono::steady_clock::now();
  FrameMatrix scores;
  float sink = 0.0f;
  for (Eigen::Index begin = 0; begin < n; begin += 4096) {
    const Eigen::Index rows = std::min<Eigen::Index>(4096, n - begin);
    scores.noalias() = frames.middleRows(begin, rows) * centroids.transpose();
    sink += scores(0, 0);
  }
  const double gemm = seconds(start);
  std::printf("N=%ld K=%d D=%ld  reference product: %.3f s (%.1f GFLOP/s)  [%g]\n",
              static_cast<long>(n), k, static_cast<long>(d), gemm,
              2.0 * static_cast<double>(n) * k * d / gemm * 1e-9, static_cast<double>(sink));

  const auto run = [&](const char* name, KMeansParams params) {
    Codebook codebook;
    const auto begin = std::chrono::steady_clock::now();
    const std::clock_t cpuBegin = std::clock();
    const auto status = Codebook::train(frames, params, codebook);
    const double t = seconds(begin);
    const double cpu = static_cast<double>(std::clock() - cpuBegin) / CLOCKS_PER_SEC;
    if (!status.ok()) {
      std::printf("%s failed: %s\n", name, status.message.c_str());
      return codebook;
    }
    std::printf("%-28s %8.2f s wall %8.2f s cpu  (%6.1f x product)  inertia %.4f\n", name, t, cpu,
                t / gemm, codebook.inertia(frames));
    return codebook;
  };
  KMeansParams params;
  params.clusters = k;
  params.tolerance = 0.0;  // run every iteration
  params.iterations = 1;
  run("k-means++ seed + 1 Lloyd", params);
  params.iterations = iterations;
  const Codebook lloyd = run("k-means++ + Lloyd", params);
  params.batchSize = batch;
  run("k-means++ + mini-batch", params);

  std::vector<int> labels;
  start = std::chrono::steady_clock::now();
  lloyd.assign(frames, labels);
  const double assign = seconds(start);
  std::printf("assign                       %8.3f s  (%6.2f x product, %.2f M frames/s)\n", assign,
              assign / gemm, static_cast<double>(n) / assign * 1e-6);
  return 0;
}
