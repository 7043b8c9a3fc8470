#pragma once

#include <string_view>

// A log hook for the layers that must stay free of Qt (base, audio, core). They report through
// log::write(); whoever owns the process installs a Sink that forwards the lines somewhere
// (songspace_library routes them into the songspace.* QLoggingCategory set, see
// core/library/logging.h). Without a sink every line is dropped, which is what a library that
// must not write to stderr on its own wants.
namespace songspace::log {

// The areas match the QLoggingCategory names songspace.<area>.
enum class Area { Audio, Catalog, Train, Scan, Map, Autotag };

// Debug: for someone chasing a problem (off unless enabled); Info: a notable event;
// Warning: something went wrong and was handled or reported; Critical: data may be lost.
enum class Level { Debug, Info, Warning, Critical };

// Both functions may be called from any thread, concurrently, and must not block for long.
// `enabled` lets a writer skip formatting a line nobody will see; `write` receives one line
// (no trailing newline).
struct Sink {
  bool (*enabled)(Area area, Level level) = nullptr;
  void (*write)(Area area, Level level, std::string_view line) = nullptr;
};

// Installs the process-wide sink (a copy is kept; pass {} to drop everything again). Thread-safe,
// but lines being written while the sink changes may still reach the old one.
void setSink(Sink sink);

// Whether a line of this area and level would be kept by the installed sink (false without one).
[[nodiscard]] bool enabled(Area area, Level level);

// Hands one line to the installed sink when it is enabled for this area and level.
void write(Area area, Level level, std::string_view line);

}  // namespace songspace::log
