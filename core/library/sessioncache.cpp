#include "core/library/sessioncache.h"

#include <QFile>
#include <QSaveFile>
#include <bit>
#include <cmath>
#include <cstring>

#include "core/base/byteio.h"
#include "core/base/crc32.h"
#include "core/base/filestamp.h"

namespace songspace::library {
namespace {

constexpr char kMagic[8] = {'S', 'G', 'S', 'P', 'S', 'E', 'S', 'S'};
constexpr std::uint32_t kVersion = 2;  // 2: Novelty::silent
constexpr std::uint8_t kHasNovelty = 1, kHasTopTags = 2;

// The embeddings are most of the file (d × N floats): copied as they are on little-endian hosts,
// value by value elsewhere.
void writeFloats(base::ByteWriter& out, const float* data, std::size_t count) {
  if constexpr (std::endian::native == std::endian::little) {
    out.raw(data, count * sizeof(float));
  } else {
    out.floats(data, count);
  }
}

bool readFloats(base::ByteReader& in, float* data, std::size_t count) {
  if constexpr (std::endian::native == std::endian::little) {
    if (!in.needItems(count, sizeof(float), "embeddings")) return false;
    const auto bytes = in.raw(count * sizeof(float), "embeddings");
    if (bytes.size() != count * sizeof(float)) return false;
    std::memcpy(data, bytes.data(), bytes.size());
    return true;
  } else {
    return in.floats(data, count, "embeddings");
  }
}

void writeNovelty(base::ByteWriter& out, const core::Novelty& n) {
  out.u8(n.scope == core::NoveltyScope::TaggedSongs ? 1 : 0);
  out.u8(static_cast<std::uint8_t>((n.available ? 1 : 0) | (n.featureNovel ? 2 : 0) |
                                   (n.jointNovel ? 4 : 0) | (n.tooShort ? 8 : 0) |
                                   (n.silent ? 16 : 0)));
  for (const float value : {n.featureDistance, n.featureThreshold, n.jointDistance,
                            n.jointThreshold, n.durationSeconds, n.shortestSeconds, n.percentile})
    out.f32(value);
  out.i32(n.neighbours);
}

core::Novelty readNovelty(base::ByteReader& in) {
  core::Novelty n;
  const std::uint8_t scope = in.u8();
  const std::uint8_t flags = in.u8();
  if (scope > 1 || flags > 31) in.fail("malformed novelty");
  n.scope = scope == 1 ? core::NoveltyScope::TaggedSongs : core::NoveltyScope::Library;
  n.available = (flags & 1) != 0;
  n.featureNovel = (flags & 2) != 0;
  n.jointNovel = (flags & 4) != 0;
  n.tooShort = (flags & 8) != 0;
  n.silent = (flags & 16) != 0;
  for (float* value : {&n.featureDistance, &n.featureThreshold, &n.jointDistance, &n.jointThreshold,
                       &n.durationSeconds, &n.shortestSeconds, &n.percentile})
    *value = in.f32();
  n.neighbours = in.i32();
  return n;
}

constexpr std::size_t kNoveltyBytes = 2 + 7 * 4 + 4;

base::Status corrupt(const std::string& why) {
  return base::Status::failure(base::ErrorCode::Corrupt, "session cache: " + why);
}

}  // namespace

std::filesystem::path sessionCachePathFor(const std::filesystem::path& catalogPath) {
  std::filesystem::path path = catalogPath;
  path += ".session";
  return path;
}

base::Status sessionCacheKey(const core::Catalog& catalog, const std::filesystem::path& modelPath,
                             SessionCacheKey& key) {
  const auto stamp = base::fileStamp(modelPath);
  if (!stamp) {
    return base::Status::failure(base::ErrorCode::NotFound,
                                 "no model file at " + modelPath.string());
  }
  const auto generation = catalog.featuresGeneration();
  if (!generation) return catalog.lastStatus();
  key = {stamp->size, stamp->mtimeNs, *generation};
  return base::Status::success();
}

base::Status saveSessionCache(const std::filesystem::path& path, const SessionCacheKey& key,
                              const std::vector<std::int64_t>& fileIds,
                              const Eigen::MatrixXf& songs,
                              const std::vector<core::Novelty>& novelty,
                              const std::vector<ModelSession::TopTag>& topTags) {
  const std::size_t n = fileIds.size();
  if (static_cast<std::size_t>(songs.cols()) != n || (!novelty.empty() && novelty.size() != n) ||
      (!topTags.empty() && topTags.size() != n)) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "session cache rows disagree in count");
  }
  base::ByteWriter out;
  const auto d = static_cast<std::size_t>(songs.rows());
  out.reserve(64 + n * (8 + 4 * d + kNoveltyBytes + 8));
  out.raw(kMagic, sizeof kMagic);
  out.u32(kVersion);
  for (const std::int64_t value :
       {key.modelSize, key.modelMtimeNs, key.generation.catalog, key.generation.features,
        static_cast<std::int64_t>(n), static_cast<std::int64_t>(d)})
    out.i64(value);
  out.u8(static_cast<std::uint8_t>((novelty.empty() ? 0 : kHasNovelty) |
                                   (topTags.empty() ? 0 : kHasTopTags)));
  for (const std::int64_t id : fileIds) out.i64(id);
  writeFloats(out, songs.data(), n * d);  // column-major: one song after another
  for (const core::Novelty& song : novelty) writeNovelty(out, song);
  for (const ModelSession::TopTag& top : topTags) {
    out.i32(top.tag);
    out.f32(top.probability);
  }
  out.u32(base::crc32(out.bytes().data(), out.size()));
  const QString file = QFile::decodeName(path.c_str());
  QSaveFile save(file);
  const auto size = static_cast<qint64>(out.size());
  if (!save.open(QIODevice::WriteOnly) ||
      save.write(reinterpret_cast<const char*>(out.bytes().data()), size) != size ||
      !save.commit()) {
    return base::Status::failure(base::ErrorCode::Io, "cannot write " + path.string() + ": " +
                                                          save.errorString().toStdString());
  }
  return base::Status::success();
}

base::Status loadSessionCache(const std::filesystem::path& path, const SessionCacheKey& expected,
                              SessionCacheData& data) {
  QFile file(QFile::decodeName(path.c_str()));
  if (!file.open(QIODevice::ReadOnly)) {
    return base::Status::failure(base::ErrorCode::NotFound, "no session cache at " + path.string());
  }
  // Mapped, not read: the embeddings are copied once, from the page cache into the matrix.
  const qint64 size = file.size();
  constexpr qint64 kCrcBytes = 4;
  if (size < qint64(sizeof kMagic) + kCrcBytes) return corrupt("not a Songspace session cache");
  const std::uint8_t* raw = file.map(0, size);
  QByteArray copy;  // where mapping is not available
  if (!raw) {
    copy = file.readAll();
    if (copy.size() != size) {
      return base::Status::failure(base::ErrorCode::Io, "cannot read " + path.string() + ": " +
                                                            file.errorString().toStdString());
    }
    raw = reinterpret_cast<const std::uint8_t*>(copy.constData());
  }
  if (std::memcmp(raw, kMagic, sizeof kMagic) != 0) return corrupt("not a Songspace session cache");
  const qint64 body = size - kCrcBytes;
  if (base::crc32(raw, static_cast<std::size_t>(body)) != base::loadU32(raw + body))
    return corrupt("checksum mismatch (damaged or truncated)");
  base::ByteReader in(raw + sizeof kMagic, static_cast<std::size_t>(body) - sizeof kMagic);
  const std::uint32_t version = in.u32();
  SessionCacheKey key;
  key.modelSize = in.i64();
  key.modelMtimeNs = in.i64();
  key.generation.catalog = in.i64();
  key.generation.features = in.i64();
  const std::int64_t n = in.i64();
  const std::int64_t d = in.i64();
  const std::uint8_t flags = in.u8();
  if (!in.ok()) return corrupt(in.error());
  if (version != kVersion) {
    return base::Status::failure(
        base::ErrorCode::Unsupported,
        "session cache version " + std::to_string(version) + " is not " + std::to_string(kVersion));
  }
  if (key != expected) {
    return base::Status::failure(base::ErrorCode::Changed,
                                 "session cache is of another model or catalog state");
  }
  if (n < 0 || d < 0 || flags > (kHasNovelty | kHasTopTags)) return corrupt("malformed header");
  SessionCacheData read;
  if (!in.needItems(static_cast<std::uint64_t>(n), 8, "file ids")) return corrupt(in.error());
  read.fileIds.resize(static_cast<std::size_t>(n));
  for (std::int64_t& id : read.fileIds) id = in.i64();
  if (d > 0 &&
      !in.needItems(static_cast<std::uint64_t>(n), static_cast<std::size_t>(d) * 4, "embeddings"))
    return corrupt(in.error());
  read.songs.resize(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(n));
  if (!readFloats(in, read.songs.data(), static_cast<std::size_t>(n * d)))
    return corrupt(in.error());
  if ((flags & kHasNovelty) != 0) {
    if (!in.needItems(static_cast<std::uint64_t>(n), kNoveltyBytes, "novelty"))
      return corrupt(in.error());
    read.novelty.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) read.novelty.push_back(readNovelty(in));
  }
  if ((flags & kHasTopTags) != 0) {
    if (!in.needItems(static_cast<std::uint64_t>(n), 8, "top tags")) return corrupt(in.error());
    read.topTags.resize(static_cast<std::size_t>(n));
    for (ModelSession::TopTag& top : read.topTags) {
      top.tag = in.i32();
      top.probability = in.f32();
    }
  }
  if (!in.ok()) return corrupt(in.error());
  if (!in.atEnd()) return corrupt("trailing bytes");
  if (!read.songs.allFinite()) return corrupt("non-finite embedding");
  data = std::move(read);
  return base::Status::success();
}

}  // namespace songspace::library
