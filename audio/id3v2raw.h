#pragma once

// Internal (tagwriter*.cpp): an ID3v2 tag at the start of a file as the stored bytes of its
// frames, so that a write replaces only the frames of the field it changes and copies every
// other frame byte for byte.
//
// Why not TagLib's save: it re-renders the whole tag from its parsed frames. For ID3v2.3 its
// downgrade step stores TCON ["Rock", "Jazz"] as "(17)(8)", keeps only one genre that is not an
// ID3v1 name and drops TMOO, TSOP, TSOA and TSOT; its v2.3 parser discards RVAD, EQUA, TSIZ and
// TRDA. FLAC::File::save re-renders an ID3v2.3 tag in front of "fLaC" as v2.4 (TYER becomes
// TDRC). Splicing frame bytes avoids all of it (docs/design.md, "Writing tags").

#include <taglib/id3v2frame.h>
#include <taglib/tbytevector.h>
#include <taglib/tpropertymap.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "core/base/status.h"

namespace songspace::audio::detail {

struct RawId3v2Tag {
  bool present = false;
  unsigned version = 4;    // major version of the tag on disk (3 or 4 when spliceable)
  unsigned long size = 0;  // bytes the tag occupies at offset 0: header, frames, padding, footer
  std::vector<TagLib::ByteVector> frames;  // each frame's header and data as stored, in order
};

// Reads the ID3v2 tag at offset 0 of `file`; a file without one gives present = false.
// A v2.3 tag with tag-level unsynchronisation is decoded (it is written back without it); the
// extended header and the footer are skipped (not written back: they carry no user data).
// Errors: Io (cannot read), Corrupt (a size runs past the tag or the file), Unsupported (ID3v2.2,
// whose three-letter frames Songspace does not write, or bytes after the frames that are neither
// a frame nor padding: a rewrite would lose them).
base::Status readRawId3v2(const std::filesystem::path& file, RawId3v2Tag& tag);

// Replaces the `old.size` bytes at offset 0 of `file` with a tag of version `old.version` (4 when
// !old.present) holding `frames`; no frames removes the tag. When the frames fit in the old size
// the rest is padding, so the audio after the tag does not move.
base::Status writeRawId3v2(const std::filesystem::path& file, const RawId3v2Tag& old,
                           const std::vector<TagLib::ByteVector>& frames);

// TagLib's reading of one stored frame of a tag of major version `version` (to tell which field
// it carries); nullptr for a frame TagLib discards.
std::unique_ptr<TagLib::ID3v2::Frame> parseRawFrame(const TagLib::ByteVector& bytes,
                                                    unsigned version);

// TagLib's property reading of one stored frame (empty for pictures, private data and other
// frames without one; their IDs are then in unsupportedData()).
TagLib::PropertyMap rawFrameProperties(const TagLib::ByteVector& bytes, unsigned version);

// The stored form of a frame Songspace built, for a tag of major version `version`: v2.4 as
// TagLib renders it (UTF-8 text); v2.3 with a v2.3 header and Latin-1 or UTF-16 text.
TagLib::ByteVector renderFrame(TagLib::ID3v2::Frame& frame, unsigned version);

}  // namespace songspace::audio::detail
