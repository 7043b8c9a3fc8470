#pragma once

#include <QWidget>

class QAudioOutput;
class QLabel;
class QMediaPlayer;
class QSlider;
class QToolButton;

namespace songspace::ui {

// Plays the current song: play/pause, a position slider and time labels. The media player is
// created on the first play, so a window that never plays (tests, screenshots, offscreen) never
// touches the audio stack; a missing audio device or an unplayable file shows as a message in
// the bar (QMediaPlayer::errorOccurred) instead of blocking or crashing.
class PlayerBar : public QWidget {
  Q_OBJECT
 public:
  explicit PlayerBar(QWidget* parent = nullptr);

  void setSong(const QString& path, const QString& title);  // stops the previous song
  QString songPath() const { return m_path; }
  bool isPlaying() const;
  QString errorText() const;

 public Q_SLOTS:
  void togglePlay();
  void stop();

 Q_SIGNALS:
  void playingChanged(bool playing);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void ensurePlayer();
  void showErrorInk();  // the error label in the palette's negative colour
  void updateTimes(qint64 positionMs);
  void showError(const QString& message);

  QString m_path;
  QMediaPlayer* m_player = nullptr;  // owned through the QObject tree, created on first play
  QAudioOutput* m_output = nullptr;
  QToolButton* m_playButton;
  QSlider* m_slider;
  QLabel* m_title;
  QLabel* m_elapsed;
  QLabel* m_duration;
  QLabel* m_error;
  bool m_sliderHeld = false;
};

}  // namespace songspace::ui
