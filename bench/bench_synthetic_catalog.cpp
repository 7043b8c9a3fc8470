// A synthetic catalog of N songs with a planted structure (bench/synthcatalog/synthcatalog.h),
// written through the Catalog API, for measuring training (and anything else that reads a
// catalog) at library sizes no test corpus reaches. Shapes come from a real catalog given with
// --like (the demo library, scanned): its codebook size and frame dimension, its songs' codeword
// histograms and the mean and deviation of each summary dimension.
//
//   bench_synthetic_catalog --like DEMO.sqlite --songs N --db OUT.sqlite [--seed S]
//                           [--genres G] [--pool-tags K]
// --genres and --pool-tags: bench::SyntheticCatalogOptions (e.g. --genres 16 --pool-tags 0: the
// 16 genre names are the only tags, as in a hand-tagged library).
// Prints one JSON object: songs, artists, tags, playlists, seconds to write, catalog bytes.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench/synthcatalog/synthcatalog.h"

using namespace songspace;

int main(int argc, char** argv) {
  std::string like, db;
  int songs = 10000;
  std::uint64_t seed = 1;
  bench::SyntheticCatalogOptions options;
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
    else if (name == "--genres")
      options.genres = std::atoi(argv[i + 1]);
    else if (name == "--pool-tags")
      options.poolTagsPerGenre = std::atoi(argv[i + 1]);
  }
  if (like.empty() || db.empty() || songs < bench::kSyntheticSongsPerArtist || options.genres < 1 ||
      options.poolTagsPerGenre < 0) {
    std::fprintf(stderr,
                 "usage: bench_synthetic_catalog --like DEMO.sqlite --songs N --db OUT.sqlite "
                 "[--seed S] [--genres G] [--pool-tags K]\n");
    return 2;
  }
  bench::CatalogShape shape;
  if (const base::Status status = bench::readCatalogShape(like, shape); !status.ok()) {
    std::fprintf(stderr, "%s: %s\n", like.c_str(), status.message.c_str());
    return 1;
  }
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
  bench::SyntheticCatalogSummary summary;
  status = bench::writeSyntheticCatalog(*catalog, shape, songs, seed, &summary, options);
  if (!status.ok()) {
    std::fprintf(stderr, "writing %s: %s\n", db.c_str(), status.message.c_str());
    return 1;
  }
  catalog.reset();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::uintmax_t bytes = std::filesystem::file_size(db);
  if (std::filesystem::exists(db + "-wal")) bytes += std::filesystem::file_size(db + "-wal");
  std::printf(
      "{\"songs\": %d, \"artists\": %d, \"tags\": %d, \"playlists\": %d, \"codewords\": %d, "
      "\"summary_dimension\": %zu, \"reference_songs\": %zu, \"seconds\": %.1f, \"bytes\": %ju}\n",
      summary.songs, summary.artists, summary.tags, summary.playlists, shape.codewords,
      shape.summaryMean.size(), shape.counts.size(), seconds, bytes);
  return 0;
}
