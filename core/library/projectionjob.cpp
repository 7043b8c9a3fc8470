#include "core/library/projectionjob.h"

#include <QFile>
#include <QIODevice>
#include <QSaveFile>
#include <array>
#include <utility>

#include "core/base/byteio.h"
#include "core/base/crc32.h"
#include "core/base/filestamp.h"
#include "core/library/modelsession.h"
#include "core/map/mapplacement.h"
#include "core/map/projection.h"

namespace songspace::library {
namespace {

constexpr char kMagic[8] = {'S', 'G', 'S', 'P', 'M', 'A', 'P', '\n'};
// Version 2: the byte after the counts holds flags (kRefinedFlag, kWarmStartFlag); in version 1,
// still read, it was 1 for a refined layout.
constexpr quint32 kVersion = 2;
constexpr quint8 kRefinedFlag = 1;
constexpr quint8 kWarmStartFlag = 2;
// A layout of more points than this is not something we wrote (t-SNE caps far lower).
constexpr qint64 kMaxCachedPoints = 50'000'000;

void writeMatrix(base::ByteWriter& out, const Eigen::MatrixXf& m) {  // row after row
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    for (Eigen::Index c = 0; c < m.cols(); ++c) out.f32(m(r, c));
  }
}

bool readMatrix(base::ByteReader& in, Eigen::MatrixXf& m, qint64 rows) {
  if (!in.needItems(static_cast<std::uint64_t>(rows), 8, "positions")) return false;
  m.resize(rows, 2);
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    for (Eigen::Index c = 0; c < 2; ++c) m(r, c) = in.f32();
  }
  return in.ok() && m.allFinite();
}

}  // namespace

ModelStamp modelStampOf(const QString& modelPath) {
  const auto stamp = base::fileStamp(QFile::encodeName(modelPath).toStdString());
  if (!stamp) return {};
  return {stamp->size, stamp->mtimeNs};
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
  // The songs, artists and tags as stackJointSpace() stacks them, read where they are.
  const std::array<const Eigen::MatrixXf*, 3> blocks{&session.songEmbeddings(), &session.model().A,
                                                     &session.model().T};
  // The axes from 2·10⁴ points at most: the start of the map a moment sooner for a large library
  // (core/map/projection.h).
  layout.initial = core::pcaOfColumns(blocks, 2, kPcaCovarianceSample).projected;
  return layout;
}

int carryOverLayout(const ModelSession& session, const MapLayout& previous, MapLayout& out) {
  const int songs = session.songCount();
  const Eigen::MatrixXf& positions = previous.best();
  if (!(previous.refined() || previous.warmStart) || positions.rows() != previous.pointCount() ||
      positions.cols() != 2)
    return -1;
  MapLayout layout;
  layout.fileIds.reserve(static_cast<std::size_t>(songs));
  for (int i = 0; i < songs; ++i) layout.fileIds.push_back(session.fileIdOfRow(i));
  layout.artistCount = static_cast<int>(session.model().A.cols());
  layout.tagCount = static_cast<int>(session.model().T.cols());
  std::vector<bool> kept(static_cast<std::size_t>(layout.pointCount()), false);
  Eigen::MatrixXf previousRows = Eigen::MatrixXf::Zero(layout.pointCount(), 2);
  int keptSongs = 0;
  for (int row = 0; row < previous.songCount(); ++row) {
    const int now = session.rowOfFile(previous.fileIds[static_cast<std::size_t>(row)]);
    if (now < 0 || kept[static_cast<std::size_t>(now)]) continue;
    kept[static_cast<std::size_t>(now)] = true;
    previousRows.row(now) = positions.row(row);
    ++keptSongs;
  }
  if (keptSongs < 4 || keptSongs < kMinKeptShare * songs) return -1;
  layout.initial = core::carryOverMap(stackJointSpace(session), previousRows, kept);
  layout.warmStart = true;
  out = std::move(layout);
  return keptSongs;
}

base::Status refineLayout(const ModelSession& session, MapLayout& layout,
                          const RefineOptions& options) {
  layout.tsne.resize(0, 2);
  core::TsneResult result = core::tsneFromLayout(stackJointSpace(session), layout.initial,
                                                 options.tsne, options.progress, options.cancel);
  if (result.status.ok() && result.embedding.rows() == layout.pointCount()) {
    layout.tsne = std::move(result.embedding);
  }
  return result.status;
}

base::Status saveMapCache(const QString& path, const ModelStamp& stamp, const MapLayout& layout) {
  if (layout.initial.rows() != layout.pointCount() || layout.initial.cols() != 2) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "layout has no initial positions for every point");
  }
  base::ByteWriter out;
  out.raw(kMagic, sizeof kMagic);
  out.u32(kVersion);
  for (const std::int64_t value : {stamp.size, stamp.mtimeNs, std::int64_t{layout.songCount()},
                                   std::int64_t{layout.artistCount}, std::int64_t{layout.tagCount}})
    out.i64(value);
  out.u8((layout.refined() ? kRefinedFlag : 0) | (layout.warmStart ? kWarmStartFlag : 0));
  for (const std::int64_t id : layout.fileIds) out.i64(id);
  writeMatrix(out, layout.initial);
  if (layout.refined()) writeMatrix(out, layout.tsne);
  out.u32(base::crc32(out.bytes().data(), out.size()));
  const auto size = static_cast<qint64>(out.size());
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) ||
      file.write(reinterpret_cast<const char*>(out.bytes().data()), size) != size ||
      !file.commit()) {
    return base::Status::failure(
        base::ErrorCode::Io,
        QStringLiteral("cannot write %1: %2").arg(path, file.errorString()).toStdString());
  }
  return base::Status::success();
}

namespace {

// The file as written, checked only against itself; `stamp` is the model it was computed for.
base::Status parseMapCache(const QString& path, MapLayout& layout, ModelStamp& stamp) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    return base::Status::failure(base::ErrorCode::NotFound,
                                 QStringLiteral("no map cache at %1").arg(path).toStdString());
  }
  const QByteArray bytes = file.readAll();
  constexpr qsizetype kCrcBytes = 4;
  if (bytes.size() < qsizetype(sizeof kMagic) + kCrcBytes ||
      !bytes.startsWith(QByteArray(kMagic, sizeof kMagic))) {
    return base::Status::failure(base::ErrorCode::Corrupt, "not a Songspace map cache");
  }
  const qsizetype body = bytes.size() - kCrcBytes;
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.constData());
  if (base::crc32(data, static_cast<std::size_t>(body)) != base::loadU32(data + body)) {
    return base::Status::failure(base::ErrorCode::Corrupt,
                                 "map cache checksum mismatch (corrupted)");
  }
  base::ByteReader in(data + sizeof kMagic, static_cast<std::size_t>(body) - sizeof kMagic);
  const quint32 version = in.u32();
  const qint64 size = in.i64(), mtime = in.i64(), songs = in.i64(), artists = in.i64(),
               tags = in.i64();
  const quint8 flags = in.u8();
  if (!in.ok()) {
    return base::Status::failure(base::ErrorCode::Corrupt, "map cache is truncated or malformed");
  }
  if (version != kVersion && version != 1) {
    return base::Status::failure(
        base::ErrorCode::Unsupported,
        QStringLiteral("map cache version %1 is not %2").arg(version).arg(kVersion).toStdString());
  }
  if (songs < 0 || artists < 0 || tags < 0 || songs + artists + tags > kMaxCachedPoints ||
      flags > (kRefinedFlag | kWarmStartFlag) || (version == 1 && flags > kRefinedFlag)) {
    return base::Status::failure(base::ErrorCode::Corrupt, "map cache is truncated or malformed");
  }
  MapLayout loaded;
  loaded.artistCount = static_cast<int>(artists);
  loaded.tagCount = static_cast<int>(tags);
  loaded.warmStart = (flags & kWarmStartFlag) != 0;
  if (!in.needItems(static_cast<std::uint64_t>(songs), 8, "song ids")) {
    return base::Status::failure(base::ErrorCode::Corrupt, "map cache is truncated or malformed");
  }
  loaded.fileIds.reserve(static_cast<std::size_t>(songs));
  for (qint64 i = 0; i < songs; ++i) {
    const qint64 id = in.i64();
    if (!in.ok()) {
      return base::Status::failure(base::ErrorCode::Corrupt, "map cache is truncated or malformed");
    }
    loaded.fileIds.push_back(id);
  }
  const qint64 points = songs + artists + tags;
  if (!readMatrix(in, loaded.initial, points) ||
      ((flags & kRefinedFlag) != 0 && !readMatrix(in, loaded.tsne, points)) || !in.atEnd()) {
    return base::Status::failure(base::ErrorCode::Corrupt, "map cache is truncated or malformed");
  }
  layout = std::move(loaded);
  stamp = {size, mtime};
  return base::Status::success();
}

}  // namespace

base::Status readPreviousMapCache(const QString& path, MapLayout& layout) {
  ModelStamp stamp;
  return parseMapCache(path, layout, stamp);
}

base::Status readMapCache(const QString& path, const ModelStamp& stamp, const ModelSession& session,
                          MapLayout& layout) {
  MapLayout loaded;
  ModelStamp written;
  if (base::Status status = parseMapCache(path, loaded, written); !status.ok()) return status;
  if (written != stamp || !stamp.valid()) {
    return base::Status::failure(base::ErrorCode::Changed,
                                 "map cache is for another model (retrained since)");
  }
  const core::JointModel& model = session.model();
  if (loaded.artistCount != model.A.cols() || loaded.tagCount != model.T.cols()) {
    return base::Status::failure(base::ErrorCode::Corrupt,
                                 "map cache does not match the model's points");
  }
  layout = std::move(loaded);
  return base::Status::success();
}

bool hasSessionSongs(const MapLayout& layout, const ModelSession& session) {
  if (layout.songCount() != session.songCount()) return false;
  for (int i = 0; i < layout.songCount(); ++i) {
    if (layout.fileIds[static_cast<std::size_t>(i)] != session.fileIdOfRow(i)) return false;
  }
  return true;
}

base::Status loadMapCache(const QString& path, const ModelStamp& stamp, const ModelSession& session,
                          MapLayout& layout) {
  MapLayout loaded;
  if (base::Status status = readMapCache(path, stamp, session, loaded); !status.ok()) return status;
  if (!hasSessionSongs(loaded, session)) {
    return base::Status::failure(base::ErrorCode::Changed,
                                 "map cache songs differ from the model's (rescanned since)");
  }
  layout = std::move(loaded);
  return base::Status::success();
}

int placeNewSongs(const ModelSession& session, const MapLayout& cached, MapLayout& out) {
  const core::JointModel& model = session.model();
  if (!cached.refined() || cached.artistCount != model.A.cols() ||
      cached.tagCount != model.T.cols())
    return -1;
  MapLayout layout = pcaLayout(session);
  const Eigen::MatrixXf space = stackJointSpace(session);  // the session's row order
  const int songs = session.songCount();
  const int labels = cached.artistCount + cached.tagCount;

  // Kept points: songs in both (by file id), then every artist and tag, with their positions.
  std::vector<int> cachedRowOfSong(static_cast<std::size_t>(songs), -1);
  for (int row = 0; row < cached.songCount(); ++row) {
    const int now = session.rowOfFile(cached.fileIds[static_cast<std::size_t>(row)]);
    if (now >= 0) cachedRowOfSong[static_cast<std::size_t>(now)] = row;
  }
  std::vector<int> keptRows, newRows;  // session song rows
  for (int row = 0; row < songs; ++row)
    (cachedRowOfSong[static_cast<std::size_t>(row)] >= 0 ? keptRows : newRows).push_back(row);
  const auto kept = static_cast<Eigen::Index>(keptRows.size()) + labels;
  Eigen::MatrixXf keptPoints(kept, space.cols());
  Eigen::MatrixXf keptMap(kept, 2);
  Eigen::Index r = 0;
  for (const int row : keptRows) {
    keptPoints.row(r) = space.row(row);
    keptMap.row(r++) = cached.tsne.row(cachedRowOfSong[static_cast<std::size_t>(row)]);
  }
  keptPoints.bottomRows(labels) = space.bottomRows(labels);
  keptMap.bottomRows(labels) = cached.tsne.bottomRows(labels);

  Eigen::MatrixXf newPoints(static_cast<Eigen::Index>(newRows.size()), space.cols());
  for (std::size_t i = 0; i < newRows.size(); ++i)
    newPoints.row(static_cast<Eigen::Index>(i)) = space.row(newRows[i]);
  const Eigen::MatrixXf placed = core::placeOnMap(keptPoints, keptMap, newPoints);

  layout.tsne.resize(layout.pointCount(), 2);
  for (std::size_t i = 0; i < keptRows.size(); ++i)
    layout.tsne.row(keptRows[i]) = keptMap.row(static_cast<Eigen::Index>(i));
  for (std::size_t i = 0; i < newRows.size(); ++i)
    layout.tsne.row(newRows[i]) = placed.row(static_cast<Eigen::Index>(i));
  layout.tsne.bottomRows(labels) = keptMap.bottomRows(labels);
  out = std::move(layout);
  return static_cast<int>(newRows.size());
}

}  // namespace songspace::library
