#include <QtTest>

#include "core/base/status.h"
#include "core/model/trainingset.h"

namespace base = songspace::base;

class SmokeTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void names() {
    QCOMPARE(QString::fromLatin1(base::errorCodeName(base::ErrorCode::Corrupt)),
             QStringLiteral("corrupt"));
    QCOMPARE(QString::fromLatin1(songspace::core::taskName(songspace::core::Task::SimilarSongs)),
             QStringLiteral("similar_songs"));
  }
};

QTEST_GUILESS_MAIN(SmokeTest)
#include "tst_smoke.moc"
