#include "core/library/scanjob.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>
#include <unordered_set>

#include "audio/metadata.h"
#include "core/base/filestamp.h"
#include "core/base/orderedpool.h"
#include "core/catalog/catalog.h"
#include "core/library/librarywalker.h"
#include "core/library/logging.h"
#include "core/library/playlistfile.h"
#include "core/library/playlistresolver.h"

namespace songspace::library {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// Analyses that may wait for the catalog, per analysing thread. One is small (the frame sample is
// at most 128 × 39 floats, some 25 KB with the rest), and the catalog's writer stops now and then
// for tens of milliseconds (a WAL checkpoint's fsync): with the pool's default of 4 a thread, the
// analysing threads of a library of short files stopped with it (docs/experiments.md §3.13).
constexpr int kResultsWaitingPerThread = 32;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool cancelled(const ScanOptions& options) {
  return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed);
}

// The file's metadata as the catalog stores it: placeholders are missing values and the tag
// fields are split into their values under `rules`.
core::TrackInfo toTrackInfo(const audio::TrackMetadata& m, const core::TagReadingRules& rules) {
  core::TrackInfo info;
  info.title = rules.valueOrEmpty(m.title);
  info.artist = rules.valueOrEmpty(m.artist);
  info.albumArtist = rules.valueOrEmpty(m.albumArtist);
  info.album = rules.valueOrEmpty(m.album);
  info.genres = core::splitFieldValues(m.genres, rules);
  info.moods = core::splitFieldValues(m.moods, rules);
  info.groupings = core::splitFieldValues(m.groupings, rules);
  info.freeTags = core::splitFieldValues(m.freeTags, rules);
  // Comments are prose, not lists: no splitting, only the placeholders go.
  core::TagReadingRules commentRules = rules;
  commentRules.genreSeparators.clear();
  info.comments = core::splitFieldValues(m.comments, commentRules);
  info.year = m.year;
  info.trackNumber = m.trackNumber;
  info.durationSeconds = m.durationSeconds;
  return info;
}

struct Job {
  fs::path path;
  base::FileStamp stamp;
};

struct JobResult {
  base::Status status;
  audio::SongAnalysis analysis;
  audio::TrackMetadata metadata;
  base::Status metadataStatus;
  double wallSeconds = 0;
};

class Scanner {
 public:
  Scanner(core::Catalog& catalog, const ScanOptions& options)
      : m_catalog(catalog), m_options(options), m_start(Clock::now()) {
    m_threads = options.threads > 0
                    ? options.threads
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }

  ScanSummary run() {
    report(ScanProgress::Phase::Walking, 0, 0, {});
    const LibraryWalk walk = walkLibrary(m_options.roots);
    for (const auto& [path, reason] : walk.problems) {
      m_summary.problems.push_back({path.string(), "folder", reason});
    }
    m_summary.filesSeen = static_cast<int>(walk.audioFiles.size());

    if (!loadOrLearnCodebook(walk.audioFiles)) return finish();
    const int featureVersion = featureVersionFor(m_codebookId);

    // The library's size for the frame-sample budget: the files found, or, when the scan covers
    // only part of a library (a dropped file, a new folder), its analysed songs plus the new ones.
    std::int64_t newFiles = 0;
    const std::int64_t analyzedBefore = m_catalog.counts().analyzed;
    std::vector<Job> jobs;
    std::vector<fs::path> unchanged;  // analysed earlier: their tags are read again if the rules
                                      // changed
    for (const fs::path& file : walk.audioFiles) {
      const std::optional<base::FileStamp> stamp = base::fileStamp(file);
      if (!stamp) {
        failEarly(file, "not_found", "file vanished or cannot be read during the scan");
        continue;
      }
      if (!m_catalog.needsAnalysis(file.native(), *stamp, featureVersion)) {
        ++m_summary.unchanged;
        bool revived = false;
        const auto row = m_catalog.fileByPath(file.native());
        if (row && row->state == core::FileState::Missing) {
          if (const auto status =
                  m_catalog.touchSeen(file.native(), *stamp, featureVersion, &revived);
              !status.ok()) {
            m_summary.problems.push_back({file.string(), "catalog", status.message});
          }
        }
        if (revived) ++m_summary.revived;
        if (row && row->state != core::FileState::Failed) unchanged.push_back(file);
        continue;
      }
      if (!m_catalog.fileByPath(file.native())) ++newFiles;
      jobs.push_back({file, *stamp});
    }
    if (cancelled(m_options)) return finish();

    analyse(jobs, featureVersion,
            std::max<std::int64_t>(m_summary.filesSeen, analyzedBefore + newFiles));
    if (!m_summary.cancelled) rereadTags(unchanged);
    if (!m_summary.cancelled) {
      readPlaylists(walk.playlists);
      std::vector<std::string> roots;
      std::unordered_set<std::string> seen;
      for (const fs::path& root : m_options.roots) {
        std::error_code ec;
        roots.push_back(fs::absolute(root, ec).lexically_normal().native());
      }
      for (const fs::path& file : walk.audioFiles) seen.insert(file.native());
      int missing = 0;
      if (const auto status = m_catalog.markMissing(roots, seen, &missing); !status.ok()) {
        m_summary.problems.push_back({"", "catalog", status.message});
      }
      m_summary.missing = missing;
      recordRoots(roots);
    }
    return finish();
  }

 private:
  // The tags of unchanged files, read again under the scan's rules when the catalog's were read
  // under others (or under unknown ones: a catalog from before the rules were recorded). One
  // transaction per commitEvery files; the rules are recorded only when every file holds them.
  void rereadTags(const std::vector<fs::path>& files) {
    const std::string rules = m_options.reading.fingerprint();
    if (m_catalog.librarySetting(core::kReadingRulesSetting) == rules) return;
    if (!m_catalog.lastStatus().ok()) {
      m_summary.problems.push_back(
          {m_catalog.path().string(), "catalog",
           "cannot read the library's reading rules: " + m_catalog.lastStatus().message});
      return;
    }
    bool complete = true;
    const int total = static_cast<int>(files.size());
    std::size_t next = 0;
    while (next < files.size()) {
      if (cancelled(m_options)) {
        m_summary.cancelled = true;
        return;
      }
      if (const auto begun = m_catalog.beginBatch(); !begun.ok()) {
        m_summary.problems.push_back({m_catalog.path().string(), "catalog", begun.message});
        return;
      }
      int reread = 0;
      const std::size_t end =
          std::min(files.size(), next + static_cast<std::size_t>(m_options.commitEvery));
      for (; next < end; ++next) {
        const fs::path& file = files[next];
        audio::TrackMetadata metadata;
        if (const auto read = audio::readMetadata(file, metadata); !read.ok()) {
          // Kept as stored; the rules are not recorded, so the next scan tries it again.
          m_summary.problems.push_back(
              {file.string(), "tags", "tags not read again: " + read.message});
          complete = false;
          continue;
        }
        const auto stored =
            m_catalog.replaceTrackInfo(file.native(), toTrackInfo(metadata, m_options.reading));
        if (!stored.ok() && stored.error != base::ErrorCode::NotFound) {
          m_summary.problems.push_back({file.string(), "catalog", stored.message});
          complete = false;
          continue;
        }
        ++reread;
        report(ScanProgress::Phase::ReadingTags, static_cast<int>(next) + 1, total, file.string());
      }
      if (const auto committed = m_catalog.commitBatch(); !committed.ok()) {
        // reason: the failed COMMIT is what is reported; the rollback only ends the batch
        (void)m_catalog.rollbackBatch();
        m_summary.problems.push_back(
            {m_catalog.path().string(), "catalog",
             "the tags read again could not be committed (the next scan reads them again): " +
                 committed.message});
        return;
      }
      m_summary.tagsReread += reread;
    }
    if (!complete) return;
    if (const auto recorded = m_catalog.setLibrarySetting(core::kReadingRulesSetting, rules);
        !recorded.ok()) {
      m_summary.problems.push_back({m_catalog.path().string(), "catalog", recorded.message});
    }
  }

  // The folders of a scan that ran to its end, added to those recorded before, for a rescan from
  // any program.
  void recordRoots(const std::vector<std::string>& roots) {
    std::vector<std::string> all = libraryRoots(m_catalog);
    for (const std::string& root : roots) {
      if (std::find(all.begin(), all.end(), root) == all.end()) all.push_back(root);
    }
    std::string text;
    for (const std::string& root : all) text += root + "\n";
    if (const auto recorded = m_catalog.setLibrarySetting(core::kScanRootsSetting, text);
        !recorded.ok()) {
      m_summary.problems.push_back({m_catalog.path().string(), "catalog", recorded.message});
    }
  }

  ScanSummary finish() {
    m_summary.cancelled = m_summary.cancelled || cancelled(m_options);
    m_summary.wallSeconds = secondsSince(m_start);
    report(ScanProgress::Phase::Finishing, 1, 1, {});
    return m_summary;
  }

  void report(ScanProgress::Phase phase, int done, int total, const std::string& current,
              double eta = -1) {
    if (!m_options.progress) return;
    ScanProgress progress;
    progress.phase = phase;
    progress.done = done;
    progress.total = total;
    progress.audioSeconds = m_summary.audioSeconds;
    progress.elapsedSeconds = secondsSince(m_start);
    progress.etaSeconds = eta;
    progress.current = current;
    m_options.progress(progress);
  }

  void failEarly(const fs::path& file, const std::string& code, const std::string& reason) {
    m_summary.failed.push_back({file.string(), code, reason});
  }

  // The catalog's latest codebook, or a new one learned from frames of an even spread of files.
  bool loadOrLearnCodebook(const std::vector<fs::path>& files) {
    if (const auto record = m_catalog.latestCodebook()) {
      const base::Status status = audio::Codebook::deserialize(record->blob, m_codebook);
      if (status.ok()) {
        m_codebookId = record->id;
        m_summary.codebookSize = m_codebook.size();
        return true;
      }
      m_summary.problems.push_back(
          {m_catalog.path().string(), "codebook",
           "stored codebook unusable, learning a new one: " + status.message});
    }
    if (files.empty()) return true;  // nothing to learn from yet; nothing to analyse either

    // Batches of `batch` files spread evenly over those not sampled yet, until the frames are
    // enough for all K codewords (K × minFramesPerCodeword; short files give a few hundred
    // frames each), the file limit, or the end of the library.
    const std::size_t batch = static_cast<std::size_t>(m_options.codebookBootstrapFiles);
    const std::size_t targetRows = static_cast<std::size_t>(m_options.codebook.clusters) *
                                   static_cast<std::size_t>(m_options.minFramesPerCodeword);
    const std::size_t maxFiles =
        std::min(files.size(), static_cast<std::size_t>(m_options.codebookMaxFiles));
    std::vector<char> taken(files.size(), 0);
    std::vector<fs::path> chosen;
    audio::AnalyzerParams params = m_options.analyzer;
    params.frameSampleSize = m_options.codebookFramesPerFile;
    const audio::SongAnalyzer sampler(params, nullptr);
    std::vector<audio::FrameMatrix> samples;
    std::size_t rows = 0;
    const Clock::time_point phaseStart = Clock::now();
    while (chosen.size() < maxFiles && (chosen.empty() || rows < targetRows)) {
      std::vector<std::size_t> left;
      for (std::size_t i = 0; i < files.size(); ++i) {
        if (!taken[i]) left.push_back(i);
      }
      const std::size_t count = std::min({batch, left.size(), maxFiles - chosen.size()});
      const std::size_t first = chosen.size();
      for (std::size_t i = 0; i < count; ++i) {
        const std::size_t pick = left[i * left.size() / count];
        taken[pick] = 1;
        chosen.push_back(files[pick]);
      }
      base::runOrdered<audio::FrameMatrix>(
          static_cast<int>(count), {m_threads, 0, m_options.cancel},
          [&](int i) {
            audio::SongAnalysis analysis;
            if (!sampler
                     .analyze(chosen[first + static_cast<std::size_t>(i)], analysis,
                              m_options.cancel)
                     .ok()) {
              return audio::FrameMatrix();
            }
            return std::move(analysis.frameSample);
          },
          [&](int i, audio::FrameMatrix frames) {
            rows += static_cast<std::size_t>(frames.rows());
            if (frames.rows() > 0) samples.push_back(std::move(frames));
            const auto done = static_cast<int>(first) + i + 1;
            const auto planned = static_cast<int>(first + count);
            const double elapsed = secondsSince(phaseStart);
            report(ScanProgress::Phase::LearningCodebook, done, planned,
                   chosen[static_cast<std::size_t>(done - 1)].string(),
                   elapsed / done * (planned - done));
            return !cancelled(m_options);
          });
      if (cancelled(m_options)) return false;
    }
    const int picks = static_cast<int>(chosen.size());
    if (cancelled(m_options)) return false;
    const int dimension = m_options.analyzer.mfcc.featureDimension();
    audio::KMeansParams kmeans = m_options.codebook;
    kmeans.threads = m_threads;
    kmeans.clusters = std::min<int>(
        kmeans.clusters, static_cast<int>(rows) / std::max(1, m_options.minFramesPerCodeword));
    if (kmeans.clusters < audio::KMeansParams::kClusters.minValue) {
      // Too little audio to learn codewords: analyse without a histogram (summary block only).
      m_summary.problems.push_back({"", "codebook", "too little audio to learn a codebook yet"});
      return true;
    }
    audio::FrameMatrix all(static_cast<Eigen::Index>(rows), dimension);
    Eigen::Index row = 0;
    for (const auto& frames : samples) {
      all.middleRows(row, frames.rows()) = frames;
      row += frames.rows();
    }
    report(ScanProgress::Phase::LearningCodebook, picks, picks, "k-means");
    const base::Status status = audio::Codebook::train(all, kmeans, m_codebook);
    if (!status.ok()) {
      m_summary.problems.push_back(
          {"", "codebook", "could not learn a codebook: " + status.message});
      m_codebook = audio::Codebook();
      return true;
    }
    const std::vector<std::uint8_t> blob = m_codebook.serialize();
    const std::string description = std::to_string(m_codebook.size()) + " codewords from " +
                                    std::to_string(rows) + " frames of " + std::to_string(picks) +
                                    " files";
    if (const auto stored = m_catalog.storeCodebook(blob, description, &m_codebookId);
        !stored.ok()) {
      m_summary.status =
          base::Status::failure(stored.error, "cannot store the codebook: " + stored.message);
      return false;
    }
    m_summary.codebookLearned = true;
    m_summary.codebookSize = m_codebook.size();
    return true;
  }

  // `librarySongs`: what the frame-sample budget is shared over (each file keeps budget / it).
  void analyse(const std::vector<Job>& jobs, int featureVersion, std::int64_t librarySongs) {
    audio::AnalyzerParams params = m_options.analyzer;
    params.frameSampleSize = static_cast<int>(std::min<std::int64_t>(
        params.frameSampleSize,
        std::max<std::int64_t>(
            ScanOptions::kMinFrameSample,
            m_options.frameSampleBudget / std::max<std::int64_t>(1, librarySongs))));
    const audio::SongAnalyzer analyzer(params, m_codebook.empty() ? nullptr : &m_codebook);
    std::int64_t totalBytes = 0;
    for (const Job& job : jobs) totalBytes += job.stamp.size;
    std::int64_t doneBytes = 0;
    const Clock::time_point phaseStart = Clock::now();
    int sinceCommit = 0;
    openBatch();
    base::runOrdered<JobResult>(
        static_cast<int>(jobs.size()),
        {m_threads, kResultsWaitingPerThread * m_threads, m_options.cancel},
        [&](int i) {
          const Job& job = jobs[static_cast<std::size_t>(i)];
          JobResult result;
          const Clock::time_point t0 = Clock::now();
          result.status = analyzer.analyze(job.path, result.analysis, m_options.cancel);
          if (result.status.ok())
            result.metadataStatus = audio::readMetadata(job.path, result.metadata);
          result.wallSeconds = secondsSince(t0);
          return result;
        },
        [&](int i, const JobResult& result) {
          const Job& job = jobs[static_cast<std::size_t>(i)];
          if (result.status.error == base::ErrorCode::Cancelled) return false;
          store(job, result, featureVersion);
          if (++sinceCommit >= m_options.commitEvery) {
            closeBatch();
            openBatch();
            sinceCommit = 0;
          }
          doneBytes += job.stamp.size;
          const double elapsed = secondsSince(phaseStart);
          const double eta = doneBytes > 0 ? elapsed * static_cast<double>(totalBytes - doneBytes) /
                                                 static_cast<double>(doneBytes)
                                           : -1;
          report(ScanProgress::Phase::Analyzing, i + 1, static_cast<int>(jobs.size()),
                 job.path.string(), eta);
          return !cancelled(m_options);
        });
    closeBatch();
    m_summary.cancelled = cancelled(m_options);
  }

  // A batch that cannot start (another writer held the lock past the busy timeout) is not an
  // error by itself: every store then runs as its own transaction and reports its own failure.
  void openBatch() {
    const base::Status status = m_catalog.beginBatch();
    m_batchOpen = status.ok();
    if (!m_batchOpen) {
      qCWarning(lcScan).noquote() << QString::fromStdString(
          m_catalog.path().string() +
          ": cannot start a transaction, storing file by file: " + status.message);
      m_summary.problems.push_back(
          {m_catalog.path().string(), "catalog",
           "cannot start a transaction, storing file by file: " + status.message});
    }
  }

  // Counts the batch's analyses only once they are durable. A failed COMMIT (disk full, I/O
  // error) loses the whole batch: each of its files is reported and not counted as analysed; the
  // next scan analyses them again.
  void closeBatch() {
    std::vector<Stored> stored = std::move(m_pending);
    m_pending.clear();
    base::Status status;
    if (m_batchOpen) {
      status = m_catalog.commitBatch();
      if (!status.ok()) {
        qCWarning(lcScan).noquote() << QString::fromStdString(
            m_catalog.path().string() + ": the catalog could not commit the analyses of " +
            std::to_string(stored.size()) +
            " files; they are reported as failed and analysed again by the next scan: " +
            status.message);
        // SQLite may already have rolled back; either way the batch is over.
        (void)m_catalog.rollbackBatch();  // reason: the commit's failure is what gets reported
      }
      m_batchOpen = false;
    }
    for (Stored& s : stored) {
      if (!status.ok()) {
        m_summary.failed.push_back(
            {s.path, "catalog",
             "analysed, but the catalog could not commit it: " + status.message});
        continue;
      }
      for (std::string& warning : s.warnings) {
        m_summary.warnings.push_back({s.path, "warning", std::move(warning)});
      }
      ++m_summary.analyzed;
      m_summary.audioSeconds += s.audioSeconds;
    }
  }

  void store(const Job& job, const JobResult& result, int featureVersion) {
    const std::string& path = job.path.native();
    if (!result.status.ok()) {
      std::string reason = result.status.message;
      if (const auto stored =
              m_catalog.storeFailure(path, job.stamp, featureVersion,
                                     static_cast<int>(result.status.error), result.status.message);
          !stored.ok()) {
        reason += " (not recorded in the catalog: " + stored.message + ")";
      }
      m_summary.failed.push_back(
          {job.path.string(), base::errorCodeName(result.status.error), std::move(reason)});
      return;
    }
    const audio::SongAnalysis& analysis = result.analysis;
    core::AnalysisRecord record;
    record.info = toTrackInfo(result.metadata, m_options.reading);
    // The decoded duration is what plays (every file is decoded to its end); the claims of the
    // header and of TagLib may be a bitrate estimate or describe more or less audio than is
    // there, and are kept only when decoding did not reach the end.
    if (analysis.decode.complete || record.info.durationSeconds <= 0)
      record.info.durationSeconds = analysis.decode.decodedSeconds;
    record.features.codewordCounts = analysis.codewordCounts;
    record.features.summary = analysis.summary;
    record.codebookId = m_codebookId;
    record.frameSampleRows = static_cast<int>(analysis.frameSample.rows());
    record.frameDimension = static_cast<int>(analysis.frameSample.cols());
    record.frameSample.assign(analysis.frameSample.data(),
                              analysis.frameSample.data() + analysis.frameSample.size());
    record.analyzedSeconds = result.wallSeconds;
    record.frameCount = static_cast<std::int64_t>(analysis.frameCount);
    record.warnings = analysis.decode.warnings;
    if (!result.metadataStatus.ok()) {
      record.warnings.push_back("tags unreadable: " + result.metadataStatus.message);
    } else if (analysis.decode.complete && !analysis.decode.durationWarned) {
      // What TagLib-based players show may differ where FFmpeg's container reading does not
      // (e.g. a Xing header for the first of two concatenated streams).
      if (std::string warning = audio::durationWarning(result.metadata.durationSeconds,
                                                       analysis.decode.decodedSeconds,
                                                       audio::DurationClaim::TagReader);
          !warning.empty())
        record.warnings.push_back(std::move(warning));
    }
    if (const auto status = m_catalog.storeAnalysis(path, job.stamp, featureVersion, record);
        !status.ok()) {
      m_summary.failed.push_back({job.path.string(), "catalog", status.message});
      return;
    }
    m_pending.push_back(
        {job.path.string(), std::move(record.warnings), analysis.decode.decodedSeconds});
    if (!m_batchOpen) closeBatch();  // stored in its own transaction: already durable
  }

  // After the analyses: the library's files are what entries are matched against.
  void readPlaylists(const std::vector<fs::path>& playlists) {
    if (playlists.empty()) return;
    // Exact entries are looked up in the catalog's path index; the library's files are loaded
    // only for an entry that needs a fallback rule.
    PlaylistResolver resolver(
        [this](const std::string& path) -> std::optional<std::int64_t> {
          const std::optional<core::FileRow> row = m_catalog.fileByPath(path);
          if (row && row->state != core::FileState::Missing) return row->id;
          return std::nullopt;
        },
        [this] {
          std::vector<LibraryFile> files;
          for (const core::FileState state : {core::FileState::Analyzed, core::FileState::Failed})
            for (core::FileRow& row : m_catalog.files(state))
              files.push_back({row.id, std::move(row.path)});
          return files;
        });
    // Songspace's own playlists saved inside the library are not read back: the catalog's record
    // (by file id, as saved) stays, and so does its origin (not a training label).
    const std::vector<std::string> ours = m_catalog.playlistPaths(core::PlaylistOrigin::Songspace);
    for (const fs::path& file : playlists) {
      if (std::binary_search(ours.begin(), ours.end(), file.native())) {
        ++m_summary.ownPlaylists;
        continue;
      }
      PlaylistFile playlist;
      if (const auto read = readPlaylistFile(file, playlist); !read.ok()) {
        // The playlist stored by an earlier scan, if any, stays as it was.
        m_summary.problems.push_back({file.string(), "playlist", read.message});
        continue;
      }
      PlaylistImport imported = resolvePlaylist(file, playlist, resolver);
      if (const auto stored =
              m_catalog.replacePlaylist(file.native(), playlist.name, imported.catalogEntries);
          !stored.ok()) {
        m_summary.problems.push_back({file.string(), "catalog", stored.message});
        continue;
      }
      ++m_summary.playlists;
      if (!imported.truncated.empty())
        m_summary.problems.push_back({file.string(), "playlist", imported.truncated});
      if (imported.entries == 0)
        m_summary.problems.push_back({file.string(), "playlist", "no entries (empty playlist)"});
      imported.catalogEntries = {};
      m_summary.playlistImports.push_back(std::move(imported));
    }
  }

  // An analysis stored in the open batch, counted when the batch commits.
  struct Stored {
    std::string path;
    std::vector<std::string> warnings;
    double audioSeconds = 0;
  };

  core::Catalog& m_catalog;
  const ScanOptions& m_options;
  bool m_batchOpen = false;
  std::vector<Stored> m_pending;
  Clock::time_point m_start;
  int m_threads = 1;
  audio::Codebook m_codebook;
  int m_codebookId = 0;
  ScanSummary m_summary;
};

}  // namespace

int featureVersionFor(int codebookId) {
  return audio::kAnalyzerVersion * 65536 + codebookId;
}

std::string ScanOptions::validate() const {
  for (const auto& [spec, value] :
       {std::pair{&kThreads, threads}, std::pair{&kCodebookBootstrapFiles, codebookBootstrapFiles},
        std::pair{&kCodebookFramesPerFile, codebookFramesPerFile},
        std::pair{&kCodebookMaxFiles, codebookMaxFiles},
        std::pair{&kMinFramesPerCodeword, minFramesPerCodeword},
        std::pair{&kCommitEvery, commitEvery}, std::pair{&kFrameSampleBudget, frameSampleBudget}}) {
    if (std::string error = spec->validate(value); !error.empty()) return error;
  }
  if (const base::Status status = analyzer.validate(); !status.ok()) return status.message;
  if (const base::Status status = codebook.validate(); !status.ok()) return status.message;
  return reading.validate();
}

std::vector<std::string> libraryRoots(const core::Catalog& catalog) {
  std::vector<std::string> roots;
  const std::string text = catalog.librarySetting(core::kScanRootsSetting).value_or("");
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (end > start) roots.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return roots;
}

ScanSummary runScan(core::Catalog& catalog, const ScanOptions& options) {
  if (std::string error = options.validate(); !error.empty()) {
    ScanSummary summary;
    summary.status =
        base::Status::failure(base::ErrorCode::InvalidArgument, "invalid scan options: " + error);
    return summary;
  }
  return Scanner(catalog, options).run();
}

}  // namespace songspace::library
