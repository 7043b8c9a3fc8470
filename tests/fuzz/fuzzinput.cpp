#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <system_error>

#include "core/library/librarywalker.h"
#include "tests/fuzz/fuzzinputs.h"

namespace songspace::fuzz::detail {

namespace {

namespace fs = std::filesystem;

// The process's input folder, created on first use and removed with everything in it at exit.
class InputFolder {
 public:
  InputFolder()
      : m_path(fs::temp_directory_path() / ("songspace-fuzz-" + std::to_string(::getpid()))) {
    fs::create_directories(m_path);
  }
  ~InputFolder() {
    std::error_code ignored;  // nothing to report at exit; the folder is under a temp dir
    fs::remove_all(m_path, ignored);
  }
  InputFolder(const InputFolder&) = delete;
  InputFolder& operator=(const InputFolder&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

}  // namespace

std::string writeInputFile(std::string_view name, Input bytes) {
  static const InputFolder folder;
  const fs::path file = folder.path() / name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) contractBroken("cannot write the input file " + file.string());
  return file.string();
}

std::string_view extensionFor(Input bytes) {
  const std::span<const std::string_view> known = library::audioExtensions();
  return bytes.empty() ? known.front() : known[bytes.front() % known.size()];
}

Input afterSelector(Input bytes) {
  return bytes.empty() ? bytes : bytes.subspan(1);
}

void contractBroken(std::string_view what) {
  std::fprintf(stderr, "fuzz contract broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

}  // namespace songspace::fuzz::detail
