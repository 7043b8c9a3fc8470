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
// finds closest to the artist (the artist's own songs marked ✓), the nearest artists (each with
// the tags that make it alike), and the artist's tag profile — tags ranked by T_tᵀ c_i, c_i the
// centroid of the artist's songs (core::tagProfile). Entries are clickable like the inspector's;
// "Play Mix" seeds a mix with A_i.
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

 private:
  // A row with the cover of each of the artist's albums (its first song's), up to
  // kAlbumCoversShown; nothing without a cover cache.
  void addAlbumCovers(QVBoxLayout* layout, const std::string& artist);

  QString m_artist;
};

}  // namespace songspace::ui
