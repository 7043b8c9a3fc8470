#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace songspace::core {
class Catalog;
struct TrainOptions;
}  // namespace songspace::core

namespace songspace::cli {

// A tiny argument parser shared by the subcommands: "--name value", "--flag", positionals.
// Unknown options are usage errors, reported by error().
class Arguments {
 public:
  Arguments(const QStringList& args, const QStringList& valueOptions, const QStringList& flags);
  bool ok() const { return m_error.isEmpty(); }
  const QString& error() const { return m_error; }
  bool has(const QString& name) const;
  QString value(const QString& name, const QString& fallback = {}) const;
  // Integer / double option with range check; sets error() when malformed or out of range.
  int intValue(const QString& name, int fallback, int min, int max);
  double doubleValue(const QString& name, double fallback, double min, double max);
  const QStringList& positionals() const { return m_positionals; }
  // The positionals as the original bytes (see rawArguments()), when `raw` lines up with the
  // parsed arguments; otherwise their local 8-bit encoding.
  std::vector<std::string> rawPositionals(const std::vector<std::string>& raw) const;

 private:
  QStringList m_valueOptions;
  QStringList m_flags;
  QHash<QString, QString> m_values;
  QStringList m_positionals;
  std::vector<int> m_positionalIndex;  // index of each positional in the argument list
  QString m_error;
};

// The training options `train` and `eval` share: --dim --subspaces --epochs --loss --threads
// --seed --lr --max-norm --weights TASK=W,... (tags, artist, similar_songs, songs_for_artist,
// similar_artists) --average-decay --lr-decay --optimizer.
QStringList trainOptionNames();
inline constexpr const char* kTrainOptionsSynopsis =
    "[--dim N] [--subspaces M] [--epochs N] [--loss warp|auc] [--threads N] [--seed N] [--lr X] "
    "[--max-norm C] [--weights TASK=W,...] [--average-decay X] [--lr-decay EPOCHS] "
    "[--optimizer adagrad|sgd] [--max-negatives N] [--song-cache REFRESHES]";
// Reads them into `options` (defaults untouched when absent); false with *error on bad values.
bool readTrainOptions(Arguments& args, core::TrainOptions& options, QString* error);

// --db FILE or the platform's default catalog.
QString catalogPathFrom(const Arguments& args);
// Opens the catalog or prints the reason to stderr and returns null.
std::unique_ptr<core::Catalog> openCatalogOrReport(const QString& path);

void printJson(const QJsonObject& object);
int usageError(const char* synopsis, const QString& message);
bool stderrIsTerminal();
// SIGINT/SIGTERM set the returned flag (a job polls it and stops cleanly) instead of killing.
const std::atomic<bool>* installInterruptFlag();
bool interrupted();

}  // namespace songspace::cli
