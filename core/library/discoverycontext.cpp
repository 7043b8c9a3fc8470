#include "core/library/discoverycontext.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "core/library/modelsession.h"

namespace songspace::library {

DiscoveryContext makeDiscoveryContext(const ModelSession& session,
                                      const std::vector<core::SongRow>& songs) {
  DiscoveryContext context;
  const auto n = static_cast<std::size_t>(session.songCount());
  context.facts.artist.assign(n, 0);
  context.facts.album.assign(n, 0);
  context.facts.title.assign(n, {});
  context.facts.novelty.resize(n);
  context.facts.seconds.assign(n, 0.0f);
  for (std::size_t r = 0; r < n; ++r)
    context.facts.novelty[r] = session.noveltyLevelOfRow(static_cast<int>(r));
  const core::JointModel& model = session.model();
  const std::unordered_map<std::string, int> artistIndex = core::nameIndex(model.artistNames);
  std::vector<int> artistOfRow(n, -1);
  for (const core::SongRow& song : songs) {
    const int row = session.rowOfFile(song.fileId);
    if (row < 0) continue;
    const auto r = static_cast<std::size_t>(row);
    context.facts.artist[r] = song.artistId;
    context.facts.album[r] = song.albumId;
    context.facts.title[r] = song.info.title;
    context.facts.seconds[r] = static_cast<float>(song.info.durationSeconds);
    if (const auto it = artistIndex.find(song.artistName); it != artistIndex.end())
      artistOfRow[r] = it->second;
  }
  context.duplicates = core::SongDuplicates(session.songEmbeddings(), context.facts);
  context.artists = core::artistCentroids(session.songEmbeddings(), artistOfRow,
                                          static_cast<int>(model.artistNames.size()));
  return context;
}

std::vector<core::Scored> distinctSongs(const std::function<std::vector<core::Scored>(int)>& rank,
                                        const core::SongDuplicates& duplicates, int k, int n,
                                        int excludeRow) {
  if (k <= 0 || n <= 0) return {};
  for (int fetch = std::min(n, k + 16);; fetch = std::min(n, 2 * fetch)) {
    std::vector<core::Scored> distinct =
        core::collapseDuplicates(rank(fetch), duplicates, k, excludeRow);
    if (static_cast<int>(distinct.size()) >= k || fetch >= n) return distinct;
  }
}

}  // namespace songspace::library
