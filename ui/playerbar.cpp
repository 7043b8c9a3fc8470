#include "ui/playerbar.h"

#include <QFileInfo>

#include <QAudio>
#include <QAudioDevice>
#include <QAudioOutput>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMediaDevices>
#include <QMediaPlayer>
#include <QMouseEvent>
#include <QSlider>
#include <QStyle>
#include <QStyleOptionSlider>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <algorithm>
#include <utility>

#include "core/library/logging.h"
#include "ui/appearance.h"
#include "ui/coverart.h"
#include "ui/hitlist.h"
#include "ui/librarytablemodel.h"
#include "ui/settingskeys.h"

namespace songspace::ui {
namespace {

// The library's format (the inspector and the table show the same total), "0:00" for none.
QString formatTime(qint64 ms) {
  const QString text = LibraryTableModel::formatDuration(static_cast<double>(ms) / 1000.0);
  return text.isEmpty() ? QStringLiteral("0:00") : text;
}

// A click on the groove jumps there (QSlider would only page-step towards it): the handle is put
// under the mouse first, so the press then grabs it and a drag continues from there.
class SeekSlider : public QSlider {
 public:
  explicit SeekSlider(QWidget* parent) : QSlider(Qt::Horizontal, parent) {}

 protected:
  void mousePressEvent(QMouseEvent* event) override {
    if (event->button() == Qt::LeftButton && maximum() > minimum()) {
      QStyleOptionSlider option;
      initStyleOption(&option);
      const QRect handle =
          style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderHandle, this);
      if (!handle.contains(event->position().toPoint())) {
        const QRect groove =
            style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderGroove, this);
        const int span = groove.width() - handle.width();
        const int x = event->position().toPoint().x() - groove.x() - handle.width() / 2;
        setSliderPosition(
            QStyle::sliderValueFromPosition(minimum(), maximum(), x, span, option.upsideDown));
      }
    }
    QSlider::mousePressEvent(event);
  }
};

}  // namespace

PlayerBar::PlayerBar(QWidget* parent)
    : QWidget(parent),
      m_queue(new PlayQueue(this)),
      m_cover(new QLabel(this)),
      m_previousButton(new QToolButton(this)),
      m_playButton(new QToolButton(this)),
      m_nextButton(new QToolButton(this)),
      m_slider(new SeekSlider(this)),
      m_title(makeLinkButton(tr("Nothing is playing"), QStringLiteral("playingSong"), this)),
      m_elapsed(new QLabel(formatTime(0), this)),
      m_duration(new QLabel(formatTime(0), this)),
      m_shuffleButton(new QToolButton(this)),
      m_repeatButton(new QToolButton(this)),
      m_volume(new QSlider(Qt::Horizontal, this)),
      m_error(new QLabel(this)),
      m_noDevice(new QLabel(tr("No audio output"), this)) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(8, 4, 8, 4);
  m_cover->setObjectName(QStringLiteral("cover"));
  m_cover->setFixedSize(kCoverSide, kCoverSide);
  m_cover->setAlignment(Qt::AlignCenter);
  m_cover->hide();
  layout->addWidget(m_cover);
  m_previousButton->setObjectName(QStringLiteral("previous"));
  m_previousButton->setIcon(style()->standardIcon(QStyle::SP_MediaSkipBackward));
  m_previousButton->setToolTip(tr("Previous song, or the start of this one (Ctrl+Left)"));
  m_playButton->setObjectName(QStringLiteral("playPause"));
  m_playButton->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
  m_playButton->setToolTip(tr("Play or pause (Space)"));
  m_nextButton->setObjectName(QStringLiteral("next"));
  m_nextButton->setIcon(style()->standardIcon(QStyle::SP_MediaSkipForward));
  m_nextButton->setToolTip(tr("Next song in the queue (Ctrl+Right)"));
  m_title->setEnabled(false);
  m_title->setMinimumWidth(160);
  m_title->setMaximumWidth(360);
  m_slider->setObjectName(QStringLiteral("position"));
  m_slider->setEnabled(false);
  m_slider->setSingleStep(static_cast<int>(kSeekStepMs));
  m_slider->setPageStep(static_cast<int>(kSeekPageMs));
  m_slider->setToolTip(tr("Click to jump there; the arrow keys seek by %n second(s)", nullptr,
                          static_cast<int>(kSeekStepMs / 1000)));
  m_shuffleButton->setObjectName(QStringLiteral("shuffle"));
  m_shuffleButton->setText(tr("Shuffle"));
  m_shuffleButton->setCheckable(true);
  m_shuffleButton->setAutoRaise(true);
  m_shuffleButton->setToolTip(tr("Play the queue in random order"));
  m_repeatButton->setObjectName(QStringLiteral("repeat"));
  m_repeatButton->setCheckable(true);
  m_repeatButton->setAutoRaise(true);
  m_volume->setObjectName(QStringLiteral("volume"));
  m_volume->setRange(0, 100);
  m_volume->setFixedWidth(90);
  auto* volumeIcon = new QLabel(this);
  const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize);
  volumeIcon->setPixmap(style()->standardIcon(QStyle::SP_MediaVolume).pixmap(iconSize, iconSize));
  m_noDevice->setObjectName(QStringLiteral("noAudioDevice"));
  showErrorInk();
  m_error->hide();
  m_noDevice->hide();
  for (QWidget* widget : std::initializer_list<QWidget*>{m_previousButton, m_playButton,
                                                         m_nextButton, m_title, m_elapsed}) {
    layout->addWidget(widget);
  }
  layout->addWidget(m_slider, 1);
  for (QWidget* widget : std::initializer_list<QWidget*>{m_duration, m_shuffleButton,
                                                         m_repeatButton, volumeIcon, m_volume}) {
    layout->addWidget(widget);
  }
  layout->addWidget(m_error);
  layout->addWidget(m_noDevice);
  connect(m_previousButton, &QToolButton::clicked, this, &PlayerBar::previous);
  connect(m_playButton, &QToolButton::clicked, this, &PlayerBar::togglePlay);
  connect(m_nextButton, &QToolButton::clicked, this, &PlayerBar::next);
  connect(m_title, &QToolButton::clicked, this,
          [this] { Q_EMIT showPlayingRequested(m_fileId, m_path); });
  connect(m_slider, &QSlider::sliderPressed, this, [this] { m_sliderHeld = true; });
  connect(m_slider, &QSlider::sliderReleased, this, [this] {
    m_sliderHeld = false;
    setPosition(m_slider->value());
  });
  // Keyboard and page clicks: sliderPosition() already holds the new value here.
  connect(m_slider, &QSlider::actionTriggered, this, [this](int action) {
    if (action == QAbstractSlider::SliderMove || m_slider->isSliderDown()) return;
    setPosition(m_slider->sliderPosition());
  });
  connect(m_shuffleButton, &QToolButton::toggled, m_queue, &PlayQueue::setShuffle);
  connect(m_queue, &PlayQueue::shuffleChanged, m_shuffleButton, &QToolButton::setChecked);
  connect(m_repeatButton, &QToolButton::clicked, this, &PlayerBar::cycleRepeat);
  connect(m_queue, &PlayQueue::repeatChanged, this, &PlayerBar::updateRepeatButton);
  connect(m_volume, &QSlider::valueChanged, this, [this](int percent) {
    m_volume->setToolTip(tr("Volume: %1 %").arg(percent));
    if (m_output) {
      m_output->setVolume(static_cast<float>(QAudio::convertVolume(
          percent / 100.0, QAudio::LogarithmicVolumeScale, QAudio::LinearVolumeScale)));
    }
    settings::kPlayerVolume.write(percent);
    Q_EMIT volumeChanged(percent);
  });
  for (const auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
    connect(m_queue, signal, this, &PlayerBar::updateQueueButtons);
  }
  connect(m_queue, &QAbstractItemModel::modelReset, this, &PlayerBar::updateQueueButtons);
  m_volume->setValue(settings::kPlayerVolume.read());
  m_volume->setToolTip(tr("Volume: %1 %").arg(m_volume->value()));
  m_settleTimer = new QTimer(this);
  m_settleTimer->setSingleShot(true);
  connect(m_settleTimer, &QTimer::timeout, this, [this] {
    if (m_sourcePending) applySource();
  });
  updateRepeatButton();
  updateQueueButtons();
}

void PlayerBar::play(qint64 fileId, const QString& path, const QString& title) {
  play(QueueItem{fileId, path, title});
}

void PlayerBar::play(const QueueItem& item) {
  m_queue->add({item}, QueuePlacement::PlayNow);
  playCurrent();
}

void PlayerBar::playCurrent() {
  const std::optional<QueueItem> item = m_queue->currentItem();
  if (!item) return;
  m_skipsInRow = 0;
  setSong(*item);
  start();
}

void PlayerBar::loadCurrent() {
  if (const std::optional<QueueItem> item = m_queue->currentItem()) setSong(*item);
}

void PlayerBar::setSong(const QueueItem& item) {
  const bool changed = item.fileId != m_fileId || item.path != m_path || item.title != m_titleText;
  m_fileId = item.fileId;
  m_titleText = item.title;
  m_title->setText(QString(item.title).replace(QLatin1Char('&'), QStringLiteral("&&")));  // elides
  m_title->setToolTip(tr("Show the playing song (%1)").arg(item.path));
  m_title->setEnabled(!item.path.isEmpty());
  m_playButton->setEnabled(!item.path.isEmpty());
  if (item.path == m_path) {
    if (changed) Q_EMIT songChanged();
    return;
  }
  m_path = item.path;
  m_slider->setValue(0);
  m_elapsed->setText(formatTime(0));
  if (m_player) loadSource();
  updateCover();
  Q_EMIT songChanged();
}

void PlayerBar::setCoverArt(CoverArtCache* covers) {
  if (m_covers) disconnect(m_covers, nullptr, this, nullptr);
  m_covers = covers;
  m_queue->setCoverArt(covers);
  m_cover->setVisible(covers != nullptr);
  if (covers) {
    connect(covers, &CoverArtCache::coverReady, this, [this](const QString& path) {
      if (path == m_path) updateCover();
    });
  }
  updateCover();
}

void PlayerBar::updateCover() {
  if (!m_covers) return;
  m_cover->setPixmap(coverPixmap(m_covers->cover(m_path), kCoverSide, m_cover->palette(),
                                 m_cover->devicePixelRatioF()));
  m_cover->setToolTip(m_covers->isKnown(m_path) && m_covers->thumbnailFile(m_path).isEmpty()
                          ? tr("No cover art")
                          : QString());
}

void PlayerBar::start() {
  if (m_path.isEmpty()) return;
  ensurePlayer();
  // The GStreamer backend only logs a warning for a file that is gone; say it here.
  if (!QFileInfo(m_path).isReadable()) {
    skipUnplayable(tr("the file is missing or unreadable"));
    return;
  }
  m_error->hide();
  Q_EMIT seeked(0);
  if (m_sourcePending) {
    m_playWhenLoaded = true;  // a fresh source starts at 0:00
    return;
  }
  m_player->setPosition(0);
  m_player->play();
}

bool PlayerBar::isPlaying() const {
  return playbackState() == QMediaPlayer::PlayingState;
}

QMediaPlayer::PlaybackState PlayerBar::playbackState() const {
  if (m_sourcePending) {
    return m_playWhenLoaded ? QMediaPlayer::PlayingState : QMediaPlayer::StoppedState;
  }
  return m_player ? m_player->playbackState() : QMediaPlayer::StoppedState;
}

qint64 PlayerBar::position() const {
  return m_player && !m_sourcePending ? m_player->position() : 0;
}

qint64 PlayerBar::duration() const {
  return m_player && !m_sourcePending ? m_player->duration() : 0;
}

QString PlayerBar::errorText() const {
  return m_error->isHidden() ? QString() : m_error->text();  // also while the bar is hidden
}

int PlayerBar::volume() const {
  return m_volume->value();
}

void PlayerBar::setVolume(int percent) {
  m_volume->setValue(percent);
}

void PlayerBar::ensurePlayer() {
  if (m_player) return;
  m_player = new QMediaPlayer(this);
  m_output = new QAudioOutput(this);
  m_output->setVolume(static_cast<float>(QAudio::convertVolume(
      m_volume->value() / 100.0, QAudio::LogarithmicVolumeScale, QAudio::LinearVolumeScale)));
  m_player->setAudioOutput(m_output);
  if (QMediaDevices::audioOutputs().isEmpty() && !m_noDeviceReported) {
    m_noDeviceReported = true;
    const QString text =
        tr("No audio output device was found: songs play, but nothing can be "
           "heard. Connect or enable a sound device and restart Songspace.");
    qCWarning(library::lcUi).noquote() << text;
    m_noDevice->setToolTip(text);
    m_noDevice->show();
    Q_EMIT message(text);
  }
  connect(m_player, &QMediaPlayer::errorOccurred, this,
          [this](QMediaPlayer::Error, const QString& message) {
            if (m_sourcePending) return;  // the song before's: it is being replaced
            skipUnplayable(message);
          });
  connect(m_player, &QMediaPlayer::durationChanged, this, [this](qint64 ms) {
    if (m_sourcePending) return;
    m_slider->setRange(0, static_cast<int>(ms));
    m_slider->setEnabled(ms > 0);
    m_duration->setText(formatTime(ms));
    Q_EMIT durationChanged(ms);
  });
  connect(m_player, &QMediaPlayer::positionChanged, this, &PlayerBar::updateTimes);
  connect(m_player, &QMediaPlayer::mediaStatusChanged, this,
          [this](QMediaPlayer::MediaStatus status) {
            if (m_sourcePending) {
              // The song before's load settled (or failed): hand over the chosen one, queued
              // because the backend is still inside its status handling.
              if (status != QMediaPlayer::LoadingMedia) {
                QMetaObject::invokeMethod(
                    this,
                    [this] {
                      if (m_sourcePending) applySource();
                    },
                    Qt::QueuedConnection);
              }
              return;
            }
            if (status == QMediaPlayer::InvalidMedia) {
              skipUnplayable(tr("the file cannot be decoded"));
            } else if (status == QMediaPlayer::BufferedMedia) {
              m_skipsInRow = 0;  // this one plays
            } else if (status == QMediaPlayer::EndOfMedia) {
              if (isStaleEnd()) {
                // The song before's end, delivered late: it stopped the player, so play on.
                qCInfo(library::lcUi).noquote()
                    << "ignored an end of stream that belongs to the song played before" << m_path;
                QMetaObject::invokeMethod(
                    this,
                    [this] {
                      if (m_player) m_player->play();
                    },
                    Qt::QueuedConnection);
                return;
              }
              // Queued: the backend is still inside its end-of-stream handling.
              QMetaObject::invokeMethod(this, &PlayerBar::onEndOfSong, Qt::QueuedConnection);
            }
          });
  connect(m_player, &QMediaPlayer::playbackStateChanged, this,
          [this](QMediaPlayer::PlaybackState s) {
            const bool playing = s == QMediaPlayer::PlayingState;
            m_playButton->setIcon(
                style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
            Q_EMIT playingChanged(playing);
            Q_EMIT playbackStateChanged(s);
          });
  if (!m_path.isEmpty()) loadSource();
}

void PlayerBar::loadSource() {
  m_lastPosition = 0;
  m_playWhenLoaded = false;
  const qint64 sinceLoad = m_sinceLoad.isValid() ? m_sinceLoad.elapsed() : kLoadSettleMs;
  if (m_player->mediaStatus() == QMediaPlayer::LoadingMedia && sinceLoad < kLoadSettleMs) {
    // Switching Qt 6.4's GStreamer pipeline in the middle of a preroll is what delivers ends of
    // streams late (isStaleEnd) and takes the backend's locks while its threads are busy; the
    // chosen song waits for the load to settle (mediaStatusChanged) or for the timer.
    m_sourcePending = true;
    m_settleTimer->start(static_cast<int>(kLoadSettleMs - sinceLoad));
    return;
  }
  applySource();
}

void PlayerBar::applySource() {
  m_sourcePending = false;
  m_settleTimer->stop();
  m_player->stop();
  m_sinceLoad.start();
  m_player->setSource(QUrl::fromLocalFile(m_path));
  if (std::exchange(m_playWhenLoaded, false)) m_player->play();
}

bool PlayerBar::isStaleEnd() const {
  const qint64 duration = m_player ? m_player->duration() : 0;
  return m_sinceLoad.isValid() && m_sinceLoad.elapsed() < kStaleEndWindowMs &&
         (duration <= 0 || m_lastPosition < duration - kStaleEndWindowMs);
}

void PlayerBar::togglePlay() {
  if (m_path.isEmpty()) {
    if (m_queue->currentItem() || m_queue->next()) playCurrent();
    return;
  }
  ensurePlayer();
  if (m_sourcePending) {
    m_playWhenLoaded = !m_playWhenLoaded;
    m_playButton->setIcon(
        style()->standardIcon(m_playWhenLoaded ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    Q_EMIT playingChanged(m_playWhenLoaded);
    return;
  }
  if (isPlaying()) {
    m_player->pause();
  } else if (m_player->playbackState() == QMediaPlayer::PausedState) {
    m_player->play();
  } else {
    start();
  }
}

void PlayerBar::stop() {
  m_playWhenLoaded = false;
  if (m_player && !m_sourcePending) m_player->stop();
}

void PlayerBar::next() {
  if (m_queue->next(PlayQueue::Advance::UserNext)) playCurrent();
}

void PlayerBar::previous() {
  if (position() > kRestartThresholdMs || !m_queue->previous()) {
    setPosition(0);
    return;
  }
  playCurrent();
}

void PlayerBar::seekBy(qint64 deltaMs) {
  setPosition(position() + deltaMs);
}

void PlayerBar::setPosition(qint64 ms) {
  if (duration() <= 0) return;
  const qint64 to = std::clamp<qint64>(ms, 0, duration());
  m_player->setPosition(to);
  Q_EMIT seeked(to);
}

void PlayerBar::cycleRepeat() {
  switch (m_queue->repeat()) {
    case PlayQueue::Repeat::Off:
      m_queue->setRepeat(PlayQueue::Repeat::All);
      break;
    case PlayQueue::Repeat::All:
      m_queue->setRepeat(PlayQueue::Repeat::One);
      break;
    case PlayQueue::Repeat::One:
      m_queue->setRepeat(PlayQueue::Repeat::Off);
      break;
  }
}

void PlayerBar::updateRepeatButton() {
  switch (m_queue->repeat()) {
    case PlayQueue::Repeat::Off:
      m_repeatButton->setText(tr("Repeat off"));
      m_repeatButton->setToolTip(tr("Stop at the end of the queue (click: repeat the queue)"));
      break;
    case PlayQueue::Repeat::All:
      m_repeatButton->setText(tr("Repeat all"));
      m_repeatButton->setToolTip(tr("Start the queue again at its end (click: repeat one song)"));
      break;
    case PlayQueue::Repeat::One:
      m_repeatButton->setText(tr("Repeat one"));
      m_repeatButton->setToolTip(tr("Play the current song again (click: no repeat)"));
      break;
  }
  m_repeatButton->setChecked(m_queue->repeat() != PlayQueue::Repeat::Off);
}

void PlayerBar::updateQueueButtons() {
  const bool any = m_queue->rowCount() > 0;
  m_previousButton->setEnabled(any);
  m_nextButton->setEnabled(any);
  m_playButton->setEnabled(any || !m_path.isEmpty());
}

void PlayerBar::onEndOfSong() {
  if (m_queue->next(PlayQueue::Advance::AutoAdvance)) {
    playCurrent();
    return;
  }
  m_slider->setValue(0);  // the end of the queue: ready to start again
  m_elapsed->setText(formatTime(0));
}

void PlayerBar::skipUnplayable(const QString& reason) {
  if (m_path.isEmpty() || m_skipping == m_path) return;  // one skip per failed song
  m_skipping = m_path;
  showError(reason);
  Q_EMIT message(tr("Skipped “%1”: %2").arg(m_titleText, reason));
  QTimer::singleShot(0, this, [this, path = m_path] {
    m_skipping.clear();
    if (m_path != path) return;  // another song was chosen meanwhile
    if (++m_skipsInRow >= m_queue->rowCount() || !m_queue->next(PlayQueue::Advance::UserNext)) {
      m_skipsInRow = 0;  // nothing in the queue plays: stop here
      stop();
      return;
    }
    const int skips = m_skipsInRow;
    playCurrent();
    m_skipsInRow = skips;
  });
}

void PlayerBar::updateTimes(qint64 positionMs) {
  if (m_sourcePending) return;  // the song before's position
  m_lastPosition = positionMs;
  if (!m_sliderHeld) m_slider->setValue(static_cast<int>(positionMs));
  m_elapsed->setText(formatTime(positionMs));
}

void PlayerBar::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) showErrorInk();
  QWidget::changeEvent(event);
}

void PlayerBar::showErrorInk() {
  for (QLabel* label : {m_error, m_noDevice}) {
    QPalette ink = label->palette();
    ink.setColor(QPalette::WindowText, negativeText(palette()));
    label->setPalette(ink);
  }
}

void PlayerBar::showError(const QString& message) {
  qCWarning(library::lcUi).noquote() << "cannot play" << m_path << "-" << message;
  m_error->setText(tr("Cannot play: %1").arg(message));
  m_error->setToolTip(message);
  m_error->show();
}

}  // namespace songspace::ui
