// One libFuzzer harness per entry of tests/fuzz/fuzzinputs.h, the entry chosen at build time
// (SONGSPACE_FUZZ_ENTRY, tests/fuzz/CMakeLists.txt). Run them with scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzzinputs.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The status is the reader's verdict on bytes that are mostly garbage: any answer is right as
  // long as the reader neither crashes nor breaks its contract (checked inside the entry).
  (void)songspace::fuzz::SONGSPACE_FUZZ_ENTRY({data, size});
  return 0;
}
