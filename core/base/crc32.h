#pragma once

#include <cstddef>
#include <cstdint>

namespace songspace::base {

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib/PNG): crc32("123456789") is
// 0xCBF43926. Pass the previous result as `crc` to continue over several buffers.
std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0);

}  // namespace songspace::base
