#include "ui/firstrundialog.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QRadioButton>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace songspace::ui {

QString cachedDemoLibrary() {
  QString base = qEnvironmentVariable("SONGSPACE_DEMO_DIR");
  if (base.isEmpty()) {
    const QString cache =
        qEnvironmentVariable("XDG_CACHE_HOME", QDir::homePath() + QStringLiteral("/.cache"));
    base = cache + QStringLiteral("/songspace/demo");
  }
  const QDir library(base + QStringLiteral("/library"));
  // fetch-demo.sh leaves one ".<package>.done" marker per unpacked package.
  const QStringList done =
      library.entryList({QStringLiteral(".*.done")}, QDir::Files | QDir::Hidden);
  return done.isEmpty() ? QString() : library.absolutePath();
}

QString findFetchDemoScript() {
  const QString appDir = QCoreApplication::applicationDirPath();
  for (const QString& relative :
       {QStringLiteral("scripts"), QStringLiteral("../scripts"), QStringLiteral("../../scripts"),
        QStringLiteral("../../../scripts"), QStringLiteral("../share/songspace/scripts")}) {
    const QString candidate = QDir(appDir).filePath(relative + QStringLiteral("/fetch-demo.sh"));
    if (QFileInfo(candidate).isFile()) return QDir::cleanPath(candidate);
  }
  return {};
}

FirstRunDialog::FirstRunDialog(QWidget* parent)
    : QDialog(parent),
      m_mine(new QRadioButton(tr("Analyse my music folders"), this)),
      m_demo(new QRadioButton(tr("Try the demo library (free game soundtracks, ~300 MB)"), this)),
      m_folders(new QListWidget(this)),
      m_status(new QLabel(this)),
      m_start(new QPushButton(tr("Start"), this)) {
  setWindowTitle(tr("Welcome to Songspace"));
  auto* intro = new QLabel(tr("<h3>Welcome to Songspace</h3>"
                              "<p>Songspace listens to your music files and learns a map in which "
                              "songs, artists and tags that sound alike sit close together. "
                              "Analysing takes a while the first time; you can browse as soon as "
                              "the first results are in.</p>"),
                           this);
  intro->setWordWrap(true);
  const QString music = QStandardPaths::writableLocation(QStandardPaths::MusicLocation);
  if (!music.isEmpty() && QFileInfo(music).isDir()) m_folders->addItem(music);
  auto* add = new QPushButton(tr("Add Folder…"), this);
  auto* remove = new QPushButton(tr("Remove"), this);
  auto* folderButtons = new QHBoxLayout;
  folderButtons->addWidget(add);
  folderButtons->addWidget(remove);
  folderButtons->addStretch();
  m_mine->setChecked(true);
  m_status->setWordWrap(true);

  auto* buttons = new QDialogButtonBox(this);
  buttons->addButton(m_start, QDialogButtonBox::AcceptRole);
  buttons->addButton(QDialogButtonBox::Cancel);
  m_start->setDefault(true);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(intro);
  layout->addWidget(m_mine);
  layout->addWidget(m_folders);
  layout->addLayout(folderButtons);
  layout->addWidget(m_demo);
  layout->addWidget(m_status);
  layout->addWidget(buttons);
  resize(520, 420);

  connect(add, &QPushButton::clicked, this, &FirstRunDialog::addFolder);
  connect(remove, &QPushButton::clicked, this, &FirstRunDialog::removeFolder);
  connect(m_start, &QPushButton::clicked, this, &FirstRunDialog::startClicked);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(m_mine, &QRadioButton::toggled, m_folders, &QWidget::setEnabled);
  // The "add a folder" hint goes once one is added (or the demo chosen instead).
  const auto answered = [this] {
    if (m_status->text() == noFolderHint()) m_status->clear();
  };
  connect(m_folders->model(), &QAbstractItemModel::rowsInserted, this, answered);
  connect(m_demo, &QRadioButton::toggled, this, answered);
}

FirstRunDialog::~FirstRunDialog() {
  if (m_fetch && m_fetch->state() != QProcess::NotRunning) {
    m_fetch->kill();
    m_fetch->waitForFinished(2000);
  }
}

bool FirstRunDialog::demoChosen() const {
  return m_demo->isChecked();
}

QString FirstRunDialog::noFolderHint() {
  return tr("Add at least one folder with music.");
}

void FirstRunDialog::addFolder() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Add a Music Folder"));
  if (!dir.isEmpty() && m_folders->findItems(dir, Qt::MatchExactly).isEmpty()) {
    m_folders->addItem(dir);
  }
  m_mine->setChecked(true);
}

void FirstRunDialog::removeFolder() {
  delete m_folders->currentItem();
}

void FirstRunDialog::startClicked() {
  if (m_mine->isChecked()) {
    m_result.clear();
    for (int i = 0; i < m_folders->count(); ++i) m_result << m_folders->item(i)->text();
    if (m_result.isEmpty()) {
      m_status->setText(noFolderHint());
      return;
    }
    accept();
    return;
  }
  const QString cached = cachedDemoLibrary();
  if (!cached.isEmpty()) {
    m_result = {cached};
    accept();
    return;
  }
  const QString script = findFetchDemoScript();
  if (script.isEmpty()) {
    m_status->setText(
        tr("The demo library has not been fetched and scripts/fetch-demo.sh was "
           "not found next to the program."));
    return;
  }
  m_status->setText(tr("Fetching the demo library (this downloads Debian packages)…"));
  m_start->setEnabled(false);
  m_fetch = new QProcess(this);
  m_fetch->setProcessChannelMode(QProcess::SeparateChannels);
  connect(m_fetch, &QProcess::finished, this, &FirstRunDialog::fetchFinished);
  m_fetch->start(QStringLiteral("bash"), {script});
}

void FirstRunDialog::fetchFinished() {
  m_start->setEnabled(true);
  const QStringList lines = QString::fromLocal8Bit(m_fetch->readAllStandardOutput())
                                .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
  const QString folder = lines.isEmpty() ? QString() : lines.last().trimmed();
  if (m_fetch->exitCode() != 0 || !QFileInfo(folder).isDir()) {
    m_status->setText(tr("Fetching the demo library failed: %1")
                          .arg(QString::fromLocal8Bit(m_fetch->readAllStandardError()).right(300)));
    return;
  }
  m_result = {folder};
  accept();
}

}  // namespace songspace::ui
