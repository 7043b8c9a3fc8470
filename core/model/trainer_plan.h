#pragma once

// Internal to the trainer: the per-task training examples derived from a TrainingSet after the
// validation songs are held out. Random draws come from core/base/random.h (the same stream on
// every platform and standard library, which the bit-identical single-thread mode needs).

#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/base/random.h"
#include "core/model/trainingset.h"

namespace songspace::core::sgd {

struct TaskExamples {
  std::vector<std::pair<int, int>> examples;  // (query, positive)
  int numLabels = 0;                          // |Y|: the labels this task ranks
  bool usable() const { return !examples.empty() && numLabels >= 2; }
};

class TrainingPlan {
 public:
  // Holds out round(validationFraction · |S|) songs, at most maxHeldOut and |S| − 1, chosen with
  // `seed`; or, when `fixedValidation` is non-empty, exactly those songs (ascending, distinct,
  // each in [0, |S|), fewer than |S|: validateValidationSongs()).
  TrainingPlan(const TrainingSet& data, double validationFraction, int maxHeldOut,
               std::uint64_t seed, std::span<const int> fixedValidation = {});

  const TrainingSet& data() const { return *m_data; }
  const TaskExamples& task(Task t) const { return m_tasks[static_cast<int>(t)]; }
  const std::vector<int>& trainSongs() const { return m_trainSongs; }
  const std::vector<int>& validationSongs() const { return m_validationSongs; }
  // Sorted similar-song partners (training songs only) / similar-artist partners of an entity.
  const std::vector<int>& songNeighbours(int song) const { return m_songNeighbours[song]; }
  const std::vector<int>& artistNeighbours(int artist) const { return m_artistNeighbours[artist]; }
  std::size_t totalExamples() const;

  // A label drawn uniformly from the task's label set (training songs for song labels).
  int sampleLabel(Task t, base::Xoshiro256& rng) const;
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
