#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "audio/audiostatus.h"

namespace songspace::audio {

// Metadata of one file as TagLib reads it. Multi-valued fields keep every value, in file order,
// trimmed, without empty entries.
struct TrackMetadata {
  std::string title;
  std::string artist;
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
AudioStatus readMetadata(const std::filesystem::path& file, TrackMetadata& out);

}  // namespace songspace::audio
