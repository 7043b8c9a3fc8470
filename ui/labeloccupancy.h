#pragma once

#include <QRectF>
#include <QSizeF>
#include <QVector>

namespace songspace::ui {

// The rectangles already taken on a view (labels, the legend), for greedy label placement:
// isFree(r) says whether r would overlap any of them. A uniform grid of kBucketPx buckets over the
// view keeps each rectangle in the buckets it touches, so a query compares only against its
// neighbours — O(labels nearby) instead of O(labels placed), which keeps placing labels among
// 10⁴ landmarks within a frame (docs/experiments.md, the map bench).
// View coordinates (pixels); rectangles reaching outside the area are clamped to its edge
// buckets, so they still collide correctly. Not thread-safe; one per layout pass.
class LabelOccupancy {
 public:
  static constexpr double kBucketPx = 32;

  explicit LabelOccupancy(QSizeF area);

  // Whether rect overlaps no rectangle added so far (touching edges do not overlap, as with
  // QRectF::intersects).
  bool isFree(const QRectF& rect) const;
  void add(const QRectF& rect);
  int size() const { return static_cast<int>(m_rects.size()); }

 private:
  struct BucketRange {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  };
  BucketRange bucketsOf(const QRectF& rect) const;

  int m_columns = 1;
  int m_rows = 1;
  QVector<QRectF> m_rects;
  QVector<QVector<int>> m_buckets;  // m_columns * m_rows lists of indices into m_rects
};

}  // namespace songspace::ui
