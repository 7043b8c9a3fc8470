#pragma once

#include <QString>
#include <QStringList>
#include <string>

namespace songspace::ui {

// The library search, one meaning wherever it is typed: the table (LibraryFilterProxy) and the
// map (MapPanel) mark the same songs for the same text.
// - The text's whitespace-separated words, case folded (QString::toCaseFolded), are each looked
//   for in a song's search text: words are ANDed, the song's fields ORed ("caves game" finds the
//   songs with "caves" in one field and "game" in another).
// - A song's search text is its fields case folded and joined by U+0000 (no word spans two). The
//   fields include the file's name, so a file is found by its name even when its tags give it a
//   title that several files share.
// Free functions of their arguments: any thread.
QStringList librarySearchWords(const QString& text);
bool matchesLibrarySearch(const QString& foldedText, const QStringList& words);
// The file name of `path` (UTF-8, as the catalog stores it), for a song's search text.
QString searchedFileName(const std::string& path);

}  // namespace songspace::ui
