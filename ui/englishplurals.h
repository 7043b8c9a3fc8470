#pragma once

#include <QTranslator>

class QCoreApplication;

namespace songspace::ui {

// English plural forms for the GUI's "%n" strings, without a compiled translation. The source
// strings follow Qt's convention for plurals, tr("%n file(s)", nullptr, n): translators supply
// their language's forms, and Qt substitutes %n but leaves "(s)" as written unless a translation
// provides the forms. This translator provides the English ones (singular for n == 1, plural
// otherwise), as an English .qm made with `lrelease -pluralonly` would, without needing Qt
// Linguist at build time. Strings without "(s)" or without a count are left to the next
// translator (or shown as written).
class EnglishPluralTranslator : public QTranslator {
  Q_OBJECT

 public:
  using QTranslator::QTranslator;

  QString translate(const char* context, const char* sourceText,
                    const char* disambiguation = nullptr, int n = -1) const override;
  bool isEmpty() const override { return false; }
};

// Installs an EnglishPluralTranslator owned by `app`. Install it first: translators installed
// later are asked first, so a real translation still wins.
void installEnglishPlurals(QCoreApplication& app);

}  // namespace songspace::ui
