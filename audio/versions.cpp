#include "audio/versions.h"

#include <taglib/taglib.h>

extern "C" {
#include <libavutil/avutil.h>
}

namespace songspace::audio {

std::string ffmpegVersion() {
  return av_version_info();
}

std::string taglibVersion() {
  return std::to_string(TAGLIB_MAJOR_VERSION) + '.' + std::to_string(TAGLIB_MINOR_VERSION) + '.' +
         std::to_string(TAGLIB_PATCH_VERSION);
}

}  // namespace songspace::audio
