#include "ui/preferencesdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/settingskeys.h"

namespace songspace::ui {

namespace {

QString separatorName(char c) {
  switch (c) {
    case ';':
      return PreferencesDialog::tr("; semicolon");
    case ',':
      return PreferencesDialog::tr(", comma");
    case '/':
      return PreferencesDialog::tr("/ slash");
    default:
      return QString(QLatin1Char(c));
  }
}

// One value that each separator would split, and one that none may cut into a fragment.
const std::vector<std::string> kExample = {"Rock; Pop/Soul, Jazz", "Folk, World, & Country"};

}  // namespace

PreferencesDialog::PreferencesDialog(bool canRescan, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Preferences"));
  auto* layout = new QVBoxLayout(this);

  auto* reading = new QGroupBox(tr("Reading tags"), this);
  auto* form = new QFormLayout(reading);
  auto* separators = new QHBoxLayout;
  for (const char c : core::TagReadingRules::kAllowedGenreSeparators) {
    auto* box = new QCheckBox(separatorName(c), reading);
    box->setProperty("separator", QString(QLatin1Char(c)));
    connect(box, &QCheckBox::toggled, this, &PreferencesDialog::updatePreview);
    separators->addWidget(box);
    m_separators << box;
  }
  separators->addStretch();
  form->addRow(tr("Split one genre value at:"), separators);
  m_preview = new QLabel(reading);  // one line per example, not wrapped: the dialog fits them
  m_preview->setTextFormat(Qt::PlainText);
  form->addRow(tr("Example:"), m_preview);
  auto* note = new QLabel(tr("Separate fields and frames are always separate values. ',' and '/' "
                             "also occur inside genre names; a split that would leave a "
                             "fragment such as \"& Country\" is not made."),
                          reading);
  note->setWordWrap(true);
  note->setForegroundRole(QPalette::PlaceholderText);
  form->addRow(QString(), note);
  m_placeholders = new QPlainTextEdit(reading);
  m_placeholders->setTabChangesFocus(true);
  m_placeholders->setToolTip(
      tr("One per line, compared without regard to case or spacing. Empty values always count "
         "as missing. Files are not changed."));
  m_placeholders->setMinimumHeight(fontMetrics().lineSpacing() * 6);
  connect(m_placeholders, &QPlainTextEdit::textChanged, this, &PreferencesDialog::updatePreview);
  form->addRow(tr("Values that mean \"unknown\":"), m_placeholders);
  layout->addWidget(reading);

  auto* predictions = new QGroupBox(tr("Predicted tags"), this);
  auto* choice = new QVBoxLayout(predictions);
  m_followAutoTag = new QRadioButton(predictions);
  m_followAutoTag->setObjectName(QStringLiteral("followAutoTag"));
  choice->addWidget(m_followAutoTag);
  auto* own = new QHBoxLayout;
  m_ownThreshold = new QRadioButton(tr("Show those at least as probable as"), predictions);
  m_ownThreshold->setObjectName(QStringLiteral("ownThreshold"));
  m_thresholdPercent = new QSpinBox(predictions);
  m_thresholdPercent->setRange(1, 99);
  m_thresholdPercent->setSuffix(tr(" %"));
  m_thresholdPercent->setAccessibleName(tr("Smallest probability shown"));
  own->addWidget(m_ownThreshold);
  own->addWidget(m_thresholdPercent);
  own->addStretch();
  choice->addLayout(own);
  auto* where = new QLabel(tr("In the library table's Predicted tags column and at the top of the "
                              "inspector; less likely tags follow there, faded. Auto-tag keeps "
                              "its own minimum confidence."),
                           predictions);
  where->setWordWrap(true);
  where->setForegroundRole(QPalette::PlaceholderText);
  choice->addWidget(where);
  connect(m_ownThreshold, &QRadioButton::toggled, m_thresholdPercent, &QWidget::setEnabled);
  setAutoTagThreshold(-1);

  m_rescan =
      new QCheckBox(tr("Rescan the library now to read its tags again (no re-analysis)"), this);
  m_rescan->setChecked(canRescan);
  m_rescan->setEnabled(canRescan);
  m_rescan->setVisible(canRescan);
  layout->addWidget(m_rescan);  // under the reading rules it follows
  layout->addWidget(predictions);

  auto* buttons = new QDialogButtonBox(
      QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this, [this] {
    showRules(core::TagReadingRules{});
    showPredictedTagsThreshold(settings::kPredictedTagsThreshold.defaultValue);
  });
  layout->addWidget(buttons);

  const core::TagReadingRules current = settings::tagReadingRules();
  m_initial = current.fingerprint();
  showRules(current);
  m_initialThreshold = settings::kPredictedTagsThreshold.read();
  showPredictedTagsThreshold(m_initialThreshold);
}

void PreferencesDialog::setAutoTagThreshold(double threshold) {
  m_followAutoTag->setText(
      threshold >= 0
          ? tr("Show those at least as probable as auto-tag's threshold (now %1)")
                .arg(tr("%1 %").arg(qRound(threshold * 100)))
          : tr("Show those at least as probable as auto-tag's threshold (set by each training)"));
}

double PreferencesDialog::predictedTagsThreshold() const {
  return m_ownThreshold->isChecked() ? m_thresholdPercent->value() / 100.0 : -1.0;
}

void PreferencesDialog::showPredictedTagsThreshold(double threshold) {
  const bool own = threshold >= 0;
  (own ? m_ownThreshold : m_followAutoTag)->setChecked(true);
  m_thresholdPercent->setEnabled(own);
  m_thresholdPercent->setValue(own ? qBound(1, qRound(threshold * 100), 99) : 50);
}

core::TagReadingRules PreferencesDialog::rules() const {
  core::TagReadingRules rules;
  rules.genreSeparators.clear();
  for (const QCheckBox* box : m_separators) {
    if (box->isChecked())
      rules.genreSeparators += box->property("separator").toString().toStdString();
  }
  rules.placeholders.clear();
  for (const QString& line : m_placeholders->toPlainText().split(QLatin1Char('\n'))) {
    const QString value = line.trimmed();
    // '|' separates the settings' list: a value holding it could not be stored as one.
    if (!value.isEmpty() &&
        !value.contains(QLatin1Char(core::TagReadingRules::kPlaceholderListSeparator)))
      rules.placeholders.push_back(value.toStdString());
  }
  return rules;
}

bool PreferencesDialog::rescanRequested() const {
  return m_changed && m_rescan->isEnabled() && m_rescan->isChecked();
}

void PreferencesDialog::accept() {
  const core::TagReadingRules chosen = rules();
  m_changed = chosen.fingerprint() != m_initial;
  settings::kGenreSeparators.write(QString::fromStdString(chosen.genreSeparators));
  settings::kTagPlaceholders.write(
      QString::fromStdString(core::TagReadingRules::joinPlaceholderList(chosen.placeholders)));
  const double threshold = predictedTagsThreshold();
  // A stored value the spin box cannot show exactly (set by hand) counts as unchanged when the
  // user left it showing the same whole percent.
  const bool sameAsStored = (threshold < 0 && m_initialThreshold < 0) ||
                            (threshold >= 0 && m_initialThreshold >= 0 &&
                             qRound(m_initialThreshold * 100) == m_thresholdPercent->value());
  m_thresholdChanged = !sameAsStored;
  if (m_thresholdChanged) settings::kPredictedTagsThreshold.write(threshold);
  QDialog::accept();
}

void PreferencesDialog::showRules(const core::TagReadingRules& rules) {
  for (QCheckBox* box : m_separators) {
    const QString c = box->property("separator").toString();
    box->setChecked(rules.genreSeparators.find(c.toStdString()) != std::string::npos);
  }
  QStringList lines;
  for (const std::string& p : rules.placeholders) lines << QString::fromStdString(p);
  m_placeholders->setPlainText(lines.join(QLatin1Char('\n')));
  updatePreview();
}

void PreferencesDialog::updatePreview() {
  const core::TagReadingRules current = rules();
  QStringList lines;
  for (const std::string& value : kExample) {
    QStringList parts;
    for (const std::string& part : core::splitFieldValues({value}, current))
      parts << QStringLiteral("“%1”").arg(QString::fromStdString(part));
    lines << tr("“%1” reads as %2")
                 .arg(QString::fromStdString(value), parts.join(QStringLiteral(" · ")));
  }
  m_preview->setText(lines.join(QLatin1Char('\n')));
}

}  // namespace songspace::ui
