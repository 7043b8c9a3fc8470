#include "core/library/datasetloader.h"

#include "audio/codebook.h"
#include "core/catalog/catalog.h"

namespace songspace::library {

base::Status loadLibraryDataset(const core::Catalog& catalog, std::uint64_t seed,
                                float summaryWeight, LoadedDataset& out,
                                const core::TagReadingRules& reading) {
  out = LoadedDataset{};
  core::LibraryDatasetOptions options;
  if (const auto record = catalog.latestCodebook()) {
    audio::Codebook codebook;
    if (base::Status status = audio::Codebook::deserialize(record->blob, codebook); !status.ok()) {
      status.message = "the catalog's codebook is unusable: " + status.message;
      return status;
    }
    options.codewords = codebook.size();
    options.codebookId = record->id;
    out.codebookBlob = record->blob;
    out.codebookId = record->id;
  }
  options.seed = seed;
  options.summaryWeight = summaryWeight;
  options.reading = reading;
  return core::buildLibraryDataset(catalog, options, out.dataset);
}

std::vector<float> songLengths(const core::Catalog& catalog,
                               const std::vector<std::int64_t>& fileIds) {
  const auto durations = catalog.durations();
  std::vector<float> lengths(fileIds.size(), 0.0f);
  for (std::size_t i = 0; i < fileIds.size(); ++i) {
    if (const auto it = durations.find(fileIds[i]); it != durations.end())
      lengths[i] = static_cast<float>(it->second);
  }
  return lengths;
}

}  // namespace songspace::library
