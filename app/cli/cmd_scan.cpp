// songspace-cli scan: analyse folders of music into the catalog.
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "app/cli/cliutil.h"
#include "app/cli/command.h"
#include "core/catalog/catalog.h"
#include "core/library/scanjob.h"

namespace songspace::cli {
namespace {

struct Parameters {
  QString db;
  library::ScanOptions scan;
  bool json = false;
};

OptionSet declare(Parameters& p) {
  OptionSet options;
  options.text(QStringLiteral("--db"), QStringLiteral("FILE"), kCatalogOptionHelp, p.db)
      .number(QStringLiteral("--threads"), library::ScanOptions::kThreads, p.scan.threads)
      // K of a codebook learned by this scan (a library that has one keeps it).
      .number(QStringLiteral("--codebook-size"), audio::KMeansParams::kClusters,
              p.scan.codebook.clusters, QStringLiteral("K"))
      // Frames the library keeps in all for re-learning its codebook (a file: N / files found).
      .number(QStringLiteral("--frame-sample-budget"), library::ScanOptions::kFrameSampleBudget,
              p.scan.frameSampleBudget)
      .flag(QStringLiteral("--json"), kJsonOptionHelp, p.json);
  addReadingOptions(options, p.scan.reading, true);
  return options;
}

const QString kSynopsis = [] {
  Parameters defaults;
  return QStringLiteral("scan PATH... ") + declare(defaults).synopsis();
}();

QString formatDuration(double seconds) {
  if (seconds < 0) return QStringLiteral("--:--");
  const long long s = std::llround(seconds);
  return s >= 3600 ? QStringLiteral("%1:%2:%3")
                         .arg(s / 3600)
                         .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
                         .arg(s % 60, 2, 10, QLatin1Char('0'))
                   : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

// One line redrawn in place on a terminal, at most ten times a second.
class TerminalProgress {
 public:
  void update(const library::ScanProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    const bool last = p.done == p.total;
    if (!last && now - m_last < std::chrono::milliseconds(100)) return;
    m_last = now;
    const char* phase = p.phase == library::ScanProgress::Phase::Walking ? "finding files"
                        : p.phase == library::ScanProgress::Phase::LearningCodebook
                            ? "learning codebook"
                        : p.phase == library::ScanProgress::Phase::Analyzing   ? "analysing"
                        : p.phase == library::ScanProgress::Phase::ReadingTags ? "reading tags"
                                                                               : "finishing";
    constexpr int kWidth = 28;
    const int filled = p.total > 0 ? kWidth * p.done / p.total : 0;
    QString bar = QString(filled, QLatin1Char('#')) + QString(kWidth - filled, QLatin1Char('.'));
    QString name = QFile::decodeName(QByteArray::fromStdString(p.current));
    name = name.section(QLatin1Char('/'), -1);
    if (name.size() > 32) name = name.left(29) + QStringLiteral("...");
    QTextStream err(stderr);
    err << "\r\033[K" << phase << " [" << bar << "] " << p.done << "/" << p.total << "  "
        << formatDuration(p.audioSeconds) << " audio  left " << formatDuration(p.etaSeconds) << "  "
        << name;
    err.flush();
  }
  void done() { QTextStream(stderr) << "\r\033[K"; }

 private:
  std::chrono::steady_clock::time_point m_last{};
};

QJsonArray issuesJson(const std::vector<library::ScanIssue>& issues) {
  QJsonArray array;
  for (const auto& issue : issues) {
    array.append(QJsonObject{{QStringLiteral("path"), QFile::decodeName(issue.path.c_str())},
                             {QStringLiteral("code"), QString::fromStdString(issue.code)},
                             {QStringLiteral("reason"), QString::fromStdString(issue.reason)}});
  }
  return array;
}

QJsonArray notesJson(const std::vector<library::PlaylistEntryNote>& notes, bool resolved) {
  QJsonArray array;
  for (const auto& note : notes) {
    QJsonObject object{{QStringLiteral("line"), note.line},
                       {QStringLiteral("entry"), QString::fromStdString(note.entry)},
                       {QStringLiteral("title"), QString::fromStdString(note.title)}};
    if (resolved) {
      object.insert(QStringLiteral("file"), QFile::decodeName(note.detail.c_str()));
      object.insert(QStringLiteral("rule"), QString::fromLatin1(library::matchRuleName(note.rule)));
      if (note.rule == library::MatchRule::TrailingComponents)
        object.insert(QStringLiteral("components"), note.components);
    } else {
      object.insert(QStringLiteral("reason"), QString::fromStdString(note.detail));
    }
    array.append(object);
  }
  return array;
}

QJsonArray playlistsJson(const std::vector<library::PlaylistImport>& imports) {
  QJsonArray array;
  for (const auto& p : imports) {
    array.append(QJsonObject{
        {QStringLiteral("path"), QFile::decodeName(p.path.c_str())},
        {QStringLiteral("name"), QString::fromStdString(p.name)},
        {QStringLiteral("format"), QString::fromLatin1(library::playlistFormatName(p.format))},
        {QStringLiteral("encoding"), QString::fromStdString(p.encoding)},
        {QStringLiteral("entries"), p.entries},
        {QStringLiteral("resolved"), p.resolved},
        {QStringLiteral("truncated"), QString::fromStdString(p.truncated)},
        {QStringLiteral("unresolved"), notesJson(p.unresolved, false)},
        {QStringLiteral("matched_by_fallback"), notesJson(p.inexact, true)},
    });
  }
  return array;
}

// "  line 3: ..\a\b.flac (Artist - Title)"
QString noteHead(const library::PlaylistEntryNote& note) {
  QString text =
      QStringLiteral("  line %1: %2").arg(note.line).arg(QString::fromStdString(note.entry));
  if (!note.title.empty()) text += QStringLiteral(" (%1)").arg(QString::fromStdString(note.title));
  return text;
}

void printPlaylists(QTextStream& out, const std::vector<library::PlaylistImport>& imports) {
  for (const auto& p : imports) {
    out << "playlist " << QFile::decodeName(p.path.c_str()) << ": " << p.resolved << " of "
        << p.entries << " entries found (" << library::playlistFormatName(p.format) << ", "
        << QString::fromStdString(p.encoding) << ")\n";
    // Unresolved entries and fallback matches, in the order of their lines.
    std::vector<std::pair<int, QString>> lines;
    for (const auto& note : p.unresolved)
      lines.emplace_back(note.line, noteHead(note) + QStringLiteral(" — not found: ") +
                                        QString::fromStdString(note.detail));
    for (const auto& note : p.inexact) {
      lines.emplace_back(note.line,
                         noteHead(note) + QStringLiteral(" → ") +
                             QFile::decodeName(note.detail.c_str()) +
                             (note.rule == library::MatchRule::CaseInsensitive
                                  ? QStringLiteral(" (case-insensitive match)")
                                  : QStringLiteral(" (matched by its last %1 path component(s))")
                                        .arg(note.components)));
    }
    std::stable_sort(lines.begin(), lines.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& line : lines) out << line.second << "\n";
  }
}

int run(const QStringList& rawArgs) {
  Parameters p;
  const Arguments args = declare(p).parse(rawArgs);
  if (!args.ok()) return usageError(kSynopsis, args.error());
  if (args.positionals().isEmpty()) return usageError(kSynopsis, QStringLiteral("no PATH given"));

  const QString dbPath = catalogPathFrom(args);
  auto catalog = openCatalogOrReport(dbPath, library::CatalogOpenMode::CreateIfMissing);
  if (!catalog) return 1;

  library::ScanOptions& options = p.scan;
  for (const std::string& root : args.rawPositionals(rawArguments()))
    options.roots.emplace_back(root);
  options.cancel = installInterruptFlag();
  TerminalProgress terminal;
  const bool showProgress = stderrIsTerminal();
  if (showProgress)
    options.progress = [&](const library::ScanProgress& progress) { terminal.update(progress); };

  const library::ScanSummary summary = library::runScan(*catalog, options);
  if (showProgress) terminal.done();

  if (p.json) {
    printJson(QJsonObject{
        {QStringLiteral("catalog"), dbPath},
        {QStringLiteral("files_seen"), summary.filesSeen},
        {QStringLiteral("analyzed"), summary.analyzed},
        {QStringLiteral("unchanged"), summary.unchanged},
        {QStringLiteral("revived"), summary.revived},
        {QStringLiteral("tags_reread"), summary.tagsReread},
        {QStringLiteral("missing"), summary.missing},
        {QStringLiteral("playlists"), summary.playlists},
        {QStringLiteral("own_playlists"), summary.ownPlaylists},
        {QStringLiteral("playlist_reports"), playlistsJson(summary.playlistImports)},
        {QStringLiteral("failed"), issuesJson(summary.failed)},
        {QStringLiteral("warnings"), issuesJson(summary.warnings)},
        {QStringLiteral("problems"), issuesJson(summary.problems)},
        {QStringLiteral("audio_seconds"), summary.audioSeconds},
        {QStringLiteral("wall_seconds"), summary.wallSeconds},
        {QStringLiteral("codebook_learned"), summary.codebookLearned},
        {QStringLiteral("codebook_size"), summary.codebookSize},
        {QStringLiteral("cancelled"), summary.cancelled},
    });
  } else {
    QTextStream out(stdout);
    for (const auto& f : summary.failed) {
      out << "failed   " << QFile::decodeName(f.path.c_str()) << ": "
          << QString::fromStdString(f.reason) << "\n";
    }
    for (const auto& w : summary.warnings) {
      out << "warning  " << QFile::decodeName(w.path.c_str()) << ": "
          << QString::fromStdString(w.reason) << "\n";
    }
    for (const auto& problem : summary.problems) {
      out << "problem  " << QFile::decodeName(problem.path.c_str()) << ": "
          << QString::fromStdString(problem.reason) << "\n";
    }
    printPlaylists(out, summary.playlistImports);
    out << "catalog  " << dbPath << "\n";
    out << summary.filesSeen << " files seen, " << summary.analyzed << " analysed, "
        << summary.unchanged << " unchanged, " << summary.failed.size() << " failed, "
        << summary.missing << " missing, " << summary.playlists << " playlists\n";
    if (summary.tagsReread > 0)
      out << "read the tags of " << summary.tagsReread
          << " unchanged files again: the tag reading rules changed\n";
    out << formatDuration(summary.audioSeconds) << " of audio in "
        << QString::number(summary.wallSeconds, 'f', 1) << " s";
    if (summary.wallSeconds > 0 && summary.audioSeconds > 0) {
      out << " (" << QString::number(summary.audioSeconds / summary.wallSeconds, 'f', 0)
          << "x realtime)";
    }
    out << "\n";
    if (summary.codebookLearned)
      out << "learned a codebook of " << summary.codebookSize << " codewords\n";
    if (summary.cancelled) out << "cancelled: the next scan resumes where this one stopped\n";
  }
  if (!summary.status.ok()) {
    QTextStream(stderr) << "songspace-cli: " << QString::fromStdString(summary.status.message)
                        << "\n";
    return 1;
  }
  return summary.cancelled ? 130 : 0;
}

const CommandRegistration kRegistration({"scan", kSynopsis,
                                         "analyse the music under PATH into the catalog "
                                         "(incremental: unchanged files are skipped)",
                                         run, [] {
                                           Parameters defaults;
                                           return declare(defaults).help();
                                         }});

}  // namespace
}  // namespace songspace::cli
