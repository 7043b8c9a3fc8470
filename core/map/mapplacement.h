#pragma once

#include <Eigen/Core>
#include <vector>

#include "core/base/parameter.h"

namespace songspace::core {

// Places new points on an existing 2-D map at once, without recomputing it: each new point goes
// to the weighted mean of the map positions of its k nearest old points in the original space,
// the weights being Gaussian affinities p_j|i calibrated to perplexity k / 3 over those k
// distances (as t-SNE's input affinities; openTSNE's transform() starts new points the same
// way, Poličar, Stražar & Zupan 2019). A new point equal to an old one lands on it; one between
// two groups lands between them.
struct MapPlacement {
  static constexpr base::ParameterSpec<int> kNeighbours{
      "neighbours", 15, 1, 1000, "old points whose map positions a new point averages"};
};

// points: n × d, the space the map was computed from (rows in map order); map: n × 2;
// newPoints: m × d. Returns m × 2. k is clamped to [1, n]; n = 0, a map that is not n × 2 or
// new points of another dimension place every new point at the origin. Exact kNN by blocked dot
// products on the calling thread: O(m n d) time, O(64 n) extra memory (the time at 10⁵ points:
// docs/experiments.md §3.7). Pure function: safe on any thread.
Eigen::MatrixXf placeOnMap(const Eigen::MatrixXf& points, const Eigen::MatrixXf& map,
                           const Eigen::MatrixXf& newPoints,
                           int k = MapPlacement::kNeighbours.defaultValue);

// The starting layout for a warm-started map (core::tsneFromLayout) after the space changed (a
// retrain): rows i with kept[i] keep previous.row(i); every other row is placed by placeOnMap
// among the kept rows, distances taken in the NEW space `points` (n × d), so a new song, artist
// or tag starts beside the kept songs it is now near. previous: n × 2 (rows not kept are
// ignored, may hold anything); kept: n flags. Returns n × 2. No kept row (or shapes that do not
// match) places every row at the origin, as placeOnMap does. Cost: placeOnMap's with the kept
// rows as the old points. Pure function: safe on any thread.
Eigen::MatrixXf carryOverMap(const Eigen::MatrixXf& points, const Eigen::MatrixXf& previous,
                             const std::vector<bool>& kept,
                             int k = MapPlacement::kNeighbours.defaultValue);

}  // namespace songspace::core
