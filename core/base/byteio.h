#pragma once

// Little-endian byte I/O for Songspace's binary formats (codebook, model file, map cache,
// catalog blobs). Every integer and float is written least significant byte first, whatever the
// host order, so files move between machines. Floats are IEEE 754 binary32 bit patterns.
//
// ByteReader never reads past its span: a read that does not fit records an error, returns 0 (or
// an empty value) and makes every later read fail too, so a parser may read a whole record and
// check ok() once. Lengths read from a file are checked against the bytes left *before* anything
// is allocated (needItems), so a corrupted length cannot allocate the machine away.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace songspace::base {

static_assert(sizeof(float) == 4 && std::numeric_limits<float>::is_iec559,
              "the binary formats store IEEE 754 binary32 floats");

// Stores `value` little-endian at out[0..3] / out[0..7] (the caller owns the space).
inline void storeU32(std::uint8_t* out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}
[[nodiscard]] inline std::uint32_t loadU32(const std::uint8_t* in) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= std::uint32_t{in[i]} << (8 * i);
  return value;
}

// Appends to a growing byte vector.
class ByteWriter {
 public:
  void u8(std::uint8_t value) { m_bytes.push_back(value); }
  void u32(std::uint32_t value) {
    std::uint8_t bytes[4];
    storeU32(bytes, value);
    m_bytes.insert(m_bytes.end(), bytes, bytes + 4);
  }
  void u64(std::uint64_t value) {
    u32(static_cast<std::uint32_t>(value));
    u32(static_cast<std::uint32_t>(value >> 32));
  }
  void i32(std::int32_t value) { u32(static_cast<std::uint32_t>(value)); }
  void i64(std::int64_t value) { u64(static_cast<std::uint64_t>(value)); }
  void f32(float value) { u32(std::bit_cast<std::uint32_t>(value)); }
  void f64(double value) { u64(std::bit_cast<std::uint64_t>(value)); }
  void floats(const float* data, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) f32(data[i]);
  }
  void raw(const void* data, std::size_t size) {
    if (size == 0) return;
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    m_bytes.insert(m_bytes.end(), bytes, bytes + size);
  }
  // u32 length, then the bytes (no terminator). Strings of 4 GiB or more are not representable.
  void str(std::string_view text) {
    u32(static_cast<std::uint32_t>(text.size()));
    raw(text.data(), text.size());
  }

  std::size_t size() const { return m_bytes.size(); }
  void reserve(std::size_t bytes) { m_bytes.reserve(bytes); }
  const std::vector<std::uint8_t>& bytes() const { return m_bytes; }
  std::vector<std::uint8_t> take() { return std::move(m_bytes); }

 private:
  std::vector<std::uint8_t> m_bytes;
};

// Reads a span front to back; see the file comment for the error rule.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : m_bytes(bytes) {}
  ByteReader(const void* data, std::size_t size)
      : m_bytes(static_cast<const std::uint8_t*>(data), size) {}

  [[nodiscard]] bool ok() const { return m_error.empty(); }
  // The first failure, e.g. "implausible size for tag names (7 bytes, only 3 left)".
  [[nodiscard]] const std::string& error() const { return m_error; }
  [[nodiscard]] std::size_t position() const { return m_pos; }
  [[nodiscard]] std::size_t remaining() const { return m_bytes.size() - m_pos; }
  [[nodiscard]] bool atEnd() const { return m_pos == m_bytes.size(); }

  [[nodiscard]] std::uint8_t u8() {
    if (!need(1, "an 8-bit field")) return 0;
    return m_bytes[m_pos++];
  }
  [[nodiscard]] std::uint32_t u32() {
    if (!need(4, "a 32-bit field")) return 0;
    const std::uint32_t value = loadU32(m_bytes.data() + m_pos);
    m_pos += 4;
    return value;
  }
  [[nodiscard]] std::uint64_t u64() {
    if (!need(8, "a 64-bit field")) return 0;
    const std::uint64_t lo = u32();
    const std::uint64_t hi = u32();
    return lo | (hi << 32);
  }
  [[nodiscard]] std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  [[nodiscard]] std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  [[nodiscard]] float f32() { return std::bit_cast<float>(u32()); }
  [[nodiscard]] double f64() { return std::bit_cast<double>(u64()); }
  // `count` floats into data[0..count); on failure data is left untouched.
  [[nodiscard]] bool floats(float* data, std::size_t count, const char* what) {
    if (!needItems(count, 4, what)) return false;
    for (std::size_t i = 0; i < count; ++i) data[i] = f32();
    return true;
  }
  // The next `size` bytes as a view into the source (empty on failure).
  [[nodiscard]] std::span<const std::uint8_t> raw(std::size_t size, const char* what) {
    if (!need(size, what)) return {};
    const auto out = m_bytes.subspan(m_pos, size);
    m_pos += size;
    return out;
  }
  // As ByteWriter::str wrote it.
  [[nodiscard]] std::string str(const char* what) {
    const std::uint32_t size = u32();
    const auto bytes = raw(size, what);
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
  // Whether `count` items of at least `bytesEach` bytes can still follow; records an error if
  // not. Call before allocating room for `count` items read from the data.
  [[nodiscard]] bool needItems(std::uint64_t count, std::size_t bytesEach, const char* what) {
    if (!ok()) return false;
    if (bytesEach > 0 && count > remaining() / bytesEach) {
      fail(std::string("implausible size for ") + what + " (" + std::to_string(count) +
           " entries, only " + std::to_string(remaining()) + " bytes left)");
      return false;
    }
    return true;
  }
  // Records `message` unless an earlier failure is already recorded.
  void fail(const std::string& message) {
    if (m_error.empty()) m_error = message;
  }

 private:
  bool need(std::uint64_t size, const char* what) {
    if (!ok()) return false;
    if (size > remaining()) {
      fail(std::string("implausible size for ") + what + " (" + std::to_string(size) +
           " bytes, only " + std::to_string(remaining()) + " left)");
      return false;
    }
    return true;
  }

  std::span<const std::uint8_t> m_bytes;
  std::size_t m_pos = 0;
  std::string m_error;
};

}  // namespace songspace::base
