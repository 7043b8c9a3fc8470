#include "ui/autotagdialog.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <algorithm>
#include <cmath>
#include <span>

#include "core/catalog/catalog.h"
#include "core/library/modelsession.h"
#include "core/library/opencatalog.h"
#include "ui/autotagmodel.h"
#include "ui/hitlist.h"
#include "ui/settingskeys.h"

namespace songspace::ui {

namespace {

using audio::TagField;
constexpr TagField kFields[] = {TagField::Genre, TagField::Mood, TagField::Grouping, TagField::Tags,
                                TagField::Comment};

// The dialog works on a library that is open in the window: never create one.
std::unique_ptr<core::Catalog> openCatalog(const QString& path, base::Status* status) {
  return library::openCatalog(path, library::CatalogOpenMode::MustExist, status);
}

// Worker: proposals in chunks so a newer parameter set (or closing) cancels a long run quickly.
void computeProposals(QPromise<ProposalRun>& promise, const QString& catalogPath,
                      const std::shared_ptr<const library::LibrarySnapshot>& snapshot,
                      std::vector<std::int64_t> ids, const library::AutotagParams& params) {
  ProposalRun run;
  base::Status opened;
  auto catalog = openCatalog(catalogPath, &opened);
  if (!catalog) {
    run.error = QString::fromStdString(opened.message);
    promise.addResult(std::move(run));
    return;
  }
  if (ids.empty()) {  // as proposeTags does for "all", but chunked
    for (const auto& song : catalog->songs()) {
      if (song.state == core::FileState::Analyzed) ids.push_back(song.fileId);
    }
  }
  // Tags are written as the library spells them ("Game", not the catalog's "game").
  library::AutotagParams spelled = params;
  spelled.spellings = library::librarySpellings(
      std::span(snapshot->songs.data(), snapshot->songs.size()), params.reading);
  const int total = static_cast<int>(ids.size());
  promise.setProgressRange(0, total);
  for (int start = 0; start < total; start += AutotagDialog::kProposalChunk) {
    if (promise.isCanceled()) return;
    const int end = std::min(total, start + AutotagDialog::kProposalChunk);
    const std::vector<std::int64_t> chunk(ids.begin() + start, ids.begin() + end);
    auto part = library::proposeTags(*catalog, *snapshot->model, chunk, spelled);
    std::move(part.begin(), part.end(), std::back_inserter(run.proposals));
    promise.setProgressValue(end);
  }
  promise.addResult(std::move(run));
}

}  // namespace

AutotagDialog::AutotagDialog(std::shared_ptr<const library::LibrarySnapshot> snapshot,
                             const QList<qint64>& fileIds, QWidget* parent)
    : QDialog(parent), m_snapshot(std::move(snapshot)) {
  for (const qint64 id : fileIds) m_fileIds.push_back(id);
  // One thread: proposal runs and the apply never overlap, so a preview never reads a file that
  // is being rewritten and each run may own its Catalog.
  m_pool.setMaxThreadCount(1);
  m_model = new AutotagModel(this);
  if (m_snapshot) {
    QHash<qint64, QString> labels;
    for (const core::SongRow& song : m_snapshot->songs) {
      if (song.info.title.empty()) continue;
      const QString title = QString::fromStdString(song.info.title);
      labels.insert(song.fileId, song.artistName.empty()
                                     ? title
                                     : QStringLiteral("%1 – %2").arg(
                                           title, QString::fromStdString(song.artistName)));
    }
    m_model->setSongLabels(std::move(labels));
  }
  buildUi();

  m_debounce = new QTimer(this);
  m_debounce->setSingleShot(true);
  m_debounce->setInterval(kRecomputeDelayMs);
  connect(m_debounce, &QTimer::timeout, this, &AutotagDialog::recompute);
  connect(&m_proposalWatcher, &QFutureWatcher<ProposalRun>::finished, this,
          &AutotagDialog::proposalsFinished);
  connect(&m_applyWatcher, &QFutureWatcher<library::BatchResult>::finished, this,
          &AutotagDialog::applyFinished);
  connect(m_model, &AutotagModel::selectionChanged, this, [this] {
    updateButtons();
    updateStatus();
  });
  recompute();
}

AutotagDialog::~AutotagDialog() {
  m_cancel = true;
  m_proposalWatcher.cancel();
  m_pool.waitForDone();
}

void AutotagDialog::buildUi() {
  setWindowTitle(tr("Auto-tag files"));
  m_field = new QComboBox(this);
  for (const TagField field : kFields) {
    const QString name = QLatin1String(audio::tagFieldName(field));
    m_field->addItem(name.left(1).toUpper() + name.mid(1), static_cast<int>(field));
  }
  m_minConfidence = new QDoubleSpinBox(this);
  m_minConfidence->setRange(100.0 * library::kAutotagMinConfidence.minValue,
                            100.0 * library::kAutotagMinConfidence.maxValue);
  m_minConfidence->setDecimals(1);
  m_minConfidence->setSingleStep(1.0);
  m_minConfidence->setSuffix(QStringLiteral(" %"));
  m_minConfidence->setValue(100.0 * modelThreshold());
  m_minConfidence->setToolTip(minConfidenceToolTip());
  m_maxTags = new QSpinBox(this);
  m_maxTags->setRange(library::kAutotagMaxTags.minValue, library::kAutotagMaxTags.maxValue);
  m_maxTags->setValue(library::kAutotagMaxTags.defaultValue);
  m_maxTags->setToolTip(QString::fromUtf8(library::kAutotagMaxTags.description));
  m_add = new QRadioButton(tr("&Add to the field's values"), this);
  m_replace = new QRadioButton(tr("&Replace the field's values"), this);
  m_add->setChecked(true);
  auto* modeGroup = new QButtonGroup(this);
  modeGroup->addButton(m_add);
  modeGroup->addButton(m_replace);
  m_preserveMtime = new QCheckBox(tr("Preserve &modification time"), this);
  m_preserveMtime->setChecked(true);
  m_preserveMtime->setToolTip(
      tr("Keep each file's modification date as it was, so other programs do not see it as new"));

  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
  form->addRow(tr("&Field:"), m_field);
  auto* numbers = new QHBoxLayout;
  numbers->addWidget(m_minConfidence);
  numbers->addSpacing(16);
  auto* maxLabel = new QLabel(tr("Ma&x tags per file:"), this);
  maxLabel->setBuddy(m_maxTags);
  numbers->addWidget(maxLabel);
  numbers->addWidget(m_maxTags);
  numbers->addStretch();
  auto* minLabel = new QLabel(tr("Minimum &confidence:"), this);
  minLabel->setBuddy(m_minConfidence);  // the row is a layout: the label needs its buddy named
  minLabel->setToolTip(m_minConfidence->toolTip());
  form->addRow(minLabel, numbers);
  auto* modes = new QHBoxLayout;
  modes->addWidget(m_add);
  modes->addWidget(m_replace);
  modes->addStretch();
  form->addRow(tr("Mode:"), modes);
  form->addRow(QString(), m_preserveMtime);

  m_status = new QLabel(this);
  m_precision = new QLabel(this);
  m_precision->setWordWrap(true);
  m_precision->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_view = new QTreeView(this);
  m_view->setModel(m_model);
  m_view->setUniformRowHeights(true);
  m_view->setAlternatingRowColors(true);
  m_view->setSelectionMode(QAbstractItemView::SingleSelection);
  m_view->header()->setStretchLastSection(true);
  m_view->setTextElideMode(Qt::ElideRight);  // reasons read from the start
  // Empty until an apply: hidden till then, so the preview's reasons get its width.
  m_view->setColumnHidden(AutotagModel::ResultColumn, true);
  connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
    m_view->expandAll();
    m_view->resizeColumnToContents(AutotagModel::NameColumn);
    m_view->resizeColumnToContents(AutotagModel::ProbabilityColumn);
    m_view->resizeColumnToContents(AutotagModel::OldColumn);
    m_view->resizeColumnToContents(AutotagModel::NewColumn);
    for (const int column :
         {AutotagModel::NameColumn, AutotagModel::OldColumn, AutotagModel::NewColumn}) {
      m_view->setColumnWidth(column, std::min(m_view->columnWidth(column), 320));
    }
  });

  m_progress = new QProgressBar(this);
  m_current = new QLabel(this);
  m_current->setMinimumWidth(200);
  auto* progressRow = new QHBoxLayout;
  progressRow->addWidget(m_progress, 1);
  progressRow->addWidget(m_current, 2);
  m_progress->hide();
  m_summary = new QLabel(this);
  m_summary->setWordWrap(true);
  m_summary->hide();  // shown with the outcome of an apply
  m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* buttons = new QDialogButtonBox(this);
  m_applyButton = buttons->addButton(tr("A&pply"), QDialogButtonBox::AcceptRole);
  m_stopButton = buttons->addButton(tr("&Stop"), QDialogButtonBox::ActionRole);
  m_closeButton = buttons->addButton(QDialogButtonBox::Close);
  m_applyButton->setDefault(true);
  // The button box's accept/reject would close the dialog; these buttons act instead.
  connect(m_applyButton, &QPushButton::clicked, this, &AutotagDialog::apply);
  connect(m_stopButton, &QPushButton::clicked, this, &AutotagDialog::cancelApply);
  connect(m_closeButton, &QPushButton::clicked, this, &AutotagDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(m_status);
  layout->addWidget(m_precision);
  layout->addWidget(m_view, 1);
  layout->addLayout(progressRow);
  layout->addWidget(m_summary);
  layout->addWidget(buttons);
  resize(900, 560);

  connect(m_field, &QComboBox::currentIndexChanged, this, &AutotagDialog::scheduleRecompute);
  connect(m_minConfidence, &QDoubleSpinBox::valueChanged, this, &AutotagDialog::scheduleRecompute);
  connect(m_maxTags, &QSpinBox::valueChanged, this, &AutotagDialog::scheduleRecompute);
  connect(m_replace, &QRadioButton::toggled, this, &AutotagDialog::scheduleRecompute);
}

library::AutotagParams AutotagDialog::params() const {
  library::AutotagParams params;
  params.field = static_cast<TagField>(m_field->currentData().toInt());
  // The spin box shows the model's threshold rounded to 0.1 %: left there, the exact one applies.
  const core::Calibration* calibration = modelCalibration();
  if (!calibration || m_minConfidence->value() != shownPercent(calibration->autoTagThreshold))
    params.minConfidence = static_cast<float>(m_minConfidence->value() / 100.0);
  params.maxTags = m_maxTags->value();
  params.mode = m_replace->isChecked() ? library::AutotagMode::Replace : library::AutotagMode::Add;
  params.reading = settings::tagReadingRules();
  return params;
}

void AutotagDialog::setParams(const library::AutotagParams& params) {
  m_field->setCurrentIndex(m_field->findData(static_cast<int>(params.field)));
  m_minConfidence->setValue(params.minConfidence ? shownPercent(*params.minConfidence)
                                                 : 100.0 * modelThreshold());
  m_maxTags->setValue(params.maxTags);
  (params.mode == library::AutotagMode::Replace ? m_replace : m_add)->setChecked(true);
}

bool AutotagDialog::preserveMtime() const {
  return m_preserveMtime->isChecked();
}
bool AutotagDialog::isComputing() const {
  return m_proposalWatcher.isRunning();
}
bool AutotagDialog::isApplying() const {
  return m_applyWatcher.isRunning();
}
QString AutotagDialog::statusText() const {
  return m_status->text();
}
QString AutotagDialog::summaryText() const {
  return m_summary->text();
}

void AutotagDialog::scheduleRecompute() {
  m_applyPending = true;  // the shown preview no longer matches the parameters
  updateButtons();
  m_debounce->start();
}

void AutotagDialog::recompute() {
  m_debounce->stop();
  m_applyPending = true;
  if (isApplying()) {
    m_debounce->start();  // after the batch; the pool runs one task at a time anyway
    return;
  }
  if (!m_snapshot || !m_snapshot->hasModel()) {
    m_error =
        m_snapshot && !m_snapshot->modelStatus.ok()
            ? tr("No usable model: %1").arg(QString::fromStdString(m_snapshot->modelStatus.message))
            : tr("No model yet: train the library first.");
    m_model->setProposals({});
    updateStatus();
    updateButtons();
    return;
  }
  library::AutotagThreshold threshold;
  if (const base::Status chosen = library::chooseAutotagThreshold(
          m_snapshot->model->model(), params().minConfidence, std::nullopt, threshold);
      !chosen.ok()) {
    m_error = QString::fromStdString(chosen.message);
    m_model->setProposals({});
    updateStatus();
    updateButtons();
    return;
  }
  m_threshold = threshold;
  m_proposalWatcher.cancel();  // a superseded run stops at its next chunk
  m_proposalWatcher.setFuture(QtConcurrent::run(&m_pool, computeProposals, m_snapshot->catalogPath,
                                                m_snapshot, m_fileIds, params()));
  updateStatus();
  updateButtons();
}

void AutotagDialog::proposalsFinished() {
  const QFuture<ProposalRun> future = m_proposalWatcher.future();
  if (future.isCanceled() || future.resultCount() == 0) return;  // superseded
  ProposalRun run = future.result();
  ++m_proposalRuns;
  m_error = run.error;
  m_hasResult = false;
  m_summary->clear();
  m_summary->hide();
  m_view->setColumnHidden(AutotagModel::ResultColumn, true);
  m_model->setProposals(std::move(run.proposals));
  m_applyPending = m_debounce->isActive();
  updateStatus();
  updateButtons();
  Q_EMIT proposalsReady();
}

void AutotagDialog::apply() {
  if (isApplying() || isComputing() || m_applyPending || m_hasResult) return;
  std::vector<library::Proposal> proposals = m_model->checkedProposals();
  if (proposals.empty()) return;
  m_cancel = false;
  m_model->clearOutcomes();
  m_view->setColumnHidden(AutotagModel::ResultColumn, false);
  setProgressRange(static_cast<int>(proposals.size()));
  m_progress->setValue(0);
  m_progress->show();
  m_current->setText(tr("Starting…"));
  m_summary->clear();

  const library::AutotagParams p = params();
  library::ApplyOptions options;
  options.preserveMtime = preserveMtime();
  options.reading = p.reading;
  options.note = QStringLiteral("autotag dialog: field %1, %2, min confidence %3, max tags %4")
                     .arg(QLatin1String(audio::tagFieldName(p.field)),
                          p.mode == library::AutotagMode::Add ? QStringLiteral("add")
                                                              : QStringLiteral("replace"))
                     .arg(static_cast<double>(p.minConfidence.value_or(modelThreshold())))
                     .arg(p.maxTags)
                     .toStdString();
  options.cancel = &m_cancel;
  // Called on the worker; the queued call is dropped if the dialog is gone (it waits first).
  options.progress = [this, observer = m_workerObserver](int done, int total,
                                                         const library::FileOutcome& outcome) {
    QMetaObject::invokeMethod(
        this, [this, done, total, outcome] { applyProgress(done, total, outcome); },
        Qt::QueuedConnection);
    if (observer) observer(done, total);
  };
  const QString catalogPath = m_snapshot->catalogPath;
  m_applyWatcher.setFuture(
      QtConcurrent::run(&m_pool, [catalogPath, proposals = std::move(proposals), options] {
        library::BatchResult result;
        auto catalog = openCatalog(catalogPath, &result.status);
        if (!catalog) return result;
        return library::applyProposals(*catalog, proposals, options);
      }));
  updateButtons();
}

void AutotagDialog::setProgressRange(int files) {
  m_progress->setRange(0, files);
  // %v is QProgressBar's own placeholder for the value; %n is the count, for the plural.
  m_progress->setFormat(tr("%v of %n file(s)", nullptr, files));
}

void AutotagDialog::applyProgress(int done, int total, const library::FileOutcome& outcome) {
  if (m_progress->maximum() != total) setProgressRange(total);
  m_progress->setValue(done);
  m_current->setText(QFileInfo(QFile::decodeName(outcome.path.c_str())).fileName());
  m_model->setOutcome(outcome);
}

void AutotagDialog::cancelApply() {
  if (!isApplying()) return;
  m_cancel = true;
  m_current->setText(tr("Stopping after the current file…"));
  m_stopButton->setEnabled(false);
}

void AutotagDialog::applyFinished() {
  m_lastResult = m_applyWatcher.result();
  m_hasResult = true;
  for (const library::FileOutcome& outcome : m_lastResult.files) m_model->setOutcome(outcome);
  const library::BatchResult& r = m_lastResult;
  QString text;
  if (!r.status.ok()) {
    text = tr("Nothing was written: %1").arg(QString::fromStdString(r.status.message));
  } else {
    text = tr("Batch %1: %2 written, %3 skipped, %4 failed.")
               .arg(r.batchId)
               .arg(r.count(library::FileOutcomeKind::Written))
               .arg(r.count(library::FileOutcomeKind::Skipped))
               .arg(r.count(library::FileOutcomeKind::Failed));
    if (r.cancelled) {
      text += QLatin1Char(' ') + tr("Stopped early: the remaining files were not touched.");
    }
    if (r.count(library::FileOutcomeKind::Written) > 0) {
      text += QLatin1Char(' ') + tr("Edit ▸ Undo auto-tagging restores the previous values; "
                                    "Edit ▸ Accept makes them your tags (only accepted values are "
                                    "learned from).");
    }
  }
  m_summary->setText(text);
  m_summary->show();
  m_progress->hide();
  m_current->clear();
  updateButtons();
  if (r.batchId > 0) Q_EMIT applied(r.batchId);
  if (m_closeWhenDone) QDialog::reject();
}

void AutotagDialog::reject() {
  if (isApplying()) {  // finish the current file, then close
    m_closeWhenDone = true;
    cancelApply();
    return;
  }
  QDialog::reject();
}

void AutotagDialog::updateButtons() {
  const bool applying = isApplying();
  const bool ready = !applying && !isComputing() && !m_applyPending && !m_hasResult &&
                     m_error.isEmpty() && m_model->writableCount() > 0;
  m_applyButton->setEnabled(ready);
  m_applyButton->setText(ready ? tr("A&pply to %n file(s)", nullptr, m_model->writableCount())
                               : tr("A&pply"));
  m_stopButton->setVisible(applying);
  m_stopButton->setEnabled(applying && !m_cancel);
  m_closeButton->setEnabled(!m_closeWhenDone);
  for (QWidget* w : std::initializer_list<QWidget*>{m_field, m_minConfidence, m_maxTags, m_add,
                                                    m_replace, m_preserveMtime}) {
    w->setEnabled(!applying);
  }
  m_view->setEnabled(!applying);
}

const core::Calibration* AutotagDialog::modelCalibration() const {
  if (!m_snapshot || !m_snapshot->hasModel() || !m_snapshot->model->model().calibration)
    return nullptr;
  return &*m_snapshot->model->model().calibration;
}

float AutotagDialog::modelThreshold() const {
  const core::Calibration* calibration = modelCalibration();
  return calibration ? calibration->autoTagThreshold : library::kAutotagMinConfidence.defaultValue;
}

double AutotagDialog::shownPercent(float probability) {
  return std::round(1000.0 * static_cast<double>(probability)) / 10.0;
}

QString AutotagDialog::minConfidenceToolTip() const {
  QString text =
      tr("The calibrated probability a tag must reach to be proposed: of the tags "
         "proposed at 90 %, about 9 in 10 are right.");
  const core::Calibration* calibration = modelCalibration();
  if (!calibration) return text;
  text += QLatin1Char(' ') +
          tr("The model's default, %1, is the lowest at which its proposals on %2 songs it did "
             "not train on reached the target precision of %3: %4 of them were right.")
              .arg(thresholdText(calibration->autoTagThreshold))
              .arg(calibration->songs)
              .arg(percentText(calibration->targetPrecision))
              .arg(percentText(calibration->expectedPrecision));
  return text;
}

QString AutotagDialog::precisionText() const {
  if (!m_error.isEmpty() || isComputing() || !m_threshold) return {};
  const std::vector<library::Proposal> checked = m_model->checkedProposals();
  int tags = 0;
  for (const library::Proposal& p : checked) tags += static_cast<int>(p.added.size());
  const double expected = library::expectedBatchPrecision(checked);
  QString text = expected >= 0 ? tr("Expected precision of the %n checked tag(s): %1 (their mean "
                                    "probability, the share expected to be right).",
                                    nullptr, tags)
                                     .arg(percentText(static_cast<float>(expected)))
                               : tr("No tag is checked.");
  const float heldOut = m_threshold->heldOutPrecision();
  if (heldOut >= 0) {
    text += QLatin1Char(' ') + tr("On songs the model did not train on, %1 of the proposals at "
                                  "this minimum confidence were right.")
                                   .arg(percentText(heldOut));
  }
  if (!m_threshold->note.empty())
    text += QLatin1Char(' ') + QString::fromStdString(m_threshold->note);
  return text;
}

void AutotagDialog::updateStatus() {
  m_precision->setText(precisionText());
  m_precision->setVisible(!m_precision->text().isEmpty());
  if (!m_error.isEmpty()) {
    m_status->setText(m_error);
    return;
  }
  if (isComputing()) {
    m_status->setText(tr("Reading the files' tags and the model's predictions…"));
    return;
  }
  int skipped = 0;
  for (int row = 0; row < m_model->fileCount(); ++row) {
    const QModelIndex index = m_model->fileIndex(row);
    if (!(m_model->flags(index) & Qt::ItemIsUserCheckable)) ++skipped;
  }
  m_status->setText(tr("%n file(s): %1 will change, %2 skipped by the engine, %3 left out by you.",
                       nullptr, m_model->fileCount())
                        .arg(m_model->writableCount())
                        .arg(skipped)
                        .arg(m_model->fileCount() - skipped - m_model->writableCount()));
}

}  // namespace songspace::ui
