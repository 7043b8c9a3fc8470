#pragma once

#include <functional>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/model/discovery.h"

namespace songspace::library {

class ModelSession;

// What the discovery functions (core/model/discovery.h) need beside a ModelSession's embedded
// songs: per song row the catalog's artist id, album id and title, and whether the session finds
// it unlike the library (SongFacts); the duplicate groups built from them and the embeddings
// (SongDuplicates, default threshold); and the centroid of each model artist's songs (by artist
// name; songs of artists the model did not learn count for none). Built once per loaded session
// from the catalog's song list, O(N d); read-only afterwards, any thread.
struct DiscoveryContext {
  core::SongFacts facts;
  core::SongDuplicates duplicates;
  core::ArtistCentroids artists;
};

// songs: the catalog's songs (Catalog::songs()); rows of the session whose file is not among them
// count as unknown artist, album and title.
DiscoveryContext makeDiscoveryContext(const ModelSession& session,
                                      const std::vector<core::SongRow>& songs);

// The best k songs of a ranking, one per duplicate group, skipping excludeRow's group (-1: none):
// rank(fetch) returns the best `fetch` session rows, best first; fetch doubles from k + 16 until
// k distinct songs are found or all n songs were ranked.
std::vector<core::Scored> distinctSongs(const std::function<std::vector<core::Scored>(int)>& rank,
                                        const core::SongDuplicates& duplicates, int k, int n,
                                        int excludeRow = -1);

}  // namespace songspace::library
