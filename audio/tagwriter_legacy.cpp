#include "audio/tagwriter_legacy.h"

#include <taglib/id3v1genres.h>
#include <taglib/textidentificationframe.h>

#include <fstream>

#include "audio/id3v2raw.h"
#include "audio/taglibsupport.h"
#include "audio/tagview.h"

namespace songspace::audio::detail {

namespace {

constexpr std::size_t kId3v1Size = 128;
constexpr std::size_t kId3v1Comment = 97;     // offset of the comment
constexpr std::size_t kId3v1CommentV11 = 28;  // ID3v1.1: 28 bytes, a zero, the track number
constexpr std::size_t kId3v1CommentV10 = 30;  // ID3v1.0: 30 bytes
constexpr std::size_t kId3v1Genre = 127;
constexpr unsigned char kNoGenre = 255;

bool keyIs(const TagLib::String& key, TagField field) {
  for (const char* name : plainFieldKeys(field)) {
    if (equalsIgnoreCase(key, name)) return true;
  }
  return false;
}

// The comment's length: ID3v1.1 when byte 125 is zero and a track number follows.
std::size_t commentLength(const std::string& tag) {
  return tag[125] == '\0' && tag[126] != '\0' ? kId3v1CommentV11 : kId3v1CommentV10;
}

base::Status writeId3v1Bytes(const std::filesystem::path& file, const std::string& tag) {
  std::fstream io(file, std::ios::binary | std::ios::in | std::ios::out);
  io.seekp(-static_cast<std::streamoff>(kId3v1Size), std::ios::end);
  io.write(tag.data(), static_cast<std::streamsize>(tag.size()));
  io.flush();
  if (!io)
    return base::Status::failure(base::ErrorCode::Io, file.string() + ": cannot write ID3v1");
  return base::Status::success();
}

// ID3v2 frame IDs that exist only in v2.4 (ID3v2.4 "id3v2.4.0-changes", section 4).
bool v24Only(const TagLib::ByteVector& id) {
  for (const char* only :
       {"ASPI", "EQU2", "RVA2", "SEIK", "SIGN", "TDEN", "TDOR", "TDRC", "TDRL", "TDTG", "TIPL",
        "TMCL", "TMOO", "TPRO", "TSOA", "TSOP", "TSOT", "TSST"}) {
    if (id == only) return true;
  }
  return false;
}

}  // namespace

std::vector<const char*> plainFieldKeys(TagField field) {
  switch (field) {
    case TagField::Genre:
      return {"GENRE"};
    case TagField::Mood:
      return {"MOOD"};
    case TagField::Grouping:
      return {"GROUPING"};
    case TagField::Tags:
      return {"TAGS"};
    case TagField::Comment:
      return {"COMMENT", "DESCRIPTION"};  // ffmpeg and others write DESCRIPTION
  }
  return {};
}

std::vector<std::string> readApeField(const TagLib::APE::Tag& tag, TagField field) {
  std::vector<std::string> values;
  for (const auto& [key, item] : tag.itemListMap()) {
    if (item.type() == TagLib::APE::Item::Text && keyIs(item.key(), field)) {
      appendValues(values, item.values());
    }
  }
  return values;
}

void writeApeField(TagLib::APE::Tag& tag, TagField field, const std::vector<std::string>& values) {
  TagLib::String name = plainFieldKeys(field).front();
  std::vector<TagLib::String> keys;
  for (const auto& [key, item] : tag.itemListMap()) {
    if (keyIs(item.key(), field)) keys.push_back(item.key());
  }
  if (!keys.empty()) name = keys.front();
  for (const auto& key : keys) tag.removeItem(key);
  if (values.empty()) return;
  TagLib::StringList list;
  for (const auto& value : values) list.append(fromUtf8(value));
  tag.setItem(name, TagLib::APE::Item(name, list));
}

std::vector<std::string> readId3v1Field(const TagLib::ID3v1::Tag& tag, TagField field) {
  std::vector<std::string> values;
  if (field == TagField::Genre && tag.genreNumber() != kNoGenre) {
    appendValues(values, TagLib::StringList(tag.genre()));
  } else if (field == TagField::Comment) {
    appendValues(values, TagLib::StringList(tag.comment()));
  }
  return values;
}

std::string readId3v1Bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(0, std::ios::end);
  if (!in || in.tellg() < static_cast<std::streamoff>(kId3v1Size)) return {};
  in.seekg(-static_cast<std::streamoff>(kId3v1Size), std::ios::end);
  std::string tag(kId3v1Size, '\0');
  in.read(tag.data(), kId3v1Size);
  if (in.gcount() != static_cast<std::streamsize>(kId3v1Size) || tag.compare(0, 3, "TAG") != 0) {
    return {};
  }
  return tag;
}

base::Status patchId3v1Field(const std::filesystem::path& file, TagField field,
                             const std::vector<std::string>& values) {
  std::string tag = readId3v1Bytes(file);
  if (tag.empty() || (field != TagField::Genre && field != TagField::Comment)) {
    return base::Status::success();
  }
  if (field == TagField::Genre) {
    unsigned char genre = kNoGenre;
    for (const auto& value : values) {
      const int index = TagLib::ID3v1::genreIndex(fromUtf8(value));
      if (index >= 0 && index < kNoGenre) {
        genre = static_cast<unsigned char>(index);
        break;
      }
    }
    tag[kId3v1Genre] = static_cast<char>(genre);
  } else {
    const std::size_t room = commentLength(tag);
    std::string latin1 = values.empty() ? std::string() : fromUtf8(values.front()).to8Bit(false);
    latin1.resize(room, '\0');
    tag.replace(kId3v1Comment, room, latin1);
  }
  return writeId3v1Bytes(file, tag);
}

base::Status restoreId3v1Field(const std::filesystem::path& file, TagField field,
                               const std::string& stored) {
  std::string tag = readId3v1Bytes(file);
  if (tag.empty() || stored.size() != kId3v1Size) return base::Status::success();
  if (field == TagField::Genre) {
    tag[kId3v1Genre] = stored[kId3v1Genre];
  } else if (field == TagField::Comment) {
    const std::size_t room = commentLength(stored);
    tag.replace(kId3v1Comment, room, stored.substr(kId3v1Comment, room));
  } else {
    return base::Status::success();
  }
  return writeId3v1Bytes(file, tag);
}

std::vector<TagLib::ByteVector> carriedId3v2Frames(const TagLib::String& key,
                                                   const TagLib::StringList& values,
                                                   unsigned version) {
  std::vector<TagLib::ByteVector> out;
  std::unique_ptr<TagLib::ID3v2::Frame> frame(
      TagLib::ID3v2::Frame::createTextualFrame(key, values));
  if (frame == nullptr) return out;
  if (version < 4 && key == "DATE" && !values.isEmpty()) {
    // ID3v2.3 stores a date as TYER (yyyy) and TDAT (ddmm); TagLib reads them back as DATE.
    const std::string date = toUtf8(values.front());
    auto year = std::make_unique<TagLib::ID3v2::TextIdentificationFrame>("TYER");
    year->setText(fromUtf8(date.substr(0, 4)));
    out.push_back(renderFrame(*year, version));
    if (date.size() >= 10 && date[4] == '-' && date[7] == '-') {
      auto day = std::make_unique<TagLib::ID3v2::TextIdentificationFrame>("TDAT");
      day->setText(fromUtf8(date.substr(8, 2) + date.substr(5, 2)));
      out.push_back(renderFrame(*day, version));
    }
    return out;
  }
  if (version < 4 && v24Only(frame->frameID())) {
    auto user = std::make_unique<TagLib::ID3v2::UserTextIdentificationFrame>(key, values);
    out.push_back(renderFrame(*user, version));
    return out;
  }
  out.push_back(renderFrame(*frame, version));
  return out;
}

TagLib::PropertyMap missingProperties(const TagLib::PropertyMap& primary,
                                      const std::vector<TagLib::PropertyMap>& secondary,
                                      TagField field) {
  TagLib::PropertyMap missing;
  for (const auto& map : secondary) {
    for (const auto& [key, values] : map) {
      if (primary.contains(key) || missing.contains(key)) continue;
      if (isTagViewKeyOf(toUtf8(key), field)) continue;
      missing.insert(key, values);
    }
  }
  return missing;
}

}  // namespace songspace::audio::detail
