// JointModel::save / load: the versioned, checksummed, atomically written model file.
//
// Layout (all integers and floats little-endian):
//   "SSMODEL\0" | u32 format version | u64 payload size | payload | u32 CRC-32(payload)
// Payload (version 1): f32 maxNorm; three matrices V, A, T as (u32 rows, u32 cols, rows*cols f32
// column-major); artist names, tag names (u32 count, then u32 length + bytes each); info map
// (u32 count, key, value); FeatureSpace (i32 codewords, f32 summaryWeight, idf, mean, invStd as
// u32 size + f32s); codebook (u64 size + bytes).
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>

#include "core/base/crc32.h"
#include "core/model/jointmodel.h"

namespace songspace::core {

namespace {

constexpr std::array<char, 8> kMagic{'S', 'S', 'M', 'O', 'D', 'E', 'L', '\0'};
constexpr std::uint32_t kFormatVersion = 1;
constexpr std::size_t kHeaderSize = 8 + 4 + 8;
constexpr std::size_t kTrailerSize = 4;
// Far above any real model (10^6 songs are not stored; V is d × F), far below a size that would
// make a corrupted length field allocate the machine away.
constexpr std::uint64_t kMaxFileSize = std::uint64_t{1} << 34;

class Writer {
 public:
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) m_bytes.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) m_bytes.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void f32(float v) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, 4);
    u32(bits);
  }
  void raw(const void* data, std::size_t n) {
    if (n == 0) return;
    const std::size_t at = m_bytes.size();
    m_bytes.resize(at + n);
    std::memcpy(m_bytes.data() + at, data, n);
  }
  void str(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    raw(s.data(), s.size());
  }
  void floats(const float* data, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) f32(data[i]);
  }
  void vector(const Eigen::VectorXf& v) {
    u32(static_cast<std::uint32_t>(v.size()));
    floats(v.data(), static_cast<std::size_t>(v.size()));
  }
  void matrix(const Eigen::MatrixXf& m) {
    u32(static_cast<std::uint32_t>(m.rows()));
    u32(static_cast<std::uint32_t>(m.cols()));
    floats(m.data(), static_cast<std::size_t>(m.size()));
  }
  std::vector<std::uint8_t>& bytes() { return m_bytes; }

 private:
  std::vector<std::uint8_t> m_bytes;
};

// Bounds-checked reader: every length is compared with what is left before anything is allocated.
class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}
  bool ok() const { return m_error.empty(); }
  const std::string& error() const { return m_error; }
  std::size_t remaining() const { return m_size - m_pos; }

  std::uint32_t u32() {
    if (!need(4, "a 32-bit field")) return 0;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t{m_data[m_pos + i]} << (8 * i);
    m_pos += 4;
    return v;
  }
  std::uint64_t u64() {
    const std::uint64_t lo = u32();
    const std::uint64_t hi = u32();
    return lo | (hi << 32);
  }
  float f32() {
    const std::uint32_t bits = u32();
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
  }
  std::string str(const char* what) {
    const std::uint32_t n = u32();
    if (!need(n, what)) return {};
    std::string s(reinterpret_cast<const char*>(m_data + m_pos), n);
    m_pos += n;
    return s;
  }
  bool count(std::uint64_t n, std::size_t minBytesEach, const char* what) {
    return needItems(n, minBytesEach, what);
  }
  Eigen::VectorXf vector(const char* what) {
    const std::uint32_t n = u32();
    if (!needItems(n, 4, what)) return {};
    Eigen::VectorXf v(n);
    for (std::uint32_t i = 0; i < n; ++i) v[i] = f32();
    return v;
  }
  Eigen::MatrixXf matrix(const char* what) {
    const std::uint64_t rows = u32();
    const std::uint64_t cols = u32();
    if (!needItems(rows * cols, 4, what)) return {};  // rows, cols < 2^32: no overflow
    Eigen::MatrixXf m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = f32();
    return m;
  }
  std::vector<std::uint8_t> bytes(const char* what) {
    const std::uint64_t n = u64();
    if (!needItems(n, 1, what)) return {};
    std::vector<std::uint8_t> out(static_cast<std::size_t>(n));
    if (n > 0) std::memcpy(out.data(), m_data + m_pos, out.size());
    m_pos += out.size();
    return out;
  }
  void fail(const std::string& message) {
    if (m_error.empty()) m_error = message;
  }

 private:
  bool need(std::uint64_t n, const char* what) {
    if (!ok()) return false;
    if (n > remaining()) {
      fail(std::string("implausible size for ") + what + " (" + std::to_string(n) +
           " bytes, only " + std::to_string(remaining()) + " left)");
      return false;
    }
    return true;
  }
  bool needItems(std::uint64_t n, std::size_t bytesEach, const char* what) {
    if (!ok()) return false;
    if (n > remaining() / bytesEach) {
      fail(std::string("implausible size for ") + what + " (" + std::to_string(n) +
           " entries, only " + std::to_string(remaining()) + " bytes left)");
      return false;
    }
    return true;
  }

  const std::uint8_t* m_data;
  std::size_t m_size;
  std::size_t m_pos = 0;
  std::string m_error;
};

void setError(std::string* error, const std::string& message) {
  if (error) *error = message;
}

std::vector<std::string> readNames(Reader& in, const char* what) {
  const std::uint32_t n = in.u32();
  std::vector<std::string> names;
  if (!in.count(n, 4, what)) return names;
  names.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) names.push_back(in.str(what));
  return names;
}

}  // namespace

bool JointModel::save(const std::filesystem::path& file, std::string* error) const {
  Writer payload;
  payload.f32(maxNorm);
  payload.matrix(V);
  payload.matrix(A);
  payload.matrix(T);
  for (const auto* names : {&artistNames, &tagNames}) {
    payload.u32(static_cast<std::uint32_t>(names->size()));
    for (const std::string& name : *names) payload.str(name);
  }
  payload.u32(static_cast<std::uint32_t>(info.size()));
  for (const auto& [key, value] : info) {
    payload.str(key);
    payload.str(value);
  }
  payload.u32(static_cast<std::uint32_t>(features.codewords));
  payload.f32(features.summaryWeight);
  payload.vector(features.idf);
  payload.vector(features.summaryMean);
  payload.vector(features.summaryInvStd);
  payload.u64(codebook.size());
  payload.raw(codebook.data(), codebook.size());

  const std::vector<std::uint8_t>& body = payload.bytes();
  Writer head;
  head.raw(kMagic.data(), kMagic.size());
  head.u32(kFormatVersion);
  head.u64(body.size());
  Writer tail;
  tail.u32(crc32(body.data(), body.size()));

  // Write beside the target, make it durable, then rename: a reader sees the old file or the new
  // one, never half of either.
  std::filesystem::path temp = file;
  temp += ".tmp-" + std::to_string(::getpid());
  std::FILE* out = std::fopen(temp.c_str(), "wb");
  if (!out) {
    setError(error, "cannot create " + temp.string() + ": " + std::strerror(errno));
    return false;
  }
  bool ok = std::fwrite(head.bytes().data(), 1, head.bytes().size(), out) == head.bytes().size() &&
            std::fwrite(body.data(), 1, body.size(), out) == body.size() &&
            std::fwrite(tail.bytes().data(), 1, tail.bytes().size(), out) == tail.bytes().size() &&
            std::fflush(out) == 0 && ::fsync(::fileno(out)) == 0;
  const int writeErrno = errno;
  ok = (std::fclose(out) == 0) && ok;
  if (!ok) {
    setError(error, "cannot write " + temp.string() + ": " + std::strerror(writeErrno));
    std::remove(temp.c_str());
    return false;
  }
  if (std::rename(temp.c_str(), file.c_str()) != 0) {
    setError(error, "cannot rename " + temp.string() + " to " + file.string() + ": " +
                        std::strerror(errno));
    std::remove(temp.c_str());
    return false;
  }
  return true;
}

bool JointModel::load(const std::filesystem::path& file, JointModel& out, std::string* error) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    setError(error, "cannot open " + file.string());
    return false;
  }
  in.seekg(0, std::ios::end);
  const std::streamoff fileSize = in.tellg();
  in.seekg(0, std::ios::beg);
  if (fileSize < 0 || static_cast<std::uint64_t>(fileSize) > kMaxFileSize) {
    setError(error, file.string() + ": implausible file size");
    return false;
  }
  std::vector<std::uint8_t> data(static_cast<std::size_t>(fileSize));
  if (!in.read(reinterpret_cast<char*>(data.data()), fileSize)) {
    setError(error, "cannot read " + file.string());
    return false;
  }
  const std::string where = file.string() + ": ";
  if (data.size() < kMagic.size() || std::memcmp(data.data(), kMagic.data(), kMagic.size()) != 0) {
    setError(error, where + "not a Songspace model file (wrong magic)");
    return false;
  }
  Reader header(data.data() + kMagic.size(), data.size() - kMagic.size());
  const std::uint32_t version = header.u32();
  const std::uint64_t payloadSize = header.u64();
  if (!header.ok()) {
    setError(error, where + "truncated file (incomplete header)");
    return false;
  }
  if (version != kFormatVersion) {
    setError(error, where + "unsupported format version " + std::to_string(version) +
                        " (this build reads version " + std::to_string(kFormatVersion) + ")");
    return false;
  }
  const std::uint64_t available = data.size() - kHeaderSize;
  if (payloadSize > available || available - payloadSize < kTrailerSize) {
    setError(error, where + "truncated file (" + std::to_string(data.size()) +
                        " bytes, header says " +
                        std::to_string(payloadSize + kHeaderSize + kTrailerSize) + ")");
    return false;
  }
  if (available - payloadSize > kTrailerSize) {
    setError(error, where + "unexpected bytes after the checksum");
    return false;
  }
  const std::uint8_t* body = data.data() + kHeaderSize;
  Reader trailer(body + payloadSize, kTrailerSize);
  if (trailer.u32() != crc32(body, payloadSize)) {
    setError(error, where + "checksum mismatch (the file is corrupted)");
    return false;
  }

  Reader r(body, payloadSize);
  JointModel model;
  model.maxNorm = r.f32();
  model.V = r.matrix("V");
  model.A = r.matrix("A");
  model.T = r.matrix("T");
  model.artistNames = readNames(r, "artist names");
  model.tagNames = readNames(r, "tag names");
  const std::uint32_t infoCount = r.u32();
  if (r.count(infoCount, 8, "info")) {
    for (std::uint32_t i = 0; i < infoCount && r.ok(); ++i) {
      std::string key = r.str("info key");
      model.info[key] = r.str("info value");
    }
  }
  model.features.codewords = static_cast<int>(r.u32());
  model.features.summaryWeight = r.f32();
  model.features.idf = r.vector("idf");
  model.features.summaryMean = r.vector("summary mean");
  model.features.summaryInvStd = r.vector("summary inverse std");
  model.codebook = r.bytes("codebook");
  if (r.ok() && r.remaining() != 0) r.fail("unexpected bytes at the end of the payload");
  // Sizes that passed the checksum can still disagree with each other (a writer bug): refuse them.
  // Names and the feature space may be absent (a model trained on bare indices), never mismatched.
  if (r.ok()) {
    const bool shapes =
        (model.A.cols() == 0 || model.A.rows() == model.V.rows()) &&
        (model.T.cols() == 0 || model.T.rows() == model.V.rows()) &&
        (model.artistNames.empty() ||
         model.A.cols() == static_cast<Eigen::Index>(model.artistNames.size())) &&
        (model.tagNames.empty() ||
         model.T.cols() == static_cast<Eigen::Index>(model.tagNames.size())) &&
        model.features.codewords >= 0 && model.features.idf.size() == model.features.codewords &&
        model.features.summaryMean.size() == model.features.summaryInvStd.size() &&
        (model.features.dimension() == 0 || model.V.cols() == model.features.dimension());
    if (!shapes) r.fail("inconsistent sizes between sections");
  }
  if (!r.ok()) {
    setError(error, where + r.error());
    return false;
  }
  out = std::move(model);
  return true;
}

}  // namespace songspace::core
