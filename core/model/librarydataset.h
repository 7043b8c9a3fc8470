#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/parameter.h"
#include "core/base/status.h"
#include "core/catalog/tagnormalize.h"
#include "core/model/featurespace.h"
#include "core/model/trainingset.h"

namespace songspace::core {

class Catalog;

// Every tunable parameter is declared once here with its default and valid range.
struct LibraryDatasetOptions {
  int codewords = 0;   // the codebook's size K (codeword indices >= K are ignored)
  int codebookId = 0;  // only songs analysed with this codebook are used
  static constexpr base::ParameterSpec<int> kMinTagSongs{
      "min_tag_songs",
      2,
      1,
      1000000,
      "a tag on fewer songs is not learned (a tag of one song cannot generalise)",
      "songs"};
  int minTagSongs = kMinTagSongs.defaultValue;
  static constexpr base::ParameterSpec<int> kMaxPartnersPerSong{
      "max_partners_per_song", 8, 1, 1000000,
      "similar-song partners drawn per song and group (bounds the pairs of a large album)"};
  int maxPartnersPerSong = kMaxPartnersPerSong.defaultValue;
  bool folderAlbums = true;  // songs without an album tag: their folder stands for the album
  // 2: the learned model's best with the song descriptors in the summary; cosine kNN is best near
  // 0.5 (core::EvalOptions::kKnnSummaryWeight). Both: docs/experiments.md §2.3.
  static constexpr base::ParameterSpec<float> kSummaryWeight{
      "summary_weight", 2.0f, 0.0f, 100.0f,
      "weight of the dense summary block against the codeword histogram (0: histogram only)"};
  float summaryWeight = kSummaryWeight.defaultValue;
  std::uint64_t seed = base::kSeedSpec.defaultValue;
  // Its placeholders are no labels: a stored artist, album or tag that is one is left out here,
  // so a catalog scanned before the rule (or with other placeholders) trains without rescanning.
  TagReadingRules reading;
};

// A tag or an artist of the library that the model does not learn, and why: what `train --json`
// and the explorer list, so a tag never leaves the vocabulary without a word.
struct LeftOutLabel {
  std::string name;
  // Tags: the analysed songs that carry it as a label (too_few_songs), or that hold it only as a
  // value Songspace wrote (written_not_accepted); 0 for not_analysed. Artists: the artist's songs
  // in the library (catalog::ArtistRow::songCount).
  int songs = 0;
  // "too_few_songs": on fewer than LibraryDatasetOptions::minTagSongs songs;
  // "written_not_accepted": only on songs whose file holds it because auto-tag wrote it, not
  // accepted by the user (FileTag::written); "not_analysed": only on songs the dataset cannot use
  // (failed, missing, or analysed with another codebook); "placeholder": a placeholder of
  // LibraryDatasetOptions::reading ("<Unknown>", "(none)") or, for tags, a fragment that is no
  // value ("& country", isJunkTag()).
  std::string code;
  std::string reason;  // the same in words a user understands (English)
};

// The training data of a library, read from its catalog (docs/design.md §1.3):
// - tags: the file's genre/mood/grouping/free tags and the user's tags (normalised by the catalog),
//   except values Songspace's auto-tag wrote into the file that the user has not accepted
//   (FileTag::written) and predicted tags; a tag on fewer than minTagSongs songs is left out of
//   the vocabulary, and its songs are marked (songTaggedOutOfVocabulary);
// - artist: the song's artist (the catalog falls back to the album artist; here too when the
//   artist is a placeholder); none when both are placeholders;
// - album: an album title that is a placeholder ("Unknown Album") is no album (the folder stands
//   for it, as for an untagged song);
// - similar songs: same album, same artist, and co-membership in the library's playlists —
//   each song paired with at most maxPartnersPerSong random partners per group;
// - similar artists: artists that share a playlist or a compilation album.
struct LibraryDataset {
  TrainingSet data;
  FeatureSpace features;                     // fitted on these songs
  std::vector<std::int64_t> fileIds;         // catalog id of song row i
  std::vector<std::string> artistNames;      // artist index -> name
  std::vector<std::string> tagNames;         // tag index -> name
  std::vector<int> songAlbum;                // album group per song, -1 when unknown
  std::vector<LeftOutLabel> leftOutTags;     // by name
  std::vector<LeftOutLabel> leftOutArtists;  // by name
  // Per song: 1 when it carries a label tag left out of the vocabulary for too few songs
  // (leftOutTags "too_few_songs"), else 0; empty when no song does. Such a song was tagged by
  // someone, so, as every tagged song, it is a negative for each tag it does not carry: the
  // calibration counts it as one (CalibrationOptions::songTaggedOutOfVocabulary). The trainer
  // does not see it.
  std::vector<char> songTaggedOutOfVocabulary;
};

// NotFound when the catalog holds no analysed song for the codebook.
[[nodiscard]] base::Status buildLibraryDataset(const Catalog& catalog,
                                               const LibraryDatasetOptions& options,
                                               LibraryDataset& out);

}  // namespace songspace::core
