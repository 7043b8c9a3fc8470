#pragma once

#include <cstdint>

namespace songspace::core {

// SplitMix64 (Steele, Lea & Flood 2014): a tiny, well-mixed generator whose sequence is fixed by
// the seed on every platform — used where seeded results must not depend on the standard
// library's distributions.
inline std::uint64_t splitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace songspace::core
