#pragma once

// Splits [0, n) into at most `threads` contiguous ranges of equal size and runs body(begin, end)
// on each, the first on the calling thread and the others on threads of their own, returning
// when all have ended. Each index belongs to exactly one range, so a body that writes only the
// entries of its own indices gives the same result for any thread count.
// Fewer threads when the ranges would be small: at most one per `minPerThread` indices (≥ 1).
// Thread rules: body runs concurrently with itself and must be safe for that; it may not throw.

#include <algorithm>
#include <thread>
#include <vector>

namespace songspace::base {

// The threads worth using for parallel work on this machine: its hardware threads, 1 to 8.
inline int hardwareThreads() {
  return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 8);
}

// How many ranges parallelRanges(n, threads, minPerThread, …) makes (≥ 1).
inline int parallelParts(int n, int threads, int minPerThread) {
  return std::clamp(threads, 1, std::max(1, n / std::max(1, minPerThread)));
}

// As parallelRanges, with the range's number (0 … parallelParts() − 1, in index order) passed
// first: body(part, begin, end), for per-range buffers joined afterwards.
template <typename Body>
void parallelNumberedRanges(int n, int threads, int minPerThread, const Body& body) {
  threads = parallelParts(n, threads, minPerThread);
  const int chunk = (n + threads - 1) / threads;
  std::vector<std::jthread> workers;
  workers.reserve(static_cast<std::size_t>(threads - 1));
  for (int t = 1; t < threads; ++t) {
    const int begin = std::min(n, t * chunk);
    const int end = std::min(n, begin + chunk);
    workers.emplace_back([&body, t, begin, end] { body(t, begin, end); });
  }
  body(0, 0, std::min(n, chunk));
}

template <typename Body>
void parallelRanges(int n, int threads, int minPerThread, const Body& body) {
  parallelNumberedRanges(n, threads, minPerThread,
                         [&body](int, int begin, int end) { body(begin, end); });
}

}  // namespace songspace::base
