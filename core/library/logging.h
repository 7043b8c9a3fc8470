#pragma once

#include <QLoggingCategory>

// The project's logging categories, one per area, declared here once. Debug output is off by
// default (each category starts at QtInfoMsg); QT_LOGGING_RULES or
// QLoggingCategory::setFilterRules turn areas and levels on and off as usual, e.g.
//   QT_LOGGING_RULES="songspace.audio.debug=true;songspace.scan.info=false"
namespace songspace::library {

Q_DECLARE_LOGGING_CATEGORY(lcAudio)    // songspace.audio: decoding (FFmpeg's own log), tags
Q_DECLARE_LOGGING_CATEGORY(lcCatalog)  // songspace.catalog: the SQLite catalog
Q_DECLARE_LOGGING_CATEGORY(lcTrain)    // songspace.train: model training
Q_DECLARE_LOGGING_CATEGORY(lcScan)     // songspace.scan: library scans and analysis
Q_DECLARE_LOGGING_CATEGORY(lcMap)      // songspace.map: projection and t-SNE
Q_DECLARE_LOGGING_CATEGORY(lcAutotag)  // songspace.autotag: writing predicted tags, undo
Q_DECLARE_LOGGING_CATEGORY(lcUi)       // songspace.ui: widgets, playback, settings

// Routes the log of the Qt-free layers (core/base/log.h: audio, catalog, training, map) into the
// categories above, each line checked against the category's current rules when it is written.
// Call once at start-up, before the first decode (FFmpeg's log level is chosen then); calling
// again changes nothing. Thread-safe: lines may arrive from any worker thread.
void routeCoreLogToCategories();

}  // namespace songspace::library
