#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace songspace::base {

// Whether an end of a range belongs to it: [a, b] is closed at both ends, (a, b] open below.
enum class Bound { Closed, Open };

// Shortest text that reads back as the same value: 160, 0.05, 1e-06, 18446744073709551615.
template <typename T>
std::string formatValue(T value) {
  static_assert(std::is_arithmetic_v<T>);
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else {
    std::array<char, 64> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
  }
}

// One numeric parameter, declared once beside the field it bounds (Essentia style): its name,
// default, valid range and a line saying what it is and why the default. Every reader of the
// field (validation, the CLI's parsing, synopsis and error text, a dialog's spin box) takes the
// range from here. The constructor is consteval: a declaration whose default lies outside its own
// range, or whose range is empty, does not compile.
//
// Thread rules: a spec is an immutable constant; every member is safe from any thread.
template <typename T>
struct ParameterSpec {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>,
                "ParameterSpec is for numbers; use EnumSpec for choices and a bool for a flag");

  std::string_view name;  // snake_case, as messages and JSON name it ("learning_rate")
  T defaultValue;
  T minValue;
  T maxValue;
  std::string_view description;  // one line: what the value is (and why the default)
  std::string_view unit;         // "Hz", "s", "epochs"; empty when dimensionless
  Bound lower = Bound::Closed;
  Bound upper = Bound::Closed;

  consteval ParameterSpec(std::string_view name_, T default_, T min_, T max_,
                          std::string_view description_, std::string_view unit_ = {},
                          Bound lower_ = Bound::Closed, Bound upper_ = Bound::Closed)
      : name(name_),
        defaultValue(default_),
        minValue(min_),
        maxValue(max_),
        description(description_),
        unit(unit_),
        lower(lower_),
        upper(upper_) {
    // A throw in a consteval function is a compile error naming this line.
    if (name.empty()) throw "ParameterSpec: a parameter needs a name";
    if (!(minValue <= maxValue)) throw "ParameterSpec: empty range (min > max)";
    if (!contains(defaultValue)) throw "ParameterSpec: the default lies outside the range";
  }

  // Within the range (NaN never is).
  constexpr bool contains(T value) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (value != value) return false;  // NaN (std::isnan is not constexpr before C++23)
    }
    const bool aboveMin = lower == Bound::Closed ? value >= minValue : value > minValue;
    const bool belowMax = upper == Bound::Closed ? value <= maxValue : value < maxValue;
    return aboveMin && belowMax;
  }

  // The range in interval notation: "[1, 4096]", "(0, 100]", "[0, 1)".
  std::string rangeText() const {
    return std::string(lower == Bound::Closed ? "[" : "(") + formatValue(minValue) + ", " +
           formatValue(maxValue) + (upper == Bound::Closed ? "]" : ")");
  }

  // "integer" or "number", for messages that say what is expected.
  static constexpr std::string_view kindText() {
    return std::is_integral_v<T> ? std::string_view("integer") : std::string_view("number");
  }

  // Empty when `value` is valid; otherwise one sentence naming the parameter, the value and the
  // range: "dimension = 5000 is outside [1, 4096] (dimension of the joint space)".
  std::string validate(T value) const {
    if (contains(value)) return {};
    std::string message = std::string(name) + " = " + formatValue(value);
    if (!unit.empty()) message += " " + std::string(unit);
    message += " is outside " + rangeText();
    if (!description.empty()) message += " (" + std::string(description) + ")";
    return message;
  }

  // Reads `text` as a T: the whole text must be a number of T's kind (no trailing characters, an
  // integer for an integral T) within the range; nullopt otherwise.
  std::optional<T> parse(std::string_view text) const {
    T value{};
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (!text.empty() && text.front() == '+') ++first;  // from_chars rejects a leading '+'
    const auto result = std::from_chars(first, last, value);
    if (result.ec != std::errc() || result.ptr != last || first == last) return std::nullopt;
    if (!contains(value)) return std::nullopt;
    return value;
  }
};

// One choice of an EnumSpec: the value and the stable lower-case word that names it.
template <typename E>
struct EnumChoice {
  E value;
  std::string_view word;
};

// A parameter with a fixed set of choices, each named by a stable word ("warp", "auc"): the
// words are what users type and what files store.
template <typename E, std::size_t N>
struct EnumSpec {
  static_assert(std::is_enum_v<E> && N > 0);

  std::string_view name;
  E defaultValue;
  std::array<EnumChoice<E>, N> choices;
  std::string_view description;

  consteval EnumSpec(std::string_view name_, E default_, std::array<EnumChoice<E>, N> choices_,
                     std::string_view description_)
      : name(name_), defaultValue(default_), choices(choices_), description(description_) {
    if (name.empty()) throw "EnumSpec: a parameter needs a name";
    bool hasDefault = false;
    for (std::size_t i = 0; i < N; ++i) {
      if (choices[i].word.empty()) throw "EnumSpec: every choice needs a word";
      hasDefault = hasDefault || choices[i].value == defaultValue;
      for (std::size_t j = 0; j < i; ++j) {
        if (choices[j].word == choices[i].word || choices[j].value == choices[i].value)
          throw "EnumSpec: two choices share a word or a value";
      }
    }
    if (!hasDefault) throw "EnumSpec: the default is not one of the choices";
  }

  constexpr std::optional<E> fromWord(std::string_view word) const {
    for (const auto& choice : choices)
      if (choice.word == word) return choice.value;
    return std::nullopt;
  }
  // The word of `value`; empty for a value that is not one of the choices.
  constexpr std::string_view wordOf(E value) const {
    for (const auto& choice : choices)
      if (choice.value == value) return choice.word;
    return {};
  }
  // "warp|auc": the words joined by `separator`.
  std::string choicesText(std::string_view separator = "|") const {
    std::string text;
    for (std::size_t i = 0; i < N; ++i) {
      if (i > 0) text += separator;
      text += choices[i].word;
    }
    return text;
  }
  // "nystroem, fourier or none": the words as a sentence lists them.
  std::string choicesProse() const {
    std::string text;
    for (std::size_t i = 0; i < N; ++i) {
      if (i > 0) text += i + 1 < N ? ", " : " or ";
      text += choices[i].word;
    }
    return text;
  }
};

// The seed of every seeded computation (training, the held-out split, k-means, t-SNE): any 64-bit
// value; 1 by default, so two runs without a seed given reproduce each other.
inline constexpr ParameterSpec<std::uint64_t> kSeedSpec{
    "seed", 1, 0, std::numeric_limits<std::uint64_t>::max(),
    "seed of the random streams: same seed, same result"};

}  // namespace songspace::base
