// RowCache<Row>: rows read from the database kept for a short while, so that
// the hot read path (a session per request, the person behind a code) does
// not go to the database every time. SqlStorage owns one per kind of row and
// clears it whenever this process writes that table (exact: a write by this
// process is seen by the next read). What another process writes (another
// server on the same PostgreSQL database, a CLI command on the same SQLite
// file) is seen once an entry is older than its maximum age.
//
// Race with writers: a reader takes Generation() before reading the database
// and Put()s only if no Clear() happened since; the writer clears when its
// statement ran and again after its transaction committed. A row read before
// the commit is therefore never kept past it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace ankang::server {

template <typename Row>
class RowCache {
 public:
  using Clock = std::chrono::steady_clock;

  // max_age 0: nothing is kept (Get always misses).
  void SetMaxAge(std::chrono::milliseconds max_age) {
    std::lock_guard<std::mutex> l(mu_);
    max_age_ms_.store(max_age.count());
    rows_.clear();
    ++generation_;
  }
  bool enabled() const { return max_age_ms_.load(std::memory_order_relaxed) > 0; }

  uint64_t Generation() {
    std::lock_guard<std::mutex> l(mu_);
    return generation_;
  }
  std::optional<Row> Get(const std::string& key) {
    if (!enabled()) return std::nullopt;
    std::lock_guard<std::mutex> l(mu_);
    auto it = rows_.find(key);
    if (it == rows_.end()) return std::nullopt;
    if (Clock::now() - it->second.loaded_at >= MaxAge()) {
      rows_.erase(it);
      return std::nullopt;
    }
    return it->second.row;
  }
  // Keeps row under key when nothing was cleared since `generation`.
  void Put(const std::string& key, const Row& row, uint64_t generation) {
    if (!enabled()) return;
    std::lock_guard<std::mutex> l(mu_);
    if (generation != generation_) return;
    const Clock::time_point now = Clock::now();
    if (rows_.size() >= kMaxRows) {  // drop what is too old; if that is not enough, all
      for (auto it = rows_.begin(); it != rows_.end();) {
        it = now - it->second.loaded_at >= MaxAge() ? rows_.erase(it) : std::next(it);
      }
      if (rows_.size() >= kMaxRows) rows_.clear();
    }
    rows_.insert_or_assign(key, Entry{row, now});
  }
  void Clear() {
    std::lock_guard<std::mutex> l(mu_);
    rows_.clear();
    ++generation_;
  }

 private:
  // Bounds memory at a province's peak: a person row with its verdict is about
  // 2 KB, so the two person caches hold at most ~8 MB. (Rows are worth keeping
  // only while they come back within the maximum age.)
  static constexpr size_t kMaxRows = 2048;
  struct Entry {
    Row row;
    Clock::time_point loaded_at;
  };
  std::chrono::milliseconds MaxAge() const {
    return std::chrono::milliseconds(max_age_ms_.load(std::memory_order_relaxed));
  }
  std::mutex mu_;
  std::atomic<int64_t> max_age_ms_{0};
  uint64_t generation_ = 0;
  std::unordered_map<std::string, Entry> rows_;
};

}  // namespace ankang::server
