#include "core/eval/crossfit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "core/base/random.h"
#include "core/eval/baselines.h"
#include "core/eval/evaluation.h"
#include "core/eval/tabledata.h"

namespace songspace::core {

namespace {

constexpr std::uint64_t kFoldStream = 0xCA11B8A7E5EEDull;
constexpr std::uint64_t kPairStream = 0x9A1E5A3B1E5ull;

std::uint64_t pairKey(int a, int b) {
  const auto lo = static_cast<std::uint32_t>(std::min(a, b));
  const auto hi = static_cast<std::uint32_t>(std::max(a, b));
  return (std::uint64_t{hi} << 32) | lo;
}

}  // namespace

std::string CalibrationOptions::validate() const {
  std::string error = kFolds.validate(folds);
  if (error.empty()) error = kMaxSongs.validate(maxSongs);
  if (error.empty()) error = kTargetPrecision.validate(targetPrecision);
  if (error.empty()) error = kPairNegatives.validate(pairNegatives);
  return error;
}

CalibrationReport gatherCalibrationData(
    const TrainingSet& data, std::span<const int> songAlbum, const TrainOptions& train,
    const CalibrationOptions& options, CalibrationData& out,
    const std::function<void(const CalibrationProgress&)>& progress,
    const std::atomic<bool>* cancel) {
  const auto start = std::chrono::steady_clock::now();
  CalibrationReport report;
  report.error = options.validate();
  if (report.error.empty()) report.error = train.validate();
  if (!report.error.empty()) return report;
  out = CalibrationData{};
  const int n = data.numSongs();
  if (options.folds == 0 || n < 2) return report;

  std::vector<int> order(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  seededShuffle(order, train.seed ^ kFoldStream);
  const int foldSize = std::min((n + options.folds - 1) / options.folds, options.maxSongs);
  const int folds = std::min(options.folds, (options.maxSongs + foldSize - 1) / foldSize);

  std::unordered_set<std::uint64_t> related;  // similar-song pairs
  related.reserve(data.similarSongs.size() * 2);
  for (const auto& [a, b] : data.similarSongs) related.insert(pairKey(a, b));
  const auto at = [](const auto& v, int i) { return v[static_cast<std::size_t>(i)]; };
  const auto artistOf = [&](int s) {
    return s < static_cast<int>(data.songArtist.size()) ? at(data.songArtist, s) : -1;
  };
  const auto albumOf = [&](int s) {
    return s < static_cast<int>(songAlbum.size()) ? songAlbum[static_cast<std::size_t>(s)] : -1;
  };
  const auto isRelated = [&](int a, int b) {
    const int artist = artistOf(a), album = albumOf(a);
    return (artist >= 0 && artist == artistOf(b)) || (album >= 0 && album == albumOf(b)) ||
           related.count(pairKey(a, b)) > 0;
  };

  std::vector<Eigen::VectorXf> artistColumns;
  base::Xoshiro256 pairRng(train.seed ^ kPairStream);
  std::vector<int> unrelated;
  for (int fold = 0; fold < folds; ++fold) {
    const int first = fold * foldSize;
    if (first >= n) break;
    HoldoutSplit split;
    for (int i = 0; i < n; ++i) {
      const bool held = i >= first && i < first + foldSize;
      (held ? split.testSongs : split.trainSongs).push_back(at(order, i));
    }
    if (split.trainSongs.empty()) break;
    std::sort(split.testSongs.begin(), split.testSongs.end());
    std::sort(split.trainSongs.begin(), split.trainSongs.end());
    split.trainArtistPairs = data.similarArtists;
    const TrainingSet part = trainingPart(data, split);
    TrainOptions foldOptions = train;
    foldOptions.seed = train.seed + static_cast<std::uint64_t>(fold) + 1;
    JointModel model;
    const TrainReport trained = trainModel(part, foldOptions, model, {}, cancel);
    if (trained.cancelled || (cancel && cancel->load())) {
      report.cancelled = true;
      return report;
    }
    if (!trained.error.empty()) {
      report.error = "calibration fold " + std::to_string(fold + 1) + ": " + trained.error;
      return report;
    }
    ++report.folds;

    std::vector<std::vector<int>> partTags = part.songTags;
    partTags.resize(static_cast<std::size_t>(part.numSongs()));
    std::vector<int> partArtist = part.songArtist;
    partArtist.resize(static_cast<std::size_t>(part.numSongs()), -1);
    const Eigen::VectorXf tagSeen = labelFrequency(partTags, data.numTags);
    const Eigen::VectorXf artistSeen = labelFrequency(partArtist, data.numArtists);

    std::vector<int> held = split.testSongs;
    SparseRows heldRows(static_cast<Eigen::Index>(held.size()), data.songs.cols());
    {
      std::vector<Eigen::Triplet<float>> triplets;
      for (std::size_t i = 0; i < held.size(); ++i)
        for (SparseRows::InnerIterator it(data.songs, held[i]); it; ++it)
          triplets.emplace_back(static_cast<int>(i), static_cast<int>(it.col()), it.value());
      heldRows.setFromTriplets(triplets.begin(), triplets.end());
    }
    const Eigen::MatrixXf heldEmb = model.embedSongs(heldRows);
    const Eigen::MatrixXf trainEmb = model.embedSongs(part.songs);
    const Eigen::MatrixXf tagScores = model.T.transpose() * heldEmb;
    const Eigen::MatrixXf artistScores = model.A.transpose() * heldEmb;
    const Eigen::MatrixXf pairScores = trainEmb.transpose() * heldEmb;  // train × held

    for (std::size_t h = 0; h < held.size(); ++h) {
      const int song = held[h];
      const auto column = static_cast<Eigen::Index>(h);
      ++report.songs;
      // Tags: only songs someone tagged (an untagged song says nothing about any tag).
      if (static_cast<std::size_t>(song) < data.songTags.size() &&
          !at(data.songTags, song).empty()) {
        const auto& tags = at(data.songTags, song);
        for (int t = 0; t < data.numTags; ++t) {
          if (tagSeen[t] <= 0) continue;
          out.tagIndex.push_back(t);
          out.tagScores.push_back(tagScores(t, column));
          out.tagLabels.push_back(std::find(tags.begin(), tags.end(), t) != tags.end() ? 1 : 0);
        }
      }
      const int artist = artistOf(song);
      if (artist >= 0 && artistSeen[artist] > 0) {
        Eigen::VectorXf scores = artistScores.col(column);
        for (int a = 0; a < data.numArtists; ++a)
          if (artistSeen[a] <= 0) scores[a] = std::numeric_limits<float>::quiet_NaN();
        artistColumns.push_back(std::move(scores));
        out.artistTruth.push_back(artist);
      }
      unrelated.clear();
      for (std::size_t j = 0; j < split.trainSongs.size(); ++j) {
        const auto row = static_cast<Eigen::Index>(j);
        if (isRelated(song, split.trainSongs[j])) {
          out.pairScores.push_back(pairScores(row, column));
          out.pairLabels.push_back(1);
          out.pairWeights.push_back(1.0f);
        } else {
          unrelated.push_back(static_cast<int>(j));
        }
      }
      const auto kept =
          std::min<std::size_t>(unrelated.size(), static_cast<std::size_t>(options.pairNegatives));
      // A partial Fisher–Yates shuffle picks `kept` of them uniformly.
      for (std::size_t i = 0; i < kept; ++i) {
        const auto pick =
            i + base::uniformBelow(pairRng, static_cast<std::uint32_t>(unrelated.size() - i));
        std::swap(unrelated[i], unrelated[pick]);
        out.pairScores.push_back(pairScores(unrelated[i], column));
        out.pairLabels.push_back(0);
        out.pairWeights.push_back(
            static_cast<float>(static_cast<double>(unrelated.size()) / static_cast<double>(kept)));
      }
    }
    if (progress) progress({fold + 1, folds});
  }
  out.artistScores.resize(data.numArtists, static_cast<Eigen::Index>(artistColumns.size()));
  for (std::size_t q = 0; q < artistColumns.size(); ++q)
    out.artistScores.col(static_cast<Eigen::Index>(q)) = artistColumns[q];
  out.songs = report.songs;
  out.folds = report.folds;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

CalibrationReport calibrateModel(const TrainingSet& data, std::span<const int> songAlbum,
                                 const TrainOptions& train, const CalibrationOptions& options,
                                 JointModel& model,
                                 const std::function<void(const CalibrationProgress&)>& progress,
                                 const std::atomic<bool>* cancel) {
  model.calibration.reset();
  CalibrationData held;
  CalibrationReport report =
      gatherCalibrationData(data, songAlbum, train, options, held, progress, cancel);
  if (!report.error.empty() || report.cancelled || report.folds == 0) return report;
  model.calibration =
      fitCalibration(held, static_cast<int>(model.T.cols()), options.targetPrecision);
  return report;
}

}  // namespace songspace::core
