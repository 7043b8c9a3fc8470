// The player bar plays a real encoded file through Qt Multimedia: playing starts and the position
// advances — or, on a machine without an audio output, the bar shows the backend's error instead
// of hanging or crashing. Pause stops the position. With real one-second WAV files: the queue
// advances at the end of a song, skips a missing file with a message, repeats; the slider seeks
// where it is clicked and by the arrow keys; the volume is remembered; a missing audio device is
// reported once. MPRIS over a private D-Bus daemon (never the user's session bus): a QtDBus client
// calls the methods, reads and sets the properties and receives PropertiesChanged and Seeked;
// no bus, a taken name and a taken object path are reported or worked around. Covers: the
// playing song's in the bar, each row's in the queue.
#include <QAbstractItemModelTester>
#include <QAudioDevice>
#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDBusPendingCall>
#include <QDBusVariant>
#include <QGuiApplication>
#include <QLabel>
#include <QMediaDevices>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "testaudio.h"
#include "tests/coverimages.h"
#include "tests/testpaths.h"
#include "ui/coverart.h"
#include "ui/mpris.h"
#include "ui/playerbar.h"
#include "ui/settingskeys.h"

using songspace::ui::MprisService;
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

constexpr int kBusWaitMs = 5000 * SONGSPACE_TEST_TIMEOUT_SCALE;

// A D-Bus daemon of the test's own (Debian's dbus-daemon), stopped with the test: MPRIS tests
// never touch the user's session bus. connection() opens named connections to it, closed here.
class PrivateBus {
 public:
  PrivateBus() {
    m_daemon.start(QStringLiteral("dbus-daemon"),
                   {QStringLiteral("--session"), QStringLiteral("--nofork"),
                    QStringLiteral("--nopidfile"), QStringLiteral("--print-address=1")});
    if (!m_daemon.waitForStarted(kBusWaitMs)) return;
    while (!m_daemon.canReadLine() && m_daemon.waitForReadyRead(kBusWaitMs)) {
    }
    m_address = QString::fromUtf8(m_daemon.readLine()).trimmed();
  }
  ~PrivateBus() {
    for (const QString& name : m_names) QDBusConnection::disconnectFromBus(name);
    m_daemon.terminate();
    if (!m_daemon.waitForFinished(kBusWaitMs)) m_daemon.kill();
  }
  PrivateBus(const PrivateBus&) = delete;
  PrivateBus& operator=(const PrivateBus&) = delete;

  QString address() const { return m_address; }
  QString error() const { return m_daemon.errorString(); }
  QDBusConnection connection(const QString& name) {
    m_names << name;
    return QDBusConnection::connectToBus(m_address, name);
  }

 private:
  QProcess m_daemon;
  QString m_address;
  QStringList m_names;
};

// A QtDBus client of the player's MPRIS object. Calls are asynchronous and waited for with the
// event loop running, since the service answers from this same thread.
class MprisClient : public QObject {
  Q_OBJECT
 public:
  MprisClient(QDBusConnection connection, QString service)
      : m_connection(std::move(connection)), m_service(std::move(service)) {
    const QString properties = QStringLiteral("org.freedesktop.DBus.Properties");
    m_listening =
        m_connection.connect(m_service, MprisService::kObjectPath, properties,
                             QStringLiteral("PropertiesChanged"), this,
                             SLOT(onPropertiesChanged(QString, QVariantMap, QStringList))) &&
        m_connection.connect(m_service, MprisService::kObjectPath, MprisService::kPlayerInterface,
                             QStringLiteral("Seeked"), this, SLOT(onSeeked(qlonglong)));
  }

  bool listening() const { return m_listening; }

  QDBusMessage call(const QString& interface, const QString& method,
                    const QVariantList& arguments = {}) {
    QDBusMessage message =
        QDBusMessage::createMethodCall(m_service, MprisService::kObjectPath, interface, method);
    message.setArguments(arguments);
    QDBusPendingCall pending = m_connection.asyncCall(message, kBusWaitMs);
    if (!QTest::qWaitFor([&] { return pending.isFinished(); }, kBusWaitMs)) return {};
    return pending.reply();
  }
  QDBusMessage player(const QString& method, const QVariantList& arguments = {}) {
    return call(MprisService::kPlayerInterface, method, arguments);
  }
  // A property of the Player interface (or of `interface`), unwrapped: a{sv} as a QVariantMap.
  QVariant get(const QString& name, const QString& interface = MprisService::kPlayerInterface) {
    const QDBusMessage reply = call(QStringLiteral("org.freedesktop.DBus.Properties"),
                                    QStringLiteral("Get"), {interface, name});
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty()) return {};
    return plain(reply.arguments().constFirst().value<QDBusVariant>().variant());
  }
  QDBusMessage set(const QString& name, const QVariant& value) {
    return call(QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Set"),
                {MprisService::kPlayerInterface, name, QVariant::fromValue(QDBusVariant(value))});
  }
  // The value `name` had in the last PropertiesChanged that carried it (invalid: none did).
  QVariant lastChange(const QString& name) const {
    for (auto it = changes.crbegin(); it != changes.crend(); ++it) {
      if (it->contains(name)) return plain(it->value(name));
    }
    return {};
  }

  QList<QVariantMap> changes;  // the changed properties of each PropertiesChanged
  QList<qlonglong> seeks;      // Seeked's positions, µs

  static QVariant plain(const QVariant& value) {
    if (value.userType() != qMetaTypeId<QDBusArgument>()) return value;
    return qdbus_cast<QVariantMap>(value.value<QDBusArgument>());
  }

 public Q_SLOTS:
  void onPropertiesChanged(const QString& interface, const QVariantMap& changed,
                           const QStringList&) {
    if (interface == MprisService::kPlayerInterface) changes << changed;
  }
  void onSeeked(qlonglong positionUs) { seeks << positionUs; }

 private:
  QDBusConnection m_connection;
  QString m_service;
  bool m_listening = false;
};

}  // namespace

class PlayerBarTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void playsOrReportsWhy() {
    PlayerBar bar;
    bar.show();
    const QString file = songspace::test::testDataPath(QStringLiteral("audio/sine440.ogg"));
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
    m_long2 = sineWav(m_dir, QStringLiteral("long2.wav"), 20.0, 330);
    QVERIFY(!m_long2.isEmpty());
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

  // Skipping quickly back and forth (media keys held, MPRIS clients) leaves the player on the
  // song chosen last: the end or failure of a song the user already left never moves it on.
  void quickSkipsStayOnTheChosenSong() {
    PlayerBar bar;
    bar.queue()->add({item(m_long), item(m_long2)}, QueuePlacement::AddToQueue);
    bar.togglePlay();
    QTRY_VERIFY_WITH_TIMEOUT(bar.isPlaying(), 10000);
    for (int round = 0; round < 12; ++round) {
      bar.next();
      QTest::qWait(round * 7 % 40);
      bar.previous();
      QCOMPARE(bar.songPath(), m_long);
      QTest::qWait(250);  // a late end of long2 arrives here, if at all
      QCOMPARE(bar.songPath(), m_long);
      QCOMPARE(bar.queue()->currentRow(), 0);
    }
    QTRY_VERIFY_WITH_TIMEOUT(bar.isPlaying(), 10000);
    QCOMPARE(bar.songPath(), m_long);
  }

  // Four quick Next presses while the first switch is still loading: the player is handed the
  // song the presses stop on, not each one on the way (each switch of Qt 6.4's GStreamer pipeline
  // mid-preroll risks a late end of stream), and that song plays from 0:00.
  void aBurstOfSkipsLoadsOnlyWhereItStops() {
    PlayerBar bar;
    bar.queue()->add(
        {item(m_long), item(m_short[0]), item(m_short[1]), item(m_short[2]), item(m_long2)},
        QueuePlacement::AddToQueue);
    bar.togglePlay();
    QTRY_VERIFY_WITH_TIMEOUT(bar.isPlaying(), 10000);
    auto* player = bar.findChild<QMediaPlayer*>();
    QVERIFY(player);
    QTRY_VERIFY_WITH_TIMEOUT(player->mediaStatus() == QMediaPlayer::BufferedMedia, 10000);
    QSignalSpy sources(player, &QMediaPlayer::sourceChanged);
    for (int press = 0; press < 4; ++press) bar.next();
    QCOMPARE(bar.songPath(), m_long2);
    QCOMPARE(bar.queue()->currentRow(), 4);
    QVERIFY(bar.isPlaying());  // as the user asked, while the load settles
    QTRY_COMPARE_WITH_TIMEOUT(player->source(), QUrl::fromLocalFile(m_long2), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(player->playbackState() == QMediaPlayer::PlayingState, 10000);
    // The first press loads at once (nothing was loading), the other three wait for it: one more.
    QCOMPARE(sources.size(), 2);
    QCOMPARE(sources.last().at(0).toUrl(), QUrl::fromLocalFile(m_long2));
    QVERIFY(bar.position() < 5000);
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

  // Media keys and desktop controls, as a QtDBus client on a private bus sees them.
  void mprisDrivesThePlayer() {
    PrivateBus bus;
    QVERIFY2(!bus.address().isEmpty(), qPrintable(QStringLiteral("no dbus-daemon (Debian "
                                                                 "package dbus): ") +
                                                  bus.error()));
    PlayerBar bar;
    MprisService mpris(&bar);
    const songspace::base::Status registered =
        mpris.registerOn(bus.connection(QStringLiteral("server")));
    QVERIFY2(registered.ok(), registered.message.c_str());
    QCOMPARE(mpris.serviceName(), MprisService::kServiceName);
    MprisClient client(bus.connection(QStringLiteral("client")), MprisService::kServiceName);
    QVERIFY(client.listening());

    const QString root = QStringLiteral("org.mpris.MediaPlayer2");
    QCOMPARE(client.get(QStringLiteral("CanQuit"), root), QVariant(true));
    QCOMPARE(client.get(QStringLiteral("CanRaise"), root), QVariant(true));
    QCOMPARE(client.get(QStringLiteral("HasTrackList"), root), QVariant(false));
    QCOMPARE(client.get(QStringLiteral("Identity"), root).toString(),
             QGuiApplication::applicationDisplayName());
    QCOMPARE(client.get(QStringLiteral("SupportedUriSchemes"), root).toStringList(),
             QStringList{QStringLiteral("file")});
    const QStringList mimes = client.get(QStringLiteral("SupportedMimeTypes"), root).toStringList();
    for (const QString& type : {QStringLiteral("audio/mpeg"), QStringLiteral("audio/flac"),
                                QStringLiteral("audio/x-wav")}) {
      QVERIFY2(mimes.contains(type), qPrintable(mimes.join(u' ')));
    }
    // Nothing loaded: stopped, no metadata, nothing to play.
    QCOMPARE(client.get(QStringLiteral("PlaybackStatus")).toString(), QStringLiteral("Stopped"));
    QVERIFY(client.get(QStringLiteral("Metadata")).toMap().isEmpty());
    QCOMPARE(client.get(QStringLiteral("CanPlay")), QVariant(false));
    QCOMPARE(client.get(QStringLiteral("CanControl")), QVariant(true));
    QCOMPARE(client.get(QStringLiteral("Rate")).toDouble(), 1.0);
    QCOMPARE(client.get(QStringLiteral("MaximumRate")).toDouble(), 1.0);

    bar.queue()->add({item(m_long), item(m_long2)}, QueuePlacement::AddToQueue);
    QTRY_COMPARE_WITH_TIMEOUT(client.lastChange(QStringLiteral("CanPlay")), QVariant(true),
                              kBusWaitMs);
    QCOMPARE(client.get(QStringLiteral("CanGoNext")), QVariant(true));
    QCOMPARE(client.get(QStringLiteral("CanGoPrevious")), QVariant(false));

    // PlayPause starts the queue; PropertiesChanged says so and carries the new metadata.
    QCOMPARE(client.player(QStringLiteral("PlayPause")).type(), QDBusMessage::ReplyMessage);
    QTRY_VERIFY_WITH_TIMEOUT(bar.isPlaying(), 10000);
    QCOMPARE(bar.songPath(), m_long);
    QTRY_COMPARE_WITH_TIMEOUT(client.lastChange(QStringLiteral("PlaybackStatus")).toString(),
                              QStringLiteral("Playing"), kBusWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(client.lastChange(QStringLiteral("Metadata"))
                                 .toMap()
                                 .contains(QStringLiteral("mpris:length")),
                             kBusWaitMs);
    const QVariantMap first = client.get(QStringLiteral("Metadata")).toMap();
    QCOMPARE(first.value(QStringLiteral("xesam:title")).toString(), QStringLiteral("long.wav"));
    QCOMPARE(first.value(QStringLiteral("xesam:url")).toString(),
             QUrl::fromLocalFile(m_long).toString());
    QVERIFY2(
        std::abs(first.value(QStringLiteral("mpris:length")).toLongLong() - 30'000'000) < 100'000,
        qPrintable(first.value(QStringLiteral("mpris:length")).toString()));
    const QDBusObjectPath firstTrack =
        first.value(QStringLiteral("mpris:trackid")).value<QDBusObjectPath>();
    QVERIFY2(firstTrack.path().startsWith(QStringLiteral("/org/songspace/file/")),
             qPrintable(firstTrack.path()));
    QCOMPARE(client.get(QStringLiteral("CanSeek")), QVariant(true));
    QCOMPARE(client.get(QStringLiteral("CanPause")), QVariant(true));

    // Seek is relative, SetPosition absolute (µs); both emit Seeked; a stale track id is ignored.
    client.seeks.clear();
    client.player(QStringLiteral("Seek"), {qlonglong{12'000'000}});
    QTRY_VERIFY_WITH_TIMEOUT(bar.position() > 11'000, kBusWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(client.seeks.size(), 1, kBusWaitMs);
    QVERIFY(std::abs(client.seeks.first() - 12'000'000) < 1'000'000);
    QVERIFY(std::abs(client.get(QStringLiteral("Position")).toLongLong() - 12'000'000) < 2'000'000);
    client.player(QStringLiteral("SetPosition"),
                  {QVariant::fromValue(firstTrack), qlonglong{4'000'000}});
    QTRY_VERIFY_WITH_TIMEOUT(std::abs(bar.position() - 4'000) < 1'000, kBusWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(client.seeks.size(), 2, kBusWaitMs);
    QCOMPARE(client.seeks.last(), qlonglong{4'000'000});
    client.player(QStringLiteral("SetPosition"),
                  {QVariant::fromValue(QDBusObjectPath(QStringLiteral("/org/songspace/song/999"))),
                   qlonglong{25'000'000}});
    client.player(QStringLiteral("Seek"), {qlonglong{-60'000'000}});  // before the start: 0:00
    QTRY_COMPARE_WITH_TIMEOUT(client.seeks.size(), 3, kBusWaitMs);
    QCOMPARE(client.seeks.last(), qlonglong{0});
    QVERIFY(bar.position() < 2'000);

    // Next and Previous move through the queue the window shows.
    client.player(QStringLiteral("Next"));
    QCOMPARE(bar.songPath(), m_long2);
    QCOMPARE(bar.queue()->currentRow(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(client.lastChange(QStringLiteral("Metadata"))
                                  .toMap()
                                  .value(QStringLiteral("xesam:title"))
                                  .toString(),
                              QStringLiteral("long2.wav"), kBusWaitMs);
    QVERIFY(client.get(QStringLiteral("Metadata"))
                .toMap()
                .value(QStringLiteral("mpris:trackid"))
                .value<QDBusObjectPath>() != firstTrack);
    QCOMPARE(client.get(QStringLiteral("CanGoNext")),
             QVariant(false));  // the end of the queue, repeat off
    QCOMPARE(client.get(QStringLiteral("CanGoPrevious")), QVariant(true));
    client.player(QStringLiteral("Previous"));
    QCOMPARE(bar.songPath(), m_long);

    // Volume, LoopStatus and Shuffle are the bar's and the queue's, both ways.
    QCOMPARE(client.set(QStringLiteral("Volume"), 0.25).type(), QDBusMessage::ReplyMessage);
    QCOMPARE(bar.volume(), 25);
    QCOMPARE(client.get(QStringLiteral("Volume")).toDouble(), 0.25);
    QTRY_COMPARE_WITH_TIMEOUT(client.lastChange(QStringLiteral("Volume")).toDouble(), 0.25,
                              kBusWaitMs);
    bar.setVolume(80);
    QTRY_COMPARE_WITH_TIMEOUT(client.lastChange(QStringLiteral("Volume")).toDouble(), 0.8,
                              kBusWaitMs);
    client.set(QStringLiteral("Volume"), 7.0);  // clamped
    QCOMPARE(bar.volume(), 100);
    client.set(QStringLiteral("LoopStatus"), QStringLiteral("Playlist"));
    QCOMPARE(bar.queue()->repeat(), PlayQueue::Repeat::All);
    bar.cycleRepeat();
    QTRY_COMPARE_WITH_TIMEOUT(client.lastChange(QStringLiteral("LoopStatus")).toString(),
                              QStringLiteral("Track"), kBusWaitMs);
    client.set(QStringLiteral("Shuffle"), true);
    QVERIFY(bar.queue()->shuffle());

    // Cover art arrives through the hook, for the song it belongs to.
    const QUrl art = QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("cover.png")));
    mpris.setArtUrl(m_long2, art);
    QTest::qWait(50);
    QVERIFY(
        !client.get(QStringLiteral("Metadata")).toMap().contains(QStringLiteral("mpris:artUrl")));
    mpris.setArtUrl(m_long, art);
    QTRY_COMPARE_WITH_TIMEOUT(client.lastChange(QStringLiteral("Metadata"))
                                  .toMap()
                                  .value(QStringLiteral("mpris:artUrl"))
                                  .toString(),
                              art.toString(), kBusWaitMs);

    // Pause, Play, Stop; Raise and Quit reach the window; an http URI is refused with an error.
    client.player(QStringLiteral("Pause"));
    QTRY_COMPARE_WITH_TIMEOUT(client.lastChange(QStringLiteral("PlaybackStatus")).toString(),
                              QStringLiteral("Paused"), kBusWaitMs);
    client.player(QStringLiteral("Play"));
    QTRY_VERIFY_WITH_TIMEOUT(bar.isPlaying(), kBusWaitMs);
    client.player(QStringLiteral("Stop"));
    QTRY_COMPARE_WITH_TIMEOUT(client.get(QStringLiteral("PlaybackStatus")).toString(),
                              QStringLiteral("Stopped"), kBusWaitMs);
    QSignalSpy raised(&mpris, &MprisService::raiseRequested);
    QSignalSpy quit(&mpris, &MprisService::quitRequested);
    client.call(root, QStringLiteral("Raise"));
    client.call(root, QStringLiteral("Quit"));
    QCOMPARE(raised.size(), 1);
    QCOMPARE(quit.size(), 1);
    const QDBusMessage refused =
        client.player(QStringLiteral("OpenUri"), {QStringLiteral("http://example.com/a.mp3")});
    QCOMPARE(refused.type(), QDBusMessage::ErrorMessage);
    QCOMPARE(refused.errorName(), QStringLiteral("org.freedesktop.DBus.Error.NotSupported"));
    client.player(QStringLiteral("OpenUri"), {QUrl::fromLocalFile(m_short[2]).toString()});
    QCOMPARE(bar.songPath(), m_short[2]);
  }

  // No bus: a reason, nothing registered. A second instance takes the spec's instance name; a
  // third (same pid, both names taken) and a second object on one connection fail with reasons.
  void mprisFailuresAreReported() {
    PlayerBar bar;
    MprisService mpris(&bar);
    const songspace::base::Status noBus = mpris.registerOn(QDBusConnection::connectToBus(
        QStringLiteral("unix:path=/nonexistent/songspace-bus"), QStringLiteral("nobus")));
    QDBusConnection::disconnectFromBus(QStringLiteral("nobus"));
    QCOMPARE(noBus.error, songspace::base::ErrorCode::CannotOpen);
    QVERIFY2(QString::fromStdString(noBus.message).contains(QStringLiteral("no D-Bus session bus")),
             noBus.message.c_str());
    QVERIFY(mpris.serviceName().isEmpty());

    PrivateBus bus;
    QVERIFY(!bus.address().isEmpty());
    QDBusConnection first = bus.connection(QStringLiteral("first"));
    QVERIFY(mpris.registerOn(first).ok());
    QCOMPARE(mpris.registerOn(first).error, songspace::base::ErrorCode::InvalidArgument);
    QCOMPARE(mpris.serviceName(), MprisService::kServiceName);

    PlayerBar otherBar;
    MprisService sameConnection(&otherBar);
    QCOMPARE(sameConnection.registerOn(first).error, songspace::base::ErrorCode::Busy);

    MprisService second(&otherBar);
    QVERIFY(second.registerOn(bus.connection(QStringLiteral("second"))).ok());
    QCOMPARE(second.serviceName(), MprisService::kServiceName + QStringLiteral(".instance") +
                                       QString::number(QCoreApplication::applicationPid()));
    MprisService third(&otherBar);
    QDBusConnection thirdConnection = bus.connection(QStringLiteral("third"));
    const songspace::base::Status taken = third.registerOn(thirdConnection);
    QCOMPARE(taken.error, songspace::base::ErrorCode::Busy);
    QVERIFY2(QString::fromStdString(taken.message).contains(QStringLiteral("taken")),
             taken.message.c_str());
    QVERIFY(thirdConnection.objectRegisteredAt(MprisService::kObjectPath) == nullptr);
  }

  // The bar shows the loaded song's cover (the placeholder until it arrives, and for a song
  // without one); the queue's rows carry their covers as DecorationRole, updated by dataChanged.
  void coversInBarAndQueue() {
    QTemporaryDir dir;
    QTemporaryDir cache;
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("b")));
    const QString withCover = sineWav(dir, QStringLiteral("a.wav"), 0.2);
    const QString without = sineWav(dir, QStringLiteral("b/b.wav"), 0.2);
    QVERIFY(songspace::coverimages::writeFile(
        dir.filePath(QStringLiteral("front.png")),
        songspace::coverimages::encoded(Qt::green, 120, 120, "PNG")));
    songspace::ui::CoverArtCache covers(cache.path());
    PlayerBar bar;
    auto* cover = bar.findChild<QLabel*>(QStringLiteral("cover"));
    QVERIFY(cover != nullptr);
    bar.setCoverArt(&covers);
    bar.show();
    QVERIFY(cover->isVisible());
    PlayQueue& queue = *bar.queue();
    QAbstractItemModelTester tester(&queue, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy changed(&queue, &PlayQueue::dataChanged);
    queue.add({item(withCover), item(without)}, QueuePlacement::AddToQueue);
    queue.setCurrentRow(0);
    bar.loadCurrent();
    const auto colourOf = [](const QPixmap& pixmap) {
      return songspace::coverimages::centre(pixmap.toImage());
    };
    QTRY_VERIFY(songspace::coverimages::near(colourOf(cover->pixmap()), Qt::green));
    QCOMPARE(cover->size(), QSize(PlayerBar::kCoverSide, PlayerBar::kCoverSide));

    const QModelIndex first = queue.index(0);
    const QModelIndex second = queue.index(1);
    (void)second.data(Qt::DecorationRole);  // asks for the second row's cover
    QTRY_VERIFY(covers.isKnown(without));
    QTRY_VERIFY(std::any_of(changed.begin(), changed.end(), [](const QList<QVariant>& args) {
      return args.at(0).toModelIndex().row() <= 1 && args.at(1).toModelIndex().row() >= 1 &&
             args.at(2).value<QList<int>>().contains(Qt::DecorationRole);
    }));
    const auto pixmapOf = [](const QModelIndex& index) {
      return index.data(Qt::DecorationRole).value<QPixmap>();
    };
    QCOMPARE(pixmapOf(first).size(), QSize(PlayQueue::kCoverSide, PlayQueue::kCoverSide));
    QVERIFY(songspace::coverimages::near(colourOf(pixmapOf(first)), Qt::green));
    QCOMPARE(pixmapOf(second).size(), QSize(PlayQueue::kCoverSide, PlayQueue::kCoverSide));
    QVERIFY(!songspace::coverimages::near(colourOf(pixmapOf(second)), Qt::green));  // placeholder

    bar.next();
    QCOMPARE(bar.songPath(), without);
    QVERIFY(!songspace::coverimages::near(colourOf(cover->pixmap()), Qt::green));
    QCOMPARE(cover->toolTip(), PlayerBar::tr("No cover art"));
    bar.stop();
  }

 private:
  QTemporaryDir m_dir;
  QStringList m_short;  // three one-second songs
  QString m_long;       // thirty seconds
  QString m_long2;      // twenty seconds
};

QTEST_MAIN(PlayerBarTest)
#include "tst_playerbar.moc"
