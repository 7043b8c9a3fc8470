#include "core/library/playlistfile.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <fstream>

#include "core/catalog/catalog.h"

namespace songspace::library {

namespace fs = std::filesystem;

namespace {

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percentDecode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

base::Status readPlaylistFile(const fs::path& file, PlaylistFile& out) {
  out = PlaylistFile{};
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return base::Status::failure(base::ErrorCode::NotFound, "cannot open playlist");
  }
  out.name = file.stem().string();
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    first = false;
    line = trim(line);
    if (line.empty()) continue;
    if (line.rfind("#PLAYLIST:", 0) == 0) {
      if (const std::string name = trim(line.substr(10)); !name.empty()) out.name = name;
      continue;
    }
    if (line[0] == '#') continue;
    if (line.rfind("file://", 0) == 0) {
      // file://host/path (usually "localhost"): the path starts at the first '/' after the host.
      const std::size_t pathStart = line.find('/', 7);
      if (pathStart == std::string::npos) continue;
      line = percentDecode(line.substr(pathStart));
    } else if (line.find("://") != std::string::npos) {
      continue;
    }
    fs::path entry(line);
    if (entry.is_relative()) entry = file.parent_path() / entry;
    out.entries.push_back(entry.lexically_normal());
  }
  if (in.bad()) {
    out = PlaylistFile{};
    return base::Status::failure(base::ErrorCode::Io, "read error");
  }
  return base::Status::success();
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
