#include "core/model/discovery.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <utility>

namespace songspace::core {
namespace {

std::string titleKey(std::string_view title) {
  const auto first = title.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = title.find_last_not_of(" \t\r\n");
  std::string key(title.substr(first, last - first + 1));
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

// titleKey without trailing bracketed qualifiers: "Song (fof guitar) [2011 Remaster]" → "song".
// A title that is nothing but brackets keeps them.
std::string workKey(std::string_view title) {
  std::string key = titleKey(title);
  for (;;) {
    if (key.empty()) break;
    const char close = key.back();
    if (close != ')' && close != ']') break;
    const char open = close == ')' ? '(' : '[';
    const auto at = key.rfind(open);
    if (at == std::string::npos || at == 0) break;
    std::string rest = key.substr(0, at);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '-' || rest.back() == '\t'))
      rest.pop_back();
    if (rest.empty()) break;
    key = std::move(rest);
  }
  return key;
}

template <typename T>
T factOf(const std::vector<T>& facts, int song) {
  return song >= 0 && static_cast<std::size_t>(song) < facts.size()
             ? facts[static_cast<std::size_t>(song)]
             : T{};
}

// A bucket key for identical columns: a hash of their first values (columns equal there are
// compared whole).
std::uint64_t columnHash(const Eigen::MatrixXf& songs, int column) {
  constexpr Eigen::Index kHashed = 16;
  std::uint64_t hash = 1469598103934665603ull;
  const float* values = songs.col(column).data();
  for (Eigen::Index i = 0; i < std::min(songs.rows(), kHashed); ++i) {
    std::uint32_t word = 0;
    std::memcpy(&word, values + i, sizeof word);
    hash = (hash ^ word) * 1099511628211ull;
  }
  return hash;
}

int findRoot(std::vector<int>& parent, int x) {
  while (parent[static_cast<std::size_t>(x)] != x) {
    int& up = parent[static_cast<std::size_t>(x)];
    up = parent[static_cast<std::size_t>(up)];  // path halving
    x = up;
  }
  return x;
}

// The lower root wins, so every root is its group's lowest column.
void unite(std::vector<int>& parent, int a, int b) {
  const int ra = findRoot(parent, a), rb = findRoot(parent, b);
  if (ra == rb) return;
  parent[static_cast<std::size_t>(std::max(ra, rb))] = std::min(ra, rb);
}

// The position in `scores` of the best allowed entry (entry i is column columns[i], or column i
// when columns is empty): highest score, ties to the lower column. -1 when none is allowed.
template <typename Allowed>
int bestAllowed(const Eigen::VectorXf& scores, const std::vector<int>& columns,
                const Allowed& allowed) {
  int best = -1, bestColumn = -1;
  for (Eigen::Index i = 0; i < scores.size(); ++i) {
    const int column = columns.empty() ? static_cast<int>(i) : columns[static_cast<std::size_t>(i)];
    if (best >= 0 &&
        (scores[i] < scores[best] || (scores[i] == scores[best] && column > bestColumn)))
      continue;
    if (!allowed(column)) continue;
    best = static_cast<int>(i);
    bestColumn = column;
  }
  return best;
}

// Counts of the known artists and albums among the last window − 1 songs of a mix.
class VarietyWindow {
 public:
  VarietyWindow(const SongFacts& facts, const MixOptions& options)
      : m_facts(facts), m_options(options) {}

  bool allows(int song) const {
    return below(m_artists, factOf(m_facts.artist, song), m_options.maxPerArtist) &&
           below(m_albums, factOf(m_facts.album, song), m_options.maxPerAlbum);
  }

  void push(int song) {
    m_recent.push_back(song);
    add(m_artists, factOf(m_facts.artist, song), 1);
    add(m_albums, factOf(m_facts.album, song), 1);
    if (static_cast<int>(m_recent.size()) > m_options.window - 1) {
      const int old = m_recent[m_recent.size() - static_cast<std::size_t>(m_options.window)];
      add(m_artists, factOf(m_facts.artist, old), -1);
      add(m_albums, factOf(m_facts.album, old), -1);
    }
  }

 private:
  using Counts = std::unordered_map<std::int64_t, int>;
  static bool below(const Counts& counts, std::int64_t id, int limit) {
    if (id == 0) return true;
    const auto it = counts.find(id);
    return it == counts.end() || it->second < limit;
  }
  static void add(Counts& counts, std::int64_t id, int delta) {
    if (id != 0) counts[id] += delta;
  }

  const SongFacts& m_facts;
  const MixOptions& m_options;
  std::vector<int> m_recent;
  Counts m_artists, m_albums;
};

// A song's level in a per-song list that may be shorter than the songs (the rest: Familiar).
NoveltyLevel levelOf(std::span<const NoveltyLevel> levels, int song) {
  return static_cast<std::size_t>(song) < levels.size() ? levels[static_cast<std::size_t>(song)]
                                                        : NoveltyLevel::Familiar;
}

}  // namespace

namespace {

// The songs of `songs` with a known artist and a non-empty key(title) (and, when `needLength`, a
// known length), bucketed by (artist, key): `join(a, b)` is asked of every pair within a bucket.
template <typename Key, typename Join>
void forPairsOfOneWork(const SongFacts& facts, int songs, bool needLength, Key key, Join join) {
  struct Work {
    std::int64_t artist;
    std::string title;
    int song;
  };
  std::vector<Work> works;
  works.reserve(static_cast<std::size_t>(std::max(songs, 0)));
  for (int j = 0; j < songs; ++j) {
    const std::int64_t artist = factOf(facts.artist, j);
    if (artist == 0 || (needLength && !(factOf(facts.seconds, j) > 0))) continue;
    std::string title = key(factOf(facts.title, j));
    if (title.empty()) continue;
    works.push_back({artist, std::move(title), j});
  }
  std::sort(works.begin(), works.end(), [](const Work& a, const Work& b) {
    return std::tie(a.artist, a.title, a.song) < std::tie(b.artist, b.title, b.song);
  });
  for (std::size_t start = 0; start < works.size();) {
    std::size_t end = start + 1;
    while (end < works.size() && works[end].artist == works[start].artist &&
           works[end].title == works[start].title)
      ++end;
    for (std::size_t x = start; x < end; ++x) {
      for (std::size_t y = x + 1; y < end; ++y) join(works[x].song, works[y].song);
    }
    start = end;
  }
}

}  // namespace

std::vector<int> recordingGroups(const SongFacts& facts, int songs) {
  std::vector<int> parent(static_cast<std::size_t>(std::max(songs, 0)));
  std::iota(parent.begin(), parent.end(), 0);
  forPairsOfOneWork(facts, songs, true, workKey, [&](int a, int b) {
    if (std::abs(factOf(facts.seconds, a) - factOf(facts.seconds, b)) <=
        SongDuplicates::kSameLengthSeconds)
      unite(parent, a, b);
  });
  std::vector<int> lowest(parent.size());
  std::vector<int> lowestOfRoot(parent.size(), -1);
  for (int j = 0; j < songs; ++j) {
    int& root = lowestOfRoot[static_cast<std::size_t>(findRoot(parent, j))];
    if (root < 0) root = j;
    lowest[static_cast<std::size_t>(j)] = root;
  }
  return lowest;
}

SongDuplicates::SongDuplicates(const Eigen::MatrixXf& songs, const SongFacts& facts,
                               float nearCosine) {
  const int n = static_cast<int>(songs.cols());
  std::vector<int> parent(static_cast<std::size_t>(n));
  std::iota(parent.begin(), parent.end(), 0);

  // Identical columns (the same audio analysed twice): sorted by their hash, compared within runs
  // of one hash; each joins the first earlier column equal to it.
  std::vector<std::pair<std::uint64_t, int>> hashed(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) hashed[static_cast<std::size_t>(j)] = {columnHash(songs, j), j};
  std::sort(hashed.begin(), hashed.end());
  const std::size_t columnBytes = sizeof(float) * static_cast<std::size_t>(songs.rows());
  for (std::size_t start = 0; start < hashed.size();) {
    std::size_t end = start + 1;
    while (end < hashed.size() && hashed[end].first == hashed[start].first) ++end;
    for (std::size_t x = start + 1; x < end; ++x) {
      for (std::size_t y = start; y < x; ++y) {
        if (std::memcmp(songs.col(hashed[x].second).data(), songs.col(hashed[y].second).data(),
                        columnBytes) == 0) {
          unite(parent, hashed[x].second, hashed[y].second);
          break;
        }
      }
    }
    start = end;
  }

  // One work (artist, title) recorded more than once, sounding alike: sorted by work, each run's
  // pairs compared.
  forPairsOfOneWork(facts, n, false, titleKey, [&](int x, int y) {
    const auto a = songs.col(x);
    const auto b = songs.col(y);
    const float na = a.norm();
    const float nb = b.norm();
    if (na > 0 && nb > 0 && a.dot(b) >= nearCosine * na * nb) unite(parent, x, y);
  });

  // One recording in parts (stems, a remaster's qualifier), however they sound.
  const std::vector<int> recordings = recordingGroups(facts, n);
  for (int j = 0; j < n; ++j) unite(parent, j, recordings[static_cast<std::size_t>(j)]);

  m_group.resize(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) {
    const int root = findRoot(parent, j);
    m_group[static_cast<std::size_t>(j)] = root;
    if (root != j) m_members[root].push_back(j);
  }
  for (auto& [root, members] : m_members) members.insert(members.begin(), root);
  m_groupCount = static_cast<int>(m_members.size());
}

int SongDuplicates::groupOf(int song) const {
  if (song < 0 || static_cast<std::size_t>(song) >= m_group.size()) return song;
  return m_group[static_cast<std::size_t>(song)];
}

std::vector<int> SongDuplicates::alternatives(int song) const {
  const auto it = m_members.find(groupOf(song));
  if (it == m_members.end()) return {};
  std::vector<int> others;
  for (const int member : it->second) {
    if (member != song) others.push_back(member);
  }
  return others;
}

std::vector<Scored> collapseDuplicates(const std::vector<Scored>& ranked,
                                       const SongDuplicates& duplicates, int k, int excludeSong) {
  std::vector<Scored> out;
  std::unordered_set<int> seen;
  if (excludeSong >= 0) seen.insert(duplicates.groupOf(excludeSong));
  for (const Scored& entry : ranked) {
    if (static_cast<int>(out.size()) >= k) break;
    if (!seen.insert(duplicates.groupOf(entry.index)).second) continue;
    out.push_back(entry);
  }
  return out;
}

std::vector<Scored> songsForTag(const JointModel& model, const Eigen::MatrixXf& songs, int tag,
                                int k, const SongSearchIndex* index) {
  if (tag < 0 || tag >= model.T.cols() || songs.rows() != model.T.rows()) return {};
  const Eigen::VectorXf query = model.T.col(tag);
  if (index) return index->search(songs, query, k);
  return topK(songs.transpose() * query, k);
}

std::vector<Scored> relatedTags(const JointModel& model, int tag, int k) {
  if (tag < 0 || tag >= model.T.cols()) return {};
  return topK(model.T.transpose() * model.T.col(tag), k, tag);
}

ArtistCentroids artistCentroids(const Eigen::MatrixXf& songs, std::span<const int> artistOfSong,
                                int artistCount) {
  ArtistCentroids out;
  out.mean = Eigen::MatrixXf::Zero(songs.rows(), std::max(0, artistCount));
  out.songs.assign(static_cast<std::size_t>(std::max(0, artistCount)), 0);
  const auto n = std::min<std::size_t>(artistOfSong.size(), static_cast<std::size_t>(songs.cols()));
  for (std::size_t j = 0; j < n; ++j) {
    const int artist = artistOfSong[j];
    if (artist < 0 || artist >= artistCount) continue;
    out.mean.col(artist) += songs.col(static_cast<Eigen::Index>(j));
    ++out.songs[static_cast<std::size_t>(artist)];
  }
  for (int i = 0; i < artistCount; ++i) {
    if (const int count = out.songs[static_cast<std::size_t>(i)]; count > 1)
      out.mean.col(i) /= static_cast<float>(count);
  }
  return out;
}

std::vector<Scored> artistsForTag(const JointModel& model, const ArtistCentroids& artists, int tag,
                                  int k) {
  if (tag < 0 || tag >= model.T.cols() || artists.mean.rows() != model.T.rows()) return {};
  Eigen::VectorXf scores = artists.mean.transpose() * model.T.col(tag);
  for (Eigen::Index i = 0; i < scores.size(); ++i) {
    if (artists.songs[static_cast<std::size_t>(i)] == 0)
      scores[i] = -std::numeric_limits<float>::infinity();
  }
  std::vector<Scored> ranked = topK(scores, k);
  std::erase_if(ranked, [](const Scored& s) { return std::isinf(s.score); });
  return ranked;
}

std::vector<Scored> tagProfile(const JointModel& model, const ArtistCentroids& artists, int artist,
                               int k) {
  if (artist < 0 || artist >= artists.mean.cols() || artists.mean.rows() != model.T.rows() ||
      artists.songs[static_cast<std::size_t>(artist)] == 0)
    return {};
  return topK(model.T.transpose() * artists.mean.col(artist), k);
}

std::vector<Scored> whyAlike(const JointModel& model, const Eigen::VectorXf& a,
                             const Eigen::VectorXf& b, int k) {
  if (a.size() != model.T.rows() || b.size() != model.T.rows() || model.T.cols() == 0) return {};
  const Eigen::VectorXf both = (model.T.transpose() * a).cwiseMin(model.T.transpose() * b);
  return topK(both, k);
}

std::vector<Scored> whyAlikeSongs(const JointModel& model, const Eigen::VectorXf& a,
                                  const Eigen::VectorXf& b, int k) {
  if (!model.calibration) return whyAlike(model, a, b, k);
  if (a.size() != model.T.rows() || b.size() != model.T.rows() || model.T.cols() == 0) return {};
  const Calibration& calibration = *model.calibration;
  const Eigen::VectorXf both = calibration.tagProbabilities(model.T.transpose() * a)
                                   .cwiseMin(calibration.tagProbabilities(model.T.transpose() * b));
  std::vector<Scored> ranked = topK(both, k);
  std::erase_if(ranked, [](const Scored& s) { return s.score < kWhyAlikeLeast; });
  return ranked;
}

std::vector<Scored> instantMix(const Eigen::MatrixXf& songs, const Eigen::VectorXf& seed,
                               int startSong, const SongFacts& facts,
                               const SongDuplicates& duplicates, const MixOptions& options,
                               const SongSearchIndex* index) {
  const int n = static_cast<int>(songs.cols());
  if (seed.size() != songs.rows() || n == 0 || options.length <= 0) return {};
  const float seedNorm = seed.norm();
  if (!(seedNorm > 0)) return {};
  const Eigen::VectorXf unitSeed = seed / seedNorm;
  const float wander = std::clamp(options.wander, 0.0f, 1.0f);

  const int poolSize = std::clamp(options.pool, 1, n);
  const std::vector<Scored> nearest = index ? index->search(songs, unitSeed, poolSize)
                                            : topK(songs.transpose() * unitSeed, poolSize);
  std::vector<int> pool;
  Eigen::MatrixXf poolSongs(songs.rows(), static_cast<Eigen::Index>(nearest.size()));
  Eigen::VectorXf poolSeedScores(static_cast<Eigen::Index>(nearest.size()));
  for (std::size_t i = 0; i < nearest.size(); ++i) {
    pool.push_back(nearest[i].index);
    poolSongs.col(static_cast<Eigen::Index>(i)) = songs.col(nearest[i].index);
    poolSeedScores[static_cast<Eigen::Index>(i)] = nearest[i].score;
  }
  Eigen::VectorXf allSeedScores;  // the whole library's, computed on the first fallback

  std::vector<Scored> mix;
  std::unordered_set<int> usedGroups;
  VarietyWindow variety(facts, options);
  const NoveltyLevel kind =
      startSong >= 0 && startSong < n ? levelOf(facts.novelty, startSong) : NoveltyLevel::Familiar;
  const auto ofKind = [&facts, kind](int song) {
    return kind == NoveltyLevel::UnlikeLibrary || levelOf(facts.novelty, song) == kind;
  };
  const auto secondsOf = [&facts](int song) {
    return static_cast<std::size_t>(song) < facts.seconds.size()
               ? facts.seconds[static_cast<std::size_t>(song)]
               : 0.0f;
  };
  float shortest = std::max(options.minSeconds, 0.0f);
  if (startSong >= 0 && startSong < n && secondsOf(startSong) > 0)
    shortest = std::min(shortest, secondsOf(startSong));
  // A library with no other song that long mixes its songs of any length.
  bool anyLongEnough = false;
  for (int j = 0; j < n && !anyLongEnough && shortest > 0; ++j) {
    const float seconds = secondsOf(j);
    anyLongEnough = j != startSong && (!(seconds > 0) || seconds >= shortest) && ofKind(j);
  }
  if (!anyLongEnough) shortest = 0;
  const auto allowed = [&](int song) {
    const float seconds = secondsOf(song);
    return (!(seconds > 0) || seconds >= shortest) && ofKind(song) &&
           usedGroups.count(duplicates.groupOf(song)) == 0 && variety.allows(song);
  };
  const auto take = [&](int song, float score) {
    mix.push_back({song, score});
    usedGroups.insert(duplicates.groupOf(song));
    variety.push(song);
  };

  if (startSong >= 0 && startSong < n) take(startSong, songs.col(startSong).dot(unitSeed));
  while (static_cast<int>(mix.size()) < options.length) {
    Eigen::VectorXf direction = unitSeed;
    bool fromSeedOnly = true;
    if (!mix.empty() && wander > 0) {
      const auto previous = songs.col(mix.back().index);
      if (const float norm = previous.norm(); norm > 0) {
        direction = (1 - wander) * unitSeed + (wander / norm) * previous;
        fromSeedOnly = false;
      }
    }
    const Eigen::VectorXf poolScores =
        fromSeedOnly ? poolSeedScores : Eigen::VectorXf(poolSongs.transpose() * direction);
    if (const int best = bestAllowed(poolScores, pool, allowed); best >= 0) {
      take(pool[static_cast<std::size_t>(best)], poolScores[best]);
      continue;
    }
    if (static_cast<int>(pool.size()) == n) break;
    if (fromSeedOnly && allSeedScores.size() == 0) allSeedScores = songs.transpose() * unitSeed;
    const Eigen::VectorXf scores =
        fromSeedOnly ? allSeedScores : Eigen::VectorXf(songs.transpose() * direction);
    const int best = bestAllowed(scores, {}, allowed);
    if (best < 0) break;
    take(best, scores[best]);
  }
  return mix;
}

std::vector<PathStep> songPath(const Eigen::MatrixXf& songs, int from, int to, int length,
                               const SongDuplicates& duplicates, int candidates,
                               std::span<const NoveltyLevel> novelty) {
  const int n = static_cast<int>(songs.cols());
  if (from < 0 || to < 0 || from >= n || to >= n || from == to) return {};
  const Eigen::VectorXf a = songs.col(from), b = songs.col(to);
  const float segment = (b - a).squaredNorm();
  if (!(segment > 0) || length <= 2) return {{from, 0, 0}, {to, 1, 0}};

  // Everything below is a function of three numbers per song: xᵀa, xᵀb and ‖x‖².
  // One pass over the songs' memory for all three.
  Eigen::VectorXf xa(n), xb(n), xx(n);
  for (int j = 0; j < n; ++j) {
    const auto x = songs.col(j);
    xa[j] = x.dot(a);
    xb[j] = x.dot(b);
    xx[j] = x.squaredNorm();
  }
  const float aa = a.squaredNorm(), ab = a.dot(b), bb = b.squaredNorm();
  const Eigen::VectorXf progress = (xb - xa).array() / segment + (aa - ab) / segment;
  // ‖x − p(τ)‖² with p(τ) = (1 − τ) a + τ b.
  const auto squaredDistance = [&](int j, float tau) {
    const float u = 1 - tau;
    return xx[j] - 2 * (u * xa[j] + tau * xb[j]) + u * u * aa + 2 * u * tau * ab + tau * tau * bb;
  };
  const auto stepOf = [&](int j, float t) {
    return PathStep{j, t, std::sqrt(std::max(0.0f, squaredDistance(j, t)))};
  };

  // The songs strictly between the ends; of those, the `candidates` nearest the segment (ties
  // by column), by progress (ties by column).
  const int fromGroup = duplicates.groupOf(from), toGroup = duplicates.groupOf(to);
  const NoveltyLevel fromKind = levelOf(novelty, from), toKind = levelOf(novelty, to);
  const bool anyKind =
      fromKind == NoveltyLevel::UnlikeLibrary || toKind == NoveltyLevel::UnlikeLibrary;
  std::vector<std::pair<float, int>> near;
  for (int j = 0; j < n; ++j) {
    const float t = progress[j];
    const NoveltyLevel level = levelOf(novelty, j);
    if ((anyKind || level == fromKind || level == toKind) && t > 0 && t < 1 &&
        duplicates.groupOf(j) != fromGroup && duplicates.groupOf(j) != toGroup)
      near.push_back({squaredDistance(j, t), j});
  }
  if (candidates > 0 && near.size() > static_cast<std::size_t>(candidates)) {
    std::nth_element(near.begin(), near.begin() + candidates, near.end());
    near.resize(static_cast<std::size_t>(candidates));
  }
  std::vector<int> between;
  between.reserve(near.size());
  for (const auto& [distance, j] : near) between.push_back(j);
  std::sort(between.begin(), between.end(), [&](int x, int y) {
    return progress[x] < progress[y] || (progress[x] == progress[y] && x < y);
  });

  std::vector<PathStep> path{{from, 0, 0}};
  std::unordered_set<int> usedGroups;
  const auto count = static_cast<int>(between.size());
  int last = -1;  // position in `between` of the previous step
  const float spacing = 1.0f / static_cast<float>(length - 1);
  for (int i = 1; i < length - 1; ++i) {
    const float tau = static_cast<float>(i) * spacing;
    const float reach = tau + 0.5f * spacing;
    // Leave at least one song beyond for each step still to come.
    const int end = std::max(last + 2, count - (length - 2 - i));
    int best = -1, bestInReach = -1;
    float bestDistance = 0, bestInReachDistance = 0;
    for (int position = last + 1; position < end && position < count; ++position) {
      const int j = between[static_cast<std::size_t>(position)];
      if (last >= 0 && !(progress[j] > progress[between[static_cast<std::size_t>(last)]])) continue;
      if (usedGroups.count(duplicates.groupOf(j)) != 0) continue;
      const float distance = squaredDistance(j, tau);
      if (progress[j] <= reach && (bestInReach < 0 || distance < bestInReachDistance)) {
        bestInReach = position;
        bestInReachDistance = distance;
      }
      if (best < 0 || distance < bestDistance) {
        best = position;
        bestDistance = distance;
      }
    }
    const int chosen = bestInReach >= 0 ? bestInReach : best;
    if (chosen < 0) break;
    const int song = between[static_cast<std::size_t>(chosen)];
    path.push_back(stepOf(song, progress[song]));
    usedGroups.insert(duplicates.groupOf(song));
    last = chosen;
  }
  path.push_back({to, 1, 0});
  return path;
}

}  // namespace songspace::core
