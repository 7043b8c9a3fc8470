#include "ui/coverart.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QPainter>
#include <QPalette>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>

#include "audio/coverart.h"
#include "core/library/logging.h"

namespace songspace::ui {

namespace {

// A folder image may be a high-resolution scan; larger files are not read at all.
constexpr qint64 kMaxFolderImageBytes = 64ll << 20;
// How far before the end of a JPEG (PNG) its end-of-image marker (IEND chunk) may sit: writers
// leave padding or trailing data behind the image now and then.
constexpr qsizetype kEndMarkerWindow = 1024;

std::filesystem::path nativePath(const QString& path) {
  return std::filesystem::path(QFile::encodeName(path).toStdString());
}

// The state of a file that the cache entry depends on.
void addStamp(QCryptographicHash& hash, const QString& path) {
  const QFileInfo info(path);
  hash.addData(path.toUtf8());
  hash.addData(QByteArray::number(info.exists() ? info.size() : -1));
  hash.addData(QByteArray::number(info.exists() ? info.lastModified().toMSecsSinceEpoch() : 0));
  hash.addData(QByteArrayView("\n"));
}

bool endsWithin(const QByteArray& bytes, QByteArrayView marker) {
  const qsizetype at = bytes.lastIndexOf(marker);
  return at >= 0 && bytes.size() - at <= kEndMarkerWindow;
}

// Reads the thumbnail this cache wrote earlier (null if it is gone or damaged).
QImage readCachedThumbnail(const QString& file) {
  QImageReader reader(file, "png");
  if (reader.size().width() > CoverArtCache::kThumbnailSide ||
      reader.size().height() > CoverArtCache::kThumbnailSide) {
    return {};  // not one of ours
  }
  QImage image;
  if (!reader.read(&image)) return {};
  return image;
}

void writeNoneMarker(const QString& file) {
  QFile marker(file);
  if (!marker.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
    qCWarning(library::lcUi).noquote()
        << "cover art: cannot write" << file << "(" << marker.errorString() << ")";
  }
}

}  // namespace

CoverArtCache::CoverArtCache(const QString& folder, QObject* parent)
    : QObject(parent), m_folder(folder.isEmpty() ? defaultFolder() : folder) {
  m_pool.setMaxThreadCount(1);
  m_images.setMaxCost(kMemoryBudgetBytes);
  m_pool.start([folder = m_folder] { pruneFolder(folder, kDiskBudgetBytes); });
}

int CoverArtCache::pruneFolder(const QString& cacheFolder, qint64 budgetBytes) {
  QFileInfoList files =
      QDir(cacheFolder)
          .entryInfoList({QStringLiteral("*.png"), QStringLiteral("*.none")}, QDir::Files);
  qint64 total = 0;
  for (const QFileInfo& file : files) total += file.size();
  if (total <= budgetBytes) return 0;
  std::sort(files.begin(), files.end(), [](const QFileInfo& a, const QFileInfo& b) {
    return a.lastModified() < b.lastModified();
  });
  int deleted = 0;
  for (const QFileInfo& file : files) {
    if (total <= budgetBytes) break;
    if (QFile::remove(file.absoluteFilePath())) {
      total -= file.size();
      ++deleted;
    }
  }
  qCInfo(library::lcUi).noquote() << "cover art: deleted" << deleted
                                  << "least recently used thumbnail(s) from" << cacheFolder;
  return deleted;
}

CoverArtCache::~CoverArtCache() {
  m_pool.clear();
  m_pool.waitForDone();
}

QString CoverArtCache::defaultFolder() {
  return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation))
      .filePath(QStringLiteral("covers"));
}

QImage CoverArtCache::cover(const QString& audioPath) {
  if (audioPath.isEmpty()) return {};
  if (const QImage* image = m_images.object(audioPath)) return *image;
  // Known without a cover: nothing to do. Known with one that memory let go: look it up again
  // (the thumbnail file answers quickly).
  if (m_known.contains(audioPath) && !m_files.contains(audioPath)) return {};
  if (m_pending.contains(audioPath)) return {};
  m_pending.insert(audioPath);
  m_pool.start([this, audioPath, folder = m_folder] {
    const CoverLookup found = lookUp(audioPath, folder);
    QMetaObject::invokeMethod(
        this, [this, audioPath, found] { finish(audioPath, found); }, Qt::QueuedConnection);
  });
  return {};
}

void CoverArtCache::finish(const QString& audioPath, const CoverLookup& found) {
  m_pending.remove(audioPath);
  m_known.insert(audioPath);
  if (found.thumbnail.isNull()) {
    m_files.remove(audioPath);
  } else {
    m_images.insert(audioPath, new QImage(found.thumbnail),
                    std::max<qsizetype>(1, found.thumbnail.sizeInBytes()));
    m_files.insert(audioPath, found.thumbnailFile);
  }
  Q_EMIT coverReady(audioPath);
}

QImage CoverArtCache::decodeThumbnail(const QByteArray& bytes, QString* whyNot) {
  const auto refuse = [whyNot](const QString& reason) {
    if (whyNot) *whyNot = reason;
    return QImage();
  };
  QBuffer buffer;
  buffer.setData(bytes);
  buffer.open(QIODevice::ReadOnly);
  QImageReader reader(&buffer);
  const QByteArray format = reader.format();
  if (format.isEmpty()) {
    return refuse(QStringLiteral("not an image format Qt can read (%1 bytes)").arg(bytes.size()));
  }
  const QSize size = reader.size();
  if (!size.isValid() || size.isEmpty()) {
    return refuse(QStringLiteral("the %1 image declares no size").arg(QString::fromLatin1(format)));
  }
  if (size.width() > kMaxImageSide || size.height() > kMaxImageSide) {
    return refuse(QStringLiteral("the %1 image declares %2 × %3 pixels, more than %4 a side")
                      .arg(QString::fromLatin1(format))
                      .arg(size.width())
                      .arg(size.height())
                      .arg(kMaxImageSide));
  }
  // Checked here rather than with QImageReader::setAllocationLimit, which is process-wide and
  // which Qt 6.4's PNG reader does not consult.
  const qint64 decodeMiB = (qint64{size.width()} * size.height() * 4) >> 20;
  if (decodeMiB > kDecodeLimitMiB) {
    return refuse(QStringLiteral("the %1 image declares %2 × %3 pixels, %4 MiB to decode, more "
                                 "than the %5 MiB allowed")
                      .arg(QString::fromLatin1(format))
                      .arg(size.width())
                      .arg(size.height())
                      .arg(decodeMiB)
                      .arg(kDecodeLimitMiB));
  }
  // Qt decodes a cut-off JPEG without an error (the missing part grey), and may do the same for
  // a PNG that lost its tail: a picture without its end marker counts as truncated.
  if (format == "jpeg" && !endsWithin(bytes, QByteArrayView("\xFF\xD9", 2))) {
    return refuse(QStringLiteral("truncated JPEG (no end-of-image marker)"));
  }
  if (format == "png" && !endsWithin(bytes, QByteArrayView("IEND"))) {
    return refuse(QStringLiteral("truncated PNG (no IEND chunk)"));
  }
  if (size.width() > kThumbnailSide || size.height() > kThumbnailSide) {
    // JPEG decodes straight to the smaller size; other formats are scaled after decoding.
    reader.setScaledSize(size.scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio));
  }
  QImage image;
  if (!reader.read(&image)) {
    return refuse(QStringLiteral("the %1 image cannot be decoded (%2)")
                      .arg(QString::fromLatin1(format), reader.errorString()));
  }
  return image;
}

CoverLookup CoverArtCache::lookUp(const QString& audioPath, const QString& cacheFolder) {
  CoverLookup found;
  QStringList folderImages;
  for (const std::filesystem::path& image : audio::findFolderImages(nativePath(audioPath))) {
    folderImages << QFile::decodeName(image.c_str());
  }
  QCryptographicHash hash(QCryptographicHash::Sha1);
  hash.addData(QByteArrayView("songspace cover v1\n"));
  addStamp(hash, audioPath);
  for (const QString& image : folderImages) addStamp(hash, image);
  const QDir dir(cacheFolder);
  const QString key = QString::fromLatin1(hash.result().toHex());
  const QString thumbnailFile = dir.filePath(key + QStringLiteral(".png"));
  const QString noneFile = dir.filePath(key + QStringLiteral(".none"));
  if (QFileInfo::exists(thumbnailFile)) {
    found.thumbnail = readCachedThumbnail(thumbnailFile);
    if (!found.thumbnail.isNull()) {
      // Used now: the last to go when the folder is trimmed.
      QFile file(thumbnailFile);
      if (file.open(QIODevice::ReadWrite)) {
        // reason: a time left unchanged only lets the thumbnail be trimmed sooner
        (void)file.setFileTime(QDateTime::currentDateTime(), QFileDevice::FileModificationTime);
      }
      found.thumbnailFile = thumbnailFile;
      found.source = QStringLiteral("cache");
      return found;
    }
  }
  if (QFileInfo::exists(noneFile)) return found;

  const auto ignore = [&](const QString& what, const QString& reason) {
    const QString text = QStringLiteral("%1: %2").arg(what, reason);
    qCWarning(library::lcUi).noquote() << "cover art of" << audioPath << "ignored:" << text;
    found.ignored << text;
  };
  audio::EmbeddedPicture picture;
  if (const base::Status status = audio::readEmbeddedPicture(nativePath(audioPath), picture);
      !status.ok()) {
    // A missing file has no picture to ignore: only a file that is there but unreadable is news.
    if (status.error != base::ErrorCode::NotFound) {
      ignore(QStringLiteral("the embedded picture"), QString::fromStdString(status.message));
    }
  } else if (!picture.data.empty()) {
    const QString what =
        QStringLiteral("the embedded picture (%1)").arg(QString::fromStdString(picture.container));
    QString whyNot;
    found.thumbnail = decodeThumbnail(
        QByteArray(picture.data.data(), static_cast<qsizetype>(picture.data.size())), &whyNot);
    if (found.thumbnail.isNull()) {
      ignore(what, whyNot);
    } else {
      found.source = what;
    }
  }
  for (const QString& image : folderImages) {
    if (!found.thumbnail.isNull()) break;
    QFile file(image);
    QString whyNot;
    if (file.size() > kMaxFolderImageBytes) {
      whyNot = QStringLiteral("%1 bytes, more than the %2 MiB a cover image may have")
                   .arg(file.size())
                   .arg(kMaxFolderImageBytes >> 20);
    } else if (!file.open(QIODevice::ReadOnly)) {
      whyNot = file.errorString();
    } else {
      found.thumbnail = decodeThumbnail(file.readAll(), &whyNot);
    }
    if (found.thumbnail.isNull()) {
      ignore(image, whyNot);
    } else {
      found.source = image;
    }
  }

  if (!QFileInfo::exists(audioPath)) return found;  // nothing worth remembering
  if (!QDir().mkpath(cacheFolder)) {
    qCWarning(library::lcUi).noquote()
        << "cover art: cannot create the cache folder" << cacheFolder;
    return found;
  }
  if (found.thumbnail.isNull()) {
    writeNoneMarker(noneFile);
    return found;
  }
  QSaveFile out(thumbnailFile);
  if (out.open(QIODevice::WriteOnly) && found.thumbnail.save(&out, "PNG") && out.commit()) {
    found.thumbnailFile = thumbnailFile;
  } else {
    qCWarning(library::lcUi).noquote()
        << "cover art: cannot write" << thumbnailFile << "(" << out.errorString() << ")";
  }
  return found;
}

QPixmap coverPixmap(const QImage& cover, int side, const QPalette& palette, qreal dpr) {
  const int devicePixels = qRound(side * dpr);
  if (!cover.isNull()) {
    QPixmap pixmap = QPixmap::fromImage(
        cover.scaled(devicePixels, devicePixels, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    pixmap.setDevicePixelRatio(dpr);
    return pixmap;
  }
  QPixmap pixmap(devicePixels, devicePixels);
  pixmap.setDevicePixelRatio(dpr);
  pixmap.fill(Qt::transparent);
  QPainter painter(&pixmap);
  painter.setRenderHint(QPainter::Antialiasing);
  const QRectF frame(0.5, 0.5, side - 1.0, side - 1.0);
  painter.setPen(palette.color(QPalette::Mid));
  painter.setBrush(palette.color(QPalette::AlternateBase));
  painter.drawRoundedRect(frame, side / 12.0, side / 12.0);
  QFont font = painter.font();
  font.setPixelSize(std::max(8, side / 2));
  painter.setFont(font);
  painter.setPen(palette.color(QPalette::PlaceholderText));
  painter.drawText(frame, Qt::AlignCenter, QStringLiteral("♪"));
  return pixmap;
}

}  // namespace songspace::ui
