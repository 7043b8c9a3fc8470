#include "ui/hitlist.h"

#include <algorithm>
#include <cmath>

#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QStyle>
#include <QStyleOptionToolButton>
#include <QStylePainter>

#include "ui/scorebar.h"

namespace songspace::ui {

namespace {
// The fewest characters an elided entry keeps before its "…": enough to tell entries apart.
constexpr int kMinShownChars = 4;

// Enter, Return or Space without a modifier other than the keypad's: what activates a link.
bool isActivationKey(const QKeyEvent& key) {
  const Qt::KeyboardModifiers modifiers = key.modifiers() & ~Qt::KeypadModifier;
  return modifiers == Qt::NoModifier &&
         (key.key() == Qt::Key_Return || key.key() == Qt::Key_Enter || key.key() == Qt::Key_Space);
}
}  // namespace

LinkButton::LinkButton(QWidget* parent) : QToolButton(parent) {
  setAutoRaise(true);
  setToolButtonStyle(Qt::ToolButtonTextOnly);
  // Preferred: the layout may shrink it down to minimumSizeHint(); paintEvent elides to fit.
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

bool LinkButton::event(QEvent* event) {
  // Accepting the override keeps a window shortcut on the same key from taking it.
  if (event->type() == QEvent::ShortcutOverride &&
      isActivationKey(*static_cast<QKeyEvent*>(event))) {
    event->accept();
    return true;
  }
  return QToolButton::event(event);
}

void LinkButton::keyPressEvent(QKeyEvent* event) {
  // Space is QAbstractButton's own (press, then click on release); Enter and Return click at once.
  if (isActivationKey(*event) && event->key() != Qt::Key_Space && !event->isAutoRepeat()) {
    animateClick();
    return;
  }
  QToolButton::keyPressEvent(event);
}

int LinkButton::textMargin() const {
  const int textWidth = fontMetrics().size(Qt::TextShowMnemonic, text()).width();
  return std::max(0, QToolButton::sizeHint().width() - textWidth);
}

QSize LinkButton::minimumSizeHint() const {
  const QSize whole = sizeHint();
  const QFontMetrics metrics = fontMetrics();
  const int least = textMargin() + metrics.averageCharWidth() * kMinShownChars +
                    metrics.horizontalAdvance(QStringLiteral("…"));
  return {std::min(whole.width(), least), whole.height()};
}

QString LinkButton::shownText() const {
  return fontMetrics().elidedText(text(), Qt::ElideRight, width() - textMargin(),
                                  Qt::TextShowMnemonic);
}

void LinkButton::paintEvent(QPaintEvent*) {
  QStylePainter painter(this);
  QStyleOptionToolButton option;
  initStyleOption(&option);
  // The style's panel (hover, focus) without its centred text; the text left-aligned over it,
  // so elided and whole entries start at the same x.
  option.text.clear();
  painter.drawComplexControl(QStyle::CC_ToolButton, option);
  const int inset = textMargin() / 2;
  style()->drawItemText(&painter, rect().adjusted(inset, 0, -inset, 0),
                        Qt::AlignLeft | Qt::AlignVCenter | Qt::TextShowMnemonic, option.palette,
                        isEnabled(), shownText(), QPalette::ButtonText);
}

QToolButton* makeLinkButton(const QString& text, const QString& objectName, QWidget* parent) {
  auto* button = new LinkButton(parent);
  button->setObjectName(objectName);
  button->setCursor(Qt::PointingHandCursor);
  button->setFocusPolicy(Qt::TabFocus);
  QPalette palette = button->palette();
  palette.setColor(QPalette::ButtonText, palette.color(QPalette::Link));
  button->setPalette(palette);
  button->setText(QString(text).replace(QLatin1Char('&'), QStringLiteral("&&")));
  button->setToolTip(text);
  return button;
}

HitList::HitList(QWidget* parent) : QWidget(parent), m_grid(new QGridLayout(this)) {
  m_grid->setContentsMargins(0, 0, 0, 0);
  m_grid->setVerticalSpacing(0);
  m_grid->setColumnStretch(1, 1);
}

QToolButton* HitList::addEntry(const QString& text, const QString& objectName,
                               std::optional<float> probability, bool marked,
                               const QString& detail) {
  ++m_count;
  const int row = m_rows++;
  auto* mark = new QLabel(marked ? QStringLiteral("✓") : QString(), this);
  mark->setAlignment(Qt::AlignCenter);
  mark->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("✓")) * 2);
  m_grid->addWidget(mark, row, 0);

  QToolButton* button = makeLinkButton(text, objectName, this);
  button->setProperty("marked", marked);
  if (marked) {
    QFont font = button->font();
    font.setBold(true);
    button->setFont(font);
  }
  m_grid->addWidget(button, row, 1, Qt::AlignLeft | Qt::AlignVCenter);
  if (probability) {
    const float p = std::clamp(*probability, 0.0f, 1.0f);
    button->setProperty("probability", static_cast<double>(p));
    auto* bar = new ScoreBar(this);
    bar->setScore(p, 1.0f);
    m_grid->addWidget(bar, row, 2, Qt::AlignVCenter);
    auto* number = new QLabel(percentText(p), this);
    number->setObjectName(QStringLiteral("percent"));
    number->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    number->setForegroundRole(QPalette::PlaceholderText);
    number->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral(">99 %")));
    m_grid->addWidget(number, row, 3);
  }
  if (!detail.isEmpty()) {
    button->setProperty("detail", detail);
    auto* line = new QLabel(detail, this);
    line->setObjectName(QStringLiteral("detail"));
    line->setTextFormat(Qt::PlainText);
    line->setWordWrap(true);
    line->setForegroundRole(QPalette::PlaceholderText);
    QFont font = line->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    line->setFont(font);
    // Under the entry's text (the button's own margin in), never wider than the list.
    line->setIndent(button->style()->pixelMetric(QStyle::PM_ButtonMargin, nullptr, button));
    line->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_grid->addWidget(line, m_rows++, 1, 1, 3);
  }
  return button;
}

QString percentText(float probability) {
  const double percent = 100.0 * static_cast<double>(std::clamp(probability, 0.0f, 1.0f));
  if (percent < 0.5) return QStringLiteral("<1 %");
  if (percent > 99.5) return QStringLiteral(">99 %");
  return QStringLiteral("%1 %").arg(std::lround(percent));
}

QString thresholdText(double threshold) {
  const double tenths = std::round(1000.0 * std::clamp(threshold, 0.0, 1.0));
  return std::fmod(tenths, 10.0) == 0 ? QStringLiteral("%1 %").arg(tenths / 10.0, 0, 'f', 0)
                                      : QStringLiteral("%1 %").arg(tenths / 10.0, 0, 'f', 1);
}

QLabel* makeTitleLabel(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  QFont font = label->font();
  font.setPointSizeF(font.pointSizeF() * 1.5);
  font.setBold(true);
  label->setFont(font);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  label->setTextFormat(Qt::PlainText);
  return label;
}

QLabel* makeHeadingLabel(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  QFont font = label->font();
  font.setPointSizeF(font.pointSizeF() * 1.15);
  font.setBold(true);
  label->setFont(font);
  label->setTextFormat(Qt::PlainText);
  return label;
}

QLabel* makeNoteLabel(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  label->setWordWrap(true);
  label->setForegroundRole(QPalette::PlaceholderText);
  label->setTextFormat(Qt::PlainText);
  return label;
}

}  // namespace songspace::ui
