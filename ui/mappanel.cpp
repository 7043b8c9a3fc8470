#include "ui/mappanel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHash>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <string>
#include <unordered_map>

#include "core/library/playlistfile.h"
#include "ui/librarysearch.h"
#include "ui/librarytablemodel.h"
#include "ui/maphelpoverlay.h"
#include "ui/mapview.h"
#include "ui/settingskeys.h"

namespace songspace::ui {
namespace {

// Songs whose search text one pass between events folds: a few milliseconds (as the library
// table's, LibraryTableModel, whose passes are twice as long).
constexpr std::size_t kSearchTextsPerPass = 1024;

// The key a song is coloured by. By tag: a tag of its own (from the file or the user) first;
// else its most probable predicted tag, only when that reaches `likely` (the display threshold,
// a calibrated probability; negative: predictions are never used) and the song's tags are not
// guesses (unlike the library or the tagged songs, or that tag a guess for its length:
// ModelSession::tagGuessOfFile); else none (the neutral colour), as the table's Predicted tags
// column shows nothing then.
QString colorKeyOf(const library::LibrarySnapshot& snapshot, const core::SongRow& song, int colorBy,
                   double likely) {
  if (colorBy == MapPanel::ByArtist) return QString::fromStdString(song.artistName);
  if (colorBy == MapPanel::ByAlbum) return QString::fromStdString(song.album);
  const std::span<const core::FileTag> tags = snapshot.tags.of(song.fileId);
  if (tags.empty()) return {};
  const auto best = std::min_element(tags.begin(), tags.end(),
                                     [](const core::FileTag& a, const core::FileTag& b) {
                                       const bool aOwn = a.source != core::TagSource::Predicted;
                                       const bool bOwn = b.source != core::TagSource::Predicted;
                                       if (aOwn != bOwn) return aOwn;
                                       return a.score > b.score;
                                     });
  if (best->source == core::TagSource::Predicted &&
      (likely < 0 || best->score < likely || snapshot.model->noveltyOfFile(song.fileId).novel() ||
       isPredictedTagGuess(*snapshot.model, song.fileId, best->tag)))
    return {};
  return QString::fromStdString(best->tag);
}

QVector<QPointF> rowsToPoints(const Eigen::MatrixXf& m, int from, int count) {
  QVector<QPointF> out;
  out.reserve(count);
  for (int i = from; i < from + count; ++i) out.append(QPointF(m(i, 0), m(i, 1)));
  return out;
}

// Of `places` (not empty; reordered), the one nearest to their median point (the median of the
// x's and of the y's): on one of them, and not pulled off by a few far ones as a mean is. O(n).
QPointF nearestToMedian(std::vector<QPointF>& places) {
  const auto middle = places.begin() + static_cast<std::ptrdiff_t>(places.size() / 2);
  std::nth_element(places.begin(), middle, places.end(),
                   [](QPointF a, QPointF b) { return a.x() < b.x(); });
  const double x = middle->x();
  std::nth_element(places.begin(), middle, places.end(),
                   [](QPointF a, QPointF b) { return a.y() < b.y(); });
  const QPointF median(x, middle->y());
  return *std::min_element(places.begin(), places.end(), [&median](QPointF a, QPointF b) {
    return QPointF::dotProduct(a - median, a - median) <
           QPointF::dotProduct(b - median, b - median);
  });
}

// Per tag of the model (up to layout.tagCount), how many of the layout's songs carry it as a label.
std::vector<int> labelledSongsOfTags(const library::LibrarySnapshot& snapshot,
                                     const library::MapLayout& layout) {
  const core::JointModel& model = snapshot.model->model();
  const std::unordered_map<std::string, int> tagIndex = core::nameIndex(model.tagNames);
  std::vector<int> counts(model.tagNames.size(), 0);
  for (const std::int64_t id : layout.fileIds) {
    if (!snapshot.song(id)) continue;
    for (const core::FileTag& tag : snapshot.tags.of(id)) {
      if (tag.source == core::TagSource::Predicted || tag.written) continue;
      if (const auto it = tagIndex.find(tag.tag); it != tagIndex.end())
        ++counts[static_cast<std::size_t>(it->second)];
    }
  }
  return counts;
}

// Where each landmark goes for the layout positions `p` (points × 2): the artists', then the
// tags', as MapPanel::rebuild lists them. A landmark sits on a song it names: of the artist's
// songs, or of the songs that carry the tag as a label, the one nearest to their median place;
// the layout's own point for one that names no song on the map (design.md §3 "The map"). Used
// both when the map is built and when the refined layout's animation moves it, so the labels end
// on their songs either way.
QVector<QPointF> landmarkPlaces(const library::LibrarySnapshot& snapshot,
                                const library::MapLayout& layout, const Eigen::MatrixXf& p) {
  const core::JointModel& model = snapshot.model->model();
  const std::unordered_map<std::string, int> artistIndex = core::nameIndex(model.artistNames);
  const std::unordered_map<std::string, int> tagIndex = core::nameIndex(model.tagNames);
  std::vector<std::vector<QPointF>> artistPlaces(model.artistNames.size());
  std::vector<std::vector<QPointF>> tagPlaces(model.tagNames.size());
  for (int i = 0; i < layout.songCount(); ++i) {
    const std::int64_t id = layout.fileIds[static_cast<std::size_t>(i)];
    const core::SongRow* song = snapshot.song(id);
    if (!song) continue;
    const QPointF pos(p(i, 0), p(i, 1));
    if (const auto it = artistIndex.find(song->artistName); it != artistIndex.end())
      artistPlaces[static_cast<std::size_t>(it->second)].push_back(pos);
    for (const core::FileTag& tag : snapshot.tags.of(id)) {
      if (tag.source == core::TagSource::Predicted || tag.written) continue;
      if (const auto it = tagIndex.find(tag.tag); it != tagIndex.end())
        tagPlaces[static_cast<std::size_t>(it->second)].push_back(pos);
    }
  }
  const auto placeOf = [&p](int row, std::vector<QPointF>& places) {
    return places.empty() ? QPointF(p(row, 0), p(row, 1)) : nearestToMedian(places);
  };
  QVector<QPointF> out;
  const int artists = std::min(layout.artistCount, static_cast<int>(model.artistNames.size()));
  for (int a = 0; a < artists; ++a)
    out.append(placeOf(layout.songCount() + a, artistPlaces[static_cast<std::size_t>(a)]));
  for (int t = 0; t < layout.tagCount && t < static_cast<int>(model.tagNames.size()); ++t) {
    out.append(placeOf(layout.songCount() + layout.artistCount + t,
                       tagPlaces[static_cast<std::size_t>(t)]));
  }
  return out;
}

}  // namespace

MapPanel::MapPanel(QWidget* parent)
    : QWidget(parent),
      m_view(new EmbeddingMapView(this)),
      m_colorBy(new QComboBox(this)),
      m_savePlaylist(new QPushButton(tr("Save as Playlist…"), this)),
      m_clearSelection(new QToolButton(this)),
      m_state(new QLabel(this)),
      m_help(new QToolButton(this)),
      m_helpOverlay(new MapHelpOverlay(m_view)) {
  m_foldTimer.setSingleShot(true);
  m_foldTimer.setInterval(0);
  connect(&m_foldTimer, &QTimer::timeout, this, [this] {
    foldSearchTexts(m_searchTexts.size() + kSearchTextsPerPass);
    if (m_snapshot && m_searchTexts.size() < m_snapshot->songs.size()) m_foldTimer.start();
  });
  m_help->setObjectName(QStringLiteral("mapHelpButton"));
  m_help->setText(QStringLiteral("?"));
  m_help->setToolTip(tr("The map's gestures and keys (?)"));
  m_colorBy->setToolTip(tr("What the songs' colours show"));
  m_clearSelection->setObjectName(QStringLiteral("clearSelection"));
  m_clearSelection->setText(tr("Clear"));
  m_clearSelection->setToolTip(tr("Clear the selection (Escape)"));
  m_clearSelection->setVisible(false);
  m_colorBy->addItem(tr("Colour by artist"));
  m_colorBy->addItem(tr("Colour by tag"));
  m_colorBy->addItem(tr("Colour by album"));
  m_savePlaylist->setEnabled(false);
  m_savePlaylist->setToolTip(tr("Shift+drag a rectangle or Ctrl+drag a lasso on the map first"));
  m_state->setForegroundRole(QPalette::PlaceholderText);
  // The state gives way (clipped) before the buttons beside it do.
  m_state->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(6, 4, 6, 0);
  bar->addWidget(m_colorBy);
  bar->addWidget(m_state, 1);
  bar->addWidget(m_clearSelection);
  bar->addWidget(m_savePlaylist);
  bar->addWidget(m_help);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(4);
  layout->addLayout(bar);
  layout->addWidget(m_view, 1);
  m_view->setTooltipProvider([this](int id) {
    const core::SongRow* song = m_snapshot ? m_snapshot->song(id) : nullptr;
    return song ? library::songLabel(*song) : QString();
  });

  connect(m_colorBy, &QComboBox::currentIndexChanged, this, [this](int index) {
    recolor();
    Q_EMIT colorByChanged(index);
  });
  connect(m_view, &EmbeddingMapView::songClicked, this, [this](int id) { Q_EMIT songClicked(id); });
  // The view names a landmark by its kind and its id (the artist's or tag's column of the model),
  // not by its position in the artists-then-tags list.
  connect(m_view, &EmbeddingMapView::landmarkClicked, this, [this](MapLandmark::Kind kind, int id) {
    for (const MapLandmark& landmark : m_view->scene().landmarks()) {
      if (landmark.kind != kind || landmark.id != id) continue;
      if (kind == MapLandmark::Artist) {
        Q_EMIT artistClicked(landmark.label);
      } else {
        Q_EMIT tagClicked(landmark.label);
      }
      return;
    }
  });
  connect(m_view, &EmbeddingMapView::songsSelected, this, [this](const QList<int>& ids) {
    m_region = ids;
    updateHighlight();
    updateState();
  });
  connect(m_view, &EmbeddingMapView::clearSelectionRequested, this, &MapPanel::clearSelection);
  connect(m_clearSelection, &QToolButton::clicked, this, &MapPanel::clearSelection);
  m_view->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(m_view, &QWidget::customContextMenuRequested, this, &MapPanel::showMenu);
  connect(m_savePlaylist, &QPushButton::clicked, this, &MapPanel::savePlaylist);
  connect(m_help, &QToolButton::clicked, this, &MapPanel::showHelp);
  connect(m_view, &EmbeddingMapView::helpRequested, this, &MapPanel::showHelp);
  connect(m_helpOverlay, &MapHelpOverlay::dismissed, this,
          [] { settings::kMapHelpSeen.write(true); });
  updateState();
}

void MapPanel::showHelp() {
  m_helpOverlay->showHelp();
}

void MapPanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (m_searchPending) applySearch();
  offerHelp();
}

void MapPanel::offerHelp() {
  if (m_helpOffered || !m_helpOnFirstUse || !isVisible() || m_view->scene().points().isEmpty())
    return;
  m_helpOffered = true;
  if (!settings::kMapHelpSeen.read()) showHelp();
}

void MapPanel::setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot) {
  m_snapshot = std::move(snapshot);
  m_searchTexts.clear();
  m_textOfPoint.clear();
  // Only a snapshot with its model has its tags (LibrarySnapshot::modelPending).
  if (m_snapshot && !m_snapshot->modelPending) {
    m_foldTimer.start();
  } else {
    m_foldTimer.stop();
  }
  // A layout belongs to one model: a snapshot without a model (or another one) drops it until
  // the matching projection arrives.
  if (!m_snapshot || !m_snapshot->hasModel() ||
      (m_layout && m_layout->songCount() != m_snapshot->model->songCount())) {
    m_layout.reset();
    m_refined = false;
  }
  rebuild();
}

void MapPanel::setMapLayout(std::shared_ptr<const library::MapLayout> layout, bool refined) {
  const bool animate = refined && !m_refined && m_layout && layout &&
                       m_layout->pointCount() == layout->pointCount() &&
                       m_view->scene().points().size() == layout->songCount();
  m_layout = std::move(layout);
  m_refined = refined;
  if (animate) {
    const Eigen::MatrixXf& p = m_layout->best();
    // The landmarks end on their songs' new places, as rebuild() puts them.
    m_view->animateTo(rowsToPoints(p, 0, m_layout->songCount()),
                      landmarkPlaces(*m_snapshot, *m_layout, p));
    updateState();
    return;
  }
  rebuild();
}

void MapPanel::rebuild() {
  m_artistOfPoint.clear();  // updateLandmarkFocus rebuilds them for the new points
  m_textOfPoint.clear();    // and applySearch these
  m_artistOfLandmark.clear();
  if (!m_snapshot || !m_layout || !m_snapshot->hasModel()) {
    m_view->setPoints({});
    m_view->setLandmarks({});
    m_view->setRegionTags({});
    m_view->setColorLegend({});
    updateState();
    return;
  }
  const library::MapLayout& layout = *m_layout;
  const Eigen::MatrixXf& p = layout.best();
  QVector<MapPoint> points;
  points.reserve(layout.songCount());
  for (int i = 0; i < layout.songCount(); ++i) {
    const std::int64_t fileId = layout.fileIds[static_cast<std::size_t>(i)];
    const library::ModelSession::TopTag top = m_snapshot->model->topTagOfFile(fileId);
    const core::Novelty novelty = m_snapshot->model->noveltyOfFile(fileId);
    // A song unlike the library (or unlike the tagged songs), or whose top tag is a guess for
    // its length, names no region, or a few sound effects would name one with a tag of the songs.
    const bool tagGuess =
        novelty.novel() ||
        !m_snapshot->model->model().tagGuessReason(top.tag, novelty.durationSeconds).empty();
    points.append({QPointF(p(i, 0), p(i, 1)), static_cast<int>(fileId), -1, novelty.unlikeLibrary(),
                   tagGuess ? -1 : top.tag, tagGuess ? 0.0f : top.probability});
  }
  const core::JointModel& model = m_snapshot->model->model();
  QStringList tagNames;
  tagNames.reserve(static_cast<qsizetype>(model.tagNames.size()));
  for (const std::string& name : model.tagNames) tagNames.append(QString::fromStdString(name));
  m_view->setRegionTags(std::move(tagNames));
  QHash<QString, int> songsOfArtist;
  for (const core::ArtistRow& artist : m_snapshot->artists) {
    songsOfArtist.insert(QString::fromStdString(artist.name), static_cast<int>(artist.songCount));
  }
  const QVector<QPointF> places = landmarkPlaces(*m_snapshot, layout, p);
  QVector<MapLandmark> landmarks;
  const int artists = std::min(layout.artistCount, static_cast<int>(model.artistNames.size()));
  for (int a = 0; a < artists; ++a) {
    const auto i = static_cast<std::size_t>(a);
    const QString name = QString::fromStdString(model.artistNames[i]);
    landmarks.append({places[a], name, MapLandmark::Artist, a,
                      static_cast<double>(songsOfArtist.value(name)) + 0.5});
  }
  // A tag's weight is the songs that place it: the labelled ones, as an artist's are its own.
  const std::vector<int> labelled = labelledSongsOfTags(*m_snapshot, layout);
  for (int t = 0; t < layout.tagCount && t < static_cast<int>(model.tagNames.size()); ++t) {
    const auto i = static_cast<std::size_t>(t);
    landmarks.append({places[artists + t], QString::fromStdString(model.tagNames[i]),
                      MapLandmark::Tag, t, static_cast<double>(labelled[i])});
  }
  m_view->setPoints(std::move(points));
  m_view->setLandmarks(std::move(landmarks));
  // The selection keeps the songs still on the map.
  m_region.erase(std::remove_if(m_region.begin(), m_region.end(),
                                [this](int id) { return m_view->scene().indexOfId(id) < 0; }),
                 m_region.end());
  recolor();
  setSearchText(m_search);
  updateState();
  offerHelp();
}

void MapPanel::recolor() {
  if (!m_snapshot || !m_layout) return;
  const int by = colorBy();
  const double likely = displayThreshold();
  // Keys by number of songs, so the legend (which shows the first entries) lists the largest.
  QHash<QString, int> counts;
  std::vector<QString> keyOfPoint;
  keyOfPoint.reserve(m_layout->fileIds.size());
  for (const std::int64_t id : m_layout->fileIds) {
    const core::SongRow* song = m_snapshot->song(id);
    keyOfPoint.push_back(song ? colorKeyOf(*m_snapshot, *song, by, likely) : QString());
    if (!keyOfPoint.back().isEmpty()) counts[keyOfPoint.back()] += 1;
  }
  QList<QString> keys = counts.keys();
  std::sort(keys.begin(), keys.end(), [&counts](const QString& a, const QString& b) {
    return counts[a] != counts[b] ? counts[a] > counts[b] : a < b;
  });
  QHash<QString, int> index;
  QVector<QPair<QString, QColor>> legend;
  for (const QString& key : keys) {
    index.insert(key, static_cast<int>(legend.size()));
    legend.append({key, MapScene::keyColor(static_cast<int>(legend.size()))});
  }
  // By tag, the neutral colour means something a user must be told: no tag of its own and no
  // prediction likely enough (or a song unlike the library). Last, so the tags come first; no
  // point indexes it (their key stays −1).
  if (by == ByTag && std::any_of(keyOfPoint.begin(), keyOfPoint.end(),
                                 [](const QString& key) { return key.isEmpty(); })) {
    legend.append({tr("no tag, none likely"), m_view->scene().colorFor(-1)});
  }
  QVector<MapPoint> points = m_view->scene().points();
  for (int i = 0; i < points.size() && i < static_cast<int>(keyOfPoint.size()); ++i) {
    points[i].colorKey = index.value(keyOfPoint[static_cast<std::size_t>(i)], -1);
  }
  const int selected = m_view->selectedSong();
  m_view->setPoints(std::move(points));
  m_view->setColorLegend(std::move(legend));
  m_view->setSelectedSong(selected);
}

double MapPanel::displayThreshold() const {
  return predictedTagDisplayThreshold(m_snapshot.get(), m_predictedTagThreshold).value_or(-1.0);
}

void MapPanel::setPredictedTagThreshold(double threshold) {
  m_predictedTagThreshold = threshold;
  recolor();
}

void MapPanel::setColorBy(int colorBy) {
  m_colorBy->setCurrentIndex(std::clamp(colorBy, 0, m_colorBy->count() - 1));
}

int MapPanel::colorBy() const {
  return m_colorBy->currentIndex();
}

void MapPanel::setSearchText(const QString& text) {
  m_search = text.trimmed();
  m_searchPending = true;
  // Hidden (the Library tab in front, where the search is typed), the map waits for the last
  // search until shown: a keystroke at 10^5 songs updates the table, not an unseen map too.
  if (isVisible()) applySearch();
}

void MapPanel::applySearch() {
  m_searchPending = false;
  const QVector<MapPoint>& points = m_view->scene().points();
  m_searchActive = !m_search.isEmpty() && m_snapshot;
  m_searchPoints.assign(static_cast<std::size_t>(points.size()), 0);
  if (m_searchActive) {
    const std::vector<core::SongRow>& songs = m_snapshot->songs;
    // A song matches when every word of the search occurs in its label, album, file name or one
    // of its tags, ignoring case (ui/librarysearch.h, as the table's search): one pass over texts
    // folded once per snapshot, not a conversion per song and key, marking points rather than
    // collecting up to 10⁵ ids a keystroke.
    foldSearchTexts(songs.size());
    if (m_textOfPoint.size() != static_cast<std::size_t>(points.size())) {
      m_textOfPoint.resize(static_cast<std::size_t>(points.size()));
      for (int i = 0; i < points.size(); ++i)
        m_textOfPoint[static_cast<std::size_t>(i)] = m_snapshot->rowOfSong(points[i].id);
    }
    const QStringList words = librarySearchWords(m_search);
    for (std::size_t i = 0; i < m_searchPoints.size(); ++i) {
      const int text = m_textOfPoint[i];
      if (text >= 0 && matchesLibrarySearch(m_searchTexts[static_cast<std::size_t>(text)], words))
        m_searchPoints[i] = 1;
    }
  }
  updateHighlight();
}

void MapPanel::foldSearchTexts(std::size_t songs) {
  if (!m_snapshot) return;
  const std::vector<core::SongRow>& all = m_snapshot->songs;
  songs = std::min(songs, all.size());
  m_searchTexts.reserve(all.size());
  while (m_searchTexts.size() < songs) {
    const core::SongRow& song = all[m_searchTexts.size()];
    QString folded = library::songLabel(song);
    folded += QChar(u'\0');
    folded += QString::fromStdString(song.album);
    folded += QChar(u'\0');
    folded += searchedFileName(song.path);
    for (const core::FileTag& tag : m_snapshot->tags.of(song.fileId)) {
      folded += QChar(u'\0');
      folded += QString::fromStdString(tag.tag);
    }
    m_searchTexts.push_back(std::move(folded).toCaseFolded());
  }
}

void MapPanel::updateHighlight() {
  if (m_region.isEmpty()) {
    if (m_searchPoints.size() != static_cast<std::size_t>(m_view->scene().points().size())) {
      applySearch();  // the points changed since the search was marked (it comes back here)
      return;
    }
    m_view->setHighlightedPoints(m_searchPoints, m_searchActive);
  } else {
    m_view->setHighlighted(QSet<int>(m_region.begin(), m_region.end()));
  }
  updateLandmarkFocus();
}

void MapPanel::updateLandmarkFocus() {
  const MapScene& scene = m_view->scene();
  const QVector<MapLandmark>& landmarks = scene.landmarks();
  // Which artist landmark (by name) each point's song has: built once per map, so that a search
  // highlighting 10^5 songs marks their artists with one lookup per song, no string work.
  if (m_snapshot && (m_artistOfPoint.size() != static_cast<std::size_t>(scene.points().size()) ||
                     m_artistOfLandmark.size() != static_cast<std::size_t>(landmarks.size()))) {
    QHash<QString, int> nameIds;
    m_artistOfLandmark.assign(static_cast<std::size_t>(landmarks.size()), -1);
    for (int i = 0; i < landmarks.size(); ++i) {
      if (landmarks[i].kind != MapLandmark::Artist) continue;
      auto it = nameIds.constFind(landmarks[i].label);
      if (it == nameIds.cend())
        it = nameIds.insert(landmarks[i].label, static_cast<int>(nameIds.size()));
      m_artistOfLandmark[static_cast<std::size_t>(i)] = *it;
    }
    m_artistOfPoint.assign(static_cast<std::size_t>(scene.points().size()), -1);
    for (int i = 0; i < scene.points().size(); ++i) {
      if (const core::SongRow* song = m_snapshot->song(scene.points()[i].id))
        m_artistOfPoint[static_cast<std::size_t>(i)] =
            nameIds.value(QString::fromStdString(song->artistName), -1);
    }
    m_artistNameCount = static_cast<int>(nameIds.size());
  }
  // The artists of the songs the highlight shows (the highlight may hold every song).
  std::vector<char> artistShown(static_cast<std::size_t>(m_artistNameCount), 0);
  if (m_snapshot && m_artistOfPoint.size() == static_cast<std::size_t>(scene.points().size())) {
    for (int point = 0; point < scene.points().size(); ++point) {
      if (!scene.isPointHighlighted(point)) continue;
      const int artist = m_artistOfPoint[static_cast<std::size_t>(point)];
      if (artist >= 0) artistShown[static_cast<std::size_t>(artist)] = 1;
    }
  }
  QSet<int> focus;
  for (int i = 0; i < landmarks.size(); ++i) {
    const bool named =
        !m_search.isEmpty() && landmarks[i].label.contains(m_search, Qt::CaseInsensitive);
    const int artist = static_cast<std::size_t>(i) < m_artistOfLandmark.size()
                           ? m_artistOfLandmark[static_cast<std::size_t>(i)]
                           : -1;
    const bool shown = artist >= 0 && artistShown[static_cast<std::size_t>(artist)];
    if (named || shown) focus.insert(i);
  }
  m_view->setLandmarkFocus(focus);
}

QList<qint64> MapPanel::selectedFiles() const {
  QList<qint64> files;
  files.reserve(m_region.size());
  for (const int id : m_region) files.append(id);
  return files;
}

void MapPanel::clearSelection() {
  if (m_region.isEmpty()) return;
  m_region.clear();
  updateHighlight();
  updateState();
}

void MapPanel::playSelection(QueuePlacement placement) {
  if (!m_region.isEmpty()) Q_EMIT songsPlayRequested(selectedFiles(), placement);
}

void MapPanel::mixFromSelection() {
  if (!m_region.isEmpty()) Q_EMIT selectionMixRequested(selectedFiles());
}

void MapPanel::showMenu(QPoint viewPos) {
  QMenu menu(this);
  if (const int landmark = m_view->landmarkAt(viewPos); landmark >= 0) {
    const MapLandmark& hit = m_view->scene().landmarks()[landmark];
    const bool artist = hit.kind == MapLandmark::Artist;
    const QString name = hit.label;
    menu.addAction(artist ? tr("Show Artist “%1”").arg(name) : tr("Show Tag “%1”").arg(name), this,
                   [this, artist, name] {
                     if (artist) {
                       Q_EMIT artistClicked(name);
                     } else {
                       Q_EMIT tagClicked(name);
                     }
                   });
    menu.addAction(tr("Play Mix from “%1”").arg(name), this, [this, artist, name] {
      Q_EMIT mixRequested({artist ? Location::Artist : Location::Tag, 0, name});
    });
  } else if (const int id = m_view->songAt(viewPos); id >= 0) {
    const qint64 fileId = id;
    menu.addAction(tr("Play Now"), this,
                   [this, fileId] { Q_EMIT songPlayRequested(fileId, QueuePlacement::PlayNow); });
    menu.addAction(tr("Play Next"), this,
                   [this, fileId] { Q_EMIT songPlayRequested(fileId, QueuePlacement::PlayNext); });
    menu.addAction(tr("Add to Queue"), this, [this, fileId] {
      Q_EMIT songPlayRequested(fileId, QueuePlacement::AddToQueue);
    });
    menu.addAction(tr("Play Mix from Here"), this, [this, fileId] {
      Q_EMIT mixRequested({Location::Song, fileId, {}});
    });
    menu.addAction(tr("Show Song"), this, [this, fileId] { Q_EMIT songClicked(fileId); });
  }
  if (!m_region.isEmpty()) {
    if (!menu.isEmpty()) menu.addSeparator();
    const int count = static_cast<int>(m_region.size());
    menu.addAction(tr("Play the %n Selected Song(s)", nullptr, count), this,
                   [this] { playSelection(QueuePlacement::PlayNow); });
    menu.addAction(tr("Add the Selection to the Queue"), this,
                   [this] { playSelection(QueuePlacement::AddToQueue); });
    menu.addAction(tr("Play Mix from the Selection"), this, &MapPanel::mixFromSelection);
    menu.addAction(tr("Save as Playlist…"), this, &MapPanel::savePlaylist);
    menu.addAction(tr("Clear Selection"), this, &MapPanel::clearSelection);
  }
  if (menu.isEmpty()) return;
  menu.exec(m_view->mapToGlobal(viewPos));
}

void MapPanel::selectSong(qint64 fileId) {
  m_view->setSelectedSong(static_cast<int>(fileId));
}

void MapPanel::updateState() {
  m_savePlaylist->setEnabled(!m_region.isEmpty());
  m_clearSelection->setVisible(!m_region.isEmpty());
  const bool modelComing = m_snapshot && m_snapshot->modelPending;
  m_view->setEmptyText(modelComing ? tr("Loading the model…")
                                   : tr("The map appears once a model has been trained."));
  if (!m_layout) {
    m_state->setText(m_snapshot && m_snapshot->hasModel() ? tr("Projecting…")
                     : modelComing                        ? tr("Loading the model…")
                                                          : QString());
  } else {
    QString text = m_refined ? tr("%n song(s) · t-SNE", nullptr, m_layout->songCount())
                   : m_layout->warmStart
                       ? tr("%n song(s) · previous map (refining…)", nullptr, m_layout->songCount())
                       : tr("%n song(s) · PCA (refining…)", nullptr, m_layout->songCount());
    if (!m_region.isEmpty())
      text += tr(" · %n selected", nullptr, static_cast<int>(m_region.size()));
    m_state->setText(text);
  }
}

void MapPanel::savePlaylist() {
  if (!m_snapshot || m_region.isEmpty()) return;
  const QString chosen =
      QFileDialog::getSaveFileName(this, tr("Save Playlist"), QString(), tr("Playlists (*.m3u8)"));
  if (chosen.isEmpty()) return;
  Q_EMIT playlistSaveRequested(chosen, selectedFiles());
}

}  // namespace songspace::ui
