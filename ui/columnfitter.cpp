#include "ui/columnfitter.h"

#include <QEvent>
#include <QHeaderView>
#include <QStyle>
#include <QTableView>
#include <algorithm>

namespace songspace::ui {

ColumnFitter::ColumnFitter(QTableView* table, QList<Share> shares)
    : QObject(table), m_table(table), m_shares(std::move(shares)) {
  QHeaderView* header = m_table->horizontalHeader();
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
  QHeaderView* header = m_table->horizontalHeader();
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
    m_natural << (share.weight > 0 ? 0
                                   : std::max(headerWidth, view->sizeHintForColumn(share.column)));
  }
  apply();
}

void ColumnFitter::apply() {
  if (m_userSized || m_natural.size() != m_shares.size()) return;
  QHeaderView* header = m_table->horizontalHeader();
  int left = header->width();
  int weights = 0;
  for (int i = 0; i < m_shares.size(); ++i) {
    left -= m_natural[i];
    weights += m_shares[i].weight;
  }
  const int least = header->minimumSectionSize();
  m_fitting = true;
  int given = 0;
  int weightSoFar = 0;
  for (int i = 0; i < m_shares.size(); ++i) {
    const Share& share = m_shares[i];
    int width = m_natural[i];
    if (share.weight > 0) {
      // Cumulative rounding: the shares add up to exactly what is left.
      weightSoFar += share.weight;
      const int upTo = weights > 0 ? std::max(0, left) * weightSoFar / weights : 0;
      width = std::max(least, upTo - given);
      given = upTo;
    }
    header->resizeSection(share.column, width);
  }
  m_fitting = false;
}

bool ColumnFitter::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_table->horizontalHeader() && event->type() == QEvent::Resize) apply();
  return QObject::eventFilter(watched, event);
}

}  // namespace songspace::ui
