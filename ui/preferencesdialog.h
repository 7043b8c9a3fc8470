#pragma once

#include <QDialog>
#include <QList>

#include "core/catalog/tagnormalize.h"

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QRadioButton;
class QSpinBox;

namespace songspace::ui {

// Edit › Preferences: how tag values are read (core::TagReadingRules, kept in the settings as
// settings::kGenreSeparators and settings::kTagPlaceholders) — the characters that split one
// genre value, with an example read live under the choice, and the values that mean "unknown".
// OK writes the settings; the library's stored tags follow at the next scan, which reads the
// tags of unchanged files again (no re-analysis) when the rules differ from the catalog's.
// Also the display threshold of predicted tags (settings::kPredictedTagsThreshold): auto-tag's
// threshold, or a probability the user chooses; the caller applies it after OK.
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

  // The model's auto-tag threshold in [0, 1], shown beside the choice that follows it; negative
  // (the default): no calibrated model is open, and the choice says so.
  void setAutoTagThreshold(double threshold);
  // The display threshold the dialog shows: in [0.01, 0.99], or −1 for auto-tag's.
  double predictedTagsThreshold() const;
  // After accept(): whether it differs from what the settings held when the dialog opened.
  bool predictedTagsThresholdChanged() const { return m_thresholdChanged; }

  void accept() override;

 private:
  void showRules(const core::TagReadingRules& rules);
  void updatePreview();
  void showPredictedTagsThreshold(double threshold);  // as predictedTagsThreshold() reads it

  QList<QCheckBox*> m_separators;  // one per TagReadingRules::kAllowedGenreSeparators character
  QPlainTextEdit* m_placeholders;
  QLabel* m_preview;
  QCheckBox* m_rescan;
  QRadioButton* m_followAutoTag;
  QRadioButton* m_ownThreshold;
  QSpinBox* m_thresholdPercent;
  double m_initialThreshold = -1;
  bool m_thresholdChanged = false;
  std::string m_initial;  // the fingerprint of the rules when the dialog opened
  bool m_changed = false;
};

}  // namespace songspace::ui
