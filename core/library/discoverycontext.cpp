#include "core/library/discoverycontext.h"

#include "core/library/modelsession.h"

namespace songspace::library {

DiscoveryContext makeDiscoveryContext(const ModelSession& session,
                                      const std::vector<core::SongRow>& songs) {
  DiscoveryContext context;
  const auto n = static_cast<std::size_t>(session.songCount());
  context.facts.artist.assign(n, 0);
  context.facts.album.assign(n, 0);
  context.facts.title.assign(n, {});
  for (const core::SongRow& song : songs) {
    const int row = session.rowOfFile(song.fileId);
    if (row < 0) continue;
    const auto r = static_cast<std::size_t>(row);
    context.facts.artist[r] = song.artistId;
    context.facts.album[r] = song.albumId;
    context.facts.title[r] = song.info.title;
  }
  context.duplicates = core::SongDuplicates(session.songEmbeddings(), context.facts);
  return context;
}

}  // namespace songspace::library
