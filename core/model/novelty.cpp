#include "core/model/novelty.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <utility>

#include "core/base/fnv1a.h"
#include "core/base/random.h"

namespace songspace::core {

namespace {

// Queries per block of checkAll() and of the fit: a block × m distance matrix (4 MB at m = 1 000).
constexpr int kBlockSongs = 1024;

using DenseRows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::string figure(float value) {
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.2f", static_cast<double>(value));
  return buffer.data();
}

}  // namespace

float kthSmallest(std::vector<float> values, int k) {
  if (values.empty()) return 0;
  const auto index =
      static_cast<std::ptrdiff_t>(std::clamp(k, 1, static_cast<int>(values.size())) - 1);
  std::nth_element(values.begin(), values.begin() + index, values.end());
  return values[static_cast<std::size_t>(index)];
}

float percentileThreshold(std::vector<float> values, double percentile) {
  if (values.empty()) return 0;
  const double n = static_cast<double>(values.size());
  // ⌈p n / 100⌉, with a tolerance so that p n / 100 = 990.0000000001 from rounding stays 990.
  const int rank = static_cast<int>(std::ceil(percentile / 100.0 * n - 1e-9));
  return kthSmallest(std::move(values), rank);
}

std::string Novelty::reason() const {
  if (!novel()) return {};
  std::array<char, 32> share{};
  std::snprintf(share.data(), share.size(), "%g", static_cast<double>(percentile));
  const bool tagged = scope == NoveltyScope::TaggedSongs;
  std::string text = tagged ? "unlike your tagged songs: " : "unlike your library: ";
  if (silent) {
    text += "it is silent (no part of it is louder than -70 dB)";
    if (featureNovel || jointNovel || tooShort) text += "; and ";
  }
  if (featureNovel || jointNovel) {
    if (featureNovel && jointNovel) {
      text += "its sound and its place in the model's space are";
    } else if (featureNovel) {
      text += "its sound is";
    } else {
      text += "its place in the model's space is";
    }
    text += " farther from its " + std::to_string(neighbours) +
            (tagged ? " nearest tagged training songs than " : " nearest training songs than ") +
            std::string(share.data()) +
            (tagged ? " % of your tagged songs are (" : " % of your songs are (");
    if (featureNovel) {
      text += "sound distance " + figure(featureDistance) + ", at most " + figure(featureThreshold);
    }
    if (featureNovel && jointNovel) text += "; ";
    if (jointNovel) {
      text += "model distance " + figure(jointDistance) + ", at most " + figure(jointThreshold);
    }
    text += tagged ? " among your tagged songs)" : " in your library)";
  }
  if (tooShort) {
    if (featureNovel || jointNovel) text += "; and ";
    text += "it is " + figure(durationSeconds) + " s long, shorter than your " +
            (tagged ? "tagged songs'" : "songs'") + " lengths make familiar (at least " +
            figure(shortestSeconds) + " s)";
  }
  return text;
}

float shortestFamiliarSeconds(std::vector<float> lengths, const NoveltyOptions& options) {
  std::erase_if(lengths, [](float seconds) { return !(seconds > 0) || !std::isfinite(seconds); });
  if (static_cast<int>(lengths.size()) <= options.neighbours + 1) return 0;
  const int rank = static_cast<int>(std::floor((100.0 - options.percentile) / 100.0 *
                                               static_cast<double>(lengths.size()))) +
                   1;
  return kthSmallest(std::move(lengths), rank) / static_cast<float>(1.0 + options.margin);
}

std::vector<float> fitTagShortestSeconds(const std::vector<std::vector<int>>& songTags, int tags,
                                         const std::vector<float>& durations,
                                         const NoveltyOptions& options) {
  if (tags <= 0 || durations.size() != songTags.size()) return {};
  std::vector<std::vector<float>> lengthsOfTag(static_cast<std::size_t>(tags));
  for (std::size_t song = 0; song < songTags.size(); ++song) {
    for (const int tag : songTags[song]) {
      if (tag >= 0 && tag < tags)
        lengthsOfTag[static_cast<std::size_t>(tag)].push_back(durations[song]);
    }
  }
  NoveltyOptions perTag = options;
  perTag.margin = options.tagLengthMargin;
  std::vector<float> shortest(static_cast<std::size_t>(tags), 0.0f);
  for (std::size_t tag = 0; tag < shortest.size(); ++tag)
    shortest[tag] = shortestFamiliarSeconds(std::move(lengthsOfTag[tag]), perTag);
  return shortest;
}

std::vector<float> fitArtistShortestSeconds(const std::vector<int>& songArtist, int artists,
                                            const std::vector<float>& durations,
                                            const NoveltyOptions& options) {
  std::vector<std::vector<int>> songArtists(songArtist.size());
  for (std::size_t song = 0; song < songArtist.size(); ++song) {
    if (songArtist[song] >= 0) songArtists[song].push_back(songArtist[song]);
  }
  return fitTagShortestSeconds(songArtists, artists, durations, options);
}

float fitArtistSongsShortestSeconds(const std::vector<int>& songArtist,
                                    const std::vector<float>& durations,
                                    const NoveltyOptions& options) {
  if (durations.size() != songArtist.size()) return 0;
  std::vector<float> lengths;
  for (std::size_t song = 0; song < songArtist.size(); ++song) {
    if (songArtist[song] >= 0) lengths.push_back(durations[song]);
  }
  return shortestFamiliarSeconds(std::move(lengths), options);
}

std::string artistLengthReason(std::string_view artist, float artistShortest,
                               float artistSongsShortest, float durationSeconds) {
  const float shortest = std::max(artistShortest, artistSongsShortest);
  if (!(shortest > 0) || !(durationSeconds > 0) || durationSeconds >= shortest) return {};
  const std::string whose = artistShortest >= artistSongsShortest
                                ? "the songs by " + std::string(artist)
                                : std::string("the songs your artists were learned from");
  return "a guess: it is " + figure(durationSeconds) + " s long, shorter than " + whose +
         " make familiar (at least " + figure(shortest) + " s)";
}

std::string tagLengthReason(std::string_view tag, float shortestSeconds, float durationSeconds) {
  if (!(shortestSeconds > 0) || !(durationSeconds > 0) || durationSeconds >= shortestSeconds)
    return {};
  return "a guess: it is " + figure(durationSeconds) + " s long, shorter than the songs tagged " +
         std::string(tag) + " make familiar (at least " + figure(shortestSeconds) + " s)";
}

Novelty governingNovelty(const Novelty& library, const Novelty& taggedSongs) {
  if (library.novel() || !taggedSongs.novel()) return library;
  Novelty governing = taggedSongs;
  governing.scope = NoveltyScope::TaggedSongs;
  return governing;
}

NoveltyDetector::NoveltyDetector(const SparseRows& reference, Eigen::MatrixXf referenceEmbeddings,
                                 int neighbours, float percentile, float featureThreshold,
                                 float jointThreshold, int songs)
    : m_reference(reference),
      m_referenceEmbeddings(std::move(referenceEmbeddings)),
      m_neighbours(neighbours),
      m_percentile(percentile),
      m_featureThreshold(featureThreshold),
      m_jointThreshold(jointThreshold),
      m_songs(songs) {
  m_reference.makeCompressed();
  m_denseByFeature = DenseRows::Zero(m_reference.cols(), m_reference.rows());
  m_referenceSquaredNorms = Eigen::VectorXf::Zero(m_reference.rows());
  for (Eigen::Index r = 0; r < m_reference.outerSize(); ++r) {
    for (SparseRows::InnerIterator it(m_reference, r); it; ++it) {
      m_denseByFeature(it.index(), r) = it.value();
      m_referenceSquaredNorms[r] += it.value() * it.value();
    }
  }
}

Eigen::MatrixXf NoveltyDetector::featureSquaredDistances(const SparseRows& queries) const {
  // The block densified and multiplied as one matrix product (as fast as adding one reference
  // row per nonzero, measured in docs/experiments.md §8, and one code path for both).
  const Eigen::Index features = m_denseByFeature.rows();
  DenseRows dense = DenseRows::Zero(queries.rows(), features);
  Eigen::VectorXf squaredNorms = Eigen::VectorXf::Zero(queries.rows());
  for (Eigen::Index q = 0; q < queries.outerSize(); ++q) {
    for (SparseRows::InnerIterator it(queries, q); it; ++it) {
      squaredNorms[q] += it.value() * it.value();
      if (it.index() < features) dense(q, it.index()) = it.value();
    }
  }
  Eigen::MatrixXf out = -2.0f * (dense * m_denseByFeature);
  out.colwise() += squaredNorms;
  out.rowwise() += m_referenceSquaredNorms.transpose();
  return out.cwiseMax(0.0f);
}

std::uint64_t noveltyInputHash(const SparseRows& songs, Eigen::Index row) {
  base::Fnv1a64 hash;
  for (SparseRows::InnerIterator it(songs, row); it; ++it) {
    const auto column = static_cast<std::int32_t>(it.index());
    const float value = it.value();
    hash.add(&column, sizeof column);
    hash.add(&value, sizeof value);
  }
  return hash.value();
}

Novelty NoveltyDetector::judge(float featureDistance, float jointDistance,
                               float durationSeconds) const {
  Novelty n;
  n.available = true;
  n.featureDistance = featureDistance;
  n.jointDistance = jointDistance;
  n.featureThreshold = m_featureThreshold;
  n.jointThreshold = m_jointThreshold;
  n.featureNovel = featureDistance > m_featureThreshold;
  n.jointNovel = jointDistance > m_jointThreshold;
  n.durationSeconds = std::max(0.0f, durationSeconds);
  n.shortestSeconds = m_shortestSeconds;
  n.tooShort = m_shortestSeconds > 0 && durationSeconds > 0 && durationSeconds < m_shortestSeconds;
  n.neighbours = m_neighbours;
  n.percentile = m_percentile;
  return n;
}

void NoveltyDetector::kthDistances(const SparseRows& songs, const Eigen::MatrixXf& embeddings,
                                   bool leaveOneOut, std::vector<float>& featureDistances,
                                   std::vector<float>& jointDistances) const {
  const Eigen::Index m = m_reference.rows();
  const Eigen::VectorXf referenceNorms = m_referenceEmbeddings.colwise().squaredNorm().transpose();
  std::vector<float> row(static_cast<std::size_t>(m));
  const auto kthDistance = [&](const auto& squared, Eigen::Index q, Eigen::Index self) {
    Eigen::VectorXf::Map(row.data(), m) = squared.row(q).transpose();
    if (self >= 0) row[static_cast<std::size_t>(self)] = std::numeric_limits<float>::infinity();
    return std::sqrt(std::max(0.0f, kthSmallest(row, m_neighbours)));
  };
  for (Eigen::Index begin = 0; begin < songs.rows(); begin += kBlockSongs) {
    const Eigen::Index size = std::min<Eigen::Index>(kBlockSongs, songs.rows() - begin);
    const Eigen::MatrixXf features = featureSquaredDistances(songs.middleRows(begin, size));
    const auto queries = embeddings.middleCols(begin, size);
    Eigen::MatrixXf joint = -2.0f * (queries.transpose() * m_referenceEmbeddings);
    joint.colwise() += queries.colwise().squaredNorm().transpose();
    joint.rowwise() += referenceNorms.transpose();
    for (Eigen::Index q = 0; q < size; ++q) {
      const Eigen::Index self = leaveOneOut ? begin + q : -1;
      featureDistances.push_back(kthDistance(features, q, self));
      jointDistances.push_back(kthDistance(joint, q, self));
    }
  }
}

std::vector<NoveltyDistances> NoveltyDetector::distances(const SparseRows& songs,
                                                         const Eigen::MatrixXf& embeddings) const {
  if (m_reference.rows() == 0 || embeddings.cols() != songs.rows() ||
      embeddings.rows() != m_referenceEmbeddings.rows()) {
    return {};
  }
  std::vector<float> featureDistances;
  std::vector<float> jointDistances;
  kthDistances(songs, embeddings, false, featureDistances, jointDistances);
  std::vector<NoveltyDistances> out(featureDistances.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = {featureDistances[i], jointDistances[i]};
  return out;
}

std::vector<Novelty> NoveltyDetector::checkAll(const SparseRows& songs,
                                               const Eigen::MatrixXf& embeddings,
                                               const std::vector<float>& durations) const {
  const std::vector<NoveltyDistances> measured = distances(songs, embeddings);
  if (measured.empty()) return std::vector<Novelty>(static_cast<std::size_t>(songs.rows()));
  std::vector<Novelty> out;
  out.reserve(measured.size());
  const bool timed = durations.size() == measured.size();
  for (std::size_t i = 0; i < measured.size(); ++i)
    out.push_back(judge(measured[i], timed ? durations[i] : 0.0f));
  return out;
}

Novelty NoveltyDetector::check(const Eigen::SparseVector<float>& x,
                               const Eigen::VectorXf& embedding, float durationSeconds) const {
  SparseRows one(1, std::max<Eigen::Index>(x.size(), m_reference.cols()));
  one.reserve(x.nonZeros());
  for (Eigen::SparseVector<float>::InnerIterator it(x); it; ++it)
    one.insert(0, it.index()) = it.value();
  one.makeCompressed();
  return checkAll(one, embedding, {durationSeconds}).front();
}

std::optional<NoveltyDetector> NoveltyDetector::fit(const SparseRows& songs,
                                                    const Eigen::MatrixXf& embeddings,
                                                    const NoveltyOptions& options,
                                                    const std::vector<int>& among,
                                                    const std::vector<float>& durations) {
  const int k = options.neighbours;
  if (k < 1 || embeddings.cols() != songs.rows()) return std::nullopt;
  // The population: every song, or the rows `among` names.
  std::vector<int> chosen;
  if (among.empty()) {
    chosen.resize(static_cast<std::size_t>(songs.rows()));
    std::iota(chosen.begin(), chosen.end(), 0);
  } else {
    chosen = among;
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
    if (chosen.front() < 0 || chosen.back() >= songs.rows()) return std::nullopt;
  }
  const int n = static_cast<int>(chosen.size());
  if (n <= k + 1) return std::nullopt;
  const auto scale = static_cast<float>(1.0 + options.margin);
  // The duration test, on the whole population (not the reference subsample): lengths are one
  // number a song, so all of them are cheap to use.
  float shortest = 0;
  if (durations.size() == static_cast<std::size_t>(songs.rows())) {
    std::vector<float> population;
    population.reserve(chosen.size());
    for (const int song : chosen) population.push_back(durations[static_cast<std::size_t>(song)]);
    shortest = shortestFamiliarSeconds(std::move(population), options);
  }

  // The reference: the whole population, or a seeded uniform subsample (partial Fisher–Yates),
  // in order.
  const int m = std::min(n, std::max(k + 2, options.maxReferenceSongs));
  if (m < n) {
    base::Xoshiro256 rng(options.seed);
    for (int i = 0; i < m; ++i) {
      const auto j =
          i + static_cast<int>(base::uniformBelow(rng, static_cast<std::uint32_t>(n - i)));
      std::swap(chosen[static_cast<std::size_t>(i)], chosen[static_cast<std::size_t>(j)]);
    }
    chosen.resize(static_cast<std::size_t>(m));
    std::sort(chosen.begin(), chosen.end());
  }
  std::vector<Eigen::Triplet<float>> triplets;
  Eigen::MatrixXf referenceEmbeddings(embeddings.rows(), m);
  for (int r = 0; r < m; ++r) {
    const int song = chosen[static_cast<std::size_t>(r)];
    for (SparseRows::InnerIterator it(songs, song); it; ++it)
      triplets.emplace_back(r, static_cast<int>(it.index()), it.value());
    referenceEmbeddings.col(r) = embeddings.col(song);
  }
  SparseRows reference(m, songs.cols());
  reference.setFromTriplets(triplets.begin(), triplets.end());

  NoveltyDetector detector(reference, std::move(referenceEmbeddings), k,
                           static_cast<float>(options.percentile), 0.0f, 0.0f, n);

  // Leave-one-out: each reference song's k-th neighbour among the other m − 1.
  std::vector<float> featureDistances;
  std::vector<float> jointDistances;
  detector.kthDistances(detector.m_reference, detector.m_referenceEmbeddings, true,
                        featureDistances, jointDistances);
  detector.m_shortestSeconds = shortest;
  detector.m_featureThreshold =
      scale * percentileThreshold(std::move(featureDistances), options.percentile);
  detector.m_jointThreshold =
      scale * percentileThreshold(std::move(jointDistances), options.percentile);
  return detector;
}

}  // namespace songspace::core
