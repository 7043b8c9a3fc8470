#pragma once

// Where a test finds the checkout and the command-line tool. The paths are fixed when the build is
// configured, and only tests/testpaths.cpp (library songspace_testpaths, linked by every test)
// holds them: no other test object depends on where the checkout is, so a clone in another folder
// (every CI run) reuses their cached compilation (ccache) instead of compiling each test again.

#include <QString>
#include <filesystem>

namespace songspace::test {

std::filesystem::path sourceDir();    // the checkout (absolute)
std::filesystem::path testDataDir();  // sourceDir() / "tests/data"
// sourceDir() or testDataDir() joined with `relative` ("" for the folder itself), as a QString.
QString sourcePath(const QString& relative);
QString testDataPath(const QString& relative);
// The songspace-cli this build made (absolute); a test that runs it is declared CLI in
// tests/CMakeLists.txt, so that it is built first.
QString cliPath();

}  // namespace songspace::test
