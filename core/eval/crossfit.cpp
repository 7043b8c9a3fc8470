#include "core/eval/crossfit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/base/random.h"
#include "core/eval/baselines.h"
#include "core/eval/evaluation.h"
#include "core/eval/tabledata.h"

namespace songspace::core {

namespace {

constexpr std::uint64_t kFoldStream = 0xCA11B8A7E5EEDull;
constexpr std::uint64_t kPairStream = 0x9A1E5A3B1E5ull;

}  // namespace

std::string CalibrationOptions::validate() const {
  std::string error = kFolds.validate(folds);
  if (error.empty()) error = kMaxSongs.validate(maxSongs);
  if (error.empty()) error = kTargetPrecision.validate(targetPrecision);
  if (error.empty()) error = kPairNegatives.validate(pairNegatives);
  if (error.empty()) error = kCommittee.validate(committee);
  return error;
}

namespace {

// Which songs count as related to a song (same artist, same album, or a similar-songs pair), and
// which carry tags only outside the vocabulary.
class Relations {
 public:
  Relations(const TrainingSet& data, std::span<const int> songAlbum,
            std::span<const char> taggedOutOfVocabulary) {
    const int n = data.numSongs();
    m_otherTagged.assign(static_cast<std::size_t>(n), 0);
    for (int s = 0; s < n && s < static_cast<int>(taggedOutOfVocabulary.size()); ++s)
      m_otherTagged[static_cast<std::size_t>(s)] =
          taggedOutOfVocabulary[static_cast<std::size_t>(s)] != 0 ? 1 : 0;
    m_artist.assign(static_cast<std::size_t>(n), -1);
    m_album.assign(static_cast<std::size_t>(n), -1);
    for (int s = 0; s < n && s < static_cast<int>(data.songArtist.size()); ++s)
      m_artist[static_cast<std::size_t>(s)] = data.songArtist[static_cast<std::size_t>(s)];
    for (int s = 0; s < n && s < static_cast<int>(songAlbum.size()); ++s)
      m_album[static_cast<std::size_t>(s)] = songAlbum[static_cast<std::size_t>(s)];
    m_byArtist.resize(static_cast<std::size_t>(std::max(data.numArtists, 0)));
    int albums = 0;
    for (const int a : m_album) albums = std::max(albums, a + 1);
    m_byAlbum.resize(static_cast<std::size_t>(albums));
    m_similar.resize(static_cast<std::size_t>(n));
    for (int s = 0; s < n; ++s) {
      if (const int a = artist(s); a >= 0 && a < data.numArtists)
        m_byArtist[static_cast<std::size_t>(a)].push_back(s);
      if (const int b = album(s); b >= 0) m_byAlbum[static_cast<std::size_t>(b)].push_back(s);
    }
    for (const auto& [a, b] : data.similarSongs) {
      if (a < 0 || b < 0 || a >= n || b >= n) continue;
      m_similar[static_cast<std::size_t>(a)].push_back(b);
      m_similar[static_cast<std::size_t>(b)].push_back(a);
    }
  }
  int artist(int s) const { return m_artist[static_cast<std::size_t>(s)]; }
  int album(int s) const { return m_album[static_cast<std::size_t>(s)]; }
  bool taggedOutOfVocabulary(int s) const {
    return m_otherTagged[static_cast<std::size_t>(s)] != 0;
  }
  // The songs related to `song` (itself excluded), ascending and distinct.
  void related(int song, std::vector<int>& out) const {
    out.clear();
    if (const int a = artist(song); a >= 0 && a < static_cast<int>(m_byArtist.size()))
      out.insert(out.end(), m_byArtist[static_cast<std::size_t>(a)].begin(),
                 m_byArtist[static_cast<std::size_t>(a)].end());
    if (const int b = album(song); b >= 0)
      out.insert(out.end(), m_byAlbum[static_cast<std::size_t>(b)].begin(),
                 m_byAlbum[static_cast<std::size_t>(b)].end());
    const auto& similar = m_similar[static_cast<std::size_t>(song)];
    out.insert(out.end(), similar.begin(), similar.end());
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    out.erase(std::remove(out.begin(), out.end(), song), out.end());
  }

 private:
  std::vector<int> m_artist, m_album;
  std::vector<char> m_otherTagged;
  std::vector<std::vector<int>> m_byArtist, m_byAlbum, m_similar;
};

// Appends to `out` the scores, by `model`, of the `held` songs, which it did not train on, against
// the labels and songs it trained on (`inTraining[s]` != 0).
void scoreHeldOut(const TrainingSet& data, const Relations& relations, const JointModel& model,
                  std::span<const int> held, const std::vector<char>& inTraining, int pairNegatives,
                  base::Xoshiro256& rng, CalibrationData& out,
                  std::vector<Eigen::VectorXf>& artistColumns, bool keepNeighbours = false) {
  const int n = data.numSongs();
  std::vector<char> tagSeen(static_cast<std::size_t>(data.numTags), 0);
  std::vector<char> artistSeen(static_cast<std::size_t>(data.numArtists), 0);
  std::vector<int> trainSongs;
  for (int s = 0; s < n; ++s) {
    if (!inTraining[static_cast<std::size_t>(s)]) continue;
    trainSongs.push_back(s);
    if (static_cast<std::size_t>(s) < data.songTags.size())
      for (const int t : data.songTags[static_cast<std::size_t>(s)])
        if (t >= 0 && t < data.numTags) tagSeen[static_cast<std::size_t>(t)] = 1;
    if (const int a = relations.artist(s); a >= 0 && a < data.numArtists)
      artistSeen[static_cast<std::size_t>(a)] = 1;
  }
  if (trainSongs.empty()) return;

  // Every song's embedding once (a column per song): the held songs' and their pair partners'.
  const Eigen::MatrixXf embedded = model.embedSongs(data.songs);
  std::vector<int> related;
  SparseRows features;
  Eigen::MatrixXf unitEmbedded;
  std::vector<int> taggedTraining;
  if (keepNeighbours) {
    features = normalizeRows(data.songs);
    unitEmbedded = embedded.colwise().normalized();
    for (const int s : trainSongs)
      if (static_cast<std::size_t>(s) < data.songTags.size() &&
          !data.songTags[static_cast<std::size_t>(s)].empty())
        taggedTraining.push_back(s);
  }
  const std::vector<int> noTags;
  for (const int song : held) {
    const Eigen::VectorXf x = embedded.col(song);
    // Tags: only songs someone tagged (an untagged song says nothing about any tag), each a
    // negative for every tag it does not carry, also when its only tags are out of the
    // vocabulary (a "Death Metal" song among two learned genres is a negative for both).
    const bool vocabularyTagged = static_cast<std::size_t>(song) < data.songTags.size() &&
                                  !data.songTags[static_cast<std::size_t>(song)].empty();
    if (vocabularyTagged || relations.taggedOutOfVocabulary(song)) {
      const auto& tags = vocabularyTagged ? data.songTags[static_cast<std::size_t>(song)] : noTags;
      const Eigen::VectorXf scores = model.T.transpose() * x;
      for (int t = 0; t < data.numTags; ++t) {
        if (!tagSeen[static_cast<std::size_t>(t)]) continue;
        out.tagIndex.push_back(t);
        out.tagScores.push_back(scores[t]);
        out.tagLabels.push_back(std::find(tags.begin(), tags.end(), t) != tags.end() ? 1 : 0);
      }
      if (keepNeighbours) {
        out.tagSongs.push_back(song);
        const Eigen::SparseVector<float> query = features.row(song).transpose();
        const Eigen::VectorXf featureSimilarity = Eigen::VectorXf(features * query);
        out.featureNeighbours.push_back(nearestSongs(featureSimilarity, taggedTraining));
        const Eigen::VectorXf jointSimilarity = unitEmbedded.transpose() * unitEmbedded.col(song);
        out.jointNeighbours.push_back(nearestSongs(jointSimilarity, taggedTraining));
      }
    }
    if (const int artist = relations.artist(song);
        artist >= 0 && artist < data.numArtists && artistSeen[static_cast<std::size_t>(artist)]) {
      Eigen::VectorXf scores = model.A.transpose() * x;
      for (int a = 0; a < data.numArtists; ++a)
        if (!artistSeen[static_cast<std::size_t>(a)])
          scores[a] = std::numeric_limits<float>::quiet_NaN();
      artistColumns.push_back(std::move(scores));
      out.artistTruth.push_back(artist);
    }
    // Pairs with the training songs: every related one, and `pairNegatives` unrelated ones drawn
    // uniformly (all of them when there are no more), each weighted to stand for its share.
    relations.related(song, related);
    std::erase_if(related, [&](int s) { return !inTraining[static_cast<std::size_t>(s)]; });
    for (const int r : related) {
      out.pairScores.push_back(embedded.col(r).dot(x));
      out.pairLabels.push_back(1);
      out.pairWeights.push_back(1.0f);
    }
    const std::size_t unrelated = trainSongs.size() - related.size();
    if (unrelated == 0) continue;
    const auto isRelated = [&](int s) {
      return std::binary_search(related.begin(), related.end(), s);
    };
    if (unrelated <= static_cast<std::size_t>(pairNegatives)) {
      for (const int s : trainSongs) {
        if (isRelated(s)) continue;
        out.pairScores.push_back(embedded.col(s).dot(x));
        out.pairLabels.push_back(0);
        out.pairWeights.push_back(1.0f);
      }
      continue;
    }
    // Drawn with replacement by rejection: unrelated songs are the majority here (more than
    // pairNegatives of them), and each draw then stands for unrelated / pairNegatives songs.
    const auto weight =
        static_cast<float>(static_cast<double>(unrelated) / static_cast<double>(pairNegatives));
    for (int kept = 0; kept < pairNegatives;) {
      const int s =
          trainSongs[base::uniformBelow(rng, static_cast<std::uint32_t>(trainSongs.size()))];
      if (isRelated(s)) continue;
      out.pairScores.push_back(embedded.col(s).dot(x));
      out.pairLabels.push_back(0);
      out.pairWeights.push_back(weight);
      ++kept;
    }
  }
}

// Empty when options.songTaggedOutOfVocabulary is empty or has one entry per song.
std::string songFlagsError(const CalibrationOptions& options, int songs) {
  const std::size_t size = options.songTaggedOutOfVocabulary.size();
  if (size == 0 || size == static_cast<std::size_t>(songs)) return {};
  return "songTaggedOutOfVocabulary has " + std::to_string(size) + " entries for " +
         std::to_string(songs) + " songs";
}

}  // namespace

std::vector<std::pair<int, float>> nearestSongs(const Eigen::VectorXf& similarity,
                                                std::span<const int> candidates) {
  std::vector<std::pair<int, float>> out;
  out.reserve(candidates.size());
  for (const int s : candidates) out.emplace_back(s, similarity[s]);
  const auto keep = std::min(out.size(), std::size_t{CalibrationData::kKeptNeighbours});
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(),
                    [](const auto& x, const auto& y) {
                      return x.second > y.second || (x.second == y.second && x.first < y.first);
                    });
  out.resize(keep);
  return out;
}

std::vector<std::vector<int>> songGroupUnits(int n, std::span<const int> songGroup) {
  const bool grouped = static_cast<int>(songGroup.size()) == n;
  std::unordered_map<int, int> unitOfGroup;
  std::vector<std::vector<int>> units;
  for (int i = 0; i < n; ++i) {
    const int group = grouped ? songGroup[static_cast<std::size_t>(i)] : i;
    const auto [it, added] = unitOfGroup.emplace(group, static_cast<int>(units.size()));
    if (added) units.emplace_back();
    units[static_cast<std::size_t>(it->second)].push_back(i);
  }
  return units;
}

std::vector<std::vector<int>> foldParts(int n, std::uint64_t seed,
                                        const CalibrationOptions& options,
                                        std::span<const int> songGroup) {
  if (options.folds < 1 || options.maxSongs < 1 || n < 2) return {};
  const std::vector<std::vector<int>> units = songGroupUnits(n, songGroup);
  std::vector<int> order(units.size());
  for (std::size_t u = 0; u < units.size(); ++u) order[u] = static_cast<int>(u);
  seededShuffle(order, seed ^ kFoldStream);
  const int foldSize = std::min((n + options.folds - 1) / options.folds, options.maxSongs);
  const int folds = std::min(options.folds, (options.maxSongs + foldSize - 1) / foldSize);
  std::vector<std::vector<int>> parts;
  std::size_t next = 0;
  for (int fold = 0; fold < folds && next < order.size(); ++fold) {
    std::vector<int> part;
    while (next < order.size() && static_cast<int>(part.size()) < foldSize) {
      const std::vector<int>& unit = units[static_cast<std::size_t>(order[next++])];
      part.insert(part.end(), unit.begin(), unit.end());
    }
    if (part.empty() || static_cast<int>(part.size()) >= n) break;
    std::sort(part.begin(), part.end());
    parts.push_back(std::move(part));
  }
  // A group so large that whole groups cannot make as many parts as single songs (a tiny library
  // of one song in seven formats): the songs are split after all, a leak rather than no
  // calibration.
  if (units.size() < static_cast<std::size_t>(n)) {
    std::vector<std::vector<int>> plain = foldParts(n, seed, options);
    if (parts.size() < plain.size()) return plain;
  }
  return parts;
}

CalibrationReport gatherCalibrationData(
    const TrainingSet& data, std::span<const int> songAlbum, const TrainOptions& train,
    const CalibrationOptions& options, CalibrationData& out,
    const std::function<void(const CalibrationProgress&)>& progress,
    const std::atomic<bool>* cancel, const HeldOutModel* heldOut, const JointModel* trained) {
  const auto start = std::chrono::steady_clock::now();
  CalibrationReport report;
  report.error = options.validate();
  if (report.error.empty()) report.error = train.validate();
  if (report.error.empty()) report.error = songFlagsError(options, data.numSongs());
  if (!report.error.empty()) return report;
  out = CalibrationData{};
  const int n = data.numSongs();
  if (options.folds == 0 || n < 2) return report;

  const Relations relations(data, songAlbum, options.songTaggedOutOfVocabulary);
  std::vector<Eigen::VectorXf> artistColumns;
  base::Xoshiro256 pairRng(train.seed ^ kPairStream);
  const auto finish = [&] {
    out.artistScores.resize(data.numArtists, static_cast<Eigen::Index>(artistColumns.size()));
    for (std::size_t q = 0; q < artistColumns.size(); ++q)
      out.artistScores.col(static_cast<Eigen::Index>(q)) = artistColumns[q];
    out.songs = report.songs;
    out.folds = report.folds;
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  // The trainer's validation split, when it is big enough: no training at all.
  if (heldOut && trained && static_cast<int>(heldOut->songs.size()) >= kMinValidationSplitSongs &&
      heldOut->V.cols() == data.songs.cols()) {
    std::vector<int> held = heldOut->songs;
    if (static_cast<int>(held.size()) > options.maxSongs) {
      seededShuffle(held, train.seed ^ kFoldStream);
      held.resize(static_cast<std::size_t>(options.maxSongs));
      std::sort(held.begin(), held.end());
    }
    std::vector<char> inTraining(static_cast<std::size_t>(n), 1);
    for (const int s : heldOut->songs) inTraining[static_cast<std::size_t>(s)] = 0;
    JointModel scorer;
    scorer.maxNorm = trained->maxNorm;
    scorer.V = heldOut->V;
    scorer.A = heldOut->A;
    scorer.T = heldOut->T;
    scoreHeldOut(data, relations, scorer, held, inTraining, options.pairNegatives, pairRng, out,
                 artistColumns, options.keepNeighbours);
    report.source = CalibrationSource::ValidationSplit;
    report.songs = static_cast<int>(held.size());
    if (progress) progress({1, 1});
    finish();
    return report;
  }

  const std::vector<std::vector<int>> parts = foldParts(n, train.seed, options, data.songGroup);
  const int folds = static_cast<int>(parts.size());
  report.source = CalibrationSource::CrossFitting;

  for (int fold = 0; fold < folds; ++fold) {
    HoldoutSplit split;
    split.testSongs = parts[static_cast<std::size_t>(fold)];
    std::vector<char> inTraining(static_cast<std::size_t>(n), 1);
    for (const int s : split.testSongs) inTraining[static_cast<std::size_t>(s)] = 0;
    for (int s = 0; s < n; ++s)
      if (inTraining[static_cast<std::size_t>(s)]) split.trainSongs.push_back(s);
    split.trainArtistPairs = data.similarArtists;
    const TrainingSet part = trainingPart(data, split);
    TrainOptions foldOptions = train;
    foldOptions.seed = train.seed + static_cast<std::uint64_t>(fold) + 1;
    if (heldOut && heldOut->bestEpoch > 0) {
      // The epochs early stopping chose for the final model, on the fold's songs, no search.
      foldOptions.epochs = heldOut->bestEpoch;
      foldOptions.patience = 0;
      foldOptions.validationFraction = 0;
      foldOptions.refitOnAllSongs = false;
    }
    JointModel model;
    const TrainReport foldReport = trainModel(part, foldOptions, model, {}, cancel);
    if (foldReport.cancelled || (cancel && cancel->load())) {
      report.cancelled = true;
      return report;
    }
    if (!foldReport.error.empty()) {
      report.error = "calibration fold " + std::to_string(fold + 1) + ": " + foldReport.error;
      return report;
    }
    ++report.folds;
    // The fold model's song features are the part's rows: score with the full set's rows.
    scoreHeldOut(data, relations, model, split.testSongs, inTraining, options.pairNegatives,
                 pairRng, out, artistColumns, options.keepNeighbours);
    report.songs += static_cast<int>(split.testSongs.size());
    if (progress) progress({fold + 1, folds});
  }
  finish();
  return report;
}

CalibrationReport calibrateModel(const TrainingSet& data, std::span<const int> songAlbum,
                                 const TrainOptions& train, const CalibrationOptions& options,
                                 JointModel& model,
                                 const std::function<void(const CalibrationProgress&)>& progress,
                                 const std::atomic<bool>* cancel, const HeldOutModel* heldOut,
                                 CalibrationData* fitted) {
  const auto start = std::chrono::steady_clock::now();
  model.calibration.reset();
  CalibrationData held;
  CalibrationReport report = gatherCalibrationData(data, songAlbum, train, options, held, progress,
                                                   cancel, heldOut, &model);
  if (!report.error.empty() || report.cancelled || report.songs == 0) return report;
  model.calibration =
      fitCalibration(held, static_cast<int>(model.T.cols()), options.targetPrecision);
  if (fitted) *fitted = std::move(held);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

int validationSplitSongs(const TrainOptions& train, int numSongs) {
  return std::clamp(static_cast<int>(std::lround(train.validationFraction * numSongs)), 0,
                    std::max(0, std::min(train.maxValidationSongs, numSongs - 1)));
}

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The committee (CalibrationOptions::kCommittee): `model` and `members` stacked as subspaces, each
// scaled by 1/√K for K models, as trainModel() stacks its blocks: every raw score is the mean of
// the K models' scores, and every column of V, A and T keeps norm ≤ C. A song embedding is
// projected onto the ball as a whole (JointModel::embedSong), so a clipped song's scores are the
// clipped mean — the approximation the blocks already make. False (nothing changed) when the
// members' shapes differ from the model's.
bool stackCommittee(JointModel& model, const std::vector<JointModel>& members) {
  const auto count = static_cast<Eigen::Index>(members.size() + 1);
  const auto scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(count)));
  const Eigen::Index d = model.V.rows();
  for (const JointModel& m : members) {
    if (m.V.rows() != d || m.V.cols() != model.V.cols() || m.A.cols() != model.A.cols() ||
        m.T.cols() != model.T.cols())
      return false;  // not one training's models (cannot happen: the same data and options)
  }
  for (Eigen::MatrixXf JointModel::*field : {&JointModel::V, &JointModel::A, &JointModel::T}) {
    Eigen::MatrixXf stacked(d * count, (model.*field).cols());
    stacked.topRows(d) = scale * (model.*field);
    for (Eigen::Index k = 1; k < count; ++k)
      stacked.middleRows(k * d, d) = scale * (members[static_cast<std::size_t>(k - 1)].*field);
    model.*field = std::move(stacked);
  }
  model.info["dim"] = std::to_string(model.V.rows());
  model.info["committee"] = "the final model and " + std::to_string(members.size()) +
                            " fold models, " + std::to_string(d) + " dimensions each";
  return true;
}

}  // namespace

CalibratedTraining trainCalibratedModel(const TrainingSet& data, std::span<const int> songAlbum,
                                        const TrainOptions& train,
                                        const CalibrationOptions& options, JointModel& model,
                                        const std::function<void(const TrainProgress&)>& progress,
                                        const std::atomic<bool>* cancel) {
  CalibratedTraining result;
  result.training.error = train.validate();
  if (!result.training.error.empty()) return result;
  result.calibration.error = options.validate();
  if (result.calibration.error.empty())
    result.calibration.error = songFlagsError(options, data.numSongs());
  if (!result.calibration.error.empty()) return result;
  const int n = data.numSongs();
  const bool crossValidated = options.folds >= 2 && n >= options.folds &&
                              train.validationFraction > 0 &&
                              validationSplitSongs(train, n) < kMinValidationSplitSongs;

  if (!crossValidated) {
    // One training, then the calibration from its validation split (or cross-fitted after it).
    auto start = std::chrono::steady_clock::now();
    HeldOutModel heldOut;
    result.training = trainModel(data, train, model, progress, cancel, &heldOut);
    result.finalSeconds = secondsSince(start);
    if (!result.training.error.empty() || result.training.cancelled) return result;
    std::function<void(const CalibrationProgress&)> calibrationProgress;
    if (progress) {
      calibrationProgress = [&](const CalibrationProgress& p) {
        TrainProgress q;
        q.epoch = p.fold;
        q.epochs = p.folds;
        q.validationScore = result.training.bestValidationScore;
        q.message =
            "calibrating: model " + std::to_string(p.fold) + " of " + std::to_string(p.folds);
        progress(q);
      };
    }
    result.calibration = calibrateModel(data, songAlbum, train, options, model, calibrationProgress,
                                        cancel, &heldOut, &result.heldOut);
    return result;
  }

  // Cross-validation: the fold models choose the epochs and give the held-out scores.
  const auto foldStart = std::chrono::steady_clock::now();
  const std::vector<std::vector<int>> parts = foldParts(n, train.seed, options, data.songGroup);
  const int folds = static_cast<int>(parts.size());
  const Relations relations(data, songAlbum, options.songTaggedOutOfVocabulary);
  CalibrationData held;
  std::vector<Eigen::VectorXf> artistColumns;
  base::Xoshiro256 pairRng(train.seed ^ kPairStream);
  CalibrationReport& calibration = result.calibration;
  calibration.source = CalibrationSource::CrossValidation;
  // Progress: the folds' reports, each fold's bound (trainModel's, every block's epochs) after the
  // one before, then the final model's, on one bar whose end is those of the folds and one more.
  int foldBound = 0;
  double scoringSeconds = 0, validation = 0;
  std::int64_t negativesScored = 0;
  int maxNegativesInStep = 0;
  for (int fold = 0; fold < folds; ++fold) {
    const std::vector<int>& part = parts[static_cast<std::size_t>(fold)];
    TrainOptions foldOptions = train;
    foldOptions.seed = train.seed + static_cast<std::uint64_t>(fold) + 1;
    std::function<void(const TrainProgress&)> foldProgress;
    if (progress) {
      foldProgress = [&, fold](const TrainProgress& p) {
        TrainProgress q = p;
        foldBound = p.epochs;
        q.epoch = fold * p.epochs + p.epoch;
        q.epochs = (folds + 1) * p.epochs;
        q.message = "model " + std::to_string(fold + 1) + " of " + std::to_string(folds) +
                    " (choosing the epochs, calibrating): " + p.message;
        progress(q);
      };
    }
    JointModel foldModel;
    const TrainReport foldReport =
        trainModel(data, foldOptions, foldModel, foldProgress, cancel, nullptr, part);
    if (foldReport.cancelled || (cancel && cancel->load())) {
      result.training.cancelled = true;
      calibration.cancelled = true;
      return result;
    }
    if (!foldReport.error.empty()) {
      result.training.error =
          "cross-validation model " + std::to_string(fold + 1) + ": " + foldReport.error;
      return result;
    }
    result.foldBestEpochs.push_back(foldReport.meanBestEpoch);
    validation += foldReport.bestValidationScore / folds;
    negativesScored += foldReport.negativesScored;
    maxNegativesInStep = std::max(maxNegativesInStep, foldReport.maxNegativesScoredInStep);
    ++calibration.folds;
    // Without a refit the fold model is the one early stopping chose on `part`; it never trained
    // on those songs (the trainer keeps validation songs out of every example, as query or label).
    const auto scoreStart = std::chrono::steady_clock::now();
    std::vector<char> inTraining(static_cast<std::size_t>(n), 1);
    for (const int s : part) inTraining[static_cast<std::size_t>(s)] = 0;
    scoreHeldOut(data, relations, foldModel, part, inTraining, options.pairNegatives, pairRng, held,
                 artistColumns, options.keepNeighbours);
    calibration.songs += static_cast<int>(part.size());
    scoringSeconds += secondsSince(scoreStart);
    if (options.keepFoldModels || options.committee != 0)
      result.foldModels.push_back(std::move(foldModel));
  }
  result.foldSeconds = secondsSince(foldStart) - scoringSeconds;

  double meanBest = 0;
  for (const double e : result.foldBestEpochs) meanBest += e / folds;
  TrainOptions finalOptions = train;
  finalOptions.epochs =
      std::clamp(static_cast<int>(std::lround(meanBest)), 1, TrainOptions::kEpochs.maxValue);
  finalOptions.patience = 0;
  finalOptions.validationFraction = 0;
  finalOptions.refitOnAllSongs = false;
  std::function<void(const TrainProgress&)> finalProgress;
  if (progress) {
    finalProgress = [&](const TrainProgress& p) {
      TrainProgress q = p;
      q.epoch = folds * foldBound + p.epoch;
      q.epochs = folds * foldBound + p.epochs;
      q.validationScore = validation;
      q.message = "the model on all songs: " + p.message;
      progress(q);
    };
  }
  const auto finalStart = std::chrono::steady_clock::now();
  result.training = trainModel(data, finalOptions, model, finalProgress, cancel);
  result.finalSeconds = secondsSince(finalStart);
  if (!result.training.error.empty()) return result;
  if (result.training.cancelled || (cancel && cancel->load())) {
    result.training.cancelled = true;
    calibration.cancelled = true;
    return result;
  }
  result.training.bestValidationScore = validation;
  result.training.validationSongs = static_cast<int>(parts.front().size());
  result.training.negativesScored += negativesScored;
  result.training.maxNegativesScoredInStep =
      std::max(result.training.maxNegativesScoredInStep, maxNegativesInStep);
  result.training.refit = true;
  model.info["validation_precision_at_1"] = std::to_string(validation);
  model.info["refit"] = "all songs";
  model.info["epochs_chosen_by"] = std::to_string(folds) + "-fold cross-validation";
  if (options.committee != 0 && stackCommittee(model, result.foldModels))
    calibration.committee = folds + 1;
  if (!options.keepFoldModels) result.foldModels.clear();

  const auto fitStart = std::chrono::steady_clock::now();
  held.artistScores.resize(data.numArtists, static_cast<Eigen::Index>(artistColumns.size()));
  for (std::size_t q = 0; q < artistColumns.size(); ++q)
    held.artistScores.col(static_cast<Eigen::Index>(q)) = artistColumns[q];
  held.songs = calibration.songs;
  held.folds = calibration.folds;
  if (calibration.songs > 0) {
    model.calibration =
        fitCalibration(held, static_cast<int>(model.T.cols()), options.targetPrecision);
    result.heldOut = std::move(held);
  }
  calibration.seconds = scoringSeconds + secondsSince(fitStart);
  return result;
}

}  // namespace songspace::core
