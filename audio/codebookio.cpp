// Codebook file format, version 1 (all integers and floats little-endian):
//   "SSCB" | u32 version | u32 K | u32 D | f32 mean[D] | f32 invStd[D] | f32 centroids[K·D]
//   (row-major) | u32 CRC-32 (IEEE, reflected 0xEDB88320) of every preceding byte.
#include <array>
#include <bit>
#include <cmath>
#include <string>

#include "audio/codebook.h"

namespace songspace::audio {

namespace {

constexpr std::array<std::uint8_t, 4> kMagic{'S', 'S', 'C', 'B'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 16;
constexpr std::size_t kChecksumBytes = 4;

constexpr std::array<std::uint32_t, 256> makeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
    table[i] = c;
  }
  return table;
}
constexpr auto kCrcTable = makeCrcTable();

std::uint32_t crc32(std::span<const std::uint8_t> bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (const std::uint8_t byte : bytes) c = kCrcTable[(c ^ byte) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void putU32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8)
    out.push_back(static_cast<std::uint8_t>(value >> shift));
}

std::uint32_t getU32(std::span<const std::uint8_t> bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= std::uint32_t{bytes[offset + i]} << (8 * i);
  return value;
}

void putFloats(std::vector<std::uint8_t>& out, const float* data, Eigen::Index count) {
  for (Eigen::Index i = 0; i < count; ++i) putU32(out, std::bit_cast<std::uint32_t>(data[i]));
}

void getFloats(std::span<const std::uint8_t> bytes, std::size_t& offset, float* data,
               Eigen::Index count) {
  for (Eigen::Index i = 0; i < count; ++i, offset += 4) {
    data[i] = std::bit_cast<float>(getU32(bytes, offset));
  }
}

AudioStatus corrupt(std::string message) {
  return AudioStatus::failure(AudioError::Corrupt, "codebook: " + std::move(message));
}

}  // namespace

std::vector<std::uint8_t> Codebook::serialize() const {
  std::vector<std::uint8_t> out(kMagic.begin(), kMagic.end());
  const Eigen::Index values = 2 * m_mean.size() + m_centroids.size();
  out.reserve(kHeaderBytes + 4 * static_cast<std::size_t>(values) + kChecksumBytes);
  putU32(out, kVersion);
  putU32(out, static_cast<std::uint32_t>(size()));
  putU32(out, static_cast<std::uint32_t>(dimension()));
  putFloats(out, m_mean.data(), m_mean.size());
  putFloats(out, m_invStd.data(), m_invStd.size());
  putFloats(out, m_centroids.data(), m_centroids.size());  // row-major: row after row
  putU32(out, crc32(out));
  return out;
}

AudioStatus Codebook::deserialize(std::span<const std::uint8_t> bytes, Codebook& out) {
  if (bytes.size() < kHeaderBytes + kChecksumBytes) {
    return corrupt("truncated: " + std::to_string(bytes.size()) +
                   " bytes is shorter than a header");
  }
  if (!std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
    return AudioStatus::failure(AudioError::InvalidArgument,
                                "codebook: not a codebook (magic is not \"SSCB\")");
  }
  if (const std::uint32_t version = getU32(bytes, 4); version != kVersion) {
    return AudioStatus::failure(AudioError::InvalidArgument, "codebook: format version " +
                                                                 std::to_string(version) +
                                                                 " is not supported (expected " +
                                                                 std::to_string(kVersion) + ")");
  }
  const std::uint64_t k = getU32(bytes, 8);
  const std::uint64_t d = getU32(bytes, 12);
  if (k == 0 || d == 0)
    return corrupt("empty shape " + std::to_string(k) + " x " + std::to_string(d));
  // 64-bit arithmetic: K, D < 2^32, so (K + 2)·D·4 cannot overflow.
  const std::uint64_t expected = kHeaderBytes + 4 * (k + 2) * d + kChecksumBytes;
  if (bytes.size() != expected) {
    return corrupt("size mismatch: " + std::to_string(k) + " x " + std::to_string(d) + " needs " +
                   std::to_string(expected) + " bytes, got " + std::to_string(bytes.size()));
  }
  const std::size_t body = bytes.size() - kChecksumBytes;
  const std::uint32_t stored = getU32(bytes, body);
  if (const std::uint32_t actual = crc32(bytes.first(body)); actual != stored) {
    return corrupt("checksum mismatch (stored " + std::to_string(stored) + ", computed " +
                   std::to_string(actual) + ")");
  }
  const auto rows = static_cast<Eigen::Index>(k);
  const auto cols = static_cast<Eigen::Index>(d);
  Eigen::VectorXf mean(cols);
  Eigen::VectorXf invStd(cols);
  FrameMatrix centroids(rows, cols);
  std::size_t offset = kHeaderBytes;
  getFloats(bytes, offset, mean.data(), cols);
  getFloats(bytes, offset, invStd.data(), cols);
  getFloats(bytes, offset, centroids.data(), centroids.size());
  if (!mean.allFinite() || !centroids.allFinite() || !invStd.allFinite() ||
      (invStd.array() <= 0.0f).any()) {
    return corrupt("non-finite values or a non-positive scale");
  }
  out = Codebook(std::move(centroids), std::move(mean), std::move(invStd));
  return AudioStatus::success();
}

}  // namespace songspace::audio
