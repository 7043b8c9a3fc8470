#include "core/map/tsne.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "core/base/parallelranges.h"
#include "core/base/random.h"
#include "core/map/projection.h"
#include "core/map/tsneaffinity.h"

namespace songspace::core {

namespace {

constexpr double kInitialStd = 1e-4;  // PCA init scale (Kobak & Berens 2019)
constexpr double kJitterStd = 1e-6;   // separates duplicates without disturbing the PCA layout
constexpr double kMomentumEarly = 0.5;
constexpr double kMomentumLate = 0.8;
constexpr double kMinGain = 0.01;
constexpr int kMaxTreeDepth = 48;  // deeper than float resolution; guards against duplicates

// Where point i's coordinates sit in the interleaved position vectors (x, y, x, y, …).
constexpr std::size_t xIndex(int i) {
  return 2 * static_cast<std::size_t>(i);
}
constexpr std::size_t yIndex(int i) {
  return xIndex(i) + 1;
}

// Region quadtree over the embedding, rebuilt every iteration; nodes summarise their points by
// count and centre of mass for the Barnes–Hut approximation of the repulsive forces.
class QuadTree {
 public:
  QuadTree(const std::vector<double>& y, int n) : m_y(y) {
    double minX = y[0], maxX = y[0], minY = y[1], maxY = y[1];
    for (int i = 1; i < n; ++i) {
      minX = std::min(minX, y[xIndex(i)]);
      maxX = std::max(maxX, y[xIndex(i)]);
      minY = std::min(minY, y[yIndex(i)]);
      maxY = std::max(maxY, y[yIndex(i)]);
    }
    const double half = std::max(maxX - minX, maxY - minY) / 2 * (1 + 1e-6) + 1e-12;
    m_nodes.reserve(static_cast<size_t>(n) * 2);
    m_nodes.push_back(Node{(minX + maxX) / 2, (minY + maxY) / 2, half});
    for (int i = 0; i < n; ++i) insert(i);
    for (Node& node : m_nodes) {  // sums → centres of mass, divided once rather than per visit
      if (node.count > 0) {
        node.sumX /= node.count;
        node.sumY /= node.count;
      }
    }
  }

  // The points in the order a depth-first walk meets their leaves: neighbours on the map come
  // together, so consecutive repulsion() calls walk mostly the same nodes (cache-friendly).
  std::vector<int> spatialOrder(int n) const {
    std::vector<int> order;
    order.reserve(static_cast<size_t>(n));
    std::vector<int> pending{0};
    std::vector<char> listed(static_cast<size_t>(n), 0);
    while (!pending.empty()) {
      const Node& node = m_nodes[static_cast<size_t>(pending.back())];
      pending.pop_back();
      if (node.count == 0) continue;
      if (node.firstChild >= 0) {
        for (int c = 3; c >= 0; --c) pending.push_back(node.firstChild + c);
      } else if (node.point >= 0) {
        order.push_back(node.point);
        listed[static_cast<size_t>(node.point)] = 1;
      }
    }
    // Points merged into a leaf with an equal one (or past the depth limit) are not leaves' own.
    for (int i = 0; i < n; ++i)
      if (listed[static_cast<size_t>(i)] == 0) order.push_back(i);
    return order;
  }

  // Adds the repulsive force on point i (unnormalised) to force and returns its share of Z.
  double repulsion(int i, double theta, double force[2]) const {
    const double x = m_y[xIndex(i)];
    const double y = m_y[yIndex(i)];
    const double theta2 = theta * theta;
    double z = 0;
    int stack[4 * kMaxTreeDepth + 8];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const Node& node = m_nodes[static_cast<size_t>(stack[--top])];
      if (node.count == 0) continue;
      const bool leaf = node.firstChild < 0;
      if (leaf && node.point == i && node.count == 1) continue;
      const double dx = x - node.sumX;
      const double dy = y - node.sumY;
      const double d2 = dx * dx + dy * dy;
      const double width = 2 * node.half;
      if (leaf || width * width < theta2 * d2) {
        const double q = 1.0 / (1.0 + d2);
        const double mass = node.count - (leaf && node.point == i ? 1 : 0);
        z += mass * q;
        force[0] += mass * q * q * dx;
        force[1] += mass * q * q * dy;
      } else {
        for (int c = 0; c < 4; ++c) stack[top++] = node.firstChild + c;
      }
    }
    return z;
  }

 private:
  struct Node {
    double cx = 0, cy = 0, half = 0;
    double sumX = 0, sumY = 0;  // while building; then the centre of mass
    int count = 0;
    int firstChild = -1;
    int point = -1;
  };

  int childFor(int node, double x, double y) const {
    const Node& n = m_nodes[static_cast<size_t>(node)];
    return n.firstChild + (x >= n.cx ? 1 : 0) + (y >= n.cy ? 2 : 0);
  }

  void insert(int i) {
    const double x = m_y[xIndex(i)];
    const double y = m_y[yIndex(i)];
    int node = 0;
    for (int depth = 0;; ++depth) {
      Node* current = &m_nodes[static_cast<size_t>(node)];
      current->count += 1;
      current->sumX += x;
      current->sumY += y;
      if (current->firstChild < 0) {
        if (current->count == 1) {
          current->point = i;
          return;
        }
        const int old = current->point;
        const bool same = m_y[xIndex(old)] == x && m_y[yIndex(old)] == y;
        if (same || depth >= kMaxTreeDepth) return;  // merged leaf: mass without subdivision
        subdivide(node, old);
        current = &m_nodes[static_cast<size_t>(node)];
      }
      node = childFor(node, x, y);
    }
  }

  void subdivide(int node, int old) {
    const Node parent = m_nodes[static_cast<size_t>(node)];
    const double h = parent.half / 2;
    const int first = static_cast<int>(m_nodes.size());
    for (int c = 0; c < 4; ++c) {
      m_nodes.push_back(Node{parent.cx + ((c & 1) ? h : -h), parent.cy + ((c & 2) ? h : -h), h});
    }
    m_nodes[static_cast<size_t>(node)].firstChild = first;
    m_nodes[static_cast<size_t>(node)].point = -1;
    Node& child = m_nodes[static_cast<size_t>(childFor(node, m_y[xIndex(old)], m_y[yIndex(old)]))];
    child.count = 1;
    child.sumX = m_y[xIndex(old)];
    child.sumY = m_y[yIndex(old)];
    child.point = old;
  }

  const std::vector<double>& m_y;
  std::vector<Node> m_nodes;
};

// `initial` centred, scaled to std kInitialStd in its first column (the second if the first does
// not vary) unless `keepScale`, then jittered by kJitterStd / kInitialStd of that std.
Eigen::MatrixXf scaledLayout(const Eigen::MatrixXf& initial, bool keepScale, std::uint64_t seed) {
  const Eigen::Index n = initial.rows();
  Eigen::MatrixXf layout = initial;
  if (n > 0) layout.rowwise() -= layout.colwise().mean();
  double scale = 0;
  for (Eigen::Index c = 0; c < 2 && scale == 0 && n > 1; ++c)
    scale =
        std::sqrt(static_cast<double>(layout.col(c).squaredNorm()) / static_cast<double>(n - 1));
  if (scale > 0 && !keepScale) layout *= static_cast<float>(kInitialStd / scale);
  double jitterStd = kInitialStd;  // nothing varies: spread the points
  if (scale > 0) jitterStd = keepScale ? kJitterStd / kInitialStd * scale : kJitterStd;
  // Our own normal draws: std::normal_distribution differs between standard libraries, and the
  // same seed must give the same map everywhere.
  base::Xoshiro256 rng(seed);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (int c = 0; c < 2; ++c)
      layout(i, c) += static_cast<float>(jitterStd * base::standardNormal(rng));
  }
  return layout;
}

// Runs body(begin, end) over [0, n) split across the hardware threads (alone below 2 048 points).
// Each index is written by exactly one thread, so results do not depend on the thread count.
template <typename Body>
void parallelFor(int n, const Body& body) {
  base::parallelRanges(n, n < 2048 ? 1 : base::hardwareThreads(), 1, body);
}

base::Status checkInput(int n, const TsneParameters& parameters) {
  if (!parameters.isValid()) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "t-SNE parameters outside their declared ranges");
  }
  if (n > TsneParameters::kMaxPoints) {
    return base::Status::failure(base::ErrorCode::TooManyPoints,
                                 "t-SNE lays out at most " +
                                     std::to_string(TsneParameters::kMaxPoints) + " points, not " +
                                     std::to_string(n));
  }
  return base::Status::success();
}

}  // namespace

TsneParameters TsneParameters::forPoints(int n) {
  TsneParameters parameters;
  if (n > kExactKnnMaxPoints) {
    parameters.theta = kLargeMapTheta;
    parameters.iterations = kLargeMapIterations;
  }
  return parameters;
}

TsneParameters TsneParameters::forWarmStart(int n) {
  TsneParameters parameters = forPoints(n);
  parameters.iterations = kWarmStartIterations;
  parameters.exaggerationIterations = 0;
  parameters.initialScale = InitialScale::Keep;
  return parameters;
}

TsneResult tsne(const Eigen::MatrixXf& points, const TsneParameters& parameters,
                const TsneProgress& progress, const std::atomic<bool>* cancel) {
  if (base::Status status = checkInput(static_cast<int>(points.rows()), parameters); !status.ok()) {
    TsneResult result;
    result.status = std::move(status);
    return result;
  }
  return tsneFromLayout(points, pcaProject(points, 2), parameters, progress, cancel);
}

TsneResult tsneFromLayout(const Eigen::MatrixXf& points, const Eigen::MatrixXf& initial,
                          const TsneParameters& parameters, const TsneProgress& progress,
                          const std::atomic<bool>* cancel) {
  TsneResult result;
  const int n = static_cast<int>(points.rows());
  result.status = checkInput(n, parameters);
  if (!result.status.ok()) return result;
  if (initial.rows() != n || initial.cols() != 2 || !initial.allFinite()) {
    result.status = base::Status::failure(base::ErrorCode::InvalidArgument,
                                          "t-SNE's initial layout is not one finite 2-D "
                                          "position per point");
    return result;
  }
  result.embedding = scaledLayout(
      initial, parameters.initialScale == TsneParameters::InitialScale::Keep, parameters.seed);
  if (n < 4) return result;

  // Small inputs cannot support the requested perplexity: cap it so k = 3·perplexity fits.
  const double perplexity = std::min(parameters.perplexity, (n - 1) / 3.0);
  const int k = std::min(n - 1, static_cast<int>(std::floor(3 * perplexity)));
  const bool approximate = parameters.neighbours == TsneParameters::Neighbours::Approximate ||
                           (parameters.neighbours == TsneParameters::Neighbours::Auto &&
                            n > TsneParameters::kExactKnnMaxPoints);
  const SparseAffinities p = perplexityAffinities(
      points, perplexity, k, approximate ? KnnMethod::Approximate : KnnMethod::Exact,
      base::hardwareThreads());
  const double learningRate = parameters.learningRate > 0
                                  ? parameters.learningRate
                                  : std::max(n / parameters.exaggeration / 4.0, 50.0);

  std::vector<double> y(static_cast<size_t>(2 * n));
  for (int i = 0; i < n; ++i) {
    y[xIndex(i)] = result.embedding(i, 0);
    y[yIndex(i)] = result.embedding(i, 1);
  }
  std::vector<double> gradient(y.size()), update(y.size(), 0.0), gains(y.size(), 1.0);
  std::vector<double> repulsive(y.size()), zPerPoint(static_cast<size_t>(n));

  const int total = parameters.iterations;
  for (int iteration = 0; iteration < total; ++iteration) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      result.status = base::Status::failure(base::ErrorCode::Cancelled, "t-SNE cancelled");
      break;
    }
    const bool early = iteration < parameters.exaggerationIterations;
    const double exaggeration = early ? parameters.exaggeration : 1.0;
    const double momentum = early ? kMomentumEarly : kMomentumLate;

    const QuadTree tree(y, n);
    const std::vector<int> order = tree.spatialOrder(n);
    parallelFor(n, [&](int begin, int end) {
      for (int at = begin; at < end; ++at) {
        const int i = order[static_cast<size_t>(at)];
        double force[2] = {0, 0};
        zPerPoint[static_cast<size_t>(i)] = tree.repulsion(i, parameters.theta, force);
        repulsive[xIndex(i)] = force[0];
        repulsive[yIndex(i)] = force[1];
      }
    });
    double z = 0;
    for (double share : zPerPoint) z += share;  // fixed order: deterministic sum

    parallelFor(n, [&](int begin, int end) {
      for (int i = begin; i < end; ++i) {
        double ax = 0, ay = 0;
        for (int e = p.rowStart[i]; e < p.rowStart[i + 1]; ++e) {
          const int j = p.columns[e];
          const double dx = y[xIndex(i)] - y[xIndex(j)];
          const double dy = y[yIndex(i)] - y[yIndex(j)];
          const double w = exaggeration * p.values[e] / (1.0 + dx * dx + dy * dy);
          ax += w * dx;
          ay += w * dy;
        }
        // The factor 4 of the KL gradient, which the auto learning rate assumes.
        gradient[xIndex(i)] = 4 * (ax - repulsive[xIndex(i)] / z);
        gradient[yIndex(i)] = 4 * (ay - repulsive[yIndex(i)] / z);
      }
    });

    double meanX = 0, meanY = 0;
    for (size_t c = 0; c < y.size(); ++c) {
      const bool sameDirection = (gradient[c] > 0) == (update[c] > 0);
      gains[c] = sameDirection ? std::max(kMinGain, gains[c] * 0.8) : gains[c] + 0.2;
      update[c] = momentum * update[c] - learningRate * gains[c] * gradient[c];
      y[c] += update[c];
      (c % 2 == 0 ? meanX : meanY) += y[c];
    }
    meanX /= n;
    meanY /= n;
    for (int i = 0; i < n; ++i) {
      y[xIndex(i)] -= meanX;
      y[yIndex(i)] -= meanY;
    }
    result.iterationsRun = iteration + 1;
    if (progress) progress(iteration + 1, total);
  }
  for (int i = 0; i < n; ++i) {
    result.embedding(i, 0) = static_cast<float>(y[xIndex(i)]);
    result.embedding(i, 1) = static_cast<float>(y[yIndex(i)]);
  }
  return result;
}

}  // namespace songspace::core
