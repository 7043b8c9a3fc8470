#pragma once

#include <QCache>
#include <QImage>
#include <QObject>
#include <QPixmap>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QThreadPool>

class QPalette;

namespace songspace::ui {

// The outcome of looking up one song's cover (CoverArtCache::lookUp).
struct CoverLookup {
  QImage thumbnail;       // at most CoverArtCache::kThumbnailSide pixels a side; null: no cover
  QString thumbnailFile;  // the cached PNG of `thumbnail` (absolute path); empty when none
  QString source;         // "embedded (ID3v2 APIC)", the folder image's path, or empty
  QStringList ignored;    // why pictures were ignored (each one also logged to songspace.ui)
};

// Song covers as thumbnails: the picture embedded in the file (audio::readEmbeddedPicture), else
// the first good one of the folder's cover images (audio::findFolderImages). Nothing of this runs
// during a scan: a cover is looked up the first time a view asks for it.
//
// Thumbnails are cached twice: in memory (kMemoryBudgetBytes, least recently used first out) and
// as PNG files in cacheFolder() (by default <XDG cache>/songspace/covers), named by a hash of the
// song's path, size and modification time and those of the folder images, so an edited file or a
// new cover.jpg gives a new entry. A song without a usable cover gets an empty "<key>.none" file,
// so it is not opened again in later sessions. A thumbnail read from the folder has its
// modification time renewed; when the cache starts, its worker first trims the folder to
// kDiskBudgetBytes, the least recently used files first (pruneFolder).
//
// Bad pictures are ignored with a logged reason (qCWarning in songspace.ui), never a crash: bytes
// Qt cannot decode (text named cover.jpg), a JPEG without its end-of-image marker (truncated),
// declared dimensions above kMaxImageSide or needing more than kDecodeLimitMiB to decode (a
// 30000 × 30000 PNG header), a decoding error. An ignored embedded picture falls back to the folder
// image.
//
// Threads: cover(), thumbnailFile() and the signal live on the GUI thread; the lookups run one at
// a time on the cache's own worker thread and report back by coverReady(). The destructor waits
// for the running lookup. lookUp() and decodeThumbnail() are pure and may run on any thread.
class CoverArtCache : public QObject {
  Q_OBJECT
 public:
  static constexpr int kThumbnailSide = 256;    // px, the longest side of a cached thumbnail
  static constexpr int kMaxImageSide = 12'000;  // px; pictures declaring more are ignored
  static constexpr int kDecodeLimitMiB = 256;   // memory a full-size decode may need (RGBA)
  static constexpr qint64 kMemoryBudgetBytes = 64ll << 20;  // thumbnails kept in memory
  static constexpr qint64 kDiskBudgetBytes = 256ll << 20;   // the cache folder, trimmed at start

  // `folder` empty: defaultFolder(). The folder is created when the first thumbnail is written.
  explicit CoverArtCache(const QString& folder = {}, QObject* parent = nullptr);
  ~CoverArtCache() override;

  static QString defaultFolder();  // <QStandardPaths::CacheLocation>/covers
  QString cacheFolder() const { return m_folder; }

  // The song's thumbnail when it is known; otherwise a null image, and (once per song) a lookup
  // starts whose end coverReady() announces. A song known to have no cover also gives null.
  QImage cover(const QString& audioPath);
  // Whether the song's lookup has finished (with or without a cover).
  bool isKnown(const QString& audioPath) const { return m_known.contains(audioPath); }
  // The cached thumbnail file of a song whose lookup has finished, e.g. for MPRIS's mpris:artUrl
  // (QUrl::fromLocalFile); empty when the song has no cover or is not looked up yet (then call
  // cover() and wait for coverReady()).
  QString thumbnailFile(const QString& audioPath) const { return m_files.value(audioPath); }

  // Looks up one song's cover synchronously (what the worker runs): the cached thumbnail if the
  // cache folder has one for this state of the files, else the embedded picture or the folder
  // image, decoded, scaled, written to `cacheFolder`.
  static CoverLookup lookUp(const QString& audioPath, const QString& cacheFolder);
  // Decodes image bytes into a thumbnail (at most kThumbnailSide a side) within the limits above.
  // Null, with the reason in `whyNot`, when the bytes are refused.
  static QImage decodeThumbnail(const QByteArray& bytes, QString* whyNot);
  // Deletes the cache files (*.png, *.none) of `cacheFolder` that are least recently used
  // (oldest modification time first) until the rest take at most `budgetBytes`; returns how many
  // were deleted. Other files are left alone.
  static int pruneFolder(const QString& cacheFolder, qint64 budgetBytes);

 Q_SIGNALS:
  // A lookup started by cover() has finished; cover() and thumbnailFile() now answer for it
  // (a null cover: the song has none).
  void coverReady(const QString& audioPath);

 private:
  void finish(const QString& audioPath, const CoverLookup& found);

  QString m_folder;
  QThreadPool m_pool;                // one worker: lookups queue rather than compete with playback
  QCache<QString, QImage> m_images;  // thumbnails by audio path, cost in bytes
  QHash<QString, QString> m_files;   // thumbnail files by audio path (songs with a cover)
  QSet<QString> m_known;             // songs whose lookup has finished
  QSet<QString> m_pending;           // songs being looked up
};

// `cover` scaled to fit `side` × `side` device-independent pixels (sharp at `dpr`), or, for a null
// cover, a placeholder: a frame with a note in the palette's placeholder colour.
QPixmap coverPixmap(const QImage& cover, int side, const QPalette& palette, qreal dpr = 1.0);

}  // namespace songspace::ui
