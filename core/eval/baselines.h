#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "core/base/parameter.h"
#include "core/model/trainingset.h"

namespace songspace::core {

// The simple baselines every learner is measured beside (docs/design.md §3). Each one
// produces full score matrices (one row per query, one column per candidate) so the same ranking
// metrics apply to all methods.

// k of the kNN baselines: the number of most cosine-similar training songs that vote.
inline constexpr base::ParameterSpec<int> kKnnNeighbours{
    "knn_neighbours", 20, 1, 10000, "most cosine-similar training songs that vote"};
// Songs-for-artist kNN: a song's score for an artist is the mean cosine to the artist's
// `topSongs` most similar training songs (fewer when the artist has fewer). The mean of a few is
// less noisy than the single max and, unlike the mean over all, not diluted by prolific artists.
inline constexpr base::ParameterSpec<int> kKnnArtistSongs{
    "knn_artist_songs", 3, 1, 100,
    "an artist's most similar training songs whose cosines are averaged"};

// Copy of `rows` with every nonzero row scaled to unit L2 norm (zero rows stay zero), so dot
// products are cosines.
SparseRows normalizeRows(const SparseRows& rows);

// Cosine similarity (inputs already row-normalised): queries.rows() × references.rows().
Eigen::MatrixXf cosineSimilarity(const SparseRows& queries, const SparseRows& references);

// Seeded uniform scores in [0, 1): rows × cols. Portable (no std distributions).
Eigen::MatrixXf randomScores(int rows, int cols, std::uint64_t seed);

// How often each label occurs over `labels` (per item: label indices; negative entries ignored).
Eigen::VectorXf labelFrequency(const std::vector<std::vector<int>>& labels, int numLabels);
Eigen::VectorXf labelFrequency(const std::vector<int>& labels, int numLabels);

// Similarity-weighted votes of each query's k nearest references (by `similarity`, one row per
// query): scores(q, l) = Σ over the neighbours carrying label l of their cosine.
Eigen::MatrixXf knnLabelVotes(const Eigen::MatrixXf& similarity,
                              const std::vector<std::vector<int>>& referenceLabels, int numLabels,
                              int neighbours);
Eigen::MatrixXf knnLabelVotes(const Eigen::MatrixXf& similarity,
                              const std::vector<int>& referenceLabels, int numLabels,
                              int neighbours);

// scores(q, a) = mean of the `topSongs` largest similarities between query q and the reference
// songs of artist a; 0 for an artist without reference songs.
Eigen::MatrixXf knnArtistSongScores(const Eigen::MatrixXf& similarity,
                                    const std::vector<int>& referenceArtist, int numArtists,
                                    int topSongs = kKnnArtistSongs.defaultValue);

// numArtists × numArtists cosine between the artists' mean (row-normalised) song vectors;
// artists without songs have a zero mean and cosine 0 to everyone.
Eigen::MatrixXf artistMeanCosine(const SparseRows& normalisedSongs,
                                 const std::vector<int>& songArtist, int numArtists);

}  // namespace songspace::core
