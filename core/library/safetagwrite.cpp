#include "core/library/safetagwrite.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "audio/decoder.h"
#include "audio/tagview.h"
#include "core/base/filestamp.h"
#include "core/base/fnv1a.h"

namespace songspace::library {
namespace fs = std::filesystem;

namespace {

constexpr const char* kTempMarker = ".songspace-tmp-";

base::Status failure(base::ErrorCode error, const fs::path& file, const std::string& why) {
  return base::Status::failure(error, file.string() + ": " + why);
}

base::ErrorCode errorOfErrno(int err) {
  return err == ENOSPC || err == EFBIG || err == EDQUOT ? base::ErrorCode::DiskFull
                                                        : base::ErrorCode::Io;
}

std::string errnoText(int err) {
  if (err == ENOSPC || err == EDQUOT) return std::string("disk full (") + std::strerror(err) + ")";
  if (err == EFBIG) return "disk full or file too large (" + std::string(std::strerror(err)) + ")";
  return std::strerror(err);
}

// Owns the temporary copy: removes it unless released after the rename.
class TempFile {
 public:
  explicit TempFile(fs::path path) : m_path(std::move(path)) {}
  ~TempFile() {
    if (!m_path.empty()) ::unlink(m_path.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const fs::path& path() const { return m_path; }
  void release() { m_path.clear(); }

 private:
  fs::path m_path;
};

class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }
  int close() {
    const int rc = ::close(m_fd);
    m_fd = -1;
    return rc;
  }

 private:
  int m_fd;
};

fs::path tempPathFor(const fs::path& file) {
  static std::atomic<unsigned> counter{0};
  return file.parent_path() / ("." + file.filename().string() + kTempMarker +
                               std::to_string(::getpid()) + "-" + std::to_string(counter++));
}

// Copies the bytes of `source` into a new file created with O_EXCL; *err is errno on failure.
bool copyContents(const fs::path& source, const fs::path& target, int* err) {
  Fd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return *err = errno, false;
  Fd out(::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (out.get() < 0) return *err = errno, false;
  std::array<char, 1 << 16> buffer{};
  for (;;) {
    const ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return *err = errno, false;
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out.get(), buffer.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return *err = errno, false;
      done += w;
    }
  }
  if (out.close() != 0) return *err = errno, false;
  return true;
}

// The copy's permissions, owner and times become the original's; then its data reaches the disk.
bool finishCopy(const fs::path& copy, const struct stat& original, bool preserveMtime, int* err) {
  Fd fd(::open(copy.c_str(), O_RDWR | O_CLOEXEC));
  if (fd.get() < 0) return *err = errno, false;
  if (::fchmod(fd.get(), original.st_mode & 07777) != 0) return *err = errno, false;
  // Only root may give a file away; a user's own file keeps its owner anyway.
  if (::geteuid() == 0) (void)::fchown(fd.get(), original.st_uid, original.st_gid);
  if (preserveMtime) {
    const struct timespec times[2] = {original.st_atim, original.st_mtim};
    if (::futimens(fd.get(), times) != 0) return *err = errno, false;
  }
  if (::fsync(fd.get()) != 0) return *err = errno, false;
  if (fd.close() != 0) return *err = errno, false;
  return true;
}

std::uint64_t freeBytes(const fs::path& dir) {
  struct statvfs info {};
  if (::statvfs(dir.c_str(), &info) != 0) return ~std::uint64_t{0};
  return static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
}

bool syncDirectory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return fd.get() >= 0 && ::fsync(fd.get()) == 0;
}

bool sameValues(const fs::path& file, audio::TagField field, const std::vector<std::string>& want,
                std::string* why) {
  std::vector<std::string> got;
  if (const auto status = audio::readTagField(file, field, got); !status.ok()) {
    *why = std::string("cannot read back ") + audio::tagFieldName(field) + ": " + status.message;
    return false;
  }
  if (got == want) return true;
  *why = std::string(audio::tagFieldName(field)) + " does not read back as written";
  return false;
}

// The view without the keys the written fields may change.
audio::TagView withoutFields(audio::TagView view, const std::vector<FieldValues>& fields) {
  std::erase_if(view, [&](const auto& entry) {
    for (const auto& f : fields) {
      if (audio::isTagViewKeyOf(entry.first, f.field)) return true;
    }
    return false;
  });
  return view;
}

// What differs between two views, in words (the first few keys).
std::string viewDifference(const audio::TagView& before, const audio::TagView& after) {
  std::string keys;
  int shown = 0;
  const auto note = [&](const std::string& key, const char* what) {
    if (shown++ < 4) keys += (keys.empty() ? "" : ", ") + key + " " + what;
  };
  for (const auto& [key, values] : before) {
    const auto it = after.find(key);
    if (it == after.end()) {
      note(key, "lost");
    } else if (it->second != values) {
      note(key, "changed");
    }
  }
  for (const auto& [key, values] : after) {
    if (!before.count(key)) note(key, "appeared");
  }
  if (shown > 4) keys += ", ...";
  return keys;
}

}  // namespace

std::string tagViewChange(const audio::TagView& before, const audio::TagView& after,
                          const std::vector<FieldValues>& fields) {
  const audio::TagView kept = withoutFields(before, fields);
  const audio::TagView now = withoutFields(after, fields);
  return kept == now ? std::string() : viewDifference(kept, now);
}

base::Status writeBlocker(const fs::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return failure(base::ErrorCode::NotFound, file, "no such file");
  }
  if (::access(file.c_str(), W_OK) != 0 || (info.st_mode & S_IWUSR) == 0) {
    return failure(base::ErrorCode::ReadOnly, file, "the file is read-only");
  }
  const fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  struct stat dirInfo {};
  if (::access(dir.c_str(), W_OK | X_OK) != 0 ||
      (::stat(dir.c_str(), &dirInfo) == 0 && (dirInfo.st_mode & S_IWUSR) == 0)) {
    return failure(base::ErrorCode::ReadOnly, file, "its folder is read-only");
  }
  if (info.st_nlink > 1) {
    return failure(base::ErrorCode::HardLinked, file,
                   "has " + std::to_string(info.st_nlink) +
                       " hard links; writing a new copy would split them");
  }
  // Every reason TagLib cannot write the file counts as Unsupported here: the file itself is
  // readable and writable (checked above), so what is left is its format.
  if (const base::Status writable = audio::checkTagWritable(file); !writable.ok()) {
    return failure(
        base::ErrorCode::Unsupported, file,
        writable.message.empty() ? "cannot write tags into this format" : writable.message);
  }
  return base::Status::success();
}

bool isSongspaceTempName(const std::string& name) {
  return !name.empty() && name.front() == '.' && name.find(kTempMarker) != std::string::npos;
}

int removeStaleTempFiles(const fs::path& dir) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!isSongspaceTempName(name)) continue;
    // The pid sits between the marker and the last '-'.
    const std::size_t start = name.rfind(kTempMarker) + std::strlen(kTempMarker);
    const std::size_t dash = name.find('-', start);
    if (dash == std::string::npos) continue;
    const long pid = std::strtol(name.substr(start, dash - start).c_str(), nullptr, 10);
    const bool alive =
        pid > 0 && pid != ::getpid() && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
    if (alive) continue;  // another Songspace is writing this one right now
    if (::unlink(entry.path().c_str()) == 0) ++removed;
  }
  return removed;
}

base::Status decodedAudioHash(const fs::path& file, std::uint64_t& hash,
                              const std::string& logName) {
  base::Fnv1a64 h;
  std::int64_t samples = 0;
  audio::DecodeOptions options;
  options.minSeconds = 0.0;  // tag writing concerns files of any length
  options.logName = logName;
  base::Status status = audio::decodeAudio(
      file,
      [&](std::span<const float> block) {
        h.add(block.data(), block.size_bytes());
        samples += static_cast<std::int64_t>(block.size());
        return true;
      },
      nullptr, options);
  if (status.ok()) hash = h.value() ^ static_cast<std::uint64_t>(samples);
  return status;
}

SafeWriteResult safeWriteTags(const fs::path& requested, const std::vector<FieldValues>& fields,
                              const SafeWriteOptions& options) {
  std::error_code ec;
  // Write where the data lives: renaming over a symlink would replace the link itself.
  const fs::path file = fs::canonical(requested, ec);
  if (ec) return {failure(base::ErrorCode::NotFound, requested, "no such file"), {}};
  if (auto blocker = writeBlocker(file); !blocker.ok()) return {std::move(blocker), {}};

  struct stat original {};
  if (::stat(file.c_str(), &original) != 0) {
    return {failure(base::ErrorCode::NotFound, file, std::strerror(errno)), {}};
  }
  const base::FileStamp before = base::fileStampOf(original);
  if (options.expectedStamp && *options.expectedStamp != before) {
    return {failure(base::ErrorCode::Changed, file, "changed on disk since it was read"), {}};
  }

  // What must survive: everything every tag of the file holds, but the written fields.
  audio::TagView viewBefore;
  if (const auto status = audio::readTagView(file, viewBefore); !status.ok()) {
    return {failure(base::ErrorCode::Unsupported, file, "cannot read its tags: " + status.message),
            {}};
  }
  std::uint64_t audioBefore = 0;
  std::string why;
  if (const auto decoded = decodedAudioHash(file, audioBefore); !decoded.ok()) {
    return {
        failure(base::ErrorCode::Unsupported, file, "cannot decode its audio: " + decoded.message),
        {}};
  }

  TempFile temp(tempPathFor(file));
  int err = 0;
  if (!copyContents(file, temp.path(), &err)) {
    return {failure(errorOfErrno(err), file, "cannot copy: " + errnoText(err)), {}};
  }
  for (const auto& f : fields) {
    const auto status = f.stored.empty() ? audio::writeTagField(temp.path(), f.field, f.values)
                                         : audio::restoreTagField(temp.path(), f.field, f.stored);
    if (!status.ok()) {
      // TagLib does not pass errno on: tell a full disk by the free space left.
      const bool full = freeBytes(file.parent_path()) < static_cast<std::uint64_t>(before.size);
      return {failure(full ? base::ErrorCode::DiskFull : base::ErrorCode::Io, file,
                      std::string(full ? "disk full: " : "") +
                          "writing the copy failed: " + status.message),
              {}};
    }
  }
  for (const auto& f : fields) {
    if (!sameValues(temp.path(), f.field, f.values, &why)) {
      return {failure(base::ErrorCode::VerifyFailed, file, why), {}};
    }
  }
  audio::TagView viewAfter;
  if (const auto status = audio::readTagView(temp.path(), viewAfter); !status.ok()) {
    return {failure(base::ErrorCode::VerifyFailed, file,
                    "cannot read back the copy's tags: " + status.message),
            {}};
  }
  if (const std::string change = tagViewChange(viewBefore, viewAfter, fields); !change.empty()) {
    return {
        failure(base::ErrorCode::VerifyFailed, file,
                "the write would change other tags (" + change + "); the file was left as it was"),
        {}};
  }
  std::uint64_t audioAfter = 0;
  if (const auto decoded = decodedAudioHash(temp.path(), audioAfter,
                                            file.string() + " (its copy with the new tags)");
      !decoded.ok()) {
    return {failure(base::ErrorCode::AudioChanged, file,
                    "the copy's audio cannot be decoded: " + decoded.message),
            {}};
  }
  if (audioAfter != audioBefore) {
    return {failure(base::ErrorCode::AudioChanged, file, "the copy's audio differs"), {}};
  }
  if (!finishCopy(temp.path(), original, options.preserveMtime, &err)) {
    return {failure(errorOfErrno(err), file, "cannot finish the copy: " + errnoText(err)), {}};
  }
  // Last check before the point of no return: nobody wrote the original meanwhile.
  const auto now = base::fileStamp(file);
  if (!now || *now != before) {
    return {failure(base::ErrorCode::Changed, file, "changed on disk while the tags were written"),
            {}};
  }
  if (::rename(temp.path().c_str(), file.c_str()) != 0) {
    err = errno;
    return {failure(errorOfErrno(err), file, "cannot replace the file: " + errnoText(err)), {}};
  }
  temp.release();
  // The rename is done; a failed directory sync only weakens durability, not correctness.
  (void)syncDirectory(file.parent_path());
  return {base::Status::success(), base::fileStamp(file).value_or(base::FileStamp{})};
}

}  // namespace songspace::library
