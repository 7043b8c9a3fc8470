#pragma once

#include <QAbstractItemModel>
#include <QHash>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/library/autotag.h"
#include "core/library/autotagapply.h"

namespace songspace::ui {

// The auto-tag preview as a two-level tree: one row per file (checkable unless the engine
// skipped it), under it one checkable row per proposed tag. The file's new values are recomputed
// from what is checked — Add: the old values plus the checked new tags; Replace: exactly the
// checked tags — so the "After" column always shows what apply would write. A file with nothing
// checked (or whose new values equal its old ones) is not written; Replace never empties a field
// because every tag was unchecked. After apply, the Result column holds each file's outcome.
// Tags the engine withheld as guesses (Proposal::withheld) get no row; the After column's tooltip
// names each with its probability and reason.
class AutotagModel : public QAbstractItemModel {
  Q_OBJECT
 public:
  enum Column { NameColumn, ProbabilityColumn, OldColumn, NewColumn, ResultColumn, ColumnCount };
  enum Role {
    PathRole = Qt::UserRole + 1,  // file rows: the file's path
    FileIdRole,                   // file rows: the catalog id
    OldValuesRole,                // file rows: QStringList as read from the file
    NewValuesRole,                // file rows: QStringList apply would write (empty = not written)
    WillWriteRole,                // file rows: bool, part of the next apply
    OutcomeRole,                  // file rows: "written" / "skipped" / "failed" / "" (none yet)
  };

  explicit AutotagModel(QObject* parent = nullptr);

  // Replaces the preview. Choices the user made (unchecked files, unchecked tags) carry over to
  // the same path / tag in the new proposals, so tuning a parameter does not undo them.
  void setProposals(std::vector<library::Proposal> proposals);
  // How file rows name their song (by catalog id): "Title – Artist", where the user recognises
  // it; a file without a label shows its file name (which many stems and game files share:
  // song.ogg, guitar.ogg). The path stays the row's tooltip.
  void setSongLabels(QHash<qint64, QString> labels);
  // The proposals apply should write: checked, not skipped, with the new values recomputed from
  // the checked tags (`added` narrowed to them). Files with nothing to change are left out.
  std::vector<library::Proposal> checkedProposals() const;
  // Outcomes by path (live while applying, or all at the end); clearOutcomes() forgets them.
  void setOutcome(const library::FileOutcome& outcome);
  void clearOutcomes();

  int fileCount() const { return static_cast<int>(m_files.size()); }
  int writableCount() const;  // files that would be written now
  QModelIndex fileIndex(int row, int column = NameColumn) const;
  int rowOfPath(const std::string& path) const;  // -1 if absent

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 Q_SIGNALS:
  void selectionChanged();  // a file or tag was checked / unchecked

 private:
  struct Choice {
    std::string value;                 // as it would be written
    std::optional<float> probability;  // calibrated; unknown for values kept (Replace)
    bool checked = true;
  };
  struct FileItem {
    library::Proposal proposal;
    std::vector<Choice> choices;  // Add: the new tags; Replace: every value of the result
    bool checked = true;
    std::optional<library::FileOutcome> outcome;
  };

  std::vector<std::string> effectiveNewValues(const FileItem& item) const;
  QHash<qint64, QString> m_songLabels;
  bool willWrite(const FileItem& item) const;
  QVariant fileData(const FileItem& item, int column, int role) const;
  QVariant choiceData(const FileItem& item, const Choice& choice, int column, int role) const;
  void fileRowChanged(int row);

  std::vector<FileItem> m_files;
};

// "a; b" for display, "(empty)" for none.
QString joinValues(const std::vector<std::string>& values);
QStringList toStringList(const std::vector<std::string>& values);

}  // namespace songspace::ui
