#pragma once

#include <string>
#include <utility>

namespace songspace::audio {

// Why a file could not be read or analysed. Typed so callers can count and group failures;
// the message says where and why in words a user understands.
enum class AudioError {
  None,
  NotFound,          // the path does not exist
  PermissionDenied,  // the file exists but cannot be opened for reading
  NotAudio,          // not a container/codec FFmpeg or TagLib recognises
  NoAudioStream,     // a media file without any audio stream (e.g. a video-only or image file)
  Corrupt,           // the data is damaged; the message says where (time offset or byte offset)
  TooShort,          // empty, or shorter than the minimum duration worth analysing
  Unsupported,       // recognised but not handled (e.g. a format TagLib cannot write)
  Io,                // a read/write failure of the medium (disk full, I/O error)
  Cancelled,         // the caller asked to stop
  InvalidArgument,   // a parameter outside its declared range
};

// Stable lower-case identifier used in the catalog and in JSON ("not_found", "corrupt", ...).
const char* audioErrorName(AudioError error);

struct AudioStatus {
  AudioError error = AudioError::None;
  std::string message;

  bool ok() const { return error == AudioError::None; }
  static AudioStatus success() { return {}; }
  static AudioStatus failure(AudioError error, std::string message) {
    return {error, std::move(message)};
  }
};

}  // namespace songspace::audio
