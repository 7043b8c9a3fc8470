// JointModel::save / load: the versioned, checksummed, atomically written model file.
//
// Layout (all integers and floats little-endian):
//   "SSMODEL\0" | u32 format version | u64 payload size | payload | u32 CRC-32(payload)
// Payload (version 1): f32 maxNorm; three matrices V, A, T as (u32 rows, u32 cols, rows*cols f32
// column-major); artist names, tag names (u32 count, then u32 length + bytes each); info map
// (u32 count, key, value); FeatureSpace (i32 codewords, f32 summaryWeight, idf, mean, invStd as
// u32 size + f32s); codebook (u64 size + bytes).
// Version 2 appends the calibration: u8 present (0/1); if 1: u32 tag count, per tag f32 slope and
// f32 intercept, the pooled tag fit (2 f32), f32 artist temperature, the pair fit (2 f32), f32
// auto-tag threshold, f32 target precision, f32 expected precision, i32 songs, i32 folds.
// Version 3 appends the novelty fit: u8 present (0/1); if 1: i32 k, f32 percentile, f32 feature
// threshold, f32 joint threshold, i32 training songs, then the reference songs (u32 rows, u32
// columns, per row u32 count and count × (u32 column, f32 value)); their joint embeddings are
// recomputed from V at load.
// Version 4 appends the calibration's held-out precision curve: u32 point count (0 without a
// calibration), per point f32 threshold, f32 precision, u32 proposals (thresholds ascending, all
// in [0, 1]).
// Version 5 appends the novelty fit against the tagged training songs (JointModel::tagNovelty),
// laid out as version 3's, then f32 shortestSeconds of the library's fit and of the tagged songs'
// fit (0 for a fit without a duration test or no fit).
// Version 6 appends the training songs' novelty distances (JointModel::songNovelty): u32 count,
// per song i64 file id, u64 input hash, f32 feature and f32 joint distance under the library's
// fit, then under the tagged songs' fit (all finite and ≥ 0).
// Version 7 appends the per-tag duration test (JointModel::tagShortestSeconds): u32 count (0 or
// the tag count), then count × f32 seconds (finite, ≥ 0).
// Version 8 appends the per-artist duration test: u32 count (0 or the artist count), count × f32
// seconds (JointModel::artistShortestSeconds), then f32 seconds of the artist-carrying songs'
// test (JointModel::artistSongsShortestSeconds); all finite and ≥ 0.
// Version 1 files load with no calibration, versions 1 and 2 with no novelty fit, versions 2 and 3
// with an empty precision curve, versions before 5 with no tagged songs' novelty fit, versions
// before 6 with no stored novelty distances, versions before 7 with no per-tag duration test,
// versions before 8 with no per-artist duration test.
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>

#include "core/base/byteio.h"
#include "core/base/crc32.h"
#include "core/model/jointmodel.h"

namespace songspace::core {

namespace {

constexpr std::array<char, 8> kMagic{'S', 'S', 'M', 'O', 'D', 'E', 'L', '\0'};
constexpr std::uint32_t kFormatVersion = 8;
constexpr std::uint32_t kOldestReadableVersion = 1;  // no calibration
constexpr std::size_t kHeaderSize = 8 + 4 + 8;
constexpr std::size_t kTrailerSize = 4;
// Far above any real model (10^6 songs are not stored; V is d × F), far below a size that would
// make a corrupted length field allocate the machine away.
constexpr std::uint64_t kMaxFileSize = std::uint64_t{1} << 34;

void putVector(base::ByteWriter& out, const Eigen::VectorXf& v) {
  out.u32(static_cast<std::uint32_t>(v.size()));
  out.floats(v.data(), static_cast<std::size_t>(v.size()));
}

void putMatrix(base::ByteWriter& out, const Eigen::MatrixXf& m) {  // column-major
  out.u32(static_cast<std::uint32_t>(m.rows()));
  out.u32(static_cast<std::uint32_t>(m.cols()));
  out.floats(m.data(), static_cast<std::size_t>(m.size()));
}

Eigen::VectorXf getVector(base::ByteReader& in, const char* what) {
  const std::uint32_t n = in.u32();
  if (!in.needItems(n, 4, what)) return {};
  Eigen::VectorXf v(n);
  (void)in.floats(v.data(), n, what);  // needItems above guarantees the floats are there
  return v;
}

Eigen::MatrixXf getMatrix(base::ByteReader& in, const char* what) {
  const std::uint64_t rows = in.u32();
  const std::uint64_t cols = in.u32();
  if (!in.needItems(rows * cols, 4, what)) return {};  // rows, cols < 2^32: no overflow
  Eigen::MatrixXf m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  (void)in.floats(m.data(), static_cast<std::size_t>(m.size()), what);  // checked just above
  return m;
}

std::vector<std::uint8_t> getBytes(base::ByteReader& in, const char* what) {
  const std::uint64_t n = in.u64();
  if (!in.needItems(n, 1, what)) return {};
  const auto bytes = in.raw(static_cast<std::size_t>(n), what);
  return {bytes.begin(), bytes.end()};
}

std::vector<std::string> readNames(base::ByteReader& in, const char* what) {
  const std::uint32_t n = in.u32();
  std::vector<std::string> names;
  if (!in.needItems(n, 4, what)) return names;
  names.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) names.push_back(in.str(what));
  return names;
}

void putPlatt(base::ByteWriter& out, const PlattScaling& p) {
  out.f32(p.slope);
  out.f32(p.intercept);
}

PlattScaling getPlatt(base::ByteReader& in) {
  PlattScaling p;
  p.slope = in.f32();
  p.intercept = in.f32();
  return p;
}

void putCalibration(base::ByteWriter& out, const std::optional<Calibration>& calibration) {
  out.u8(calibration ? 1 : 0);
  if (!calibration) return;
  out.u32(static_cast<std::uint32_t>(calibration->tags.size()));
  for (const PlattScaling& p : calibration->tags) putPlatt(out, p);
  putPlatt(out, calibration->pooledTags);
  out.f32(calibration->artistTemperature);
  putPlatt(out, calibration->pairs);
  out.f32(calibration->autoTagThreshold);
  out.f32(calibration->targetPrecision);
  out.f32(calibration->expectedPrecision);
  out.u32(static_cast<std::uint32_t>(calibration->songs));
  out.u32(static_cast<std::uint32_t>(calibration->folds));
}

void putPrecisionCurve(base::ByteWriter& out, const std::optional<Calibration>& calibration) {
  const std::vector<PrecisionPoint> none;
  const std::vector<PrecisionPoint>& curve = calibration ? calibration->precisionCurve : none;
  out.u32(static_cast<std::uint32_t>(curve.size()));
  for (const PrecisionPoint& point : curve) {
    out.f32(point.threshold);
    out.f32(point.precision);
    out.u32(static_cast<std::uint32_t>(point.proposals));
  }
}

// Into calibration->precisionCurve; a curve without a calibration is refused.
void getPrecisionCurve(base::ByteReader& in, std::optional<Calibration>& calibration) {
  const std::uint32_t points = in.u32();
  if (points == 0 || !in.ok()) return;
  if (!calibration) {
    in.fail("precision curve without a calibration");
    return;
  }
  if (!in.needItems(points, 12, "precision curve")) return;
  std::vector<PrecisionPoint> curve(points);
  bool sane = true;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    PrecisionPoint& point = curve[i];
    point.threshold = in.f32();
    point.precision = in.f32();
    point.proposals = static_cast<int>(in.u32());
    sane = sane && point.threshold >= 0 && point.threshold <= 1 && point.precision >= 0 &&
           point.precision <= 1 && point.proposals >= 0 &&
           (i == 0 || point.threshold > curve[i - 1].threshold);
  }
  if (in.ok() && !sane) in.fail("calibration precision curve out of range");
  calibration->precisionCurve = std::move(curve);
}

std::optional<Calibration> getCalibration(base::ByteReader& in) {
  const std::uint8_t present = in.u8();
  if (present == 0) return std::nullopt;
  if (present != 1) {
    in.fail("bad calibration marker");
    return std::nullopt;
  }
  Calibration c;
  const std::uint32_t tags = in.u32();
  if (!in.needItems(tags, 8, "tag calibration")) return std::nullopt;
  c.tags.reserve(tags);
  for (std::uint32_t t = 0; t < tags; ++t) c.tags.push_back(getPlatt(in));
  c.pooledTags = getPlatt(in);
  c.artistTemperature = in.f32();
  c.pairs = getPlatt(in);
  c.autoTagThreshold = in.f32();
  c.targetPrecision = in.f32();
  c.expectedPrecision = in.f32();
  c.songs = static_cast<int>(in.u32());
  c.folds = static_cast<int>(in.u32());
  const auto finite = [](float v) { return std::isfinite(v); };
  bool sane = c.artistTemperature > 0 && finite(c.artistTemperature) && c.autoTagThreshold >= 0 &&
              c.autoTagThreshold <= 1 && c.targetPrecision >= 0 && c.targetPrecision <= 1 &&
              c.songs >= 0 && c.folds >= 0;
  for (const PlattScaling& p : c.tags) sane = sane && finite(p.slope) && finite(p.intercept);
  if (in.ok() && !sane) in.fail("calibration values out of range");
  return c;
}

void putNovelty(base::ByteWriter& out, const std::optional<NoveltyDetector>& novelty) {
  out.u8(novelty ? 1 : 0);
  if (!novelty) return;
  out.u32(static_cast<std::uint32_t>(novelty->neighbours()));
  out.f32(novelty->percentile());
  out.f32(novelty->featureThreshold());
  out.f32(novelty->jointThreshold());
  out.u32(static_cast<std::uint32_t>(novelty->songs()));
  const SparseRows& reference = novelty->reference();
  out.u32(static_cast<std::uint32_t>(reference.rows()));
  out.u32(static_cast<std::uint32_t>(reference.cols()));
  for (Eigen::Index r = 0; r < reference.outerSize(); ++r) {
    out.u32(static_cast<std::uint32_t>(reference.row(r).nonZeros()));
    for (SparseRows::InnerIterator it(reference, r); it; ++it) {
      out.u32(static_cast<std::uint32_t>(it.index()));
      out.f32(it.value());
    }
  }
}

// The fit as stored; `model` supplies V (and maxNorm) for the reference's joint embeddings.
std::optional<NoveltyDetector> getNovelty(base::ByteReader& in, const JointModel& model) {
  const std::uint8_t present = in.u8();
  if (present == 0) return std::nullopt;
  if (present != 1) {
    in.fail("bad novelty marker");
    return std::nullopt;
  }
  const auto neighbours = static_cast<int>(in.u32());
  const float percentile = in.f32();
  const float featureThreshold = in.f32();
  const float jointThreshold = in.f32();
  const auto songs = static_cast<int>(in.u32());
  const std::uint32_t rows = in.u32();
  const std::uint32_t cols = in.u32();
  if (!in.needItems(rows, 4, "novelty reference")) return std::nullopt;
  std::vector<Eigen::Triplet<float>> triplets;
  for (std::uint32_t r = 0; r < rows && in.ok(); ++r) {
    const std::uint32_t count = in.u32();
    if (!in.needItems(count, 8, "novelty reference row")) return std::nullopt;
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::uint32_t column = in.u32();
      const float value = in.f32();
      if (column >= cols || !std::isfinite(value)) {
        in.fail("novelty reference entry out of range");
        return std::nullopt;
      }
      triplets.emplace_back(static_cast<int>(r), static_cast<int>(column), value);
    }
  }
  const bool sane = neighbours >= 1 && static_cast<std::uint32_t>(neighbours) < rows &&
                    percentile > 0 && percentile <= 100 && std::isfinite(featureThreshold) &&
                    featureThreshold >= 0 && std::isfinite(jointThreshold) && jointThreshold >= 0 &&
                    songs >= static_cast<int>(rows) &&
                    static_cast<Eigen::Index>(cols) == model.V.cols();
  if (!in.ok()) return std::nullopt;
  if (!sane) {
    in.fail("novelty values out of range or sizes disagreeing with V");
    return std::nullopt;
  }
  SparseRows reference(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  reference.setFromTriplets(triplets.begin(), triplets.end());
  Eigen::MatrixXf embeddings = model.embedSongs(reference);
  return NoveltyDetector(reference, std::move(embeddings), neighbours, percentile, featureThreshold,
                         jointThreshold, songs);
}

}  // namespace

base::Status JointModel::save(const std::filesystem::path& file) const {
  base::ByteWriter payload;
  payload.f32(maxNorm);
  putMatrix(payload, V);
  putMatrix(payload, A);
  putMatrix(payload, T);
  for (const auto* names : {&artistNames, &tagNames}) {
    payload.u32(static_cast<std::uint32_t>(names->size()));
    for (const std::string& name : *names) payload.str(name);
  }
  payload.u32(static_cast<std::uint32_t>(info.size()));
  for (const auto& [key, value] : info) {
    payload.str(key);
    payload.str(value);
  }
  payload.u32(static_cast<std::uint32_t>(features.codewords));
  payload.f32(features.summaryWeight);
  putVector(payload, features.idf);
  putVector(payload, features.summaryMean);
  putVector(payload, features.summaryInvStd);
  payload.u64(codebook.size());
  payload.raw(codebook.data(), codebook.size());
  putCalibration(payload, calibration);
  putNovelty(payload, novelty);
  putPrecisionCurve(payload, calibration);
  putNovelty(payload, tagNovelty);
  payload.f32(novelty ? novelty->shortestSeconds() : 0.0f);
  payload.f32(tagNovelty ? tagNovelty->shortestSeconds() : 0.0f);
  payload.u32(static_cast<std::uint32_t>(songNovelty.size()));
  for (const SongNovelty& song : songNovelty) {
    payload.i64(song.fileId);
    payload.u64(song.inputHash);
    for (const NoveltyDistances& d : {song.library, song.tagged}) {
      payload.f32(d.feature);
      payload.f32(d.joint);
    }
  }
  payload.u32(static_cast<std::uint32_t>(tagShortestSeconds.size()));
  for (const float seconds : tagShortestSeconds) payload.f32(seconds);
  payload.u32(static_cast<std::uint32_t>(artistShortestSeconds.size()));
  for (const float seconds : artistShortestSeconds) payload.f32(seconds);
  payload.f32(artistSongsShortestSeconds);

  const std::vector<std::uint8_t>& body = payload.bytes();
  base::ByteWriter head;
  head.raw(kMagic.data(), kMagic.size());
  head.u32(kFormatVersion);
  head.u64(body.size());
  base::ByteWriter tail;
  tail.u32(base::crc32(body.data(), body.size()));

  // Write beside the target, make it durable, then rename: a reader sees the old file or the new
  // one, never half of either.
  std::filesystem::path temp = file;
  temp += ".tmp-" + std::to_string(::getpid());
  std::FILE* out = std::fopen(temp.c_str(), "wb");
  if (!out) {
    return base::Status::failure(base::ErrorCode::Io,
                                 "cannot create " + temp.string() + ": " + std::strerror(errno));
  }
  bool ok = std::fwrite(head.bytes().data(), 1, head.bytes().size(), out) == head.bytes().size() &&
            std::fwrite(body.data(), 1, body.size(), out) == body.size() &&
            std::fwrite(tail.bytes().data(), 1, tail.bytes().size(), out) == tail.bytes().size() &&
            std::fflush(out) == 0 && ::fsync(::fileno(out)) == 0;
  const int writeErrno = errno;
  ok = (std::fclose(out) == 0) && ok;
  if (!ok) {
    std::remove(temp.c_str());
    return base::Status::failure(
        writeErrno == ENOSPC || writeErrno == EDQUOT ? base::ErrorCode::DiskFull
                                                     : base::ErrorCode::Io,
        "cannot write " + temp.string() + ": " + std::strerror(writeErrno));
  }
  if (std::rename(temp.c_str(), file.c_str()) != 0) {
    const int renameErrno = errno;
    std::remove(temp.c_str());
    return base::Status::failure(base::ErrorCode::Io, "cannot rename " + temp.string() + " to " +
                                                          file.string() + ": " +
                                                          std::strerror(renameErrno));
  }
  return base::Status::success();
}

base::Status JointModel::load(const std::filesystem::path& file, JointModel& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return base::Status::failure(base::ErrorCode::NotFound, "cannot open " + file.string());
  }
  in.seekg(0, std::ios::end);
  const std::streamoff fileSize = in.tellg();
  in.seekg(0, std::ios::beg);
  if (fileSize < 0 || static_cast<std::uint64_t>(fileSize) > kMaxFileSize) {
    return base::Status::failure(base::ErrorCode::Corrupt,
                                 file.string() + ": implausible file size");
  }
  std::vector<std::uint8_t> data(static_cast<std::size_t>(fileSize));
  if (!in.read(reinterpret_cast<char*>(data.data()), fileSize)) {
    return base::Status::failure(base::ErrorCode::Io, "cannot read " + file.string());
  }
  const std::string where = file.string() + ": ";
  if (data.size() < kMagic.size() || std::memcmp(data.data(), kMagic.data(), kMagic.size()) != 0) {
    return base::Status::failure(base::ErrorCode::Corrupt,
                                 where + "not a Songspace model file (wrong magic)");
  }
  base::ByteReader header(data.data() + kMagic.size(), data.size() - kMagic.size());
  const std::uint32_t version = header.u32();
  const std::uint64_t payloadSize = header.u64();
  if (!header.ok()) {
    return base::Status::failure(base::ErrorCode::Corrupt,
                                 where + "truncated file (incomplete header)");
  }
  if (version < kOldestReadableVersion || version > kFormatVersion) {
    return base::Status::failure(base::ErrorCode::Unsupported,
                                 where + "unsupported format version " + std::to_string(version) +
                                     " (this build reads versions " +
                                     std::to_string(kOldestReadableVersion) + " to " +
                                     std::to_string(kFormatVersion) + ")");
  }
  const std::uint64_t available = data.size() - kHeaderSize;
  if (payloadSize > available || available - payloadSize < kTrailerSize) {
    return base::Status::failure(
        base::ErrorCode::Corrupt,
        where + "truncated file (" + std::to_string(data.size()) + " bytes, header says " +
            std::to_string(payloadSize + kHeaderSize + kTrailerSize) + ")");
  }
  if (available - payloadSize > kTrailerSize) {
    return base::Status::failure(base::ErrorCode::Corrupt,
                                 where + "unexpected bytes after the checksum");
  }
  const std::uint8_t* body = data.data() + kHeaderSize;
  base::ByteReader trailer(body + payloadSize, kTrailerSize);
  if (trailer.u32() != base::crc32(body, payloadSize)) {
    return base::Status::failure(base::ErrorCode::Corrupt,
                                 where + "checksum mismatch (the file is corrupted)");
  }

  base::ByteReader r(body, payloadSize);
  JointModel model;
  model.maxNorm = r.f32();
  model.V = getMatrix(r, "V");
  model.A = getMatrix(r, "A");
  model.T = getMatrix(r, "T");
  model.artistNames = readNames(r, "artist names");
  model.tagNames = readNames(r, "tag names");
  const std::uint32_t infoCount = r.u32();
  if (r.needItems(infoCount, 8, "info")) {
    for (std::uint32_t i = 0; i < infoCount && r.ok(); ++i) {
      std::string key = r.str("info key");
      model.info[key] = r.str("info value");
    }
  }
  model.features.codewords = static_cast<int>(r.u32());
  model.features.summaryWeight = r.f32();
  model.features.idf = getVector(r, "idf");
  model.features.summaryMean = getVector(r, "summary mean");
  model.features.summaryInvStd = getVector(r, "summary inverse std");
  model.codebook = getBytes(r, "codebook");
  if (version >= 2) model.calibration = getCalibration(r);
  if (version >= 3) model.novelty = getNovelty(r, model);
  if (version >= 4) getPrecisionCurve(r, model.calibration);
  if (version >= 5) {
    model.tagNovelty = getNovelty(r, model);
    for (std::optional<NoveltyDetector>* fit : {&model.novelty, &model.tagNovelty}) {
      const float shortest = r.f32();
      if (r.ok() && (!std::isfinite(shortest) || shortest < 0))
        r.fail("novelty length out of range");
      if (*fit) (*fit)->setShortestSeconds(shortest);
    }
  }
  if (version >= 6) {
    const std::uint32_t count = r.u32();
    if (r.needItems(count, 8 + 8 + 4 * 4, "song novelty")) {
      model.songNovelty.resize(count);
      for (JointModel::SongNovelty& song : model.songNovelty) {
        song.fileId = r.i64();
        song.inputHash = r.u64();
        for (NoveltyDistances* d : {&song.library, &song.tagged}) {
          d->feature = r.f32();
          d->joint = r.f32();
          if (r.ok() && !(std::isfinite(d->feature) && std::isfinite(d->joint) && d->feature >= 0 &&
                          d->joint >= 0)) {
            r.fail("song novelty distance out of range");
          }
        }
        if (!r.ok()) break;
      }
    }
  }
  if (version >= 7) {
    const std::uint32_t count = r.u32();
    if (r.needItems(count, 4, "tag lengths")) {
      model.tagShortestSeconds.resize(count);
      for (float& seconds : model.tagShortestSeconds) {
        seconds = r.f32();
        if (r.ok() && !(std::isfinite(seconds) && seconds >= 0)) r.fail("tag length out of range");
        if (!r.ok()) break;
      }
    }
  }
  if (version >= 8) {
    const std::uint32_t count = r.u32();
    if (r.needItems(count, 4, "artist lengths")) {
      model.artistShortestSeconds.resize(count);
      for (float& seconds : model.artistShortestSeconds) {
        seconds = r.f32();
        if (r.ok() && !(std::isfinite(seconds) && seconds >= 0))
          r.fail("artist length out of range");
        if (!r.ok()) break;
      }
    }
    model.artistSongsShortestSeconds = r.f32();
    if (r.ok() && !(std::isfinite(model.artistSongsShortestSeconds) &&
                    model.artistSongsShortestSeconds >= 0)) {
      r.fail("artist songs' length out of range");
    }
  }
  if (r.ok() && r.remaining() != 0) r.fail("unexpected bytes at the end of the payload");
  // Sizes that passed the checksum can still disagree with each other (a writer bug): refuse them.
  // Names and the feature space may be absent (a model trained on bare indices), never mismatched.
  if (r.ok()) {
    const bool shapes =
        (model.A.cols() == 0 || model.A.rows() == model.V.rows()) &&
        (model.T.cols() == 0 || model.T.rows() == model.V.rows()) &&
        (model.artistNames.empty() ||
         model.A.cols() == static_cast<Eigen::Index>(model.artistNames.size())) &&
        (model.tagNames.empty() ||
         model.T.cols() == static_cast<Eigen::Index>(model.tagNames.size())) &&
        model.features.codewords >= 0 && model.features.idf.size() == model.features.codewords &&
        model.features.summaryMean.size() == model.features.summaryInvStd.size() &&
        (model.features.dimension() == 0 || model.V.cols() == model.features.dimension()) &&
        (!model.calibration ||
         static_cast<Eigen::Index>(model.calibration->tags.size()) == model.T.cols()) &&
        (model.tagShortestSeconds.empty() ||
         static_cast<Eigen::Index>(model.tagShortestSeconds.size()) == model.T.cols()) &&
        (model.artistShortestSeconds.empty() ||
         static_cast<Eigen::Index>(model.artistShortestSeconds.size()) == model.A.cols());
    if (!shapes) r.fail("inconsistent sizes between sections");
  }
  if (!r.ok()) {
    return base::Status::failure(base::ErrorCode::Corrupt, where + r.error());
  }
  out = std::move(model);
  return base::Status::success();
}

}  // namespace songspace::core
