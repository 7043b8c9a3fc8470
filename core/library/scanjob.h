#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "audio/codebook.h"
#include "audio/songanalyzer.h"
#include "core/base/status.h"
#include "core/catalog/tagnormalize.h"
#include "core/library/playlistresolver.h"

namespace songspace::core {
class Catalog;
}

namespace songspace::library {

struct ScanProgress {
  // ReadingTags: the tags of unchanged files read again because the reading rules changed.
  enum class Phase { Walking, LearningCodebook, Analyzing, ReadingTags, Finishing };
  Phase phase = Phase::Walking;
  int done = 0;               // files finished in this phase
  int total = 0;              // files to do in this phase
  double audioSeconds = 0;    // audio analysed so far
  double elapsedSeconds = 0;  // since the scan started
  double etaSeconds = -1;     // estimate of the time left in this phase, -1 = unknown
  std::string current;        // the file last finished
};

struct ScanIssue {
  std::string path;
  std::string code;    // "corrupt", "not_audio", … or "folder" for walk problems
  std::string reason;  // words a user understands
};

struct ScanSummary {
  int filesSeen = 0;  // audio files found under the roots
  int analyzed = 0;   // analysed in this scan
  int unchanged = 0;  // skipped: same size, mtime and feature version as in the catalog
  int revived = 0;    // unchanged files that had been marked missing
  // Unchanged files whose tags were read again (not decoded) because the reading rules differ
  // from those the catalog's tags were read under (core::kReadingRulesSetting).
  int tagsReread = 0;
  int missing = 0;    // catalog files under the roots that are gone (newly marked)
  int playlists = 0;  // playlists read and stored (M3U, M3U8, PLS, XSPF)
  // Songspace's own playlists found under the roots: not read back, kept as the catalog has them
  // (core::PlaylistOrigin::Songspace, never a training label).
  int ownPlaylists = 0;
  std::vector<ScanIssue> failed;    // files that failed in this scan, with the reason
  std::vector<ScanIssue> warnings;  // files analysed with a warning (e.g. truncated)
  std::vector<ScanIssue> problems;  // folders that could not be read, symlink loops, playlists
  // Per playlist stored: its entries, how many were found in the library, each unresolved entry
  // with its line and reason, and each entry matched by a fallback rule (playlistresolver.h).
  // Unreadable, truncated and empty playlists are also in `problems`.
  std::vector<PlaylistImport> playlistImports;
  double audioSeconds = 0;  // audio decoded and analysed in this scan
  double wallSeconds = 0;
  bool codebookLearned = false;
  int codebookSize = 0;
  bool cancelled = false;
  // Not ok when the scan could not run at all (invalid options, a catalog failure); per-file
  // failures, including a batch the catalog could not commit, are in `failed` instead.
  base::Status status;
};

// Every tunable parameter is declared once here with its default and valid range.
struct ScanOptions {
  std::vector<std::filesystem::path> roots;
  static constexpr base::ParameterSpec<int> kThreads{
      "threads", 0, 0, 256, "files analysed side by side (0: one per core)"};
  int threads = kThreads.defaultValue;
  audio::AnalyzerParams analyzer;
  audio::KMeansParams codebook;  // K is capped so every codeword has enough frames
  // A library without a codebook learns one first from frames of this many files, spread evenly
  // over the library (only these files are decoded twice). When they are short (sound effects,
  // jingles) and give fewer frames than all K codewords need (codebook.clusters ×
  // minFramesPerCodeword), further evenly spread batches of as many files are sampled until they
  // do, or codebookMaxFiles files were sampled, or the library has no more.
  static constexpr base::ParameterSpec<int> kCodebookBootstrapFiles{
      "codebook_bootstrap_files", 64, 1, 100000,
      "files whose frames teach a new codebook: enough variety, few files decoded twice"};
  int codebookBootstrapFiles = kCodebookBootstrapFiles.defaultValue;
  static constexpr base::ParameterSpec<int> kCodebookFramesPerFile{
      "codebook_frames_per_file", 2000, 1, 1000000,
      "frames sampled from each bootstrap file for the codebook"};
  int codebookFramesPerFile = kCodebookFramesPerFile.defaultValue;
  static constexpr base::ParameterSpec<int> kCodebookMaxFiles{
      "codebook_max_files", 1024, 1, 1000000,
      "most files sampled for a new codebook when the first ones are short"};
  int codebookMaxFiles = kCodebookMaxFiles.defaultValue;
  static constexpr base::ParameterSpec<int> kMinFramesPerCodeword{
      "min_frames_per_codeword", 20, 1, 100000,
      "K is capped at frames / this, so every codeword is a mean of enough frames"};
  int minFramesPerCodeword = kMinFramesPerCodeword.defaultValue;
  // The frames a library keeps in all for re-learning its codebook without decoding (K codewords
  // need K × min_frames_per_codeword; this is 25 times that for K = 1000): a file keeps
  // budget / (the library's songs) of them, at most analyzer.frameSampleSize and at least
  // kMinFrameSample, so the catalog stays near 22 KB a song up to 4 096 songs and shrinks towards
  // 5.7 KB a song beyond (docs/experiments.md §3.13, §3.14). The library's songs are the files the
  // scan found, or, when more, the catalog's analysed songs plus the new files found (a scan of a
  // new folder or a dropped file shares the budget with the songs already there).
  static constexpr base::ParameterSpec<int> kFrameSampleBudget{
      "frame_sample_budget",
      1 << 19,
      0,
      1 << 30,
      "frames kept in all (per file: this / files, 16 to frame_sample_size)",
      "frames"};
  int frameSampleBudget = kFrameSampleBudget.defaultValue;
  static constexpr int kMinFrameSample = 16;
  static constexpr base::ParameterSpec<int> kCommitEvery{
      "commit_every",
      32,
      1,
      100000,
      "files per catalog transaction (a crash loses at most this many analyses)",
      "files"};
  int commitEvery = kCommitEvery.defaultValue;
  // How tag values are read (placeholders, genre separators): applied before anything is stored,
  // so a placeholder never becomes an artist, album or tag and a genre splits only where the
  // user chose. The files are not touched. When they differ from the rules the catalog's tags
  // were read under, the tags of unchanged files are read again (TagLib only, no decoding) and
  // the rules are recorded once every file holds them; a cancelled scan records nothing, so the
  // next one finishes the job. The folders of a scan that ran to its end are recorded too
  // (core::kScanRootsSetting).
  core::TagReadingRules reading;
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(const ScanProgress&)> progress;  // called on the scanning thread

  // Empty when every parameter (the analyser's and the codebook's too) is within its declared
  // range; otherwise the first that is not. runScan() refuses such options with it.
  [[nodiscard]] std::string validate() const;
};

// The catalog's cache key for one analysis: analyser version and codebook together.
int featureVersionFor(int codebookId);

// The folders scans of this catalog ran over to their end (core::kScanRootsSetting), in the order
// first scanned; empty when none is recorded (a catalog from before they were).
std::vector<std::string> libraryRoots(const core::Catalog& catalog);

// Walks the roots, learns a codebook if the catalog has none, analyses new and changed files in
// parallel (results do not depend on the thread count: every file's analysis is deterministic
// and results are committed in path order), reads playlists and marks vanished files missing.
// Bad files are recorded as failures with their reason and the scan goes on. Cancellation keeps
// everything committed so far; the next scan resumes where it stopped.
ScanSummary runScan(core::Catalog& catalog, const ScanOptions& options);

}  // namespace songspace::library
