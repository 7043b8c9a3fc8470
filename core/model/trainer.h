#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "core/base/parameter.h"
#include "core/model/jointmodel.h"
#include "core/model/trainingset.h"

namespace songspace::core {

enum class Loss { Warp, Auc };
enum class Optimizer { Sgd, AdaGrad };

// Subspace i of TrainOptions::subspaces trains with seed + i · kSubspaceSeedStride.
inline constexpr std::uint64_t kSubspaceSeedStride = 7919;
// TrainOptions::subspaces = 0 stacks kSmallLibrarySubspaces blocks below this many songs and
// kLargeLibrarySubspaces from it on (never more than the dimension).
inline constexpr int kLargeLibrarySongs = 10000;
inline constexpr int kSmallLibrarySubspaces = 10;
inline constexpr int kLargeLibrarySubspaces = 2;

// Every parameter is declared once here with its default and valid range; validate() and the
// CLI's parsing, synopsis and messages take the ranges from these declarations.
struct TrainOptions {
  static constexpr base::ParameterSpec<int> kDimension{
      "dimension", 160, 1, 4096, "dimension of the joint space, all subspaces together"};
  int dimension = kDimension.defaultValue;
  // The space is `subspaces` blocks of dimension/subspaces rows (the first dimension % subspaces
  // one more) stacked into one, each trained on its own from seed + i · kSubspaceSeedStride (one
  // validation split for all, so that the stack has songs none of its blocks trained on: the
  // calibration's, HeldOutModel), and scaled by 1/√subspaces: every raw score is the mean of the
  // blocks' scores and every column keeps norm ≤ C, so queries, the map and the model file see
  // one matrix (docs/design.md §1.6). Blocks run side by side when threads > 1, each with
  // max(1, threads / subspaces) threads. Range [0, dimension]; 0 (the default) chooses by library
  // size (subspacesForLibrary): kSmallLibrarySubspaces narrow blocks below kLargeLibrarySongs
  // songs, where they average away the seed noise of a small library
  // (docs/experiments.md §1.4), and kLargeLibrarySubspaces wide ones from there, where that noise
  // is gone, a step's fixed cost per block dominates the time, and the narrow stack's time (13.5
  // min on two idle cores at 10⁴ songs) keeps growing with the library (§6.6–6.7).
  static constexpr base::ParameterSpec<int> kSubspaces{
      "subspaces", 0, 0, kDimension.maxValue,
      "blocks trained on their own and stacked; at most the dimension (0: by library size, many "
      "narrow blocks for a small library, a few wide ones for a large one)"};
  int subspaces = kSubspaces.defaultValue;
  static constexpr base::ParameterSpec<int> kEpochs{
      "epochs", 40, 1, 100000, "upper bound on the passes; early stopping usually ends sooner"};
  int epochs = kEpochs.defaultValue;
  static constexpr base::EnumSpec<Loss, 2> kLoss{
      "loss",
      Loss::Warp,
      {{{Loss::Warp, "warp"}, {Loss::Auc, "auc"}}},
      "WARP (rank-weighted, optimises the top of the list) or AUC (every pair counts alike)"};
  Loss loss = kLoss.defaultValue;
  static constexpr base::ParameterSpec<double> kLearningRate{
      "learning_rate",
      0.05,
      0.0,
      100.0,
      "step size (AdaGrad: before the per-parameter scaling)",
      "",
      base::Bound::Open};
  double learningRate = kLearningRate.defaultValue;
  // C: every column of A, T and V has norm ≤ C (songs: at query time too; docs/design.md §1.5).
  // 2: see docs/experiments.md §1.2.
  static constexpr base::ParameterSpec<double> kMaxNorm{
      "max_norm", 2.0, 0.0, 1e6, "C, the bound on every column's norm", "", base::Bound::Open};
  double maxNorm = kMaxNorm.defaultValue;
  static constexpr base::ParameterSpec<int> kThreads{
      "threads", 1, 1, 256,
      "<= subspaces: deterministic for a seed; more: lock-free Hogwild inside a block"};
  int threads = kThreads.defaultValue;
  std::uint64_t seed = base::kSeedSpec.defaultValue;
  static constexpr base::ParameterSpec<double> kValidationFraction{
      "validation_fraction",
      0.1,
      0.0,
      1.0,
      "songs held out inside trainModel() for early stopping (0: none)",
      "",
      base::Bound::Closed,
      base::Bound::Open};
  double validationFraction = kValidationFraction.defaultValue;
  // The held-out songs are validationFraction of the library but at most this many, so that a
  // large library keeps its songs for training (2 000 of 10⁵ songs is 2 %) and a validation pass
  // costs the same beyond the cap. [1, 10⁷]. 2 000 binds above 20 000 songs at the defaults.
  static constexpr base::ParameterSpec<int> kMaxValidationSongs{
      "max_validation_songs", 2000, 1, 10000000,
      "songs held out for early stopping at most (validation_fraction of the library up to this)"};
  int maxValidationSongs = kMaxValidationSongs.defaultValue;
  // An epoch is as many steps as there are training examples (each step samples one), but at most
  // this many: a large library (10⁵ songs have ~2.5 · 10⁶ examples) is then validated, averaged,
  // reported to the progress callback and early-stopped within a pass over its examples, not once
  // per pass. [10³, 10⁹]. 500 000 binds above ~2 · 10⁴ songs (docs/experiments.md §6).
  static constexpr base::ParameterSpec<int> kMaxStepsPerEpoch{
      "max_steps_per_epoch", 500000, 1000, 1000000000,
      "SGD steps in one epoch at most (fewer when the library has fewer training examples)"};
  int maxStepsPerEpoch = kMaxStepsPerEpoch.defaultValue;
  static constexpr base::ParameterSpec<int> kPatience{
      "patience",
      4,
      0,
      kEpochs.maxValue,
      "epochs without validation improvement before stopping (0: no early stopping)",
      "epochs"};
  int patience = kPatience.defaultValue;
  // After early stopping chose the best epoch, train again from the same start on all songs
  // (validation ones included) for that many epochs: on a small library the held-out 10% is
  // data the model badly needs (docs/experiments.md §1.2). Doubles the training time at most.
  // Only when the held-out songs are the whole validationFraction: once maxValidationSongs binds
  // they are a small share of the library (2 % of 10⁵ songs), not worth nearly twice the time.
  bool refitOnAllSongs = true;
  // Indexed by Task, each finite and ≥ 0; a task is picked with probability proportional to its
  // weight. Songs for an artist and artist count twice: docs/experiments.md §1.2 and §1.4.
  static constexpr base::ParameterSpec<double> kTaskWeight{
      "task_weight", 1.0, 0.0, 1e6, "relative frequency of a task's steps (0: task not trained)"};
  std::array<double, kTaskCount> taskWeights{1, 2, 1, 2, 1};
  // WARP's negative sampling draws labels until one violates the margin, at most this many
  // (LightFM's max_sampled); the rank estimate stays ⌊(|Y| − 1) / draws⌋, and a step whose draws
  // all satisfy the margin makes no update. The cap bounds the work of one step whatever |Y| is
  // (|Y| is the library for the similar-songs and songs-for-artist tasks). [0, 10⁶]; 0 = |Y| − 1
  // (uncapped, as in Weston et al. 2011). 256 binds only above 257 training songs; measured in
  // docs/experiments.md §6.
  static constexpr base::ParameterSpec<int> kMaxNegativeDraws{
      "max_negative_draws", 256, 0, 1000000,
      "WARP's negative draws per step at most (0: |Y| - 1, uncapped)"};
  int maxNegativeDraws = kMaxNegativeDraws.defaultValue;
  // Song labels drawn as negatives are scored against an embedding of every song, V s′, cached
  // this many times per pass over the training examples (one d-dim dot product per draw instead
  // of one per nonzero of the song: ~300 on real songs), at evenly spaced steps of each epoch and
  // at least once an epoch (an epoch is a pass unless maxStepsPerEpoch binds). The query and the
  // positive are always embedded fresh, and the update uses fresh embeddings; only the choice of
  // the negative and the WARP rank estimate see the cached scores. [0, 1000]; 0 = no cache (every
  // draw embeds). Costs d · |S| floats and one pass over the songs' nonzeros per refresh: with
  // ~20 steps a song per pass, about half a song embedding per step at 10, at any library size.
  // 10: as good as no cache on the demo library, 1 was worse (docs/experiments.md §6).
  static constexpr base::ParameterSpec<int> kSongCacheRefreshesPerPass{
      "song_cache_refreshes_per_pass", 10, 0, 1000,
      "refreshes of the cached song embeddings negatives are scored on, per pass over the "
      "examples (0: no cache)"};
  int songCacheRefreshesPerPass = kSongCacheRefreshesPerPass.defaultValue;
  // Iterate averaging (Polyak–Ruppert, here over epoch ends): validation, early stopping and the
  // returned model use the exponential moving average of the parameters at the end of each epoch
  // with this decay (bias-corrected); [0, 1), 0 = off (the last iterate). 0.8: docs/experiments.md
  // §1.2.
  static constexpr base::ParameterSpec<double> kAverageDecay{
      "average_decay",
      0.8,
      0.0,
      1.0,
      "decay of the epoch-end parameter average (0: the last iterate)",
      "",
      base::Bound::Closed,
      base::Bound::Open};
  double averageDecay = kAverageDecay.defaultValue;
  // Learning-rate decay: epoch e (from 1) steps with learningRate / (1 + (e − 1) / T); T ≥ 0 in
  // epochs, 0 = constant rate.
  static constexpr base::ParameterSpec<double> kLearningRateDecayEpochs{
      "learning_rate_decay_epochs",
      0.0,
      0.0,
      1e6,
      "T of learning_rate / (1 + (e - 1) / T) (0: constant)",
      "epochs"};
  double learningRateDecayEpochs = kLearningRateDecayEpochs.defaultValue;
  // AdaGrad (per-parameter steps rate / √Σg², Duchi et al. 2011; LightFM's default) or plain SGD
  // (the paper's). Every song selects the dense summary columns of V, so under one global rate
  // they move at every step while a codeword's column moves only with its songs; AdaGrad evens
  // that out. Measured against SGD: docs/experiments.md §1.3.
  static constexpr base::EnumSpec<Optimizer, 2> kOptimizer{
      "optimizer",
      Optimizer::AdaGrad,
      {{{Optimizer::AdaGrad, "adagrad"}, {Optimizer::Sgd, "sgd"}}},
      "AdaGrad (per-parameter step sizes) or plain SGD"};
  Optimizer optimizer = kOptimizer.defaultValue;

  // Empty when every field is within its declared range and subspaces <= dimension; otherwise one
  // sentence naming the first parameter that is not (trainModel() refuses such options with it).
  [[nodiscard]] std::string validate() const;
};

struct TrainProgress {
  int epoch = 0;
  int epochs = 0;
  double validationScore = 0;  // mean precision@1 over the tasks with validation data
  std::string message;
};

struct TrainReport {
  int epochsRun = 0;
  int bestEpoch = 0;  // of the longest block when subspaces > 1
  // The epoch early stopping chose, averaged over the blocks (= bestEpoch for one block); 0 when
  // none was chosen. Cross-validation averages it over folds (core/eval/crossfit.h).
  double meanBestEpoch = 0;
  double bestValidationScore = 0;
  std::vector<double> validationHistory;
  double examplesPerSecond = 0;
  // Candidate labels scored while sampling negatives (WARP and AUC), summed over every step run
  // (the refit and every subspace included), and the most in any one step: with WARP at most
  // TrainOptions::maxNegativeDraws when that is > 0.
  std::int64_t negativesScored = 0;
  int maxNegativesScoredInStep = 0;
  // Blocks stacked (TrainOptions::subspaces, or what 0 chose for the library).
  int subspaces = 0;
  // The shape of the run (of one block when subspaces > 1): songs held out for validation, SGD
  // steps in an epoch (TrainOptions::maxStepsPerEpoch at most), and whether the model returned
  // is the refit on all songs.
  int validationSongs = 0;
  std::int64_t stepsPerEpoch = 0;
  bool refit = false;
  bool cancelled = false;
  std::string error;  // empty when training ran; else why not (invalid options/data, no data)
};

// What a run leaves for calibrating the model it returns on songs it did not train on
// (core/eval/crossfit.h, docs/design.md §3.1): the validation split — one split shared by every
// block of a stack — and the parameters early stopping chose on it, before any refit on all songs.
// When there was no refit those are the returned model's own. Empty `songs` when the run had no
// validation split (validationFraction 0, or cancelled before an epoch ended).
struct HeldOutModel {
  std::vector<int> songs;   // ascending indices into the TrainingSet's songs
  Eigen::MatrixXf V, A, T;  // the shapes of JointModel's, stacked like the returned model
  int bestEpoch = 0;        // the epoch they come from (of the longest block)
};

// Joint multi-task SGD (docs/design.md §2.1): each step picks a task with its weight, then a
// training example, then makes one WARP (or AUC) update; every column touched is projected back
// onto the ball of radius C. model.features/codebook/names are left as the caller set them; V, A, T
// are (re)initialised from the seed. `heldOut`, when given, receives the run's HeldOutModel.
// `validationSongs`, when not empty, is the validation split instead of the drawn one (every
// block's; validationFraction and maxValidationSongs are then ignored): ascending, distinct
// indices into data's songs, fewer than all of them (else the report's error says why). Such a
// run never refits on all songs, whatever refitOnAllSongs says: its songs are held out so that a
// caller can score them (cross-validation, core/eval/crossfit.h), and the model returned is the
// one early stopping chose on them. Thread rules: blocks the caller; `data` and `validationSongs`
// must not change meanwhile.
TrainReport trainModel(const TrainingSet& data, const TrainOptions& options, JointModel& model,
                       const std::function<void(const TrainProgress&)>& progress = {},
                       const std::atomic<bool>* cancel = nullptr, HeldOutModel* heldOut = nullptr,
                       std::span<const int> validationSongs = {});

// The number of blocks trainModel() stacks for `options` on a library of `numSongs` songs:
// options.subspaces when > 0, else kSmallLibrarySubspaces below kLargeLibrarySongs songs and
// kLargeLibrarySubspaces from there, at most options.dimension. ≥ 1 for valid options.
int subspacesForLibrary(const TrainOptions& options, int numSongs);

// L(k) = Σ_{j≤k} 1/j, the WARP rank weight (L(0) = 0).
double warpRankWeight(int k);
// The sampled rank estimate ⌊(|Y| − 1) / N⌋ after N draws.
int warpRankEstimate(int numLabels, int draws);

}  // namespace songspace::core
