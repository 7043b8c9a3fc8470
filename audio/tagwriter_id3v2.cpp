#include "audio/tagwriter_id3v2.h"

#include <taglib/commentsframe.h>
#include <taglib/textidentificationframe.h>

#include "audio/taglibsupport.h"

namespace songspace::audio::detail {

namespace {

using TagLib::ID3v2::CommentsFrame;
using TagLib::ID3v2::Frame;
using TagLib::ID3v2::TextIdentificationFrame;
using TagLib::ID3v2::UserTextIdentificationFrame;

// The plain text frames a field reads (the first one is the one written, when applicable).
std::vector<const char*> textFrameIds(TagField field, int majorVersion) {
  switch (field) {
    case TagField::Genre:
      return {"TCON"};
    case TagField::Mood:
      // TMOO only exists in v2.4; v2.3 stores mood in TXXX:MOOD.
      return majorVersion >= 4 ? std::vector<const char*>{"TMOO"} : std::vector<const char*>{};
    case TagField::Grouping:
      return {"TIT1", "GRP1"};
    case TagField::Tags:
    case TagField::Comment:
      return {};
  }
  return {};
}

// The TXXX description a field reads (matched case-insensitively), or nullptr.
const char* userTextDescription(TagField field) {
  switch (field) {
    case TagField::Mood:
      return "MOOD";
    case TagField::Grouping:
      return "GROUPING";
    case TagField::Tags:
      return "TAGS";
    case TagField::Comment:
      return "COMMENT";
    case TagField::Genre:
      return nullptr;
  }
  return nullptr;
}

bool isFieldComment(const Frame* frame) {
  const auto* comment = dynamic_cast<const CommentsFrame*>(frame);
  // Comments with a description are program data (iTunNORM, iTunSMPB ...), not the user's.
  return comment != nullptr && comment->description().isEmpty();
}

// Every frame that carries the field, in tag order.
std::vector<Frame*> fieldFrames(TagLib::ID3v2::Tag& tag, TagField field) {
  std::vector<Frame*> frames;
  for (Frame* frame : tag.frameList()) {
    if (isId3v2FieldFrame(*frame, field)) frames.push_back(frame);
  }
  return frames;
}

TagLib::StringList frameValues(const Frame* frame) {
  if (const auto* user = dynamic_cast<const UserTextIdentificationFrame*>(frame)) {
    TagLib::StringList values = user->fieldList();
    if (!values.isEmpty()) values.erase(values.begin());  // the first field is the description
    return values;
  }
  if (const auto* text = dynamic_cast<const TextIdentificationFrame*>(frame)) {
    return text->fieldList();
  }
  if (const auto* comment = dynamic_cast<const CommentsFrame*>(frame)) {
    return TagLib::StringList(comment->text());
  }
  return {};
}

std::vector<std::string> splitJoined(const std::string& text) {
  std::vector<std::string> parts;
  const std::string separator = kId3JoinSeparator;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    std::string part = trimmed(text.substr(start, end - start));
    if (!part.empty()) parts.push_back(std::move(part));
    if (end == std::string::npos) break;
    start = end + separator.size();
  }
  return parts;
}

TagLib::String joined(const std::vector<std::string>& values) {
  std::string text;
  for (const auto& value : values) {
    if (!text.empty()) text += kId3JoinSeparator;
    text += value;
  }
  return fromUtf8(text);
}

TagLib::StringList toStringList(const std::vector<std::string>& values) {
  TagLib::StringList list;
  for (const auto& value : values) list.append(fromUtf8(value));
  return list;
}

}  // namespace

bool isId3v2FieldFrame(const Frame& frame, TagField field) {
  // TMOO is read in v2.3 too, should another tool have put it there.
  const std::vector<const char*> ids = textFrameIds(field, 4);
  const char* description = userTextDescription(field);
  const TagLib::ByteVector id = frame.frameID();
  for (const char* wanted : ids) {
    if (id == wanted) return true;
  }
  if (description != nullptr && id == "TXXX") {
    const auto* user = dynamic_cast<const UserTextIdentificationFrame*>(&frame);
    return user != nullptr && equalsIgnoreCase(user->description(), description);
  }
  return field == TagField::Comment && id == "COMM" && isFieldComment(&frame);
}

std::vector<std::string> readId3v2Field(TagLib::ID3v2::Tag& tag, TagField field, int majorVersion) {
  std::vector<std::string> values;
  const bool joinedStorage = majorVersion < 4 || field == TagField::Comment;
  for (const Frame* frame : fieldFrames(tag, field)) {
    std::vector<std::string> raw;
    appendValues(raw, frameValues(frame));
    for (auto& value : raw) {
      if (field == TagField::Genre) value = resolveId3Genre(value);
      if (!joinedStorage) {
        values.push_back(std::move(value));
        continue;
      }
      for (auto& part : splitJoined(value)) values.push_back(std::move(part));
    }
  }
  return values;
}

std::vector<std::unique_ptr<Frame>> makeId3v2FieldFrames(TagField field, int majorVersion,
                                                         const std::vector<std::string>& values) {
  std::vector<std::unique_ptr<Frame>> frames;
  if (values.empty()) return frames;
  // UTF-8 is v2.4 only; renderFrame() picks Latin-1 or UTF-16 for a v2.3 tag.
  constexpr auto encoding = TagLib::String::UTF8;
  const bool v24 = majorVersion >= 4;
  const TagLib::StringList text = v24 ? toStringList(values) : TagLib::StringList(joined(values));

  if (field == TagField::Comment) {
    auto comment = std::make_unique<CommentsFrame>(encoding);
    comment->setLanguage("eng");
    comment->setText(joined(values));
    frames.push_back(std::move(comment));
    return frames;
  }
  const std::vector<const char*> ids = textFrameIds(field, majorVersion);
  if (!ids.empty()) {
    auto frame =
        std::make_unique<TextIdentificationFrame>(TagLib::ByteVector(ids.front()), encoding);
    frame->setText(text);
    frames.push_back(std::move(frame));
    return frames;
  }
  auto frame = std::make_unique<UserTextIdentificationFrame>(encoding);
  frame->setDescription(userTextDescription(field));
  frame->setText(text);
  frames.push_back(std::move(frame));
  return frames;
}

}  // namespace songspace::audio::detail
