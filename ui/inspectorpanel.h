#pragma once

#include <Eigen/Core>
#include <QString>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/model/novelty.h"
#include "ui/browsepanel.h"

class QBoxLayout;
class QVBoxLayout;

namespace songspace::ui {

// The inspector for one song: its cover (with a cover cache, BrowsePanel::setCoverArt), its
// metadata, the model's predicted tags with score bars, similar songs and the artists nearest to
// the song. Every entry is clickable and ends in songActivated / artistActivated / tagActivated.
// Predicted tags the file or the user already has are marked ✓ and bold; a value Songspace's
// auto-tag wrote into the file and the user has not accepted (core::FileTag::written) is not
// marked, and says so in its detail line (it is never a training label). With a calibrated model
// the predicted tags split at the display threshold (setPredictedTagThreshold): those below it
// follow in a second, faded list (HitList property "belowThreshold") under a note giving the
// threshold. For a song unlike the library or its tagged songs (core/model/novelty.h) a notice
// gives the reason and the predictions that are guesses are faded (property "tentative" on their
// lists): the tags, and for a song unlike the library also its similar songs and artists. Similar
// songs leave out the songs more unlike the library than the one shown.
// Queries run on the calling (GUI) thread: each is one matrix-vector product plus a top-k.
class InspectorPanel : public BrowsePanel {
  Q_OBJECT
 public:
  static constexpr int kTagsShown = 10;
  static constexpr int kSimilarSongsShown = 10;
  static constexpr int kSimilarArtistsShown = 10;
  static constexpr int kCoverSide = 96;  // px, the song's cover beside its title

  explicit InspectorPanel(QWidget* parent = nullptr);

  // Shows the empty state (or "unknown song" if the shown song is gone); call showSong again to
  // refresh.
  void setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot);
  void showSong(std::int64_t fileId);
  // Cold start: a file outside the catalog, placed in the space by its embedding; novelty is
  // its check (ModelSession::embedExternalFile).
  void showExternalFile(const QString& path, const Eigen::VectorXf& embedding,
                        const core::Novelty& novelty = {});
  void showFailedFile(const QString& path, const QString& reason);
  // The probability from which a predicted tag counts as likely, in [0, 1]; negative (the
  // default): the model's auto-tag threshold (core::Calibration::autoTagThreshold), as
  // LibraryTableModel::setPredictedTagThreshold. Takes effect at the next showSong().
  void setPredictedTagThreshold(double threshold) { m_predictedTagThreshold = threshold; }
  // The threshold in force for the current snapshot's model (0 without calibration).
  double displayThreshold() const;
  void clear();

  std::int64_t currentFileId() const { return m_fileId; }  // 0 unless a library song is shown

 Q_SIGNALS:
  // The Play button of a file outside the catalog (library songs use songPlayRequested).
  void filePlayRequested(const QString& path);

 private:
  // Similar songs and likely artists of an embedded song whose novelty check found `novelty`:
  // the similar songs leave out the songs more unlike the library than it
  // (ModelSession::similarSongs); both lists are shown faded (property "tentative") for a song
  // unlike the library.
  void addPredictions(QVBoxLayout* layout, const Eigen::VectorXf& embedding,
                      std::int64_t excludeFileId, const core::Novelty& novelty);
  // For a song unlike the library or unlike its tagged songs (a novel core::Novelty): the
  // reason, above its predictions (which are then shown faded, property "tentative" on their
  // lists: the tags, and the artists too when it is unlike the library). Returns whether it was
  // added.
  bool addUnlikeNotice(QVBoxLayout* layout, const core::Novelty& novelty);
  // The "Predicted tags" section: `hits` most probable first, split at displayThreshold(), a
  // guess (Hit::guess, its reason as the entry's detail) among the lower list whatever its
  // probability; `owned` are marked ✓, `written` get the detail that auto-tag wrote them;
  // `unlike` fades them all (property "tentative").
  void addPredictedTags(QVBoxLayout* layout, std::vector<library::Hit> hits,
                        const std::set<std::string>& owned, const std::set<std::string>& written,
                        bool unlike);
  bool showNoLibrary();  // true when there is nothing to inspect at all
  // The "Play" button under the title; its click runs `play`.
  void addPlayButton(QBoxLayout* layout, const std::function<void()>& play);

  std::int64_t m_fileId = 0;
  double m_predictedTagThreshold = -1;
};

}  // namespace songspace::ui
