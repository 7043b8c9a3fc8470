#include "audio/tagwriter.h"

#include <taglib/apetag.h>
#include <taglib/attachedpictureframe.h>
#include <taglib/flacfile.h>
#include <taglib/id3v1tag.h>
#include <taglib/id3v2header.h>
#include <taglib/mp4file.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/vorbisfile.h>
#include <taglib/xiphcomment.h>

#include <algorithm>
#include <memory>
#include <sstream>

#include "audio/id3v2raw.h"
#include "audio/taglibsupport.h"
#include "audio/tagwriter_id3v2.h"
#include "audio/tagwriter_legacy.h"

namespace songspace::audio {

namespace {

using detail::appendValues;
using detail::fromUtf8;

constexpr const char* kSupported = "tags can be written to MP3, FLAC, Ogg Vorbis, Opus and MP4/M4A";

// ---- Xiph comments (FLAC, Ogg Vorbis, Opus) ----

using detail::plainFieldKeys;

std::vector<std::string> readXiph(const TagLib::Ogg::XiphComment& comment, TagField field) {
  std::vector<std::string> values;
  const TagLib::Ogg::FieldListMap& map = comment.fieldListMap();  // keys are upper case
  for (const char* key : plainFieldKeys(field)) {
    const auto it = map.find(key);
    if (it != map.end()) appendValues(values, it->second);
  }
  return values;
}

void writeXiph(TagLib::Ogg::XiphComment& comment, TagField field,
               const std::vector<std::string>& values) {
  const std::vector<const char*> keys = plainFieldKeys(field);
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

// ---- ID3v2 frames by their stored bytes (MP3, and the tag in front of a FLAC stream) ----

// The stored frames of `raw` with the field's frames replaced by `replacement`, which takes the
// place of the first one (or goes at the end). `carried` (if given) tells whether there was one.
std::vector<TagLib::ByteVector> replaceFieldFrames(
    const detail::RawId3v2Tag& raw, TagField field,
    const std::vector<TagLib::ByteVector>& replacement, bool* carried = nullptr) {
  std::vector<TagLib::ByteVector> frames;
  bool inserted = false;
  for (const auto& bytes : raw.frames) {
    const auto frame = detail::parseRawFrame(bytes, raw.version);
    if (frame != nullptr && detail::isId3v2FieldFrame(*frame, field)) {
      if (!inserted) frames.insert(frames.end(), replacement.begin(), replacement.end());
      inserted = true;
      continue;
    }
    frames.push_back(bytes);
  }
  if (!inserted) frames.insert(frames.end(), replacement.begin(), replacement.end());
  if (carried != nullptr) *carried = inserted;
  return frames;
}

std::vector<TagLib::ByteVector> renderedFieldFrames(TagField field, unsigned version,
                                                    const std::vector<std::string>& values) {
  std::vector<TagLib::ByteVector> out;
  for (const auto& frame : detail::makeId3v2FieldFrames(field, static_cast<int>(version), values)) {
    out.push_back(detail::renderFrame(*frame, version));
  }
  return out;
}

// TagLib 1.x's Tag::properties() is not virtual: it must be called on the tag's own type.
template <typename T>
TagLib::PropertyMap propertiesOf(T* tag) {
  return tag != nullptr ? tag->properties() : TagLib::PropertyMap();
}

// The legacy tags of an MP3 in priority order (APEv2, then ID3v1), as properties.
std::vector<TagLib::PropertyMap> mpegLegacy(TagLib::MPEG::File& mpeg) {
  return {propertiesOf(mpeg.hasAPETag() ? mpeg.APETag() : nullptr),
          propertiesOf(mpeg.hasID3v1Tag() ? mpeg.ID3v1Tag() : nullptr)};
}

std::vector<TagLib::PropertyMap> flacLegacy(TagLib::FLAC::File& flac) {
  return {propertiesOf(flac.hasID3v2Tag() ? flac.ID3v2Tag() : nullptr),
          propertiesOf(flac.hasID3v1Tag() ? flac.ID3v1Tag() : nullptr)};
}

// ---- the stored form of a field (journaled for undo) ----

constexpr const char* kStoredMagic = "songspace-stored-field 1";

std::string toHex(const char* data, std::size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    const auto byte = static_cast<unsigned char>(data[i]);
    out += digits[byte >> 4];
    out += digits[byte & 15];
  }
  return out;
}
std::string toHex(const std::string& s) {
  return toHex(s.data(), s.size());
}
std::string toHex(const TagLib::ByteVector& v) {
  return toHex(v.data(), v.size());
}

bool fromHex(const std::string& hex, std::string& out) {
  out.clear();
  if (hex.size() % 2 != 0) return false;
  const auto nibble = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

TagLib::ByteVector toBytes(const std::string& s) {
  return {s.data(), static_cast<unsigned>(s.size())};
}

// What a field looked like in every tag of a file, and what a write carried over for it.
struct StoredField {
  std::vector<TagLib::ByteVector> id3v2Frames;  // the field's frames, as stored
  bool id3v2Present = false;
  std::vector<TagLib::ByteVector> apeItems;               // rendered APEv2 items of the field
  std::string id3v1;                                      // the whole 128-byte ID3v1 tag, or empty
  std::vector<std::pair<std::string, std::string>> xiph;  // Vorbis comment fields, in order
  struct Mp4Item {
    std::string key;
    int type = 0;        // MP4::AtomDataType
    bool bytes = false;  // values are binary, not text
    std::vector<std::string> values;
  };
  std::vector<Mp4Item> mp4;
  std::vector<std::string> carried;  // property keys a write copies into the primary tag
  bool carriedPictures = false;      // a write copies the ID3v2 pictures into FLAC blocks

  std::string toText() const {
    std::string out = std::string(kStoredMagic) + "\nid3v2 " + (id3v2Present ? "1" : "0") + "\n";
    for (const auto& f : id3v2Frames) out += "frame " + toHex(f) + "\n";
    for (const auto& item : apeItems) out += "ape " + toHex(item) + "\n";
    if (!id3v1.empty()) out += "id3v1 " + toHex(id3v1) + "\n";
    for (const auto& [key, value] : xiph) out += "xiph " + toHex(key) + " " + toHex(value) + "\n";
    for (const auto& item : mp4) {
      out += "mp4 " + toHex(item.key) + " " + std::to_string(item.type) + " " +
             (item.bytes ? "b" : "s");
      for (const auto& v : item.values) out += " " + toHex(v);
      out += "\n";
    }
    for (const auto& key : carried) out += "carried " + toHex(key) + "\n";
    if (carriedPictures) out += "pictures carried\n";
    return out;
  }

  bool fromText(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    if (!std::getline(in, line) || line != kStoredMagic) return false;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string kind, a, b, c;
      words >> kind >> a;
      if (kind == "id3v2") {
        id3v2Present = a == "1";
      } else if (kind == "frame" && fromHex(a, b)) {
        id3v2Frames.push_back(toBytes(b));
      } else if (kind == "ape" && fromHex(a, b)) {
        apeItems.push_back(toBytes(b));
      } else if (kind == "id3v1" && fromHex(a, b)) {
        id3v1 = b;
      } else if (kind == "xiph" && words >> b && fromHex(a, c)) {
        std::string value;
        if (!fromHex(b, value)) return false;
        xiph.emplace_back(c, value);
      } else if (kind == "mp4" && fromHex(a, c)) {
        Mp4Item item;
        item.key = c;
        std::string kindWord;
        if (!(words >> item.type >> kindWord)) return false;
        item.bytes = kindWord == "b";
        while (words >> b) {
          std::string value;
          if (!fromHex(b, value)) return false;
          item.values.push_back(value);
        }
        mp4.push_back(item);
      } else if (kind == "carried" && fromHex(a, b)) {
        carried.push_back(b);
      } else if (kind == "pictures" && a == "carried") {
        carriedPictures = true;
      } else {
        return false;
      }
    }
    return true;
  }
};

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

base::Status saveFailed(const std::filesystem::path& file, const char* what) {
  return base::Status::failure(base::ErrorCode::Io,
                               file.string() + ": TagLib could not save the " + what);
}

// MP3: the field goes into the ID3v2 tag (a new one is v2.4), spliced frame by frame; the
// properties only APEv2 or ID3v1 hold are carried into it, so that every reader that prefers
// ID3v2 shows them; an APEv2 or ID3v1 tag that holds the field gets the new values too.
base::Status writeMpeg(const std::filesystem::path& file, TagField field,
                       const std::vector<std::string>& values) {
  detail::RawId3v2Tag raw;
  if (base::Status status = detail::readRawId3v2(file, raw); !status.ok()) return status;
  const unsigned version = raw.present ? raw.version : 4;
  std::vector<TagLib::ByteVector> frames =
      replaceFieldFrames(raw, field, renderedFieldFrames(field, version, values));
  bool apeCarries = false;
  bool id3v1Carries = false;
  {
    std::unique_ptr<TagLib::FileRef> ref;
    if (base::Status status = detail::openWithTagLib(file, true, ref); !status.ok()) return status;
    auto& mpeg = dynamic_cast<TagLib::MPEG::File&>(*ref->file());
    const TagLib::PropertyMap own = propertiesOf(mpeg.hasID3v2Tag() ? mpeg.ID3v2Tag() : nullptr);
    for (const auto& [key, list] : detail::missingProperties(own, mpegLegacy(mpeg), field)) {
      for (auto& bytes : detail::carriedId3v2Frames(key, list, version)) frames.push_back(bytes);
    }
    id3v1Carries = mpeg.hasID3v1Tag() && !detail::readId3v1Field(*mpeg.ID3v1Tag(), field).empty();
    apeCarries = mpeg.hasAPETag() && !detail::readApeField(*mpeg.APETag(), field).empty();
    if (apeCarries) {
      detail::writeApeField(*mpeg.APETag(), field, values);
      if (!mpeg.save(TagLib::MPEG::File::APE, TagLib::File::StripNone, TagLib::ID3v2::v4,
                     TagLib::File::DoNotDuplicate)) {
        return saveFailed(file, "APEv2 tag");
      }
    }
  }
  if (base::Status status = detail::writeRawId3v2(file, raw, frames); !status.ok()) return status;
  return id3v1Carries ? detail::patchId3v1Field(file, field, values) : base::Status::success();
}

// Puts the stored frames of the tag in front of a FLAC stream back over the one TagLib rendered
// while saving (as v2.4), with the field's frames replaced by `replacement` if it had any.
base::Status restoreFlacId3v2(const std::filesystem::path& file, const detail::RawId3v2Tag& before,
                              TagField field, const std::vector<TagLib::ByteVector>& replacement,
                              bool replaceAlways) {
  if (!before.present && !replaceAlways) return base::Status::success();
  detail::RawId3v2Tag now;
  if (base::Status status = detail::readRawId3v2(file, now); !status.ok()) return status;
  bool carried = false;
  std::vector<TagLib::ByteVector> frames = replaceFieldFrames(before, field, {}, &carried);
  if (carried || replaceAlways) frames = replaceFieldFrames(before, field, replacement);
  detail::RawId3v2Tag target = now;
  target.version = before.present ? before.version : 4;
  return detail::writeRawId3v2(file, target, frames);
}

// The ID3v2 pictures of a FLAC file as FLAC picture blocks.
std::vector<std::unique_ptr<TagLib::FLAC::Picture>> carriedPictures(TagLib::FLAC::File& flac) {
  std::vector<std::unique_ptr<TagLib::FLAC::Picture>> out;
  if (!flac.hasID3v2Tag()) return out;
  for (auto* frame : flac.ID3v2Tag()->frameList("APIC")) {
    const auto* apic = dynamic_cast<const TagLib::ID3v2::AttachedPictureFrame*>(frame);
    if (apic == nullptr) continue;
    auto picture = std::make_unique<TagLib::FLAC::Picture>();
    picture->setType(static_cast<TagLib::FLAC::Picture::Type>(apic->type()));
    picture->setMimeType(apic->mimeType());
    picture->setDescription(apic->description());
    picture->setData(apic->picture());
    out.push_back(std::move(picture));
  }
  return out;
}

// FLAC: the field goes into the Xiph comment; the properties only an ID3v2 tag in front of the
// stream (or an ID3v1 tag after it) hold are carried into the comment, which is what FLAC
// readers show; those tags stay as they were stored, with the field synced where they hold it.
base::Status writeFlac(const std::filesystem::path& file, TagField field,
                       const std::vector<std::string>& values) {
  detail::RawId3v2Tag raw;
  if (base::Status status = detail::readRawId3v2(file, raw); !status.ok()) return status;
  unsigned version = raw.present ? raw.version : 4;
  bool id3v1Carries = false;
  {
    std::unique_ptr<TagLib::FileRef> ref;
    if (base::Status status = detail::openWithTagLib(file, true, ref); !status.ok()) return status;
    auto& flac = dynamic_cast<TagLib::FLAC::File&>(*ref->file());
    // FLAC readers show the ID3 tags only while the Xiph comment is empty: what they show then
    // is carried into the comment (pictures into picture blocks) before it gets the field.
    TagLib::Ogg::XiphComment* xiph = flac.xiphComment(true);
    if (xiph->isEmpty()) {
      for (const auto& [key, list] :
           detail::missingProperties(xiph->properties(), flacLegacy(flac), field)) {
        for (const auto& value : list) xiph->addField(key, value, false);
      }
      if (flac.pictureList().isEmpty()) {
        for (auto& picture : carriedPictures(flac)) flac.addPicture(picture.release());
      }
    }
    writeXiph(*xiph, field, values);
    // TagLib fills an absent comment from the other tags while saving: they must not hold the
    // old value then (their stored form is put back below).
    if (flac.hasID3v2Tag()) {
      std::vector<TagLib::ID3v2::Frame*> fieldFrames;
      for (auto* frame : flac.ID3v2Tag()->frameList()) {
        if (detail::isId3v2FieldFrame(*frame, field)) fieldFrames.push_back(frame);
      }
      for (auto* frame : fieldFrames) flac.ID3v2Tag()->removeFrame(frame);
    }
    id3v1Carries = flac.hasID3v1Tag() && !detail::readId3v1Field(*flac.ID3v1Tag(), field).empty();
    if (!flac.save()) return saveFailed(file, std::string(tagFieldName(field)).c_str());
  }
  if (base::Status status =
          restoreFlacId3v2(file, raw, field, renderedFieldFrames(field, version, values), false);
      !status.ok()) {
    return status;
  }
  return id3v1Carries ? detail::patchId3v1Field(file, field, values) : base::Status::success();
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
  // Every tag the file carries, in the order players prefer them: the first that holds the
  // field gives its values.
  const auto fromId3v2 = [&](TagLib::ID3v2::Tag* tag) {
    if (values.empty() && tag != nullptr) {
      values = detail::readId3v2Field(*tag, field, static_cast<int>(tag->header()->majorVersion()));
    }
  };
  const auto fromId3v1 = [&](TagLib::ID3v1::Tag* tag) {
    if (values.empty() && tag != nullptr) values = detail::readId3v1Field(*tag, field);
  };
  if (auto* mpeg = dynamic_cast<TagLib::MPEG::File*>(tagFile)) {
    fromId3v2(mpeg->hasID3v2Tag() ? mpeg->ID3v2Tag() : nullptr);
    if (values.empty() && mpeg->hasAPETag()) values = detail::readApeField(*mpeg->APETag(), field);
    fromId3v1(mpeg->hasID3v1Tag() ? mpeg->ID3v1Tag() : nullptr);
    return base::Status::success();
  }
  if (auto* mp4 = dynamic_cast<TagLib::MP4::File*>(tagFile)) {
    if (mp4->tag() != nullptr) values = readMp4(*mp4->tag(), field);
    return base::Status::success();
  }
  if (auto* flac = dynamic_cast<TagLib::FLAC::File*>(tagFile)) {
    // FLAC readers show the ID3 tags around the stream only when the Xiph comment is empty.
    if (flac->hasXiphComment() && !flac->xiphComment()->isEmpty()) {
      values = readXiph(*flac->xiphComment(), field);
      return base::Status::success();
    }
    fromId3v2(flac->hasID3v2Tag() ? flac->ID3v2Tag() : nullptr);
    fromId3v1(flac->hasID3v1Tag() ? flac->ID3v1Tag() : nullptr);
    return base::Status::success();
  }
  if (auto* xiph = xiphOf(tagFile, false)) {
    values = readXiph(*xiph, field);
    return base::Status::success();
  }
  return unsupported(file);
}

namespace {

std::vector<std::string> cleaned(const std::vector<std::string>& values) {
  std::vector<std::string> clean;
  for (const auto& value : values) {
    std::string text = detail::trimmed(value);
    if (!text.empty()) clean.push_back(std::move(text));
  }
  return clean;
}

// Opens `file` for writing a supported format; `ref` holds it on success.
base::Status openWritable(const std::filesystem::path& file,
                          std::unique_ptr<TagLib::FileRef>& ref) {
  if (base::Status status = detail::openWithTagLib(file, true, ref); !status.ok()) return status;
  if (!isSupported(ref->file())) return unsupported(file);
  if (ref->file()->readOnly()) {
    return base::Status::failure(base::ErrorCode::PermissionDenied,
                                 file.string() + ": TagLib opened the file read-only");
  }
  return base::Status::success();
}

}  // namespace

base::Status writeTagField(const std::filesystem::path& file, TagField field,
                           const std::vector<std::string>& values) {
  const std::vector<std::string> clean = cleaned(values);
  std::unique_ptr<TagLib::FileRef> ref;
  if (base::Status status = openWritable(file, ref); !status.ok()) return status;
  TagLib::File* tagFile = ref->file();
  if (dynamic_cast<TagLib::MPEG::File*>(tagFile) != nullptr) {
    ref.reset();  // the writers below open the file themselves
    return writeMpeg(file, field, clean);
  }
  if (dynamic_cast<TagLib::FLAC::File*>(tagFile) != nullptr) {
    ref.reset();
    return writeFlac(file, field, clean);
  }
  bool saved = false;
  if (auto* mp4 = dynamic_cast<TagLib::MP4::File*>(tagFile)) {
    writeMp4(*mp4->tag(), field, clean);
    saved = mp4->save();
  } else {
    writeXiph(*xiphOf(tagFile, true), field, clean);
    saved = tagFile->save();
  }
  if (!saved) return saveFailed(file, (std::string(tagFieldName(field)) + " field").c_str());
  return base::Status::success();
}

base::Status captureTagField(const std::filesystem::path& file, TagField field,
                             std::string& stored) {
  stored.clear();
  std::unique_ptr<TagLib::FileRef> ref;
  if (base::Status status = detail::openWithTagLib(file, false, ref); !status.ok()) return status;
  TagLib::File* tagFile = ref->file();
  if (!isSupported(tagFile)) return unsupported(file);
  StoredField form;
  const auto captureId3v2 = [&]() {
    detail::RawId3v2Tag raw;
    base::Status status = detail::readRawId3v2(file, raw);
    form.id3v2Present = raw.present;
    for (const auto& bytes : raw.frames) {
      const auto frame = detail::parseRawFrame(bytes, raw.version);
      if (frame != nullptr && detail::isId3v2FieldFrame(*frame, field)) {
        form.id3v2Frames.push_back(bytes);
      }
    }
    form.id3v1 = detail::readId3v1Bytes(file);
    return status;
  };
  const auto captureXiph = [&](TagLib::Ogg::XiphComment* xiph) {
    if (xiph == nullptr) return;
    for (const char* key : plainFieldKeys(field)) {
      const auto it = xiph->fieldListMap().find(key);
      if (it == xiph->fieldListMap().end()) continue;
      for (const auto& value : it->second) form.xiph.emplace_back(key, detail::toUtf8(value));
    }
  };
  const auto carried = [&](const TagLib::PropertyMap& own,
                           const std::vector<TagLib::PropertyMap>& others) {
    for (const auto& [key, list] : detail::missingProperties(own, others, field)) {
      form.carried.push_back(detail::toUtf8(key));
    }
  };
  if (auto* mpeg = dynamic_cast<TagLib::MPEG::File*>(tagFile)) {
    if (base::Status status = captureId3v2(); !status.ok()) return status;
    if (mpeg->hasAPETag()) {
      for (const auto& [key, item] : mpeg->APETag()->itemListMap()) {
        if (item.type() == TagLib::APE::Item::Text &&
            !detail::readApeField(*mpeg->APETag(), field).empty()) {
          for (const char* name : plainFieldKeys(field)) {
            if (detail::equalsIgnoreCase(item.key(), name)) form.apeItems.push_back(item.render());
          }
        }
      }
    }
    carried(propertiesOf(mpeg->hasID3v2Tag() ? mpeg->ID3v2Tag() : nullptr), mpegLegacy(*mpeg));
  } else if (auto* flac = dynamic_cast<TagLib::FLAC::File*>(tagFile)) {
    if (base::Status status = captureId3v2(); !status.ok()) return status;
    captureXiph(flac->hasXiphComment() ? flac->xiphComment() : nullptr);
    const bool xiphEmpty = !flac->hasXiphComment() || flac->xiphComment()->isEmpty();
    if (xiphEmpty) carried({}, flacLegacy(*flac));
    form.carriedPictures = xiphEmpty && flac->pictureList().isEmpty() && flac->hasID3v2Tag() &&
                           !flac->ID3v2Tag()->frameList("APIC").isEmpty();
  } else if (auto* mp4 = dynamic_cast<TagLib::MP4::File*>(tagFile)) {
    if (mp4->tag() != nullptr) {
      for (const auto& key : mp4Keys(*mp4->tag(), field)) {
        const auto it = mp4->tag()->itemMap().find(key);
        if (it == mp4->tag()->itemMap().end()) continue;
        StoredField::Mp4Item item;
        item.key = detail::toUtf8(key);
        item.type = static_cast<int>(it->second.atomDataType());
        item.bytes = it->second.toStringList().isEmpty();
        if (item.bytes) {
          for (const auto& v : it->second.toByteVectorList())
            item.values.emplace_back(v.data(), v.size());
        } else {
          for (const auto& v : it->second.toStringList()) item.values.push_back(detail::toUtf8(v));
        }
        form.mp4.push_back(item);
      }
    }
  } else {
    captureXiph(xiphOf(tagFile, false));
  }
  stored = form.toText();
  return base::Status::success();
}

namespace {

// Frames a write carried into the ID3v2 tag that still say exactly what the legacy tags say.
bool isCarriedCopy(const detail::RawId3v2Tag& raw, const TagLib::ByteVector& bytes,
                   const StoredField& form, const TagLib::PropertyMap& legacy) {
  const TagLib::PropertyMap props = detail::rawFrameProperties(bytes, raw.version);
  if (props.isEmpty()) return false;
  for (const auto& [key, list] : props) {
    const std::string name = detail::toUtf8(key);
    const bool wasCarried =
        std::find(form.carried.begin(), form.carried.end(), name) != form.carried.end();
    if (!wasCarried || !legacy.contains(key) || legacy[key] != list) return false;
  }
  return true;
}

TagLib::PropertyMap mergedLegacy(const std::vector<TagLib::PropertyMap>& maps) {
  TagLib::PropertyMap merged;
  for (const auto& map : maps) {
    for (const auto& [key, list] : map) {
      if (!merged.contains(key)) merged.insert(key, list);
    }
  }
  return merged;
}

base::Status restoreMpeg(const std::filesystem::path& file, TagField field,
                         const StoredField& form) {
  detail::RawId3v2Tag raw;
  if (base::Status status = detail::readRawId3v2(file, raw); !status.ok()) return status;
  std::vector<TagLib::ByteVector> frames;
  {
    std::unique_ptr<TagLib::FileRef> ref;
    if (base::Status status = openWritable(file, ref); !status.ok()) return status;
    auto& mpeg = dynamic_cast<TagLib::MPEG::File&>(*ref->file());
    const TagLib::PropertyMap legacy = mergedLegacy(mpegLegacy(mpeg));
    detail::RawId3v2Tag kept = raw;
    kept.frames.clear();
    for (const auto& bytes : raw.frames) {
      if (!isCarriedCopy(raw, bytes, form, legacy)) kept.frames.push_back(bytes);
    }
    frames = replaceFieldFrames(kept, field, form.id3v2Frames);
    if (mpeg.hasAPETag()) {
      detail::writeApeField(*mpeg.APETag(), field, {});
      for (const auto& bytes : form.apeItems) {
        TagLib::APE::Item item;
        item.parse(bytes);
        mpeg.APETag()->setItem(item.key(), item);
      }
      if (!mpeg.save(TagLib::MPEG::File::APE, TagLib::File::StripNone, TagLib::ID3v2::v4,
                     TagLib::File::DoNotDuplicate)) {
        return saveFailed(file, "APEv2 tag");
      }
    }
  }
  if (base::Status status = detail::writeRawId3v2(file, raw, frames); !status.ok()) return status;
  return detail::restoreId3v1Field(file, field, form.id3v1);
}

void restoreXiph(TagLib::Ogg::XiphComment& xiph, TagField field, const StoredField& form) {
  for (const char* key : plainFieldKeys(field)) xiph.removeFields(key);
  for (const auto& [key, value] : form.xiph) {
    xiph.addField(detail::fromUtf8(key), detail::fromUtf8(value), false);
  }
}

base::Status restoreFlac(const std::filesystem::path& file, TagField field,
                         const StoredField& form) {
  detail::RawId3v2Tag raw;
  if (base::Status status = detail::readRawId3v2(file, raw); !status.ok()) return status;
  {
    std::unique_ptr<TagLib::FileRef> ref;
    if (base::Status status = openWritable(file, ref); !status.ok()) return status;
    auto& flac = dynamic_cast<TagLib::FLAC::File&>(*ref->file());
    TagLib::Ogg::XiphComment* xiph = flac.xiphComment(true);
    restoreXiph(*xiph, field, form);
    const TagLib::PropertyMap legacy = mergedLegacy(flacLegacy(flac));
    for (const auto& name : form.carried) {
      const TagLib::String key = detail::fromUtf8(name);
      const auto it = xiph->fieldListMap().find(key);
      if (it != xiph->fieldListMap().end() && legacy.contains(key) && legacy[key] == it->second) {
        xiph->removeFields(key);
      }
    }
    if (form.carriedPictures) {
      // The blocks the write added, as long as they still copy the ID3v2 pictures.
      std::vector<TagLib::ByteVector> copies;
      for (const auto& picture : carriedPictures(flac)) copies.push_back(picture->data());
      std::vector<TagLib::FLAC::Picture*> added;
      for (auto* picture : flac.pictureList()) {
        if (std::find(copies.begin(), copies.end(), picture->data()) != copies.end()) {
          added.push_back(picture);
        }
      }
      for (auto* picture : added) flac.removePicture(picture, true);
    }
    if (!flac.save()) return saveFailed(file, "Xiph comment");
  }
  if (base::Status status = restoreFlacId3v2(file, raw, field, form.id3v2Frames, form.id3v2Present);
      !status.ok()) {
    return status;
  }
  return detail::restoreId3v1Field(file, field, form.id3v1);
}

}  // namespace

base::Status restoreTagField(const std::filesystem::path& file, TagField field,
                             const std::string& stored) {
  StoredField form;
  if (!form.fromText(stored)) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 file.string() + ": the journaled form of its " +
                                     tagFieldName(field) + " field cannot be read");
  }
  std::unique_ptr<TagLib::FileRef> ref;
  if (base::Status status = openWritable(file, ref); !status.ok()) return status;
  TagLib::File* tagFile = ref->file();
  if (dynamic_cast<TagLib::MPEG::File*>(tagFile) != nullptr) {
    ref.reset();
    return restoreMpeg(file, field, form);
  }
  if (dynamic_cast<TagLib::FLAC::File*>(tagFile) != nullptr) {
    ref.reset();
    return restoreFlac(file, field, form);
  }
  bool saved = false;
  if (auto* mp4 = dynamic_cast<TagLib::MP4::File*>(tagFile)) {
    TagLib::MP4::Tag& tag = *mp4->tag();
    for (const auto& key : mp4Keys(tag, field)) tag.removeItem(key);
    for (const auto& atom : form.mp4) {
      TagLib::MP4::Item item;
      if (atom.bytes) {
        TagLib::ByteVectorList list;
        for (const auto& v : atom.values) list.append(toBytes(v));
        item = TagLib::MP4::Item(list);
      } else {
        TagLib::StringList list;
        for (const auto& v : atom.values) list.append(detail::fromUtf8(v));
        item = TagLib::MP4::Item(list);
      }
      item.setAtomDataType(static_cast<TagLib::MP4::AtomDataType>(atom.type));
      tag.setItem(detail::fromUtf8(atom.key), item);
    }
    saved = mp4->save();
  } else {
    restoreXiph(*xiphOf(tagFile, true), field, form);
    saved = tagFile->save();
  }
  if (!saved) return saveFailed(file, (std::string(tagFieldName(field)) + " field").c_str());
  return base::Status::success();
}

base::Status checkTagWritable(const std::filesystem::path& file) {
  std::unique_ptr<TagLib::FileRef> ref;
  base::Status status = openWritable(file, ref);
  if (status.ok() && (dynamic_cast<TagLib::MPEG::File*>(ref->file()) != nullptr ||
                      dynamic_cast<TagLib::FLAC::File*>(ref->file()) != nullptr)) {
    // An ID3v2 tag Songspace cannot splice (v2.2, damaged) is refused before any write.
    detail::RawId3v2Tag raw;
    status = detail::readRawId3v2(file, raw);
  }
  return status;
}

}  // namespace songspace::audio
