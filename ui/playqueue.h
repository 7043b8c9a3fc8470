#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QPixmap>
#include <QPointer>
#include <QString>
#include <QVariantList>
#include <optional>
#include <random>
#include <vector>

namespace songspace::ui {

class CoverArtCache;

// One song in the play queue. fileId is the catalog's id (0 for a file outside the catalog);
// path is what is played; title is shown ("title — artist").
struct QueueItem {
  qint64 fileId = 0;
  QString path;
  QString title;
  // Queued by a mix or a path (songs the app chose), not picked one by one: the next mix or path
  // replaces those still to come (PlayQueue::removeUpcomingGenerated).
  bool generated = false;

  bool operator==(const QueueItem& other) const = default;
};

// Where Play actions put songs: replace what plays now, play after the current song, or append.
enum class QueuePlacement { PlayNow, PlayNext, AddToQueue };

// The play queue: an ordered list of songs with a current row (the one the player holds, or -1),
// shuffle and repeat. A flat QAbstractListModel: DisplayRole is the title, ToolTipRole the path,
// FontRole bold for the current row, DecorationRole the song's cover (kCoverSide px; with a cover
// cache, see setCoverArt); FileIdRole / PathRole / IsCurrentRole for views and tests.
// Rows move by moveRows() (also what a QListView's internal drag and drop calls); the current row
// follows its song through moves. Removing the current row leaves no current row, and next()
// then continues with the row that followed it.
//
// Advancing: next() is what the Next button and the end of a song do. Without shuffle it takes
// the following row; with shuffle a random row not yet played since shuffle was turned on (or
// since the last wrap). At the end: Repeat::All wraps (a new shuffle pass), Repeat::Off stops
// (next() returns false and the current row stays). Repeat::One repeats the current row when a
// song ends (next(AutoAdvance)); the Next button still moves on. previous() steps back through
// the rows played (shuffle) or to the row above. GUI thread only.
class PlayQueue : public QAbstractListModel {
  Q_OBJECT
 public:
  enum Roles { FileIdRole = Qt::UserRole + 1, PathRole, IsCurrentRole };
  enum class Repeat { Off, All, One };
  enum class Advance { UserNext, AutoAdvance };

  static constexpr int kCoverSide = 28;  // px, the rows' covers

  explicit PlayQueue(QObject* parent = nullptr);

  // Where the rows' covers come from; nullptr (the default): no DecorationRole. Not owned; must
  // outlive the queue. Rows update (dataChanged) as their covers arrive.
  void setCoverArt(CoverArtCache* covers);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  bool removeRows(int row, int count, const QModelIndex& parent = {}) override;
  bool moveRows(const QModelIndex& sourceParent, int sourceRow, int count,
                const QModelIndex& destinationParent, int destinationChild) override;
  // Internal drag and drop: QListView (InternalMove) moves dropped rows with moveRows(); drops
  // land between rows (only the root accepts drops), so no row is ever overwritten.
  Qt::DropActions supportedDropActions() const override { return Qt::MoveAction; }

  // Adds songs as `placement` says. PlayNow inserts them after the current row and makes the
  // first of them current (the player should then play it); returns the row of the first added.
  int add(const std::vector<QueueItem>& items, QueuePlacement placement);
  void clear();
  // Removes the rows after the current one (after where next() continues, without a current
  // row) that a mix or a path queued (QueueItem::generated) and returns how many: a new mix
  // replaces the rest of the last one, and the songs the user queued stay.
  int removeUpcomingGenerated();
  const QueueItem& item(int row) const { return m_items.at(static_cast<std::size_t>(row)); }
  const std::vector<QueueItem>& items() const { return m_items; }

  int currentRow() const { return m_current; }  // -1 when none
  std::optional<QueueItem> currentItem() const;
  void setCurrentRow(int row);  // -1 or a valid row; starts a fresh shuffle pass when changed
  bool next(Advance how = Advance::UserNext);  // false (nothing changes) at the end
  bool previous();                             // false when there is nothing before
  // Whether next(UserNext) / previous() would change the current row now (what MPRIS's
  // CanGoNext / CanGoPrevious say); neither changes anything, nor draws a shuffle number.
  bool hasNext() const;
  bool hasPrevious() const;

  bool shuffle() const { return m_shuffle; }
  void setShuffle(bool on);
  Repeat repeat() const { return m_repeat; }
  void setRepeat(Repeat repeat);
  void seedShuffle(unsigned seed) { m_random.seed(seed); }  // for reproducible tests

  // For QSettings: a list of maps {fileId, path, title, generated}; restore() replaces the queue.
  QVariantList save() const;
  void restore(const QVariantList& saved, int current);

 Q_SIGNALS:
  void currentRowChanged(int row);
  void shuffleChanged(bool on);
  void repeatChanged(songspace::ui::PlayQueue::Repeat repeat);

 private:
  void insertItems(int row, const std::vector<QueueItem>& items);
  void changeCurrent(int row, bool remember = true);
  int rowOfUid(quint64 uid) const;
  void emitRowChanged(int row);
  std::vector<int> unplayedRows() const;  // rows not played in this shuffle pass
  int randomUnplayedRow() const;          // -1 when every row was played in this pass

  QPointer<CoverArtCache> m_covers;              // null once the cache is gone
  mutable QHash<QString, QPixmap> m_coverIcons;  // scaled covers by path, dropped when it changes
  std::vector<QueueItem> m_items;
  std::vector<quint64> m_uids;  // parallel to m_items
  quint64 m_nextUid = 1;
  int m_current = -1;
  int m_resumeRow = 0;  // where next() continues when there is no current row
  bool m_shuffle = false;
  Repeat m_repeat = Repeat::Off;
  std::vector<quint64> m_played;  // uids in the order played in this pass (shuffle history)
  mutable std::mt19937 m_random{std::random_device{}()};
};

}  // namespace songspace::ui
