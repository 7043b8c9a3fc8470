#pragma once

// Internal to the trainer (exposed for tests): the per-triple score, hinge and SGD step that every
// task shares. All five scores are one dot product f(q, l) = Φ(q)ᵀ Φ(l) with Φ_song(s) = V s,
// Φ_artist(i) = A_i, Φ_tag(t) = T_t, so one gradient routine serves them all.

#include <Eigen/Core>

#include "core/model/trainingset.h"

namespace songspace::core::sgd {

enum class Kind { Song, Artist, Tag };

struct TaskShape {
  Kind query;
  Kind label;
};

constexpr TaskShape taskShape(Task task) {
  switch (task) {
    case Task::Tags:
      return {Kind::Song, Kind::Tag};
    case Task::Artist:
      return {Kind::Song, Kind::Artist};
    case Task::SimilarSongs:
      return {Kind::Song, Kind::Song};
    case Task::SongsForArtist:
      return {Kind::Artist, Kind::Song};
    case Task::SimilarArtists:
      return {Kind::Artist, Kind::Artist};
  }
  return {Kind::Song, Kind::Song};
}

// The learned parameters. Under Hogwild several workers write them at once, without locks.
struct Parameters {
  Eigen::MatrixXf* V = nullptr;  // d × F, column-major: a song's nonzeros select whole columns
  Eigen::MatrixXf* A = nullptr;  // d × |A|
  Eigen::MatrixXf* T = nullptr;  // d × |T|
  const SparseRows* songs = nullptr;
  // AdaGrad state (Duchi et al. 2011), one accumulator per parameter, shaped like V, A, T and
  // started at 1 (as LightFM does): G += g², step = rate · g / √G. Null: plain SGD, step =
  // rate · g. All three are set or none.
  Eigen::MatrixXf* squaredV = nullptr;
  Eigen::MatrixXf* squaredA = nullptr;
  Eigen::MatrixXf* squaredT = nullptr;
};

// Per-worker buffers, so that a step allocates nothing.
struct Scratch {
  explicit Scratch(int dimension)
      : query(dimension),
        positive(dimension),
        negative(dimension),
        deltaQuery(dimension),
        deltaPositive(dimension),
        deltaNegative(dimension) {}
  Eigen::VectorXf query, positive, negative;
  Eigen::VectorXf deltaQuery, deltaPositive, deltaNegative;
};

// Φ(kind, index) into out (unprojected: training sees V s as it is).
void embed(const Parameters& p, Kind kind, int index, Eigen::VectorXf& out);
// Φ(label)ᵀ q without materialising Φ(label) for songs: Σ_k s_k (V_kᵀ q).
float labelScore(const Parameters& p, Kind kind, int label, const Eigen::VectorXf& q);
// The hinge argument 1 − f_y(q) + f_ȳ(q) of a (query, positive, negative) triple.
float tripleMargin(const Parameters& p, Task task, int query, int positive, int negative,
                   Scratch& scratch);
// θ ← θ − rate · weight · ∂(1 − f_y(q) + f_ȳ(q))/∂θ for every parameter, all factors taken before
// the update (so shared columns receive the sum of their gradients). With AdaGrad state in p, a
// column's gradient g = weight · ∂/∂θ is first added to its accumulator and the step is
// rate · g / √G. No projection.
void tripleStep(Parameters& p, Task task, int query, int positive, int negative, float rate,
                float weight, Scratch& scratch);
// tripleStep when scratch.query, scratch.positive and scratch.negative already hold Φ(query),
// Φ(positive), Φ(negative) of the current parameters (the trainer has embedded them to choose the
// negative): the same update without embedding them again.
void tripleStepEmbedded(Parameters& p, Task task, int query, int positive, int negative, float rate,
                        float weight, Scratch& scratch);
// The norm constraint after a step: every touched column of A, T and every column of V that a
// touched song selects onto ‖·‖ ≤ C (see trainer.cpp). Scratch is unused (kept for the API).
void projectTriple(Parameters& p, Task task, int query, int positive, int negative, float maxNorm,
                   Scratch& scratch);

}  // namespace songspace::core::sgd
