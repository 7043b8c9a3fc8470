// Map view benchmark: paint time per frame and hit-test time at 10^4 and 10^5 songs, each beside
// a reference measured in the same run (a naive QPainter::drawEllipse loop; a brute-force
// nearest-song scan), printed as ratios; then the label layout at 10^4 landmarks. Run with
// QT_QPA_PLATFORM=offscreen; --labels-only runs only the latter.
#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "core/map/tsne.h"
#include "core/map/tsneaffinity.h"
#include "ui/mapview.h"

using songspace::ui::EmbeddingMapView;
using songspace::ui::MapLandmark;
using songspace::ui::MapPoint;

namespace {

constexpr int kWidth = 1200;
constexpr int kHeight = 800;
constexpr int kHitQueries = 10000;

QVector<MapPoint> clusteredSongs(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  constexpr int kClusters = 40;
  std::vector<QPointF> centres;
  centres.reserve(kClusters);
  for (int c = 0; c < kClusters; ++c) centres.emplace_back(30 * normal(rng), 20 * normal(rng));
  QVector<MapPoint> points;
  points.reserve(n);
  for (int i = 0; i < n; ++i) {
    const int c = int(rng() % kClusters);
    points.push_back({centres[c] + QPointF(2.5 * normal(rng), 2.5 * normal(rng)), i, c % 10});
  }
  return points;
}

template <typename F>
double medianMs(int repeats, F&& body) {
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    QElapsedTimer timer;
    timer.start();
    body(r);
    times.push_back(double(timer.nsecsElapsed()) / 1e6);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// What a straightforward implementation would do: every song, every frame, one ellipse each.
double naivePaintMs(const EmbeddingMapView& view, const QVector<MapPoint>& points, int repeats) {
  QImage image(kWidth, kHeight, QImage::Format_ARGB32_Premultiplied);
  return medianMs(repeats, [&](int) {
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setPen(Qt::NoPen);
    for (const MapPoint& p : points) {
      painter.setBrush(view.scene().colorFor(p.colorKey));
      painter.drawEllipse(view.toView(p.pos), 2.0, 2.0);
    }
  });
}

double viewPaintMs(EmbeddingMapView& view, int repeats, bool invalidate) {
  QImage image(kWidth, kHeight, QImage::Format_ARGB32_Premultiplied);
  const QPointF centre = view.center();
  return medianMs(repeats, [&](int r) {
    // A one-pixel pan per frame defeats the raster cache: this is the cost of a drag frame.
    if (invalidate) view.setCenter(centre + QPointF(r % 2, 0) / view.transform().scale);
    view.render(&image);
  });
}

int bruteForceSongAt(const EmbeddingMapView& view, const QVector<MapPoint>& points, QPoint pos) {
  const auto t = view.transform();
  const QPointF data = t.toData(QPointF(pos));
  const double radius = EmbeddingMapView::kHitRadiusPx / t.scale;
  double best = radius * radius;
  int id = -1;
  for (const MapPoint& p : points) {
    const double dx = p.pos.x() - data.x(), dy = p.pos.y() - data.y();
    const double d = dx * dx + dy * dy;
    if (d < best) best = d, id = p.id;
  }
  return id;
}

void run(int n) {
  const QVector<MapPoint> points = clusteredSongs(n, 42);
  EmbeddingMapView view;
  view.resize(kWidth, kHeight);
  QVector<QPair<QString, QColor>> legend;
  for (int k = 0; k < 10; ++k)
    legend.push_back({QStringLiteral("genre %1").arg(k), QColor::fromHsv(k * 36, 170, 210)});
  view.setColorLegend(legend);
  QVector<MapLandmark> landmarks;
  for (int a = 0; a < 200; ++a)
    landmarks.push_back({points[qsizetype(a) * (n / 200)].pos, QStringLiteral("Artist %1").arg(a),
                         MapLandmark::Artist, a, double(a % 7)});
  view.setPoints(points);
  view.setLandmarks(landmarks);

  const int repeats = 15;
  const double frame = viewPaintMs(view, repeats, true);
  const double cached = viewPaintMs(view, repeats, false);
  const double naive = naivePaintMs(view, points, 5);
  std::printf(
      "n=%6d  paint fit-all (re-raster): %7.2f ms   cached frame: %6.2f ms   naive "
      "drawEllipse: %8.2f ms   speed-up %6.1fx / %6.1fx\n",
      n, frame, cached, naive, naive / frame, naive / cached);

  // The same cached frame without the 200 landmarks: what labels and their placement cost.
  view.setLandmarks({});
  const double bare = viewPaintMs(view, repeats, false);
  view.setLandmarks(landmarks);
  std::printf("n=%6d  cached frame without landmarks: %6.2f ms (labels cost %.2f ms)\n", n, bare,
              cached - bare);

  // Zoomed in far enough for circles (vector mode): only the visible cells are painted.
  view.setZoom(12);
  view.setCenter(points[0].pos);
  const int visible =
      view.scene().grid().candidateCount(view.transform().visibleData().normalized());
  const double zoomed = viewPaintMs(view, repeats, true);
  const double naiveZoomed = naivePaintMs(view, points, 5);
  std::printf(
      "n=%6d  paint zoom 12 (%5d candidates): %7.2f ms   naive drawEllipse: %8.2f ms   "
      "speed-up %6.1fx\n",
      n, visible, zoomed, naiveZoomed, naiveZoomed / zoomed);

  // Hit-testing at two zoom levels.
  for (double zoom : {1.0, 12.0}) {
    view.setZoom(zoom);
    std::mt19937_64 rng(7);
    std::vector<QPoint> queries;
    queries.reserve(kHitQueries);
    for (int q = 0; q < kHitQueries; ++q)
      queries.emplace_back(int(rng() % kWidth), int(rng() % kHeight));
    std::vector<int> fast(queries.size()), slow(queries.size());
    QElapsedTimer timer;
    timer.start();
    for (size_t q = 0; q < queries.size(); ++q) fast[q] = view.songAt(queries[q]);
    const double gridUs = double(timer.nsecsElapsed()) / 1e3 / kHitQueries;
    timer.restart();
    for (size_t q = 0; q < queries.size(); ++q)
      slow[q] = bruteForceSongAt(view, points, queries[q]);
    const double bruteUs = double(timer.nsecsElapsed()) / 1e3 / kHitQueries;
    int hits = 0, disagree = 0;
    for (size_t q = 0; q < queries.size(); ++q) {
      hits += fast[q] >= 0;
      disagree += fast[q] != slow[q];
    }
    std::printf(
        "n=%6d  songAt zoom %4.0f: %7.3f us/query   brute force: %8.3f us/query   "
        "speed-up %7.1fx   (%d/%d hit, %d disagree)\n",
        n, zoom, gridUs, bruteUs, bruteUs / gridUs, hits, kHitQueries, disagree);
  }
}

// Label layout at scale: 10^5 clustered songs and 10^4 landmarks (a fifth of them tags), each
// frame beside the same view without labels (markers only, measured in the same run); then the
// region names on top (each song's top tag: its cluster's colour key, at probability 0.8, for 70 %
// of the songs). Cached frames: the song raster is reused, so what differs is the label layer.
void runLabels() {
  constexpr int kSongs = 100000;
  constexpr int kLandmarks = 10000;
  constexpr int kTags = 10;
  QVector<MapPoint> plain = clusteredSongs(kSongs, 42);
  std::mt19937_64 rng(5);
  QVector<MapPoint> tagged = plain;
  for (MapPoint& point : tagged) {
    const bool sure = rng() % 10 < 7;
    point.topTag = sure ? point.colorKey : int(rng() % kTags);
    point.topTagProbability = sure ? 0.8f : 0.3f;
  }
  QStringList tagNames;
  for (int t = 0; t < kTags; ++t) tagNames << QStringLiteral("genre %1").arg(t);
  EmbeddingMapView view;
  view.resize(kWidth, kHeight);
  view.setPoints(plain);
  QVector<MapLandmark> labelled, unlabelled;
  for (int i = 0; i < kLandmarks; ++i) {
    const bool tag = i % 5 == 0;
    labelled.push_back({plain[int(rng() % kSongs)].pos,
                        tag ? QStringLiteral("tag %1").arg(i) : QStringLiteral("Artist %1").arg(i),
                        tag ? MapLandmark::Tag : MapLandmark::Artist, i, double(rng() % 500)});
    unlabelled.push_back(labelled.back());
    unlabelled.back().label.clear();
  }
  const int repeats = 15;
  QImage image(kWidth, kHeight, QImage::Format_ARGB32_Premultiplied);
  view.setLandmarks(labelled.mid(0, 2));
  view.render(&image);  // loads the fonts, which is no part of the layout
  view.setLandmarks(labelled);
  QElapsedTimer first;
  first.start();
  view.render(&image);  // measures the labels that could find a place
  const double firstMs = double(first.nsecsElapsed()) / 1e6;
  for (const double zoom : {1.0, 4.0}) {
    view.setZoom(zoom);
    view.setPoints(plain);
    view.setRegionTags({});
    view.setLandmarks({});
    const double bare = viewPaintMs(view, repeats, false);
    view.setLandmarks(unlabelled);
    const double markers = viewPaintMs(view, repeats, false);
    view.setLandmarks(labelled);
    (void)viewPaintMs(view, 1, false);  // sizes measured, placed labels rendered once
    const double labels = viewPaintMs(view, repeats, false);
    int placed = 0;
    for (int i = 0; i < kLandmarks; ++i) placed += !view.scene().labelRect(i).isNull();
    view.setPoints(tagged);
    view.setRegionTags(tagNames);
    (void)viewPaintMs(view, 1, false);  // regions of this zoom level computed once
    const double regions = viewPaintMs(view, repeats, false);
    const auto named = view.scene().regionLabels().size();
    std::printf(
        "labels n=%d landmarks=%d zoom %2.0f: no landmarks %6.2f ms  markers only %6.2f ms  "
        "markers+labels %6.2f ms (%d placed, %.2fx markers only)  +regions %6.2f ms (%d named, "
        "%.2fx markers only)\n",
        kSongs, kLandmarks, zoom, bare, markers, labels, placed, labels / markers, regions,
        int(named), regions / markers);
  }
  std::printf("labels n=%d landmarks=%d first frame (measures the labels): %6.2f ms\n", kSongs,
              kLandmarks, firstMs);
  // Zooming: every frame a new zoom level, so the songs are re-rastered and the regions
  // recomputed from every song in view; beside the same frames without region names.
  auto zoomingMs = [&] {
    return medianMs(repeats, [&](int r) {
      view.setZoom(r % 2 ? 1.0 : 2.0);
      view.render(&image);
    });
  };
  view.setZoom(1);
  const double withRegions = zoomingMs();
  view.setRegionTags({});
  const double withoutRegions = zoomingMs();
  std::printf(
      "labels n=%d landmarks=%d zoom 1<->2 each frame: %6.2f ms with region names, %6.2f ms "
      "without (%.2fx)\n",
      kSongs, kLandmarks, withRegions, withoutRegions, withRegions / withoutRegions);
}

// With --tsne: the projection cost behind the map (exact kNN at 5·10³ and 2·10⁴ points, and a
// full t-SNE run with the defaults for that size), d = 64. The map at 10⁵ points: bench_tsne.
void runTsne() {
  std::mt19937_64 rng(1);
  std::normal_distribution<float> normal(0, 1);
  for (int n : {5000, 20000}) {
    Eigen::MatrixXf points(n, 64);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < 64; ++j) points(i, j) = normal(rng) + float(i % 20) * (j == i % 64);
    std::vector<int> indices;
    std::vector<float> distances;
    QElapsedTimer timer;
    timer.start();
    songspace::core::exactKnn(points, 90, indices, distances);
    const double knnMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    const auto result =
        songspace::core::tsne(points, songspace::core::TsneParameters::forPoints(n));
    const double tsneMs = double(timer.nsecsElapsed()) / 1e6;
    std::printf("t-SNE n=%6d d=64: exact kNN (k=90) %8.1f ms; full run (%d iterations) %9.1f ms\n",
                n, knnMs, result.iterationsRun, tsneMs);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  const QStringList args = QCoreApplication::arguments();
  if (!args.contains(QStringLiteral("--labels-only"))) {
    for (int n : {10000, 100000}) run(n);
  }
  runLabels();
  if (args.contains(QStringLiteral("--tsne"))) runTsne();
  return 0;
}
