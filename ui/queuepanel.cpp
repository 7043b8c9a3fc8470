#include "ui/queuepanel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QStackedWidget>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/hitlist.h"
#include "ui/playqueue.h"

namespace songspace::ui {

namespace {

QToolButton* toolButton(const QIcon& icon, const QString& text, const QString& tip,
                        QWidget* parent) {
  auto* button = new QToolButton(parent);
  button->setIcon(icon);
  button->setText(text);
  button->setToolTip(tip);
  button->setAutoRaise(true);
  button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  return button;
}

// QListView's list mode makes each row as wide as the widest size hint or the viewport, whichever
// is wider, and scrolls sideways to show the rest. A hint of no width leaves every row as wide as
// the viewport, so a long title is elided (setTextElideMode) instead of scrolled.
class ViewportWideDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    return {0, QStyledItemDelegate::sizeHint(option, index).height()};
  }
};

}  // namespace

QueuePanel::QueuePanel(PlayQueue* queue, QWidget* parent)
    : QWidget(parent),
      m_queue(queue),
      m_heading(makeNoteLabel(QString(), this)),
      m_stack(new QStackedWidget(this)),
      m_view(new QListView(this)) {
  m_view->setObjectName(QStringLiteral("queueView"));
  m_view->setModel(m_queue);
  m_view->setSelectionMode(QAbstractItemView::SingleSelection);
  m_view->setDragDropMode(QAbstractItemView::InternalMove);
  m_view->setDefaultDropAction(Qt::MoveAction);
  m_view->setDropIndicatorShown(true);
  m_view->setUniformItemSizes(true);
  m_view->setTextElideMode(Qt::ElideMiddle);
  m_view->setItemDelegate(new ViewportWideDelegate(m_view));
  m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_view->setContextMenuPolicy(Qt::CustomContextMenu);
  auto* empty = makeNoteLabel(tr("The queue is empty. Play a song, or right-click songs in the "
                                 "library or the inspector and choose Play Next or Add to Queue."),
                              this);
  empty->setObjectName(QStringLiteral("queueEmpty"));
  empty->setAlignment(Qt::AlignCenter);
  empty->setMargin(12);
  m_stack->addWidget(empty);
  m_stack->addWidget(m_view);

  QStyle* look = style();
  m_up = toolButton(look->standardIcon(QStyle::SP_ArrowUp), tr("Up"),
                    tr("Move the selected song up (Ctrl+Up)"), this);
  m_down = toolButton(look->standardIcon(QStyle::SP_ArrowDown), tr("Down"),
                      tr("Move the selected song down (Ctrl+Down)"), this);
  m_remove = toolButton(look->standardIcon(QStyle::SP_DialogDiscardButton), tr("Remove"),
                        tr("Remove the selected song from the queue (Delete)"), this);
  m_clear = toolButton(look->standardIcon(QStyle::SP_DialogResetButton), tr("Clear"),
                       tr("Remove every song from the queue"), this);
  for (QToolButton* button : {m_up, m_down, m_remove})
    button->setToolButtonStyle(Qt::ToolButtonIconOnly);
  auto* buttons = new QHBoxLayout;
  buttons->setContentsMargins(0, 0, 0, 0);
  buttons->addWidget(m_up);
  buttons->addWidget(m_down);
  buttons->addWidget(m_remove);
  buttons->addStretch(1);
  buttons->addWidget(m_clear);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);
  layout->addWidget(m_heading);
  layout->addWidget(m_stack, 1);
  layout->addLayout(buttons);

  const auto shortcut = [this](const QKeySequence& keys, auto slot) {
    auto* action = new QAction(this);
    action->setShortcut(keys);
    action->setShortcutContext(Qt::WidgetShortcut);
    m_view->addAction(action);
    connect(action, &QAction::triggered, this, slot);
  };
  shortcut(QKeySequence::Delete, [this] { removeSelected(); });
  shortcut(QKeySequence(Qt::CTRL | Qt::Key_Up), [this] { moveSelected(-1); });
  shortcut(QKeySequence(Qt::CTRL | Qt::Key_Down), [this] { moveSelected(+1); });
  connect(m_up, &QToolButton::clicked, this, [this] { moveSelected(-1); });
  connect(m_down, &QToolButton::clicked, this, [this] { moveSelected(+1); });
  connect(m_remove, &QToolButton::clicked, this, &QueuePanel::removeSelected);
  connect(m_clear, &QToolButton::clicked, this, &QueuePanel::clearQueue);
  connect(m_view, &QAbstractItemView::activated, this,
          [this](const QModelIndex& index) { Q_EMIT playRowRequested(index.row()); });
  connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
    const QModelIndex index = m_view->indexAt(at);
    if (!index.isValid()) return;
    QMenu menu(this);
    menu.addAction(tr("Play"), this, [this, row = index.row()] { Q_EMIT playRowRequested(row); });
    const qint64 fileId = index.data(PlayQueue::FileIdRole).toLongLong();
    if (fileId > 0) {
      menu.addAction(tr("Show Song"), this, [this, fileId] { Q_EMIT showSongRequested(fileId); });
    }
    menu.addSeparator();
    menu.addAction(tr("Remove from Queue"), this, &QueuePanel::removeSelected);
    menu.exec(m_view->viewport()->mapToGlobal(at));
  });
  for (const auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
    connect(m_queue, signal, this, &QueuePanel::updateState);
  }
  connect(m_queue, &QAbstractItemModel::rowsMoved, this, &QueuePanel::updateState);
  connect(m_queue, &QAbstractItemModel::modelReset, this, &QueuePanel::updateState);
  connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          &QueuePanel::updateState);
  updateState();
}

int QueuePanel::selectedRow() const {
  const QModelIndexList rows = m_view->selectionModel()->selectedRows();
  return rows.isEmpty() ? -1 : rows.first().row();
}

void QueuePanel::removeSelected() {
  const int row = selectedRow();
  if (row < 0) return;
  m_queue->removeRow(row);
  if (m_queue->rowCount() > 0) {
    m_view->setCurrentIndex(m_queue->index(std::min(row, m_queue->rowCount() - 1)));
  }
}

void QueuePanel::moveSelected(int delta) {
  const int row = selectedRow();
  const int target = row + delta;
  if (row < 0 || target < 0 || target >= m_queue->rowCount()) return;
  // moveRows() takes the row *before which* the song goes.
  if (!m_queue->moveRows({}, row, 1, {}, delta > 0 ? target + 1 : target)) return;
  m_view->setCurrentIndex(m_queue->index(target));
}

void QueuePanel::clearQueue() {
  m_queue->clear();
}

void QueuePanel::updateState() {
  const int count = m_queue->rowCount();
  m_heading->setText(tr("%n song(s) in the queue", nullptr, count));
  m_stack->setCurrentIndex(count == 0 ? 0 : 1);
  const int row = selectedRow();
  m_up->setEnabled(row > 0);
  m_down->setEnabled(row >= 0 && row + 1 < count);
  m_remove->setEnabled(row >= 0);
  m_clear->setEnabled(count > 0);
}

}  // namespace songspace::ui
