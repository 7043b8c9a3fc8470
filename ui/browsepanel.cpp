#include "ui/browsepanel.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/coverart.h"
#include "ui/hitlist.h"

namespace songspace::ui {

BrowsePanel::BrowsePanel(QWidget* parent) : QWidget(parent), m_scroll(new QScrollArea(this)) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  m_scroll->setWidgetResizable(true);
  m_scroll->setFrameShape(QFrame::NoFrame);
  // Never sideways: entries elide and text wraps to the panel's width (HitList, LinkButton), so
  // the scores at the right edge stay in view however narrow the panel.
  m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  outer->addWidget(m_scroll);
  beginContent();
  endContent();
}

BrowsePanel::~BrowsePanel() {
  delete m_content;
}

QVBoxLayout* BrowsePanel::beginContent() {
  if (QWidget* old = m_scroll->takeWidget()) {
    old->hide();
    old->setParent(nullptr);
    old->deleteLater();
  }
  delete m_content;  // an unfinished page (beginContent without endContent), never shown
  m_notice.clear();
  // Built while hidden and shown whole by endContent(): widgets added to an already visible
  // parent would only appear after a queued show, one event-loop turn later.
  m_content = new QWidget;
  m_content->setObjectName(QStringLiteral("browseContent"));
  auto* layout = new QVBoxLayout(m_content);
  const int gap = style()->pixelMetric(QStyle::PM_LayoutVerticalSpacing);
  layout->setSpacing(std::max(2, gap / 2));
  return layout;
}

void BrowsePanel::endContent() {
  static_cast<QVBoxLayout*>(m_content->layout())->addStretch(1);
  m_scroll->setWidget(m_content);  // the scroll area owns it from here
  m_content->show();
  m_content = nullptr;
}

void BrowsePanel::setCoverArt(CoverArtCache* covers) {
  m_covers = covers;
}

QLabel* BrowsePanel::makeCoverLabel(const QString& audioPath, int side, QWidget* parent) const {
  if (m_covers == nullptr) return nullptr;
  auto* label = new QLabel(parent);
  label->setObjectName(QStringLiteral("cover"));
  label->setFixedSize(side, side);
  label->setAlignment(Qt::AlignCenter);
  const QPointer<CoverArtCache> covers = m_covers;  // the label may outlive the cache
  const auto show = [label, covers, audioPath, side] {
    if (covers) {
      label->setPixmap(coverPixmap(covers->cover(audioPath), side, label->palette(),
                                   label->devicePixelRatioF()));
    }
  };
  show();
  if (!m_covers->isKnown(audioPath)) {
    connect(m_covers, &CoverArtCache::coverReady, label, [show, audioPath](const QString& path) {
      if (path == audioPath) show();
    });
  }
  return label;
}

void BrowsePanel::showEmptyState(const QString& message) {
  QVBoxLayout* layout = beginContent();
  layout->addStretch(1);
  auto* label = makeNoteLabel(message, m_content);
  label->setObjectName(QStringLiteral("emptyState"));
  label->setAlignment(Qt::AlignCenter);
  QFont font = label->font();
  font.setPointSizeF(font.pointSizeF() * 1.15);
  label->setFont(font);
  layout->addWidget(label);
  endContent();
  m_notice = message;
}

void BrowsePanel::addNotice(QVBoxLayout* layout, const QString& message) {
  auto* label = makeNoteLabel(message, layout->parentWidget());
  label->setObjectName(QStringLiteral("notice"));
  layout->addSpacing(fontMetrics().height() / 2);
  layout->addWidget(label);
  m_notice = m_notice.isEmpty() ? message : m_notice + QLatin1Char('\n') + message;
}

HitList* BrowsePanel::addSection(QVBoxLayout* layout, const QString& heading,
                                 const QString& legend) {
  layout->addSpacing(fontMetrics().height());
  layout->addWidget(makeHeadingLabel(heading, m_content));
  if (!legend.isEmpty()) layout->addWidget(makeNoteLabel(legend, m_content));
  auto* list = new HitList(m_content);
  layout->addWidget(list);
  return list;
}

void BrowsePanel::addUncalibratedNotice(QVBoxLayout* layout) {
  if (!m_snapshot || !m_snapshot->hasModel() || m_snapshot->model->model().calibration) return;
  addNotice(layout, tr("This model has no calibrated confidences (it was trained by an older "
                       "version): lists are in order of fit only. Train again to see them."));
}

QString songTitleAndArtist(const library::LibrarySnapshot* snapshot, std::int64_t fileId) {
  const core::SongRow* song = snapshot ? snapshot->song(fileId) : nullptr;
  if (!song) return QCoreApplication::translate("BrowsePanel", "Song #%1").arg(fileId);
  QString title = song->info.title.empty()
                      ? QFileInfo(QString::fromStdString(song->path)).fileName()
                      : QString::fromStdString(song->info.title);
  if (song->artistName.empty()) return title;
  return QCoreApplication::translate("BrowsePanel", "%1 – %2", "song title – artist")
      .arg(title, QString::fromStdString(song->artistName));
}

QString BrowsePanel::songLabel(std::int64_t fileId) const {
  return songTitleAndArtist(m_snapshot.get(), fileId);
}

void BrowsePanel::addSongEntry(HitList* list, std::int64_t fileId, std::optional<float> probability,
                               bool marked, const QString& detail) {
  QToolButton* button = list->addEntry(songLabel(fileId), QStringLiteral("song:%1").arg(fileId),
                                       probability, marked, detail);
  button->setProperty("fileId", QVariant::fromValue<qint64>(fileId));
  connect(button, &QToolButton::clicked, this,
          [this, fileId] { Q_EMIT songActivated(static_cast<qint64>(fileId)); });
  const auto request = [this, fileId](QueuePlacement placement) {
    return [this, fileId, placement] {
      Q_EMIT songPlayRequested(static_cast<qint64>(fileId), placement);
    };
  };
  button->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(button, &QWidget::customContextMenuRequested, this,
          [this, button, fileId, request](const QPoint& at) {
            QMenu menu(this);
            menu.addAction(tr("Play Now"), this, request(QueuePlacement::PlayNow));
            menu.addAction(tr("Play Next"), this, request(QueuePlacement::PlayNext));
            menu.addAction(tr("Add to Queue"), this, request(QueuePlacement::AddToQueue));
            menu.addAction(tr("Play Mix from Here"), this, [this, fileId] {
              Q_EMIT mixRequested({Location::Song, static_cast<qint64>(fileId), {}});
            });
            menu.addAction(tr("Path to…"), this,
                           [this, fileId] { Q_EMIT pathRequested(static_cast<qint64>(fileId)); });
            menu.addSeparator();
            menu.addAction(tr("Show Song"), this,
                           [this, fileId] { Q_EMIT songActivated(static_cast<qint64>(fileId)); });
            menu.exec(button->mapToGlobal(at));
          });
  for (const auto& [keys, placement] :
       {std::pair{QKeySequence(Qt::SHIFT | Qt::Key_Return), QueuePlacement::PlayNext},
        std::pair{QKeySequence(Qt::CTRL | Qt::Key_Return), QueuePlacement::AddToQueue}}) {
    auto* shortcut = new QShortcut(keys, button);
    shortcut->setContext(Qt::WidgetShortcut);
    connect(shortcut, &QShortcut::activated, this, request(placement));
  }
}

void BrowsePanel::addArtistEntry(HitList* list, const QString& name,
                                 std::optional<float> probability, const QString& detail) {
  QToolButton* button =
      list->addEntry(name, QStringLiteral("artist:") + name, probability, false, detail);
  connect(button, &QToolButton::clicked, this, [this, name] { Q_EMIT artistActivated(name); });
}

void BrowsePanel::addTagEntry(HitList* list, const QString& tag, std::optional<float> probability,
                              bool marked, const QString& detail) {
  QToolButton* button =
      list->addEntry(tag, QStringLiteral("tag:") + tag, probability, marked, detail);
  connect(button, &QToolButton::clicked, this, [this, tag] { Q_EMIT tagActivated(tag); });
}

QString BrowsePanel::likenessDetail(const std::vector<core::Scored>& why,
                                    const std::vector<std::int64_t>& alternatives) const {
  QStringList parts;
  if (m_snapshot && m_snapshot->hasModel() && !why.empty()) {
    const core::JointModel& model = m_snapshot->model->model();
    QStringList tags;
    for (const core::Scored& tag : why)
      tags << QString::fromStdString(model.tagNames[static_cast<std::size_t>(tag.index)]);
    parts << tr("alike in %1").arg(tags.join(tr(", ")));
  }
  if (!alternatives.empty()) parts << alternativesText(alternatives);
  return parts.join(QStringLiteral(" · "));
}

QString BrowsePanel::alternativesText(const std::vector<std::int64_t>& alternatives) const {
  if (alternatives.empty()) return {};
  QStringList names;
  for (const std::int64_t other : alternatives) {
    const core::SongRow* song = m_snapshot ? m_snapshot->song(other) : nullptr;
    names << (song ? QFileInfo(QString::fromStdString(song->path)).fileName()
                   : tr("#%1").arg(other));
  }
  return tr("also as %1").arg(names.join(tr(", ")));
}

const core::SongDuplicates* BrowsePanel::duplicates() const {
  return m_snapshot && m_snapshot->discovery ? &m_snapshot->discovery->duplicates : nullptr;
}

void BrowsePanel::addMixButton(QBoxLayout* layout, const Location& seed) {
  auto* button = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Play Mix"),
                                 layout->parentWidget());
  button->setObjectName(QStringLiteral("playMix"));
  button->setToolTip(
      tr("Play songs that walk out from here through the space (the queue "
         "follows; what is shown does not change)"));
  connect(button, &QPushButton::clicked, this, [this, seed] { Q_EMIT mixRequested(seed); });
  layout->addWidget(button, 0, Qt::AlignLeft);
}

void BrowsePanel::addPathButton(QBoxLayout* layout, std::int64_t fromFileId) {
  auto* button = new QPushButton(tr("Path to…"), layout->parentWidget());
  button->setObjectName(QStringLiteral("pathTo"));
  button->setToolTip(
      tr("A path of songs from this one to a song you choose, each a step further "
         "along the way"));
  connect(button, &QPushButton::clicked, this,
          [this, fromFileId] { Q_EMIT pathRequested(static_cast<qint64>(fromFileId)); });
  layout->addWidget(button, 0, Qt::AlignLeft);
}

}  // namespace songspace::ui
