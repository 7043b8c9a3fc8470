#pragma once

// Internal (tagwriter.cpp): the tags a file may carry besides its primary one — APEv2 and ID3v1
// on MP3, ID3v2/ID3v1 around a FLAC stream — read per field, kept in sync byte-exactly, and
// carried over into the primary tag. Policy and reasons: docs/design.md, "Writing tags".

#include <taglib/apetag.h>
#include <taglib/id3v1tag.h>
#include <taglib/id3v2frame.h>
#include <taglib/tpropertymap.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "audio/tagwriter.h"
#include "core/base/status.h"

namespace songspace::audio::detail {

// The APEv2 keys (matched case-insensitively) and Vorbis comment names a field reads; the first
// is the one written.
std::vector<const char*> plainFieldKeys(TagField field);

// The field's values in an APEv2 tag (text items only), trimmed, without empties.
std::vector<std::string> readApeField(const TagLib::APE::Tag& tag, TagField field);
// Replaces the field's items (keeping the first one's spelling of the key); none removes them.
void writeApeField(TagLib::APE::Tag& tag, TagField field, const std::vector<std::string>& values);

// ID3v1 holds a genre (one of its numbered names) and a comment; nothing of the other fields.
std::vector<std::string> readId3v1Field(const TagLib::ID3v1::Tag& tag, TagField field);

// The 128-byte ID3v1 tag at the end of `file`, or empty when there is none.
std::string readId3v1Bytes(const std::filesystem::path& file);
// Sets the field's bytes in the ID3v1 tag at the end of `file` in place: the genre byte (the first
// value that is an ID3v1 genre name, else 255 "none"), or the comment (the first value in Latin-1,
// cut to the room the tag has). Other bytes stay as they are. No-op for the other fields.
base::Status patchId3v1Field(const std::filesystem::path& file, TagField field,
                             const std::vector<std::string>& values);
// Copies the field's bytes from `stored` (a 128-byte tag as read before) into the file's tag.
base::Status restoreId3v1Field(const std::filesystem::path& file, TagField field,
                               const std::string& stored);

// The ID3v2 frames (rendered for a tag of `version`) that carry one property into a tag that
// lacks it: TagLib's frame for the key, with v2.4-only frames stored as v2.3 allows (DATE as TYER
// + TDAT, others as TXXX named by the key).
std::vector<TagLib::ByteVector> carriedId3v2Frames(const TagLib::String& key,
                                                   const TagLib::StringList& values,
                                                   unsigned version);

// The properties of `secondary` tags in priority order, merged (the first tag with a key wins),
// leaving out the keys `primary` has and those of `field`.
TagLib::PropertyMap missingProperties(const TagLib::PropertyMap& primary,
                                      const std::vector<TagLib::PropertyMap>& secondary,
                                      TagField field);

}  // namespace songspace::audio::detail
