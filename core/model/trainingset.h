#pragma once

#include <Eigen/SparseCore>
#include <utility>
#include <vector>

namespace songspace::core {

// Songs as rows of already-normalised feature vectors (see FeatureSpace), row-major so one song's
// nonzeros are contiguous and an SGD step touches only the columns of V they select.
using SparseRows = Eigen::SparseMatrix<float, Eigen::RowMajor, int>;

// The five ranking tasks of docs/design.md §1.2.
enum class Task { Tags = 0, Artist = 1, SimilarSongs = 2, SongsForArtist = 3, SimilarArtists = 4 };
inline constexpr int kTaskCount = 5;
const char* taskName(
    Task task);  // "tags", "artist", "similar_songs", "songs_for_artist", "similar_artists"

// Everything the trainer learns from. Indices are positions in songs / artist and tag
// vocabularies. A task whose data is empty is skipped by the trainer, not an error.
struct TrainingSet {
  SparseRows songs;                                 // |S| × F
  std::vector<std::vector<int>> songTags;           // per song: tag indices (possibly none)
  std::vector<int> songArtist;                      // per song: artist index, or -1
  std::vector<std::pair<int, int>> similarSongs;    // undirected pairs of song indices
  std::vector<std::pair<int, int>> similarArtists;  // undirected pairs of artist indices
  // Per song, a group id (any int); songs of one group are one recording (an exact copy, the stems
  // of one song: core::recordingGroups) and are never split between the songs a fold model trains
  // on and the songs it scores (crossfit.h's foldParts): a held-out stem whose twin was trained on
  // scores as if seen. Empty (or another size): every song its own group.
  std::vector<int> songGroup;
  int numArtists = 0;
  int numTags = 0;

  int numSongs() const { return static_cast<int>(songs.rows()); }
  int featureDimension() const { return static_cast<int>(songs.cols()); }
};

}  // namespace songspace::core
