#pragma once

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariant>

#include "core/catalog/tagnormalize.h"

// Every QSettings key of the GUI, declared once with its type and default. Read and write through
// these, never with a literal key: a key spelled twice drifts.
namespace songspace::ui::settings {

template <typename T>
struct Key {
  QString name;
  T defaultValue{};

  [[nodiscard]] T read(const QSettings& store = QSettings()) const {
    return store.value(name, QVariant::fromValue(defaultValue)).template value<T>();
  }
  void write(const T& value) const { QSettings().setValue(name, QVariant::fromValue(value)); }
  void write(QSettings& store, const T& value) const {
    store.setValue(name, QVariant::fromValue(value));
  }
};

// MainWindow::saveGeometry() and the splitter's saveState(), restored at start-up.
inline const Key<QByteArray> kWindowGeometry{QStringLiteral("window/geometry")};
inline const Key<QByteArray> kWindowSplitter{QStringLiteral("window/splitter")};
// QMainWindow::saveState(): where the play queue dock is and whether it is shown.
inline const Key<QByteArray> kWindowState{QStringLiteral("window/state")};
// Whether the play queue panel is wanted (View › Play Queue). It shows, when wanted, only while
// the queue has songs: an empty queue does not take a quarter of a 1024-pixel-wide window.
inline const Key<bool> kQueuePanelWanted{QStringLiteral("window/queuePanelWanted"), true};
// The map's "Colour by" choice (MapPanel::ColorBy as int).
inline const Key<int> kMapColorBy{QStringLiteral("map/colorBy"), 0};
// Whether the map's help overlay (its gestures and keys) has been seen and dismissed: it shows by
// itself once, the first time the map has songs; the map's "?" shows it again.
inline const Key<bool> kMapHelpSeen{QStringLiteral("map/helpSeen"), false};
// The catalog opened last (absolute path), reopened at start-up when it still exists.
inline const Key<QString> kLastCatalog{QStringLiteral("library/lastCatalog")};
// Whether the GUI starts with its dark palette (`songspace --dark` turns it on for one run).
inline const Key<bool> kDarkAppearance{QStringLiteral("appearance/dark"), false};

// The library table's "Predicted tags" column lists a song's tags whose calibrated probability is
// at least this (most probable first); negative: the model's auto-tag threshold
// (core::Calibration::autoTagThreshold), the same line auto-tag proposes from.
inline const Key<double> kPredictedTagsThreshold{QStringLiteral("library/predictedTagsThreshold"),
                                                 -1.0};

// The player's volume, 0–100 (the slider's scale; the output gets it on a logarithmic scale).
inline const Key<int> kPlayerVolume{QStringLiteral("player/volume"), 80};
// The play queue (PlayQueue::save(): a list of {fileId, path, title}) and its current row. In the
// settings, not the catalog: it is the GUI's session state like the window geometry, may hold
// files outside the catalog, survives opening another catalog, and the catalog is shared with the
// CLI, which has no queue.
inline const Key<QVariantList> kPlayQueue{QStringLiteral("player/queue")};
inline const Key<int> kPlayQueueCurrent{QStringLiteral("player/queueCurrent"), -1};

// How scans, training and auto-tag read tag values (core::TagReadingRules, whose declarations
// give the defaults): the placeholders as "a|b|c" and the characters that split one genre value.
// Edit › Preferences edits them (ui/preferencesdialog.h).
inline const Key<QString> kTagPlaceholders{
    QStringLiteral("tags/placeholders"),
    QString::fromStdString(
        core::TagReadingRules::joinPlaceholderList(core::TagReadingRules::defaultPlaceholders()))};
inline const Key<QString> kGenreSeparators{
    QStringLiteral("tags/genreSeparators"),
    QString::fromUtf8(core::TagReadingRules::kDefaultGenreSeparators.data(),
                      core::TagReadingRules::kDefaultGenreSeparators.size())};

// The reading rules of the settings; separators that fail TagReadingRules::validate() are
// replaced by the default. Safe from any thread (QSettings is reentrant).
[[nodiscard]] inline core::TagReadingRules tagReadingRules(const QSettings& store = QSettings()) {
  core::TagReadingRules rules;
  rules.placeholders =
      core::TagReadingRules::parsePlaceholderList(kTagPlaceholders.read(store).toStdString());
  rules.genreSeparators = kGenreSeparators.read(store).toStdString();
  if (!rules.validate().empty())
    rules.genreSeparators = std::string(core::TagReadingRules::kDefaultGenreSeparators);
  return rules;
}

// The music folders scanned into one catalog, offered for a rescan. Catalog paths go in hex:
// a QSettings key must not carry a path's '/' runs.
[[nodiscard]] inline Key<QStringList> libraryFolders(const QString& catalogPath) {
  return {QStringLiteral("libraries/") + QString::fromLatin1(catalogPath.toUtf8().toHex()) +
          QStringLiteral("/folders")};
}

}  // namespace songspace::ui::settings
