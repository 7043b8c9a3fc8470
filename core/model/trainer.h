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
  // The space is `subspaces` blocks of dimension/subspaces rows (the first dimension % subspaces
  // one more) stacked into one, each trained on its own from seed + i · kSubspaceSeedStride with
  // its own validation split, and scaled by 1/√subspaces: every raw score is the mean of the
  // blocks' scores and every column keeps norm ≤ C, so queries, the map and the model file see
  // one matrix (docs/design.md §1.6). Blocks run side by side when threads > 1, each with
  // max(1, threads / subspaces) threads. Range [1, dimension]. Default 10 (of 16 dimensions):
  // averages away the seed and split noise of a small library, see docs/experiments.md §1.4.
  int subspaces = 10;
  int epochs = 40;  // upper bound; early stopping usually ends sooner
  Loss loss = Loss::Warp;
  double learningRate = 0.05;
  // C: every column of A, T and V has norm ≤ C (songs: at query time too; docs/design.md §1.5).
  // 2: see docs/experiments.md §1.2.
  double maxNorm = 2.0;
  int threads = 1;  // ≤ subspaces: deterministic for a seed; more: lock-free Hogwild in a block
  std::uint64_t seed = 1;
  double validationFraction = 0.1;  // songs held out inside train() for early stopping
  int patience = 4;                 // epochs without validation improvement before stopping
  // After early stopping chose the best epoch, train again from the same start on all songs
  // (validation ones included) for that many epochs: on a small library the held-out 10% is
  // data the model badly needs (docs/experiments.md §1.2). Doubles the training time at most.
  bool refitOnAllSongs = true;
  // Indexed by Task, each finite and ≥ 0; a task is picked with probability proportional to its
  // weight. Songs for an artist and artist count twice: docs/experiments.md §1.2 and §1.4.
  std::array<double, kTaskCount> taskWeights{1, 2, 1, 2, 1};
  // WARP's negative sampling draws labels until one violates the margin, at most this many
  // (LightFM's max_sampled); the rank estimate stays ⌊(|Y| − 1) / draws⌋, and a step whose draws
  // all satisfy the margin makes no update. The cap bounds the work of one step whatever |Y| is
  // (|Y| is the library for the similar-songs and songs-for-artist tasks). [0, 10⁶]; 0 = |Y| − 1
  // (uncapped, as in Weston et al. 2011). 256 binds only above 257 training songs; measured in
  // docs/experiments-training-scale.md.
  int maxNegativeDraws = 256;
  // Song labels drawn as negatives are scored against an embedding of every song, V s′, cached
  // this many times per epoch at evenly spaced steps (one d-dim dot product per draw instead of
  // one per nonzero of the song: ~300 on real songs). The query and the positive are always
  // embedded fresh, and the update uses fresh embeddings; only the choice of the negative and
  // the WARP rank estimate see the cached scores. [0, 1000]; 0 = no cache (every draw embeds).
  // Costs d · |S| floats and one pass over the songs' nonzeros per refresh. 10: as good as no
  // cache on the demo library, 1 was worse (docs/experiments-training-scale.md).
  int songCacheRefreshesPerEpoch = 10;
  // Iterate averaging (Polyak–Ruppert, here over epoch ends): validation, early stopping and the
  // returned model use the exponential moving average of the parameters at the end of each epoch
  // with this decay (bias-corrected); [0, 1), 0 = off (the last iterate). 0.8: docs/experiments.md
  // §1.2.
  double averageDecay = 0.8;
  // Learning-rate decay: epoch e (from 1) steps with learningRate / (1 + (e − 1) / T); T ≥ 0 in
  // epochs, 0 = constant rate.
  double learningRateDecayEpochs = 0;
  // AdaGrad (per-parameter steps rate / √Σg², Duchi et al. 2011; LightFM's default) or plain SGD
  // (the paper's). Every song selects the dense summary columns of V, so under one global rate
  // they move at every step while a codeword's column moves only with its songs; AdaGrad evens
  // that out. Measured against SGD: docs/experiments.md §1.3.
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
  // Candidate labels scored while sampling negatives (WARP and AUC), summed over every step run
  // (the refit and every subspace included), and the most in any one step: with WARP at most
  // TrainOptions::maxNegativeDraws when that is > 0.
  std::int64_t negativesScored = 0;
  int maxNegativesScoredInStep = 0;
  bool cancelled = false;
  std::string error;  // empty when training ran; else why not (invalid options/data, no data)
};

// Joint multi-task SGD (docs/design.md §2.1): each step picks a task with its weight, then a
// training example, then makes one WARP (or AUC) update; every column touched is projected back
// onto the ball of radius C. model.features/codebook/names are left as the caller set them; V, A, T
// are (re)initialised from the seed.
TrainReport trainModel(const TrainingSet& data, const TrainOptions& options, JointModel& model,
                       const std::function<void(const TrainProgress&)>& progress = {},
                       const std::atomic<bool>* cancel = nullptr);

// L(k) = Σ_{j≤k} 1/j, the WARP rank weight (L(0) = 0).
double warpRankWeight(int k);
// The sampled rank estimate ⌊(|Y| − 1) / N⌋ after N draws.
int warpRankEstimate(int numLabels, int draws);

}  // namespace songspace::core
