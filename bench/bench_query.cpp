// Query latency: top-10 similar songs among N embedded songs (d = 64, and the default d of
// TrainOptions) by exact matrix-vector product + topK, beside the bare matrix-vector product
// measured in the same run (docs/design.md §3: an approximate index only if this shows it pays).
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/model/jointmodel.h"
#include "core/model/trainer.h"
#include "core/model/trainer_plan.h"

using namespace songspace::core;
namespace base = songspace::base;

namespace {

template <typename F>
double medianSeconds(int repeats, F&& f) {
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::nth_element(times.begin(), times.begin() + repeats / 2, times.end());
  return times[static_cast<std::size_t>(repeats / 2)];
}

}  // namespace

int main() {
  base::Xoshiro256 rng(1);
  JointModel model;
  std::printf("%5s %10s %14s %14s %8s\n", "d", "songs", "matvec ms", "top-10 ms", "ratio");
  for (const int d : {64, TrainOptions{}.dimension})
    for (int n : {10000, 100000, 1000000}) {
      Eigen::MatrixXf songs(d, n);
      for (Eigen::Index i = 0; i < songs.size(); ++i)
        songs.data()[i] = static_cast<float>(base::standardNormal(rng));
      songs.colwise().normalize();
      const Eigen::VectorXf query = songs.col(n / 2);
      const int repeats = n >= 1000000 ? 15 : 51;
      Eigen::VectorXf scores(n);
      float sink = 0;
      const double matvec = medianSeconds(repeats, [&] {
        scores.noalias() = songs.transpose() * query;
        sink += scores[0];
      });
      const double top = medianSeconds(repeats, [&] {
        sink += static_cast<float>(model.similarSongs(songs, query, 10, n / 2).front().index);
      });
      std::printf("%5d %10d %14.3f %14.3f %8.2f\n", d, n, matvec * 1e3, top * 1e3, top / matvec);
      if (sink == 12345.f) std::printf(" ");  // keep the work observable
    }
  return 0;
}
