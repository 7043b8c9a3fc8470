#include "core/model/jointmodel.h"

#include <algorithm>
#include <cmath>

#include "core/base/parallelranges.h"

namespace songspace::core {

namespace {

// Descending score, ties by lower index: the one order every ranking in the app agrees on.
bool better(const Scored& a, const Scored& b) {
  return a.score > b.score || (a.score == b.score && a.index < b.index);
}

void projectOntoBall(Eigen::Ref<Eigen::VectorXf> v, float radius) {
  const float norm = v.norm();
  if (norm > radius && norm > 0) v *= radius / norm;
}

int linearIndex(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

}  // namespace

std::vector<Scored> topK(const Eigen::Ref<const Eigen::VectorXf>& scores, int k, int exclude) {
  std::vector<Scored> heap;
  if (k <= 0) return heap;
  const auto n = static_cast<int>(scores.size());
  heap.reserve(static_cast<std::size_t>(std::min(k, n)));
  // A bounded heap whose front is the worst kept entry: O(n log k), and most candidates are
  // rejected by one comparison against the front.
  for (int i = 0; i < n; ++i) {
    if (i == exclude) continue;
    const Scored candidate{i, scores[i]};
    if (std::isnan(candidate.score)) continue;  // NaN has no place in an order
    if (static_cast<int>(heap.size()) < k) {
      heap.push_back(candidate);
      std::push_heap(heap.begin(), heap.end(), better);
    } else if (better(candidate, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.back() = candidate;
      std::push_heap(heap.begin(), heap.end(), better);
    }
  }
  std::sort_heap(heap.begin(), heap.end(), better);
  return heap;
}

std::unordered_map<std::string, int> nameIndex(const std::vector<std::string>& names) {
  std::unordered_map<std::string, int> index;
  index.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) index.emplace(names[i], static_cast<int>(i));
  return index;
}

Eigen::VectorXf JointModel::embedSong(const Eigen::SparseVector<float>& x) const {
  Eigen::VectorXf e = Eigen::VectorXf::Zero(V.rows());
  for (Eigen::SparseVector<float>::InnerIterator it(x); it; ++it) {
    if (it.index() < V.cols()) e.noalias() += it.value() * V.col(it.index());
  }
  projectOntoBall(e, maxNorm);
  return e;
}

Eigen::MatrixXf JointModel::embedSongs(const SparseRows& songs, int threads) const {
  Eigen::MatrixXf out = Eigen::MatrixXf::Zero(V.rows(), songs.rows());
  base::parallelRanges(static_cast<int>(songs.rows()), threads, 1024, [&](int begin, int end) {
    for (int row = begin; row < end; ++row) {
      auto e = out.col(row);
      for (SparseRows::InnerIterator it(songs, row); it; ++it) {
        if (it.index() < V.cols()) e.noalias() += it.value() * V.col(it.index());
      }
      projectOntoBall(e, maxNorm);
    }
  });
  return out;
}

std::vector<Scored> JointModel::predictTags(const Eigen::VectorXf& songEmbedding, int k) const {
  if (songEmbedding.size() != T.rows()) return {};
  const Eigen::VectorXf scores = T.transpose() * songEmbedding;
  return topK(scores, k);
}

std::vector<Scored> JointModel::predictTagProbabilities(const Eigen::VectorXf& songEmbedding,
                                                        int k) const {
  if (!calibration || songEmbedding.size() != T.rows()) return predictTags(songEmbedding, k);
  const Eigen::VectorXf scores = T.transpose() * songEmbedding;
  return topK(calibration->tagProbabilities(scores), k);
}

std::vector<Scored> JointModel::predictArtists(const Eigen::VectorXf& songEmbedding, int k) const {
  if (songEmbedding.size() != A.rows()) return {};
  const Eigen::VectorXf scores = A.transpose() * songEmbedding;
  return topK(scores, k);
}

std::vector<Scored> JointModel::similarArtists(int artist, int k) const {
  if (artist < 0 || artist >= A.cols()) return {};
  const Eigen::VectorXf scores = A.transpose() * A.col(artist);
  return topK(scores, k, artist);
}

std::vector<Scored> JointModel::songsForArtist(const Eigen::MatrixXf& songEmbeddings, int artist,
                                               int k) const {
  if (artist < 0 || artist >= A.cols() || songEmbeddings.rows() != A.rows()) return {};
  const Eigen::VectorXf scores = songEmbeddings.transpose() * A.col(artist);
  return topK(scores, k);
}

std::vector<Scored> JointModel::similarSongs(const Eigen::MatrixXf& songEmbeddings,
                                             const Eigen::VectorXf& query, int k,
                                             int exclude) const {
  if (songEmbeddings.rows() != query.size()) return {};
  const Eigen::VectorXf scores = songEmbeddings.transpose() * query;
  return topK(scores, k, exclude);
}

std::string JointModel::artistGuessReason(int artist, float durationSeconds) const {
  if (artist < 0 || static_cast<std::size_t>(artist) >= artistNames.size()) return {};
  const float own = static_cast<std::size_t>(artist) < artistShortestSeconds.size()
                        ? artistShortestSeconds[static_cast<std::size_t>(artist)]
                        : 0.0f;
  return artistLengthReason(artistNames[static_cast<std::size_t>(artist)], own,
                            artistSongsShortestSeconds, durationSeconds);
}

std::string JointModel::tagGuessReason(int tag, float durationSeconds) const {
  if (tag < 0 || static_cast<std::size_t>(tag) >= tagShortestSeconds.size() ||
      static_cast<std::size_t>(tag) >= tagNames.size())
    return {};
  return tagLengthReason(tagNames[static_cast<std::size_t>(tag)],
                         tagShortestSeconds[static_cast<std::size_t>(tag)], durationSeconds);
}

int JointModel::artistIndex(const std::string& name) const {
  return linearIndex(artistNames, name);
}

int JointModel::tagIndex(const std::string& name) const {
  return linearIndex(tagNames, name);
}

}  // namespace songspace::core
