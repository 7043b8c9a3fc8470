#include "ui/playerbar.h"

#include <QFileInfo>

#include <QAudioOutput>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMediaPlayer>
#include <QSlider>
#include <QStyle>
#include <QToolButton>
#include <QUrl>

#include "core/library/logging.h"
#include "ui/appearance.h"
#include "ui/hitlist.h"

namespace songspace::ui {
namespace {

QString formatTime(qint64 ms) {
  const qint64 s = ms / 1000;
  return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

}  // namespace

PlayerBar::PlayerBar(QWidget* parent)
    : QWidget(parent),
      m_playButton(new QToolButton(this)),
      m_slider(new QSlider(Qt::Horizontal, this)),
      m_title(makeLinkButton(tr("Nothing is playing"), QStringLiteral("playingSong"), this)),
      m_elapsed(new QLabel(formatTime(0), this)),
      m_duration(new QLabel(formatTime(0), this)),
      m_error(new QLabel(this)) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(8, 4, 8, 4);
  m_playButton->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
  m_playButton->setToolTip(tr("Play / pause (Space)"));
  m_playButton->setEnabled(false);
  m_title->setEnabled(false);
  m_title->setMinimumWidth(160);
  m_title->setMaximumWidth(360);
  m_slider->setEnabled(false);
  showErrorInk();
  m_error->hide();
  layout->addWidget(m_playButton);
  layout->addWidget(m_title);
  layout->addWidget(m_elapsed);
  layout->addWidget(m_slider, 1);
  layout->addWidget(m_duration);
  layout->addWidget(m_error);
  connect(m_playButton, &QToolButton::clicked, this, &PlayerBar::togglePlay);
  connect(m_title, &QToolButton::clicked, this,
          [this] { Q_EMIT showPlayingRequested(m_fileId, m_path); });
  connect(m_slider, &QSlider::sliderPressed, this, [this] { m_sliderHeld = true; });
  connect(m_slider, &QSlider::sliderReleased, this, [this] {
    m_sliderHeld = false;
    if (m_player) m_player->setPosition(m_slider->value());
  });
}

void PlayerBar::play(qint64 fileId, const QString& path, const QString& title) {
  setSong(fileId, path, title);
  if (m_player) m_player->setPosition(0);
  if (!isPlaying()) togglePlay();
}

void PlayerBar::setSong(qint64 fileId, const QString& path, const QString& title) {
  m_fileId = fileId;
  if (path == m_path) return;
  stop();
  m_path = path;
  m_titleText = title;
  const QFontMetrics metrics(m_title->font());
  m_title->setText(metrics.elidedText(title, Qt::ElideRight, m_title->maximumWidth() - 8)
                       .replace(QLatin1Char('&'), QStringLiteral("&&")));
  m_title->setToolTip(tr("Show the playing song (%1)").arg(path));
  m_title->setEnabled(!path.isEmpty());
  m_playButton->setEnabled(!path.isEmpty());
  m_error->hide();
  m_slider->setValue(0);
  m_elapsed->setText(formatTime(0));
  if (m_player) m_player->setSource(QUrl::fromLocalFile(path));
}

bool PlayerBar::isPlaying() const {
  return m_player && m_player->playbackState() == QMediaPlayer::PlayingState;
}

QString PlayerBar::errorText() const {
  return m_error->isHidden() ? QString() : m_error->text();  // also while the bar is hidden
}

void PlayerBar::ensurePlayer() {
  if (m_player) return;
  m_player = new QMediaPlayer(this);
  m_output = new QAudioOutput(this);
  m_player->setAudioOutput(m_output);
  connect(m_player, &QMediaPlayer::errorOccurred, this,
          [this](QMediaPlayer::Error, const QString& message) { showError(message); });
  connect(m_player, &QMediaPlayer::durationChanged, this, [this](qint64 ms) {
    m_slider->setRange(0, static_cast<int>(ms));
    m_slider->setEnabled(ms > 0);
    m_duration->setText(formatTime(ms));
  });
  connect(m_player, &QMediaPlayer::positionChanged, this, &PlayerBar::updateTimes);
  connect(m_player, &QMediaPlayer::mediaStatusChanged, this,
          [this](QMediaPlayer::MediaStatus status) {
            if (status == QMediaPlayer::InvalidMedia) showError(tr("the file cannot be decoded"));
          });
  connect(m_player, &QMediaPlayer::playbackStateChanged, this,
          [this](QMediaPlayer::PlaybackState s) {
            const bool playing = s == QMediaPlayer::PlayingState;
            m_playButton->setIcon(
                style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
            Q_EMIT playingChanged(playing);
          });
  if (!m_path.isEmpty()) m_player->setSource(QUrl::fromLocalFile(m_path));
}

void PlayerBar::togglePlay() {
  if (m_path.isEmpty()) return;
  ensurePlayer();
  if (isPlaying()) {
    m_player->pause();
  } else {
    // The GStreamer backend only logs a warning for a file that is gone; say it here.
    if (!QFileInfo(m_path).isReadable()) {
      showError(tr("the file is missing or unreadable"));
      return;
    }
    m_error->hide();
    m_player->play();
  }
}

void PlayerBar::stop() {
  if (m_player) m_player->stop();
}

void PlayerBar::updateTimes(qint64 positionMs) {
  if (!m_sliderHeld) m_slider->setValue(static_cast<int>(positionMs));
  m_elapsed->setText(formatTime(positionMs));
}

void PlayerBar::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) showErrorInk();
  QWidget::changeEvent(event);
}

void PlayerBar::showErrorInk() {
  QPalette ink = m_error->palette();
  ink.setColor(QPalette::WindowText, negativeText(palette()));
  m_error->setPalette(ink);
}

void PlayerBar::showError(const QString& message) {
  qCWarning(library::lcUi).noquote() << "cannot play" << m_path << "-" << message;
  m_error->setText(tr("Cannot play: %1").arg(message));
  m_error->setToolTip(message);
  m_error->show();
}

}  // namespace songspace::ui
