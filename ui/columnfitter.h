#pragma once

#include <QList>
#include <QObject>

class QHeaderView;
class QTableView;

namespace songspace::ui {

// Keeps a table's columns inside its viewport, so no column is pushed off-screen by the others.
// Columns of weight 0 get their natural width (header text and values); a weighted column whose
// values fit in its share of the rest gets just their width, and the columns whose values do not
// fit share what remains in proportion to their weights (elided); room to spare goes to the
// weighted columns by weight. Never narrower than the header's minimum section size. It refits
// whenever the viewport's width changes, until the user drags a column edge; from then on the
// widths are the user's (and the table scrolls sideways when they add up to more than it shows).
class ColumnFitter : public QObject {
  Q_OBJECT
 public:
  struct Share {
    int column;
    int weight;  // 0: natural width; > 0: a share of the rest
  };
  // The table's horizontal header owns the fitter (it is its parent), so the fitter never outlives
  // it. Columns not listed keep their width. GUI thread only.
  ColumnFitter(QTableView* table, QList<Share> shares);

  // Refits now (natural widths measured again, e.g. after the model was reset), unless the user
  // has sized a column.
  void fit();
  bool userSized() const { return m_userSized; }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void apply();

  QTableView* m_table;    // used by fit() only: it may be mid-destruction when the header resizes
  QHeaderView* m_header;  // the fitter's parent
  QList<Share> m_shares;
  QList<int> m_natural;  // per share, its measured natural width (fit())
  bool m_fitting = false;
  bool m_userSized = false;
};

}  // namespace songspace::ui
