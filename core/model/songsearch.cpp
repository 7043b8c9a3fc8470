#include "core/model/songsearch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SONGSPACE_SEARCH_AVX2 1
#endif

namespace songspace::core {

namespace {

constexpr int kCodeMax = 7;  // codes c ∈ [-7, 7], stored as the nibble c + 8
constexpr int kCodeOffset = 8;
constexpr int kQueryMax = 127;  // the query's 8-bit codes
constexpr int kBlockDims = 64;  // one 32-byte block: dims [b, b+32) low nibbles, [b+32, b+64) high
constexpr int kTailDims = 32;   // a 16-byte tail: dims [b, b+16) low, [b+16, b+32) high
// Candidates re-scored to find the bound S on the k-th best exact score: the approximate order
// is noisy near the top, so a few times k gives an S close to the true k-th score.
constexpr int kBoundOverFetch = 4;
constexpr int kBoundMinCandidates = 40;

bool better(const Scored& a, const Scored& b) {
  return a.score > b.score || (a.score == b.score && a.index < b.index);
}

// The best `capacity` songs by approximate score, fed in ascending index order: a bounded heap
// whose front is the worst kept entry. As indices only grow, a later song beats a kept one only
// by a strictly greater score, which is what floor() lets the scan test four songs at a time.
class Shortlist {
 public:
  Shortlist(int capacity, int exclude) : m_capacity(capacity), m_exclude(exclude) {
    m_heap.reserve(static_cast<std::size_t>(capacity));
  }
  float floor() const { return m_floor; }
  void offer(int index, float score) {
    if (score <= m_floor || index == m_exclude || std::isnan(score)) return;
    if (static_cast<int>(m_heap.size()) < m_capacity) {
      m_heap.push_back({index, score});
      std::push_heap(m_heap.begin(), m_heap.end(), better);
    } else {
      std::pop_heap(m_heap.begin(), m_heap.end(), better);
      m_heap.back() = {index, score};
      std::push_heap(m_heap.begin(), m_heap.end(), better);
    }
    if (static_cast<int>(m_heap.size()) == m_capacity) m_floor = m_heap.front().score;
  }
  // Best first; the shortlist is spent.
  std::vector<Scored> take() {
    std::sort_heap(m_heap.begin(), m_heap.end(), better);
    return std::move(m_heap);
  }

 private:
  int m_capacity;
  int m_exclude;
  float m_floor = -std::numeric_limits<float>::infinity();
  std::vector<Scored> m_heap;
};

// Where dimension `dim` of a song lives: byte offset within the song's codes and nibble (0 low).
struct NibbleAddress {
  int byte;
  int high;
};
NibbleAddress addressOf(int dim, int paddedDimension) {
  const int fullBlocks = paddedDimension / kBlockDims;
  const int block = dim / kBlockDims;
  if (block < fullBlocks) {
    const int within = dim % kBlockDims;
    return {block * (kBlockDims / 2) + within % (kBlockDims / 2), within / (kBlockDims / 2)};
  }
  const int within = dim - fullBlocks * kBlockDims;
  return {fullBlocks * (kBlockDims / 2) + within % (kTailDims / 2), within / (kTailDims / 2)};
}

// The approximate scores s_j · queryScale · (dot(u_j, q) − offset) of every song j, u the stored
// nibbles (c + 8), q the padded 8-bit query, offset = 8 Σq (so dot − offset = dot(c_j, q)).
struct ScoreInput {
  const std::uint8_t* codes;
  const float* scales;
  int paddedDimension;
  int n;
  const std::int8_t* query;
  float queryScale;
  std::int32_t offset;
};

void approximateScoresPortable(const ScoreInput& in, Shortlist& out) {
  const int bytesPerSong = in.paddedDimension / 2;
  std::vector<std::int32_t> low(static_cast<std::size_t>(bytesPerSong));
  std::vector<std::int32_t> high(static_cast<std::size_t>(bytesPerSong));
  for (int dim = 0; dim < in.paddedDimension; ++dim) {
    const NibbleAddress a = addressOf(dim, in.paddedDimension);
    (a.high ? high : low)[static_cast<std::size_t>(a.byte)] = in.query[dim];
  }
  for (int i = 0; i < in.n; ++i) {
    const std::uint8_t* c = in.codes + static_cast<std::size_t>(i) * bytesPerSong;
    std::int32_t sum = 0;
    for (int b = 0; b < bytesPerSong; ++b) {
      sum += (c[b] & 0x0F) * low[static_cast<std::size_t>(b)] +
             (c[b] >> 4) * high[static_cast<std::size_t>(b)];
    }
    out.offer(i, in.scales[i] * in.queryScale * static_cast<float>(sum - in.offset));
  }
}

#ifdef SONGSPACE_SEARCH_AVX2
// The same scores for the layout addressOf() describes, four songs at a time, 64 dimensions per
// step: unsigned nibbles × signed query bytes (maddubs; at most 2 · 15 · 127 per 16-bit lane, no
// saturation), widened to 32 bits by madd; one horizontal reduction serves four songs.
__attribute__((target("avx2"))) __m256i songDots(const std::uint8_t* c, const std::int8_t* query,
                                                 int fullBlocks, bool tail) {
  const __m256i mask = _mm256_set1_epi8(0x0F);
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i acc = _mm256_setzero_si256();
  for (int b = 0; b < fullBlocks; ++b) {
    const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c + 32 * b));
    const __m256i lo = _mm256_and_si256(bytes, mask);
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), mask);
    const __m256i qLo =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(query + kBlockDims * b));
    const __m256i qHi =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(query + kBlockDims * b + 32));
    const __m256i pairs =
        _mm256_add_epi16(_mm256_maddubs_epi16(lo, qLo), _mm256_maddubs_epi16(hi, qHi));
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, ones));
  }
  if (tail) {
    const __m128i mask128 = _mm_set1_epi8(0x0F);
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c + 32 * fullBlocks));
    const __m128i lo = _mm_and_si128(bytes, mask128);
    const __m128i hi = _mm_and_si128(_mm_srli_epi16(bytes, 4), mask128);
    const std::int8_t* q = query + kBlockDims * fullBlocks;
    const __m128i qLo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i qHi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 16));
    const __m128i pairs = _mm_add_epi16(_mm_maddubs_epi16(lo, qLo), _mm_maddubs_epi16(hi, qHi));
    acc = _mm256_add_epi32(acc, _mm256_zextsi128_si256(_mm_madd_epi16(pairs, _mm_set1_epi16(1))));
  }
  return acc;
}

__attribute__((target("avx2"))) void approximateScoresAvx2(const ScoreInput& in, Shortlist& out) {
  const int bytesPerSong = in.paddedDimension / 2;
  const int fullBlocks = in.paddedDimension / kBlockDims;
  const bool tail = in.paddedDimension % kBlockDims != 0;
  const __m128i offset = _mm_set1_epi32(in.offset);
  const __m128 queryScale = _mm_set1_ps(in.queryScale);
  int i = 0;
  for (; i + 4 <= in.n; i += 4) {
    const std::uint8_t* c = in.codes + static_cast<std::size_t>(i) * bytesPerSong;
    const __m256i a0 = songDots(c, in.query, fullBlocks, tail);
    const __m256i a1 = songDots(c + bytesPerSong, in.query, fullBlocks, tail);
    const __m256i a2 = songDots(c + 2 * bytesPerSong, in.query, fullBlocks, tail);
    const __m256i a3 = songDots(c + 3 * bytesPerSong, in.query, fullBlocks, tail);
    const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(a0, a1), _mm256_hadd_epi32(a2, a3));
    const __m128i dots = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
    const __m128 scores = _mm_mul_ps(_mm_mul_ps(_mm_loadu_ps(in.scales + i), queryScale),
                                     _mm_cvtepi32_ps(_mm_sub_epi32(dots, offset)));
    // Most songs fall below the shortlist's floor: one compare rejects all four.
    if (_mm_movemask_ps(_mm_cmpgt_ps(scores, _mm_set1_ps(out.floor()))) == 0) continue;
    alignas(16) float values[4];
    _mm_store_ps(values, scores);
    for (int lane = 0; lane < 4; ++lane) out.offer(i + lane, values[lane]);
  }
  for (; i < in.n; ++i) {
    const __m256i a =
        songDots(in.codes + static_cast<std::size_t>(i) * bytesPerSong, in.query, fullBlocks, tail);
    __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
    sum = _mm_hadd_epi32(sum, sum);
    sum = _mm_hadd_epi32(sum, sum);
    out.offer(
        i, in.scales[i] * in.queryScale * static_cast<float>(_mm_cvtsi128_si32(sum) - in.offset));
  }
}
#endif

void approximateScores(const ScoreInput& in, bool portable, Shortlist& out) {
#ifdef SONGSPACE_SEARCH_AVX2
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2 && !portable) {
    approximateScoresAvx2(in, out);
    return;
  }
#endif
  approximateScoresPortable(in, out);
}

std::vector<Scored> exactSearch(const Eigen::MatrixXf& songs, const Eigen::VectorXf& query, int k,
                                int exclude, SongSearchIndex::SearchStats* stats) {
  if (stats) *stats = {static_cast<int>(songs.cols()), true};
  const Eigen::VectorXf scores = songs.transpose() * query;
  return topK(scores, k, exclude);
}

}  // namespace

SongSearchIndex::SongSearchIndex(const Eigen::MatrixXf& songs, const Options& options)
    : m_rescoreCap(std::clamp(options.rescoreCap, kRescoreCap.minValue, kRescoreCap.maxValue)),
      m_portableKernel(options.portableKernel) {
  m_dimension = static_cast<int>(songs.rows());
  const auto n = static_cast<int>(songs.cols());
  if (n == 0 || m_dimension == 0 || (n < kExactBelow && !options.forceQuantised)) return;
  m_paddedDimension = (m_dimension + kTailDims - 1) / kTailDims * kTailDims;
  const int bytesPerSong = m_paddedDimension / 2;
  m_codes.assign(static_cast<std::size_t>(n) * bytesPerSong,
                 static_cast<std::uint8_t>(kCodeOffset | (kCodeOffset << 4)));
  m_scales.assign(static_cast<std::size_t>(n), 0.0f);
  std::vector<NibbleAddress> address;
  for (int dim = 0; dim < m_dimension; ++dim) address.push_back(addressOf(dim, m_paddedDimension));
  for (int j = 0; j < n; ++j) {
    const auto x = songs.col(j);
    const float maxAbs = x.cwiseAbs().maxCoeff();
    if (!std::isfinite(maxAbs)) {
      m_codes.clear();  // a non-finite embedding has no bound: search exactly
      m_scales.clear();
      return;
    }
    const float scale = maxAbs > 0 ? maxAbs / kCodeMax : 0.0f;
    m_scales[static_cast<std::size_t>(j)] = scale;
    std::uint8_t* c = &m_codes[static_cast<std::size_t>(j) * bytesPerSong];
    double residual = 0, coded = 0;
    for (int dim = 0; dim < m_dimension; ++dim) {
      const int code =
          scale > 0 ? std::clamp(static_cast<int>(std::lround(x[dim] / scale)), -kCodeMax, kCodeMax)
                    : 0;
      const double value = static_cast<double>(scale) * code;
      residual += (x[dim] - value) * (x[dim] - value);
      coded += value * value;
      const NibbleAddress a = address[static_cast<std::size_t>(dim)];
      const auto nibble = static_cast<std::uint8_t>(code + kCodeOffset);
      c[a.byte] = a.high ? static_cast<std::uint8_t>((c[a.byte] & 0x0F) | (nibble << 4))
                         : static_cast<std::uint8_t>((c[a.byte] & 0xF0) | nibble);
    }
    m_maxResidual = std::max(m_maxResidual, static_cast<float>(std::sqrt(residual)));
    m_maxCodedNorm = std::max(m_maxCodedNorm, static_cast<float>(std::sqrt(coded)));
  }
  m_songCount = n;
}

std::vector<Scored> SongSearchIndex::search(const Eigen::MatrixXf& songs,
                                            const Eigen::VectorXf& query, int k, int exclude,
                                            SearchStats* stats) const {
  if (stats) *stats = {};
  if (k <= 0 || query.size() != songs.rows()) return {};
  const float queryMax = query.cwiseAbs().maxCoeff();
  if (!quantised() || songs.cols() != m_songCount || songs.rows() != m_dimension ||
      k > kMaxApproximateK || !std::isfinite(queryMax)) {
    return exactSearch(songs, query, k, exclude, stats);
  }
  const int n = m_songCount;

  // q̃ = queryScale · qCodes, and the error bound E of every approximate score.
  const float queryScale = queryMax > 0 ? queryMax / kQueryMax : 1.0f;
  std::vector<std::int8_t> qCodes(static_cast<std::size_t>(m_paddedDimension), 0);
  double queryError = 0;
  std::int32_t codeSum = 0;
  for (int dim = 0; dim < m_dimension; ++dim) {
    const int code = static_cast<int>(std::lround(query[dim] / queryScale));
    qCodes[static_cast<std::size_t>(dim)] = static_cast<std::int8_t>(code);
    codeSum += code;
    const double e = query[dim] - static_cast<double>(queryScale) * code;
    queryError += e * e;
  }
  const double bound = query.norm() * static_cast<double>(m_maxResidual) +
                       std::sqrt(queryError) * static_cast<double>(m_maxCodedNorm);

  // The best `cap` songs by approximate score, best first; the first few re-scored in float give
  // S, a lower bound on the k-th best exact score.
  Shortlist best(m_rescoreCap, exclude);
  approximateScores({m_codes.data(), m_scales.data(), m_paddedDimension, n, qCodes.data(),
                     queryScale, kCodeOffset * codeSum},
                    m_portableKernel, best);
  const std::vector<Scored> shortlist = best.take();
  if (static_cast<int>(shortlist.size()) < k) {  // fewer songs than k: all of them
    return exactSearch(songs, query, k, exclude, stats);
  }
  const int leaders = std::min(static_cast<int>(shortlist.size()),
                               std::max(kBoundMinCandidates, kBoundOverFetch * k));
  std::vector<float> exactOfLeaders;
  for (int i = 0; i < leaders; ++i)
    exactOfLeaders.push_back(songs.col(shortlist[static_cast<std::size_t>(i)].index).dot(query));
  std::nth_element(exactOfLeaders.begin(), exactOfLeaders.begin() + (k - 1), exactOfLeaders.end(),
                   std::greater<>());
  const double kth = exactOfLeaders[static_cast<std::size_t>(k - 1)];
  // Float rounding of the scores themselves (a few ulps of the largest magnitude involved).
  const double slack = 1e-5 * (std::abs(kth) + bound + 1e-3);
  const auto threshold = static_cast<float>(kth - bound - slack);

  // Every song outside the shortlist scores at most its last entry; when that is below the
  // threshold, no song outside can reach the k-th answer and the result is proven exact.
  const int others = n - (exclude >= 0 && exclude < n ? 1 : 0);
  const bool certified =
      static_cast<int>(shortlist.size()) == others || shortlist.back().score < threshold;
  std::vector<Scored> candidates;
  for (const Scored& s : shortlist) {
    if (certified && s.score < threshold) break;  // the rest cannot reach the k-th answer
    candidates.push_back({s.index, songs.col(s.index).dot(query)});
  }
  if (stats) {
    stats->rescored = static_cast<int>(candidates.size()) + leaders;
    stats->certified = certified;
  }
  const auto keep = std::min(candidates.size(), static_cast<std::size_t>(k));
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep),
                    candidates.end(), better);
  candidates.resize(keep);
  return candidates;
}

}  // namespace songspace::core
