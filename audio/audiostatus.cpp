#include "audio/audiostatus.h"

namespace songspace::audio {

const char* audioErrorName(AudioError error) {
  switch (error) {
    case AudioError::None:
      return "none";
    case AudioError::NotFound:
      return "not_found";
    case AudioError::PermissionDenied:
      return "permission_denied";
    case AudioError::NotAudio:
      return "not_audio";
    case AudioError::NoAudioStream:
      return "no_audio_stream";
    case AudioError::Corrupt:
      return "corrupt";
    case AudioError::TooShort:
      return "too_short";
    case AudioError::Unsupported:
      return "unsupported";
    case AudioError::Io:
      return "io";
    case AudioError::Cancelled:
      return "cancelled";
    case AudioError::InvalidArgument:
      return "invalid_argument";
  }
  return "unknown";
}

}  // namespace songspace::audio
