#pragma once

#include <Eigen/Core>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace songspace::core {

// Turning the joint space's raw scores (dot products, on a different scale in every list) into
// probabilities that mean the same thing everywhere (docs/design.md §3.1). The parameters are
// fitted on songs the scoring model did not train on (core/eval/crossfit.h) and stored in the
// model file (JointModel::calibration).
//
// Thread rules: plain values and pure functions; a const Calibration may be read from any thread.

// Platt scaling (Platt 1999): P(y = 1 | s) = σ(slope · s + intercept), σ(z) = 1/(1 + e^(−z)).
struct PlattScaling {
  float slope = 1.0f;
  float intercept = 0.0f;
  // In [0, 1]; never NaN for a finite score.
  float probability(float score) const;
};

// A Gaussian prior on (slope, intercept): N(mean, diag(slopeStd², interceptStd²)).
struct PlattPrior {
  PlattScaling mean;
  double slopeStd = 1.0;      // > 0
  double interceptStd = 1.0;  // > 0
};

// Maximum-likelihood Platt fit of binary outcomes to scores, or with `prior` the maximum a
// posteriori fit (the Gaussian prior's log density added to the log likelihood). Newton's method
// on the (weighted) logistic log likelihood, which is concave, with step halving; at most 100
// iterations. `labels` is 1 (positive) or 0, `weights` (optional, else all 1) are ≥ 0 and count an
// example that many times (a subsampled negative stands for several). Same sizes. Without a prior,
// data that are separable or of one class have no finite maximum: the fit then stops at slope
// and intercept of magnitude ≤ 50 (probabilities within e^−50 of 0 or 1 on the data), still
// ordered by the score. Empty data: the prior's mean (or the identity σ(s) without a prior).
PlattScaling fitPlatt(std::span<const float> scores, std::span<const char> labels,
                      std::span<const float> weights = {}, const PlattPrior* prior = nullptr);

// Temperature scaling (Guo et al. 2017, "On calibration of modern neural networks"):
// P(class i | scores s) = softmax(s / τ)_i. `scores` is classes × queries (one column per query);
// a NaN score marks a class that is not a candidate for that query (it gets probability 0).
// `truth[q]` is the true class of column q (−1 or a non-candidate: the query is skipped). Returns
// the τ > 0 that minimises the mean negative log likelihood, found by Newton's method on β = 1/τ
// (the NLL is convex in β), clamped to β ∈ [10⁻³, 10³]. 1 when no query counts.
float fitTemperature(const Eigen::MatrixXf& scores, std::span<const int> truth);

// softmax(s / τ) over the non-NaN entries of `scores`; NaN entries get 0. All zero when τ ≤ 0.
Eigen::VectorXf temperatureSoftmax(const Eigen::VectorXf& scores, float temperature);

// The lowest threshold t ≥ `floor` such that the outcomes of every probability ≥ t have empirical
// precision ≥ targetPrecision: a proposal that is more likely wrong than right is not worth
// making, however many good ones surround it. Precision need not rise with t, so a cut below the
// floor that reaches the target does not make the floor reach it. `probabilities` and `labels`
// have the same size. When no threshold ≥ floor reaches the target on these data,
// max(targetPrecision, floor): a calibrated probability ≥ the target is a proposal right at least
// that often.
float precisionThreshold(std::span<const float> probabilities, std::span<const char> labels,
                         double targetPrecision, double floor);

// One point of the held-out precision curve: of the held-out (song, tag) pairs whose calibrated
// probability is ≥ threshold, `proposals` is how many there are and `precision` the share of them
// the song really has (0 when there are none).
struct PrecisionPoint {
  float threshold = 0;
  float precision = 0;
  int proposals = 0;
};

// The curve's fixed grid: thresholds i · kPrecisionCurveStep for i = 0 … kPrecisionCurvePoints − 1
// (0.00, 0.01, …, 0.99), so any threshold a user can ask for (in percent) has a point at or just
// below it. 100 points of 12 bytes: compact enough for the model file.
inline constexpr int kPrecisionCurvePoints = 100;
inline constexpr double kPrecisionCurveStep = 0.01;
float precisionCurveThreshold(int point);  // the grid's threshold of point `point`

// The curve of `probabilities` (with their outcomes `labels`, same size) on the grid above,
// ascending in threshold. O(n + points). Empty when the sizes differ.
std::vector<PrecisionPoint> precisionCurve(std::span<const float> probabilities,
                                           std::span<const char> labels);

// precisionThreshold() on a curve: the lowest grid threshold ≥ floor whose point has proposals
// and precision ≥ targetPrecision; max(targetPrecision, floor) when none has (or the curve is
// empty). A threshold picked between two held-out probabilities may therefore sit up to one grid
// step above the exact one precisionThreshold() finds.
float curveThreshold(std::span<const PrecisionPoint> curve, double targetPrecision, double floor);

// The point of `curve` with the largest threshold ≤ `threshold`: what proposals at least that
// probable did on the held-out songs (a threshold between grid points gets the point below, whose
// proposals include slightly less probable ones). nullopt when the curve is empty or starts above.
std::optional<PrecisionPoint> precisionAt(std::span<const PrecisionPoint> curve, float threshold);

// Everything the model file keeps to calibrate its scores. Sizes: tags has one entry per column
// of JointModel::T (a model whose calibration disagrees is refused on load).
struct Calibration {
  // Tags (multi-label): P(tag t applies to the song) = tags[t].probability(T_tᵀ V x). Each tag's
  // fit is the MAP estimate under a Gaussian prior centred on `pooledTags`, the one fit of every
  // (song, tag) pair together; a tag with few positives therefore stays near the pooled fit and a
  // frequent one follows its own data (docs/design.md §3.1).
  std::vector<PlattScaling> tags;
  PlattScaling pooledTags;
  // Artist (one per song): P(artist i) = softmax(A^T V x / artistTemperature)_i, τ > 0.
  float artistTemperature = 1.0f;
  // Similar songs and similar artists: P(a pair this close is related) = pairs.probability(score)
  // where score is the pair's dot product ((V x′)ᵀ V x or A_iᵀ A_j, both bounded by C²) and
  // related means same artist, same album or a shared playlist, fitted on held-out song pairs.
  PlattScaling pairs;
  // Auto-tag: proposals are tags with probability ≥ autoTagThreshold, the precisionThreshold()
  // for targetPrecision on the held-out songs; expectedPrecision is what those proposals scored
  // there (0 when none), songs the number of held-out songs the fits saw, folds how many models
  // scored them.
  float autoTagThreshold = 0.9f;
  float targetPrecision = 0.9f;
  float expectedPrecision = 0.0f;
  int songs = 0;
  int folds = 0;
  // The held-out precision curve of the calibrated tag probabilities (precisionCurve()), from
  // which auto-tag picks a threshold for another target precision (curveThreshold()) and reports
  // what a threshold did on the held-out songs (precisionAt()). Empty in a model file saved before
  // format 4.
  std::vector<PrecisionPoint> precisionCurve;

  float tagProbability(int tag, float score) const;  // 0 for a tag index out of range
  Eigen::VectorXf tagProbabilities(const Eigen::VectorXf& tagScores) const;  // T^T V x → P
  Eigen::VectorXf artistProbabilities(const Eigen::VectorXf& artistScores) const;
  float pairProbability(float score) const { return pairs.probability(score); }
};

// Held-out scores and outcomes, gathered by core/eval/crossfit.h from models that did not train
// on the songs scored.
struct CalibrationData {
  // One entry per (held-out song, tag) pair: tag index, raw score T_tᵀ V x, 1 if the song has it.
  std::vector<int> tagIndex;
  std::vector<float> tagScores;
  std::vector<char> tagLabels;
  // Artists × held-out songs, NaN where the artist was not a candidate (see fitTemperature), and
  // the true artist of each column.
  Eigen::MatrixXf artistScores;
  std::vector<int> artistTruth;
  // Song pairs: raw score, 1 if related, and the weight of the example (a subsampled negative
  // stands for several).
  std::vector<float> pairScores;
  std::vector<char> pairLabels;
  std::vector<float> pairWeights;
  int songs = 0;
  int folds = 0;
  // Only when CalibrationOptions::keepNeighbours (docs/experiments.md §7.2's measurements): per
  // held-out tagged song, in the order of its tag pairs above, its song index and its nearest
  // tagged training songs of the scoring model (at most kKeptNeighbours, most similar first) as
  // (song, cosine), in the model's input feature space and in the joint space (V x).
  static constexpr int kKeptNeighbours = 50;
  std::vector<int> tagSongs;
  std::vector<std::vector<std::pair<int, float>>> featureNeighbours, jointNeighbours;
};

// The fits of Calibration from held-out data, for `numTags` tags:
// - pooledTags: the maximum-likelihood Platt fit of every tag pair together;
// - tags[t]: the MAP Platt fit of tag t's pairs under the prior N(pooledTags, diag(σ_a², σ_b²))
//   with σ_a = kTagSlopePriorScale · max(|pooled slope|, 0.1) and σ_b = kTagInterceptPriorStd: a
//   tag's slope stays near the shared one (every tag's scores come from the same space), while
//   its intercept, which carries the tag's prior frequency, may move far (a tag on 2 % of songs and
//   one on 40 % differ by 3.5 in log-odds); a tag without held-out pairs gets the pooled fit;
// - artistTemperature: fitTemperature() of the artist scores;
// - pairs: the weighted maximum-likelihood Platt fit of the pair scores;
// - autoTagThreshold: precisionThreshold(targetPrecision, floor 0.5) of the calibrated tag
//   probabilities, expectedPrecision the precision of the held-out proposals at it;
// - precisionCurve: precisionCurve() of the same probabilities.
inline constexpr double kTagSlopePriorScale = 0.5;
inline constexpr double kTagInterceptPriorStd = 2.0;
inline constexpr double kAutoTagThresholdFloor = 0.5;
Calibration fitCalibration(const CalibrationData& data, int numTags, double targetPrecision);

}  // namespace songspace::core
