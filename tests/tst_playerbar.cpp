// The player bar plays a real encoded file through Qt Multimedia: playing starts and the position
// advances — or, on a machine without an audio output, the bar shows the backend's error instead
// of hanging or crashing. Pause stops the position.
#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QtTest>

#include "ui/playerbar.h"

using songspace::ui::PlayerBar;

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

  void missingFileIsAnError() {
    PlayerBar bar;
    bar.play(0, QStringLiteral("/nonexistent/songspace-missing.ogg"), QStringLiteral("gone"));
    QTRY_VERIFY_WITH_TIMEOUT(!bar.errorText().isEmpty(), 10000);
    QVERIFY(!bar.isPlaying());
  }
};

QTEST_MAIN(PlayerBarTest)
#include "tst_playerbar.moc"
