#include "ui/librarysearch.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>

namespace songspace::ui {

QStringList librarySearchWords(const QString& text) {
  static const QRegularExpression whitespace(QStringLiteral("\\s+"));
  return text.toCaseFolded().split(whitespace, Qt::SkipEmptyParts);
}

bool matchesLibrarySearch(const QString& foldedText, const QStringList& words) {
  return std::all_of(words.cbegin(), words.cend(),
                     [&foldedText](const QString& word) { return foldedText.contains(word); });
}

QString searchedFileName(const std::string& path) {
  return QFileInfo(QString::fromStdString(path)).fileName();
}

}  // namespace songspace::ui
