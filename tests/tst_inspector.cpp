#include <taglib/attachedpictureframe.h>
#include <taglib/id3v2tag.h>
#include <taglib/mpegfile.h>

#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QToolButton>
#include <QtTest>
#include <algorithm>
#include <map>
#include <set>

#include "core/library/paths.h"
#include "core/library/projectionjob.h"
#include "tests/coverimages.h"
#include "tests/librarytestdata.h"
#include "tests/testpaths.h"
#include "ui/artistpage.h"
#include "ui/coverart.h"
#include "ui/hitlist.h"
#include "ui/inspectorpanel.h"
#include "ui/mappanel.h"
#include "ui/mapview.h"
#include "ui/scorebar.h"
#include "ui/tagpage.h"

using namespace songspace;

namespace {

// Entries of one kind ("tag:", "song:", "artist:") in display order.
QList<QToolButton*> entries(const QWidget& panel, const QString& prefix) {
  return panel.findChildren<QToolButton*>(
      QRegularExpression(QStringLiteral("^") + QRegularExpression::escape(prefix)));
}

QString nameOf(const QToolButton* button) {
  return button->objectName().section(u':', 1);
}

// Renders a panel when SONGSPACE_SCREENSHOT_DIR is set (for looking at the layout).
void screenshot(QWidget& widget, const QString& name) {
  const QString dir = qEnvironmentVariable("SONGSPACE_SCREENSHOT_DIR");
  if (dir.isEmpty()) return;
  QDir().mkpath(dir);
  QVERIFY(widget.grab().save(QDir(dir).filePath(name)));
}

// A copy of the untagged MP3 fixture at `path` with `picture` as its ID3v2 front cover.
bool mp3WithPicture(const QString& path, const QByteArray& picture) {
  if (!QFile::copy(songspace::test::testDataPath(QStringLiteral("tags/untagged.mp3")), path))
    return false;
  QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
  TagLib::MPEG::File file(QFile::encodeName(path).constData());
  auto* frame = new TagLib::ID3v2::AttachedPictureFrame;
  frame->setType(TagLib::ID3v2::AttachedPictureFrame::FrontCover);
  frame->setMimeType("image/png");
  frame->setPicture(TagLib::ByteVector(picture.constData(), static_cast<unsigned>(picture.size())));
  file.ID3v2Tag(true)->addFrame(frame);
  return file.save();
}

// The colour at the centre of a label's pixmap.
QColor labelColour(const QLabel* label) {
  return coverimages::centre(label->pixmap().toImage());
}

}  // namespace

class InspectorTest : public QObject {
  Q_OBJECT
 private:
  testdata::Library m_library;
  testdata::Library m_untrained;

  std::int64_t fileIdOfPath(const char* suffix) const {
    for (const core::SongRow& row : m_library.snapshot->songs) {
      if (QString::fromStdString(row.path).endsWith(QLatin1String(suffix))) return row.fileId;
    }
    return 0;
  }

  std::int64_t fileIdOf(int artist, int song) const {
    const auto& path = m_library
                           .songs[static_cast<std::size_t>(artist) * testdata::kSongsPerArtist +
                                  static_cast<std::size_t>(song)]
                           .path;
    for (const core::SongRow& row : m_library.snapshot->songs) {
      if (row.path == path) return row.fileId;
    }
    return 0;
  }

 private Q_SLOTS:
  void initTestCase() {
    m_library = testdata::buildLibrary(true);
    QVERIFY2(m_library.error.isEmpty(), qPrintable(m_library.error));
    QVERIFY(m_library.snapshot->hasModel());
    m_untrained = testdata::buildLibrary(false);
    QVERIFY2(m_untrained.error.isEmpty(), qPrintable(m_untrained.error));
  }

  void emptyStates() {
    ui::InspectorPanel panel;
    QCOMPARE(panel.notice(), QStringLiteral("Open a music folder to begin"));
    panel.setSnapshot(m_library.snapshot);
    panel.showSong(424242);
    QVERIFY2(panel.notice().contains(QStringLiteral("not in the library")),
             qPrintable(panel.notice()));
    QCOMPARE(panel.currentFileId(), std::int64_t{0});
    QVERIFY(entries(panel, QStringLiteral("tag:")).isEmpty());
  }

  void predictedTagsWithScores() {
    ui::InspectorPanel panel;
    panel.setSnapshot(m_library.snapshot);
    const library::ModelSession& model = *m_library.snapshot->model;
    int markedSeen = 0;
    int guessesSeen = 0;
    int likelyGuessesSeen = 0;
    int songsWithTagsBelow = 0;
    int songsWithLikelyTags = 0;
    for (const core::SongRow& song : m_library.snapshot->songs) {
      if (song.state != core::FileState::Analyzed) continue;
      panel.showSong(song.fileId);
      QCOMPARE(panel.currentFileId(), song.fileId);
      QVERIFY(panel.notice().isEmpty());
      const QList<QToolButton*> tags = entries(panel, QStringLiteral("tag:"));
      auto expected =
          model.predictTags(*model.embeddingOfFile(song.fileId), ui::InspectorPanel::kTagsShown,
                            model.lengthOfFile(song.fileId));
      QCOMPARE(tags.size(), static_cast<int>(expected.size()));
      QVERIFY(tags.size() >= 3);
      std::set<std::string> own;
      for (const auto& tag : m_library.snapshot->tagsOf(song.fileId, core::TagSource::File)) {
        own.insert(tag.tag);
      }
      // The list splits at the display threshold (auto-tag's by default): the tags below it
      // follow in a faded list of their own, under a note that says so.
      // A guess (a tag whose songs all last far longer than this one) is among them whatever
      // its probability, its reason as its detail.
      const double threshold = panel.displayThreshold();
      QCOMPARE(threshold, static_cast<double>(model.model().calibration->autoTagThreshold));
      const auto isBelow = [&](const library::Hit& hit) {
        return hit.probability < threshold || !hit.guess.empty();
      };
      std::stable_partition(expected.begin(), expected.end(),
                            [&](const library::Hit& hit) { return !isBelow(hit); });
      bool anyBelow = false;
      for (int i = 0; i < tags.size(); ++i) {
        const auto* list = qobject_cast<const ui::HitList*>(tags[i]->parentWidget());
        QVERIFY(list);
        const library::Hit& hit = expected[static_cast<std::size_t>(i)];
        const bool below = isBelow(hit);
        QCOMPARE(list->property("belowThreshold").toBool(), below);
        QCOMPARE(list->graphicsEffect() != nullptr, below);
        QCOMPARE(tags[i]->property("detail").toString().contains(QStringLiteral("a guess: it is")),
                 !hit.guess.empty());
        anyBelow |= below;
        guessesSeen += hit.guess.empty() ? 0 : 1;
        likelyGuessesSeen += !hit.guess.empty() && hit.probability >= threshold ? 1 : 0;
      }
      const auto notes = panel.findChildren<QLabel*>(QStringLiteral("belowThreshold"));
      QCOMPARE(notes.size(), anyBelow ? 1 : 0);
      if (anyBelow) {
        // The note names what the lower list holds: guesses when there are any.
        const bool anyLikely = !isBelow(expected.front());
        const bool anyGuess =
            std::any_of(expected.begin(), expected.end(),
                        [](const library::Hit& hit) { return !hit.guess.empty(); });
        const bool likelyGuess =
            std::any_of(expected.begin(), expected.end(), [&](const library::Hit& hit) {
              return !hit.guess.empty() && hit.probability >= threshold;
            });
        const QString note = notes.front()->text();
        const QString start = anyLikely ? (anyGuess ? QStringLiteral("Guesses, and less likely")
                                                    : QStringLiteral("Less likely"))
                                        : (likelyGuess ? QStringLiteral("Only guesses reach")
                                                       : QStringLiteral("No tag reaches"));
        QVERIFY2(note.startsWith(start), qPrintable(note));
      }
      songsWithTagsBelow += anyBelow ? 1 : 0;
      songsWithLikelyTags += !isBelow(expected.front()) ? 1 : 0;
      for (int i = 0; i < tags.size(); ++i) {
        // Each tag shows its calibrated probability, most probable first.
        const double probability = tags[i]->property("probability").toDouble();
        QCOMPARE(nameOf(tags[i]),
                 QString::fromStdString(expected[static_cast<std::size_t>(i)].name));
        QCOMPARE(probability,
                 static_cast<double>(expected[static_cast<std::size_t>(i)].probability));
        QVERIFY(probability >= 0 && probability <= 1);
        // Most probable first within each list.
        if (i > 0 && tags[i]->parentWidget() == tags[i - 1]->parentWidget())
          QVERIFY(probability <= tags[i - 1]->property("probability").toDouble());
        const bool owned = own.count(nameOf(tags[i]).toStdString()) > 0;
        QCOMPARE(tags[i]->property("marked").toBool(), owned);
        QCOMPARE(tags[i]->font().bold(), owned);
        markedSeen += owned ? 1 : 0;
      }
      // The "already in the file" legend shows only when some predicted tag carries the mark.
      bool legend = false;
      for (const QLabel* label : panel.findChildren<QLabel*>())
        legend |= label->text() == QStringLiteral("✓ already in the file");
      QCOMPARE(legend, std::any_of(tags.begin(), tags.end(), [](const QToolButton* tag) {
                 return tag->property("marked").toBool();
               }));
      // Similar songs never include the song itself.
      const QList<QToolButton*> similar = entries(panel, QStringLiteral("song:"));
      QCOMPARE(similar.size(), ui::InspectorPanel::kSimilarSongsShown);
      for (const QToolButton* button : similar) {
        QVERIFY(button->property("fileId").toLongLong() != song.fileId);
      }
      QCOMPARE(entries(panel, QStringLiteral("artist:")).size(),
               std::min(ui::InspectorPanel::kSimilarArtistsShown, testdata::kArtists));
    }
    // Genre/mood tags are learned from the files, so the model must recover some of them.
    QVERIFY2(markedSeen >= 60, qPrintable(QString::number(markedSeen)));
    // Ten tags a song, a few of them likely: both halves of the split are seen. This library's
    // second-album mood is carried only by songs of 6 min and more, so its shortest songs
    // (about 1 min) get it as a guess, and some of them at a likely probability.
    QVERIFY2(songsWithTagsBelow > 0 && songsWithLikelyTags > 0,
             qPrintable(QStringLiteral("%1 %2").arg(songsWithTagsBelow).arg(songsWithLikelyTags)));
    QVERIFY2(guessesSeen > 0 && likelyGuessesSeen > 0,
             qPrintable(QStringLiteral("%1 %2").arg(guessesSeen).arg(likelyGuessesSeen)));
    // Every bar draws a probability: tags, likely artists and similar songs alike.
    panel.showSong(fileIdOf(0, 0));
    const auto bars = panel.findChildren<ui::ScoreBar*>();
    QCOMPARE(bars.size(), static_cast<int>(entries(panel, QStringLiteral("tag:")).size() +
                                           entries(panel, QStringLiteral("song:")).size() +
                                           entries(panel, QStringLiteral("artist:")).size()));
    for (const ui::ScoreBar* bar : bars) {
      QCOMPARE(bar->range(), 1.0f);
      QCOMPARE(bar->fraction(), static_cast<double>(bar->score()));
    }
    QCOMPARE(ui::percentText(0.874f), QStringLiteral("87 %"));
    QCOMPARE(ui::percentText(0.001f), QStringLiteral("<1 %"));
    QCOMPARE(ui::percentText(0.999f), QStringLiteral(">99 %"));
    // A threshold keeps its tenth, as the auto-tag dialog's minimum confidence shows it: a tag
    // at 87.6 % reads "88 %" under "below 87.8 %", not under "below 88 %".
    QCOMPARE(ui::thresholdText(0.8776), QStringLiteral("87.8 %"));
    QCOMPARE(ui::thresholdText(0.5), QStringLiteral("50 %"));
    QCOMPARE(ui::thresholdText(0.54096), QStringLiteral("54.1 %"));
    QCOMPARE(ui::thresholdText(0.99999), QStringLiteral("100 %"));
    QCOMPARE(ui::thresholdText(-1.0), QStringLiteral("0 %"));
  }

  void clickingEntriesEmits() {
    ui::InspectorPanel panel;
    panel.resize(500, 900);
    panel.show();
    panel.setSnapshot(m_library.snapshot);
    const std::int64_t id = fileIdOf(2, 3);
    panel.showSong(id);
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy songs(&panel, &ui::InspectorPanel::songActivated);
    QSignalSpy artists(&panel, &ui::InspectorPanel::artistActivated);
    QSignalSpy tags(&panel, &ui::InspectorPanel::tagActivated);

    QToolButton* song = entries(panel, QStringLiteral("song:")).first();
    // Content rebuilt while the panel is on screen is visible at once (not one event later).
    QVERIFY(song->isVisible());
    const qint64 target = song->property("fileId").toLongLong();
    QTest::mouseClick(song, Qt::LeftButton);
    QCOMPARE(songs.count(), 1);
    QCOMPARE(songs.first().at(0).toLongLong(), target);
    // The main window reacts by showing the song: the clicked entry's panel is rebuilt safely.
    panel.showSong(target);
    QCOMPARE(panel.currentFileId(), target);
    QVERIFY(entries(panel, QStringLiteral("tag:")).first()->isVisible());

    QToolButton* artist = entries(panel, QStringLiteral("artist:")).first();
    QTest::mouseClick(artist, Qt::LeftButton);
    QCOMPARE(artists.count(), 1);
    QCOMPARE(artists.first().at(0).toString(), nameOf(artist));
    QVERIFY(!nameOf(artist).isEmpty());

    auto* header = panel.findChild<QToolButton*>(QStringLiteral("headerArtist"));
    QVERIFY(header);
    QTest::mouseClick(header, Qt::LeftButton);
    QCOMPARE(artists.count(), 2);
    QCOMPARE(artists.last().at(0).toString(),
             QString::fromStdString(m_library.snapshot->song(target)->artistName));

    QToolButton* tag = entries(panel, QStringLiteral("tag:")).first();
    QTest::mouseClick(tag, Qt::LeftButton);
    QCOMPARE(tags.count(), 1);
    QCOMPARE(tags.first().at(0).toString(), nameOf(tag));
  }

  void noModelShowsTrainState() {
    ui::InspectorPanel panel;
    panel.setSnapshot(m_untrained.snapshot);
    QVERIFY(!m_untrained.snapshot->hasModel());
    const core::SongRow& song = m_untrained.snapshot->songs.front();
    panel.showSong(song.fileId);
    QCOMPARE(panel.notice(), QStringLiteral("Train the model to see predictions"));
    QVERIFY(entries(panel, QStringLiteral("tag:")).isEmpty());
    // Metadata is still shown.
    bool titleShown = false, albumShown = false;
    for (const QLabel* label : panel.findChildren<QLabel*>()) {
      titleShown = titleShown || label->text() == QString::fromStdString(song.info.title);
      albumShown = albumShown || label->text() == QString::fromStdString(song.album);
    }
    QVERIFY(titleShown);
    QVERIFY(albumShown);
  }

  void failedFileShowsReason() {
    ui::InspectorPanel panel;
    panel.setSnapshot(m_library.snapshot);
    QCOMPARE(m_library.snapshot->failedFiles.size(), std::size_t{1});
    const core::FileRow& failed = m_library.snapshot->failedFiles.front();
    QCOMPARE(failed.failureReason, std::string(testdata::kFailedReason));
    panel.showFailedFile(QString::fromStdString(failed.path),
                         QString::fromStdString(failed.failureReason));
    QVERIFY2(panel.notice().contains(QString::fromLatin1(testdata::kFailedReason)),
             qPrintable(panel.notice()));
    QCOMPARE(panel.currentFileId(), std::int64_t{0});
    // Asking for the failed file by id shows the same.
    panel.clear();
    panel.showSong(failed.id);
    QVERIFY2(panel.notice().contains(QString::fromLatin1(testdata::kFailedReason)),
             qPrintable(panel.notice()));
  }

  void externalFileUsesEmbedding() {
    ui::InspectorPanel panel;
    panel.setSnapshot(m_library.snapshot);
    const library::ModelSession& model = *m_library.snapshot->model;
    // A song's own embedding, presented as an outside file: the similar songs are the model's
    // answer without any exclusion (the song itself may appear).
    const std::int64_t id = fileIdOf(4, 1);
    const Eigen::VectorXf embedding = *model.embeddingOfFile(id);
    panel.showExternalFile(QStringLiteral("/downloads/new song.ogg"), embedding);
    const auto songs = entries(panel, QStringLiteral("song:"));
    const auto expected = model.similarSongs(embedding, ui::InspectorPanel::kSimilarSongsShown);
    QCOMPARE(songs.size(), static_cast<int>(expected.size()));
    for (int i = 0; i < songs.size(); ++i) {
      QCOMPARE(songs[i]->property("fileId").toLongLong(),
               expected[static_cast<std::size_t>(i)].fileId);
    }
    QCOMPARE(nameOf(entries(panel, QStringLiteral("tag:")).first()),
             QString::fromStdString(model.predictTags(embedding, 1).front().name));
  }

  // The map names its regions by each song's most probable tag, computed at load: the same as the
  // inspector's first predicted tag, and handed to the map's points by the panel.
  void topTagsReachTheMap() {
    const library::ModelSession& model = *m_library.snapshot->model;
    QVERIFY(model.model().calibration.has_value());
    int songs = 0;
    for (const core::SongRow& song : m_library.snapshot->songs) {
      const auto embedding = model.embeddingOfFile(song.fileId);
      if (!embedding) continue;
      const library::ModelSession::TopTag top = model.topTagOfFile(song.fileId);
      const auto expected = model.predictTags(*embedding, 1);
      QCOMPARE(top.tag, expected.front().index);
      QVERIFY(std::abs(top.probability - expected.front().probability) < 1e-5f);
      ++songs;
    }
    QVERIFY(songs > 10);
    QCOMPARE(model.topTagOfFile(-7).tag, -1);
    ui::MapPanel panel;
    panel.setSnapshot(m_library.snapshot);
    panel.setMapLayout(std::make_shared<library::MapLayout>(library::pcaLayout(model)), false);
    const ui::MapScene& scene = panel.view()->scene();
    QCOMPARE(scene.regionTags().size(), static_cast<qsizetype>(model.model().tagNames.size()));
    QCOMPARE(scene.points().size(), model.songCount());
    for (const ui::MapPoint& point : scene.points()) {
      const library::ModelSession::TopTag top = model.topTagOfFile(point.id);
      if (model.noveltyOfFile(point.id).novel()) {  // tags are guesses: no region vote
        QCOMPARE(point.topTag, -1);
        continue;
      }
      QCOMPARE(point.topTag, top.tag);
      QCOMPARE(point.topTagProbability, top.probability);
      QVERIFY(point.topTag >= 0);
    }
    // Each landmark sits on a song it names: of the artist's songs, or of the songs labelled
    // with the tag, the one nearest to their median place.
    const core::JointModel& joint = model.model();
    const auto landmarksOnSongs = [&] {
      int placed = 0;
      for (const ui::MapLandmark& landmark : scene.landmarks()) {
        std::vector<QPointF> places;
        for (const ui::MapPoint& point : scene.points()) {
          const core::SongRow* song = m_library.snapshot->song(point.id);
          QVERIFY(song);
          bool named = false;
          if (landmark.kind == ui::MapLandmark::Artist) {
            named = song->artistName == joint.artistNames[std::size_t(landmark.id)];
          } else {
            for (const core::FileTag& tag : m_library.snapshot->tags.of(point.id))
              named = named || (tag.tag == joint.tagNames[std::size_t(landmark.id)] &&
                                tag.source != core::TagSource::Predicted && !tag.written);
          }
          if (named) places.push_back(point.pos);
        }
        if (places.empty()) continue;
        std::vector<double> xs, ys;
        for (const QPointF& place : places) {
          xs.push_back(place.x());
          ys.push_back(place.y());
        }
        std::sort(xs.begin(), xs.end());
        std::sort(ys.begin(), ys.end());
        const QPointF median(xs[xs.size() / 2], ys[ys.size() / 2]);
        double nearest = 1e300;
        for (const QPointF& place : places)
          nearest = std::min(nearest, QLineF(place, median).length());
        QVERIFY(std::find(places.begin(), places.end(), landmark.pos) != places.end());
        QVERIFY(std::abs(QLineF(landmark.pos, median).length() - nearest) < 1e-9);
        ++placed;
      }
      QCOMPARE(placed, testdata::kArtists + int(joint.tagNames.size()));
    };
    landmarksOnSongs();
    if (QTest::currentTestFailed()) return;
    // So does the refined layout's animation when it ends: it moved them to the layout's own
    // points for the artists and tags (a knot in the middle of the 13-song map).
    library::MapLayout refined = library::pcaLayout(model);
    refined.tsne = refined.initial;
    refined.tsne.col(0) *= -1.0f;
    refined.tsne.col(1) =
        0.5f * refined.tsne.col(1) + Eigen::VectorXf::Constant(refined.tsne.rows(), 0.3f);
    panel.setMapLayout(std::make_shared<library::MapLayout>(refined), true);
    QTRY_VERIFY(!panel.view()->isAnimating());
    QCOMPARE(scene.points().front().pos,
             QPointF(refined.tsne(0, 0), refined.tsne(0, 1)));  // the songs moved
    landmarksOnSongs();
    if (QTest::currentTestFailed()) return;
    // The map's search means what the table's does (ui/librarysearch.h): every word somewhere,
    // the file's name included. Each artist's "Song 7" is the file "07 track.mp3".
    panel.setHelpOnFirstUse(false);
    panel.show();
    panel.setSearchText(QStringLiteral("07 TRACK"));
    QSet<int> expected;
    for (const core::SongRow& song : m_library.snapshot->songs) {
      if (model.rowOfFile(song.fileId) >= 0 && song.path.find("/07 track.mp3") != std::string::npos)
        expected.insert(static_cast<int>(song.fileId));
    }
    QCOMPARE(expected.size(), testdata::kArtists);
    QCOMPARE(scene.highlighted(), expected);
    // Words in different fields: an artist's name and the file's.
    const QString artist = QString::fromUtf8(testdata::kArtistNames[2]);
    panel.setSearchText(artist.toUpper() + QStringLiteral("   07"));
    QCOMPARE(scene.highlighted().size(), 1);
  }

  void artistPage() {
    ui::ArtistPage page;
    page.setSnapshot(m_library.snapshot);
    const QString name = QString::fromUtf8(testdata::kArtistNames[3]);
    page.showArtist(name);
    QVERIFY(page.notice().isEmpty());
    const library::ModelSession& model = *m_library.snapshot->model;
    const auto expected = model.songsForArtist(name.toStdString(), ui::ArtistPage::kSongsShown);
    const QList<QToolButton*> songs = entries(page, QStringLiteral("song:"));
    QCOMPARE(songs.size(), static_cast<int>(expected.size()));
    int own = 0;
    for (int i = 0; i < songs.size(); ++i) {
      const qint64 id = songs[i]->property("fileId").toLongLong();
      QCOMPARE(id, expected[static_cast<std::size_t>(i)].fileId);
      const bool byArtist = m_library.snapshot->song(id)->artistName == name.toStdString();
      QCOMPARE(songs[i]->property("marked").toBool(), byArtist);
      own += byArtist ? 1 : 0;
    }
    // The artist's own songs are what the artist embedding was trained to rank first.
    QVERIFY2(own >= 7, qPrintable(QString::number(own)));
    const auto similar = entries(page, QStringLiteral("artist:"));
    QCOMPARE(similar.size(), testdata::kArtists - 1);
    for (const QToolButton* button : similar) QVERIFY(nameOf(button) != name);

    // Tag profile: T_tᵀ c_i (the centroid of the artist's songs), best first; the artist's genre
    // is among the top tags.
    const core::JointModel& joint = model.model();
    const int index = joint.artistIndex(name.toStdString());
    const Eigen::VectorXf scores =
        joint.T.transpose() * m_library.snapshot->discovery->artists.mean.col(index);
    const QList<QToolButton*> profile = entries(page, QStringLiteral("tag:"));
    QCOMPARE(profile.size(), std::min<int>(ui::ArtistPage::kProfileTagsShown,
                                           static_cast<int>(joint.tagNames.size())));
    for (int i = 0; i < profile.size(); ++i) {
      const int t = joint.tagIndex(nameOf(profile[i]).toStdString());
      QVERIFY(t >= 0);
      // An order of fit without a calibrated meaning: no probability, no bar.
      QVERIFY(!profile[i]->property("probability").isValid());
      if (i > 0) {
        QVERIFY(scores(t) <= scores(joint.tagIndex(nameOf(profile[i - 1]).toStdString())));
      }
    }
    // Every song of the artist carries its genre, half of them each mood: the genre leads.
    const QString genre = QString::fromUtf8(testdata::kGenres[3 % 3]).toLower();
    QCOMPARE(nameOf(profile.first()), genre);

    QSignalSpy artists(&page, &ui::ArtistPage::artistActivated);
    QSignalSpy tags(&page, &ui::ArtistPage::tagActivated);
    page.show();
    QTest::mouseClick(similar.first(), Qt::LeftButton);
    QCOMPARE(artists.count(), 1);
    QCOMPARE(artists.first().at(0).toString(), nameOf(similar.first()));
    QTest::mouseClick(profile.first(), Qt::LeftButton);
    QCOMPARE(tags.count(), 1);

    page.showArtist(QStringLiteral("Nobody At All"));
    QVERIFY(page.notice().contains(QStringLiteral("not an artist")));
    page.setSnapshot(m_untrained.snapshot);
    page.showArtist(name);
    QCOMPARE(page.notice(), QStringLiteral("Train the model to see predictions"));
    QCOMPARE(entries(page, QStringLiteral("song:")).size(), 10);  // the artist's own songs
  }

  // Issue 15: the tag page, the paper's "songs given a tag" query. A planted genre's songs come
  // first (✓ where the file carries the tag), in the model's order with their probabilities; the
  // related tags leave the tag out; the artists that play it lead; Play Mix and the links emit;
  // an unknown tag and an untrained library say what they can.
  void tagPage() {
    ui::TagPage page;
    QCOMPARE(page.notice(), QStringLiteral("Open a music folder to begin"));
    page.setSnapshot(m_library.snapshot);
    const QString tag = QString::fromUtf8(testdata::kGenres[1]).toLower();  // artists 1 and 4
    page.showTag(tag);
    QCOMPARE(page.currentTag(), tag);
    const library::ModelSession& model = *m_library.snapshot->model;
    const std::vector<library::Hit> expected = model.songsForTag(
        tag.toStdString(), ui::TagPage::kSongsShown, &m_library.snapshot->discovery->duplicates);
    const QList<QToolButton*> songs = entries(page, QStringLiteral("song:"));
    QCOMPARE(songs.size(), ui::TagPage::kSongsShown);
    QCOMPARE(songs.size(), static_cast<int>(expected.size()));
    const auto carries = [&](qint64 id) {
      const core::SongRow* song = m_library.snapshot->song(id);
      return song && (song->artistName == testdata::kArtistNames[1] ||
                      song->artistName == testdata::kArtistNames[4]);
    };
    int carriersFirst = 0;
    for (int i = 0; i < songs.size(); ++i) {
      const qint64 id = songs[i]->property("fileId").toLongLong();
      QCOMPARE(id, expected[static_cast<std::size_t>(i)].fileId);
      QCOMPARE(songs[i]->property("marked").toBool(), carries(id));
      if (i < 10 && carries(id)) ++carriersFirst;
      const bool calibrated = model.model().calibration.has_value();
      QCOMPARE(songs[i]->property("probability").isValid(), calibrated);
      if (calibrated && i > 0) {
        QVERIFY(songs[i]->property("probability").toDouble() <=
                songs[i - 1]->property("probability").toDouble());
      }
    }
    QVERIFY2(carriersFirst >= 8, qPrintable(QString::number(carriersFirst)));
    const QList<QToolButton*> related = entries(page, QStringLiteral("tag:"));
    QCOMPARE(related.size(), std::min<int>(ui::TagPage::kRelatedTagsShown,
                                           static_cast<int>(model.model().tagNames.size()) - 1));
    for (const QToolButton* button : related) QVERIFY(nameOf(button) != tag);
    const QList<QToolButton*> artists = entries(page, QStringLiteral("artist:"));
    QCOMPARE(artists.size(), testdata::kArtists);
    const QSet<QString> players{QString::fromUtf8(testdata::kArtistNames[1]),
                                QString::fromUtf8(testdata::kArtistNames[4])};
    QVERIFY2(players.contains(nameOf(artists[0])) && players.contains(nameOf(artists[1])),
             qPrintable(nameOf(artists[0]) + QStringLiteral(", ") + nameOf(artists[1])));

    QSignalSpy mixes(&page, &ui::BrowsePanel::mixRequested);
    QSignalSpy tags(&page, &ui::BrowsePanel::tagActivated);
    QSignalSpy shown(&page, &ui::BrowsePanel::artistActivated);
    page.show();
    auto* mix = page.findChild<QPushButton*>(QStringLiteral("playMix"));
    QVERIFY(mix);
    QTest::mouseClick(mix, Qt::LeftButton);
    QCOMPARE(mixes.count(), 1);
    const auto seed = mixes.first().at(0).value<ui::Location>();
    QCOMPARE(seed.kind, ui::Location::Tag);
    QCOMPARE(seed.name, tag);
    QTest::mouseClick(related.first(), Qt::LeftButton);
    QCOMPARE(tags.count(), 1);
    QCOMPARE(tags.first().at(0).toString(), nameOf(related.first()));
    QTest::mouseClick(artists.first(), Qt::LeftButton);
    QCOMPARE(shown.count(), 1);

    page.showTag(QStringLiteral("polka"));
    QCOMPARE(page.notice(), QStringLiteral("No song of this library carries the tag “polka”."));
    QVERIFY(entries(page, QStringLiteral("song:")).isEmpty());
    page.setSnapshot(m_untrained.snapshot);
    page.showTag(tag);
    QCOMPARE(page.notice(),
             QStringLiteral("Train the model to see which other songs fit this tag"));
    const QList<QToolButton*> own = entries(page, QStringLiteral("song:"));
    QCOMPARE(own.size(), 2 * testdata::kSongsPerArtist);
    for (const QToolButton* button : own) QVERIFY(button->property("marked").toBool());
  }

  // Issue 15, one song one entry: an exact copy of a song (same audio, another folder) is not a
  // second entry in any song list; the entry names the other file. Similar-song and
  // similar-artist entries say which tags make them alike. Adds a file to m_library.
  void copiesCollapseAndEntriesSayWhy() {
    const std::int64_t original = fileIdOf(2, 3);
    const std::int64_t copy = testdata::addCopyOfSong(m_library, original);
    QVERIFY2(copy != 0, qPrintable(m_library.error));
    const library::ModelSession& model = *m_library.snapshot->model;
    QVERIFY(model.rowOfFile(copy) >= 0);
    QCOMPARE(*model.embeddingOfFile(copy), *model.embeddingOfFile(original));
    const auto copyName =
        QFileInfo(QString::fromStdString(m_library.snapshot->song(copy)->path)).fileName();

    // A neighbour of both (the original among its five nearest): the original and its copy are
    // one entry there, which names the other file.
    std::int64_t neighbour = 0;
    for (int s = 0; s < testdata::kSongsPerArtist && neighbour == 0; ++s) {
      const std::int64_t id = fileIdOf(2, s);
      if (id == original) continue;
      for (const library::Hit& hit : model.similarSongs(*model.embeddingOfFile(id), 5, id))
        if (hit.fileId == original || hit.fileId == copy) neighbour = id;
    }
    QVERIFY(neighbour != 0);
    ui::InspectorPanel panel;
    panel.setSnapshot(m_library.snapshot);
    panel.showSong(neighbour);
    QSet<qint64> listed;
    int withBoth = 0, explained = 0;
    const core::JointModel& joint = model.model();
    const Eigen::VectorXf shown = *model.embeddingOfFile(neighbour);
    for (const QToolButton* button : entries(panel, QStringLiteral("song:"))) {
      const qint64 id = button->property("fileId").toLongLong();
      listed.insert(id);
      const QString detail = button->property("detail").toString();
      // Only tags both songs more likely have than not (calibrated), none that either lacks,
      // and only for a pair more likely related than not.
      const float pair = joint.calibration->pairProbability(
          shown.dot(model.songEmbeddings().col(model.rowOfFile(id))));
      if (pair < core::kWhyAlikeLeast)
        QVERIFY2(!detail.startsWith(QStringLiteral("alike in ")), qPrintable(detail));
      if (detail.startsWith(QStringLiteral("alike in "))) {
        ++explained;
        const QString tags = detail.section(QStringLiteral(" · "), 0, 0).mid(9);
        for (const QString& tag : tags.split(QStringLiteral(", "))) {
          const int t = joint.tagIndex(tag.toStdString());
          QVERIFY2(t >= 0, qPrintable(tag));
          const Eigen::VectorXf other = *model.embeddingOfFile(id);
          QVERIFY(joint.calibration->tagProbability(t, joint.T.col(t).dot(shown)) >= 0.5f);
          QVERIFY(joint.calibration->tagProbability(t, joint.T.col(t).dot(other)) >= 0.5f);
        }
      }
      if (id == original || id == copy) {
        ++withBoth;
        const QString other =
            id == original
                ? copyName
                : QFileInfo(QString::fromStdString(m_library.snapshot->song(original)->path))
                      .fileName();
        QVERIFY2(detail.contains(QStringLiteral("also as ") + other), qPrintable(detail));
      }
    }
    QCOMPARE(withBoth, 1);
    QVERIFY(explained > 0);
    QCOMPARE(listed.size(), entries(panel, QStringLiteral("song:")).size());
    // The copy's own similar songs leave out the original (the same song), not just itself.
    panel.showSong(copy);
    for (const QToolButton* button : entries(panel, QStringLiteral("song:")))
      QVERIFY(button->property("fileId").toLongLong() != original);
    // The song lists of the model session agree: without the groups both files are entries.
    const Eigen::VectorXf point = *model.embeddingOfFile(neighbour);
    const auto all = model.similarSongs(point, 100, neighbour);
    const auto distinct =
        model.similarSongs(point, 100, neighbour, &m_library.snapshot->discovery->duplicates);
    QCOMPARE(distinct.size() + 1, all.size());
    for (const library::Hit& hit : distinct) {
      if (hit.fileId == original) QCOMPARE(hit.alternatives, std::vector<std::int64_t>{copy});
      if (hit.fileId == copy) QCOMPARE(hit.alternatives, std::vector<std::int64_t>{original});
    }

    // Similar artists on the artist page, each with its reasons when the pair is more likely
    // related than not, none otherwise.
    ui::ArtistPage page;
    page.setSnapshot(m_library.snapshot);
    const QString first = QString::fromUtf8(testdata::kArtistNames[0]);
    page.showArtist(first);
    const QList<QToolButton*> artists = entries(page, QStringLiteral("artist:"));
    QVERIFY(!artists.isEmpty());
    std::map<QString, float> pairProbability;
    for (const library::Hit& hit : model.similarArtists(first.toStdString(), 100))
      pairProbability[QString::fromStdString(hit.name)] = hit.probability;
    int withReasons = 0;
    for (const QToolButton* button : artists) {
      const QString detail = button->property("detail").toString();
      QVERIFY(pairProbability.count(nameOf(button)));
      if (pairProbability[nameOf(button)] < core::kWhyAlikeLeast) {
        QVERIFY2(detail.isEmpty(), qPrintable(detail));
        continue;
      }
      QVERIFY2(detail.startsWith(QStringLiteral("alike in ")), qPrintable(detail));
      QCOMPARE(detail.count(QStringLiteral(", ")) + 1, core::kWhyAlikeTags.defaultValue);
      ++withReasons;
    }
    qInfo("similar artists with reasons: %d of %d", withReasons, int(artists.size()));
  }

  // Adds a song to m_library (only screenshots() follows). The inspector of a song unlike the
  // library gives the reason above its predictions and fades the tags and artists; an ordinary
  // song shows neither.
  void unlikeSongIsMarked() {
    const std::int64_t unlike = testdata::addUnlikeSong(m_library);
    QVERIFY2(unlike != 0, qPrintable(m_library.error));
    ui::InspectorPanel panel;
    panel.setSnapshot(m_library.snapshot);
    const auto tentativeLists = [&] {
      int count = 0;
      for (const auto* list : panel.findChildren<ui::HitList*>()) {
        // The tags below the display threshold, and the artists that are guesses by the song's
        // length, are a second list of the same section.
        count += list->property("tentative").toBool() &&
                         !list->property("belowThreshold").toBool() &&
                         !list->property("artistGuesses").toBool()
                     ? 1
                     : 0;
      }
      return count;
    };
    panel.showSong(unlike);
    QVERIFY2(panel.notice().startsWith(QStringLiteral("Unlike your library: its sound")),
             qPrintable(panel.notice()));
    QVERIFY(panel.notice().endsWith(QStringLiteral("are guesses.")));
    QVERIFY(!entries(panel, QStringLiteral("tag:")).isEmpty());  // still shown, and clickable
    QCOMPARE(tentativeLists(), 3);                               // tags, similar songs and artists
    // A door slam of a second is too short for every artist's songs: its artists are listed as
    // guesses, and that list is as tentative as the rest.
    int artistGuessLists = 0;
    for (const auto* list : panel.findChildren<ui::HitList*>()) {
      if (!list->property("artistGuesses").toBool()) continue;
      QVERIFY(list->property("tentative").toBool());
      ++artistGuessLists;
    }
    QCOMPARE(artistGuessLists, 1);
    QVERIFY(!entries(panel, QStringLiteral("song:")).isEmpty());
    // The door slam carries no tags, so nothing is marked and no legend explains a mark.
    for (const QLabel* label : panel.findChildren<QLabel*>())
      QVERIFY(label->text() != QStringLiteral("✓ already in the file"));
    panel.showSong(fileIdOf(1, 2));
    QVERIFY(!panel.notice().contains(QStringLiteral("nlike your library")));
    QCOMPARE(tentativeLists(), 0);
    // Where the door slam lies is a guess: it is no library song's similar song, however near.
    const library::ModelSession& session = *m_library.snapshot->model;
    for (const auto& song : m_library.snapshot->songs) {
      if (song.fileId == unlike || session.noveltyOfFile(song.fileId).novel()) continue;
      const auto point = session.embeddingOfFile(song.fileId);
      if (!point) continue;
      for (const library::Hit& hit : session.similarSongs(*point, session.songCount(), song.fileId))
        QVERIFY(hit.fileId != unlike);
    }
    const Eigen::VectorXf slam = *session.embeddingOfFile(unlike);
    const auto slamSimilar = session.similarSongs(slam, session.songCount(), unlike, nullptr,
                                                  core::NoveltyLevel::UnlikeLibrary);
    QCOMPARE(int(slamSimilar.size()), session.songCount() - 1);

    // A file from outside the library, with the reason its check gave.
    core::Novelty check;
    check.available = true;
    check.featureNovel = true;
    check.featureDistance = 3.5f;
    check.featureThreshold = 1.25f;
    check.neighbours = 5;
    check.percentile = 99;
    const Eigen::VectorXf beep = *m_library.snapshot->model->embeddingOfFile(unlike);
    panel.showExternalFile(QStringLiteral("/downloads/beep.wav"), beep, check);
    QVERIFY2(panel.notice().contains(QStringLiteral("Unlike your library: its sound is farther")),
             qPrintable(panel.notice()));
    QVERIFY(panel.notice().endsWith(
        QStringLiteral("tags, similar songs and artists below are guesses.")));
    QCOMPARE(tentativeLists(), 3);
    // Unlike only the songs the tags were learned from: its tags are guesses, its artists not.
    check.scope = core::NoveltyScope::TaggedSongs;
    panel.showExternalFile(QStringLiteral("/downloads/beep.wav"), beep, check);
    QVERIFY2(panel.notice().contains(QStringLiteral("Unlike your tagged songs: its sound is")),
             qPrintable(panel.notice()));
    QVERIFY(panel.notice().endsWith(QStringLiteral("Its predicted tags below are guesses.")));
    QCOMPARE(tentativeLists(), 1);
    // Compared within its kind, and no library song is of it: no similar song, and a note why.
    QVERIFY(entries(panel, QStringLiteral("song:")).isEmpty());
    bool saysWhy = false;
    for (const QLabel* label : panel.findChildren<QLabel*>())
      saysWhy = saysWhy || label->text().startsWith(QStringLiteral("No other song of its kind"));
    QVERIFY(saysWhy);

    // On the map the unlike song is hollow and names no region (its tags are guesses); the
    // library's ordinary songs keep their most probable tag.
    ui::MapPanel map;
    map.setSnapshot(m_library.snapshot);
    const library::ModelSession& model = *m_library.snapshot->model;
    map.setMapLayout(std::make_shared<library::MapLayout>(library::pcaLayout(model)), false);
    int voters = 0;
    for (const ui::MapPoint& point : map.view()->scene().points()) {
      const bool novel = model.noveltyOfFile(point.id).novel();
      QCOMPARE(point.topTag, novel ? -1 : model.topTagOfFile(point.id).tag);
      if (point.id == unlike) QVERIFY(novel && point.unlike && point.topTag == -1);
      voters += point.topTag >= 0 ? 1 : 0;
    }
    QVERIFY(voters > 10);
  }

  // A long entry in a narrow list gives way to its score: elided to the width it gets ("…"), the
  // whole text (an '&' shown as such) in its tooltip, and the bar and percentage whole beside it.
  void longEntriesElideToTheirWidth() {
    ui::HitList list;
    const QString longName =
        QStringLiteral("Rock & Roll Orchestra – An Overture Far Too Long For Any Narrow Panel");
    QToolButton* longEntry = list.addEntry(longName, QStringLiteral("song:1"), 0.42f);
    QToolButton* shortEntry = list.addEntry(QStringLiteral("Dub"), QStringLiteral("song:2"), 0.1f);
    list.resize(260, list.sizeHint().height());
    list.show();
    QVERIFY(QTest::qWaitForWindowExposed(&list));
    auto* link = qobject_cast<ui::LinkButton*>(longEntry);
    QVERIFY(link);
    QVERIFY(link->width() < link->sizeHint().width());
    QVERIFY2(link->shownText().endsWith(QStringLiteral("…")), qPrintable(link->shownText()));
    QVERIFY2(link->shownText().startsWith(QStringLiteral("Rock && Roll")),
             qPrintable(link->shownText()));
    QCOMPARE(link->toolTip(), longName);
    QCOMPARE(qobject_cast<ui::LinkButton*>(shortEntry)->shownText(), QStringLiteral("Dub"));
    // Entries start at the same x, elided or not.
    QCOMPARE(longEntry->x(), shortEntry->x());
    for (const QLabel* percent : list.findChildren<QLabel*>(QStringLiteral("percent"))) {
      QVERIFY(percent->x() >= link->x() + link->width());
      QVERIFY(percent->x() + percent->width() <= list.width());
      QVERIFY(percent->sizeHint().width() <= percent->width());
    }
    // Given room again, the whole text shows.
    list.resize(list.sizeHint().width() + 40, list.height());
    QTRY_COMPARE(link->shownText(), link->text());
  }

  // The display threshold is the user's to choose (Edit › Preferences): at 0 every predicted
  // tag is likely, above every probability none is, and the note says no tag reaches it.
  void displayThresholdIsAChoice() {
    ui::InspectorPanel panel;
    panel.setSnapshot(m_library.snapshot);
    const std::int64_t song = fileIdOf(2, 1);
    const auto belowLists = [&] {
      int count = 0;
      for (const auto* list : panel.findChildren<ui::HitList*>())
        count += list->property("belowThreshold").toBool() ? 1 : 0;
      return count;
    };
    panel.setPredictedTagThreshold(0.0);
    panel.showSong(song);
    QCOMPARE(panel.displayThreshold(), 0.0);
    QCOMPARE(belowLists(), 0);
    const int shown = static_cast<int>(entries(panel, QStringLiteral("tag:")).size());
    const library::ModelSession& model = *m_library.snapshot->model;
    QCOMPARE(shown,
             static_cast<int>(
                 model.predictTags(*model.embeddingOfFile(song), ui::InspectorPanel::kTagsShown)
                     .size()));
    QVERIFY(shown >= 3);
    panel.setPredictedTagThreshold(1.0);
    panel.showSong(song);
    QCOMPARE(belowLists(), 1);
    const auto notes = panel.findChildren<QLabel*>(QStringLiteral("belowThreshold"));
    QCOMPARE(notes.size(), 1);
    QVERIFY2(notes.front()->text().startsWith(QStringLiteral("No tag reaches")),
             qPrintable(notes.front()->text()));
    for (const QToolButton* tag : entries(panel, QStringLiteral("tag:")))
      QVERIFY(tag->parentWidget()->property("belowThreshold").toBool());
    QCOMPARE(static_cast<int>(entries(panel, QStringLiteral("tag:")).size()), shown);
    // Negative: auto-tag's threshold again.
    panel.setPredictedTagThreshold(-1);
    QCOMPARE(panel.displayThreshold(),
             static_cast<double>(m_library.snapshot->model->model().calibration->autoTagThreshold));
  }

  // A value Songspace's auto-tag wrote and the user has not accepted is in the file but is not
  // the user's: the inspector does not mark it ✓ among the predicted tags and says who wrote it,
  // there and in the song's Tags row. Runs after the tests that count marks: it changes the
  // shared catalog.
  void writtenValuesAreNotMarkedAsTheUsers() {
    const std::int64_t song = fileIdOf(3, 0);
    ui::InspectorPanel panel;
    panel.setSnapshot(m_library.snapshot);
    panel.showSong(song);
    // A predicted tag the file carries: marked as the user's, until it is a written value.
    QString tag;
    for (const QToolButton* button : entries(panel, QStringLiteral("tag:"))) {
      if (button->property("marked").toBool()) {
        tag = nameOf(button);
        break;
      }
    }
    QVERIFY(!tag.isEmpty());
    {
      base::Status status;
      auto catalog =
          core::Catalog::open(QFile::encodeName(m_library.catalogPath).toStdString(), &status);
      QVERIFY2(catalog, status.message.c_str());
      std::int64_t batch = 0, edit = 0;
      QVERIFY(catalog->createTagBatch(core::TagBatchKind::Apply, 0, "test", &batch).ok());
      core::TagEdit e;
      e.batchId = batch;
      e.fileId = song;
      e.path = m_library.snapshot->song(song)->path;
      e.field = "genre";
      e.oldValuesJson = "[]";
      e.newValuesJson = "[]";
      QVERIFY(catalog->journalEdit(e, &edit).ok());
      QVERIFY(catalog->markWritten(song, tag.toStdString(), edit).ok());
    }
    base::Status loaded;
    m_library.snapshot = library::LibrarySnapshot::load(m_library.catalogPath, &loaded);
    QVERIFY2(m_library.snapshot, loaded.message.c_str());
    panel.setSnapshot(m_library.snapshot);
    panel.showSong(song);
    auto* entry = panel.findChild<QToolButton*>(QStringLiteral("tag:") + tag);
    QVERIFY(entry);
    QVERIFY(!entry->property("marked").toBool());
    QVERIFY2(entry->property("detail").toString().contains(QStringLiteral("written by auto-tag")),
             qPrintable(entry->property("detail").toString()));
    const auto* own = panel.findChild<QLabel*>(QStringLiteral("ownTags"));
    QVERIFY(own);
    QVERIFY2(own->text().contains(QStringLiteral("written by auto-tag, not accepted")),
             qPrintable(own->text()));
  }

  // Colour by tag: a song's own tag, else its most probable predicted tag only when it reaches
  // the display threshold and the song is not unlike the library; else no colour key.
  // Six songs lose their own tags for the test (the model and its stored predictions stay), and
  // get them back at its end.
  void colourByTagUsesOnlyLikelyPredictions() {
    std::vector<std::pair<std::int64_t, std::string>> removed;
    const auto reload = [&] {
      base::Status loaded;
      m_library.snapshot = library::LibrarySnapshot::load(m_library.catalogPath, &loaded);
      return m_library.snapshot != nullptr;
    };
    {
      auto catalog = core::Catalog::open(QFile::encodeName(m_library.catalogPath).toStdString());
      QVERIFY(catalog);
      // Each artist's first two songs: the first (about a minute long) takes the second
      // album's mood, whose songs all last 6 min and more, only as a guess.
      for (int artist = 0; artist < 6; ++artist) {
        for (const int song : {0, 1}) {
          const std::int64_t id = fileIdOf(artist, song);
          for (const core::FileTag& tag : m_library.snapshot->tagsOf(id, core::TagSource::File)) {
            QVERIFY(catalog->removeTag(id, tag.tag, core::TagSource::File).ok());
            removed.emplace_back(id, tag.tag);
          }
        }
      }
    }
    QVERIFY(!removed.empty());
    QVERIFY(reload());
    const library::ModelSession& model = *m_library.snapshot->model;
    ui::MapPanel panel;
    panel.setSnapshot(m_library.snapshot);
    panel.setMapLayout(std::make_shared<library::MapLayout>(library::pcaLayout(model)), false);
    panel.setColorBy(ui::MapPanel::ByTag);
    const auto keyName = [&](const ui::MapPoint& point) {
      const auto& legend = panel.view()->scene().colorLegend();
      return point.colorKey >= 0 && point.colorKey < legend.size() ? legend[point.colorKey].first
                                                                   : QString();
    };
    const auto own = [&](std::int64_t id) {
      for (const core::FileTag& tag : m_library.snapshot->tags.of(id))
        if (tag.source != core::TagSource::Predicted) return true;
      return false;
    };
    const auto topPredicted = [&](std::int64_t id) {
      const core::FileTag* best = nullptr;
      for (const core::FileTag& tag : m_library.snapshot->tags.of(id)) {
        if (tag.source == core::TagSource::Predicted && (!best || tag.score > best->score))
          best = &tag;
      }
      return best;
    };
    int untagged = 0;
    int guessesLeftNeutral = 0;
    for (const double threshold : {0.0, -1.0, 1.0}) {
      panel.setPredictedTagThreshold(threshold);
      const double likely = panel.displayThreshold();
      QCOMPARE(likely, threshold >= 0
                           ? threshold
                           : static_cast<double>(model.model().calibration->autoTagThreshold));
      int coloured = 0;
      untagged = 0;
      for (const ui::MapPoint& point : panel.view()->scene().points()) {
        if (own(point.id)) {
          QVERIFY(point.colorKey >= 0);
          continue;
        }
        ++untagged;
        const core::FileTag* top = topPredicted(point.id);
        const bool guess =
            top && !model.tagGuessOfFile(point.id, model.model().tagIndex(top->tag)).empty();
        const bool expected =
            top && top->score >= likely && !model.noveltyOfFile(point.id).novel() && !guess;
        QCOMPARE(point.colorKey >= 0, expected);
        guessesLeftNeutral += top && top->score >= likely && guess ? 1 : 0;
        if (expected) QCOMPARE(keyName(point), QString::fromStdString(top->tag));
        coloured += expected ? 1 : 0;
      }
      if (threshold == 0.0) QVERIFY2(coloured > 0, qPrintable(QString::number(untagged)));
      if (threshold == 1.0) QCOMPARE(coloured, 0);
      // The neutral colour is named, last in the legend, whenever a song has it.
      const auto& legend = panel.view()->scene().colorLegend();
      QVERIFY(!legend.isEmpty());
      QCOMPARE(legend.back().first == QStringLiteral("no tag, none likely"), coloured < untagged);
    }
    QVERIFY(untagged >= 12);
    QCOMPARE(guessesLeftNeutral, 0);  // no top tag of theirs is a guess in this library
    // A model for which every tag is a guess for these songs (each tag's songs made to last a
    // day) leaves every untagged song neutral, even at a display threshold of 0.
    {
      const QString modelFile = library::modelPathForCatalog(m_library.catalogPath);
      const QString kept = modelFile + QStringLiteral(".kept");
      QFile::remove(kept);
      QVERIFY(QFile::copy(modelFile, kept));
      core::JointModel everyTagAGuess;
      QVERIFY(
          core::JointModel::load(QFile::encodeName(modelFile).toStdString(), everyTagAGuess).ok());
      everyTagAGuess.tagShortestSeconds.assign(static_cast<std::size_t>(everyTagAGuess.T.cols()),
                                               86400.0f);
      QVERIFY(everyTagAGuess.save(QFile::encodeName(modelFile).toStdString()).ok());
      QVERIFY(reload());
      ui::MapPanel guessed;
      guessed.setSnapshot(m_library.snapshot);
      guessed.setMapLayout(
          std::make_shared<library::MapLayout>(library::pcaLayout(*m_library.snapshot->model)),
          false);
      guessed.setColorBy(ui::MapPanel::ByTag);
      guessed.setPredictedTagThreshold(0.0);
      int neutral = 0;
      for (const ui::MapPoint& point : guessed.view()->scene().points()) {
        QCOMPARE(point.colorKey >= 0, own(point.id));
        neutral += point.colorKey < 0 ? 1 : 0;
      }
      QCOMPARE(neutral, untagged);
      QVERIFY(QFile::remove(modelFile));
      QVERIFY(QFile::rename(kept, modelFile));
    }
    {
      auto catalog = core::Catalog::open(QFile::encodeName(m_library.catalogPath).toStdString());
      QVERIFY(catalog);
      for (const auto& [id, tag] : removed)
        QVERIFY(catalog->addTag(id, tag, core::TagSource::File).ok());
    }
    QVERIFY(reload());
  }

  // An artist is a guess for a song far shorter than the songs it was learned from (design.md
  // §3.2 "Too short for the artist"): the inspector lists it after the others, faded under a
  // note, its reason as its detail, and the artist's page does not list the song. Here a model
  // whose artist-carrying songs are made to last a day: every artist is a guess for every song.
  void artistGuessesAreFaded() {
    const auto reload = [&] {
      base::Status loaded;
      m_library.snapshot = library::LibrarySnapshot::load(m_library.catalogPath, &loaded);
      return m_library.snapshot != nullptr;
    };
    const std::int64_t song = fileIdOf(2, 3);
    {
      // The trained model: no artist is a guess for the library's songs (a minute and more).
      ui::InspectorPanel panel;
      panel.setSnapshot(m_library.snapshot);
      panel.showSong(song);
      QVERIFY(panel.findChildren<QLabel*>(QStringLiteral("artistGuesses")).isEmpty());
      const QList<QToolButton*> artists = entries(panel, QStringLiteral("artist:"));
      QVERIFY(!artists.isEmpty());
      for (const QToolButton* artist : artists) {
        QVERIFY(!artist->parentWidget()->property("artistGuesses").toBool());
        QVERIFY(artist->parentWidget()->graphicsEffect() == nullptr);
      }
    }
    const QString modelFile = library::modelPathForCatalog(m_library.catalogPath);
    const QString kept = modelFile + QStringLiteral(".kept");
    QFile::remove(kept);
    QVERIFY(QFile::copy(modelFile, kept));
    core::JointModel everyArtistAGuess;
    QVERIFY(
        core::JointModel::load(QFile::encodeName(modelFile).toStdString(), everyArtistAGuess).ok());
    everyArtistAGuess.artistSongsShortestSeconds = 86400.0f;
    QVERIFY(everyArtistAGuess.save(QFile::encodeName(modelFile).toStdString()).ok());
    QVERIFY(reload());
    {
      ui::InspectorPanel panel;
      panel.setSnapshot(m_library.snapshot);
      panel.showSong(song);
      const auto notes = panel.findChildren<QLabel*>(QStringLiteral("artistGuesses"));
      QCOMPARE(notes.size(), 1);
      // One reason for all of them: said once, in the note, not under each artist.
      const QString note = notes.front()->text();
      QVERIFY2(note.startsWith(QStringLiteral("Every artist below is a guess: it is ")),
               qPrintable(note));
      QVERIFY2(note.contains(QStringLiteral("shorter than the songs your artists were learned from "
                                            "make familiar (at least 86400.00 s).")),
               qPrintable(note));
      const QList<QToolButton*> artists = entries(panel, QStringLiteral("artist:"));
      QCOMPARE(artists.size(),
               std::min<int>(ui::InspectorPanel::kSimilarArtistsShown,
                             static_cast<int>(m_library.snapshot->model->model().A.cols())));
      for (const QToolButton* artist : artists) {
        QVERIFY(artist->parentWidget()->property("artistGuesses").toBool());
        QVERIFY(artist->parentWidget()->graphicsEffect() != nullptr);
        QVERIFY(artist->property("detail").toString().isEmpty());
      }
      // The tags are not touched: their own tests decide.
      QVERIFY(panel.findChildren<QLabel*>(QStringLiteral("belowThreshold")).size() <= 1);
      // No song fits an artist that every song is too short for.
      ui::ArtistPage page;
      page.setSnapshot(m_library.snapshot);
      page.showArtist(QString::fromUtf8(testdata::kArtistNames[2]));
      QVERIFY(entries(page, QStringLiteral("song:")).isEmpty());
    }
    // Artists of their own length tests have reasons of their own: each guess says its own.
    {
      core::JointModel ownTests = everyArtistAGuess;
      ownTests.artistSongsShortestSeconds = 0;
      ownTests.artistShortestSeconds.assign(static_cast<std::size_t>(ownTests.A.cols()), 0.0f);
      ownTests.artistShortestSeconds[0] = 86400.0f;
      ownTests.artistShortestSeconds[1] = 43200.0f;
      QVERIFY(ownTests.save(QFile::encodeName(modelFile).toStdString()).ok());
      QVERIFY(reload());
      ui::InspectorPanel panel;
      panel.setSnapshot(m_library.snapshot);
      panel.showSong(song);
      const auto notes = panel.findChildren<QLabel*>(QStringLiteral("artistGuesses"));
      QCOMPARE(notes.size(), 1);
      QCOMPARE(notes.front()->text(), QStringLiteral("Guesses, too short to tell:"));
      int guesses = 0;
      for (const QToolButton* artist : entries(panel, QStringLiteral("artist:"))) {
        const bool guess = artist->parentWidget()->property("artistGuesses").toBool();
        const QString name = nameOf(artist);
        const core::JointModel& joint = m_library.snapshot->model->model();
        QCOMPARE(guess, name.toStdString() == joint.artistNames[0] ||
                            name.toStdString() == joint.artistNames[1]);
        QCOMPARE(artist->property("detail").toString().contains(
                     QStringLiteral("shorter than the songs by ") + name),
                 guess);
        guesses += guess ? 1 : 0;
      }
      QCOMPARE(guesses, 2);
      // Only the artists of those tests lose their songs from their pages.
      const core::JointModel& joint = m_library.snapshot->model->model();
      ui::ArtistPage page;
      page.setSnapshot(m_library.snapshot);
      page.showArtist(QString::fromStdString(joint.artistNames[0]));
      QVERIFY(entries(page, QStringLiteral("song:")).isEmpty());
      page.showArtist(QString::fromStdString(joint.artistNames[2]));
      QVERIFY(!entries(page, QStringLiteral("song:")).isEmpty());
    }
    QVERIFY(QFile::remove(modelFile));
    QVERIFY(QFile::rename(kept, modelFile));
    QVERIFY(reload());
  }

  void screenshots() {
    if (qEnvironmentVariableIsEmpty("SONGSPACE_SCREENSHOT_DIR")) QSKIP("screenshots not asked for");
    ui::InspectorPanel panel;
    panel.resize(460, 1000);
    panel.setSnapshot(m_library.snapshot);
    panel.showSong(fileIdOf(1, 2));
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    screenshot(panel, QStringLiteral("inspector.png"));
    panel.setSnapshot(m_untrained.snapshot);
    panel.showSong(m_untrained.snapshot->songs.front().fileId);
    screenshot(panel, QStringLiteral("inspector-untrained.png"));
    // Narrow, with a file from outside the library.
    panel.setSnapshot(m_library.snapshot);
    panel.resize(340, 600);
    panel.showExternalFile(QStringLiteral("/downloads/a rather long file name of a new song.ogg"),
                           *m_library.snapshot->model->embeddingOfFile(fileIdOf(5, 0)));
    QTest::qWait(10);
    screenshot(panel, QStringLiteral("inspector-external.png"));
    if (const std::int64_t unlike = fileIdOfPath("door slam.wav")) {
      panel.resize(460, 1000);
      panel.showSong(unlike);
      QTest::qWait(10);
      screenshot(panel, QStringLiteral("inspector-unlike.png"));
    }
    ui::ArtistPage page;
    page.resize(460, 1300);
    page.setSnapshot(m_library.snapshot);
    page.showArtist(QString::fromUtf8(testdata::kArtistNames[1]));
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    screenshot(page, QStringLiteral("artistpage.png"));
    ui::TagPage tags;
    tags.resize(460, 1300);
    tags.setSnapshot(m_library.snapshot);
    tags.showTag(QString::fromUtf8(testdata::kGenres[1]).toLower());
    tags.show();
    QVERIFY(QTest::qWaitForWindowExposed(&tags));
    screenshot(tags, QStringLiteral("tagpage.png"));
  }
  // Bad pictures are refused with a reason, good ones become thumbnails of at most
  // kThumbnailSide pixels a side.
  void coverDecoding_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QSize>("size");      // of the thumbnail; empty: refused
    QTest::addColumn<QString>("reason");  // a part of the reason
    const QByteArray jpeg = coverimages::encoded(Qt::red, 600, 300, "JPG");
    QTest::newRow("jpeg, scaled") << jpeg << QSize(256, 128) << QString();
    QTest::newRow("png, small") << coverimages::encoded(Qt::blue, 40, 50, "PNG") << QSize(40, 50)
                                << QString();
    QTest::newRow("truncated jpeg")
        << jpeg.left(jpeg.size() / 2) << QSize() << QStringLiteral("truncated JPEG");
    const QByteArray png = coverimages::encoded(Qt::blue, 300, 300, "PNG");
    QTest::newRow("truncated png")
        << png.left(png.size() - 40) << QSize() << QStringLiteral("truncated PNG");
    QTest::newRow("30000 × 30000 png") << coverimages::pngHeaderOnly(30000, 30000) << QSize()
                                       << QStringLiteral("declares 30000 × 30000 pixels");
    QTest::newRow("above the allocation limit") << coverimages::pngHeaderOnly(11000, 11000)
                                                << QSize() << QStringLiteral("461 MiB to decode");
    QTest::newRow("text") << QByteArray("<html>not a picture</html>\n") << QSize()
                          << QStringLiteral("not an image format");
    QTest::newRow("empty") << QByteArray() << QSize() << QStringLiteral("not an image format");
  }
  void coverDecoding() {
    QFETCH(QByteArray, bytes);
    QFETCH(QSize, size);
    QFETCH(QString, reason);
    QString whyNot;
    const QImage thumbnail = ui::CoverArtCache::decodeThumbnail(bytes, &whyNot);
    if (size.isEmpty()) {
      QVERIFY(thumbnail.isNull());
      QVERIFY2(whyNot.contains(reason), qPrintable(whyNot));
    } else {
      QVERIFY2(!thumbnail.isNull(), qPrintable(whyNot));
      QCOMPARE(thumbnail.size(), size);
    }
  }

  // The embedded picture before the folder image; a bad embedded picture falls back to the
  // folder image; a bad folder image leaves no cover; each ignored picture is logged once (the
  // cache remembers the answer on disk until the files change).
  void coverLookUp() {
    QTemporaryDir dir;
    QTemporaryDir cache;
    QVERIFY(dir.isValid() && cache.isValid());
    QDir(dir.path()).mkpath(QStringLiteral("a"));
    QDir(dir.path()).mkpath(QStringLiteral("b"));
    const QString embedded = dir.filePath(QStringLiteral("a/embedded.mp3"));
    const QString plain = dir.filePath(QStringLiteral("a/plain.mp3"));
    const QString badEmbedded = dir.filePath(QStringLiteral("a/bad.mp3"));
    QVERIFY(mp3WithPicture(embedded, coverimages::encoded(Qt::blue, 300, 300, "PNG")));
    QVERIFY(mp3WithPicture(badEmbedded, "GIF89a, or so it says"));
    QVERIFY(QFile::copy(songspace::test::testDataPath(QStringLiteral("tags/untagged.mp3")), plain));
    QVERIFY(coverimages::writeFile(dir.filePath(QStringLiteral("a/Folder.jpg")),
                                   coverimages::encoded(Qt::red, 500, 500, "JPG")));

    ui::CoverLookup found = ui::CoverArtCache::lookUp(embedded, cache.path());
    QCOMPARE(found.source, QStringLiteral("the embedded picture (ID3v2 APIC)"));
    QCOMPARE(found.thumbnail.size(), QSize(256, 256));
    QVERIFY(coverimages::near(coverimages::centre(found.thumbnail), Qt::blue));
    QVERIFY(QFileInfo(found.thumbnailFile).isFile());
    QCOMPARE(QFileInfo(found.thumbnailFile).absolutePath(), QDir(cache.path()).absolutePath());
    // The second time the thumbnail file answers.
    const ui::CoverLookup again = ui::CoverArtCache::lookUp(embedded, cache.path());
    QCOMPARE(again.source, QStringLiteral("cache"));
    QCOMPARE(again.thumbnailFile, found.thumbnailFile);
    QCOMPARE(again.thumbnail.pixelColor(128, 64), found.thumbnail.pixelColor(128, 64));

    found = ui::CoverArtCache::lookUp(plain, cache.path());
    QCOMPARE(found.source, dir.filePath(QStringLiteral("a/Folder.jpg")));
    QVERIFY(coverimages::near(coverimages::centre(found.thumbnail), Qt::red));
    QVERIFY(found.ignored.isEmpty());

    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("cover art of .*bad\\.mp3.* ignored: "
                                                           "the embedded picture \\(ID3v2 APIC\\): "
                                                           "the gif image declares no size")));
    found = ui::CoverArtCache::lookUp(badEmbedded, cache.path());
    QCOMPARE(found.ignored.size(), 1);
    QCOMPARE(found.source, dir.filePath(QStringLiteral("a/Folder.jpg")));

    // A text file named cover.jpg: no cover, a logged reason, once.
    const QString lonely = dir.filePath(QStringLiteral("b/song.mp3"));
    QVERIFY(
        QFile::copy(songspace::test::testDataPath(QStringLiteral("tags/untagged.mp3")), lonely));
    QVERIFY(coverimages::writeFile(dir.filePath(QStringLiteral("b/cover.jpg")),
                                   "this is not a JPEG\n"));
    QTest::ignoreMessage(
        QtWarningMsg, QRegularExpression(QStringLiteral("ignored: .*cover\\.jpg: not an image")));
    found = ui::CoverArtCache::lookUp(lonely, cache.path());
    QVERIFY(found.thumbnail.isNull());
    QVERIFY(found.thumbnailFile.isEmpty());
    QTest::failOnWarning(QRegularExpression(QStringLiteral("cover art")));
    found = ui::CoverArtCache::lookUp(lonely, cache.path());
    QVERIFY(found.thumbnail.isNull());
    QVERIFY(found.ignored.isEmpty());  // the .none marker answered
    // A new cover.png is a new state of the folder: looked up afresh, the bad cover.jpg (first by
    // name) ignored again, the next image taken.
    QVERIFY(coverimages::writeFile(dir.filePath(QStringLiteral("b/cover.png")),
                                   coverimages::encoded(Qt::green, 64, 64, "PNG")));
    QTest::ignoreMessage(
        QtWarningMsg, QRegularExpression(QStringLiteral("ignored: .*cover\\.jpg: not an image")));
    found = ui::CoverArtCache::lookUp(lonely, cache.path());
    QCOMPARE(found.source, dir.filePath(QStringLiteral("b/cover.png")));
  }

  // Off the GUI thread: cover() answers null at once, coverReady() follows, then cover() and
  // thumbnailFile() answer; a song without any cover is known and stays null.
  void coverArtCacheWorks() {
    QTemporaryDir dir;
    QTemporaryDir cache;
    const QString song = dir.filePath(QStringLiteral("song.mp3"));
    const QString other = dir.filePath(QStringLiteral("other/song.mp3"));
    QVERIFY(mp3WithPicture(song, coverimages::encoded(Qt::blue, 100, 80, "PNG")));
    QDir(dir.path()).mkpath(QStringLiteral("other"));
    QVERIFY(QFile::copy(songspace::test::testDataPath(QStringLiteral("tags/untagged.mp3")), other));
    ui::CoverArtCache covers(cache.path());
    QCOMPARE(covers.cacheFolder(), cache.path());
    QSignalSpy ready(&covers, &ui::CoverArtCache::coverReady);
    QVERIFY(covers.cover(song).isNull());
    QVERIFY(covers.cover(other).isNull());
    QVERIFY(!covers.isKnown(song));
    QTRY_COMPARE(ready.count(), 2);
    QCOMPARE(ready.at(0).at(0).toString(), song);
    QVERIFY(covers.isKnown(song) && covers.isKnown(other));
    QCOMPARE(covers.cover(song).size(), QSize(100, 80));
    QVERIFY(QFileInfo(covers.thumbnailFile(song)).isFile());
    QVERIFY(covers.cover(other).isNull());
    QVERIFY(covers.thumbnailFile(other).isEmpty());
    QTest::qWait(20);
    QCOMPARE(ready.count(), 2);  // nothing is looked up twice
    QVERIFY(ui::CoverArtCache::defaultFolder().endsWith(QStringLiteral("/covers")));
  }

  // The inspector shows the selected song's cover beside its title, the artist page a cover per
  // album; the placeholder first, the cover when it arrives.
  void inspectorAndArtistPageShowCovers() {
    QTemporaryDir cache;
    ui::CoverArtCache covers(cache.path());
    const std::int64_t fileId = fileIdOf(1, 0);
    const QString path = QString::fromStdString(m_library.snapshot->song(fileId)->path);
    const QString album = QFileInfo(path).absolutePath();
    QVERIFY(QDir().mkpath(album));
    QVERIFY(coverimages::writeFile(QDir(album).filePath(QStringLiteral("cover.png")),
                                   coverimages::encoded(QColor(200, 120, 0), 300, 300, "PNG")));

    ui::InspectorPanel panel;
    panel.setSnapshot(m_library.snapshot);
    panel.showSong(fileId);
    QVERIFY(panel.findChild<QLabel*>(QStringLiteral("cover")) == nullptr);  // no cache, no cover
    panel.setCoverArt(&covers);
    panel.showSong(fileId);
    const auto* cover = panel.findChild<QLabel*>(QStringLiteral("cover"));
    QVERIFY(cover != nullptr);
    QCOMPARE(cover->size(), QSize(ui::InspectorPanel::kCoverSide, ui::InspectorPanel::kCoverSide));
    QVERIFY(!coverimages::near(labelColour(cover), QColor(200, 120, 0)));  // the placeholder
    QTRY_VERIFY(coverimages::near(labelColour(cover), QColor(200, 120, 0)));

    ui::ArtistPage page;
    page.setCoverArt(&covers);
    page.setSnapshot(m_library.snapshot);
    page.showArtist(QString::fromUtf8(testdata::kArtistNames[1]));
    const QList<QLabel*> albums = page.findChildren<QLabel*>(QStringLiteral("cover"));
    QCOMPARE(albums.size(), 2);  // each artist has two albums
    QStringList names;
    for (const QLabel* label : albums) names << label->toolTip();
    QVERIFY2(names.contains(QString::fromUtf8(testdata::kArtistNames[1]) + QStringLiteral(" I")),
             qPrintable(names.join(u',')));
    // The first album's cover arrives; the second (no image anywhere) keeps the placeholder.
    QTRY_VERIFY(coverimages::near(labelColour(albums.at(0)), QColor(200, 120, 0)));
    QTRY_VERIFY(
        covers.isKnown(QString::fromStdString(m_library.snapshot->song(fileIdOf(1, 5))->path)));
    QVERIFY(!coverimages::near(labelColour(albums.at(1)), QColor(200, 120, 0)));
  }
  // The cache folder is trimmed to its budget, least recently used first; a thumbnail read from
  // it counts as used.
  void coverCacheFolderIsTrimmed() {
    QTemporaryDir cache;
    const QDir dir(cache.path());
    const QDateTime now = QDateTime::currentDateTime();
    const QStringList names = {QStringLiteral("a.png"), QStringLiteral("b.none"),
                               QStringLiteral("c.png"), QStringLiteral("d.png")};
    for (int i = 0; i < names.size(); ++i) {
      QFile file(dir.filePath(names[i]));
      QVERIFY(file.open(QIODevice::WriteOnly));
      QCOMPARE(file.write(QByteArray(1000, 'x')), 1000);
      QVERIFY(file.setFileTime(now.addDays(i - 10), QFileDevice::FileModificationTime));
    }
    QVERIFY(
        coverimages::writeFile(dir.filePath(QStringLiteral("notes.txt")), QByteArray(5000, 'n')));
    QCOMPARE(ui::CoverArtCache::pruneFolder(cache.path(), 4000), 0);  // within the budget
    QCOMPARE(ui::CoverArtCache::pruneFolder(cache.path(), 2500), 2);
    QCOMPARE(dir.entryList(QDir::Files),
             (QStringList{QStringLiteral("c.png"), QStringLiteral("d.png"),
                          QStringLiteral("notes.txt")}));

    QTemporaryDir music;
    const QString song = music.filePath(QStringLiteral("song.mp3"));
    QVERIFY(mp3WithPicture(song, coverimages::encoded(Qt::blue, 40, 40, "PNG")));
    const QString thumbnail = ui::CoverArtCache::lookUp(song, cache.path()).thumbnailFile;
    QFile file(thumbnail);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(now.addDays(-30), QFileDevice::FileModificationTime));
    file.close();
    QCOMPARE(ui::CoverArtCache::lookUp(song, cache.path()).source, QStringLiteral("cache"));
    QVERIFY(QFileInfo(thumbnail).lastModified() > now.addSecs(-60));
  }
};

QTEST_MAIN(InspectorTest)
#include "tst_inspector.moc"
