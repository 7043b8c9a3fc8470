// songspace-cli accept: the values auto-tag wrote become the user's own tags (training labels).
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include "app/cli/cliutil.h"
#include "app/cli/command.h"
#include "core/catalog/catalog.h"
#include "core/library/tagaccept.h"

namespace songspace::cli {
namespace {

struct AcceptParameters {
  QString db;
  bool json = false;
};

OptionSet declareAccept(AcceptParameters& p) {
  OptionSet options;
  options.text(QStringLiteral("--db"), QStringLiteral("FILE"), kCatalogOptionHelp, p.db)
      .flag(QStringLiteral("--json"), kJsonOptionHelp, p.json);
  return options;
}

const QString kAcceptSynopsis = [] {
  AcceptParameters defaults;
  return QStringLiteral("accept BATCH|PATH... ") + declareAccept(defaults).synopsis();
}();

int runAccept(const QStringList& rawArgs) {
  AcceptParameters given;
  const Arguments args = declareAccept(given).parse(rawArgs);
  if (!args.ok()) return usageError(kAcceptSynopsis, args.error());
  if (args.positionals().isEmpty())
    return usageError(kAcceptSynopsis, QStringLiteral("name an auto-tag batch or a file"));
  // A number that is not an existing file names a batch (as `autotag` reads ids).
  library::AcceptRequest request;
  for (const QString& what : args.positionals()) {
    bool isNumber = false;
    const qlonglong id = what.toLongLong(&isNumber);
    if (isNumber && !QFileInfo::exists(what)) {
      if (id <= 0) return usageError(kAcceptSynopsis, QStringLiteral("BATCH must be a batch id"));
      request.batches.push_back(id);
    } else {
      request.paths.push_back(
          QFile::encodeName(QDir::cleanPath(QFileInfo(what).absoluteFilePath())).toStdString());
    }
  }
  auto catalog = openCatalogOrReport(catalogPathFrom(args));
  if (!catalog) return 1;
  const library::AcceptResult result = library::acceptWritten(*catalog, request);
  const auto pathOf = [&](std::int64_t fileId) {
    const auto row = catalog->fileById(fileId);
    return row ? QFile::decodeName(row->path.c_str()) : QString();
  };
  if (given.json) {
    QJsonArray tags;
    for (const core::WrittenTag& tag : result.tags) {
      tags.append(QJsonObject{{QStringLiteral("path"), pathOf(tag.fileId)},
                              {QStringLiteral("file_id"), static_cast<qint64>(tag.fileId)},
                              {QStringLiteral("tag"), QString::fromStdString(tag.tag)},
                              {QStringLiteral("batch"), static_cast<qint64>(tag.batchId)}});
    }
    QJsonObject object{{QStringLiteral("accepted"), tags},
                       {QStringLiteral("edits"), static_cast<qint64>(result.edits.size())},
                       {QStringLiteral("files"), result.files()}};
    if (!result.status.ok()) {
      object.insert(QStringLiteral("error"), QString::fromStdString(result.status.message));
      object.insert(QStringLiteral("code"),
                    QLatin1String(base::errorCodeName(result.status.error)));
    }
    printJson(object);
  } else if (!result.status.ok()) {
    QTextStream(stderr) << "songspace-cli: " << QString::fromStdString(result.status.message)
                        << "\n";
  } else {
    QTextStream out(stdout);
    for (const core::WrittenTag& tag : result.tags)
      out << pathOf(tag.fileId) << ": " << QString::fromStdString(tag.tag) << "\n";
    out << "accepted " << result.tags.size() << " values in " << result.files()
        << " files as your tags (" << result.edits.size() << " edits)\n";
  }
  return result.status.ok() ? 0 : 1;
}

const CommandRegistration kAccept({"accept", kAcceptSynopsis,
                                   "make the values an auto-tag batch (or the given files) got "
                                   "your own tags, which training learns from",
                                   runAccept, [] {
                                     AcceptParameters defaults;
                                     return declareAccept(defaults).help();
                                   }});

}  // namespace
}  // namespace songspace::cli
