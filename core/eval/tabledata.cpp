#include "core/eval/tabledata.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "core/base/random.h"

namespace songspace::core {

namespace {

base::Status fail(base::ErrorCode error, std::string message) {
  return base::Status::failure(error, std::move(message));
}

bool parseNumber(const std::string& text, double& value) {
  std::size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  if (begin == end) return false;
  if (text[begin] == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(text.data() + begin, text.data() + end, value);
  return ec == std::errc() && ptr == text.data() + end && std::isfinite(value);
}

}  // namespace

base::Status parseCsv(std::string_view text, CsvTable& out) {
  out = {};
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;       // inside a quoted field
  bool fieldQuoted = false;  // the current field began with a quote
  bool any = false;          // the current record has content
  int line = 1;
  auto endRecord = [&]() {
    if (any || !record.empty()) {
      record.push_back(std::move(field));
      records.push_back(std::move(record));
    }
    record.clear();
    field.clear();
    any = false;
    fieldQuoted = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      if (!field.empty() || fieldQuoted) {
        return fail(base::ErrorCode::Corrupt, "stray quote on line " + std::to_string(line));
      }
      quoted = fieldQuoted = any = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      fieldQuoted = false;
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      endRecord();
      ++line;
    } else {
      if (fieldQuoted) {
        return fail(base::ErrorCode::Corrupt,
                    "text after a closing quote on line " + std::to_string(line));
      }
      field += c;
      any = true;
    }
  }
  if (quoted) return fail(base::ErrorCode::Corrupt, "unterminated quoted field");
  endRecord();
  if (records.empty()) return fail(base::ErrorCode::Corrupt, "empty file: no header row");
  out.header = std::move(records.front());
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != out.header.size()) {
      out = {};
      return fail(base::ErrorCode::Corrupt,
                  "row " + std::to_string(r) + " has " + std::to_string(records[r].size()) +
                      " fields, the header has " + std::to_string(records.front().size()));
    }
    out.rows.push_back(std::move(records[r]));
  }
  return {};
}

base::Status readCsv(const std::filesystem::path& file, CsvTable& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(base::ErrorCode::NotFound, "cannot open " + file.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  base::Status status = parseCsv(buffer.str(), out);
  if (!status.ok()) status.message = file.string() + ": " + status.message;
  return status;
}

base::Status toLabelledTable(const CsvTable& table, const std::string& labelColumn,
                             LabelledTable& out) {
  out = {};
  const auto labelIt = std::find(table.header.begin(), table.header.end(), labelColumn);
  if (labelIt == table.header.end()) {
    return fail(base::ErrorCode::NotFound, "no column named '" + labelColumn + "'");
  }
  const std::size_t labelCol = static_cast<std::size_t>(labelIt - table.header.begin());
  if (table.rows.empty())
    return fail(base::ErrorCode::InvalidArgument, "the table has no data rows");

  std::vector<std::size_t> keep;
  std::vector<std::vector<double>> columns;
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    if (c == labelCol) continue;
    std::vector<double> values(table.rows.size());
    bool numeric = true;
    for (std::size_t r = 0; r < table.rows.size() && numeric; ++r) {
      numeric = parseNumber(table.rows[r][c], values[r]);
    }
    const bool constant = numeric && std::all_of(values.begin(), values.end(),
                                                 [&](double v) { return v == values.front(); });
    if (!numeric || constant) {
      out.ignoredColumns.push_back(table.header[c]);
      continue;
    }
    keep.push_back(c);
    columns.push_back(std::move(values));
  }
  if (keep.empty())
    return fail(base::ErrorCode::InvalidArgument, "no numeric, non-constant column");

  out.features.resize(static_cast<Eigen::Index>(table.rows.size()),
                      static_cast<Eigen::Index>(keep.size()));
  for (std::size_t k = 0; k < keep.size(); ++k) {
    out.featureNames.push_back(table.header[keep[k]]);
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      out.features(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k)) = columns[k][r];
    }
  }
  // Class indices in order of first appearance (stable across runs of the same file).
  std::map<std::string, int> index;
  for (const auto& row : table.rows) {
    const std::string& name = row[labelCol];
    auto [it, inserted] = index.emplace(name, static_cast<int>(out.classNames.size()));
    if (inserted) out.classNames.push_back(name);
    out.labels.push_back(it->second);
  }
  return {};
}

void seededShuffle(std::vector<int>& items, std::uint64_t seed) {
  std::uint64_t state = seed;
  for (std::size_t i = items.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(base::splitMix64(state) % i);
    std::swap(items[i - 1], items[j]);
  }
}

std::vector<int> stratifiedFolds(const std::vector<int>& labels, int folds, std::uint64_t seed) {
  folds = std::max(1, folds);
  std::map<int, std::vector<int>> byClass;
  for (int r = 0; r < static_cast<int>(labels.size()); ++r) byClass[labels[r]].push_back(r);
  std::vector<int> fold(labels.size(), 0);
  int next = 0;
  std::uint64_t classSeed = seed;
  for (auto& [label, members] : byClass) {
    seededShuffle(members, base::splitMix64(classSeed));
    for (int r : members) {
      fold[static_cast<std::size_t>(r)] = next;
      next = (next + 1) % folds;
    }
  }
  return fold;
}

Standardiser Standardiser::fit(const Eigen::MatrixXd& data, const std::vector<int>& rows) {
  Standardiser s;
  const Eigen::Index cols = data.cols();
  s.mean = Eigen::VectorXd::Zero(cols);
  s.invStd = Eigen::VectorXd::Ones(cols);
  if (rows.empty()) return s;
  for (int r : rows) s.mean += data.row(r).transpose();
  s.mean /= static_cast<double>(rows.size());
  Eigen::VectorXd var = Eigen::VectorXd::Zero(cols);
  for (int r : rows) var += (data.row(r).transpose() - s.mean).array().square().matrix();
  var /= static_cast<double>(rows.size());
  for (Eigen::Index c = 0; c < cols; ++c) s.invStd[c] = var[c] > 0 ? 1.0 / std::sqrt(var[c]) : 1.0;
  return s;
}

Eigen::MatrixXd Standardiser::apply(const Eigen::MatrixXd& data,
                                    const std::vector<int>& rows) const {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), data.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.row(static_cast<Eigen::Index>(i)) =
        ((data.row(rows[i]).transpose() - mean).array() * invStd.array()).matrix().transpose();
  }
  return out;
}

}  // namespace songspace::core
