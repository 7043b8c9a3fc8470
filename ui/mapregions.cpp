// MapScene: regions named by the predicted tag most of their songs share, per zoom level.
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ui/mapscene.h"

namespace songspace::ui {

namespace {

constexpr double kRegionHaloPx = 3;  // the Base-coloured outline that lifts the text off the songs

QFont regionFont(const QFont& base) {
  QFont font = base;
  font.setPointSizeF(base.pointSizeF() > 0 ? base.pointSizeF() * 1.5 : 14);
  font.setBold(true);
  font.setCapitalization(QFont::AllUppercase);
  font.setLetterSpacing(QFont::PercentageSpacing, 110);
  return font;
}

// Union-find over the cells of one region pass, with path halving.
int findRoot(QVector<int>& parent, int cell) {
  while (parent[cell] != cell) {
    parent[cell] = parent[parent[cell]];
    cell = parent[cell];
  }
  return cell;
}

}  // namespace

double MapScene::regionCellSize(double scale) {
  return std::exp2(std::ceil(std::log2(kRegionCellPx / std::max(scale, 1e-300))));
}

void MapScene::setRegionTags(QStringList names) {
  m_regionTags = std::move(names);
  m_regionSprites.clear();
  invalidate();
}

void MapScene::updateRegions(const MapTransform& transform) const {
  const auto tags = static_cast<int>(m_regionTags.size());
  if (tags == 0 || m_points.isEmpty()) {
    m_regions.clear();
    m_regionsKey = {};
    return;
  }
  const double cell = regionCellSize(transform.scale);
  const QRectF visible = transform.visibleData().normalized();
  RegionKey key;
  key.version = m_version;
  key.cell = cell;
  key.x0 = static_cast<qint64>(std::floor(visible.left() / cell));
  key.y0 = static_cast<qint64>(std::floor(visible.top() / cell));
  key.x1 = static_cast<qint64>(std::floor(visible.right() / cell));
  key.y1 = static_cast<qint64>(std::floor(visible.bottom() / cell));
  if (key == m_regionsKey) return;  // same zoom level and the same cells in view
  m_regionsKey = key;
  m_regions.clear();

  // Cells are squares of the data plane aligned to multiples of `cell`: a pan keeps them (and so
  // the labels) where they are; only a zoom past a power of two makes new ones.
  const int columns = static_cast<int>(key.x1 - key.x0 + 1);
  const int rows = static_cast<int>(key.y1 - key.y0 + 1);
  const int cells = columns * rows;
  const QRectF covered(double(key.x0) * cell, double(key.y0) * cell, columns * cell, rows * cell);
  auto cellOf = [&](QPointF pos) {
    const auto x = static_cast<qint64>(std::floor(pos.x() / cell)) - key.x0;
    const auto y = static_cast<qint64>(std::floor(pos.y() / cell)) - key.y0;
    if (x < 0 || y < 0 || x >= columns || y >= rows) return -1;
    return static_cast<int>(y * columns + x);
  };
  auto votes = [&](const MapPoint& point) {
    return point.topTag >= 0 && point.topTag < tags &&
           point.topTagProbability >= kRegionMinProbability;
  };

  // Pass 1: per cell, the songs and each tag's votes (songs whose most probable tag it is).
  QVector<int> songs(cells, 0);
  QVector<int> tagVotes(static_cast<qsizetype>(cells) * tags, 0);
  m_grid.forEachCandidate(covered, [&](int index, QPointF pos) {
    const int c = cellOf(pos);
    if (c < 0) return;
    ++songs[c];
    const MapPoint& point = m_points[index];
    if (votes(point)) ++tagVotes[static_cast<qsizetype>(c) * tags + point.topTag];
  });
  QVector<int> dominant(cells, -1);
  for (int c = 0; c < cells; ++c) {
    const int* row = tagVotes.constData() + static_cast<qsizetype>(c) * tags;
    const int best = static_cast<int>(std::max_element(row, row + tags) - row);
    if (row[best] >= kRegionMinSongs && row[best] >= kRegionMinShare * songs[c]) dominant[c] = best;
  }

  // Neighbouring cells (sharing a side) with the same dominant tag are one region, one label.
  QVector<int> parent(cells);
  std::iota(parent.begin(), parent.end(), 0);
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < columns; ++x) {
      const int c = y * columns + x;
      if (dominant[c] < 0) continue;
      if (x + 1 < columns && dominant[c + 1] == dominant[c])
        parent[findRoot(parent, c + 1)] = findRoot(parent, c);
      if (y + 1 < rows && dominant[c + columns] == dominant[c])
        parent[findRoot(parent, c + columns)] = findRoot(parent, c);
    }
  }

  // Pass 2: each region's label sits at the mean position of the songs that voted for its tag.
  QVector<QPointF> sum(cells);
  QVector<int> voters(cells, 0), total(cells, 0);
  for (int c = 0; c < cells; ++c) {
    if (dominant[c] >= 0) total[findRoot(parent, c)] += songs[c];
  }
  m_grid.forEachCandidate(covered, [&](int index, QPointF pos) {
    const int c = cellOf(pos);
    if (c < 0 || dominant[c] < 0) return;
    const MapPoint& point = m_points[index];
    if (!votes(point) || point.topTag != dominant[c]) return;
    const int root = findRoot(parent, c);
    sum[root] += pos;
    ++voters[root];
  });
  for (int c = 0; c < cells; ++c) {
    if (voters[c] == 0) continue;
    MapRegionLabel region;
    region.tag = dominant[c];
    region.pos = sum[c] / voters[c];
    region.songs = voters[c];
    region.total = total[c];
    m_regions.push_back(region);
  }
  // Bigger regions claim their place first.
  std::stable_sort(
      m_regions.begin(), m_regions.end(),
      [](const MapRegionLabel& a, const MapRegionLabel& b) { return a.songs > b.songs; });
}

const QImage& MapScene::regionSprite(int tag, const QFont& base, double dpr) const {
  if (base != m_regionSpriteFont || dpr != m_regionSpriteDpr) {
    m_regionSprites.clear();
    m_regionSpriteFont = base;
    m_regionSpriteDpr = dpr;
  }
  auto it = m_regionSprites.find(tag);
  if (it != m_regionSprites.end()) return *it;
  const QFont font = regionFont(base);
  const QFontMetricsF metrics(font);
  const QString text = m_regionTags.value(tag);
  const QSizeF box(std::ceil(metrics.horizontalAdvance(text) + 2 * kRegionHaloPx + 2),
                   std::ceil(metrics.height() + 2 * kRegionHaloPx));
  QImage sprite((box * dpr).toSize(), QImage::Format_ARGB32_Premultiplied);
  sprite.setDevicePixelRatio(dpr);
  sprite.fill(Qt::transparent);
  QPainter painter(&sprite);
  painter.setRenderHint(QPainter::Antialiasing, true);
  QPainterPath path;
  path.addText(QPointF(kRegionHaloPx + 1, kRegionHaloPx + metrics.ascent()), font, text);
  painter.strokePath(
      path, QPen(m_inks.regionHalo, 2 * kRegionHaloPx, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
  painter.fillPath(path, m_inks.region);
  painter.end();
  return *m_regionSprites.insert(tag, sprite);
}

}  // namespace songspace::ui
