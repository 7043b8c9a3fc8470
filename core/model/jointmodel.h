#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/base/status.h"
#include "core/model/calibration.h"
#include "core/model/featurespace.h"
#include "core/model/novelty.h"
#include "core/model/trainingset.h"  // SparseRows

namespace songspace::core {

struct Scored {
  int index = -1;
  float score = 0;
};

// Exact top-k of `scores` (descending score, ties by lower index), skipping `exclude` (-1: none).
std::vector<Scored> topK(const Eigen::Ref<const Eigen::VectorXf>& scores, int k, int exclude = -1);

// name -> position, for bulk lookups (artistIndex/tagIndex scan linearly: fine for one query,
// quadratic for a whole catalog). The first occurrence wins on duplicates.
std::unordered_map<std::string, int> nameIndex(const std::vector<std::string>& names);

// The MUSLSE joint space (docs/design.md §1.1): artists A (d × |A|), tags T (d × |T|), and songs
// only through their audio, Φ_song(s′) = V s′ (V: d × F), so an unseen file is placed at once.
// Every column of A, T and every embedded song has norm ≤ maxNorm.
class JointModel {
 public:
  Eigen::MatrixXf V;
  Eigen::MatrixXf A;
  Eigen::MatrixXf T;
  float maxNorm = 1.0f;
  std::vector<std::string> artistNames;     // column i of A
  std::vector<std::string> tagNames;        // column t of T
  FeatureSpace features;                    // raw catalog features -> model input
  std::vector<std::uint8_t> codebook;       // audio::Codebook::serialize(), opaque to core
  std::map<std::string, std::string> info;  // training options, data summary, created-at
  // Raw scores → probabilities (core/model/calibration.h); empty for a model trained without
  // calibration or read from a format-1 file: such a model is "uncalibrated" and shows raw scores.
  std::optional<Calibration> calibration;
  // "I don't know" (core/model/novelty.h): empty for a model trained on too few songs or read
  // from a file older than format 3; such a model never calls a song novel.
  std::optional<NoveltyDetector> novelty;
  // The same test against the training songs that carried at least one tag: a song can be like
  // the library and still unlike every song the tags were learned from (a sound effect in a
  // library whose tagged songs are all music), and then its predicted tags are extrapolations.
  // Empty when fewer than k + 2 training songs carried tags, or for a file older than format 5.
  std::optional<NoveltyDetector> tagNovelty;
  // The novelty checks of the training songs, measured once at the end of training (each is a
  // pass over the reference songs: 14 s per fit at 10⁵ songs, docs/experiments.md §8) so that
  // loading the model judges them again (NoveltyDetector::judge) instead of measuring them at
  // every start: per training song its catalog file id, noveltyInputHash of its model input, and
  // its distances under `novelty` and `tagNovelty` (zero without that fit). A song whose input no
  // longer hashes the same (re-analysed since), or that is not listed (added since), is measured
  // at load. Empty without a novelty fit and for a file older than format 6.
  struct SongNovelty {
    std::int64_t fileId = 0;
    std::uint64_t inputHash = 0;
    NoveltyDistances library;
    NoveltyDistances tagged;
  };
  std::vector<SongNovelty> songNovelty;
  // The duration test per tag (core::fitTagShortestSeconds): per column of T, the shortest length
  // in seconds at which a prediction of that tag rests on songs of its kind (0: no test, too few
  // songs of the tag have a known length). Empty without a fit and for a file older than format 7.
  std::vector<float> tagShortestSeconds;
  // The duration test per artist (core::fitArtistShortestSeconds): per column of A, the shortest
  // length at which a prediction of that artist rests on its own songs (0: too few songs of known
  // length), and the one of every training song that carried an artist
  // (core::fitArtistSongsShortestSeconds; 0: no test). Empty / 0 without a fit and for a file
  // older than format 8.
  std::vector<float> artistShortestSeconds;
  float artistSongsShortestSeconds = 0;

  int dimension() const { return static_cast<int>(V.rows()); }

  // Φ_song(x) = V x, projected onto the ball of radius maxNorm.
  Eigen::VectorXf embedSong(const Eigen::SparseVector<float>& x) const;
  // All songs at once: d × N, the rows split across up to `threads` threads (each column is
  // computed by one thread, so the result is the same for any count).
  Eigen::MatrixXf embedSongs(const SparseRows& songs, int threads = 1) const;

  // The five rankings. songEmbedding is a column of embedSong(s); songEmbeddings is d × N.
  std::vector<Scored> predictTags(const Eigen::VectorXf& songEmbedding, int k) const;
  std::vector<Scored> predictArtists(const Eigen::VectorXf& songEmbedding, int k) const;
  std::vector<Scored> similarArtists(int artist, int k) const;  // excludes the artist itself
  std::vector<Scored> songsForArtist(const Eigen::MatrixXf& songEmbeddings, int artist,
                                     int k) const;
  std::vector<Scored> similarSongs(const Eigen::MatrixXf& songEmbeddings,
                                   const Eigen::VectorXf& query, int k, int exclude = -1) const;

  // Calibrated: the k most probable tags, each with its probability (calibration->tags) as score,
  // so the order carries each tag's frequency; uncalibrated: predictTags() (raw scores).
  std::vector<Scored> predictTagProbabilities(const Eigen::VectorXf& songEmbedding, int k) const;

  // Why a prediction of tag `tag` (column of T) for a song lasting durationSeconds is a guess
  // (core::tagLengthReason with tagShortestSeconds), or empty when it is not, when the length is
  // unknown (≤ 0), or when the model has no such fit or no such tag.
  std::string tagGuessReason(int tag, float durationSeconds) const;
  // The same for a prediction of artist `artist` (column of A): core::artistLengthReason with
  // artistShortestSeconds and artistSongsShortestSeconds; empty when it is not a guess, when the
  // length is unknown (≤ 0), or when the model has no such fit or no such artist.
  std::string artistGuessReason(int artist, float durationSeconds) const;

  int artistIndex(const std::string& name) const;  // -1 when unknown
  int tagIndex(const std::string& name) const;

  // Versioned binary (magic, format version, sizes, payload, CRC-32 of the payload), written to
  // a temporary file in the same directory, flushed, then renamed over `file`.
  // Format 2 adds the calibration, format 3 the novelty fit, format 4 the calibration's held-out
  // precision curve, format 5 the tagged songs' novelty fit, format 6 the training songs'
  // novelty distances, format 7 the per-tag duration test, format 8 the per-artist duration test;
  // format 1 files still load uncalibrated,
  // format 1 and 2 files without novelty, format 2 and 3 files with an empty curve
  // (Calibration::precisionCurve), files before format 5 without tagNovelty, files before format 6
  // without songNovelty, files before format 7 without tagShortestSeconds, files before format 8
  // without artistShortestSeconds and artistSongsShortestSeconds. save(): Io or DiskFull
  // (nothing replaced). load(): NotFound, Io, Unsupported (another format version), Corrupt (wrong
  // magic, impossible sizes, truncated, bad checksum; the message says which); `out` is untouched
  // on failure.
  [[nodiscard]] base::Status save(const std::filesystem::path& file) const;
  [[nodiscard]] static base::Status load(const std::filesystem::path& file, JointModel& out);
};

}  // namespace songspace::core
