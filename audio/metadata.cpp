#include "audio/metadata.h"

#include <taglib/apetag.h>
#include <taglib/flacfile.h>
#include <taglib/id3v2tag.h>
#include <taglib/mp4file.h>
#include <taglib/mpegfile.h>
#include <taglib/textidentificationframe.h>
#include <taglib/tpropertymap.h>
#include <taglib/wavfile.h>
#include <taglib/xiphcomment.h>
#include <algorithm>

#include <cctype>
#include <cmath>

#include "audio/taglibsupport.h"

namespace songspace::audio {

namespace {

using detail::appendValues;

// PropertyMap keys (TagLib's unified names) whose values are free-form tags in real collections.
// "LABEL" is deliberately absent: TagLib maps the record label (TPUB, ----:LABEL) to it.
constexpr const char* kFreeTagKeys[] = {"TAGS", "TAG", "LABELS", "STYLE"};

std::string firstValue(const TagLib::PropertyMap& map, const char* key) {
  std::vector<std::string> values;
  const auto it = map.find(key);
  if (it != map.end()) appendValues(values, it->second);
  return values.empty() ? std::string() : values.front();
}

// Every value of `key` joined by "; " (repeats once): a field shown as one text shows all it holds.
std::string joinedValues(const TagLib::PropertyMap& map, const char* key) {
  std::vector<std::string> values;
  const auto it = map.find(key);
  if (it != map.end()) appendValues(values, it->second);
  std::string joined;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::find(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(i), values[i]) !=
        values.begin() + static_cast<std::ptrdiff_t>(i))
      continue;
    if (!joined.empty()) joined += "; ";
    joined += values[i];
  }
  return joined;
}

void appendKey(std::vector<std::string>& out, const TagLib::PropertyMap& map, const char* key) {
  const auto it = map.find(key);
  if (it != map.end()) appendValues(out, it->second);
}

// The leading integer of "2021-05-03", "7/12", " 07"; 0 when there is none.
int leadingInt(const std::string& text) {
  int value = 0;
  bool any = false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      if (any) break;
      if (c == ' ') continue;
      return 0;
    }
    any = true;
    if (value > 100000) break;
    value = value * 10 + (c - '0');
  }
  return value;
}

// The ID3v2 tag whose frames TagLib's PropertyMap describes for this file, if any.
TagLib::ID3v2::Tag* id3v2TagOf(TagLib::File* file) {
  if (auto* mpeg = dynamic_cast<TagLib::MPEG::File*>(file)) {
    return mpeg->hasID3v2Tag() ? mpeg->ID3v2Tag() : nullptr;
  }
  if (auto* flac = dynamic_cast<TagLib::FLAC::File*>(file)) {
    // FLAC's PropertyMap prefers the Xiph comment; the ID3v2 tag only speaks when that is empty.
    const bool xiphEmpty = !flac->hasXiphComment() || flac->xiphComment()->isEmpty();
    return xiphEmpty && flac->hasID3v2Tag() ? flac->ID3v2Tag() : nullptr;
  }
  if (auto* wav = dynamic_cast<TagLib::RIFF::WAV::File*>(file)) {
    return wav->hasID3v2Tag() ? wav->ID3v2Tag() : nullptr;
  }
  return nullptr;
}

// TagLib 1.13 reports TIT1 as "WORK" (the iTunes reading) but it is ID3's content group, the
// field most taggers call grouping; GRP1 and TXXX:GROUPING already arrive as "GROUPING".
void addId3v2Specifics(TagLib::ID3v2::Tag* tag, TrackMetadata& out) {
  for (auto* frame : tag->frameList("TIT1")) {
    if (auto* text = dynamic_cast<TagLib::ID3v2::TextIdentificationFrame*>(frame)) {
      appendValues(out.groupings, text->fieldList());
    }
  }
}

// MP4 atoms the PropertyMap of TagLib 1.13 leaves out: freeform ----:com.apple.iTunes:* tag
// fields (matched case-insensitively; writers differ). The numeric genre atom (gnre) needs no
// help: TagLib turns it into a ©gen item while parsing.
void addMp4Specifics(TagLib::MP4::File* file, TrackMetadata& out) {
  TagLib::MP4::Tag* tag = file->tag();
  if (tag == nullptr) return;
  const TagLib::MP4::ItemMap& items = tag->itemMap();
  const TagLib::String prefix = "----:com.apple.iTunes:";
  for (const auto& [key, item] : items) {
    if (!key.startsWith(prefix)) continue;
    const TagLib::String name = key.substr(prefix.size());
    for (const char* freeKey : kFreeTagKeys) {
      if (detail::equalsIgnoreCase(name, freeKey)) appendValues(out.freeTags, item.toStringList());
    }
  }
}

}  // namespace

base::Status readMetadata(const std::filesystem::path& file, TrackMetadata& out) {
  out = TrackMetadata{};
  std::unique_ptr<TagLib::FileRef> ref;
  if (base::Status status = detail::openWithTagLib(file, false, ref); !status.ok()) return status;
  TagLib::File* tagFile = ref->file();

  const auto* properties = ref->audioProperties();
  out.durationSeconds = properties->lengthInMilliseconds() / 1000.0;
  out.bitrateKbps = properties->bitrate();
  out.sampleRate = properties->sampleRate();
  out.channels = properties->channels();

  auto* mp4 = dynamic_cast<TagLib::MP4::File*>(tagFile);
  // Every tag the file carries, merged as players show them (an MP3's ID3v1 or APEv2 fields
  // count where its ID3v2 tag lacks them).
  const TagLib::PropertyMap map = detail::playerProperties(*tagFile);
  // The title is only shown and searched, so it keeps every value a file holds: HyperRogue's
  // tracks carry four TITLE comments, the first the same in each ("Living Caves; Crossroads;
  // Desert; Graveyard"), and the first alone made four files one title. Other single-valued
  // fields take the first value: with several ARTIST comments the first one is the primary
  // artist, which is what the artist model needs.
  out.title = joinedValues(map, "TITLE");
  out.artist = firstValue(map, "ARTIST");
  out.albumArtist = firstValue(map, "ALBUMARTIST");
  if (out.albumArtist.empty()) out.albumArtist = firstValue(map, "ALBUM ARTIST");
  out.album = firstValue(map, "ALBUM");
  out.year = leadingInt(firstValue(map, "DATE"));
  if (out.year == 0) out.year = leadingInt(firstValue(map, "YEAR"));
  out.trackNumber = leadingInt(firstValue(map, "TRACKNUMBER"));

  // Genres are kept as written ("Rock;Pop" stays one value); splitting and normalising them is
  // core's job, so that every format goes through the same rules.
  appendKey(out.genres, map, "GENRE");
  auto* id3v2 = id3v2TagOf(tagFile);
  // Numeric genre references are ID3 syntax; in a Vorbis comment "1984" is just a word.
  if (id3v2 != nullptr || dynamic_cast<TagLib::MPEG::File*>(tagFile) != nullptr) {
    for (auto& genre : out.genres) genre = detail::resolveId3Genre(genre);
  }
  appendKey(out.moods, map, "MOOD");
  appendKey(out.groupings, map, "GROUPING");
  appendKey(out.comments, map, "COMMENT");
  // Vorbis comments (and ffmpeg) use DESCRIPTION for the comment.
  appendKey(out.comments, map, "DESCRIPTION");
  if (mp4 == nullptr) {
    for (const char* key : kFreeTagKeys) appendKey(out.freeTags, map, key);
  }

  if (id3v2 != nullptr) addId3v2Specifics(id3v2, out);
  if (mp4 != nullptr) addMp4Specifics(mp4, out);
  return base::Status::success();
}

}  // namespace songspace::audio
