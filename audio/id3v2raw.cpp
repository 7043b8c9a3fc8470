#include "audio/id3v2raw.h"

#include <taglib/commentsframe.h>
#include <taglib/id3v2framefactory.h>
#include <taglib/id3v2header.h>
#include <taglib/id3v2synchdata.h>
#include <taglib/id3v2tag.h>
#include <taglib/textidentificationframe.h>
#include <taglib/tfilestream.h>

#include <fstream>

namespace songspace::audio::detail {

namespace {

constexpr unsigned kHeaderSize = 10;
// Room left for later edits when a tag grows (TagLib's default padding is 1 KiB too).
constexpr unsigned kPadding = 1024;

bool validFrameId(const TagLib::ByteVector& data, unsigned offset) {
  if (offset + 4 > data.size()) return false;
  for (unsigned i = 0; i < 4; ++i) {
    const char c = data[offset + i];
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

// Whether a frame may end at `end`: the tag's end, padding, or the next frame's ID.
bool plausibleEnd(const TagLib::ByteVector& body, unsigned end) {
  return end == body.size() || (end < body.size() && body[end] == 0) || validFrameId(body, end);
}

TagLib::ByteVector bigEndian32(unsigned value) {
  return TagLib::ByteVector::fromUInt(value, true);
}

bool isLatin1(const TagLib::StringList& list) {
  for (const auto& s : list) {
    if (!s.isLatin1()) return false;
  }
  return true;
}

}  // namespace

base::Status readRawId3v2(const std::filesystem::path& file, RawId3v2Tag& tag) {
  tag = RawId3v2Tag{};
  std::ifstream in(file, std::ios::binary);
  if (!in) return base::Status::failure(base::ErrorCode::Io, file.string() + ": cannot read");
  std::string head(kHeaderSize, '\0');
  in.read(head.data(), kHeaderSize);
  if (in.gcount() < static_cast<std::streamsize>(kHeaderSize) || head.compare(0, 3, "ID3") != 0) {
    return base::Status::success();
  }
  const TagLib::ByteVector headerBytes(head.data(), kHeaderSize);
  const TagLib::ID3v2::Header header(headerBytes);
  tag.present = true;
  tag.version = header.majorVersion();
  tag.size = header.completeTagSize();
  if (tag.version < 3 || tag.version > 4) {
    return base::Status::failure(base::ErrorCode::Unsupported,
                                 file.string() + ": ID3v2." + std::to_string(tag.version) +
                                     " tags are read but not written");
  }
  const unsigned tagSize = header.tagSize();
  std::error_code sizeError;
  const auto fileSize = std::filesystem::file_size(file, sizeError);
  if (sizeError || tagSize > fileSize) {
    return base::Status::failure(base::ErrorCode::Corrupt,
                                 file.string() + ": the ID3v2 tag runs past the end of the file");
  }
  std::string bodyText(tagSize, '\0');
  in.read(bodyText.data(), tagSize);
  if (in.gcount() < static_cast<std::streamsize>(tagSize)) {
    return base::Status::failure(base::ErrorCode::Corrupt,
                                 file.string() + ": the ID3v2 tag runs past the end of the file");
  }
  TagLib::ByteVector body(bodyText.data(), tagSize);
  if (tag.version == 3 && header.unsynchronisation()) {
    body = TagLib::ID3v2::SynchData::decode(body);
  }
  unsigned offset = 0;
  if (header.extendedHeader() && body.size() >= 4) {
    // v2.3: the size excludes its own four bytes; v2.4: a synchsafe size that includes them.
    offset = tag.version == 3 ? body.toUInt(0U, true) + 4
                              : TagLib::ID3v2::SynchData::toUInt(body.mid(0, 4));
  }
  while (offset + kHeaderSize <= body.size() && validFrameId(body, offset)) {
    const TagLib::ByteVector sizeBytes = body.mid(offset + 4, 4);
    unsigned size = sizeBytes.toUInt(true);
    if (tag.version == 4) {
      // v2.4 sizes are synchsafe; early iTunes wrote plain ones. Take the reading after which
      // the next frame (or the tag's end, or padding) begins, as TagLib does.
      const unsigned synchsafe = TagLib::ID3v2::SynchData::toUInt(sizeBytes);
      const bool plainFits = plausibleEnd(body, offset + kHeaderSize + size);
      if (plausibleEnd(body, offset + kHeaderSize + synchsafe) || !plainFits) size = synchsafe;
    }
    const unsigned end = offset + kHeaderSize + size;
    if (end > body.size()) {
      return base::Status::failure(base::ErrorCode::Corrupt,
                                   file.string() + ": ID3v2 frame " +
                                       std::string(body.mid(offset, 4).data(), 4) +
                                       " runs past the end of its tag");
    }
    tag.frames.push_back(body.mid(offset, end - offset));
    offset = end;
  }
  // What follows the last frame must be padding: bytes Songspace cannot read as a frame would be
  // lost by a rewrite, so such a tag is not written.
  for (unsigned i = offset; i < body.size(); ++i) {
    if (body[i] != '\0') {
      return base::Status::failure(base::ErrorCode::Unsupported,
                                   file.string() +
                                       ": the ID3v2 tag holds data that is not a frame "
                                       "(at byte " +
                                       std::to_string(kHeaderSize + i) + "); it is not rewritten");
    }
  }
  return base::Status::success();
}

base::Status writeRawId3v2(const std::filesystem::path& file, const RawId3v2Tag& old,
                           const std::vector<TagLib::ByteVector>& frames) {
  TagLib::ByteVector data;
  if (!frames.empty()) {
    TagLib::ByteVector body;
    for (const auto& frame : frames) body.append(frame);
    unsigned total = kHeaderSize + body.size();
    total = total <= old.size ? static_cast<unsigned>(old.size) : total + kPadding;
    body.resize(total - kHeaderSize, '\0');
    data.append("ID3");
    data.append(static_cast<char>(old.present ? old.version : 4));
    data.append('\0');  // revision
    data.append('\0');  // flags: no unsynchronisation, extended header, footer
    data.append(TagLib::ID3v2::SynchData::fromUInt(body.size()));
    data.append(body);
  }
  if (data.isEmpty() && !old.present) return base::Status::success();
  TagLib::FileStream stream(file.c_str());
  if (!stream.isOpen() || stream.readOnly()) {
    return base::Status::failure(base::ErrorCode::PermissionDenied,
                                 file.string() + ": cannot open for writing the ID3v2 tag");
  }
  const long before = stream.length();
  stream.insert(data, 0, old.size);
  const long expected = before - static_cast<long>(old.size) + static_cast<long>(data.size());
  if (stream.length() != expected) {
    return base::Status::failure(base::ErrorCode::Io,
                                 file.string() + ": writing the ID3v2 tag failed (disk full?)");
  }
  return base::Status::success();
}

std::unique_ptr<TagLib::ID3v2::Frame> parseRawFrame(const TagLib::ByteVector& bytes,
                                                    unsigned version) {
  TagLib::ID3v2::Header header;
  header.setMajorVersion(version);
  return std::unique_ptr<TagLib::ID3v2::Frame>(
      TagLib::ID3v2::FrameFactory::instance()->createFrame(bytes, &header));
}

TagLib::PropertyMap rawFrameProperties(const TagLib::ByteVector& bytes, unsigned version) {
  auto frame = parseRawFrame(bytes, version);
  if (frame == nullptr) return {};
  // Frame::asProperties() is not public; a tag holding only this frame asks it.
  TagLib::ID3v2::Tag tag;
  tag.addFrame(frame.release());
  return tag.properties();
}

TagLib::ByteVector renderFrame(TagLib::ID3v2::Frame& frame, unsigned version) {
  if (version >= 4) return frame.render();
  // ID3v2.3 knows Latin-1 and UTF-16 (with BOM) only; the frame bodies are otherwise the same.
  if (auto* text = dynamic_cast<TagLib::ID3v2::TextIdentificationFrame*>(&frame)) {
    text->setTextEncoding(isLatin1(text->fieldList()) ? TagLib::String::Latin1
                                                      : TagLib::String::UTF16);
  } else if (auto* comment = dynamic_cast<TagLib::ID3v2::CommentsFrame*>(&frame)) {
    TagLib::StringList parts(comment->text());
    parts.append(comment->description());
    comment->setTextEncoding(isLatin1(parts) ? TagLib::String::Latin1 : TagLib::String::UTF16);
  }
  const TagLib::ByteVector rendered = frame.render();
  const TagLib::ByteVector body = rendered.mid(kHeaderSize);
  TagLib::ByteVector out = rendered.mid(0, 4);
  out.append(bigEndian32(body.size()));
  out.append(TagLib::ByteVector(2, '\0'));
  out.append(body);
  return out;
}

}  // namespace songspace::audio::detail
