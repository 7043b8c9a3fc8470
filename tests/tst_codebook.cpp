#include <QtTest>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <set>

#include "audio/codebook.h"
#include "tests/fuzz/fuzzfiles.h"
#include "tests/fuzz/fuzzinputs.h"

namespace base = songspace::base;

using base::ErrorCode;
using songspace::audio::BagOfWords;
using songspace::audio::Codebook;
using songspace::audio::FrameMatrix;
using songspace::audio::KMeansParams;

namespace {

constexpr int kBlobs = 8;
constexpr int kDim = 39;
constexpr int kPerBlob = 500;

// Test data comes from the standard distributions: only properties are checked, never values
// that would depend on the library's implementation.
struct Blobs {
  FrameMatrix points;
  FrameMatrix centres;
  std::vector<int> truth;
};

Blobs makeBlobs(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> where(-10.0f, 10.0f);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  Blobs blobs;
  blobs.centres.resize(kBlobs, kDim);
  for (Eigen::Index i = 0; i < blobs.centres.size(); ++i) blobs.centres.data()[i] = where(rng);
  blobs.points.resize(Eigen::Index{kBlobs} * kPerBlob, kDim);
  for (int i = 0; i < kBlobs * kPerBlob; ++i) {
    const int blob = i % kBlobs;  // interleaved, so no order can be exploited
    blobs.truth.push_back(blob);
    for (int d = 0; d < kDim; ++d) blobs.points(i, d) = blobs.centres(blob, d) + noise(rng);
  }
  return blobs;
}

FrameMatrix randomFrames(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> value(0.0f, 1.0f);
  FrameMatrix frames(rows, cols);
  for (Eigen::Index i = 0; i < frames.size(); ++i) frames.data()[i] = value(rng);
  return frames;
}

// Small integers: every product and sum is exact in float, so ties are exact ties.
FrameMatrix integerFrames(Eigen::Index rows, Eigen::Index cols, int range, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> value(-range, range);
  FrameMatrix frames(rows, cols);
  for (Eigen::Index i = 0; i < frames.size(); ++i) {
    frames.data()[i] = static_cast<float>(value(rng));
  }
  return frames;
}

Codebook identityCodebook(FrameMatrix centroids) {
  const auto d = centroids.cols();
  return Codebook(std::move(centroids), Eigen::VectorXf::Zero(d), Eigen::VectorXf::Ones(d));
}

// Reference: plain loop over squared distances, lower index wins ties.
std::vector<int> bruteForce(const Codebook& codebook, const FrameMatrix& frames,
                            std::vector<double>* gaps = nullptr) {
  std::vector<int> labels;
  for (Eigen::Index i = 0; i < frames.rows(); ++i) {
    const Eigen::VectorXd z =
        ((frames.row(i).transpose() - codebook.mean()).cwiseProduct(codebook.invStd()))
            .cast<double>();
    double best = std::numeric_limits<double>::infinity();
    double second = best;
    int bestIndex = -1;
    for (int k = 0; k < codebook.size(); ++k) {
      const double dist =
          (z - codebook.centroids().row(k).transpose().cast<double>()).squaredNorm();
      if (dist < best) {
        second = best;
        best = dist;
        bestIndex = k;
      } else if (dist < second) {
        second = dist;
      }
    }
    labels.push_back(bestIndex);
    if (gaps != nullptr) gaps->push_back(second - best);
  }
  return labels;
}

// Learned centroids mapped back to raw units.
FrameMatrix rawCentroids(const Codebook& codebook) {
  FrameMatrix raw = codebook.centroids();
  for (Eigen::Index k = 0; k < raw.rows(); ++k) {
    raw.row(k) =
        raw.row(k).cwiseQuotient(codebook.invStd().transpose()) + codebook.mean().transpose();
  }
  return raw;
}

// Every true centre has exactly one learned centroid within `radius`.
bool recovered(const Codebook& codebook, const FrameMatrix& centres, float radius) {
  const FrameMatrix raw = rawCentroids(codebook);
  for (Eigen::Index c = 0; c < centres.rows(); ++c) {
    int near = 0;
    for (Eigen::Index k = 0; k < raw.rows(); ++k) {
      if ((raw.row(k) - centres.row(c)).norm() < radius) ++near;
    }
    if (near != 1) return false;
  }
  return true;
}

double purity(const std::vector<int>& labels, const std::vector<int>& truth, int clusters) {
  std::map<std::pair<int, int>, int> joint;
  for (std::size_t i = 0; i < labels.size(); ++i) ++joint[{labels[i], truth[i]}];
  std::vector<int> best(static_cast<std::size_t>(clusters), 0);
  for (const auto& [key, count] : joint) {
    auto& b = best[static_cast<std::size_t>(key.first)];
    b = std::max(b, count);
  }
  double total = 0;
  for (const int b : best) total += b;
  return total / static_cast<double>(labels.size());
}

// Independent bitwise CRC-32 (IEEE) to check the file layout.
std::uint32_t referenceCrc(const std::uint8_t* data, std::size_t size) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::uint32_t readU32(const std::vector<std::uint8_t>& bytes, std::size_t offset) {
  return std::uint32_t{bytes[offset]} | std::uint32_t{bytes[offset + 1]} << 8 |
         std::uint32_t{bytes[offset + 2]} << 16 | std::uint32_t{bytes[offset + 3]} << 24;
}

bool bitIdentical(const FrameMatrix& a, const FrameMatrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(float) * static_cast<std::size_t>(a.size())) == 0;
}

bool bitIdentical(const Eigen::VectorXf& a, const Eigen::VectorXf& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](float x, float y) {
           return std::bit_cast<std::uint32_t>(x) == std::bit_cast<std::uint32_t>(y);
         });
}

KMeansParams blobParams() {
  KMeansParams params;
  params.clusters = kBlobs;
  params.iterations = 50;
  return params;
}

}  // namespace

class CodebookTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void recoversPlantedBlobs();
  void seedingSpreadsCentres();
  void deterministicForSeed();
  void sameCodebookForAnyThreadCount();
  void sameSeedsForAnyThreadCount();
  void miniBatchCloseToLloyd();
  void assignEqualsBruteForceWithExactTies();
  void assignEqualsBruteForceOnRandomData();
  void standardisationBalancesScales();
  void degenerateDataStaysFinite();
  void serializeRoundTrip();
  void serializeLayout();
  void deserializeRejectsCorruption();
  void bagOfWordsMatchesBruteForce_data();
  void bagOfWordsMatchesBruteForce();
  void bagOfWordsRejectsWrongDimension();
  void rejectsInvalidInput();
  void fuzzInputs();
};

void CodebookTest::recoversPlantedBlobs() {
  const Blobs blobs = makeBlobs(11);
  Codebook codebook;
  const auto status = Codebook::train(blobs.points, blobParams(), codebook);
  QVERIFY2(status.ok(), status.message.c_str());
  QCOMPARE(codebook.size(), kBlobs);
  QCOMPARE(codebook.dimension(), kDim);
  // A blob mean of 500 points with unit noise lies ~0.28 from its true centre in 39-D.
  QVERIFY(recovered(codebook, blobs.centres, 0.6f));
  std::vector<int> labels;
  codebook.assign(blobs.points, labels);
  QCOMPARE(purity(labels, blobs.truth, kBlobs), 1.0);
}

void CodebookTest::seedingSpreadsCentres() {
  // One Lloyd step cannot move a centroid between blobs this far apart, so one centroid per blob
  // after a single iteration means k-means++ put exactly one seed into every blob.
  const Blobs blobs = makeBlobs(12);
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    KMeansParams params = blobParams();
    params.iterations = 1;
    params.seed = seed;
    Codebook codebook;
    QVERIFY(Codebook::train(blobs.points, params, codebook).ok());
    QVERIFY2(recovered(codebook, blobs.centres, 0.6f), qPrintable(QString::number(seed)));
  }
}

void CodebookTest::deterministicForSeed() {
  const FrameMatrix frames = randomFrames(3000, 6, 5);
  for (const int batch : {0, 128}) {
    KMeansParams params;
    params.clusters = 24;
    params.iterations = 10;
    params.batchSize = batch;
    Codebook a, b, c;
    QVERIFY(Codebook::train(frames, params, a).ok());
    QVERIFY(Codebook::train(frames, params, b).ok());
    params.seed = 2;
    QVERIFY(Codebook::train(frames, params, c).ok());
    QVERIFY(bitIdentical(a.centroids(), b.centroids()));
    QVERIFY(!bitIdentical(a.centroids(), c.centroids()));
  }
}

// Lloyd's assignment split across threads (ranges of rows, each of several score blocks) gives
// the codebook of one thread, bit for bit: enough rows and codewords for 2, 3 and 4 ranges.
void CodebookTest::sameCodebookForAnyThreadCount() {
  const FrameMatrix frames = randomFrames(9000, 13, 11);
  KMeansParams params;
  params.clusters = 300;
  params.iterations = 6;
  Codebook one;
  QVERIFY(Codebook::train(frames, params, one).ok());
  for (const int threads : {2, 3, 4}) {
    params.threads = threads;
    Codebook many;
    QVERIFY(Codebook::train(frames, params, many).ok());
    QVERIFY2(bitIdentical(one.centroids(), many.centroids()), qPrintable(QString::number(threads)));
  }
}

// The k-means++ seeding's distances and sums, split across threads by blocks of 1024 rows, give
// the seeds of one thread, bit for bit: 12 288 seeding rows (K = 384) make three ranges of four
// blocks. One Lloyd iteration only, so that the seeds decide the codebook; the mini-batch path
// (same seeding, serial updates) too.
void CodebookTest::sameSeedsForAnyThreadCount() {
  const FrameMatrix frames = randomFrames(12288, 6, 17);
  for (const int batchSize : {0, 512}) {
    KMeansParams params;
    params.clusters = 384;
    params.iterations = 1;
    params.batchSize = batchSize;
    Codebook one;
    QVERIFY(Codebook::train(frames, params, one).ok());
    for (const int threads : {2, 3, 8}) {
      params.threads = threads;
      Codebook many;
      QVERIFY(Codebook::train(frames, params, many).ok());
      QVERIFY2(bitIdentical(one.centroids(), many.centroids()),
               qPrintable(QStringLiteral("batch %1, %2 threads").arg(batchSize).arg(threads)));
    }
  }
}

void CodebookTest::miniBatchCloseToLloyd() {
  const Blobs blobs = makeBlobs(13);
  Codebook lloyd, mini;
  QVERIFY(Codebook::train(blobs.points, blobParams(), lloyd).ok());
  KMeansParams params = blobParams();
  params.batchSize = 256;
  params.iterations = 10;
  QVERIFY(Codebook::train(blobs.points, params, mini).ok());
  const double lloydInertia = lloyd.inertia(blobs.points);
  const double miniInertia = mini.inertia(blobs.points);
  QVERIFY2(miniInertia <= 1.05 * lloydInertia,
           qPrintable(QStringLiteral("%1 vs %2").arg(miniInertia).arg(lloydInertia)));
  QVERIFY(recovered(mini, blobs.centres, 0.6f));
}

void CodebookTest::assignEqualsBruteForceWithExactTies() {
  FrameMatrix centroids = integerFrames(60, 5, 2, 21);
  centroids.row(40) = centroids.row(3);  // exact duplicates: the lower index must win
  centroids.row(55) = centroids.row(3);
  const Codebook codebook = identityCodebook(centroids);
  const FrameMatrix frames = integerFrames(9000, 5, 3, 22);  // spans several row blocks
  std::vector<double> gaps;
  const std::vector<int> expected = bruteForce(codebook, frames, &gaps);
  std::vector<int> labels;
  codebook.assign(frames, labels);
  QCOMPARE(labels, expected);
  const auto ties = std::count(gaps.begin(), gaps.end(), 0.0);
  QVERIFY2(ties > 1000, "the data must contain many exact ties to mean anything");
  QVERIFY(std::find(labels.begin(), labels.end(), 40) == labels.end());
  QVERIFY(std::find(labels.begin(), labels.end(), 55) == labels.end());
}

void CodebookTest::assignEqualsBruteForceOnRandomData() {
  const FrameMatrix training = randomFrames(2000, kDim, 31);
  KMeansParams params;
  params.clusters = 64;
  params.iterations = 5;
  Codebook codebook;
  QVERIFY(Codebook::train(training, params, codebook).ok());
  const FrameMatrix frames = randomFrames(5000, kDim, 32);
  std::vector<double> gaps;
  const std::vector<int> expected = bruteForce(codebook, frames, &gaps);
  std::vector<int> labels;
  codebook.assign(frames, labels);
  // Float rounding may only decide genuine near-ties differently.
  int differ = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != expected[i]) {
      ++differ;
      QVERIFY2(gaps[i] < 1e-3, qPrintable(QString::number(gaps[i])));
    }
  }
  QVERIFY(differ <= 2);
}

void CodebookTest::standardisationBalancesScales() {
  // Dimension 0 holds two modes; dimension 1 is pure noise scaled by 1000; dimension 2 is
  // constant. Unscaled, k-means would split along the noise.
  std::mt19937_64 rng(41);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  FrameMatrix frames(2000, 3);
  std::vector<int> truth;
  for (int i = 0; i < frames.rows(); ++i) {
    truth.push_back(i % 2);
    frames(i, 0) = (i % 2 == 0 ? -10.0f : 10.0f) + noise(rng);
    frames(i, 1) = 1000.0f * noise(rng);
    frames(i, 2) = 5.0f;
  }
  KMeansParams params;
  params.clusters = 2;
  Codebook codebook;
  QVERIFY(Codebook::train(frames, params, codebook).ok());
  QVERIFY(codebook.invStd().allFinite());
  QVERIFY(codebook.centroids().allFinite());
  std::vector<int> labels;
  codebook.assign(frames, labels);
  QCOMPARE(purity(labels, truth, 2), 1.0);
  QVERIFY(std::abs(codebook.invStd()[1] * 1000.0f - 1.0f) < 0.1f);
}

void CodebookTest::degenerateDataStaysFinite() {
  // Three distinct points for five clusters: some clusters must stay duplicates or empty.
  FrameMatrix frames(30, 2);
  for (int i = 0; i < 30; ++i) frames.row(i) << static_cast<float>(i % 3), 1.0f;
  KMeansParams params;
  params.clusters = 5;
  Codebook codebook;
  QVERIFY(Codebook::train(frames, params, codebook).ok());
  QVERIFY(codebook.centroids().allFinite());
  QCOMPARE(codebook.inertia(frames), 0.0);
  params.batchSize = 7;
  QVERIFY(Codebook::train(frames, params, codebook).ok());
  QVERIFY(codebook.centroids().allFinite());
}

void CodebookTest::serializeRoundTrip() {
  const Blobs blobs = makeBlobs(51);
  Codebook codebook;
  QVERIFY(Codebook::train(blobs.points, blobParams(), codebook).ok());
  const std::vector<std::uint8_t> bytes = codebook.serialize();
  Codebook loaded;
  const auto status = Codebook::deserialize(bytes, loaded);
  QVERIFY2(status.ok(), status.message.c_str());
  QVERIFY(bitIdentical(loaded.centroids(), codebook.centroids()));
  QVERIFY(bitIdentical(loaded.mean(), codebook.mean()));
  QVERIFY(bitIdentical(loaded.invStd(), codebook.invStd()));
  QCOMPARE(loaded.serialize(), bytes);
  std::vector<int> a, b;
  codebook.assign(blobs.points, a);
  loaded.assign(blobs.points, b);
  QCOMPARE(a, b);
}

void CodebookTest::serializeLayout() {
  const char* check = "123456789";
  QCOMPARE(referenceCrc(reinterpret_cast<const std::uint8_t*>(check), 9), 0xCBF43926u);
  FrameMatrix centroids(2, 1);
  centroids << 1.5f, -2.0f;
  Eigen::VectorXf mean(1), invStd(1);
  mean << 0.25f;
  invStd << 4.0f;
  const std::vector<std::uint8_t> bytes = Codebook(centroids, mean, invStd).serialize();
  QCOMPARE(bytes.size(), std::size_t{16 + 4 * 4 + 4});
  QCOMPARE(std::string(bytes.begin(), bytes.begin() + 4), std::string("SSCB"));
  QCOMPARE(readU32(bytes, 4), 1u);   // version
  QCOMPARE(readU32(bytes, 8), 2u);   // K
  QCOMPARE(readU32(bytes, 12), 1u);  // D
  QCOMPARE(readU32(bytes, 16), std::bit_cast<std::uint32_t>(0.25f));
  QCOMPARE(readU32(bytes, 20), std::bit_cast<std::uint32_t>(4.0f));
  QCOMPARE(readU32(bytes, 24), std::bit_cast<std::uint32_t>(1.5f));
  QCOMPARE(readU32(bytes, 28), std::bit_cast<std::uint32_t>(-2.0f));
  QCOMPARE(readU32(bytes, 32), referenceCrc(bytes.data(), 32));
}

void CodebookTest::deserializeRejectsCorruption() {
  const Codebook codebook = identityCodebook(integerFrames(7, 3, 4, 61));
  const std::vector<std::uint8_t> good = codebook.serialize();
  Codebook out;
  QVERIFY(Codebook::deserialize(good, out).ok());

  auto expectError = [&](std::vector<std::uint8_t> bytes, base::ErrorCode error, const char* word) {
    Codebook target;
    const auto status = Codebook::deserialize(bytes, target);
    QCOMPARE(status.error, error);
    QVERIFY2(status.message.find(word) != std::string::npos, status.message.c_str());
    QVERIFY(target.empty());  // the output is untouched on failure
  };
  auto bytes = good;
  bytes[0] = 'X';
  expectError(bytes, base::ErrorCode::InvalidArgument, "magic");
  bytes = good;
  bytes[4] = 2;
  expectError(bytes, base::ErrorCode::InvalidArgument, "version");
  bytes = good;
  bytes[8] = 8;  // K = 8 but the payload holds 7 rows
  expectError(bytes, base::ErrorCode::Corrupt, "size");
  bytes = good;
  bytes.push_back(0);
  expectError(bytes, base::ErrorCode::Corrupt, "size");
  expectError({good.begin(), good.begin() + 10}, base::ErrorCode::Corrupt, "truncated");
  expectError({good.begin(), good.end() - 1}, base::ErrorCode::Corrupt, "size");
  bytes = good;
  bytes[30] ^= 0x01;
  expectError(bytes, base::ErrorCode::Corrupt, "checksum");
  bytes = good;
  bytes.back() ^= 0x80;
  expectError(bytes, base::ErrorCode::Corrupt, "checksum");

  // Exhaustively: no prefix and no single flipped bit is accepted.
  for (std::size_t size = 0; size < good.size(); ++size) {
    QVERIFY(!Codebook::deserialize(std::span(good).first(size), out).ok());
  }
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      bytes = good;
      bytes[i] ^= static_cast<std::uint8_t>(1u << bit);
      QVERIFY(!Codebook::deserialize(bytes, out).ok());
    }
  }
}

void CodebookTest::bagOfWordsMatchesBruteForce_data() {
  QTest::addColumn<int>("blockFrames");
  QTest::newRow("1") << 1;
  QTest::newRow("7") << 7;
  QTest::newRow("256") << 256;
}

void CodebookTest::bagOfWordsMatchesBruteForce() {
  QFETCH(int, blockFrames);
  FrameMatrix centroids = integerFrames(40, 4, 2, 71);
  centroids.row(20) = centroids.row(5);
  const Codebook codebook = identityCodebook(centroids);
  const FrameMatrix frames = integerFrames(1000, 4, 3, 72);  // 1000 is no multiple of 7 or 256
  std::map<std::uint32_t, float> expected;
  for (const int label : bruteForce(codebook, frames)) {
    expected[static_cast<std::uint32_t>(label)] += 1.0f;
  }
  BagOfWords bag(codebook, blockFrames);
  for (Eigen::Index i = 0; i < frames.rows(); ++i) {
    QVERIFY(bag.add(std::span<const float>(frames.row(i).data(), 4)));
  }
  QCOMPARE(bag.frames(), std::size_t{1000});
  const auto histogram = bag.histogram();
  const std::vector<std::pair<std::uint32_t, float>> want(expected.begin(), expected.end());
  QCOMPARE(histogram, want);        // sorted by codeword, no zero counts
  QCOMPARE(bag.histogram(), want);  // asking again changes nothing
}

void CodebookTest::bagOfWordsRejectsWrongDimension() {
  const Codebook codebook = identityCodebook(integerFrames(4, 3, 2, 81));
  BagOfWords bag(codebook, 4);
  const std::vector<float> wrong(5, 0.0f);
  const std::vector<float> right(3, 0.0f);
  QVERIFY(!bag.add(wrong));
  QVERIFY(bag.add(right));
  QCOMPARE(bag.frames(), std::size_t{1});
  QCOMPARE(bag.histogram().size(), std::size_t{1});
  const Codebook none;
  BagOfWords empty(none);
  QVERIFY(!empty.add(right));
  QVERIFY(empty.histogram().empty());
}

void CodebookTest::rejectsInvalidInput() {
  QVERIFY(KMeansParams{}.validate().ok());
  const FrameMatrix frames = randomFrames(50, 3, 91);
  Codebook out;
  KMeansParams params;
  params.clusters = 51;
  auto status = Codebook::train(frames, params, out);
  QCOMPARE(status.error, base::ErrorCode::InvalidArgument);
  QVERIFY2(status.message.find("51") != std::string::npos, status.message.c_str());
  QVERIFY(out.empty());

  const auto invalid = [](auto change) {
    KMeansParams p;
    change(p);
    const auto s = p.validate();
    return s.error == base::ErrorCode::InvalidArgument && !s.message.empty();
  };
  QVERIFY(invalid([](KMeansParams& p) { p.clusters = 1; }));
  QVERIFY(invalid([](KMeansParams& p) { p.clusters = 65537; }));
  QVERIFY(invalid([](KMeansParams& p) { p.iterations = 0; }));
  QVERIFY(invalid([](KMeansParams& p) { p.batchSize = -1; }));
  QVERIFY(invalid([](KMeansParams& p) { p.tolerance = 1.5; }));
  QVERIFY(invalid([](KMeansParams& p) { p.tolerance = std::nan(""); }));

  params.clusters = 4;
  params.iterations = 0;
  QCOMPARE(Codebook::train(frames, params, out).error, base::ErrorCode::InvalidArgument);
  params.iterations = 5;
  FrameMatrix bad = frames;
  bad(7, 1) = std::numeric_limits<float>::quiet_NaN();
  QCOMPARE(Codebook::train(bad, params, out).error, base::ErrorCode::InvalidArgument);
  QCOMPARE(Codebook::train(FrameMatrix(50, 0), params, out).error,
           base::ErrorCode::InvalidArgument);
  QVERIFY(Codebook::train(frames, params, out).ok());
  std::vector<int> labels;
  out.assign(randomFrames(3, 4, 92), labels);  // wrong dimension
  QCOMPARE(labels, std::vector<int>(3, -1));
  QVERIFY(std::isnan(out.inertia(randomFrames(3, 4, 92))));
}

// The fuzz seeds (as is, and with the checksum for the entry to append) load through the
// harness's entry, and what fuzzing found (tests/fuzz/regressions/codebook) is refused without a
// crash or a loaded codebook that does not round-trip (the entry aborts on those).
void CodebookTest::fuzzInputs() {
  const std::vector<songspace::fuzz::FuzzFile> seeds =
      songspace::fuzz::fuzzFiles(QStringLiteral("corpus/codebook"));
  QVERIFY(seeds.size() >= 2);
  for (const songspace::fuzz::FuzzFile& seed : seeds) {
    const base::Status status = songspace::fuzz::codebookInput(seed.input());
    QVERIFY2(status.ok(), qPrintable(seed.name));
  }
  for (const songspace::fuzz::FuzzFile& input :
       songspace::fuzz::fuzzFiles(QStringLiteral("regressions/codebook"))) {
    QVERIFY2(!songspace::fuzz::codebookInput(input.input()).ok(), qPrintable(input.name));
  }
}

QTEST_GUILESS_MAIN(CodebookTest)
#include "tst_codebook.moc"
