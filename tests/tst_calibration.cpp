// Calibration (core/model/calibration.h, core/eval/crossfit.h): the fits recover parameters
// planted in synthetic data, the shrinkage behaves as documented, and cross-fitting scores every
// song with a model that did not see it.
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/base/random.h"
#include "core/eval/crossfit.h"
#include "core/eval/metrics.h"
#include "core/model/calibration.h"

using namespace songspace::core;
namespace base = songspace::base;

namespace {

// `songs` songs, two artists told apart by feature 0 or 1 (plus a noise feature), tag 0 on artist
// 0's songs and tag 1 on artist 1's.
TrainingSet twoArtists(int songs) {
  TrainingSet data;
  std::vector<Eigen::Triplet<float>> triplets;
  base::Xoshiro256 rng(1);
  for (int s = 0; s < songs; ++s) {
    const int artist = s % 2;
    triplets.emplace_back(s, artist, 1.0f);
    triplets.emplace_back(s, 2 + static_cast<int>(base::uniformBelow(rng, 4)), 0.3f);
    data.songArtist.push_back(artist);
    data.songTags.push_back(artist == 0 ? std::vector<int>{0} : std::vector<int>{1});
  }
  data.songs.resize(songs, 6);
  data.songs.setFromTriplets(triplets.begin(), triplets.end());
  data.numArtists = 2;
  data.numTags = 2;
  return data;
}

// `songs` songs drawn with `seed`: two artists told apart by feature 0 or 1 (plus a noise
// feature), one tag each: tag 0 with probability kNoisyTagRate on artist 0's songs and
// 1 − kNoisyTagRate on artist 1's, else tag 1. A calibrated model says about kNoisyTagRate, not 1.
constexpr double kNoisyTagRate = 0.75;
TrainingSet noisyTags(int songs, std::uint64_t seed) {
  TrainingSet data;
  std::vector<Eigen::Triplet<float>> triplets;
  base::Xoshiro256 rng(seed);
  for (int s = 0; s < songs; ++s) {
    const int artist = static_cast<int>(base::uniformBelow(rng, 2));
    triplets.emplace_back(s, artist, 1.0f);
    triplets.emplace_back(s, 2 + static_cast<int>(base::uniformBelow(rng, 4)), 0.3f);
    data.songArtist.push_back(artist);
    const bool first = base::uniform01(rng) < (artist == 0 ? kNoisyTagRate : 1 - kNoisyTagRate);
    data.songTags.push_back(first ? std::vector<int>{0} : std::vector<int>{1});
  }
  data.songs.resize(songs, 6);
  data.songs.setFromTriplets(triplets.begin(), triplets.end());
  data.numArtists = 2;
  data.numTags = 2;
  return data;
}

// The options of the small trainings below: two blocks, one thread (deterministic), a few epochs.
TrainOptions smallTraining() {
  TrainOptions train;
  train.dimension = 4;
  train.subspaces = 2;
  train.threads = 1;
  train.epochs = 12;
  train.patience = 3;
  return train;
}

// n scores from N(0, 1.5²) and outcomes drawn with P(y = 1) = σ(slope · s + intercept).
void logisticSample(int n, float slope, float intercept, std::uint64_t seed,
                    std::vector<float>& scores, std::vector<char>& labels) {
  base::Xoshiro256 rng(seed);
  scores.clear();
  labels.clear();
  const PlattScaling truth{slope, intercept};
  for (int i = 0; i < n; ++i) {
    const auto s = static_cast<float>(1.5 * base::standardNormal(rng));
    scores.push_back(s);
    labels.push_back(base::uniform01(rng) < truth.probability(s) ? 1 : 0);
  }
}

}  // namespace

class CalibrationTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void plattRecoversAPlantedLogistic() {
    std::vector<float> scores;
    std::vector<char> labels;
    logisticSample(20000, 2.0f, -1.0f, 7, scores, labels);
    const PlattScaling fit = fitPlatt(scores, labels);
    // Standard errors at n = 20 000 are about 0.03 (slope) and 0.02 (intercept).
    QVERIFY2(std::abs(fit.slope - 2.0f) < 0.12f, qPrintable(QString::number(fit.slope)));
    QVERIFY2(std::abs(fit.intercept + 1.0f) < 0.08f, qPrintable(QString::number(fit.intercept)));
    // Weights count an example that many times: the data once with weight 2 fit like twice.
    std::vector<float> doubledScores = scores, weights(scores.size(), 2.0f);
    std::vector<char> doubledLabels = labels;
    doubledScores.insert(doubledScores.end(), scores.begin(), scores.end());
    doubledLabels.insert(doubledLabels.end(), labels.begin(), labels.end());
    const PlattScaling twice = fitPlatt(doubledScores, doubledLabels);
    const PlattScaling weighted = fitPlatt(scores, labels, weights);
    QVERIFY(std::abs(twice.slope - weighted.slope) < 1e-4f);
    QVERIFY(std::abs(twice.intercept - weighted.intercept) < 1e-4f);
  }

  void plattOnDegenerateData() {
    // Separable data: the fit stays finite, ordered by the score, and sure of the labels.
    const std::vector<float> scores{-2, -1, 1, 2};
    const std::vector<char> labels{0, 0, 1, 1};
    const PlattScaling fit = fitPlatt(scores, labels);
    QVERIFY(std::isfinite(fit.slope) && std::isfinite(fit.intercept));
    QVERIFY(fit.slope > 0);
    QVERIFY(fit.probability(-1) < 0.01f && fit.probability(1) > 0.99f);
    // One class only, or nothing: finite, and with a prior the prior's mean for no data.
    const std::vector<char> none{0, 0, 0, 0};
    const PlattScaling negative = fitPlatt(scores, none);
    QVERIFY(negative.probability(2) < 0.01f);
    const PlattPrior prior{{0.5f, -2.0f}, 0.1, 0.1};
    const PlattScaling empty = fitPlatt({}, {}, {}, &prior);
    QCOMPARE(empty.slope, 0.5f);
    QCOMPARE(empty.intercept, -2.0f);
  }

  void mapShrinksFewPositivesTowardsThePrior() {
    // Three examples pull far from the prior; 20 000 examples do not care about it.
    const PlattPrior prior{{1.0f, -3.0f}, 0.5, 2.0};
    const std::vector<float> few{0.5f, 1.0f, 1.5f};
    const std::vector<char> fewLabels{1, 1, 0};
    const PlattScaling ml = fitPlatt(few, fewLabels);
    const PlattScaling map = fitPlatt(few, fewLabels, {}, &prior);
    QVERIFY(std::abs(map.slope - 1.0f) < std::abs(ml.slope - 1.0f));
    QVERIFY(std::abs(map.slope - 1.0f) < 0.5f);
    std::vector<float> scores;
    std::vector<char> labels;
    logisticSample(20000, 2.0f, -1.0f, 11, scores, labels);
    const PlattScaling many = fitPlatt(scores, labels, {}, &prior);
    QVERIFY2(std::abs(many.slope - 2.0f) < 0.15f, qPrintable(QString::number(many.slope)));
    QVERIFY2(std::abs(many.intercept + 1.0f) < 0.1f, qPrintable(QString::number(many.intercept)));
  }

  void temperatureRecoversAPlantedTemperature() {
    // 4 000 queries over 6 classes with scores N(0, 2²); the class drawn from softmax(s / 0.5).
    const int classes = 6, queries = 4000;
    const float planted = 0.5f;
    base::Xoshiro256 rng(3);
    Eigen::MatrixXf scores(classes, queries);
    std::vector<int> truth;
    for (int q = 0; q < queries; ++q) {
      for (int c = 0; c < classes; ++c) scores(c, q) = float(2.0 * base::standardNormal(rng));
      const Eigen::VectorXf p = temperatureSoftmax(scores.col(q), planted);
      double u = base::uniform01(rng);
      int drawn = classes - 1;
      for (int c = 0; c < classes; ++c) {
        u -= p[c];
        if (u < 0) {
          drawn = c;
          break;
        }
      }
      truth.push_back(drawn);
    }
    const float fitted = fitTemperature(scores, truth);
    QVERIFY2(std::abs(fitted - planted) < 0.05f, qPrintable(QString::number(fitted)));
    // A NaN score is not a candidate: class 0 removed from every query changes nothing for the
    // others' relative probabilities, and queries whose truth was class 0 are skipped.
    Eigen::MatrixXf restricted = scores;
    restricted.row(0).setConstant(std::numeric_limits<float>::quiet_NaN());
    const Eigen::VectorXf p = temperatureSoftmax(restricted.col(0), 1.0f);
    QCOMPARE(p[0], 0.0f);
    QVERIFY(std::abs(p.sum() - 1.0f) < 1e-5f);
    QVERIFY(std::abs(p[2] / p[1] - std::exp(scores(2, 0) - scores(1, 0))) < 1e-3f * p[2] / p[1]);
    const float fittedRestricted = fitTemperature(restricted, truth);
    QVERIFY2(std::abs(fittedRestricted - planted) < 0.07f,
             qPrintable(QString::number(fittedRestricted)));
    QCOMPARE(fitTemperature(scores, std::vector<int>(queries, -1)), 1.0f);  // nothing to fit
  }

  void thresholdReachesTheTargetPrecision() {
    // Sorted: 0.95 y, 0.9 y, 0.85 n, 0.8 y, 0.7 y, 0.6 n, 0.55 n. Cumulative precision: 1, 1, 2/3,
    // 3/4, 4/5, 4/6, 4/7. The lowest cut with precision ≥ 0.75 is 0.7 (4/5).
    const std::vector<float> p{0.6f, 0.95f, 0.8f, 0.85f, 0.9f, 0.55f, 0.7f};
    const std::vector<char> y{0, 1, 1, 0, 1, 0, 1};
    QCOMPARE(precisionThreshold(p, y, 0.75, 0.5), 0.7f);
    QCOMPARE(precisionThreshold(p, y, 0.75, 0.8), 0.8f);  // never below the floor
    // ... nor at a floor that misses the target although a lower cut (0.7) reaches it: from 0.85
    // up the proposals are 2 of 3 right, so the threshold is the lowest cut above reaching 3/4:
    // 0.9 (2 of 2).
    QCOMPARE(precisionThreshold(p, y, 0.75, 0.85), 0.9f);
    // A floor whose proposals reach the target stays the threshold (0.75: 3 of 4 from 0.8 up).
    QCOMPARE(precisionThreshold(p, y, 0.75, 0.75), 0.75f);
    QCOMPARE(precisionThreshold(p, y, 1.0, 0.5), 0.9f);
    // Unreachable (every outcome wrong): the target itself.
    const std::vector<char> wrong(p.size(), 0);
    QCOMPARE(precisionThreshold(p, wrong, 0.9, 0.5), 0.9f);
    // Ties are cut together: {0.8 y, 0.8 n} is one step of precision 1/2.
    const std::vector<float> tied{0.8f, 0.8f};
    const std::vector<char> half{1, 0};
    QCOMPARE(precisionThreshold(tied, half, 0.9, 0.5), 0.9f);
  }

  void precisionCurveOnTheGrid() {
    // 0.95 y, 0.85 y, 0.75 n, 0.55 y, 0.5 n (exactly on a grid point), 0.3 n, 0.0 y.
    const std::vector<float> p{0.3f, 0.95f, 0.75f, 0.5f, 0.85f, 0.55f, 0.0f};
    const std::vector<char> y{0, 1, 0, 0, 1, 1, 1};
    const std::vector<PrecisionPoint> curve = precisionCurve(p, y);
    QCOMPARE(int(curve.size()), kPrecisionCurvePoints);
    const auto at = [&](int point) { return curve[static_cast<std::size_t>(point)]; };
    QCOMPARE(at(0).threshold, 0.0f);
    QCOMPARE(at(99).threshold, 0.99f);
    QCOMPARE(at(0).proposals, 7);
    QCOMPARE(at(0).precision, 4.0f / 7.0f);
    QCOMPARE(at(31).proposals, 5);  // 0.3 is below 0.31
    QCOMPARE(at(50).proposals, 5);  // 0.5 counts at 0.50
    QCOMPARE(at(50).precision, 3.0f / 5.0f);
    QCOMPARE(at(51).proposals, 4);
    QCOMPARE(at(51).precision, 3.0f / 4.0f);
    QCOMPARE(at(76).proposals, 2);
    QCOMPARE(at(76).precision, 1.0f);
    QCOMPARE(at(95).proposals, 1);
    QCOMPARE(at(96).proposals, 0);
    QCOMPARE(at(96).precision, 0.0f);
    QVERIFY(precisionCurve(p, std::vector<char>{1}).empty());  // sizes differ
  }

  void curveThresholdGoldenValues() {
    // Hand-made: precision is not monotone (0.6 beats 0.7), and 0.9 has no proposals.
    const std::vector<PrecisionPoint> curve{{0.4f, 0.95f, 300}, {0.5f, 0.8f, 200},
                                            {0.6f, 0.91f, 120}, {0.7f, 0.88f, 80},
                                            {0.8f, 0.96f, 25},  {0.9f, 0.0f, 0}};
    QCOMPARE(curveThreshold(curve, 0.9, 0.5), 0.6f);    // the lowest reaching 0.9 (0.4 < floor)
    QCOMPARE(curveThreshold(curve, 0.9, 0.3), 0.4f);    // a lower floor admits 0.4
    QCOMPARE(curveThreshold(curve, 0.8, 0.5), 0.5f);    // precision 0.8f reaches a target of 0.8
    QCOMPARE(curveThreshold(curve, 0.95, 0.5), 0.8f);   // 0.96 at 0.8
    QCOMPARE(curveThreshold(curve, 0.97, 0.5), 0.97f);  // out of reach: the target itself
    QCOMPARE(curveThreshold({}, 0.9, 0.5), 0.9f);
    QCOMPARE(curveThreshold({}, 0.3, 0.5), 0.5f);  // never below the floor
    // precisionAt: the point at or just below a threshold.
    QCOMPARE(precisionAt(curve, 0.75f)->threshold, 0.7f);
    QCOMPARE(precisionAt(curve, 0.75f)->proposals, 80);
    QCOMPARE(precisionAt(curve, 0.6f)->precision, 0.91f);
    QCOMPARE(precisionAt(curve, 1.0f)->threshold, 0.9f);
    QVERIFY(!precisionAt(curve, 0.3f));
    QVERIFY(!precisionAt({}, 0.5f));
  }

  void fitCalibrationSharesAcrossTags() {
    // Tag 0: 4 000 pairs from σ(2s − 1); tag 1: four pairs; tag 2: none.
    CalibrationData data;
    std::vector<float> scores;
    std::vector<char> labels;
    logisticSample(4000, 2.0f, -1.0f, 5, scores, labels);
    for (std::size_t i = 0; i < scores.size(); ++i) {
      data.tagIndex.push_back(0);
      data.tagScores.push_back(scores[i]);
      data.tagLabels.push_back(labels[i]);
    }
    for (const float s : {2.0f, 1.8f, -0.5f, -1.0f}) {
      data.tagIndex.push_back(1);
      data.tagScores.push_back(s);
      data.tagLabels.push_back(s > 0 ? 1 : 0);  // separable: alone it would fit a cliff
    }
    const Calibration c = fitCalibration(data, 3, 0.9);
    QCOMPARE(int(c.tags.size()), 3);
    QVERIFY(std::abs(c.tags[0].slope - 2.0f) < 0.25f);
    QCOMPARE(c.tags[2].slope, c.pooledTags.slope);  // no data: the pooled fit
    QCOMPARE(c.tags[2].intercept, c.pooledTags.intercept);
    QVERIFY2(c.tags[1].slope < 2 * c.pooledTags.slope,
             qPrintable(QString::number(c.tags[1].slope)));  // shrunk, not a cliff
    QVERIFY(c.tags[1].probability(1.8f) > c.tags[1].probability(-0.5f));
    QVERIFY(c.autoTagThreshold >= float(kAutoTagThresholdFloor) && c.autoTagThreshold <= 1);
    QVERIFY(c.expectedPrecision >= 0.9f);
    QCOMPARE(c.artistTemperature, 1.0f);  // no artist data
    // The held-out precision curve of the same probabilities: every pair at 0, and at the grid
    // point just above the threshold the proposals at least that probable, as counted here.
    QCOMPARE(int(c.precisionCurve.size()), kPrecisionCurvePoints);
    QCOMPARE(c.precisionCurve[0].proposals, int(data.tagScores.size()));
    const int above = static_cast<int>(std::ceil(c.autoTagThreshold / kPrecisionCurveStep));
    if (above < kPrecisionCurvePoints) {
      const PrecisionPoint point = c.precisionCurve[static_cast<std::size_t>(above)];
      int proposed = 0, right = 0;
      for (std::size_t i = 0; i < data.tagScores.size(); ++i) {
        if (c.tagProbability(data.tagIndex[i], data.tagScores[i]) < point.threshold) continue;
        ++proposed;
        right += data.tagLabels[i];
      }
      QCOMPARE(point.proposals, proposed);
      QCOMPARE(point.precision, proposed ? float(right) / float(proposed) : 0.0f);
    }
  }

  void crossFittingHoldsEverySongOut() {
    // 40 songs, two artists told apart by feature 0 or 1, tag 0 on artist 0's songs. The folds'
    // models must score every song once, from models that never trained on it.
    TrainingSet data;
    std::vector<Eigen::Triplet<float>> triplets;
    base::Xoshiro256 rng(1);
    for (int s = 0; s < 40; ++s) {
      const int artist = s % 2;
      triplets.emplace_back(s, artist, 1.0f);
      triplets.emplace_back(s, 2 + static_cast<int>(base::uniformBelow(rng, 4)), 0.3f);
      data.songArtist.push_back(artist);
      data.songTags.push_back(artist == 0 ? std::vector<int>{0} : std::vector<int>{1});
    }
    data.songs.resize(40, 6);
    data.songs.setFromTriplets(triplets.begin(), triplets.end());
    data.numArtists = 2;
    data.numTags = 2;
    TrainOptions train;
    train.dimension = 4;
    train.subspaces = 1;
    train.epochs = 5;
    CalibrationOptions options;
    options.folds = 4;
    CalibrationData held;
    const CalibrationReport report = gatherCalibrationData(data, {}, train, options, held);
    QVERIFY2(report.error.empty(), report.error.c_str());
    QCOMPARE(report.folds, 4);
    QCOMPARE(report.songs, 40);
    QCOMPARE(int(held.tagScores.size()), 40 * 2);  // every song, both tags seen in training
    QCOMPARE(int(held.artistTruth.size()), 40);
    QCOMPARE(held.artistScores.cols(), Eigen::Index(40));
    // Pairs: each held-out song with the 30 training songs of its fold (fewer unrelated ones than
    // the cap, so all kept at weight 1), related ones those of its artist: 20 less those held out
    // with it, so at least 10 of the 30.
    QCOMPARE(int(held.pairScores.size()), 40 * 30);
    QVERIFY(std::all_of(held.pairWeights.begin(), held.pairWeights.end(),
                        [](float w) { return w == 1.0f; }));
    const auto positives = std::count(held.pairLabels.begin(), held.pairLabels.end(), 1);
    QVERIFY(positives >= 40L * 10 && positives < 40L * 20);
    // The task is easy: calibrated, the right artist is likely and the right tag is likely.
    JointModel model;
    model.T.resize(4, 2);
    const Calibration c = fitCalibration(held, 2, 0.9);
    QVERIFY(c.pairs.slope > 0);
    QVERIFY(c.tags[0].slope > 0);
    // Options out of range are refused with the parameter's name.
    options.folds = 99;
    QVERIFY(gatherCalibrationData(data, {}, train, options, held).error.find("calibration_folds") !=
            std::string::npos);
    options.folds = 0;  // no calibration
    QVERIFY(calibrateModel(data, {}, train, options, model).error.empty());
    QVERIFY(!model.calibration.has_value());
  }

  void validationSplitNeedsNoTraining() {
    // 1 000 songs: the trainer's 10 % validation split (100 songs, one split for both blocks of
    // the stack) is enough, so the calibration scores it with the parameters chosen before the
    // refit on all songs, and trains nothing.
    const TrainingSet data = twoArtists(1000);
    TrainOptions train;
    train.dimension = 4;
    train.subspaces = 2;
    train.epochs = 3;
    JointModel model;
    HeldOutModel heldOut;
    const TrainReport trained = trainModel(data, train, model, {}, nullptr, &heldOut);
    QVERIFY2(trained.error.empty(), trained.error.c_str());
    QVERIFY(trained.refit);
    QCOMPARE(int(heldOut.songs.size()), kMinValidationSplitSongs);
    QVERIFY(std::is_sorted(heldOut.songs.begin(), heldOut.songs.end()));
    QCOMPARE(heldOut.V.rows(), model.V.rows());
    QCOMPARE(heldOut.V.cols(), model.V.cols());
    QVERIFY(!heldOut.V.isApprox(model.V));  // the refit moved on; the held-out model did not
    // One block trains on the same split: the stack's blocks share it.
    TrainOptions single = train;
    single.subspaces = 1;
    single.dimension = 2;
    JointModel one;
    HeldOutModel oneHeldOut;
    QVERIFY(trainModel(data, single, one, {}, nullptr, &oneHeldOut).error.empty());
    QCOMPARE(oneHeldOut.songs, heldOut.songs);

    CalibrationOptions options;
    const CalibrationReport report =
        calibrateModel(data, {}, train, options, model, {}, nullptr, &heldOut);
    QVERIFY2(report.error.empty(), report.error.c_str());
    QCOMPARE(report.source, CalibrationSource::ValidationSplit);
    QCOMPARE(report.folds, 0);
    QCOMPARE(report.songs, kMinValidationSplitSongs);
    QVERIFY(model.calibration.has_value());
    QVERIFY(model.calibration->tags[0].slope > 0);  // an easy task: the fits are the right way up
    QVERIFY(model.calibration->pairs.slope > 0);

    // Without a refit the held-out parameters are the returned model's own.
    train.refitOnAllSongs = false;
    QVERIFY(trainModel(data, train, model, {}, nullptr, &heldOut).error.empty());
    QVERIFY(heldOut.V.isApprox(model.V) && heldOut.T.isApprox(model.T));

    // A split below kMinValidationSplitSongs: cross-fitting, for the chosen epochs.
    heldOut.songs.resize(static_cast<std::size_t>(kMinValidationSplitSongs) - 1);
    options.folds = 2;
    const CalibrationReport crossFitted =
        calibrateModel(data, {}, train, options, model, {}, nullptr, &heldOut);
    QVERIFY2(crossFitted.error.empty(), crossFitted.error.c_str());
    QCOMPARE(crossFitted.source, CalibrationSource::CrossFitting);
    QCOMPARE(crossFitted.folds, 2);
    QCOMPARE(crossFitted.songs, 1000);
  }

  // keepFoldModels (measurements only): the fold models are kept, and each is the model whose
  // scores of its part the calibration was fitted on.
  void foldModelsAreKeptOnRequest() {
    const TrainingSet data = noisyTags(120, 4);
    TrainOptions train = smallTraining();
    train.epochs = 4;
    CalibrationOptions options;
    options.committee = 0;  // `model` is the final model alone
    JointModel model;
    QVERIFY(trainCalibratedModel(data, {}, train, options, model).foldModels.empty());
    options.keepFoldModels = true;
    const CalibratedTraining result = trainCalibratedModel(data, {}, train, options, model);
    QVERIFY2(result.training.error.empty(), result.training.error.c_str());
    QCOMPARE(result.calibration.source, CalibrationSource::CrossValidation);
    QCOMPARE(int(result.foldModels.size()), 5);
    const std::vector<std::vector<int>> parts = foldParts(120, train.seed, options);
    QCOMPARE(int(parts.size()), 5);
    // Every song is tagged and both tags occur in every fold's training songs: the held-out pairs
    // are two per song, the parts' songs in order.
    QCOMPARE(int(result.heldOut.tagScores.size()), 2 * 120);
    std::size_t pair = 0;
    for (std::size_t f = 0; f < parts.size(); ++f) {
      const JointModel& fold = result.foldModels[f];
      QVERIFY(!(fold.V == model.V));
      for (const int song : parts[f]) {
        const Eigen::SparseVector<float> x = data.songs.row(song).transpose();
        const Eigen::VectorXf scores = fold.T.transpose() * fold.embedSong(x);
        for (int t = 0; t < 2; ++t, ++pair) {
          QCOMPARE(result.heldOut.tagIndex[pair], t);
          QVERIFY(std::abs(result.heldOut.tagScores[pair] - scores[t]) < 1e-5f);
        }
      }
    }
  }

  // The committee (CalibrationOptions::kCommittee, the default): the final model and the 5 fold
  // models stacked, so that every raw score is the mean of the 6 models' scores, with the same
  // calibration as the final model alone (fitted on the folds' held-out scores).
  void committeeIsTheMembersMean() {
    const TrainingSet data = noisyTags(120, 4);
    TrainOptions train = smallTraining();
    train.epochs = 4;
    CalibrationOptions options;
    options.committee = 0;
    JointModel alone;
    const CalibratedTraining single = trainCalibratedModel(data, {}, train, options, alone);
    QVERIFY(single.training.error.empty());
    QCOMPARE(single.calibration.committee, 0);
    QCOMPARE(alone.dimension(), train.dimension);
    QVERIFY(alone.info.count("committee") == 0);

    options.committee = 1;
    options.keepFoldModels = true;
    JointModel committee;
    const CalibratedTraining result = trainCalibratedModel(data, {}, train, options, committee);
    QVERIFY2(result.training.error.empty(), result.training.error.c_str());
    QCOMPARE(int(result.foldModels.size()), 5);
    QCOMPARE(result.calibration.committee, 6);
    QCOMPARE(committee.dimension(), 6 * train.dimension);
    QCOMPARE(committee.info.at("dim"), std::to_string(6 * train.dimension));
    QVERIFY(committee.info.count("committee") == 1);
    QVERIFY(alone.calibration && committee.calibration);
    QCOMPARE(committee.calibration->tags[0].slope, alone.calibration->tags[0].slope);
    QCOMPARE(committee.calibration->artistTemperature, alone.calibration->artistTemperature);

    std::vector<const JointModel*> members{&alone};
    for (const JointModel& fold : result.foldModels) members.push_back(&fold);
    // Every column of V, A and T keeps the norm bound.
    for (const Eigen::MatrixXf* m : {&committee.A, &committee.T})
      QVERIFY(m->colwise().norm().maxCoeff() <= committee.maxNorm * (1 + 1e-5f));
    // Raw scores (before the ball's projection, which clips the stack as a whole) are the mean.
    int unclipped = 0;
    for (int song = 0; song < data.numSongs(); ++song) {
      const Eigen::SparseVector<float> x = data.songs.row(song).transpose();
      const Eigen::VectorXf stacked = committee.V * x;
      Eigen::VectorXf tags = Eigen::VectorXf::Zero(committee.T.cols());
      Eigen::VectorXf artists = Eigen::VectorXf::Zero(committee.A.cols());
      bool clipped = stacked.norm() > committee.maxNorm;
      for (const JointModel* m : members) {
        const Eigen::VectorXf e = m->V * x;
        tags += m->T.transpose() * e / 6.0f;
        artists += m->A.transpose() * e / 6.0f;
        clipped = clipped || e.norm() > m->maxNorm;
      }
      QVERIFY(((committee.T.transpose() * stacked) - tags).cwiseAbs().maxCoeff() < 1e-5f);
      QVERIFY(((committee.A.transpose() * stacked) - artists).cwiseAbs().maxCoeff() < 1e-5f);
      if (clipped) continue;
      // ... and so are the scores of the embedded song, when no projection clips it.
      ++unclipped;
      const Eigen::VectorXf e = committee.embedSong(x);
      Eigen::VectorXf mean = Eigen::VectorXf::Zero(committee.T.cols());
      for (const JointModel* m : members) mean += m->T.transpose() * m->embedSong(x) / 6.0f;
      QVERIFY((committee.T.transpose() * e - mean).cwiseAbs().maxCoeff() < 1e-5f);
    }
    QVERIFY(unclipped > 0);
    // A pair's score is the mean of its members' pair scores.
    const Eigen::SparseVector<float> a = data.songs.row(0).transpose();
    const Eigen::SparseVector<float> b = data.songs.row(1).transpose();
    float pair = 0;
    for (const JointModel* m : members) pair += (m->V * a).dot(m->V * b) / 6.0f;
    QVERIFY(std::abs((committee.V * a).dot(committee.V * b) - pair) < 1e-5f);
  }

  // 90 songs in three groups of 30: artist 0's (feature 0) carry tag 0, artist 1's (feature 1)
  // tag 1, and artist 2's sound as artist 1's (feature 1 too) but carry only a tag left out of the
  // vocabulary ("death metal" among two learned genres). Half the songs that sound like tag 1 do
  // not carry it, so tag 1's probability for them is about ½ — unless those songs are dropped from
  // the held-out tag pairs as untagged, when it is near 1.
  void songsTaggedOutOfVocabularyAreNegatives() {
    TrainingSet data;
    std::vector<char> outside;  // CalibrationOptions::songTaggedOutOfVocabulary
    std::vector<Eigen::Triplet<float>> triplets;
    base::Xoshiro256 rng(7);
    for (int s = 0; s < 90; ++s) {
      const int group = s % 3;
      triplets.emplace_back(s, group == 0 ? 0 : 1, 1.0f);
      triplets.emplace_back(s, 2 + static_cast<int>(base::uniformBelow(rng, 4)), 0.3f);
      data.songArtist.push_back(group);
      data.songTags.push_back(group == 2 ? std::vector<int>{} : std::vector<int>{group});
      outside.push_back(group == 2 ? 1 : 0);
    }
    data.songs.resize(90, 6);
    data.songs.setFromTriplets(triplets.begin(), triplets.end());
    data.numArtists = 3;
    data.numTags = 2;
    TrainOptions train = smallTraining();
    CalibrationOptions dropped;
    dropped.folds = 5;
    dropped.keepNeighbours = true;
    CalibrationOptions options = dropped;
    options.songTaggedOutOfVocabulary = outside;
    CalibrationData held, heldDropped;
    QVERIFY(gatherCalibrationData(data, {}, train, options, held).error.empty());
    QVERIFY(gatherCalibrationData(data, {}, train, dropped, heldDropped).error.empty());
    QCOMPARE(int(held.tagScores.size()), 90 * 2);  // every song is tagged
    QCOMPARE(int(heldDropped.tagScores.size()), 60 * 2);
    QCOMPARE(int(held.tagSongs.size()) * 2, int(held.tagScores.size()));  // blocks stay aligned
    for (std::size_t i = 0; i < held.tagSongs.size(); ++i) {
      if (held.tagSongs[i] % 3 != 2) continue;
      QCOMPARE(int(held.tagLabels[2 * i]), 0);
      QCOMPARE(int(held.tagLabels[2 * i + 1]), 0);
    }
    // A list of the wrong size is refused, naming it.
    CalibrationOptions wrong = options;
    wrong.songTaggedOutOfVocabulary.pop_back();
    QVERIFY(gatherCalibrationData(data, {}, train, wrong, held)
                .error.find("songTaggedOutOfVocabulary") != std::string::npos);
    JointModel unused;
    QVERIFY(trainCalibratedModel(data, {}, train, wrong, unused)
                .calibration.error.find("songTaggedOutOfVocabulary") != std::string::npos);

    // The probabilities of tag 1 for a song that sounds like artist 1's.
    const auto probabilityOfTag1 = [&](const std::vector<char>& flags) {
      CalibrationOptions plain;
      plain.committee = 0;
      plain.songTaggedOutOfVocabulary = flags;
      JointModel model;
      const CalibratedTraining trained = trainCalibratedModel(data, {}, train, plain, model);
      if (!trained.training.error.empty() || !model.calibration) return -1.0f;
      Eigen::SparseVector<float> x(6);
      x.insert(1) = 1.0f;
      x.insert(3) = 0.3f;
      return model.calibration->tagProbabilities(model.T.transpose() * model.embedSong(x))[1];
    };
    const float withNegatives = probabilityOfTag1(outside);
    const float withoutNegatives = probabilityOfTag1({});
    qInfo("P(tag 1 | sounds like artist 1): %.3f with the out-of-vocabulary songs, %.3f without",
          double(withNegatives), double(withoutNegatives));
    QVERIFY(withNegatives > 0.3f && withNegatives < 0.7f);
    QVERIFY(withoutNegatives > 0.85f);
  }

  void smallLibraryIsCrossValidated() {
    // 240 songs: a validation split of 24, too few to calibrate on. The 5 fold models, each
    // early-stopped on its own fold, choose the epochs of the one model trained on all songs after
    // them, and their out-of-fold scores are the calibration's: no model is trained after it.
    const TrainingSet data = noisyTags(240, 3);
    const TrainOptions train = smallTraining();
    QCOMPARE(validationSplitSongs(train, 240), 24);
    CalibrationOptions options;
    options.committee = 0;  // the final model alone (the committee: committeeIsTheMembersMean)
    std::vector<std::string> messages;
    std::vector<int> counts, ends;
    JointModel model;
    const CalibratedTraining result =
        trainCalibratedModel(data, {}, train, options, model, [&](const TrainProgress& p) {
          messages.push_back(p.message);
          counts.push_back(p.epoch);
          ends.push_back(p.epochs);
        });
    QVERIFY2(result.training.error.empty(), result.training.error.c_str());
    QVERIFY2(result.calibration.error.empty(), result.calibration.error.c_str());
    QCOMPARE(result.calibration.source, CalibrationSource::CrossValidation);
    QCOMPARE(result.calibration.folds, 5);
    QCOMPARE(result.calibration.songs, 240);
    QCOMPARE(result.training.validationSongs, 48);
    QVERIFY(result.training.refit);
    QVERIFY(model.calibration.has_value());
    QCOMPARE(model.calibration->folds, 5);
    QCOMPARE(model.calibration->songs, 240);
    QVERIFY(model.calibration->tags[0].slope > 0);
    QVERIFY(model.calibration->pairs.slope > 0);

    // The epochs come from the folds: their mean, rounded.
    QCOMPARE(int(result.foldBestEpochs.size()), 5);
    double mean = 0;
    for (const double e : result.foldBestEpochs) {
      QVERIFY(e >= 1 && e <= train.epochs);
      mean += e / 5;
    }
    const int chosen = std::max(1, static_cast<int>(std::lround(mean)));
    QCOMPARE(result.training.epochsRun, chosen);
    // ... and the model is the one trained on all songs for that many epochs, no validation.
    TrainOptions all = train;
    all.epochs = chosen;
    all.patience = 0;
    all.validationFraction = 0;
    all.refitOnAllSongs = false;
    JointModel again;
    QVERIFY(trainModel(data, all, again).error.empty());
    QVERIFY(model.V == again.V && model.A == again.A && model.T == again.T);

    // The reports, in order: the folds' epochs (two blocks each), then the final model's, and
    // nothing after it.
    std::vector<int> foldOf;  // per report: the fold (1..5), or 0 for the model on all songs
    for (const std::string& m : messages) {
      if (m.starts_with("the model on all songs: ")) {
        foldOf.push_back(0);
        continue;
      }
      QVERIFY2(m.starts_with("model "), m.c_str());
      foldOf.push_back(m[6] - '0');
    }
    const auto firstFinal = std::find(foldOf.begin(), foldOf.end(), 0);
    QVERIFY(firstFinal != foldOf.end());
    QVERIFY(std::is_sorted(foldOf.begin(), firstFinal));
    QCOMPARE(*std::prev(firstFinal), 5);
    QVERIFY(std::all_of(firstFinal, foldOf.end(), [](int f) { return f == 0; }));
    QCOMPARE(int(foldOf.end() - firstFinal), 2 * chosen);  // both blocks, every epoch, once
    // One bar: the count rises to its end, the end is the folds' bounds and one more until the
    // final model, then exact.
    QVERIFY(std::is_sorted(counts.begin(), counts.end()));
    QCOMPARE(counts.back(), ends.back());
    QCOMPARE(ends.front(), 6 * 2 * train.epochs);
    QCOMPARE(ends.back(), 5 * 2 * train.epochs + 2 * chosen);
    for (int fold = 1; fold <= 5; ++fold) {
      const auto reports = std::count(foldOf.begin(), foldOf.end(), fold);
      // Each block runs at least its best epoch and at most train.epochs.
      QVERIFY(reports >= 2 && reports <= 2L * train.epochs);
    }

    // A fold is a trainModel() run early-stopped on its own part, which it never trained on: the
    // same run outside gives the same epochs (fold 1: seed + 1).
    const std::vector<std::vector<int>> parts = foldParts(240, train.seed, options);
    QCOMPARE(int(parts.size()), 5);
    QCOMPARE(int(parts.front().size()), 48);
    TrainOptions first = train;
    first.seed = train.seed + 1;
    JointModel fold;
    const TrainReport firstFold = trainModel(data, first, fold, {}, nullptr, nullptr, parts[0]);
    QVERIFY(firstFold.error.empty());
    QVERIFY(!firstFold.refit);
    QCOMPARE(firstFold.validationSongs, 48);
    QCOMPARE(firstFold.meanBestEpoch, result.foldBestEpochs[0]);
    qInfo(
        "fold best epochs %.1f %.1f %.1f %.1f %.1f -> %d; calibration %.4f s, folds %.3f s, "
        "final %.3f s",
        result.foldBestEpochs[0], result.foldBestEpochs[1], result.foldBestEpochs[2],
        result.foldBestEpochs[3], result.foldBestEpochs[4], chosen, result.calibration.seconds,
        result.foldSeconds, result.finalSeconds);
  }

  void crossValidatedProbabilitiesAreReliable() {
    // Trained and calibrated by cross-validation on 300 songs whose tags are noisy (tag 0 on 75 %
    // of artist 0's songs), the probabilities on 4 000 new songs from the same source follow what
    // happens: artist 0's songs get about 0.75 for tag 0 and artist 1's about 0.25, not 1 and 0.
    // The bound is loose: the model trained on all 300 songs scores a little more sharply than
    // the fold models the fits saw (the ECE it costs here: docs/experiments.md §7.1).
    const TrainingSet data = noisyTags(300, 5);
    JointModel model;
    const CalibratedTraining result =
        trainCalibratedModel(data, {}, smallTraining(), CalibrationOptions{}, model);
    QVERIFY2(result.training.error.empty(), result.training.error.c_str());
    QCOMPARE(result.calibration.source, CalibrationSource::CrossValidation);
    QVERIFY(model.calibration.has_value());
    const TrainingSet fresh = noisyTags(4000, 77);
    const Eigen::MatrixXf embedded = model.embedSongs(fresh.songs);
    std::vector<float> probabilities;
    std::vector<char> outcomes;
    double artist0 = 0, artist1 = 0;
    int artist0Songs = 0;
    for (int s = 0; s < fresh.numSongs(); ++s) {
      const Eigen::VectorXf p =
          model.calibration->tagProbabilities(model.T.transpose() * embedded.col(s));
      const auto& tags = fresh.songTags[static_cast<std::size_t>(s)];
      for (int t = 0; t < 2; ++t) {
        probabilities.push_back(p[t]);
        outcomes.push_back(tags.front() == t ? 1 : 0);
      }
      if (fresh.songArtist[static_cast<std::size_t>(s)] == 0) {
        artist0 += p[0];
        ++artist0Songs;
      } else {
        artist1 += p[0];
      }
    }
    const double ece = expectedCalibrationError(reliabilityBins(probabilities, outcomes));
    artist0 /= artist0Songs;
    artist1 /= fresh.numSongs() - artist0Songs;
    qInfo("ECE %.4f, mean P(tag 0 | artist 0) %.3f, P(tag 0 | artist 1) %.3f", ece, artist0,
          artist1);
    QVERIFY(ece <= 0.15);
    QVERIFY(std::abs(artist0 - kNoisyTagRate) < 0.12);
    QVERIFY(std::abs(artist1 - (1 - kNoisyTagRate)) < 0.12);
  }

  void calibrationSourceByLibrarySize() {
    TrainOptions train = smallTraining();
    train.epochs = 3;
    CalibrationOptions options;
    JointModel model;
    // 1 000 songs: the validation split (100 songs), nothing trained for the calibration.
    const TrainingSet large = twoArtists(1000);
    CalibratedTraining result = trainCalibratedModel(large, {}, train, options, model);
    QVERIFY2(result.calibration.error.empty(), result.calibration.error.c_str());
    QCOMPARE(result.calibration.source, CalibrationSource::ValidationSplit);
    QCOMPARE(result.calibration.folds, 0);
    QVERIFY(result.foldBestEpochs.empty());
    QVERIFY(result.training.refit);
    QVERIFY(model.calibration.has_value());
    // No early stopping asked (validation_fraction 0): trained for every epoch, then cross-fitted.
    const TrainingSet small = twoArtists(60);
    TrainOptions noValidation = train;
    noValidation.validationFraction = 0;
    options.folds = 3;
    result = trainCalibratedModel(small, {}, noValidation, options, model);
    QVERIFY2(result.calibration.error.empty(), result.calibration.error.c_str());
    QCOMPARE(result.calibration.source, CalibrationSource::CrossFitting);
    QCOMPARE(result.calibration.folds, 3);
    QCOMPARE(result.training.epochsRun, 3);
    QVERIFY(model.calibration.has_value());
    // calibration_folds 0: trained, uncalibrated.
    options.folds = 0;
    result = trainCalibratedModel(small, {}, train, options, model);
    QVERIFY(result.training.error.empty());
    QCOMPARE(result.calibration.source, CalibrationSource::None);
    QVERIFY(!model.calibration.has_value());
    // Invalid options: named, nothing trained.
    options.folds = 99;
    result = trainCalibratedModel(small, {}, train, options, model);
    QVERIFY(result.calibration.error.find("calibration_folds") != std::string::npos);
    train.dimension = 0;
    result = trainCalibratedModel(small, {}, train, CalibrationOptions{}, model);
    QVERIFY(result.training.error.find("dimension") != std::string::npos);
  }

  void explicitValidationSongsAreChecked() {
    const TrainingSet data = twoArtists(20);
    TrainOptions train = smallTraining();
    train.epochs = 2;
    JointModel model;
    const std::vector<int> unordered{3, 1};
    QVERIFY(
        trainModel(data, train, model, {}, nullptr, nullptr, unordered).error.find("ascending") !=
        std::string::npos);
    const std::vector<int> outside{1, 20};
    QVERIFY(
        trainModel(data, train, model, {}, nullptr, nullptr, outside).error.find("not a song") !=
        std::string::npos);
    std::vector<int> every(20);
    for (int s = 0; s < 20; ++s) every[static_cast<std::size_t>(s)] = s;
    QVERIFY(
        trainModel(data, train, model, {}, nullptr, nullptr, every).error.find("at least one") !=
        std::string::npos);
    // A valid one is the split: held out, no refit, the model early stopping chose.
    const std::vector<int> part{0, 5, 9, 14};
    HeldOutModel heldOut;
    const TrainReport report = trainModel(data, train, model, {}, nullptr, &heldOut, part);
    QVERIFY2(report.error.empty(), report.error.c_str());
    QCOMPARE(report.validationSongs, 4);
    QVERIFY(!report.refit);
    QCOMPARE(heldOut.songs, part);
    QVERIFY(heldOut.V.isApprox(model.V));
  }
};

QTEST_GUILESS_MAIN(CalibrationTest)
#include "tst_calibration.moc"
