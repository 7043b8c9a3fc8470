// The "I don't know" check (core/model/novelty.h) at library scale: fitting on N synthetic
// training songs (1000 codewords + 78 dense features, ~200 + 78 nonzeros a song, as
// bench_training), checking one cold-start song (median of 101), and checking every one of the N
// songs as ModelSession::load does; the reference is the analysis of one 4-minute file (decode,
// MFCC, descriptors; no codebook) in the same run: the per-file check must cost far less.
//   bench_novelty [--songs N]   (default 100 000)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "audio/songanalyzer.h"
#include "core/base/random.h"
#include "core/model/jointmodel.h"
#include "core/model/novelty.h"

using namespace songspace;
using namespace songspace::core;

namespace {

constexpr int kCodewords = 1000, kSummary = 78, kNonzeros = 200, kClusters = 50, kDimension = 160;

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

SparseRows makeSongs(int n, base::Xoshiro256& rng) {
  std::vector<Eigen::Triplet<float>> triplets;
  std::vector<float> row(kCodewords);
  for (int s = 0; s < n; ++s) {
    const int c = static_cast<int>(base::uniformBelow(rng, kClusters));
    std::fill(row.begin(), row.end(), 0.0f);
    for (int w = 0; w < kNonzeros * 2; ++w) {
      const int word = base::uniform01(rng) < 0.4
                           ? (c * 20 + static_cast<int>(base::uniformBelow(rng, 20))) % kCodewords
                           : static_cast<int>(base::uniformBelow(rng, kCodewords));
      row[static_cast<std::size_t>(word)] += 1;
    }
    float norm = 0;
    for (const float v : row) norm += v * v;
    norm = std::sqrt(norm);
    for (int k = 0; k < kCodewords; ++k)
      if (row[static_cast<std::size_t>(k)] > 0)
        triplets.emplace_back(s, k, row[static_cast<std::size_t>(k)] / norm);
    for (int k = 0; k < kSummary; ++k)
      triplets.emplace_back(s, kCodewords + k, static_cast<float>(base::standardNormal(rng)));
  }
  SparseRows songs(n, kCodewords + kSummary);
  songs.setFromTriplets(triplets.begin(), triplets.end());
  return songs;
}

bool writeToneWav(const std::filesystem::path& path, double seconds, int rate) {
  std::ofstream out(path, std::ios::binary);
  const auto samples = static_cast<std::uint32_t>(seconds * rate);
  const auto put32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  const auto put16 = [&](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  out.write("RIFF", 4);
  put32(36 + samples * 2);
  out.write("WAVEfmt ", 8);
  put32(16);
  put16(1);
  put16(1);
  put32(static_cast<std::uint32_t>(rate));
  put32(static_cast<std::uint32_t>(rate * 2));
  put16(2);
  put16(16);
  out.write("data", 4);
  put32(samples * 2);
  base::Xoshiro256 rng(3);
  for (std::uint32_t i = 0; i < samples; ++i) {
    const double t = static_cast<double>(i) / rate;
    const double x = 0.3 * std::sin(2 * M_PI * 220 * t) + 0.2 * std::sin(2 * M_PI * 331 * t) +
                     0.05 * (base::uniform01(rng) - 0.5);
    put16(static_cast<std::uint16_t>(static_cast<std::int16_t>(x * 32000)));
  }
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  int n = 100000;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--songs") == 0) n = std::atoi(argv[i + 1]);

  base::Xoshiro256 rng(42);
  JointModel model;
  model.V = Eigen::MatrixXf::Random(kDimension, kCodewords + kSummary) * 0.05f;
  model.maxNorm = 1.0f;
  const SparseRows songs = makeSongs(n, rng);
  const Eigen::MatrixXf embedded = model.embedSongs(songs);
  std::printf("%d training songs, %.0f nonzeros a song, d = %d\n", n,
              static_cast<double>(songs.nonZeros()) / n, kDimension);

  auto start = std::chrono::steady_clock::now();
  const auto detector = NoveltyDetector::fit(songs, embedded, NoveltyOptions{});
  const double fitSeconds = secondsSince(start);
  if (!detector) return 1;
  std::printf("fit: %.3f s (reference %ld songs; thresholds: sound %.3f, model %.3f)\n", fitSeconds,
              static_cast<long>(detector->reference().rows()),
              static_cast<double>(detector->featureThreshold()),
              static_cast<double>(detector->jointThreshold()));

  const SparseRows queries = makeSongs(101, rng);
  std::vector<double> times;
  int flagged = 0;
  for (int q = 0; q < queries.rows(); ++q) {
    const Eigen::SparseVector<float> x = queries.row(q);
    start = std::chrono::steady_clock::now();
    const Eigen::VectorXf e = model.embedSong(x);
    flagged += detector->check(x, e).novel() ? 1 : 0;
    times.push_back(secondsSince(start));
  }
  std::nth_element(times.begin(), times.begin() + 50, times.end());
  const double checkSeconds = times[50];
  std::printf(
      "one cold-start check (embedding included): %.3f ms median; %d of 101 fresh songs "
      "flagged\n",
      checkSeconds * 1e3, flagged);

  start = std::chrono::steady_clock::now();
  const std::vector<Novelty> all = detector->checkAll(songs, embedded);
  const double allSeconds = secondsSince(start);
  int own = 0;
  for (const Novelty& v : all) own += v.novel() ? 1 : 0;
  std::printf("every library song (ModelSession::load): %.2f s, %d of %d flagged\n", allSeconds,
              own, n);

  const std::filesystem::path wav = std::filesystem::temp_directory_path() / "bench_novelty.wav";
  if (!writeToneWav(wav, 240.0, 22050)) return 1;
  const audio::SongAnalyzer analyzer(audio::AnalyzerParams{}, nullptr);
  audio::SongAnalysis analysis;
  start = std::chrono::steady_clock::now();
  const base::Status analysed = analyzer.analyze(wav, analysis);
  const double analysisSeconds = secondsSince(start);
  std::filesystem::remove(wav);
  if (!analysed.ok()) {
    std::printf("analysis failed: %s\n", analysed.message.c_str());
    return 1;
  }
  std::printf("analysis of one 4-minute file: %.3f s; check / analysis = %.5f\n", analysisSeconds,
              checkSeconds / analysisSeconds);
  return 0;
}
