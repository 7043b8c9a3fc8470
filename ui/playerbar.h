#pragma once

#include <QElapsedTimer>
#include <QMediaPlayer>
#include <QPointer>
#include <QWidget>

#include "ui/playqueue.h"

class QAudioOutput;
class QLabel;
class QSlider;
class QToolButton;

namespace songspace::ui {

class CoverArtCache;

// Plays the play queue's current song, independently of what the window shows: previous,
// play/pause and next; the playing song's "title — artist" as a link back to it
// (showPlayingRequested); a position slider (a click jumps to the clicked position, arrow keys
// and Page Up/Down seek) with time labels; shuffle, repeat and a volume slider (remembered in
// settings::kPlayerVolume).
//
// When a song ends the queue advances (PlayQueue::next(AutoAdvance)) and the next song plays;
// a missing or undecodable file is skipped with a message(), as long as some song in the queue
// may still play. The media player is created on the first play, so a window that never plays
// (tests, screenshots) never touches the audio stack. With no audio output device playback
// still runs (silently, as the backend does), and the bar says so, once, through message() and
// a label that stays. MPRIS (ui/mpris.h) reads this state and follows these signals.
class PlayerBar : public QWidget {
  Q_OBJECT
 public:
  static constexpr qint64 kRestartThresholdMs = 3000;  // Previous restarts a song played longer
  // An end of stream this soon after loading a song, short of that song's end, is taken for the
  // previous song's (isStaleEnd).
  static constexpr qint64 kStaleEndWindowMs = 3000;
  // A song chosen while the backend is still loading the one before waits for that load to settle,
  // or this long at most, before it is handed to the backend: a burst of Next presses loads the
  // song it stops on, not every song on the way, and the backend's pipeline is never switched in
  // the middle of a preroll (see loadSource).
  static constexpr qint64 kLoadSettleMs = 1000;
  static constexpr qint64 kSeekStepMs = 10'000;  // arrow keys and seekBy() shortcuts
  static constexpr qint64 kSeekPageMs = 60'000;  // Page Up / Page Down on the slider

  explicit PlayerBar(QWidget* parent = nullptr);

  PlayQueue* queue() const { return m_queue; }

  // Puts the song in the queue (QueuePlacement::PlayNow) and plays it from 0:00.
  void play(qint64 fileId, const QString& path, const QString& title);
  void play(const QueueItem& item);
  // Plays the queue's current row from 0:00 (after a double-click in the queue, say).
  void playCurrent();
  // Shows the queue's current row, paused at 0:00 (e.g. a queue restored at start-up).
  void loadCurrent();

  QString songPath() const { return m_path; }
  qint64 songFileId() const { return m_fileId; }  // 0 when nothing or an outside file is loaded
  QString songTitle() const { return m_titleText; }
  bool isPlaying() const;
  QMediaPlayer::PlaybackState playbackState() const;  // StoppedState before the first play
  qint64 position() const;                            // ms; 0 before the first play
  qint64 duration() const;                            // ms of the loaded song; 0 while unknown
  QString errorText() const;                          // the last song's error, while it is shown
  bool noAudioDevice() const { return m_noDeviceReported; }
  int volume() const;  // 0–100, as the slider shows it

  static constexpr int kCoverSide = 40;  // px, the playing song's cover at the bar's left
  // Shows the playing song's cover in the bar and small covers in the queue's rows (through
  // PlayQueue::setCoverArt); nullptr: none. Not owned; must outlive the bar.
  void setCoverArt(CoverArtCache* covers);

 public Q_SLOTS:
  void togglePlay();
  void stop();
  void next();
  void previous();
  void seekBy(qint64 deltaMs);
  void setPosition(qint64 ms);  // clamped to the song; nothing while the duration is unknown
  void setVolume(int percent);
  void cycleRepeat();  // Off → All → One → Off

 Q_SIGNALS:
  void playingChanged(bool playing);
  void playbackStateChanged(QMediaPlayer::PlaybackState state);
  // songPath(), songFileId() or songTitle() changed (another song was loaded).
  void songChanged();
  void durationChanged(qint64 ms);
  void volumeChanged(int percent);
  // The position jumped (a seek, Previous restarting the song, a song starting at 0:00): `ms` is
  // where it was asked to go. The steady advance while playing is not a jump.
  void seeked(qint64 ms);
  // The user clicked the playing song's title: the window should show it.
  void showPlayingRequested(qint64 fileId, const QString& path);
  // Something the user should read in the status bar (a skipped file, no audio device).
  void message(const QString& text);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void ensurePlayer();
  void showErrorInk();  // the error label in the palette's negative colour
  void updateTimes(qint64 positionMs);
  void showError(const QString& message);
  void setSong(const QueueItem& item);  // stops the previous song
  void start();                         // plays m_path from 0:00, or skips it
  // Hands m_path to the player, now or (while the player still loads the song before) once that
  // load settles: m_sourcePending until then.
  void loadSource();
  void applySource();  // stops the song before and hands m_path to the player
  void skipUnplayable(const QString& reason);
  void onEndOfSong();
  // True when an end of stream cannot be the loaded song's: it came within kStaleEndWindowMs of
  // loading it, and the song had not played to near its end. Qt 6.4's GStreamer backend can
  // deliver the end of the song that was playing before after the switch to another.
  bool isStaleEnd() const;
  void updateQueueButtons();
  void updateRepeatButton();
  void updateCover();  // the playing song's cover, or the placeholder

  PlayQueue* m_queue;
  QString m_path;
  QString m_titleText;
  qint64 m_fileId = 0;
  QPointer<CoverArtCache> m_covers;  // null once the cache is gone
  QLabel* m_cover;                   // hidden without a cover cache
  QMediaPlayer* m_player = nullptr;  // owned through the QObject tree, created on first play
  QAudioOutput* m_output = nullptr;
  QToolButton* m_previousButton;
  QToolButton* m_playButton;
  QToolButton* m_nextButton;
  QSlider* m_slider;
  QToolButton* m_title;
  QLabel* m_elapsed;
  QLabel* m_duration;
  QToolButton* m_shuffleButton;
  QToolButton* m_repeatButton;
  QSlider* m_volume;
  QLabel* m_error;
  QLabel* m_noDevice;  // shown for good once no audio output device was found
  QString m_skipping;  // the path being skipped, so two error signals skip it once
  bool m_sliderHeld = false;
  bool m_noDeviceReported = false;
  int m_skipsInRow = 0;           // unplayable songs skipped since one played; bounds the skipping
  QElapsedTimer m_sinceLoad;      // since m_path was handed to the player
  QTimer* m_settleTimer;          // applies a pending source after kLoadSettleMs at most
  bool m_sourcePending = false;   // m_path is chosen, the player still holds the song before
  bool m_playWhenLoaded = false;  // while pending: play m_path once it is handed over
  qint64 m_lastPosition = 0;      // the player's last reported position in m_path, ms
};

}  // namespace songspace::ui
