#include "core/model/trainingset.h"

namespace songspace::core {

const char* taskName(Task task) {
  switch (task) {
    case Task::Tags:
      return "tags";
    case Task::Artist:
      return "artist";
    case Task::SimilarSongs:
      return "similar_songs";
    case Task::SongsForArtist:
      return "songs_for_artist";
    case Task::SimilarArtists:
      return "similar_artists";
  }
  return "unknown";
}

}  // namespace songspace::core
