#pragma once

#include <cstddef>
#include <cstdint>

namespace songspace::audio {

// FNV-1a, 64 bit: a small, fast, stable hash for seeds and content checks (not cryptographic).
// Incremental: add() any number of byte ranges.
class Fnv1a64 {
 public:
  void add(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) m_value = (m_value ^ bytes[i]) * 1099511628211ULL;
  }
  std::uint64_t value() const { return m_value; }

 private:
  std::uint64_t m_value = 1469598103934665603ULL;
};

}  // namespace songspace::audio
