#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/model/jointmodel.h"
#include "core/model/trainingset.h"

namespace songspace::core {

enum class Loss { Warp, Auc };
enum class Optimizer { Sgd, AdaGrad };

// Subspace i of TrainOptions::subspaces trains with seed + i · kSubspaceSeedStride.
inline constexpr std::uint64_t kSubspaceSeedStride = 7919;

struct TrainOptions {
  int dimension = 160;  // of the whole space, all subspaces together
  // The space is `subspaces` blocks of about dimension/subspaces rows stacked into one, each
  // trained on its own from its own seed (and its own validation split) and scaled by
  // 1/√subspaces, so every raw score is the mean of the blocks' scores and every column keeps
  // norm ≤ C. An ensemble that stays one joint space: queries, the map and the model file see one
  // matrix. Blocks run side by side when threads > 1 (each with threads/subspaces threads, so
  // training stays bit-identical for a seed up to `subspaces` threads). Demo library (analyzer
  // v4), eval seeds 1..60, model − kNN p@1 / MAP: artist 1 × 64 −0.003 / +0.005, 5 × 32
  // +0.021 / +0.025, 10 × 16 +0.036 / +0.032, 10 × 16 with artist weight 2 +0.050 / +0.043
  // (fresh seeds 61..120: +0.050 ± 0.010 / +0.048 ± 0.006); similar songs +0.121 / +0.152,
  // +0.148 / +0.177, +0.151 / +0.180, +0.140 / +0.176. 8 × 32 and 5 × 64 measured as 5 × 32
  // (seeds 1..30). Training time grows with the number of blocks (README "Measured").
  int subspaces = 10;
  int epochs = 40;  // upper bound; early stopping usually ends sooner
  Loss loss = Loss::Warp;
  double learningRate = 0.05;
  double maxNorm = 2.0;  // C: every column of A, T and V has norm ≤ C (songs: at query time too)
  int threads = 1;  // ≤ subspaces: deterministic for a seed; more: lock-free Hogwild in a block
  std::uint64_t seed = 1;
  double validationFraction = 0.1;  // songs held out inside train() for early stopping
  int patience = 4;                 // epochs without validation improvement before stopping
  // After early stopping chose the best epoch, train again from the same start on all songs
  // (validation ones included) for that many epochs: on a small library the held-out 10% is
  // data the model badly needs (see trainer.cpp). Doubles the training time at most.
  bool refitOnAllSongs = true;
  // Indexed by Task; songs-for-artist counts twice (measured on the demo library, trainer.cpp),
  // artist twice too (with 10 × 16 subspaces, eval seeds 1..60: artist p@1 0.636 → 0.650,
  // similar songs 0.746 → 0.735, songs for artist 0.597 → 0.608; with 5 × 32: 0.620 → 0.628).
  std::array<double, kTaskCount> taskWeights{1, 2, 1, 2, 1};
  int maxNegativeDraws = 0;  // WARP sampling cap; 0 = |Y| - 1
  // Iterate averaging (Polyak–Ruppert, here over epoch ends): validation, early stopping and the
  // returned model use the exponential moving average of the parameters at the end of each epoch
  // with this decay (bias-corrected); [0, 1), 0 = off (the last iterate). 0.8 measured best on
  // the demo library, mean of eval seeds 1..10: artist p@1 0.530 → 0.549, MAP 0.666 → 0.672,
  // songs-for-artist p@1 0.516 → 0.535 (0.9 and 0.95 in between; GTZAN gains too).
  double averageDecay = 0.8;
  // Learning-rate decay: epoch e (from 1) steps with learningRate / (1 + (e − 1) / T); T ≥ 0 in
  // epochs, 0 = constant rate.
  double learningRateDecayEpochs = 0;
  // AdaGrad (per-parameter steps rate / √Σg², Duchi et al. 2011; LightFM's default) or plain SGD.
  // Every song selects the dense summary columns of V, so under one global rate they move at every
  // step while a codeword's column moves only with its songs; AdaGrad evens that out. Demo
  // library, mean of eval seeds 1..30, AdaGrad against SGD (lr 0.05 both): artist p@1/MAP
  // 0.583/0.696 vs 0.567/0.681, similar songs 0.635/0.650 vs 0.630/0.636, songs for artist
  // 0.515/0.614 vs 0.510/0.589, tags 0.889/0.943 vs 0.879/0.936 (kNN: 0.591/0.696,
  // 0.579/0.556, 0.484/0.580, 0.883/0.939). One accumulator per column instead of per entry
  // measured lower (artist p@1 0.589 vs 0.600 on seeds 1..10).
  Optimizer optimizer = Optimizer::AdaGrad;
};

struct TrainProgress {
  int epoch = 0;
  int epochs = 0;
  double validationScore = 0;  // mean precision@1 over the tasks with validation data
  std::string message;
};

struct TrainReport {
  int epochsRun = 0;
  int bestEpoch = 0;
  double bestValidationScore = 0;
  std::vector<double> validationHistory;
  double examplesPerSecond = 0;
  bool cancelled = false;
  std::string error;  // empty when training ran; else why not (invalid options/data, no data)
};

// Joint multi-task SGD (DESIGN.md §1): each step picks a task with its weight, then a training
// example, then makes one WARP (or AUC) update; every column touched is projected back onto the
// ball of radius C. model.features/codebook/names are left as the caller set them; V, A, T are
// (re)initialised from the seed.
TrainReport trainModel(const TrainingSet& data, const TrainOptions& options, JointModel& model,
                       const std::function<void(const TrainProgress&)>& progress = {},
                       const std::atomic<bool>* cancel = nullptr);

// L(k) = Σ_{j≤k} 1/j, the WARP rank weight (L(0) = 0).
double warpRankWeight(int k);
// The sampled rank estimate ⌊(|Y| − 1) / N⌋ after N draws.
int warpRankEstimate(int numLabels, int draws);

}  // namespace songspace::core
