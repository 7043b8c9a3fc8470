#include "core/catalog/tagnormalize.h"

#include <algorithm>

namespace songspace::core {
namespace {

bool isSeparator(char c) {
  return c == ';' || c == '/' || c == ',' || c == '\0';
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Lowercases ASCII and the UTF-8 encodings of U+00C0..U+00DE (Latin-1 capitals, minus the
// multiplication sign U+00D7): their lowercase forms are exactly 0x20 code points higher, so
// only the continuation byte changes.
void lowercaseInPlace(std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 'A' && c <= 'Z') {
      s[i] = static_cast<char>(c + ('a' - 'A'));
    } else if (c == 0xC3 && i + 1 < s.size()) {
      const auto next = static_cast<unsigned char>(s[i + 1]);
      if (next >= 0x80 && next <= 0x9E && next != 0x97) s[i + 1] = static_cast<char>(next + 0x20);
      ++i;
    }
  }
}

}  // namespace

std::string normalizeTag(std::string_view tag) {
  std::string out;
  out.reserve(tag.size());
  bool pendingSpace = false;
  for (char c : tag) {
    if (isSpace(c)) {
      pendingSpace = !out.empty();
      continue;
    }
    if (pendingSpace) out.push_back(' ');
    pendingSpace = false;
    out.push_back(c);
  }
  lowercaseInPlace(out);
  return out;
}

std::vector<std::string> normalizeTags(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (const std::string& value : raw) {
    std::size_t start = 0;
    for (std::size_t i = 0; i <= value.size(); ++i) {
      if (i < value.size() && !isSeparator(value[i])) continue;
      std::string tag = normalizeTag(std::string_view(value).substr(start, i - start));
      start = i + 1;
      if (tag.empty() || std::find(out.begin(), out.end(), tag) != out.end()) continue;
      out.push_back(std::move(tag));
    }
  }
  return out;
}

}  // namespace songspace::core
