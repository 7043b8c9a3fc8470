#pragma once

#include <QPointF>
#include <QRectF>
#include <QVector>

namespace songspace::ui {

// Uniform grid over 2-D points for hit-testing and viewport culling. Cells hold a few points on
// average, stored contiguously per cell (counting sort), so a query touches only the cells its
// region overlaps and a nearest-point search grows outwards ring by ring and stops as soon as no
// unseen cell can be closer: O(local density), independent of the zoom level.
class SpatialGrid {
 public:
  static constexpr int kTargetPointsPerCell = 4;
  static constexpr int kMaxCellsPerSide = 2048;

  void build(const QVector<QPointF>& points);
  void clear();

  int size() const { return static_cast<int>(m_positions.size()); }
  QRectF bounds() const { return m_bounds; }

  // Index of the point nearest to p within `radius` (data units), -1 if none; ties by lower index.
  int nearest(QPointF p, double radius) const;

  // Calls visit(index, position) for every point whose cell overlaps rect: a superset of the
  // points inside rect (callers filter exactly); cells are visited row by row.
  template <typename Visit>
  void forEachCandidate(const QRectF& rect, Visit&& visit) const;

  // Indices (ascending) of the points inside rect, edges included — exactly QRectF::contains.
  QVector<int> pointsInRect(const QRectF& rect) const;

  // How many points the cells overlapping rect hold (an upper bound for what is visible).
  int candidateCount(const QRectF& rect) const;

 private:
  struct CellRange {
    int x0 = 0, y0 = 0, x1 = -1, y1 = -1;
  };
  CellRange cellsOverlapping(const QRectF& rect) const;
  int cellX(double x) const;
  int cellY(double y) const;

  QRectF m_bounds;
  double m_cellWidth = 1;
  double m_cellHeight = 1;
  int m_columns = 0;
  int m_rows = 0;
  QVector<int> m_cellStart;      // m_columns * m_rows + 1 offsets into m_order
  QVector<int> m_order;          // point indices grouped by cell
  QVector<QPointF> m_positions;  // positions in m_order's order (cache-friendly scans)
};

template <typename Visit>
void SpatialGrid::forEachCandidate(const QRectF& rect, Visit&& visit) const {
  const CellRange range = cellsOverlapping(rect);
  for (int y = range.y0; y <= range.y1; ++y) {
    const int rowBase = y * m_columns;
    // Cells of one row are contiguous in m_order: one span per row.
    const int begin = m_cellStart[rowBase + range.x0];
    const int end = m_cellStart[rowBase + range.x1 + 1];
    for (int k = begin; k < end; ++k) visit(m_order[k], m_positions[k]);
  }
}

}  // namespace songspace::ui
