// The songspace.* logging categories: FFmpeg's own log reaches songspace.audio (one line per
// message, at the mapped level), and QLoggingCategory's rules switch it off and on.
#include <QLoggingCategory>
#include <QMutex>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <vector>

#include "audio/decoder.h"
#include "core/base/log.h"
#include "core/catalog/catalog.h"
#include "core/library/logging.h"
#include "core/library/safetagwrite.h"
#include "testaudio.h"
#include "tests/testpaths.h"

namespace fs = std::filesystem;
using namespace songspace;

namespace {

struct Message {
  QtMsgType type;
  QString category;
  QString text;
};

QMutex g_mutex;
QList<Message> g_messages;

void recordMessage(QtMsgType type, const QMessageLogContext& context, const QString& text) {
  const QMutexLocker lock(&g_mutex);
  g_messages.append({type, QString::fromUtf8(context.category), text});
}

// Collects what reaches Qt's message handler while it lives.
class MessageRecorder {
 public:
  MessageRecorder() {
    const QMutexLocker lock(&g_mutex);
    g_messages.clear();
    m_previous = qInstallMessageHandler(&recordMessage);
  }
  ~MessageRecorder() { qInstallMessageHandler(m_previous); }
  MessageRecorder(const MessageRecorder&) = delete;
  MessageRecorder& operator=(const MessageRecorder&) = delete;

  QList<Message> messages(QtMsgType type, const QString& category) const {
    const QMutexLocker lock(&g_mutex);
    QList<Message> found;
    for (const Message& m : g_messages) {
      if (m.type == type && m.category == category) found.append(m);
    }
    return found;
  }

 private:
  QtMessageHandler m_previous = nullptr;
};

const QString kAudio = QStringLiteral("songspace.audio");

// Random bytes over [begin, end) of a copy: a few MP3 frames whose headers FFmpeg rejects.
void damage(const fs::path& from, const fs::path& to, double begin, double end) {
  std::ifstream in(from, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  QRandomGenerator generator(7);
  const auto n = static_cast<double>(bytes.size());
  for (auto i = static_cast<std::size_t>(n * begin); i < static_cast<std::size_t>(n * end); ++i) {
    bytes[i] = static_cast<char>(generator.bounded(256));
  }
  std::ofstream(to, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

base::Status decode(const fs::path& file) {
  return audio::decodeAudio(file, [](std::span<const float>) { return true; });
}

}  // namespace

class LoggingTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase();
  void cleanup();
  void ffmpegWarningReachesAudioCategory();
  void disabledCategoryIsSilent();
  void debugIsOffByDefault();
  void noSinkDropsEverything();
  void cliRoutesFfmpegLogToStderr();
  void catalogClosedInsideABatchWarns();
  void tagWriteNamesTheUsersFile();

 private:
  QTemporaryDir m_dir;
  fs::path m_damaged;
};

void LoggingTest::initTestCase() {
  QVERIFY(m_dir.isValid());
  library::routeCoreLogToCategories();
  m_damaged = fs::path(m_dir.filePath(QStringLiteral("damaged.mp3")).toStdString());
  damage(testaudio::fixture("sine440.mp3"), m_damaged, 0.50, 0.52);
}

void LoggingTest::cleanup() {
  QLoggingCategory::setFilterRules(QString());
  library::routeCoreLogToCategories();
}

void LoggingTest::ffmpegWarningReachesAudioCategory() {
  MessageRecorder recorder;
  const base::Status status = decode(m_damaged);
  QVERIFY2(status.ok(), status.message.c_str());  // a few bad frames: decoded, with a warning
  const QList<Message> warnings = recorder.messages(QtWarningMsg, kAudio);
  QVERIFY2(!warnings.isEmpty(), "FFmpeg's complaint about the damaged frames was not logged");
  for (const Message& m : warnings) {
    // One line per message, naming the file and the FFmpeg component (no "@ 0x…" address).
    QVERIFY2(!m.text.contains(QLatin1Char('\n')), qPrintable(m.text));
    QVERIFY2(m.text.startsWith(QString::fromStdString(m_damaged.string()) + QStringLiteral(": [")),
             qPrintable(m.text));
    QVERIFY2(!m.text.contains(QStringLiteral(" @ 0x")), qPrintable(m.text));
  }
}

void LoggingTest::disabledCategoryIsSilent() {
  QLoggingCategory::setFilterRules(QStringLiteral("songspace.audio.warning=false"));
  {
    MessageRecorder recorder;
    QVERIFY(decode(m_damaged).ok());
    QCOMPARE(recorder.messages(QtWarningMsg, kAudio).size(), 0);
  }
  // The rule is read per line, not once: switching the category back on brings the lines back.
  QLoggingCategory::setFilterRules(QStringLiteral("songspace.audio.warning=true"));
  MessageRecorder recorder;
  QVERIFY(decode(m_damaged).ok());
  QVERIFY(!recorder.messages(QtWarningMsg, kAudio).isEmpty());
}

void LoggingTest::debugIsOffByDefault() {
  const fs::path clean = testaudio::fixture("sine440.mp3");
  {
    MessageRecorder recorder;
    QVERIFY(decode(clean).ok());
    QCOMPARE(recorder.messages(QtDebugMsg, kAudio).size(), 0);
  }
  // FFmpeg says at debug level how it probed the format; the rule turns those lines on.
  QLoggingCategory::setFilterRules(QStringLiteral("songspace.audio.debug=true"));
  MessageRecorder recorder;
  QVERIFY(decode(clean).ok());
  QVERIFY(!recorder.messages(QtDebugMsg, kAudio).isEmpty());
}

void LoggingTest::noSinkDropsEverything() {
  log::setSink({});
  QVERIFY(!log::enabled(log::Area::Audio, log::Level::Critical));
  MessageRecorder recorder;
  QVERIFY(decode(m_damaged).ok());
  QCOMPARE(recorder.messages(QtWarningMsg, kAudio).size(), 0);
}

// songspace-cli installs the same route: a scan of a damaged file prints FFmpeg's complaint on
// stderr under songspace.audio (Qt's default message pattern), and QT_LOGGING_RULES silences it.
// FFmpeg's info lines are debug here, so turning warnings off leaves nothing of songspace.audio.
void LoggingTest::cliRoutesFfmpegLogToStderr() {
  QTemporaryDir music;
  QVERIFY(music.isValid());
  QVERIFY(fs::copy_file(m_damaged,
                        fs::path(music.filePath(QStringLiteral("damaged.mp3")).toStdString())));
  const auto scan = [&](const QString& rules) {
    QProcess cli;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("QT_MESSAGE_PATTERN"));
    env.insert(QStringLiteral("QT_LOGGING_RULES"), rules);
    cli.setProcessEnvironment(env);
    const QString db = m_dir.filePath(QStringLiteral("cli-%1.sqlite").arg(rules.size()));
    cli.start(songspace::test::cliPath(),
              {QStringLiteral("scan"), music.path(), QStringLiteral("--db"), db});
    if (!cli.waitForFinished(60'000)) return QString();
    return QString::fromUtf8(cli.readAllStandardError());
  };
  const QString prefix =
      QStringLiteral("songspace.audio: ") + music.filePath(QStringLiteral("damaged.mp3"));
  const QString loud = scan(QString());
  QVERIFY2(loud.contains(prefix), qPrintable(loud));
  const QString quiet = scan(QStringLiteral("songspace.audio.warning=false"));
  QVERIFY2(!quiet.contains(QStringLiteral("songspace.audio")), qPrintable(quiet));
}

// songspace.catalog: a catalog destroyed with a batch open says that its changes were discarded.
void LoggingTest::catalogClosedInsideABatchWarns() {
  const fs::path db = fs::path(m_dir.filePath(QStringLiteral("batch.sqlite")).toStdString());
  MessageRecorder recorder;
  {
    auto catalog = core::Catalog::open(db);
    QVERIFY(catalog);
    QVERIFY(catalog->beginBatch().ok());
  }
  const QList<Message> warnings =
      recorder.messages(QtWarningMsg, QStringLiteral("songspace.catalog"));
  QCOMPARE(warnings.size(), 1);
  QVERIFY2(warnings[0].text.startsWith(QString::fromStdString(db.string())),
           qPrintable(warnings[0].text));
  // A catalog closed after its batch was committed says nothing.
  auto catalog = core::Catalog::open(db);
  QVERIFY(catalog);
  QVERIFY(catalog->beginBatch().ok());
  QVERIFY(catalog->commitBatch().ok());
  catalog.reset();
  QCOMPARE(recorder.messages(QtWarningMsg, QStringLiteral("songspace.catalog")).size(), 1);
}

// A tag write decodes the file and then its temporary copy (the audio must not change): FFmpeg's
// complaints about the copy name the user's file, never the hidden ".x.songspace-tmp-…" copy
// (seen when auto-tag wrote MP3s whose length FFmpeg estimates from the bitrate).
void LoggingTest::tagWriteNamesTheUsersFile() {
  const fs::path file = fs::path(m_dir.filePath(QStringLiteral("write me.mp3")).toStdString());
  fs::copy_file(m_damaged, file, fs::copy_options::overwrite_existing);
  MessageRecorder recorder;
  const auto result = library::safeWriteTags(file, {{audio::TagField::Genre, {"Jazz"}, {}}}, {});
  QVERIFY2(result.status.ok(), result.status.message.c_str());
  const QList<Message> warnings = recorder.messages(QtWarningMsg, kAudio);
  // The original's decode and the copy's each complain about the damaged frames.
  QVERIFY2(warnings.size() >= 2, qPrintable(QString::number(warnings.size())));
  const QString name = QString::fromStdString(fs::canonical(file).string());
  int copies = 0;
  for (const Message& m : warnings) {
    QVERIFY2(m.text.startsWith(name), qPrintable(m.text));
    QVERIFY2(!m.text.contains(QStringLiteral("songspace-tmp")), qPrintable(m.text));
    copies += m.text.startsWith(name + QStringLiteral(" (its copy with the new tags): ")) ? 1 : 0;
  }
  QVERIFY(copies > 0);
}

QTEST_GUILESS_MAIN(LoggingTest)
#include "tst_logging.moc"
