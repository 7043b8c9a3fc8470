#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char* argv[]) {
  QCoreApplication app(argc, argv);
  QCoreApplication::setApplicationName(QStringLiteral("Songspace"));
  QCoreApplication::setOrganizationName(QStringLiteral("Songspace"));
  QTextStream(stderr) << "songspace-cli: no commands yet\n";
  return 2;
}
