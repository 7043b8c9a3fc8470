#include "ui/pathdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include "core/library/discoverycontext.h"
#include "core/library/modelsession.h"
#include "core/model/discovery.h"
#include "ui/browsepanel.h"

namespace songspace::ui {

namespace {
constexpr int kFileIdRole = Qt::UserRole + 1;
}  // namespace

PathDialog::PathDialog(std::shared_ptr<const library::LibrarySnapshot> snapshot, qint64 fromFileId,
                       QWidget* parent)
    : QDialog(parent),
      m_snapshot(std::move(snapshot)),
      m_from(fromFileId),
      m_search(new QLineEdit(this)),
      m_songs(new QStandardItemModel(this)),
      m_filter(new QSortFilterProxyModel(this)),
      m_destinations(new QListView(this)),
      m_length(new QSpinBox(this)),
      m_preview(new QListWidget(this)),
      m_summary(new QLabel(this)),
      m_play(new QPushButton(tr("Play Path"), this)),
      m_save(new QPushButton(tr("Save as Playlist…"), this)) {
  setWindowTitle(tr("Path to…"));
  setObjectName(QStringLiteral("pathDialog"));
  auto* intro = new QLabel(tr("A path of songs through the space from <b>%1</b> to the song you "
                              "choose: each next song a step further along the way, close to it.")
                               .arg(songLabel(m_from).toHtmlEscaped()),
                           this);
  intro->setWordWrap(true);

  // Every embedded song but the start's group, as "Title – Artist" with the album for search.
  const library::ModelSession* session = m_snapshot->model.get();
  const core::SongDuplicates& duplicates = m_snapshot->discovery->duplicates;
  const int fromRow = session->rowOfFile(m_from);
  for (const core::SongRow& song : m_snapshot->songs) {
    const int row = session->rowOfFile(song.fileId);
    if (row < 0 || song.fileId == m_from) continue;
    if (fromRow >= 0 && duplicates.groupOf(row) == duplicates.groupOf(fromRow)) continue;
    auto* item = new QStandardItem(songLabel(song.fileId));
    item->setData(QVariant::fromValue<qint64>(song.fileId), kFileIdRole);
    item->setToolTip(QString::fromStdString(song.path));
    item->setEditable(false);
    m_songs->appendRow(item);
  }
  m_songs->sort(0);
  m_filter->setSourceModel(m_songs);
  m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
  m_destinations->setModel(m_filter);
  m_destinations->setObjectName(QStringLiteral("pathDestinations"));
  m_destinations->setUniformItemSizes(true);
  m_search->setPlaceholderText(tr("Search the song where the path ends"));
  m_search->setClearButtonEnabled(true);
  m_length->setRange(core::kPathLength.minValue, 200);
  m_length->setValue(core::kPathLength.defaultValue);
  m_length->setToolTip(tr("Songs on the path, both ends included"));
  m_preview->setObjectName(QStringLiteral("pathPreview"));
  m_preview->setTextElideMode(Qt::ElideMiddle);
  m_summary->setWordWrap(true);

  auto* choose = new QVBoxLayout;
  choose->addWidget(m_search);
  choose->addWidget(m_destinations, 1);
  auto* length = new QFormLayout;
  length->addRow(tr("Songs:"), m_length);
  choose->addLayout(length);
  auto* shown = new QVBoxLayout;
  shown->addWidget(m_summary);
  shown->addWidget(m_preview, 1);
  auto* columns = new QHBoxLayout;
  columns->addLayout(choose, 1);
  columns->addLayout(shown, 1);

  auto* buttons = new QDialogButtonBox(this);
  m_play->setObjectName(QStringLiteral("playPath"));
  m_save->setObjectName(QStringLiteral("savePath"));
  m_play->setDefault(true);
  buttons->addButton(m_play, QDialogButtonBox::AcceptRole);
  buttons->addButton(m_save, QDialogButtonBox::ActionRole);
  buttons->addButton(QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(m_play, &QPushButton::clicked, this, [this] {
    m_action = Action::Play;
    accept();
  });
  connect(m_save, &QPushButton::clicked, this, [this] {
    m_action = Action::SaveAsPlaylist;
    accept();
  });

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(intro);
  layout->addLayout(columns, 1);
  layout->addWidget(buttons);
  resize(720, 480);

  connect(m_search, &QLineEdit::textChanged, m_filter,
          &QSortFilterProxyModel::setFilterFixedString);
  // Enter or ↓ in the search field moves to the list, as in a completer.
  connect(m_search, &QLineEdit::returnPressed, this, [this] {
    if (m_filter->rowCount() == 0) return;
    m_destinations->setFocus();
    if (!m_destinations->currentIndex().isValid())
      m_destinations->setCurrentIndex(m_filter->index(0, 0));
  });
  connect(m_destinations->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this](const QModelIndex& current) {
            m_to = current.isValid() ? current.data(kFileIdRole).toLongLong() : 0;
            updatePath();
          });
  connect(m_destinations, &QAbstractItemView::activated, this, [this] {
    if (m_play->isEnabled()) m_play->click();
  });
  connect(m_length, &QSpinBox::valueChanged, this, &PathDialog::updatePath);
  updatePath();
}

bool PathDialog::setToFileId(qint64 fileId) {
  m_search->clear();
  for (int row = 0; row < m_filter->rowCount(); ++row) {
    const QModelIndex index = m_filter->index(row, 0);
    if (index.data(kFileIdRole).toLongLong() == fileId) {
      m_destinations->setCurrentIndex(index);
      return true;
    }
  }
  return false;
}

int PathDialog::length() const {
  return m_length->value();
}

void PathDialog::setLength(int length) {
  m_length->setValue(length);
}

QString PathDialog::songLabel(qint64 fileId) const {
  return songTitleAndArtist(m_snapshot.get(), fileId);
}

void PathDialog::updatePath() {
  m_path.clear();
  m_preview->clear();
  const library::ModelSession& session = *m_snapshot->model;
  const int from = session.rowOfFile(m_from);
  const int to = m_to > 0 ? session.rowOfFile(m_to) : -1;
  if (from >= 0 && to >= 0) {
    // Songs unlike the library are no step between the ends (their place is a guess).
    for (const core::PathStep& step : core::songPath(
             session.songEmbeddings(), from, to, length(), m_snapshot->discovery->duplicates,
             core::kPathCandidates.defaultValue, m_snapshot->discovery->facts.novelty)) {
      const qint64 fileId = session.fileIdOfRow(step.song);
      m_path.append(fileId);
      m_preview->addItem(songLabel(fileId));
    }
  }
  const int count = static_cast<int>(m_path.size());
  if (m_to <= 0) {
    m_summary->setText(tr("Choose the song where the path ends."));
  } else if (count < length()) {
    m_summary->setText(
        tr("Only %n song(s) lie on the way (of %1 asked):", nullptr, count).arg(length()));
  } else {
    m_summary->setText(tr("%n song(s) on the way:", nullptr, count));
  }
  m_play->setEnabled(count >= 2);
  m_save->setEnabled(count >= 2);
}

}  // namespace songspace::ui
