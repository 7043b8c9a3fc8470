// Analysis throughput on a music folder (default: the demo library), beside FFmpeg decoding alone
// of the same files in the same run. Prints x-realtime for each and the ratios the foundation
// issue targets: analysis(1 thread) / decode(1 thread) >= 0.6, analysis(2) / analysis(1) >= 1.8.
//
//   bench_analysis [FOLDER] [--files N]
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "audio/decoder.h"
#include "core/catalog/catalog.h"
#include "core/library/librarywalker.h"
#include "core/library/scanjob.h"

using namespace songspace;

namespace {

struct Throughput {
  double audioSeconds = 0;
  double wallSeconds = 0;
  double realtime() const { return wallSeconds > 0 ? audioSeconds / wallSeconds : 0; }
};

Throughput decodeOnly(const std::vector<std::filesystem::path>& files, int threads) {
  std::atomic<std::size_t> next{0};
  std::atomic<long long> samples{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < files.size(); i = next++) {
        long long n = 0;
        // reason: a file that does not decode adds no samples; the benchmark counts samples
        (void)audio::decodeAudio(files[i], [&](std::span<const float> block) {
          n += static_cast<long long>(block.size());
          return true;
        });
        samples += n;
      }
    });
  }
  for (auto& thread : pool) thread.join();
  Throughput result;
  result.wallSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.audioSeconds = static_cast<double>(samples.load()) / audio::kAnalysisSampleRate;
  return result;
}

Throughput analyse(const std::vector<std::filesystem::path>& files,
                   const std::vector<std::uint8_t>& codebook, int threads, const QString& dbPath) {
  QFile::remove(dbPath);
  auto catalog = core::Catalog::open(QFile::encodeName(dbPath).toStdString());
  if (!catalog || !catalog->storeCodebook(codebook, "bench").ok()) {
    std::fprintf(stderr, "bench_analysis: cannot prepare the catalog %s\n", qPrintable(dbPath));
    return {};  // zero throughput: the run is reported as 0× real time
  }
  library::ScanOptions options;
  options.roots = files;
  options.threads = threads;
  const library::ScanSummary summary = library::runScan(*catalog, options);
  return {summary.audioSeconds, summary.wallSeconds};
}

}  // namespace

int main(int argc, char* argv[]) {
  QCoreApplication app(argc, argv);
  QStringList args = QCoreApplication::arguments().mid(1);
  int maxFiles = 0;
  if (const qsizetype i = args.indexOf(QStringLiteral("--files")); i >= 0 && i + 1 < args.size()) {
    maxFiles = args[i + 1].toInt();
    args.remove(i, 2);
  }
  const QString folder = args.isEmpty()
                             ? QDir::homePath() + QStringLiteral("/.cache/songspace/demo/library")
                             : args.first();
  library::LibraryWalk walk = library::walkLibrary({QFile::encodeName(folder).toStdString()});
  if (maxFiles > 0 && walk.audioFiles.size() > static_cast<std::size_t>(maxFiles)) {
    walk.audioFiles.resize(static_cast<std::size_t>(maxFiles));
  }
  QTextStream out(stdout);
  if (walk.audioFiles.empty()) {
    out << "bench_analysis: no audio files under " << folder
        << " (run scripts/fetch-demo.sh first)\n";
    return 1;
  }
  QTemporaryDir dir;
  const QString db = dir.filePath(QStringLiteral("bench.sqlite"));

  // The codebook is learned once (not timed) so every timed run does the same work per file.
  std::vector<std::uint8_t> codebook;
  {
    auto catalog = core::Catalog::open(QFile::encodeName(db).toStdString());
    library::ScanOptions learn;
    learn.roots = walk.audioFiles;
    learn.threads = 2;
    library::ScanSummary s = library::runScan(*catalog, learn);
    codebook = catalog->latestCodebook()->blob;
    out << "files: " << walk.audioFiles.size() << ", audio: " << s.audioSeconds / 60.0
        << " min, codebook: " << s.codebookSize << " codewords\n";
  }

  const Throughput decode1 = decodeOnly(walk.audioFiles, 1);
  const Throughput analysis1 = analyse(walk.audioFiles, codebook, 1, db);
  const Throughput decode2 = decodeOnly(walk.audioFiles, 2);
  const Throughput analysis2 = analyse(walk.audioFiles, codebook, 2, db);

  auto row = [&](const char* name, const Throughput& t) {
    out << QStringLiteral("%1 %2 s audio in %3 s  = %4x realtime\n")
               .arg(QString::fromLatin1(name), -34)
               .arg(t.audioSeconds, 8, 'f', 0)
               .arg(t.wallSeconds, 7, 'f', 2)
               .arg(t.realtime(), 7, 'f', 0);
  };
  row("decode only (FFmpeg), 1 thread", decode1);
  row("full analysis (scan), 1 thread", analysis1);
  row("decode only (FFmpeg), 2 threads", decode2);
  row("full analysis (scan), 2 threads", analysis2);
  out << QStringLiteral("ratio analysis/decode, 1 thread:  %1  (target >= 0.60)\n")
             .arg(analysis1.realtime() / decode1.realtime(), 0, 'f', 2);
  out << QStringLiteral("ratio analysis 2 threads/1 thread: %1  (target >= 1.80)\n")
             .arg(analysis2.realtime() / analysis1.realtime(), 0, 'f', 2);
  out << QStringLiteral("ratio decode 2 threads/1 thread:   %1  (reference)\n")
             .arg(decode2.realtime() / decode1.realtime(), 0, 'f', 2);
  return 0;
}
