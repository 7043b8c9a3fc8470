#include "ui/artistpage.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <set>

#include "ui/hitlist.h"

namespace songspace::ui {

ArtistPage::ArtistPage(QWidget* parent) : BrowsePanel(parent) {
  showArtist({});
}

void ArtistPage::setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot) {
  setSnapshotPointer(std::move(snapshot));
  showArtist(m_artist);
}

void ArtistPage::addAlbumCovers(QVBoxLayout* layout, const std::string& artist) {
  std::set<std::int64_t> albums;
  auto* row = new QHBoxLayout;
  for (const core::SongRow& song : snapshot()->songs) {
    if (song.artistName != artist || !albums.insert(song.albumId).second) continue;
    if (albums.size() > static_cast<std::size_t>(kAlbumCoversShown)) break;
    QLabel* cover =
        makeCoverLabel(QString::fromStdString(song.path), kAlbumCoverSide, layout->parentWidget());
    if (cover == nullptr) break;  // no cover cache
    cover->setToolTip(QString::fromStdString(song.album.empty() ? song.info.album : song.album));
    row->addWidget(cover);
  }
  if (row->isEmpty()) {
    delete row;
    return;
  }
  row->addStretch(1);
  layout->addLayout(row);
}

void ArtistPage::showArtist(const QString& name) {
  m_artist = name;
  if (!snapshot()) {
    showEmptyState(tr("Open a music folder to begin"));
    return;
  }
  if (name.isEmpty()) {
    showEmptyState(tr("Select an artist"));
    return;
  }
  const std::string key = name.toStdString();
  std::int64_t songCount = -1;
  for (const core::ArtistRow& artist : snapshot()->artists) {
    if (artist.name == key) songCount = artist.songCount;
  }
  const bool hasModel = snapshot()->hasModel();
  const int index = hasModel ? snapshot()->model->model().artistIndex(key) : -1;
  if (songCount < 0 && index < 0) {
    showEmptyState(tr("“%1” is not an artist of this library.").arg(name));
    return;
  }

  QVBoxLayout* layout = beginContent();
  QWidget* content = layout->parentWidget();
  layout->addWidget(makeTitleLabel(name, content));
  const int count = static_cast<int>(std::max<std::int64_t>(songCount, 0));
  layout->addWidget(makeNoteLabel(tr("%n song(s) in the library", nullptr, count), content));
  addAlbumCovers(layout, key);
  if (!hasModel) {
    addNotice(layout, tr("Train the model to see predictions"));
    auto* own = addSection(layout, tr("Songs"));
    for (const core::SongRow& song : snapshot()->songs) {
      if (song.artistName == key) addSongEntry(own, song.fileId, std::nullopt);
    }
    endContent();
    return;
  }
  if (index < 0) {
    QString why =
        tr("This artist was added after the model was trained. Train again to see "
           "predictions.");
    for (const core::LeftOutLabel& label : snapshot()->leftOutArtists) {
      if (label.name == key)
        why = tr("The model did not learn this artist: %1.")
                  .arg(QString::fromStdString(label.reason));
    }
    addNotice(layout, why);
    endContent();
    return;
  }
  const library::ModelSession& model = *snapshot()->model;
  addMixButton(layout, {Location::Artist, 0, name});
  addUncalibratedNotice(layout);
  // Songs for an artist and the tag profile are orders of fit with no calibrated meaning: no
  // bars, so that every bar shown is a probability.
  auto* songs = addSection(layout, tr("Songs that fit this artist"), tr("✓ by this artist"));
  for (const library::Hit& hit : model.songsForArtist(key, kSongsShown, duplicates())) {
    const core::SongRow* song = snapshot()->song(hit.fileId);
    addSongEntry(songs, hit.fileId, std::nullopt, song && song->artistName == key,
                 alternativesText(hit.alternatives));
  }
  // Each similar artist with the tags that fit both (core::whyAlike of the two artists' song
  // centroids, like the tag profile); none for a pair less likely related than not, as for songs
  // (ModelSession::whyAlikeSongs).
  const Eigen::MatrixXf& centroids = snapshot()->discovery->artists.mean;
  auto* artists = addSection(layout, tr("Similar artists"));
  for (const library::Hit& hit : model.similarArtists(key, kSimilarArtistsShown)) {
    const bool unlikely = hit.probability >= 0 && hit.probability < core::kWhyAlikeLeast;
    addArtistEntry(artists, QString::fromStdString(hit.name), probabilityOf(hit),
                   unlikely ? QString()
                            : likenessDetail(core::whyAlike(model.model(), centroids.col(index),
                                                            centroids.col(hit.index))));
  }
  auto* profile = addSection(layout, tr("Tag profile"));
  for (const core::Scored& scored :
       core::tagProfile(model.model(), snapshot()->discovery->artists, index, kProfileTagsShown)) {
    addTagEntry(
        profile,
        QString::fromStdString(model.model().tagNames[static_cast<std::size_t>(scored.index)]),
        std::nullopt, false);
  }
  endContent();
}

}  // namespace songspace::ui
