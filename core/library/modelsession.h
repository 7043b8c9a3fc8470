#pragma once

#include <Eigen/Core>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "audio/codebook.h"
#include "core/base/parameter.h"
#include "core/model/discovery.h"
#include "core/model/jointmodel.h"
#include "core/model/songsearch.h"

namespace songspace::core {
class Catalog;
}

namespace songspace::library {

// k of a ranking query (the CLI's -k): how many of the best answers it returns.
inline constexpr base::ParameterSpec<int> kQueryResults{
    "results", 10, 1, 100000, "answers returned, best first (the default: a screenful)"};

// One ranked answer: a tag, an artist or a song (fileId set for songs).
struct Hit {
  int index = -1;           // tag / artist index, or song row
  std::int64_t fileId = 0;  // songs only
  std::string name;         // tag or artist name; empty for songs
  float score = 0;          // the raw score (a dot product in the joint space)
  // The calibrated probability in [0, 1] (core/model/calibration.h): that the tag applies, that
  // the artist is the song's, that the pair is related (similar songs, similar artists). −1 when
  // the model is uncalibrated, and for songs for an artist (not calibrated).
  float probability = -1;
  // Songs of a list that collapses duplicates: the other files of this song's group (its exact
  // copies and near-duplicates, core::SongDuplicates), ascending by file id; empty otherwise.
  std::vector<std::int64_t> alternatives{};
  // Tags and artists: why this prediction is a guess for the song it was made for, though the
  // song passed the novelty checks (JointModel::tagGuessReason, JointModel::artistGuessReason:
  // shorter than the songs of the tag or artist make familiar); empty when it is not, or when the
  // song's length was not given.
  std::string guess{};
};

// A trained model together with the library it was trained on: every analysed song of the
// catalog embedded once (d × N), the codebook to place a new file, and the five queries in terms
// of catalog ids and names. The song rankings (similar songs, songs for an artist) go through a
// SongSearchIndex (built at the first query): the exact answer, faster for large libraries.
// Read-only after load(); queries may run on any thread.
class ModelSession {
 public:
  // The model file's status (JointModel::load), or Corrupt for a model whose codebook or
  // codebook id is unusable.
  [[nodiscard]] base::Status load(const core::Catalog& catalog,
                                  const std::filesystem::path& modelPath);
  // The same, reading the per-song results — embeddings, novelty, top tags — from the session
  // cache at cachePath (core/library/sessioncache.h, "<catalog>.session") when it was written for
  // this model file and this state of the catalog's features, instead of reading every song's
  // features and computing them; and writing it there when they had to be computed. The session
  // is the same either way (tst_modelsession compares them). A cache that cannot be read or
  // written only costs computing them; the reason is logged (Area::Catalog). An empty cachePath
  // is load(catalog, modelPath).
  [[nodiscard]] base::Status load(const core::Catalog& catalog,
                                  const std::filesystem::path& modelPath,
                                  const std::filesystem::path& cachePath);
  bool loaded() const { return m_loaded; }
  // Whether the last load() took the per-song results from the session cache.
  bool loadedFromCache() const { return m_fromCache; }
  const core::JointModel& model() const { return m_model; }

  int songCount() const { return static_cast<int>(m_fileIds.size()); }
  std::int64_t fileIdOfRow(int row) const { return m_fileIds[static_cast<std::size_t>(row)]; }
  int rowOfFile(std::int64_t fileId) const;  // -1 when the song is not embedded
  const Eigen::MatrixXf& songEmbeddings() const { return m_songs; }
  // The search index over songEmbeddings() (exact scan below SongSearchIndex::kExactBelow songs).
  // Built at its first use, by whichever thread asks first (the others wait for it): ~0.1 s at 10⁵
  // songs that a start-up need not wait for (JobController builds it once the map is shown).
  const core::SongSearchIndex& songSearch() const;

  std::optional<Eigen::VectorXf> embeddingOfFile(std::int64_t fileId) const;
  // Cold start: decodes and analyses a file that need not be in the catalog and places it in
  // the space with the model's codebook and feature normalisation (no retraining).
  // The analyser's status on failure (NotFound, NotAudio, Corrupt, TooShort, Cancelled, …).
  [[nodiscard]] base::Status embedExternalFile(const std::filesystem::path& file,
                                               Eigen::VectorXf& out,
                                               const std::atomic<bool>* cancel = nullptr) const;
  // The same, and whether the file is unlike the training songs or, failing that, unlike the
  // tagged ones (core::governingNovelty; not available when the model has no novelty fit). Each
  // check is one pass over the model's reference songs, far cheaper than the analysis before it
  // (docs/experiments.md §8).
  [[nodiscard]] base::Status embedExternalFile(const std::filesystem::path& file,
                                               Eigen::VectorXf& out, core::Novelty& novelty,
                                               const std::atomic<bool>* cancel = nullptr) const;

  // Whether a library song is unlike the training songs or the tagged ones (as above), judged
  // for every embedded song at load: from the distances training stored in the model file
  // (JointModel::songNovelty) for a song whose model input is still the one it was trained on,
  // measured at load for the others (added or re-analysed since; each a pass over the reference
  // songs). Not available for a file that is not embedded or a model without a novelty fit.
  // Novelty::scope says which predictions it makes guesses of.
  core::Novelty noveltyOfFile(std::int64_t fileId) const;
  core::Novelty noveltyOfRow(int row) const;
  // How many songs load() measured itself (not stored in the model file, or changed since).
  int noveltyMeasuredAtLoad() const { return m_noveltyMeasured; }

  // A song's most probable tag by calibrated probability — predictTags(embedding, 1) of a
  // calibrated model — computed for every embedded song once at load (O(songs × tags × d)): what
  // the map names its regions by. {-1, 0} for a file that is not embedded, and for every song of
  // an uncalibrated model or one without tags (a raw score says nothing of how sure it is).
  struct TopTag {
    int tag = -1;           // column of the model's T
    float probability = 0;  // calibrated, in [0, 1]
  };
  TopTag topTagOfFile(std::int64_t fileId) const;

  // Calibrated models rank tags by probability (so a tag's frequency counts) and artists by
  // softmax probability (the raw order); uncalibrated ones by raw score.
  // lengthSeconds (> 0: the song's length) fills each Hit::guess; the order is the same either
  // way (a guess is a fact about the evidence, not about the probability).
  std::vector<Hit> predictTags(const Eigen::VectorXf& song, int k, float lengthSeconds = 0) const;
  // The length load() judged a library song's novelty with (seconds; 0 when unknown, for a file
  // that is not embedded, and for a model without a novelty fit), and the guess reason of tag
  // `tag` (column of T) for it, as Hit::guess.
  float lengthOfFile(std::int64_t fileId) const;
  std::string tagGuessOfFile(std::int64_t fileId, int tag) const;
  // Whether any tag can be a guess for the song (its length is known and below the longest of
  // JointModel::tagShortestSeconds): false for nearly every song, so a caller that names tags by
  // their names asks this before looking each one up.
  bool mayHaveTagGuesses(std::int64_t fileId) const;
  // Ranked by softmax probability (calibrated) or raw score; lengthSeconds (> 0) fills each
  // Hit::guess (JointModel::artistGuessReason), the order unchanged.
  std::vector<Hit> predictArtists(const Eigen::VectorXf& song, int k,
                                  float lengthSeconds = 0) const;
  // noveltyOfRow(row).level(): Familiar for a row that is not embedded or without a novelty fit.
  core::NoveltyLevel noveltyLevelOfRow(int row) const;
  // Song lists: with `distinct` (the duplicate groups of this session's songs,
  // DiscoveryContext::duplicates) they show one entry per song — each group's best-ranked member,
  // Hit::alternatives naming the others — and skip excludeFileId's whole group; without it,
  // every embedded file is its own entry. A list leaves out the songs whose novelty is a guess
  // for it (design.md §3.2 "Where it lies is a guess"), and is shorter than k only when fewer
  // songs remain:
  // - similar songs: the songs of another level than the query's (`query`: its level — a library
  //   song's noveltyOfFile, a cold-start file's check): songs are compared within their kind, the
  //   library's music with its music, its sound effects (unlike the tagged songs) with its
  //   effects; a song unlike the library gets them all (a list of guesses, shown as such);
  // - songs for an artist: the songs unlike the library (their artist is a guess), and those for
  //   which that artist is a guess by their length (JointModel::artistGuessReason);
  // - songs for a tag: the songs unlike the tagged songs or the library, and those for which
  //   the tag is a guess by their length (JointModel::tagGuessReason).
  std::vector<Hit> similarSongs(const Eigen::VectorXf& song, int k, std::int64_t excludeFileId = 0,
                                const core::SongDuplicates* distinct = nullptr,
                                core::NoveltyLevel query = core::NoveltyLevel::Familiar) const;
  // The tags that explain why `song` (a point V x; `novelty`: its check) and the song of `row`
  // are alike (core::whyAlikeSongs), without the tags that are a guess for either: none when
  // either is unlike its tagged songs or the library, and none too short for either's length
  // (JointModel::tagGuessReason) — a reason must not state a guess as a fact. None either for a
  // pair a calibrated model finds less likely related than not (pair probability below
  // core::kWhyAlikeLeast): a link that unlikely has nothing to explain.
  std::vector<core::Scored> whyAlikeSongs(const Eigen::VectorXf& song, const core::Novelty& novelty,
                                          int row, int k = core::kWhyAlikeTags.defaultValue) const;
  std::vector<Hit> similarArtists(const std::string& artist, int k) const;
  std::vector<Hit> songsForArtist(const std::string& artist, int k,
                                  const core::SongDuplicates* distinct = nullptr) const;
  // The tag page (core/model/discovery.h). songsForTag ranks songs by T_tᵀ s, with the
  // calibrated probability that the tag applies when the model is calibrated; relatedTags ranks
  // the other tags by T_tᵀ T_u and artistsForTag the artists with songs by T_tᵀ of their songs'
  // centroid (`artists`: DiscoveryContext::artists of this session) — orders of fit without a
  // calibrated meaning (probability −1). All empty for a tag the model does not know.
  std::vector<Hit> songsForTag(const std::string& tag, int k,
                               const core::SongDuplicates* distinct = nullptr) const;
  std::vector<Hit> relatedTags(const std::string& tag, int k) const;
  std::vector<Hit> artistsForTag(const std::string& tag, int k,
                                 const core::ArtistCentroids& artists) const;

 private:
  std::vector<Hit> namedHits(const std::vector<core::Scored>& scored,
                             const std::vector<std::string>& names) const;
  std::vector<Hit> songHits(const std::vector<core::Scored>& scored) const;
  // rank(fetch): the best `fetch` rows; one entry per duplicate group when `distinct` is given;
  // the rows `skip` names left out (null: none).
  std::vector<Hit> rankedSongs(const std::function<std::vector<core::Scored>(int)>& rank, int k,
                               int excludeRow, const core::SongDuplicates* distinct,
                               const std::function<bool(int)>& skip = {}) const;
  // The skip of a list that allows songs up to `allowed` (nothing to skip: null).
  std::function<bool(int)> moreUnlikeThan(core::NoveltyLevel allowed) const;
  // The skip of a list that allows songs of level `kind` only, or every song for UnlikeLibrary
  // (nothing to skip: null).
  std::function<bool(int)> otherKindThan(core::NoveltyLevel kind) const;
  void addPairProbabilities(std::vector<Hit>& hits) const;
  // Fills m_novelty for the rows of m_songs (rows: their model inputs; lengths in seconds;
  // silent: per row, nonzero for a song with no sounding frame).
  void judgeNovelty(const core::SparseRows& rows, const std::vector<float>& lengths,
                    const std::vector<char>& silent);

  // The per-song part of load(): computed from the catalog's features (every song's model input).
  void computeSongs(const core::Catalog& catalog, int codebookId);

  bool m_loaded = false;
  bool m_fromCache = false;
  core::JointModel m_model;
  audio::Codebook m_codebook;
  Eigen::MatrixXf m_songs;
  std::vector<core::Novelty> m_novelty;  // per row of m_songs; empty without a novelty fit
  int m_unlikeTagged = 0;                // rows whose level is UnlikeTaggedSongs
  int m_unlikeLibrary = 0;               // rows whose level is UnlikeLibrary
  int m_noveltyMeasured = 0;
  std::vector<TopTag> m_topTags;   // per row of m_songs; empty when uncalibrated
  float m_longestTagShortest = 0;  // the largest of m_model.tagShortestSeconds (0: none)
  // The search index over m_songs, built by songSearch() (behind a pointer: the session stays
  // movable, as load() needs).
  struct SongSearch {
    std::mutex mutex;  // guards the two below
    bool built = false;
    core::SongSearchIndex index;
  };
  std::unique_ptr<SongSearch> m_songSearch = std::make_unique<SongSearch>();
  std::vector<std::int64_t> m_fileIds;
  std::unordered_map<std::int64_t, int> m_rowOfFile;
};

}  // namespace songspace::library
