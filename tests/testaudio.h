#pragma once

// Real audio files for the scan / train tests: WAV written here (16-bit PCM, optionally with an
// ID3v2.3 "id3 " chunk that TagLib reads as the file's tags), synthetic "artists" whose sound
// differs clearly, and damaged copies of the fixtures in tests/data/audio.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "tests/testpaths.h"

namespace songspace::testaudio {

namespace fs = std::filesystem;

inline fs::path fixture(const std::string& name) {
  return songspace::test::testDataDir() / "audio" / name;
}

struct WavTags {
  std::string title, artist, album, genre;
};

namespace detail {

inline void put16(std::string& s, std::uint32_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
}
inline void put32(std::string& s, std::uint32_t v) {
  put16(s, v & 0xFFFF);
  put16(s, v >> 16);
}
inline void put32be(std::string& s, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xFF));
}

// ID3v2.3: plain big-endian frame sizes, synchsafe tag size; text frames in UTF-8 would need
// v2.4, so the text is ISO-8859-1 (encoding byte 0) and the tests use ASCII.
inline std::string id3v23(const WavTags& tags) {
  std::string frames;
  auto frame = [&](const char* id, const std::string& text) {
    if (text.empty()) return;
    frames.append(id, 4);
    put32be(frames, static_cast<std::uint32_t>(text.size() + 1));
    frames.append(2, '\0');
    frames.push_back('\0');
    frames += text;
  };
  frame("TIT2", tags.title);
  frame("TPE1", tags.artist);
  frame("TALB", tags.album);
  frame("TCON", tags.genre);
  std::string out = "ID3";
  out.push_back(3);
  out.push_back(0);
  out.push_back(0);
  const auto size = static_cast<std::uint32_t>(frames.size());
  for (int shift = 21; shift >= 0; shift -= 7)
    out.push_back(static_cast<char>((size >> shift) & 0x7F));
  return out + frames;
}

inline std::string wavHeader(std::uint32_t dataBytes, int rate, std::uint32_t extraChunkBytes) {
  std::string h = "RIFF";
  put32(h, 36 + dataBytes + extraChunkBytes);
  h += "WAVEfmt ";
  put32(h, 16);
  put16(h, 1);  // PCM
  put16(h, 1);  // mono
  put32(h, static_cast<std::uint32_t>(rate));
  put32(h, static_cast<std::uint32_t>(rate) * 2);
  put16(h, 2);
  put16(h, 16);
  h += "data";
  put32(h, dataBytes);
  return h;
}

inline std::int16_t toPcm(float x) {
  const float clamped = std::max(-1.0f, std::min(1.0f, x));
  return static_cast<std::int16_t>(std::lround(clamped * 32767.0f));
}

}  // namespace detail

// Mono 16-bit WAV; tags (if any) go into an "id3 " chunk after the data.
inline bool writeWav(const fs::path& path, const std::vector<float>& samples, int rate,
                     const WavTags* tags = nullptr) {
  std::string chunk;
  if (tags != nullptr) {
    const std::string id3 = detail::id3v23(*tags);
    chunk = "id3 ";
    detail::put32(chunk, static_cast<std::uint32_t>(id3.size()));
    chunk += id3;
    if (id3.size() % 2 != 0) chunk.push_back('\0');
  }
  const auto dataBytes = static_cast<std::uint32_t>(samples.size() * 2);
  std::string body = detail::wavHeader(dataBytes, rate, static_cast<std::uint32_t>(chunk.size()));
  body.reserve(body.size() + dataBytes + chunk.size());
  for (const float x : samples) detail::put16(body, static_cast<std::uint16_t>(detail::toPcm(x)));
  body += chunk;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  return static_cast<bool>(out);
}

// A long WAV written in blocks (never whole in memory): a slow sweep with a little noise.
inline bool writeLongWav(const fs::path& path, double seconds, int rate) {
  const auto total = static_cast<std::uint64_t>(seconds * rate);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const std::string header = detail::wavHeader(static_cast<std::uint32_t>(total * 2), rate, 0);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> noise(-0.05f, 0.05f);
  std::string block;
  double phase = 0;
  for (std::uint64_t i = 0; i < total; ++i) {
    const double t = static_cast<double>(i) / rate;
    phase += 2 * M_PI * (200.0 + 150.0 * std::sin(t * 0.01)) / rate;
    detail::put16(block, static_cast<std::uint16_t>(detail::toPcm(
                             static_cast<float>(0.4 * std::sin(phase)) + noise(rng))));
    if (block.size() >= (1u << 16)) {
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
      block.clear();
    }
  }
  out.write(block.data(), static_cast<std::streamsize>(block.size()));
  return static_cast<bool>(out);
}

// Three synthetic "artists" with clearly different timbre; `seed` varies every file.
enum class Style { LowDrone, NoiseBursts, HighChords };

inline std::vector<float> synthesize(Style style, std::uint32_t seed, double seconds,
                                     int rate = 22050) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  const auto n = static_cast<std::size_t>(seconds * rate);
  std::vector<float> x(n, 0.0f);
  auto freq = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  switch (style) {
    case Style::LowDrone: {
      const double f1 = freq(70, 140), f2 = freq(150, 260);
      for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / rate;
        x[i] = static_cast<float>(0.45 * std::sin(2 * M_PI * f1 * t) +
                                  0.25 * std::sin(2 * M_PI * f2 * t)) +
               0.03f * uni(rng);
      }
      break;
    }
    case Style::NoiseBursts: {
      float previous = 0;
      const int burst = static_cast<int>(freq(0.05, 0.12) * rate);
      const int gap = static_cast<int>(freq(0.05, 0.15) * rate);
      for (std::size_t i = 0; i < n; ++i) {
        const float white = uni(rng);
        const float bright = 0.5f * (white - previous);  // first difference: high-pass
        previous = white;
        const bool on = static_cast<int>(i) % (burst + gap) < burst;
        x[i] = on ? bright : 0.01f * bright;
      }
      break;
    }
    case Style::HighChords: {
      double f[3];
      const double chordSeconds = freq(0.4, 0.8);
      std::size_t nextChord = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (i == nextChord) {
          const double root = freq(1800, 2600);
          f[0] = root;
          f[1] = root * 1.25;
          f[2] = root * 1.5;
          nextChord += static_cast<std::size_t>(chordSeconds * rate);
        }
        const double t = static_cast<double>(i) / rate;
        double v = 0;
        for (const double fk : f) v += 0.2 * std::sin(2 * M_PI * fk * t);
        x[i] = static_cast<float>(v);
      }
      break;
    }
  }
  return x;
}

inline bool copyFile(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  return fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec) && !ec;
}

// The first `fraction` of a fixture's bytes (a download cut short).
inline bool truncatedCopy(const fs::path& from, const fs::path& to, double fraction) {
  std::ifstream in(from, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bytes.resize(static_cast<std::size_t>(static_cast<double>(bytes.size()) * fraction));
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

inline bool writeBytes(const fs::path& to, const std::string& bytes) {
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

inline long peakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Runs `work` in a forked child as uid/gid 65534 (the tests run as root, and root bypasses
// permission checks) and returns the string it produced, or nullopt when the child failed.
// The child leaves with _exit, so no Qt or test state of the parent is torn down twice.
inline std::optional<std::string> runAsNobody(const std::function<std::string()>& work) {
  int fds[2];
  if (::pipe(fds) != 0) return std::nullopt;
  const pid_t pid = ::fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    ::close(fds[0]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
    const std::string result = work();
    std::size_t written = 0;
    while (written < result.size()) {
      const ssize_t n = ::write(fds[1], result.data() + written, result.size() - written);
      if (n <= 0) ::_exit(4);
      written += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
    out.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return out;
}

}  // namespace songspace::testaudio
