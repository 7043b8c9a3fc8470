#include "audio/coverart.h"

#include <taglib/aifffile.h>
#include <taglib/attachedpictureframe.h>
#include <taglib/flacfile.h>
#include <taglib/flacpicture.h>
#include <taglib/id3v2tag.h>
#include <taglib/mp4coverart.h>
#include <taglib/mp4file.h>
#include <taglib/mpegfile.h>
#include <taglib/wavfile.h>
#include <taglib/xiphcomment.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <system_error>
#include <utility>
#include <vector>

#include "audio/taglibsupport.h"

namespace songspace::audio {

namespace {

constexpr int kFrontCover = 3;  // ID3v2 APIC and FLAC picture type "Cover (front)"

// Candidates in file order; the first front cover wins, else the first.
struct Candidates {
  std::vector<EmbeddedPicture> pictures;

  void add(const TagLib::ByteVector& data, const TagLib::String& mime, int type,
           const char* container) {
    if (data.isEmpty()) return;
    EmbeddedPicture picture;
    picture.data.assign(data.data(), data.size());
    picture.mimeType = detail::toUtf8(mime);
    picture.type = type;
    picture.container = container;
    pictures.push_back(std::move(picture));
  }

  void addId3v2(TagLib::ID3v2::Tag* tag) {
    if (tag == nullptr) return;
    for (const auto* frame : tag->frameList("APIC")) {
      if (const auto* apic = dynamic_cast<const TagLib::ID3v2::AttachedPictureFrame*>(frame)) {
        add(apic->picture(), apic->mimeType(), static_cast<int>(apic->type()), "ID3v2 APIC");
      }
    }
  }

  void addFlac(const TagLib::List<TagLib::FLAC::Picture*>& list, const char* container) {
    for (const auto* picture : list) {
      add(picture->data(), picture->mimeType(), static_cast<int>(picture->type()), container);
    }
  }
};

}  // namespace

base::Status readEmbeddedPicture(const std::filesystem::path& file, EmbeddedPicture& out) {
  out = EmbeddedPicture{};
  std::unique_ptr<TagLib::FileRef> ref;
  if (base::Status status = detail::openWithTagLib(file, false, ref); !status.ok()) return status;
  TagLib::File* tagFile = ref->file();

  Candidates found;
  if (auto* mpeg = dynamic_cast<TagLib::MPEG::File*>(tagFile)) {
    found.addId3v2(mpeg->hasID3v2Tag() ? mpeg->ID3v2Tag() : nullptr);
  } else if (auto* flac = dynamic_cast<TagLib::FLAC::File*>(tagFile)) {
    found.addFlac(flac->pictureList(), "FLAC picture");
    found.addId3v2(flac->hasID3v2Tag() ? flac->ID3v2Tag() : nullptr);
  } else if (auto* mp4 = dynamic_cast<TagLib::MP4::File*>(tagFile)) {
    TagLib::MP4::Tag* tag = mp4->tag();
    if (tag != nullptr) {
      const auto it = tag->itemMap().find("covr");
      if (it != tag->itemMap().end()) {
        for (const auto& cover : it->second.toCoverArtList()) {
          const char* mime = cover.format() == TagLib::MP4::CoverArt::PNG    ? "image/png"
                             : cover.format() == TagLib::MP4::CoverArt::JPEG ? "image/jpeg"
                                                                             : "";
          found.add(cover.data(), mime, -1, "MP4 covr");
        }
      }
    }
  } else if (auto* wav = dynamic_cast<TagLib::RIFF::WAV::File*>(tagFile)) {
    found.addId3v2(wav->hasID3v2Tag() ? wav->ID3v2Tag() : nullptr);
  } else if (auto* aiff = dynamic_cast<TagLib::RIFF::AIFF::File*>(tagFile)) {
    found.addId3v2(aiff->hasID3v2Tag() ? aiff->tag() : nullptr);
  } else if (auto* xiph = dynamic_cast<TagLib::Ogg::XiphComment*>(tagFile->tag())) {
    // Ogg Vorbis, Opus, Speex and Ogg FLAC all keep their pictures in the comment.
    found.addFlac(xiph->pictureList(), "Xiph METADATA_BLOCK_PICTURE");
  }

  if (found.pictures.empty()) return base::Status::success();
  auto chosen = std::find_if(found.pictures.begin(), found.pictures.end(),
                             [](const EmbeddedPicture& p) { return p.type == kFrontCover; });
  if (chosen == found.pictures.end()) chosen = found.pictures.begin();
  if (chosen->data.size() > kMaxEmbeddedPictureBytes) {
    return base::Status::failure(
        base::ErrorCode::Unsupported,
        file.string() + ": the embedded picture (" + chosen->container + ") has " +
            std::to_string(chosen->data.size()) + " bytes, more than the " +
            std::to_string(kMaxEmbeddedPictureBytes >> 20) + " MiB a cover may have");
  }
  out = std::move(*chosen);
  return base::Status::success();
}

std::vector<std::filesystem::path> findFolderImages(const std::filesystem::path& audioFile) {
  static constexpr std::array<const char*, 6> kNames = {"cover", "folder",   "front",
                                                        "album", "albumart", "albumcover"};
  static constexpr std::array<const char*, 3> kExtensions = {".jpg", ".jpeg", ".png"};
  const auto lower = [](std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
  };
  std::vector<std::pair<std::size_t, std::filesystem::path>> found;  // (rank, path)
  std::error_code error;
  std::filesystem::directory_iterator it(audioFile.parent_path(), error);
  for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    const std::filesystem::path& candidate = it->path();
    const std::string extension = lower(candidate.extension().string());
    const bool image = std::any_of(kExtensions.begin(), kExtensions.end(),
                                   [&](const char* e) { return extension == e; });
    if (!image) continue;
    const std::string stem = lower(candidate.stem().string());
    const auto name =
        std::find_if(kNames.begin(), kNames.end(), [&](const char* n) { return stem == n; });
    std::error_code typeError;
    if (name == kNames.end() || !it->is_regular_file(typeError)) continue;
    found.emplace_back(static_cast<std::size_t>(name - kNames.begin()), candidate);
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.filename() < b.second.filename();
  });
  std::vector<std::filesystem::path> out;
  out.reserve(found.size());
  for (auto& [rank, path] : found) out.push_back(std::move(path));
  return out;
}

}  // namespace songspace::audio
