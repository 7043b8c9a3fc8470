#pragma once

#include <Eigen/Core>
#include <QString>
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/base/status.h"
#include "core/map/tsne.h"

namespace songspace::library {

class ModelSession;

// 2-D positions of the whole joint space for the map. Songs, artists and tags share one space
// (docs/design.md §3), so they are projected together: rows are the model's songs (in ModelSession
// row order), then its artists (columns of A), then its tags (columns of T).
struct MapLayout {
  std::vector<std::int64_t> fileIds;  // one per song row
  int artistCount = 0;
  int tagCount = 0;
  Eigen::MatrixXf pca;   // points × 2, available at once
  Eigen::MatrixXf tsne;  // points × 2 once refined; empty before (or when t-SNE refused)

  int songCount() const { return static_cast<int>(fileIds.size()); }
  int pointCount() const { return songCount() + artistCount + tagCount; }
  bool refined() const { return tsne.rows() == pointCount() && pointCount() > 0; }
  const Eigen::MatrixXf& best() const { return refined() ? tsne : pca; }
};

// What a cached layout was computed from: the model file's size and modification time, so a
// retrain (which rewrites the model) invalidates the cache.
struct ModelStamp {
  std::int64_t size = -1;
  std::int64_t mtimeNs = 0;
  bool valid() const { return size >= 0; }
  bool operator==(const ModelStamp&) const = default;
};
ModelStamp modelStampOf(const QString& modelPath);           // invalid when the file does not exist
QString mapCachePathForCatalog(const QString& catalogPath);  // "<catalog>.map"

// The joint space as one point cloud (points × d): song embeddings, then A, then T.
Eigen::MatrixXf stackJointSpace(const ModelSession& session);

// PCA layout (fast: one d × d eigenproblem).
MapLayout pcaLayout(const ModelSession& session);

struct RefineOptions {
  core::TsneParameters tsne;  // TsneParameters::forPoints(layout.pointCount()) for a library
  const std::atomic<bool>* cancel = nullptr;
  core::TsneProgress progress;  // called on the computing thread, once per iteration
};
// Fills layout.tsne with Barnes–Hut t-SNE of the same points (layout must come from pcaLayout on
// the same session). On Cancelled / TooManyPoints layout.tsne stays empty, so the PCA is used.
[[nodiscard]] base::Status refineLayout(const ModelSession& session, MapLayout& layout,
                                        const RefineOptions& options = {});

// The cache: a small versioned binary with a CRC-32 over everything, written atomically
// (temporary file + rename). load() accepts it only when the stamp matches and the point counts
// and song ids agree with the session; a corrupted or stale file is rejected with a reason.
// save: InvalidArgument (a layout without PCA positions), Io. load: NotFound, Corrupt,
// Unsupported (another cache version), Changed (the model was retrained since, or its songs
// differ from the session's: a rescan added or removed files); `layout` is untouched on failure.
[[nodiscard]] base::Status saveMapCache(const QString& path, const ModelStamp& stamp,
                                        const MapLayout& layout);
[[nodiscard]] base::Status loadMapCache(const QString& path, const ModelStamp& stamp,
                                        const ModelSession& session, MapLayout& layout);
// loadMapCache without the check of the songs: a cache of this model whose song set differs from
// the session's (a rescan added or removed files since) is read as it was written, its rows
// still in the order of the session that wrote it. Same errors except that kind of Changed.
[[nodiscard]] base::Status readMapCache(const QString& path, const ModelStamp& stamp,
                                        const ModelSession& session, MapLayout& layout);
// True when the layout's songs are the session's, row for row.
bool hasSessionSongs(const MapLayout& layout, const ModelSession& session);

// A refined layout of the same model brought up to the session's songs without recomputing it:
// songs still present and every artist and tag keep their refined positions, songs new to the
// session are placed among them by core::placeOnMap (their nearest kept points in the joint
// space), songs gone are dropped; PCA positions come from pcaLayout(session). Returns the number
// of songs placed, or -1 (out untouched) when `cached` is not refined or its artist and tag
// counts are not the model's. Cost: core::placeOnMap's, plus pcaLayout(session).
int placeNewSongs(const ModelSession& session, const MapLayout& cached, MapLayout& out);

}  // namespace songspace::library
