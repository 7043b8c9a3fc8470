#include "audio/taglibsupport.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <taglib/apetag.h>
#include <taglib/flacfile.h>
#include <taglib/id3v1genres.h>
#include <taglib/id3v1tag.h>
#include <taglib/id3v2tag.h>
#include <taglib/mpegfile.h>
#include <taglib/tfile.h>
#include <taglib/xiphcomment.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace songspace::audio::detail {

namespace {

bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0' || c == '\v' || c == '\f';
}

// The container a file's first bytes announce, or nullptr. Used only after TagLib refused the
// file, to tell a damaged audio file (Corrupt) from something that never was audio (NotAudio).
const char* sniffContainer(const std::filesystem::path& file) {
  std::array<char, 12> head{};
  std::ifstream in(file, std::ios::binary);
  in.read(head.data(), head.size());
  const auto n = static_cast<std::size_t>(in.gcount());
  const auto startsWith = [&](std::size_t offset, const char* magic) {
    const std::size_t len = std::strlen(magic);
    return n >= offset + len && std::memcmp(head.data() + offset, magic, len) == 0;
  };
  if (startsWith(0, "ID3")) return "MP3 (ID3v2)";
  if (startsWith(0, "fLaC")) return "FLAC";
  if (startsWith(0, "OggS")) return "Ogg";
  if (startsWith(0, "RIFF") && startsWith(8, "WAVE")) return "WAV";
  if (startsWith(0, "FORM") && (startsWith(8, "AIFF") || startsWith(8, "AIFC"))) return "AIFF";
  if (startsWith(4, "ftyp")) return "MP4";
  if (startsWith(0, "MAC ")) return "Monkey's Audio";
  if (startsWith(0, "wvpk")) return "WavPack";
  return nullptr;
}

}  // namespace

std::string trimmed(const std::string& s) {
  std::size_t begin = 0;
  std::size_t end = s.size();
  while (begin < end && isBlank(s[begin])) ++begin;
  while (end > begin && isBlank(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

void appendValues(std::vector<std::string>& out, const TagLib::StringList& values) {
  for (const auto& value : values) {
    std::string text = trimmed(toUtf8(value));
    if (!text.empty()) out.push_back(std::move(text));
  }
}

bool equalsIgnoreCase(const TagLib::String& a, const char* b) {
  return a.upper() == TagLib::String(b).upper();
}

std::string resolveId3Genre(const std::string& value) {
  std::string digits = value;
  if (digits.size() > 2 && digits.front() == '(' && digits.back() == ')') {
    digits = digits.substr(1, digits.size() - 2);
  }
  if (digits.empty() || digits.size() > 3) return value;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return value;
  }
  const TagLib::String name = TagLib::ID3v1::genre(std::stoi(digits));
  return name.isEmpty() ? value : toUtf8(name);
}

TagLib::PropertyMap playerProperties(TagLib::File& file) {
  TagLib::PropertyMap merged;
  const auto add = [&merged](const TagLib::PropertyMap& map) {
    for (const auto& [key, values] : map) {
      if (!merged.contains(key)) merged.insert(key, values);
    }
  };
  // Tag::properties() is not virtual in TagLib 1.x: each tag is asked as its own type.
  if (auto* mpeg = dynamic_cast<TagLib::MPEG::File*>(&file)) {
    if (mpeg->hasID3v2Tag()) add(mpeg->ID3v2Tag()->properties());
    if (mpeg->hasAPETag()) add(mpeg->APETag()->properties());
    if (mpeg->hasID3v1Tag()) add(mpeg->ID3v1Tag()->properties());
    return merged;
  }
  if (auto* flac = dynamic_cast<TagLib::FLAC::File*>(&file)) {
    if (flac->hasXiphComment() && !flac->xiphComment()->isEmpty()) {
      return flac->xiphComment()->properties();
    }
    if (flac->hasID3v2Tag()) add(flac->ID3v2Tag()->properties());
    if (flac->hasID3v1Tag()) add(flac->ID3v1Tag()->properties());
    return merged;
  }
  return file.properties();
}

base::Status openWithTagLib(const std::filesystem::path& file, bool forWriting,
                            std::unique_ptr<TagLib::FileRef>& ref) {
  ref.reset();
  const std::string where = file.string();
  // The access questions are asked with open(2) first, so errno tells them apart: TagLib
  // silently opens a file it cannot write read-only and reports an unreadable one only as
  // "null", and stat() on a path behind an untraversable folder looks like "not found".
  const int fd = ::open(file.c_str(), (forWriting ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    switch (err) {
      case ENOENT:
      case ENOTDIR:
        return base::Status::failure(base::ErrorCode::NotFound, where + ": no such file");
      case EACCES:
      case EPERM:
      case EROFS:
        return base::Status::failure(base::ErrorCode::PermissionDenied,
                                     where + ": " + std::strerror(err));
      case EISDIR:
        return base::Status::failure(base::ErrorCode::NotAudio, where + ": is a directory");
      default:
        return base::Status::failure(base::ErrorCode::Io, where + ": " + std::strerror(err));
    }
  }
  struct stat info {};
  const int statResult = ::fstat(fd, &info);
  const int statErrno = errno;
  ::close(fd);
  if (statResult != 0) {
    return base::Status::failure(base::ErrorCode::Io, where + ": " + std::strerror(statErrno));
  }
  if (S_ISDIR(info.st_mode)) {
    return base::Status::failure(base::ErrorCode::NotAudio, where + ": is a directory");
  }
  if (info.st_size == 0) {
    return base::Status::failure(base::ErrorCode::TooShort, where + ": empty file (0 bytes)");
  }

  // FileName from the native bytes, so names that are not valid UTF-8 still open.
  auto opened = std::make_unique<TagLib::FileRef>(TagLib::FileName(file.c_str()), true,
                                                  TagLib::AudioProperties::Average);
  // TagLib's MPEG reader accepts any bytes (a text file named .mp3 is "valid"), so a file with
  // no decodable stream parameters is treated as not-audio as well.
  const bool unreadable = opened->isNull() || !opened->file()->isValid() ||
                          opened->audioProperties() == nullptr ||
                          opened->audioProperties()->sampleRate() <= 0;
  if (unreadable) {
    if (const char* container = sniffContainer(file)) {
      return base::Status::failure(base::ErrorCode::Corrupt, where + ": starts like " + container +
                                                                 " but TagLib cannot parse it");
    }
    return base::Status::failure(base::ErrorCode::NotAudio,
                                 where + ": not an audio format TagLib recognises");
  }
  ref = std::move(opened);
  return base::Status::success();
}

}  // namespace songspace::audio::detail
