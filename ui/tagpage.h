#pragma once

#include <QString>
#include <memory>

#include "ui/browsepanel.h"

namespace songspace::ui {

// One tag, as the paper's "songs given a tag" query sees it (core/model/discovery.h): how many
// library songs carry it (from their files or from the user; predictions do not count), the songs
// that fit it best — ranked by T_tᵀ s with the calibrated probability that the tag applies, those
// that carry it marked ✓ and the rest suggestions, one entry per song (duplicates collapsed) —,
// the related tags (T_tᵀ T_u) and the artists that fit it (A_iᵀ T_t). Without a model, or for a
// tag the model did not learn, it lists the songs that carry the tag and says why there is no
// more. Entries are clickable like the inspector's; "Play Mix" seeds an instant mix with T_t.
class TagPage : public BrowsePanel {
  Q_OBJECT
 public:
  static constexpr int kSongsShown = 20;
  static constexpr int kRelatedTagsShown = 10;
  static constexpr int kArtistsShown = 10;

  explicit TagPage(QWidget* parent = nullptr);

  void setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot);
  void showTag(const QString& tag);
  QString currentTag() const { return m_tag; }

 private:
  QString m_tag;
};

}  // namespace songspace::ui
