#include "ui/aboutdialog.h"

#include <QApplication>
#include <QMessageBox>

#include "audio/versions.h"

namespace songspace::ui {

QString aboutText() {
  return QCoreApplication::translate(
             "AboutDialog",
             "<h3>Songspace %1</h3>"
             "<p>Explore a music collection in a learned joint semantic space: songs, artists "
             "and tags are points of one space, and things that sound alike sit close "
             "together.</p>"
             "<p>The method is <i>Large-Scale Music Annotation and Retrieval: Learning to Rank "
             "in Joint Semantic Spaces</i> by Jason Weston, Samy Bengio and Philippe Hamel "
             "(2011), trained with the WARP loss (Weston, Bengio &amp; Usunier, WSABIE, 2011) "
             "on bag-of-audio-words features of your own files.</p>"
             "<p>Qt %2 · FFmpeg %3 · TagLib %4</p>")
      .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion()),
           QString::fromStdString(audio::ffmpegVersion()),
           QString::fromStdString(audio::taglibVersion()));
}

void showAboutDialog(QWidget* parent) {
  QMessageBox::about(parent, QCoreApplication::translate("AboutDialog", "About Songspace"),
                     aboutText());
}

}  // namespace songspace::ui
