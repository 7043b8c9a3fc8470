#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/base/status.h"
#include "core/catalog/catalog.h"
#include "core/library/modelsession.h"
#include "core/model/novelty.h"

namespace songspace::library {

// What ModelSession::load computes for every song of a library — the songs' embeddings, their
// novelty and their most probable tag — kept in a file beside the catalog ("<catalog>.session",
// sessionCachePathFor) so that opening a library whose model and analysed songs have not changed
// reads them instead of reading every song's features and computing them again (at 10⁵ songs,
// 2–3 s of a start on two cores against ~0.1 s: docs/experiments.md §3.11).
//
// The file is valid for one model file (its size and modification time, as the map cache) and
// one state of the catalog's model inputs (core::Catalog::featuresGeneration: which catalog, and
// how many changes its features and file states have seen). A little-endian binary with a
// CRC-32 over everything, written atomically (temporary file + rename); a damaged, truncated,
// foreign or stale file is rejected with a reason and never half-read.
struct SessionCacheKey {
  std::int64_t modelSize = -1;  // bytes of the model file
  std::int64_t modelMtimeNs = 0;
  core::Catalog::FeaturesGeneration generation;
  bool operator==(const SessionCacheKey&) const = default;
};

// One row per embedded song, in ModelSession's row order (ascending file id).
struct SessionCacheData {
  std::vector<std::int64_t> fileIds;
  Eigen::MatrixXf songs;                      // d × fileIds.size()
  std::vector<core::Novelty> novelty;         // fileIds.size() entries, or empty (no novelty fit)
  std::vector<ModelSession::TopTag> topTags;  // fileIds.size() entries, or empty (uncalibrated)
};

// "<catalog>.session" beside the catalog file.
std::filesystem::path sessionCachePathFor(const std::filesystem::path& catalogPath);

// The key of `modelPath` as it is now and of the catalog's features; InvalidArgument-free:
// NotFound when the model file is gone, the catalog's status when its generation cannot be read
// (a catalog older than schema 5 cannot be, nor can a damaged one).
[[nodiscard]] base::Status sessionCacheKey(const core::Catalog& catalog,
                                           const std::filesystem::path& modelPath,
                                           SessionCacheKey& key);

// save: InvalidArgument when the rows disagree in count (songs.cols(), novelty, top tags), Io when
// the file cannot be written. load: NotFound (no file), Corrupt (checksum, truncated, malformed,
// non-finite embeddings), Unsupported (another format version), Changed (written for another
// model file or another state of the catalog's features: `expected` differs). `data` is untouched
// on failure. Neither throws. Thread rules: none beyond the file's (one writer at a time).
// save takes the rows as SessionCacheData holds them, without copying them into one.
[[nodiscard]] base::Status saveSessionCache(const std::filesystem::path& path,
                                            const SessionCacheKey& key,
                                            const std::vector<std::int64_t>& fileIds,
                                            const Eigen::MatrixXf& songs,
                                            const std::vector<core::Novelty>& novelty,
                                            const std::vector<ModelSession::TopTag>& topTags);
[[nodiscard]] base::Status loadSessionCache(const std::filesystem::path& path,
                                            const SessionCacheKey& expected,
                                            SessionCacheData& data);

}  // namespace songspace::library
