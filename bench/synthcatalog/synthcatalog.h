#pragma once

// A synthetic catalog of N songs with a planted structure, written through the Catalog API, for
// measuring training (and anything else that reads a catalog) at library sizes no test corpus
// reaches, and for tests that check the structure is recovered. Shared by
// bench/bench_synthetic_catalog.cpp and tests/tst_trainscale.cpp.
//
// Planted structure (what training should recover):
// - genres: kSyntheticGenres (SyntheticCatalogOptions), each with a band of codewords and a summary
// direction;
// - artists: N / kSyntheticSongsPerArtist, each in one genre, with a timbre — 16 codewords of its
//   own and a summary offset — and 2–4 tags (its genre's name and tags of its genre's pool);
// - songs: codewords drawn from the artist's signature (40 %), the genre's band (30 %) or any
//   codeword (30 %); summary = reference mean + reference deviation × (genre + artist + song
//   noise); each artist tag kept with probability 0.8, one random tag of any genre with
//   probability 0.1;
// - two albums of 5 songs per artist; playlists of 20–40 songs, 80 % from one genre, one per 50
//   songs.
// Song s belongs to artist s / kSyntheticSongsPerArtist, named artist-NNNNN.

#include <cstdint>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"

namespace songspace::bench {

inline constexpr int kSyntheticGenres = 20;
inline constexpr int kSyntheticSongsPerArtist = 10;
inline constexpr int kSyntheticPoolTagsPerGenre = 24;  // 20 genres: ≈ 500 tags in all

// How many genres and tags (defaults: the catalogs of docs/experiments.md §6). With no pool tags
// the genre names are the only tags, and a song's noise tag is a random genre's name: a library
// of few tags, like a hand-tagged one.
struct SyntheticCatalogOptions {
  int genres = kSyntheticGenres;                      // ≥ 1
  int poolTagsPerGenre = kSyntheticPoolTagsPerGenre;  // ≥ 0
};

// The shapes synthetic songs copy: codebook size and frame dimension, every reference song's
// nonzero codeword counts (each synthetic song takes the count values of a random one, so
// nonzeros per song and count ranges match), and each summary dimension's mean and deviation.
struct CatalogShape {
  int codewords = 0;
  int frameDimension = 0;
  std::vector<std::vector<float>> counts;
  std::vector<float> summaryMean, summaryStd;
};

// The shape of a scanned catalog (its latest codebook and the songs analysed with it).
base::Status readCatalogShape(const std::string& path, CatalogShape& shape);

// A shape for tests, where no scanned catalog is at hand: 1000 codewords of 20-dim frames,
// summaries of 117 standard-normal dimensions, and reference songs with 150–250 nonzero counts
// of 1–8 frames — the order of the demo library's (docs/experiments.md §6), not a copy.
CatalogShape defaultCatalogShape(std::uint64_t seed);

struct SyntheticCatalogSummary {
  int songs = 0;
  int artists = 0;
  int tags = 0;  // distinct tags actually given to songs
  int playlists = 0;
};

// Writes `songs` (≥ kSyntheticSongsPerArtist) synthetic songs, their codebook and playlists into
// an open, empty catalog, in batches. Deterministic for a seed and shape.
base::Status writeSyntheticCatalog(core::Catalog& catalog, const CatalogShape& shape, int songs,
                                   std::uint64_t seed, SyntheticCatalogSummary* summary = nullptr,
                                   const SyntheticCatalogOptions& options = {});

}  // namespace songspace::bench
