#pragma once

// A tiny real music library for tests of the whole pipeline: WAV files synthesised here (tone and
// noise mixtures, a different timbre per artist) in one folder per artist, tagged with TagLib
// (artist, album, genre), so scan → train → projection runs on genuine audio in a few seconds.

#include <taglib/fileref.h>
#include <taglib/tag.h>

#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>
#include <cmath>
#include <cstdint>
#include <vector>

namespace songspace::testing {

inline bool writeMonoWav(const QString& path, const std::vector<float>& samples, int rate) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return false;
  auto u32 = [&](std::uint32_t v) { file.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { file.write(reinterpret_cast<const char*>(&v), 2); };
  const auto dataBytes = static_cast<std::uint32_t>(samples.size() * 2);
  file.write("RIFF", 4);
  u32(36 + dataBytes);
  file.write("WAVEfmt ", 8);
  u32(16);
  u16(1);  // PCM
  u16(1);  // mono
  u32(static_cast<std::uint32_t>(rate));
  u32(static_cast<std::uint32_t>(rate * 2));
  u16(2);
  u16(16);
  file.write("data", 4);
  u32(dataBytes);
  for (const float s : samples) {
    const float clamped = std::fmax(-1.0f, std::fmin(1.0f, s));
    u16(static_cast<std::uint16_t>(static_cast<std::int16_t>(clamped * 32000.0f)));
  }
  return file.error() == QFile::NoError;
}

struct SynthArtist {
  QString name, genre;
  double baseHz;     // fundamental of the tone
  double noise;      // share of white noise
  double harmonics;  // decay of the overtones (larger = brighter)
};

inline std::vector<SynthArtist> synthArtists() {
  return {{QStringLiteral("Low Drones"), QStringLiteral("ambient"), 110.0, 0.05, 0.3},
          {QStringLiteral("Bright Bells"), QStringLiteral("electronic"), 880.0, 0.02, 0.8},
          {QStringLiteral("Noise Unit"), QStringLiteral("noise"), 300.0, 0.7, 0.5}};
}

// Writes artists × songsPerArtist files under root/<artist>/; returns their paths.
inline QStringList makeSynthLibrary(const QString& root, int songsPerArtist = 4,
                                    double seconds = 3.0) {
  constexpr int kRate = 22050;
  QStringList paths;
  std::uint32_t rng = 12345;
  auto uniform = [&rng] {
    rng = rng * 1664525u + 1013904223u;
    return static_cast<float>(rng >> 8) / static_cast<float>(1u << 24) * 2.0f - 1.0f;
  };
  for (const SynthArtist& artist : synthArtists()) {
    const QString folder = QDir(root).filePath(artist.name);
    QDir().mkpath(folder);
    for (int song = 0; song < songsPerArtist; ++song) {
      const double f0 = artist.baseHz * (1.0 + 0.07 * song);
      std::vector<float> samples(static_cast<std::size_t>(seconds * kRate));
      for (std::size_t i = 0; i < samples.size(); ++i) {
        const double t = static_cast<double>(i) / kRate;
        double tone = 0;
        for (int h = 1; h <= 6; ++h) {
          tone += std::pow(artist.harmonics, h - 1) * std::sin(2 * M_PI * f0 * h * t);
        }
        const double envelope = 0.6 + 0.4 * std::sin(2 * M_PI * (0.5 + song) * t);
        samples[i] = static_cast<float>(0.3 * envelope * tone * (1 - artist.noise) +
                                        0.5 * artist.noise * uniform());
      }
      const QString path = QDir(folder).filePath(QStringLiteral("song%1.wav").arg(song + 1));
      if (!writeMonoWav(path, samples, kRate)) return {};
      TagLib::FileRef ref(QFile::encodeName(path).constData());
      if (!ref.isNull() && ref.tag()) {
        ref.tag()->setArtist(TagLib::String(artist.name.toStdString(), TagLib::String::UTF8));
        ref.tag()->setAlbum(TagLib::String((artist.name + QStringLiteral(" Album")).toStdString(),
                                           TagLib::String::UTF8));
        ref.tag()->setGenre(TagLib::String(artist.genre.toStdString(), TagLib::String::UTF8));
        ref.tag()->setTitle(TagLib::String(QStringLiteral("Song %1").arg(song + 1).toStdString(),
                                           TagLib::String::UTF8));
        ref.save();
      }
      paths << path;
    }
  }
  return paths;
}

}  // namespace songspace::testing
