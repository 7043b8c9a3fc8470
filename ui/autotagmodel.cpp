#include "ui/autotagmodel.h"

#include <QBrush>
#include <QFile>
#include <QFileInfo>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <algorithm>
#include <set>
#include <utility>

#include "core/catalog/tagnormalize.h"
#include "ui/appearance.h"
#include "ui/hitlist.h"

namespace songspace::ui {

namespace {

// File rows carry internalId 0; a tag row carries its file's row + 1.
constexpr quintptr kFileItem = 0;

QString pathText(const std::string& path) {
  return QFile::decodeName(path.c_str());
}

// Engine reasons often start with the full path; the row already names the file.
QString reasonText(const std::string& reason, const std::string& path) {
  QString text = QString::fromStdString(reason);
  const QString full = pathText(path);
  if (!full.isEmpty()) text.replace(full, QFileInfo(full).fileName());
  return text;
}

QColor dimmed() {
  return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
}

}  // namespace

QString joinValues(const std::vector<std::string>& values) {
  if (values.empty()) return AutotagModel::tr("(empty)");
  return toStringList(values).join(QStringLiteral("; "));
}

QStringList toStringList(const std::vector<std::string>& values) {
  QStringList list;
  for (const auto& v : values) list << QString::fromStdString(v);
  return list;
}

AutotagModel::AutotagModel(QObject* parent) : QAbstractItemModel(parent) {}

void AutotagModel::setSongLabels(QHash<qint64, QString> labels) {
  m_songLabels = std::move(labels);
  if (!m_files.empty())
    Q_EMIT dataChanged(fileIndex(0), fileIndex(static_cast<int>(m_files.size()) - 1));
}

void AutotagModel::setProposals(std::vector<library::Proposal> proposals) {
  std::set<std::string> uncheckedFiles;
  std::set<std::pair<std::string, std::string>> uncheckedTags;
  for (const FileItem& item : m_files) {
    if (!item.checked) uncheckedFiles.insert(item.proposal.path);
    for (const Choice& c : item.choices) {
      if (!c.checked) uncheckedTags.emplace(item.proposal.path, core::normalizeTag(c.value));
    }
  }

  beginResetModel();
  m_files.clear();
  m_files.reserve(proposals.size());
  for (library::Proposal& p : proposals) {
    FileItem item;
    item.proposal = std::move(p);
    const library::Proposal& q = item.proposal;
    if (!q.skipped()) {
      if (q.mode == library::AutotagMode::Add) {
        for (const auto& tag : q.added) item.choices.push_back({tag.tag, tag.probability, true});
      } else {
        for (const auto& value : q.newValues) {
          const std::string norm = core::normalizeTag(value);
          const auto it = std::find_if(q.added.begin(), q.added.end(), [&](const auto& a) {
            return core::normalizeTag(a.tag) == norm;
          });
          std::optional<float> probability;
          if (it != q.added.end()) probability = it->probability;
          item.choices.push_back({value, probability, true});
        }
      }
    }
    item.checked = !uncheckedFiles.count(q.path);
    for (Choice& c : item.choices) {
      c.checked = !uncheckedTags.count({q.path, core::normalizeTag(c.value)});
    }
    m_files.push_back(std::move(item));
  }
  endResetModel();
  Q_EMIT selectionChanged();
}

std::vector<std::string> AutotagModel::effectiveNewValues(const FileItem& item) const {
  std::vector<std::string> values;
  if (item.proposal.mode == library::AutotagMode::Add) values = item.proposal.oldValues;
  for (const Choice& c : item.choices) {
    if (c.checked) values.push_back(c.value);
  }
  return values;
}

bool AutotagModel::willWrite(const FileItem& item) const {
  if (!item.checked || item.proposal.skipped()) return false;
  const bool anyChecked = std::any_of(item.choices.begin(), item.choices.end(),
                                      [](const Choice& c) { return c.checked; });
  return anyChecked && effectiveNewValues(item) != item.proposal.oldValues;
}

std::vector<library::Proposal> AutotagModel::checkedProposals() const {
  std::vector<library::Proposal> out;
  for (const FileItem& item : m_files) {
    if (!willWrite(item)) continue;
    library::Proposal p = item.proposal;
    p.newValues = effectiveNewValues(item);
    std::vector<library::ProposedTag> added;
    for (const auto& tag : p.added) {
      const auto it = std::find_if(item.choices.begin(), item.choices.end(), [&](const Choice& c) {
        return core::normalizeTag(c.value) == core::normalizeTag(tag.tag);
      });
      if (it != item.choices.end() && it->checked) added.push_back(tag);
    }
    p.added = std::move(added);
    out.push_back(std::move(p));
  }
  return out;
}

int AutotagModel::writableCount() const {
  return static_cast<int>(std::count_if(m_files.begin(), m_files.end(),
                                        [this](const FileItem& f) { return willWrite(f); }));
}

int AutotagModel::rowOfPath(const std::string& path) const {
  for (std::size_t i = 0; i < m_files.size(); ++i) {
    if (m_files[i].proposal.path == path) return static_cast<int>(i);
  }
  return -1;
}

void AutotagModel::setOutcome(const library::FileOutcome& outcome) {
  const int row = rowOfPath(outcome.path);
  if (row < 0) return;
  m_files[static_cast<std::size_t>(row)].outcome = outcome;
  const QModelIndex cell = fileIndex(row, ResultColumn);
  Q_EMIT dataChanged(cell, cell);
}

void AutotagModel::clearOutcomes() {
  for (FileItem& item : m_files) item.outcome.reset();
  if (!m_files.empty()) {
    Q_EMIT dataChanged(fileIndex(0, ResultColumn), fileIndex(fileCount() - 1, ResultColumn));
  }
}

QModelIndex AutotagModel::fileIndex(int row, int column) const {
  return index(row, column, {});
}

QModelIndex AutotagModel::index(int row, int column, const QModelIndex& parent) const {
  if (!hasIndex(row, column, parent)) return {};
  if (!parent.isValid()) return createIndex(row, column, kFileItem);
  return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex AutotagModel::parent(const QModelIndex& child) const {
  if (!child.isValid() || child.internalId() == kFileItem) return {};
  return createIndex(static_cast<int>(child.internalId() - 1), 0, kFileItem);
}

int AutotagModel::rowCount(const QModelIndex& parent) const {
  if (!parent.isValid()) return fileCount();
  if (parent.internalId() != kFileItem || parent.column() != 0) return 0;
  return static_cast<int>(m_files[static_cast<std::size_t>(parent.row())].choices.size());
}

int AutotagModel::columnCount(const QModelIndex&) const {
  return ColumnCount;
}

QVariant AutotagModel::fileData(const FileItem& item, int column, int role) const {
  const library::Proposal& p = item.proposal;
  switch (role) {
    case PathRole:
      return pathText(p.path);
    case FileIdRole:
      return static_cast<qint64>(p.fileId);
    case OldValuesRole:
      return toStringList(p.oldValues);
    case NewValuesRole:
      return willWrite(item) ? toStringList(effectiveNewValues(item)) : QStringList();
    case WillWriteRole:
      return willWrite(item);
    case OutcomeRole:
      return item.outcome ? QLatin1String(library::fileOutcomeName(item.outcome->kind))
                          : QLatin1String("");
    default:
      break;
  }
  if (role == Qt::CheckStateRole && column == NameColumn && !p.skipped()) {
    return item.checked ? Qt::Checked : Qt::Unchecked;
  }
  if (role == Qt::ToolTipRole) {
    if (column == NameColumn) return pathText(p.path);
    if (column == NewColumn && p.skipped()) return QString::fromStdString(p.skipReason);
    if (column == NewColumn && !p.withheld.empty()) {
      // What the engine did not propose although it was probable enough, and why.
      QStringList lines;
      for (const library::ProposedTag& tag : p.withheld) {
        lines << tr("Not proposed: %1 (%2), %3")
                     .arg(QString::fromStdString(tag.tag), percentText(tag.probability),
                          QString::fromStdString(tag.guess));
      }
      return lines.join(QLatin1Char('\n'));
    }
    if (column == ResultColumn && item.outcome) return QString::fromStdString(item.outcome->reason);
  }
  if (role == Qt::ForegroundRole) {
    if (p.skipped() || (column == NewColumn && !willWrite(item))) return QBrush(dimmed());
    if (column == ResultColumn && item.outcome &&
        item.outcome->kind == library::FileOutcomeKind::Failed)
      return QBrush(negativeText(QGuiApplication::palette()));
    if (column == ResultColumn && item.outcome &&
        item.outcome->kind == library::FileOutcomeKind::Written)
      return QBrush(positiveText(QGuiApplication::palette()));
  }
  if (role != Qt::DisplayRole) return {};
  switch (column) {
    case NameColumn:
      if (const auto label = m_songLabels.constFind(static_cast<qint64>(p.fileId));
          label != m_songLabels.constEnd() && !label->isEmpty())
        return *label;
      return QFileInfo(pathText(p.path)).fileName();
    case OldColumn:
      return p.skipped() && p.oldValues.empty() ? QVariant() : joinValues(p.oldValues);
    case NewColumn:
      if (p.skipped()) return tr("skipped: %1").arg(reasonText(p.skipReason, p.path));
      if (!willWrite(item))
        return item.checked ? tr("unchanged (no tag selected)") : tr("unchanged (left out)");
      return joinValues(effectiveNewValues(item));
    case ResultColumn:
      if (!item.outcome) return {};
      if (item.outcome->kind == library::FileOutcomeKind::Written) return tr("written");
      return tr("%1: %2").arg(QLatin1String(library::fileOutcomeName(item.outcome->kind)),
                              reasonText(item.outcome->reason, p.path));
    default:
      return {};
  }
}

QVariant AutotagModel::choiceData(const FileItem& item, const Choice& choice, int column,
                                  int role) const {
  if (role == Qt::CheckStateRole && column == NameColumn) {
    return choice.checked ? Qt::Checked : Qt::Unchecked;
  }
  if (role == Qt::ForegroundRole && (!item.checked || !choice.checked)) return QBrush(dimmed());
  if (role == Qt::ToolTipRole && column == ProbabilityColumn) {
    return tr(
        "calibrated probability that the tag applies: of the tags proposed at 90 %, about "
        "9 in 10 are right");
  }
  if (role == Qt::TextAlignmentRole && column == ProbabilityColumn) {
    return static_cast<int>(Qt::AlignRight | Qt::AlignVCenter);
  }
  if (role != Qt::DisplayRole) return {};
  if (column == NameColumn) return QString::fromStdString(choice.value);
  if (column == ProbabilityColumn) {
    return choice.probability ? percentText(*choice.probability) : tr("kept");
  }
  return {};
}

QVariant AutotagModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.model() != this) return {};
  if (index.internalId() == kFileItem) {
    return fileData(m_files[static_cast<std::size_t>(index.row())], index.column(), role);
  }
  const FileItem& item = m_files[static_cast<std::size_t>(index.internalId() - 1)];
  return choiceData(item, item.choices[static_cast<std::size_t>(index.row())], index.column(),
                    role);
}

bool AutotagModel::setData(const QModelIndex& cell, const QVariant& value, int role) {
  if (role != Qt::CheckStateRole || cell.column() != NameColumn || !cell.isValid() ||
      cell.model() != this)
    return false;
  const bool checked = static_cast<Qt::CheckState>(value.toInt()) == Qt::Checked;
  int fileRow = cell.row();
  if (cell.internalId() == kFileItem) {
    FileItem& item = m_files[static_cast<std::size_t>(fileRow)];
    if (item.proposal.skipped()) return false;
    item.checked = checked;
    const int children = static_cast<int>(item.choices.size());
    if (children > 0) {
      const QModelIndex parentIndex = fileIndex(fileRow);
      Q_EMIT dataChanged(index(0, 0, parentIndex),
                         index(children - 1, ProbabilityColumn, parentIndex));
    }
  } else {
    fileRow = static_cast<int>(cell.internalId() - 1);
    m_files[static_cast<std::size_t>(fileRow)]
        .choices[static_cast<std::size_t>(cell.row())]
        .checked = checked;
    Q_EMIT dataChanged(cell, cell.siblingAtColumn(ProbabilityColumn));
  }
  fileRowChanged(fileRow);
  Q_EMIT selectionChanged();
  return true;
}

void AutotagModel::fileRowChanged(int row) {
  Q_EMIT dataChanged(fileIndex(row, NameColumn), fileIndex(row, ResultColumn));
}

Qt::ItemFlags AutotagModel::flags(const QModelIndex& index) const {
  if (!index.isValid() || index.model() != this) return Qt::NoItemFlags;
  Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
  if (index.internalId() == kFileItem) {
    const FileItem& item = m_files[static_cast<std::size_t>(index.row())];
    if (item.choices.empty()) f |= Qt::ItemNeverHasChildren;
    if (index.column() == NameColumn && !item.proposal.skipped()) f |= Qt::ItemIsUserCheckable;
  } else {
    f |= Qt::ItemNeverHasChildren;
    if (index.column() == NameColumn) f |= Qt::ItemIsUserCheckable;
  }
  return f;
}

QVariant AutotagModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case NameColumn:
      return tr("Song / proposed tag");
    case ProbabilityColumn:
      return tr("Probability");
    case OldColumn:
      return tr("Now");
    case NewColumn:
      return tr("After");
    case ResultColumn:
      return tr("Result");
    default:
      return {};
  }
}

}  // namespace songspace::ui
