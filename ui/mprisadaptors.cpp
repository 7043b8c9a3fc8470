#include "ui/mprisadaptors.h"

#include <QGuiApplication>

#include "ui/mpris.h"
#include "ui/playerbar.h"

namespace songspace::ui {

MprisRootAdaptor::MprisRootAdaptor(MprisService* service)
    : QDBusAbstractAdaptor(service), m_service(service) {}

QString MprisRootAdaptor::identity() const {
  return QGuiApplication::applicationDisplayName();
}

QString MprisRootAdaptor::desktopEntry() const {
  return QGuiApplication::desktopFileName();
}

QStringList MprisRootAdaptor::supportedMimeTypes() const {
  return MprisService::supportedMimeTypes();
}

void MprisRootAdaptor::Raise() {
  Q_EMIT m_service->raiseRequested();
}

void MprisRootAdaptor::Quit() {
  Q_EMIT m_service->quitRequested();
}

MprisPlayerAdaptor::MprisPlayerAdaptor(MprisService* service)
    : QDBusAbstractAdaptor(service), m_service(service) {}

QString MprisPlayerAdaptor::playbackStatus() const {
  return m_service->playbackStatus();
}

QString MprisPlayerAdaptor::loopStatus() const {
  return m_service->loopStatus();
}

void MprisPlayerAdaptor::setLoopStatus(const QString& status) {
  m_service->setLoopStatus(status);
}

void MprisPlayerAdaptor::setRate(double rate) {
  if (rate == 0.0) m_service->pause();
}

bool MprisPlayerAdaptor::shuffle() const {
  return m_service->shuffle();
}

void MprisPlayerAdaptor::setShuffle(bool on) {
  m_service->setShuffle(on);
}

QVariantMap MprisPlayerAdaptor::metadata() const {
  return m_service->metadata();
}

double MprisPlayerAdaptor::volume() const {
  return m_service->volume();
}

void MprisPlayerAdaptor::setVolume(double volume) {
  m_service->setVolume(volume);
}

qlonglong MprisPlayerAdaptor::position() const {
  return m_service->positionUs();
}

bool MprisPlayerAdaptor::canGoNext() const {
  return m_service->canGoNext();
}

bool MprisPlayerAdaptor::canGoPrevious() const {
  return m_service->canGoPrevious();
}

bool MprisPlayerAdaptor::canPlay() const {
  return m_service->canPlay();
}

bool MprisPlayerAdaptor::canPause() const {
  return m_service->canPause();
}

bool MprisPlayerAdaptor::canSeek() const {
  return m_service->canSeek();
}

void MprisPlayerAdaptor::Next() {
  m_service->player()->next();
}

void MprisPlayerAdaptor::Previous() {
  m_service->player()->previous();
}

void MprisPlayerAdaptor::Pause() {
  m_service->pause();
}

void MprisPlayerAdaptor::PlayPause() {
  m_service->player()->togglePlay();
}

void MprisPlayerAdaptor::Stop() {
  m_service->player()->stop();
}

void MprisPlayerAdaptor::Play() {
  m_service->play();
}

void MprisPlayerAdaptor::Seek(qlonglong Offset) {
  m_service->seek(Offset);
}

void MprisPlayerAdaptor::SetPosition(const QDBusObjectPath& TrackId, qlonglong Position) {
  m_service->setPosition(TrackId, Position);
}

void MprisPlayerAdaptor::OpenUri(const QString& Uri) {
  m_service->openUri(Uri);
}

}  // namespace songspace::ui
