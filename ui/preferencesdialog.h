#pragma once

#include <QDialog>
#include <QList>

#include "core/catalog/tagnormalize.h"

class QCheckBox;
class QLabel;
class QPlainTextEdit;

namespace songspace::ui {

// Edit › Preferences: how tag values are read (core::TagReadingRules, kept in the settings as
// settings::kGenreSeparators and settings::kTagPlaceholders) — the characters that split one
// genre value, with an example read live under the choice, and the values that mean "unknown".
// OK writes the settings; the library's stored tags follow at the next scan, which reads the
// tags of unchanged files again (no re-analysis) when the rules differ from the catalog's.
// GUI thread only.
class PreferencesDialog : public QDialog {
  Q_OBJECT
 public:
  // `canRescan`: a library with known folders is open, so "Rescan now" is offered.
  explicit PreferencesDialog(bool canRescan, QWidget* parent = nullptr);

  // The rules the dialog shows (valid at any time; written to the settings by accept()).
  core::TagReadingRules rules() const;
  // After accept(): whether the rules differ from those the settings held when the dialog opened.
  bool rulesChanged() const { return m_changed; }
  // After accept(): whether the user asked for a rescan now (only offered when the rules changed
  // and canRescan).
  bool rescanRequested() const;

  void accept() override;

 private:
  void showRules(const core::TagReadingRules& rules);
  void updatePreview();

  QList<QCheckBox*> m_separators;  // one per TagReadingRules::kAllowedGenreSeparators character
  QPlainTextEdit* m_placeholders;
  QLabel* m_preview;
  QCheckBox* m_rescan;
  std::string m_initial;  // the fingerprint of the rules when the dialog opened
  bool m_changed = false;
};

}  // namespace songspace::ui
