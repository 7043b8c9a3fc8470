#pragma once

#include <QString>
#include <memory>
#include <string>
#include <vector>

#include "core/model/jointmodel.h"
#include "ui/browsepanel.h"

class QVBoxLayout;

namespace songspace::ui {

// One artist: name and song count, its album covers (with a cover cache), the songs the model
// finds closest to the artist (the artist's own songs marked ✓), the nearest artists, and the
// artist's tag profile — tags ranked by T_tᵀ A_i. Entries are clickable like the inspector's.
class ArtistPage : public BrowsePanel {
  Q_OBJECT
 public:
  static constexpr int kSongsShown = 20;
  static constexpr int kSimilarArtistsShown = 10;
  static constexpr int kProfileTagsShown = 10;
  static constexpr int kAlbumCoversShown = 4;  // covers of the artist's albums, in library order
  static constexpr int kAlbumCoverSide = 64;   // px

  explicit ArtistPage(QWidget* parent = nullptr);

  void setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot);
  void showArtist(const QString& name);
  QString currentArtist() const { return m_artist; }

  // Tags ranked by T_tᵀ A_artist (empty for an artist the model does not know).
  static std::vector<core::Scored> tagProfile(const core::JointModel& model, int artist, int k);

 private:
  // A row with the cover of each of the artist's albums (its first song's), up to
  // kAlbumCoversShown; nothing without a cover cache.
  void addAlbumCovers(QVBoxLayout* layout, const std::string& artist);

  QString m_artist;
};

}  // namespace songspace::ui
