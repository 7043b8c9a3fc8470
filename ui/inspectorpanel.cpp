#include "ui/inspectorpanel.h"

#include <algorithm>

#include <QFileInfo>
#include <QFormLayout>
#include <QGraphicsOpacityEffect>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStringList>
#include <QStyle>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>
#include <set>
#include <string>

#include "ui/hitlist.h"
#include "ui/librarytablemodel.h"

namespace songspace::ui {

namespace {

// Lets a long path or file name wrap after its separators without changing what the user reads
// (a zero-width space after each), so it never widens the panel.
QString wrappablePath(const QString& path) {
  QString out;
  out.reserve(path.size() + path.size() / 4);
  for (const QChar c : path) {
    out += c;
    if (c == u'/' || c == u'_' || c == u'-' || c == u'.') out += QChar(0x200B);
  }
  return out;
}

QLabel* valueLabel(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  label->setWordWrap(true);
  label->setTextFormat(Qt::PlainText);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

QString joined(const std::vector<std::string>& parts) {
  QStringList list;
  for (const std::string& part : parts) list << QString::fromStdString(part);
  return list.join(QStringLiteral(", "));
}

// Predictions for a song unlike the library are shown faded: readable, clickable, never looking
// confident (the opacity blends with the background, so it reads the same in a dark theme).
constexpr qreal kTentativeOpacity = 0.45;

void fade(QWidget* list) {
  auto* effect = new QGraphicsOpacityEffect(list);
  effect->setOpacity(kTentativeOpacity);
  list->setGraphicsEffect(effect);
}

void showAsTentative(QWidget* list) {
  fade(list);
  list->setProperty("tentative", true);
}

}  // namespace

InspectorPanel::InspectorPanel(QWidget* parent) : BrowsePanel(parent) {
  clear();
}

void InspectorPanel::setSnapshot(std::shared_ptr<const library::LibrarySnapshot> snapshot) {
  setSnapshotPointer(std::move(snapshot));
  const std::int64_t shown = m_fileId;
  if (shown != 0 && this->snapshot()) {
    showSong(shown);
  } else {
    clear();
  }
}

bool InspectorPanel::showNoLibrary() {
  if (snapshot()) return false;
  showEmptyState(tr("Open a music folder to begin"));
  return true;
}

void InspectorPanel::clear() {
  m_fileId = 0;
  if (showNoLibrary()) return;
  showEmptyState(snapshot()->songs.empty() ? tr("No analysed songs yet. Scan a music folder.")
                                           : tr("Select a song to inspect it"));
}

void InspectorPanel::showSong(std::int64_t fileId) {
  m_fileId = 0;
  if (showNoLibrary()) return;
  const core::SongRow* song = snapshot()->song(fileId);
  if (!song) {
    showEmptyState(tr("This song is not in the library (id %1).").arg(fileId));
    return;
  }
  if (song->state == core::FileState::Failed) {
    for (const core::FileRow& failed : snapshot()->failedFiles) {
      if (failed.id == fileId) {
        showFailedFile(QString::fromStdString(failed.path),
                       QString::fromStdString(failed.failureReason));
        return;
      }
    }
  }
  m_fileId = fileId;
  QVBoxLayout* layout = beginContent();
  QWidget* content = layout->parentWidget();
  const QString path = QString::fromStdString(song->path);
  const core::TrackInfo& info = song->info;
  // The cover, when there is a cover cache, beside the title and artist.
  QVBoxLayout* header = layout;
  if (QLabel* cover = makeCoverLabel(path, kCoverSide, content)) {
    auto* row = new QHBoxLayout;
    row->addWidget(cover, 0, Qt::AlignTop);
    header = new QVBoxLayout;
    row->addLayout(header, 1);
    layout->addLayout(row);
  }
  header->addWidget(makeTitleLabel(info.title.empty() ? wrappablePath(QFileInfo(path).fileName())
                                                      : QString::fromStdString(info.title),
                                   content));
  if (!song->artistName.empty()) {
    const QString artist = QString::fromStdString(song->artistName);
    // A link button like every other entry: elided with "…" when the panel is narrow (a wrapped
    // QLabel broke long names at a hyphen and cut the rest), reached by Tab, opened by Enter.
    QToolButton* link = makeLinkButton(artist, QStringLiteral("headerArtist"), content);
    QFont font = link->font();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    link->setFont(font);
    connect(link, &QToolButton::clicked, this, [this, artist] { Q_EMIT artistActivated(artist); });
    header->addWidget(link, 0, Qt::AlignLeft);
  }
  // Below the cover row, not beside the cover: at 1024×700 the panel has no room for a cover and
  // two buttons side by side.
  auto* buttons = new QHBoxLayout;
  layout->addLayout(buttons);
  addPlayButton(buttons, [this, fileId] {
    Q_EMIT songPlayRequested(static_cast<qint64>(fileId), QueuePlacement::PlayNow);
  });
  if (snapshot()->hasModel() && snapshot()->model->rowOfFile(fileId) >= 0) {
    addMixButton(buttons, {Location::Song, static_cast<qint64>(fileId), {}});
    addPathButton(buttons, fileId);
  }
  buttons->addStretch(1);
  if (header != layout) header->addStretch(1);  // the title block stays at the cover's top

  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
  const auto addRow = [&](const QString& name, const QString& value) {
    if (value.isEmpty()) return;
    auto* label = new QLabel(name, content);
    label->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(label, valueLabel(value, content));
  };
  addRow(tr("Album"), QString::fromStdString(song->album.empty() ? info.album : song->album));
  addRow(tr("Year"), info.year > 0 ? QString::number(info.year) : QString());
  addRow(tr("Genre"), joined(info.genres));
  addRow(tr("Duration"), LibraryTableModel::formatDuration(info.durationSeconds));
  QStringList warnings;
  for (const std::string& warning : song->warnings) warnings << QString::fromStdString(warning);
  addRow(tr("Warnings"), warnings.join(u'\n'));
  // The file's and the user's tags, and apart from them the values Songspace's auto-tag wrote
  // into the file that the user has not accepted: in the file, but never learned from
  // (core::FileTag::written), so never marked as the user's own.
  std::set<std::string> owned;
  std::set<std::string> written;
  QStringList ownedNames;
  for (const core::TagSource source : {core::TagSource::User, core::TagSource::File}) {
    for (const core::FileTag& tag : snapshot()->tagsOf(fileId, source)) {
      if (owned.count(tag.tag) || written.count(tag.tag)) continue;
      (tag.written ? written : owned).insert(tag.tag);
      ownedNames << QString::fromStdString(tag.tag);
    }
  }
  if (!ownedNames.isEmpty()) {
    // Each tag a link to its tag page (mouse or Tab + Enter); a written one says so after it.
    QStringList links;
    for (const QString& name : ownedNames) {
      QString link =
          QStringLiteral("<a href=\"%1\">%2</a>")
              .arg(QString::fromLatin1(QUrl::toPercentEncoding(name)), name.toHtmlEscaped());
      if (written.count(name.toStdString()))
        link += QStringLiteral(" <i>(%1)</i>").arg(tr("written by auto-tag, not accepted"));
      links << link;
    }
    auto* label = new QLabel(tr("Tags"), content);
    label->setForegroundRole(QPalette::PlaceholderText);
    auto* value = new QLabel(links.join(QStringLiteral(", ")), content);
    value->setObjectName(QStringLiteral("ownTags"));
    value->setTextFormat(Qt::RichText);
    value->setWordWrap(true);
    value->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    connect(value, &QLabel::linkActivated, this, [this](const QString& href) {
      Q_EMIT tagActivated(QUrl::fromPercentEncoding(href.toLatin1()));
    });
    form->addRow(label, value);
  }
  addRow(tr("File"), wrappablePath(path));
  layout->addSpacing(fontMetrics().height() / 2);
  layout->addLayout(form);

  if (!snapshot()->hasModel()) {
    addNotice(layout, snapshot()->modelStatus.ok()
                          ? tr("Train the model to see predictions")
                          : tr("Train the model to see predictions (the stored model could not "
                               "be loaded: %1)")
                                .arg(QString::fromStdString(snapshot()->modelStatus.message)));
  } else if (const auto embedding = snapshot()->model->embeddingOfFile(fileId)) {
    const library::ModelSession& model = *snapshot()->model;
    addUncalibratedNotice(layout);
    const core::Novelty novelty = model.noveltyOfFile(fileId);
    const bool unlike = addUnlikeNotice(layout, novelty);
    addPredictedTags(layout, model.predictTags(*embedding, kTagsShown, model.lengthOfFile(fileId)),
                     owned, written, unlike);
    addPredictions(layout, *embedding, fileId, novelty);
  } else {
    addNotice(layout, tr("This song was analysed after the model was trained. Train again to "
                         "see its predictions."));
  }
  endContent();
}

void InspectorPanel::showExternalFile(const QString& path, const Eigen::VectorXf& embedding,
                                      const core::Novelty& novelty) {
  m_fileId = 0;
  QVBoxLayout* layout = beginContent();
  QWidget* content = layout->parentWidget();
  layout->addWidget(makeTitleLabel(wrappablePath(QFileInfo(path).fileName()), content));
  layout->addWidget(makeNoteLabel(wrappablePath(path), content));
  addPlayButton(layout, [this, path] { Q_EMIT filePlayRequested(path); });
  const bool usable = snapshot() && snapshot()->hasModel() &&
                      embedding.size() == snapshot()->model->model().dimension();
  if (!usable) {
    addNotice(layout, tr("Train the model to see predictions"));
    endContent();
    return;
  }
  addNotice(layout, tr("Not in the library: placed in the space by its sound alone."));
  addUncalibratedNotice(layout);
  const bool unlike = addUnlikeNotice(layout, novelty);
  addPredictedTags(layout,
                   snapshot()->model->predictTags(embedding, kTagsShown, novelty.durationSeconds),
                   {}, {}, unlike);
  addPredictions(layout, embedding, 0, novelty);
  endContent();
}

double InspectorPanel::displayThreshold() const {
  return predictedTagDisplayThreshold(snapshot().get(), m_predictedTagThreshold).value_or(0.0);
}

void InspectorPanel::addPredictedTags(QVBoxLayout* layout, std::vector<library::Hit> hits,
                                      const std::set<std::string>& owned,
                                      const std::set<std::string>& written, bool unlike) {
  // With calibrated probabilities the list splits at the display threshold: the tags the table
  // shows and auto-tag may propose, then the less likely ones and the guesses (Hit::guess: a tag
  // whose songs are all far longer than this one), faded under a note that says so.
  const double threshold = displayThreshold();
  const auto likely = [&](const library::Hit& hit) {
    return hit.guess.empty() && (hit.probability < 0 || hit.probability >= threshold);
  };
  std::stable_partition(hits.begin(), hits.end(), likely);
  const bool guesses = std::any_of(hits.begin(), hits.end(),
                                   [](const library::Hit& hit) { return !hit.guess.empty(); });
  const bool likelyGuesses = std::any_of(hits.begin(), hits.end(), [&](const library::Hit& hit) {
    return !hit.guess.empty() && hit.probability >= threshold;
  });
  // The legend only where a mark needs it: some predicted tag the file or the user has.
  const bool anyOwned = std::any_of(
      hits.begin(), hits.end(), [&](const library::Hit& hit) { return owned.count(hit.name) > 0; });
  HitList* list =
      addSection(layout, tr("Predicted tags"), anyOwned ? tr("✓ already in the file") : QString());
  const QString writtenDetail =
      tr("in the file, written by auto-tag; not learned from until you accept it");
  const QString thresholdShown = thresholdText(threshold);
  bool below = false;
  for (const library::Hit& hit : hits) {
    if (!below && !likely(hit)) {
      below = true;
      if (unlike) showAsTentative(list);
      QString text;
      if (list->count() == 0) {
        text = likelyGuesses
                   ? tr("Only guesses reach %1, the threshold of the table's predicted tags "
                        "and of auto-tag. Guesses and less likely tags:")
                   : tr("No tag reaches %1, the threshold of the table's predicted tags and "
                        "of auto-tag. Less likely:");
      } else {
        text = guesses ? tr("Guesses, and less likely (below %1):") : tr("Less likely (below %1):");
      }
      auto* note = makeNoteLabel(text.arg(thresholdShown), layout->parentWidget());
      note->setObjectName(QStringLiteral("belowThreshold"));
      layout->addWidget(note);
      list = new HitList(layout->parentWidget());
      list->setProperty("belowThreshold", true);
      layout->addWidget(list);
      fade(list);  // readable and clickable, never looking as likely as those above
    }
    QStringList details;
    if (!hit.guess.empty()) details << QString::fromStdString(hit.guess);
    if (written.count(hit.name) > 0) details << writtenDetail;
    addTagEntry(list, QString::fromStdString(hit.name), probabilityOf(hit),
                owned.count(hit.name) > 0, details.join(QStringLiteral("; ")));
  }
  if (unlike) list->setProperty("tentative", true);
  if (unlike && !below) fade(list);
}

bool InspectorPanel::addUnlikeNotice(QVBoxLayout* layout, const core::Novelty& novelty) {
  if (!novelty.novel()) return false;
  QString reason = QString::fromStdString(novelty.reason());
  reason[0] = reason[0].toUpper();
  addNotice(layout, novelty.scope == core::NoveltyScope::TaggedSongs
                        ? tr("%1. Its predicted tags below are guesses.").arg(reason)
                        : tr("%1. Its predicted tags, similar songs and artists below are "
                             "guesses.")
                              .arg(reason));
  return true;
}

void InspectorPanel::addPredictions(QVBoxLayout* layout, const Eigen::VectorXf& embedding,
                                    std::int64_t excludeFileId, const core::Novelty& novelty) {
  const library::ModelSession& model = *snapshot()->model;
  auto* songs = addSection(layout, tr("Similar songs"));
  // One entry per song (copies and near-duplicates collapsed), each with the tags that make it
  // alike to this one; none more unlike the library than this song.
  for (const library::Hit& hit : model.similarSongs(embedding, kSimilarSongsShown, excludeFileId,
                                                    duplicates(), novelty.level())) {
    if (hit.fileId == excludeFileId) continue;
    addSongEntry(
        songs, hit.fileId, probabilityOf(hit), false,
        likenessDetail(model.whyAlikeSongs(embedding, novelty, hit.index), hit.alternatives));
  }
  // Compared within its kind, a song unlike the tagged songs alone of its kind has none.
  if (songs->count() == 0 && novelty.level() == core::NoveltyLevel::UnlikeTaggedSongs) {
    layout->addWidget(makeNoteLabel(tr("No other song of its kind: a song unlike your tagged "
                                       "songs is compared only with songs like it."),
                                    layout->parentWidget()));
  }
  // An artist whose songs all last far longer than this one (Hit::guess) is a guess whatever its
  // probability: it goes after the others, faded under a note, its reason as its detail.
  std::vector<library::Hit> artistHits =
      model.predictArtists(embedding, kSimilarArtistsShown, novelty.durationSeconds);
  std::stable_partition(artistHits.begin(), artistHits.end(),
                        [](const library::Hit& hit) { return hit.guess.empty(); });
  // One reason for every guess (the artist-carrying songs' length decided): said once, in the
  // note, rather than under each artist.
  const auto firstGuess = std::find_if(artistHits.begin(), artistHits.end(),
                                       [](const library::Hit& hit) { return !hit.guess.empty(); });
  const bool oneReason = firstGuess != artistHits.end() &&
                         std::all_of(firstGuess, artistHits.end(), [&](const library::Hit& hit) {
                           return hit.guess == firstGuess->guess;
                         });
  auto* artists = addSection(layout, tr("Likely artists"));
  HitList* list = artists;
  for (const library::Hit& hit : artistHits) {
    if (!hit.guess.empty() && list == artists) {
      QString text;
      if (oneReason) {
        // "a guess: it is 1.96 s long, …" → "Every artist below is a guess: it is 1.96 s long, …"
        QString why = QString::fromStdString(hit.guess);
        why = why.mid(why.indexOf(QLatin1Char(':')));
        text = artists->count() == 0 ? tr("Every artist below is a guess%1.").arg(why)
                                     : tr("The artists below are guesses%1.").arg(why);
      } else {
        text = artists->count() == 0 ? tr("Too short to tell: every artist below is a guess.")
                                     : tr("Guesses, too short to tell:");
      }
      auto* note = makeNoteLabel(text, layout->parentWidget());
      note->setObjectName(QStringLiteral("artistGuesses"));
      layout->addWidget(note);
      list = new HitList(layout->parentWidget());
      list->setProperty("artistGuesses", true);
      layout->addWidget(list);
      fade(list);
    }
    addArtistEntry(list, QString::fromStdString(hit.name), probabilityOf(hit),
                   oneReason ? QString() : QString::fromStdString(hit.guess));
  }
  // Unlike the library: where it lies is a guess, and so are its neighbours and its artist.
  if (novelty.unlikeLibrary()) {
    showAsTentative(songs);
    showAsTentative(artists);
    if (list != artists) showAsTentative(list);
  }
}

void InspectorPanel::addPlayButton(QBoxLayout* layout, const std::function<void()>& play) {
  auto* button = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Play"),
                                 layout->parentWidget());
  button->setObjectName(QStringLiteral("playSong"));
  button->setToolTip(tr("Play this song (what is shown does not change)"));
  connect(button, &QPushButton::clicked, this, play);
  layout->addWidget(button, 0, Qt::AlignLeft);
}

void InspectorPanel::showFailedFile(const QString& path, const QString& reason) {
  m_fileId = 0;
  QVBoxLayout* layout = beginContent();
  QWidget* content = layout->parentWidget();
  layout->addWidget(makeTitleLabel(wrappablePath(QFileInfo(path).fileName()), content));
  layout->addWidget(makeNoteLabel(wrappablePath(path), content));
  addNotice(layout, tr("This file could not be analysed: %1").arg(reason));
  endContent();
}

}  // namespace songspace::ui
