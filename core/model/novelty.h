#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/parameter.h"
#include "core/model/trainingset.h"  // SparseRows

namespace songspace::core {

// "I don't know": whether a song is unlike every song the model was trained on
// (docs/design.md §3.2). The statistic is the Euclidean distance from the song to its k-th
// nearest reference song, in two spaces: the feature space the model consumes (x, the output of
// FeatureSpace::transform) and the joint space (V x, JointModel::embedSong). Each space has a
// threshold, the p-th percentile of the same statistic over the library's own songs, each left
// out of its own neighbours, times 1 + a margin; a song is novel when either distance lies
// strictly above its threshold. Predictions for a novel song are extrapolations the training data
// do not support.
//
// The reference set is the training songs, or a seeded subsample of kMaxReferenceSongs of them
// for a larger library. It is stored in the model file (sparse model inputs, about
// nonzeros × 8 bytes a song: a few MB at the cap), so a cold-start file is checked from the
// model alone, without the catalog; the joint-space reference is V times it, recomputed at load.
// Storing every training song instead would make the file grow with the library (10⁵ songs ×
// ~500 nonzeros × 8 bytes = 400 MB) and make a query a pass over all of them; the subsample
// bounds both. The threshold is fitted against the same subsample, so the test stays
// consistent: a library song not in it is as likely to exceed it as one in it (exchangeability),
// and small pockets of the library (fewer than about k songs per reference size) are what the
// percentile counts as the library's own unusual songs.
//
// Costs: fitting is m² distance evaluations for m = min(n, kMaxReferenceSongs) reference songs
// (every reference song is one leave-one-out query); a check is one pass over the m reference
// songs: nnz(x) · m multiply-adds in feature space, d · m in the joint space.
//
// Thread rules: a fitted detector is read-only; check() may run on any thread.

struct NoveltyOptions {
  // k: the k-th neighbour, not the nearest, so that one near-duplicate in the library (the same
  // sound effect twice, a song and its live take) does not make a strange file look familiar;
  // small, so that a kind of music the library holds only a handful of songs of still counts
  // as known.
  static constexpr base::ParameterSpec<int> kNeighbours{
      "novelty_neighbours",
      5,
      1,
      100,
      "k: a song's novelty is its distance to its k-th nearest training song",
      "songs"};
  int neighbours = kNeighbours.defaultValue;
  // p: at most a fraction 1 − p/100 of the library's own songs lie above the percentile in each
  // space. A higher p would rest on the few largest distances of the reference set (at 99.9 and
  // 1 000 songs, on one song) and vary from one training to the next.
  static constexpr base::ParameterSpec<double> kPercentile{
      "novelty_percentile",
      99.0,
      50.0,
      100.0,
      "the library's own k-th neighbour distances below which a song is familiar",
      "%"};
  double percentile = kPercentile.defaultValue;
  // The threshold is (1 + margin) × that percentile, twice it by default. The percentile of a
  // few dozen songs is the largest of them, which a new song of the same kind exceeds with
  // probability 1/(n + 1) (a new chord song of the end-to-end test's library lies 1.56 times
  // beyond it); files unlike the library lie far beyond in the feature space (speech, a click in
  // silence and white noise among tonal music: 46 to 202 times; docs/experiments.md §8). The
  // joint space is the ball of radius maxNorm, so its distances saturate at 2 · maxNorm: there
  // the check fires only for a song placed in an empty region of a tightly packed library, and
  // the feature space decides the cases above.
  static constexpr base::ParameterSpec<double> kMargin{
      "novelty_margin", 1.0, 0.0, 10.0,
      "threshold = (1 + margin) × the percentile of the library's own distances"};
  double margin = kMargin.defaultValue;
  // The duration test per tag (fitTagShortestSeconds) calls a song too short for a tag under
  // 1 / (1 + tagLengthMargin) of what its songs last, a quarter by default: a tag's songs are
  // fewer than the library's and their lengths may be narrow by kind (a tag of long ambient or
  // progressive pieces), so a shorter song of the tag's own kind must stay familiar, while the
  // clips it is for lie far below (the demo's effects of 3–20 s against death metal songs of at
  // least 183 s; docs/experiments.md §8.2).
  static constexpr base::ParameterSpec<double> kTagLengthMargin{
      "novelty_tag_length_margin", 3.0, 0.0, 100.0,
      "per tag: too short = under the shortest familiar length of its songs / (1 + margin)"};
  double tagLengthMargin = kTagLengthMargin.defaultValue;
  static constexpr base::ParameterSpec<int> kMaxReferenceSongs{
      "novelty_reference_songs",
      1000,
      10,
      100000,
      "training songs kept in the model file to measure novelty against (a seeded subsample "
      "above this)",
      "songs"};
  int maxReferenceSongs = kMaxReferenceSongs.defaultValue;
  std::uint64_t seed = base::kSeedSpec.defaultValue;
};

// Which songs a check measured against: all training songs (then every prediction for a novel
// song is a guess), or those that carried tags (JointModel::tagNovelty: then its tags are).
enum class NoveltyScope { Library, TaggedSongs };

// How much of what the model says of a song is a guess, in increasing order: nothing; its tags
// (unlike the tagged songs); everything, where it lies in the space included (unlike the
// library). A song list leaves out the songs more unlike than its query (library::ModelSession).
enum class NoveltyLevel : std::uint8_t { Familiar = 0, UnlikeTaggedSongs = 1, UnlikeLibrary = 2 };

// What a check found. Distances are Euclidean, in the units of their space.
struct Novelty {
  NoveltyScope scope = NoveltyScope::Library;
  bool available = false;     // false: the model has no novelty fit (then never novel)
  bool featureNovel = false;  // feature-space distance > its threshold
  bool jointNovel = false;    // joint-space distance > its threshold
  bool tooShort = false;      // durationSeconds < shortestSeconds (both known)
  // No part of the song is louder than the analysis' silence gate (audio::summaryIsSilent): its
  // sound statistics describe nothing, wherever they land. Set by the caller that has the song's
  // summary (library::ModelSession), on the library's check: every prediction is a guess.
  bool silent = false;
  float featureDistance = 0;
  float featureThreshold = 0;
  float jointDistance = 0;
  float jointThreshold = 0;
  float durationSeconds = 0;  // the song's length (0: unknown, then never too short)
  float shortestSeconds = 0;  // the shortest length judged familiar (0: no duration fit)
  int neighbours = 0;         // k
  float percentile = 0;       // p

  bool novel() const { return featureNovel || jointNovel || tooShort || silent; }
  // Novel against the whole library (scope Library): every prediction is a guess, and so is
  // where the song lies.
  bool unlikeLibrary() const { return novel() && scope == NoveltyScope::Library; }
  NoveltyLevel level() const {
    if (!novel()) return NoveltyLevel::Familiar;
    return scope == NoveltyScope::Library ? NoveltyLevel::UnlikeLibrary
                                          : NoveltyLevel::UnlikeTaggedSongs;
  }
  // Empty when not novel; otherwise one sentence starting "unlike your library: " (scope
  // Library) or "unlike your tagged songs: " (TaggedSongs) saying which space(s) and the
  // figures, for a tooltip, the inspector, the CLI and auto-tag's skip list.
  std::string reason() const;
};

// The two k-th neighbour distances a check judges (Euclidean, each in its space's units).
struct NoveltyDistances {
  float feature = 0;
  float joint = 0;
};

// A 64-bit hash (base::Fnv1a64) of row `row` of `songs` (model inputs): its nonzeros' columns and
// values, bit for bit. Equal rows hash equal; it tells whether distances stored for a song
// (JointModel::songNovelty) were measured on the input the song has now.
std::uint64_t noveltyInputHash(const SparseRows& songs, Eigen::Index row);

// The judgement that governs a song's predictions, from its two checks: unlike the library
// (every prediction a guess), else unlike the tagged songs (its tags a guess), else familiar
// (the library check, with its figures).
Novelty governingNovelty(const Novelty& library, const Novelty& taggedSongs);

// The duration test's threshold for one population (NoveltyDetector::shortestSeconds): the
// (100 − p)-th percentile of its known lengths (finite, > 0; seconds) divided by 1 + margin; 0 (no
// test) when k + 1 or fewer lengths are known.
float shortestFamiliarSeconds(std::vector<float> lengths, const NoveltyOptions& options);

// The duration test per tag (docs/design.md §3.2, "Too short for the tag"): for each of `tags`
// tags, shortestFamiliarSeconds of the lengths of the training songs that carried it, with
// options.tagLengthMargin in place of the margin (`songTags`: tag indices per training song;
// `durations`: seconds per training song, ≤ 0 when unknown). A tag whose songs all last minutes
// says nothing of a five-second clip, even when the library's other tags hold jingles that short
// and the song passes the tagged songs' test. Empty when the sizes disagree or there are no tags.
std::vector<float> fitTagShortestSeconds(const std::vector<std::vector<int>>& songTags, int tags,
                                         const std::vector<float>& durations,
                                         const NoveltyOptions& options);

// The duration test per artist (docs/design.md §3.2, "Too short for the artist"): for each of
// `artists` artists, shortestFamiliarSeconds of the lengths of the training songs that carried it,
// with options.tagLengthMargin in place of the margin, as per tag (`songArtist`: artist index per
// training song, −1 for none; `durations`: seconds per training song, ≤ 0 when unknown). 0 for an
// artist of k + 1 or fewer songs of known length. Empty when the sizes disagree or there are no
// artists.
std::vector<float> fitArtistShortestSeconds(const std::vector<int>& songArtist, int artists,
                                            const std::vector<float>& durations,
                                            const NoveltyOptions& options);
// The same test on the population the artist task is trained on: shortestFamiliarSeconds (with
// options.margin, as the library's and the tagged songs' detectors) of the lengths of every
// training song that carried an artist. There is no distance detector for that population (it is
// nearly the library), so in a small library, where no artist has enough songs of its own, this
// is what keeps a two-second clip from reading "Muldjord 93 %". 0 when k + 1 or fewer such songs
// have a known length.
float fitArtistSongsShortestSeconds(const std::vector<int>& songArtist,
                                    const std::vector<float>& durations,
                                    const NoveltyOptions& options);

// Empty when a prediction of `tag` for a song of durationSeconds rests on songs of its kind:
// when the song lasts at least shortestSeconds, or either is unknown (≤ 0). Otherwise one
// sentence starting "a guess: " with both lengths, for the inspector, the CLI and auto-tag.
std::string tagLengthReason(std::string_view tag, float shortestSeconds, float durationSeconds);
// The same for a prediction of `artist`: a guess when the song is shorter than the larger of the
// artist's own test (artistShortest) and the artist-carrying songs' (artistSongsShortest); the
// sentence names the one that decides ("shorter than the songs by X make familiar", or "than
// the songs your artists were learned from"). Either ≤ 0: that test is not made.
std::string artistLengthReason(std::string_view artist, float artistShortest,
                               float artistSongsShortest, float durationSeconds);

class NoveltyDetector {
 public:
  NoveltyDetector() = default;
  // A stored fit: `reference` (m × F model inputs), its joint embeddings (d × m, V times it as
  // JointModel::embedSongs gives), k, p and the two thresholds (margin included); `songs` is how
  // many training songs the reference was drawn from. Requires m > k.
  NoveltyDetector(const SparseRows& reference, Eigen::MatrixXf referenceEmbeddings, int neighbours,
                  float percentile, float featureThreshold, float jointThreshold, int songs);

  // Fits on the training songs (n × F model inputs) and their joint embeddings (d × n), or on
  // those of them that `among` names (row indices; empty: all), e.g. the songs that carried tags.
  // nullopt when there are too few songs to say what is typical (population ≤ k + 1), the shapes
  // disagree or an index is out of range.
  // `durations` (seconds per row of `songs`, or empty: no duration test) fits shortestSeconds
  // on the population's known (> 0) lengths.
  static std::optional<NoveltyDetector> fit(const SparseRows& songs,
                                            const Eigen::MatrixXf& embeddings,
                                            const NoveltyOptions& options,
                                            const std::vector<int>& among = {},
                                            const std::vector<float>& durations = {});

  // One song: x its model input (size F), embedding its V x (size d), durationSeconds its length
  // (≤ 0: unknown). A song of the reference set counts itself among its neighbours (distance 0),
  // so it is never more novel than its fitted leave-one-out figure.
  Novelty check(const Eigen::SparseVector<float>& x, const Eigen::VectorXf& embedding,
                float durationSeconds = 0) const;
  // Many songs (rows of `songs`, columns of `embeddings`, durations in seconds per row or
  // empty), blocked so memory stays bounded; the same answers as check() on each.
  std::vector<Novelty> checkAll(const SparseRows& songs, const Eigen::MatrixXf& embeddings,
                                const std::vector<float>& durations = {}) const;
  // checkAll in two halves: the distances of every song (what costs: one pass over the
  // reference songs each; empty when the shapes disagree with the fit), and the judgement of one
  // song from its distances and length (cheap), so that distances measured once can be stored
  // and judged again: judge(distances(s, e)[i], d[i]) == checkAll(s, e, d)[i].
  std::vector<NoveltyDistances> distances(const SparseRows& songs,
                                          const Eigen::MatrixXf& embeddings) const;
  Novelty judge(const NoveltyDistances& distances, float durationSeconds = 0) const {
    return judge(distances.feature, distances.joint, durationSeconds);
  }

  // The duration test (a one-second sound effect among songs: its few frames make its sound
  // statistics an extrapolation whatever their distance): a song is too short when it lasts
  // less than the (100 − p)-th percentile of the population's lengths divided by 1 + margin
  // (half of what 99 % of them last, by default). 0 (no test) until setShortestSeconds or
  // fit with durations.
  float shortestSeconds() const { return m_shortestSeconds; }
  void setShortestSeconds(float seconds) { m_shortestSeconds = seconds; }

  const SparseRows& reference() const { return m_reference; }
  const Eigen::MatrixXf& referenceEmbeddings() const { return m_referenceEmbeddings; }
  int neighbours() const { return m_neighbours; }
  float percentile() const { return m_percentile; }
  float featureThreshold() const { return m_featureThreshold; }
  float jointThreshold() const { return m_jointThreshold; }
  int songs() const { return m_songs; }

 private:
  // Squared distances from the rows of `queries` to every reference song: rows(queries) × m.
  Eigen::MatrixXf featureSquaredDistances(const SparseRows& queries) const;
  // Each song's k-th nearest reference distance in both spaces, appended to the two lists;
  // leaveOneOut: song i is reference song i and is not its own neighbour.
  void kthDistances(const SparseRows& songs, const Eigen::MatrixXf& embeddings, bool leaveOneOut,
                    std::vector<float>& featureDistances, std::vector<float>& jointDistances) const;
  Novelty judge(float featureDistance, float jointDistance, float durationSeconds) const;

  SparseRows m_reference;
  Eigen::MatrixXf m_referenceEmbeddings;
  // m_reference densely, row f holding feature f of every reference song, so a query's nonzero
  // adds one contiguous row; and each reference song's squared norm.
  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> m_denseByFeature;
  Eigen::VectorXf m_referenceSquaredNorms;
  int m_neighbours = 0;
  float m_percentile = 0;
  float m_featureThreshold = 0;
  float m_jointThreshold = 0;
  float m_shortestSeconds = 0;
  int m_songs = 0;
};

// The k-th smallest value (1-based) of `values` (k clamped to [1, size]); 0 when empty.
float kthSmallest(std::vector<float> values, int k);
// The threshold rule: the ⌈p/100 · n⌉-th smallest of n values (the largest below 100 values at
// p = 99), so at most a fraction 1 − p/100 of them lie strictly above it. 0 when empty.
float percentileThreshold(std::vector<float> values, double percentile);

}  // namespace songspace::core
