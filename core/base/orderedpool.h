#pragma once

// An ordered worker pool: work(i) runs for i = 0, 1, …, n − 1 on several threads, and every
// result reaches consume(i, result) on the calling thread strictly in index order, so the caller
// can write results to a database or report progress as if the work had been sequential.
//
// Bounded: a worker takes index i only while i < consumed + window, so at most `window` results
// exist at once (finished and waiting, or being computed), however slow one item is.
// Stopping: consume returning false ends the run at once (later results are dropped). *cancel
// becoming true stops workers from taking new items; the items already taken are finished and
// still consumed in order. Either way the call returns after every worker has joined, with the
// number of results consumed.
// Thread rules: work runs on the pool's threads, concurrently with itself and with consume, and
// must be safe for that; consume runs on the calling thread only. Neither may throw.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace songspace::base {

struct OrderedPoolOptions {
  int threads = 1;                            // worker threads, ≥ 1 (values below count as 1)
  int window = 0;                             // results in flight; 0 means max(4, 4 · threads)
  const std::atomic<bool>* cancel = nullptr;  // polled before every item and while waiting
};

template <typename Result, typename Work, typename Consume>
int runOrdered(int n, const OrderedPoolOptions& options, Work work, Consume consume) {
  const int threads = std::max(1, options.threads);
  const int window = options.window > 0 ? options.window : std::max(4, 4 * threads);
  const auto cancelled = [&] {
    return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed);
  };
  std::vector<std::optional<Result>> results(static_cast<std::size_t>(std::max(n, 0)));
  std::mutex mutex;
  std::condition_variable resultReady;
  std::condition_variable slotFree;
  int nextIndex = 0;
  int consumed = 0;
  bool stop = false;

  auto worker = [&] {
    for (;;) {
      int index = 0;
      {
        std::unique_lock lock(mutex);
        slotFree.wait(lock,
                      [&] { return stop || nextIndex >= n || nextIndex < consumed + window; });
        if (stop || nextIndex >= n || cancelled()) return;
        index = nextIndex++;
      }
      Result result = work(index);
      {
        std::lock_guard lock(mutex);
        results[static_cast<std::size_t>(index)] = std::move(result);
      }
      resultReady.notify_all();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);

  while (consumed < n) {
    std::optional<Result> result;
    {
      std::unique_lock lock(mutex);
      const bool ready = resultReady.wait_for(lock, std::chrono::milliseconds(200), [&] {
        return results[static_cast<std::size_t>(consumed)].has_value();
      });
      if (!ready) {
        // Workers leave on cancel; once none holds the next index, nothing more will arrive.
        if (cancelled() && nextIndex <= consumed) break;
        continue;
      }
      result = std::move(results[static_cast<std::size_t>(consumed)]);
      results[static_cast<std::size_t>(consumed)].reset();
    }
    const bool goOn = consume(consumed, std::move(*result));
    {
      std::lock_guard lock(mutex);
      ++consumed;
      if (!goOn) stop = true;
    }
    slotFree.notify_all();
    if (!goOn) break;
  }
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  slotFree.notify_all();
  for (auto& thread : pool) thread.join();
  return consumed;
}

}  // namespace songspace::base
