// The player bar plays a real encoded file through Qt Multimedia: playing starts and the position
// advances — or, on a machine without an audio output, the bar shows the backend's error instead
// of hanging or crashing. Pause stops the position. With real one-second WAV files: the queue
// advances at the end of a song, skips a missing file with a message, repeats; the slider seeks
// where it is clicked and by the arrow keys; the volume is remembered; a missing audio device is
// reported once.
#include <QAudioDevice>
#include <QLabel>
#include <QMediaDevices>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "testaudio.h"
#include "ui/playerbar.h"
#include "ui/settingskeys.h"

using songspace::ui::PlayerBar;
using songspace::ui::PlayQueue;
using songspace::ui::QueueItem;
using songspace::ui::QueuePlacement;

namespace {

// A mono sine of `seconds` at 22.05 kHz, as a WAV file in `dir`.
QString sineWav(const QTemporaryDir& dir, const QString& name, double seconds, double hz = 440) {
  constexpr int kRate = 22050;
  std::vector<float> samples(static_cast<std::size_t>(seconds * kRate));
  for (std::size_t i = 0; i < samples.size(); ++i) {
    samples[i] = static_cast<float>(0.3 * std::sin(2 * M_PI * hz * static_cast<double>(i) / kRate));
  }
  const QString path = dir.filePath(name);
  return songspace::testaudio::writeWav(QFile::encodeName(path).toStdString(), samples, kRate)
             ? path
             : QString();
}

QueueItem item(const QString& path) {
  return {0, path, QFileInfo(path).fileName()};
}

}  // namespace

class PlayerBarTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void playsOrReportsWhy() {
    PlayerBar bar;
    bar.show();
    const QString file = QStringLiteral(SONGSPACE_TEST_DATA_DIR "/audio/sine440.ogg");
    QSignalSpy playing(&bar, &PlayerBar::playingChanged);
    bar.play(7, file, QStringLiteral("Sine"));
    QCOMPARE(bar.songPath(), file);
    QCOMPARE(bar.songFileId(), 7);
    QTRY_VERIFY_WITH_TIMEOUT(bar.isPlaying() || !bar.errorText().isEmpty(), 10000);
    if (!bar.isPlaying()) {
      qInfo() << "no audio output here:" << bar.errorText();
      return;
    }
    QVERIFY(!playing.isEmpty() && playing.first().first().toBool());
    auto* slider = bar.findChild<QSlider*>();
    QVERIFY(slider);
    QTRY_VERIFY_WITH_TIMEOUT(slider->value() > 0, 5000);  // the position advances
    bar.togglePlay();
    QTRY_VERIFY(!bar.isPlaying());
    const int paused = slider->value();
    QTest::qWait(300);
    QCOMPARE(slider->value(), paused);
  }

  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QVERIFY(m_dir.isValid());
    for (const char* name : {"one.wav", "two.wav", "three.wav"}) {
      m_short << sineWav(m_dir, QString::fromLatin1(name), 1.0, 300 + 100 * m_short.size());
      QVERIFY(!m_short.last().isEmpty());
    }
    m_long = sineWav(m_dir, QStringLiteral("long.wav"), 30.0);
    QVERIFY(!m_long.isEmpty());
  }

  void autoAdvanceSkipsMissingAndStopsAtTheEnd() {
    PlayerBar bar;
    bar.show();
    const QString missing = m_dir.filePath(QStringLiteral("gone.wav"));
    bar.queue()->add({item(m_short[0]), item(missing), item(m_short[1])},
                     QueuePlacement::AddToQueue);
    QSignalSpy messages(&bar, &PlayerBar::message);
    QStringList started;  // the songs that really played, in order (robust to a stalled loop)
    connect(&bar, &PlayerBar::playingChanged, this, [&](bool playing) {
      if (playing && (started.isEmpty() || started.last() != bar.songPath())) {
        started << bar.songPath();
      }
    });
    bar.queue()->setCurrentRow(0);
    bar.playCurrent();
    // One second later the missing file is skipped and the third song plays.
    QTRY_COMPARE_WITH_TIMEOUT(started, (QStringList{m_short[0], m_short[1]}), 15000);
    QCOMPARE(bar.queue()->currentRow(), 2);
    bool skipped = false;
    for (const QList<QVariant>& args : messages) {
      skipped = skipped || (args.at(0).toString().contains(QStringLiteral("Skipped")) &&
                            args.at(0).toString().contains(QStringLiteral("gone.wav")));
    }
    QVERIFY2(skipped, "the missing file was skipped without a word");
    // Repeat off: the end of the queue stops and keeps the last song current.
    QTRY_VERIFY_WITH_TIMEOUT(!bar.isPlaying(), 10000);
    QTest::qWait(300);
    QCOMPARE(bar.queue()->currentRow(), 2);
    QCOMPARE(bar.songPath(), m_short[1]);
  }

  void repeatAllWraps() {
    PlayerBar bar;
    bar.queue()->add({item(m_short[0]), item(m_short[1])}, QueuePlacement::AddToQueue);
    bar.queue()->setRepeat(PlayQueue::Repeat::All);
    bar.queue()->setCurrentRow(1);
    bar.playCurrent();
    QTRY_COMPARE_WITH_TIMEOUT(bar.songPath(), m_short[0], 10000);  // wrapped to the first
    QTRY_VERIFY_WITH_TIMEOUT(bar.isPlaying(), 5000);
  }

  void nextPreviousAndPlayNow() {
    PlayerBar bar;
    bar.queue()->add({item(m_short[0]), item(m_short[1]), item(m_short[2])},
                     QueuePlacement::AddToQueue);
    bar.togglePlay();  // nothing current: the queue starts at its top
    QCOMPARE(bar.songPath(), m_short[0]);
    bar.next();
    QCOMPARE(bar.songPath(), m_short[1]);
    bar.previous();  // within the first seconds: the song before
    QCOMPARE(bar.songPath(), m_short[0]);
    bar.play(0, m_long, QStringLiteral("Long"));
    QCOMPARE(bar.queue()->rowCount(), 4);
    QCOMPARE(bar.queue()->currentRow(), 1);  // inserted after the song that was playing
    QCOMPARE(bar.songPath(), m_long);
  }

  void clickAndKeysSeek() {
    PlayerBar bar;
    bar.resize(900, bar.sizeHint().height());
    bar.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bar));
    bar.play(0, m_long, QStringLiteral("Long"));
    auto* slider = bar.findChild<QSlider*>(QStringLiteral("position"));
    QVERIFY(slider);
    QTRY_VERIFY_WITH_TIMEOUT(slider->isEnabled() && slider->maximum() > 25'000, 5000);
    bar.togglePlay();  // pause: the position then only moves by seeking
    QTRY_VERIFY(!bar.isPlaying());
    // A click at three quarters of the groove jumps there, not one page step.
    QTest::mouseClick(slider, Qt::LeftButton, {},
                      QPoint(slider->width() * 3 / 4, slider->height() / 2));
    QTRY_VERIFY_WITH_TIMEOUT(std::abs(bar.position() - 22'500) < 2'000, 5000);
    const qint64 clicked = bar.position();
    slider->setFocus();
    QTest::keyClick(slider, Qt::Key_Left);
    QTRY_VERIFY_WITH_TIMEOUT(std::abs(bar.position() - (clicked - PlayerBar::kSeekStepMs)) < 500,
                             5000);
    bar.seekBy(-60'000);  // clamped at the start
    QTRY_COMPARE_WITH_TIMEOUT(bar.position(), 0, 5000);
  }

  void volumeIsRemembered() {
    {
      PlayerBar bar;
      QCOMPARE(bar.volume(), songspace::ui::settings::kPlayerVolume.defaultValue);
      bar.setVolume(35);
    }
    QCOMPARE(songspace::ui::settings::kPlayerVolume.read(), 35);
    PlayerBar again;
    QCOMPARE(again.volume(), 35);
    again.setVolume(250);
    QCOMPARE(again.volume(), 100);
  }

  void missingAudioDeviceIsReportedOnce() {
    PlayerBar bar;
    QSignalSpy messages(&bar, &PlayerBar::message);
    bar.play(0, m_short[0], QStringLiteral("one"));
    bar.play(0, m_short[1], QStringLiteral("two"));
    const bool none = QMediaDevices::audioOutputs().isEmpty();
    QCOMPARE(bar.noAudioDevice(), none);
    int reports = 0;
    for (const QList<QVariant>& args : messages) {
      reports += args.at(0).toString().contains(QStringLiteral("No audio output device")) ? 1 : 0;
    }
    QCOMPARE(reports, none ? 1 : 0);
    auto* label = bar.findChild<QLabel*>(QStringLiteral("noAudioDevice"));
    QVERIFY(label);
    QCOMPARE(!label->isHidden(), none);
    qInfo() << "audio outputs here:" << QMediaDevices::audioOutputs().size();
  }

  void missingFileIsAnError() {
    PlayerBar bar;
    bar.play(0, QStringLiteral("/nonexistent/songspace-missing.ogg"), QStringLiteral("gone"));
    QTRY_VERIFY_WITH_TIMEOUT(!bar.errorText().isEmpty(), 10000);
    QVERIFY(!bar.isPlaying());
  }

 private:
  QTemporaryDir m_dir;
  QStringList m_short;  // three one-second songs
  QString m_long;       // thirty seconds
};

QTEST_MAIN(PlayerBarTest)
#include "tst_playerbar.moc"
