#pragma once

// Internal: how each TagField maps onto ID3v2 frames, for tagwriter.cpp.

#include <taglib/id3v2tag.h>

#include <string>
#include <vector>

#include "audio/tagwriter.h"

namespace songspace::audio::detail {

// Separator for multi-values where ID3v2 has no native multi-value (v2.3, and COMM).
inline constexpr const char* kId3JoinSeparator = "; ";

std::vector<std::string> readId3v2Field(TagLib::ID3v2::Tag& tag, TagField field, int majorVersion);

// Removes every frame the field reads from, then adds the field's frame(s) in the form
// `majorVersion` (3 or 4) allows.
void writeId3v2Field(TagLib::ID3v2::Tag& tag, TagField field, int majorVersion,
                     const std::vector<std::string>& values);

}  // namespace songspace::audio::detail
