#pragma once

// Images for the cover-art tests: solid-colour JPEG / PNG bytes made by Qt, and the bad ones a
// real collection holds (a cut-off JPEG, a PNG header declaring a huge size, text named .jpg).

#include <QBuffer>
#include <QByteArray>
#include <QColor>
#include <QFile>
#include <QImage>
#include <QString>
#include <QtEndian>
#include <cstdlib>

namespace songspace::coverimages {

inline QByteArray encoded(const QColor& colour, int width, int height, const char* format) {
  QImage image(width, height, QImage::Format_RGB32);
  image.fill(colour);
  // A few lines of detail, so the JPEG has real entropy-coded data to cut.
  for (int x = 0; x < width; x += 7) image.setPixelColor(x, height / 2, Qt::white);
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  image.save(&buffer, format);
  return bytes;
}

inline bool writeFile(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// The colour at the image's centre is `expected`, within JPEG's error.
inline bool near(const QColor& actual, const QColor& expected, int tolerance = 24) {
  return std::abs(actual.red() - expected.red()) <= tolerance &&
         std::abs(actual.green() - expected.green()) <= tolerance &&
         std::abs(actual.blue() - expected.blue()) <= tolerance;
}
inline QColor centre(const QImage& image) {
  return image.pixelColor(image.width() / 2, image.height() / 4);
}

inline quint32 crc32(const QByteArray& bytes) {
  quint32 crc = 0xFFFFFFFFu;
  for (const char c : bytes) {
    crc ^= static_cast<quint8>(c);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

inline QByteArray pngChunk(const char* type, const QByteArray& data) {
  QByteArray body = QByteArray(type, 4) + data;
  QByteArray chunk(4, '\0');
  qToBigEndian<quint32>(static_cast<quint32>(data.size()), chunk.data());
  chunk += body;
  QByteArray crc(4, '\0');
  qToBigEndian<quint32>(crc32(body), crc.data());
  return chunk + crc;
}

// A well-formed PNG signature and IHDR declaring width × height (8-bit RGBA), an empty IDAT and
// IEND: a decoder must decide from the header alone.
inline QByteArray pngHeaderOnly(quint32 width, quint32 height) {
  QByteArray ihdr(13, '\0');
  qToBigEndian<quint32>(width, ihdr.data());
  qToBigEndian<quint32>(height, ihdr.data() + 4);
  ihdr[8] = 8;  // bit depth
  ihdr[9] = 6;  // RGBA
  return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) + pngChunk("IDAT", {}) +
         pngChunk("IEND", {});
}

}  // namespace songspace::coverimages
