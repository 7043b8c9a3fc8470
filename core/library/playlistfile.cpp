#include "core/library/playlistfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStringDecoder>
#include <QXmlStreamReader>
#include <algorithm>
#include <map>
#include <system_error>
#include <utility>

#include "core/catalog/catalog.h"

namespace songspace::library {

namespace fs = std::filesystem;

namespace {

struct DecodedText {
  QString text;
  std::string encoding;
};

// Windows-1252 through ICU when Qt has it (Debian's does); Latin-1 otherwise, which differs
// only in 0x80–0x9F (curly quotes, €, Œ, …) and is never invalid either.
DecodedText decodeWindows1252(QByteArrayView bytes) {
  QStringDecoder cp1252("windows-1252");
  if (cp1252.isValid()) return {cp1252.decode(bytes), "Windows-1252"};
  return {QString::fromLatin1(bytes), "ISO-8859-1"};
}

// Valid UTF-8 as such, anything else as Windows-1252 (see the header for why).
QString decodeBytes(QByteArrayView bytes) {
  if (isValidUtf8(std::string_view(bytes.data(), bytes.size()))) return QString::fromUtf8(bytes);
  return decodeWindows1252(bytes).text;
}

DecodedText decodeText(QByteArrayView bytes, PlaylistFormat format) {
  const auto bom = QStringConverter::encodingForData(bytes);
  if (bom && (bytes.startsWith("\xEF\xBB\xBF") || bytes.startsWith("\xFF\xFE") ||
              bytes.startsWith("\xFE\xFF"))) {
    QStringDecoder decoder(*bom);  // skips the BOM; invalid sequences become U+FFFD
    const QString text = decoder.decode(bytes);
    return {text, QStringConverter::nameForEncoding(*bom)};
  }
  if (isValidUtf8(std::string_view(bytes.data(), bytes.size())))
    return {QString::fromUtf8(bytes), "UTF-8"};
  DecodedText decoded = decodeWindows1252(bytes);
  if (format == PlaylistFormat::M3u8) decoded.encoding += " (not valid UTF-8)";
  return decoded;
}

bool hasUtf16Bom(QByteArrayView bytes) {
  return bytes.startsWith("\xFF\xFE") || bytes.startsWith("\xFE\xFF");
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX sequences to bytes; a '%' not followed by two hex digits stays as it is.
QByteArray percentDecode(const QByteArray& s) {
  QByteArray out;
  out.reserve(s.size());
  for (qsizetype i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool hasControlCharacters(const QString& s) {
  return std::any_of(s.begin(), s.end(), [](QChar c) {
    return (c.unicode() < 0x20 && c != QLatin1Char('\t')) || c.unicode() == 0x7F;
  });
}

// "C:/…", "C:\…", "C:" followed by anything (a drive-relative path is still a Windows path).
bool startsWithDriveLetter(const QString& s) {
  return s.size() >= 2 && s[0].isLetter() && s[0].unicode() < 0x80 && s[1] == QLatin1Char(':');
}

// The URL scheme of `s` ("http", "file"), or empty: at least two characters, so that a drive
// letter is not taken for one.
QString urlScheme(const QString& s) {
  const qsizetype colon = s.indexOf(QLatin1Char(':'));
  if (colon < 2) return {};
  for (qsizetype i = 0; i < colon; ++i) {
    const QChar c = s[i];
    const bool ok = c.unicode() < 0x80 &&
                    (c.isLetter() || (i > 0 && (c.isDigit() || c == QLatin1Char('+') ||
                                                c == QLatin1Char('-') || c == QLatin1Char('.'))));
    if (!ok) return {};
  }
  return s.left(colon).toLower();
}

QString collapseSlashes(QString s, bool keepLeadingPair) {
  const QString prefix =
      keepLeadingPair && s.startsWith(QStringLiteral("//")) ? QStringLiteral("/") : QString();
  while (s.contains(QStringLiteral("//"))) s.replace(QStringLiteral("//"), QStringLiteral("/"));
  return prefix + s;
}

fs::path toPath(const QString& s) {
  return fs::path(s.toUtf8().toStdString());
}

// Sets kind and path of `item` from a path written with '/' or '\' separators.
void classifyPath(QString p, const fs::path& folder, bool windowsUnc, PlaylistItem& item) {
  p.replace(QLatin1Char('\\'), QLatin1Char('/'));
  if (startsWithDriveLetter(p)) {
    item.kind = PlaylistItem::Kind::Foreign;
    p[0] = p[0].toUpper();
    item.path = toPath(collapseSlashes(p, false));
  } else if (windowsUnc || p.startsWith(QStringLiteral("//"))) {
    // `\\server\share` as written, or `//server/share` (what some Windows tools and Samba
    // shares write).
    item.kind = PlaylistItem::Kind::Foreign;
    item.path = toPath(collapseSlashes(p, true));
  } else if (p.startsWith(QLatin1Char('/'))) {
    item.kind = PlaylistItem::Kind::Local;
    item.path = toPath(p).lexically_normal();
  } else {
    item.kind = PlaylistItem::Kind::Local;
    item.path = (folder / toPath(p)).lexically_normal();
    item.relative = true;
  }
}

// A file URL: file:///abs, file://localhost/abs, file:/abs, file:///C:/…, file://server/share/….
void classifyFileUrl(const QString& url, const fs::path& folder, PlaylistItem& item) {
  QString rest = url.mid(5);  // after "file:"
  // The fragment and query end a URL; a '#' or '?' in a file name is written %23 / %3F.
  const auto end = std::find_if(rest.begin(), rest.end(), [](QChar c) {
    return c == QLatin1Char('?') || c == QLatin1Char('#');
  });
  rest.truncate(end - rest.begin());
  QString host;
  if (rest.startsWith(QStringLiteral("//"))) {
    const qsizetype slash = rest.indexOf(QLatin1Char('/'), 2);
    host = rest.mid(2, slash < 0 ? -1 : slash - 2);
    rest = slash < 0 ? QString() : rest.mid(slash);
  }
  QString path = decodeBytes(percentDecode(rest.toUtf8()));
  // file:///C:/x or the old file:///C|/x
  if (path.size() >= 3 && path[0] == QLatin1Char('/') && path[1].isLetter() &&
      (path[2] == QLatin1Char(':') || path[2] == QLatin1Char('|'))) {
    path = path.mid(1);
    path[1] = QLatin1Char(':');
  }
  const bool local =
      host.isEmpty() || host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0;
  if (!local) path = QStringLiteral("//") + host + path;
  if (path.isEmpty() || hasControlCharacters(path)) {
    item.kind = PlaylistItem::Kind::Invalid;
    return;
  }
  classifyPath(path, folder, !local, item);
}

// `uriReference`: XSPF locations are URIs, so a relative one is percent-decoded too; a plain
// M3U/PLS path is taken literally (a file name may contain '%').
PlaylistItem entryFrom(const QString& written, int line, const fs::path& folder,
                       bool uriReference) {
  PlaylistItem item;
  item.line = line;
  item.written = written.toStdString();
  if (hasControlCharacters(written)) {
    item.kind = PlaylistItem::Kind::Invalid;
    return item;
  }
  const QString scheme = urlScheme(written);
  if (scheme == QLatin1String("file")) {
    classifyFileUrl(written, folder, item);
  } else if (!scheme.isEmpty()) {
    item.kind = PlaylistItem::Kind::Remote;
  } else if (uriReference) {
    classifyPath(decodeBytes(percentDecode(written.toUtf8())), folder, false, item);
  } else {
    classifyPath(written, folder, written.startsWith(QStringLiteral("\\\\")), item);
  }
  return item;
}

// Calls f(lineNumber, line) for each line ending in LF, CRLF or CR.
template <typename F>
void forEachLine(const QString& text, F&& f) {
  int number = 1;
  qsizetype start = 0;
  for (qsizetype i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != QLatin1Char('\n') && text[i] != QLatin1Char('\r')) continue;
    f(number++, QStringView(text).mid(start, i - start));
    if (i + 1 < text.size() && text[i] == QLatin1Char('\r') && text[i + 1] == QLatin1Char('\n'))
      ++i;
    start = i + 1;
  }
}

// "#EXTINF:<seconds>[ key="v, w" …],<title>": the first comma outside quotes ends the header.
void parseExtinf(QStringView body, double& duration, QString& title) {
  bool quoted = false;
  qsizetype comma = -1;
  for (qsizetype i = 0; i < body.size(); ++i) {
    if (body[i] == QLatin1Char('"')) quoted = !quoted;
    if (body[i] == QLatin1Char(',') && !quoted) {
      comma = i;
      break;
    }
  }
  const QStringView header = comma < 0 ? body : body.left(comma);
  title = comma < 0 ? QString() : body.mid(comma + 1).trimmed().toString();
  const QStringView seconds = header.trimmed().split(QLatin1Char(' ')).value(0);
  bool ok = false;
  const double value = seconds.toDouble(&ok);
  duration = ok && value >= 0 ? value : -1;
}

bool full(PlaylistFile& out) {
  if (static_cast<int>(out.items.size()) < kMaxPlaylistEntries) return false;
  if (out.truncated.empty())
    out.truncated =
        "more than " + std::to_string(kMaxPlaylistEntries) + " entries: the rest ignored";
  return true;
}

void parseM3u(const QString& text, const fs::path& folder, PlaylistFile& out) {
  double duration = -1;
  QString title;
  forEachLine(text, [&](int number, QStringView raw) {
    const QStringView line = raw.trimmed();
    if (line.isEmpty() || full(out)) return;
    if (line.startsWith(QLatin1Char('#'))) {
      if (line.startsWith(QLatin1String("#EXTINF:"), Qt::CaseInsensitive)) {
        parseExtinf(line.mid(8), duration, title);
      } else if (line.startsWith(QLatin1String("#PLAYLIST:"), Qt::CaseInsensitive)) {
        if (const QStringView name = line.mid(10).trimmed(); !name.isEmpty())
          out.name = name.toString().toStdString();
      }
      return;
    }
    PlaylistItem item = entryFrom(line.toString(), number, folder, false);
    item.title = title.toStdString();
    item.durationSeconds = duration;
    out.items.push_back(std::move(item));
    duration = -1;
    title.clear();
  });
}

void parsePls(const QString& text, const fs::path& folder, PlaylistFile& out) {
  struct Pending {
    QString file, title;
    int line = 0;
    double length = -1;
  };
  std::map<long long, Pending> byNumber;
  forEachLine(text, [&](int number, QStringView raw) {
    const QStringView line = raw.trimmed();
    const qsizetype eq = line.indexOf(QLatin1Char('='));
    if (eq <= 0 || line.startsWith(QLatin1Char(';')) || line.startsWith(QLatin1Char('#'))) return;
    const QString key = line.left(eq).trimmed().toString().toLower();
    const QStringView value = line.mid(eq + 1).trimmed();
    for (const QLatin1String field :
         {QLatin1String("file"), QLatin1String("title"), QLatin1String("length")}) {
      if (!key.startsWith(field)) continue;
      bool ok = false;
      const long long n = QStringView(key).mid(field.size()).toLongLong(&ok);
      if (!ok || n < 0) return;
      Pending& entry = byNumber[n];
      if (field == QLatin1String("file")) {
        if (entry.line != 0) return;  // a duplicate FileN: the first counts
        entry.file = value.toString();
        entry.line = number;
      } else if (field == QLatin1String("title")) {
        entry.title = value.toString();
      } else {
        const double seconds = value.toDouble(&ok);
        entry.length = ok && seconds >= 0 ? seconds : -1;
      }
      return;
    }
  });
  for (const auto& [n, entry] : byNumber) {
    if (entry.line == 0 || entry.file.isEmpty() || full(out)) continue;
    PlaylistItem item = entryFrom(entry.file, entry.line, folder, false);
    item.title = entry.title.toStdString();
    item.durationSeconds = entry.length;
    out.items.push_back(std::move(item));
  }
}

base::Status parseXspf(const QByteArray& bytes, const fs::path& folder, bool cut,
                       PlaylistFile& out) {
  QXmlStreamReader xml(bytes);
  QStringList open;  // names of the open elements
  PlaylistItem track;
  bool hasLocation = false;
  while (!xml.atEnd() && !full(out)) {
    const auto token = xml.readNext();
    if (token == QXmlStreamReader::EndElement) {
      if (open.size() == 3 && open.back() == QLatin1String("track") && hasLocation)
        out.items.push_back(std::exchange(track, PlaylistItem{}));
      if (!open.isEmpty()) open.pop_back();
      continue;
    }
    if (token != QXmlStreamReader::StartElement) continue;
    const QString name = xml.name().toString();
    const auto line = static_cast<int>(xml.lineNumber());
    open.push_back(name);
    if (open.size() == 1 && name != QLatin1String("playlist")) {
      xml.raiseError(QStringLiteral("not an XSPF playlist (root element <%1>)").arg(name));
      break;
    }
    if (open.size() == 3 && name == QLatin1String("track")) {
      track = PlaylistItem{};
      hasLocation = false;
      continue;
    }
    const bool inTrack = open.size() == 4 && open[2] == QLatin1String("track");
    const bool playlistTitle = open.size() == 2 && name == QLatin1String("title");
    if (!inTrack && !playlistTitle) continue;
    const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements).trimmed();
    open.pop_back();  // readElementText consumed the end element
    if (playlistTitle) {
      if (!text.isEmpty()) out.name = text.toStdString();
    } else if (name == QLatin1String("location") && !hasLocation) {
      PlaylistItem entry = entryFrom(text, line, folder, true);
      entry.title = std::move(track.title);
      entry.creator = std::move(track.creator);
      entry.durationSeconds = track.durationSeconds;
      track = std::move(entry);
      hasLocation = true;
    } else if (name == QLatin1String("title")) {
      track.title = text.toStdString();
    } else if (name == QLatin1String("creator")) {
      track.creator = text.toStdString();
    } else if (name == QLatin1String("duration")) {
      bool ok = false;
      const double ms = text.toDouble(&ok);
      track.durationSeconds = ok && ms >= 0 ? ms / 1000.0 : -1;
    }
  }
  out.encoding = xml.documentEncoding().isEmpty() ? std::string("UTF-8")
                                                  : xml.documentEncoding().toString().toStdString();
  if (xml.hasError() && !(cut && xml.error() == QXmlStreamReader::PrematureEndOfDocumentError)) {
    return base::Status::failure(base::ErrorCode::Corrupt,
                                 "line " + std::to_string(xml.lineNumber()) + ", column " +
                                     std::to_string(xml.columnNumber()) + ": " +
                                     xml.errorString().toStdString());
  }
  return base::Status::success();
}

}  // namespace

bool isValidUtf8(std::string_view bytes) {
  // RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence.
  // (QStringDecoder's error flag misses a truncated last sequence, and in Qt 6.4 a stateless
  // decoder reports no error at all.)
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned low = 0x80;
    unsigned high = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;   // overlong
      if (c == 0xED) high = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;   // overlong
      if (c == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (i + length > n || p[i + 1] < low || p[i + 1] > high) return false;
    for (std::size_t k = 2; k < length; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return false;
    i += length;
  }
  return true;
}

std::optional<PlaylistFormat> playlistFormatOf(const fs::path& file) {
  const QString ext = QString::fromStdString(file.extension().string()).toLower();
  if (ext == QLatin1String(".m3u")) return PlaylistFormat::M3u;
  if (ext == QLatin1String(".m3u8")) return PlaylistFormat::M3u8;
  if (ext == QLatin1String(".pls")) return PlaylistFormat::Pls;
  if (ext == QLatin1String(".xspf")) return PlaylistFormat::Xspf;
  return std::nullopt;
}

const char* playlistFormatName(PlaylistFormat format) {
  switch (format) {
    case PlaylistFormat::M3u:
      return "m3u";
    case PlaylistFormat::M3u8:
      return "m3u8";
    case PlaylistFormat::Pls:
      return "pls";
    case PlaylistFormat::Xspf:
      return "xspf";
  }
  return "m3u";
}

base::Status parsePlaylist(const QByteArray& input, const fs::path& playlistFile,
                           PlaylistFormat format, PlaylistFile& out) {
  out = PlaylistFile{};
  out.format = format;
  out.name = decodeBytes(QByteArray::fromStdString(playlistFile.stem().string())).toStdString();
  const fs::path folder = playlistFile.parent_path();
  QByteArray bytes = input;
  const bool cut = bytes.size() > kMaxPlaylistBytes;
  if (cut) {
    bytes.truncate(kMaxPlaylistBytes);
    // The last line is incomplete: drop it (XSPF ends early instead; see parseXspf).
    if (format != PlaylistFormat::Xspf)
      bytes.truncate(std::max<qsizetype>(bytes.lastIndexOf('\n'), bytes.lastIndexOf('\r')) + 1);
    const std::string mib = std::to_string(kMaxPlaylistBytes >> 20);
    out.truncated = "larger than " + mib + " MiB: only the first " + mib + " MiB read";
  }
  if (!hasUtf16Bom(bytes) && bytes.contains('\0')) {
    out = PlaylistFile{};
    return base::Status::failure(base::ErrorCode::Corrupt, "binary data (NUL bytes at offset " +
                                                               std::to_string(bytes.indexOf('\0')) +
                                                               "), not a playlist");
  }
  if (format == PlaylistFormat::Xspf) {
    base::Status status = parseXspf(bytes, folder, cut, out);
    if (!status.ok()) out = PlaylistFile{};
    return status;
  }
  const DecodedText decoded = decodeText(bytes, format);
  out.encoding = decoded.encoding;
  if (format == PlaylistFormat::Pls) {
    parsePls(decoded.text, folder, out);
  } else {
    parseM3u(decoded.text, folder, out);
  }
  return base::Status::success();
}

base::Status readPlaylistFile(const fs::path& file, PlaylistFile& out) {
  out = PlaylistFile{};
  const std::string where = "playlist " + file.string();
  std::error_code ec;
  const fs::file_status status = fs::status(file, ec);
  if (!fs::exists(status)) {
    return base::Status::failure(base::ErrorCode::NotFound, where + ": no such file");
  }
  if (fs::is_directory(status)) {
    return base::Status::failure(base::ErrorCode::Io, where + ": is a folder, not a file");
  }
  QFile in(QString::fromStdString(file.string()));
  if (!in.open(QIODevice::ReadOnly)) {
    const bool denied = in.error() == QFileDevice::PermissionsError;
    return base::Status::failure(denied ? base::ErrorCode::PermissionDenied : base::ErrorCode::Io,
                                 where + ": cannot open: " + in.errorString().toStdString());
  }
  // One byte more than the cap, so that parsePlaylist sees the file was larger; no more than a
  // regular file holds, because read(n) allocates n bytes first (16 MiB for every playlist, 45 ms
  // each under ASan: docs/experiments.md §9). A pipe or /proc file reports size 0.
  const qint64 size = in.size();
  const QByteArray bytes =
      in.read(size > 0 ? std::min<qint64>(size, kMaxPlaylistBytes + 1) : kMaxPlaylistBytes + 1);
  if (in.error() != QFileDevice::NoError) {
    return base::Status::failure(base::ErrorCode::Io,
                                 where + ": read error: " + in.errorString().toStdString());
  }
  base::Status parsed =
      parsePlaylist(bytes, file, playlistFormatOf(file).value_or(PlaylistFormat::M3u), out);
  if (!parsed.ok()) parsed.message = where + ": " + parsed.message;
  return parsed;
}

QString songLabel(const core::SongRow& song) {
  const QString title = QString::fromStdString(song.info.title);
  const QString name =
      title.isEmpty() ? QFileInfo(QString::fromStdString(song.path)).completeBaseName() : title;
  const QString artist = QString::fromStdString(song.artistName);
  return artist.isEmpty() ? name : artist + QStringLiteral(" — ") + name;
}

QString m3u8FileName(const QString& chosen) {
  const QString suffix = QStringLiteral(".m3u8");
  return chosen.endsWith(suffix, Qt::CaseInsensitive) ? chosen : chosen + suffix;
}

base::Status writePlaylistM3u8(const QString& file,
                               const std::vector<const core::SongRow*>& songs) {
  const QDir base = QFileInfo(file).absoluteDir();
  QByteArray text = "#EXTM3U\n#PLAYLIST:" + QFileInfo(file).completeBaseName().toUtf8() + '\n';
  for (const core::SongRow* song : songs) {
    const QString path = QString::fromStdString(song->path);
    text += "#EXTINF:" + QByteArray::number(qRound(song->info.durationSeconds)) + ',' +
            songLabel(*song).toUtf8() + '\n' + base.relativeFilePath(path).toUtf8() + '\n';
  }
  QSaveFile out(file);
  if (!out.open(QIODevice::WriteOnly) || out.write(text) != text.size() || !out.commit()) {
    return base::Status::failure(base::ErrorCode::Io, out.errorString().toStdString());
  }
  return base::Status::success();
}

}  // namespace songspace::library
