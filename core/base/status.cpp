#include "core/base/status.h"

namespace songspace::base {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::None:
      return "none";
    case ErrorCode::NotFound:
      return "not_found";
    case ErrorCode::PermissionDenied:
      return "permission_denied";
    case ErrorCode::NotAudio:
      return "not_audio";
    case ErrorCode::NoAudioStream:
      return "no_audio_stream";
    case ErrorCode::Corrupt:
      return "corrupt";
    case ErrorCode::TooShort:
      return "too_short";
    case ErrorCode::Unsupported:
      return "unsupported";
    case ErrorCode::Io:
      return "io";
    case ErrorCode::Cancelled:
      return "cancelled";
    case ErrorCode::InvalidArgument:
      return "invalid_argument";
    case ErrorCode::CannotOpen:
      return "cannot_open";
    case ErrorCode::NotACatalog:
      return "not_a_catalog";
    case ErrorCode::SchemaTooNew:
      return "schema_too_new";
    case ErrorCode::Sql:
      return "sql";
    case ErrorCode::Busy:
      return "busy";
    case ErrorCode::TooManyPoints:
      return "too_many_points";
    case ErrorCode::ReadOnly:
      return "read_only";
    case ErrorCode::HardLinked:
      return "hard_linked";
    case ErrorCode::Changed:
      return "changed";
    case ErrorCode::DiskFull:
      return "disk_full";
    case ErrorCode::VerifyFailed:
      return "verify_failed";
    case ErrorCode::AudioChanged:
      return "audio_changed";
  }
  return "unknown";
}

}  // namespace songspace::base
