#pragma once

#include <vector>

#include "core/catalog/catalog.h"
#include "core/model/discovery.h"

namespace songspace::library {

class ModelSession;

// What the discovery functions (core/model/discovery.h) need beside a ModelSession's embedded
// songs: per song row the catalog's artist id, album id and title (SongFacts), and the duplicate
// groups built from them and the embeddings (SongDuplicates, default threshold). Built once per
// loaded session from the catalog's song list, O(N d); read-only afterwards, any thread.
struct DiscoveryContext {
  core::SongFacts facts;
  core::SongDuplicates duplicates;
};

// songs: the catalog's songs (Catalog::songs()); rows of the session whose file is not among them
// count as unknown artist, album and title.
DiscoveryContext makeDiscoveryContext(const ModelSession& session,
                                      const std::vector<core::SongRow>& songs);

}  // namespace songspace::library
