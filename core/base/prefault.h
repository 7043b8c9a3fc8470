#pragma once

#include <cstddef>
#include <cstdint>
#include <thread>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace songspace::base {

// Fresh memory costs its first write: a page fault per 4 KiB page, and in a virtual machine each
// fault is dear. Filling 10⁵ catalog rows (~40 MB) or the library table's rows (~22 MB) spent more
// time in those faults than in the rows themselves (docs/experiments.md §3.11). Linux only; a
// no-op elsewhere and wherever the kernel refuses (the memory is then faulted in as it is written,
// as without these). Neither changes what the memory holds.

// Asks the kernel to back the whole 2 MiB pages inside [data, data + bytes) with transparent huge
// pages (madvise MADV_HUGEPAGE; honoured when /sys/kernel/mm/transparent_hugepage/enabled is
// "madvise" or "always"): one fault per 2 MiB instead of per 4 KiB. Advise memory that is not yet
// touched (pages already faulted stay small until khugepaged collapses them). Any thread.
inline void adviseHugePages(const void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  // Offsets from `data` (pointer arithmetic, no pointer made from an integer).
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = ((begin + kHuge - 1) & ~(kHuge - 1)) - begin;
  const std::uintptr_t last = ((begin + bytes) & ~(kHuge - 1)) - begin;
  if (begin + bytes >= kHuge && last > first && last <= bytes) {
    char* bytesOf = static_cast<char*>(const_cast<void*>(data));
    madvise(bytesOf + first, last - first, MADV_HUGEPAGE);
  }
#else
  (void)data;
  (void)bytes;
#endif
}

// Faults in the pages of [data, data + bytes) writable on a thread of its own (madvise
// MADV_POPULATE_WRITE, Linux ≥ 5.14), from the start of the buffer on, while the constructing
// thread fills it from the same end: the filler then mostly finds its pages mapped, and the faults
// run on the other core. Safe beside the filler's writes (the kernel serialises each page; a page
// the filler already wrote is left as it is). The buffer is first advised for huge pages
// (adviseHugePages), so give it untouched. Buffers under 1 MiB are not worth a thread and are left
// alone. The destructor waits for the thread: keep the object alive no longer than the buffer,
// and destroy it on the thread that made it.
class BackgroundPrefault {
 public:
  BackgroundPrefault(void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    constexpr std::uintptr_t kPage = 4096, kMinBytes = std::uintptr_t{1} << 20;
    if (data == nullptr || bytes < kMinBytes + kPage) return;
    adviseHugePages(data, bytes);
    // Whole pages inside the buffer, as offsets from `data`.
    const auto begin = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t first = ((begin + kPage - 1) & ~(kPage - 1)) - begin;
    const std::uintptr_t last = ((begin + bytes) & ~(kPage - 1)) - begin;
    char* bytesOf = static_cast<char*>(data);
    m_thread = std::thread([bytesOf, first, last] {
      // In slices, so that a slice the filler has reached costs little and the thread stays ahead.
      constexpr std::uintptr_t kSlice = std::uintptr_t{2} << 20;
      for (std::uintptr_t at = first; at < last; at += kSlice) {
        const std::uintptr_t end = at + kSlice < last ? at + kSlice : last;
        if (madvise(bytesOf + at, end - at, MADV_POPULATE_WRITE) != 0) return;
      }
    });
#else
    (void)data;
    (void)bytes;
#endif
  }
  ~BackgroundPrefault() {
    if (m_thread.joinable()) m_thread.join();
  }
  BackgroundPrefault(const BackgroundPrefault&) = delete;
  BackgroundPrefault& operator=(const BackgroundPrefault&) = delete;

 private:
  std::thread m_thread;
};

}  // namespace songspace::base
