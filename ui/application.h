#pragma once

#include <QString>

class QApplication;

namespace songspace::ui {

// What every process that shows Songspace's main window sets up once its QApplication exists
// (app/gui's songspace and bench/bench_startup, so the bench measures the start-up the user
// gets): the core's and FFmpeg's log routed to the songspace.* categories, English plural forms
// for "%n file(s)", the application and organisation names (which QSettings and the cover cache
// are filed under), the version, the window icon and the desktop file name. Call it on the GUI
// thread before the first window is built.
void setUpApplication(QApplication& app, const QString& version);

}  // namespace songspace::ui
