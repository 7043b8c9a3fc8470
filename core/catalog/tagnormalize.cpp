#include "core/catalog/tagnormalize.h"

#include <algorithm>
#include <array>

namespace songspace::core {
namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool isAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Non-ASCII bytes count as letters: the rule must not eat "日本" or "électro".
bool isWordByte(char c) {
  return isAsciiAlnum(c) || static_cast<unsigned char>(c) >= 0x80;
}

std::string_view trimView(std::string_view s) {
  while (!s.empty() && (isSpace(s.front()) || s.front() == '\0')) s.remove_prefix(1);
  while (!s.empty() && (isSpace(s.back()) || s.back() == '\0')) s.remove_suffix(1);
  return s;
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

// Words that join two names into one ("Folk, World, & Country", "Rock 'n' Roll"): a part that
// starts or ends with one was cut out of a longer name. Compared lowercased.
constexpr std::array<std::string_view, 7> kConjunctions = {"&",  "and", "+", "'n'",
                                                           "n'", "'n",  "or"};

bool isConjunction(std::string_view word) {
  std::string lower(word);
  lowercaseInPlace(lower);
  return std::find(kConjunctions.begin(), kConjunctions.end(), lower) != kConjunctions.end();
}

std::string_view firstWord(std::string_view s) {
  const std::size_t end = s.find(' ');
  return end == std::string_view::npos ? s : s.substr(0, end);
}

std::string_view lastWord(std::string_view s) {
  const std::size_t start = s.rfind(' ');
  return start == std::string_view::npos ? s : s.substr(start + 1);
}

bool hasWordByte(std::string_view s) {
  return std::any_of(s.begin(), s.end(), isWordByte);
}

// A trimmed value that is no value of its own: nothing but punctuation, or a lone conjunction.
bool isEmptyWord(std::string_view part) {
  return !hasWordByte(part) || isConjunction(part);
}

// A trimmed, non-empty part of a split value that only makes sense inside the whole: it starts or
// ends with a conjunction or with punctuation (brackets and a closing '.', '!' or '?' aside).
bool isCutFragment(std::string_view part) {
  if (isEmptyWord(part)) return true;
  if (isConjunction(firstWord(part)) || isConjunction(lastWord(part))) return true;
  const char first = part.front();
  const char last = part.back();
  const bool firstOk = isWordByte(first) || first == '(' || first == '[';
  const bool lastOk = isWordByte(last) || last == ')' || last == ']' || last == '.' ||
                      last == '!' || last == '?' || last == '\'';
  return !firstOk || !lastOk;
}

// The trimmed, non-empty parts of `text` between occurrences of `separator`.
std::vector<std::string_view> trimmedParts(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != separator) continue;
    const std::string_view part = trimView(text.substr(start, i - start));
    start = i + 1;
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// Splits `piece` on `separator` unless a part would be a cut fragment; empty parts vanish.
void splitOn(std::string_view piece, char separator, std::vector<std::string_view>& out) {
  const std::vector<std::string_view> parts = trimmedParts(piece, separator);
  if (parts.size() > 1 && std::any_of(parts.begin(), parts.end(), isCutFragment)) {
    out.push_back(piece);
    return;
  }
  out.insert(out.end(), parts.begin(), parts.end());
}

}  // namespace

const std::vector<std::string>& TagReadingRules::defaultPlaceholders() {
  static const std::vector<std::string> list = {
      "unknown",       "<unknown>",     "[unknown]", "(unknown)", "unknown artist", "unknown album",
      "unknown title", "unknown genre", "none",      "(none)",    "<none>",         "[none]",
      "n/a",           "null",          "undefined", "-"};
  return list;
}

TagReadingRules TagReadingRules::verbatim() {
  TagReadingRules rules;
  rules.placeholders.clear();
  rules.genreSeparators.clear();
  return rules;
}

std::string TagReadingRules::validate() const {
  for (const char c : genreSeparators) {
    if (kAllowedGenreSeparators.find(c) == std::string_view::npos) {
      return "genre_separators: '" + std::string(1, c) + "' is not one of \"" +
             std::string(kAllowedGenreSeparators) + "\"";
    }
  }
  return {};
}

bool TagReadingRules::isPlaceholder(std::string_view value) const {
  const std::string normalized = normalizeTag(value);
  if (normalized.empty()) return true;
  return std::any_of(placeholders.begin(), placeholders.end(),
                     [&](const std::string& p) { return normalizeTag(p) == normalized; });
}

std::string TagReadingRules::valueOrEmpty(const std::string& value) const {
  return isPlaceholder(value) ? std::string() : value;
}

std::vector<std::string> TagReadingRules::parsePlaceholderList(std::string_view text) {
  std::vector<std::string> out;
  for (const std::string_view item : trimmedParts(text, kPlaceholderListSeparator))
    out.emplace_back(item);
  return out;
}

std::string TagReadingRules::joinPlaceholderList(const std::vector<std::string>& placeholders) {
  std::string out;
  for (const std::string& p : placeholders) {
    if (!out.empty()) out.push_back(kPlaceholderListSeparator);
    out += p;
  }
  return out;
}

std::string TagReadingRules::fingerprint() const {
  std::string separators = genreSeparators;
  std::sort(separators.begin(), separators.end());
  separators.erase(std::unique(separators.begin(), separators.end()), separators.end());
  std::vector<std::string> normalized;
  for (const std::string& p : placeholders) {
    if (std::string n = normalizeTag(p); !n.empty()) normalized.push_back(std::move(n));
  }
  std::sort(normalized.begin(), normalized.end());
  normalized.erase(std::unique(normalized.begin(), normalized.end()), normalized.end());
  // The reader's version: a catalog read by an older one reads its files' tags again at the next
  // scan (2: a title with several values is read whole, not its first value).
  return "reader=2\ngenre_separators=" + separators +
         "\nplaceholders=" + joinPlaceholderList(normalized);
}

std::vector<std::string> splitFieldValues(const std::vector<std::string>& raw,
                                          const TagReadingRules& rules) {
  std::vector<std::string> out;
  for (const std::string& value : raw) {
    // A NUL separates values the file stores apart (an ID3v2.4 frame read as one string): no
    // fragment rule, they never were one name.
    std::vector<std::string_view> pieces;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= value.size(); ++i) {
      if (i < value.size() && value[i] != '\0') continue;
      const std::string_view part = trimView(std::string_view(value).substr(start, i - start));
      start = i + 1;
      if (!part.empty()) pieces.push_back(part);
    }
    for (const char separator : rules.genreSeparators) {
      std::vector<std::string_view> next;
      for (const std::string_view piece : pieces) splitOn(piece, separator, next);
      pieces = std::move(next);
    }
    for (const std::string_view piece : pieces) {
      const std::string_view part = trimView(piece);
      if (part.empty() || isEmptyWord(part) || rules.isPlaceholder(part)) continue;
      out.emplace_back(part);
    }
  }
  return out;
}

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

std::vector<std::string> normalizeTags(const std::vector<std::string>& raw,
                                       const TagReadingRules& rules) {
  std::vector<std::string> out;
  for (const std::string& value : splitFieldValues(raw, rules)) {
    std::string tag = normalizeTag(value);
    if (tag.empty() || std::find(out.begin(), out.end(), tag) != out.end()) continue;
    out.push_back(std::move(tag));
  }
  return out;
}

bool isJunkTag(std::string_view tag, const TagReadingRules& rules) {
  const std::string_view trimmed = trimView(tag);
  if (isEmptyWord(trimmed) || rules.isPlaceholder(trimmed)) return true;
  return isConjunction(firstWord(trimmed)) || isConjunction(lastWord(trimmed));
}

}  // namespace songspace::core
