#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "core/eval/evaluation.h"

using namespace songspace::core;

namespace {

constexpr int kArtists = 10, kSongsPerArtist = 12, kFeatures = 80, kTags = 5;

// Planted structure: every artist has its own set of codewords (its "sound"); a song is its
// artist's codewords with jittered weights plus a few random codewords. The artist's tag is its
// genre, artist % kTags; artists of one genre are similar artists.
TrainingSet plantedSet(std::vector<int>& album) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> jitter(0.5f, 1.5f);
  std::uniform_int_distribution<int> anyWord(0, kFeatures - 1);
  TrainingSet set;
  std::vector<Eigen::Triplet<float>> t;
  int song = 0;
  for (int a = 0; a < kArtists; ++a) {
    for (int i = 0; i < kSongsPerArtist; ++i, ++song) {
      std::map<int, float> row;
      for (int w = 0; w < 6; ++w) row[a * 8 + w] += jitter(rng);
      for (int w = 0; w < 3; ++w) row[anyWord(rng)] += 0.7f * jitter(rng);
      for (const auto& [c, v] : row) t.emplace_back(song, c, v);
      set.songArtist.push_back(a);
      set.songTags.push_back({a % kTags});
      album.push_back(a * 2 + i % 2);
      if (i > 0 && i % 3 == 0) set.similarSongs.emplace_back(song - 1, song);
    }
  }
  set.songs.resize(song, kFeatures);
  set.songs.setFromTriplets(t.begin(), t.end());
  set.numArtists = kArtists;
  set.numTags = kTags;
  for (int a = 0; a < kArtists / 2; ++a) set.similarArtists.emplace_back(a, a + kTags);
  for (int a = 0; a + 1 < kArtists; a += 3)
    set.similarArtists.emplace_back(a, (a + 1 + kTags) % kArtists);
  return set;
}

EvalOptions options(const std::vector<int>& album) {
  EvalOptions o;
  o.seed = 7;
  o.train.dimension = 16;
  o.train.subspaces = 2;
  o.train.epochs = 100;
  o.train.patience = 10;
  o.train.threads = 1;
  o.train.seed = 3;
  o.songAlbum = album;
  return o;
}

const RankingMetrics& metric(const EvalResult& r, Task task, const char* method) {
  for (const auto& t : r.tasks) {
    if (t.task != task) continue;
    for (const auto& m : t.methods) {
      if (m.method == method) return m.metrics;
    }
  }
  static const RankingMetrics none;
  return none;
}

}  // namespace

class EvaluationTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void splitKeepsHeldOutSongsOutOfTraining() {
    std::vector<int> album;
    const TrainingSet all = plantedSet(album);
    const HoldoutSplit split = splitBySong(all, 0.2, 7);
    QCOMPARE(static_cast<int>(split.testSongs.size()), 24);
    std::set<int> train(split.trainSongs.begin(), split.trainSongs.end());
    for (int s : split.testSongs) QVERIFY(!train.count(s));
    QCOMPARE(static_cast<int>(train.size() + split.testSongs.size()), all.numSongs());

    const TrainingSet part = trainingPart(all, split);
    QCOMPARE(part.numSongs(), static_cast<int>(split.trainSongs.size()));
    QCOMPARE(part.numArtists, all.numArtists);
    // Row i of the training part is exactly training song i of the full set.
    for (int i = 0; i < part.numSongs(); ++i) {
      const int s = split.trainSongs[static_cast<std::size_t>(i)];
      QVERIFY(Eigen::RowVectorXf(part.songs.row(i)) == Eigen::RowVectorXf(all.songs.row(s)));
      QCOMPARE(part.songArtist[static_cast<std::size_t>(i)],
               all.songArtist[static_cast<std::size_t>(s)]);
    }
    for (const auto& [a, b] : part.similarSongs) {
      QVERIFY(a >= 0 && a < part.numSongs() && b >= 0 && b < part.numSongs());
      // The pair maps back to a pair of the full set.
      const std::pair<int, int> original{split.trainSongs[static_cast<std::size_t>(a)],
                                         split.trainSongs[static_cast<std::size_t>(b)]};
      QVERIFY(std::find(all.similarSongs.begin(), all.similarSongs.end(), original) !=
              all.similarSongs.end());
    }
    QCOMPARE(part.similarArtists.size() + split.testArtistPairs.size(), all.similarArtists.size());
    QVERIFY(!split.testArtistPairs.empty());
    for (const auto& p : split.testArtistPairs) {
      QVERIFY(std::find(part.similarArtists.begin(), part.similarArtists.end(), p) ==
              part.similarArtists.end());
    }
  }

  // One recording's songs (TrainingSet::songGroup: stems, copies) fall on one side of the split
  // and of every calibration fold; with every song alone both are the plain shuffles; a group too
  // large for whole groups falls back to single songs.
  void groupsStayTogether() {
    std::vector<int> album;
    TrainingSet all = plantedSet(album);
    const int n = all.numSongs();
    const HoldoutSplit plain = splitBySong(all, 0.2, 7);
    CalibrationOptions calibration;
    const auto plainParts = foldParts(n, 7, calibration);
    all.songGroup.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) all.songGroup[static_cast<std::size_t>(i)] = 1000 + i;
    QCOMPARE(splitBySong(all, 0.2, 7).testSongs, plain.testSongs);
    QCOMPARE(foldParts(n, 7, calibration, all.songGroup), plainParts);
    // Pairs of songs (2i, 2i + 1) are one recording each.
    for (int i = 0; i < n; ++i) all.songGroup[static_cast<std::size_t>(i)] = i / 2;
    for (const std::uint64_t seed : {1u, 7u, 9u}) {
      const HoldoutSplit split = splitBySong(all, 0.2, seed);
      const std::set<int> test(split.testSongs.begin(), split.testSongs.end());
      for (int i = 0; i + 1 < n; i += 2) QCOMPARE(test.count(i), test.count(i + 1));
      QVERIFY(split.testSongs.size() >= 24 && split.testSongs.size() <= 25);
      QCOMPARE(static_cast<int>(split.testSongs.size() + split.trainSongs.size()), n);
      const TrainingSet part = trainingPart(all, split);
      QCOMPARE(part.songGroup.size(), split.trainSongs.size());
      const auto parts = foldParts(n, seed, calibration, all.songGroup);
      QCOMPARE(parts.size(), plainParts.size());
      std::vector<int> foldOf(static_cast<std::size_t>(n), -1);
      for (std::size_t f = 0; f < parts.size(); ++f) {
        QVERIFY(std::is_sorted(parts[f].begin(), parts[f].end()));
        for (const int s : parts[f]) foldOf[static_cast<std::size_t>(s)] = static_cast<int>(f);
      }
      for (int i = 0; i + 1 < n; i += 2)
        QCOMPARE(foldOf[static_cast<std::size_t>(i)], foldOf[static_cast<std::size_t>(i + 1)]);
    }
    // Every song but one in one group: whole groups cannot split it, so songs are split.
    for (int i = 0; i < n; ++i) all.songGroup[static_cast<std::size_t>(i)] = i == 0 ? 1 : 2;
    QCOMPARE(foldParts(n, 7, calibration, all.songGroup), plainParts);
    QCOMPARE(splitBySong(all, 0.2, 7).testSongs, plain.testSongs);
  }

  void modelAndKnnBeatRandom() {
    std::vector<int> album;
    const TrainingSet all = plantedSet(album);
    const EvalResult r = evaluate(all, options(album));
    QVERIFY2(r.error.empty(), r.error.c_str());
    QCOMPARE(r.testSongs, 24);
    QCOMPARE(static_cast<int>(r.tasks.size()), kTaskCount);
    for (Task task : {Task::Tags, Task::Artist, Task::SimilarSongs, Task::SongsForArtist}) {
      const auto& model = metric(r, task, "model");
      const auto& knn = metric(r, task, "knn");
      const auto& random = metric(r, task, "random");
      QVERIFY(model.queries > 0);
      QCOMPARE(knn.queries, model.queries);
      QCOMPARE(random.queries, model.queries);
      qInfo("%s: model map %.3f auc %.3f, knn map %.3f, random map %.3f auc %.3f", taskName(task),
            model.map, model.auc, knn.map, random.map, random.auc);
      QVERIFY(model.map > random.map + 0.3);
      QVERIFY(knn.map > random.map + 0.3);
      QVERIFY(model.auc > 0.8);
      QVERIFY(random.auc > 0.3 && random.auc < 0.7);
    }
    // Popularity on song candidates has no signal: chance-level AUC exactly (all ties).
    QCOMPARE(metric(r, Task::SimilarSongs, "popularity").auc, 0.5);
    // Tags: 5 equally frequent genres, so popularity is about chance too.
    QVERIFY(metric(r, Task::Tags, "popularity").p1 < 0.5);
    QVERIFY(metric(r, Task::SimilarArtists, "model").queries > 0);

    // Calibrated by cross-validation inside the training part (its validation split is far below
    // 100 songs): probabilities that match the held-out outcomes, and auto-tag proposals about as
    // precise as the fit promised.
    QVERIFY(r.calibrated);
    QCOMPARE(r.calibration.source, CalibrationSource::CrossValidation);
    QCOMPARE(r.calibration.folds, 5);
    QCOMPARE(r.calibration.songs, r.trainSongs);
    for (const auto& t : r.tasks) {
      if (t.task == Task::SongsForArtist) {
        QVERIFY(!t.calibration.valid);
        continue;
      }
      QVERIFY2(t.calibration.valid, taskName(t.task));
      qInfo("%s: ECE %.3f Brier %.3f over %d", taskName(t.task), t.calibration.ece,
            t.calibration.brier, t.calibration.outcomes);
      QCOMPARE(int(t.calibration.bins.size()), 10);
      QVERIFY(t.calibration.ece >= 0 && t.calibration.ece < 0.25);
    }
    const auto& tags = r.tasks.front();
    QCOMPARE(tags.task, Task::Tags);
    QCOMPARE(tags.calibration.outcomes, 24 * kTags);
    QVERIFY(tags.calibration.brier < 0.1);
    QVERIFY(tags.autoTag.valid);
    qInfo("auto-tag at %.2f: precision %.3f of %d, coverage %.3f, expected %.3f",
          tags.autoTag.threshold, tags.autoTag.precision, tags.autoTag.proposals,
          tags.autoTag.coverage, tags.autoTag.expectedPrecision);
    QCOMPARE(tags.autoTag.songs, 24);
    QVERIFY(tags.autoTag.threshold >= 0.5f);
    // 24 songs: each proposal moves the precision by about 0.05; chance (one tag of five) is 0.2.
    QVERIFY(tags.autoTag.proposals > 0 && tags.autoTag.precision >= 0.6);
    QVERIFY(tags.autoTag.coverage > 0.5 && tags.autoTag.coverage <= 1.0);

    // The tag calibration's data: refitting it on calibrationData and applying the fits to the
    // test songs' raw scores gives exactly the probabilities the tag task's bins were made of.
    QCOMPARE(static_cast<int>(r.calibrationData.tagScores.size()), r.trainSongs * kTags);
    QCOMPARE(static_cast<int>(r.testTags.size()), 24);
    QCOMPARE(r.testTagScores.size(), r.testTags.size());
    QCOMPARE(static_cast<int>(r.tagFrequency.size()), kTags);
    QCOMPARE(std::accumulate(r.tagFrequency.begin(), r.tagFrequency.end(), 0.0f),
             static_cast<float>(r.trainSongs));
    {
      const Calibration refit = fitCalibration(r.calibrationData, kTags, 0.9);
      std::vector<float> p;
      std::vector<char> y;
      for (std::size_t h = 0; h < r.testTags.size(); ++h) {
        QCOMPARE(static_cast<int>(r.testTagScores[h].size()), kTags);
        for (int t = 0; t < kTags; ++t) {
          p.push_back(refit.tagProbability(t, r.testTagScores[h][static_cast<std::size_t>(t)]));
          y.push_back(std::count(r.testTags[h].begin(), r.testTags[h].end(), t) > 0 ? 1 : 0);
        }
      }
      const std::vector<ReliabilityBin> bins = reliabilityBins(p, y);
      QCOMPARE(bins.size(), tags.calibration.bins.size());
      for (std::size_t b = 0; b < bins.size(); ++b) {
        QCOMPARE(bins[b].count, tags.calibration.bins[b].count);
        QCOMPARE(bins[b].sumOutcome, tags.calibration.bins[b].sumOutcome);
        QVERIFY(std::abs(bins[b].sumProbability - tags.calibration.bins[b].sumProbability) < 1e-9);
      }
    }
    const QJsonObject data =
        QJsonDocument::fromJson(QByteArray::fromStdString(evalCalibrationDataToJson(r, 0.9)))
            .object();
    QCOMPARE(data.value(QStringLiteral("target_precision")).toDouble(), 0.9);
    const QJsonObject heldOut = data.value(QStringLiteral("held_out")).toObject();
    QCOMPARE(heldOut.value(QStringLiteral("score")).toArray().size(), r.trainSongs * kTags);
    QCOMPARE(heldOut.value(QStringLiteral("label")).toArray().size(), r.trainSongs * kTags);
    // Nine significant digits: every float comes back bit for bit.
    QCOMPARE(static_cast<float>(heldOut.value(QStringLiteral("score")).toArray()[5].toDouble()),
             r.calibrationData.tagScores[5]);
    QCOMPARE(data.value(QStringLiteral("test")).toArray().size(), 24);
    QCOMPARE(data.value(QStringLiteral("tag_frequency")).toArray().size(), kTags);

    const std::string json = evalResultToJson(r);
    QVERIFY(json.rfind("{\"calibrated\": true, \"folds\": 1, \"test_songs\": 24, \"tasks\": "
                       "{\"tags\": {\"model\": {\"p@1\": ",
                       0) == 0);
    QVERIFY(json.find("\"calibration\": {\"ece\": ") != std::string::npos);
    QVERIFY(json.find("\"auto_tag\": {\"threshold\": ") != std::string::npos);
    QVERIFY(json.find("\"songs_for_artist\"") != std::string::npos);
  }

  void deterministicForSeed() {
    std::vector<int> album;
    const TrainingSet all = plantedSet(album);
    EvalOptions o = options(album);
    o.train.epochs = 3;
    const std::string a = evalResultToJson(evaluate(all, o));
    QCOMPARE(evalResultToJson(evaluate(all, o)), a);
    o.seed = 8;
    QVERIFY(evalResultToJson(evaluate(all, o)) != a);
  }

  // keepNeighbours (the stacking measurements of docs/experiments.md §7.2): each held-out song's
  // neighbours are tagged training songs of its own fold, most similar first, with the cosines the
  // features and the embeddings give; the model and every figure are those of a run without it.
  void keptNeighboursAreTheFoldsTaggedTrainingSongs() {
    std::vector<int> album;
    TrainingSet all = plantedSet(album);
    for (int s = 0; s < all.numSongs(); s += 7) all.songTags[static_cast<std::size_t>(s)].clear();
    EvalOptions o = options(album);
    o.train.epochs = 3;
    const EvalResult plain = evaluate(all, o);
    QVERIFY(plain.calibrationData.tagSongs.empty() && plain.trainSongTags.empty());
    QVERIFY(
        !QJsonDocument::fromJson(QByteArray::fromStdString(evalCalibrationDataToJson(plain, 0.9)))
             .object()
             .contains(QStringLiteral("neighbours")));
    QVERIFY(plain.testFoldTagScores.empty());
    o.calibration.keepNeighbours = true;
    o.calibration.keepFoldModels = true;
    const EvalResult r = evaluate(all, o);
    QVERIFY2(r.error.empty(), r.error.c_str());
    QCOMPARE(evalResultToJson(r), evalResultToJson(plain));
    QCOMPARE(r.calibrationData.tagScores, plain.calibrationData.tagScores);

    const HoldoutSplit split = splitBySong(all, o.holdoutFraction, o.seed);
    const TrainingSet part = trainingPart(all, split);
    QCOMPARE(r.trainSongTags, part.songTags);
    const auto tagged = [&](int s) { return !part.songTags[static_cast<std::size_t>(s)].empty(); };
    const auto heldTagged = static_cast<std::size_t>(std::count_if(
        part.songTags.begin(), part.songTags.end(), [](const auto& t) { return !t.empty(); }));
    const CalibrationData& d = r.calibrationData;
    QCOMPARE(d.tagSongs.size(), heldTagged);
    QCOMPARE(d.featureNeighbours.size(), heldTagged);
    QCOMPARE(d.jointNeighbours.size(), heldTagged);
    const std::vector<std::vector<int>> parts =
        foldParts(part.numSongs(), o.train.seed, o.calibration);
    const SparseRows unit = normalizeRows(part.songs);
    for (std::size_t i = 0; i < heldTagged; ++i) {
      const int song = d.tagSongs[i];
      QVERIFY(tagged(song));
      const auto fold = std::find_if(parts.begin(), parts.end(), [&](const auto& p) {
        return std::binary_search(p.begin(), p.end(), song);
      });
      QVERIFY(fold != parts.end());
      const auto foldTagged =
          static_cast<std::size_t>(std::count_if(part.songTags.begin(), part.songTags.end(),
                                                 [](const auto& t) { return !t.empty(); })) -
          static_cast<std::size_t>(std::count_if(fold->begin(), fold->end(), tagged));
      for (const auto* lists : {&d.featureNeighbours, &d.jointNeighbours}) {
        const auto& list = (*lists)[i];
        QCOMPARE(list.size(), std::min(foldTagged, std::size_t{CalibrationData::kKeptNeighbours}));
        for (std::size_t j = 0; j < list.size(); ++j) {
          QVERIFY(tagged(list[j].first));
          QVERIFY(!std::binary_search(fold->begin(), fold->end(), list[j].first));
          if (j > 0) QVERIFY(list[j - 1].second >= list[j].second);
        }
      }
      const auto& nearest = d.featureNeighbours[i].front();
      const float cosine = unit.row(song).dot(unit.row(nearest.first));
      QVERIFY(std::abs(cosine - nearest.second) < 1e-5f);
    }
    QCOMPARE(r.testFeatureNeighbours.size(), r.testTags.size());
    QCOMPARE(r.testJointNeighbours.size(), r.testTags.size());
    for (const auto* lists : {&r.testFeatureNeighbours, &r.testJointNeighbours}) {
      for (const auto& list : *lists) {
        QCOMPARE(list.size(), std::min(heldTagged, std::size_t{CalibrationData::kKeptNeighbours}));
        for (const auto& [neighbour, similarity] : list) {
          QVERIFY(tagged(neighbour));
          QVERIFY(similarity >= -1.0001f && similarity <= 1.0001f);
        }
      }
    }

    const QJsonObject n =
        QJsonDocument::fromJson(QByteArray::fromStdString(evalCalibrationDataToJson(r, 0.9)))
            .object()
            .value(QStringLiteral("neighbours"))
            .toObject();
    QCOMPARE(n.value(QStringLiteral("train_song_tags")).toArray().size(), part.numSongs());
    QCOMPARE(n.value(QStringLiteral("held_out_song")).toArray().size(),
             static_cast<qsizetype>(heldTagged));
    const QJsonArray first = n.value(QStringLiteral("held_out_joint")).toArray()[0].toArray();
    QCOMPARE(first.size(), static_cast<qsizetype>(d.jointNeighbours[0].size()));
    QCOMPARE(first[0].toArray()[0].toInt(), d.jointNeighbours[0][0].first);
    QCOMPARE(static_cast<float>(first[0].toArray()[1].toDouble()), d.jointNeighbours[0][0].second);
    QCOMPARE(n.value(QStringLiteral("test_feature")).toArray().size(),
             static_cast<qsizetype>(r.testTags.size()));

    // The fold models' mean scores of the test songs: one per tag, not the final model's.
    QCOMPARE(r.testFoldTagScores.size(), r.testTags.size());
    for (std::size_t h = 0; h < r.testTags.size(); ++h) {
      QCOMPARE(static_cast<int>(r.testFoldTagScores[h].size()), kTags);
      QVERIFY(r.testFoldTagScores[h] != r.testTagScores[h]);
    }
    const QJsonArray folds =
        QJsonDocument::fromJson(QByteArray::fromStdString(evalCalibrationDataToJson(r, 0.9)))
            .object()
            .value(QStringLiteral("test_fold_scores"))
            .toArray();
    QCOMPARE(folds.size(), static_cast<qsizetype>(r.testTags.size()));
    QCOMPARE(static_cast<float>(folds[0].toArray()[1].toDouble()), r.testFoldTagScores[0][1]);
  }

  // The kNN baselines may weight the dense block (columns from summaryOffset on) differently
  // from the model. Loud noise columns appended to the planted songs swamp raw cosines; scaled
  // to 0 for kNN they vanish and kNN measures exactly as on the clean songs, while the model's
  // inputs, and so its figures, do not change.
  void knnSummaryScaleWeightsOnlyTheBaseline() {
    std::vector<int> album;
    const TrainingSet clean = plantedSet(album);
    TrainingSet noisy = clean;
    constexpr int kNoise = 20;
    std::mt19937 rng(5);
    std::normal_distribution<float> gauss(0.0f, 3.0f);
    std::vector<Eigen::Triplet<float>> t;
    for (int r = 0; r < clean.songs.rows(); ++r) {
      for (SparseRows::InnerIterator it(clean.songs, r); it; ++it)
        t.emplace_back(r, static_cast<int>(it.col()), it.value());
      for (int c = 0; c < kNoise; ++c) t.emplace_back(r, kFeatures + c, gauss(rng));
    }
    noisy.songs.resize(clean.songs.rows(), kFeatures + kNoise);
    noisy.songs.setFromTriplets(t.begin(), t.end());

    EvalOptions o = options(album);
    o.train.epochs = 5;
    o.calibration.folds = 0;  // the baselines are the point here
    const EvalResult cleanResult = evaluate(clean, o);
    o.summaryOffset = kFeatures;
    const EvalResult plain = evaluate(noisy, o);
    o.knnSummaryScale = 0.0f;
    const EvalResult scaled = evaluate(noisy, o);
    QVERIFY(cleanResult.error.empty() && plain.error.empty() && scaled.error.empty());
    const auto& knnPlain = metric(plain, Task::Artist, "knn");
    const auto& knnScaled = metric(scaled, Task::Artist, "knn");
    const auto& knnClean = metric(cleanResult, Task::Artist, "knn");
    qInfo("artist kNN MAP: noisy %.3f, noise scaled to 0 %.3f, clean %.3f", knnPlain.map,
          knnScaled.map, knnClean.map);
    QVERIFY(knnScaled.map > knnPlain.map + 0.2);
    QCOMPARE(knnScaled.map, knnClean.map);
    QCOMPARE(knnScaled.p1, knnClean.p1);
    QCOMPARE(metric(scaled, Task::Artist, "model").map, metric(plain, Task::Artist, "model").map);
    QCOMPARE(metric(scaled, Task::SimilarSongs, "model").map,
             metric(plain, Task::SimilarSongs, "model").map);
  }

  // K-fold cross-validation's splits: every song held out exactly once, a group's songs in one
  // part, the parts' sizes within the largest group of each other, every similar-artist pair
  // tested once and trained on by the other folds; seeded.
  void crossValidationHoldsEverySongOutOnce() {
    std::vector<int> album;
    TrainingSet all = plantedSet(album);
    const int n = all.numSongs();
    QVERIFY(crossValidationSplits(all, 1, 7).empty());
    QVERIFY(crossValidationSplits(all, n + 1, 7).empty());
    for (int i = 0; i < n; ++i) all.songGroup.push_back(i / 3);
    for (const int folds : {2, 5, 7}) {
      const std::vector<HoldoutSplit> splits = crossValidationSplits(all, folds, 9);
      QCOMPARE(static_cast<int>(splits.size()), folds);
      std::vector<int> heldOut(static_cast<std::size_t>(n), 0);
      std::vector<int> partOf(static_cast<std::size_t>(n), -1);
      std::map<std::pair<int, int>, int> pairTested;
      int smallest = n, largest = 0;
      for (int k = 0; k < folds; ++k) {
        const HoldoutSplit& split = splits[static_cast<std::size_t>(k)];
        QVERIFY(std::is_sorted(split.testSongs.begin(), split.testSongs.end()));
        QVERIFY(std::is_sorted(split.trainSongs.begin(), split.trainSongs.end()));
        QCOMPARE(static_cast<int>(split.testSongs.size() + split.trainSongs.size()), n);
        for (const int s : split.testSongs) {
          ++heldOut[static_cast<std::size_t>(s)];
          partOf[static_cast<std::size_t>(s)] = k;
        }
        smallest = std::min(smallest, static_cast<int>(split.testSongs.size()));
        largest = std::max(largest, static_cast<int>(split.testSongs.size()));
        QCOMPARE(split.testArtistPairs.size() + split.trainArtistPairs.size(),
                 all.similarArtists.size());
        for (const auto& pair : split.testArtistPairs) ++pairTested[pair];
      }
      for (int s = 0; s < n; ++s) {
        QCOMPARE(heldOut[static_cast<std::size_t>(s)], 1);
        QCOMPARE(partOf[static_cast<std::size_t>(s)], partOf[static_cast<std::size_t>(s / 3 * 3)]);
      }
      QVERIFY2(largest - smallest <= 3,
               qPrintable(QStringLiteral("parts of %1 to %2 songs").arg(smallest).arg(largest)));
      QCOMPARE(pairTested.size(), all.similarArtists.size());
      for (const auto& [pair, times] : pairTested) QCOMPARE(times, 1);
    }
    const auto testOf = [&](std::uint64_t seed) {
      std::vector<std::vector<int>> parts;
      for (const HoldoutSplit& split : crossValidationSplits(all, 5, seed))
        parts.push_back(split.testSongs);
      return parts;
    };
    QCOMPARE(testOf(9), testOf(9));
    QVERIFY(testOf(9) != testOf(10));
  }

  // evaluate() with folds: every song is a query of the song tasks once, the calibration bins of
  // the folds are summed and their ECE is that of the sum, and the model still beats random.
  void crossValidationPoolsTheFolds() {
    std::vector<int> album;
    const TrainingSet all = plantedSet(album);
    const int n = all.numSongs();
    EvalOptions o = options(album);
    o.folds = 4;
    const EvalResult r = evaluate(all, o);
    QVERIFY2(r.error.empty(), r.error.c_str());
    QCOMPARE(r.folds, 4);
    QCOMPARE(r.testSongs, n);
    QVERIFY(r.calibrated);
    QCOMPARE(metric(r, Task::Tags, "model").queries, n);
    QCOMPARE(metric(r, Task::Artist, "model").queries, n);
    QCOMPARE(metric(r, Task::Artist, "knn").queries, n);
    QVERIFY(metric(r, Task::Artist, "model").p1 > metric(r, Task::Artist, "random").p1 + 0.3);
    QVERIFY(metric(r, Task::Tags, "model").p1 > metric(r, Task::Tags, "random").p1 + 0.3);
    QVERIFY(metric(r, Task::SimilarArtists, "model").queries > 0);
    for (const TaskEvaluation& task : r.tasks) {
      if (!task.calibration.valid) continue;
      int counted = 0;
      for (const ReliabilityBin& bin : task.calibration.bins) counted += bin.count;
      QCOMPARE(counted, task.calibration.outcomes);
      QCOMPARE(task.calibration.ece, expectedCalibrationError(task.calibration.bins));
      QVERIFY(task.calibration.brier >= 0 && task.calibration.brier <= 2);
    }
    QCOMPARE(r.tasks[static_cast<std::size_t>(Task::Artist)].task, Task::Artist);
    QCOMPARE(r.tasks[static_cast<std::size_t>(Task::Artist)].calibration.outcomes, n);
    QCOMPARE(r.tasks[static_cast<std::size_t>(Task::Tags)].calibration.outcomes, n * kTags);
    const AutoTagMetrics& autoTag = r.tasks[static_cast<std::size_t>(Task::Tags)].autoTag;
    QVERIFY(autoTag.valid);
    QCOMPARE(autoTag.songs, n);
    QVERIFY(autoTag.precision > 0.5 && autoTag.precision <= 1);
    QVERIFY(autoTag.threshold > 0 && autoTag.threshold < 1);
    QVERIFY(evalResultToJson(r).find("\"folds\": 4, \"test_songs\": 120") != std::string::npos);
  }

  void rejectsBadOptions() {
    std::vector<int> album;
    EvalOptions o = options(album);
    o.holdoutFraction = 1.0;
    QVERIFY(!evaluate(plantedSet(album), o).error.empty());
    o = options(album);
    o.calibration.targetPrecision = 0.2;
    QVERIFY(evaluate(plantedSet(album), o).error.find("target_precision") != std::string::npos);
    o = options(album);
    o.folds = 1;
    QVERIFY(evaluate(plantedSet(album), o).error.find("folds") != std::string::npos);
    o.folds = 21;
    QVERIFY(evaluate(plantedSet(album), o).error.find("folds") != std::string::npos);
    // Fewer songs than folds.
    TrainingSet few = plantedSet(album);
    few = trainingPart(few, HoldoutSplit{{0, 1, 2}, {}, {}, {}});
    o.folds = 4;
    o.songAlbum.clear();
    const EvalResult r = evaluate(few, o);
    QVERIFY2(r.error.find("at least as many songs as folds") != std::string::npos, r.error.c_str());
  }
};

QTEST_GUILESS_MAIN(EvaluationTest)
#include "tst_evaluation.moc"
