#pragma once

// Internal to the trainer: the random stream and the per-task training examples derived from a
// TrainingSet after the validation songs are held out.

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/model/trainingset.h"

namespace songspace::core::sgd {

// xoshiro256** seeded through splitmix64: fast, small, and the same stream on every platform and
// standard library (std distributions are not), which the bit-identical single-thread mode needs.
class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next();
  // Uniform in [0, n), n ≥ 1 and < 2^32.
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * std::uint64_t{n}) >> 32);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double normal();  // standard normal (Box–Muller)

 private:
  std::array<std::uint64_t, 4> m_state{};
};

struct TaskExamples {
  std::vector<std::pair<int, int>> examples;  // (query, positive)
  int numLabels = 0;                          // |Y|: the labels this task ranks
  bool usable() const { return !examples.empty() && numLabels >= 2; }
};

class TrainingPlan {
 public:
  // Holds out round(validationFraction · |S|) songs (at most |S| − 1), chosen with `seed`.
  TrainingPlan(const TrainingSet& data, double validationFraction, std::uint64_t seed);

  const TrainingSet& data() const { return *m_data; }
  const TaskExamples& task(Task t) const { return m_tasks[static_cast<int>(t)]; }
  const std::vector<int>& trainSongs() const { return m_trainSongs; }
  const std::vector<int>& validationSongs() const { return m_validationSongs; }
  // Sorted similar-song partners (training songs only) / similar-artist partners of an entity.
  const std::vector<int>& songNeighbours(int song) const { return m_songNeighbours[song]; }
  const std::vector<int>& artistNeighbours(int artist) const { return m_artistNeighbours[artist]; }
  std::size_t totalExamples() const;

  // A label drawn uniformly from the task's label set (training songs for song labels).
  int sampleLabel(Task t, Rng& rng) const;
  // Whether `label` may not serve as a negative for `query`: a positive, or the query itself.
  bool isPositive(Task t, int query, int label) const;

 private:
  const TrainingSet* m_data;
  std::vector<int> m_trainSongs;
  std::vector<int> m_validationSongs;
  std::vector<std::vector<int>> m_songNeighbours;
  std::vector<std::vector<int>> m_artistNeighbours;
  std::array<TaskExamples, kTaskCount> m_tasks;
};

}  // namespace songspace::core::sgd
