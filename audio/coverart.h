#pragma once

// Where a song's cover art comes from: the picture embedded in its tags, or an image file beside
// it in its folder. Returns the bytes as stored; decoding and checking them is the caller's
// business (the GUI decodes them with limits, see ui/coverart.h).

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace songspace::audio {

// Pictures above this size are not returned (a tag holding hundreds of megabytes is a damaged or
// hostile file, not a cover).
inline constexpr std::size_t kMaxEmbeddedPictureBytes = 16u << 20;

// One picture as its container stores it.
struct EmbeddedPicture {
  std::string data;       // the image file's bytes (JPEG, PNG, ...); empty: the file has none
  std::string mimeType;   // as declared by the tag ("image/jpeg"); may be empty or wrong
  int type = -1;          // ID3v2 / FLAC picture type (3 = front cover); -1 for MP4 covr (untyped)
  std::string container;  // "ID3v2 APIC", "FLAC picture", "Xiph METADATA_BLOCK_PICTURE", "MP4 covr"
};

// Reads the cover picture embedded in `file`: ID3v2 APIC frames (MP3, WAV, AIFF, an ID3v2 tag in
// front of a FLAC stream), FLAC picture blocks, Ogg Vorbis / Opus / FLAC METADATA_BLOCK_PICTURE
// comments, MP4 covr atoms. The front cover (type 3) is preferred; otherwise the first picture in
// file order (FLAC blocks before ID3v2 frames). A file without any picture is not an error:
// `out.data` stays empty.
// Errors: those of opening the file (NotFound, PermissionDenied, TooShort, NotAudio, Corrupt, Io,
// as readMetadata), and Unsupported when the chosen picture is larger than
// kMaxEmbeddedPictureBytes (the message says how large).
// Thread safety: as readMetadata (separate files on separate threads are fine).
base::Status readEmbeddedPicture(const std::filesystem::path& file, EmbeddedPicture& out);

// The cover image files in the folder of `audioFile`, best first: regular files named cover,
// folder, front, album, albumart or albumcover (in that order of preference; any letter case)
// with the extension .jpg, .jpeg or .png; two spellings of one name in the order of their file
// names. Empty when there is none or the folder cannot be listed. The images are not opened (a
// caller tries the next when one turns out to be bad).
std::vector<std::filesystem::path> findFolderImages(const std::filesystem::path& audioFile);

}  // namespace songspace::audio
