#pragma once

#include <string_view>

namespace songspace::audio {

// One algorithm parameter: declared once, with its default and valid range (Essentia style).
template <typename T>
struct ParameterSpec {
  std::string_view name;
  T defaultValue;
  T minValue;
  T maxValue;
  std::string_view description;

  constexpr bool contains(T value) const { return value >= minValue && value <= maxValue; }
};

}  // namespace songspace::audio
