#pragma once

#include <string>

namespace songspace::audio {

// Versions of the libraries the audio layer is built on, for an About box or a bug report.
// FFmpeg's is the run-time library's own string (e.g. "5.1.6-0+deb12u1"); TagLib's is the
// compile-time "major.minor.patch" (TagLib has no run-time query). Thread-safe.
std::string ffmpegVersion();
std::string taglibVersion();

}  // namespace songspace::audio
