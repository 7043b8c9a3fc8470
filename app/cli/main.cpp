#include <QCoreApplication>
#include <QTextStream>
#include <algorithm>

#include "app/cli/command.h"
#include "core/library/logging.h"

namespace songspace::cli {

std::vector<std::string>& rawArgumentStorage() {
  static std::vector<std::string> raw;
  return raw;
}

const std::vector<std::string>& rawArguments() {
  return rawArgumentStorage();
}

std::vector<Command>& commandRegistry() {
  static std::vector<Command> registry;
  return registry;
}

}  // namespace songspace::cli

namespace {

void printUsage(QTextStream& out) {
  auto commands = songspace::cli::commandRegistry();
  std::sort(commands.begin(), commands.end(),
            [](const auto& a, const auto& b) { return qstrcmp(a.name, b.name) < 0; });
  out << "usage: songspace-cli COMMAND [ARGS]   (songspace-cli help COMMAND: its options)\n\n"
         "commands:\n";
  for (const auto& command : commands) {
    out << "  " << command.synopsis << "\n      " << command.summary << "\n";
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  QCoreApplication app(argc, argv);
  QCoreApplication::setApplicationName(QStringLiteral("Songspace"));
  QCoreApplication::setOrganizationName(QStringLiteral("Songspace"));
  QCoreApplication::setApplicationVersion(QStringLiteral(SONGSPACE_VERSION));
  // FFmpeg's own warnings and the core's log reach stderr as songspace.<area> lines, which
  // QT_LOGGING_RULES switches on and off (e.g. "songspace.audio.warning=false").
  songspace::library::routeCoreLogToCategories();

  QStringList args = QCoreApplication::arguments().mid(1);
  // File names need not be UTF-8: keep the bytes the shell gave us (after the command name).
  for (int i = 2; i < argc; ++i) songspace::cli::rawArgumentStorage().emplace_back(argv[i]);
  QTextStream err(stderr);
  if (args.size() == 2 && args.first() == QStringLiteral("help")) {
    for (const auto& command : songspace::cli::commandRegistry()) {
      if (args[1] != QLatin1String(command.name)) continue;
      QTextStream out(stdout);
      out << "usage: songspace-cli " << command.synopsis << "\n    " << command.summary << "\n";
      if (command.optionHelp) out << "\noptions:\n" << command.optionHelp();
      return 0;
    }
    err << "songspace-cli: unknown command '" << args[1] << "'\n";
    return 2;
  }
  if (args.isEmpty() || args.first() == QStringLiteral("help") ||
      args.first() == QStringLiteral("--help") || args.first() == QStringLiteral("-h")) {
    QTextStream out(stdout);
    printUsage(args.isEmpty() ? err : out);
    return args.isEmpty() ? 2 : 0;
  }
  if (args.first() == QStringLiteral("--version")) {
    QTextStream(stdout) << "songspace-cli " << SONGSPACE_VERSION << "\n";
    return 0;
  }
  const QString name = args.takeFirst();
  for (const auto& command : songspace::cli::commandRegistry()) {
    if (name == QLatin1String(command.name)) return command.run(args);
  }
  err << "songspace-cli: unknown command '" << name << "'\n\n";
  printUsage(err);
  return 2;
}
