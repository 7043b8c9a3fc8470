#include <QSignalSpy>
#include <QToolButton>
#include <QToolTip>
#include <QtTest>
#include <random>

#include "ui/appearance.h"
#include "ui/maphelpoverlay.h"
#include "ui/mappanel.h"
#include "ui/mapview.h"
#include "ui/settingskeys.h"

using songspace::ui::EmbeddingMapView;
using songspace::ui::MapHelpOverlay;
using songspace::ui::MapLandmark;
using songspace::ui::MapPanel;
using songspace::ui::MapPoint;
using songspace::ui::MapScene;

namespace {

constexpr int kIdBase = 1000;  // ids differ from indices, so index/id mix-ups show

QVector<MapPoint> uniformPoints(int n, std::uint64_t seed, double extent = 100) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, extent);
  QVector<MapPoint> points;
  for (int i = 0; i < n; ++i) points.push_back({QPointF(u(rng), u(rng)), kIdBase + i, i % 3});
  return points;
}

const QVector<QPair<QString, QColor>> kLegend = {{QStringLiteral("rock"), QColor(220, 40, 40)},
                                                 {QStringLiteral("jazz"), QColor(30, 120, 220)},
                                                 {QStringLiteral("folk"), QColor(40, 170, 60)}};

// The song a click at viewPos must select, found by scanning every song.
int bruteForceSongAt(const EmbeddingMapView& view, const QVector<MapPoint>& points, QPoint pos) {
  int best = -1;
  double bestDistance = EmbeddingMapView::kHitRadiusPx * EmbeddingMapView::kHitRadiusPx;
  for (const MapPoint& p : points) {
    const QPointF d = view.toView(p.pos) - QPointF(pos);
    const double distance = QPointF::dotProduct(d, d);
    if (distance < bestDistance - 1e-9) bestDistance = distance, best = p.id;
  }
  return best;
}

void sendMouse(QWidget* w, QEvent::Type type, QPoint pos, Qt::MouseButtons buttons,
               Qt::KeyboardModifiers modifiers) {
  QMouseEvent event(type, QPointF(pos), w->mapToGlobal(QPointF(pos)),
                    type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton, buttons, modifiers);
  QApplication::sendEvent(w, &event);
}

void sendWheel(QWidget* w, QPoint pos, int delta) {
  QWheelEvent event(QPointF(pos), w->mapToGlobal(QPointF(pos)), QPoint(), QPoint(0, delta),
                    Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(w, &event);
}

bool sameColor(QColor a, QColor b, int tolerance = 8) {
  return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance &&
         std::abs(a.blue() - b.blue()) <= tolerance;
}

QList<int> sorted(QList<int> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

class MapViewTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void clickSelectsSong_data();
  void clickSelectsSong();
  void clickOnEmptySpaceEmitsNothing();
  void rubberBandSelection();
  void lassoSelection();
  void wheelZoomKeepsCursorPointFixed();
  void keyboardZoomAndFit();
  void unknownIdsAreHarmless();
  void keyColoursStayApart();
  void highlightByPointIsHighlightById();
  void pixelsHaveSongColors();
  void highlightDimsOthers();
  void unlikeSongIsHollow();
  void darkPaletteReachesEveryInk();
  void crowdedMapUsesRasterAndStillShowsSongs();
  void emptyMapShowsHint();
  void landmarkClick();
  void panelNamesTheClickedLandmark();
  void focusedLandmarkLabelComesFirst();
  void searchFocusesLandmarks();
  void labelsAmongManyLandmarksNeverOverlap();
  void regionsNamedByDominantTags();
  void helpOverlayOnFirstUse();
  void hoverAndTooltip();
  void animateToNewPositions();
  void demoScreenshot();
};

void MapViewTest::initTestCase() {
  QStandardPaths::setTestModeEnabled(true);  // QSettings in a test location
  // Panels that are shown must not open with the help over the map (helpOverlayOnFirstUse).
  songspace::ui::settings::kMapHelpSeen.write(true);
}

void MapViewTest::clickSelectsSong_data() {
  QTest::addColumn<double>("zoom");
  QTest::addColumn<QPointF>("centre");
  QTest::newRow("fit") << 1.0 << QPointF(50, 50);
  QTest::newRow("zoom 4, panned") << 4.0 << QPointF(30, 70);
  QTest::newRow("zoom 10, panned") << 10.0 << QPointF(81.5, 12.25);
  QTest::newRow("zoomed out") << 0.4 << QPointF(10, 10);
}

void MapViewTest::clickSelectsSong() {
  QFETCH(double, zoom);
  QFETCH(QPointF, centre);
  EmbeddingMapView view;
  view.resize(600, 400);
  const auto points = uniformPoints(6000, 7);
  view.setPoints(points);
  view.setZoom(zoom);
  view.setCenter(centre);
  QSignalSpy spy(&view, &EmbeddingMapView::songClicked);
  std::mt19937_64 rng(3);
  int clicks = 0, exact = 0;
  QVector<MapPoint> visible;
  for (const MapPoint& p : points)
    if (view.rect().adjusted(2, 2, -2, -2).contains(view.toView(p.pos).toPoint())) visible << p;
  QVERIFY(visible.size() >= 40);
  for (int attempt = 0; attempt < 3000 && clicks < 40; ++attempt) {
    const MapPoint& target = visible[rng() % visible.size()];
    const QPoint pos = view.toView(target.pos).toPoint();
    ++clicks;
    const int expected = bruteForceSongAt(view, points, pos);
    QVERIFY(expected >= 0);  // the target itself is within rounding distance
    spy.clear();
    QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, pos);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), expected);
    QCOMPARE(view.songAt(pos), expected);
    QCOMPARE(view.selectedSong(), expected);
    exact += expected == target.id ? 1 : 0;
  }
  QCOMPARE(clicks, 40);
  QVERIFY2(exact >= 30, qPrintable(QString::number(exact)));  // neighbours win only on near-ties
}

void MapViewTest::clickOnEmptySpaceEmitsNothing() {
  EmbeddingMapView view;
  view.resize(600, 400);
  QVector<MapPoint> points = uniformPoints(500, 1, 10);  // all in [0, 10]^2
  points.push_back({QPointF(100, 10), 1, 0});            // stretches the map to the right
  view.setPoints(points);
  view.setSelectedSong(kIdBase);
  QSignalSpy spy(&view, &EmbeddingMapView::songClicked);
  const QPoint empty = view.toView(QPointF(55, 5)).toPoint();
  QCOMPARE(view.songAt(empty), -1);
  QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, empty);
  QCOMPARE(spy.count(), 0);
  QCOMPARE(view.selectedSong(), kIdBase);  // an empty click keeps the selection
}

void MapViewTest::rubberBandSelection() {
  EmbeddingMapView view;
  view.resize(600, 400);
  const auto points = uniformPoints(5000, 11);
  view.setPoints(points);
  view.setZoom(1.7);
  view.setCenter(QPointF(40, 60));
  QSignalSpy spy(&view, &EmbeddingMapView::songsSelected);
  QSignalSpy clicks(&view, &EmbeddingMapView::songClicked);
  const QPoint a(420, 310), b(90, 35);  // dragged up-left: the rectangle is normalised
  sendMouse(&view, QEvent::MouseButtonPress, a, Qt::LeftButton, Qt::ShiftModifier);
  sendMouse(&view, QEvent::MouseMove, QPoint(300, 200), Qt::LeftButton, Qt::ShiftModifier);
  sendMouse(&view, QEvent::MouseButtonRelease, b, Qt::NoButton, Qt::ShiftModifier);
  QCOMPARE(spy.count(), 1);
  QCOMPARE(clicks.count(), 0);
  const QRectF data = QRectF(view.toData(QPointF(a)), view.toData(QPointF(b))).normalized();
  QList<int> expected;
  for (const MapPoint& p : points) {
    if (p.pos.x() >= data.left() && p.pos.x() <= data.right() && p.pos.y() >= data.top() &&
        p.pos.y() <= data.bottom())
      expected.push_back(p.id);
  }
  QVERIFY(expected.size() > 100);
  QCOMPARE(sorted(spy.at(0).at(0).value<QList<int>>()), expected);
}

void MapViewTest::lassoSelection() {
  EmbeddingMapView view;
  view.resize(600, 400);
  const auto points = uniformPoints(5000, 12);
  view.setPoints(points);
  QSignalSpy spy(&view, &EmbeddingMapView::songsSelected);
  // A triangle drawn as a lasso, with intermediate points along its edges.
  const QPointF corners[3] = {QPointF(100, 50), QPointF(500, 120), QPointF(220, 370)};
  for (Qt::KeyboardModifier modifier : {Qt::AltModifier, Qt::ControlModifier}) {
    spy.clear();
    sendMouse(&view, QEvent::MouseButtonPress, corners[0].toPoint(), Qt::LeftButton, modifier);
    for (int edge = 0; edge < 3; ++edge) {
      for (int step = 1; step <= 10; ++step) {
        const QPointF p = corners[edge] + (corners[(edge + 1) % 3] - corners[edge]) * (step / 10.0);
        sendMouse(&view, QEvent::MouseMove, p.toPoint(), Qt::LeftButton, modifier);
      }
    }
    sendMouse(&view, QEvent::MouseButtonRelease, corners[0].toPoint(), Qt::NoButton, modifier);
    QCOMPARE(spy.count(), 1);
    // Independent check: barycentric sign test against the triangle in data space.
    const QPointF t0 = view.toData(corners[0]), t1 = view.toData(corners[1]),
                  t2 = view.toData(corners[2]);
    auto side = [](QPointF p, QPointF a, QPointF b) {
      return (b.x() - a.x()) * (p.y() - a.y()) - (b.y() - a.y()) * (p.x() - a.x());
    };
    QList<int> expected;
    for (const MapPoint& p : points) {
      const double s0 = side(p.pos, t0, t1), s1 = side(p.pos, t1, t2), s2 = side(p.pos, t2, t0);
      if ((s0 > 0 && s1 > 0 && s2 > 0) || (s0 < 0 && s1 < 0 && s2 < 0)) expected.push_back(p.id);
    }
    QVERIFY(expected.size() > 500);
    QCOMPARE(sorted(spy.at(0).at(0).value<QList<int>>()), expected);
  }
}

void MapViewTest::wheelZoomKeepsCursorPointFixed() {
  EmbeddingMapView view;
  view.resize(600, 400);
  view.setPoints(uniformPoints(1000, 5));
  for (const QPoint cursor : {QPoint(100, 80), QPoint(520, 333), QPoint(300, 200)}) {
    const QPointF before = view.toData(QPointF(cursor));
    const double zoom = view.zoom();
    sendWheel(&view, cursor, 240);  // two notches in
    QVERIFY(view.zoom() > zoom * 1.3);
    QVERIFY((view.toData(QPointF(cursor)) - before).manhattanLength() < 1e-9 * 100);
    sendWheel(&view, cursor, -120);
    QVERIFY((view.toData(QPointF(cursor)) - before).manhattanLength() < 1e-9 * 100);
  }
}

void MapViewTest::keyboardZoomAndFit() {
  EmbeddingMapView view;
  view.resize(600, 400);
  const auto points = uniformPoints(1000, 6);
  view.setPoints(points);
  QCOMPARE(view.zoom(), 1.0);
  QTest::keyClick(&view, Qt::Key_Plus);
  QCOMPARE(view.zoom(), EmbeddingMapView::kKeyZoomFactor);
  QTest::keyClick(&view, Qt::Key_Plus);
  QTest::keyClick(&view, Qt::Key_Minus);
  QVERIFY(qFuzzyCompare(view.zoom(), EmbeddingMapView::kKeyZoomFactor));
  view.setCenter(QPointF(500, -300));
  QTest::keyClick(&view, Qt::Key_0);
  QCOMPARE(view.zoom(), 1.0);
  for (const MapPoint& p : points) QVERIFY(view.rect().contains(view.toView(p.pos).toPoint()));
  QTest::keyClick(&view, Qt::Key_Right);
  QVERIFY(view.center().x() > 50);
  // Zoom is clamped at both ends.
  view.setZoom(1e12);
  QCOMPARE(view.zoom(), EmbeddingMapView::kMaxZoom);
  view.setZoom(0);
  QCOMPARE(view.zoom(), EmbeddingMapView::kMinZoom);
}

void MapViewTest::unknownIdsAreHarmless() {
  EmbeddingMapView view;
  view.resize(300, 200);
  view.setHighlighted({-7, 424242});
  view.setSelectedSong(424242);
  QCOMPARE(view.selectedSong(), -1);
  QVERIFY(!view.grab().isNull());
  view.setPoints(uniformPoints(50, 2));
  view.setHighlighted({-7, 424242, kIdBase + 3});
  view.setSelectedSong(999);
  QCOMPARE(view.selectedSong(), -1);
  view.setSelectedSong(kIdBase + 3);
  QCOMPARE(view.selectedSong(), kIdBase + 3);
  view.setPoints(uniformPoints(2, 2));  // the selected song leaves the map
  QCOMPARE(view.selectedSong(), -1);
  QVERIFY(!view.grab().isNull());
}

// A highlight set per point is the highlight of those points' ids: what highlighted() lists, what
// is drawn emphasised, what survives new points (by id); inactive or mis-sized flags dim nothing.
void MapViewTest::highlightByPointIsHighlightById() {
  EmbeddingMapView view;
  view.resize(300, 200);
  view.setPoints(uniformPoints(50, 2));
  const MapScene& scene = view.scene();
  std::vector<char> flags(50, 0);
  flags[3] = flags[7] = flags[49] = 1;
  view.setHighlightedPoints(flags, true);
  const QSet<int> ids{scene.points()[3].id, scene.points()[7].id, scene.points()[49].id};
  QCOMPARE(scene.highlighted(), ids);
  QVERIFY(scene.highlighting());
  for (int i = 0; i < 50; ++i)
    QCOMPARE(scene.isPointHighlighted(i), flags[static_cast<std::size_t>(i)] != 0);
  view.setHighlighted(ids);  // the same by id
  for (int i = 0; i < 50; ++i)
    QCOMPARE(scene.isPointHighlighted(i), flags[static_cast<std::size_t>(i)] != 0);
  view.setHighlightedPoints(flags, true);
  view.setPoints(uniformPoints(50, 2));  // new points keep the highlight of the same ids
  QCOMPARE(scene.highlighted(), ids);
  view.setHighlightedPoints(std::vector<char>(50, 0), true);  // nothing matches: all dimmed
  QCOMPARE(scene.highlighted(), QSet<int>{-1});
  QVERIFY(scene.highlighting());
  QVERIFY(!scene.isPointHighlighted(3));
  view.setHighlightedPoints(flags, false);  // no search
  QVERIFY(!scene.highlighting());
  QVERIFY(scene.highlighted().isEmpty());
  QVERIFY(!scene.isPointHighlighted(3));
  view.setHighlightedPoints(std::vector<char>(7, 1), true);  // other points: ignored
  QVERIFY(!scene.highlighting());
  QVERIFY(!view.grab().isNull());
}

void MapViewTest::pixelsHaveSongColors() {
  EmbeddingMapView view;
  view.resize(400, 300);
  view.setColorLegend(kLegend);
  const QVector<MapPoint> points = {
      {QPointF(0, 0), 1, 0}, {QPointF(10, 0), 2, 1}, {QPointF(5, 8), 3, 2}, {QPointF(2, 5), 4, 1}};
  view.setPoints(points);
  const QImage image = view.grab().toImage();
  const QColor background = view.palette().color(QPalette::Base);
  for (const MapPoint& p : points) {
    const QColor pixel = image.pixelColor(view.toView(p.pos).toPoint());
    QVERIFY2(sameColor(pixel, kLegend[p.colorKey].second), qPrintable(pixel.name()));
  }
  QVERIFY(sameColor(image.pixelColor(view.toView(QPointF(8, 6)).toPoint()), background));
  // The legend is drawn (top-right), clear of the songs: its swatches carry the legend colours.
  int legendInk = 0;
  for (int y = 0; y < 80; ++y)
    for (int x = 300; x < 400; ++x)
      legendInk += sameColor(image.pixelColor(x, y), kLegend[1].second);
  QVERIFY(legendInk > 10);
}

// A song unlike the library is a ring of its colour around the background; the others are discs.
void MapViewTest::unlikeSongIsHollow() {
  EmbeddingMapView view;
  view.resize(400, 300);
  view.setColorLegend(kLegend);
  const QVector<MapPoint> points = {{QPointF(0, 0), 1, 0, false}, {QPointF(10, 0), 2, 0, true}};
  view.setPoints(points);
  const QImage image = view.grab().toImage();
  if (const QByteArray dir = qgetenv("SONGSPACE_SCREENSHOT_DIR"); !dir.isEmpty())
    image.save(QString::fromLocal8Bit(dir) + QStringLiteral("/map-unlike.png"));
  const QColor background = view.palette().color(QPalette::Base);
  const QPoint disc = view.toView(points[0].pos).toPoint();
  const QPoint ring = view.toView(points[1].pos).toPoint();
  QVERIFY(sameColor(image.pixelColor(disc), kLegend[0].second));
  QVERIFY(sameColor(image.pixelColor(ring), background));
  bool inked = false;
  for (int dx = 1; dx < 20 && !inked; ++dx)
    inked = sameColor(image.pixelColor(ring + QPoint(dx, 0)), kLegend[0].second, 40);
  QVERIFY(inked);
}

void MapViewTest::highlightDimsOthers() {
  EmbeddingMapView view;
  view.resize(400, 300);
  view.setColorLegend(kLegend);
  const QVector<MapPoint> points = {{QPointF(0, 0), 1, 0}, {QPointF(10, 0), 2, 0}};
  view.setPoints(points);
  view.setHighlighted({2});
  const QImage image = view.grab().toImage();
  const QColor dimmed = image.pixelColor(view.toView(points[0].pos).toPoint());
  const QColor lit = image.pixelColor(view.toView(points[1].pos).toPoint());
  QVERIFY(sameColor(lit, kLegend[0].second));
  QVERIFY(!sameColor(dimmed, kLegend[0].second, 40));
  QVERIFY(dimmed.lightness() > lit.lightness());  // faded towards the white background
}

void MapViewTest::darkPaletteReachesEveryInk() {
  EmbeddingMapView view;
  view.resize(500, 400);
  view.setPalette(songspace::ui::darkPalette());
  view.setColorLegend(kLegend);
  view.setPoints(uniformPoints(60, 5));
  view.setLandmarks({{QPointF(20, 20), QStringLiteral("Nina Simone"), MapLandmark::Artist, 77, 5},
                     {QPointF(80, 70), QStringLiteral("ambient"), MapLandmark::Tag, 12, 3}});
  view.setSelectedSong(kIdBase + 7);
  view.setHighlighted({kIdBase + 7, kIdBase + 8});
  const QImage image = view.grab().toImage();
  const QColor base = view.palette().color(QPalette::Base);
  QVERIFY(base.lightness() < 60);
  QVERIFY(sameColor(image.pixelColor(1, image.height() - 2), base));
  // The legend's box is filled with the dark Base, not a light card.
  const QRectF legend = view.scene().legendRect(view.font(), QSizeF(view.size()));
  QVERIFY(!legend.isNull());
  const QPoint inside(static_cast<int>(legend.right()) - 4, static_cast<int>(legend.center().y()));
  QVERIFY2(sameColor(image.pixelColor(inside), base), qPrintable(image.pixelColor(inside).name()));
  // No white halo, ring or card anywhere: every ink comes from the palette.
  int white = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) white += image.pixelColor(x, y).lightness() >= 245;
  QCOMPARE(white, 0);
  // Labels are drawn in the palette's light text: some pixels are nearly Text.
  const QColor text = view.palette().color(QPalette::Text);
  int textInk = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) textInk += sameColor(image.pixelColor(x, y), text, 20);
  QVERIFY(textInk > 20);
}

void MapViewTest::crowdedMapUsesRasterAndStillShowsSongs() {
  EmbeddingMapView view;
  view.resize(600, 400);
  view.setColorLegend(kLegend);
  const auto points = uniformPoints(2 * songspace::ui::MapScene::kVectorPointLimit, 9);
  view.setPoints(points);
  const QImage image = view.grab().toImage();
  const QColor background = view.palette().color(QPalette::Base);
  int coloured = 0;
  for (int i = 0; i < points.size(); i += 37) {
    const QPointF v = view.toView(points[i].pos);
    const QColor pixel = image.pixelColor(int(std::floor(v.x())), int(std::floor(v.y())));
    const bool legendColour = std::any_of(
        kLegend.begin(), kLegend.end(), [&](const auto& e) { return sameColor(pixel, e.second); });
    coloured += legendColour ? 1 : 0;
    QVERIFY(!sameColor(pixel, background));
  }
  QVERIFY(coloured > 0);
}

void MapViewTest::emptyMapShowsHint() {
  EmbeddingMapView view;
  view.resize(400, 300);
  const QImage image = view.grab().toImage();
  const QColor background = view.palette().color(QPalette::Base);
  int ink = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) ink += image.pixelColor(x, y) != background ? 1 : 0;
  QVERIFY(ink > 50);  // the hint text is drawn
  QSignalSpy spy(&view, &EmbeddingMapView::songClicked);
  QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, QPoint(200, 150));
  sendWheel(&view, QPoint(200, 150), 120);
  QTest::keyClick(&view, Qt::Key_0);
  QCOMPARE(view.songAt(QPoint(200, 150)), -1);
  QCOMPARE(spy.count(), 0);
}

void MapViewTest::landmarkClick() {
  EmbeddingMapView view;
  view.resize(500, 400);
  view.setPoints(uniformPoints(200, 4));
  view.setLandmarks({{QPointF(20, 20), QStringLiteral("Nina Simone"), MapLandmark::Artist, 77, 5},
                     {QPointF(80, 70), QStringLiteral("ambient"), MapLandmark::Tag, 12, 3}});
  (void)view.grab();  // lays out the labels
  QSignalSpy landmarks(&view, &EmbeddingMapView::landmarkClicked);
  QSignalSpy songs(&view, &EmbeddingMapView::songClicked);
  QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, view.toView(QPointF(80, 70)).toPoint());
  QCOMPARE(landmarks.count(), 1);
  QCOMPARE(landmarks.at(0).at(0).value<MapLandmark::Kind>(), MapLandmark::Tag);
  QCOMPARE(landmarks.at(0).at(1).toInt(), 12);
  QCOMPARE(songs.count(), 0);  // the landmark is on top of the songs
  QCOMPARE(view.landmarkAt(view.toView(QPointF(20, 20)).toPoint()), 0);
}

// Regression (issue 15): the view names a landmark by kind and id (the model's column); the panel
// once read that id as a position in its artists-then-tags list, so the tag "game" (tag 0, fourth
// in the list) opened the artist "Will Savino" (artist 0).
void MapViewTest::panelNamesTheClickedLandmark() {
  MapPanel panel;
  panel.resize(700, 500);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  EmbeddingMapView* view = panel.view();
  view->setPoints(uniformPoints(50, 4));
  view->setLandmarks({{QPointF(-60, -60), QStringLiteral("Will Savino"), MapLandmark::Artist, 0, 5},
                      {QPointF(-60, 60), QStringLiteral("Other Artist"), MapLandmark::Artist, 1, 4},
                      {QPointF(60, -60), QStringLiteral("Third Artist"), MapLandmark::Artist, 2, 3},
                      {QPointF(60, 60), QStringLiteral("game"), MapLandmark::Tag, 0, 2},
                      {QPointF(0, 90), QStringLiteral("ambient"), MapLandmark::Tag, 1, 1}});
  (void)view->grab();  // lays out the labels
  QSignalSpy artists(&panel, &MapPanel::artistClicked);
  QSignalSpy tags(&panel, &MapPanel::tagClicked);
  QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, view->toView(QPointF(60, 60)).toPoint());
  QCOMPARE(artists.count(), 0);
  QCOMPARE(tags.count(), 1);
  QCOMPARE(tags.at(0).at(0).toString(), QStringLiteral("game"));
  QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, view->toView(QPointF(-60, 60)).toPoint());
  QCOMPARE(artists.count(), 1);
  QCOMPARE(artists.at(0).at(0).toString(), QStringLiteral("Other Artist"));
  QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, view->toView(QPointF(0, 90)).toPoint());
  QCOMPARE(tags.count(), 2);
  QCOMPARE(tags.at(1).at(0).toString(), QStringLiteral("ambient"));
}

// Four big artists on one spot take the places around it; a small tag there gets no label until
// the user looks for it.
void MapViewTest::focusedLandmarkLabelComesFirst() {
  EmbeddingMapView view;
  view.resize(500, 400);
  view.setPoints(uniformPoints(100, 5));
  QVector<MapLandmark> landmarks;
  for (int a = 0; a < 4; ++a)
    landmarks.push_back({QPointF(50, 50), QStringLiteral("Big Artist %1").arg(a),
                         MapLandmark::Artist, a, 100.0 - a});
  landmarks.push_back({QPointF(50, 50), QStringLiteral("drone"), MapLandmark::Tag, 0, 1});
  view.setLandmarks(landmarks);
  (void)view.grab();
  const MapScene& scene = view.scene();
  QVERIFY(!scene.labelRect(0).isNull());
  QVERIFY(scene.labelRect(4).isNull());
  view.setLandmarkFocus({4});
  QVERIFY(scene.isLandmarkFocused(4));
  (void)view.grab();
  QVERIFY(!scene.labelRect(4).isNull());
  // It took the first place (right of the marker), which the biggest artist held before.
  QVERIFY(scene.labelRect(4).left() > view.toView(QPointF(50, 50)).x());
  QVERIFY(scene.labelRect(0).isNull() || scene.labelRect(0).right() < scene.labelRect(4).left());
  for (int a = 0; a < landmarks.size(); ++a)
    for (int b = a + 1; b < landmarks.size(); ++b)
      QVERIFY(!scene.labelRect(a).intersects(scene.labelRect(b)));
  view.setLandmarkFocus({});
  (void)view.grab();
  QVERIFY(scene.labelRect(4).isNull());
}

// The panel focuses the landmarks the search names (artists and tags alike, any case); hidden,
// at the next show.
void MapViewTest::searchFocusesLandmarks() {
  MapPanel panel;
  panel.resize(700, 500);
  EmbeddingMapView* view = panel.view();
  view->setPoints(uniformPoints(50, 4));
  view->setLandmarks({{QPointF(50, 50), QStringLiteral("Drone Lords"), MapLandmark::Artist, 0, 9},
                      {QPointF(50, 50), QStringLiteral("drone"), MapLandmark::Tag, 0, 1},
                      {QPointF(50, 50), QStringLiteral("rock"), MapLandmark::Tag, 1, 30}});
  // Hidden (the Library tab in front), the panel waits: the last search applies when shown.
  panel.setSearchText(QStringLiteral("rock"));
  panel.setSearchText(QStringLiteral("DRONE"));
  QVERIFY(!view->scene().isLandmarkFocused(0));
  panel.setHelpOnFirstUse(false);
  panel.show();
  QVERIFY(view->scene().isLandmarkFocused(0));
  QVERIFY(view->scene().isLandmarkFocused(1));
  QVERIFY(!view->scene().isLandmarkFocused(2));
  // Shown, at once.
  panel.setSearchText(QString());
  QVERIFY(!view->scene().isLandmarkFocused(0));
  QVERIFY(!view->scene().isLandmarkFocused(1));
  panel.setSearchText(QStringLiteral("roc"));
  QVERIFY(view->scene().isLandmarkFocused(2));
}

// Ten thousand landmarks, zoomed in and out: every drawn label is inside the view and clear of
// every other label and of the legend.
void MapViewTest::labelsAmongManyLandmarksNeverOverlap() {
  EmbeddingMapView view;
  view.resize(800, 600);
  view.setColorLegend(kLegend);
  const auto points = uniformPoints(2000, 9);
  view.setPoints(points);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 100);
  QVector<MapLandmark> landmarks;
  for (int i = 0; i < 10000; ++i)
    landmarks.push_back({QPointF(u(rng), u(rng)), QStringLiteral("Landmark %1").arg(i),
                         i % 5 ? MapLandmark::Artist : MapLandmark::Tag, i, double(i % 97)});
  view.setLandmarks(landmarks);
  const QRectF legend = view.scene().legendRect(view.font(), QSizeF(view.size()));
  for (const double zoom : {1.0, 8.0}) {
    view.setZoom(zoom);
    (void)view.grab();
    QVector<QRectF> drawn;
    for (int i = 0; i < landmarks.size(); ++i)
      if (!view.scene().labelRect(i).isNull()) drawn.push_back(view.scene().labelRect(i));
    QVERIFY2(drawn.size() >= 20, qPrintable(QString::number(drawn.size())));
    for (int a = 0; a < drawn.size(); ++a) {
      QVERIFY(QRectF(view.rect()).adjusted(-1, -1, 1, 1).contains(drawn[a]));
      QVERIFY(!drawn[a].intersects(legend));
      for (int b = a + 1; b < drawn.size(); ++b) QVERIFY(!drawn[a].intersects(drawn[b]));
    }
  }
}

// Two clusters whose songs' most probable tags differ get those two names; zoomed into the first,
// a smaller group of another tag inside it gets its own; songs unsure of their tag do not vote;
// names never overlap each other or the landmark labels.
void MapViewTest::regionsNamedByDominantTags() {
  enum { Rock, Punk, Jazz };
  std::mt19937_64 rng(21);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> u(0, 110);
  // Two tagless songs fix the bounds, so the fit scale (and the region cells) are known.
  QVector<MapPoint> points = {{QPointF(0, 0), 1}, {QPointF(110, 110), 2}};
  auto cluster = [&](QPointF centre, double spread, int count, int tag, float probability) {
    for (int i = 0; i < count; ++i)
      points.push_back({centre + spread * QPointF(normal(rng), normal(rng)),
                        int(points.size()) + kIdBase, 0, false, tag, probability});
  };
  cluster(QPointF(32, 32), 2, 60, Rock, 0.9f);
  cluster(QPointF(44, 44), 1.5, 25, Punk, 0.8f);
  cluster(QPointF(96, 96), 2, 60, Jazz, 0.7f);
  for (int i = 0; i < 40; ++i)  // unsure songs everywhere: below kRegionMinProbability
    points.push_back(
        {QPointF(u(rng), u(rng)), int(points.size()) + kIdBase, 0, false, int(rng() % 3), 0.3f});
  EmbeddingMapView view;
  view.resize(600, 400);
  view.setPoints(points);
  view.setRegionTags({QStringLiteral("rock"), QStringLiteral("punk"), QStringLiteral("jazz")});
  view.setLandmarks(
      {{QPointF(32, 36), QStringLiteral("Rock Steady Crew"), MapLandmark::Artist, 0, 5}});
  // Cells of 64 units: the rock cell holds the punk group too (rock ≥ half its songs).
  QCOMPARE(MapScene::regionCellSize(view.transform().scale), 64.0);

  auto names = [&] {
    (void)view.grab();
    const MapScene& scene = view.scene();
    QStringList out;
    for (const auto& region : scene.regionLabels()) {
      out << scene.regionTags().at(region.tag);
      if (!QRectF(view.rect()).contains(region.rect)) return QStringList{QStringLiteral("outside")};
      if (region.rect.intersects(scene.labelRect(0))) return QStringList{QStringLiteral("overlap")};
      for (const auto& other : scene.regionLabels())
        if (&other != &region && other.rect.intersects(region.rect))
          return QStringList{QStringLiteral("overlap")};
    }
    out.sort();
    return out;
  };
  QCOMPARE(names(), (QStringList{QStringLiteral("jazz"), QStringLiteral("rock")}));
  QVERIFY(!view.scene().labelRect(0).isNull());
  for (const auto& region : view.scene().regionLabels()) {
    const QPointF centre = region.tag == Rock ? QPointF(32, 32) : QPointF(96, 96);
    QVERIFY(QLineF(region.pos, centre).length() < 2);  // the mean of its voters
    QCOMPARE(region.songs, 60);
  }
  // Zoomed 8x (cells of 8 units): the punk group is a region of its own; the rock songs, split
  // over four cells, are still one region with one name.
  view.setZoom(8);
  view.setCenter(QPointF(38, 38));
  QCOMPARE(MapScene::regionCellSize(view.transform().scale), 8.0);
  QCOMPARE(names(), (QStringList{QStringLiteral("punk"), QStringLiteral("rock")}));
  // Without the names of the tags there are no regions.
  view.setRegionTags({});
  QCOMPARE(names(), QStringList());
}

// The gestures show by themselves the first time the map has songs, a click or key dismisses them
// for good (remembered in the settings), and the ? button or key shows them again.
void MapViewTest::helpOverlayOnFirstUse() {
  namespace settings = songspace::ui::settings;
  QSettings().remove(settings::kMapHelpSeen.name);
  {
    MapPanel panel;
    panel.resize(700, 500);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    MapHelpOverlay* overlay = panel.helpOverlay();
    QVERIFY(!overlay->isVisible());  // an empty map: nothing to use yet
    panel.view()->setPoints(uniformPoints(50, 4));
    panel.hide();
    panel.show();
    QVERIFY(overlay->isVisible());
    QCOMPARE(overlay->geometry(), panel.view()->rect());
    QCOMPARE(MapHelpOverlay::entries().size(), 11);
    // The dismissing click is used up: it selects no song under it.
    QSignalSpy songs(panel.view(), &EmbeddingMapView::songClicked);
    const QPoint onSong = panel.view()->toView(panel.view()->scene().points()[0].pos).toPoint();
    QTest::mouseClick(panel.view(), Qt::LeftButton, Qt::NoModifier, onSong);
    QVERIFY(!overlay->isVisible());
    QCOMPARE(songs.count(), 0);
    QVERIFY(settings::kMapHelpSeen.read());
  }
  MapPanel again;
  again.resize(700, 500);
  again.view()->setPoints(uniformPoints(50, 4));
  again.show();
  again.activateWindow();
  QVERIFY(QTest::qWaitForWindowActive(&again));
  MapHelpOverlay* overlay = again.helpOverlay();
  QVERIFY(!overlay->isVisible());
  auto* button = again.findChild<QToolButton*>(QStringLiteral("mapHelpButton"));
  QVERIFY(button);
  button->setFocus();
  QVERIFY(!button->toolTip().isEmpty());
  button->click();
  QVERIFY(overlay->isVisible());
  // The focus was on the button; the help gives it to the map, where a key press dismisses it.
  QTRY_VERIFY(again.view()->hasFocus());
  QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
  QVERIFY(!overlay->isVisible());
  button->click();
  QVERIFY(overlay->isVisible());
  QTest::keyClick(again.view(), Qt::Key_A);
  QVERIFY(!overlay->isVisible());
  QTest::keyClick(again.view(), Qt::Key_Question);
  QVERIFY(overlay->isVisible());
  QTest::mouseClick(overlay, Qt::LeftButton, Qt::NoModifier, QPoint(5, 5));
  QVERIFY(!overlay->isVisible());
  // Empty space explains itself.
  QHelpEvent help(QEvent::ToolTip, QPoint(1, 1), again.view()->mapToGlobal(QPoint(1, 1)));
  QApplication::sendEvent(again.view(), &help);
  QTRY_VERIFY(QToolTip::isVisible());
  QVERIFY(QToolTip::text().contains(QStringLiteral("Shift+drag")));
  settings::kMapHelpSeen.write(true);
}

void MapViewTest::hoverAndTooltip() {
  EmbeddingMapView view;
  view.resize(400, 300);
  const QVector<MapPoint> points = {{QPointF(0, 0), 5, 0}, {QPointF(10, 10), 6, 0}};
  view.setPoints(points);
  QSignalSpy hover(&view, &EmbeddingMapView::hoveredSongChanged);
  int asked = -1;
  view.setTooltipProvider([&](int id) {
    asked = id;
    return QStringLiteral("song %1").arg(id);
  });
  const QPoint at = view.toView(points[1].pos).toPoint();
  sendMouse(&view, QEvent::MouseMove, at, Qt::NoButton, Qt::NoModifier);
  QCOMPARE(hover.count(), 1);
  QCOMPARE(hover.at(0).at(0).toInt(), 6);
  sendMouse(&view, QEvent::MouseMove, at + QPoint(1, 0), Qt::NoButton, Qt::NoModifier);
  QCOMPARE(hover.count(), 1);  // same song: no repeat
  sendMouse(&view, QEvent::MouseMove, QPoint(200, 150), Qt::NoButton, Qt::NoModifier);
  QCOMPARE(hover.count(), 2);
  QCOMPARE(hover.at(1).at(0).toInt(), -1);
  QHelpEvent help(QEvent::ToolTip, at, view.mapToGlobal(at));
  QApplication::sendEvent(&view, &help);
  QCOMPARE(asked, 6);
}

void MapViewTest::animateToNewPositions() {
  EmbeddingMapView view;
  view.resize(400, 300);
  const auto points = uniformPoints(300, 8);
  view.setPoints(points);
  QVERIFY(!view.animateTo(QVector<QPointF>(3)));
  QVector<QPointF> target;
  for (const MapPoint& p : points) target.push_back(QPointF(p.pos.y() * 2, -p.pos.x()));
  QVERIFY(view.animateTo(target));
  QVERIFY(view.isAnimating());
  QTRY_VERIFY_WITH_TIMEOUT(!view.isAnimating(), 5000);
  for (int i = 0; i < points.size(); ++i) QCOMPARE(view.scene().points()[i].pos, target[i]);
  // The grid follows: hit-testing works at the new positions, and auto-fit kept them in view.
  QCOMPARE(view.songAt(view.toView(target[17]).toPoint(), 1), points[17].id);
  QVERIFY(view.rect().contains(view.toView(target[0]).toPoint()));
}

// Renders ~20k clustered songs with a legend, landmarks and region names; with
// SONGSPACE_MAPVIEW_DEMO=<file.png> set, saves the picture for a human to look at.
void MapViewTest::demoScreenshot() {
  const QStringList genres = {QStringLiteral("Rock"),       QStringLiteral("Jazz"),
                              QStringLiteral("Electronic"), QStringLiteral("Classical"),
                              QStringLiteral("Hip-hop"),    QStringLiteral("Folk"),
                              QStringLiteral("Metal"),      QStringLiteral("Ambient")};
  const QList<QColor> colours = {QColor(0x4e79a7), QColor(0xf28e2b), QColor(0xe15759),
                                 QColor(0x76b7b2), QColor(0x59a14f), QColor(0xedc948),
                                 QColor(0xb07aa1), QColor(0xff9da7)};
  std::mt19937_64 rng(2024);
  std::normal_distribution<double> normal(0, 1);
  QVector<QPair<QString, QColor>> legend;
  QVector<MapPoint> points;
  QVector<MapLandmark> landmarks;
  const QStringList artists = {QStringLiteral("The Velvet Hours"), QStringLiteral("Miles Ahead"),
                               QStringLiteral("Kraftwerk Jr"),     QStringLiteral("Clara Vogt"),
                               QStringLiteral("MC Polaris"),       QStringLiteral("Hollow Pines"),
                               QStringLiteral("Iron Lattice"),     QStringLiteral("Stillwater")};
  int id = 0;
  for (int g = 0; g < genres.size(); ++g) {
    legend.push_back({genres[g], colours[g]});
    const QPointF centre(30 * std::cos(g * 0.8) + 6 * normal(rng),
                         22 * std::sin(g * 1.3) + 6 * normal(rng));
    for (int a = 0; a < 4; ++a) {  // four artists per genre, each a small sub-cluster
      const QPointF artist = centre + QPointF(5 * normal(rng), 5 * normal(rng));
      landmarks.push_back({artist,
                           a == 0 ? artists[g] : QStringLiteral("%1 %2").arg(artists[g]).arg(a + 1),
                           MapLandmark::Artist, g * 4 + a, double(4 - a)});
      for (int s = 0; s < 625; ++s)  // most songs sure of their genre: regions named by it
        points.push_back({artist + QPointF(2.2 * normal(rng), 2.2 * normal(rng)), id++, g, false, g,
                          s % 4 ? 0.8f : 0.3f});
    }
    landmarks.push_back({centre + QPointF(0, -9), genres[g].toLower(), MapLandmark::Tag, g, 10});
  }
  EmbeddingMapView view;
  view.resize(1100, 750);
  view.setColorLegend(legend);
  view.setPoints(points);
  view.setLandmarks(landmarks);
  view.setRegionTags(genres);
  view.setSelectedSong(points[1234].id);
  const QImage image = view.grab().toImage();
  QCOMPARE(image.size(), QSize(1100, 750));
  const QByteArray path = qgetenv("SONGSPACE_MAPVIEW_DEMO");
  if (!path.isEmpty()) QVERIFY(image.save(QString::fromLocal8Bit(path)));
  // Close up, with a search highlight: circles with outlines, the other songs dimmed.
  QSet<int> found;
  for (int i = 0; i < points.size(); i += 7) found.insert(points[i].id);
  view.setHighlighted(found);
  view.setZoom(6);
  view.setCenter(landmarks[0].pos);
  const QImage zoomed = view.grab().toImage();
  if (!path.isEmpty()) {
    QString zoomedPath = QString::fromLocal8Bit(path);
    zoomedPath.replace(QStringLiteral(".png"), QStringLiteral("-zoomed.png"));
    QVERIFY(zoomed.save(zoomedPath));
  }
}

// The legend's colours: the first 18 pairwise apart, every colour saturated enough not to be
// taken for the neutral grey of songs without a key, the same key always the same colour.
// Golden-angle hues alone put keys 0 and 8 both red (hues 0 and 16), and a tenth colour next to
// the second (a new user's demo map: Timothy Pinkham's and Zeno+Tehora Rogue's oranges).
void MapViewTest::keyColoursStayApart() {
  const auto distance = [](const QColor& a, const QColor& b) {
    const double dr = a.redF() - b.redF(), dg = a.greenF() - b.greenF(), db = a.blueF() - b.blueF();
    return 255.0 * std::sqrt(dr * dr + dg * dg + db * db);
  };
  for (int a = 0; a < 18; ++a) {
    for (int b = a + 1; b < 18; ++b) {
      const double d = distance(MapScene::keyColor(a), MapScene::keyColor(b));
      QVERIFY2(d >= 50, qPrintable(QStringLiteral("keys %1, %2: %3").arg(a).arg(b).arg(d)));
    }
  }
  for (int key = 0; key < 100; ++key) {
    const QColor color = MapScene::keyColor(key);
    QCOMPARE(MapScene::keyColor(key), color);
    QVERIFY2(color.hsvSaturation() >= 60, qPrintable(QString::number(key)));
  }
}

QTEST_MAIN(MapViewTest)
#include "tst_mapview.moc"
