#pragma once

#include <QString>
#include <memory>
#include <vector>

#include "core/model/jointmodel.h"
#include "ui/browsepanel.h"

namespace songspace::ui {

// One artist: name and song count, the songs the model finds closest to the artist (the
// artist's own songs marked ✓), the nearest artists, and the artist's tag profile — tags ranked
// by T_tᵀ A_i. Entries are clickable like the inspector's.
class ArtistPage : public BrowsePanel {
  Q_OBJECT
 public:
  static constexpr int kSongsShown = 20;
  static constexpr int kSimilarArtistsShown = 10;
  static constexpr int kProfileTagsShown = 10;

  explicit ArtistPage(QWidget* parent = nullptr);

  void setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot);
  void showArtist(const QString& name);
  QString currentArtist() const { return m_artist; }

  // Tags ranked by T_tᵀ A_artist (empty for an artist the model does not know).
  static std::vector<core::Scored> tagProfile(const core::JointModel& model, int artist, int k);

 private:
  QString m_artist;
};

}  // namespace songspace::ui
