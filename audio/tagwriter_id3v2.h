#pragma once

// Internal: how each TagField maps onto ID3v2 frames, for tagwriter.cpp.

#include <taglib/id3v2tag.h>

#include <memory>
#include <string>
#include <vector>

#include "audio/tagwriter.h"

namespace songspace::audio::detail {

// Separator for multi-values where ID3v2 has no native multi-value (v2.3, and COMM).
inline constexpr const char* kId3JoinSeparator = "; ";

std::vector<std::string> readId3v2Field(TagLib::ID3v2::Tag& tag, TagField field, int majorVersion);

// Whether `frame` is one the field reads (and a write replaces).
bool isId3v2FieldFrame(const TagLib::ID3v2::Frame& frame, TagField field);

// The frame(s) that store `values` in the form `majorVersion` (3 or 4) allows; none for no values.
// Render them with renderFrame() (id3v2raw.h) for the tag's version.
std::vector<std::unique_ptr<TagLib::ID3v2::Frame>> makeId3v2FieldFrames(
    TagField field, int majorVersion, const std::vector<std::string>& values);

}  // namespace songspace::audio::detail
