#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace songspace::core {

// How the raw values of a file's fields become catalog values (docs/design.md §4.2): which
// values are placeholders, and where one written value holds several genres. Declared once here
// with its defaults; `scan`, `train`, `eval` and `autotag` take it from their options
// (--placeholders, --genre-separators) and the GUI from its settings (ui/settingskeys.h).
// Reading only: the file keeps whatever it holds.
struct TagReadingRules {
  // Values that stand for "unknown" in real files (the spellings players, rippers and taggers
  // write: Windows Media Player's "Unknown Artist", foobar2000's "<Unknown>", MusicBrainz's
  // "[unknown]", Picard's and beets' empty fields, ID3v1 rippers' "(none)"). Compared after
  // normalizeTag() (trimmed, whitespace collapsed, lowercased), so "UNKNOWN ARTIST" matches.
  // Empty and whitespace-only values are always missing, whatever the list.
  static const std::vector<std::string>& defaultPlaceholders();
  // The characters that split one written genre/mood/grouping/tag value. ';' by default: it is
  // the separator taggers write when a format cannot hold several values (foobar2000, Mp3tag,
  // MusicBee), whereas ',' and '/' occur inside genre names ("Folk, World, & Country",
  // "Rock/Pop" as one Discogs-style style); they are opt-in. Separate fields, frames and
  // NUL-separated values are always separate values.
  static constexpr std::string_view kDefaultGenreSeparators = ";";
  // The only separators a user may choose.
  static constexpr std::string_view kAllowedGenreSeparators = ";,/";
  // How a list of placeholders is written on the command line and in the settings: "a|b|c".
  static constexpr char kPlaceholderListSeparator = '|';

  std::vector<std::string> placeholders = defaultPlaceholders();
  std::string genreSeparators{kDefaultGenreSeparators};

  // No placeholders and no separators: every value is taken as written (the catalog's own
  // normalisation of values a scan already read with the user's rules).
  static TagReadingRules verbatim();
  // Empty when genreSeparators holds only characters of kAllowedGenreSeparators; else the error.
  [[nodiscard]] std::string validate() const;
  // Whether `value` is empty, whitespace-only or one of the placeholders.
  [[nodiscard]] bool isPlaceholder(std::string_view value) const;
  // `value` unless it is a placeholder; empty then.
  [[nodiscard]] std::string valueOrEmpty(const std::string& value) const;
  // "a|b|c" into placeholders (empty items skipped; an empty text means no placeholders).
  static std::vector<std::string> parsePlaceholderList(std::string_view text);
  static std::string joinPlaceholderList(const std::vector<std::string>& placeholders);
  // The rules in one canonical text (separators and normalised placeholders, each sorted and
  // without repeats): two rule sets read every value alike exactly when their fingerprints are
  // equal. Stored with the catalog (kReadingRulesSetting) to notice when the rules changed.
  [[nodiscard]] std::string fingerprint() const;
};

// The separate values held by the raw values of one multi-valued field (genre, mood, grouping,
// free tags), in the file's spelling, trimmed:
// - a NUL inside a value separates values (an ID3v2.4 frame read as one string);
// - a value is split on rules.genreSeparators, but never into a fragment that is no value of its
//   own: if any part of a split starts or ends with a conjunction ("&", "and", "+", "n'") or
//   with punctuation, the value stays whole on that separator ("Folk, World, & Country" with ','
//   chosen stays one value; "Rock, Pop" splits);
// - empty parts, placeholders and parts without a letter or digit (a lone "&", "-") are dropped,
//   and so is a part that is only a conjunction ("and").
std::vector<std::string> splitFieldValues(const std::vector<std::string>& raw,
                                          const TagReadingRules& rules = {});

// Turns raw tag field values (genre, mood, grouping, free tags) into catalog tag names:
// - splitFieldValues() with `rules` (never splits on '&' or '-', so "r&b", "hip-hop" and
//   "drum & bass" survive);
// - trims, collapses internal whitespace runs to one space;
// - lowercases ASCII and the Latin-1 letters encoded in UTF-8 (À–Þ → à–þ, except ×); other
//   UTF-8 text passes through unchanged (no full Unicode case folding);
// - drops empties and duplicates, keeping the first-seen order.
std::vector<std::string> normalizeTags(const std::vector<std::string>& raw,
                                       const TagReadingRules& rules = {});

// One tag name normalised as above without splitting (empty if nothing is left).
std::string normalizeTag(std::string_view tag);

// Whether a catalog tag name (normalised) can be no label: a placeholder of `rules`, or a
// fragment with no letter or digit or only a conjunction (what older versions produced by
// splitting "Folk, World, & Country" on ','). The dataset leaves such tags out of training.
bool isJunkTag(std::string_view tag, const TagReadingRules& rules);

}  // namespace songspace::core
