#include "core/library/librarywalker.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <span>
#include <string_view>
#include <system_error>
#include <utility>

#include "core/library/playlistfile.h"

namespace songspace::library {

namespace fs = std::filesystem;

namespace {

std::string lowerExtension(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

class Walker {
 public:
  explicit Walker(LibraryWalk& out) : m_out(out) {}

  void walkRoot(const fs::path& root) {
    std::error_code ec;
    const fs::path absolute = fs::absolute(root, ec).lexically_normal();
    const fs::file_status status = fs::status(absolute, ec);
    if (ec || !fs::exists(status)) {
      m_out.problems.emplace_back(absolute, "not found");
      return;
    }
    if (fs::is_directory(status)) {
      walkDirectory(absolute);
    } else {
      addFile(absolute);
    }
  }

 private:
  void addFile(const fs::path& file) {
    if (isAudioExtension(file)) {
      m_out.audioFiles.push_back(file);
    } else if (playlistFormatOf(file)) {
      m_out.playlists.push_back(file);
    }
  }

  // Iterative depth-first walk; `directory` is absolute.
  void walkDirectory(const fs::path& top) {
    std::vector<fs::path> pending{top};
    while (!pending.empty()) {
      const fs::path directory = std::move(pending.back());
      pending.pop_back();
      struct stat info {};
      if (::stat(directory.c_str(), &info) != 0) {
        m_out.problems.emplace_back(directory, "cannot read folder");
        continue;
      }
      if (!m_visited.emplace(info.st_dev, info.st_ino).second) {
        m_out.problems.emplace_back(directory, "folder already visited (symlink loop or alias)");
        continue;
      }
      std::error_code ec;
      fs::directory_iterator it(directory, ec);
      if (ec) {
        m_out.problems.emplace_back(directory, "cannot list folder: " + ec.message());
        continue;
      }
      for (const fs::directory_iterator end; it != end; it.increment(ec)) {
        if (ec) {
          m_out.problems.emplace_back(directory, "cannot list folder: " + ec.message());
          break;
        }
        const fs::path entry = it->path();
        std::error_code statusError;
        const fs::file_status status = fs::status(entry, statusError);  // follows symlinks
        if (statusError) {
          m_out.problems.emplace_back(entry, "broken link or unreadable entry");
          continue;
        }
        if (fs::is_directory(status)) {
          pending.push_back(entry);
        } else if (fs::is_regular_file(status)) {
          addFile(entry);
        }
      }
    }
  }

  LibraryWalk& m_out;
  std::set<std::pair<dev_t, ino_t>> m_visited;
};

void sortUnique(std::vector<fs::path>& paths) {
  std::sort(paths.begin(), paths.end(),
            [](const fs::path& a, const fs::path& b) { return a.native() < b.native(); });
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
}

}  // namespace

std::span<const std::string_view> audioExtensions() {
  static constexpr std::array<std::string_view, 15> kExtensions{
      ".mp3", ".ogg", ".oga", ".opus", ".flac", ".wav", ".m4a", ".aac",
      ".mp4", ".wma", ".aif", ".aiff", ".ape",  ".wv",  ".mpc"};
  return kExtensions;
}

bool isAudioExtension(const fs::path& file) {
  const std::string ext = lowerExtension(file);
  const std::span<const std::string_view> known = audioExtensions();
  return std::find(known.begin(), known.end(), ext) != known.end();
}

LibraryWalk walkLibrary(const std::vector<fs::path>& roots) {
  LibraryWalk out;
  Walker walker(out);
  for (const fs::path& root : roots) walker.walkRoot(root);
  sortUnique(out.audioFiles);
  sortUnique(out.playlists);
  return out;
}

}  // namespace songspace::library
