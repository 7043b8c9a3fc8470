#pragma once

#include <QWidget>

class QAudioOutput;
class QLabel;
class QMediaPlayer;
class QSlider;
class QToolButton;

namespace songspace::ui {

// Plays one song at a time, independently of what the window shows: play/pause, the playing
// song's "title — artist" as a link back to it (showPlayingRequested), a position slider and time
// labels. Only play() changes the song; browsing never does. The media player is
// created on the first play, so a window that never plays (tests, screenshots, offscreen) never
// touches the audio stack; a missing audio device or an unplayable file shows as a message in
// the bar (QMediaPlayer::errorOccurred) instead of blocking or crashing.
class PlayerBar : public QWidget {
  Q_OBJECT
 public:
  explicit PlayerBar(QWidget* parent = nullptr);

  // Loads the song (fileId 0 for a file outside the catalog) and starts playing it from 0:00.
  void play(qint64 fileId, const QString& path, const QString& title);
  QString songPath() const { return m_path; }
  qint64 songFileId() const { return m_fileId; }  // 0 when nothing or an outside file is loaded
  QString songTitle() const { return m_titleText; }
  bool isPlaying() const;
  QString errorText() const;

 public Q_SLOTS:
  void togglePlay();
  void stop();

 Q_SIGNALS:
  void playingChanged(bool playing);
  // The user clicked the playing song's title: the window should show it.
  void showPlayingRequested(qint64 fileId, const QString& path);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void ensurePlayer();
  void showErrorInk();  // the error label in the palette's negative colour
  void updateTimes(qint64 positionMs);
  void showError(const QString& message);

  void setSong(qint64 fileId, const QString& path, const QString& title);  // stops the previous

  QString m_path;
  QString m_titleText;
  qint64 m_fileId = 0;
  QMediaPlayer* m_player = nullptr;  // owned through the QObject tree, created on first play
  QAudioOutput* m_output = nullptr;
  QToolButton* m_playButton;
  QSlider* m_slider;
  QToolButton* m_title;
  QLabel* m_elapsed;
  QLabel* m_duration;
  QLabel* m_error;
  bool m_sliderHeld = false;
};

}  // namespace songspace::ui
