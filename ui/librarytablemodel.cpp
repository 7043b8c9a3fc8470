#include "ui/librarytablemodel.h"

#include <QFileInfo>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <QStringList>
#include <algorithm>
#include <cmath>

#include "core/base/prefault.h"
#include "ui/librarysearch.h"

namespace songspace::ui {

namespace {

QString joined(const std::vector<std::string>& parts) {
  QStringList list;
  for (const std::string& part : parts) list << QString::fromStdString(part);
  return list.join(QStringLiteral(", "));
}

QString topPredictedTags(const library::LibrarySnapshot& snapshot, std::int64_t fileId, int count,
                         double threshold) {
  // Read in place (no copy of the file's tags: this runs for every row when the model arrives).
  // A tag that is a guess for the song's length is not listed.
  std::vector<const core::FileTag*> predicted;
  for (const core::FileTag& tag : snapshot.tags.of(fileId)) {
    if (tag.source == core::TagSource::Predicted && tag.score >= threshold &&
        !isPredictedTagGuess(*snapshot.model, fileId, tag.tag))
      predicted.push_back(&tag);
  }
  std::stable_sort(
      predicted.begin(), predicted.end(),
      [](const core::FileTag* a, const core::FileTag* b) { return a->score > b->score; });
  QStringList names;
  for (const core::FileTag* tag : predicted) {
    if (names.size() == count) break;
    names << QString::fromStdString(tag->tag);
  }
  return names.join(QStringLiteral(", "));
}

}  // namespace

LibraryTableModel::LibraryTableModel(QObject* parent) : QAbstractTableModel(parent) {
  // The search texts are built a slice at a time between events once the rows are shown, so
  // that neither showing the table nor the first search keystroke waits for 10^5 of them.
  m_searchTextTimer.setSingleShot(true);
  m_searchTextTimer.setInterval(0);
  connect(&m_searchTextTimer, &QTimer::timeout, this, [this] {
    buildSearchTexts(m_searchTexts.size() + kSearchTextsPerPass);
    if (m_searchTexts.size() < m_rows.size()) m_searchTextTimer.start();
  });
}

QString LibraryTableModel::formatDuration(double seconds) {
  if (!(seconds > 0)) return {};
  // Whole seconds elapsed, as a player's clock counts: the player bar shows the same total.
  const auto total = static_cast<long long>(std::floor(seconds));
  const long long hours = total / 3600, minutes = (total / 60) % 60, secs = total % 60;
  if (hours > 0) {
    return QStringLiteral("%1:%2:%3")
        .arg(hours)
        .arg(minutes, 2, 10, QLatin1Char('0'))
        .arg(secs, 2, 10, QLatin1Char('0'));
  }
  return QStringLiteral("%1:%2").arg(minutes).arg(secs, 2, 10, QLatin1Char('0'));
}

void LibraryTableModel::setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot) {
  // The same read of the catalog, now with its model (JobController opens a library in two
  // steps): the rows stay — sorted, filtered, selected and scrolled as the user left them — and
  // only what the model decides changes.
  if (m_snapshot && snapshot && snapshot->catalogRead == m_snapshot->catalogRead &&
      !m_rows.empty()) {
    m_snapshot = std::move(snapshot);
    const ModelColumns columns = modelColumns();
    for (Row& row : m_rows) fillFromModel(row, columns);
    restartSearchTexts();
    Q_EMIT dataChanged(index(0, PredictedTags),
                       index(static_cast<int>(m_rows.size()) - 1, PredictedTags));
    return;
  }
  beginResetModel();
  m_snapshot = std::move(snapshot);
  m_rows.clear();
  m_rowOfSong.clear();
  const ModelColumns columns = modelColumns();
  if (m_snapshot) {
    const auto& songs = m_snapshot->songs;
    m_rows.reserve(songs.size());
    // Faulted in ahead of the rows, in huge pages (core/base/prefault.h): ~22 MB at 10⁵ songs.
    const base::BackgroundPrefault prefault(m_rows.data(), m_rows.capacity() * sizeof(Row));
    m_rowOfSong.assign(songs.size(), -1);
    // One text per artist and per album, shared by their songs (10⁵ songs have ~10⁴ artists).
    std::unordered_map<std::int64_t, QString> artists;
    std::unordered_map<std::int64_t, QString> albums;
    const auto shared = [](std::unordered_map<std::int64_t, QString>& texts, std::int64_t id,
                           const std::string& text) {
      if (id == 0) return QString::fromStdString(text);
      auto [it, added] = texts.try_emplace(id);
      if (added) it->second = QString::fromStdString(text);
      return it->second;
    };
    for (std::size_t i = 0; i < songs.size(); ++i) {
      const core::SongRow& song = songs[i];
      if (song.state != core::FileState::Analyzed) continue;  // failed files are listed elsewhere
      Row& row = m_rows.emplace_back();
      m_rowOfSong[i] = static_cast<int>(m_rows.size()) - 1;
      row.fileId = song.fileId;
      row.song = static_cast<int>(i);
      row.text[Title] = song.info.title.empty()
                            ? QFileInfo(QString::fromStdString(song.path)).fileName()
                            : QString::fromStdString(song.info.title);
      row.text[Artist] = shared(artists, song.artistId, song.artistName);
      row.text[Album] =
          shared(albums, song.albumId, song.album.empty() ? song.info.album : song.album);
      row.text[Genre] = joined(song.info.genres);
      row.seconds = song.info.durationSeconds;
      row.trackNumber = song.info.trackNumber;
      for (const std::string& warning : song.warnings)
        row.warnings << QString::fromStdString(warning);
      fillFromModel(row, columns);
    }
  }
  restartSearchTexts();
  endResetModel();
}

std::optional<double> predictedTagDisplayThreshold(const library::LibrarySnapshot* snapshot,
                                                   double chosen) {
  if (!snapshot || !snapshot->hasModel()) return std::nullopt;
  const auto& calibration = snapshot->model->model().calibration;
  if (!calibration) return std::nullopt;
  return chosen >= 0 ? chosen : calibration->autoTagThreshold;
}

bool isPredictedTagGuess(const library::ModelSession& session, std::int64_t fileId,
                         const std::string& tag) {
  return session.mayHaveTagGuesses(fileId) &&
         !session.tagGuessOfFile(fileId, session.model().tagIndex(tag)).empty();
}

LibraryTableModel::ModelColumns LibraryTableModel::modelColumns() const {
  ModelColumns columns;
  columns.model = m_snapshot && m_snapshot->hasModel() ? &m_snapshot->model->model() : nullptr;
  // Stored predicted tags are probabilities only when the model is calibrated (trainjob.h).
  const std::optional<double> threshold =
      predictedTagDisplayThreshold(m_snapshot.get(), m_predictedTagThreshold);
  columns.calibrated = threshold.has_value();
  columns.threshold = threshold.value_or(0.0);
  return columns;
}

void LibraryTableModel::fillFromModel(Row& row, const ModelColumns& columns) const {
  row.text[PredictedTags].clear();
  row.unlikeReason.clear();
  if (columns.calibrated) {
    row.text[PredictedTags] =
        topPredictedTags(*m_snapshot, row.fileId, kPredictedTagsShown, columns.threshold);
  }
  const core::Novelty novelty =
      columns.model ? m_snapshot->model->noveltyOfFile(row.fileId) : core::Novelty{};
  if (!novelty.novel()) return;
  row.unlikeReason = QString::fromStdString(novelty.reason());
  const QString tags = row.text[PredictedTags];
  if (novelty.scope == core::NoveltyScope::TaggedSongs) {
    row.text[PredictedTags] = tags.isEmpty() ? tr("unlike your tagged songs")
                                             : tr("unlike your tagged songs — %1").arg(tags);
  } else {
    row.text[PredictedTags] =
        tags.isEmpty() ? tr("unlike your library") : tr("unlike your library — %1").arg(tags);
  }
}

int LibraryTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int LibraryTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant LibraryTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
    return {};
  }
  const Row& row = m_rows[static_cast<std::size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
      return cellText(row, index.column());
    case Qt::ToolTipRole:
      if (index.column() == PredictedTags && !row.unlikeReason.isEmpty()) return row.unlikeReason;
      if (index.column() == Duration && !row.warnings.isEmpty())
        return tr("Analysed with a warning:\n%1").arg(row.warnings.join(u'\n'));
      return QString::fromStdString(m_snapshot->songs[static_cast<std::size_t>(row.song)].path);
    case Qt::ForegroundRole:
      if (index.column() == PredictedTags && !row.unlikeReason.isEmpty())
        return QGuiApplication::palette().brush(QPalette::PlaceholderText);
      return {};
    case Qt::FontRole:
      if (index.column() == PredictedTags && !row.unlikeReason.isEmpty()) {
        QFont font;
        font.setItalic(true);
        return font;
      }
      return {};
    case UnlikeLibraryRole:
      return !row.unlikeReason.isEmpty();
    case TrackNumberRole:
      return row.trackNumber;
    case SearchTextRole:
      return searchTextAt(index.row());
    case Qt::TextAlignmentRole:
      if (index.column() == Duration) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    case SortRole:
      if (index.column() == Duration) return row.seconds;
      return {};
    case FileIdRole:
      return QVariant::fromValue<qint64>(row.fileId);
    default:
      return {};
  }
}

QVariant LibraryTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) return {};
  if (role == Qt::TextAlignmentRole && section == Duration) {
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  }
  if (role != Qt::DisplayRole) return {};
  switch (section) {
    case Title:
      return tr("Title");
    case Artist:
      return tr("Artist");
    case Album:
      return tr("Album");
    case Genre:
      return tr("Genre");
    case Duration:
      return tr("Duration");
    case PredictedTags:
      return tr("Predicted tags");
    default:
      return {};
  }
}

std::int64_t LibraryTableModel::fileIdAt(const QModelIndex& index) const {
  if (!index.isValid() || index.model() != this || index.row() >= rowCount()) return 0;
  return m_rows[static_cast<std::size_t>(index.row())].fileId;
}

const QString& LibraryTableModel::textAt(int row, int column) const {
  return cellText(m_rows[static_cast<std::size_t>(row)], column);
}

const QString& LibraryTableModel::cellText(const Row& row, int column) const {
  if (column != Duration) return row.text[column];
  // Formatted when first shown: most rows of a large library never are.
  if (row.text[Duration].isNull() && row.seconds > 0)
    row.text[Duration] = formatDuration(row.seconds);
  return row.text[Duration];
}

const QString& LibraryTableModel::searchTextAt(int row) const {
  buildSearchTexts(static_cast<std::size_t>(row) + 1);
  return m_searchTexts[static_cast<std::size_t>(row)];
}

void LibraryTableModel::buildSearchTexts(std::size_t rows) const {
  rows = std::min(rows, m_rows.size());
  if (m_searchTexts.size() >= rows) return;
  m_searchTexts.reserve(m_rows.size());
  while (m_searchTexts.size() < rows) {
    const Row& row = m_rows[m_searchTexts.size()];
    constexpr int kSearched[] = {Title, Artist, Album, Genre, PredictedTags};
    // The file's name too (librarysearch.h); the Title cell already is it for an untitled song.
    const core::SongRow& song = m_snapshot->songs[static_cast<std::size_t>(row.song)];
    const QString fileName = song.info.title.empty() ? QString() : searchedFileName(song.path);
    qsizetype length = std::size(kSearched) + fileName.size();
    for (const int column : kSearched) length += row.text[column].size();
    QString text;
    text.reserve(length);
    for (const int column : kSearched) {
      if (!text.isEmpty()) text += QChar(u'\0');
      text += row.text[column];
    }
    if (!fileName.isEmpty()) {
      text += QChar(u'\0');
      text += fileName;
    }
    m_searchTexts.push_back(std::move(text).toCaseFolded());
  }
}

void LibraryTableModel::restartSearchTexts() {
  m_searchTexts.clear();
  if (m_rows.empty()) {
    m_searchTextTimer.stop();
  } else {
    m_searchTextTimer.start();
  }
}

QModelIndex LibraryTableModel::indexOfFile(std::int64_t fileId) const {
  const int song = m_snapshot ? m_snapshot->rowOfSong(fileId) : -1;
  const int row = song < 0 ? -1 : m_rowOfSong[static_cast<std::size_t>(song)];
  return row < 0 ? QModelIndex() : index(row, Title);
}

}  // namespace songspace::ui
