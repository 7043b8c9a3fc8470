#pragma once

#include <cstddef>
#include <cstdint>

namespace songspace::base {

// FNV-1a, 64 bit (Fowler, Noll & Vo; offset basis 0xcbf29ce484222325, prime 2^40 + 0x1b3): a
// small, fast, stable hash for seeds and content checks (not cryptographic). Incremental: add()
// any number of byte ranges; the value depends only on the concatenated bytes.
class Fnv1a64 {
 public:
  void add(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) m_value = (m_value ^ bytes[i]) * 0x100000001b3ULL;
  }
  [[nodiscard]] std::uint64_t value() const { return m_value; }

 private:
  std::uint64_t m_value = 0xcbf29ce484222325ULL;
};

}  // namespace songspace::base
