#include "core/model/trainer_plan.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace songspace::core::sgd {

namespace {

void sortUnique(std::vector<int>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

TrainingPlan::TrainingPlan(const TrainingSet& data, double validationFraction, int maxHeldOut,
                           std::uint64_t seed, std::span<const int> fixedValidation)
    : m_data(&data) {
  const int numSongs = data.numSongs();
  if (fixedValidation.empty()) {
    std::vector<int> order(static_cast<std::size_t>(numSongs));
    for (int i = 0; i < numSongs; ++i) order[static_cast<std::size_t>(i)] = i;
    base::Xoshiro256 rng(seed);
    for (int i = numSongs - 1; i > 0; --i)  // Fisher–Yates
      std::swap(order[static_cast<std::size_t>(i)],
                order[base::uniformBelow(rng, static_cast<std::uint32_t>(i + 1))]);
    const int held = std::clamp(static_cast<int>(std::lround(validationFraction * numSongs)), 0,
                                std::max(0, std::min(maxHeldOut, numSongs - 1)));
    m_validationSongs.assign(order.begin(), order.begin() + held);
  } else {
    m_validationSongs.assign(fixedValidation.begin(), fixedValidation.end());
  }
  std::sort(m_validationSongs.begin(), m_validationSongs.end());
  std::vector<char> isTrain(static_cast<std::size_t>(numSongs), 1);
  for (const int s : m_validationSongs) isTrain[static_cast<std::size_t>(s)] = 0;
  for (int s = 0; s < numSongs; ++s)
    if (isTrain[static_cast<std::size_t>(s)]) m_trainSongs.push_back(s);

  // Validation songs keep their training-side neighbours (the validation metric needs them); no
  // training example ever has a validation song as query or label.
  m_songNeighbours.resize(static_cast<std::size_t>(numSongs));
  for (const auto& [a, b] : data.similarSongs) {
    if (a == b || a < 0 || b < 0 || a >= numSongs || b >= numSongs) continue;
    if (isTrain[static_cast<std::size_t>(b)])
      m_songNeighbours[static_cast<std::size_t>(a)].push_back(b);
    if (isTrain[static_cast<std::size_t>(a)])
      m_songNeighbours[static_cast<std::size_t>(b)].push_back(a);
  }
  for (auto& list : m_songNeighbours) sortUnique(list);
  m_artistNeighbours.resize(static_cast<std::size_t>(std::max(0, data.numArtists)));
  for (const auto& [a, b] : data.similarArtists) {
    if (a == b || a < 0 || b < 0 || a >= data.numArtists || b >= data.numArtists) continue;
    m_artistNeighbours[static_cast<std::size_t>(a)].push_back(b);
    m_artistNeighbours[static_cast<std::size_t>(b)].push_back(a);
  }
  for (auto& list : m_artistNeighbours) sortUnique(list);

  auto& tags = m_tasks[static_cast<int>(Task::Tags)];
  auto& artist = m_tasks[static_cast<int>(Task::Artist)];
  auto& similarSongs = m_tasks[static_cast<int>(Task::SimilarSongs)];
  auto& songsForArtist = m_tasks[static_cast<int>(Task::SongsForArtist)];
  auto& similarArtists = m_tasks[static_cast<int>(Task::SimilarArtists)];
  tags.numLabels = data.numTags;
  artist.numLabels = data.numArtists;
  similarSongs.numLabels = static_cast<int>(m_trainSongs.size());
  songsForArtist.numLabels = static_cast<int>(m_trainSongs.size());
  similarArtists.numLabels = data.numArtists;
  for (int s : m_trainSongs) {
    const auto song = static_cast<std::size_t>(s);
    if (song < data.songTags.size()) {
      std::vector<int> list = data.songTags[song];
      sortUnique(list);
      for (int t : list)
        if (t >= 0 && t < data.numTags) tags.examples.emplace_back(s, t);
    }
    if (song < data.songArtist.size()) {
      const int a = data.songArtist[song];
      if (a >= 0 && a < data.numArtists) {
        artist.examples.emplace_back(s, a);
        songsForArtist.examples.emplace_back(a, s);
      }
    }
    for (int other : m_songNeighbours[song]) similarSongs.examples.emplace_back(s, other);
  }
  for (int a = 0; a < data.numArtists; ++a)
    for (int other : m_artistNeighbours[static_cast<std::size_t>(a)])
      similarArtists.examples.emplace_back(a, other);
}

std::size_t TrainingPlan::totalExamples() const {
  std::size_t total = 0;
  for (const auto& t : m_tasks)
    if (t.usable()) total += t.examples.size();
  return total;
}

int TrainingPlan::sampleLabel(Task t, base::Xoshiro256& rng) const {
  const TaskExamples& examples = task(t);
  const int draw =
      static_cast<int>(base::uniformBelow(rng, static_cast<std::uint32_t>(examples.numLabels)));
  const bool songLabels = t == Task::SimilarSongs || t == Task::SongsForArtist;
  return songLabels ? m_trainSongs[static_cast<std::size_t>(draw)] : draw;
}

bool TrainingPlan::isPositive(Task t, int query, int label) const {
  switch (t) {
    case Task::Tags: {
      const auto& list = m_data->songTags[static_cast<std::size_t>(query)];
      return std::find(list.begin(), list.end(), label) != list.end();
    }
    case Task::Artist:
      return m_data->songArtist[static_cast<std::size_t>(query)] == label;
    case Task::SimilarSongs: {
      const auto& list = m_songNeighbours[static_cast<std::size_t>(query)];
      return label == query || std::binary_search(list.begin(), list.end(), label);
    }
    case Task::SongsForArtist:
      return m_data->songArtist[static_cast<std::size_t>(label)] == query;
    case Task::SimilarArtists: {
      const auto& list = m_artistNeighbours[static_cast<std::size_t>(query)];
      return label == query || std::binary_search(list.begin(), list.end(), label);
    }
  }
  return true;
}

}  // namespace songspace::core::sgd
