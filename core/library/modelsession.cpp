#include "core/library/modelsession.h"

#include <algorithm>
#include <charconv>

#include "audio/songanalyzer.h"
#include "core/base/log.h"
#include "core/base/parallelranges.h"
#include "core/catalog/catalog.h"
#include "core/library/datasetloader.h"
#include "core/library/discoverycontext.h"
#include "core/library/sessioncache.h"

namespace songspace::library {

namespace {
constexpr int kMinSongsPerThread = 1024;  // fewer: not worth a thread
}  // namespace

base::Status ModelSession::load(const core::Catalog& catalog,
                                const std::filesystem::path& modelPath) {
  return load(catalog, modelPath, {});
}

base::Status ModelSession::load(const core::Catalog& catalog,
                                const std::filesystem::path& modelPath,
                                const std::filesystem::path& cachePath) {
  *this = ModelSession{};
  // The key before the model and the features it vouches for: a write in between then only
  // makes the cache stale, never wrong.
  SessionCacheKey key;
  const bool keyed = !cachePath.empty() && sessionCacheKey(catalog, modelPath, key).ok();
  if (base::Status status = core::JointModel::load(modelPath, m_model); !status.ok()) return status;
  if (!m_model.codebook.empty()) {
    if (base::Status status = audio::Codebook::deserialize(m_model.codebook, m_codebook);
        !status.ok()) {
      status.message = "the model's codebook is unusable: " + status.message;
      return status;
    }
  }
  int codebookId = 0;
  if (const auto it = m_model.info.find("codebook_id"); it != m_model.info.end()) {
    // from_chars, not stoi: a damaged model file must not throw out of load().
    const std::string& text = it->second;
    if (std::from_chars(text.data(), text.data() + text.size(), codebookId).ec != std::errc()) {
      return base::Status::failure(base::ErrorCode::Corrupt,
                                   "the model names no valid codebook id: " + text);
    }
  }
  SessionCacheData cached;
  if (keyed) {
    const base::Status read = loadSessionCache(cachePath, key, cached);
    const auto n = cached.fileIds.size();
    const bool fits =
        read.ok() && cached.songs.rows() == m_model.dimension() &&
        cached.novelty.size() == (m_model.novelty ? n : 0) &&
        cached.topTags.size() ==
            (m_model.calibration && m_model.T.cols() > 0 && m_model.T.rows() == m_model.dimension()
                 ? n
                 : 0) &&
        std::all_of(cached.topTags.begin(), cached.topTags.end(),
                    [&](const TopTag& top) { return top.tag >= -1 && top.tag < m_model.T.cols(); });
    if (fits) {
      m_fileIds = std::move(cached.fileIds);
      m_songs = std::move(cached.songs);
      m_novelty = std::move(cached.novelty);
      m_topTags = std::move(cached.topTags);
      m_fromCache = true;
    } else if (read.error != base::ErrorCode::NotFound) {
      log::write(log::Area::Catalog, log::Level::Debug,
                 cachePath.string() + ": not used (" +
                     (read.ok() ? std::string("it does not fit the model") : read.message) + ")");
    }
  }
  if (!m_fromCache) computeSongs(catalog, codebookId);
  m_longestTagShortest = 0;
  for (const float seconds : m_model.tagShortestSeconds)
    m_longestTagShortest = std::max(m_longestTagShortest, seconds);
  m_unlikeTagged = m_unlikeLibrary = 0;
  for (const core::Novelty& novelty : m_novelty) {
    m_unlikeTagged += novelty.level() == core::NoveltyLevel::UnlikeTaggedSongs ? 1 : 0;
    m_unlikeLibrary += novelty.level() == core::NoveltyLevel::UnlikeLibrary ? 1 : 0;
  }
  m_rowOfFile.reserve(m_fileIds.size());
  for (std::size_t i = 0; i < m_fileIds.size(); ++i)
    m_rowOfFile.emplace(m_fileIds[i], static_cast<int>(i));
  m_loaded = true;
  if (keyed && !m_fromCache) {
    if (const base::Status saved =
            saveSessionCache(cachePath, key, m_fileIds, m_songs, m_novelty, m_topTags);
        !saved.ok())
      log::write(log::Area::Catalog, log::Level::Warning, saved.message);
  }
  return base::Status::success();
}

const core::SongSearchIndex& ModelSession::songSearch() const {
  const std::lock_guard lock(m_songSearch->mutex);
  if (!m_songSearch->built) {
    m_songSearch->index = core::SongSearchIndex(m_songs);
    m_songSearch->built = true;
  }
  return m_songSearch->index;
}

void ModelSession::computeSongs(const core::Catalog& catalog, int codebookId) {
  std::vector<core::SongFeatures> stored = catalog.loadFeatures(codebookId);
  // Every step below splits the songs across the machine's threads (the same result for any
  // count: each song is computed by one thread); at 10⁵ songs this load took 4.2 s on one.
  const int threads = base::hardwareThreads();
  const int n = static_cast<int>(stored.size());
  std::vector<std::int64_t> fileIds(stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) fileIds[i] = stored[i].fileId;
  // The model inputs in compressed rows (transformInto gives each row's columns ascending and
  // distinct), written in place: each song's room reserved at its bound (its codewords and the
  // summary block), filled by the threads, then compacted. (Through triplets, 3·10⁷ of them at
  // 10⁵ songs, this cost more than embedding the songs; a sparse vector per song, 0.3 GB of small
  // allocations copied again into the matrix, about as much.)
  core::SparseRows rows(n, m_model.features.dimension());
  {
    Eigen::VectorXi room(n);
    for (int i = 0; i < n; ++i) {
      room(i) =
          static_cast<int>(stored[static_cast<std::size_t>(i)].features.codewordCounts.size()) +
          m_model.features.summaryDimension();
    }
    rows.reserve(room);
  }
  base::parallelRanges(n, threads, kMinSongsPerThread, [&](int begin, int end) {
    std::vector<int> columns;
    std::vector<float> values;
    for (int i = begin; i < end; ++i) {
      columns.clear();
      values.clear();
      const int count = m_model.features.transformInto(stored[static_cast<std::size_t>(i)].features,
                                                       columns, values);
      const int start = rows.outerIndexPtr()[i];
      std::copy(columns.begin(), columns.end(), rows.innerIndexPtr() + start);
      std::copy(values.begin(), values.end(), rows.valuePtr() + start);
      rows.innerNonZeroPtr()[i] = count;
    }
  });
  // Songs with no sounding frame (core::Novelty::silent), read before the raw features go.
  std::vector<char> silent(stored.size(), 0);
  for (std::size_t i = 0; i < stored.size(); ++i)
    silent[i] = audio::summaryIsSilent(stored[i].features.summary) ? 1 : 0;
  stored = {};  // done with the raw features, the largest part
  rows.makeCompressed();
  m_fileIds = std::move(fileIds);
  m_songs = m_model.embedSongs(rows, threads);
  if (m_model.novelty) judgeNovelty(rows, songLengths(catalog, m_fileIds), silent);
  if (m_model.calibration && m_model.T.cols() > 0 && m_model.T.rows() == m_songs.rows()) {
    m_topTags.resize(m_fileIds.size());
    constexpr int kBlock = 4096;  // songs per product: bounds the tags × songs scores
    const int blocks = (n + kBlock - 1) / kBlock;
    base::parallelRanges(blocks, threads, 1, [&](int firstBlock, int endBlock) {
      for (int block = firstBlock; block < endBlock; ++block) {
        const Eigen::Index from = static_cast<Eigen::Index>(block) * kBlock;
        const Eigen::Index count = std::min<Eigen::Index>(kBlock, m_songs.cols() - from);
        const Eigen::MatrixXf scores = m_model.T.transpose() * m_songs.middleCols(from, count);
        for (Eigen::Index j = 0; j < count; ++j) {
          const Eigen::VectorXf probabilities =
              m_model.calibration->tagProbabilities(scores.col(j));
          Eigen::Index best = 0;  // the first of equals, as predictTags ranks them
          const float probability = probabilities.maxCoeff(&best);
          m_topTags[static_cast<std::size_t>(from + j)] = {static_cast<int>(best), probability};
        }
      }
    });
  }
}

void ModelSession::judgeNovelty(const core::SparseRows& rows, const std::vector<float>& lengths,
                                const std::vector<char>& silent) {
  // The distances training stored, for the songs whose input is still what it measured; the
  // others are measured now.
  std::unordered_map<std::int64_t, const core::JointModel::SongNovelty*> stored;
  stored.reserve(m_model.songNovelty.size());
  for (const core::JointModel::SongNovelty& song : m_model.songNovelty)
    stored.emplace(song.fileId, &song);
  const auto n = static_cast<std::size_t>(rows.rows());
  std::vector<core::NoveltyDistances> library(n), tagged(n);
  std::vector<bool> judged(n, true), judgedTagged(n, true);  // false: shapes disagree, unavailable
  std::vector<char> found(n, 0);
  base::parallelRanges(
      static_cast<int>(n), base::hardwareThreads(), kMinSongsPerThread, [&](int begin, int end) {
        for (auto i = static_cast<std::size_t>(begin); i < static_cast<std::size_t>(end); ++i) {
          const auto it = stored.find(m_fileIds[i]);
          if (it == stored.end() ||
              it->second->inputHash != core::noveltyInputHash(rows, static_cast<Eigen::Index>(i)))
            continue;
          library[i] = it->second->library;
          tagged[i] = it->second->tagged;
          found[i] = 1;
        }
      });
  std::vector<int> missing;
  for (std::size_t i = 0; i < n; ++i)
    if (found[i] == 0) missing.push_back(static_cast<int>(i));
  m_noveltyMeasured = static_cast<int>(missing.size());
  if (!missing.empty()) {
    core::SparseRows someRows(static_cast<Eigen::Index>(missing.size()), rows.cols());
    std::vector<Eigen::Triplet<float>> triplets;
    Eigen::MatrixXf someSongs(m_songs.rows(), static_cast<Eigen::Index>(missing.size()));
    for (std::size_t j = 0; j < missing.size(); ++j) {
      for (core::SparseRows::InnerIterator it(rows, missing[j]); it; ++it)
        triplets.emplace_back(static_cast<int>(j), static_cast<int>(it.index()), it.value());
      someSongs.col(static_cast<Eigen::Index>(j)) = m_songs.col(missing[j]);
    }
    someRows.setFromTriplets(triplets.begin(), triplets.end());
    const std::vector<core::NoveltyDistances> measured =
        m_model.novelty->distances(someRows, someSongs);
    const std::vector<core::NoveltyDistances> measuredTagged =
        m_model.tagNovelty ? m_model.tagNovelty->distances(someRows, someSongs)
                           : std::vector<core::NoveltyDistances>{};
    for (std::size_t j = 0; j < missing.size(); ++j) {
      const auto i = static_cast<std::size_t>(missing[j]);
      judged[i] = j < measured.size();
      judgedTagged[i] = j < measuredTagged.size();
      if (judged[i]) library[i] = measured[j];
      if (judgedTagged[i]) tagged[i] = measuredTagged[j];
    }
  }
  m_novelty.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (judged[i]) {
      m_novelty[i] = m_model.novelty->judge(library[i], lengths[i]);
      m_novelty[i].silent = silent[i] != 0;
    }
    if (m_model.tagNovelty) {
      m_novelty[i] = core::governingNovelty(
          m_novelty[i],
          judgedTagged[i] ? m_model.tagNovelty->judge(tagged[i], lengths[i]) : core::Novelty{});
    }
  }
}

int ModelSession::rowOfFile(std::int64_t fileId) const {
  const auto it = m_rowOfFile.find(fileId);
  return it == m_rowOfFile.end() ? -1 : it->second;
}

std::optional<Eigen::VectorXf> ModelSession::embeddingOfFile(std::int64_t fileId) const {
  const int row = rowOfFile(fileId);
  if (row < 0) return std::nullopt;
  return Eigen::VectorXf(m_songs.col(row));
}

core::Novelty ModelSession::noveltyOfRow(int row) const {
  if (row < 0 || row >= static_cast<int>(m_novelty.size())) return {};
  return m_novelty[static_cast<std::size_t>(row)];
}

ModelSession::TopTag ModelSession::topTagOfFile(std::int64_t fileId) const {
  const int row = rowOfFile(fileId);
  if (row < 0 || row >= static_cast<int>(m_topTags.size())) return {};
  return m_topTags[static_cast<std::size_t>(row)];
}

core::NoveltyLevel ModelSession::noveltyLevelOfRow(int row) const {
  if (row < 0 || row >= static_cast<int>(m_novelty.size())) return core::NoveltyLevel::Familiar;
  return m_novelty[static_cast<std::size_t>(row)].level();
}

std::function<bool(int)> ModelSession::otherKindThan(core::NoveltyLevel kind) const {
  if (kind == core::NoveltyLevel::UnlikeLibrary) return {};
  const int others = kind == core::NoveltyLevel::Familiar
                         ? m_unlikeTagged + m_unlikeLibrary
                         : songCount() - m_unlikeTagged;  // the familiar and the unlike the library
  if (others == 0) return {};
  return [this, kind](int row) { return noveltyLevelOfRow(row) != kind; };
}

std::function<bool(int)> ModelSession::moreUnlikeThan(core::NoveltyLevel allowed) const {
  const int above = allowed == core::NoveltyLevel::Familiar ? m_unlikeTagged + m_unlikeLibrary
                    : allowed == core::NoveltyLevel::UnlikeTaggedSongs ? m_unlikeLibrary
                                                                       : 0;
  if (above == 0) return {};
  return [this, allowed](int row) { return noveltyLevelOfRow(row) > allowed; };
}

core::Novelty ModelSession::noveltyOfFile(std::int64_t fileId) const {
  return noveltyOfRow(rowOfFile(fileId));
}

base::Status ModelSession::embedExternalFile(const std::filesystem::path& file,
                                             Eigen::VectorXf& out,
                                             const std::atomic<bool>* cancel) const {
  core::Novelty novelty;
  return embedExternalFile(file, out, novelty, cancel);
}

base::Status ModelSession::embedExternalFile(const std::filesystem::path& file,
                                             Eigen::VectorXf& out, core::Novelty& novelty,
                                             const std::atomic<bool>* cancel) const {
  const audio::SongAnalyzer analyzer(audio::AnalyzerParams{},
                                     m_codebook.empty() ? nullptr : &m_codebook);
  audio::SongAnalysis analysis;
  if (base::Status status = analyzer.analyze(file, analysis, cancel); !status.ok()) return status;
  core::RawSongFeatures raw;
  raw.codewordCounts = std::move(analysis.codewordCounts);
  raw.summary = std::move(analysis.summary);
  const Eigen::SparseVector<float> x = m_model.features.transform(raw);
  out = m_model.embedSong(x);
  const auto length = static_cast<float>(analysis.decode.decodedSeconds);
  novelty = m_model.novelty ? m_model.novelty->check(x, out, length) : core::Novelty{};
  novelty.silent = m_model.novelty.has_value() && audio::summaryIsSilent(raw.summary);
  if (m_model.novelty && m_model.tagNovelty) {
    novelty = core::governingNovelty(novelty, m_model.tagNovelty->check(x, out, length));
  }
  return base::Status::success();
}

std::vector<Hit> ModelSession::namedHits(const std::vector<core::Scored>& scored,
                                         const std::vector<std::string>& names) const {
  std::vector<Hit> hits;
  hits.reserve(scored.size());
  for (const core::Scored& s : scored) {
    hits.push_back({s.index, 0, names[static_cast<std::size_t>(s.index)], s.score, -1});
  }
  return hits;
}

std::vector<Hit> ModelSession::songHits(const std::vector<core::Scored>& scored) const {
  std::vector<Hit> hits;
  hits.reserve(scored.size());
  for (const core::Scored& s : scored) {
    hits.push_back({s.index, m_fileIds[static_cast<std::size_t>(s.index)], {}, s.score, -1});
  }
  return hits;
}

std::vector<Hit> ModelSession::predictTags(const Eigen::VectorXf& song, int k,
                                           float lengthSeconds) const {
  if (!m_model.calibration || song.size() != m_model.T.rows())
    return namedHits(m_model.predictTags(song, k), m_model.tagNames);
  const Eigen::VectorXf scores = m_model.T.transpose() * song;
  std::vector<Hit> hits = namedHits(m_model.predictTagProbabilities(song, k), m_model.tagNames);
  for (Hit& hit : hits) {
    hit.probability = hit.score;
    hit.score = scores[hit.index];
    hit.guess = m_model.tagGuessReason(hit.index, lengthSeconds);
  }
  return hits;
}

float ModelSession::lengthOfFile(std::int64_t fileId) const {
  return noveltyOfFile(fileId).durationSeconds;
}

std::string ModelSession::tagGuessOfFile(std::int64_t fileId, int tag) const {
  return m_model.tagGuessReason(tag, lengthOfFile(fileId));
}

bool ModelSession::mayHaveTagGuesses(std::int64_t fileId) const {
  if (!(m_longestTagShortest > 0)) return false;
  const float length = lengthOfFile(fileId);
  return length > 0 && length < m_longestTagShortest;
}

std::vector<Hit> ModelSession::predictArtists(const Eigen::VectorXf& song, int k,
                                              float lengthSeconds) const {
  std::vector<Hit> hits = namedHits(m_model.predictArtists(song, k), m_model.artistNames);
  if (m_model.calibration && song.size() == m_model.A.rows()) {
    const Eigen::VectorXf p =
        m_model.calibration->artistProbabilities(m_model.A.transpose() * song);
    for (Hit& hit : hits) hit.probability = p[hit.index];
  }
  for (Hit& hit : hits) hit.guess = m_model.artistGuessReason(hit.index, lengthSeconds);
  return hits;
}

void ModelSession::addPairProbabilities(std::vector<Hit>& hits) const {
  if (!m_model.calibration) return;
  for (Hit& hit : hits) hit.probability = m_model.calibration->pairProbability(hit.score);
}

std::vector<Hit> ModelSession::rankedSongs(
    const std::function<std::vector<core::Scored>(int)>& rank, int k, int excludeRow,
    const core::SongDuplicates* distinct, const std::function<bool(int)>& skip) const {
  // The best `fetch` rows that are not skipped: the ranking asked for twice as many until that
  // many remain or every song was ranked.
  const auto ranked = [&](int fetch) {
    if (!skip) return rank(fetch);
    for (int asked = std::min(songCount(), fetch);; asked = std::min(songCount(), 2 * asked)) {
      std::vector<core::Scored> rows = rank(asked);
      std::erase_if(rows, [&skip](const core::Scored& row) { return skip(row.index); });
      if (static_cast<int>(rows.size()) >= fetch || asked >= songCount()) {
        if (static_cast<int>(rows.size()) > fetch) rows.resize(static_cast<std::size_t>(fetch));
        return rows;
      }
    }
  };
  if (!distinct) return songHits(ranked(k));
  std::vector<Hit> hits = songHits(distinctSongs(ranked, *distinct, k, songCount(), excludeRow));
  for (Hit& hit : hits) {
    for (const int other : distinct->alternatives(hit.index))
      hit.alternatives.push_back(fileIdOfRow(other));
    std::sort(hit.alternatives.begin(), hit.alternatives.end());
  }
  return hits;
}

std::vector<Hit> ModelSession::similarSongs(const Eigen::VectorXf& song, int k,
                                            std::int64_t excludeFileId,
                                            const core::SongDuplicates* distinct,
                                            core::NoveltyLevel query) const {
  const int excludeRow = rowOfFile(excludeFileId);
  std::vector<Hit> hits =
      rankedSongs([&](int fetch) { return songSearch().search(m_songs, song, fetch, excludeRow); },
                  k, excludeRow, distinct, otherKindThan(query));
  addPairProbabilities(hits);
  return hits;
}

std::vector<core::Scored> ModelSession::whyAlikeSongs(const Eigen::VectorXf& song,
                                                      const core::Novelty& novelty, int row,
                                                      int k) const {
  if (row < 0 || row >= songCount() || novelty.level() != core::NoveltyLevel::Familiar ||
      noveltyLevelOfRow(row) != core::NoveltyLevel::Familiar)
    return {};
  if (m_model.calibration && song.size() == m_songs.rows() &&
      m_model.calibration->pairProbability(song.dot(m_songs.col(row))) < core::kWhyAlikeLeast)
    return {};
  const float otherSeconds =
      m_novelty.empty() ? 0.0f : m_novelty[static_cast<std::size_t>(row)].durationSeconds;
  std::vector<core::Scored> why =
      core::whyAlikeSongs(m_model, song, m_songs.col(row), static_cast<int>(m_model.T.cols()));
  std::erase_if(why, [&](const core::Scored& tag) {
    return !m_model.tagGuessReason(tag.index, novelty.durationSeconds).empty() ||
           !m_model.tagGuessReason(tag.index, otherSeconds).empty();
  });
  if (static_cast<int>(why.size()) > k) why.resize(static_cast<std::size_t>(std::max(k, 0)));
  return why;
}

std::vector<Hit> ModelSession::similarArtists(const std::string& artist, int k) const {
  const int index = m_model.artistIndex(artist);
  if (index < 0) return {};
  std::vector<Hit> hits = namedHits(m_model.similarArtists(index, k), m_model.artistNames);
  addPairProbabilities(hits);
  return hits;
}

std::vector<Hit> ModelSession::songsForArtist(const std::string& artist, int k,
                                              const core::SongDuplicates* distinct) const {
  const int index = m_model.artistIndex(artist);
  if (index < 0) return {};
  // Without the songs unlike the library, and those for which this artist is a guess by their
  // length (JointModel::artistGuessReason: a sentence only for a guess).
  const std::function<bool(int)> unlike = moreUnlikeThan(core::NoveltyLevel::UnlikeTaggedSongs);
  std::function<bool(int)> skip = unlike;
  if (!m_novelty.empty()) {
    skip = [this, unlike, index](int row) {
      return (unlike && unlike(row)) ||
             !m_model
                  .artistGuessReason(index,
                                     m_novelty[static_cast<std::size_t>(row)].durationSeconds)
                  .empty();
    };
  }
  return rankedSongs(
      [&](int fetch) { return songSearch().search(m_songs, m_model.A.col(index), fetch); }, k, -1,
      distinct, skip);
}

std::vector<Hit> ModelSession::songsForTag(const std::string& tag, int k,
                                           const core::SongDuplicates* distinct) const {
  const int index = m_model.tagIndex(tag);
  if (index < 0) return {};
  // Without the songs whose tags are guesses, and those for which this tag is one by its length
  // (JointModel::tagGuessReason: a sentence only for a guess, so a cheap test otherwise).
  const std::function<bool(int)> unlike = moreUnlikeThan(core::NoveltyLevel::Familiar);
  std::function<bool(int)> skip = unlike;
  if (!m_novelty.empty()) {
    skip = [this, unlike, index](int row) {
      return (unlike && unlike(row)) ||
             !m_model
                  .tagGuessReason(index, m_novelty[static_cast<std::size_t>(row)].durationSeconds)
                  .empty();
    };
  }
  std::vector<Hit> hits = rankedSongs(
      [&](int fetch) { return core::songsForTag(m_model, m_songs, index, fetch, &songSearch()); },
      k, -1, distinct, skip);
  if (m_model.calibration) {
    for (Hit& hit : hits) hit.probability = m_model.calibration->tagProbability(index, hit.score);
  }
  return hits;
}

std::vector<Hit> ModelSession::relatedTags(const std::string& tag, int k) const {
  const int index = m_model.tagIndex(tag);
  if (index < 0) return {};
  return namedHits(core::relatedTags(m_model, index, k), m_model.tagNames);
}

std::vector<Hit> ModelSession::artistsForTag(const std::string& tag, int k,
                                             const core::ArtistCentroids& artists) const {
  const int index = m_model.tagIndex(tag);
  if (index < 0) return {};
  return namedHits(core::artistsForTag(m_model, artists, index, k), m_model.artistNames);
}

}  // namespace songspace::library
