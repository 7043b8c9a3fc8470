#include "core/library/logging.h"

#include <QString>

#include "core/base/log.h"

namespace songspace::library {

Q_LOGGING_CATEGORY(lcAudio, "songspace.audio", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCatalog, "songspace.catalog", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTrain, "songspace.train", QtInfoMsg)
Q_LOGGING_CATEGORY(lcScan, "songspace.scan", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMap, "songspace.map", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAutotag, "songspace.autotag", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "songspace.ui", QtInfoMsg)

namespace {

using Category = const QLoggingCategory& (*)();

Category categoryOf(log::Area area) {
  switch (area) {
    case log::Area::Audio:
      return &lcAudio;
    case log::Area::Catalog:
      return &lcCatalog;
    case log::Area::Train:
      return &lcTrain;
    case log::Area::Scan:
      return &lcScan;
    case log::Area::Map:
      return &lcMap;
    case log::Area::Autotag:
      return &lcAutotag;
  }
  return &lcUi;  // unreachable: every area is listed above
}

QtMsgType messageTypeOf(log::Level level) {
  switch (level) {
    case log::Level::Debug:
      return QtDebugMsg;
    case log::Level::Info:
      return QtInfoMsg;
    case log::Level::Warning:
      return QtWarningMsg;
    case log::Level::Critical:
      return QtCriticalMsg;
  }
  return QtCriticalMsg;  // unreachable
}

bool isEnabled(log::Area area, log::Level level) {
  return categoryOf(area)().isEnabled(messageTypeOf(level));
}

void writeLine(log::Area area, log::Level level, std::string_view line) {
  const Category category = categoryOf(area);
  const QString text = QString::fromUtf8(line.data(), static_cast<qsizetype>(line.size()));
  switch (level) {
    case log::Level::Debug:
      qCDebug(category).noquote() << text;
      break;
    case log::Level::Info:
      qCInfo(category).noquote() << text;
      break;
    case log::Level::Warning:
      qCWarning(category).noquote() << text;
      break;
    case log::Level::Critical:
      qCCritical(category).noquote() << text;
      break;
  }
}

}  // namespace

void routeCoreLogToCategories() {
  log::setSink({&isEnabled, &writeLine});
}

}  // namespace songspace::library
