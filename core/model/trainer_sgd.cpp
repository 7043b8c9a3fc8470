#include "core/model/trainer_sgd.h"

namespace songspace::core::sgd {

namespace {

// column += rate · g, or with AdaGrad: squared += g², column += rate · g / √squared; g = scale ·
// gradient.
template <typename Column>
void descend(Column&& column, Eigen::MatrixXf* squared, Eigen::Index index,
             const Eigen::VectorXf& gradient, float scale, float rate) {
  if (squared == nullptr) {
    column.noalias() += (rate * scale) * gradient;
    return;
  }
  auto g2 = squared->col(index).array();
  g2 += (scale * scale) * gradient.array().square();
  column.array() += (rate * scale) * gradient.array() * g2.rsqrt();
}

// `gradient` is the descent direction of the entity's embedding, already times the WARP weight.
void addToEntity(Parameters& p, Kind kind, int index, const Eigen::VectorXf& gradient, float rate) {
  switch (kind) {
    case Kind::Song:
      // ∂(V s)/∂V_k = s_k: only the columns of the song's nonzeros move.
      for (SparseRows::InnerIterator it(*p.songs, index); it; ++it)
        descend(p.V->col(it.index()), p.squaredV, it.index(), gradient, it.value(), rate);
      break;
    case Kind::Artist:
      descend(p.A->col(index), p.squaredA, index, gradient, 1.0f, rate);
      break;
    case Kind::Tag:
      descend(p.T->col(index), p.squaredT, index, gradient, 1.0f, rate);
      break;
  }
}

void projectEntity(Parameters& p, Kind kind, int index, float maxNorm) {
  if (kind == Kind::Song) {
    // The paper's constraint on V: every column the song selects onto ‖V_k‖ ≤ C (see trainer.cpp).
    for (SparseRows::InnerIterator it(*p.songs, index); it; ++it) {
      auto column = p.V->col(it.index());
      const float norm = column.norm();
      if (norm > maxNorm) column *= maxNorm / norm;
    }
    return;
  }
  auto column = kind == Kind::Artist ? p.A->col(index) : p.T->col(index);
  const float norm = column.norm();
  if (norm > maxNorm) column *= maxNorm / norm;
}

}  // namespace

void embed(const Parameters& p, Kind kind, int index, Eigen::VectorXf& out) {
  switch (kind) {
    case Kind::Song:
      out.setZero();
      for (SparseRows::InnerIterator it(*p.songs, index); it; ++it)
        out.noalias() += it.value() * p.V->col(it.index());
      break;
    case Kind::Artist:
      out = p.A->col(index);
      break;
    case Kind::Tag:
      out = p.T->col(index);
      break;
  }
}

float labelScore(const Parameters& p, Kind kind, int label, const Eigen::VectorXf& q) {
  switch (kind) {
    case Kind::Song: {
      float sum = 0;
      for (SparseRows::InnerIterator it(*p.songs, label); it; ++it)
        sum += it.value() * p.V->col(it.index()).dot(q);
      return sum;
    }
    case Kind::Artist:
      return p.A->col(label).dot(q);
    case Kind::Tag:
      return p.T->col(label).dot(q);
  }
  return 0;
}

float tripleMargin(const Parameters& p, Task task, int query, int positive, int negative,
                   Scratch& scratch) {
  const TaskShape shape = taskShape(task);
  embed(p, shape.query, query, scratch.query);
  return 1.0f - labelScore(p, shape.label, positive, scratch.query) +
         labelScore(p, shape.label, negative, scratch.query);
}

void tripleStep(Parameters& p, Task task, int query, int positive, int negative, float rate,
                float weight, Scratch& scratch) {
  const TaskShape shape = taskShape(task);
  embed(p, shape.query, query, scratch.query);
  embed(p, shape.label, positive, scratch.positive);
  embed(p, shape.label, negative, scratch.negative);
  tripleStepEmbedded(p, task, query, positive, negative, rate, weight, scratch);
}

void tripleStepEmbedded(Parameters& p, Task task, int query, int positive, int negative, float rate,
                        float weight, Scratch& scratch) {
  const TaskShape shape = taskShape(task);
  // loss = 1 − qᵀy + qᵀn:  ∂/∂q = n − y,  ∂/∂y = −q,  ∂/∂n = q.
  scratch.deltaQuery = weight * (scratch.positive - scratch.negative);
  scratch.deltaPositive = weight * scratch.query;
  scratch.deltaNegative = -weight * scratch.query;
  addToEntity(p, shape.query, query, scratch.deltaQuery, rate);
  addToEntity(p, shape.label, positive, scratch.deltaPositive, rate);
  addToEntity(p, shape.label, negative, scratch.deltaNegative, rate);
}

void projectTriple(Parameters& p, Task task, int query, int positive, int negative, float maxNorm,
                   Scratch& /*scratch*/) {
  const TaskShape shape = taskShape(task);
  projectEntity(p, shape.query, query, maxNorm);
  projectEntity(p, shape.label, positive, maxNorm);
  projectEntity(p, shape.label, negative, maxNorm);
}

}  // namespace songspace::core::sgd
