#include "ui/mpris.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDBusConnectionInterface>
#include <QDBusError>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QFile>
#include <QMimeDatabase>
#include <algorithm>
#include <cmath>

#include "core/library/librarywalker.h"
#include "core/library/logging.h"
#include "ui/mprisadaptors.h"
#include "ui/playerbar.h"

namespace songspace::ui {
namespace {

constexpr qint64 kUsPerMs = 1000;
const QString kPropertiesInterface = QStringLiteral("org.freedesktop.DBus.Properties");

// The spec's names for PlayQueue::Repeat, in the enum's order (Off, All, One).
const QString kLoopNone = QStringLiteral("None");
const QString kLoopPlaylist = QStringLiteral("Playlist");
const QString kLoopTrack = QStringLiteral("Track");

}  // namespace

MprisService::MprisService(PlayerBar* player, QObject* parent)
    : QObject(parent), m_player(player), m_playerAdaptor(new MprisPlayerAdaptor(this)) {
  new MprisRootAdaptor(this);  // owned by this object, exported with it
  m_announceTimer.setSingleShot(true);
  m_announceTimer.setInterval(0);
  connect(&m_announceTimer, &QTimer::timeout, this, &MprisService::announce);
  connect(m_player, &PlayerBar::seeked, m_playerAdaptor,
          [this](qint64 ms) { Q_EMIT m_playerAdaptor->Seeked(ms * kUsPerMs); });
  connect(m_player, &PlayerBar::songChanged, this, &MprisService::scheduleAnnouncement);
  connect(m_player, &PlayerBar::playbackStateChanged, this, &MprisService::scheduleAnnouncement);
  connect(m_player, &PlayerBar::durationChanged, this, &MprisService::scheduleAnnouncement);
  connect(m_player, &PlayerBar::volumeChanged, this, &MprisService::scheduleAnnouncement);
  PlayQueue* queue = m_player->queue();
  connect(queue, &PlayQueue::currentRowChanged, this, &MprisService::scheduleAnnouncement);
  connect(queue, &PlayQueue::shuffleChanged, this, &MprisService::scheduleAnnouncement);
  connect(queue, &PlayQueue::repeatChanged, this, &MprisService::scheduleAnnouncement);
  connect(queue, &QAbstractItemModel::rowsInserted, this, &MprisService::scheduleAnnouncement);
  connect(queue, &QAbstractItemModel::rowsRemoved, this, &MprisService::scheduleAnnouncement);
  connect(queue, &QAbstractItemModel::rowsMoved, this, &MprisService::scheduleAnnouncement);
  connect(queue, &QAbstractItemModel::modelReset, this, &MprisService::scheduleAnnouncement);
  m_announced = announcedProperties();
}

MprisService::~MprisService() {
  if (m_bus && m_bus->isConnected()) {
    m_bus->unregisterService(m_serviceName);
    m_bus->unregisterObject(kObjectPath);
  }
}

void MprisService::setTagLookup(TagLookup lookup) {
  m_lookup = std::move(lookup);
  refresh();
}

base::Status MprisService::registerOn(const QDBusConnection& bus) {
  using base::ErrorCode;
  using base::Status;
  if (m_bus) {
    return Status::failure(ErrorCode::InvalidArgument,
                           "MPRIS is already registered as " + m_serviceName.toStdString());
  }
  if (!bus.isConnected()) {
    return Status::failure(
        ErrorCode::CannotOpen,
        "no D-Bus session bus to register MPRIS on (" +
            (bus.lastError().isValid() ? bus.lastError().message() : bus.name()).toStdString() +
            ")");
  }
  QDBusConnection connection = bus;
  if (!connection.registerObject(kObjectPath, this, QDBusConnection::ExportAdaptors)) {
    return Status::failure(ErrorCode::Busy, "the D-Bus object " + kObjectPath.toStdString() +
                                                " is already in use on this connection");
  }
  QString name = kServiceName;
  if (!connection.registerService(name)) {
    name = kServiceName + QStringLiteral(".instance") +
           QString::number(QCoreApplication::applicationPid());
    if (!connection.registerService(name)) {
      connection.unregisterObject(kObjectPath);
      return Status::failure(ErrorCode::Busy, "the D-Bus names " + kServiceName.toStdString() +
                                                  " and " + name.toStdString() + " are both taken");
    }
    qCInfo(library::lcUi).noquote()
        << kServiceName << "is taken (another Songspace?): MPRIS is" << name;
  }
  m_bus = connection;
  m_serviceName = name;
  m_announced = announcedProperties();
  return Status::success();
}

QString MprisService::playbackStatus() const {
  switch (m_player->playbackState()) {
    case QMediaPlayer::PlayingState:
      return QStringLiteral("Playing");
    case QMediaPlayer::PausedState:
      return QStringLiteral("Paused");
    case QMediaPlayer::StoppedState:
      break;
  }
  return QStringLiteral("Stopped");
}

QString MprisService::loopStatus() const {
  switch (m_player->queue()->repeat()) {
    case PlayQueue::Repeat::All:
      return kLoopPlaylist;
    case PlayQueue::Repeat::One:
      return kLoopTrack;
    case PlayQueue::Repeat::Off:
      break;
  }
  return kLoopNone;
}

void MprisService::setLoopStatus(const QString& status) {
  PlayQueue* queue = m_player->queue();
  if (status == kLoopNone) {
    queue->setRepeat(PlayQueue::Repeat::Off);
  } else if (status == kLoopPlaylist) {
    queue->setRepeat(PlayQueue::Repeat::All);
  } else if (status == kLoopTrack) {
    queue->setRepeat(PlayQueue::Repeat::One);
  }
}

bool MprisService::shuffle() const {
  return m_player->queue()->shuffle();
}

void MprisService::setShuffle(bool on) {
  m_player->queue()->setShuffle(on);
}

double MprisService::volume() const {
  return m_player->volume() / 100.0;
}

void MprisService::setVolume(double volume) {
  if (std::isnan(volume)) return;
  m_player->setVolume(static_cast<int>(std::lround(std::clamp(volume, 0.0, 1.0) * 100.0)));
}

qint64 MprisService::positionUs() const {
  return m_player->position() * kUsPerMs;
}

QDBusObjectPath MprisService::trackId() const {
  const QString path = m_player->songPath();
  if (path.isEmpty())
    return QDBusObjectPath(QStringLiteral("/org/mpris/MediaPlayer2/TrackList/NoTrack"));
  if (m_player->songFileId() > 0) {
    return QDBusObjectPath(QStringLiteral("/org/songspace/song/") +
                           QString::number(m_player->songFileId()));
  }
  // Object path elements allow only [A-Za-z0-9_]: a hash names a file outside the catalog.
  const QByteArray hash =
      QCryptographicHash::hash(QFile::encodeName(path), QCryptographicHash::Sha1).toHex();
  return QDBusObjectPath(QStringLiteral("/org/songspace/file/") + QString::fromLatin1(hash));
}

QVariantMap MprisService::metadata() const {
  const QString path = m_player->songPath();
  if (path.isEmpty()) return {};
  MprisTags tags = m_lookup ? m_lookup(m_player->songFileId(), path) : MprisTags{};
  if (tags.title.isEmpty()) tags.title = m_player->songTitle();
  QVariantMap map{
      {QStringLiteral("mpris:trackid"), QVariant::fromValue(trackId())},
      {QStringLiteral("xesam:url"), QUrl::fromLocalFile(path).toString()},
      {QStringLiteral("xesam:title"), tags.title},
  };
  if (const qint64 ms = m_player->duration(); ms > 0) {
    map.insert(QStringLiteral("mpris:length"), ms * kUsPerMs);
  }
  if (!tags.artists.isEmpty()) map.insert(QStringLiteral("xesam:artist"), tags.artists);
  if (!tags.albumArtists.isEmpty()) {
    map.insert(QStringLiteral("xesam:albumArtist"), tags.albumArtists);
  }
  if (!tags.album.isEmpty()) map.insert(QStringLiteral("xesam:album"), tags.album);
  if (path == m_artPath && !m_artUrl.isEmpty()) {
    map.insert(QStringLiteral("mpris:artUrl"), m_artUrl.toString());
  }
  return map;
}

bool MprisService::canGoNext() const {
  return m_player->queue()->hasNext();
}

bool MprisService::canGoPrevious() const {
  return m_player->queue()->hasPrevious();
}

bool MprisService::canPlay() const {
  return !m_player->songPath().isEmpty() || m_player->queue()->rowCount() > 0;
}

bool MprisService::canPause() const {
  return !m_player->songPath().isEmpty();
}

bool MprisService::canSeek() const {
  return m_player->duration() > 0;
}

void MprisService::play() {
  if (!m_player->isPlaying()) m_player->togglePlay();
}

void MprisService::pause() {
  if (m_player->isPlaying()) m_player->togglePlay();
}

void MprisService::seek(qint64 offsetUs) {
  if (!canSeek()) return;
  const qint64 to = m_player->position() + offsetUs / kUsPerMs;
  if (to > m_player->duration()) {
    m_player->next();
    return;
  }
  m_player->setPosition(std::max<qint64>(to, 0));
}

void MprisService::setPosition(const QDBusObjectPath& track, qint64 positionUs) {
  if (!canSeek() || track != trackId() || positionUs < 0 ||
      positionUs > m_player->duration() * kUsPerMs) {
    return;
  }
  m_player->setPosition(positionUs / kUsPerMs);
}

void MprisService::openUri(const QString& uri) {
  const QUrl url(uri);
  QString whyNot;
  if (!url.isLocalFile()) {
    whyNot = QStringLiteral("only file:// URIs can be opened: %1").arg(uri);
  } else if (!library::isAudioExtension(QFile::encodeName(url.toLocalFile()).toStdString())) {
    whyNot = QStringLiteral("not an audio file Songspace plays: %1").arg(url.toLocalFile());
  }
  if (whyNot.isEmpty()) {
    m_player->play(0, url.toLocalFile(), url.fileName());
    return;
  }
  qCInfo(library::lcUi).noquote() << "MPRIS OpenUri refused:" << whyNot;
  if (calledFromDBus()) sendErrorReply(QDBusError::NotSupported, whyNot);
}

QStringList MprisService::supportedMimeTypes() {
  const QMimeDatabase mimes;
  QStringList types;
  for (const std::string_view extension : library::audioExtensions()) {
    const QString name = QStringLiteral("file") + QString::fromLatin1(extension);
    const QMimeType type = mimes.mimeTypeForFile(name, QMimeDatabase::MatchExtension);
    if (!type.isDefault() && !types.contains(type.name())) types << type.name();
  }
  return types;
}

void MprisService::setArtUrl(const QString& songPath, const QUrl& artUrl) {
  m_artPath = songPath;
  m_artUrl = artUrl;
  scheduleAnnouncement();
}

void MprisService::refresh() {
  scheduleAnnouncement();
}

QVariantMap MprisService::announcedProperties() const {
  return {
      {QStringLiteral("PlaybackStatus"), playbackStatus()},
      {QStringLiteral("LoopStatus"), loopStatus()},
      {QStringLiteral("Shuffle"), shuffle()},
      {QStringLiteral("Metadata"), metadata()},
      {QStringLiteral("Volume"), volume()},
      {QStringLiteral("CanGoNext"), canGoNext()},
      {QStringLiteral("CanGoPrevious"), canGoPrevious()},
      {QStringLiteral("CanPlay"), canPlay()},
      {QStringLiteral("CanPause"), canPause()},
      {QStringLiteral("CanSeek"), canSeek()},
  };
}

void MprisService::scheduleAnnouncement() {
  if (!m_announceTimer.isActive()) m_announceTimer.start();
}

void MprisService::announce() {
  const QVariantMap now = announcedProperties();
  QVariantMap changed;
  for (auto it = now.begin(); it != now.end(); ++it) {
    if (m_announced.value(it.key()) != it.value()) changed.insert(it.key(), it.value());
  }
  m_announced = now;
  if (changed.isEmpty() || !m_bus) return;
  QDBusMessage signal = QDBusMessage::createSignal(kObjectPath, kPropertiesInterface,
                                                   QStringLiteral("PropertiesChanged"));
  signal << kPlayerInterface << changed << QStringList();
  if (!m_bus->send(signal)) {
    qCWarning(library::lcUi).noquote()
        << "MPRIS: cannot send PropertiesChanged:" << m_bus->lastError().message();
  }
}

}  // namespace songspace::ui
