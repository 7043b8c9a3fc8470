#pragma once

// Internal helpers shared by metadata.cpp and tagwriter.cpp (not a contract for other layers):
// UTF-8 conversion, the access checks that TagLib itself does not report, and the mapping of
// "TagLib could not open it" to a typed base::ErrorCode.

#include <taglib/fileref.h>
#include <taglib/tpropertymap.h>
#include <taglib/tstring.h>
#include <taglib/tstringlist.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace songspace::audio::detail {

inline std::string toUtf8(const TagLib::String& s) {
  return s.to8Bit(true);
}
inline TagLib::String fromUtf8(const std::string& s) {
  return TagLib::String(s, TagLib::String::UTF8);
}

// Strips ASCII whitespace and NUL padding (left by some ID3 writers) at both ends.
std::string trimmed(const std::string& s);

// Appends every value of `values`, trimmed, skipping empty ones (the TrackMetadata rule).
void appendValues(std::vector<std::string>& out, const TagLib::StringList& values);

// Case-insensitive ASCII comparison (tag keys such as TXXX descriptions differ in case between
// writers: ffmpeg writes "mood", foobar2000 "MOOD").
bool equalsIgnoreCase(const TagLib::String& a, const char* b);

// An ID3 genre reference ("17" or "(17)") as its ID3v1 name; other values unchanged.
std::string resolveId3Genre(const std::string& value);

// The properties players show for `file`: MP3 per key from the first tag that has it (ID3v2,
// APEv2, ID3v1); FLAC the Xiph comment when it holds any field, else the ID3v2 tag in front of the
// stream merged with ID3v1; other formats TagLib's File::properties(). (TagLib 1.13's own
// File::properties() takes the first non-empty tag whole, hiding an APEv2 or ID3v1 field that an
// ID3v2 tag lacks.)
TagLib::PropertyMap playerProperties(TagLib::File& file);

// Opens `file` with TagLib after checking that it exists, can be opened (for writing too when
// `forWriting`) and is not empty. On success `ref` holds a file with audio properties.
// Errors: NotFound, PermissionDenied, TooShort (zero bytes), NotAudio (no format TagLib knows, or
// no audio frames), Corrupt (the bytes start like a known container but TagLib cannot parse it),
// Io (any other open failure).
base::Status openWithTagLib(const std::filesystem::path& file, bool forWriting,
                            std::unique_ptr<TagLib::FileRef>& ref);

}  // namespace songspace::audio::detail
