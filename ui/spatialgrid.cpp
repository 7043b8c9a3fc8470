#include "ui/spatialgrid.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace songspace::ui {

void SpatialGrid::clear() {
  m_bounds = QRectF();
  m_columns = m_rows = 0;
  m_cellStart.clear();
  m_order.clear();
  m_positions.clear();
}

void SpatialGrid::build(const QVector<QPointF>& points) {
  clear();
  const int n = static_cast<int>(points.size());
  if (n == 0) return;
  double minX = points[0].x(), maxX = minX, minY = points[0].y(), maxY = minY;
  for (const QPointF& p : points) {
    minX = std::min(minX, p.x());
    maxX = std::max(maxX, p.x());
    minY = std::min(minY, p.y());
    maxY = std::max(maxY, p.y());
  }
  // A degenerate extent (one point, a line) still gets a positive cell size.
  const double width = std::max(maxX - minX, 1e-9);
  const double height = std::max(maxY - minY, 1e-9);
  m_bounds = QRectF(minX, minY, width, height);
  const double cells = std::max(1.0, double(n) / kTargetPointsPerCell);
  const double aspect = width / height;
  m_columns = std::clamp(int(std::ceil(std::sqrt(cells * aspect))), 1, kMaxCellsPerSide);
  m_rows = std::clamp(int(std::ceil(cells / m_columns)), 1, kMaxCellsPerSide);
  m_cellWidth = width / m_columns;
  m_cellHeight = height / m_rows;

  QVector<int> cellOf(n);
  m_cellStart.fill(0, m_columns * m_rows + 1);
  for (int i = 0; i < n; ++i) {
    cellOf[i] = cellY(points[i].y()) * m_columns + cellX(points[i].x());
    ++m_cellStart[cellOf[i] + 1];
  }
  for (int c = 0; c < m_columns * m_rows; ++c) m_cellStart[c + 1] += m_cellStart[c];
  QVector<int> fill(m_cellStart.begin(), m_cellStart.end() - 1);
  m_order.resize(n);
  m_positions.resize(n);
  for (int i = 0; i < n; ++i) {  // ascending i within each cell: ties resolve to lower index
    const int slot = fill[cellOf[i]]++;
    m_order[slot] = i;
    m_positions[slot] = points[i];
  }
}

int SpatialGrid::cellX(double x) const {
  return std::clamp(int(std::floor((x - m_bounds.left()) / m_cellWidth)), 0, m_columns - 1);
}

int SpatialGrid::cellY(double y) const {
  return std::clamp(int(std::floor((y - m_bounds.top()) / m_cellHeight)), 0, m_rows - 1);
}

SpatialGrid::CellRange SpatialGrid::cellsOverlapping(const QRectF& rect) const {
  CellRange range;
  if (m_columns == 0) return range;
  const QRectF r = rect.normalized();
  // Inclusive edges: a point exactly on the rect border must be a candidate.
  if (r.right() < m_bounds.left() || r.left() > m_bounds.right() || r.bottom() < m_bounds.top() ||
      r.top() > m_bounds.bottom())
    return range;
  range.x0 = cellX(r.left());
  range.x1 = cellX(r.right());
  range.y0 = cellY(r.top());
  range.y1 = cellY(r.bottom());
  return range;
}

int SpatialGrid::nearest(QPointF p, double radius) const {
  if (m_columns == 0 || !(radius >= 0)) return -1;
  const QRectF reach(p.x() - radius, p.y() - radius, 2 * radius, 2 * radius);
  const CellRange limit = cellsOverlapping(reach);
  if (limit.x1 < limit.x0) return -1;
  const int cx = cellX(p.x());
  const int cy = cellY(p.y());
  int best = -1;
  double bestDistance = radius * radius;
  const int maxRing = std::max({cx - limit.x0, limit.x1 - cx, cy - limit.y0, limit.y1 - cy});
  auto scanCell = [&](int x, int y) {
    if (x < limit.x0 || x > limit.x1 || y < limit.y0 || y > limit.y1) return;
    const int cell = y * m_columns + x;
    for (int k = m_cellStart[cell]; k < m_cellStart[cell + 1]; ++k) {
      const double dx = m_positions[k].x() - p.x();
      const double dy = m_positions[k].y() - p.y();
      const double d = dx * dx + dy * dy;
      if (d < bestDistance || (d == bestDistance && (best < 0 || m_order[k] < best))) {
        bestDistance = d;
        best = m_order[k];
      }
    }
  };
  for (int ring = 0; ring <= maxRing; ++ring) {
    if (ring == 0) {
      scanCell(cx, cy);
    } else {
      for (int x = cx - ring; x <= cx + ring; ++x) {
        scanCell(x, cy - ring);
        scanCell(x, cy + ring);
      }
      for (int y = cy - ring + 1; y <= cy + ring - 1; ++y) {
        scanCell(cx - ring, y);
        scanCell(cx + ring, y);
      }
    }
    if (best < 0) continue;
    // Every unscanned cell lies outside the square of rings 0..ring; if p is inside that square,
    // the distance to its border bounds all of them from below.
    const double left = m_bounds.left() + (cx - ring) * m_cellWidth;
    const double top = m_bounds.top() + (cy - ring) * m_cellHeight;
    const double right = m_bounds.left() + (cx + ring + 1) * m_cellWidth;
    const double bottom = m_bounds.top() + (cy + ring + 1) * m_cellHeight;
    const double margin = std::min({p.x() - left, right - p.x(), p.y() - top, bottom - p.y()});
    if (margin > 0 && margin * margin > bestDistance) break;
  }
  return best;
}

QVector<int> SpatialGrid::pointsInRect(const QRectF& rect) const {
  QVector<int> inside;
  const QRectF r = rect.normalized();
  forEachCandidate(r, [&](int index, QPointF position) {
    if (position.x() >= r.left() && position.x() <= r.right() && position.y() >= r.top() &&
        position.y() <= r.bottom())
      inside.push_back(index);
  });
  std::sort(inside.begin(), inside.end());
  return inside;
}

int SpatialGrid::candidateCount(const QRectF& rect) const {
  const CellRange range = cellsOverlapping(rect);
  int count = 0;
  for (int y = range.y0; y <= range.y1; ++y) {
    const int rowBase = y * m_columns;
    count += m_cellStart[rowBase + range.x1 + 1] - m_cellStart[rowBase + range.x0];
  }
  return count;
}

}  // namespace songspace::ui
