#include "core/model/librarydataset.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <unordered_map>

#include "core/catalog/catalog.h"
#include "core/model/discovery.h"
#include "core/model/novelty.h"

namespace songspace::core {

namespace {

// Adds up to `partners` random partners for every member of each group, as undirected pairs.
void pairWithinGroups(const std::vector<std::vector<int>>& groups, int partners,
                      std::mt19937_64& rng, std::set<std::pair<int, int>>& pairs) {
  for (const std::vector<int>& group : groups) {
    if (group.size() < 2) continue;
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (static_cast<int>(group.size()) - 1 <= partners) {
        for (std::size_t j = i + 1; j < group.size(); ++j) {
          pairs.emplace(std::min(group[i], group[j]), std::max(group[i], group[j]));
        }
        continue;
      }
      for (int p = 0; p < partners; ++p) {
        const std::size_t j = static_cast<std::size_t>(rng() % (group.size() - 1));
        const int other = group[j >= i ? j + 1 : j];
        pairs.emplace(std::min(group[i], other), std::max(group[i], other));
      }
    }
  }
}

template <typename Key>
std::vector<std::vector<int>> groupsOf(const std::map<Key, std::vector<int>>& byKey) {
  std::vector<std::vector<int>> groups;
  groups.reserve(byKey.size());
  for (const auto& [key, members] : byKey) groups.push_back(members);
  return groups;
}

}  // namespace

base::Status buildLibraryDataset(const Catalog& catalog, const LibraryDatasetOptions& options,
                                 LibraryDataset& out) {
  out = LibraryDataset{};
  using O = LibraryDatasetOptions;
  std::string invalid = O::kMinTagSongs.validate(options.minTagSongs);
  if (invalid.empty()) invalid = O::kMaxPartnersPerSong.validate(options.maxPartnersPerSong);
  if (invalid.empty()) invalid = O::kSummaryWeight.validate(options.summaryWeight);
  if (!invalid.empty()) return base::Status::failure(base::ErrorCode::InvalidArgument, invalid);
  const std::vector<SongFeatures> stored = catalog.loadFeatures(options.codebookId);
  if (stored.empty()) {
    return base::Status::failure(base::ErrorCode::NotFound,
                                 "no analysed songs in the catalog (run scan first)");
  }
  std::unordered_map<std::int64_t, SongRow> rows;
  for (SongRow& row : catalog.songs()) rows.emplace(row.fileId, std::move(row));

  std::vector<RawSongFeatures> raw;
  std::unordered_map<std::int64_t, int> songOfFile;
  for (const SongFeatures& song : stored) {
    if (!rows.count(song.fileId)) continue;
    songOfFile.emplace(song.fileId, static_cast<int>(out.fileIds.size()));
    out.fileIds.push_back(song.fileId);
    raw.push_back(song.features);
  }
  const int n = static_cast<int>(out.fileIds.size());

  // Features.
  out.features = FeatureSpace::fit(raw, options.codewords, options.summaryWeight);
  std::vector<Eigen::Triplet<float>> triplets;
  for (int i = 0; i < n; ++i) {
    const Eigen::SparseVector<float> x = out.features.transform(raw[static_cast<std::size_t>(i)]);
    for (Eigen::SparseVector<float>::InnerIterator it(x); it; ++it) {
      triplets.emplace_back(i, static_cast<int>(it.index()), it.value());
    }
  }
  out.data.songs.resize(n, out.features.dimension());
  out.data.songs.setFromTriplets(triplets.begin(), triplets.end());
  out.data.songs.makeCompressed();

  // Artists, albums.
  std::map<std::string, int> artistIndex;
  std::map<std::string, std::vector<int>> byAlbum;
  std::map<int, std::vector<int>> byArtist;
  std::map<std::string, std::set<int>> albumArtists;
  out.data.songArtist.assign(static_cast<std::size_t>(n), -1);
  out.songAlbum.assign(static_cast<std::size_t>(n), -1);
  for (int i = 0; i < n; ++i) {
    const SongRow& row = rows.at(out.fileIds[static_cast<std::size_t>(i)]);
    std::string artistName = row.artistName;
    if (options.reading.isPlaceholder(artistName))
      artistName = options.reading.valueOrEmpty(row.info.albumArtist);
    if (!artistName.empty()) {
      auto [it, added] = artistIndex.emplace(artistName, static_cast<int>(out.artistNames.size()));
      if (added) out.artistNames.push_back(artistName);
      out.data.songArtist[static_cast<std::size_t>(i)] = it->second;
      byArtist[it->second].push_back(i);
    }
    std::string albumKey;
    const bool tagged = row.albumId != 0 && !options.reading.isPlaceholder(row.album);
    if (tagged) {
      albumKey = "album:" + std::to_string(row.albumId);
    } else if (options.folderAlbums) {
      albumKey = "folder:" + std::filesystem::path(row.path).parent_path().native();
    }
    if (!albumKey.empty()) {
      byAlbum[albumKey].push_back(i);
      // Only a tagged album with several artists is a compilation; a folder of loose singles
      // (e.g. "Downloads") says nothing about its artists being alike.
      if (tagged && out.data.songArtist[static_cast<std::size_t>(i)] >= 0) {
        albumArtists[albumKey].insert(out.data.songArtist[static_cast<std::size_t>(i)]);
      }
    }
  }
  int albumNumber = 0;
  for (const auto& [key, members] : byAlbum) {
    for (const int song : members) out.songAlbum[static_cast<std::size_t>(song)] = albumNumber;
    ++albumNumber;
  }
  out.data.numArtists = static_cast<int>(out.artistNames.size());

  // One recording, one group (TrainingSet::songGroup): its parts (core::recordingGroups: the
  // demo's Frets on Fire songs come as a backing track and a guitar stem) and its exact copies
  // (the same model input, bit for bit), so no fold scores a song whose twin it trained on.
  {
    SongFacts facts;
    for (int i = 0; i < n; ++i) {
      const SongRow& row = rows.at(out.fileIds[static_cast<std::size_t>(i)]);
      facts.artist.push_back(row.artistId);
      facts.title.push_back(row.info.title);
      facts.seconds.push_back(static_cast<float>(row.info.durationSeconds));
    }
    out.data.songGroup = recordingGroups(facts, n);
    std::unordered_map<std::uint64_t, int> firstWithInput;
    for (int i = 0; i < n; ++i) {
      const auto [it, added] = firstWithInput.emplace(noveltyInputHash(out.data.songs, i), i);
      if (added) continue;
      // A copy: its whole group joins the group of the first song with this input.
      const int from = out.data.songGroup[static_cast<std::size_t>(i)];
      const int to = out.data.songGroup[static_cast<std::size_t>(it->second)];
      if (from == to) continue;
      for (int& group : out.data.songGroup) {
        if (group == from) group = to;
      }
    }
  }

  // Tags from files and users, kept when on at least minTagSongs songs. Neither the model's
  // predictions nor the values auto-tag wrote into files (until the user accepts them) are
  // labels: learning from its own guesses would make the model ever surer of its mistakes.
  std::map<std::string, std::set<int>> songsOfTag, writtenOnSongs;
  std::set<std::string> unusable;  // tags of songs the dataset does not use
  std::map<std::string, std::set<int>> placeholderTags;
  for (const TagAssignment& assignment : catalog.allTags()) {
    if (assignment.tag.source == TagSource::Predicted) continue;
    if (isJunkTag(assignment.tag.tag, options.reading)) {
      const auto song = songOfFile.find(assignment.fileId);
      if (song != songOfFile.end()) placeholderTags[assignment.tag.tag].insert(song->second);
      continue;
    }
    const auto it = songOfFile.find(assignment.fileId);
    if (it == songOfFile.end()) {
      unusable.insert(assignment.tag.tag);
    } else if (assignment.tag.written) {
      writtenOnSongs[assignment.tag.tag].insert(it->second);
    } else {
      songsOfTag[assignment.tag.tag].insert(it->second);
    }
  }
  const auto songsText = [](std::size_t count) {
    return std::to_string(count) + (count == 1 ? " song" : " songs");
  };
  for (const auto& [tag, songs] : placeholderTags) {
    out.leftOutTags.push_back({tag, static_cast<int>(songs.size()), "placeholder",
                               "a placeholder or a fragment of a value, not a tag"});
  }
  for (const auto& [tag, songs] : writtenOnSongs) {
    if (songsOfTag.count(tag)) continue;
    out.leftOutTags.push_back({tag, static_cast<int>(songs.size()), "written_not_accepted",
                               "only in values auto-tag wrote into " + songsText(songs.size()) +
                                   ", which you have not accepted"});
  }
  for (const std::string& tag : unusable) {
    if (songsOfTag.count(tag) || writtenOnSongs.count(tag)) continue;
    out.leftOutTags.push_back(
        {tag, 0, "not_analysed", "only on songs that are missing or not analysed (yet)"});
  }
  out.data.songTags.assign(static_cast<std::size_t>(n), {});
  for (const auto& [tag, songs] : songsOfTag) {
    if (static_cast<int>(songs.size()) < options.minTagSongs) {
      out.leftOutTags.push_back({tag, static_cast<int>(songs.size()), "too_few_songs",
                                 "on " + songsText(songs.size()) + "; a tag needs at least " +
                                     songsText(static_cast<std::size_t>(options.minTagSongs)) +
                                     " to be learned"});
      if (out.songTaggedOutOfVocabulary.empty())
        out.songTaggedOutOfVocabulary.assign(static_cast<std::size_t>(n), 0);
      for (const int song : songs)
        out.songTaggedOutOfVocabulary[static_cast<std::size_t>(song)] = 1;
      continue;
    }
    const int t = static_cast<int>(out.tagNames.size());
    out.tagNames.push_back(tag);
    for (const int song : songs) out.data.songTags[static_cast<std::size_t>(song)].push_back(t);
  }
  out.data.numTags = static_cast<int>(out.tagNames.size());
  std::sort(out.leftOutTags.begin(), out.leftOutTags.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const ArtistRow& artist : catalog.artists()) {  // by name
    if (artistIndex.count(artist.name)) continue;
    if (options.reading.isPlaceholder(artist.name)) {
      out.leftOutArtists.push_back({artist.name, static_cast<int>(artist.songCount), "placeholder",
                                    "a placeholder for an unknown artist, not an artist"});
      continue;
    }
    out.leftOutArtists.push_back({artist.name, static_cast<int>(artist.songCount), "not_analysed",
                                  "none of its songs is analysed (yet)"});
  }

  // Similar songs: album, artist and playlist groups; similar artists: shared playlists and
  // compilations.
  std::mt19937_64 rng(options.seed);
  std::set<std::pair<int, int>> songPairs;
  pairWithinGroups(groupsOf(byAlbum), options.maxPartnersPerSong, rng, songPairs);
  pairWithinGroups(groupsOf(byArtist), options.maxPartnersPerSong, rng, songPairs);
  std::vector<std::vector<int>> playlistGroups;
  std::vector<std::vector<int>> artistGroups;
  for (const Playlist& playlist : catalog.playlists()) {
    // Songspace's own playlists hold the model's choices: learning from them would make it ever
    // surer of its own guesses (docs/design.md §1.3).
    if (playlist.origin != PlaylistOrigin::Library) continue;
    std::vector<int> members;
    std::set<int> artists;
    for (const std::int64_t fileId : playlist.memberFileIds()) {
      const auto it = songOfFile.find(fileId);
      if (it == songOfFile.end()) continue;
      members.push_back(it->second);
      if (const int a = out.data.songArtist[static_cast<std::size_t>(it->second)]; a >= 0) {
        artists.insert(a);
      }
    }
    playlistGroups.push_back(std::move(members));
    artistGroups.emplace_back(artists.begin(), artists.end());
  }
  pairWithinGroups(playlistGroups, options.maxPartnersPerSong, rng, songPairs);
  for (const auto& [key, artists] : albumArtists) {
    if (artists.size() >= 2) artistGroups.emplace_back(artists.begin(), artists.end());
  }
  std::set<std::pair<int, int>> artistPairs;
  pairWithinGroups(artistGroups, options.maxPartnersPerSong, rng, artistPairs);
  out.data.similarSongs.assign(songPairs.begin(), songPairs.end());
  out.data.similarArtists.assign(artistPairs.begin(), artistPairs.end());
  return base::Status::success();
}

}  // namespace songspace::core
