#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "audio/codebook.h"
#include "audio/songanalyzer.h"

namespace songspace::core {
class Catalog;
}

namespace songspace::library {

struct ScanProgress {
  enum class Phase { Walking, LearningCodebook, Analyzing, Finishing };
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
  int filesSeen = 0;              // audio files found under the roots
  int analyzed = 0;               // analysed in this scan
  int unchanged = 0;              // skipped: same size, mtime and feature version as in the catalog
  int revived = 0;                // unchanged files that had been marked missing
  int missing = 0;                // catalog files under the roots that are gone (newly marked)
  int playlists = 0;              // M3U/M3U8 playlists read
  std::vector<ScanIssue> failed;  // files that failed in this scan, with the reason
  std::vector<ScanIssue> warnings;  // files analysed with a warning (e.g. truncated)
  std::vector<ScanIssue> problems;  // folders that could not be read, symlink loops, playlists
  double audioSeconds = 0;          // audio decoded and analysed in this scan
  double wallSeconds = 0;
  bool codebookLearned = false;
  int codebookSize = 0;
  bool cancelled = false;
  std::string error;  // set when the scan could not run at all (catalog failure)
};

struct ScanOptions {
  std::vector<std::filesystem::path> roots;
  int threads = 0;  // 0 = one per core
  audio::AnalyzerParams analyzer;
  audio::KMeansParams codebook;  // K is capped so every codeword has enough frames
  // A library without a codebook learns one first from frames of this many files, spread evenly
  // over the library (only these files are decoded twice).
  int codebookBootstrapFiles = 64;
  int codebookFramesPerFile = 2000;
  int minFramesPerCodeword = 20;
  int commitEvery = 32;  // files per catalog transaction
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(const ScanProgress&)> progress;  // called on the scanning thread
};

// The catalog's cache key for one analysis: analyser version and codebook together.
int featureVersionFor(int codebookId);

// Walks the roots, learns a codebook if the catalog has none, analyses new and changed files in
// parallel (results do not depend on the thread count: every file's analysis is deterministic
// and results are committed in path order), reads playlists and marks vanished files missing.
// Bad files are recorded as failures with their reason and the scan goes on. Cancellation keeps
// everything committed so far; the next scan resumes where it stopped.
ScanSummary runScan(core::Catalog& catalog, const ScanOptions& options);

}  // namespace songspace::library
