#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/parameter.h"
#include "core/eval/baselines.h"
#include "core/eval/metrics.h"
#include "core/eval/tabledata.h"
#include "core/eval/tablefeatures.h"
#include "core/model/trainer.h"

namespace songspace::core {

// Cross-validated classification of a table's rows (the `eval-table` capability): the learner is
// the joint model's Tags task (label = tag, so precision@1 = accuracy) on expanded features,
// beside random, popularity and kNN-cosine baselines on the same folds in the same run.
struct TableEvalOptions {
  // Stratified folds; at most the table's rows as well.
  static constexpr base::ParameterSpec<int> kFolds{
      "folds", 10, 2, 1000000,
      "stratified cross-validation folds (the default: the usual protocol)"};
  int folds = kFolds.defaultValue;
  std::uint64_t seed = base::kSeedSpec.defaultValue;
  TrainOptions train = defaultTableTrainOptions();
  TableExpansionOptions expansion;
  int knnNeighbours = kKnnNeighbours.defaultValue;
  // Models per fold whose scores are averaged (each from its own seed). 3: five are within noise
  // of three for half again the time (docs/experiments.md §4.4).
  static constexpr base::ParameterSpec<int> kEnsemble{"ensemble", 3, 1, 100,
                                                      "models per fold whose scores are averaged"};
  int ensemble = kEnsemble.defaultValue;
  // Choose learning rate and C per fold on an inner stratified split of the training fold (the
  // test fold is never looked at) from learningRates × maxNorms; otherwise use `train` as given.
  // The grid matches the best fixed setting on GTZAN within noise (docs/experiments.md §4.5).
  bool tune = true;
  // The inner split is one of max(2, round(1 / innerValidationFraction)) stratified folds.
  static constexpr base::ParameterSpec<double> kInnerValidationFraction{
      "inner_validation_fraction", 0.2, 0.01, 0.5,
      "share of the training fold the tuning validates on (the default: one inner fold of five)"};
  double innerValidationFraction = kInnerValidationFraction.defaultValue;
  std::vector<double> learningRates{0.01, 0.03};
  std::vector<double> maxNorms{2.0, 4.0};
  // Kernel γ values tried on the inner split as well (empty: `expansion.gamma` only). Off: a
  // small inner split is too noisy to choose γ (docs/experiments.md §4.6).
  std::vector<double> gammas;

  // The trainer settings for tables: one 32-d space, iterate averaging with rate decay, no refit,
  // plain SGD (docs/experiments.md §4.7).
  static TrainOptions defaultTableTrainOptions();

  // Empty when every parameter is within its declared range (folds are checked against the
  // table's rows by evaluateTable()); otherwise the first that is not.
  [[nodiscard]] std::string validate() const;
};

struct TableEvalResult {
  std::string error;  // empty on success
  int folds = 0;
  std::vector<MethodMetrics> methods;
  std::vector<std::string> foldChoices;  // per fold: the tuned "lr=… C=… gamma=…"
  double seconds = 0;
};

TableEvalResult evaluateTable(const LabelledTable& table, const TableEvalOptions& options);

}  // namespace songspace::core
