#pragma once

#include <QString>
#include <QStringList>
#include <functional>
#include <string>
#include <vector>

namespace songspace::cli {

// One songspace-cli subcommand. Each lives in its own cli/cmd_*.cpp and registers itself with a
// static CommandRegistration; main() dispatches on the first argument.
struct Command {
  const char* name;
  QString synopsis;     // e.g. "scan PATH... [--db FILE] [--threads N] [--json]"
  const char* summary;  // one line for `songspace-cli help`
  // args: everything after the command name. Returns the process exit code:
  // 0 success, 1 the job ran but reported failures/errors, 2 usage error.
  std::function<int(const QStringList& args)> run;
  // `songspace-cli help NAME`: one entry per option with its range and default (OptionSet::help).
  std::function<QString()> optionHelp = {};
};

std::vector<Command>& commandRegistry();

// The arguments after the command name exactly as the process received them (bytes), for file
// names that are not valid UTF-8; same order as the QStringList handed to Command::run.
const std::vector<std::string>& rawArguments();

struct CommandRegistration {
  explicit CommandRegistration(Command command) { commandRegistry().push_back(std::move(command)); }
};

}  // namespace songspace::cli
