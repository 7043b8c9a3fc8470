#include <string>
#include <vector>

#include "audio/codebook.h"
#include "core/base/byteio.h"
#include "core/base/crc32.h"
#include "tests/fuzz/fuzzinputs.h"

namespace songspace::fuzz {

base::Status codebookInput(Input bytes) {
  const Input rest = detail::afterSelector(bytes);
  base::ByteWriter data;
  data.raw(rest.data(), rest.size());
  if (!bytes.empty() && (bytes.front() & 1u) != 0) data.u32(base::crc32(rest.data(), rest.size()));
  const std::vector<std::uint8_t> serialized = data.take();
  audio::Codebook codebook;
  base::Status status = audio::Codebook::deserialize(serialized, codebook);
  if (status.ok()) {
    if (codebook.serialize() != serialized) {
      detail::contractBroken("a loaded codebook serializes to other bytes");
    }
    const audio::FrameMatrix frame = audio::FrameMatrix::Zero(1, codebook.dimension());
    std::vector<int> labels;
    codebook.assign(frame, labels);
    if (labels.size() != 1 || labels[0] < 0 || labels[0] >= codebook.size()) {
      detail::contractBroken("a loaded codebook labels a frame outside its centroids");
    }
  }
  return status;
}

}  // namespace songspace::fuzz
