#pragma once

#include <QAbstractListModel>
#include <QString>
#include <memory>
#include <vector>

#include "core/library/librarysnapshot.h"

namespace songspace::ui {

// The artist browser: first row "All artists" (name = empty string, meaning no filter), then
// every artist of the snapshot by name, displayed "Name (song count)". Qt::UserRole is the name
// (what LibraryFilterProxy::setArtistFilter and ArtistPage::showArtist take).
class ArtistListModel : public QAbstractListModel {
  Q_OBJECT
 public:
  static constexpr int NameRole = Qt::UserRole;
  static constexpr int SongCountRole = Qt::UserRole + 1;

  explicit ArtistListModel(QObject* parent = nullptr);

  void setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

  QModelIndex indexOfArtist(const QString& name) const;  // row 0 for an empty name

 private:
  struct Entry {
    QString name;
    qint64 songCount = 0;
  };
  std::vector<Entry> m_artists;  // without the "All artists" row
};

}  // namespace songspace::ui
