#include "audio/tagview.h"

#include <taglib/apetag.h>
#include <taglib/attachedpictureframe.h>
#include <taglib/flacfile.h>
#include <taglib/id3v1tag.h>
#include <taglib/id3v2tag.h>
#include <taglib/mp4file.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/tpropertymap.h>
#include <taglib/vorbisfile.h>
#include <taglib/xiphcomment.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "audio/id3v2raw.h"
#include "audio/taglibsupport.h"
#include "core/base/fnv1a.h"

namespace songspace::audio {

namespace {

std::string fingerprint(const TagLib::ByteVector& bytes) {
  // The same bytes give the same text: pictures compare across containers (ID3v2 APIC, FLAC).
  base::Fnv1a64 hash;
  hash.add(bytes.data(), bytes.size());
  char text[40];
  std::snprintf(text, sizeof text, "%u bytes %016llx", bytes.size(),
                static_cast<unsigned long long>(hash.value()));
  return text;
}

std::vector<std::string> toStrings(const TagLib::StringList& list) {
  std::vector<std::string> out;
  for (const auto& s : list) out.push_back(detail::toUtf8(s));
  return out;
}

// Adds the keys of `map` that the view lacks (the tags are merged in priority order).
void mergeProperties(TagView& view, const TagLib::PropertyMap& map) {
  for (const auto& [key, values] : map) view.emplace(detail::toUtf8(key), toStrings(values));
}

void addEntry(TagView& view, const std::string& key, const std::string& value) {
  view[key].push_back(value);
}

std::string pictureEntry(int type, const TagLib::String& mime, const TagLib::ByteVector& data) {
  return std::to_string(type) + " " + detail::toUtf8(mime) + " " + fingerprint(data);
}

// The ID3v2 tag at the file's start, frame by frame: frames with a property reading are in the
// PropertyMap (unless `properties` is false: a FLAC file's Xiph comment hides them); pictures are
// "#picture" entries unless the file has pictures of its own (FLAC); the other frames (private
// data, ...) enter by fingerprint.
base::Status addId3v2(TagView& view, const std::filesystem::path& file, TagLib::ID3v2::Tag* tag,
                      bool properties = true) {
  if (tag == nullptr) return base::Status::success();
  if (properties) mergeProperties(view, tag->properties());
  detail::RawId3v2Tag raw;
  if (base::Status status = detail::readRawId3v2(file, raw); !status.ok()) {
    // ID3v2.2 is read through TagLib only; the safe write refuses to write such a file.
    if (status.error == base::ErrorCode::Unsupported) return base::Status::success();
    return status;
  }
  const bool hasPictures = view.count("#picture") != 0;
  for (const auto& bytes : raw.frames) {
    const std::string id(bytes.mid(0, 4).data(), 4);
    if (id == "APIC") {
      const auto frame = detail::parseRawFrame(bytes, raw.version);
      const auto* picture = dynamic_cast<const TagLib::ID3v2::AttachedPictureFrame*>(frame.get());
      if (picture != nullptr && !hasPictures) {
        addEntry(view, "#picture",
                 pictureEntry(picture->type(), picture->mimeType(), picture->picture()));
      }
      if (picture != nullptr) continue;
    }
    if (detail::rawFrameProperties(bytes, raw.version).isEmpty()) {
      addEntry(view, "#id3v2 " + id, fingerprint(bytes));
    }
  }
  return base::Status::success();
}

void addApe(TagView& view, TagLib::APE::Tag* tag) {
  if (tag == nullptr) return;
  mergeProperties(view, tag->properties());
  for (const auto& [key, item] : tag->itemListMap()) {
    if (item.type() != TagLib::APE::Item::Text) {
      addEntry(view, "#ape " + detail::toUtf8(key), fingerprint(item.render()));
    }
  }
}

void addPictures(TagView& view, const TagLib::List<TagLib::FLAC::Picture*>& pictures) {
  for (const auto* picture : pictures) {
    addEntry(view, "#picture", pictureEntry(picture->type(), picture->mimeType(), picture->data()));
  }
}

void addMp4(TagView& view, TagLib::MP4::File& file) {
  TagLib::MP4::Tag* tag = file.tag();
  if (tag == nullptr) return;
  const TagLib::PropertyMap map = tag->properties();
  mergeProperties(view, map);
  for (const auto& name : map.unsupportedData()) {
    const auto it = tag->itemMap().find(name);
    if (it == tag->itemMap().end()) continue;
    const TagLib::MP4::Item& item = it->second;
    const std::string key = "#mp4 " + detail::toUtf8(name);
    if (name == "covr") {
      for (const auto& cover : item.toCoverArtList()) {
        addEntry(view, key, std::to_string(cover.format()) + " " + fingerprint(cover.data()));
      }
    } else if (!item.toStringList().isEmpty()) {
      for (const auto& value : item.toStringList()) addEntry(view, key, detail::toUtf8(value));
    } else if (!item.toByteVectorList().isEmpty()) {
      for (const auto& value : item.toByteVectorList()) addEntry(view, key, fingerprint(value));
    } else {
      const auto pair = item.toIntPair();
      addEntry(view, key,
               std::to_string(item.atomDataType()) + " " + std::to_string(pair.first) + "/" +
                   std::to_string(pair.second) + " " + std::to_string(item.toLongLong()));
    }
  }
}

}  // namespace

base::Status readTagView(const std::filesystem::path& file, TagView& view) {
  view.clear();
  std::unique_ptr<TagLib::FileRef> ref;
  if (base::Status status = detail::openWithTagLib(file, false, ref); !status.ok()) return status;
  TagLib::File* tagFile = ref->file();
  if (auto* mpeg = dynamic_cast<TagLib::MPEG::File*>(tagFile)) {
    base::Status status = addId3v2(view, file, mpeg->hasID3v2Tag() ? mpeg->ID3v2Tag() : nullptr);
    if (!status.ok()) return status;
    addApe(view, mpeg->hasAPETag() ? mpeg->APETag() : nullptr);
    if (mpeg->hasID3v1Tag()) mergeProperties(view, mpeg->ID3v1Tag()->properties());
    return base::Status::success();
  }
  if (auto* flac = dynamic_cast<TagLib::FLAC::File*>(tagFile)) {
    // FLAC readers show the Xiph comment; the ID3 tags around the stream only without one.
    const bool xiph = flac->hasXiphComment() && !flac->xiphComment()->isEmpty();
    if (xiph) mergeProperties(view, flac->xiphComment()->properties());
    addPictures(view, flac->pictureList());
    TagLib::ID3v2::Tag* id3v2 = flac->hasID3v2Tag() ? flac->ID3v2Tag() : nullptr;
    base::Status status = addId3v2(view, file, id3v2, !xiph);
    if (!status.ok()) return status;
    if (!xiph && flac->hasID3v1Tag()) mergeProperties(view, flac->ID3v1Tag()->properties());
    return base::Status::success();
  }
  if (auto* mp4 = dynamic_cast<TagLib::MP4::File*>(tagFile)) {
    addMp4(view, *mp4);
    return base::Status::success();
  }
  TagLib::Ogg::XiphComment* xiph = nullptr;
  if (auto* vorbis = dynamic_cast<TagLib::Ogg::Vorbis::File*>(tagFile)) xiph = vorbis->tag();
  if (auto* opus = dynamic_cast<TagLib::Ogg::Opus::File*>(tagFile)) xiph = opus->tag();
  if (xiph != nullptr) {
    mergeProperties(view, xiph->properties());
    addPictures(view, xiph->pictureList());
    return base::Status::success();
  }
  mergeProperties(view, tagFile->properties());
  return base::Status::success();
}

bool isTagViewKeyOf(const std::string& key, TagField field) {
  // Freeform MP4 atoms ("#mp4 ----:com.apple.iTunes:MOOD") are matched by their name.
  std::string name = key;
  if (name.rfind("#mp4 ----:", 0) == 0) name = name.substr(name.rfind(':') + 1);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  switch (field) {
    case TagField::Genre:
      return name == "GENRE";
    case TagField::Mood:
      return name == "MOOD";
    case TagField::Grouping:
      // TagLib 1.13 names ID3v2 TIT1 (written for grouping) "WORK".
      return name == "GROUPING" || name == "WORK";
    case TagField::Tags:
      return name == "TAGS";
    case TagField::Comment:
      return name == "COMMENT" || name == "DESCRIPTION";
  }
  return false;
}

}  // namespace songspace::audio
