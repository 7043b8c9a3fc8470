#include "ui/englishplurals.h"

#include <QCoreApplication>

namespace songspace::ui {

QString EnglishPluralTranslator::translate(const char*, const char* sourceText, const char*,
                                           int n) const {
  if (n < 0 || sourceText == nullptr) return {};
  QString text = QString::fromUtf8(sourceText);
  const QString marker = QStringLiteral("(s)");
  if (!text.contains(marker)) return {};
  // QCoreApplication::translate replaces %n after this, as for any translation.
  return text.replace(marker, n == 1 ? QString() : QStringLiteral("s"));
}

void installEnglishPlurals(QCoreApplication& app) {
  QCoreApplication::installTranslator(new EnglishPluralTranslator(&app));
}

}  // namespace songspace::ui
