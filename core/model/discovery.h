#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/base/parameter.h"
#include "core/model/jointmodel.h"  // Scored, JointModel
#include "core/model/songsearch.h"

// Discovery in the joint space (docs/design.md §3.1): songs for a tag, related tags and artists,
// an instant mix, a path between two songs, why two points are alike, and one entry per song
// (exact copies and near-duplicates collapsed). Every function reads the embedded songs of a
// library as a d × N matrix `songs` (column j = song j, ModelSession::songEmbeddings()) and
// answers in song columns; the caller maps columns to files.
//
// Thread rules: everything here is const or a free function of its arguments; any number of
// calls may run at once on shared inputs. Nothing allocates more than O(N) per call.

namespace songspace::core {

// What the variety and duplicate rules read about each song, one entry per column of `songs`.
// Ids are the catalog's (SongRow::artistId, albumId); 0 means unknown, and an unknown artist or
// album is never limited. Titles are compared after trimming and case folding of ASCII letters.
struct SongFacts {
  std::vector<std::int64_t> artist;
  std::vector<std::int64_t> album;
  std::vector<std::string> title;
  // How unlike the library each song is (Novelty::level): a mix or a path keeps to the kind of the
  // songs it was asked from. Empty, or shorter than the columns: the rest are Familiar.
  std::vector<NoveltyLevel> novelty{};
  // Each song's length in seconds (0: unknown), for MixOptions::minSeconds. Empty, or shorter
  // than the columns: the rest are unknown.
  std::vector<float> seconds{};
};

// SongDuplicates' third rule alone, "parts of one recording" (same artist, same title without
// trailing bracketed qualifiers, lengths within SongDuplicates::kSameLengthSeconds), over the
// facts of `songs` songs: per song the lowest song of its group (itself when alone). Needs no
// embedding, so training can keep such songs together (TrainingSet::songGroup). O(N log N) plus
// O(m²) per (artist, work) bucket of m songs.
std::vector<int> recordingGroups(const SongFacts& facts, int songs);

// Where each artist's songs lie in the joint space: column i of `mean` is the mean of the song
// columns whose artist is the model's artist i, `songs[i]` how many there are (0: a zero column).
struct ArtistCentroids {
  Eigen::MatrixXf mean;  // d × artistCount
  std::vector<int> songs;
};
// artistOfSong: one entry per column of `songs`, the column of model.A of the song's artist or −1
// (none / not learned). O(N d).
ArtistCentroids artistCentroids(const Eigen::MatrixXf& songs, std::span<const int> artistOfSong,
                                int artistCount);

// "One song, one entry": groups of songs that are the same recording.
// - Exact copies: bit-identical embeddings. The catalog keeps no decoded-audio hash; the
//   analysis is deterministic, so the same decoded audio gives the same features and the same
//   embedding — the embedding is the audio's fingerprint at the model's resolution.
// - Near-duplicates: same artist (non-zero) and same non-empty title, and embeddings whose cosine
//   is at least nearCosine (a second encode of the song, a remaster, a stem close to its mix).
// - Parts of one recording: same artist and the same title once trailing bracketed qualifiers
//   are dropped ("Internal Degeneration (fof guitar)" / "(fof rhythm)", "Song [Remastered]"), and
//   lengths (SongFacts::seconds, both known) within kSameLengthSeconds, however unlike they sound:
//   a game's stems or a multitrack's parts rendered from one session, which a mix would otherwise
//   play one after the other. Two different works by one artist rarely share a title stem and a
//   length to a tenth of a second; parts of a suite ("Part 1", "Part 2") differ in length.
// Groups are closed under all three relations (union–find). The representative of a group is its
// lowest column. Build: O(N d) plus, per (artist, title) bucket of size m, O(m² d), and per
// (artist, work) bucket O(m²).
class SongDuplicates {
 public:
  static constexpr base::ParameterSpec<float> kNearCosine{
      "near_duplicate_cosine", 0.97f, 0.0f, 1.0f,
      "cosine of two embeddings of the same artist and title above which they are one song"};

  // Parts of one recording last the same to within this (seconds): a decoder's edge, not a take.
  static constexpr float kSameLengthSeconds = 0.1f;

  SongDuplicates() = default;  // every song its own group
  // facts' vectors must have songs.cols() entries each (shorter ones count as unknown).
  SongDuplicates(const Eigen::MatrixXf& songs, const SongFacts& facts,
                 float nearCosine = kNearCosine.defaultValue);

  // The group's representative (its lowest column); `song` itself when it has no copies or is
  // outside the songs the groups were built from.
  int groupOf(int song) const;
  // The other songs of song's group, ascending; empty when it has none.
  std::vector<int> alternatives(int song) const;
  int groupCount() const { return m_groupCount; }  // groups with at least two songs

 private:
  std::vector<int> m_group;                             // column -> representative
  std::unordered_map<int, std::vector<int>> m_members;  // representative -> members (≥ 2)
  int m_groupCount = 0;
};

// The best k of `ranked` (descending, as topK returns) keeping only the first song of each
// duplicate group and skipping the group of `excludeSong` (-1: none). Order kept.
std::vector<Scored> collapseDuplicates(const std::vector<Scored>& ranked,
                                       const SongDuplicates& duplicates, int k,
                                       int excludeSong = -1);

// The tag page (paper's scores, §1.2). tag is a column of model.T (checked: empty if outside).
//   songsForTag:   songs j ranked by T_tᵀ s_j (s_j = V x_j, column j of songs); the SongSearchIndex
//                  over `songs` is used when given (it must have been built from `songs`).
//   relatedTags:   tags u ≠ t ranked by T_tᵀ T_u.
//   artistsForTag: artists i that have songs, ranked by T_tᵀ c_i — c_i their songs' centroid, so
//                  the score is the mean of their songs' scores for the tag. Not A_iᵀ T_t: no loss
//                  ranks tags against artists, so A_i and T_t need not point alike even when
//                  every song of the artist carries the tag (docs/design.md §3).
// A calibrated per-tag probability is a monotone function of T_tᵀ s, so it would not change
// songsForTag's order; only the displayed score.
std::vector<Scored> songsForTag(const JointModel& model, const Eigen::MatrixXf& songs, int tag,
                                int k, const SongSearchIndex* index = nullptr);
std::vector<Scored> relatedTags(const JointModel& model, int tag, int k);
std::vector<Scored> artistsForTag(const JointModel& model, const ArtistCentroids& artists, int tag,
                                  int k);
// The artist page's tag profile: tags t ranked by T_tᵀ c_i (as above; empty for an artist
// without songs or out of range).
std::vector<Scored> tagProfile(const JointModel& model, const ArtistCentroids& artists, int artist,
                               int k);

// Why two points of the space are alike: the k tags t with the largest min(T_tᵀ a, T_tᵀ b) —
// the tags that fit BOTH (a large contribution to aᵀb can come from a tag only one of them has).
// a and b are any two points (songs, artists); both must have model.dimension() rows (else
// empty). Descending by that score, ties by lower tag index.
inline constexpr base::ParameterSpec<int> kWhyAlikeTags{
    "why_tags", 3, 1, 20, "tags named as the reason two songs or artists are alike"};
std::vector<Scored> whyAlike(const JointModel& model, const Eigen::VectorXf& a,
                             const Eigen::VectorXf& b, int k = kWhyAlikeTags.defaultValue);
// The same for two songs (points V x) of a calibrated model: the at most k tags with the largest
// min(P_t(a), P_t(b)) that are at least kWhyAlikeLeast — tags both songs more likely have than
// not, so a tag that neither is likely to carry is never named (raw scores are not comparable
// across tags: a tag with a large bias scores high everywhere). Score = that probability; empty
// when no tag qualifies. Without a calibration, whyAlike().
inline constexpr float kWhyAlikeLeast = 0.5f;
std::vector<Scored> whyAlikeSongs(const JointModel& model, const Eigen::VectorXf& a,
                                  const Eigen::VectorXf& b, int k = kWhyAlikeTags.defaultValue);

// An instant mix: a walk through the space. The first song is `startSong` when given (≥ 0),
// else the song closest to the seed; each next song maximises
//     (1 − w) · ŝᵀ x + w · p̂ᵀ x
// over the songs still allowed, with ŝ the unit seed direction, p̂ the unit direction of the
// previous song and w the wander setting: w = 0 stays as close to the seed as the rules allow, a
// larger w follows the walk's own drift. Candidates are the `pool` songs nearest the seed (by
// ŝᵀ x, through the index when given); only when none of them is allowed is the whole library
// scanned for the best allowed song, and when none is allowed there either the mix ends early.
// Rules, all hard (checked by tests/tst_discovery.cpp):
// - within any window of `window` consecutive songs, at most maxPerArtist songs share a known
//   artist and at most maxPerAlbum a known album;
// - no song twice, and no two songs of one SongDuplicates group;
// - no song of another level (SongFacts::novelty) than the start, or than Familiar when there is
//   none, but any song after a start unlike the library: a mix from the library's music holds no
//   sound effect or noise, a mix from an effect other effects;
// - no song shorter than minSeconds, or than the start when that is shorter (a song of unknown
//   length passes; a library with no other song that long mixes songs of any length): effects
//   and jingles that pass the novelty checks are no song to listen to.
// Deterministic: no randomness; ties go to the lower column. Cost: one seed ranking (O(N d), or
// the index's), O(pool · d) per step.
struct MixOptions {
  static constexpr base::ParameterSpec<int> kLength{"length", 50, 1, 10000, "songs in the mix"};
  static constexpr base::ParameterSpec<int> kMaxPerArtist{
      "max_per_artist", 2, 1, 10000,
      "songs of one artist within any window (2 in 10: an artist at most every fifth song)"};
  static constexpr base::ParameterSpec<int> kMaxPerAlbum{
      "max_per_album", 2, 1, 10000,
      "songs of one album within any window (as for an artist: it matters for compilations)"};
  static constexpr base::ParameterSpec<int> kWindow{
      "window", 10, 1, 10000, "consecutive songs over which the artist and album limits count"};
  static constexpr base::ParameterSpec<float> kWander{
      "wander", 0.5f, 0.0f, 1.0f,
      "0: every song as close to the seed as the rules allow; 1: close to the previous song"};
  static constexpr base::ParameterSpec<float> kMinSeconds{
      "min_seconds",
      30.0f,
      0.0f,
      86400.0f,
      "songs shorter than this are left out, unless the start is as short (0: none; 30 s is the "
      "length below which Last.fm counts no play)",
      "s"};
  static constexpr base::ParameterSpec<int> kPool{
      "pool", 1000, 1, 1000000,
      "songs nearest the seed the walk chooses from (the index's exact limit by default)"};
  int length = kLength.defaultValue;
  int maxPerArtist = kMaxPerArtist.defaultValue;
  int maxPerAlbum = kMaxPerAlbum.defaultValue;
  int window = kWindow.defaultValue;
  float wander = kWander.defaultValue;
  float minSeconds = kMinSeconds.defaultValue;
  int pool = kPool.defaultValue;
};

// seed: d rows (a song, an artist or tag column, or a mean of several); a zero seed gives an
// empty mix. startSong: a column of songs or -1. Returns columns with their walk score.
std::vector<Scored> instantMix(const Eigen::MatrixXf& songs, const Eigen::VectorXf& seed,
                               int startSong, const SongFacts& facts,
                               const SongDuplicates& duplicates, const MixOptions& options,
                               const SongSearchIndex* index = nullptr);

// A path from song `from` to song `to`: `length` songs, from first and to last, whose progress
//     t(x) = (x − a)ᵀ(b − a) / ‖b − a‖²     (a, b the two songs' embeddings)
// strictly increases from 0 to 1, each as close as possible to its point a + τ_i (b − a),
// τ_i = i / (length − 1): step i takes the nearest allowed song with t above the previous one's
// and at most τ_i + ½ / (length − 1) (any t below 1 when none is), among those that leave at least
// one song of larger t for each step still to come — in high dimension most songs project near
// the middle of the segment, and a step that jumps there early would end the path short. No song
// twice, none of the duplicate group of another, and between the ends only songs of an end's
// level, or any when an end is unlike the library (`novelty`: SongFacts::novelty; shorter than
// the songs: the rest are Familiar). Steps are chosen among the `candidates` songs
// between the two ends (0 < t < 1) nearest the segment (0: all of them). Fewer than `length` songs
// only when fewer songs lie between the two; just {from, to} when a = b. Empty when from or to is
// outside songs or they are the same song. Cost: one pass over songs (O(N d)), a selection
// (O(N)), a sort of the candidates and O(candidates) per step.
struct PathStep {
  int song = -1;
  float progress = 0;  // t(x), 0 for `from`, 1 for `to`
  float distance = 0;  // ‖x − (a + t(x)(b − a))‖: distance from the segment's line
};
inline constexpr base::ParameterSpec<int> kPathLength{"length", 20, 2, 10000,
                                                      "songs on the path, both ends included"};
inline constexpr base::ParameterSpec<int> kPathCandidates{
    "path_candidates", 2000, 0, 100000000,
    "songs nearest the segment a path chooses from (0: every song between the ends)"};
std::vector<PathStep> songPath(const Eigen::MatrixXf& songs, int from, int to, int length,
                               const SongDuplicates& duplicates,
                               int candidates = kPathCandidates.defaultValue,
                               std::span<const NoveltyLevel> novelty = {});

}  // namespace songspace::core
