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
  // points × 2, available at once, and where t-SNE starts: the PCA of the joint space
  // (pcaLayout), or after a retrain the previous map carried over (carryOverLayout, warmStart).
  Eigen::MatrixXf initial;
  Eigen::MatrixXf tsne;    // points × 2 once refined; empty before (or when t-SNE refused)
  bool warmStart = false;  // `initial` is a previous map: refine with TsneParameters::forWarmStart

  int songCount() const { return static_cast<int>(fileIds.size()); }
  int pointCount() const { return songCount() + artistCount + tagCount; }
  bool refined() const { return tsne.rows() == pointCount() && pointCount() > 0; }
  const Eigen::MatrixXf& best() const { return refined() ? tsne : initial; }
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

// PCA layout (fast: one d × d eigenproblem), its axes from at most kPcaCovarianceSample of the
// points (core::pcaOfColumns), every point projected.
inline constexpr Eigen::Index kPcaCovarianceSample = 20000;
MapLayout pcaLayout(const ModelSession& session);

// After a retrain (a new model): the previous map carried over to the session, so that t-SNE
// refines it rather than start again and the map changes only where the space changed. Songs in
// both (by file id) keep their previous position (previous.best()); songs new to the session and
// every artist and tag of the new model are placed among the kept songs by core::carryOverMap
// (their nearest kept songs in the NEW joint space); songs gone are dropped. `previous` may come
// from any model (readPreviousMapCache). out.initial is the carried layout, out.warmStart is
// set, out.tsne is empty. Returns the number of songs kept, or -1 (out untouched) when
// `previous` is no map (neither refined nor itself a warm start: a PCA layout is not worth
// keeping), or fewer than kMinKeptShare of the session's songs (or fewer than 4) are in it: the
// old map then says too little about the new one, and pcaLayout starts afresh. Cost:
// carryOverMap's.
inline constexpr double kMinKeptShare = 0.5;
int carryOverLayout(const ModelSession& session, const MapLayout& previous, MapLayout& out);

struct RefineOptions {
  // TsneParameters::forPoints(layout.pointCount()) for a library, forWarmStart when
  // layout.warmStart.
  core::TsneParameters tsne;
  const std::atomic<bool>* cancel = nullptr;
  core::TsneProgress progress;  // called on the computing thread, once per iteration
};
// Fills layout.tsne with Barnes–Hut t-SNE of the same points started from layout.initial
// (core::tsneFromLayout; layout must come from pcaLayout or carryOverLayout on the same
// session). From pcaLayout this is core::tsne's cold start exactly. On Cancelled / TooManyPoints
// / InvalidArgument (an initial layout of other points) layout.tsne stays empty, so
// layout.initial is used.
[[nodiscard]] base::Status refineLayout(const ModelSession& session, MapLayout& layout,
                                        const RefineOptions& options = {});

// The cache: a small versioned binary with a CRC-32 over everything, written atomically
// (temporary file + rename); it holds the initial layout, warmStart and the refined one if any.
// load() accepts it only when the stamp matches and the point counts and song ids agree with
// the session; a corrupted or stale file is rejected with a reason.
// save: InvalidArgument (a layout without initial positions), Io. load: NotFound, Corrupt,
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
// The cache as written, whatever model it was computed for (the map before a retrain, for
// carryOverLayout): only its own consistency is checked. NotFound, Corrupt, Unsupported.
[[nodiscard]] base::Status readPreviousMapCache(const QString& path, MapLayout& layout);
// True when the layout's songs are the session's, row for row.
bool hasSessionSongs(const MapLayout& layout, const ModelSession& session);

// A refined layout of the same model brought up to the session's songs without recomputing it:
// songs still present and every artist and tag keep their refined positions, songs new to the
// session are placed among them by core::placeOnMap (their nearest kept points in the joint
// space), songs gone are dropped; initial positions come from pcaLayout(session). Returns the
// number of songs placed, or -1 (out untouched) when `cached` is not refined or its artist and tag
// counts are not the model's. Cost: core::placeOnMap's, plus pcaLayout(session).
int placeNewSongs(const ModelSession& session, const MapLayout& cached, MapLayout& out);

}  // namespace songspace::library
