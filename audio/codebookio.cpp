// Codebook file format, version 1 (all integers and floats little-endian):
//   "SSCB" | u32 version | u32 K | u32 D | f32 mean[D] | f32 invStd[D] | f32 centroids[K·D]
//   (row-major) | u32 CRC-32 (core/base/crc32.h) of every preceding byte.
#include <array>
#include <bit>
#include <cmath>
#include <string>

#include "audio/codebook.h"
#include "core/base/byteio.h"
#include "core/base/crc32.h"

namespace songspace::audio {

namespace {

constexpr std::array<std::uint8_t, 4> kMagic{'S', 'S', 'C', 'B'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 16;
constexpr std::size_t kChecksumBytes = 4;

base::Status corrupt(std::string message) {
  return base::Status::failure(base::ErrorCode::Corrupt, "codebook: " + std::move(message));
}

}  // namespace

std::vector<std::uint8_t> Codebook::serialize() const {
  base::ByteWriter out;
  const Eigen::Index values = 2 * m_mean.size() + m_centroids.size();
  out.reserve(kHeaderBytes + 4 * static_cast<std::size_t>(values) + kChecksumBytes);
  out.raw(kMagic.data(), kMagic.size());
  out.u32(kVersion);
  out.u32(static_cast<std::uint32_t>(size()));
  out.u32(static_cast<std::uint32_t>(dimension()));
  out.floats(m_mean.data(), static_cast<std::size_t>(m_mean.size()));
  out.floats(m_invStd.data(), static_cast<std::size_t>(m_invStd.size()));
  out.floats(m_centroids.data(), static_cast<std::size_t>(m_centroids.size()));  // row-major
  out.u32(base::crc32(out.bytes().data(), out.size()));
  return out.take();
}

base::Status Codebook::deserialize(std::span<const std::uint8_t> bytes, Codebook& out) {
  if (bytes.size() < kHeaderBytes + kChecksumBytes) {
    return corrupt("truncated: " + std::to_string(bytes.size()) +
                   " bytes is shorter than a header");
  }
  if (!std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "codebook: not a codebook (magic is not \"SSCB\")");
  }
  if (const std::uint32_t version = base::loadU32(bytes.data() + 4); version != kVersion) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "codebook: format version " + std::to_string(version) +
                                     " is not supported (expected " + std::to_string(kVersion) +
                                     ")");
  }
  const std::uint64_t k = base::loadU32(bytes.data() + 8);
  const std::uint64_t d = base::loadU32(bytes.data() + 12);
  if (k == 0 || d == 0)
    return corrupt("empty shape " + std::to_string(k) + " x " + std::to_string(d));
  // 64-bit arithmetic: K, D < 2^32, so (K + 2)·D·4 cannot overflow.
  const std::uint64_t expected = kHeaderBytes + 4 * (k + 2) * d + kChecksumBytes;
  if (bytes.size() != expected) {
    return corrupt("size mismatch: " + std::to_string(k) + " x " + std::to_string(d) + " needs " +
                   std::to_string(expected) + " bytes, got " + std::to_string(bytes.size()));
  }
  const std::size_t body = bytes.size() - kChecksumBytes;
  const std::uint32_t stored = base::loadU32(bytes.data() + body);
  if (const std::uint32_t actual = base::crc32(bytes.data(), body); actual != stored) {
    return corrupt("checksum mismatch (stored " + std::to_string(stored) + ", computed " +
                   std::to_string(actual) + ")");
  }
  const auto rows = static_cast<Eigen::Index>(k);
  const auto cols = static_cast<Eigen::Index>(d);
  Eigen::VectorXf mean(cols);
  Eigen::VectorXf invStd(cols);
  FrameMatrix centroids(rows, cols);
  // The exact size was checked above, so these reads cannot run short.
  base::ByteReader in(bytes.subspan(kHeaderBytes, body - kHeaderBytes));
  if (!in.floats(mean.data(), static_cast<std::size_t>(cols), "mean") ||
      !in.floats(invStd.data(), static_cast<std::size_t>(cols), "inverse deviations") ||
      !in.floats(centroids.data(), static_cast<std::size_t>(centroids.size()), "centroids")) {
    return corrupt(in.error());
  }
  if (!mean.allFinite() || !centroids.allFinite() || !invStd.allFinite() ||
      (invStd.array() <= 0.0f).any()) {
    return corrupt("non-finite values or a non-positive scale");
  }
  out = Codebook(std::move(centroids), std::move(mean), std::move(invStd));
  return base::Status::success();
}

}  // namespace songspace::audio
