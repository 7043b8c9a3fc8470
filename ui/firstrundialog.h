#pragma once

#include <QDialog>
#include <QStringList>

class QListWidget;
class QRadioButton;
class QLabel;
class QProcess;
class QPushButton;

namespace songspace::ui {

// Where the demo library lives once scripts/fetch-demo.sh has built it (the script's default
// cache folder); empty when it has not been fetched.
QString cachedDemoLibrary();
// scripts/fetch-demo.sh next to the executable or in the source tree it was built from; empty if
// none is found.
QString findFetchDemoScript();

// The first start: choose the music folders to analyse (the platform's music folder is
// proposed) or the demo library. When the demo is chosen and not yet fetched, the dialog runs
// fetch-demo.sh without blocking and accepts once the script prints the library folder.
class FirstRunDialog : public QDialog {
  Q_OBJECT
 public:
  explicit FirstRunDialog(QWidget* parent = nullptr);
  ~FirstRunDialog() override;

  QStringList folders() const { return m_result; }  // valid after accept()
  bool demoChosen() const;

 private:
  void addFolder();
  void removeFolder();
  void startClicked();
  void fetchFinished();
  static QString noFolderHint();  // shown by Start with no folder, until one is added

  QRadioButton* m_mine;
  QRadioButton* m_demo;
  QListWidget* m_folders;
  QLabel* m_status;
  QPushButton* m_start;
  QProcess* m_fetch = nullptr;
  QStringList m_result;
};

}  // namespace songspace::ui
