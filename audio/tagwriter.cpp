#include "audio/tagwriter.h"

#include <taglib/flacfile.h>
#include <taglib/id3v2header.h>
#include <taglib/mp4file.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/vorbisfile.h>
#include <taglib/xiphcomment.h>

#include <memory>

#include "audio/taglibsupport.h"
#include "audio/tagwriter_id3v2.h"

namespace songspace::audio {

namespace {

using detail::appendValues;
using detail::fromUtf8;

constexpr const char* kSupported = "tags can be written to MP3, FLAC, Ogg Vorbis, Opus and MP4/M4A";

// ---- Xiph comments (FLAC, Ogg Vorbis, Opus) ----

// The comment fields a TagField reads; the first one is the one written.
std::vector<const char*> xiphKeys(TagField field) {
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

std::vector<std::string> readXiph(const TagLib::Ogg::XiphComment& comment, TagField field) {
  std::vector<std::string> values;
  const TagLib::Ogg::FieldListMap& map = comment.fieldListMap();  // keys are upper case
  for (const char* key : xiphKeys(field)) {
    const auto it = map.find(key);
    if (it != map.end()) appendValues(values, it->second);
  }
  return values;
}

void writeXiph(TagLib::Ogg::XiphComment& comment, TagField field,
               const std::vector<std::string>& values) {
  const std::vector<const char*> keys = xiphKeys(field);
  for (const char* key : keys) comment.removeFields(key);
  for (const auto& value : values) comment.addField(keys.front(), fromUtf8(value), false);
}

// ---- MP4 atoms ----

const TagLib::String kFreeformPrefix = "----:com.apple.iTunes:";

// The plain atom of a field, or nullptr when it lives in a freeform atom.
const char* mp4Atom(TagField field) {
  switch (field) {
    case TagField::Genre:
      return "\251gen";
    case TagField::Grouping:
      return "\251grp";
    case TagField::Comment:
      return "\251cmt";
    case TagField::Mood:
    case TagField::Tags:
      return nullptr;
  }
  return nullptr;
}

const char* mp4FreeformName(TagField field) {
  return field == TagField::Mood ? "MOOD" : field == TagField::Tags ? "TAGS" : nullptr;
}

// Keys of the items carrying the field: freeform names match case-insensitively.
std::vector<TagLib::String> mp4Keys(const TagLib::MP4::Tag& tag, TagField field) {
  std::vector<TagLib::String> keys;
  if (const char* atom = mp4Atom(field)) {
    // A numeric gnre atom needs no handling: TagLib parses it into ©gen.
    keys.emplace_back(atom);
    return keys;
  }
  for (const auto& entry : tag.itemMap()) {
    const TagLib::String& key = entry.first;
    if (key.startsWith(kFreeformPrefix) &&
        detail::equalsIgnoreCase(key.substr(kFreeformPrefix.size()), mp4FreeformName(field))) {
      keys.push_back(key);
    }
  }
  return keys;
}

std::vector<std::string> readMp4(const TagLib::MP4::Tag& tag, TagField field) {
  std::vector<std::string> values;
  const TagLib::MP4::ItemMap& items = tag.itemMap();
  for (const auto& key : mp4Keys(tag, field)) {
    const auto it = items.find(key);
    if (it == items.end()) continue;
    appendValues(values, it->second.toStringList());
  }
  return values;
}

void writeMp4(TagLib::MP4::Tag& tag, TagField field, const std::vector<std::string>& values) {
  for (const auto& key : mp4Keys(tag, field)) tag.removeItem(key);
  if (values.empty()) return;
  TagLib::StringList list;
  for (const auto& value : values) list.append(fromUtf8(value));
  const char* atom = mp4Atom(field);
  const TagLib::String key =
      atom != nullptr ? TagLib::String(atom) : kFreeformPrefix + mp4FreeformName(field);
  tag.setItem(key, TagLib::MP4::Item(list));
}

// ---- dispatch ----

base::Status unsupported(const std::filesystem::path& file) {
  std::string extension = file.extension().string();
  if (extension.empty()) extension = "(no extension)";
  return base::Status::failure(
      base::ErrorCode::Unsupported,
      file.string() + ": format " + extension + " is not writable; " + kSupported);
}

// The Xiph comment of a FLAC / Vorbis / Opus file, or nullptr.
TagLib::Ogg::XiphComment* xiphOf(TagLib::File* file, bool create) {
  if (auto* flac = dynamic_cast<TagLib::FLAC::File*>(file)) return flac->xiphComment(create);
  if (auto* vorbis = dynamic_cast<TagLib::Ogg::Vorbis::File*>(file)) return vorbis->tag();
  if (auto* opus = dynamic_cast<TagLib::Ogg::Opus::File*>(file)) return opus->tag();
  return nullptr;
}

bool isSupported(TagLib::File* file) {
  return dynamic_cast<TagLib::MPEG::File*>(file) != nullptr ||
         dynamic_cast<TagLib::MP4::File*>(file) != nullptr || xiphOf(file, false) != nullptr ||
         dynamic_cast<TagLib::FLAC::File*>(file) != nullptr;
}

}  // namespace

const char* tagFieldName(TagField field) {
  const std::string_view word = kTagFieldSpec.wordOf(field);
  return word.empty() ? "unknown" : word.data();  // the words are string literals
}

base::Status readTagField(const std::filesystem::path& file, TagField field,
                          std::vector<std::string>& values) {
  values.clear();
  std::unique_ptr<TagLib::FileRef> ref;
  if (base::Status status = detail::openWithTagLib(file, false, ref); !status.ok()) return status;
  TagLib::File* tagFile = ref->file();
  if (auto* mpeg = dynamic_cast<TagLib::MPEG::File*>(tagFile)) {
    if (mpeg->hasID3v2Tag()) {
      TagLib::ID3v2::Tag* tag = mpeg->ID3v2Tag();
      values = detail::readId3v2Field(*tag, field, static_cast<int>(tag->header()->majorVersion()));
    }
    return base::Status::success();
  }
  if (auto* mp4 = dynamic_cast<TagLib::MP4::File*>(tagFile)) {
    if (mp4->tag() != nullptr) values = readMp4(*mp4->tag(), field);
    return base::Status::success();
  }
  if (dynamic_cast<TagLib::FLAC::File*>(tagFile) != nullptr || xiphOf(tagFile, false)) {
    if (auto* xiph = xiphOf(tagFile, false)) values = readXiph(*xiph, field);
    return base::Status::success();
  }
  return unsupported(file);
}

base::Status writeTagField(const std::filesystem::path& file, TagField field,
                           const std::vector<std::string>& values) {
  std::vector<std::string> clean;
  for (const auto& value : values) {
    std::string text = detail::trimmed(value);
    if (!text.empty()) clean.push_back(std::move(text));
  }
  std::unique_ptr<TagLib::FileRef> ref;
  if (base::Status status = detail::openWithTagLib(file, true, ref); !status.ok()) return status;
  TagLib::File* tagFile = ref->file();
  if (!isSupported(tagFile)) return unsupported(file);
  if (tagFile->readOnly()) {
    return base::Status::failure(base::ErrorCode::PermissionDenied,
                                 file.string() + ": TagLib opened the file read-only");
  }

  bool saved = false;
  if (auto* mpeg = dynamic_cast<TagLib::MPEG::File*>(tagFile)) {
    // Keep the version the file already has: rewriting v2.3 as v2.4 would lose players that
    // only read v2.3 (Windows Explorer, older car radios). A new tag is v2.4.
    int version = 4;
    if (mpeg->hasID3v2Tag()) version = mpeg->ID3v2Tag()->header()->majorVersion() == 3 ? 3 : 4;
    detail::writeId3v2Field(*mpeg->ID3v2Tag(true), field, version, clean);
    saved = mpeg->save(TagLib::MPEG::File::ID3v2, TagLib::File::StripNone,
                       version == 3 ? TagLib::ID3v2::v3 : TagLib::ID3v2::v4,
                       TagLib::File::DoNotDuplicate);
  } else if (auto* mp4 = dynamic_cast<TagLib::MP4::File*>(tagFile)) {
    writeMp4(*mp4->tag(), field, clean);
    saved = mp4->save();
  } else {
    writeXiph(*xiphOf(tagFile, true), field, clean);
    saved = tagFile->save();
  }
  if (!saved) {
    return base::Status::failure(
        base::ErrorCode::Io,
        file.string() + ": TagLib could not save the " + tagFieldName(field) + " field");
  }
  return base::Status::success();
}

base::Status checkTagWritable(const std::filesystem::path& file) {
  std::unique_ptr<TagLib::FileRef> ref;
  base::Status status = detail::openWithTagLib(file, true, ref);
  if (status.ok() && !isSupported(ref->file())) status = unsupported(file);
  if (status.ok() && ref->file()->readOnly()) {
    status =
        base::Status::failure(base::ErrorCode::PermissionDenied, file.string() + ": read-only");
  }
  return status;
}

}  // namespace songspace::audio
