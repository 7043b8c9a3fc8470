#include "core/model/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace songspace::core {

namespace {

constexpr int kMaxNewtonIterations = 100;
constexpr double kConverged = 1e-10;  // change of the objective that ends a Newton fit
// Without a prior, separable data push the fit to infinity: stop where the probabilities on the
// data are already within e^−50 of 0 or 1 (see fitPlatt in the header).
constexpr double kUnregularisedBound = 50.0;
// β = 1/τ is kept in [1/kMaxBeta, kMaxBeta] (see fitTemperature in the header).
constexpr double kMaxBeta = 1e3;

// log σ(z) and log(1 − σ(z)) = log σ(−z), without overflow for large |z|.
double logSigmoid(double z) {
  return z >= 0 ? -std::log1p(std::exp(-z)) : z - std::log1p(std::exp(z));
}

double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

struct PlattObjective {
  std::span<const float> scores;
  std::span<const char> labels;
  std::span<const float> weights;
  const PlattPrior* prior;

  double weight(std::size_t i) const { return weights.empty() ? 1.0 : weights[i]; }

  // The log posterior (log likelihood + log prior, up to a constant).
  double value(double a, double b) const {
    double sum = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      const double z = a * scores[i] + b;
      sum += weight(i) * (labels[i] ? logSigmoid(z) : logSigmoid(-z));
    }
    if (prior) {
      const double da = (a - prior->mean.slope) / prior->slopeStd;
      const double db = (b - prior->mean.intercept) / prior->interceptStd;
      sum -= 0.5 * (da * da + db * db);
    }
    return sum;
  }
};

}  // namespace

float PlattScaling::probability(float score) const {
  return static_cast<float>(sigmoid(static_cast<double>(slope) * score + intercept));
}

PlattScaling fitPlatt(std::span<const float> scores, std::span<const char> labels,
                      std::span<const float> weights, const PlattPrior* prior) {
  if (scores.empty() || labels.size() != scores.size() ||
      (!weights.empty() && weights.size() != scores.size())) {
    return prior ? prior->mean : PlattScaling{};
  }
  const PlattObjective objective{scores, labels, weights, prior};
  double a = prior ? prior->mean.slope : 1.0;
  double b = prior ? prior->mean.intercept : 0.0;
  if (!prior) {  // start at the base rate: the intercept of a model that ignores the score
    double positives = 0, total = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      positives += objective.weight(i) * (labels[i] ? 1 : 0);
      total += objective.weight(i);
    }
    const double rate = std::clamp(positives / std::max(total, 1e-12), 1e-6, 1 - 1e-6);
    a = 0.0;
    b = std::log(rate / (1 - rate));
  }
  double current = objective.value(a, b);
  for (int iteration = 0; iteration < kMaxNewtonIterations; ++iteration) {
    // Gradient g and Hessian H of the log posterior; H is negative definite with a prior (and
    // semi-definite without one, hence the tiny ridge).
    double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      const double s = scores[i];
      const double p = sigmoid(a * s + b);
      const double w = objective.weight(i);
      const double residual = w * ((labels[i] ? 1.0 : 0.0) - p);
      const double curvature = w * p * (1 - p);
      ga += residual * s;
      gb += residual;
      haa += curvature * s * s;
      hab += curvature * s;
      hbb += curvature;
    }
    if (prior) {
      const double va = prior->slopeStd * prior->slopeStd;
      const double vb = prior->interceptStd * prior->interceptStd;
      ga -= (a - prior->mean.slope) / va;
      gb -= (b - prior->mean.intercept) / vb;
      haa += 1 / va;
      hbb += 1 / vb;
    } else {
      haa += 1e-9;
      hbb += 1e-9;
    }
    // Newton direction: (−H)⁻¹ g, with −H = [[haa, hab], [hab, hbb]].
    const double det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const double da = (hbb * ga - hab * gb) / det;
    const double db = (haa * gb - hab * ga) / det;
    double step = 1.0;
    double na = a, nb = b, next = current;
    for (int halving = 0; halving < 30; ++halving, step *= 0.5) {
      na = a + step * da;
      nb = b + step * db;
      if (!prior) {
        na = std::clamp(na, -kUnregularisedBound, kUnregularisedBound);
        nb = std::clamp(nb, -kUnregularisedBound, kUnregularisedBound);
      }
      next = objective.value(na, nb);
      if (next >= current) break;
    }
    if (!(next >= current)) break;
    const bool done = next - current < kConverged * (1 + std::abs(current));
    a = na;
    b = nb;
    current = next;
    if (done) break;
  }
  return {static_cast<float>(a), static_cast<float>(b)};
}

float fitTemperature(const Eigen::MatrixXf& scores, std::span<const int> truth) {
  const auto classes = scores.rows();
  std::vector<Eigen::Index> queries;
  for (Eigen::Index q = 0; q < scores.cols() && q < static_cast<Eigen::Index>(truth.size()); ++q) {
    const int t = truth[static_cast<std::size_t>(q)];
    if (t >= 0 && t < classes && !std::isnan(scores(t, q))) queries.push_back(q);
  }
  if (queries.empty()) return 1.0f;

  // Mean NLL, its derivative and second derivative in β: −β s_y + log Σ e^{β s}, −s_y + E_p[s]
  // and Var_p[s] (Guo et al. 2017 minimise the same NLL; Newton in β is our choice).
  const auto evaluate = [&](double beta, double* gradient, double* curvature) {
    double nll = 0, g = 0, h = 0;
    for (const Eigen::Index q : queries) {
      double top = -std::numeric_limits<double>::infinity();
      for (Eigen::Index c = 0; c < classes; ++c)
        if (!std::isnan(scores(c, q))) top = std::max(top, beta * scores(c, q));
      double z = 0, mean = 0, square = 0;
      for (Eigen::Index c = 0; c < classes; ++c) {
        const double s = scores(c, q);
        if (std::isnan(s)) continue;
        const double e = std::exp(beta * s - top);
        z += e;
        mean += e * s;
        square += e * s * s;
      }
      mean /= z;
      square /= z;
      const double sy = scores(truth[static_cast<std::size_t>(q)], q);
      nll += -beta * sy + top + std::log(z);
      g += -sy + mean;
      h += std::max(0.0, square - mean * mean);
    }
    const auto n = static_cast<double>(queries.size());
    if (gradient) *gradient = g / n;
    if (curvature) *curvature = h / n;
    return nll / n;
  };
  double beta = 1.0;
  double current = evaluate(beta, nullptr, nullptr);
  for (int iteration = 0; iteration < kMaxNewtonIterations; ++iteration) {
    double g = 0, h = 0;
    evaluate(beta, &g, &h);
    // Where the curvature vanishes (all scores equal under p), a plain gradient step.
    double delta = h > 1e-12 ? -g / h : -g;
    double next = current, candidate = beta;
    for (int halving = 0; halving < 40; ++halving, delta *= 0.5) {
      candidate = std::clamp(beta + delta, 1.0 / kMaxBeta, kMaxBeta);
      next = evaluate(candidate, nullptr, nullptr);
      if (next <= current) break;
    }
    if (!(next <= current)) break;
    const bool done = current - next < kConverged * (1 + std::abs(current));
    beta = candidate;
    current = next;
    if (done) break;
  }
  return static_cast<float>(1.0 / beta);
}

Eigen::VectorXf temperatureSoftmax(const Eigen::VectorXf& scores, float temperature) {
  Eigen::VectorXf p = Eigen::VectorXf::Zero(scores.size());
  if (!(temperature > 0)) return p;
  float top = -std::numeric_limits<float>::infinity();
  for (Eigen::Index c = 0; c < scores.size(); ++c)
    if (!std::isnan(scores[c])) top = std::max(top, scores[c]);
  double z = 0;
  for (Eigen::Index c = 0; c < scores.size(); ++c) {
    if (std::isnan(scores[c])) continue;
    p[c] = std::exp((scores[c] - top) / temperature);
    z += p[c];
  }
  if (z > 0) p /= static_cast<float>(z);
  return p;
}

float precisionThreshold(std::span<const float> probabilities, std::span<const char> labels,
                         double targetPrecision, double floor) {
  const auto fallback = static_cast<float>(std::max(targetPrecision, floor));
  if (probabilities.size() != labels.size() || probabilities.empty()) return fallback;
  std::vector<std::size_t> order(probabilities.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t x, std::size_t y) { return probabilities[x] > probabilities[y]; });
  double hits = 0, floorHits = 0, floorCount = 0;
  float best = -1, bestAtFloor = -1;  // the lowest cut reaching the target; the same ≥ floor
  for (std::size_t i = 0; i < order.size(); ++i) {
    const float p = probabilities[order[i]];
    hits += labels[order[i]] ? 1 : 0;
    if (p >= floor) {
      floorHits = hits;
      floorCount = static_cast<double>(i + 1);
    }
    // A threshold takes every tie with it: only the last of equal probabilities is a cut.
    if (i + 1 < order.size() && probabilities[order[i + 1]] == p) continue;
    if (hits / static_cast<double>(i + 1) >= targetPrecision) {
      best = p;
      if (p >= floor) bestAtFloor = p;
    }
  }
  if (best < 0) return fallback;
  if (best >= floor) return best;
  // The lowest cut lies below the floor. The floor itself proposes every probability ≥ floor: it
  // is the threshold when those proposals reach the target too (or there are none), else the
  // lowest cut above it that does (precision need not rise with the threshold), else none does.
  if (floorCount == 0 || floorHits / floorCount >= targetPrecision)
    return static_cast<float>(floor);
  return bestAtFloor >= 0 ? bestAtFloor : fallback;
}

float precisionCurveThreshold(int point) {
  return static_cast<float>(point * kPrecisionCurveStep);
}

std::vector<PrecisionPoint> precisionCurve(std::span<const float> probabilities,
                                           std::span<const char> labels) {
  if (probabilities.size() != labels.size()) return {};
  // Count each probability at the highest grid point it reaches, then sum from the top.
  std::vector<double> proposed(kPrecisionCurvePoints, 0.0), right(kPrecisionCurvePoints, 0.0);
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const float p = probabilities[i];
    if (!(p >= 0)) continue;  // NaN or negative: below every threshold
    int point = std::min(static_cast<int>(p / kPrecisionCurveStep), kPrecisionCurvePoints - 1);
    // The division may land one off the float comparison a reader makes (p ≥ threshold).
    while (point + 1 < kPrecisionCurvePoints && p >= precisionCurveThreshold(point + 1)) ++point;
    while (point > 0 && p < precisionCurveThreshold(point)) --point;
    proposed[static_cast<std::size_t>(point)] += 1;
    right[static_cast<std::size_t>(point)] += labels[i] ? 1 : 0;
  }
  std::vector<PrecisionPoint> curve(kPrecisionCurvePoints);
  double proposals = 0, hits = 0;
  for (int point = kPrecisionCurvePoints - 1; point >= 0; --point) {
    const auto at = static_cast<std::size_t>(point);
    proposals += proposed[at];
    hits += right[at];
    curve[at] = {precisionCurveThreshold(point),
                 proposals > 0 ? static_cast<float>(hits / proposals) : 0.0f,
                 static_cast<int>(proposals)};
  }
  return curve;
}

float curveThreshold(std::span<const PrecisionPoint> curve, double targetPrecision, double floor) {
  // Compared as stored (float): a point of precision 0.9f reaches a target of 0.9.
  const auto target = static_cast<float>(targetPrecision);
  const auto lowest = static_cast<float>(floor);
  for (const PrecisionPoint& point : curve) {
    if (point.threshold < lowest || point.proposals == 0) continue;
    if (point.precision >= target) return point.threshold;
  }
  return static_cast<float>(std::max(targetPrecision, floor));
}

std::optional<PrecisionPoint> precisionAt(std::span<const PrecisionPoint> curve, float threshold) {
  std::optional<PrecisionPoint> found;
  for (const PrecisionPoint& point : curve) {
    if (point.threshold > threshold) break;
    found = point;
  }
  return found;
}

float Calibration::tagProbability(int tag, float score) const {
  if (tag < 0 || tag >= static_cast<int>(tags.size())) return 0.0f;
  return tags[static_cast<std::size_t>(tag)].probability(score);
}

Eigen::VectorXf Calibration::tagProbabilities(const Eigen::VectorXf& tagScores) const {
  Eigen::VectorXf p(tagScores.size());
  for (Eigen::Index t = 0; t < tagScores.size(); ++t)
    p[t] = tagProbability(static_cast<int>(t), tagScores[t]);
  return p;
}

Eigen::VectorXf Calibration::artistProbabilities(const Eigen::VectorXf& artistScores) const {
  return temperatureSoftmax(artistScores, artistTemperature);
}

Calibration fitCalibration(const CalibrationData& data, int numTags, double targetPrecision) {
  Calibration c;
  c.songs = data.songs;
  c.folds = data.folds;
  c.targetPrecision = static_cast<float>(targetPrecision);

  c.pooledTags = fitPlatt(data.tagScores, data.tagLabels);
  PlattPrior prior;
  prior.mean = c.pooledTags;
  prior.slopeStd =
      kTagSlopePriorScale * std::max(std::abs(static_cast<double>(c.pooledTags.slope)), 0.1);
  prior.interceptStd = kTagInterceptPriorStd;
  std::vector<std::vector<std::size_t>> byTag(static_cast<std::size_t>(std::max(numTags, 0)));
  for (std::size_t i = 0; i < data.tagIndex.size(); ++i) {
    const int t = data.tagIndex[i];
    if (t >= 0 && t < numTags) byTag[static_cast<std::size_t>(t)].push_back(i);
  }
  std::vector<float> scores;
  std::vector<char> labels;
  c.tags.assign(byTag.size(), c.pooledTags);
  for (std::size_t t = 0; t < byTag.size(); ++t) {
    if (byTag[t].empty()) continue;
    scores.clear();
    labels.clear();
    for (const std::size_t i : byTag[t]) {
      scores.push_back(data.tagScores[i]);
      labels.push_back(data.tagLabels[i]);
    }
    c.tags[t] = fitPlatt(scores, labels, {}, &prior);
  }

  c.artistTemperature = fitTemperature(data.artistScores, data.artistTruth);
  c.pairs = fitPlatt(data.pairScores, data.pairLabels, data.pairWeights);

  std::vector<float> probabilities(data.tagScores.size());
  for (std::size_t i = 0; i < probabilities.size(); ++i)
    probabilities[i] = c.tagProbability(data.tagIndex[i], data.tagScores[i]);
  c.autoTagThreshold =
      precisionThreshold(probabilities, data.tagLabels, targetPrecision, kAutoTagThresholdFloor);
  double proposed = 0, right = 0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    if (probabilities[i] < c.autoTagThreshold) continue;
    proposed += 1;
    right += data.tagLabels[i] ? 1 : 0;
  }
  c.expectedPrecision = proposed > 0 ? static_cast<float>(right / proposed) : 0.0f;
  c.precisionCurve = precisionCurve(probabilities, data.tagLabels);
  return c;
}

}  // namespace songspace::core
