#pragma once

// A small but real library for UI tests: a catalog in a temporary folder holding ~60 synthetic
// songs (6 artists, 2 albums each, 3 genres, 2 moods) whose codeword counts and summary block are
// drawn from a distribution per artist and per genre, one failed file, a tiny codebook trained on
// random frames, and (optionally) a model trained by the real train job. No audio is decoded.

#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "audio/codebook.h"
#include "core/catalog/catalog.h"
#include "core/library/librarysnapshot.h"
#include "core/library/trainjob.h"

namespace songspace::testdata {

inline constexpr int kCodewords = 32;
inline constexpr int kSummaryDimension = 78;
inline constexpr int kFrameDimension = 13;
inline constexpr int kArtists = 6;
inline constexpr int kSongsPerArtist = 10;
inline const char* const kArtistNames[kArtists] = {"Aurora Lights", "Basement Tapes", "Cold Harbor",
                                                   "Delta Nine",    "Echo Valley",    "Fjord"};
inline const char* const kGenres[3] = {"Rock", "Jazz", "Electronic"};
inline const char* const kFailedPath = "music/broken.mp3";
inline const char* const kFailedReason = "decoder: invalid data found when processing input";

struct SyntheticSong {
  std::string path;
  core::TrackInfo info;
  int artist = 0;
};

// The songs, deterministic. Artist a plays genre a % 3; moods alternate by album. Titles are
// "Song 1" … "Song 10" (natural sort differs from text sort), durations span 0:59 – 10:xx (text
// sort differs from numeric sort), and one song per artist has no title tag.
inline std::vector<SyntheticSong> syntheticSongs(const QString& root) {
  std::vector<SyntheticSong> songs;
  for (int a = 0; a < kArtists; ++a) {
    for (int s = 0; s < kSongsPerArtist; ++s) {
      SyntheticSong song;
      song.artist = a;
      const int album = s / 5;
      song.info.artist = kArtistNames[a];
      song.info.album = std::string(kArtistNames[a]) + (album == 0 ? " I" : " II");
      song.info.title = s == 7 ? std::string() : "Song " + std::to_string(s + 1);
      song.info.genres = {kGenres[a % 3]};
      song.info.moods = {album == 0 ? "Calm" : "Energetic"};
      song.info.year = 1990 + a * 3 + album;
      song.info.trackNumber = s % 5 + 1;
      song.info.durationSeconds = 59.0 + 61.0 * s + a;  // 0:59 … 10:13
      song.path = (root + QStringLiteral("/music/%1/%2/%3 track.mp3")
                              .arg(QString::fromUtf8(kArtistNames[a]),
                                   QString::fromStdString(song.info.album))
                              .arg(s + 1, 2, 10, QLatin1Char('0')))
                      .toStdString();
      songs.push_back(std::move(song));
    }
  }
  return songs;
}

// Codeword counts: mostly from the artist's 4 signature codewords and the genre's 4, the rest
// spread over all codewords; summary: Gaussian around an artist-specific mean.
inline core::RawSongFeatures syntheticFeatures(int artist, std::mt19937& rng) {
  std::uniform_int_distribution<int> pick(0, 3), any(0, kCodewords - 1);
  std::uniform_real_distribution<float> source(0.0f, 1.0f);
  std::map<std::uint32_t, float> counts;
  for (int i = 0; i < 200; ++i) {
    const float r = source(rng);
    int codeword;
    if (r < 0.5f) {
      codeword = artist * 4 + pick(rng);  // 0 … 23
    } else if (r < 0.8f) {
      codeword = 24 + (artist % 3) * 2 + pick(rng) % 2;  // 24 … 29
    } else {
      codeword = any(rng);
    }
    counts[static_cast<std::uint32_t>(codeword)] += 1.0f;
  }
  core::RawSongFeatures features;
  features.codewordCounts.assign(counts.begin(), counts.end());
  std::normal_distribution<float> noise(0.0f, 0.3f);
  for (int d = 0; d < kSummaryDimension; ++d) {
    features.summary.push_back((d % kArtists == artist ? 2.0f : 0.0f) + noise(rng));
  }
  return features;
}

struct Library {
  std::unique_ptr<QTemporaryDir> dir;
  QString catalogPath;
  std::vector<SyntheticSong> songs;
  std::shared_ptr<const songspace::library::LibrarySnapshot> snapshot;
  QString error;  // empty when everything worked
};

// Builds the catalog (and trains a model when `train`), then loads the snapshot.
inline Library buildLibrary(bool train = true) {
  Library library;
  library.dir = std::make_unique<QTemporaryDir>();
  if (!library.dir->isValid()) {
    library.error = QStringLiteral("cannot create a temporary folder");
    return library;
  }
  library.catalogPath = library.dir->filePath(QStringLiteral("library.sqlite"));
  base::Status status;
  auto catalog = core::Catalog::open(QFile::encodeName(library.catalogPath).toStdString(), &status);
  if (!catalog) {
    library.error = QString::fromStdString(status.message);
    return library;
  }
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  audio::FrameMatrix frames(kCodewords * 8, kFrameDimension);
  for (Eigen::Index i = 0; i < frames.size(); ++i) frames.data()[i] = normal(rng);
  audio::KMeansParams params;
  params.clusters = kCodewords;
  params.iterations = 5;
  audio::Codebook codebook;
  if (const auto trained = audio::Codebook::train(frames, params, codebook); !trained.ok()) {
    library.error = QString::fromStdString(trained.message);
    return library;
  }
  int codebookId = 0;
  const std::vector<std::uint8_t> blob = codebook.serialize();
  status = catalog->storeCodebook(blob, "synthetic test codebook", &codebookId);
  if (status.ok()) status = catalog->beginBatch();

  library.songs = syntheticSongs(library.dir->path());
  for (const SyntheticSong& song : library.songs) {
    core::AnalysisRecord record;
    record.info = song.info;
    record.features = syntheticFeatures(song.artist, rng);
    record.codebookId = codebookId;
    // One song analysed with a warning, as a VBR MP3 without a Xing header is (issue 12 §3).
    if (&song == &library.songs.front())
      record.warnings = {
          "duration: the header estimates 133.03 s from the bitrate, the audio "
          "decodes to 30.04 s"};
    if (!status.ok()) break;
    status = catalog->storeAnalysis(song.path, {1000, 1}, 1, record);
  }
  if (status.ok()) {
    status = catalog->storeFailure(
        QDir(library.dir->path()).filePath(QString::fromLatin1(kFailedPath)).toStdString(), {10, 1},
        1, 3, kFailedReason);
  }
  if (status.ok()) status = catalog->commitBatch();
  if (!status.ok()) {
    library.error = QString::fromStdString(status.message);
    return library;
  }
  if (train) {
    library::TrainJobOptions options;
    options.train.dimension = 16;
    options.train.subspaces = 2;
    options.train.epochs = 15;
    options.train.threads = 1;
    options.train.seed = 3;
    const library::TrainJobResult result =
        library::runTrainJob(*catalog, library.catalogPath, options);
    if (!result.status.ok()) {
      library.error = QString::fromStdString(result.status.message);
      return library;
    }
  }
  catalog.reset();
  base::Status loaded;
  library.snapshot = songspace::library::LibrarySnapshot::load(library.catalogPath, &loaded);
  if (!library.snapshot) library.error = QString::fromStdString(loaded.message);
  return library;
}

// Stores one more analysed file in the library's catalog — `make` fills the record (given the
// open catalog) and names the file — and reloads the snapshot. Returns the new file's id, 0 with
// library.error set on failure.
template <typename Make>
std::int64_t addAnalysedFile(Library& library, std::int64_t stampSize, const Make& make) {
  base::Status status;
  auto catalog = core::Catalog::open(QFile::encodeName(library.catalogPath).toStdString(), &status);
  if (!catalog) {
    library.error = QString::fromStdString(status.message);
    return 0;
  }
  core::AnalysisRecord record;
  std::string path;
  if (!make(*catalog, record, path)) return 0;
  record.codebookId = catalog->latestCodebook() ? catalog->latestCodebook()->id : 0;
  status = catalog->storeAnalysis(path, {stampSize, 1}, 1, record);
  if (!status.ok()) {
    library.error = QString::fromStdString(status.message);
    return 0;
  }
  const auto row = catalog->fileByPath(path);
  catalog.reset();
  base::Status loaded;
  library.snapshot = songspace::library::LibrarySnapshot::load(library.catalogPath, &loaded);
  if (!library.snapshot) library.error = QString::fromStdString(loaded.message);
  return row && library.snapshot ? row->id : 0;
}

// Adds to a trained library a song analysed after the training whose sound is unlike every
// other (all its frames on one codeword, its summary far from every artist's), so the model marks
// it "unlike your library" (core/model/novelty.h), and reloads the snapshot. Returns its id, 0 on
// failure (library.error says why).
inline std::int64_t addUnlikeSong(Library& library) {
  return addAnalysedFile(
      library, 2000, [&](const core::Catalog&, core::AnalysisRecord& record, std::string& path) {
        record.info.title = "Door slam";
        record.info.durationSeconds = 1.0;
        record.features.codewordCounts = {{kCodewords - 1, 500.0f}};
        record.features.summary.assign(kSummaryDimension, 40.0f);
        path = (library.dir->path() + QStringLiteral("/music/effects/door slam.wav")).toStdString();
        return true;
      });
}

// Adds a second file with the same analysis as library song `fileId` (an exact copy in another
// folder: the same tags, features and so a bit-identical embedding) and reloads the snapshot;
// returns the copy's id, 0 with library.error set on failure.
inline std::int64_t addCopyOfSong(Library& library, std::int64_t fileId) {
  return addAnalysedFile(
      library, 3000,
      [&](const core::Catalog& catalog, core::AnalysisRecord& record, std::string& path) {
        const auto song = catalog.song(fileId);
        const auto features = catalog.features(fileId);
        if (!song || !features) {
          library.error = QStringLiteral("no song %1").arg(fileId);
          return false;
        }
        record.info = song->info;
        record.features = *features;
        path = (library.dir->path() + QStringLiteral("/music/copies/")).toStdString() +
               std::filesystem::path(song->path).filename().string();
        return true;
      });
}

}  // namespace songspace::testdata
