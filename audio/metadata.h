#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace songspace::audio {

// Metadata of one file as TagLib reads it. Multi-valued fields keep every value, in file order,
// trimmed, without empty entries.
struct TrackMetadata {
  std::string title;   // every TITLE value, joined by "; " (a repeated value once)
  std::string artist;  // the first value of its field, as the album artist and the album
  std::string albumArtist;
  std::string album;
  std::vector<std::string> genres;
  std::vector<std::string> moods;
  std::vector<std::string> groupings;
  std::vector<std::string> comments;
  std::vector<std::string>
      freeTags;  // custom tag fields: "TAGS", "TAG", "LABELS", "STYLE", TXXX:TAGS ...
  int year = 0;
  int trackNumber = 0;
  double durationSeconds = 0;
  int bitrateKbps = 0;
  int sampleRate = 0;
  int channels = 0;
};

// Reads the tags and audio properties of `file` (ID3v1/v2, Vorbis comments, Opus, FLAC, MP4,
// APE, WAV INFO/ID3). A file with no tags is not an error: the fields stay empty.
//
// - Strings are UTF-8. Single-valued fields take the first non-empty value of the field.
// - Genres are returned as written: "Rock; Pop" stays one value (core splits and normalises);
//   ID3 numeric references ("17", "(17)"; MP4 gnre via TagLib) are resolved to their ID3v1 names.
// - groupings: GROUPING / ID3v2 TIT1, GRP1, TXXX:GROUPING / MP4 ©grp. comments: COMMENT and
//   Xiph DESCRIPTION / ID3v2 COMM without description / MP4 ©cmt. freeTags: TAGS, TAG, LABELS,
//   STYLE (Xiph/APE fields, ID3v2 TXXX, MP4 ----:com.apple.iTunes:*).
// - Errors: NotFound, PermissionDenied, TooShort (zero bytes), NotAudio (not a format TagLib
//   knows, or no audio stream parameters, e.g. text named .mp3), Corrupt (starts like a known
//   container but TagLib cannot parse it), Io.
// - Thread safety: separate files may be read concurrently from separate threads; the same file
//   must not be read and written concurrently (TagLib gives no guarantee for that).
base::Status readMetadata(const std::filesystem::path& file, TrackMetadata& out);

}  // namespace songspace::audio
