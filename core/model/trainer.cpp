// Joint multi-task SGD for the MUSLSE space (docs/design.md §1–2; Weston, Bengio & Hamel 2011).
//
// Choices the paper leaves open, made here (the measurements are in docs/experiments.md §1):
// - Learning rate: options.learningRate, per parameter scaled by AdaGrad (the default) or
//   constant under plain SGD, as the paper's. Early stopping on the validation split does the
//   job a decay schedule would.
// - Initialisation: every entry of V, A, T from N(0, 1/d) (std 1/sqrt(d)), so a column and a
//   normalised song start with norm ≈ 1; columns of A, T are then projected onto ‖·‖ ≤ C.
// - The norm constraint on songs is the paper's (MUSLSE §3–4): every COLUMN of V is kept in the
//   ball ‖V_k‖ ≤ C, like the columns of A and T; after a step only the columns the touched songs
//   select are projected. Rescaling a whole song whenever ‖V s′‖ > C instead would shrink the
//   dense summary columns, which every song selects, for all songs at every step (§1.1).
//   JointModel::embedSong still projects the embedded song onto ‖V s′‖ ≤ C at query time, so
//   every song the user sees obeys C.
// - Refit on all songs (refitOnAllSongs): validation on 10% of a ~140-song library is ~14 songs,
//   a noisy stopping signal and a large loss of training data. Early stopping picks the epoch
//   count; the model is then retrained from the same start on every song for that many epochs.
// - Hogwild (threads > 1): workers write V, A, T with plain float stores and no locks. That is a
//   data race by design (Niu et al. 2011): updates are sparse and rarely collide, and a lost update
//   costs less than a lock. Never run under TSan expecting silence.
#include "core/model/trainer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>
#include <utility>

#include "core/model/trainer_plan.h"
#include "core/model/trainer_sgd.h"

#if defined(__SANITIZE_THREAD__)
// ThreadSanitizer's dynamic annotations (its runtime defines them).
extern "C" void AnnotateIgnoreReadsBegin(const char* file, int line);
extern "C" void AnnotateIgnoreReadsEnd(const char* file, int line);
extern "C" void AnnotateIgnoreWritesBegin(const char* file, int line);
extern "C" void AnnotateIgnoreWritesEnd(const char* file, int line);
#endif

namespace songspace::core {

namespace {

// Hogwild workers read and write V, A and T with plain float accesses and no locks, by design
// (Niu et al. 2011: sparse updates rarely collide and a lost update costs less than a lock). Under
// ThreadSanitizer a worker's accesses are ignored while this scope lives; a suppression file
// would hide the same reports but symbolises each of millions of racy accesses to match it
// (minutes for a test that takes 0.1 s). The multi-block path never opens it and stays checked.
class HogwildRaceScope {
 public:
#if defined(__SANITIZE_THREAD__)
  HogwildRaceScope() {
    AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
    AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
  }
  ~HogwildRaceScope() {
    AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
    AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
  }
#else
  HogwildRaceScope() = default;
  ~HogwildRaceScope() = default;
#endif
  HogwildRaceScope(const HogwildRaceScope&) = delete;
  HogwildRaceScope& operator=(const HogwildRaceScope&) = delete;
};

using base::Xoshiro256;
using sgd::TrainingPlan;

// Seed offsets: the hold-out split, the initialisation and worker w's stream (seed + w) are
// independent streams of one seed.
constexpr std::uint64_t kHoldoutStream = 0x5EEDCAFEF00Dull;
constexpr std::uint64_t kInitStream = 0x1417DEADBEEFull;
constexpr int kCancelCheckSteps = 1024;  // steps between looks at the cancel flag
// Validation queries scored against every training song in one matrix product: bounds the
// temporary to kValidationChunk · |S| floats.
constexpr Eigen::Index kValidationChunk = 64;
constexpr int kRankWeightTable = 4096;
// WARP candidates drawn (and their columns prefetched) at a time: docs/experiments.md §6.7.
constexpr int kDrawBatch = 8;

std::string validateData(const TrainingSet& d) {
  const auto n = static_cast<std::size_t>(d.numSongs());
  if (d.numArtists < 0 || d.numTags < 0) return "negative vocabulary size";
  if (!d.songTags.empty() && d.songTags.size() != n) return "songTags must have one entry per song";
  if (!d.songArtist.empty() && d.songArtist.size() != n)
    return "songArtist must have one entry per song";
  return {};
}

struct Shared {
  const TrainingPlan* plan = nullptr;
  const TrainOptions* options = nullptr;
  sgd::Parameters params;
  std::array<double, kTaskCount> cumulativeWeight{};
  const std::atomic<bool>* cancel = nullptr;
  std::atomic<bool> stop{false};
  double learningRate = 0;  // this epoch's (options.learningRateDecayEpochs)
  // V s′ of every song as of the last refresh (d × |S|), or empty: no cache.
  Eigen::MatrixXf songCache;
};

// What a worker's steps did: steps run, and the candidates scored while sampling negatives.
struct StepCounts {
  std::int64_t steps = 0;
  std::int64_t scored = 0;
  int maxScoredInStep = 0;
  void add(const StepCounts& other) {
    steps += other.steps;
    scored += other.scored;
    maxScoredInStep = std::max(maxScoredInStep, other.maxScoredInStep);
  }
};

bool hasSongLabels(Task task) {
  return sgd::taskShape(task).label == sgd::Kind::Song;
}

// The score of a candidate negative: from the song cache when there is one.
float candidateScore(const Shared& s, sgd::Kind kind, int label, const Eigen::VectorXf& q) {
  if (kind == sgd::Kind::Song && s.songCache.size() > 0) return s.songCache.col(label).dot(q);
  return sgd::labelScore(s.params, kind, label, q);
}

// The column a candidate's score reads, when it is one dense column (the song cache, A or T);
// null for a song scored through its nonzeros.
const float* candidateColumn(const Shared& s, sgd::Kind kind, int label) {
  switch (kind) {
    case sgd::Kind::Song:
      return s.songCache.size() > 0 ? s.songCache.col(label).data() : nullptr;
    case sgd::Kind::Artist:
      return s.params.A->col(label).data();
    case sgd::Kind::Tag:
      return s.params.T->col(label).data();
  }
  return nullptr;
}

// Asks the CPU to start loading a candidate's column while earlier candidates are scored: at
// 10⁵ songs the song cache is tens of MB and each draw reads a column no cache holds.
void prefetchColumn(const float* column, Eigen::Index rows) {
  if (column == nullptr) return;
  constexpr Eigen::Index kFloatsPerLine = 64 / sizeof(float);
  for (Eigen::Index r = 0; r < rows; r += kFloatsPerLine) __builtin_prefetch(column + r);
}

void refreshSongCache(Shared& s) {
  const SparseRows& songs = *s.params.songs;
  // (S Vᵀ)ᵀ one song at a time: a row-major sparse times a column-major dense, no temporary.
  s.songCache.resize(s.params.V->rows(), songs.rows());
  Eigen::VectorXf e(s.params.V->rows());
  for (Eigen::Index song = 0; song < songs.rows(); ++song) {
    sgd::embed(s.params, sgd::Kind::Song, static_cast<int>(song), e);
    s.songCache.col(song) = e;
  }
}

Task pickTask(const Shared& s, base::Xoshiro256& rng) {
  const double u = base::uniform01(rng) * s.cumulativeWeight.back();
  for (int t = 0; t < kTaskCount; ++t)
    if (u < s.cumulativeWeight[static_cast<std::size_t>(t)]) return static_cast<Task>(t);
  for (int t = kTaskCount - 1; t >= 0; --t)  // u rounded up to the total: the last usable task
    if (t == 0 || s.cumulativeWeight[static_cast<std::size_t>(t)] >
                      s.cumulativeWeight[static_cast<std::size_t>(t - 1)])
      return static_cast<Task>(t);
  return Task::Tags;
}

// One SGD step: a task, an example, a negative, an update, the projection. Returns the number of
// candidate negatives scored.
int sgdStep(Shared& s, base::Xoshiro256& rng, sgd::Scratch& scratch) {
  const TrainingPlan& plan = *s.plan;
  const TrainOptions& o = *s.options;
  const Task task = pickTask(s, rng);
  const sgd::TaskExamples& ex = plan.task(task);
  const auto [query, positive] =
      ex.examples[base::uniformBelow(rng, static_cast<std::uint32_t>(ex.examples.size()))];
  const sgd::TaskShape shape = sgd::taskShape(task);
  // Query and positive are embedded once, here: the update below reuses both.
  sgd::embed(s.params, shape.query, query, scratch.query);
  sgd::embed(s.params, shape.label, positive, scratch.positive);
  const float positiveScore = scratch.positive.dot(scratch.query);

  int negative = -1;
  int scored = 0;
  double weight = 1.0;
  if (o.loss == Loss::Warp) {
    const int cap =
        o.maxNegativeDraws > 0 ? std::min(o.maxNegativeDraws, ex.numLabels - 1) : ex.numLabels - 1;
    // Drawing a positive is not a draw of a negative; the attempt bound only guarantees
    // termination when nearly every label is a positive. Candidates are drawn kDrawBatch at a
    // time and their columns prefetched before the first is scored; they are then taken in
    // order, so the first violating one is the negative, as with one draw at a time.
    const long maxAttempts = 4L * cap + 16;
    std::array<int, kDrawBatch> batch{};
    int batchSize = 0, taken = 0;
    int draws = 0;
    for (long attempt = 0; attempt < maxAttempts && draws < cap; ++attempt) {
      if (taken == batchSize) {
        batchSize = static_cast<int>(std::min<long>(kDrawBatch, maxAttempts - attempt));
        for (int b = 0; b < batchSize; ++b) {
          batch[static_cast<std::size_t>(b)] = plan.sampleLabel(task, rng);
          prefetchColumn(candidateColumn(s, shape.label, batch[static_cast<std::size_t>(b)]),
                         scratch.query.size());
        }
        taken = 0;
      }
      const int candidate = batch[static_cast<std::size_t>(taken++)];
      if (plan.isPositive(task, query, candidate)) continue;
      ++draws;
      if (1.0f - positiveScore + candidateScore(s, shape.label, candidate, scratch.query) > 0.0f) {
        negative = candidate;
        break;
      }
    }
    scored = draws;
    if (negative < 0) return scored;
    weight = warpRankWeight(warpRankEstimate(ex.numLabels, draws));
  } else {
    for (int attempt = 0; attempt < 16 && negative < 0; ++attempt) {
      const int candidate = plan.sampleLabel(task, rng);
      if (!plan.isPositive(task, query, candidate)) negative = candidate;
    }
    if (negative < 0) return scored;
    scored = 1;
    if (1.0f - positiveScore + candidateScore(s, shape.label, negative, scratch.query) <= 0.0f)
      return scored;
  }
  sgd::embed(s.params, shape.label, negative, scratch.negative);
  sgd::tripleStepEmbedded(s.params, task, query, positive, negative,
                          static_cast<float>(s.learningRate), static_cast<float>(weight), scratch);
  sgd::projectTriple(s.params, task, query, positive, negative, static_cast<float>(o.maxNorm),
                     scratch);
  return scored;
}

StepCounts runSteps(Shared& s, base::Xoshiro256& rng, std::int64_t steps) {
  sgd::Scratch scratch(s.options->dimension);
  StepCounts counts;
  for (; counts.steps < steps; ++counts.steps) {
    if (counts.steps % kCancelCheckSteps == 0) {
      if (s.stop.load(std::memory_order_relaxed)) break;
      if (s.cancel && s.cancel->load(std::memory_order_relaxed)) {
        s.stop.store(true, std::memory_order_relaxed);
        break;
      }
    }
    const int scored = sgdStep(s, rng, scratch);
    counts.scored += scored;
    counts.maxScoredInStep = std::max(counts.maxScoredInStep, scored);
  }
  return counts;
}

// `steps` SGD steps, on one thread or split between options.threads Hogwild workers.
StepCounts runShared(Shared& s, std::vector<base::Xoshiro256>& streams, std::int64_t steps) {
  const int threads = s.options->threads;
  if (threads == 1) return runSteps(s, streams[0], steps);
  std::vector<std::thread> workers;
  std::vector<StepCounts> done(static_cast<std::size_t>(threads));
  for (int w = 0; w < threads; ++w) {
    const std::int64_t share = steps / threads + (w < steps % threads ? 1 : 0);
    workers.emplace_back([&, w, share] {
      StepCounts counts;
      {
        [[maybe_unused]] const HogwildRaceScope hogwild;
        counts = runSteps(s, streams[static_cast<std::size_t>(w)], share);
      }
      done[static_cast<std::size_t>(w)] = counts;
    });
  }
  for (auto& worker : workers) worker.join();
  StepCounts total;
  for (const StepCounts& c : done) total.add(c);
  return total;
}

Eigen::VectorXf embedProjected(const sgd::Parameters& p, int song, float maxNorm) {
  Eigen::VectorXf e(p.V->rows());
  sgd::embed(p, sgd::Kind::Song, song, e);
  const float norm = e.norm();
  if (norm > maxNorm) e *= maxNorm / norm;
  return e;
}

int argmax(const Eigen::VectorXf& scores) {
  Eigen::Index best = 0;
  scores.maxCoeff(&best);  // first maximum: ties by lower index, as topK
  return static_cast<int>(best);
}

// Index of the largest entry of each column.
std::vector<int> columnArgmax(const Eigen::MatrixXf& scores) {
  std::vector<int> best(static_cast<std::size_t>(scores.cols()));
  for (Eigen::Index c = 0; c < scores.cols(); ++c)
    best[static_cast<std::size_t>(c)] = argmax(scores.col(c));
  return best;
}

// Mean precision@1 over the tasks that have validation data (see trainer.h), every held-out song
// a query. Scores are matrix products over chunks of queries.
double validationScore(const TrainingPlan& plan, const sgd::Parameters& p, float maxNorm) {
  const TrainingSet& data = plan.data();
  const std::vector<int>& queries = plan.validationSongs();
  if (queries.empty()) return -1.0;
  Eigen::MatrixXf train;  // training songs' embeddings, only if similar songs is validated
  bool needTrain = false;
  for (std::size_t i = 0; i < queries.size() && !needTrain; ++i)
    needTrain = !plan.songNeighbours(queries[i]).empty();
  if (needTrain) {
    train.resize(p.V->rows(), static_cast<Eigen::Index>(plan.trainSongs().size()));
    for (std::size_t j = 0; j < plan.trainSongs().size(); ++j)
      train.col(static_cast<Eigen::Index>(j)) = embedProjected(p, plan.trainSongs()[j], maxNorm);
  }
  std::array<double, 3> hits{}, counts{};
  const auto total = static_cast<Eigen::Index>(queries.size());
  Eigen::MatrixXf embedded(p.V->rows(), std::min(kValidationChunk, total));
  for (Eigen::Index first = 0; first < total; first += kValidationChunk) {
    const Eigen::Index n = std::min(kValidationChunk, total - first);
    embedded.resize(Eigen::NoChange, n);
    for (Eigen::Index i = 0; i < n; ++i)
      embedded.col(i) = embedProjected(p, queries[static_cast<std::size_t>(first + i)], maxNorm);
    std::vector<int> topTag, topArtist, topSong;
    if (data.numTags > 0) topTag = columnArgmax(p.T->transpose() * embedded);
    if (data.numArtists > 0) topArtist = columnArgmax(p.A->transpose() * embedded);
    if (train.cols() > 0) topSong = columnArgmax(train.transpose() * embedded);
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto c = static_cast<std::size_t>(i);
      const int song = queries[static_cast<std::size_t>(first + i)];
      const auto index = static_cast<std::size_t>(song);
      if (index < data.songTags.size() && !data.songTags[index].empty() && !topTag.empty()) {
        const auto& tags = data.songTags[index];
        hits[0] += std::find(tags.begin(), tags.end(), topTag[c]) != tags.end();
        counts[0] += 1;
      }
      if (index < data.songArtist.size() && data.songArtist[index] >= 0 && !topArtist.empty()) {
        hits[1] += topArtist[c] == data.songArtist[index];
        counts[1] += 1;
      }
      const auto& neighbours = plan.songNeighbours(song);
      if (!neighbours.empty() && !topSong.empty()) {
        const int top = plan.trainSongs()[static_cast<std::size_t>(topSong[c])];
        hits[2] += std::binary_search(neighbours.begin(), neighbours.end(), top);
        counts[2] += 1;
      }
    }
  }
  double sum = 0;
  int tasks = 0;
  for (std::size_t t = 0; t < hits.size(); ++t) {
    if (counts[t] > 0) {
      sum += hits[t] / counts[t];
      ++tasks;
    }
  }
  return tasks ? sum / tasks : -1.0;  // -1: nothing to validate on
}

// Empty when `songs` can be a validation split of `data` (trainModel), else why not.
std::string validateValidationSongs(const TrainingSet& data, std::span<const int> songs) {
  if (songs.empty()) return {};
  if (static_cast<int>(songs.size()) >= data.numSongs())
    return "the validation songs must leave at least one song to train on";
  for (std::size_t i = 0; i < songs.size(); ++i) {
    if (songs[i] < 0 || songs[i] >= data.numSongs())
      return "validation song " + std::to_string(songs[i]) + " is not a song of the training set";
    if (i > 0 && songs[i] <= songs[i - 1])
      return "the validation songs must be ascending and distinct";
  }
  return {};
}

// The refit pays only while the held-out songs are the whole validation fraction (trainer.h).
bool refitWanted(const TrainOptions& o, const TrainingSet& data) {
  return o.refitOnAllSongs &&
         std::lround(o.validationFraction * data.numSongs()) <= o.maxValidationSongs;
}

void initialise(JointModel& model, const TrainingSet& data, const TrainOptions& o) {
  const int d = o.dimension;
  base::Xoshiro256 rng(o.seed ^ kInitStream);
  const double stddev = 1.0 / std::sqrt(static_cast<double>(d));
  auto fill = [&](Eigen::MatrixXf& m, Eigen::Index cols) {
    m.resize(d, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i)
      m.data()[i] = static_cast<float>(base::standardNormal(rng) * stddev);
  };
  fill(model.V, data.featureDimension());
  fill(model.A, data.numArtists);
  fill(model.T, data.numTags);
  for (Eigen::MatrixXf* m : {&model.A, &model.T})
    for (Eigen::Index c = 0; c < m->cols(); ++c)
      if (m->col(c).norm() > o.maxNorm)
        m->col(c) *= static_cast<float>(o.maxNorm / m->col(c).norm());
  model.maxNorm = static_cast<float>(o.maxNorm);
}

}  // namespace

double warpRankWeight(int k) {
  static const std::vector<double> table = [] {
    std::vector<double> t(kRankWeightTable + 1, 0.0);
    for (int j = 1; j <= kRankWeightTable; ++j) t[static_cast<std::size_t>(j)] = t[j - 1] + 1.0 / j;
    return t;
  }();
  if (k <= 0) return 0.0;
  if (k <= kRankWeightTable) return table[static_cast<std::size_t>(k)];
  // Beyond the table: H_k = ln k + γ + 1/(2k) − 1/(12k²) + O(k⁻⁴), exact to double precision here.
  const double x = k;
  return std::log(x) + 0.57721566490153286061 + 1.0 / (2 * x) - 1.0 / (12 * x * x);
}

int warpRankEstimate(int numLabels, int draws) {
  if (draws <= 0 || numLabels <= 1) return 0;
  return (numLabels - 1) / draws;
}

std::string TrainOptions::validate() const {
  for (const auto& [spec, value] :
       {std::pair{&kDimension, dimension}, std::pair{&kSubspaces, subspaces},
        std::pair{&kEpochs, epochs}, std::pair{&kThreads, threads}, std::pair{&kPatience, patience},
        std::pair{&kMaxValidationSongs, maxValidationSongs},
        std::pair{&kMaxStepsPerEpoch, maxStepsPerEpoch},
        std::pair{&kMaxNegativeDraws, maxNegativeDraws},
        std::pair{&kSongCacheRefreshesPerPass, songCacheRefreshesPerPass}}) {
    if (std::string error = spec->validate(value); !error.empty()) return error;
  }
  if (subspaces > dimension)
    return "subspaces = " + std::to_string(subspaces) +
           " exceeds dimension = " + std::to_string(dimension) +
           " (every block needs at least one dimension)";
  for (const auto& [spec, value] :
       {std::pair{&kLearningRate, learningRate}, std::pair{&kMaxNorm, maxNorm},
        std::pair{&kValidationFraction, validationFraction},
        std::pair{&kAverageDecay, averageDecay},
        std::pair{&kLearningRateDecayEpochs, learningRateDecayEpochs}}) {
    if (std::string error = spec->validate(value); !error.empty()) return error;
  }
  for (const double weight : taskWeights)
    if (std::string error = kTaskWeight.validate(weight); !error.empty()) return error;
  if (kLoss.wordOf(loss).empty()) return "loss is not one of " + kLoss.choicesProse();
  if (kOptimizer.wordOf(optimizer).empty())
    return "optimizer is not one of " + kOptimizer.choicesProse();
  return {};
}

// One block: the whole space when options.subspaces == 1.
// `holdoutSeed` draws the validation split (the stack's, shared by its blocks); `heldOut`, when
// given, receives that split and the parameters chosen on it.
// `fixedValidation`: the caller's validation split (trainModel), empty for the drawn one.
static TrainReport trainSingle(const TrainingSet& data, const TrainOptions& options,
                               std::uint64_t holdoutSeed, JointModel& model,
                               const std::function<void(const TrainProgress&)>& progress,
                               const std::atomic<bool>* cancel, HeldOutModel* heldOut,
                               std::span<const int> fixedValidation) {
  TrainReport report;
  report.error = options.validate();
  if (report.error.empty()) report.error = validateData(data);
  if (report.error.empty()) report.error = validateValidationSongs(data, fixedValidation);
  if (!report.error.empty()) return report;

  initialise(model, data, options);
  const TrainingPlan plan(data, options.validationFraction, options.maxValidationSongs, holdoutSeed,
                          fixedValidation);
  Shared shared;
  shared.plan = &plan;
  shared.options = &options;
  shared.params = {&model.V, &model.A, &model.T, &data.songs};
  Eigen::MatrixXf squaredV, squaredA, squaredT;
  if (options.optimizer == Optimizer::AdaGrad) {
    squaredV.setOnes(model.V.rows(), model.V.cols());
    squaredA.setOnes(model.A.rows(), model.A.cols());
    squaredT.setOnes(model.T.rows(), model.T.cols());
    shared.params.squaredV = &squaredV;
    shared.params.squaredA = &squaredA;
    shared.params.squaredT = &squaredT;
  }
  shared.cancel = cancel;
  double total = 0;
  for (int t = 0; t < kTaskCount; ++t) {
    if (plan.task(static_cast<Task>(t)).usable())
      total += options.taskWeights[static_cast<std::size_t>(t)];
    shared.cumulativeWeight[static_cast<std::size_t>(t)] = total;
  }
  const auto examples = static_cast<std::int64_t>(plan.totalExamples());
  const std::int64_t stepsPerEpoch = std::min<std::int64_t>(examples, options.maxStepsPerEpoch);
  if (total <= 0 || stepsPerEpoch == 0) {
    report.error = "no task has training data";
    return report;
  }
  report.validationSongs = static_cast<int>(plan.validationSongs().size());
  report.stepsPerEpoch = stepsPerEpoch;

  // The song cache pays only when a task with weight draws songs as negatives.
  bool songLabels = false;
  for (int t = 0; t < kTaskCount; ++t)
    songLabels |= hasSongLabels(static_cast<Task>(t)) && plan.task(static_cast<Task>(t)).usable() &&
                  options.taskWeights[static_cast<std::size_t>(t)] > 0;
  const bool cacheSongs = songLabels && options.songCacheRefreshesPerPass > 0;
  // Refreshes per epoch: the per-pass count scaled to the epoch's share of a pass, at least one.
  const std::int64_t segments =
      cacheSongs
          ? std::clamp<std::int64_t>(
                (options.songCacheRefreshesPerPass * stepsPerEpoch + examples / 2) / examples, 1,
                stepsPerEpoch)
          : 1;

  std::vector<base::Xoshiro256> streams;
  streams.reserve(static_cast<std::size_t>(options.threads));
  for (int w = 0; w < options.threads; ++w)
    streams.emplace_back(options.seed + static_cast<std::uint64_t>(w));
  Eigen::MatrixXf bestV = model.V, bestA = model.A, bestT = model.T;
  report.bestValidationScore = -1;
  int sinceBest = 0;
  double sgdSeconds = 0;
  std::int64_t stepsDone = 0;

  // Iterate averaging: sums of decay-weighted epoch-end parameters and their total weight.
  const bool averaging = options.averageDecay > 0;
  Eigen::MatrixXf sumV, sumA, sumT, avgV, avgA, avgT;
  double sumWeight = 0;
  if (averaging) {
    sumV.setZero(model.V.rows(), model.V.cols());
    sumA.setZero(model.A.rows(), model.A.cols());
    sumT.setZero(model.T.rows(), model.T.cols());
  }
  const sgd::Parameters averaged{&avgV, &avgA, &avgT, &data.songs};

  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    shared.learningRate =
        options.learningRateDecayEpochs > 0
            ? options.learningRate / (1.0 + (epoch - 1) / options.learningRateDecayEpochs)
            : options.learningRate;
    // The epoch in `segments` runs of steps, the song cache refreshed before each.
    for (std::int64_t i = 0; i < segments && !shared.stop.load(); ++i) {
      if (cacheSongs) refreshSongCache(shared);
      const StepCounts counts = runShared(
          shared, streams, stepsPerEpoch * (i + 1) / segments - stepsPerEpoch * i / segments);
      stepsDone += counts.steps;
      report.negativesScored += counts.scored;
      report.maxNegativesScoredInStep =
          std::max(report.maxNegativesScoredInStep, counts.maxScoredInStep);
    }
    sgdSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (shared.stop.load()) {
      report.cancelled = true;
      break;
    }

    report.epochsRun = epoch;
    if (averaging) {
      const auto decay = static_cast<float>(options.averageDecay);
      sumV = decay * sumV + model.V;
      sumA = decay * sumA + model.A;
      sumT = decay * sumT + model.T;
      sumWeight = options.averageDecay * sumWeight + 1.0;
      const auto inverse = static_cast<float>(1.0 / sumWeight);
      avgV = sumV * inverse;
      avgA = sumA * inverse;
      avgT = sumT * inverse;
    }
    const double score = validationScore(plan, averaging ? averaged : shared.params, model.maxNorm);
    report.validationHistory.push_back(score);
    if (score > report.bestValidationScore || score < 0) {  // no validation data: keep the last
      report.bestValidationScore = score;
      report.bestEpoch = epoch;
      bestV = averaging ? avgV : model.V;
      bestA = averaging ? avgA : model.A;
      bestT = averaging ? avgT : model.T;
      sinceBest = 0;
    } else {
      ++sinceBest;
    }
    if (progress) {
      TrainProgress p;
      p.epoch = epoch;
      p.epochs = options.epochs;
      p.validationScore = std::max(0.0, score);
      p.message = "epoch " + std::to_string(epoch) + ": validation precision@1 " +
                  (score < 0 ? std::string("n/a") : std::to_string(score));
      progress(p);
    }
    if (options.patience > 0 && sinceBest >= options.patience) break;
  }

  if (heldOut && report.bestEpoch > 0 && report.bestValidationScore >= 0) {
    heldOut->songs = plan.validationSongs();
    std::sort(heldOut->songs.begin(), heldOut->songs.end());
    heldOut->V = bestV;
    heldOut->A = bestA;
    heldOut->T = bestT;
    heldOut->bestEpoch = report.bestEpoch;
  }
  report.meanBestEpoch = report.bestEpoch;
  if (fixedValidation.empty() && refitWanted(options, data) && !report.cancelled &&
      report.bestEpoch > 0 && !plan.validationSongs().empty() && report.bestValidationScore >= 0) {
    TrainOptions refit = options;
    refit.validationFraction = 0;
    refit.patience = 0;
    refit.epochs = report.bestEpoch;
    refit.refitOnAllSongs = false;
    // The refit reports its own epochs so a progress bar keeps moving.
    std::function<void(const TrainProgress&)> refitProgress;
    if (progress) {
      refitProgress = [&](const TrainProgress& p) {
        TrainProgress q = p;
        q.validationScore = std::max(0.0, report.bestValidationScore);
        q.message = "refit on all songs: epoch " + std::to_string(p.epoch) + " of " +
                    std::to_string(p.epochs);
        progress(q);
      };
    }
    const TrainReport second =
        trainSingle(data, refit, holdoutSeed, model, refitProgress, cancel, nullptr, {});
    report.negativesScored += second.negativesScored;
    report.maxNegativesScoredInStep =
        std::max(report.maxNegativesScoredInStep, second.maxNegativesScoredInStep);
    if (second.error.empty() && !second.cancelled) {
      report.examplesPerSecond =
          0.5 * (second.examplesPerSecond + (sgdSeconds > 0 ? stepsDone / sgdSeconds : 0.0));
      report.bestValidationScore = std::max(0.0, report.bestValidationScore);
      model.info["validation_precision_at_1"] = std::to_string(report.bestValidationScore);
      model.info["epochs"] = std::to_string(report.epochsRun);
      model.info["best_epoch"] = std::to_string(report.bestEpoch);
      model.info["refit"] = "all songs";
      report.refit = true;
      return report;
    }
    report.cancelled = second.cancelled;  // the first model is restored below
  }
  if (report.bestEpoch > 0) {
    model.V = std::move(bestV);
    model.A = std::move(bestA);
    model.T = std::move(bestT);
  }
  report.bestValidationScore = std::max(0.0, report.bestValidationScore);
  report.examplesPerSecond = sgdSeconds > 0 ? static_cast<double>(stepsDone) / sgdSeconds : 0.0;
  model.info["loss"] = options.loss == Loss::Warp ? "warp" : "auc";
  model.info["dim"] = std::to_string(options.dimension);
  model.info["epochs"] = std::to_string(report.epochsRun);
  model.info["best_epoch"] = std::to_string(report.bestEpoch);
  model.info["seed"] = std::to_string(options.seed);
  model.info["learning_rate"] = std::to_string(options.learningRate);
  model.info["max_norm"] = std::to_string(options.maxNorm);
  model.info["validation_precision_at_1"] = std::to_string(report.bestValidationScore);
  return report;
}

int subspacesForLibrary(const TrainOptions& options, int numSongs) {
  if (options.subspaces > 0) return options.subspaces;
  const int stack = numSongs < kLargeLibrarySongs ? kSmallLibrarySubspaces : kLargeLibrarySubspaces;
  return std::max(1, std::min(stack, options.dimension));
}

TrainReport trainModel(const TrainingSet& data, const TrainOptions& requested, JointModel& model,
                       const std::function<void(const TrainProgress&)>& progress,
                       const std::atomic<bool>* cancel, HeldOutModel* heldOut,
                       std::span<const int> validationSongs) {
  TrainReport report;
  report.error = requested.validate();
  if (report.error.empty()) report.error = validateValidationSongs(data, validationSongs);
  if (!report.error.empty()) return report;
  if (heldOut) *heldOut = HeldOutModel{};
  TrainOptions options = requested;
  options.subspaces = subspacesForLibrary(requested, data.numSongs());
  const std::uint64_t holdoutSeed = options.seed ^ kHoldoutStream;
  if (options.subspaces == 1) {
    report =
        trainSingle(data, options, holdoutSeed, model, progress, cancel, heldOut, validationSongs);
    report.subspaces = 1;
    model.info["subspaces"] = "1";
    return report;
  }
  const int m = options.subspaces;
  report.subspaces = m;

  // Block i: dimension / m rows (the first dimension % m blocks one more), its own seed, and
  // threads shared out so that blocks run side by side.
  std::vector<TrainOptions> blockOptions(static_cast<std::size_t>(m), options);
  std::vector<int> firstRow(static_cast<std::size_t>(m) + 1, 0);
  for (int i = 0; i < m; ++i) {
    TrainOptions& o = blockOptions[static_cast<std::size_t>(i)];
    o.subspaces = 1;
    o.dimension = options.dimension / m + (i < options.dimension % m ? 1 : 0);
    o.seed = options.seed + kSubspaceSeedStride * static_cast<std::uint64_t>(i);
    o.threads = std::max(1, options.threads / m);
    firstRow[static_cast<std::size_t>(i) + 1] = firstRow[static_cast<std::size_t>(i)] + o.dimension;
  }
  std::vector<JointModel> blocks(static_cast<std::size_t>(m), model);
  std::vector<TrainReport> reports(static_cast<std::size_t>(m));
  std::vector<HeldOutModel> blockHeldOut(heldOut ? static_cast<std::size_t>(m) : 0);

  // Progress: every epoch of every block (search and refit) is one step of an upper bound.
  std::mutex progressMutex;
  int stepsDone = 0;
  const int stepBound =
      m * options.epochs * (validationSongs.empty() && refitWanted(options, data) ? 2 : 1);
  auto blockProgress = [&](int block) -> std::function<void(const TrainProgress&)> {
    if (!progress) return {};
    return [&, block](const TrainProgress& p) {
      const std::lock_guard lock(progressMutex);
      TrainProgress q = p;
      q.epoch = std::min(++stepsDone, stepBound);
      q.epochs = stepBound;
      q.message =
          "subspace " + std::to_string(block + 1) + " of " + std::to_string(m) + ", " + p.message;
      progress(q);
    };
  };
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int i = next++; i < m; i = next++) {
      const auto b = static_cast<std::size_t>(i);
      reports[b] = trainSingle(data, blockOptions[b], holdoutSeed, blocks[b], blockProgress(i),
                               cancel, heldOut ? &blockHeldOut[b] : nullptr, validationSongs);
      if (!reports[b].error.empty() || reports[b].cancelled) next = m;  // the others stop too
    }
  };
  const int workers = std::min(options.threads, m);
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  for (const TrainReport& r : reports) {
    if (!r.error.empty()) return r;
    if (r.cancelled || (cancel && cancel->load())) {
      report.cancelled = true;
      return report;
    }
  }
  // One space: the blocks stacked, each scaled by 1/√m so every raw score is the mean of the
  // blocks' scores and every column keeps norm ≤ C. (A song's embedding is projected onto
  // ‖V s′‖ ≤ C as a whole at query time, so a clipped song's scores are the clipped mean.)
  const auto scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(m)));
  Eigen::MatrixXf V(options.dimension, blocks.front().V.cols());
  Eigen::MatrixXf A(options.dimension, blocks.front().A.cols());
  Eigen::MatrixXf T(options.dimension, blocks.front().T.cols());
  // The held-out parameters stack the same way, when every block has them (one split for all).
  bool stackHeldOut = heldOut != nullptr;
  for (const HeldOutModel& h : blockHeldOut)
    stackHeldOut = stackHeldOut && !h.songs.empty() && h.songs == blockHeldOut.front().songs;
  if (stackHeldOut) {
    heldOut->songs = blockHeldOut.front().songs;
    heldOut->V.resize(V.rows(), V.cols());
    heldOut->A.resize(A.rows(), A.cols());
    heldOut->T.resize(T.rows(), T.cols());
  }
  double validation = 0, rate = 0;
  for (int i = 0; i < m; ++i) {
    const auto b = static_cast<std::size_t>(i);
    const int rows = blockOptions[b].dimension;
    V.middleRows(firstRow[b], rows) = scale * blocks[b].V;
    A.middleRows(firstRow[b], rows) = scale * blocks[b].A;
    T.middleRows(firstRow[b], rows) = scale * blocks[b].T;
    if (stackHeldOut) {
      heldOut->V.middleRows(firstRow[b], rows) = scale * blockHeldOut[b].V;
      heldOut->A.middleRows(firstRow[b], rows) = scale * blockHeldOut[b].A;
      heldOut->T.middleRows(firstRow[b], rows) = scale * blockHeldOut[b].T;
      heldOut->bestEpoch = std::max(heldOut->bestEpoch, blockHeldOut[b].bestEpoch);
    }
    report.epochsRun = std::max(report.epochsRun, reports[b].epochsRun);
    report.validationSongs = reports[b].validationSongs;
    report.stepsPerEpoch = reports[b].stepsPerEpoch;
    report.refit = reports[b].refit;
    report.bestEpoch = std::max(report.bestEpoch, reports[b].bestEpoch);
    report.meanBestEpoch += static_cast<double>(reports[b].bestEpoch) / m;
    validation += reports[b].bestValidationScore / m;
    report.negativesScored += reports[b].negativesScored;
    report.maxNegativesScoredInStep =
        std::max(report.maxNegativesScoredInStep, reports[b].maxNegativesScoredInStep);
    rate += reports[b].examplesPerSecond / m;
  }
  // Everything but the parameters (the caller's fields, info) as block 0 left it.
  model = std::move(blocks.front());
  model.V = std::move(V);
  model.A = std::move(A);
  model.T = std::move(T);
  report.bestValidationScore = validation;
  report.validationHistory = reports.front().validationHistory;  // one block's curve, as a sample
  // Blocks running side by side add their rates.
  report.examplesPerSecond = rate * workers;
  model.info["dim"] = std::to_string(options.dimension);
  model.info["subspaces"] = std::to_string(m);
  model.info["seed"] = std::to_string(options.seed);
  model.info["epochs"] = std::to_string(report.epochsRun);
  model.info["best_epoch"] = std::to_string(report.bestEpoch);
  model.info["validation_precision_at_1"] = std::to_string(report.bestValidationScore);
  return report;
}

}  // namespace songspace::core
