#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace songspace::core {

// Reading a table returns a base::Status: NotFound (no such file, or no such label column),
// Corrupt (malformed CSV: the message names the line), InvalidArgument (no data rows, or no
// numeric, non-constant feature column). No exception crosses this boundary.

// A CSV as strings: a header row and rows of the same width.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// RFC 4180: comma separated, fields may be quoted ("a, b" and "say ""hi"""), LF or CRLF line
// ends, a trailing newline optional, blank lines ignored. Every row must have the header's width.
base::Status parseCsv(std::string_view text, CsvTable& out);
base::Status readCsv(const std::filesystem::path& file, CsvTable& out);

// Numeric features and class labels of a table. Columns other than the label that are not
// numeric in every row (e.g. `filename`) are ignored, and so are constant columns (e.g. `length`
// in GTZAN), which carry no information and would have zero variance.
struct LabelledTable {
  Eigen::MatrixXd features;  // rows × featureNames.size()
  std::vector<std::string> featureNames;
  std::vector<std::string> ignoredColumns;
  std::vector<int> labels;  // per row: index into classNames
  std::vector<std::string> classNames;

  int rows() const { return static_cast<int>(labels.size()); }
  int numClasses() const { return static_cast<int>(classNames.size()); }
};

base::Status toLabelledTable(const CsvTable& table, const std::string& labelColumn,
                             LabelledTable& out);

// Stratified k-fold assignment: the fold (0..folds-1) of every row. Within each class the rows
// are shuffled with the seed and dealt round-robin, the dealing continuing where the previous
// class stopped, so every fold gets ⌊n_c/k⌋ or ⌈n_c/k⌉ rows of class c and fold sizes differ by
// at most one.
std::vector<int> stratifiedFolds(const std::vector<int>& labels, int folds, std::uint64_t seed);

// Per-column standardisation fitted on a subset of rows (the training fold only, so the test
// fold never leaks into its own scaling). Zero-variance columns get scale 1.
struct Standardiser {
  Eigen::VectorXd mean;
  Eigen::VectorXd invStd;

  static Standardiser fit(const Eigen::MatrixXd& data, const std::vector<int>& rows);
  Eigen::MatrixXd apply(const Eigen::MatrixXd& data, const std::vector<int>& rows) const;
};

// Deterministic, portable shuffle (Fisher–Yates on splitmix64).
void seededShuffle(std::vector<int>& items, std::uint64_t seed);

}  // namespace songspace::core
