#include "ui/application.h"

#include <QApplication>
#include <QGuiApplication>
#include <QIcon>

#include "core/library/logging.h"
#include "ui/englishplurals.h"

namespace songspace::ui {

void setUpApplication(QApplication& app, const QString& version) {
  library::routeCoreLogToCategories();  // FFmpeg and the core into songspace.*
  installEnglishPlurals(app);           // "%n file(s)" reads "1 file", "2 files"
  QApplication::setApplicationName(QStringLiteral("Songspace"));
  QApplication::setOrganizationName(QStringLiteral("Songspace"));
  QApplication::setApplicationVersion(version);
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/songspace/songspace.png")));
  QGuiApplication::setDesktopFileName(QStringLiteral("songspace"));
}

}  // namespace songspace::ui
