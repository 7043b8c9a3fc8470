#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/base/byteio.h"
#include "core/base/crc32.h"
#include "core/model/jointmodel.h"
#include "tests/fuzz/fuzzinputs.h"

namespace songspace::fuzz {

namespace {

// The framing of core/model/modelfile.cpp: magic (8 bytes) and format version (u32), then the
// payload size (u64) the repair writes, the payload, its CRC-32 (u32).
constexpr std::size_t kMagicAndVersion = 8 + 4;

std::vector<std::uint8_t> repaired(Input rest) {
  if (rest.size() < kMagicAndVersion) return {rest.begin(), rest.end()};
  const Input payload = rest.subspan(kMagicAndVersion);
  base::ByteWriter out;
  out.raw(rest.data(), kMagicAndVersion);
  out.u64(payload.size());
  out.raw(payload.data(), payload.size());
  out.u32(base::crc32(payload.data(), payload.size()));
  return out.take();
}

}  // namespace

base::Status modelFileInput(Input bytes) {
  const Input rest = detail::afterSelector(bytes);
  const bool repair = !bytes.empty() && (bytes.front() & 1u) != 0;
  const std::vector<std::uint8_t> file =
      repair ? repaired(rest) : std::vector<std::uint8_t>(rest.begin(), rest.end());
  const std::string path = detail::writeInputFile("input.ssm", file);
  core::JointModel model;
  base::Status status = core::JointModel::load(path, model);
  if (status.ok()) {
    const std::string again = path + ".again";
    if (const base::Status saved = model.save(again); !saved.ok()) {
      detail::contractBroken("a loaded model does not save: " + saved.message);
    }
    core::JointModel back;
    if (const base::Status loaded = core::JointModel::load(again, back); !loaded.ok()) {
      detail::contractBroken("a saved model does not load: " + loaded.message);
    }
  }
  return status;
}

}  // namespace songspace::fuzz
