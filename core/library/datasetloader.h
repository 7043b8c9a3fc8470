#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/librarydataset.h"

namespace songspace::core {
class Catalog;
}

namespace songspace::library {

// The library's training data as `train` and `eval` both see it: the catalog's latest codebook
// (its id selects the songs analysed with it, its size fixes the feature dimension) and
// core::buildLibraryDataset on top.
struct LoadedDataset {
  core::LibraryDataset dataset;
  std::vector<std::uint8_t> codebookBlob;  // empty when the library has no codebook yet
  int codebookId = 0;
};

// summaryWeight: the L2 weight of the dense summary block beside the codeword histogram
// (core::LibraryDatasetOptions::summaryWeight); reading: whose placeholders are no labels
// (core::LibraryDatasetOptions::reading).
// Corrupt (an unusable stored codebook) or buildLibraryDataset's NotFound.
[[nodiscard]] base::Status loadLibraryDataset(const core::Catalog& catalog, std::uint64_t seed,
                                              float summaryWeight, LoadedDataset& out,
                                              const core::TagReadingRules& reading = {});

// The length in seconds of each of `fileIds`' tracks, in their order (0 when unknown), from one
// Catalog::durations() query: the novelty test's lengths (core/model/novelty.h) at training and
// at load.
std::vector<float> songLengths(const core::Catalog& catalog,
                               const std::vector<std::int64_t>& fileIds);

}  // namespace songspace::library
