#include "server/http/work_pool.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <exception>

namespace ankang::server {

WorkPool::WorkPool(WorkPoolOptions opts) : opts_(std::move(opts)) {
  if (opts_.threads < 1) opts_.threads = 1;
  for (int i = 0; i < opts_.threads; ++i) threads_.emplace_back([this] { Loop(); });
}

WorkPool::~WorkPool() {
  std::deque<Task> left;
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
    left.swap(queue_);
  }
  wake_.notify_all();
  for (Task& t : left) t.answer->Resolve(Busy());
  for (auto& t : threads_) t.join();
}

Response WorkPool::Busy() const {
  Response r = ErrorResponse(Status::kUnavailable, "busy",
                             "The server is busy; try again in a moment. 服务器繁忙，请稍后再试。");
  r.headers.emplace_back("Retry-After", std::to_string(opts_.retry_after_seconds));
  return r;
}

Response WorkPool::Run(std::function<Response()> fn) {
  Response r;
  r.pending = std::make_shared<PendingResponse>();
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stop_ || queue_.size() >= opts_.queue) {
      ++refused_;
      return Busy();
    }
    queue_.push_back(Task{std::move(fn), r.pending, std::chrono::steady_clock::now()});
  }
  wake_.notify_one();
  return r;
}

size_t WorkPool::Waiting() const {
  std::lock_guard<std::mutex> l(mu_);
  return queue_.size();
}

uint64_t WorkPool::Refused() const {
  std::lock_guard<std::mutex> l(mu_);
  return refused_;
}

void WorkPool::Loop() {
  pthread_setname_np(pthread_self(), opts_.name.substr(0, 15).c_str());
  // Linux applies a niceness to the one thread named by its id.
  if (opts_.nice > 0) setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), opts_.nice);
  for (;;) {
    Task t;
    {
      std::unique_lock<std::mutex> l(mu_);
      wake_.wait(l, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      t = std::move(queue_.front());
      queue_.pop_front();
    }
    if (std::chrono::steady_clock::now() - t.queued_at >
        std::chrono::milliseconds(opts_.max_wait_ms)) {
      {
        std::lock_guard<std::mutex> l(mu_);
        ++refused_;
      }
      t.answer->Resolve(Busy());
      continue;
    }
    Response out;
    try {
      out = t.fn();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "internal error in %s: %s\n", opts_.name.c_str(), e.what());
      out = ErrorResponse(Status::kInternal, "internal", "Internal error.");
    } catch (...) {
      std::fprintf(stderr, "internal error in %s\n", opts_.name.c_str());
      out = ErrorResponse(Status::kInternal, "internal", "Internal error.");
    }
    t.answer->Resolve(std::move(out));
  }
}

}  // namespace ankang::server
