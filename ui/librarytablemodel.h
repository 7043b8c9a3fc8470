#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <QTimer>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/library/librarysnapshot.h"

namespace songspace::ui {

// The display threshold of predicted tags in force for `snapshot`'s model, shared by the table,
// the inspector and the map: `chosen` (settings::kPredictedTagsThreshold) when it is in [0, 1],
// else the model's auto-tag threshold (core::Calibration::autoTagThreshold); nullopt without a
// calibrated model, whose scores are not probabilities.
std::optional<double> predictedTagDisplayThreshold(const library::LibrarySnapshot* snapshot,
                                                   double chosen);

// Whether the stored predicted tag named `tag` is a guess for song `fileId`
// (library::ModelSession::tagGuessOfFile), shared by the table and the map. Cheap for the songs
// no tag can be a guess for (ModelSession::mayHaveTagGuesses); the name is looked up otherwise.
bool isPredictedTagGuess(const library::ModelSession& session, std::int64_t fileId,
                         const std::string& tag);

// The library table: one row per analysed song of a library::LibrarySnapshot (failed files are not
// rows), in the snapshot's order. Display strings are built once per snapshot so that sorting
// and filtering 10^5 rows does not format anything. Every cell answers FileIdRole; the Duration
// column answers SortRole with seconds; tooltips show the full path, the Duration cell's the
// analysis warnings instead when there are any (core::SongRow::warnings: a duration the header
// claims that differs from the decoded one, truncation, corrupt packets). The Predicted tags column
// lists at most kPredictedTagsShown of the tags the last training stored for the song, those whose
// calibrated probability reaches the display threshold, most probable first; none for a model
// without calibration (its stored scores are not probabilities). For a song unlike the library
// (core/model/novelty.h) the cell reads "unlike your library" before those tags, greyed
// (ForegroundRole: the palette's placeholder text) and italic (FontRole), and its tooltip
// (ToolTipRole) gives the reason; UnlikeLibraryRole is true on every cell of such a row.
class LibraryTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Title, Artist, Album, Genre, Duration, PredictedTags, ColumnCount };
  static constexpr int SortRole = Qt::UserRole + 1;
  static constexpr int FileIdRole = Qt::UserRole + 2;
  static constexpr int UnlikeLibraryRole = Qt::UserRole + 3;
  static constexpr int TrackNumberRole = Qt::UserRole + 4;  // every cell; 0 = unknown
  // Every cell: the row's Title, Artist, Album, Genre and Predicted tags texts and its file's
  // name case folded (QString::toCaseFolded) and joined by U+0000, so a search word occurs in one
  // of those exactly when it occurs in this text (ui/librarysearch.h). Built once per change of
  // rows or predicted tags (what a search keystroke would otherwise redo for every row): in the
  // event loop's idle passes, kSearchTextsPerPass rows each, and the rest at once when a row not
  // built yet is asked for.
  static constexpr int SearchTextRole = Qt::UserRole + 5;
  static constexpr int kPredictedTagsShown = 3;
  static constexpr std::size_t kSearchTextsPerPass = 2048;

  explicit LibraryTableModel(QObject* parent = nullptr);

  // A snapshot of the same catalog read as the current one (LibrarySnapshot::catalogRead: the
  // library part first, then with its model) keeps the rows and changes only the Predicted tags
  // column (dataChanged); any other resets the model.
  void setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot);
  // In [0, 1]; negative (the default): the model's auto-tag threshold. Takes effect at the next
  // setSnapshot() (settings::kPredictedTagsThreshold holds the user's choice).
  void setPredictedTagThreshold(double threshold) { m_predictedTagThreshold = threshold; }
  const std::shared_ptr<const library::LibrarySnapshot>& snapshot() const { return m_snapshot; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

  std::int64_t fileIdAt(const QModelIndex& index) const;  // 0 for an invalid index
  // What data() answers without a QVariant (LibraryFilterProxy reads every row per keystroke):
  // the display text of a cell and a row's SearchTextRole text (built for every row at the first
  // call after a change). row in [0, rowCount()), column in [0, ColumnCount).
  const QString& textAt(int row, int column) const;
  const QString& searchTextAt(int row) const;
  QModelIndex indexOfFile(std::int64_t fileId) const;  // column Title; invalid if absent

  // "m:ss" (or "h:mm:ss" from an hour on) of the whole seconds, as a player's clock counts
  // them (the player bar uses it too); empty for an unknown duration.
  static QString formatDuration(double seconds);

 private:
  struct Row {
    std::int64_t fileId = 0;
    int song = 0;  // index into the snapshot's songs (its path, for the tool tip)
    // Duration's text is formatted when first asked for (cellText).
    mutable QString text[ColumnCount];
    double seconds = 0;
    QStringList warnings;  // core::SongRow::warnings
    int trackNumber = 0;
    QString unlikeReason;  // empty: the song is like the library (or there is no novelty fit)
  };
  const QString& cellText(const Row& row, int column) const;

  // What the Predicted tags column needs from the snapshot's model.
  struct ModelColumns {
    const core::JointModel* model = nullptr;
    bool calibrated = false;
    double threshold = 0;
  };
  ModelColumns modelColumns() const;
  // The row's Predicted tags text and unlike reason from the snapshot's model.
  void fillFromModel(Row& row, const ModelColumns& columns) const;
  // m_searchTexts for the first `rows` rows (those missing appended).
  void buildSearchTexts(std::size_t rows) const;
  // Drops the search texts and starts building them between events.
  void restartSearchTexts();

  std::shared_ptr<const library::LibrarySnapshot> m_snapshot;
  double m_predictedTagThreshold = -1;
  std::vector<Row> m_rows;
  std::vector<int> m_rowOfSong;  // the row of each of the snapshot's songs, -1 for none
  mutable std::vector<QString> m_searchTexts;  // SearchTextRole of the first rows built
  QTimer m_searchTextTimer;                    // builds the next slice of m_searchTexts
};

}  // namespace songspace::ui
