#include "ui/tagpage.h"

#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>
#include <string>
#include <unordered_set>

#include "ui/hitlist.h"

namespace songspace::ui {

TagPage::TagPage(QWidget* parent) : BrowsePanel(parent) {
  showTag({});
}

void TagPage::setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot) {
  setSnapshotPointer(std::move(snapshot));
  showTag(m_tag);
}

void TagPage::showTag(const QString& tag) {
  m_tag = tag;
  if (!snapshot()) {
    showEmptyState(tr("Open a music folder to begin"));
    return;
  }
  if (tag.isEmpty()) {
    showEmptyState(tr("Select a tag"));
    return;
  }
  const std::string key = tag.toStdString();
  // The songs that carry the tag, from their files or from the user (a prediction is not a tag).
  std::unordered_set<std::int64_t> carriers;
  for (const auto& [fileId, tags] : snapshot()->tags) {
    for (const core::FileTag& own : tags) {
      if (own.tag == key && own.source != core::TagSource::Predicted) carriers.insert(fileId);
    }
  }
  const bool hasModel = snapshot()->hasModel();
  const int index = hasModel ? snapshot()->model->model().tagIndex(key) : -1;
  if (carriers.empty() && index < 0) {
    showEmptyState(tr("No song of this library carries the tag “%1”.").arg(tag));
    return;
  }

  QVBoxLayout* layout = beginContent();
  QWidget* content = layout->parentWidget();
  layout->addWidget(makeTitleLabel(tag, content));
  layout->addWidget(makeNoteLabel(
      tr("%n song(s) of the library carry this tag", nullptr, static_cast<int>(carriers.size())),
      content));
  const auto listCarriers = [&] {
    std::vector<const core::SongRow*> songs;
    for (const core::SongRow& song : snapshot()->songs) {
      if (carriers.count(song.fileId)) songs.push_back(&song);
    }
    auto* own = addSection(layout, tr("Songs with this tag"));
    for (const core::SongRow* song : songs) addSongEntry(own, song->fileId, std::nullopt, true);
  };
  if (!hasModel) {
    addNotice(layout, tr("Train the model to see which other songs fit this tag"));
    listCarriers();
    endContent();
    return;
  }
  if (index < 0) {
    QString why =
        tr("This tag was added after the model was trained. Train again to see which songs fit "
           "it.");
    for (const core::LeftOutLabel& label : snapshot()->leftOutTags) {
      if (label.name == key)
        why = tr("The model did not learn this tag: %1.").arg(QString::fromStdString(label.reason));
    }
    addNotice(layout, why);
    listCarriers();
    endContent();
    return;
  }
  const library::ModelSession& model = *snapshot()->model;
  addMixButton(layout, {Location::Tag, 0, tag});
  addUncalibratedNotice(layout);
  auto* songs = addSection(layout, tr("Songs that fit this tag"),
                           tr("✓ carries the tag; the others are suggestions"));
  for (const library::Hit& hit : model.songsForTag(key, kSongsShown, duplicates())) {
    addSongEntry(songs, hit.fileId, probabilityOf(hit), carriers.count(hit.fileId) > 0,
                 alternativesText(hit.alternatives));
  }
  auto* related = addSection(layout, tr("Related tags"));
  for (const library::Hit& hit : model.relatedTags(key, kRelatedTagsShown)) {
    addTagEntry(related, QString::fromStdString(hit.name), std::nullopt, false);
  }
  auto* artists = addSection(layout, tr("Artists that fit this tag"));
  for (const library::Hit& hit :
       model.artistsForTag(key, kArtistsShown, snapshot()->discovery->artists)) {
    addArtistEntry(artists, QString::fromStdString(hit.name), std::nullopt);
  }
  endContent();
}

}  // namespace songspace::ui
