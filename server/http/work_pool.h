// A small bounded pool of threads for the work a route must not do on an HTTP
// worker (Argon2id password checks, fetching another issuer's key list).
// Run() answers at once: a pending Response (http/request.h) that a pool
// thread resolves, or 503 `busy` with Retry-After when the queue is full, in
// which case the work never runs. The HTTP worker goes back to other requests
// meanwhile; the Pistache skin sends the answer when it is resolved.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/http/request.h"

namespace ankang::server {

struct WorkPoolOptions {
  std::string name = "pool";  // in log lines and the thread name
  int threads = 1;
  size_t queue = 32;  // tasks waiting beyond the running ones
  // A task that waited longer is answered 503 without running. Keep it plus
  // the task's own time under the skin's header timeout (10 s): Pistache 0.0.5
  // answers 408 and closes a connection whose request is unanswered by then.
  int max_wait_ms = 4000;
  int retry_after_seconds = 2;
  int nice = 0;  // Linux niceness of the pool's threads: > 0 lets HTTP workers win the cores
};

class WorkPool {
 public:
  explicit WorkPool(WorkPoolOptions opts);
  // Answers every waiting task 503 and joins the threads once the running
  // tasks return.
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // fn on a pool thread: a Response whose `pending` is resolved with fn's
  // answer (500 when fn throws), or 503 `busy` + Retry-After at once when
  // the queue is full.
  Response Run(std::function<Response()> fn);

  // Counters for /metrics.
  size_t Waiting() const;
  uint64_t Refused() const;

 private:
  struct Task {
    std::function<Response()> fn;
    std::shared_ptr<PendingResponse> answer;
    std::chrono::steady_clock::time_point queued_at;
  };
  void Loop();
  Response Busy() const;

  WorkPoolOptions opts_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  bool stop_ = false;
  uint64_t refused_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace ankang::server
