#include "core/eval/evaluation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <type_traits>

#include "core/eval/tabledata.h"

namespace songspace::core {

namespace {

constexpr std::uint64_t kSplitStream = 0xE7A1A7E5011Dull;
constexpr std::uint64_t kTieStream = 0x71E5B4EA4E45ull;

SparseRows selectRows(const SparseRows& rows, const std::vector<int>& which) {
  std::vector<Eigen::Triplet<float>> t;
  for (std::size_t i = 0; i < which.size(); ++i) {
    for (SparseRows::InnerIterator it(rows, which[i]); it; ++it) {
      t.emplace_back(static_cast<int>(i), static_cast<int>(it.col()), it.value());
    }
  }
  SparseRows out(static_cast<int>(which.size()), rows.cols());
  out.setFromTriplets(t.begin(), t.end());
  return out;
}

// Accumulates the four methods of one task. Every query compacts the full-length score vectors
// onto its candidates, which come in a seeded random order so ties are broken fairly.
struct TaskScorer {
  RankingAccumulator model, knn, popularity, random;
  std::vector<float> s;
  std::vector<char> rel;
  std::uint64_t randomSeed;
  explicit TaskScorer(std::uint64_t seed) : randomSeed(seed) {}

  template <typename Score, typename Relevant>
  void add(RankingAccumulator& acc, const std::vector<int>& candidates, Score score,
           Relevant relevant) {
    s.resize(candidates.size());
    rel.resize(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      s[i] = score(candidates[i]);
      rel[i] = relevant(candidates[i]) ? 1 : 0;
    }
    acc.addQuery(s, rel);
  }

  // The four methods for one query; model/knn/popularity return a score for an item.
  template <typename M, typename K, typename P, typename Relevant>
  void query(const std::vector<int>& candidates, M m, K k, P p, Relevant relevant) {
    if (std::none_of(candidates.begin(), candidates.end(), relevant)) return;
    add(model, candidates, m, relevant);
    add(knn, candidates, k, relevant);
    add(popularity, candidates, p, relevant);
    const Eigen::MatrixXf r = randomScores(1, static_cast<int>(candidates.size()), randomSeed++);
    std::size_t i = 0;
    add(
        random, candidates, [&](int) { return r(0, static_cast<Eigen::Index>(i++)); }, relevant);
  }

  TaskEvaluation result(Task task) const {
    return {task,
            {{"model", model.result()},
             {"knn", knn.result()},
             {"popularity", popularity.result()},
             {"random", random.result()}},
            {},
            {}};
  }
};

std::vector<int> shuffledWhere(int n, std::uint64_t seed, const auto& keep) {
  std::vector<int> out;
  for (int i = 0; i < n; ++i) {
    if (keep(i)) out.push_back(i);
  }
  seededShuffle(out, seed);
  return out;
}

}  // namespace

HoldoutSplit splitBySong(const TrainingSet& all, double holdoutFraction, std::uint64_t seed) {
  HoldoutSplit split;
  const int n = all.numSongs();
  // Whole groups (TrainingSet::songGroup: one recording's parts and copies) are shuffled, and the
  // test part takes groups until it holds its share, so no test song has its twin in training.
  // With every song alone this is a shuffle of the songs.
  const std::vector<std::vector<int>> units = songGroupUnits(n, all.songGroup);
  std::vector<int> unitOrder(units.size());
  for (std::size_t u = 0; u < units.size(); ++u) unitOrder[u] = static_cast<int>(u);
  seededShuffle(unitOrder, seed ^ kSplitStream);
  const int test =
      n < 2 ? 0 : std::clamp(static_cast<int>(std::lround(holdoutFraction * n)), 1, n - 1);
  for (const int unit : unitOrder) {
    const std::vector<int>& songs = units[static_cast<std::size_t>(unit)];
    std::vector<int>& to =
        static_cast<int>(split.testSongs.size()) < test ? split.testSongs : split.trainSongs;
    to.insert(to.end(), songs.begin(), songs.end());
  }
  // A group so large that the test part would hold more than twice its share, or every song:
  // the songs are split after all (a leak rather than no evaluation).
  if (n >= 2 && (split.trainSongs.empty() || static_cast<int>(split.testSongs.size()) > 2 * test)) {
    split.testSongs.clear();
    split.trainSongs.clear();
    std::vector<int> order(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
    seededShuffle(order, seed ^ kSplitStream);
    split.testSongs.assign(order.begin(), order.begin() + test);
    split.trainSongs.assign(order.begin() + test, order.end());
  }
  std::sort(split.testSongs.begin(), split.testSongs.end());
  std::sort(split.trainSongs.begin(), split.trainSongs.end());

  std::vector<int> pairs(all.similarArtists.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) pairs[i] = static_cast<int>(i);
  seededShuffle(pairs, (seed ^ kSplitStream) + 1);
  const auto p = static_cast<int>(pairs.size());
  const int testPairs =
      p < 2 ? 0 : std::clamp(static_cast<int>(std::lround(holdoutFraction * p)), 1, p - 1);
  for (int i = 0; i < p; ++i) {
    (i < testPairs ? split.testArtistPairs : split.trainArtistPairs)
        .push_back(
            all.similarArtists[static_cast<std::size_t>(pairs[static_cast<std::size_t>(i)])]);
  }
  return split;
}

TrainingSet trainingPart(const TrainingSet& all, const HoldoutSplit& split) {
  TrainingSet part;
  part.songs = selectRows(all.songs, split.trainSongs);
  part.numArtists = all.numArtists;
  part.numTags = all.numTags;
  std::vector<int> newIndex(static_cast<std::size_t>(all.numSongs()), -1);
  for (std::size_t i = 0; i < split.trainSongs.size(); ++i) {
    const auto s = static_cast<std::size_t>(split.trainSongs[i]);
    newIndex[s] = static_cast<int>(i);
    if (!all.songTags.empty()) part.songTags.push_back(all.songTags[s]);
    if (!all.songArtist.empty()) part.songArtist.push_back(all.songArtist[s]);
    if (static_cast<int>(all.songGroup.size()) == all.numSongs())
      part.songGroup.push_back(all.songGroup[s]);
  }
  for (const auto& [a, b] : all.similarSongs) {
    const int na = newIndex[static_cast<std::size_t>(a)],
              nb = newIndex[static_cast<std::size_t>(b)];
    if (na >= 0 && nb >= 0) part.similarSongs.emplace_back(na, nb);
  }
  part.similarArtists = split.trainArtistPairs;
  return part;
}

std::string EvalOptions::validate() const {
  std::string error = kHoldoutFraction.validate(holdoutFraction);
  if (error.empty()) error = kFolds.validate(folds);
  if (error.empty() && folds == 1)
    error = std::string(kFolds.name) + ": 1 fold would hold every song out; 0 or at least 2";
  if (error.empty()) error = kKnnNeighbours.validate(knnNeighbours);
  if (error.empty()) error = kKnnArtistSongs.validate(knnArtistSongs);
  if (error.empty()) error = train.validate();
  if (error.empty()) error = calibration.validate();
  return error;
}

namespace {

// One split's evaluation (evaluate() without the pooling); options already validated.
EvalResult evaluateSplit(const TrainingSet& all, const HoldoutSplit& split,
                         const EvalOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  EvalResult result;
  const TrainingSet train = trainingPart(all, split);
  result.trainSongs = static_cast<int>(split.trainSongs.size());
  result.testSongs = static_cast<int>(split.testSongs.size());

  JointModel model;
  std::vector<JointModel> foldModels;
  {
    // A per-song list of the whole set, cut to the training songs (empty unless one per song).
    const auto ofTrainingSongs = [&](const auto& perSong) {
      std::remove_cvref_t<decltype(perSong)> part;
      if (perSong.size() != static_cast<std::size_t>(all.numSongs())) return part;
      for (const int song : split.trainSongs)
        part.push_back(perSong[static_cast<std::size_t>(song)]);
      return part;
    };
    const std::vector<int> trainAlbum = ofTrainingSongs(options.songAlbum);
    CalibrationOptions calibrationOptions = options.calibration;
    calibrationOptions.songTaggedOutOfVocabulary =
        ofTrainingSongs(options.songTaggedOutOfVocabulary);
    CalibratedTraining trained =
        trainCalibratedModel(train, trainAlbum, options.train, calibrationOptions, model);
    result.training = std::move(trained.training);
    result.calibration = std::move(trained.calibration);
    result.calibrationData = std::move(trained.heldOut);
    foldModels = std::move(trained.foldModels);
    if (!result.training.error.empty()) {
      result.error = "training failed: " + result.training.error;
      return result;
    }
    if (!result.calibration.error.empty()) {
      result.error = "calibration failed: " + result.calibration.error;
      return result;
    }
  }
  result.calibrated = model.calibration.has_value();
  const Calibration* calibration = result.calibrated ? &*model.calibration : nullptr;
  // Probabilities and outcomes of one task, turned into its CalibrationMetrics.
  std::vector<float> probabilities;
  std::vector<char> outcomes;
  const auto calibrationMetrics = [&] {
    CalibrationMetrics m;
    m.valid = calibration && !probabilities.empty();
    m.bins = reliabilityBins(probabilities, outcomes);
    m.ece = expectedCalibrationError(m.bins);
    m.brier = brierScore(probabilities, outcomes);
    m.outcomes = static_cast<int>(probabilities.size());
    probabilities.clear();
    outcomes.clear();
    return m;
  };

  // Held-out songs: embeddings and raw-feature cosines.
  const int nTest = result.testSongs;
  const SparseRows testRows = selectRows(all.songs, split.testSongs);
  const Eigen::MatrixXf emb = model.embedSongs(testRows);  // d × nTest
  const auto forKnn = [&](const SparseRows& rows) {
    if (options.summaryOffset < 0 || options.knnSummaryScale == 1.0f) return normalizeRows(rows);
    // Modified below through InnerIterator::valueRef(), which the check does not see.
    SparseRows scaled = rows;  // NOLINT(performance-unnecessary-copy-initialization)
    for (int r = 0; r < scaled.outerSize(); ++r) {
      for (SparseRows::InnerIterator it(scaled, r); it; ++it) {
        if (it.col() >= options.summaryOffset) it.valueRef() *= options.knnSummaryScale;
      }
    }
    return normalizeRows(scaled);
  };
  const SparseRows testX = forKnn(testRows), trainX = forKnn(train.songs);
  const Eigen::MatrixXf simTrain = cosineSimilarity(testX, trainX);
  const auto at = [](const auto& v, int i) { return v[static_cast<std::size_t>(i)]; };
  const auto testArtist = [&](int h) {
    return all.songArtist.empty() ? -1 : at(all.songArtist, at(split.testSongs, h));
  };
  std::vector<int> trainArtist = train.songArtist;
  trainArtist.resize(static_cast<std::size_t>(train.numSongs()), -1);
  std::vector<std::vector<int>> trainTags = train.songTags;
  trainTags.resize(static_cast<std::size_t>(train.numSongs()));
  const Eigen::VectorXf tagFreq = labelFrequency(trainTags, all.numTags);
  result.tagFrequency.assign(tagFreq.data(), tagFreq.data() + tagFreq.size());
  const Eigen::VectorXf artistFreq = labelFrequency(trainArtist, all.numArtists);
  std::uint64_t taskSeed = options.seed ^ kTieStream;

  // Tags.
  if (all.numTags > 0 && !all.songTags.empty()) {
    TaskScorer t(taskSeed + 100);
    const Eigen::MatrixXf knn =
        knnLabelVotes(simTrain, trainTags, all.numTags, options.knnNeighbours);
    Eigen::MatrixXf modelScores = model.T.transpose() * emb;  // tags × nTest
    // For the stacking measurements (docs/experiments.md §7.2): neighbours among the tagged
    // training songs, in the model's input space (unscaled, unlike the kNN baseline's) and in the
    // joint space.
    SparseRows testFeatures, trainFeatures;
    Eigen::MatrixXf unitTrain;
    std::vector<int> taggedTrain;
    if (options.calibration.keepNeighbours) {
      testFeatures = normalizeRows(testRows);
      trainFeatures = normalizeRows(train.songs);
      unitTrain = model.embedSongs(train.songs).colwise().normalized();
      for (int s = 0; s < train.numSongs(); ++s)
        if (!trainTags[static_cast<std::size_t>(s)].empty()) taggedTrain.push_back(s);
      result.trainSongTags = trainTags;
    }
    for (int h = 0; h < nTest; ++h) {
      const auto& tags = at(all.songTags, at(split.testSongs, h));
      if (std::none_of(tags.begin(), tags.end(), [&](int c) { return tagFreq[c] > 0; })) continue;
      result.testTags.push_back(tags);
      result.testTagScores.emplace_back(modelScores.col(h).data(),
                                        modelScores.col(h).data() + modelScores.rows());
      if (!foldModels.empty()) {
        const Eigen::SparseVector<float> x = testRows.row(h).transpose();
        Eigen::VectorXf mean = Eigen::VectorXf::Zero(modelScores.rows());
        for (const JointModel& fold : foldModels) mean += fold.T.transpose() * fold.embedSong(x);
        mean /= static_cast<float>(foldModels.size());
        result.testFoldTagScores.emplace_back(mean.data(), mean.data() + mean.size());
      }
      if (!options.calibration.keepNeighbours) continue;
      const Eigen::SparseVector<float> query = testFeatures.row(h).transpose();
      result.testFeatureNeighbours.push_back(
          nearestSongs(Eigen::VectorXf(trainFeatures * query), taggedTrain));
      result.testJointNeighbours.push_back(
          nearestSongs(unitTrain.transpose() * emb.col(h).normalized(), taggedTrain));
    }
    if (calibration) {
      for (Eigen::Index h = 0; h < modelScores.cols(); ++h)
        modelScores.col(h) = calibration->tagProbabilities(modelScores.col(h));
    }
    const auto cands =
        shuffledWhere(all.numTags, taskSeed + 1, [&](int tag) { return tagFreq[tag] > 0; });
    AutoTagMetrics autoTag;
    int right = 0;
    for (int h = 0; h < nTest; ++h) {
      const auto& tags = at(all.songTags, at(split.testSongs, h));
      const auto has = [&](int c) { return std::find(tags.begin(), tags.end(), c) != tags.end(); };
      t.query(
          cands, [&](int c) { return modelScores(c, h); }, [&](int c) { return knn(h, c); },
          [&](int c) { return tagFreq[c]; }, has);
      if (!calibration) continue;
      // A song tagged only outside the vocabulary is a negative for every candidate (as in the
      // held-out data the fits saw): its outcomes and any proposal count, its coverage does not.
      const bool labelled = std::any_of(cands.begin(), cands.end(), has);
      const bool otherTagged =
          options.songTaggedOutOfVocabulary.size() == static_cast<std::size_t>(all.numSongs()) &&
          at(options.songTaggedOutOfVocabulary, at(split.testSongs, h)) != 0;
      if (!labelled && !otherTagged) continue;
      bool proposed = false;
      for (const int c : cands) {
        probabilities.push_back(modelScores(c, h));
        outcomes.push_back(has(c) ? 1 : 0);
        if (modelScores(c, h) < calibration->autoTagThreshold) continue;
        proposed = true;
        ++autoTag.proposals;
        right += has(c) ? 1 : 0;
      }
      if (!labelled) continue;
      ++autoTag.songs;
      autoTag.coverage += proposed ? 1 : 0;
    }
    TaskEvaluation tagResult = t.result(Task::Tags);
    tagResult.calibration = calibrationMetrics();
    if (calibration && autoTag.songs > 0) {
      autoTag.valid = true;
      autoTag.threshold = calibration->autoTagThreshold;
      autoTag.precision =
          autoTag.proposals > 0 ? static_cast<double>(right) / autoTag.proposals : 0;
      autoTag.coverage /= autoTag.songs;
      autoTag.expectedPrecision = calibration->expectedPrecision;
      tagResult.autoTag = autoTag;
    }
    result.tasks.push_back(tagResult);
  }

  // Artist and songs for artist.
  if (all.numArtists > 0 && !all.songArtist.empty()) {
    TaskScorer t(taskSeed + 200);
    const Eigen::MatrixXf knn =
        knnLabelVotes(simTrain, trainArtist, all.numArtists, options.knnNeighbours);
    const Eigen::MatrixXf modelScores = model.A.transpose() * emb;  // artists × nTest
    const auto cands =
        shuffledWhere(all.numArtists, taskSeed + 2, [&](int a) { return artistFreq[a] > 0; });
    Eigen::VectorXf candidateScores(all.numArtists);
    double multiClassBrier = 0;
    for (int h = 0; h < nTest; ++h) {
      const int truth = testArtist(h);
      t.query(
          cands, [&](int c) { return modelScores(c, h); }, [&](int c) { return knn(h, c); },
          [&](int c) { return artistFreq[c]; }, [&](int c) { return c == truth; });
      if (!calibration || truth < 0 || artistFreq[truth] <= 0) continue;
      candidateScores.setConstant(std::numeric_limits<float>::quiet_NaN());
      for (const int c : cands) candidateScores[c] = modelScores(c, h);
      const Eigen::VectorXf p = temperatureSoftmax(candidateScores, calibration->artistTemperature);
      Eigen::Index top = 0;
      p.maxCoeff(&top);
      probabilities.push_back(p[top]);
      outcomes.push_back(top == truth ? 1 : 0);
      for (const int c : cands) {
        const double d = p[c] - (c == truth ? 1.0 : 0.0);
        multiClassBrier += d * d;
      }
    }
    TaskEvaluation artistResult = t.result(Task::Artist);
    const auto songs = static_cast<double>(probabilities.size());
    artistResult.calibration = calibrationMetrics();
    if (artistResult.calibration.valid) artistResult.calibration.brier = multiClassBrier / songs;
    result.tasks.push_back(artistResult);
  }

  // Similar songs among the held-out songs.
  {
    TaskScorer t(taskSeed + 300);
    const bool albums = options.songAlbum.size() == static_cast<std::size_t>(all.numSongs());
    std::vector<int> testIndex(static_cast<std::size_t>(all.numSongs()), -1);
    for (int h = 0; h < nTest; ++h) testIndex[static_cast<std::size_t>(at(split.testSongs, h))] = h;
    std::set<std::pair<int, int>> pairs;  // held-out pairs, in held-out indices
    for (const auto& [a, b] : all.similarSongs) {
      const int ha = at(testIndex, a), hb = at(testIndex, b);
      if (ha >= 0 && hb >= 0) pairs.insert({std::min(ha, hb), std::max(ha, hb)});
    }
    const auto album = [&](int h) {
      return albums ? at(options.songAlbum, at(split.testSongs, h)) : -1;
    };
    const Eigen::MatrixXf knn = cosineSimilarity(testX, testX);
    const Eigen::MatrixXf modelScores = emb.transpose() * emb;
    const auto order = shuffledWhere(nTest, taskSeed + 3, [](int) { return true; });
    std::vector<int> cands;
    for (int h = 0; h < nTest; ++h) {
      cands.clear();
      for (int c : order) {
        if (c != h) cands.push_back(c);
      }
      const int artist = testArtist(h), alb = album(h);
      const auto isRelated = [&](int c) {
        return (artist >= 0 && testArtist(c) == artist) || (alb >= 0 && album(c) == alb) ||
               pairs.count({std::min(c, h), std::max(c, h)}) > 0;
      };
      t.query(
          cands, [&](int c) { return modelScores(c, h); }, [&](int c) { return knn(h, c); },
          [](int) { return 0.0f; }, isRelated);
      if (!calibration) continue;
      for (const int c : cands) {
        probabilities.push_back(calibration->pairProbability(modelScores(c, h)));
        outcomes.push_back(isRelated(c) ? 1 : 0);
      }
    }
    TaskEvaluation similar = t.result(Task::SimilarSongs);
    similar.calibration = calibrationMetrics();
    if (t.model.queries() > 0) result.tasks.push_back(similar);
  }

  // Songs for artist: training artists rank all held-out songs.
  if (all.numArtists > 0 && !all.songArtist.empty()) {
    TaskScorer t(taskSeed + 400);
    const Eigen::MatrixXf knn =
        knnArtistSongScores(simTrain, trainArtist, all.numArtists, options.knnArtistSongs);
    const Eigen::MatrixXf modelScores = emb.transpose() * model.A;  // nTest × artists
    const auto cands = shuffledWhere(nTest, taskSeed + 4, [](int) { return true; });
    for (int a = 0; a < all.numArtists; ++a) {
      if (artistFreq[a] <= 0) continue;
      t.query(
          cands, [&](int c) { return modelScores(c, a); }, [&](int c) { return knn(c, a); },
          [](int) { return 0.0f; }, [&](int c) { return testArtist(c) == a; });
    }
    if (t.model.queries() > 0) result.tasks.push_back(t.result(Task::SongsForArtist));
    probabilities.clear();
    outcomes.clear();
  }

  // Similar artists on held-out pairs.
  if (!split.testArtistPairs.empty()) {
    TaskScorer t(taskSeed + 500);
    std::vector<std::set<int>> trainPartners(static_cast<std::size_t>(all.numArtists)),
        testPartners(static_cast<std::size_t>(all.numArtists));
    for (const auto& [a, b] : split.trainArtistPairs) {
      trainPartners[static_cast<std::size_t>(a)].insert(b);
      trainPartners[static_cast<std::size_t>(b)].insert(a);
    }
    for (const auto& [a, b] : split.testArtistPairs) {
      testPartners[static_cast<std::size_t>(a)].insert(b);
      testPartners[static_cast<std::size_t>(b)].insert(a);
    }
    const Eigen::MatrixXf knn = artistMeanCosine(trainX, trainArtist, all.numArtists);
    const Eigen::MatrixXf modelScores = model.A.transpose() * model.A;
    const auto order = shuffledWhere(all.numArtists, taskSeed + 5, [](int) { return true; });
    std::vector<int> cands;
    for (int j = 0; j < all.numArtists; ++j) {
      const auto& known = at(trainPartners, j);
      const auto& truth = at(testPartners, j);
      if (truth.empty()) continue;
      cands.clear();
      for (int c : order) {
        if (c != j && !known.count(c)) cands.push_back(c);
      }
      t.query(
          cands, [&](int c) { return modelScores(c, j); }, [&](int c) { return knn(c, j); },
          [&](int c) { return static_cast<float>(at(trainPartners, c).size()); },
          [&](int c) { return truth.count(c) > 0; });
      if (!calibration) continue;
      for (const int c : cands) {
        probabilities.push_back(calibration->pairProbability(modelScores(c, j)));
        outcomes.push_back(truth.count(c) > 0 ? 1 : 0);
      }
    }
    TaskEvaluation similar = t.result(Task::SimilarArtists);
    similar.calibration = calibrationMetrics();
    if (t.model.queries() > 0) result.tasks.push_back(similar);
  }

  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

// `from`'s metrics of one task pooled into `into`'s: ranking metrics as means over both runs'
// queries, reliability bins summed with the ECE of the sum, Brier over both runs' outcomes,
// auto-tag's precision over both runs' proposals, its coverage, threshold and expected precision
// over their songs.
void poolTask(TaskEvaluation& into, const TaskEvaluation& from) {
  const auto mean = [](double a, double weightA, double b, double weightB) {
    return weightA + weightB > 0 ? (a * weightA + b * weightB) / (weightA + weightB) : 0.0;
  };
  for (const MethodMetrics& m : from.methods) {
    auto it = std::find_if(into.methods.begin(), into.methods.end(),
                           [&](const MethodMetrics& x) { return x.method == m.method; });
    if (it == into.methods.end()) {
      into.methods.push_back(m);
      continue;
    }
    RankingAccumulator pooled = RankingAccumulator::fromResult(it->metrics);
    pooled.merge(RankingAccumulator::fromResult(m.metrics));
    it->metrics = pooled.result();
  }
  if (from.calibration.valid) {
    CalibrationMetrics& c = into.calibration;
    c.valid = true;
    if (c.bins.size() < from.calibration.bins.size()) c.bins.resize(from.calibration.bins.size());
    for (std::size_t b = 0; b < from.calibration.bins.size(); ++b) {
      c.bins[b].count += from.calibration.bins[b].count;
      c.bins[b].sumProbability += from.calibration.bins[b].sumProbability;
      c.bins[b].sumOutcome += from.calibration.bins[b].sumOutcome;
    }
    c.ece = expectedCalibrationError(c.bins);
    c.brier = mean(c.brier, c.outcomes, from.calibration.brier, from.calibration.outcomes);
    c.outcomes += from.calibration.outcomes;
  }
  if (from.autoTag.valid) {
    AutoTagMetrics& a = into.autoTag;
    const AutoTagMetrics& f = from.autoTag;
    a.valid = true;
    a.precision = mean(a.precision, a.proposals, f.precision, f.proposals);
    a.coverage = mean(a.coverage, a.songs, f.coverage, f.songs);
    a.threshold = static_cast<float>(mean(a.threshold, a.songs, f.threshold, f.songs));
    a.expectedPrecision = mean(a.expectedPrecision, a.songs, f.expectedPrecision, f.songs);
    a.proposals += f.proposals;
    a.songs += f.songs;
  }
}

}  // namespace

std::vector<HoldoutSplit> crossValidationSplits(const TrainingSet& all, int folds,
                                                std::uint64_t seed) {
  const int n = all.numSongs();
  if (folds < 2 || n < folds) return {};
  std::vector<std::vector<int>> units = songGroupUnits(n, all.songGroup);
  if (static_cast<int>(units.size()) < folds) units = songGroupUnits(n, {});
  std::vector<int> unitOrder(units.size());
  for (std::size_t u = 0; u < units.size(); ++u) unitOrder[u] = static_cast<int>(u);
  seededShuffle(unitOrder, seed ^ kSplitStream);
  std::vector<int> partOf(static_cast<std::size_t>(n), 0);
  std::vector<int> partSize(static_cast<std::size_t>(folds), 0);
  for (const int unit : unitOrder) {
    const auto smallest = static_cast<std::size_t>(
        std::min_element(partSize.begin(), partSize.end()) - partSize.begin());
    for (const int song : units[static_cast<std::size_t>(unit)])
      partOf[static_cast<std::size_t>(song)] = static_cast<int>(smallest);
    partSize[smallest] += static_cast<int>(units[static_cast<std::size_t>(unit)].size());
  }
  std::vector<int> pairs(all.similarArtists.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) pairs[i] = static_cast<int>(i);
  seededShuffle(pairs, (seed ^ kSplitStream) + 1);
  std::vector<HoldoutSplit> splits(static_cast<std::size_t>(folds));
  for (int k = 0; k < folds; ++k) {
    HoldoutSplit& split = splits[static_cast<std::size_t>(k)];
    for (int song = 0; song < n; ++song)
      (partOf[static_cast<std::size_t>(song)] == k ? split.testSongs : split.trainSongs)
          .push_back(song);
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      (static_cast<int>(i % static_cast<std::size_t>(folds)) == k ? split.testArtistPairs
                                                                  : split.trainArtistPairs)
          .push_back(all.similarArtists[static_cast<std::size_t>(pairs[i])]);
    }
  }
  return splits;
}

EvalResult evaluate(const TrainingSet& all, const EvalOptions& options) {
  EvalResult result;
  result.error = options.validate();
  if (!result.error.empty()) return result;
  if (all.numSongs() < 2) {
    result.error = "need at least two songs";
    return result;
  }
  if (options.folds < 2)
    return evaluateSplit(all, splitBySong(all, options.holdoutFraction, options.seed), options);
  const std::vector<HoldoutSplit> splits = crossValidationSplits(all, options.folds, options.seed);
  if (splits.empty()) {
    result.error = "cross-validation needs at least as many songs as folds (" +
                   std::to_string(options.folds) + "), the library has " +
                   std::to_string(all.numSongs());
    return result;
  }
  // The folds' training and calibration options stay as given (calibration data is not kept:
  // each fold has its own).
  EvalOptions foldOptions = options;
  foldOptions.calibration.keepNeighbours = false;
  foldOptions.calibration.keepFoldModels = false;
  result.folds = static_cast<int>(splits.size());
  for (std::size_t k = 0; k < splits.size(); ++k) {
    EvalResult fold = evaluateSplit(all, splits[k], foldOptions);
    if (!fold.error.empty()) {
      result.error = "fold " + std::to_string(k + 1) + " of " + std::to_string(splits.size()) +
                     ": " + fold.error;
      return result;
    }
    if (k == 0) {
      result.training = std::move(fold.training);
      result.calibration = std::move(fold.calibration);
      result.calibrated = fold.calibrated;
      result.trainSongs = fold.trainSongs;
      result.tagFrequency = std::move(fold.tagFrequency);
    }
    result.calibrated = result.calibrated && fold.calibrated;
    result.testSongs += fold.testSongs;
    result.seconds += fold.seconds;
    for (const TaskEvaluation& task : fold.tasks) {
      auto it = std::find_if(result.tasks.begin(), result.tasks.end(),
                             [&](const TaskEvaluation& t) { return t.task == task.task; });
      if (it == result.tasks.end())
        result.tasks.push_back(task);
      else
        poolTask(*it, task);
    }
  }
  // Tasks in the order a single split reports them (a task a later fold was the first to have
  // came last).
  std::stable_sort(result.tasks.begin(), result.tasks.end(),
                   [](const TaskEvaluation& a, const TaskEvaluation& b) {
                     return static_cast<int>(a.task) < static_cast<int>(b.task);
                   });
  return result;
}

std::string evalResultToJson(const EvalResult& result) {
  std::string out = std::string("{\"calibrated\": ") + (result.calibrated ? "true" : "false") +
                    ", \"folds\": " + std::to_string(result.folds) +
                    ", \"test_songs\": " + std::to_string(result.testSongs) + ", \"tasks\": {";
  char buffer[64];
  const auto number = [&](double v) {
    std::snprintf(buffer, sizeof buffer, "%.6g", std::isfinite(v) ? v : 0.0);
    return std::string(buffer);
  };
  for (std::size_t t = 0; t < result.tasks.size(); ++t) {
    const TaskEvaluation& task = result.tasks[t];
    out += (t ? ", \"" : "\"") + std::string(taskName(task.task)) + "\": {";
    for (std::size_t m = 0; m < task.methods.size(); ++m) {
      const RankingMetrics& r = task.methods[m].metrics;
      out += (m ? ", \"" : "\"") + task.methods[m].method + "\": {\"p@1\": " + number(r.p1) +
             ", \"p@5\": " + number(r.p5) + ", \"p@10\": " + number(r.p10) +
             ", \"map\": " + number(r.map) + ", \"auc\": " + number(r.auc) +
             ", \"queries\": " + std::to_string(r.queries) + "}";
    }
    if (task.calibration.valid) {
      out += ", \"calibration\": {\"ece\": " + number(task.calibration.ece) +
             ", \"brier\": " + number(task.calibration.brier) +
             ", \"outcomes\": " + std::to_string(task.calibration.outcomes) + ", \"bins\": [";
      for (std::size_t b = 0; b < task.calibration.bins.size(); ++b) {
        const ReliabilityBin& bin = task.calibration.bins[b];
        out += (b ? ", [" : "[") + std::to_string(bin.count) + ", " + number(bin.sumProbability) +
               ", " + number(bin.sumOutcome) + "]";
      }
      out += "]}";
    }
    if (task.autoTag.valid) {
      const AutoTagMetrics& a = task.autoTag;
      out += ", \"auto_tag\": {\"threshold\": " + number(a.threshold) +
             ", \"precision\": " + number(a.precision) + ", \"coverage\": " + number(a.coverage) +
             ", \"proposals\": " + std::to_string(a.proposals) +
             ", \"songs\": " + std::to_string(a.songs) +
             ", \"expected_precision\": " + number(a.expectedPrecision) + "}";
    }
    out += "}";
  }
  out += "}}";
  return out;
}

std::string evalCalibrationDataToJson(const EvalResult& result, double targetPrecision) {
  char buffer[64];
  const auto number = [&](double v) {
    std::snprintf(buffer, sizeof buffer, "%.9g", std::isfinite(v) ? v : 0.0);
    return std::string(buffer);
  };
  const auto list = [&](const auto& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i)
      out += (i ? ", " : "") + number(static_cast<double>(values[i]));
    return out + "]";
  };
  const CalibrationData& d = result.calibrationData;
  std::string out =
      "{\"target_precision\": " + number(targetPrecision) +
      ", \"folds\": " + std::to_string(d.folds) + ", \"held_out\": {\"tag\": " + list(d.tagIndex) +
      ", \"score\": " + list(d.tagScores) + ", \"label\": " + list(d.tagLabels) + "}, \"test\": [";
  for (std::size_t i = 0; i < result.testTags.size(); ++i) {
    out += (i ? ", " : "") + std::string("{\"tags\": ") + list(result.testTags[i]) +
           ", \"scores\": " + list(result.testTagScores[i]) + "}";
  }
  out += "], \"tag_frequency\": " + list(result.tagFrequency);
  if (!d.tagSongs.empty() || !result.trainSongTags.empty()) {
    const auto neighbours = [&](const std::vector<std::vector<std::pair<int, float>>>& lists) {
      std::string text = "[";
      for (std::size_t i = 0; i < lists.size(); ++i) {
        text += i ? ", [" : "[";
        for (std::size_t j = 0; j < lists[i].size(); ++j)
          text += (j ? ", [" : "[") + std::to_string(lists[i][j].first) + ", " +
                  number(lists[i][j].second) + "]";
        text += "]";
      }
      return text + "]";
    };
    std::string tags = "[";
    for (std::size_t i = 0; i < result.trainSongTags.size(); ++i)
      tags += (i ? ", " : "") + list(result.trainSongTags[i]);
    out += ", \"neighbours\": {\"train_song_tags\": " + tags +
           "], \"held_out_song\": " + list(d.tagSongs) +
           ", \"held_out_feature\": " + neighbours(d.featureNeighbours) +
           ", \"held_out_joint\": " + neighbours(d.jointNeighbours) +
           ", \"test_feature\": " + neighbours(result.testFeatureNeighbours) +
           ", \"test_joint\": " + neighbours(result.testJointNeighbours) + "}";
  }
  if (!result.testFoldTagScores.empty()) {
    std::string folds = "[";
    for (std::size_t i = 0; i < result.testFoldTagScores.size(); ++i)
      folds += (i ? ", " : "") + list(result.testFoldTagScores[i]);
    out += ", \"test_fold_scores\": " + folds + "]";
  }
  return out + "}";
}

}  // namespace songspace::core
