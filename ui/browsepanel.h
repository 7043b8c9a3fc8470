#pragma once

#include <QPointer>
#include <QString>
#include <QWidget>
#include <memory>
#include <optional>

#include "core/library/librarysnapshot.h"
#include "ui/navigationhistory.h"
#include "ui/playqueue.h"

class QBoxLayout;
class QLabel;
class QScrollArea;
class QVBoxLayout;

namespace songspace::ui {

class CoverArtCache;
class HitList;

// "Title – Artist" of a library song: the file name when it has no title, "Song #<id>" when the
// snapshot (which may be null) does not hold it. Title first: where a narrow list elides the
// entry, what is cut is the artist.
QString songTitleAndArtist(const library::LibrarySnapshot* snapshot, std::int64_t fileId);

// What the inspector and the artist page share: a snapshot, a scrolling content widget that is
// rebuilt for each thing shown, and the signals every clickable entry ends in.
class BrowsePanel : public QWidget {
  Q_OBJECT
 public:
  explicit BrowsePanel(QWidget* parent = nullptr);
  ~BrowsePanel() override;

  const std::shared_ptr<const library::LibrarySnapshot>& snapshot() const { return m_snapshot; }
  // The text of the empty state / notice currently shown (empty when none), for tests and tools.
  QString notice() const { return m_notice; }
  // Where song covers come from; nullptr (the default): no covers are shown. Not owned; must
  // outlive the panel. Takes effect with the next page shown.
  void setCoverArt(CoverArtCache* covers);

 Q_SIGNALS:
  void songActivated(qint64 fileId);
  // The user asked to play or queue a song (the inspector's Play button, a song entry's context
  // menu, Shift+Enter / Ctrl+Enter on an entry); what is shown does not change.
  void songPlayRequested(qint64 fileId, songspace::ui::QueuePlacement placement);
  void artistActivated(const QString& name);
  void tagActivated(const QString& tag);
  // The user asked for an instant mix seeded by a song, an artist or a tag (Location::Song,
  // Artist or Tag); what is shown does not change.
  void mixRequested(const songspace::ui::Location& seed);
  // The user asked for a path of songs from this library song to one they will choose
  // ("Path to…"); what is shown does not change.
  void pathRequested(qint64 fromFileId);

 protected:
  void setSnapshotPointer(std::shared_ptr<const library::LibrarySnapshot> snapshot) {
    m_snapshot = std::move(snapshot);
  }
  // Replaces the content with a fresh, empty column and returns its layout. The old content is
  // deleted later: this may run inside a click handler of one of its buttons.
  QVBoxLayout* beginContent();
  // Adds the trailing stretch and shows the new content. Every beginContent() needs one.
  void endContent();
  // A centred, wrapped message as the only content (an empty state).
  void showEmptyState(const QString& message);
  // A wrapped note inside the current content, remembered as notice().
  void addNotice(QVBoxLayout* layout, const QString& message);
  // A heading plus an empty HitList.
  HitList* addSection(QVBoxLayout* layout, const QString& heading, const QString& legend = {});
  // "Title – Artist" of a library song (the file name when untitled).
  QString songLabel(std::int64_t fileId) const;
  // Entry helpers that wire the click to the right signal. Song entries also offer Play Now,
  // Play Next and Add to Queue (context menu; Shift+Enter plays next, Ctrl+Enter appends).
  // `probability`: the hit's calibrated probability, none for an uncalibrated model or list.
  // `detail`: the entry's second line (HitList), e.g. likenessDetail().
  void addSongEntry(HitList* list, std::int64_t fileId, std::optional<float> probability,
                    bool marked = false, const QString& detail = {});
  void addArtistEntry(HitList* list, const QString& name, std::optional<float> probability,
                      const QString& detail = {});
  // The line under a song or artist entry of a similarity list: the tags that explain why it is
  // alike to what is shown (`why`: core::whyAlikeSongs or core::whyAlike, tag indices of the
  // snapshot's model) and, for a song standing for several files (library::Hit::alternatives),
  // which others. Empty when there is nothing to say.
  QString likenessDetail(const std::vector<core::Scored>& why,
                         const std::vector<std::int64_t>& alternatives = {}) const;
  // "also as a.flac, b.mp3": the other files a song entry stands for (empty for none).
  QString alternativesText(const std::vector<std::int64_t>& alternatives) const;
  // The song lists' duplicate groups (null without a model): pass to ModelSession's song lists.
  const core::SongDuplicates* duplicates() const;
  // A "Play Mix" button seeded by `seed` (emits mixRequested).
  void addMixButton(QBoxLayout* layout, const Location& seed);
  // A "Path to…" button starting at a library song (emits pathRequested).
  void addPathButton(QBoxLayout* layout, std::int64_t fromFileId);
  void addTagEntry(HitList* list, const QString& tag, std::optional<float> probability, bool marked,
                   const QString& detail = {});
  // The hit's probability when the model is calibrated (library::Hit::probability ≥ 0).
  static std::optional<float> probabilityOf(const library::Hit& hit) {
    return hit.probability >= 0 ? std::optional<float>(hit.probability) : std::nullopt;
  }
  // A label (object name "cover") with the cover of the song at `audioPath`, `side` px square:
  // the placeholder until the cover has been looked up. nullptr when no cover cache is set.
  QLabel* makeCoverLabel(const QString& audioPath, int side, QWidget* parent) const;
  // Adds, for a model without calibration (an older model file), the note that says so.
  void addUncalibratedNotice(QVBoxLayout* layout);

 private:
  std::shared_ptr<const library::LibrarySnapshot> m_snapshot;
  QScrollArea* m_scroll;
  QWidget* m_content = nullptr;  // the page being built, until endContent()
  QString m_notice;
  QPointer<CoverArtCache> m_covers;  // null once the cache is gone
};

}  // namespace songspace::ui
