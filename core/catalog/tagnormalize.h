#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace songspace::core {

// Turns raw tag field values (genre, mood, grouping, free tags) into catalog tag names:
// - splits on ';' '/' ',' and NUL (multi-value ID3 frames), never on '&' or '-', so "r&b",
//   "hip-hop" and "drum & bass" survive;
// - trims, collapses internal whitespace runs to one space;
// - lowercases ASCII and the Latin-1 letters encoded in UTF-8 (À–Þ → à–þ, except ×); other
//   UTF-8 text passes through unchanged (no full Unicode case folding);
// - drops empties and duplicates, keeping the first-seen order.
std::vector<std::string> normalizeTags(const std::vector<std::string>& raw);

// One tag name normalised as above without splitting (empty if nothing is left).
std::string normalizeTag(std::string_view tag);

}  // namespace songspace::core
