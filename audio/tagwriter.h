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
// resolved to names), from the file's merged view: the first of its tags that holds the field
// gives the values (MP3: ID3v2, then APEv2, then ID3v1; FLAC: the Xiph comment, then an ID3v2 tag
// in front of the stream, then ID3v1), as players show them. Formats: those of writeTagField;
// anything else is Unsupported.
//
// ID3v2.3 has no multi-valued frames in common use, so Songspace stores values joined with "; "
// there and splits on "; " when reading (NUL-separated values written by other tools are read as
// separate values too). ID3v2 COMM is single-valued in both versions and is treated the same way.
// Elsewhere (ID3v2.4, Xiph, APEv2, MP4) each value is stored separately and round-trips exactly.
base::Status readTagField(const std::filesystem::path& file, TagField field,
                          std::vector<std::string>& values);

// Replaces the field's values (an empty vector removes the field) and saves the file in place.
// Nothing else the file carries is hidden or dropped (docs/design.md, "Writing tags"):
// - MP3: written into the ID3v2 tag (its version kept; a new tag is v2.4) by splicing frames, so
//   every other frame keeps its stored bytes. Properties only an APEv2 or ID3v1 tag holds are
//   carried into the ID3v2 tag (players that prefer ID3v2 would hide them otherwise); an APEv2 or
//   ID3v1 tag that holds the field gets the new values too (ID3v1: its genre byte or comment);
//   no legacy tag is added or removed.
// - FLAC: written into the Xiph comment; properties only an ID3v2 tag in front of the stream or an
//   ID3v1 tag hold are carried into it; those tags keep their stored form, synced like MP3's.
// - Ogg Vorbis, Opus: the Xiph comment. MP4/M4A: the ilst atoms.
// Other formats report Unsupported; an ID3v2.2 or damaged ID3v2 tag is Unsupported / Corrupt
// (never rewritten). Not atomic: callers that need safety work on a copy (safeWriteTags).
// Thread safety: never call concurrently on the same file.
base::Status writeTagField(const std::filesystem::path& file, TagField field,
                           const std::vector<std::string>& values);

// The stored form of `field` in every tag of `file` (ID3v2 frames as bytes, APEv2 items, the
// ID3v1 tag, Vorbis comment fields in order, MP4 atoms with their data types), plus the
// properties a writeTagField would carry over for it, as opaque text for the undo journal.
base::Status captureTagField(const std::filesystem::path& file, TagField field,
                             std::string& stored);

// Puts the field back exactly as `stored` (from captureTagField on this file) describes it:
// separators, several frames or fields, text encodings and data types as they were; carried-over
// properties that still repeat the legacy tags are removed again, and an ID3v2 tag that held
// nothing else is removed. Errors: InvalidArgument (unreadable `stored`), then writeTagField's.
base::Status restoreTagField(const std::filesystem::path& file, TagField field,
                             const std::string& stored);

// Whether writeTagField can write `file`: success for an existing file of a supported format
// that the process may write; else what writeTagField would fail with (NotFound, NotAudio,
// Unsupported — also an ID3v2.2 tag or one with undecodable data —, Corrupt, PermissionDenied,
// ...) and why. Changes nothing.
[[nodiscard]] base::Status checkTagWritable(const std::filesystem::path& file);

}  // namespace songspace::audio
