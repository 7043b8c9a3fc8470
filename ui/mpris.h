#pragma once

#include <QDBusConnection>
#include <QDBusContext>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <QVariantMap>
#include <functional>
#include <optional>

#include "core/base/status.h"

class QDBusObjectPath;

namespace songspace::ui {

class MprisPlayerAdaptor;
class PlayerBar;

// A song's tags as MPRIS shows them (the catalog's, through the lookup the window installs).
// Empty fields are left out of Metadata.
struct MprisTags {
  QString title;
  QStringList artists;
  QString album;
  QStringList albumArtists;
};

// MPRIS 2.2 (specifications.freedesktop.org/mpris-spec/2.2) for the player bar, so media keys and
// the desktop's media controls drive the same PlayerBar and PlayQueue the window shows. One object,
// /org/mpris/MediaPlayer2, with the root interface org.mpris.MediaPlayer2 and
// org.mpris.MediaPlayer2.Player (the adaptors in ui/mprisadaptors.h); no TrackList, no Playlists.
//
// Nothing is copied: every property is read from the player and its queue when asked. Whenever
// they signal a change, the Player properties are compared with what was last announced and those
// that differ go out in one org.freedesktop.DBus.Properties.PropertiesChanged (coalesced to one
// per turn of the event loop). Position is never announced (the spec says so): a jump — a seek,
// Previous restarting a song, a song starting at 0:00 — emits Seeked instead.
//
// Units: MPRIS times are microseconds (qint64), the player's milliseconds. Volume is the bar's
// 0–100 % as 0.0–1.0 (a perceptual scale, as the slider shows it); set values are clamped there.
// Metadata, empty with nothing loaded: mpris:trackid (an object path, /org/songspace/song/<fileId>,
// or /org/songspace/file/<SHA-1 of the path> for a file outside the catalog), mpris:length (µs,
// once the backend knows it), xesam:title (the tag, else the queue's title), xesam:artist and
// xesam:albumArtist (string lists), xesam:album, xesam:url (file://) and mpris:artUrl (setArtUrl).
// LoopStatus None / Track / Playlist is PlayQueue::Repeat Off / One / All; Rate is always 1.0.
//
// GUI thread only (QtDBus delivers calls in this object's thread). QDBusContext: QtDBus gives the
// context of a call to an adaptor to its parent, this object (for OpenUri's error reply).
class MprisService : public QObject, public QDBusContext {
  Q_OBJECT
 public:
  static inline const QString kObjectPath = QStringLiteral("/org/mpris/MediaPlayer2");
  static inline const QString kServiceName = QStringLiteral("org.mpris.MediaPlayer2.songspace");
  static inline const QString kPlayerInterface = QStringLiteral("org.mpris.MediaPlayer2.Player");

  // Follows `player` (which must outlive this object) and its queue.
  explicit MprisService(PlayerBar* player, QObject* parent = nullptr);
  ~MprisService() override;

  using TagLookup = std::function<MprisTags(qint64 fileId, const QString& path)>;
  void setTagLookup(TagLookup lookup);

  // Exports the object on `bus` and owns kServiceName there — or, when another program (a second
  // Songspace) holds that name, kServiceName + ".instance<pid>", as the spec asks of a second
  // instance. Fails with nothing left registered when the bus is not connected (CannotOpen), the
  // object path is taken on this connection or both names are taken (Busy), or this object is
  // already registered (InvalidArgument). The app logs the message once and runs without MPRIS.
  [[nodiscard]] base::Status registerOn(const QDBusConnection& bus);
  QString serviceName() const { return m_serviceName; }  // empty until registered

  PlayerBar* player() const { return m_player; }

  // The Player interface's state and actions, as D-Bus sees them.
  QString playbackStatus() const;  // "Playing", "Paused" or "Stopped"
  QString loopStatus() const;
  void setLoopStatus(const QString& status);  // other values than the three are ignored
  bool shuffle() const;
  void setShuffle(bool on);
  double volume() const;
  void setVolume(double volume);
  qint64 positionUs() const;
  QVariantMap metadata() const;
  QDBusObjectPath trackId() const;  // of the loaded song; NoTrack with none
  bool canGoNext() const;
  bool canGoPrevious() const;
  bool canPlay() const;
  bool canPause() const;
  bool canSeek() const;
  void play();
  void pause();
  // By offsetUs from the current position: before the start seeks to 0:00, past the end is Next.
  void seek(qint64 offsetUs);
  // Ignored for another track than the loaded one (a stale request) or outside [0, length].
  void setPosition(const QDBusObjectPath& track, qint64 positionUs);
  // Plays a file:// URI of an audio file now (PlayNow). Anything else is refused with a logged
  // reason, which a D-Bus caller also gets as org.freedesktop.DBus.Error.NotSupported.
  void openUri(const QString& uri);
  static QStringList supportedMimeTypes();  // those of library::audioExtensions()

 public Q_SLOTS:
  // The cover-art hook: the art of the song at songPath (a file:// URL; empty for none). Shown as
  // mpris:artUrl while that song is loaded; art for another song than the loaded one is kept
  // until that song loads, so a late answer from a background loader is not misattributed.
  void setArtUrl(const QString& songPath, const QUrl& artUrl);
  // Re-reads the tags (e.g. after a new library snapshot) and announces what changed.
  void refresh();

 Q_SIGNALS:
  void raiseRequested();  // org.mpris.MediaPlayer2.Raise
  void quitRequested();   // org.mpris.MediaPlayer2.Quit

 private:
  QVariantMap announcedProperties() const;
  void scheduleAnnouncement();
  void announce();

  PlayerBar* m_player;
  MprisPlayerAdaptor* m_playerAdaptor;
  TagLookup m_lookup;
  QString m_artPath;
  QUrl m_artUrl;
  std::optional<QDBusConnection> m_bus;  // set once registered
  QString m_serviceName;
  QVariantMap m_announced;  // the Player properties as last announced
  QTimer m_announceTimer;
};

}  // namespace songspace::ui
