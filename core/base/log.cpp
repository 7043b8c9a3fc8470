#include "core/base/log.h"

#include <atomic>

namespace songspace::log {
namespace {

// Function pointers are swapped one at a time; a reader may pair an old `enabled` with a new
// `write` while setSink runs, which is harmless (at worst one line is dropped or kept).
std::atomic<bool (*)(Area, Level)> g_enabled{nullptr};
std::atomic<void (*)(Area, Level, std::string_view)> g_write{nullptr};

}  // namespace

void setSink(Sink sink) {
  // Clear first so that no reader sees the new `enabled` with a missing `write`.
  g_write.store(nullptr, std::memory_order_release);
  g_enabled.store(sink.enabled, std::memory_order_release);
  g_write.store(sink.write, std::memory_order_release);
}

bool enabled(Area area, Level level) {
  const auto isEnabled = g_enabled.load(std::memory_order_acquire);
  return g_write.load(std::memory_order_acquire) != nullptr && isEnabled != nullptr &&
         isEnabled(area, level);
}

void write(Area area, Level level, std::string_view line) {
  const auto isEnabled = g_enabled.load(std::memory_order_acquire);
  const auto sinkWrite = g_write.load(std::memory_order_acquire);
  if (sinkWrite == nullptr || isEnabled == nullptr || !isEnabled(area, level)) return;
  sinkWrite(area, level, line);
}

}  // namespace songspace::log
