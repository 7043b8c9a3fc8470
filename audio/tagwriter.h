#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/parameter.h"
#include "core/base/status.h"

namespace songspace::audio {

// The tag fields Songspace writes. The primitive below replaces one field in place; the safe
// auto-tag job (temporary copy, verify, rename, journal) is built on top of it.
enum class TagField {
  Genre,     // ID3v2 TCON · Xiph GENRE · MP4 ©gen (TagLib reads a numeric gnre as ©gen)
  Mood,      // ID3v2.4 TMOO, ID3v2.3 TXXX:MOOD · Xiph MOOD · MP4 ----:com.apple.iTunes:MOOD
  Grouping,  // ID3v2 TIT1 (GRP1, TXXX:GROUPING read too) · Xiph GROUPING · MP4 ©grp
  Tags,     // custom free-form tags: ID3v2 TXXX:TAGS · Xiph TAGS · MP4 ----:com.apple.iTunes:TAGS
  Comment,  // ID3v2 COMM (no description; TXXX:COMMENT read too) · Xiph COMMENT (DESCRIPTION
            // read too) · MP4 ©cmt
};

// The fields by their stable lower-case words, as the journal stores them and users type them.
inline constexpr base::EnumSpec<TagField, 5> kTagFieldSpec{
    "field",
    TagField::Genre,
    {{{TagField::Genre, "genre"},
      {TagField::Mood, "mood"},
      {TagField::Grouping, "grouping"},
      {TagField::Tags, "tags"},
      {TagField::Comment, "comment"}}},
    "tag field written (genre: the one every player shows)"};

// Lower-case name for messages and the journal ("genre", "mood", ...): kTagFieldSpec's word.
const char* tagFieldName(TagField field);

// Reads the values of one field, trimmed, without empties, in file order (ID3 genre numbers
// resolved to names). Formats: those of writeTagField; anything else is Unsupported.
//
// ID3v2.3 has no multi-valued frames, so values are stored joined with "; " there and split on
// "; " when read back. ID3v2 COMM is single-valued in both versions and is treated the same way.
// Elsewhere (ID3v2.4, Xiph, MP4) each value is stored separately and round-trips exactly.
base::Status readTagField(const std::filesystem::path& file, TagField field,
                          std::vector<std::string>& values);

// Replaces the field's values (an empty vector removes the field) and saves the file in place.
// Every other field, tag and the audio data are left untouched. Supported: MP3 (the ID3v2 tag;
// the file's ID3v2 version is kept, a new tag is v2.4; an existing ID3v1 or APE tag is kept
// unchanged and none is added), FLAC (Xiph comment), Ogg Vorbis, Opus, MP4/M4A. Other formats
// report Unsupported with the reason. Not atomic: callers that need safety work on a copy.
// Thread safety: never call concurrently on the same file.
base::Status writeTagField(const std::filesystem::path& file, TagField field,
                           const std::vector<std::string>& values);

// Whether writeTagField can write `file`: success for an existing file of a supported format
// that the process may write; else what writeTagField would fail with (NotFound, NotAudio,
// Unsupported, PermissionDenied, ...) and why. Changes nothing.
[[nodiscard]] base::Status checkTagWritable(const std::filesystem::path& file);

}  // namespace songspace::audio
