#include "core/base/crc32.h"

#include <zlib.h>

#include <algorithm>

namespace songspace::base {

// zlib's crc32_z: the same CRC, computed several bytes a step (a byte-wise table took 0.7 s of a
// 10^5-song start for the model file and the session cache: docs/experiments.md §3.11).
std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc) {
  const auto* bytes = static_cast<const Bytef*>(data);
  uLong value = crc;
  value = ::crc32_z(value, bytes, static_cast<z_size_t>(size));
  return static_cast<std::uint32_t>(value);
}

}  // namespace songspace::base
