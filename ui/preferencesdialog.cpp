#include "ui/preferencesdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
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

  m_rescan =
      new QCheckBox(tr("Rescan the library now to read its tags again (no re-analysis)"), this);
  m_rescan->setChecked(canRescan);
  m_rescan->setEnabled(canRescan);
  m_rescan->setVisible(canRescan);
  layout->addWidget(m_rescan);

  auto* buttons = new QDialogButtonBox(
      QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
          [this] { showRules(core::TagReadingRules{}); });
  layout->addWidget(buttons);

  const core::TagReadingRules current = settings::tagReadingRules();
  m_initial = current.fingerprint();
  showRules(current);
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
