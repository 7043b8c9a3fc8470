#include <QtTest>
#include <cmath>
#include <cstring>
#include <tuple>

#include "core/model/featurespace.h"
#include "core/model/trainer.h"
#include "core/model/trainer_plan.h"
#include "core/model/trainer_sgd.h"

using namespace songspace::core;
namespace base = songspace::base;

namespace {

// A planted problem: 20 latent clusters in 5 genres. Artist c and tag c belong to cluster c, tag
// 20 + c/4 to its genre. A song is a noisy bag of words: half its words from its cluster's 12
// signature codewords, half uniform over all codewords; plus a pure-noise summary block.
constexpr int kClusters = 20;
constexpr int kCodewords = 300;
constexpr int kSignature = 12;

struct Planted {
  TrainingSet train;
  SparseRows testSongs;
  std::vector<int> testCluster;
};

RawSongFeatures plantedSong(int cluster, base::Xoshiro256& rng) {
  std::vector<float> counts(kCodewords, 0.0f);
  for (int w = 0; w < 40; ++w) {
    const int word =
        base::uniform01(rng) < 0.5
            ? cluster * kSignature + static_cast<int>(base::uniformBelow(rng, kSignature))
            : static_cast<int>(base::uniformBelow(rng, kCodewords));
    counts[static_cast<std::size_t>(word)] += 1;
  }
  RawSongFeatures song;
  for (int k = 0; k < kCodewords; ++k)
    if (counts[static_cast<std::size_t>(k)] > 0)
      song.codewordCounts.emplace_back(k, counts[static_cast<std::size_t>(k)]);
  for (int i = 0; i < 8; ++i) song.summary.push_back(static_cast<float>(base::standardNormal(rng)));
  return song;
}

SparseRows toRows(const FeatureSpace& space, const std::vector<RawSongFeatures>& songs) {
  SparseRows rows(static_cast<Eigen::Index>(songs.size()), space.dimension());
  std::vector<Eigen::Triplet<float>> triplets;
  for (std::size_t i = 0; i < songs.size(); ++i) {
    const Eigen::SparseVector<float> x = space.transform(songs[i]);
    for (Eigen::SparseVector<float>::InnerIterator it(x); it; ++it)
      triplets.emplace_back(static_cast<int>(i), static_cast<int>(it.index()), it.value());
  }
  rows.setFromTriplets(triplets.begin(), triplets.end());
  return rows;
}

Planted makePlanted(std::uint64_t seed, int songsPerCluster = 40, int testPerCluster = 10) {
  base::Xoshiro256 rng(seed);
  Planted p;
  std::vector<RawSongFeatures> train, test;
  std::vector<int> trainCluster;
  for (int c = 0; c < kClusters; ++c) {
    for (int i = 0; i < songsPerCluster; ++i) {
      train.push_back(plantedSong(c, rng));
      trainCluster.push_back(c);
    }
    for (int i = 0; i < testPerCluster; ++i) {
      test.push_back(plantedSong(c, rng));
      p.testCluster.push_back(c);
    }
  }
  const FeatureSpace space = FeatureSpace::fit(train, kCodewords);
  p.train.songs = toRows(space, train);
  p.testSongs = toRows(space, test);
  p.train.numArtists = kClusters;
  p.train.numTags = kClusters + kClusters / 4;
  for (int c : trainCluster) {
    std::vector<int> tags{kClusters + c / 4};
    if (base::uniform01(rng) < 0.9) tags.push_back(c);
    p.train.songTags.push_back(tags);
    p.train.songArtist.push_back(c);
  }
  const int n = static_cast<int>(train.size());
  for (int k = 0; k < 600; ++k) {
    const int a = static_cast<int>(base::uniformBelow(rng, static_cast<std::uint32_t>(n)));
    const int b =
        trainCluster[static_cast<std::size_t>(a)] * songsPerCluster +
        static_cast<int>(base::uniformBelow(rng, static_cast<std::uint32_t>(songsPerCluster)));
    p.train.similarSongs.emplace_back(a, b);
  }
  for (int a = 0; a < kClusters; ++a)
    for (int b = a + 1; b < kClusters; ++b)
      if (a / 4 == b / 4) p.train.similarArtists.emplace_back(a, b);
  return p;
}

struct Precision {
  double tags = 0;
  double artist = 0;
};

Precision testPrecision(const Planted& p, const JointModel& model) {
  const Eigen::MatrixXf embedded = model.embedSongs(p.testSongs);
  Precision out;
  const auto n = static_cast<double>(p.testCluster.size());
  for (std::size_t i = 0; i < p.testCluster.size(); ++i) {
    const int c = p.testCluster[i];
    const Eigen::VectorXf e = embedded.col(static_cast<Eigen::Index>(i));
    const int tag = model.predictTags(e, 1).front().index;
    out.tags += (tag == c || tag == kClusters + c / 4) / n;
    out.artist += (model.predictArtists(e, 1).front().index == c) / n;
  }
  return out;
}

TrainOptions plantedOptions() {
  TrainOptions o;
  o.dimension = 32;
  o.subspaces = 1;
  o.epochs = 30;
  o.seed = 7;
  o.patience = 4;
  // The step size is a hyper-parameter (docs/design.md §2.2). Here the similar-artist pairs tie the
  // four artists of a genre together, and with C = 1 a margin of 1 leaves little room: steps of
  // 0.05 pull a genre's artists onto one point, 0.02 keeps them apart (checked over five seeds).
  o.learningRate = 0.02;
  return o;
}

bool bitIdentical(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(float) * static_cast<std::size_t>(a.size())) == 0;
}

// V, A and T of two models, bit for bit.
bool sameParameters(const JointModel& a, const JointModel& b) {
  return bitIdentical(a.V, b.V) && bitIdentical(a.A, b.A) && bitIdentical(a.T, b.T);
}

QString describe(const Precision& p, const TrainReport& r) {
  return QStringLiteral("tags p@1 %1, artist p@1 %2, epochs %3, best %4")
      .arg(p.tags)
      .arg(p.artist)
      .arg(r.epochsRun)
      .arg(r.bestEpoch);
}

}  // namespace

class TrainerTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void rankWeightTable() {
    QCOMPARE(warpRankWeight(0), 0.0);
    QCOMPARE(warpRankWeight(1), 1.0);
    QCOMPARE(warpRankWeight(2), 1.5);
    QVERIFY(std::abs(warpRankWeight(3) - 11.0 / 6) < 1e-15);
    QVERIFY(std::abs(warpRankWeight(4) - 25.0 / 12) < 1e-15);
    QVERIFY(std::abs(warpRankWeight(10) - 7381.0 / 2520) < 1e-14);
    for (int k : {4096, 4097, 100000, 3000000}) {  // past the table: the asymptotic expansion
      double sum = 0;
      for (int j = k; j >= 1; --j) sum += 1.0 / j;
      QVERIFY2(std::abs(warpRankWeight(k) - sum) < 1e-10, qPrintable(QString::number(k)));
    }
  }

  void rankEstimate() {
    QCOMPARE(warpRankEstimate(100, 1), 99);  // first draw violates: rank ≈ all negatives
    QCOMPARE(warpRankEstimate(100, 2), 49);
    QCOMPARE(warpRankEstimate(100, 33), 3);
    QCOMPARE(warpRankEstimate(100, 99), 1);
    QCOMPARE(warpRankEstimate(100, 100), 0);
    QCOMPARE(warpRankEstimate(1, 1), 0);
    QCOMPARE(warpRankEstimate(10, 0), 0);
  }

  void gradientsMatchFiniteDifferences_data() {
    QTest::addColumn<int>("task");
    for (int t = 0; t < kTaskCount; ++t) QTest::newRow(taskName(static_cast<Task>(t))) << t;
  }
  void gradientsMatchFiniteDifferences() {
    QFETCH(int, task);
    base::Xoshiro256 rng(11 + static_cast<std::uint64_t>(task));
    const int d = 5, features = 12, artists = 4, tags = 3, songs = 6;
    std::vector<Eigen::Triplet<float>> triplets;
    for (int s = 0; s < songs; ++s)  // overlapping supports: shared columns get summed gradients
      for (int k : {s, s + 1, s + 3, 11})
        triplets.emplace_back(s, k, static_cast<float>(base::standardNormal(rng)));
    SparseRows x(songs, features);
    x.setFromTriplets(triplets.begin(), triplets.end());
    auto random = [&](int cols) {
      Eigen::MatrixXf m(d, cols);
      for (Eigen::Index i = 0; i < m.size(); ++i)
        m.data()[i] = 0.15f * float(base::standardNormal(rng));
      return m;
    };
    Eigen::MatrixXf V = random(features), A = random(artists), T = random(tags);
    sgd::Parameters p{&V, &A, &T, &x};
    sgd::Scratch scratch(d);
    const int q = 0, y = 2, n = 1;  // valid indices for every kind
    const double weight = warpRankWeight(3);
    // The WARP-weighted hinge L(k)·|1 − f_y + f_ȳ|₊ of the fixed triple.
    auto loss = [&] {
      return weight * std::max(0.0f, sgd::tripleMargin(p, Task(task), q, y, n, scratch));
    };
    QVERIFY(sgd::tripleMargin(p, Task(task), q, y, n, scratch) > 0.05f);  // hinge active

    const Eigen::MatrixXf V0 = V, A0 = A, T0 = T;
    // One step with rate 1 moves θ by exactly −∂loss/∂θ: recover the analytic gradient from it.
    sgd::tripleStep(p, Task(task), q, y, n, 1.0f, static_cast<float>(weight), scratch);
    const Eigen::MatrixXf gV = V0 - V, gA = A0 - A, gT = T0 - T;
    V = V0, A = A0, T = T0;
    int checked = 0, nonzero = 0;
    for (auto [m, g] : {std::pair{&V, &gV}, std::pair{&A, &gA}, std::pair{&T, &gT}}) {
      for (Eigen::Index i = 0; i < m->size(); ++i) {
        const float h = 1e-2f, saved = m->data()[i];
        m->data()[i] = saved + h;
        const double up = loss();
        m->data()[i] = saved - h;
        const double down = loss();
        m->data()[i] = saved;
        const double numeric = (up - down) / (2 * h);  // exact for a quadratic, up to rounding
        QVERIFY2(std::abs(numeric - g->data()[i]) < 2e-3,
                 qPrintable(QStringLiteral("entry %1: numeric %2 analytic %3")
                                .arg(i)
                                .arg(numeric)
                                .arg(g->data()[i])));
        ++checked;
        nonzero += std::abs(numeric) > 1e-3;
      }
    }
    QCOMPARE(checked, d * (features + artists + tags));
    QVERIFY(nonzero > 2 * d);

    // The projection leaves every touched entity inside the ball.
    V *= 10.0f, A *= 10.0f, T *= 10.0f;
    sgd::projectTriple(p, Task(task), q, y, n, 1.0f, scratch);
    const sgd::TaskShape shape = sgd::taskShape(Task(task));
    Eigen::VectorXf e(d);
    for (auto [kind, index] :
         {std::pair{shape.query, q}, std::pair{shape.label, y}, std::pair{shape.label, n}}) {
      if (kind != sgd::Kind::Song) {
        sgd::embed(p, kind, index, e);
        QVERIFY2(e.norm() <= 1.0f + 1e-5f, qPrintable(QString::number(e.norm())));
        continue;
      }
      // A song: every column of V it selects (the paper's constraint on V, see trainer.cpp).
      int columns = 0;
      for (SparseRows::InnerIterator it(*p.songs, index); it; ++it, ++columns)
        QVERIFY2(V.col(it.index()).norm() <= 1.0f + 1e-5f,
                 qPrintable(QString::number(V.col(it.index()).norm())));
      QVERIFY(columns > 0);
    }
  }

  // AdaGrad: from accumulators at 1, one step moves every entry by rate · g / √(1 + g²) and leaves
  // 1 + g² in its accumulator, g being the plain gradient step (rate 1) of the same triple. Tasks
  // whose query and labels are different kinds, or songs with disjoint supports, so no column is
  // touched twice in one step.
  void adagradStepScalesEachEntry_data() {
    QTest::addColumn<int>("task");
    QTest::newRow("tags") << int(Task::Tags);
    QTest::newRow("artist") << int(Task::Artist);
    QTest::newRow("songs_for_artist") << int(Task::SongsForArtist);
  }
  void adagradStepScalesEachEntry() {
    QFETCH(int, task);
    base::Xoshiro256 rng(29);
    const int d = 4, features = 6, songs = 3;
    std::vector<Eigen::Triplet<float>> triplets;  // disjoint supports
    for (int s = 0; s < songs; ++s)
      for (int k : {s, s + 3}) triplets.emplace_back(s, k, 0.5f + float(base::uniform01(rng)));
    SparseRows x(songs, features);
    x.setFromTriplets(triplets.begin(), triplets.end());
    auto random = [&](int cols) {
      Eigen::MatrixXf m(d, cols);
      for (Eigen::Index i = 0; i < m.size(); ++i)
        m.data()[i] = 0.3f * float(base::standardNormal(rng));
      return m;
    };
    const Eigen::MatrixXf V0 = random(features), A0 = random(3), T0 = random(3);
    Eigen::MatrixXf V = V0, A = A0, T = T0;
    sgd::Parameters p{&V, &A, &T, &x};
    sgd::Scratch scratch(d);
    const int q = 0, y = 1, n = 2;
    const float weight = 1.5f, rate = 0.1f;
    sgd::tripleStep(p, Task(task), q, y, n, 1.0f, weight, scratch);
    const Eigen::ArrayXXf gV = V0 - V, gA = A0 - A, gT = T0 - T;  // −gradient
    V = V0, A = A0, T = T0;
    Eigen::MatrixXf sV = Eigen::MatrixXf::Ones(d, features), sA = Eigen::MatrixXf::Ones(d, 3),
                    sT = Eigen::MatrixXf::Ones(d, 3);
    p.squaredV = &sV, p.squaredA = &sA, p.squaredT = &sT;
    sgd::tripleStep(p, Task(task), q, y, n, rate, weight, scratch);
    double moved = 0;
    for (auto [m, m0, g, sq] : {std::tuple{&V, &V0, &gV, &sV}, std::tuple{&A, &A0, &gA, &sA},
                                std::tuple{&T, &T0, &gT, &sT}}) {
      const Eigen::ArrayXXf expected = rate * *g / (1.0f + g->square()).sqrt();
      QVERIFY(((*m0 - *m).array() - expected).abs().maxCoeff() < 1e-6f);
      QVERIFY((sq->array() - (1.0f + g->square())).abs().maxCoeff() < 1e-5f);
      moved += expected.abs().sum();
    }
    QVERIFY(moved > 0.01);
    // A second step at nearly the same gradient is smaller: the accumulator holds ≈ 1 + 2g².
    const Eigen::MatrixXf V1 = V;
    sgd::tripleStep(p, Task(task), q, y, n, rate, weight, scratch);
    QVERIFY((V1 - V).norm() < (V0 - V1).norm());
  }

  void warpLearnsPlantedProblem() {
    const Planted planted = makePlanted(1);
    JointModel model;
    model.artistNames = {"kept"};
    model.info["caller"] = "set";
    std::vector<TrainProgress> seen;
    const TrainReport report = trainModel(planted.train, plantedOptions(), model,
                                          [&](const TrainProgress& p) { seen.push_back(p); });
    QVERIFY2(report.error.empty(), report.error.c_str());
    const Precision precision = testPrecision(planted, model);
    QVERIFY2(precision.tags >= 0.95 && precision.artist >= 0.95,
             qPrintable(describe(precision, report)));
    // One report per epoch, and one per refit epoch when the refit on all songs ran.
    const bool refit = model.info.count("refit") > 0;
    QCOMPARE(int(seen.size()), report.epochsRun + (refit ? report.bestEpoch : 0));
    if (refit) QVERIFY(seen.back().message.rfind("refit on all songs", 0) == 0);
    QVERIFY(report.examplesPerSecond > 0);
    QCOMPARE(model.artistNames, std::vector<std::string>{"kept"});  // caller's fields untouched
    QCOMPARE(model.info.at("caller"), std::string("set"));
    QCOMPARE(model.info.at("loss"), std::string("warp"));
    QCOMPARE(model.dimension(), 32);

    // Norms: every column of A, T and every embedded song (training and unseen) ≤ C.
    const float c = model.maxNorm;
    QCOMPARE(c, float(plantedOptions().maxNorm));
    for (const Eigen::MatrixXf* m : {&model.A, &model.T})
      for (Eigen::Index i = 0; i < m->cols(); ++i) QVERIFY(m->col(i).norm() <= c * (1 + 1e-5f));
    for (const SparseRows* songs : {&planted.train.songs, &planted.testSongs}) {
      const Eigen::MatrixXf e = model.embedSongs(*songs);
      for (Eigen::Index i = 0; i < e.cols(); ++i) QVERIFY(e.col(i).norm() <= c * (1 + 1e-5f));
    }
  }

  void aucLearnsPlantedProblem() {
    const Planted planted = makePlanted(1);
    TrainOptions options = plantedOptions();
    options.loss = Loss::Auc;
    JointModel model;
    const TrainReport report = trainModel(planted.train, options, model);
    const Precision precision = testPrecision(planted, model);
    QVERIFY2(precision.tags >= 0.85 && precision.artist >= 0.8,
             qPrintable(describe(precision, report)));
    QCOMPARE(model.info.at("loss"), std::string("auc"));
  }

  void singleThreadIsBitIdentical() {
    const Planted planted = makePlanted(2, 20, 1);
    TrainOptions options = plantedOptions();
    options.epochs = 4;
    JointModel first, second, other;
    const TrainReport r1 = trainModel(planted.train, options, first);
    const TrainReport r2 = trainModel(planted.train, options, second);
    QVERIFY(sameParameters(first, second));
    QCOMPARE(r1.validationHistory, r2.validationHistory);
    options.seed = 8;
    trainModel(planted.train, options, other);
    QVERIFY(!bitIdentical(first.V, other.V));
  }

  void hogwildLearns() {
    const Planted planted = makePlanted(1);
    TrainOptions options = plantedOptions();
    options.threads = 2;
    JointModel model;
    const TrainReport report = trainModel(planted.train, options, model);
    QVERIFY2(report.error.empty(), report.error.c_str());
    const Precision precision = testPrecision(planted, model);
    QVERIFY2(precision.tags >= 0.9 && precision.artist >= 0.9,
             qPrintable(describe(precision, report)));
  }

  // Two Hogwild workers for a few epochs on a small planted problem: the case the tsan preset
  // runs (hogwildLearns trains to convergence, minutes under TSan). The unlocked updates leave
  // every parameter finite and every column of A and T within the norm bound.
  void hogwildWorkersStayBounded() {
    const Planted planted = makePlanted(1);
    TrainOptions options = plantedOptions();
    options.threads = 2;
    options.epochs = 3;
    options.patience = 0;
    JointModel model;
    const TrainReport report = trainModel(planted.train, options, model);
    QVERIFY2(report.error.empty(), report.error.c_str());
    QCOMPARE(report.epochsRun, 3);
    QVERIFY(model.V.allFinite() && model.A.allFinite() && model.T.allFinite());
    for (const Eigen::MatrixXf* m : {&model.A, &model.T}) {
      for (Eigen::Index i = 0; i < m->cols(); ++i)
        QVERIFY(m->col(i).norm() <= model.maxNorm * (1 + 1e-5f));
    }
  }

  void earlyStoppingRestoresBest() {
    const Planted planted = makePlanted(3, 20, 1);
    TrainOptions options = plantedOptions();
    options.epochs = 200;
    options.patience = 2;
    options.validationFraction = 0.2;
    JointModel model;
    const TrainReport report = trainModel(planted.train, options, model);
    QVERIFY2(report.epochsRun < 200, qPrintable(QString::number(report.epochsRun)));
    QCOMPARE(report.epochsRun, report.bestEpoch + options.patience);
    QCOMPARE(int(report.validationHistory.size()), report.epochsRun);
    const auto best =
        std::max_element(report.validationHistory.begin(), report.validationHistory.end());
    QCOMPARE(int(best - report.validationHistory.begin()) + 1, report.bestEpoch);
    QCOMPARE(report.bestValidationScore, *best);
    // Validation consumes no randomness, so training exactly bestEpoch epochs reproduces the
    // parameters the early-stopped run must have restored.
    options.epochs = report.bestEpoch;
    options.patience = 0;
    JointModel reference;
    trainModel(planted.train, options, reference);
    QVERIFY(sameParameters(model, reference));
  }

  void cancelStops() {
    const Planted planted = makePlanted(4, 20, 1);
    TrainOptions options = plantedOptions();
    options.patience = 0;
    std::atomic<bool> cancel{false};
    JointModel model;
    TrainReport report = trainModel(
        planted.train, options, model, [&](const TrainProgress& p) { cancel = p.epoch >= 2; },
        &cancel);
    QVERIFY(report.cancelled);
    QCOMPARE(report.epochsRun, 2);
    QVERIFY(report.bestEpoch >= 1 && report.bestEpoch <= 2);
    report = trainModel(planted.train, options, model, {}, &cancel);  // already set
    QVERIFY(report.cancelled);
    QCOMPARE(report.epochsRun, 0);
  }

  void iterateAveragingAndRateDecay() {
    // Five held-out songs a cluster: with one, a single miss moves p@1 by 1/kClusters.
    const Planted planted = makePlanted(6, 20, 5);
    TrainOptions options = plantedOptions();
    options.validationFraction = 0;  // no early stopping, no refit: the last epoch is returned
    options.patience = 0;
    options.epochs = 1;
    options.averageDecay = 0;  // one and two are the last iterates the average is built from
    JointModel one, two;
    trainModel(planted.train, options, one);
    options.epochs = 2;
    trainModel(planted.train, options, two);

    // Known answer: after two epochs the bias-corrected average is (d·V₁ + V₂) / (d + 1).
    options.averageDecay = 0.5;
    JointModel averaged, again;
    QVERIFY(trainModel(planted.train, options, averaged).error.empty());
    const Eigen::MatrixXf expected = (0.5f * one.V + two.V) / 1.5f;
    QVERIFY((averaged.V - expected).cwiseAbs().maxCoeff() < 1e-5f);
    QVERIFY((averaged.T - (0.5f * one.T + two.T) / 1.5f).cwiseAbs().maxCoeff() < 1e-5f);
    QVERIFY(!bitIdentical(averaged.V, two.V));
    trainModel(planted.train, options, again);  // still deterministic for a seed
    QVERIFY(bitIdentical(averaged.V, again.V));
    QVERIFY(bitIdentical(averaged.T, again.T));

    // Rate decay: the first epoch steps at the full rate, later ones slower.
    options.averageDecay = 0;
    options.learningRateDecayEpochs = 1;
    options.epochs = 1;
    JointModel decayed;
    trainModel(planted.train, options, decayed);
    QVERIFY(bitIdentical(decayed.V, one.V));
    options.epochs = 2;
    trainModel(planted.train, options, decayed);
    QVERIFY(!bitIdentical(decayed.V, two.V));

    // Both together still learn the planted problem, with early stopping and refit.
    options = plantedOptions();
    options.averageDecay = 0.8;
    options.learningRateDecayEpochs = 10;
    JointModel model;
    const TrainReport report = trainModel(planted.train, options, model);
    QVERIFY2(report.error.empty(), report.error.c_str());
    const Precision precision = testPrecision(planted, model);
    QVERIFY2(precision.tags >= 0.9 && precision.artist >= 0.9,
             qPrintable(describe(precision, report)));

    options.averageDecay = 1;
    QVERIFY(!trainModel(planted.train, options, model).error.empty());
    options.averageDecay = 0;
    options.learningRateDecayEpochs = -1;
    QVERIFY(!trainModel(planted.train, options, model).error.empty());
  }

  void subspacesAreStackedBlocks() {
    // Two blocks of 16 rows: each is exactly the single-space model of its own seed, scaled by
    // 1/√2, so every score of the stacked model is the mean of the two blocks' scores.
    const Planted planted = makePlanted(9, 20, 1);
    TrainOptions options = plantedOptions();
    options.epochs = 6;
    options.dimension = 32;
    options.subspaces = 2;
    JointModel stacked;
    std::vector<TrainProgress> seen;
    const TrainReport report = trainModel(planted.train, options, stacked,
                                          [&](const TrainProgress& p) { seen.push_back(p); });
    QVERIFY2(report.error.empty(), report.error.c_str());
    QCOMPARE(stacked.dimension(), 32);
    QCOMPARE(stacked.info.at("subspaces"), std::string("2"));
    const float scale = 1.0f / std::sqrt(2.0f);
    for (int b = 0; b < 2; ++b) {
      TrainOptions single = options;
      single.subspaces = 1;
      single.dimension = 16;
      single.seed = options.seed + kSubspaceSeedStride * std::uint64_t(b);
      JointModel block;
      QVERIFY(trainModel(planted.train, single, block).error.empty());
      QVERIFY(bitIdentical(stacked.V.middleRows(16 * b, 16), scale * block.V));
      QVERIFY(bitIdentical(stacked.A.middleRows(16 * b, 16), scale * block.A));
      QVERIFY(bitIdentical(stacked.T.middleRows(16 * b, 16), scale * block.T));
    }
    // Progress: one step of one bound per block epoch, never past the bound.
    QVERIFY(!seen.empty());
    for (std::size_t i = 0; i < seen.size(); ++i) {
      QCOMPARE(seen[i].epoch, int(i) + 1);
      QCOMPARE(seen[i].epochs, 2 * options.epochs * 2);
      QVERIFY(seen[i].message.rfind("subspace ", 0) == 0);
    }

    // Uneven split: 3 blocks of 11 + 11 + 10 rows; two threads give the same bits as one.
    options.dimension = 32;
    options.subspaces = 3;
    JointModel one, two;
    QVERIFY(trainModel(planted.train, options, one).error.empty());
    options.threads = 2;
    QVERIFY(trainModel(planted.train, options, two).error.empty());
    QCOMPARE(one.dimension(), 32);
    QVERIFY(sameParameters(one, two));

    options.subspaces = 33;  // more blocks than rows
    QVERIFY(!trainModel(planted.train, options, one).error.empty());
  }

  void stackFollowsLibrarySize() {
    // subspaces 0: 10 blocks below kLargeLibrarySongs songs, 2 from there, never more than the
    // dimension; an explicit count always wins.
    TrainOptions o;
    QCOMPARE(o.subspaces, 0);
    QCOMPARE(subspacesForLibrary(o, 168), 10);
    QCOMPARE(subspacesForLibrary(o, kLargeLibrarySongs - 1), 10);
    QCOMPARE(subspacesForLibrary(o, kLargeLibrarySongs), 2);
    QCOMPARE(subspacesForLibrary(o, 1000000), 2);
    o.dimension = 4;
    QCOMPARE(subspacesForLibrary(o, 168), 4);
    o.dimension = 1;
    QCOMPARE(subspacesForLibrary(o, 168), 1);
    QCOMPARE(subspacesForLibrary(o, 1000000), 1);
    o.dimension = 160;
    o.subspaces = 5;
    QCOMPARE(subspacesForLibrary(o, 168), 5);
    QCOMPARE(subspacesForLibrary(o, 1000000), 5);

    // trainModel resolves 0 the same way and says what it chose: a small library at d = 3 is
    // stacked as 3 blocks of one row.
    const Planted planted = makePlanted(3, 10, 1);
    TrainOptions small = plantedOptions();
    small.subspaces = 0;
    small.dimension = 3;
    small.epochs = 2;
    JointModel model;
    const TrainReport report = trainModel(planted.train, small, model);
    QVERIFY2(report.error.empty(), report.error.c_str());
    QCOMPARE(report.subspaces, 3);
    QCOMPARE(model.info.at("subspaces"), std::string("3"));
    QCOMPARE(model.dimension(), 3);
  }

  void subspacesLearnPlantedProblem() {
    // The same total d as the single-space tests, in 4 blocks of 8 (the stack costs a full run
    // per block: under ASan on 2 shared cores a larger one neared QtTest's watchdog).
    const Planted planted = makePlanted(1);
    TrainOptions options = plantedOptions();
    options.subspaces = 4;
    options.threads = 2;
    JointModel model;
    const TrainReport report = trainModel(planted.train, options, model);
    QVERIFY2(report.error.empty(), report.error.c_str());
    const Precision precision = testPrecision(planted, model);
    QVERIFY2(precision.tags >= 0.95 && precision.artist >= 0.95,
             qPrintable(describe(precision, report)));
    for (Eigen::Index i = 0; i < model.A.cols(); ++i)
      QVERIFY(model.A.col(i).norm() <= model.maxNorm * (1 + 1e-5f));

    // Cancelled in the middle: reported, and the caller's model is left as it was.
    const Planted small = makePlanted(4, 20, 1);
    std::atomic<bool> cancel{false};
    JointModel untouched;
    const TrainReport stopped = trainModel(
        small.train, options, untouched, [&](const TrainProgress& p) { cancel = p.epoch >= 3; },
        &cancel);
    QVERIFY(stopped.cancelled);
    QCOMPARE(untouched.V.size(), Eigen::Index(0));
  }

  void negativeDrawsAreCapped_data() {
    QTest::addColumn<int>("refreshes");
    QTest::newRow("song cache") << 1;
    QTest::newRow("no cache") << 0;
  }

  void negativeDrawsAreCapped() {
    // The same cap on a library 4× larger: no step scores more candidates, and every step scores
    // at least one while the songs tasks have |Y| − 1 ≫ cap (so the cap binds).
    QFETCH(int, refreshes);
    TrainOptions options = plantedOptions();
    options.epochs = 3;
    options.patience = 0;
    options.songCacheRefreshesPerPass = refreshes;
    options.maxNegativeDraws = 5;
    for (int songsPerCluster : {20, 80}) {
      const Planted planted = makePlanted(3, songsPerCluster, 1);
      JointModel model;
      const TrainReport report = trainModel(planted.train, options, model);
      QVERIFY2(report.error.empty(), report.error.c_str());
      QCOMPARE(report.maxNegativesScoredInStep, options.maxNegativeDraws);
      QVERIFY(report.negativesScored > 0);
    }
    // Uncapped, WARP goes further down the songs once the model ranks well.
    options.maxNegativeDraws = 0;
    const Planted planted = makePlanted(3, 80, 1);
    JointModel model;
    const TrainReport uncapped = trainModel(planted.train, options, model);
    QVERIFY2(uncapped.maxNegativesScoredInStep > 5,
             qPrintable(QString::number(uncapped.maxNegativesScoredInStep)));

    // AUC scores one candidate per step; the stack adds its blocks' counts.
    options.loss = Loss::Auc;
    QCOMPARE(trainModel(planted.train, options, model).maxNegativesScoredInStep, 1);
    options.loss = Loss::Warp;
    options.maxNegativeDraws = 5;
    options.subspaces = 2;
    const TrainReport stacked = trainModel(planted.train, options, model);
    QCOMPARE(stacked.maxNegativesScoredInStep, 5);
    QVERIFY(stacked.negativesScored > 0);

    options.maxNegativeDraws = -1;
    QVERIFY(!trainModel(planted.train, options, model).error.empty());
    options.maxNegativeDraws = 5;
    options.songCacheRefreshesPerPass = 1001;
    QVERIFY(!trainModel(planted.train, options, model).error.empty());
  }

  void songCacheFreshAtEveryStepSamplesAsUncached() {
    // With at least as many refreshes as steps in an epoch, every candidate is scored against the
    // current V: the same negatives as without the cache (up to float rounding of V s′ · q against
    // Σ s_k V_kᵀ q, which may flip a margin within 1e-6 of 0: not with this seed).
    Planted planted = makePlanted(6, 5, 1);
    planted.train.similarSongs.clear();
    TrainOptions options = plantedOptions();
    options.epochs = 3;
    options.patience = 0;
    options.refitOnAllSongs = false;
    options.maxNegativeDraws = 0;
    options.songCacheRefreshesPerPass = 1000;
    JointModel fresh, uncached, stale;
    const TrainReport report = trainModel(planted.train, options, fresh);
    QVERIFY2(report.error.empty(), report.error.c_str());
    QVERIFY(report.negativesScored > 0);
    options.songCacheRefreshesPerPass = 0;
    QVERIFY(trainModel(planted.train, options, uncached).error.empty());
    QVERIFY2((fresh.V - uncached.V).cwiseAbs().maxCoeff() < 1e-4f,
             qPrintable(QString::number((fresh.V - uncached.V).cwiseAbs().maxCoeff())));
    // Refreshed once an epoch, the sampler sees stale scores: other negatives, another model.
    options.songCacheRefreshesPerPass = 1;
    QVERIFY(trainModel(planted.train, options, stale).error.empty());
    QVERIFY((stale.V - uncached.V).cwiseAbs().maxCoeff() > 1e-2f);
  }

  void cappedCachedWarpLearnsPlantedProblem() {
    // A cap far below |Y| − 1 = 719 songs and one cache refresh an epoch still learn the problem.
    const Planted planted = makePlanted(1);
    TrainOptions options = plantedOptions();
    options.maxNegativeDraws = 8;
    options.songCacheRefreshesPerPass = 1;
    JointModel model, again;
    const TrainReport report = trainModel(planted.train, options, model);
    QVERIFY2(report.error.empty(), report.error.c_str());
    QCOMPARE(report.maxNegativesScoredInStep, 8);
    const Precision precision = testPrecision(planted, model);
    QVERIFY2(precision.tags >= 0.95 && precision.artist >= 0.95,
             qPrintable(describe(precision, report)));
    QVERIFY(trainModel(planted.train, options, again).error.empty());
    QVERIFY(sameParameters(model, again));  // one thread: bit-identical for a seed
  }

  void tasksWithoutDataAreSkipped() {
    Planted planted = makePlanted(5, 20, 5);
    planted.train.songArtist.clear();  // no artist, songs-for-artist data
    planted.train.similarSongs.clear();
    planted.train.similarArtists.clear();
    TrainOptions options = plantedOptions();
    JointModel model;
    TrainReport report = trainModel(planted.train, options, model);
    QVERIFY2(report.error.empty(), report.error.c_str());
    QVERIFY(report.epochsRun > 0);
    QVERIFY2(testPrecision(planted, model).tags >= 0.9,
             qPrintable(describe(testPrecision(planted, model), report)));
    QCOMPARE(model.A.cols(), Eigen::Index(kClusters));  // still shaped, just untrained

    // Weight 0 switches a task off; no usable task at all is reported, not a crash.
    options.taskWeights = {0, 1, 1, 1, 1};
    report = trainModel(planted.train, options, model);
    QVERIFY(!report.error.empty());
    QCOMPARE(report.epochsRun, 0);
    options = plantedOptions();
    options.dimension = 0;
    QVERIFY(!trainModel(planted.train, options, model).error.empty());
  }
};

QTEST_GUILESS_MAIN(TrainerTest)
#include "tst_trainer.moc"
