#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "audio/tagwriter.h"
#include "core/base/status.h"

namespace songspace::audio {

// Every field a file's tags carry, merged as a player shows them. MP3: for each key the values of
// the first tag that has it, in the order TagLib's union of tags uses (ID3v2, APEv2, ID3v1).
// FLAC: the Xiph comment when it holds any field (FLAC readers then show nothing else), else the
// ID3v2 tag in front of "fLaC" merged with an ID3v1 tag after the stream.
// Keys are TagLib's unified property names ("TITLE", "ALBUMARTIST", "TRACKNUMBER", "GENRE",
// custom names such as "REPLAYGAIN_TRACK_GAIN"; values as stored, untrimmed) plus entries for what
// the PropertyMap leaves out, each value a content fingerprint:
//   "#picture"           pictures: FLAC / Xiph picture blocks, else ID3v2 APIC frames
//   "#id3v2 <frame id>"  other ID3v2 frames without a property reading (PRIV, GEOB, ...)
//   "#ape <key>"         binary APEv2 items
//   "#mp4 <atom key>"    MP4 atoms outside the PropertyMap (freeform ----:mean:name, covr, ...)
// The safe tag write compares this view before and after a write: nothing but the written field
// may change (isTagViewKeyOf). Errors: those of readMetadata.
using TagView = std::map<std::string, std::vector<std::string>>;
base::Status readTagView(const std::filesystem::path& file, TagView& view);

// Whether a view key is one that writing `field` changes ("GENRE" for Genre, "COMMENT" and
// "DESCRIPTION" for Comment, "#mp4 ----:com.apple.iTunes:MOOD" for Mood, ...).
bool isTagViewKeyOf(const std::string& key, TagField field);

}  // namespace songspace::audio
