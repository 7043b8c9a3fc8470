#pragma once

// Seeded random numbers whose streams are fixed by the seed on every platform, compiler and
// standard library. std::mt19937 is portable but std::*_distribution is not (libstdc++ and libc++
// draw different normals from the same engine), so every seeded result in Songspace — trainer
// initialisation and sampling, k-means++ seeding, random Fourier features, the t-SNE start —
// draws through these functions. tests/tst_base.cpp pins the streams with golden values.
//
// Thread rules: a generator is a plain value; use one per thread.

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

namespace songspace::base {

// SplitMix64 (Steele, Lea & Flood 2014): advances `state` by the golden gamma and returns a
// well-mixed 64-bit word. Used directly for cheap seeded hashes/shuffles and to seed xoshiro.
inline std::uint64_t splitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// xoshiro256** 1.0 (Blackman & Vigna 2018), its four state words filled by splitMix64(seed):
// fast, 256 bits of state, passes BigCrush. Satisfies UniformRandomBitGenerator.
class Xoshiro256 {
 public:
  using result_type = std::uint64_t;

  explicit Xoshiro256(std::uint64_t seed) {
    for (auto& word : m_state) word = splitMix64(seed);
  }
  // A raw state (not all zero), as the reference implementation's test vectors use.
  explicit Xoshiro256(const std::array<std::uint64_t, 4>& state) : m_state(state) {}

  std::uint64_t next() {
    const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
    const std::uint64_t t = m_state[1] << 17;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= t;
    m_state[3] = rotl(m_state[3], 45);
    return result;
  }
  std::uint64_t operator()() { return next(); }
  static constexpr std::uint64_t min() { return 0; }
  static constexpr std::uint64_t max() { return std::numeric_limits<std::uint64_t>::max(); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> m_state{};
};

// Uniform double in [0, 1) from the top 53 bits of one draw (every value a multiple of 2^-53).
template <typename Generator>
double uniform01(Generator& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

// Uniform integer in [0, n) for 1 ≤ n < 2^32 from the top 32 bits of one draw (multiply-shift,
// Lemire 2019, without the rejection step: the bias is below n / 2^32, far under any effect the
// callers measure). n = 0 returns 0.
template <typename Generator>
std::uint32_t uniformBelow(Generator& rng, std::uint32_t n) {
  return static_cast<std::uint32_t>(((rng() >> 32) * std::uint64_t{n}) >> 32);
}

// Standard normal N(0, 1) by Box–Muller (cosine branch; two uniform draws per value, no cached
// second value, so the stream depends only on how many values were drawn).
template <typename Generator>
double standardNormal(Generator& rng) {
  const double u1 = 1.0 - uniform01(rng);  // (0, 1]: the logarithm is finite
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace songspace::base
