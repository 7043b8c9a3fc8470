#include "core/library/projectionjob.h"

#include <QDataStream>
#include <QFile>
#include <QIODevice>
#include <QSaveFile>
#include <chrono>
#include <filesystem>
#include <system_error>

#include "core/base/crc32.h"
#include "core/library/modelsession.h"
#include "core/map/projection.h"

namespace songspace::library {
namespace {

constexpr char kMagic[8] = {'S', 'G', 'S', 'P', 'M', 'A', 'P', '\n'};
constexpr quint32 kVersion = 1;
// A layout of more points than this is not something we wrote (t-SNE caps far lower).
constexpr qint64 kMaxCachedPoints = 50'000'000;

void setError(QString* error, const QString& text) {
  if (error) *error = text;
}

void writeMatrix(QDataStream& out, const Eigen::MatrixXf& m) {
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    for (Eigen::Index c = 0; c < m.cols(); ++c) out << m(r, c);
  }
}

bool readMatrix(QDataStream& in, Eigen::MatrixXf& m, qint64 rows) {
  m.resize(rows, 2);
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    for (Eigen::Index c = 0; c < 2; ++c) in >> m(r, c);
  }
  return in.status() == QDataStream::Ok && m.allFinite();
}

}  // namespace

ModelStamp modelStampOf(const QString& modelPath) {
  std::error_code ec;
  const std::filesystem::path path(QFile::encodeName(modelPath).toStdString());
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return {};
  const auto mtime = std::filesystem::last_write_time(path, ec);
  if (ec) return {};
  ModelStamp stamp;
  stamp.size = static_cast<std::int64_t>(size);
  stamp.mtimeNs =
      std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
  return stamp;
}

QString mapCachePathForCatalog(const QString& catalogPath) {
  return catalogPath + QStringLiteral(".map");
}

Eigen::MatrixXf stackJointSpace(const ModelSession& session) {
  const Eigen::MatrixXf& songs = session.songEmbeddings();  // d × N
  const core::JointModel& model = session.model();
  const Eigen::Index d = model.A.rows() > 0 ? model.A.rows() : songs.rows();
  const Eigen::Index n = songs.cols() + model.A.cols() + model.T.cols();
  Eigen::MatrixXf points(n, d);
  Eigen::Index row = 0;
  for (const Eigen::MatrixXf* block : {&songs, &model.A, &model.T}) {
    if (block->cols() == 0) continue;
    points.middleRows(row, block->cols()) = block->transpose();
    row += block->cols();
  }
  return points;
}

MapLayout pcaLayout(const ModelSession& session) {
  MapLayout layout;
  layout.fileIds.reserve(static_cast<std::size_t>(session.songCount()));
  for (int i = 0; i < session.songCount(); ++i) layout.fileIds.push_back(session.fileIdOfRow(i));
  layout.artistCount = static_cast<int>(session.model().A.cols());
  layout.tagCount = static_cast<int>(session.model().T.cols());
  layout.pca = core::pcaProject(stackJointSpace(session), 2);
  return layout;
}

core::TsneStatus refineLayout(const ModelSession& session, MapLayout& layout,
                              const RefineOptions& options) {
  layout.tsne.resize(0, 2);
  core::TsneResult result =
      core::tsne(stackJointSpace(session), options.tsne, options.progress, options.cancel);
  if (result.status == core::TsneStatus::Ok && result.embedding.rows() == layout.pointCount()) {
    layout.tsne = std::move(result.embedding);
  }
  return result.status;
}

bool saveMapCache(const QString& path, const ModelStamp& stamp, const MapLayout& layout,
                  QString* error) {
  if (layout.pca.rows() != layout.pointCount() || layout.pca.cols() != 2) {
    setError(error, QStringLiteral("layout has no PCA positions for every point"));
    return false;
  }
  QByteArray bytes;
  {
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setByteOrder(QDataStream::LittleEndian);
    out.setFloatingPointPrecision(QDataStream::SinglePrecision);
    out.writeRawData(kMagic, sizeof kMagic);
    out << kVersion << qint64(stamp.size) << qint64(stamp.mtimeNs) << qint64(layout.songCount())
        << qint64(layout.artistCount) << qint64(layout.tagCount) << quint8(layout.refined());
    for (const std::int64_t id : layout.fileIds) out << qint64(id);
    writeMatrix(out, layout.pca);
    if (layout.refined()) writeMatrix(out, layout.tsne);
  }
  const quint32 crc = core::crc32(bytes.constData(), static_cast<std::size_t>(bytes.size()));
  {
    QDataStream out(&bytes, QIODevice::Append);
    out.setByteOrder(QDataStream::LittleEndian);
    out << crc;
  }
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
    setError(error, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return false;
  }
  return true;
}

bool loadMapCache(const QString& path, const ModelStamp& stamp, const ModelSession& session,
                  MapLayout& layout, QString* error) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    setError(error, QStringLiteral("no map cache at %1").arg(path));
    return false;
  }
  const QByteArray bytes = file.readAll();
  constexpr qsizetype kCrcBytes = 4;
  if (bytes.size() < qsizetype(sizeof kMagic) + kCrcBytes ||
      !bytes.startsWith(QByteArray(kMagic, sizeof kMagic))) {
    setError(error, QStringLiteral("not a Songspace map cache"));
    return false;
  }
  const qsizetype body = bytes.size() - kCrcBytes;
  quint32 storedCrc = 0;
  {
    QDataStream tail(bytes.mid(body));
    tail.setByteOrder(QDataStream::LittleEndian);
    tail >> storedCrc;
  }
  if (core::crc32(bytes.constData(), static_cast<std::size_t>(body)) != storedCrc) {
    setError(error, QStringLiteral("map cache checksum mismatch (corrupted)"));
    return false;
  }
  QDataStream in(bytes.left(body));
  in.setByteOrder(QDataStream::LittleEndian);
  in.setFloatingPointPrecision(QDataStream::SinglePrecision);
  in.skipRawData(sizeof kMagic);
  quint32 version = 0;
  qint64 size = 0, mtime = 0, songs = 0, artists = 0, tags = 0;
  quint8 refined = 0;
  in >> version >> size >> mtime >> songs >> artists >> tags >> refined;
  if (version != kVersion) {
    setError(error, QStringLiteral("map cache version %1 is not %2").arg(version).arg(kVersion));
    return false;
  }
  if (ModelStamp{size, mtime} != stamp || !stamp.valid()) {
    setError(error, QStringLiteral("map cache is for another model (retrained since)"));
    return false;
  }
  const core::JointModel& model = session.model();
  if (songs != session.songCount() || artists != model.A.cols() || tags != model.T.cols() ||
      songs + artists + tags > kMaxCachedPoints) {
    setError(error, QStringLiteral("map cache does not match the model's points"));
    return false;
  }
  MapLayout loaded;
  loaded.artistCount = static_cast<int>(artists);
  loaded.tagCount = static_cast<int>(tags);
  loaded.fileIds.reserve(static_cast<std::size_t>(songs));
  for (qint64 i = 0; i < songs; ++i) {
    qint64 id = 0;
    in >> id;
    if (id != session.fileIdOfRow(static_cast<int>(i))) {
      setError(error, QStringLiteral("map cache songs differ from the model's"));
      return false;
    }
    loaded.fileIds.push_back(id);
  }
  const qint64 points = songs + artists + tags;
  if (!readMatrix(in, loaded.pca, points) || (refined && !readMatrix(in, loaded.tsne, points)) ||
      !in.atEnd()) {
    setError(error, QStringLiteral("map cache is truncated or malformed"));
    return false;
  }
  layout = std::move(loaded);
  return true;
}

}  // namespace songspace::library
