#include <string>
#include <string_view>
#include <vector>

#include "audio/metadata.h"
#include "tests/fuzz/fuzzinputs.h"

namespace songspace::fuzz {

namespace {

// Well-formed UTF-8 (RFC 3629): shortest forms only, no surrogates, nothing above U+10FFFF.
bool validUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    int extra = 0;
    char32_t code = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
      extra = 1;
      code = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      extra = 2;
      code = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      extra = 3;
      code = lead & 0x07u;
    } else {
      return false;
    }
    if (text.size() - i <= static_cast<std::size_t>(extra)) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((next & 0xC0u) != 0x80u) return false;
      code = (code << 6) | (next & 0x3Fu);
    }
    if ((extra == 2 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) ||
        (extra == 3 && (code < 0x10000 || code > 0x10FFFF))) {
      return false;
    }
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

void checkText(std::string_view field, const std::string& value) {
  if (!validUtf8(value)) detail::contractBroken(std::string(field) + " is not valid UTF-8");
}

void checkValues(std::string_view field, const std::vector<std::string>& values) {
  for (const std::string& value : values) {
    if (value.empty()) detail::contractBroken(std::string(field) + " holds an empty value");
    checkText(field, value);
  }
}

}  // namespace

base::Status metadataInput(Input bytes) {
  const std::string file = detail::writeInputFile(
      "input" + std::string(detail::extensionFor(bytes)), detail::afterSelector(bytes));
  audio::TrackMetadata tags;
  base::Status status = audio::readMetadata(file, tags);
  checkText("title", tags.title);
  checkText("artist", tags.artist);
  checkText("albumArtist", tags.albumArtist);
  checkText("album", tags.album);
  checkValues("genres", tags.genres);
  checkValues("moods", tags.moods);
  checkValues("groupings", tags.groupings);
  checkValues("comments", tags.comments);
  checkValues("freeTags", tags.freeTags);
  return status;
}

}  // namespace songspace::fuzz
