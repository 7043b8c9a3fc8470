#include "ui/labeloccupancy.h"

#include <algorithm>
#include <cmath>

namespace songspace::ui {

LabelOccupancy::LabelOccupancy(QSizeF area)
    : m_columns(std::max(1, static_cast<int>(std::ceil(area.width() / kBucketPx)))),
      m_rows(std::max(1, static_cast<int>(std::ceil(area.height() / kBucketPx)))),
      m_buckets(static_cast<qsizetype>(m_columns) * m_rows) {}

LabelOccupancy::BucketRange LabelOccupancy::bucketsOf(const QRectF& rect) const {
  auto clampTo = [](double v, int count) {
    return std::clamp(static_cast<int>(std::floor(v / kBucketPx)), 0, count - 1);
  };
  return {clampTo(rect.left(), m_columns), clampTo(rect.top(), m_rows),
          clampTo(rect.right(), m_columns), clampTo(rect.bottom(), m_rows)};
}

bool LabelOccupancy::isFree(const QRectF& rect) const {
  const BucketRange range = bucketsOf(rect);
  for (int y = range.y0; y <= range.y1; ++y) {
    for (int x = range.x0; x <= range.x1; ++x) {
      for (const int index : m_buckets[y * m_columns + x]) {
        if (m_rects[index].intersects(rect)) return false;
      }
    }
  }
  return true;
}

void LabelOccupancy::add(const QRectF& rect) {
  const int index = static_cast<int>(m_rects.size());
  m_rects.push_back(rect);
  const BucketRange range = bucketsOf(rect);
  for (int y = range.y0; y <= range.y1; ++y) {
    for (int x = range.x0; x <= range.x1; ++x) m_buckets[y * m_columns + x].push_back(index);
  }
}

}  // namespace songspace::ui
