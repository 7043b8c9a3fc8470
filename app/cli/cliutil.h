#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/parameter.h"
#include "core/library/opencatalog.h"

namespace songspace::core {
class Catalog;
struct CalibrationOptions;
struct TagReadingRules;
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
  const QStringList& positionals() const { return m_positionals; }
  // Records a usage error (the first one wins).
  void setError(const QString& error) {
    if (m_error.isEmpty()) m_error = error;
  }
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

// A command's options, declared once: each is bound to the field it sets and, for numbers and
// choices, to the ParameterSpec / EnumSpec that declares the field in core. Parsing, the range
// check and its message, the synopsis and the `help COMMAND` lines all come from these bindings,
// so the CLI writes no range or default of its own.
class OptionSet {
 public:
  // --name VALUE read as a T within spec's range. A float field may bind a float spec only.
  template <typename T>
  OptionSet& number(const QString& option, const base::ParameterSpec<T>& spec, T& target,
                    const QString& placeholder = {});
  // --name VALUE like number(), into an optional left nullopt when the option is not given: for a
  // parameter whose default is not a constant (e.g. the model's own threshold), which
  // `defaultText` names in the help.
  template <typename T>
  OptionSet& optionalNumber(const QString& option, const base::ParameterSpec<T>& spec,
                            std::optional<T>& target, const QString& placeholder,
                            const QString& defaultText);
  // --name V,V,... : every element within spec's range; replaces target's contents.
  template <typename T>
  OptionSet& numberList(const QString& option, const base::ParameterSpec<T>& spec,
                        std::vector<T>& target, const QString& placeholder);
  template <typename E, std::size_t N>
  OptionSet& choice(const QString& option, const base::EnumSpec<E, N>& spec, E& target);
  // --name VALUE kept as text (file names, labels): no range to check.
  OptionSet& text(const QString& option, const QString& placeholder, const QString& help,
                  QString& target);
  OptionSet& flag(const QString& option, const QString& help, bool& target);
  // --name VALUE handed to `apply`, which returns an error message or an empty string.
  OptionSet& custom(const QString& option, const QString& placeholder, const QString& help,
                    std::function<QString(const QString& value)> apply);

  // How the option last added appears in the synopsis instead of "[--name VALUE]": e.g.
  // "--label COLUMN" for a required one, "(--dry-run | --apply)" for one of a pair; an empty form
  // leaves it out (the pair's other half).
  OptionSet& shownAs(const QString& form);

  // "[--dim N] [--loss warp|auc] [--json]"
  QString synopsis() const;
  // One line per option: the placeholder, what it is, its range and its default (the bound
  // field's value when declared, i.e. the command's default).
  QString help() const;
  // Reads `args`: every given option is checked and stored in its field; the returned Arguments
  // holds the positionals, and error() names the first bad option and its valid range.
  Arguments parse(const QStringList& args) const;

 private:
  struct Option {
    Option(QString name_, QString placeholder_, QString help_,
           std::function<QString(const QString& value)> apply_)
        : name(std::move(name_)),
          placeholder(std::move(placeholder_)),
          help(std::move(help_)),
          apply(std::move(apply_)) {}
    QString name;
    QString placeholder;  // empty for a flag
    QString help;
    std::function<QString(const QString& value)> apply;
    std::optional<QString> synopsisForm;  // shownAs()
  };
  template <typename T>
  static QString describe(const base::ParameterSpec<T>& spec, const QString& defaultText);
  // Parses `value` for `option` within spec's range into `out`; empty or the usage error.
  template <typename T>
  static QString parseNumber(const QString& option, const base::ParameterSpec<T>& spec,
                             const QString& value, T& out);
  std::vector<Option> m_options;
};

// The training options `train` and `eval` share (core::TrainOptions' declarations): --dim
// --subspaces --epochs --loss --threads --seed --lr --max-norm --weights --average-decay
// --lr-decay --optimizer.
void addTrainOptions(OptionSet& options, core::TrainOptions& target);
// The calibration options `train` and `eval` share (core::CalibrationOptions' declarations):
// --calibration-folds --target-precision.
void addCalibrationOptions(OptionSet& options, core::CalibrationOptions& target);
// How tag values are read (core::TagReadingRules' declarations): --placeholders "A|B|…" (replaces
// the list; "" for none) and, with `separators`, --genre-separators CHARS (any of ";,/"; "" for
// none). Commands that read tags from files (scan, autotag) take both; train and eval, which
// read labels from the catalog, the placeholders.
void addReadingOptions(OptionSet& options, core::TagReadingRules& target, bool separators);
// After parse(): unless given, subspaces and threads shrink to what the dimension and the
// subspaces leave room for; then TrainOptions::validate(). Empty or the usage error's message.
QString finishTrainOptions(const Arguments& args, core::TrainOptions& options);

// Help lines of the options every command with a catalog or JSON output shares.
inline const QString kCatalogOptionHelp =
    QStringLiteral("the catalog file (default: library.sqlite in the platform's data folder)");
inline const QString kJsonOptionHelp = QStringLiteral("print the result as JSON");

// --db FILE or the platform's default catalog.
QString catalogPathFrom(const Arguments& args);
// Opens the catalog or prints the reason to stderr and returns null. Only `scan` makes a catalog
// that does not exist (CreateIfMissing); every other command fails with NotFound and leaves no
// file behind: a mistyped --db must not become an empty catalog.
std::unique_ptr<core::Catalog> openCatalogOrReport(
    const QString& path, library::CatalogOpenMode mode = library::CatalogOpenMode::MustExist);

void printJson(const QJsonObject& object);
// Prints "songspace-cli: MESSAGE", the synopsis and where the options are explained; returns 2.
int usageError(const QString& synopsis, const QString& message);
bool stderrIsTerminal();
// SIGINT/SIGTERM set the returned flag (a job polls it and stops cleanly) instead of killing.
const std::atomic<bool>* installInterruptFlag();
bool interrupted();

template <typename T>
QString OptionSet::describe(const base::ParameterSpec<T>& spec, const QString& defaultText) {
  QString text = QString::fromUtf8(spec.description.data(), qsizetype(spec.description.size()));
  text += QStringLiteral("; %1 in %2")
              .arg(QLatin1String(spec.kindText()), QString::fromStdString(spec.rangeText()));
  if (!spec.unit.empty())
    text += QLatin1Char(' ') + QString::fromUtf8(spec.unit.data(), qsizetype(spec.unit.size()));
  return text + QStringLiteral(", default %1").arg(defaultText);
}

template <typename T>
QString OptionSet::parseNumber(const QString& option, const base::ParameterSpec<T>& spec,
                               const QString& value, T& out) {
  const std::optional<T> parsed = spec.parse(value.toStdString());
  if (!parsed)
    return QStringLiteral("%1 must be %2 in %3, not '%4'")
        .arg(option,
             std::is_integral_v<T> ? QStringLiteral("an integer") : QStringLiteral("a number"),
             QString::fromStdString(spec.rangeText()), value);
  out = *parsed;
  return {};
}

template <typename T>
OptionSet& OptionSet::number(const QString& option, const base::ParameterSpec<T>& spec, T& target,
                             const QString& placeholder) {
  const QString shown = placeholder.isEmpty()
                            ? (std::is_integral_v<T> ? QStringLiteral("N") : QStringLiteral("X"))
                            : placeholder;
  m_options.push_back({option, shown,
                       describe(spec, QString::fromStdString(base::formatValue(target))),
                       [option, spec, &target](const QString& value) {
                         return parseNumber(option, spec, value, target);
                       }});
  return *this;
}

template <typename T>
OptionSet& OptionSet::optionalNumber(const QString& option, const base::ParameterSpec<T>& spec,
                                     std::optional<T>& target, const QString& placeholder,
                                     const QString& defaultText) {
  m_options.push_back({option, placeholder, describe(spec, defaultText),
                       [option, spec, &target](const QString& value) {
                         T parsed{};
                         QString error = parseNumber(option, spec, value, parsed);
                         if (error.isEmpty()) target = parsed;
                         return error;
                       }});
  return *this;
}

template <typename T>
OptionSet& OptionSet::numberList(const QString& option, const base::ParameterSpec<T>& spec,
                                 std::vector<T>& target, const QString& placeholder) {
  QString help =
      QString::fromUtf8(spec.description.data(), qsizetype(spec.description.size())) +
      QStringLiteral("; comma-separated, each in %1").arg(QString::fromStdString(spec.rangeText()));
  m_options.push_back(
      {option, placeholder, help, [option, spec, &target](const QString& value) -> QString {
         std::vector<T> values;
         for (const QString& item : value.split(QLatin1Char(','))) {
           const std::optional<T> parsed = spec.parse(item.trimmed().toStdString());
           if (!parsed)
             return QStringLiteral("%1: every value must be a number in %2, not '%3'")
                 .arg(option, QString::fromStdString(spec.rangeText()), item);
           values.push_back(*parsed);
         }
         target = std::move(values);
         return {};
       }});
  return *this;
}

template <typename E, std::size_t N>
OptionSet& OptionSet::choice(const QString& option, const base::EnumSpec<E, N>& spec, E& target) {
  const QString help =
      QString::fromUtf8(spec.description.data(), qsizetype(spec.description.size())) +
      QStringLiteral("; default %1").arg(QLatin1String(spec.wordOf(target)));
  m_options.push_back({option, QString::fromStdString(spec.choicesText("|")), help,
                       [option, spec, &target](const QString& value) -> QString {
                         const std::optional<E> parsed = spec.fromWord(value.toStdString());
                         if (!parsed)
                           return QStringLiteral("%1 must be %2, not '%3'")
                               .arg(option, QString::fromStdString(spec.choicesProse()), value);
                         target = *parsed;
                         return {};
                       }});
  return *this;
}

}  // namespace songspace::cli
