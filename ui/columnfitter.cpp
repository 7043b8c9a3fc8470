#include "ui/columnfitter.h"

#include <QEvent>
#include <QHeaderView>
#include <QStyle>
#include <QTableView>
#include <algorithm>

namespace songspace::ui {

ColumnFitter::ColumnFitter(QTableView* table, QList<Share> shares)
    : QObject(table->horizontalHeader()),
      m_table(table),
      m_header(table->horizontalHeader()),
      m_shares(std::move(shares)) {
  QHeaderView* header = m_header;
  // The fitted widths add up to the viewport: a stretched last section would fight them.
  header->setStretchLastSection(false);
  // A narrow column's title is cut at its end ("Predicted ta"), not at both ends as a centred
  // one is ("redicted tag"): Qt 6.4's header clips rather than elides.
  header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  header->installEventFilter(this);
  connect(header, &QHeaderView::sectionResized, this, [this] {
    if (!m_fitting) m_userSized = true;
  });
}

void ColumnFitter::fit() {
  QHeaderView* header = m_header;
  const QAbstractItemView* view = m_table;  // sizeHintForColumn is public there
  m_natural.clear();
  for (const Share& share : m_shares) {
    // The values and the header's text, but not the room for a sort arrow (the header elides
    // when that column is the sorted one).
    const QString title =
        m_table->model() ? m_table->model()->headerData(share.column, Qt::Horizontal).toString()
                         : QString();
    const int headerWidth =
        header->fontMetrics().horizontalAdvance(title) +
        2 * header->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, header);
    m_natural << std::max(headerWidth, view->sizeHintForColumn(share.column));
  }
  apply();
}

void ColumnFitter::apply() {
  if (m_userSized || m_natural.size() != m_shares.size()) return;
  QHeaderView* header = m_header;
  const auto count = m_shares.size();
  // Natural-width columns first; then, repeatedly, a weighted column whose values fit in its
  // share of what is left gets just their width (its unused share goes to the others); the
  // columns that remain split the rest by weight. Room beyond every natural width goes to all
  // weighted columns by weight.
  QList<double> width(count, 0.0);
  QList<bool> settled(count, false);
  double left = header->width();
  for (qsizetype i = 0; i < count; ++i) {
    if (m_shares[i].weight > 0) continue;
    width[i] = m_natural[i];
    settled[i] = true;
    left -= m_natural[i];
  }
  for (bool changed = true; changed;) {
    changed = false;
    int weights = 0;
    for (qsizetype i = 0; i < count; ++i) weights += settled[i] ? 0 : m_shares[i].weight;
    for (qsizetype i = 0; i < count && weights > 0; ++i) {
      if (settled[i] || m_natural[i] > left * m_shares[i].weight / weights) continue;
      width[i] = m_natural[i];
      settled[i] = true;
      left -= m_natural[i];
      changed = true;
    }
  }
  int open = 0;
  int allWeights = 0;
  for (qsizetype i = 0; i < count; ++i) {
    open += settled[i] ? 0 : m_shares[i].weight;
    allWeights += m_shares[i].weight;
  }
  for (qsizetype i = 0; i < count; ++i) {
    if (!settled[i]) {
      width[i] = std::max(0.0, left) * m_shares[i].weight / open;
    } else if (open == 0 && allWeights > 0) {
      width[i] += std::max(0.0, left) * m_shares[i].weight / allWeights;
    }
  }
  // Cumulative rounding: the widths add up to the viewport exactly.
  const int least = header->minimumSectionSize();
  m_fitting = true;
  double edge = 0;
  int given = 0;
  for (qsizetype i = 0; i < count; ++i) {
    edge += width[i];
    const int right = static_cast<int>(edge);
    header->resizeSection(m_shares[i].column, std::max(least, right - given));
    given = right;
  }
  m_fitting = false;
}

bool ColumnFitter::eventFilter(QObject* watched, QEvent* event) {
  // The table is not touched here: it may already be destroyed down to its QWidget base while its
  // children (the header among them) are deleted and still receive events. Nor is a header that
  // is itself being destroyed (its dynamic type is then no longer QHeaderView).
  if (event->type() == QEvent::Resize && watched == m_header &&
      qobject_cast<QHeaderView*>(watched) != nullptr)
    apply();
  return QObject::eventFilter(watched, event);
}

}  // namespace songspace::ui
