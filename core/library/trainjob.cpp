#include "core/library/trainjob.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/library/datasetloader.h"
#include "core/library/modelsession.h"
#include "core/library/paths.h"
#include "core/library/sessioncache.h"

namespace songspace::library {

core::TrainOptions defaultJobTrainOptions() {
  core::TrainOptions options;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // One thread per block when the stack is explicit; with the stack chosen by library size
  // (subspaces 0), every core, as side-by-side blocks or Hogwild workers.
  options.threads = options.subspaces > 0 ? std::min(cores, options.subspaces) : cores;
  return options;
}

QJsonArray leftOutToJson(const std::vector<core::LeftOutLabel>& labels) {
  QJsonArray array;
  for (const core::LeftOutLabel& label : labels) {
    array.append(QJsonObject{{QStringLiteral("name"), QString::fromStdString(label.name)},
                             {QStringLiteral("songs"), label.songs},
                             {QStringLiteral("code"), QString::fromStdString(label.code)},
                             {QStringLiteral("reason"), QString::fromStdString(label.reason)}});
  }
  return array;
}

std::vector<core::LeftOutLabel> leftOutFromJson(const QJsonArray& array) {
  std::vector<core::LeftOutLabel> labels;
  for (const auto& value : array) {
    const QJsonObject object = value.toObject();
    core::LeftOutLabel label;
    label.name = object.value(QStringLiteral("name")).toString().toStdString();
    label.songs = object.value(QStringLiteral("songs")).toInt();
    label.code = object.value(QStringLiteral("code")).toString().toStdString();
    label.reason = object.value(QStringLiteral("reason")).toString().toStdString();
    if (!label.name.empty()) labels.push_back(std::move(label));
  }
  return labels;
}

namespace {

// Every training song's novelty distances under both fits (JointModel::songNovelty), measured
// here once so that loading the model only judges them (docs/experiments.md §8: a pass over the
// reference songs per song and fit, 14 s per fit at 10⁵ songs on one core), in blocks shared
// out to options.train.threads threads; progress reports blocks done (validationScore: the
// training's). False when cancelled (then nothing is stored).
bool measureSongNovelty(core::JointModel& model, const core::LibraryDataset& dataset,
                        const Eigen::MatrixXf& embeddings, double validationScore,
                        const TrainJobOptions& options) {
  if (!model.novelty) return true;
  const core::SparseRows& songs = dataset.data.songs;
  const auto n = static_cast<std::size_t>(songs.rows());
  std::vector<core::NoveltyDistances> library(n), tagged(n);
  constexpr Eigen::Index kBlock = 2048;
  const Eigen::Index blocks = (songs.rows() + kBlock - 1) / kBlock;
  std::atomic<Eigen::Index> next{0};
  std::atomic<int> done{0};
  const auto cancelled = [&] { return options.cancel && options.cancel->load(); };
  // Measures blocks until none is left; `report` on the calling thread only (progress callbacks
  // expect one thread).
  const auto work = [&](bool report) {
    for (Eigen::Index b = next++; b < blocks && !cancelled(); b = next++) {
      const Eigen::Index begin = b * kBlock;
      const Eigen::Index size = std::min(kBlock, songs.rows() - begin);
      const core::SparseRows rows = songs.middleRows(begin, size);
      const Eigen::MatrixXf points = embeddings.middleCols(begin, size);
      for (const auto& [fit, out] :
           {std::pair{&model.novelty, &library}, std::pair{&model.tagNovelty, &tagged}}) {
        if (!*fit) continue;
        const std::vector<core::NoveltyDistances> measured = (*fit)->distances(rows, points);
        std::copy(measured.begin(), measured.end(), out->begin() + begin);
      }
      ++done;
      if (report && options.progress) {
        core::TrainProgress q;
        q.epoch = done;
        q.epochs = static_cast<int>(blocks);
        q.validationScore = validationScore;
        q.message = "checking which songs are unlike the library";
        options.progress(q);
      }
    }
  };
  const auto threads = static_cast<int>(
      std::clamp<Eigen::Index>(options.train.threads, 1, std::max<Eigen::Index>(1, blocks)));
  std::vector<std::thread> helpers;
  for (int t = 1; t < threads; ++t) helpers.emplace_back(work, false);
  work(true);
  for (std::thread& helper : helpers) helper.join();
  if (cancelled()) return false;
  model.songNovelty.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    model.songNovelty[i] = {dataset.fileIds[i],
                            core::noveltyInputHash(songs, static_cast<Eigen::Index>(i)), library[i],
                            tagged[i]};
  }
  return true;
}

}  // namespace

TrainJobResult runTrainJob(core::Catalog& catalog, const QString& catalogPath,
                           const TrainJobOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  TrainJobResult result;
  LoadedDataset loaded;
  if (const auto status = loadLibraryDataset(catalog, options.train.seed, options.summaryWeight,
                                             loaded, options.reading);
      !status.ok()) {
    result.status = status;
    return result;
  }
  const core::LibraryDataset& dataset = loaded.dataset;
  result.songs = dataset.data.numSongs();
  result.artists = dataset.data.numArtists;
  result.tags = dataset.data.numTags;
  result.similarSongPairs = static_cast<int>(dataset.data.similarSongs.size());
  result.similarArtistPairs = static_cast<int>(dataset.data.similarArtists.size());
  result.leftOutTags = dataset.leftOutTags;
  result.leftOutArtists = dataset.leftOutArtists;

  core::JointModel model;
  model.artistNames = dataset.artistNames;
  model.tagNames = dataset.tagNames;
  model.features = dataset.features;
  model.codebook = loaded.codebookBlob;
  model.info["codebook_id"] = std::to_string(loaded.codebookId);
  model.info["created_at"] = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
  model.info["songs"] = std::to_string(result.songs);
  const auto trainingStart = std::chrono::steady_clock::now();
  core::CalibrationOptions calibration = options.calibration;
  calibration.songTaggedOutOfVocabulary = dataset.songTaggedOutOfVocabulary;
  core::CalibratedTraining trained =
      core::trainCalibratedModel(dataset.data, dataset.songAlbum, options.train, calibration, model,
                                 options.progress, options.cancel);
  result.trainingSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - trainingStart).count() -
      trained.calibration.seconds;
  result.report = std::move(trained.training);
  result.foldBestEpochs = std::move(trained.foldBestEpochs);
  result.calibration = std::move(trained.calibration);
  if (result.report.cancelled) {
    result.status = base::Status::failure(base::ErrorCode::Cancelled, "training cancelled");
    return result;
  }
  // An untrained model must not be saved over a good one and reported as a success.
  if (!result.report.error.empty()) {
    result.status = base::Status::failure(base::ErrorCode::InvalidArgument,
                                          "training failed: " + result.report.error);
    return result;
  }
  if (result.calibration.cancelled) {
    result.status = base::Status::failure(base::ErrorCode::Cancelled, "training cancelled");
    return result;
  }
  if (!result.calibration.error.empty()) {
    result.status = base::Status::failure(base::ErrorCode::InvalidArgument,
                                          "calibration failed: " + result.calibration.error);
    return result;
  }

  core::NoveltyOptions novelty;
  novelty.seed = options.train.seed;
  const Eigen::MatrixXf embeddings = model.embedSongs(dataset.data.songs);
  const std::vector<float> lengths = songLengths(catalog, dataset.fileIds);
  model.novelty = core::NoveltyDetector::fit(dataset.data.songs, embeddings, novelty, {}, lengths);
  // The same test against the songs the tags were learned from (JointModel::tagNovelty).
  std::vector<int> tagged;
  for (int s = 0; s < dataset.data.numSongs(); ++s) {
    if (!dataset.data.songTags[static_cast<std::size_t>(s)].empty()) tagged.push_back(s);
  }
  if (!tagged.empty()) {
    model.tagNovelty =
        core::NoveltyDetector::fit(dataset.data.songs, embeddings, novelty, tagged, lengths);
  }
  // And per tag, the lengths of the songs that carried it (JointModel::tagShortestSeconds).
  model.tagShortestSeconds = core::fitTagShortestSeconds(
      dataset.data.songTags, static_cast<int>(model.T.cols()), lengths, novelty);
  // And per artist, and over every song that carried one (JointModel::artistShortestSeconds).
  model.artistShortestSeconds = core::fitArtistShortestSeconds(
      dataset.data.songArtist, static_cast<int>(model.A.cols()), lengths, novelty);
  model.artistSongsShortestSeconds =
      core::fitArtistSongsShortestSeconds(dataset.data.songArtist, lengths, novelty);

  if (!measureSongNovelty(model, dataset, embeddings, result.report.bestValidationScore, options)) {
    result.status = base::Status::failure(base::ErrorCode::Cancelled, "training cancelled");
    return result;
  }

  result.modelPath = modelPathForCatalog(catalogPath);
  if (const auto saved = model.save(QFile::encodeName(result.modelPath).toStdString());
      !saved.ok()) {
    result.status = base::Status::failure(saved.error, "cannot save the model: " + saved.message);
    return result;
  }
  const QJsonObject summary{
      {QStringLiteral("songs"), result.songs},
      {QStringLiteral("artists"), result.artists},
      {QStringLiteral("tags"), result.tags},
      {QStringLiteral("epochs"), result.report.epochsRun},
      {QStringLiteral("validation_p1"), result.report.bestValidationScore},
      {QStringLiteral("left_out_tags"), leftOutToJson(result.leftOutTags)},
      {QStringLiteral("left_out_artists"), leftOutToJson(result.leftOutArtists)}};
  if (const auto recorded = catalog.recordModel(
          QFile::encodeName(result.modelPath).toStdString(), QDateTime::currentSecsSinceEpoch(),
          QJsonDocument(summary).toJson(QJsonDocument::Compact).toStdString());
      !recorded.ok()) {
    result.warnings.push_back("the model is saved but not listed in the catalog: " +
                              recorded.message);
  }

  // Predicted tags for the library table, in one transaction: stored for every song or, when the
  // commit fails, for none (and the result says so).
  if (options.predictedTagsPerSong > 0 && !model.tagNames.empty()) {
    const Eigen::MatrixXf embedded = model.embedSongs(dataset.data.songs);
    base::Status status = catalog.beginBatch();
    for (int i = 0; i < dataset.data.numSongs() && status.ok(); ++i) {
      std::vector<std::pair<std::string, float>> tags;
      for (const core::Scored& s :
           model.predictTagProbabilities(embedded.col(i), options.predictedTagsPerSong)) {
        tags.emplace_back(model.tagNames[static_cast<std::size_t>(s.index)], s.score);
      }
      status = catalog.setPredictedTags(dataset.fileIds[static_cast<std::size_t>(i)], tags);
    }
    if (status.ok()) status = catalog.commitBatch();
    if (!status.ok()) {
      // reason: the failure above is what gets reported; a rollback error adds nothing to it
      if (catalog.inBatch()) (void)catalog.rollbackBatch();
      result.warnings.push_back("predicted tags not stored: " + status.message);
    }
  }
  // What the next opening of the library would compute for every song (its embedding, novelty
  // and top tag), written to the session cache now: the first start after a training reads it
  // instead (at 10⁵ songs 2–3 s of work out of the window's start, seconds out of a training of
  // minutes; docs/experiments.md §3.11). Not an error when it cannot be written: the next
  // opening computes the session itself.
  {
    ModelSession session;
    const std::string catalogFile = QFile::encodeName(catalogPath).toStdString();
    const base::Status prepared =
        session.load(catalog, QFile::encodeName(result.modelPath).toStdString(),
                     sessionCachePathFor(catalogFile));
    if (!prepared.ok()) {
      result.warnings.push_back("the model's session is not prepared: " + prepared.message);
    }
  }
  result.wallSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace songspace::library
